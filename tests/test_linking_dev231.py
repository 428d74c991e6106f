"""Words and lists of the 231st development set (policy texts, statistics, consumer news of 2023-2026): each board
word is tagged where it names the trade, beside the trap nearest to it, untagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards
from tests.support.linking import linked_stocks as stocks

PUBLISHING = "90.BK1218"
E_COMMERCE = "90.BK0665"
CONSUMER_ELECTRONICS = "90.BK1037"
ICE_AND_SNOW = "90.BK1185"
TRAVEL = "90.BK1272"
EDUCATION = "90.BK0740"
JOYOUNG = "0.002242"


def test_words_a_segmenter_keeps_whole() -> None:
    # the longer word holds the board word only partly (网上|零售额, 消费类|电子产品): the whole word is the board's
    assert E_COMMERCE in boards("2025年,全国网上零售额159722亿元,比上年增长8.6%。")
    assert CONSUMER_ELECTRONICS in boards("3C类数码产品(计算机类、通信类和消费类电子产品)推出“国补”上新活动。")
    assert ICE_AND_SNOW in boards("冰雪游热度从东北辐射全国,多地冰雪景区客流翻倍。")


def test_publishing_in_a_policy_list_and_the_agency() -> None:
    assert PUBLISHING in boards("提升新闻出版、广播影视、文学艺术等发展质量。")
    assert PUBLISHING not in boards("国家新闻出版署发布了新一批游戏版号。")  # the agency: no cue, no list


def test_a_list_of_fields_qualified_by_a_clause() -> None:
    text = "围绕餐饮住宿、家政服务、养老托育、文娱旅游、教育体育、居住服务、健康服务等与人民群众生活密切相关的领域。"
    assert {TRAVEL, EDUCATION} <= boards(text)
    # a long clause that is no qualifier of fields keeps the words out: 旅游 as a trip taken
    assert TRAVEL not in boards("他说春节去旅游、看电影等事情让人开心。")


def test_joyoung_by_its_brand_and_the_kung_fu() -> None:
    assert (JOYOUNG, "九阳") in stocks("生产小家电的企业九阳感受同样明显。")
    assert not {secid for secid, _ in stocks("被业界称为新能源派的九阳神功,金庸笔下的九阳真经。")} & {JOYOUNG}


RETAIL = "90.BK0482"


def test_supermarkets_visited_or_supplied_are_no_sector() -> None:
    # a shop as a place: counted, visited, supplied, compared (dev231, qifeifh28, xinhua, slrbs: no label)
    assert RETAIL not in boards("今年国庆假期,各大商超卖场都在促销家电产品。")
    assert RETAIL not in boards("根据新华社报道,北京多家商超、菜市场散装的西红柿价格上涨。")
    assert RETAIL not in boards("安井食品在全国595家合作商超门店开展店内秀活动。")
    # the format and the trade are the sector: with a cue, or as the format's name
    assert RETAIL in boards("商超行业迎来调改元年。")
    assert RETAIL in boards("传统商超零食价格高、品类老旧。")
    assert RETAIL in boards("这家公司却押注于一种大型实体商超业态。")


CULTURE_AND_MEDIA = "90.BK0486"


def test_the_cultural_industry_and_the_ministry() -> None:
    assert {CULTURE_AND_MEDIA, TRAVEL} <= boards("推进文化和旅游产业深度融合发展,加快重大文化旅游产业项目建设。")
    assert CULTURE_AND_MEDIA in boards("大力发展文化产业。")
    # the ministry of culture and tourism is no trade; nor is 文化 alone (企业文化, 文化和旅游市场 left to 旅游)
    assert CULTURE_AND_MEDIA not in boards("文化和旅游部产业发展司司长表示,企业文化建设很重要。")


HENGDIAN = "1.603103"
SHIBEI = "1.600604"


def test_a_zone_named_after_a_town_is_no_company() -> None:
    assert HENGDIAN not in {s for s, _ in stocks("持续做强横店影视文化产业集聚区等重大平台。")}
    assert SHIBEI not in {s for s, _ in stocks("市北高新集聚区将聚焦金融科技、健康医疗等领域。")}
    assert (HENGDIAN, "横店影视") in stocks("横店影视发布公告称,公司拟投资建设新影城。")


LI_AUTO = "105.LI"


def test_a_rival_named_is_a_company() -> None:
    # 理想 waits for a company's cue (it is also "ideal"): a rival is a firm (dev133 simanb)
    assert LI_AUTO in {s for s, _ in stocks("问界M9发布,连竞争对手理想也认为,M9真正展示了华为的实力。")}
    assert LI_AUTO not in {s for s, _ in stocks("这是一个理想的结果,竞争对手也认为如此。")}


SEMICONDUCTORS = "90.BK1036"


def test_chip_makers_as_one_word() -> None:
    assert SEMICONDUCTORS in boards("英特尔和英伟达等其他芯片制造商的股价同样出现下跌。")
    assert SEMICONDUCTORS in boards("美股周五走高,受芯片制造商和重量级科技股上涨的推动。")
    # chips in use stay no industry, and one firm counted is the firm described
    assert SEMICONDUCTORS not in boards("这款手机搭载了新一代芯片,续航提升明显。")
    assert SEMICONDUCTORS not in boards("他是一家芯片制造商的工程师。")


APPLIANCES = "90.BK0456"
CARS = "90.BK1029"


def test_the_rural_campaign_named_after_a_trade() -> None:
    assert APPLIANCES in boards("继续推进新能源汽车、绿色智能家电下乡,总结推广地方经验。")
    assert CARS in boards("开展新一轮汽车下乡活动。")
    # a smart appliance in use is still no trade
    assert APPLIANCES not in boards("他家里的智能家电坏了。")
