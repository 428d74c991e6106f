"""航空 alone names a trade by its sentence: the airlines (航空机场) in market and travel text, aircraft making
(航天航空) in a sentence about making things; AVIC by its short name is a company, no trade (session 25)."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

AIRLINES = "90.BK0420"
AEROSPACE = "90.BK0480"


def test_aviation_in_a_market_wrap_is_the_airlines() -> None:
    text = "涨幅居前的行业包括:汽车制造(+13.4%),跌幅居前的行业包括:航空(-25.3%)、石油石化(-18.6%)。"
    assert AIRLINES in boards(text)
    assert AEROSPACE not in boards(text)  # 制造 in the sentence, but the move after 航空 is a market's
    assert AIRLINES in boards("旅游酒店、航空、酿酒、商业百货、食品饮料等板块涨幅居前。")
    assert AIRLINES in boards("基金减持前期涨幅较大的食品饮料、航空及资源股。")


def test_aviation_beside_travel_is_the_airlines() -> None:
    assert AIRLINES in boards("城市之间的航空、高铁、航运和公路等远程大交通的花费占比上升。")
    assert AIRLINES in boards("三大国有航空货运企业合计占据半壁江山。")


def test_aviation_in_a_list_of_industries_made_is_aircraft_making() -> None:
    text = "项目涵盖了移动智能终端、LED、航空、生物医药、智能装备等多个产业领域。"
    assert AEROSPACE in boards(text)
    assert AIRLINES not in boards(text)
    text = "应用主要集中于国防、电力、石化、核电、环保、汽车、航空、船舶、铁路等行业的高端装备制造领域。"
    assert AEROSPACE in boards(text)
    assert AIRLINES not in boards(text)
    assert AEROSPACE in boards("低空经济涉及航空制造、新能源、智慧城市等多个领域。")


def test_aviation_alone_without_a_cue_names_no_trade() -> None:
    assert boards("他乘坐的航空班次延误了两个小时。") == set()


def test_avic_by_its_short_name_is_no_trade() -> None:
    text = "该公司,中国航空工业,中航资本,中航融富拟分别以现金出资。"
    assert AEROSPACE not in boards(text)
    assert AIRLINES not in boards(text)
