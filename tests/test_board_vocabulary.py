"""The board vocabulary of configs/text_tagging.yaml agrees with Eastmoney's own markup: for every
board link in the real corpus whose visible word the text tagger knows, the text tagger picks the
board the markup picked. This is the evidence for the rule that an industry board takes a name it
shares with a concept board (证券, 银行, 保险 are linked to the industry boards)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.securities import from_data_code
from tagging.linking.lexicon import load_lexicon, normalise_name
from tagging.tagger import text_mentions

CORPUS = sorted((Path(__file__).resolve().parent.parent / "replica" / "data" / "eastmoney").glob("*.md"))
BOARD_LINK_RE = re.compile(r'data-code\s*=\s*"(90,BK\d{4})"[^>]*>([^<]+)<')


def board_links() -> list[tuple[str, str, str]]:
    links = []
    for path in CORPUS:
        for data_code, visible in BOARD_LINK_RE.findall(path.read_text(encoding="utf-8")):
            security = from_data_code(data_code)
            assert security is not None
            links.append((path.name, normalise_name(visible), security.code))
    return links


def test_the_corpus_has_board_links() -> None:
    assert len(CORPUS) >= 4 and len(board_links()) >= 20


# 电机 is linked inside 煤电机组 (reference variant 9): a markup error the text tagger must not copy.
MARKUP_ERRORS = {"电机"}


def test_markup_errors_are_never_tagged_from_text() -> None:
    assert load_lexicon().ambiguous_names >= MARKUP_ERRORS
    assert MARKUP_ERRORS & {word for _post, word, _code in board_links()}


@pytest.mark.parametrize(("post", "word", "code"), [link for link in board_links() if link[1] not in MARKUP_ERRORS])
def test_text_tagger_picks_the_board_the_markup_picks(post: str, word: str, code: str) -> None:
    words = load_lexicon().text_board_words()
    assert word in words, f"{post}: the markup links {word} to {code}; the text tagger does not know the word"
    assert words[word][0] == code, f"{post}: {word} is {code} in the markup, {words[word][0]} in text"


def test_industry_board_takes_a_shared_name() -> None:
    # Shared names the corpus does not link: the same rule, checked on the board list.
    lexicon = load_lexicon()
    shared = {"半导体": "BK1036", "医疗器械": "BK1041", "医疗美容": "BK1253", "化妆品": "BK1252"}
    for word, code in shared.items():
        assert lexicon.board_by_name[word] == code, word
        assert lexicon.boards[code].type == "industry"
    # An industry named with a level suffix (白酒Ⅱ) leaves the plain name to the concept that bears it.
    assert lexicon.board_by_name["白酒"] == "BK0896" and lexicon.boards["BK0896"].type == "concept"
    assert lexicon.board_by_name[normalise_name("白酒Ⅱ")] == "BK1277"


# --- issue 22: configs/board_vocabulary.yaml, every word with its source ----------------------------------------

VOCABULARY = Path(__file__).resolve().parent.parent / "configs" / "board_vocabulary.yaml"


def boards_in(text: str) -> set[str]:
    from tagging.tagger import text_mentions

    return {m.secid for m in text_mentions(text, None) if m.secid.startswith("90.")}


def test_every_vocabulary_word_has_a_source() -> None:
    import yaml

    lexicon = load_lexicon()
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    kinds = set()
    for kind in ("board_aliases", "sector_words"):
        target = lexicon.board_by_name if kind == "board_aliases" else lexicon.sector_words
        for code, words in data[kind].items():
            for word, source in words.items():
                assert target[normalise_name(str(word))] == code, word
                assert lexicon.word_sources[normalise_name(str(word))] == source
                kinds.add(source.split(":")[0])
    assert kinds >= {"board name", "devset", "subject", "earlier"}


@pytest.fixture
def vocabulary_file(tmp_path, monkeypatch):
    """A copy of configs/ whose board_vocabulary.yaml a test rewrites."""
    import shutil

    from core.config import config_dir
    from core.settings import reload as reload_settings

    shutil.copytree(config_dir(), tmp_path / "configs")
    monkeypatch.setenv("FINNEWS_CONFIG_DIR", str(tmp_path / "configs"))
    reload_settings()
    yield tmp_path / "configs" / "board_vocabulary.yaml"
    monkeypatch.delenv("FINNEWS_CONFIG_DIR")
    reload_settings()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        # A board written twice: PyYAML would keep the second entry and silently drop the first one's words.
        (
            "board_aliases:\n  BK0474:\n    险企: 'earlier: x'\n  BK0474:\n    内险: 'earlier: x'\n",
            r"board_vocabulary\.yaml: 'BK0474' is written twice \(lines 2 and 4\)",
        ),
        # One word, one board: across boards and across the two kinds.
        (
            "board_aliases:\n  BK1137:\n    HBM: 'subject: x'\n  BK1152:\n    HBM: 'subject: y'\n",
            r"board_vocabulary\.yaml: board_aliases\.BK1152\.HBM: the word is already given in board_aliases\.BK1137",
        ),
        (
            "board_aliases:\n  BK0475:\n    银行: 'earlier: x'\nsector_words:\n  BK0475:\n    银行: 'earlier: x'\n",
            r"sector_words\.BK0475\.银行: the word is already given in board_aliases\.BK0475",
        ),
        # Every word has its source, of a known kind.
        (
            "board_aliases:\n  BK1136:\n    光模块:\n",
            r"board_aliases\.BK1136\.光模块: missing or unrecognised source None",
        ),
        (
            "board_aliases:\n  BK1136:\n    光模块: because\n",
            r"BK1136\.光模块: missing or unrecognised source 'because'",
        ),
        ("board_aliases:\n  BK1136: [光模块]\n", r"board_aliases\.BK1136: expected a mapping of word to its source"),
        ("board_aliases:\n  BK9999:\n    光模块: 'subject: x'\n", r"board_aliases\.BK9999: unknown board code"),
        # A compound category names two boards or more, each known, with its source, and is no other entry.
        (
            "compound_words:\n  养老托育:\n    boards: [BK0653]\n    source: 'subject: x'\n",
            r"compound_words\.养老托育: boards: expected two different board codes or more",
        ),
        (
            "compound_words:\n  养老托育:\n    boards: [BK0653, BK9999]\n    source: 'subject: x'\n",
            r"compound_words\.养老托育: unknown board code\(s\) BK9999",
        ),
        (
            "compound_words:\n  养老托育:\n    boards: [BK0653, BK1074]\n",
            r"compound_words\.养老托育: expected exactly the keys boards and source",
        ),
        (
            "board_aliases:\n  BK0653:\n    养老托育: 'subject: x'\n"
            "compound_words:\n  养老托育:\n    boards: [BK0653, BK1074]\n    source: 'subject: x'\n",
            r"compound_words\.养老托育: the word is already an alias or a sector word",
        ),
    ],
)
def test_vocabulary_errors_name_the_file_and_the_entry(vocabulary_file, content: str, error: str) -> None:
    from core.config import ConfigError

    vocabulary_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=error):
        load_lexicon()


def test_a_category_of_several_industries_names_each() -> None:
    """Statistics releases' categories (GB/T 4754) and policy pairs name every industry they join, as the
    labellers read them (dev9, dev20, dev22): compound_words in configs/board_vocabulary.yaml."""
    assert boards_in("化学原料和化学制品制造业增长10.0%。") == {"90.BK1019", "90.BK0538"}
    assert boards_in("铁路、船舶、航空航天和其他运输设备制造业增长11.0%。") == {"90.BK1236", "90.BK0729", "90.BK0480"}
    assert boards_in("扩大养老托育服务供给。") == {"90.BK0653", "90.BK1074"}
    assert load_lexicon().word_sources["养老托育"].startswith("subject: ")
    # the regulators' words for two financial trades at once (issue 22: 证券基金机构 is a mention)
    assert boards_in("银行保险机构要加大对小微企业的支持。") == {"90.BK0475", "90.BK0474"}
    assert boards_in("银行业保险业要加大对小微企业的支持。") == {"90.BK0475", "90.BK0474"}
    assert boards_in("推动证券基金机构做强做优。") == {"90.BK0473"}
    assert boards_in("证券基金经营机构要提升专业能力。") == {"90.BK0473"}
    # but bancassurance is an insurer's sales channel, and the regulator and its newspaper are no trade
    assert boards_in("公司银行保险业务保费收入增长12%。") == set()
    assert boards_in("据中国银行保险报报道，原中国银行保险监督管理委员会发布通知。") == set()


def test_a_vocabulary_word_with_a_space_is_matched_as_written_and_without_it() -> None:
    assert boards_in("这款专为中国市场定制的 AI 加速器将重启供货。") == {"90.BK1127"}
    assert boards_in("苹果将在新款iPad上采用Mini LED屏幕。") == {"90.BK0902"}
    assert boards_in("苹果将在新款iPad上采用MiniLED屏幕。") == {"90.BK0902"}


# Words news uses for a board's subject, in sentences of the development texts (bench/devset/texts, dev2_texts)
# and the shared corpus.
@pytest.mark.parametrize(
    ("text", "board"),
    [
        ("整合了中船集团旗下大型造修船、机电设备、海洋工程等业务,具有完整的船舶行业产业链。", "90.BK0601"),
        ("中国电动汽车充电基础设施促进联盟公布了首批23家充电运营企业的44座五星级电动汽车充电场站。", "90.BK0700"),
        ("记者21日从2024中国汽车充换电生态大会上了解到,今年以来,我国充电基础设施建设呈现快速增长。", "90.BK0700"),
        ("特斯拉计划于10月10日在美国洛杉矶举行发布会,届时将正式推出备受瞩目的Robotaxi自动驾驶出租车。", "90.BK0802"),
        ("用户盲目信赖智驾功能而导致的车祸也时有发生,这都为市场敲响了安全警钟。", "90.BK0802"),
        ("问界等华为汽车概念股走强。", "90.BK0984"),
        ("叠加供给侧锂盐厂停产、检修消息扰动,碳酸锂供给收缩而下游需求旺盛。", "90.BK1015"),
        ("公司是先对后部的封测工艺进行验证,同时委托外部对设计完成的芯片进行流片。", "90.BK1036"),
        ("物管股跟随上涨,世茂服务涨超9%,碧桂园服务、雅生活服务、滨江服务涨超4%。", "90.BK1045"),
        ("硬件层面:重点突破减速器、关节模组、灵巧手、电池等成本高、技术难的核心部件。", "90.BK1145"),
        ("半导体芯片、AI应用、AI医疗等热门板块走强。", "90.BK1170"),
        ("我国在量子科技、6G、生物制造等领域已形成领先优势,在具身智能、脑机接口等方向也实现技术突破。", "90.BK1184"),
        ("严格落实电解铝产能置换,从严控制铜、氧化铝等冶炼新增产能。", "90.BK1287"),
        ("三家公司都在以前所未有的规模投入AI基础设施建设,但市场想知道的是,谁的钱花得最有效率?", "90.BK0800"),
        ("将海量资金持续注入AI算力基础设施与核心技术的研发。", "90.BK1134"),
        ("方案还对包括工业互联网产业、数字医疗产业、数字金融产业等在内的应用场景提出了针对性支持举措。", "90.BK0837"),
        ("推进十四五农业农村现代化建设目标公布", "90.BK0834"),
        ("HBM需求旺盛,存储芯片价格持续上涨。", "90.BK1137"),
        ("高带宽内存需求旺盛。", "90.BK1152"),
        ("原油价格大跌，航空板块走强，中国国航涨超3%。", "90.BK0420"),  # the airlines as a wrap names them (dev97)
        ("受涨价预期带动，存储行业景气回升。", "90.BK1137"),  # memory chips by the trade's short word
        ("量子板块异动拉升，多只个股涨停。", "90.BK0710"),
        ("港股内银股集体走强。", "90.BK0475"),  # Hong Kong's word for mainland banks
        ("今年以来渔业生产稳定，水产品产量增长。", "90.BK1260"),  # what a trade does: its production (issue 22)
        ("一季度全省电力生产平稳。", "90.BK0428"),
        ("超充桩、换电站建设提速。", "90.BK0985"),  # battery-swap stations being built (dev: 充/换电站)
        ("电讯股跟涨，中移动涨2%。", "90.BK0736"),
        ("铝板块午后拉升，铜业龙头紫金矿业大涨。", "90.BK1287"),  # metals by their trade (dev: 铝板块, 铜业龙头)
        ("今年全球铜产量预计增长3%。", "90.BK1287"),
        ("作为国内最大铝业生产商，中国铝业产能约为700万吨。", "90.BK1287"),  # 业 with a cue: the trade
    ],
)
def test_words_news_uses_for_a_boards_subject(text: str, board: str) -> None:
    assert board in boards_in(text)


# Traps: a vocabulary word inside an organisation's or a company's name, or in a generic sense (a verb, a
# feature of a product, a futures contract, a part in use), or cut across words. Decided by context rules:
# an organisation's name after the word (协会, 研究院 …: link_context.inside_another_name), the longest name
# wins (中国石化 is the company), jieba's word boundaries (这种业绩 is not 种业), and a sector word needs a cue.
@pytest.mark.parametrize(
    ("text", "board"),
    [
        ("中国物业管理协会发布《物业服务企业发展报告》。", "90.BK1045"),  # an association's name
        ("中国家用电器研究院发布白皮书。", "90.BK0456"),  # a research institute's name
        ("中国城市燃气协会召开年会。", "90.BK1028"),
        ("中国石化发布公告称,一季度经营平稳。", "90.BK1274"),  # the company, not the refining sector
        ("舍得酒业(SH600702)、水井坊(SH600779)收涨。", "90.BK0477"),  # a company's name ending in 酒业
        ("这种业绩分化折射出两家机构的互补需求。", "90.BK1261"),  # 种业 across two words
        ("按照每吨石油可以炼化约0.3吨汽油(以及0.3亿吨柴油,和其它提炼物)来计算。", "90.BK1274"),  # a verb
        ("包括服务机器人的避障、导航，人脸识别，3D建模，智慧抠图，尺寸测量。", "90.BK0970"),  # a product's feature
        ("前期多晶硅期货与股票/现货市场的分化反映了强预期和弱现实的矛盾。", "90.BK1031"),  # a futures contract
        ("本周玻璃指数价格下跌2%，焦煤、焦炭期货价格震荡。", "90.BK0546"),  # a price index's price (dev228)
        ("航空工业集团发布新机型。", "90.BK0420"),  # aircraft makers: 航空 alone names no airline
        ("数据中心的数据存储方案。", "90.BK1137"),  # storage in general, no cue
        ("量子力学的基本原理。", "90.BK0710"),  # physics
        ("公司所属中铝矿业、遵义铝业分别通过协议方式转让股权。", "90.BK1287"),  # a firm's name (dev: finews)
        ("他在比赛中获得一枚铜牌。", "90.BK1287"),
        ("工人在电池生产线上操作。", "90.BK1033"),  # a production line is a plant's, no trade's doing
        ("H20 通过缩减 41% GPU 核心数量、限制算力至 H100 的 15%。", "90.BK1127"),  # a part in use
        ("4万元/根,一盒内存条堪比上海一套房。", "90.BK1137"),
        ("手机基带芯片往事", "90.BK1037"),  # a phone's part, not the phone industry
        ("已建成企业级数据库,并将大模型融入客户服务。", "90.BK0800"),  # a model put to use
        ("长城汽车旗下欧拉品牌推出新车。", "90.BK1013"),  # 欧拉 the car brand, not Huawei's openEuler
        # a car brand among brands names the carmaker's make, not the board (dev9, dev19: 华为汽车, 小米汽车
        # are company-named boards and want a board cue)
        ("蔚来、理想、鸿蒙智行等 80% 以上品牌均选择多传感器融合路线。", "90.BK0984"),
        ("2024 年小米汽车 SU7 上市，9 个月交付超过十万辆。", "90.BK1155"),
    ],
)
def test_vocabulary_traps(text: str, board: str) -> None:
    assert board not in boards_in(text)


def test_generic_words_are_the_sector_with_a_cue_or_in_a_list() -> None:
    assert "90.BK1137" in boards_in("内存厂商纷纷上调报价。")
    assert "90.BK0800" in boards_in("加快发展大模型产业。")
    assert "90.BK1274" in boards_in("炼化行业产能过剩。")
    assert {"90.BK0482", "90.BK1271"} <= boards_in("百货、餐饮等接触型服务业持续恢复。")
    assert "90.BK0440" in boards_in("促进家电、家居和汽车消费。")


# --- dev3.yaml: general classes of false board tags and misses on unseen outlets ----------------------------------


@pytest.mark.parametrize(
    ("text", "board"),
    [
        # a board word that begins a government department's, a committee's or an event's name
        ("电子信息司史惠康副司长领学全会精神。", "90.BK0447"),
        ("工业和信息化部电子信息科技委召开研讨会。", "90.BK0447"),
        ("民航局发布无人驾驶航空器系统技术要求。", "90.BK0420"),
        ("全面落实全国新型工业化推进大会部署。", "90.BK1150"),
        ("优必选亮相2025世界机器人大会。", "90.BK1090"),
        # 电子信息 is the electronics trade in news, not 互联网服务; 信息通信 is ICT as a whole
        ("带动电子信息制造业、智能制造设备行业快速发展。", "90.BK0447"),
        ("中国信息通信业走出了一条行业现代化发展道路。", "90.BK0448"),
        # objects counted in use, not the sector
        ("搭载 33 个高精度传感器的自动驾驶汽车亮相。", "90.BK0905"),
        ("百余台智能机器人担任“智愿者”。", "90.BK0640"),
        # a bracketed data credit names the source of a figure
        ("东南亚市场贡献了37%的增量(IDC数据)。", "90.BK0922"),
        # 汽车行业 is the car industry, not the parts board whose old alt name it is
        ("汽车行业的演进是一场漫长的马拉松。", "90.BK0481"),
    ],
)
def test_dev3_traps(text: str, board: str) -> None:
    assert board not in boards_in(text)


def test_dev3_organisation_rule_keeps_companies_and_layouts() -> None:
    # 公司 and 格局 after a board word are a sector cue and a noun, not a department or a bureau
    assert "90.BK1031" in boards_in("多家光伏公司发布业绩预告。")
    assert "90.BK0493" in boards_in("重塑全球新能源产业格局。")


def test_dev3_counts_made_or_sold_are_the_industry() -> None:
    # a count of what is produced, sold or shipped is the industry's output, not objects in use
    assert "90.BK0900" in boards_in("特斯拉第三季度共生产了469,796辆电动车。")
    assert "90.BK1036" in boards_in("新能源汽车每辆车超 2000 片的半导体需求带动产业发展。")


def test_ai_names_the_field_only_with_the_fields_words() -> None:
    # AI as a product's feature or a firm's business line is no field; its models, wave, industry and spending are
    assert "90.BK0800" not in boards_in("凭借全系标配的5C超充AI电池,销量大增。")
    assert "90.BK0800" not in boards_in("智能电动汽车及AI等创新业务分部收入为180亿元。")
    assert "90.BK0800" not in boards_in("2万元买AI硬件。")
    assert "90.BK0800" in boards_in("在AI大模型浪潮裹挟下,人形机器人竞赛加速。")
    assert "90.BK0800" in boards_in("五大科技巨头2026年AI资本支出预计冲破7000亿美元。")
    assert "90.BK0800" in boards_in("AI产业链算力端与应用端盈利改善。")
    assert "90.BK0800" in boards_in("推动AI发展。")
    assert "90.BK0800" in boards_in("聚焦先进制造、芯片工程、AI 等领域。")
    assert "90.BK0800" in boards_in("人工智能正在改变世界。")  # the field's own name needs no cue


def test_quoted_last_member_and_new_product_words() -> None:
    # what follows the quote of a list's last member decides (“沪港通”和“深港通”机制: the schemes)
    assert boards_in("资金主要通过“沪港通”和“深港通”机制流入港股市场。") == set()
    assert {"90.BK0481", "90.BK1046"} <= boards_in("“汽车零部件”、“游戏”等板块走强。")
    # wind turbines the industry makes; stainless steel as the steel trade (with a cue; a futures price is none)
    assert "90.BK1032" in boards_in("风力发电机组产量增长48%。")
    assert "90.BK0479" in boards_in("不锈钢产业实现产值2260亿元。")
    assert "90.BK0479" not in boards_in("玻璃、不锈钢跌超4%。")


def test_chips_in_use_are_no_industry() -> None:
    # 芯片 names the chip industry with a cue, a policy or a list: chips as components or products (交换芯片,
    # 芯片算力提升, 自研硅光芯片良率) are the extras of technology texts (dev2-dev59: 15 fewer extras, 13 fewer found)
    assert "90.BK1036" not in boards_in("把光模块和交换芯片打包同桌办公,传输效率提升。")
    assert "90.BK1036" not in boards_in("激光雷达价格降低、芯片算力提升,智驾系统成本下探。")
    assert "90.BK1036" in boards_in("芯片行业景气度回升,芯片股走强。")
    assert "90.BK1036" in boards_in("推动芯片产业发展。")
    assert "90.BK1036" in boards_in("聚焦5G、芯片、新材料等新兴产业。")


def test_dev3_words_and_lists() -> None:
    assert "90.BK1036" in boards_in("晶片国产化主题屡被炒作。")  # the HK and Taiwan word for chips
    assert "90.BK1031" in boards_in("太阳能电池关税从25%增至50%。")
    assert "90.BK1029" in boards_in("汽车行业的演进是一场漫长的马拉松。")
    # a list that ends 等…行业 / 等品类 names industries, even the first word alone
    assert "90.BK0479" in boards_in("下游领域包括钢铁、冶金、新型煤化工等传统行业。")
    assert "90.BK1073" in boards_in("显著跑赢啤酒、其他酒类等品类。")
    # but a list of data or application fields (等领域) is not a list of industries
    assert "90.BK0727" not in boards_in("金融、医疗、交通、位置、空间、科研等领域数据专区将加快推进。")


def test_tenth_day_board_words() -> None:
    """Words the dev148-dev165 first runs missed: a field's name, a short name, the other Chinese name of a
    product, Hong Kong's word for memory chips, a statistics class."""

    def boards(text: str) -> set[str]:
        return {m.secid for m in text_mentions(text, None) if m.secid.startswith("90.")}

    assert "90.BK1174" in boards("重点关注合成生物学领域的龙头企业。")
    assert "90.BK1055" in boards("虚拟人产业迎来爆发。")
    assert "90.BK0877" in boards("印刷电路板行业景气回升。")
    assert "90.BK1137" in boards("记忆体市场供不应求,记忆体行业复苏。")
    assert "90.BK0538" in boards("化学工业增加值增长5%。")
    assert "90.BK0700" in boards("新建充换电站200座。")
    # building materials as a trade: the 水泥 board by its alt name 水泥建材, as labellers chose 10 times to 5
    assert "90.BK0424" in boards("建材行业景气度回升。") and "90.BK0476" not in boards("建材行业景气度回升。")
