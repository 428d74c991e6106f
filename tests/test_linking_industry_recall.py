"""Industry boards named by words the news uses for them (issue 22, FRESH_RULES B1: an industry named in a list, by
what a region produces, as the subject of a sentence). Each test has the mention, tagged, beside the nearest trap
(a price, a means of transport, a product in use), untagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

COAL = "90.BK0437"
SHIPPING_AND_PORTS = "90.BK0450"
OPTOELECTRONICS = "90.BK1038"
INTERNET_SERVICES = "90.BK0447"
CARS = "90.BK1029"
SOFTWARE = "90.BK0737"
BANKS = "90.BK0475"
APPLIANCES = "90.BK0456"
SMART_HOMES = "90.BK0680"
HOTELS_AND_CATERING = "90.BK1271"
SEMICONDUCTORS = "90.BK1036"
LOGISTICS = "90.BK0422"
INFRASTRUCTURE = "90.BK1247"
BATTERIES = "90.BK1033"
RAIL_AND_ROADS = "90.BK0421"
PROPERTY = "90.BK0451"
GAMES = "90.BK1046"
TELECOM_SERVICES = "90.BK0736"
IGBT = "90.BK1048"
GLASS = "90.BK0546"
POWER = "90.BK0428"
INSURANCE = "90.BK0474"


def test_raw_coal_produced_is_the_coal_industry() -> None:
    """原煤产量, 原煤生产 (dev48, dev98, dev196, dev222): coal as what a region produces; its price is none."""
    assert COAL in boards("前三季度，全区规模以上工业原煤产量保持全国首位，能源供应保障形势稳定。")
    assert COAL in boards("原煤生产快速恢复。一季度，原煤产量同比增长16.0%。")
    assert COAL not in boards("动力煤期货走弱，原煤价格回落至每吨800元。")


def test_waterway_and_tanker_transport_are_shipping() -> None:
    """水运企业, 铁路、公路、水运、民航 (dev151, dev196), 水上运输业投资 (dev56), 油运公司 (dev131, dev158): the
    shipping board's alt name 港口水运; goods sent by water are a means of transport, no sector."""
    assert SHIPPING_AND_PORTS in boards("3月份火电企业发电量、水运企业货物总周转均已经恢复到上年同期水平。")
    assert SHIPPING_AND_PORTS in boards("铁路运输业投资增长73%；水上运输业投资增长35.1%，加快5个百分点。")
    assert SHIPPING_AND_PORTS in boards("本周包括A股油运公司在内的全球油轮市场出现了难得一见的迅猛行情。")
    assert SHIPPING_AND_PORTS not in boards("公司将钢材通过水运的方式运往华东。")


def test_flat_panel_displays_are_optoelectronics() -> None:
    """半导体、平板显示、太阳能电池及PCB行业 (dev80), 平板显示产业 (dev214); a monitor bought is a product."""
    assert OPTOELECTRONICS in boards("我国政府高度重视半导体、平板显示、太阳能电池及PCB行业的发展。")
    assert OPTOELECTRONICS in boards("玻璃基板是平板显示产业的关键基础材料之一。")
    assert OPTOELECTRONICS not in boards("该公司为会议室购买了一台平板显示器。")


def test_the_internet_trade_with_a_cue_or_in_a_list() -> None:
    """互联网 in a list of industries or boards (dev37, dev12) and with a sector cue (dev56); the internet as a technology
    or an era (移动互联网时代, 互联网+), as where a page got its text, or one giant described is none."""
    assert INTERNET_SERVICES in boards("香港科技板块主要涵盖互联网、半导体、生物科技和新能源等领域。")
    assert INTERNET_SERVICES in boards("今年上半年，AIGC、互联网、富媒体、远程办公等多个板块重挫逾3%。")
    assert INTERNET_SERVICES in boards("有腾讯、阿里、京东等成立二十年的互联网龙头企业。")
    assert INTERNET_SERVICES not in boards("十年前的微软，还在移动互联网时代艰难追赶。")
    assert INTERNET_SERVICES not in boards("会议确定适应消费升级需求支持“互联网+旅游”发展的措施。")
    assert INTERNET_SERVICES not in boards("特别提醒：本网信息来自于互联网，目的在于传递更多信息。")
    assert INTERNET_SERVICES not in boards("这家公司创立5个月后就吸引到中国互联网巨头腾讯的关注。")


