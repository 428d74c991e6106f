"""Board words in a generic or everyday sense, not the industry (issue 22, FRESH_RULES B2: an everyday word, an
object in use): a thing used in daily life, public services in a livelihood list, the figure of a metaphor, a
physical explanation, a quality or a budget line, a person by the trade. Each test has the trap, untagged, beside
a true mention of the sector, still tagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

SHARED_ECONOMY = "90.BK0807"
MOBILE_PAYMENT = "90.BK0556"
SEMICONDUCTORS = "90.BK1036"
PHOTORESIST = "90.BK0884"
EDUCATION = "90.BK0740"
MEDICAL_SERVICES = "90.BK0727"
WIND_ENERGY = "90.BK0595"
GENERATORS = "90.BK1014"
ENERGY_SAVING = "90.BK0494"
RAIL_AND_ROADS = "90.BK0421"
EXPRESS_DELIVERY = "90.BK0990"
NEW_ENERGY_VEHICLES = "90.BK0900"
FILM = "90.BK1222"
COSMETICS = "90.BK1252"
APPLE_SUPPLIERS = "90.BK0666"


def test_a_thing_in_everyday_use_is_not_its_industry() -> None:
    """骑共享单车上班, 都在用移动支付, 选购化妆品: riding, using, buying a thing (dev180, dev165, dev196)."""
    assert SHARED_ECONOMY not in boards("不少机关干部选择步行或骑共享单车上班。")
    assert SHARED_ECONOMY in boards("共享单车行业进入整合期，头部企业份额继续提升。")
    assert MOBILE_PAYMENT not in boards("如今的中国人连钱包都懒得拿，都在用移动支付。")
    assert MOBILE_PAYMENT in boards("移动支付行业监管趋严，第三方支付机构加快整改。")
    assert COSMETICS in boards("春节期间，化妆品板块大涨，多只个股涨停。")


def test_buying_running_or_switching_to_a_trade_is_still_the_trade() -> None:
    """Review of day 21: the trade's market, its operators and a firm's business, after verbs that also take
    things in use (选购, 投放, 改由), are the trade."""
    assert NEW_ENERGY_VEHICLES in boards("消费者选购新能源汽车的热情高涨。")
    assert SHARED_ECONOMY in boards("哈啰在全国投放共享单车超过500万辆。")
    assert "90.BK1031" in boards("公司利润来源改由光伏组件业务主导。")


def test_a_mode_of_transport_used_is_not_the_operators() -> None:
    """通过公路运输的方式, 改由铁路运输: the means of shipping goods (dev218, dev31)."""
    assert RAIL_AND_ROADS not in boards("公司将出口产品通过公路运输的方式运往上海港。")
    assert RAIL_AND_ROADS not in boards("环渤海港口的集港煤炭全部改由铁路运输。")
    assert RAIL_AND_ROADS in boards("铁路运输行业客货运量双双增长。")


def test_a_person_by_the_trade_is_not_the_trade() -> None:
    """快递员, 电动车车主, 影视爱好者 (dev38, dev70, dev192)."""
    assert EXPRESS_DELIVERY not in boards("光模块就像一个数据快递员，负责在服务器之间传输数据。")
    assert EXPRESS_DELIVERY in boards("快递行业业务量同比增长20%。")
    assert NEW_ENERGY_VEHICLES not in boards("假期第一天，电动车车主在高速服务区排队充电。")
    assert NEW_ENERGY_VEHICLES in boards("电动车企业4月交付量再创新高。")
    assert FILM not in boards("欢迎把网址分享给身边的影视爱好者。")
    assert FILM in boards("影视板块午后拉升，多只个股涨停。")


def test_education_and_health_care_as_public_services() -> None:
    """就业、收入、教育、医疗等指标, 教育、医疗等公服建筑 (dev52, dev142); a list of industries stays one."""
    indicators = "规划针对性提出就业、收入、教育、医疗、健康等7项民生指标。"
    assert EDUCATION not in boards(indicators) and MEDICAL_SERVICES not in boards(indicators)
    industries = "教育、医疗等行业板块午后走强。"
    assert EDUCATION in boards(industries) and MEDICAL_SERVICES in boards(industries)
    # Review of day 21: without jobs, income or social insurance in the list, the trades people spend on and
    # invest in, and public facilities (FRESH_RULES B1: 港口、燃气、电网等公用设施), are the sectors.
    for text in (
        "促进医疗、教育、住房、汽车等服务消费扩容提质。",
        "一季度，医疗、教育和住房等民生领域投资增长较快。",
        "新区将规划教育、医疗等公服建筑面积约50万平方米。",
    ):
        assert EDUCATION in boards(text) and MEDICAL_SERVICES in boards(text), text
    assert "90.BK1029" in boards("扩大住房、汽车、教育、医疗等大宗消费。")
    assert MEDICAL_SERVICES in boards("关注民生与新能源、医疗板块的投资机会。")


def test_the_figure_of_a_metaphor_is_not_the_sector() -> None:
    """种业被视作农业的“芯片”, 被称为集成电路零部件领域的“光刻胶” (dev160, dev177); a quoted word without a
    likening verb is the sector's (中国的“果链”企业)."""
    assert SEMICONDUCTORS not in boards("种业被视作农业的“芯片”，关乎粮食安全。")
    assert SEMICONDUCTORS in boards("芯片板块全线走强。")
    assert APPLE_SUPPLIERS in boards("过去十年，中国大陆的“果链”企业曾是苹果的重要供应商。")
    assert PHOTORESIST not in boards("静电卡盘被称为集成电路零部件领域的“光刻胶”。")
    assert PHOTORESIST in boards("光刻胶概念股集体走强。")
    # … but a sector's cue after the quote keeps it the sector's (review of day 21)
    assert "90.BK0574" in boards("宁德时代被视为全球的“锂电池”龙头企业。")
    assert "90.BK0704" in boards("低空经济被视为今年最热门的“无人机”赛道。")


