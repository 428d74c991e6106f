"""Words of the 234th development set (products and sub-concepts of boards, global companies by their usual names,
2019-2026): each word is tagged where it names the trade or the company, beside the trap nearest to it, untagged."""

from __future__ import annotations

from datetime import date

from tests.support.linking import linked_boards as boards
from tests.support.linking import linked_stocks

CLOUD = "90.BK0579"
INFRASTRUCTURE = "90.BK1247"


def test_cloud_infrastructure_by_its_short_word() -> None:
    # 云基建 (mitrade on Oracle's results, 2025-09-11): the cloud trade, and its 基建 is no construction
    text = "明明云基建收入略低于预期,以及全球云基建市场“三巨头霸榜、二三线死磕”的混战格局!"
    assert CLOUD in boards(text)
    assert INFRASTRUCTURE not in boards(text)
    assert INFRASTRUCTURE in boards("加大基建投资力度,基建板块走强。")  # construction itself


DIGITAL_ECONOMY = "90.BK1061"
ELDERLY_CARE = "90.BK0653"


def test_an_era_and_a_fraud_are_no_trades() -> None:
    # 数字经济时代 (an era, 节点财经 on HarmonyOS) and 养老诈骗 (fraud on the elderly, a chrome headline)
    assert DIGITAL_ECONOMY not in boards("在数字经济时代“摩尔定律”的推动下,鸿蒙生态正以惊人的速度进化。")
    assert DIGITAL_ECONOMY in boards("大力发展数字经济,数字经济板块走强。")
    assert ELDERLY_CARE not in boards("打击整治养老诈骗案例:虚假营销“藏品”诱骗老年人")
    assert ELDERLY_CARE in boards("养老产业迎来政策利好,养老概念股集体走强。")


CHARGING = "90.BK0700"
SWAPPING = "90.BK0985"


def test_charging_and_swapping_named_together_name_both_boards() -> None:
    # 充换电 is 充电 + 换电: the development texts label 充电桩 and 换电概念 for it, 4 times each
    for text in ("推进充换电基础设施建设,完善城乡充电网络。", "充换电行业迎来快速发展。", "建设公共充换电站1000座。"):
        assert {CHARGING, SWAPPING} <= boards(text)
    assert SWAPPING not in boards("截至6月底,全国充电桩总量达到1024.4万台。")  # charging alone


OLED = "90.BK0840"
FLEXIBLE_SCREENS = "90.BK1160"


def test_flexible_and_foldable_oled_name_both_screen_boards() -> None:
    # a flexible AMOLED line and a foldable OLED screen are an OLED and a flexible screen (development labels)
    assert {OLED, FLEXIBLE_SCREENS} <= boards("成都、绵阳、重庆三条6代柔性AMOLED生产线,投资额将近1400亿元。")
    assert {OLED, FLEXIBLE_SCREENS} <= boards("三星显示将于10月生产可折叠OLED屏幕。")
    assert FLEXIBLE_SCREENS not in boards("京东方的AMOLED面板出货量增长。")  # a rigid panel: OLED only


LOGISTICS = "90.BK0422"


def test_a_logistics_vehicle_is_no_logistics_trade() -> None:
    assert LOGISTICS not in boards("钠离子电池已能满足小型乘用车和物流车的需求。")
    assert LOGISTICS in boards("双十一期间,物流行业迎来业务高峰,快递物流企业全力保障。")


LI_AUTO = "105.LI"


def _stocks(text: str) -> set[str]:
    return {secid for secid, _words in linked_stocks(text, on=date(2026, 1, 5))}


def test_li_auto_ranked_after_de_and_beside_unlisted_rivals() -> None:
    # the maker ranked after 的, and named in a list with unlisted makers (dev sets: 10100, 91haoche)
    assert LI_AUTO in _stocks("曾为“优等生”的理想滑至第五,全年交付40.6万辆,同比下滑19%。")
    assert LI_AUTO in _stocks("当时,理想、哪吒、路特斯先后与宁德时代官微互动,传递搭载麒麟电池的信号。")
    # the word: an ideal, ideal
    assert LI_AUTO not in _stocks("实现自己的理想需要坚持,这是最理想的选择。")
    assert LI_AUTO not in _stocks("年轻人的理想与现实之间,总有一段距离。")


AMAZON = "105.AMZN"


