"""Board words whose neighbours make them something else than the sector (review of day 22, FRESH_RULES B2): a
drug's regulatory test, the exchanges' market segments, brokers as analysts or as an unnamed source, new things
listed together. Each test has the trap, untagged, beside a true mention of the sector, still tagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

CHEMICAL_DRUGS = "90.BK0465"
BROKERS = "90.BK0473"
NEW_MATERIALS = "90.BK0523"


def test_a_generic_drugs_consistency_test_is_not_the_sector() -> None:
    """通过仿制药一致性评价: one drug passing the regulator's test (dev sets: 3 extras, no label)."""
    assert CHEMICAL_DRUGS not in boards("众生药业公告，公司异烟肼片通过仿制药一致性评价。")
    assert CHEMICAL_DRUGS in boards("集采常态化之下，仿制药行业利润持续承压。")


def test_the_exchanges_segments_are_not_the_brokers() -> None:
    """覆盖到6大证券板块中的47个申万二级行业: 主板, 创业板, 科创板 …, not the brokerage board."""
    text = "上周共有117家公募参与到103家A股上市公司调研，其调研覆盖到6大证券板块中的47个申万二级行业。"
    assert BROKERS not in boards(text)
    assert BROKERS in boards("午后证券板块异动拉升，多只券商股涨停。")


def test_brokers_as_analysts_or_a_source_are_not_the_sector() -> None:
    """券商预测显示, 获券商唱好, 据相关券商此前发布的报告, 券商：无需过度担忧 (a heading's speaker)."""
    assert BROKERS not in boards("券商预测显示，电动汽车业务估值已占集团总市值的35%。")
    assert BROKERS not in boards("体育用品股持续获券商唱好，中金研报称特步国际零售流水增长超预期。")
    assert BROKERS not in boards("据相关券商此前发布的报告，市场对中秋佳节的销售预期普遍持悲观态度。")
    assert BROKERS not in boards("券商：无需过度担忧\n短期波动不改长期趋势。")
    assert BROKERS in boards("券商板块全天走强，中信证券涨超3%。")


def test_the_brokers_board_by_its_marker_or_its_move_is_the_sector() -> None:
    """受券商板块走强带动 (受 before it), 券商：+3.2% (a colon before a figure), 券商板块今日领涨 with research visits
    later in the sentence: the board itself, whatever the analyst and visitor readings look for."""
    assert BROKERS in boards("受券商板块走强带动，沪指午后翻红，中信证券、东方财富涨超3%。")
    assert BROKERS in boards("行业涨跌幅一览——券商：+3.2%，保险：+2.1%，银行：-0.4%。")
    assert BROKERS in boards("券商板块今日领涨，国泰君安涨停；据统计，9月以来共有120家机构调研了上市公司。")
    assert BROKERS not in boards("一位券商人士表示，降准有利于银行板块估值修复。")


def test_a_table_of_the_sectors_moves_names_every_sector() -> None:
    """Every row of a table of moves, a signed change after a colon, is the sector (review of day 23: only 券商 was
    read); a figure without a sign after a colon is no move (an allocation's weight)."""
    moves = boards("行业涨跌幅一览——券商：+3.2%，保险：+2.1%，银行：-0.4%。")
    assert {BROKERS, "90.BK0474", "90.BK0475"} <= moves
    assert "90.BK0475" not in boards("资产配置建议：银行：5%")


def test_new_things_listed_together_are_not_the_new_materials_sector() -> None:
    """新产品、新材料, 新材料新技术: materials that are new among other new things (dev sets: 3 extras, no label)."""
    assert NEW_MATERIALS not in boards("2021年以来医美市场涌现多个获批的优质新产品、新材料。")
    assert NEW_MATERIALS not in boards("在新材料新技术方面，PEEK等轻量化材料已在头部车企应用。")
    assert NEW_MATERIALS not in boards("公司围绕抗磨新材料、润滑新技术、轴承优化等方向持续攻关。")
    assert NEW_MATERIALS in boards("着力打造新能源、新材料、新医药等新兴产业。")
    assert NEW_MATERIALS in boards("重点发展新材料、高新技术等战略性新兴产业。")
    # beside 新技术 in a list of industries, still the sector (review of day 22)
    assert NEW_MATERIALS in boards("基金将重点投向新能源、新材料、新技术等战略性新兴产业领域。")


NEW_ENERGY = "90.BK0493"


def test_new_energy_counted_in_cars_is_new_energy_vehicles() -> None:
    """每卖出两车就有一辆新能源, 公务车新能源占比, 新能源轿车: cars, the 新能源车 board, not new energy at large."""
    assert NEW_ENERGY not in boards("今年前三季度，每卖出两车就有一辆新能源。")
    assert NEW_ENERGY not in boards("地方政府如湖北要求公务车新能源占比30%以上。")
    assert NEW_ENERGY not in boards("别的新能源轿车的一体压铸技术，我国也能用。")
    assert NEW_ENERGY in boards("今年前三季度，全国新能源发电装机新增2亿千瓦。")


def test_other_vehicles_counted_beside_new_energy_power_leave_it_power() -> None:
    """辆 counting other vehicles in the sentence (抢修车辆2000余辆, 氢能重卡) does not make 新能源 cars."""
    found = boards("今年上半年，全国风电、光伏等新能源新增装机同比增长40%，电网企业新增抢修车辆2000余辆。")
    assert NEW_ENERGY in found and "90.BK0900" not in found
    found = boards("新能源发电量同比增长35%，截至6月底全国共有1.2万辆氢能重卡投入示范运营。")
    assert NEW_ENERGY in found and "90.BK0900" not in found