def test_a_trades_firms_counted_as_a_group_are_the_trade() -> None:
    """5家汽车公司 (dev178), 一些互联网公司 (dev64), 多家一线互联网公司 (dev224): 公司 after a generic sector word
    mostly describes one firm, but firms counted as a group are the trade's (B1(a))."""
    assert CARS in boards("多家上市公司受到波及，主要涵盖了8家生物医药公司、5家机械设备公司和5家汽车公司等。")
    assert CARS not in boards("他此前在一家汽车公司担任销售经理。")
    assert INTERNET_SERVICES in boards("人工智能实力同样很强的一些互联网公司，更多情况下并不是让用户为技术直接付费。")
    assert INTERNET_SERVICES in boards("国内已有多家一线互联网公司宣布各自的类ChatGPT计划。")
    assert SOFTWARE not in boards("该行是美国一家软件公司的主要债权人。")


def test_a_list_of_industries_with_their_changes_in_points() -> None:
    """电子(-2.0pct)、医药生物(-1.6pct)、银行(-1.4pct) (dev89): a figure in percentage points after each member keeps
    the list of industries; a bank's rate cut in points is no sector."""
    assert BANKS in boards("减持前五行业：电子(-2.0pct)、医药生物(-1.6pct)、银行(-1.4pct)、计算机(-1.0pct)。")
    assert BANKS not in boards("今年以来，银行存款利率累计下调0.3pct。")


def test_smart_appliances_are_the_appliance_industry() -> None:
    """组织新能源汽车、智能家电、绿色建材下乡 (dev184), 智能家电 among the manufacturing clusters (dev98): development
    texts label the appliance industry (15 texts), not the smart-home concept (2); appliances in use are none."""
    found = boards("深入开展消费品“三品”行动，组织新能源汽车、智能家电、绿色建材下乡，推动医疗装备等产业创新发展。")
    assert APPLIANCES in found
    assert SMART_HOMES not in found
    assert APPLIANCES not in boards("他家里的智能家电都能用手机远程控制。")


def test_the_hotel_trade_by_its_own_word() -> None:
    """回顾2020的酒店业 (dev180): 酒店业 names the trade without a cue; a firm's hotel business department is none."""
    assert HOTELS_AND_CATERING in boards("回顾2020的酒店业，人们也会如此感慨。")
    assert HOTELS_AND_CATERING not in boards("他在酒店业务部门工作了十年。")


def test_what_an_industry_makes_and_sells_is_the_industry() -> None:
    """汽车产销 (dev98), 汽车保有量 (dev198), 芯片制造 (dev205's 整车制造 too), 芯片代工厂, 芯片国产化: the trade's
    output and stock of goods in use; one maker (一家芯片制造商) is no sector."""
    assert CARS in boards("从中汽协数据来看，1-8月，汽车产销分别完成1696.7万辆和1686万辆。")
    assert CARS in boards("全国家电保有量突破30亿台，汽车保有量超过3亿辆。")
    assert SEMICONDUCTORS in boards("台积电在先进芯片制造上仍然领先。")
    assert SEMICONDUCTORS in boards("作为全球最大的芯片代工厂，台积电拥有全球最先进的工艺制程。")
    assert SEMICONDUCTORS in boards("受益于政策对芯片国产化的大力扶持，三季度盈利增速有望提升。")
    assert SEMICONDUCTORS not in boards("他是一家芯片制造商的工程师。")


def test_a_list_of_industries_counted_before_its_marker() -> None:
    """电子、汽车等37个行业 (dev82): a count between 等 and 行业 keeps the list of industries; cars among goods counted
    are none."""
    assert CARS in boards("41个工业大类行业中，电子、汽车等37个行业增加值同比保持增长。")
    assert CARS not in boards("展会上展出了汽车等37个品种的商品。")


def test_listed_firms_of_a_kind_of_trade() -> None:
    """基建类上市公司 (dev78), 医药类、煤炭类、物流类上市公司 (dev195): the firms of a kind of trade, in a list of such
    kinds too; goods of a kind (煤炭类商品) are none."""
    found = boards("从超预期的上市公司行业看，医药类、新能源汽车类、煤炭类、物流类上市公司超市场一致预期的数量较多。")
    assert {COAL, LOGISTICS} <= found
    assert INFRASTRUCTURE in boards("作为传统的“稳增长”把手行业，基建类上市公司仍保持着稳增势头。")
    assert COAL not in boards("这批煤炭类商品价格上涨。")


def test_plants_an_industry_builds() -> None:
    """宁德时代在匈牙利建设的电池工厂 (dev119), 联手打造电池工厂 (dev223), 电池生产厂 (dev94): the industry as what a
    company builds (B1(c)); a plant one works in is a place."""
    assert BATTERIES in boards("宁德时代去年8月份宣布在匈牙利建设的电池工厂，计划在今年夏天动工。")
    assert BATTERIES in boards("德国萨尔州2022年将开始建造一家电池生产厂。")
    assert CARS not in boards("雷军在微博上表示，“我在汽车工厂的研发中心，窗外就是总装车间。”")


