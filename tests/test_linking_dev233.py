"""Words and names of the 233rd development set (2016-2020 pages from outlets unlike Eastmoney): each board word is
tagged where it names the trade and each company where the text names it, beside the trap nearest to it, untagged."""

from __future__ import annotations

from datetime import date

from tagging.linking.knowledge_tables import group_bracket_variants
from tagging.linking.link_context import begins_with_a_province
from tests.support.linking import linked_boards as boards
from tests.support.linking import linked_stocks

INSTRUMENTS = "90.BK0458"
FLEXIBLE_SCREENS = "90.BK1160"
LIVESTOCK = "90.BK1259"
CEC_HK = "116.00085"  # 中电华大科技, named 中国电子 in the 2017 Hong Kong table
PHOENIX = "1.600679"  # 上海凤凰, legal name 上海凤凰企业(集团)股份有限公司


def test_instruments_with_the_name_swapped_in_a_list_of_sectors() -> None:
    text = "跌幅榜上,化肥行业、贵金属、仪表仪器、有色金属、文化传媒等行业居前。"
    assert INSTRUMENTS in boards(text, "2019-11-02")


def test_flexible_panels_are_the_flexible_screen_concept() -> None:
    text = "将重点引导支持企业进行超高清、柔性面板等量产技术研发。"
    assert FLEXIBLE_SCREENS in boards(text, "2018-09-20")


def test_animal_husbandry_as_a_statistics_line_and_a_subject() -> None:
    text = "其中,种植业392.27亿元,增长6.6%;林业8.14亿元,下降17.0%;牧业139.30亿元,下降4.8%。"
    assert LIVESTOCK in boards(text, "2017-03-01")
    assert LIVESTOCK in boards("今年以来,畜牧业总体平稳,生猪生产持续恢复。", "2020-10-20")
    # a yearbook cited for figures is a data source, not the trade
    assert LIVESTOCK not in boards("据中国畜牧业年鉴数据,2019年生猪出栏量下降。", "2021-01-01")


def test_chinese_electronics_trades_are_not_the_hong_kong_company() -> None:
    on = date(2019, 5, 20)
    for text in (
        "“缺芯少屏”一直是中国电子信息产业的痛点。",
        "中兴所面临的困境,是中国电子通信行业需要面对的共同挑战。",
        "荣获第三届(2019)中国电子材料行业五十强。",
        "这是一家专门从事智能手机的中国电子公司。",
    ):
        assert CEC_HK not in {secid for secid, _ in linked_stocks(text, on)}, text


def test_a_legal_name_without_its_bracketed_group() -> None:
    assert group_bracket_variants("上海凤凰企业(集团)股份有限公司") == {
        "上海凤凰企业股份有限公司",
        "上海凤凰企业集团股份有限公司",
    }
    assert group_bracket_variants("獐子岛集团股份有限公司") == set()
    text = "去年9月,因为拖欠上海凤凰企业股份有限公司6800余万元贷款,OFO被对方告上法庭。"
    assert (PHOENIX, "上海凤凰企业股份有限公司") in linked_stocks(text, date(2019, 10, 9))


def test_a_legal_name_that_begins_with_a_province_has_no_name_before_it() -> None:
    assert begins_with_a_province("上海凤凰企业(集团)股份有限公司")
    assert not begins_with_a_province("诺德新材料股份有限公司")
    # a longer firm's name ending in a listed full name is still another firm (FRESH_RULES S4)
    text = "江苏诺德新材料股份有限公司成立于2000年。"
    assert not {secid for secid, _ in linked_stocks(text, date(2024, 1, 1))} & {"1.600110"}


def test_food_and_tobacco_in_a_list_of_industries_is_the_food_trade() -> None:
    text = "在11大工业行业中,5个行业产值超千亿元,分别是汽车及零部件、电子信息制造、装备制造、食品烟草和能源及环保业。"
    assert "90.BK0438" in boards(text, "2017-03-01")


def test_a_company_delisted_since_by_its_last_short_name() -> None:
    # 华讯方舟 (000687, delisted 2022-06-17): no table holds the name; its first words are the Hong Kong 华讯 (00833)
    text = "自行车配件供应商信隆健康、华讯方舟等股价实现过快速上涨。"
    found = {secid for secid, _ in linked_stocks(text, date(2017, 5, 10))}
    assert "0.000687" in found
    assert "116.00833" not in found


MOTORS = "90.BK1030"


def test_motors_are_the_trade_only_with_a_cue_after_them() -> None:
    assert MOTORS in boards("国内电机企业加快布局新能源汽车驱动电机。", "2023-05-01")
    assert MOTORS in boards("稀土永磁材料带动电机产业链升级。", "2023-05-01")
    # parts and technologies listed together are products, not the trade; a coal-fired unit is no motor
    assert MOTORS not in boards("中国企业通过电池、电机、电控等核心技术的突破,实现弯道超车。", "2023-05-01")
    assert MOTORS not in boards("塑料、钢材、电机等核心原材料占生产成本比重较高。", "2023-05-01")
    assert MOTORS not in boards("加快煤电机组灵活性改造。", "2023-05-01")


CONSUMER_ELECTRONICS = "90.BK1037"


def test_phones_listed_with_other_devices_are_products() -> None:
    assert CONSUMER_ELECTRONICS in boards("今年以来手机行业出货量持续回暖。", "2023-05-01")
    assert CONSUMER_ELECTRONICS not in boards("该系统可实现手机、平板、智能家居、车载设备的互联。", "2023-05-01")
    assert CONSUMER_ELECTRONICS not in boards("电视、电脑、智能手机、可穿戴设备等,都离不开显示屏的支撑。", "2017-10-06")