def test_amazon_by_its_founder_its_units_and_its_value() -> None:
    assert AMAZON in _stocks("只有亚马逊的杰夫·贝索斯才能成为世界上最富有的人。")
    assert AMAZON in _stocks("亚马逊Kuiper计划规划发射3236颗卫星,预计2026年提供商业服务。")
    assert AMAZON in _stocks("- 苹果 —— 科技 —— 3.00 万亿美元 - 亚马逊 —— 消费周期 —— 2.23 万亿美元")
    # the river and the rainforest
    assert AMAZON not in _stocks("亚马逊雨林的面积正在减少,亚马逊河流域生物多样性丰富。")


APPLE = "105.AAPL"


def test_apple_beside_its_supplier_its_wearables_and_a_trade_idiom() -> None:
    # 富士康 is its supplier, not the 富士 apple; 吃的是代工饭 is a trade's idiom, not eating; Watch is its product
    assert APPLE in _stocks("根据劳工机构的信息,苹果最大的供应商富士康开出的工资更高。")
    assert APPLE in _stocks("歌尔股份吃的是代工饭,还独家代工苹果首代消费级AI眼镜。")
    assert APPLE in _stocks("得益于市场对Watch Series 7 的强劲需求,苹果在腕带手表领域依然保持领先地位。")
    # the fruit
    assert APPLE not in _stocks("红富士苹果今年丰收,多吃苹果有益健康。")


GENERAL_MOTORS = "106.GM"


def test_general_motors_by_its_short_name_only_beside_its_rivals() -> None:
    assert GENERAL_MOTORS in _stocks("特斯拉总市值近950亿美元,比通用和福特汽车的市值总和还要高出近80亿美元。")
    assert GENERAL_MOTORS in _stocks("该市值首次超过通用(490亿美元)和福特(370亿美元)市值之和。")
    # the adjective and the joint venture, even beside the rivals
    assert GENERAL_MOTORS not in _stocks("这项通用技术标准适用于特斯拉和福特的车型。")
    assert GENERAL_MOTORS not in _stocks("上汽通用与长安福特在中国市场竞争。")
    assert GENERAL_MOTORS not in _stocks("通用人工智能是下一个风口。")


def test_amd_in_lower_case() -> None:
    assert "105.AMD" in _stocks("包括英特尔、恩智浦、高通、博通、英伟达、应用材料、amd等。")
    assert "105.AMD" not in _stocks("The amdahl law and lambda calculus.")  # inside an English word


def test_meta_in_lower_case_beside_other_companies_not_the_method() -> None:
    assert "105.META" in _stocks("meta、Alphabet和微软三家公司的营收全部超出市场预期。")
    assert "105.META" in _stocks("这款眼镜整体功能规划与meta、小米等品牌类似。")
    assert "105.META" not in _stocks("一项meta分析显示,该药物可降低风险。")
    assert "105.META" not in _stocks("通过 meta-analysis 方法研究疗效。")


XIAOMI_CARS = "90.BK1155"
HUAWEI = "90.BK0854"


def test_a_makers_name_before_a_comma_begins_no_list_of_boards() -> None:
    # 小米汽车 and 鸿蒙智行 are makers; the sector word after the comma begins the next clause
    text = "零跑汽车把“蔚小理”甩在身后,连同小米汽车和鸿蒙智行,新能源战场已经改写规则。"
    assert XIAOMI_CARS not in boards(text)
    assert HUAWEI not in boards("近1100万人冲向苹果、华为,美妆用品占据了Top1。")
    # a list of boards still names them (、 between members)
    assert XIAOMI_CARS in boards("小米汽车、华为汽车、固态电池等板块领涨。")


AI = "90.BK0800"


def test_ai_by_its_stocks_and_its_race_for_dominance() -> None:
    assert AI in boards("美股 AI 相关股票普遍上涨,英伟达涨超3%。")
    assert AI in boards("科技巨头加大资本开支,争夺 AI 霸权。")
    assert AI not in boards("这些问题与AI相关,他说。")  # 相关 alone, no stocks
    assert AI not in boards("他用AI生成了一张图片。")  # a tool in use


def test_a_films_title_is_no_fashion_house() -> None:
    assert "116.01913" not in _stocks("院线片单包括《穿普拉达的恶魔 2》、《曼达洛人》和《玩具总动员 5》。")
    assert "116.01913" in _stocks("普拉达(01913)股价上涨3%,集团营收增长。")  # the company by its code
