"""Words of the 232nd development set (state-media economy pages, Hong Kong wraps of 2023-2026): each board word is
tagged where it names the trade, beside the trap nearest to it, untagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

CAR_SERVICES = "90.BK1016"
CAR_MAKERS = "90.BK1029"
INTERNET = "90.BK0447"
OIL_SERVICES = "90.BK0606"


def test_car_dealers_are_the_car_services_trade() -> None:
    # in a list of sectors and with 股 (新华财经, 格隆汇 Hong Kong wraps); the longer word keeps the car makers out
    text = "板块方面,半导体、汽车经销商、虚拟现实、影视娱乐、电力股等跌幅靠前。"
    assert CAR_SERVICES in boards(text)
    assert CAR_MAKERS not in boards(text)
    assert CAR_SERVICES in boards("另一方面,汽车经销商股逆势大涨。")


def test_internet_tech_stocks_as_a_group() -> None:
    assert INTERNET in boards("互联网科技股跟随大市下跌,美团涨0.15%,阿里巴巴跌0.72%。")
    assert INTERNET not in boards("中国互联网协会理事长尚冰表示。")  # an association's name


def test_oil_and_gas_equipment_in_hong_kong_wraps() -> None:
    assert OIL_SERVICES in boards("油气设备与服务板块继续上涨,山东墨龙上涨11.41%。")
    assert OIL_SERVICES in boards("煤炭板块大跌居前、医药、造纸、油气设备、电脑设备等行业板块跌幅居前。")