def test_a_physical_explanation_is_not_the_industry() -> None:
    """将风能转化为电能, 驱动发电机发电 (dev192, dev139); the wind-power industry beside it is still named."""
    text = "风力发电是指利用风机将风能转化为电能，再驱动发电机发电。"
    assert WIND_ENERGY not in boards(text) and GENERATORS not in boards(text)
    assert WIND_ENERGY in boards("风能板块午后拉升。")
    assert SEMICONDUCTORS not in boards("光伏本质是利用半导体材料的光生伏特效应发电。")
    assert SEMICONDUCTORS in boards("半导体板块涨幅居前。")
    # Review of day 21: a trade turning into something, or a cell's conversion rate, is the trade.
    for text, board in (
        ("房地产行业转变为新发展模式是大势所趋。", "90.BK0451"),
        ("券商转变为综合金融服务商仍需时日。", "90.BK0473"),
        ("钙钛矿电池转换效率突破30%。", "90.BK1094"),
        ("光伏产业转换效率提升带动装机需求。", "90.BK1031"),
        ("半导体产业转化为经济增长新动能。", SEMICONDUCTORS),
    ):
        assert board in boards(text), text


def test_a_quality_or_a_budget_line_is_not_the_sector() -> None:
    """是不是更节能环保, 节能环保的消费理念, 公共安全支出…节能环保支出 (dev28, dev63, dev134)."""
    assert ENERGY_SAVING not in boards("消费者更看重产品是不是更节能环保。")
    assert ENERGY_SAVING not in boards("以旧换新让绿色低碳节能环保的消费理念深入人心。")
    assert ENERGY_SAVING not in boards("公共安全支出7874万元，同比下降9.3%，节能环保支出8376万元。")
    assert ENERGY_SAVING in boards("节能环保产业产值增长12%。")