def test_what_a_transport_trade_carries() -> None:
    """铁路客运量 (dev186), 铁路货运 (dev72): the passengers and freight a transport trade carries; a train ride is none."""
    assert RAIL_AND_ROADS in boards("假期首日，全国铁路客运量达到1800万人次。")
    assert RAIL_AND_ROADS in boards("充分发挥大秦、唐呼、瓦日等铁路货运通道能力。")
    assert RAIL_AND_ROADS not in boards("他每周都乘坐铁路往返于两地之间。")
    # road transport by coach or lorry is not the car trade (review of day 22)
    assert CARS not in boards("春运首日，全国汽车客运站发送旅客逾1200万人次。")
    assert CARS not in boards("受暴雨影响，汽车货运受阻，多地快递延误。")


def test_property_policy_and_commercial_insurance() -> None:
    """地产新政 (dev31), 地产调控 (dev186), 地产风险 (dev159): the property sector as a policy's object or a bank's
    exposure, where 地产 alone ends firms' names (金科地产风险化解: the firm); 商业健康保险 named by a policy (dev49)."""
    assert PROPERTY in boards("7月初，地产新政效果渐显，6月后半月新房销售同比降幅明显收窄。")
    assert PROPERTY in boards("今年下半年地产调控政策有望进一步放松。")
    assert PROPERTY not in boards("金科地产风险化解方案获债权人通过。")
    assert INSURANCE in boards("围绕助力创新药纳入医保及商业健康保险目录等5大方面，提出16条措施。")


def test_where_an_industry_produces_and_sells() -> None:
    """煤炭主产区 (dev72), 游戏出海 (dev70): the regions a trade produces in, the markets abroad it sells to; one
    firm's own capacity (自有电池产能) is none."""
    assert COAL in boards("围绕山西、陕西、内蒙西部、新疆等煤炭主产区，充分发挥铁路运输能力。")
    assert GAMES in boards("财报里最扎眼的不是总收入，而是游戏出海业务。")
    assert BATTERIES not in boards("公司新产线良率表现优异，有效提升公司自有电池产能配套。")


def test_compounds_the_segmenter_keeps_whole() -> None:
    """家电以旧换新 (dev28), 家电产品 (dev3), 电信服务 (dev147), 功率半导体 (dev8 ewsemi): one word to the segmenter, so
    the board word inside was never read; a licence's wording (增值电信业务经营许可证) is still none, and power chips are
    the chip industry, not the IGBT concept (B3)."""
    assert APPLIANCES in boards("今年春节9天假期，6类家电以旧换新产品销售510.6万台。")
    assert {CARS, APPLIANCES} <= boards("开展汽车、家电产品以旧换新，推动家装消费品换新。")
    assert TELECOM_SERVICES in boards("行业持股增幅最多的分别是电信服务，持股比例增加0.12%。")
    assert TELECOM_SERVICES not in boards("本站持有增值电信业务经营许可证：粤B2-20130001。")
    found = boards("800V平台对功率半导体的耐压等级提出严苛要求。")
    assert SEMICONDUCTORS in found
    assert IGBT not in found


def test_more_compounds_the_segmenter_keeps_whole() -> None:
    """游戏版号 (dev46), 银行资本重组 (dev63), 浮法玻璃制品市场 (zyykwudao-news-601): labelled in every development text
    that names them; a float-glass futures contract is a commodity's price, no sector (B2)."""
    assert GAMES in boards("直到2018年年底游戏版号审批恢复，腾讯的股价才企稳。")
    assert BANKS in boards("会议宣布5000亿元人民币用于银行资本重组等财政支持措施。")
    assert GLASS in boards("国内浮法玻璃制品市场需求回暖。")
    assert GLASS not in boards("浮法玻璃期货主力合约收涨2%。")


def test_the_state_owned_firms_of_a_trade() -> None:
    """电力央企 (dev87): the trade's state-owned firms, as 电力企业 are; a power price is none."""
    assert POWER in boards("电力央企将新能源板块独立上市的案例显示，分拆后母公司市值平均提升23%。")
    assert POWER not in boards("今年居民电力价格上涨了5%。")


def test_an_industry_resolving_its_problems_is_the_industry() -> None:
    """煤炭行业化解过剩产能: 化解 is a verb, not the -ization of the word before (电动化, 新能源化过程), so the
    industry stays named (review of day 22)."""
    assert COAL in boards("国务院部署推进钢铁、煤炭行业化解过剩产能。", "2016-05-20")
    assert "90.BK0479" in boards("今年钢铁行业化解过剩产能4500万吨，超额完成全年任务。", "2016-12-20")
    assert "90.BK0493" not in boards("电动化在新能源化过程中起着主导作用。")
