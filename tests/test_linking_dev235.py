"""Words of the 235th development set (China.org pages and state-media economy pages, 2015-2026): each board word is
tagged where it names the trade, beside the trap nearest to it, untagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards
from tests.support.linking import linked_stocks as stocks

AI = "90.BK0800"
BIG_DATA = "90.BK0634"
CONSUMER_ELECTRONICS = "90.BK1037"
NEW_ENERGY_VEHICLES = "90.BK0900"
CAR_MAKERS = "90.BK1029"
WHITE_GOODS = "90.BK1239"
HUAWEI = "90.BK0854"
MASKS = "90.BK0911"


def test_a_verb_ending_in_shu_is_no_government_body() -> None:
    # 部署 and 签署 end in 署 as 海关总署 does; the field after them is still the field
    text = "应该部署人工智能、大数据和云计算,为行业发展创造良好环境。"
    assert {AI, BIG_DATA} <= boards(text)
    assert AI in boards("两地签署人工智能产业合作协议。")
    assert BIG_DATA not in boards("海关总署大数据中心发布数据。")  # a body's unit


def test_consumer_electronics_products_as_one_word() -> None:
    # the segmenter keeps 电子产品 whole, so 消费电子 was not read inside it
    assert CONSUMER_ELECTRONICS in boards(
        "从钢铁和汽车,到消费电子产品和太阳能电池板,中国工厂的产品总能在海外找到买家。"
    )
    assert CONSUMER_ELECTRONICS in boards("消费电子产品市场需求低迷。")


def test_new_energy_finished_cars_are_new_energy_vehicles() -> None:
    # a compound names its own board (B3): 整车 inside it is not the car makers' board
    text = "一季度累计下线新能源整车7.8万辆,增长超80%。"
    assert NEW_ENERGY_VEHICLES in boards(text)
    assert CAR_MAKERS not in boards(text)


def test_the_fridge_industry_is_white_goods() -> None:
    assert WHITE_GOODS in boards("推动中国冰箱业掌握全球冰箱行业的话语权。")
    assert WHITE_GOODS not in boards("她从冰箱里端出一盘被称为“世界最好吃的虾”的红魔虾。")  # a fridge in use


def test_a_company_board_word_after_a_comma_is_the_company() -> None:
    # a comma ends a clause, and two companies side by side are companies (FRESH_RULES S4)
    assert HUAWEI not in boards("有的手机品牌还没有5G,华为却已经拥有全球首款第二代5G手机。")
    assert HUAWEI not in boards("针对即将发布的鸿蒙系统,华为将不向腾讯收取微信应用内购分成。")
    assert HUAWEI not in boards("近1100万人冲向苹果、华为,美妆用品占据了Top1。")
    # in a list of boards marked as one, the namesake board is still named
    assert HUAWEI in boards("光伏、华为、鸿蒙概念股领涨。")


def test_donated_goods_are_no_trade() -> None:
    assert MASKS not in boards("并向全球多个国家、组织及当地医院等捐赠口罩、呼吸机等物资。")
    assert MASKS in boards("口罩生产企业加紧复工。")


def test_an_outlets_name_in_its_copyright_notice_is_no_mention() -> None:
    # 人民日报's e-paper notice (R2): 未经…书面授权,任何单位及个人不得将…, a paragraph of some 260 characters
    notice = (
        "《人民日报》(电子版)的一切内容(包括但不限于文字、图片、PDF、图表、标志、标识、商标、版面设计、专栏目录与名称、"
        "内容分类标准以及为读者提供的任何信息)仅供人民网读者阅读、学习研究使用,未经人民网股份有限公司及/或相关权利人"
        "书面授权,任何单位及个人不得将《人民日报》(电子版)所登载、发布的内容用于商业性目的,包括但不限于转载、复制、"
        "发行、制作光盘、数据库、触摸展示等行为方式,或将之在非本站所属的服务器上作镜像。否则,人民网股份有限公司将采取"
        "包括但不限于网上公示、向有关部门举报、诉讼等一切合法手段,追究侵权者的法律责任。"
    )
    assert not {secid for secid, _ in stocks(notice)}
    assert "1.603000" in {secid for secid, _ in stocks("人民网股份有限公司发布2024年年度报告,营收增长。")}


def test_gas_as_a_vehicles_fuel_or_type_is_no_gas_trade() -> None:
    gas = "90.BK0843"
    assert gas not in boards("融合LNG双燃料动力、比亚迪电池组等尖端技术的“深圳号”。")
    assert gas not in boards("造船指标实现两位数增长,LNG/LPG船、纯电池动力船订单增加。")
    assert gas not in boards("新能源汽车包括纯电动汽车、燃料电池汽车、天然气燃料汽车。")
    assert gas in boards("天然气价格上涨,天然气板块走强。")
