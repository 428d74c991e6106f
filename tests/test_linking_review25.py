"""Review of day 25's tagging rules on sentences of the reviewer's own (not development texts): each rule where it
should fire and where a careful reader would say it must not."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards
from tests.support.linking import linked_stocks as stocks

GM = "106.GM"
LI_AUTO = "105.LI"
AIRLINES = "90.BK0420"
AEROSPACE = "90.BK0480"
XIAOMI_CAR = "90.BK1155"
HUAWEI = "90.BK0854"


def _secids(text: str) -> set[str]:
    return {secid for secid, _words in stocks(text)}


def test_general_the_adjective_beside_car_makers_is_not_gm() -> None:
    assert GM not in _secids("新能源车企中,特斯拉、比亚迪均推出了通用平台。")
    assert GM not in _secids("特斯拉采用了行业通用的充电接口。")
    assert GM not in _secids("丰田和本田都采用了通用的零部件标准。")
    # General Motors beside its rivals is still the company
    assert GM in _secids("通用和福特的股价双双下跌。")
    assert GM in _secids("特斯拉的市值已超过通用、福特和丰田之和。")
    assert GM in _secids("福特、通用等美国车企纷纷裁员。")


def test_the_ideal_after_de_is_no_car_maker() -> None:
    assert LI_AUTO not in _secids("车企的理想交付节奏被打乱,蔚来首当其冲。")
    assert LI_AUTO not in _secids("我们的理想销量是月均一万辆。")
    assert LI_AUTO not in _secids("对于哪吒汽车来说,理想很丰满,现实很骨感。")
    # the maker ranked after 的 (dev70) and the maker among its rivals
    assert LI_AUTO in _secids("曾为“优等生”的理想滑至第五,全年交付40万辆。")
    assert LI_AUTO in _secids("理想、蔚来、小鹏三家新势力4月交付量均创新高。")


def test_a_famous_name_read_otherwise_is_not_taken_by_a_list() -> None:
    # 不理想 is the ideal: the company after the comma does not make it Li Auto
    assert LI_AUTO not in _secids("业绩不理想,比亚迪股价下跌。")
    assert LI_AUTO not in _secids("新能源汽车销量表现理想,比亚迪领跑。")


def test_aviation_listed_with_travel_trades_is_the_airlines() -> None:
    text = "受疫情影响,航空、酒店、旅游等行业遭受重创,而制造业恢复较快。"
    assert AIRLINES in boards(text)
    assert AEROSPACE not in boards(text)
    # with equipment makers it is still aircraft making
    assert AEROSPACE in boards("该市重点发展航空、船舶、海洋工程装备等高端制造业。")


def test_a_board_cue_before_a_list_of_company_boards() -> None:
    text = "今日涨幅居前的板块有:小米汽车、华为、固态电池。"
    assert {XIAOMI_CAR, HUAWEI} <= boards(text)
    # two companies after a comma, no board cue: companies
    assert HUAWEI not in boards("近1100万人冲向苹果、华为,美妆用品占据了Top1。")


def test_aviation_in_a_sentence_about_flying_costs_is_the_airlines() -> None:
    # 背景, 原材料 and a later clause's 新材料 are no making of aircraft when fuel and flights are the subject
    for text in (
        "在油价高企的背景下,航空和物流行业成本上升。",
        "受原材料价格上涨影响,航空行业燃油成本大增。",
        "国际油价大涨,航空、化工等行业成本承压,新材料板块走强。",
    ):
        assert AIRLINES in boards(text), text
        assert AEROSPACE not in boards(text), text


def test_the_meta_analysis_in_a_chinese_sentence_is_no_company() -> None:
    assert "105.META" not in _secids("一项Meta分析显示,该药物可降低30%的死亡风险。")
    assert "105.META" not in _secids("这篇meta综述纳入了30项研究。")
    assert "105.META" in _secids("meta宣布裁员1万人,股价上涨。")


def test_a_drugs_generic_name_is_not_gm() -> None:
    assert GM not in _secids("药品通用名与特斯拉的品牌无关。")


def test_cec_as_the_parent_of_its_listed_units_is_not_the_hong_kong_00085() -> None:
    found = _secids("中国电子旗下中国长城发布公告。")
    assert "116.00085" not in found
    assert "0.000066" in found  # 中国长城, the listed unit


def test_the_ideal_beside_the_film_or_the_sea_is_no_car_maker() -> None:
    # 哪吒 and 深蓝 are car words only as the makers' names (哪吒汽车, 深蓝S7)
    for text in (
        "追逐理想,驶向深蓝,海军舰艇编队起航。",
        "《哪吒2》票房表现远超理想预期。",
        "哪吒之魔童闹海票房突破百亿,导演饺子坦言离理想还有距离。",
        "理想照进现实,哪吒电影带动文旅消费。",
    ):
        assert LI_AUTO not in _secids(text), text
    assert LI_AUTO in _secids("理想、哪吒、路特斯先后与宁德时代官微互动。")
    assert LI_AUTO in _secids("理想L6交付量突破10万辆,深蓝S7销量下滑。")