DATA_CENTRES = "90.BK0922"


def test_idc_the_research_firm_publishing_is_not_data_centres() -> None:
    """数据公司IDC近日发布, IDC今年7月也发布报告: the research firm and its reports; IDC业务 is data centres."""
    assert DATA_CENTRES not in boards("数据公司IDC近日发布的2023年第四季度中国平板电脑季度跟踪报告显示，华为居首。")
    assert DATA_CENTRES not in boards("值得一提的是，IDC今年7月也发布报告指出，全球可穿戴设备出货量有望反弹。")
    assert DATA_CENTRES in boards("公司IDC业务收入同比增长12%，机柜上架率持续提升。")


def test_a_kind_of_chip_names_its_own_board_not_semiconductors() -> None:
    """GPU芯片, TPU芯片, 推理芯片 are AI chips, 智驾芯片 car chips (FRESH_RULES B3: a compound names its own board; a
    type of chip its board if one exists); a kind without a board of its own (交换机芯片, 模拟芯片) stays 半导体."""
    semiconductors, ai_chips, car_chips = "90.BK1036", "90.BK1127", "90.BK0969"
    found = boards("谷歌计划在2026年将TPU芯片出货量提升至600万颗。")
    assert ai_chips in found and semiconductors not in found
    found = boards("寒武纪在推理芯片市场份额快速提升，上半年实现扭亏为盈。")
    assert ai_chips in found and semiconductors not in found
    found = boards("2023年，地平线的高算力智驾芯片出货量居中国第二。")
    assert car_chips in found and semiconductors not in found
    assert semiconductors in boards("CPO将光引擎直接与交换机芯片共封装，芯片行业迎来新机遇。")
    assert semiconductors in boards("国产模拟芯片厂商加速替代，芯片行业景气回升。")


def test_the_fuel_processing_statistics_class_is_refining_not_oil_or_coal() -> None:
    """石油、煤炭及其他燃料加工业: one NBS industry (refining and coking), 炼化及贸易, not 石油 or 煤炭 (B3)."""
    found = boards("石油、煤炭及其他燃料加工业增加值同比增长14.8%，增速高于全市规上工业。")
    assert "90.BK1274" in found and "90.BK0464" not in found and "90.BK0437" not in found
    assert "90.BK0437" in boards("煤炭行业利润同比下降，石油行业利润增长。")


def test_a_firms_own_platform_is_not_e_commerce() -> None:
    """国家电网有限公司电子商务平台, 官方电商平台: one firm's site by its name; 各大电商平台 is the sector."""
    e_commerce = "90.BK0665"
    assert e_commerce not in boards("日前，国家电网有限公司电子商务平台发布了2023年第十批采购中标公告。")
    assert e_commerce not in boards("两款机型开启预定销售，从官方电商平台来看，预售开启不久后售罄。")
    assert e_commerce in boards("各大电商平台坚持春节不打烊，消费者在节日期间也能网购。")


def test_ai_chips_written_the_hong_kong_way_are_ai_chips() -> None:
    """人工智能晶片: AI chips (B3: the compound names its own board), not 人工智能 the field."""
    found = boards("受云端需求带动，人工智能晶片出货量大增。")
    assert "90.BK1127" in found and "90.BK0800" not in found
    assert "90.BK0800" in boards("人工智能产业规模持续扩大，大模型应用加速落地。")


def test_brokers_among_the_visitors_of_a_research_tour_are_not_the_sector() -> None:
    """已有87家证券公司(含海外证券公司)对67家上市公司进行了调研: the visitors, read across the whole clause."""
    text = "据记者统计，自2月3日开市以来，已有87家证券公司（含海外证券公司）对67家上市公司进行了调研。"
    assert BROKERS not in boards(text)
    assert BROKERS in boards("证券公司一季度净利润同比增长，券商板块估值处于历史低位。")
    text = "近1个月时间内，共有582家上市公司接待包括基金、证券公司、阳光私募、保险公司等在内的多类机构调研。"
    assert "90.BK0474" not in boards(text)
    assert "90.BK0474" in boards("保险公司一季度保费收入同比增长8%。")
    # the brokers a regulator visits are the sector (review of day 22)
    assert BROKERS in boards("证监会近日对部分证券公司开展现场调研，了解投行业务合规情况。")


def test_crystalline_silicon_cells_are_solar_not_batteries() -> None:
    """电池环节全国晶硅电池产量: solar cells, a stage of the photovoltaic chain, not the battery board."""
    batteries = "90.BK1033"
    assert batteries not in boards("电池环节全国晶硅电池产量超过224.5GW，同比增长65.7%。")
    assert batteries in boards("电池行业产能过剩，头部企业加快出海。")


def test_a_servers_or_a_cut_down_chips_compute_is_a_figure() -> None:
    """AI服务器算力升级, 限制算力至H100的15%: a part's performance, not the computing-power board."""
    compute = "90.BK1134"
    assert compute not in boards("AI服务器算力升级带动内存容量与速率提升，推动内存接口芯片需求。")
    assert compute not in boards("H20通过缩减GPU核心数量、限制算力至H100的15%，满足出口规定。")
    assert compute in boards("我国算力规模位居全球第二，算力产业加速发展。")
    # compute demanded from servers, or its export limited, is the industry (review of day 22)
    assert compute in boards("随着大模型应用落地，国内服务器算力需求爆发。")
    assert compute in boards("英伟达CEO黄仁勋表示，美国限制算力出口将损害美国企业。")
