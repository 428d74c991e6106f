"""Entity linking for text without markup: every listed company and sector board a text names,
with offsets, found in one pass and kept only where the context says it is the company or the
sector.

One Aho-Corasick automaton (ahocorasick-rs, a binding of Rust's aho-corasick crate: about ten times
faster per character than pyahocorasick on this vocabulary, measured) holds every name of the knowledge base and every
board word, so a text is scanned once for all of them (leftmost-longest: 东湖高新区 is one word, not
东湖高新 plus 区). A match must also start and end on word boundaries of the article's jieba
segmentation, which the tagger computes anyway: 上海复旦 in 上海复旦大学 is not a word there.
Codes (``601633.SH``, ``03301.HK``, ``NASDAQ: PDD``, ``(600519)``, ``BK1061``) are read with
regular expressions; a code next to a name confirms the name.

Names that are everyday words, places or outlets (新能源, 太平洋, 新华网) and generic sector words
(银行, 汽车) are not on a stop list: they are tagged when the words around them say what they are:
company cues (股份, 公司, 股价, 涨停, a code, a list of other companies), sector cues (板块, 概念,
行业, 产业, …股, a list of other sectors).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from operator import itemgetter

import ahocorasick_rs

from core.article import Mention
from core.securities import BOARD_MARKET, US_MARKETS, Security, make_security
from core.settings import configured
from tagging.linking.knowledge import HOW_ALIAS, HOW_CODE, HOW_FORMER, HOW_FULL, HOW_NAME, KnowledgeBase, NameEntry
from tagging.linking.knowledge_tables import load_knowledge_base
from tagging.linking.lexicon import Lexicon, load_lexicon, normalise_name
from tagging.linking.link_context import (
    AI_FEATURE_AFTER_RE,
    AI_WORDS,
    BOARD_CUE_AFTER_RE,
    BODY_BEFORE_RE,
    BUSINESS_SCOPE_RE,
    CLOSING_QUOTES,
    CODE_GAP_RE,
    COMPANY_COUNTRIES,
    COMPANY_NAME_END_RE,
    COPYRIGHT_AFTER_RE,
    COUNTED_OBJECTS_RE,
    DATA_CREDIT_RE,
    DATA_SHOWN_RE,
    DATA_SOURCE_AFTER_RE,
    FULL_NAME_LENGTH,
    INDUSTRY_LIST_GAP_RE,
    INPUT_COST_AFTER_RE,
    LICENCE_AFTER_RE,
    LIST_GAP_RE,
    MARKET_HINTS,
    MODEL_BEFORE_RE,
    OUTLET_AFTER_RE,
    OUTLET_BEFORE_RE,
    OUTPUT_BEFORE_RE,
    POLICY_BEFORE_RE,
    PRICE_AFTER_RE,
    SECTOR_AFTER_RE,
    SECTOR_DOINGS_RE,
    SHORT_NAME_BEFORE_RE,
    SPEAKER_AFTER_RE,
    VIEW_AFTER_RE,
    attribution_spans,
    board_stem,
    company_cue,
    cuts_latin_word,
    famous_other_reading,
    inside_a_title,
    inside_another_name,
    listing_named,
    national_phrase,
    neighbourhood,
    new_energy_means_vehicles,
    on_word_bounds,
    sector_cue,
    stands_delimited,
)
from tagging.linking.text_codes import codes_in
from tagging.places import Cover, Marks, Places

Token = tuple[str, int, int]

# Full-width letters and digits to half-width, one character for one, so offsets stay those of the
# text (the patterns below accept full-width brackets and colons as they are). Translating only texts
# that have any: str.translate is slow, and few texts need it. Hong Kong pages also write codes in the small
# form brackets (蔚来﹙9866﹚, 比亚迪﹙1211﹚股份: hk01, dev125), read as ordinary ones.
_HALF_WIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " ", "\ufe59": "(", "\ufe5a": ")"}
)
_HALF_WIDTH_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_FULL_WIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\ufe59]")
# Kangxi radicals and compatibility ideographs that text copied from PDFs holds for ordinary characters (交通银⾏
# with ⾏ U+2F8F for 行): read as the character each stands for (its NFKC form, one character for one, so offsets
# keep).
_LOOK_ALIKE_HAN = str.maketrans(
    {
        chr(c): unicodedata.normalize("NFKC", chr(c))
        for c in (*range(0x2F00, 0x2FD6), *range(0xF900, 0xFB00))
        if len(unicodedata.normalize("NFKC", chr(c))) == 1 and unicodedata.normalize("NFKC", chr(c)) != chr(c)
    }
)
_LOOK_ALIKE_HAN_RE = re.compile("[\u2f00-\u2fd5\uf900-\ufaff]")


_SHARE_CLASS_NAME_RE = re.compile(r".*[\u4e00-\u9fff][AB]")
# A name with a marker the tables do not keep: a trading status (ST中捷, *ST康美), a first day's N or a registration
# listing's first days' C (N仙鹤, C海光), an ex-dividend or ex-rights day's XD, XR, DR (XD贵州茅).
_NEW_LISTING_DAYS = 31  # the N and C marks stand on a listing's first day or first five days
# (a space may stand inside an ST mark as some pages write it: *ST 奥维, * ST 长药: dev188)
_STATUS_NAME_RE = re.compile(r"(?<![A-Za-z0-9])(?:\* ?ST ?|S\*ST|SST|ST ?|N|C|XD|XR|DR)(?P<rest>[\u4e00-\u9fff]{2,4})")
_ST_MARKS = ("*", "S")  # how the trading-status marks of _STATUS_NAME_RE begin (*ST, S*ST, SST, ST), not N, C, XD …
_STATUS_HINT_RE = re.compile(r"ST|(?<![A-Za-z0-9])[NCXD][RD]?[\u4e00-\u9fff]")


# A list that ends in 业务 or 主业 is a company's business lines, not industries (在易道、体育、手机等业务发展
# 上面; 海参养殖、互联网泛娱乐双主业).
_BUSINESS_LINES_AFTER_RE = re.compile(r"等?[\u4e00-\u9fff]{0,4}?(?:业务|主业)")
# After 化, the words 化工, 化学, 化肥, 化妆, 化纤: 化 there begins a word of its own (石油化工).
_NOT_IZATION = ("工", "学", "肥", "妆", "纤")
# A trade named with its marker before 化解 is resolving something (煤炭行业化解过剩产能, the 2016 capacity cuts:
# review of day 22), no -ization.
_WHOLE_TRADE_ENDS = ("行业", "产业")
_ACCORDING_WORDS = ("根据", "依据")
_CODE_PAIR_GAP_RE = re.compile(r"\s*[;；/、,，]\s*")


def _named_with_its_country(scan: str, start: int, end: int) -> bool:
    """A company named with its country before and 公司 after (美国高通公司): jieba keeps the whole as one
    word, and the name inside it is the company's."""
    return scan[max(0, start - 2) : start] in COMPANY_COUNTRIES and (
        scan[start:end].endswith("公司") or scan.startswith("公司", end)
    )


# Words for a country that end in 国: a name beginning with that 国 is cut out of them (我国新能源).
_COUNTRY_WORDS = frozenset(
    {"我国", "全国", "中国", "各国", "外国", "本国", "两国", "美国", "该国", "大国", "强国", "他国"}
)
# A title and a surname before a two-character name make it a person's given name (副会长迟京东, 董事长王平安).
_TITLE_AND_SURNAME_BEFORE_RE = re.compile(
    r"(?:会长|主席|总裁|董事长|总经理|经理|院长|部长|书记|局长|主任|教授|理事长|秘书长|行长|创始人|董事|记者|"
    # (实际控制人王永辉: dev197; 控股股东为腾讯 names the firm)
    r"实际控制人|实控人|控股股东)(?![为系是即])[\u4e00-\u9fff]$"
)
# A fund or a fund manager named after a company (礼来亚洲基金, 国寿大健康基金, 贝莱德基金, 高盛高华基金): its
# own entity; the company's fund business (基金业务, 基金销售) and a fund it owns (比亚迪旗下全资基金) are the
# company's.
_FUND_AFTER_RE = re.compile(
    r"(?!旗下|的|下属|所属|设立|发起|成立|参与|被|获|遭)[\u4e00-\u9fff]{0,4}?基金(?!业务|代销|销售|托管|规模|产品|净值)"
)
# (立讯精密被公募基金增持: the company that funds buy, dev89.)
# What a listed group's unit adds to the group's name: its broker, its investment or asset-management arm.
_UNIT_SUFFIXES = ("证券", "资本", "资管")
# (a joint venture's place may stand between: 汇丰前海证券, 高盛高华证券)
# (资本开支, 资本支出, 资本市场 are the company's spending or a market: 英特尔资本开支创新高, dev135)
_UNIT_AFTER_RE = re.compile(r"(?:前海|高华|中国|亚洲|国际)?(?:证券|资本(?!开支|支出|市场|运作)|资管)")
# A street in a brokerage branch's or a bank branch's name (申万宏源证券深圳金田路营业部: dev144).
_STREET_AFTER_RE = re.compile(r"(?:路|街|大道|大街)(?:证券)?(?:营业部|支行|分行|\d+号)")
# Kinds of insurance that end insurers' names (天安财险, 恒大人寿): after a listed group's name they name its unit;
# alone, after another insurer's name, they are no insurance board (_NAMED_KINDS below).
_INSURANCE_KINDS = ("财险", "寿险", "产险")
_INSURER_KINDS = ("人寿", *_INSURANCE_KINDS)
# A group of stocks named after a company (腾讯音乐概念, 恒大系股票, 中船系、): 系 as "is" goes on otherwise
# (龙源电力系国内最早开发风电的公司).
_GROUP_NAMED_AFTER_RE = re.compile(r"概念|系(?=[股、，,等]|板块|概念|个股|上市)")
# The dot between the parts of a transliterated name (埃隆·马斯克), as typed and as web text encodes it.
_NAME_DOTS = "·•‧・"
# "China's X" (中国版迪士尼, 国产版英伟达, A股版特斯拉) names another company by likeness.
_LIKENED_BEFORE_RE = re.compile(r"(?:中国|国产|本土|A股|港股|亚洲|东方)版$")
NEW_ENERGY_VEHICLES = "BK0900"  # 新能源车: what 新能源 means in a sentence about cars
TELECOM_SERVICES = "BK0736"  # 通信服务: what 通信 means as the carriers' trade
AEROSPACE = "BK0480"  # 航天航空: what 航空 means in a sentence about making things
# 航空 alone is the airlines' trade in market and travel text (航空板块, 航空(-25.3%), 航空、高铁、航运); in a sentence
# about making things it is aircraft making (移动智能终端、LED、航空、生物医药、智能装备等多个产业领域;
# 国防、电力、石化、核电、环保、汽车、航空、船舶、铁路等行业的高端装备制造). Development labels: 6 airlines, 4 aircraft
# making.
_MAKING_THINGS_RE = re.compile(
    r"制造|装备|产业领域|产业集群|集群|船舶|航天|核电|国防|军工|生物医药|新材料|电子信息|智能终端|发动机|(?<!原)材料|研制|背景"
)
# Flying and its costs in the sentence make 航空 the airlines whatever is made in it (在油价高企的背景下,
# 航空和物流行业成本上升; 国际油价大涨,航空、化工等行业成本承压,新材料板块走强: review25).
_FLYING_RE = re.compile(r"油价|燃油|航油|客座率|航班|旅客|乘客|客流|机票|票价|暑运|春运|航线|载客")
# Right after 航空, what makes it the making of aircraft whatever the sentence (航空工业, 航空领域, 航空巨头), or the
# airlines (a signed move: 航空(-25.3%); 航空市场, 航空板块, 航空股).
_AIRCRAFT_MAKING_AFTER_RE = re.compile(r"工业|领域|巨头|器")
_AIRLINES_AFTER_RE = re.compile(r"[（(]?[+\-−]\d|市场|板块|股|运输|公司|出行")
# Travel trades listed right beside 航空 make it the airlines whatever else the sentence makes (航空、酒店、旅游等行业
# 遭受重创,而制造业恢复较快: review25); 铁路 and 船舶 stand in lists of equipment makers too, so they are no such word.
_TRAVEL_BESIDE_RE = re.compile(r"酒店|旅游|餐饮|酒旅|景区|机场|客运|免税|住宿|影院")
_TRAVEL_REACH = 8  # characters either side of 航空: its own list, not the clause after it
# 通信 as the carriers' trade: the ministry's 通信业 (我国通信业电信业务量收保持平稳增长: its yearly statistics name
# the carriers' business so), or 通信 in a sentence about the carriers (三大运营商主导内通信市场, 中国运营商首次处在
# 移动通信发展的最前沿). Dev sets (day 23): 4 extras of 通信设备 in 3 texts, each labelling 通信服务 for the same
# words; no text labels 通信设备 for 通信业.
_CARRIERS_RE = re.compile(r"运营商|电信业务|电信业|中国移动|中国电信|中国联通|移动电话用户")


# A list of short names joined by 、 (招商、兴业、浙商; 工、农、中、建、交), its ends maybe run into the words around.
_SHORT_LIST_RUN_RE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:、[\u4e00-\u9fff]{1,6})+")
# Groups whose members news lists by stem: the words that say the sentence is about the group, the suffix that
# completes a member's name, and the one-character stems of the big state banks.
_INSTITUTION_GROUPS = (
    (
        # a group of banks, not any bank (北京、上海、广州的银行网点 are cities)
        re.compile(
            r"股份制|股份行|城商行|农商行|大行|国有银行|国有大型|上市银行|银行股|商业银行|[\d几多数十]+家银行|各大银行"
        ),
        "银行",
        {"工": "工商银行", "农": "农业银行", "中": "中国银行", "建": "建设银行", "交": "交通银行", "邮": "邮储银行"},
    ),
    (re.compile(r"券商|证券公司"), "证券", {}),
    # the three telecom operators by their stems (移动、电信、联通三大运营商: dev84)
    (re.compile(r"运营商"), "", {"移动": "中国移动", "电信": "中国电信", "联通": "中国联通"}),
)
# A founding verb and a firm's first words before a sector word: the firm's name (创立祥邦新能源, 成立华芯半导体).
_FOUNDED_FIRM_BEFORE_RE = re.compile(
    r"(?:创立|创办|成立|组建|注册)了?(?!国家|省级|市级|地方|一家|一个|多家|首家|专门|全国|以来|之初|至今|之后|之时|当年|初期|"
    r"[后时于在])[\u4e00-\u9fff]{2}$"  # (公司成立以来光伏业务: the company's years, not a firm's name)
)
# A fund's name after its manager's (汇丰晋信智造先锋A, 前海开源公用事业, 农银汇理工业4.0: dev191) runs to a mark or to
# the words said of it (收益率, 净值, 规模, 基金经理 …).
_FUND_NAME_RUN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]{1,10}")
_AFTER_A_FUND_NAME_RE = re.compile(
    r"和|与|及|的|收益|净值|规模|基金经理|近[一二三五十]?年|今年|年内|累计|分别|等|旗下|成立|发行|份额|"
    r"持有|重仓|增持|减持|买入|卖出|加仓|减仓|新进|退出|披露|[一二三四]?季度|季报|年报|中报|业绩|表现|排名|位列|也|则|在|为|是|"
    r"看好|认为|表示|指出|预计|称|发布|管理|对|将|已|于|从|向|把|被"  # what the manager does (国投瑞银看好贵州茅台)
)


def _fund_name_end(scan: str, start: int) -> int:
    """Where a fund's name that begins at ``start``, right after its manager's name, ends."""
    run = _FUND_NAME_RUN_RE.match(scan, start)
    if run is None:
        return start
    stop = _AFTER_A_FUND_NAME_RE.search(scan, start, run.end())
    return stop.start() if stop else run.end()


# A province and a firm's two-character brand before a sector word: the firm's name (安徽国晟新能源收到中标通知书).
_PLACE_AND_BRAND_BEFORE_RE = re.compile(
    r"(?<![\u4e00-\u9fff])(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    r"四川|贵州|云南|陕西|甘肃|青海|广西|宁夏|新疆|深圳|苏州|杭州|宁波|无锡|合肥|厦门|青岛)(?!省|市|区|县)[\u4e00-\u9fff]{2}$"
)
# What a firm does or is, right after its name (收到中标通知书, 宣布, 有限公司): a place and a city's name before a
# sector word are not a firm's (江苏南通光伏产业).
_FIRM_DOES_AFTER_RE = re.compile(r"收到|中标|宣布|发布|签约|签署|表示|获得|荣获|公司|股份|有限|集团|科技")
# A limited company's legal form right after a name (新百利融资有限公司), not a joint-stock one's (股份有限公司).
_LIMITED_FORM_RE = re.compile(r"有限责任公司|有限公司")
# The end of a list of venues or shops by their brands (大地、橙天嘉禾、华美等影城): a brand waiting for a company's
# cue is not taken as a company for its neighbours.
_VENUE_LIST_END_RE = re.compile(r"(?:、[\u4e00-\u9fff]{1,8}){0,6}等?(?:影城|影院|院线|门店|商场|超市|餐厅)")
# The words after a list that count its members as places (等5地, 等多个省份, 等省市).
_PLACES_AFTER_LIST_RE = re.compile(r"等?[\d几多数十两三四五六七八九]*(?:个)?(?:地|省|市|城市|省份|省市|地区)")
# A list of names (three or more, joined by 、) and its members.
_LIST_RUN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,10}(?:、[\u4e00-\u9fffA-Za-z0-9]{2,10}){2,}")
_LIST_MEMBER_RE = re.compile(r"[^、]+")
_HAN_ONLY_RE = re.compile(r"[\u4e00-\u9fff]+")


@dataclass
class _Found:
    start: int
    end: int
    text: str
    stock: tuple[str, str] | None = None  # (secid, how)
    board: tuple[str, str] | None = None  # (code, how)
    needs_company_cue: bool = False
    needs_sector_cue: bool = False
    names_a_company: bool = False  # a company's name that is also its namesake board's (华为, 腾讯云)
    cue_only: bool = False  # a sector word named only with its cue, never by a list (电机: lexicon.cue_only_words)
    market_named: bool = False  # the words next to the name say which listing (港股阿里巴巴, 百度美股)
    chosen: str | None = None  # "stock" or "board" once accepted


# Where a Latin letter or digit meets a Chinese character (AI|眼镜, 5G|基站, 3D|打印): a space may stand there.
_LATIN_HAN_BOUNDARY_RE = re.compile(r"(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])")


# An H share with its code after it (比亚迪H股(01211.HK), 中远海能H股(01138)): the code says which listing.
_H_SHARE_CODE_AFTER_RE = re.compile(r"\s*H股\s*[（(]\s*(?:股票)?(?:代码\s*[:：]?\s*)?(?:HK\.?)?\d{4,5}")


def _span(item: _Found) -> tuple[int, int]:
    return item.start, item.end


# Where a sentence ends for a list of institutions (股份制银行中，招商、兴业、浙商).
_LIST_SENTENCE_END_RE = re.compile("[。！？\n]")


def _nearest_hint(hints: list[tuple[int, str]], places: list[int], start: int) -> str:
    """The market of the hint nearest ``start`` (``hints`` sorted by place, ``places`` their places): of two
    as near, the one before; of two at one place, the first. Found by bisection: a market report may name 港股
    thousands of times."""
    after = bisect_left(places, start)
    if after == len(places) or (after and start - places[after - 1] <= places[after] - start):
        return hints[bisect_left(places, places[after - 1])][1]
    return hints[after][1]


class _CodePairs:
    """The codes of a text by place, to find the code written right before or right after another one (one
    company's A-share and Hong Kong codes as a pair: 中国太保(601601.SH;02601.HK)). A separator alone may stand
    between a pair, so only the nearest code on each side can be the other half."""

    def __init__(self, scan: str, codes: list[tuple[int, int, Security]], h_shares: dict[str, str]) -> None:
        self._scan, self._h_shares = scan, h_shares
        self._by_start = sorted(codes, key=itemgetter(0))
        self._starts = [start for start, _end, _security in self._by_start]
        self._by_end = sorted(codes, key=itemgetter(1))
        self._ends = [end for _start, end, _security in self._by_end]
        self._end_of = {start: end for start, end, _security in codes}

    def second_of_a_pair(self, start: int, security: Security) -> bool:
        """Whether the Hong Kong code at ``start`` comes right after the same company's A-share code
        (中国太保(601601.SH;02601.HK)) or right before it (中芯国际(0981.HK/688981.SH)): the pair names one company,
        its A share (FRESH_RULES S3b), and the Hong Kong code adds no mention."""
        if security.kind != "stock" or not security.secid.startswith("116."):
            return False
        last = bisect_right(self._ends, start)  # the codes that end at ``start`` or before, the nearest last
        if last:
            nearest = self._ends[last - 1]
            if _CODE_PAIR_GAP_RE.fullmatch(self._scan, nearest, start) and any(
                self._h_shares.get(other.secid) == security.secid
                for _start, _end, other in self._by_end[bisect_left(self._ends, nearest) : last]
            ):
                return True
        return self.a_share_after(self._end_of.get(start, start), security) is not None

    def a_share_after(self, end: int, security: Security) -> Security | None:
        """The A-share code written right after a Hong Kong code of the same company (中芯国际(0981.HK/688981.SH)):
        the pair names one company, its A share (FRESH_RULES S3b)."""
        if not security.secid.startswith("116."):
            return None
        first = bisect_left(self._starts, end)  # the nearest code that starts at ``end`` or after
        if first == len(self._starts):
            return None
        start, _end, other = self._by_start[first]
        if self._h_shares.get(other.secid) == security.secid and _CODE_PAIR_GAP_RE.fullmatch(self._scan, end, start):
            return other
        return None


class Linker:
    """The automaton over every name, built once per process (:func:`linker`)."""

    def __init__(
        self, kb: KnowledgeBase, lexicon: Lexicon, blockers: set[str], everyday: frozenset[str] = frozenset()
    ) -> None:
        self.kb = kb
        self.lexicon = lexicon
        # The legal names the tables know of each listing (a name + 有限公司 that is not one is another firm's).
        self._legal_names: dict[str, set[str]] = {}
        for name, entries in kb.names.items():
            for entry in entries:
                if entry.how == HOW_FULL and name.endswith("公司"):
                    self._legal_names.setdefault(entry.secid, set()).add(name)
        self.board_words = lexicon.text_board_words()
        for word, value in list(self.board_words.items()):
            if word.isascii() or any("A" <= c <= "z" for c in word):
                # Latin board words are written in any case (TOPCon, TOPCON, topcon); a short one only in
                # capitals too, as lower case it is an English word (etc., ai, ar).
                for variant in (word.upper(), word.lower()) if len(word) >= 4 else (word.upper(),):
                    self.board_words.setdefault(variant, value)
                # Web text often spaces Latin apart from Chinese (AI 眼镜, 5G 基站, TOPCon 电池).
                self.board_words.setdefault(_LATIN_HAN_BOUNDARY_RE.sub(" ", word), value)
        # A not-mention with a Latin part is also written with a space (IDC 数据), as board words are.
        self.blockers = blockers | {_LATIN_HAN_BOUNDARY_RE.sub(" ", word) for word in blockers}
        # The words that are a company's name and name its namesake board (特斯拉, 华为, 富士康), not the
        # board words that already say "the group of stocks" (华为产业链, 苹果概念, 果链).
        self.company_board_words = {
            word
            for word, (code, _cued) in self.board_words.items()
            if code in lexicon.company_boards and not BOARD_CUE_AFTER_RE.search(word) and not word.endswith("链")
        }
        self.board_name_forms = {
            code: {normalise_name(board.name), *(normalise_name(a) for a in board.alt_names)}
            for code, board in lexicon.boards.items()
        }
        # A share class written apart from the name (万科 A, 深康佳 B in tables and reports): the name it is.
        self.spaced_names = {
            f"{name[:-1]} {name[-1]}": name for name in kb.names if _SHARE_CLASS_NAME_RE.fullmatch(name)
        } | kb.written_apart  # and reviewed Latin names in words: Goldman Sachs, Li Auto
        self.keys = list(dict.fromkeys((*kb.names, *self.spaced_names, *self.board_words, *self.blockers)))
        self.longest_key = max(map(len, self.keys), default=0)
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.key_index = {key: index for index, key in enumerate(self.keys)}
        self.everyday = everyday

    def link(
        self,
        text: str,
        on: date | datetime | None = None,
        media: str | None = None,
        segments: list[Token] | None = None,
    ) -> list[Mention]:
        """Every company and board ``text`` names, as mentions with offsets into ``text``."""
        if not text:
            return []
        day = on.date() if isinstance(on, datetime) else on
        scan = text.translate(_HALF_WIDTH) if _FULL_WIDTH_ALNUM_RE.search(text) else text
        # 中国平安保险（集团）股份有限公司: a legal name in full-width brackets is the table's name, written with "()"
        scan = scan.translate(_HALF_WIDTH_BRACKETS) if "（" in scan else scan
        scan = scan.translate(_LOOK_ALIKE_HAN) if _LOOK_ALIKE_HAN_RE.search(scan) else scan
        # Words are contiguous: a word starts where the one before it ends (or at 0).
        word_end = {start: end for _word, start, end in segments} if segments is not None else None
        skipped = Cover(attribution_spans(scan))
        credits = Cover(m.span() for m in DATA_CREDIT_RE.finditer(scan))
        fund_names_to = 0  # where the fund names after the fund managers met so far end
        media_name = normalise_name(media) if media else None
        # Where the text names a market (港股, 美股), a name goes to its listing there: the nearest
        # hint decides (a note on HK shares may still say 隔夜美股禾赛).
        hints = sorted((hit.start(), m) for m, pattern in MARKET_HINTS for hit in pattern.finditer(scan))
        hint_places = [place for place, _market in hints]

        codes = codes_in(scan, self.kb, self.lexicon)
        pairs = _CodePairs(scan, codes, self.kb.h_shares)
        found: list[_Found] = []
        keys = self.keys
        for index, start, end in self._word_matches(scan, word_end):
            key = keys[index]
            key = self.spaced_names.get(key, key)
            if key in self.lexicon.fund_managers:
                # 汇丰晋信|智造先锋A: the fund's own name (matches come in order: each later one begins after it)
                fund_names_to = max(fund_names_to, _fund_name_end(scan, end))
            if key in self.blockers or start < fund_names_to or skipped.covers(start):
                continue
            if cuts_latin_word(scan, start, end):
                continue  # 5G inside 6.35GW, AI inside OpenAI
            market = _nearest_hint(hints, hint_places, start) if hints else None
            item = self._candidate(scan, key, start, end, day, market, media_name)
            if (
                item is None
                and key[2:] in self.key_index
                and national_phrase(scan, key, end, trade=key[2:] in self.board_words)
            ):
                # 中国银行业, 美国银行业: the country's banks, so the sector word inside the bank's name names the
                # sector (dev136: 美国银行业 labelled 银行)
                item = self._candidate(scan, key[2:], start + 2, end, day, market, media_name)
            if item is not None and item.board and not item.stock and credits.covers(start):
                continue  # (IDC数据): the source of a figure, not the sector
            if (
                item is None
                and key == "汽车"
                and found
                and found[-1].end == start
                and found[-1].board
                and _CAR_TECHNOLOGY_BEFORE_RE.search(scan, max(0, start - 4), start)
            ):
                # 自动驾驶汽车: the car of the technology is the technology word's (…、自动驾驶汽车、人形机器人
                # stays a list of sectors)
                found[-1].end = end
            if item is not None:
                found.append(item)
        found.extend(self._status_names(scan, found, day))
        found.extend(self._short_names_in_lists(scan, found, day))
        found.extend(self._institutions_in_lists(scan, found, day))
        found.sort(key=lambda item: item.start)
        self._confirm_by_codes(scan, found, codes, pairs)
        self._accept_lists(scan, found)
        self._accept_industry_lists(scan, found)
        _namesake_boards_in_board_lists(scan, found)
        _accept_table_cells(scan, found)
        _accept_company_table_cells(scan, found)
        _accept_sectors_with_companies(scan, found)
        _drop_company_products(scan, found)
        _drop_price_lists(scan, found)
        _drop_group_words_before_a_firm(scan, found)
        _drop_persons_named_like_a_company(scan, found)
        _drop_firm_names_in_company_lists(scan, found)
        _one_listing_per_name(found)

        mentions = [
            self._code_mention(text, start, end, security)
            for start, end, security in codes
            if not pairs.second_of_a_pair(start, security)
        ]
        for item in found:
            if item.chosen == "stock" and item.stock:
                # A code may name a listing the tables lack (NASDAQ: KUTV): its secid says what it is.
                known = self.kb.securities.get(item.stock[0])
                security = known[0] if known else make_security(*item.stock[0].split(".", 1))
                if security is not None:
                    mentions.append(_mention(security, text, item.start, item.end, item.stock[1]))
            elif item.chosen == "board" and item.board:
                # A category of several industries names each (化学原料和化学制品制造业: 化学原料, 化学制品).
                for code in self.lexicon.compound_boards.get(item.text, (item.board[0],)):
                    security = make_security(BOARD_MARKET, code)
                    if security is not None:
                        mentions.append(_mention(security, text, item.start, item.end, item.board[1]))
        mentions.sort(key=lambda m: (m.start or 0, m.end or 0))
        return mentions

    def _word_matches(self, scan: str, word_end: dict[int, int] | None) -> Iterator[tuple[int, int, int]]:
        """The automaton's matches (leftmost, longest) that stand on word bounds. Where one does not, the
        matches that begin inside it are tried instead: 大数据 in 加大数据中心 (加大/数据中心) hid 数据中心."""
        pending = list(self.automaton.find_matches_as_indexes(scan))
        pending.reverse()  # a stack, the next match last
        taken_to = 0
        while pending:
            index, start, end = pending.pop()
            if start < taken_to:
                continue  # overlaps a match taken from inside a rejected one
            if (
                word_end is not None
                and len(self.keys[index]) < FULL_NAME_LENGTH
                and not on_word_bounds(scan, start, end, word_end)
                and not stands_delimited(scan, start, end)
                and not self._glued_to_a_name(index, start, taken_to)
                and not _named_with_its_country(scan, start, end)
            ):
                # A name written apart that ran into a Latin word (京东方 A|MOLED: the share-class name
                # 京东方A) is its stem before the space, and the Latin word is read on its own (AMOLED).
                space = scan.find(" ", start, end)
                stem = scan[start:space].rstrip()
                if space > start and stem in self.key_index and on_word_bounds(scan, start, space, word_end):
                    after = [
                        (i, space + 1 + a, space + 1 + b)
                        for i, a, b in self.automaton.find_matches_as_indexes(scan[space + 1 : end + self.longest_key])
                    ]
                    pending.extend(reversed(after))
                    pending.append((self.key_index[stem], start, space))
                    continue
                window = scan[start + 1 : end + self.longest_key]
                inside = [
                    (i, start + 1 + a, start + 1 + b)
                    for i, a, b in self.automaton.find_matches_as_indexes(window)
                    if a < end - start - 1
                ]
                pending.extend(reversed(inside))
                continue
            taken_to = end
            yield index, start, end

    def _glued_to_a_name(self, index: int, start: int, taken_to: int) -> bool:
        """A company's name right after another name taken, with nothing between (a list whose marks were
        lost: 龙元建设葛洲坝铁汉生态): jieba cuts such a run anyhow, but each name is one. Names of three
        characters or more only; one that is also an everyday word (葛洲坝) still waits for its list."""
        key = self.keys[index]
        return start > 0 and start == taken_to and len(key) >= 3 and key in self.kb.names

    def _candidate(
        self, scan: str, key: str, start: int, end: int, day: date | None, market: str | None, media_name: str | None
    ) -> _Found | None:
        item = _Found(start, end, key)
        entry = self.kb.resolve(key, day, market) if key in self.kb.names else None
        named_market = listing_named(scan, start, end) if entry is not None else None
        if entry is not None and named_market and self.kb.securities[entry.secid][0].exchange != named_market:
            other = self.kb.listing_in(key, named_market, day)
            # 万科H股, 工商银行H股: an A share's own H share is the company, its A share (FRESH_RULES S3(b): only
            # a code written in the text picks the other listing; readers took the A share 10 times of 11)
            own_h_share = (
                other is not None
                and self.kb.h_shares.get(entry.secid) == other.secid
                and not _H_SHARE_CODE_AFTER_RE.match(scan, end)
            )
            entry = entry if own_h_share else other or entry
        if entry is not None and not named_market and scan[max(0, start - 2) : start] == "港股":
            # 港股中国稀土: the Hong Kong company of the same name (00769), not the A share 中国稀土 (000831: dev188);
            # an A share's own H share stays the A share (FRESH_RULES S3)
            other = self.kb.listing_in(key, "HK", day)
            if other is not None and other.secid != entry.secid and other.secid != self.kb.h_shares.get(entry.secid):
                entry, named_market = other, "HK"
        item.market_named = named_market is not None
        # 据华泰证券: a broker cited is the source of a view, a listed company (R2), not an outlet.
        cited = OUTLET_BEFORE_RE.search(scan, max(0, start - 4), start) and not key.endswith("证券")
        # 据东方财富Choice数据, 同花顺iFinD数据显示: a listed company as the source of figures (R2).
        figures = DATA_SOURCE_AFTER_RE.match(scan, end)
        # 根据东方财富Choice数据 too: according to its figures (dev200 guhantai), as 据 says
        according = figures and scan[max(0, start - 2) : start] in _ACCORDING_WORDS
        # (an exchange's figures, 据港交所数据, cite the place of trading, no company: FRESH_RULES S4)
        exchange = _EXCHANGE_NAME_RE.search(key)
        data_source = bool(
            figures and not exchange and (cited or according or DATA_SHOWN_RE.match(scan, figures.end()))
        ) or bool(cited and VIEW_AFTER_RE.match(scan, end) and not exchange)
        outlet = OUTLET_AFTER_RE.match(scan, end) or (cited and not data_source)
        before = scan[start - 1] if start else ""
        if entry is not None and _FACILITY_AFTER_RE.match(scan, end):
            return None  # 宜宾五粮液机场, 茅台机场: a place named after the company, not it
        if entry is not None and _SITE_MAP_AFTER_RE.match(scan, end):
            return None  # Baidu map, Google Maps: a footer's sitemap link or a map widget, page chrome
        if entry is not None and before == "版" and _LIKENED_BEFORE_RE.search(scan, max(0, start - 4), start):
            return None  # 中国版迪士尼: another company likened to the named one, neither it nor its board
        if (
            entry is not None
            and before
            and before in _NAME_DOTS
            and _HAN_ONLY_RE.fullmatch(scan[start - 2 : start - 1] + key)
        ):
            entry = None  # 西尔万·巴克尔: the surname of a person's transliterated name, not the company (Buckle)
        if entry is not None and len(key) == 2 and _TITLE_AND_SURNAME_BEFORE_RE.search(scan, max(0, start - 6), start):
            entry = None  # 副会长迟京东: a person's given name after a title and a surname
        if entry is not None and _STREET_AFTER_RE.match(scan, end):
            entry = None  # 深圳金田路营业部: a street's name in a branch's address, not the company
        if entry is not None and _UNIT_AFTER_RE.match(scan, end) and self._a_global_parent(key, entry):
            entry = None  # 美银证券, 富途证券, 红杉资本, 汇丰前海证券: a unit named after its parent (S4)
        insurer_kind = next((kind for kind in _INSURER_KINDS if scan.startswith(kind, end)), None)
        if entry is not None and insurer_kind and key + insurer_kind not in self.kb.names:
            entry = None  # 恒大人寿, 平安人寿: an insurer named after its group (S4), not the listed group
        if entry is not None and scan[start - 1 : start] == "《" and scan[end : end + 1] == "》":
            entry = None  # 《蒙娜丽莎》: a title that is the whole name (a painting, a film), not the company
        if entry is not None and "基金" in scan[end : end + 7] and _FUND_AFTER_RE.match(scan, end):
            entry = None  # 礼来亚洲基金, 贝莱德基金: a fund or fund manager named after the company, not it
        if entry is not None and key[0] == "国" and scan[start - 1 : start + 1] in _COUNTRY_WORDS:
            entry = None  # 我国新能源: the country's new energy, not 国新能源 (jieba may cut 我/国新能源)
        if entry is not None and _GROUP_NAMED_AFTER_RE.match(scan, end) and key not in self.board_words:
            entry = None  # 腾讯音乐概念, 恒大系: a group of stocks named after the company, not the company (S4)
        if entry is not None and key != media_name and not outlet:
            item.stock = (entry.secid, entry.how)
            item.needs_company_cue = key in self.kb.needs_context or key in self.everyday or _long_gone(entry, day)
        board = self.board_words.get(key)
        if board is not None and new_energy_means_vehicles(scan, start, end):
            board = (NEW_ENERGY_VEHICLES, board[1])
        if board is not None and key == "通信" and _carriers_trade(scan, start, end):
            board = (TELECOM_SERVICES, board[1])
        if board is not None and key == "航空" and aircraft_making(scan, start, end):
            board = (AEROSPACE, board[1])
        chip_kind = chip_kind_board(scan, start, end)
        if board is not None and chip_kind is not None:
            board = (chip_kind, board[1])  # GPU芯片: AI chips, not 半导体
        if board is not None:
            code, cued = board
            item.board = (code, HOW_NAME if key in self.board_name_forms.get(code, ()) else HOW_ALIAS)
            item.needs_sector_cue = cued
            item.cue_only = key in self.lexicon.cue_only_words
        if item.stock is None and item.board is None:
            return None
        if inside_another_name(scan, key, start, end, item.stock, item.board):
            return None  # 杭州阿里创业投资有限公司, 中国稀有稀土股份有限公司, 中国化学与物理电源行业协会
        if item.stock and not item.board and self._another_legal_name(scan, key, end, item.stock[0]):
            return None  # 新百利融资有限公司: the unlisted operating firm of 新百利融资控股有限公司 (08439: dev193)
        if item.board and not item.stock and _not_the_sector(scan, start, end, before):
            return None
        if item.board and item.stock and _made_for_after(scan, end):
            item.board = (
                None  # 太阳能工业用超白玻璃: a product made for the sector; the company's name needs its own cue
            )
        if item.board and not item.stock and "\u4e00" <= before <= "\u9fff" and self._tail_of_a_compound(scan, item):
            return None  # 卫星互联网行业: the satellite-internet trade (a compound names its own board, B3)
        company = bool(item.stock) and (  # asked of companies only
            company_cue(scan, start, end, item.needs_company_cue, bool(item.board)) or data_source
        )
        if item.stock and not company and item.stock[0].split(".")[0] in US_MARKETS:
            # a US listing's country right before its name (美国康宁的玻璃基板: dev187)
            company = scan[max(0, start - 2) : start] in COMPANY_COUNTRIES
        sector = sector_cue(scan, start, end) if item.board else False  # (a company alone asks no sector cue)
        if item.board and not item.stock and PRICE_AFTER_RE.match(scan, end):
            item.needs_sector_cue, sector = True, False  # 美国天然气价格: a price; in a list of industries, named
        if item.board and key in self.company_board_words:
            # A company's name is the company (FRESH_RULES S4); its namesake board needs a board cue or a
            # list of boards (_accept_lists).
            item.needs_sector_cue = item.names_a_company = True
            sector = bool(BOARD_CUE_AFTER_RE.match(scan, end))
        if item.stock and item.board:
            # A name that is both: the context decides (特斯拉 the company, 特斯拉概念 the board); without
            # one, the company unless its name is an everyday word (新能源, 机器人, 太阳能: neither). Only
            # a cue after the name counts for the board: a policy verb before a company's name is about
            # the company (推动特斯拉市值 …).
            if key not in self.company_board_words:
                # An everyday word that is also a company's name (太阳能, 机器人) names the sector by what a
                # sector does too (太阳能发电装机, 机器人产量): a company's name is rarely followed so.
                doings = item.needs_company_cue and SECTOR_DOINGS_RE.match(scan, end)
                sector = bool(SECTOR_AFTER_RE.match(scan, end) or doings)
            if company and not sector:
                item.chosen = "stock"
            elif sector:
                item.chosen = "board"
            elif not item.needs_company_cue:
                item.chosen = "stock"
            elif not item.needs_sector_cue:
                item.chosen = "board"
        elif item.stock:
            if national_phrase(scan, key, end, trade=key[2:] in self.board_words):
                return None  # 中国资本市场, 中国电影市场: the country's market, not 中国资本 or 中国电影
            if not item.needs_company_cue or company:
                item.chosen = "stock"
        elif not item.needs_sector_cue or sector:
            item.chosen = "board"
        return item

    def _another_legal_name(self, scan: str, key: str, end: int, secid: str) -> bool:
        """Whether the name runs on into a legal name that is not the listed company's own (X有限公司 where the
        listing is X控股有限公司 or X股份有限公司): a subsidiary or a namesake, another legal entity."""
        legal = _LIMITED_FORM_RE.match(scan, end)
        if legal is None or key.endswith("公司"):
            return False
        written = key + legal.group()
        known = self._legal_names.get(secid, set())
        # Another firm's when the listing's own legal name begins with the same words and is not this one
        # (新百利融资控股有限公司); a listing renamed since keeps its old legal name (浪潮国际有限公司: 浪潮数字企业).
        return written not in known and any(name.startswith(key) for name in known)

    def _tail_of_a_compound(self, scan: str, item: _Found) -> bool:
        """Whether another board's longer word begins before the match and ends inside it (卫星互联网 across
        互联网行业), where the segmentation cut the compound elsewhere (全球卫星 | 互联网)."""
        assert item.board is not None
        start, end, code = item.start, item.end, item.board[0]
        board_words = self.board_words
        # (Plain loops over the words of four characters or more: a generator in any() took 1.5× as long, and this is
        # asked of most sector words.)
        for left in range(max(0, start - 4), start):
            for right in range(max(start + 2, left + 4), end + 1):
                board = board_words.get(scan[left:right])
                if board is not None and board[0] != code:
                    return True
        return False

    def _a_global_parent(self, key: str, entry: NameEntry) -> bool:
        """Whether ``key`` names a Hong Kong or US listing by a name shorter than its unit's (美银 of 美银证券)."""
        known = self.kb.securities.get(entry.secid)
        return known is not None and known[0].exchange in ("HK", "US") and not key.endswith(_UNIT_SUFFIXES)

    def _status_names(self, scan: str, found: list[_Found], day: date | None) -> list[_Found]:
        """ST-marked names the tables do not list in that form (ST中捷 in 2021 is 中捷资源). A status name the tables
        give a company replaces another company's name found inside it (``found`` loses it): ST曙光 in 2022 is 曙光股份,
        not 中科曙光 by its alias 曙光."""
        if not _STATUS_HINT_RE.search(scan):
            return []  # (the names found are indexed only for a text with a status mark)
        taken = Places(found, _span)
        status_names = []
        for match in _STATUS_NAME_RE.finditer(scan):
            inside = taken.over(match.start(), match.end())
            if inside and (
                not match.group().startswith(_ST_MARKS) or min(i.start for i in inside) < match.start("rest")
            ):
                continue  # the name as written is known (ST八菱): the automaton had it
            resolved = self.kb.resolve_status_name(match.group("rest"), day)
            if resolved is not None and match.group().startswith(("N", "C")) and day is not None:
                # A first day's N or a registration listing's first days' C stands only in a new listing's
                # first weeks (车间C建设 is no C-marked 建设工业: dev161)
                listed_on = self.kb.list_dates.get(resolved[0].secid)
                if listed_on is None or not 0 <= (day - listed_on).days <= _NEW_LISTING_DAYS:
                    resolved = None
            if resolved is not None and inside:
                entry, size = resolved
                stem = match.group("rest")[:size]
                if any(i.end > match.start("rest") + size for i in inside) or not self._bore_status_stem(entry, stem):
                    resolved = None  # a name the automaton found runs on past the status name, or none was the stem's
                elif all(i.stock and i.stock[0] == entry.secid for i in inside):
                    resolved = None  # the company's own name inside its status name: found already
                else:
                    for item in inside:
                        found.remove(item)
            if resolved is not None:
                entry, size = resolved
                end = match.start("rest") + size
                item = _Found(match.start(), end, scan[match.start() : end], stock=(entry.secid, entry.how))
                item.chosen = "stock"
                status_names.append(item)
        return status_names

    def _bore_status_stem(self, entry: NameEntry, stem: str) -> bool:
        """Whether the tables give ``stem`` as the stem of a status name of ``entry``'s company (not a guess from the
        first characters of its name)."""
        kb = self.kb
        return any(
            secid == entry.secid for secid, *_rest in (*kb.status_stems.get(stem, ()), *kb.status_spans.get(stem, ()))
        )

    def _institutions_in_lists(self, scan: str, found: list[_Found], day: date | None) -> list[_Found]:
        """Banks, brokers and telecom operators listed by their stems in a sentence about the group (股份制银行中，
        招商、兴业、浙商; 工、农、中、建、交; 移动、电信、联通三大运营商): each member with the group's suffix, or the
        group's full name for a stem, is one listed company's name."""
        groups = [group for group in _INSTITUTION_GROUPS if group[0].search(scan)] if "、" in scan else []
        if not groups:
            return []
        taken = Places([item for item in found if item.chosen], _span)
        sentence_ends = Marks(scan, _LIST_SENTENCE_END_RE)
        groups_of_sentence: dict[int, list[tuple]] = {}  # where a sentence begins → the groups it names
        institutions = []
        for run in _SHORT_LIST_RUN_RE.finditer(scan):
            sentence_start = sentence_ends.last_before(run.start()) + 1
            if sentence_start not in groups_of_sentence:  # (each sentence read once: it may hold many runs)
                sentence_end = sentence_ends.first_from(run.end())
                sentence = scan[sentence_start : len(scan) if sentence_end is None else sentence_end]
                groups_of_sentence[sentence_start] = [group for group in groups if group[0].search(sentence)]
            members = [(m.start() + run.start(), m.end() + run.start()) for m in _LIST_MEMBER_RE.finditer(run.group())]
            for _group, suffix, single in groups_of_sentence[sentence_start]:
                resolved = []
                for index, (start, end) in enumerate(members):
                    # The first member may begin inside the words before the list, the last one run on into the
                    # words after it (其中国信、浙商、方正均上涨): try its tails or its heads, longest first.
                    if index == 0:
                        spans = [(end - size, end) for size in range(min(4, end - start), 0, -1)]
                    elif index == len(members) - 1:
                        spans = [(start, start + size) for size in range(min(4, end - start), 0, -1)]
                    else:
                        spans = [(start, end - 1 if scan[end - 1] == "等" and end - start > 1 else end)]
                    for span_start, span_end in spans:
                        stem = scan[span_start:span_end]
                        if taken.over(span_start, span_end):
                            continue  # (联通三大运营商: a shorter head may stop before the word taken)
                        name = single.get(stem) or (stem + suffix if suffix and len(stem) > 1 else None)
                        entry = self.kb.resolve(name, day) if name else None
                        if entry is not None:
                            resolved.append((span_start, span_end, entry))
                            break
                # Places listed before a group of banks (河南、江苏、江西、内蒙古、吉林等5地省级农商行: dev178) are
                # no banks: most members name no bank, or the words after the list count places.
                if (
                    len(resolved) >= 2
                    and 2 * len(resolved) >= len(members)
                    and not _PLACES_AFTER_LIST_RE.match(scan, run.end())
                ):
                    for start, end, entry in resolved:
                        item = _Found(start, end, scan[start:end], stock=(entry.secid, HOW_ALIAS))
                        item.chosen = "stock"
                        institutions.append(item)
                    break
        return institutions

    def _delisted_by_stem(self, member: str, day: date | None) -> NameEntry | None:
        """A company delisted since, known to the tables only by its last status name (德威退, 退市易见), named
        in a list by its stem and a usual ending (德威新材, 易见股份): the one company with that stem."""
        if len(member) != 4 or not COMPANY_NAME_END_RE.search(member, 2):
            return None
        companies = {
            secid
            for secid, last_day, _unmarked in self.kb.status_stems.get(member[:2], ())
            if day is None or last_day is None or day <= last_day
        }
        if len(companies) != 1:
            return None
        secid = companies.pop()
        if secid in self.kb.listed:
            # A listed company is named in a list by the first characters of its name (only_name_starting), not by
            # its status stem and an ending: the status names of 2024-2026 hold many listed companies (新潮集团, an
            # unlisted group in dev87, is not *ST新潮's 新潮能源).
            return None
        return NameEntry(secid, HOW_ALIAS)

    def _short_names_in_lists(self, scan: str, found: list[_Found], day: date | None) -> list[_Found]:
        """In a list of companies (two members or more known), a member written as the first characters of
        one listed company's name is that company: 牧原、温氏、正邦、天邦、傲农 (正邦科技, 天邦食品, 傲农生物)."""
        stocks = {(item.start, item.end) for item in found if item.chosen == "stock"}
        if len(stocks) < 2 or "、" not in scan:
            return []
        taken = Places(found, _span)
        # A member is a known company when one begins or ends it: the list's last member runs on into
        # the words after it (唐德影视等21个股), its first one may begin inside the words before it.
        starts, ends = {a for a, _b in stocks}, {b for _a, b in stocks}
        short_names = []
        for run in _LIST_RUN_RE.finditer(scan):
            members = [(m.start() + run.start(), m.end() + run.start()) for m in _LIST_MEMBER_RE.finditer(run.group())]
            if sum(start in starts or end in ends for start, end in members) < 2:
                continue
            for index, (start, end) in enumerate(members):
                cut = scan.find("等", start + 2, end)  # 傲农等出栏量增长: the list ends at 等
                end = cut if cut > 0 else end
                if index == 0 and end - start > 4:
                    start = end - 4  # 分别是易见股份: the first member's name ends the words before the list
                stem = scan[start:end]
                if not 2 <= len(stem) <= 4 or not _HAN_ONLY_RE.fullmatch(stem):
                    continue
                if taken.over(start, end):
                    continue
                entry = self.kb.only_name_starting(stem, day) or self._delisted_by_stem(stem, day)
                if entry is not None:
                    item = _Found(start, end, stem, stock=(entry.secid, HOW_ALIAS))
                    item.chosen = "stock"
                    short_names.append(item)
        return short_names

    def _confirm_by_codes(
        self, scan: str, found: list[_Found], codes: list[tuple[int, int, Security]], pairs: _CodePairs
    ) -> None:
        """A code right after a name (长城汽车(601633.SH)) says which company the name is; so does a
        code after a longer name that begins with a known one (新东方在线(01797.HK) is not 新东方).
        Every other mention of a company whose listing a code gave takes that listing too."""
        if not codes:
            return  # (most texts and sentences write none: nothing below could change)
        by_start = {start: (end, security) for start, end, security in codes}
        starts = {item.start for item in found}
        for item in found:
            for gap in range(0, 8):
                if gap > 1 and item.end + gap - 1 in starts:
                    # another name stands between (大摩降网易(NTES.US)): the code is that name's; one right after
                    # makes a longer name with it (搜狐畅游(Nasdaq:CYOU))
                    break
                end, security = by_start.get(item.end + gap, (0, None))
                if security is not None and CODE_GAP_RE.fullmatch(scan, item.end, item.end + gap):
                    security = pairs.a_share_after(end, security) or security
                    # A code after a longer name confirms only a name that is a company's (证券代码 is not).
                    if security.kind == "stock" and (
                        item.stock or not scan[item.end : item.end + gap].strip("（(: ：")
                    ):
                        how = item.stock[1] if item.stock else HOW_NAME
                        item.stock, item.chosen = (security.secid, how), "stock"
                    break
        # A board code in the text says which board its name means here (白酒(BK0896) is the concept).
        boards = {s.code for _a, _b, s in codes if s.kind == "board"}
        pinned_boards = {board_stem(word): code for code in boards for word in self.board_name_forms.get(code, ())}
        for item in found if pinned_boards else ():  # (most texts write no board code)
            if not item.board:
                continue
            stems = {board_stem(item.text)} | {board_stem(w) for w in self.board_name_forms.get(item.board[0], ())}
            pinned = next((pinned_boards[stem] for stem in stems if stem in pinned_boards), None)
            if pinned:  # 白酒股 (industry 白酒Ⅱ by default) is the concept 白酒 where the text says BK0896
                item.board = (pinned, item.board[1])
        pinned = {self.kb.securities[s.secid][1]: s.secid for _a, _b, s in codes if s.secid in self.kb.securities}
        written = {s.secid for _a, _b, s in codes}
        for item in found:
            if not item.stock or item.stock[0] in written:
                continue
            # A listing the name may mean that the text writes as a code (携程 … 携程(CTRP): CTRP, not
            # today's TCOM), else the listing of the same company by its name (阿里巴巴 / 09988.HK).
            listing = next((e.secid for e in self.kb.names.get(item.text, ()) if e.secid in written), None)
            known = self.kb.securities.get(item.stock[0])
            listing = listing or (pinned.get(known[1]) if known else None)
            if listing:
                item.stock = (listing, item.stock[1])

    def _accept_lists(self, scan: str, found: list[_Found]) -> None:
        """A name waiting for context is a company (or a sector) when it stands in a list next to
        accepted companies (or sectors): 宁德时代、太阳能 vs 光伏、太阳能."""
        changed = True
        while changed:
            changed = False
            for index, item in enumerate(found):
                if item.chosen is not None or item.cue_only:
                    continue
                for neighbour in (
                    found[index - 1] if index else None,
                    found[index + 1] if index + 1 < len(found) else None,
                ):
                    if neighbour is None or neighbour.chosen is None:
                        continue
                    left, right = (neighbour, item) if neighbour.start < item.start else (item, neighbour)
                    gap = scan[left.end : right.start]
                    # Companies' names with nothing between are a list whose marks were lost (龙元建设葛洲坝
                    # 铁汉生态); sector words glued together are one phrase (锂电材料), not a list.
                    glued = not gap and neighbour.chosen == "stock"
                    if glued and neighbour is left and item.board and item.text in self.everyday:
                        continue  # 小鹏机器人, 京东机器人: a firm's product or unit named by an everyday word, no list
                    if not (glued or LIST_GAP_RE.match(gap)):
                        continue
                    if item.names_a_company and not _names_its_board_in_a_list(
                        gap,
                        neighbour.text,
                        self.company_board_words,
                        bool(_REST_OF_BOARD_LIST_RE.match(scan, max(neighbour.end, item.end)))
                        or _board_list_led(scan, min(neighbour.start, item.start)),
                    ):
                        # 有的手机品牌还没有5G,华为却已经拥有; 连同小米汽车和鸿蒙智行,新能源战场已经改写规则 (dev234
                        # yoojia): the company, the clause's subject (S4)
                        continue
                    if scan[left.start - 1 : left.start] == "等" and neighbour is left:
                        # (比亚迪、吉利汽车等车企，富士康等3C企业: a list's head word ends that list; the name
                        # after it begins another clause, dev100)
                        continue
                    if neighbour.chosen == "stock" and item.stock:
                        if _VENUE_LIST_END_RE.match(scan, right.end):
                            continue  # 橙天嘉禾、华美等影城: chains of cinemas or shops by brand (dev180), not 华美银行
                        if famous_other_reading(scan, item.start, item.end):
                            continue  # 业绩不理想,比亚迪股价下跌: the ideal, whatever company follows
                        item.chosen, changed = "stock", True
                    elif (
                        neighbour.chosen == "board"
                        and item.board
                        and not _BUSINESS_LINES_AFTER_RE.match(scan, right.end)
                    ):
                        # (a list that ends in 业务 lists a company's business lines: 智能电动汽车及AI等创新业务)
                        item.chosen, changed = "board", True
                    if item.chosen:
                        break

    def _accept_industry_lists(self, scan: str, found: list[_Found]) -> None:
        """Industries named in a list are each a mention (issue 22: 港口、燃气、电网等公用设施; 家电、家居和汽车):
        sector words waiting for a cue are boards when two or more stand next to each other in a list."""
        run: list[_Found] = []
        for item in [*found, None]:
            # (Companies' names in a list are companies, not industries: 阿里云、腾讯云、华为云.)
            waiting = (
                item is not None
                and item.board is not None
                and item.chosen in (None, "board")
                and not item.names_a_company
                and not item.cue_only
            )
            if waiting and run and INDUSTRY_LIST_GAP_RE.match(scan[run[-1].end : item.start]):  # type: ignore[union-attr]
                run.append(item)  # type: ignore[arg-type]
                continue
            if len(run) >= 2 and _ends_a_list_of_industries(scan, run[-1].end):
                for member in run:
                    if member.chosen is None:
                        member.chosen = "board"
            run = [item] if waiting else []  # type: ignore[list-item]

    def _code_mention(self, text: str, start: int, end: int, security: Security) -> Mention:
        return _mention(security, text, start, end, HOW_CODE)


# A cell of a table of sectors and their figures (有色金属 7.08 48.84 公用事业 -0.50 -11.97): the word at a
# line's start or after a figure, then a figure.
_FIGURE_CELL_AFTER_RE = re.compile(r"[^\S\n]+[+\-−]?\d[\d.,]*%?(?=[^\S\n]|$)", re.MULTILINE)
_FIGURE_CELL_BEFORE_RE = re.compile(r"(?:^|\d%?[^\S\n]+)$", re.MULTILINE)
_FEWEST_TABLE_CELLS = 3


def _accept_table_cells(scan: str, found: list[_Found]) -> None:
    """Sector words as the cells of a table of figures (a weekly table of industries' gains and fund flows,
    dev85) are each a mention: three such cells or more make a table, fewer may be a sentence's numbers."""
    cells = [
        item
        for item in found
        if item.board is not None
        and item.chosen in (None, "board")
        and not item.names_a_company
        and _FIGURE_CELL_AFTER_RE.match(scan, item.end)
        and _FIGURE_CELL_BEFORE_RE.search(scan, max(0, item.start - 24), item.start)
    ]
    if len(cells) >= _FEWEST_TABLE_CELLS:
        for item in cells:
            item.chosen = "board"


# An exchange cited for what it discloses (据港交所披露) is the place of disclosure, not a company (FRESH_RULES S4).
_EXCHANGE_NAME_RE = re.compile(r"(?:交易所|港交所|联交所|纳斯达克|纽交所)$")


# A whole cell of a Markdown table: the name alone between two bars.
_CELL_SPACES = " \t\u3000"
_CELL_AFTER_RE = re.compile(r"[ \t\u3000]*\|")
_FEWEST_COMPANY_CELLS = 2


def _accept_company_table_cells(scan: str, found: list[_Found]) -> None:
    """A name that asks a company's cue (黄山旅游 and 长白山, places too) is the company when it fills a whole
    cell of a table whose other cells name companies (a weekly's top twenty stocks, dev154): the table's
    column says what the name is."""

    def whole_cell(item: _Found) -> bool:
        # Back over the spaces before the name only (slicing from the line's start made a page of one long line
        # quadratic): the cell opens at a bar or at the line's start.
        before = item.start
        while before and scan[before - 1] in _CELL_SPACES:
            before -= 1
        opens = before == 0 or scan[before - 1] in "|\n"
        return opens and bool(_CELL_AFTER_RE.match(scan, item.end))

    companies = [item for item in found if item.chosen == "stock" and whole_cell(item)]
    if len(companies) < _FEWEST_COMPANY_CELLS:
        return
    for item in found:
        if item.chosen is None and item.stock and item.needs_company_cue and whole_cell(item):
            item.chosen = "stock"


_EXAMPLES_OPEN_RE = re.compile(r"[（(]\s*(?:如|包括|例如|比如)?\s*")
_BRACKET_CLOSE_RE = re.compile(r"[)）]")
_LIST_MARKS = ("、", "，", ",")


# What may follow the last sector word of a list of industries: the list's end (a mark, a bracket, a figure),
# a word that goes on with the sentence (等, 和, 为, 的, 则 …), or a sector cue. A noun glued to the last word
# makes the list one of modifiers (工业机器人、医疗机器人、教育机器人; 铁路、港口和船舶运输; 沪港通和深港通机制;
# 电力、油气管道巡检): on dev2-dev54 this check took away 17 extras and 6 labelled words.
_LIST_GOES_ON = frozenset("等和与及或为的在则均都也占分是将已")


# The rest of a list of boards up to the board cue that ends it (、固态电池等板块领涨 after 小米汽车、华为汽车): members
# marked by 、 and nothing else, so a clause's words never reach a cue further on.
_REST_OF_BOARD_LIST_RE = re.compile(r"(?:、[^、，,。；;：:！？\s]{1,10})*等?(?:板块|概念|题材|类股)")


# A board cue that opens a list of boards (涨幅居前的板块有:小米汽车、华为、固态电池: review25), members before the
# two names marked by 、 only.
_BOARD_LIST_LEAD_RE = re.compile(
    r"(?:板块|概念|题材)(?:[^，,。；;！？\n]{0,6}[:：]|有|包括|为)(?:[^、，,。；;：:！？\s]{1,10}、)*$"
)


def _board_list_led(scan: str, start: int) -> bool:
    """Whether a board cue opens the 、-list that reaches ``start`` (板块有:小米汽车、华为)."""
    return bool(_BOARD_LIST_LEAD_RE.search(scan[max(0, start - 60) : start]))


def _names_its_board_in_a_list(gap: str, neighbour: str, company_board_words: set[str], cued: bool) -> bool:
    """A company's name that is also its namesake board's (华为) names the board in a list of boards only when
    the list is marked as one (、, 和, 及 …): a comma ends a clause (还没有5G,华为却已经拥有; 鸿蒙系统,华为将不向
    腾讯收取: dev sets, no label), the company its subject (FRESH_RULES S4). Two such names side by side are the
    companies unless a board cue ends the list (华为、小米等板块领涨): a neighbour chosen as a company's board
    only by such a list (冲向苹果、华为) leaves the name alone."""
    return "," not in gap and "，" not in gap and (neighbour not in company_board_words or cued)


def _ends_a_list_of_industries(scan: str, end: int) -> bool:
    """Whether a list of sector words ending at ``end`` lists industries: not a company's business lines, and
    not modifiers of a noun glued to its last word."""
    if _BUSINESS_LINES_AFTER_RE.match(scan, end):
        return False
    if scan[end : end + 1] and scan[end] in CLOSING_QUOTES:
        end += 1  # a quoted last member (“沪港通”和“深港通”机制): what follows the quote decides
    following = scan[end : end + 1]
    if not following or following in _LIST_GOES_ON or SECTOR_AFTER_RE.match(scan, end):
        return True
    return not ("\u4e00" <= following <= "\u9fff" or (following.isascii() and following.isalpha()))


# The end of a list of boards or sector indices (半导体、云计算、物联网、特斯拉等细分领域指数均小幅下挫: dev185).
_BOARD_LIST_END_RE = re.compile(r"等?[^，,。；;\n、]{0,8}?(?:指数|板块|概念)")


def _namesake_boards_in_board_lists(scan: str, found: list[_Found]) -> None:
    """A company's name in a list of boards that ends in 指数, 板块 or 概念 names its namesake board (FRESH_RULES
    S4: the text speaks of the board): 半导体、云计算、物联网、特斯拉等细分领域指数."""
    for index, item in enumerate(found):
        if not (item.names_a_company and item.chosen == "stock" and item.board):
            continue
        first = last = index
        while first > 0 and _listed_board(scan, found[first - 1], found[first], found[first - 1]):
            first -= 1
        while last + 1 < len(found) and _listed_board(scan, found[last], found[last + 1], found[last + 1]):
            last += 1
        if last - first >= 2 and _BOARD_LIST_END_RE.match(scan, found[last].end):
            item.chosen = "board"


def _listed_board(scan: str, left: _Found, right: _Found, member: _Found) -> bool:
    """Whether two neighbours stand in one list and ``member``, the one added to it, is a board."""
    return member.chosen == "board" and bool(INDUSTRY_LIST_GAP_RE.match(scan[left.end : right.start]))


def _accept_sectors_with_companies(scan: str, found: list[_Found]) -> None:
    """A sector word followed by its companies in brackets is the sector: 汽车(吉利、东风等), and in a list of
    such, 医药(恒瑞医药)、网络安全(奇安信). One company in brackets alone may just say which (银行(工商银行))."""
    for item, after in pairwise(found):
        if item.chosen is not None or not item.board or item.stock or item.names_a_company:
            continue
        opening = _EXAMPLES_OPEN_RE.match(scan, item.end)
        if not (opening and opening.end() > item.end and after.start == opening.end() and after.chosen == "stock"):
            continue
        close = _BRACKET_CLOSE_RE.search(scan, opening.end(), opening.end() + 40)
        inside = scan[opening.end() : close.start()] if close else ""
        listed = scan[item.start - 1 : item.start] in _LIST_MARKS or (
            close and scan[close.end() : close.end() + 1] in _LIST_MARKS
        )
        if close and ("、" in inside or "等" in inside or listed):
            item.chosen = "board"


# Kinds of insurance that end insurers' names (天安财险, 国寿财险), and characters that end words before the sector's
# word other than a name: list and sentence words, times, places, quantities (今年财险, 全国财险, 四大财险).
_NAMED_KINDS = frozenset(_INSURANCE_KINDS)
# What makes 农业 the 农牧饲渔 board: a board's cue, a statistic of the sector, or a list of boards it opens.
_FARMING_BOARD_AFTER_RE = re.compile(
    r"(?:板块|股|概念|行业|类|指数|增加值|总产值|产值)|[、，,][^。；]{0,24}?等?(?:板块|行业)(?![内中])"
)
# Words before a kind of firm that say which or how many, not whose name (包括村镇银行在内: dev178).
_WORDS_BEFORE_A_KIND = frozenset(
    {"包括", "其中", "以及", "部分", "一些", "多家", "各地", "全国", "农村", "县域", "中小", "旗下"}
)
_NO_NAMES_END = frozenset("、和与及或的在是为了对等中年月日度季国省市内外业类大")


# Brands of chips and AI models (Huawei's 昇腾, 鲲鹏, 麒麟 and 盘古; Baidu's 文心; Alibaba's 通义; Tencent's 混元;
# ByteDance's 豆包; Qualcomm's 骁龙; MediaTek's 天玑; iFlytek's 星火; CATL's battery 神行: 神行超充, dev112) before a
# board word name the product.
_PRODUCT_BRAND_BEFORE_RE = re.compile(r"(?:昇腾|鲲鹏|麒麟|盘古|文心|通义|混元|豆包|骁龙|天玑|星火|神行)\s?$")


# A place named after a company (宜宾五粮液机场): the place, not the company.
_FACILITY_AFTER_RE = re.compile(
    r"(?:国际)?(?:机场|码头|大桥|体育场|体育馆|大剧院|火车站|高铁站|会展中心|展览中心|会议中心|博览中心)"
)  # (深圳国际会展中心, a venue: dev118)
# A footer's sitemap link (Baidu map): page chrome. (百度地图, the product, is left to the other rules.)
_SITE_MAP_AFTER_RE = re.compile(r"\s*[Mm]ap(?![A-Za-z])")
# What a part measures in compute (芯片算力, 单卡算力, 同等算力下, 异构算力, 端侧算力不足, NPU算力领先, GPU算力单元,
# 平台算力高达120 TOPS): a performance figure, not the industry.
_MEASURED_PART_BEFORE_RE = re.compile(r"(?:芯片|单卡|单颗|同等|异构|端侧|NPU|GPU|CPU|TPU|平台)\s?$")
# A server's compute raised, or a chip's cut down to a level (AI服务器算力升级, 限制算力至H100的15%: day 22): a figure
# too; not a server's compute demanded or compute whose export is limited (国内服务器算力需求爆发, 美国限制算力出口:
# the industry, review of day 22).
_SERVER_OR_CUT_BEFORE_RE = re.compile(r"(?:服务器|限制|削减)\s?$")
_NEW_LEVEL_AFTER_RE = re.compile(r"\s?(?:升级|提升|翻倍|至|到)")
# What is said of a part's compute (算力比肩国际知名企业的同类产品, 算力高达, 算力单元): its performance (dev sets:
# 3 extras).
_MEASURED_AFTER_RE = re.compile(r"\s?(?:比肩|高达|跑到|单元)")
# High or low compute as a quality of a thing named after it (高算力智驾芯片, 大算力应用场景, 高算力研发模式: dev
# sets, 3 extras, no label): an attribute, not the compute industry (大算力需求, 大算力时代 still name it).
_COMPUTE_QUALITY_RE = re.compile(r"(?<=[高大弱强])算力(?!需求|产业|行业|时代|中心|基础)(?=[\u4e00-\u9fff])")
# A kind of car named by its technology (自动驾驶汽车, 氢燃料电池汽车, 智能汽车, 零排放汽车, 清洁能源汽车,
# 混合动力汽车): the compound names its own board (FRESH_RULES B3: 新能源汽车 is 新能源车 only), which its first
# word already gives where one exists (无人驾驶, 燃料电池), not the carmakers' 汽车整车 (dev sets: 12 extras, none
# labelled, 3 optional).
# Not 燃油汽车 or 传统汽车, which are the cars the industry makes.
_CAR_TECHNOLOGY_BEFORE_RE = re.compile(
    r"(?:自动驾驶|无人驾驶|智能驾驶|智驾|燃料电池|混合动力|插电混动|智能|清洁能源|零排放|网联)$"
)
# Big data as the source a figure or a picture is drawn from (根据马蜂窝旅游大数据, 从联通数智智慧足迹大数据来看,
# 用大数据来看看, 记者通过大数据描绘出, 本平台信息来源于大数据及网络: dev sets, 5 extras, no label), as 大数据显示 is:
# a tool in use, not the big-data industry.
_BIG_DATA_AS_SOURCE_BEFORE_RE = re.compile(r"(?:根据|依据|从|用|通过|来源于|基于|据)[\u4e00-\u9fffA-Za-z]{0,8}$")
_BIG_DATA_AS_SOURCE_AFTER_RE = re.compile(r"(?:来看|显示|描绘|来|及|乃至|等|[,，])")
# Brokers in a sentence about research visits to companies (参与调研方大股份的券商有17家, 5月以来,券商合计调研了1005家
# 上市公司): the visitors, as _BROKERS_AS_ANALYSTS_AFTER_RE reads 券商调研 (dev sets: 2 more extras). The sentence is
# read 40 characters either side (已有87家证券公司(含海外证券公司)对67家上市公司进行了调研, 接待包括基金、证券公司、阳光
# 私募、保险公司等在内的多类机构调研: day 22, 3 more extras, no label lost); insurers among such visitors too (1 more).
_VISITS_WINDOW = 40
_VISITS_NEAR_RE = re.compile(r"调研")
# (Not brokers a regulator visits: 证监会近日对部分证券公司开展现场调研: review of day 22.)
_VISITED_BEFORE_RE = re.compile(r"对[^，,。；;]{0,3}$")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
# A breadcrumb's step (首页 > 新能源 > 正文, 首页 > 云计算频道 > 大模型, 首页>家电维修>空调, 中商信息> 钢铁产业> 板材:
# a portal's channel, dev218 a trap): between two arrows.
_CRUMB_BEFORE_RE = re.compile(r"[>＞›»]\s*$")
_CRUMB_AFTER_RE = re.compile(r"(?:频道|栏目|专题|维修|百科|资讯|新闻|知识|产业)?\s*[>＞›»]")  # not 水泥概念股 »
# A breadcrumb's last step, a section's short name that ends its line (首页 > 新能源电报: a news site's flash column,
# dev sets: 3 extras), not an article's title after the arrow (首页 > 新能源汽车销量再创新高).
_CRUMB_HOME_BEFORE_RE = re.compile(r"(?:首页|位置)[^\n]{0,40}?[>＞›»]\s*$")
_CRUMB_LAST_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,4}[^\S\n]*(?:\n|$)")
# A navigation bar's links parted by bars (检测 | 非棉与展览 | 节能环保 | 协会之窗): a link between two others,
# not a table's cell (the next cell of a table row is mostly a figure). Not a link that goes on after the board
# word (淘文阁网|工程机械CAD图纸|…, dev149): a business list parted by bars has that shape (公司主营业务|新能源汽车
# 零部件|储能系统|光伏组件: second review of day 21).
_MENU_CELL_BEFORE_RE = re.compile(r"[\u4e00-\u9fff][^\S\n]*[|｜][^\S\n]*$")
_MENU_CELL_AFTER_RE = re.compile(r"[^\S\n]*[|｜][^\S\n]*[\u4e00-\u9fff]{2,6}[^\S\n]*(?:[|｜]|$)", re.MULTILINE)
# A fund's A or C share class right after a theme word, ending the fund's name (华夏节能环保A、); not 新能源A股,
# 汽车C端, 医疗A轮, AIGC or a model (A17).
_FUND_SHARE_CLASS_AFTER_RE = re.compile(r"[AC](?=[、，,。；;：:\s)）]|$)")
# A government body's division by its head's title (能效与储能处处长, 电力司副司长): the office, not the sector.
_DIVISION_HEAD_AFTER_RE = re.compile(r"(?:处|司|科)副?(?:处|司|科)?长")
# A product's specification after the word (传感器型号为…, 电池规格).
_SPEC_WORDS = ("型号", "规格", "参数")
# Research firms IDC is named among (根据权威机构IDC及Gartner, IDC/Canalys): IDC the firm, not data centres.
_RESEARCH_FIRMS_NEAR_RE = re.compile(r"Gartner|Canalys|Counterpoint|TrendForce|Omdia|Strategy Analytics|艾瑞|赛迪|群智")
# IDC the research firm by what it does or what it is called (IDC 咨询今日发布, 市场调查机构 IDC 公布, IDC认为,
# 数据公司IDC近日发布, IDC今年7月也发布报告, IDC:2023年Q2…, 入选IDC…指南, 来自IDC的研究, IDC此前数据,
# IDC全球行动装置追踪报告): its reports are read far more often than data centres are named by the acronym (30 of 39
# development texts with IDC mean the firm); IDC业务, 电信IDC收入, 智算IDC still name the data centres. (A view
# after the word, IDC认为 or IDC分析师, is SPEAKER_AFTER_RE's, checked before.)
_RESEARCH_FIRM_AFTER_RE = re.compile(
    r"\s?(?:近日|日前|近期|最近|今年\d{0,2}月?|也|还)*"
    r"(?:咨询|公布|发布|中国研究|最新|的?(?:判断|研究|数据|报告)|预测|数据|报告|统计|显示|此前|"
    r"[\u4e00-\u9fff]{0,10}(?:追踪|研究经理)|[:：《])"  # IDC移动和消费设备追踪研究经理
)
_RESEARCH_FIRM_BEFORE_RE = re.compile(r"(?:据|根据|来自|机构|(?:研究|调研|调查|咨询|数据)(?:公司|企业)|入选|如)\s?$")
# Brokers as research visitors, fund managers or analysts (券商机构调研, 券商调仓换股, 券商的调查轨迹, 券商首席经济学家:
# dev144 and earlier sets, labelled 1 time in 7; 券商策略周报, 券商医药行业分析师, 券商人员: dev152, dev157): the
# investors' side, as money flows are, not the brokerage sector.
_BROKERS_AS_ANALYSTS_AFTER_RE = re.compile(
    r"(?:机构)?(?:扎堆|的)?(?:调研|调仓|调查|首席|(?:[\u4e00-\u9fff]{1,4}行业)?分析师|研报|研究员|策略(?:周报|报告|会|观点)|"
    r"人员|员工|经纪人|客户经理)"
)
# An operator of something other than telecom networks (新能源运营商, 充电运营商, 数据中心运营商: dev141): 运营商 alone
# names the telecom carriers.
_NOT_TELECOM_OPERATOR_BEFORE_RE = re.compile(
    r"(?:新能源|充电|充电桩|换电|电力|光伏|风电|储能|电站|数据中心|IDC|算力|物流|平台|港口|机场|燃气|水务|铁路|地铁|公交|"
    r"云|游戏|支付|卫星|卫星通信|酒店|景区|商业|文旅)$"
)
# "Golden" as a figure of speech: a golden track, era, window or decade (黄金赛道 after a hotel or sportswear
# group's business: dev128, dev137), where 赛道 would otherwise be the sector's cue.
_GOLDEN_FIGURES = ("赛道", "时代", "窗口", "时期", "十年", "搭档", "法则", "周", "位置", "年龄")
# A board word in quotes after a likening verb and 的 is the figure of a metaphor (种业被视作农业的“芯片”,
# 静电卡盘被称为集成电路零部件领域的“光刻胶”: dev160, dev177, no label): the thing likened is the subject, not
# the sector. Without the verb a quoted word is the sector's (中国的“果链”, 大热的“元宇宙”, 与美国的“星链”争夺
# 市场: 20 labels in the development sets).
_LIKENED_TO_BEFORE_RE = re.compile(
    r"(?:视作|视为|誉为|称为|称作|喻为|比作|比喻为|堪称|号称|犹如|如同|好比|就像)[^，。；;\n“”\"「」]{0,16}的[“\"「]$"
)
# (a sector's cue after the closing quote keeps it the sector's: 被视为全球的“锂电池”龙头企业, 最热门的“无人机”赛道)
_LIKENED_TO_AFTER_RE = re.compile(r"[”\"」](?!\s?" + SECTOR_AFTER_RE.pattern + ")")
# A thing in everyday use right after the verb of its use: riding, wearing, eating, buying or taking it
# (骑共享单车上班, 都在用移动支付, 戴着智能眼镜巡检, 选购化妆品, 接种流感疫苗, 渔民投放饲料: dev63, dev104, dev165,
# dev180, dev196, dev204, dev208; labellers took none), not the industry that makes or runs it (坐高铁 in
# board_vocabulary.yaml). Not 搭乘, mostly a figure (搭乘5G发展的“东风”), nor 在用 (在用数据中心: the sector's
# stock in service). A mode of transport used is such a thing too (集港煤炭全部改由铁路运输, 将出口产品通过公路运输
# 的方式运往上海: dev31, dev218, no label): the means, not the operators.
# (Not 选购, 投放 or 改由 alone: 消费者选购新能源汽车, 哈啰投放共享单车, 利润来源改由光伏组件业务主导 name the trade's
# market, its operators and a firm's business: review of day 21. Feed thrown into a pond and a mode of transport
# taken instead are still things used.)
_EVERYDAY_USE_BEFORE_RE = re.compile(r"(?:骑|乘坐|戴着|穿着|吃着|喝着|接种|都在用)(?:着|上|了)?$")
_USED_AFTER_VERB = {"投放": ("饲料",), "改由": ("铁路运输", "公路运输", "水路运输", "航空运输")}
_MEANS_BEFORE_RE = re.compile(r"(?:通过|经由|以)$")
_MEANS_AFTER_RE = re.compile(r"的?(?:方式|形式)")
# A person by the trade: its worker, a vehicle's owner, a fan (快递员, 电动车车主在高速服务区「抢」充电桩,
# 影视爱好者: dev38, dev70, dev192, no label).
_PERSON_OF_THE_TRADE_AFTER_RE = re.compile(r"(?:员|车主|爱好者)")
# Education and health care as public services, the schools and hospitals a government provides, in a list
# of livelihood items (就业、收入、教育、医疗、健康等7项指标; 规划教育、医疗等公服建筑; 呼吸机只是民生和医疗供应;
# 养老服务、科研教育等民生领域: dev52, dev69, dev95, dev142, no label), not the private education and
# medical-services boards. A list of industries that touches 民生 later still names them (文化和教育等多个
# 领域，将对我国经济、社会和民生…: dev17).
_PUBLIC_SERVICES = frozenset({"教育", "医疗"})
# (Only beside jobs, income or social insurance, the indicators of livelihood: 住房、汽车、教育、医疗等大宗消费 and
# 医疗、教育和住房等民生领域投资 name the trades people spend on and invest in, and FRESH_RULES B1 counts an industry in
# a list of public facilities (公服建筑): review of day 21.)
_LIVELIHOOD_ITEMS = r"(?:就业|收入|社保)"
_LIVELIHOOD_LIST_BEFORE_RE = re.compile(_LIVELIHOOD_ITEMS + r"(?:[、和与及][^、，,。；;\n]{1,8}){0,5}[、和与及]$")
_LIVELIHOOD_LIST_AFTER_RE = re.compile(r"(?:[、和与及][^、，,。；;\n等]{1,8}){0,6}[、和与及]" + _LIVELIHOOD_ITEMS)
# A physical explanation: energy converted (将风能转化为电能, 可将风能转化效率提升至52%), a machine driven
# (驱动发电机发电), a material's effect (利用半导体材料的光生伏特效应, 来自于半导体的光电效应): how a thing
# works, not the industry (dev15, dev34, dev139, dev192: no label).
# (Only energy turned into a named form of energy, or an energy form's conversion rate: 房地产行业转变为新发展模式,
# 半导体产业转化为经济增长新动能 and 钙钛矿电池转换效率突破30% are the trades: review of day 21.)
_ENERGY_FORMS = frozenset({"风能", "太阳能", "光能", "热能", "核能", "氢能", "潮汐能", "地热能", "生物质能"})
_CONVERTED_AFTER_RE = re.compile(
    r"(?:转化|转换|转变)(?:为|成)[^，。；;\n]{0,4}?(?:电能|热能|机械能|化学能|动能(?<!新动能)|光能|电力|电流)"
    r"|(?:材料)?的?\s?(?:光生伏特|光电|热电|压电)效应"
)
_CONVERSION_RATE_AFTER_RE = re.compile(r"(?:转化|转换)效率")
_DRIVEN_BEFORE_RE = re.compile(r"驱动$")
_DRIVEN_AFTER_RE = re.compile(r"(?:发电|运转|旋转)")
# A quality, not a trade: a degree word before the word (是不是更节能环保: dev28) or an idea it qualifies
# (绿色低碳节能环保的消费理念: dev63); and a line of a public budget after another line in the sentence
# (公共安全支出7874万元,同比下降9.3%,节能环保支出8376万元: dev134), not a firm's spending on the sector.
_DEGREE_BEFORE_RE = re.compile(r"(?:更|更加|很|非常|十分|越来越)$")
_IDEA_AFTER_RE = re.compile(r"的?(?:消费|发展|生活)?(?:理念|观念|意识)")
_BUDGET_LINE_BEFORE_RE = re.compile(r"支出[^。！？!?；;\n]{0,30}$")
# Solar cells in the photovoltaic chain (多晶硅、硅片、电池、组件产量; 硅片产量…;电池产量…;组件产量): the cell stage
# of solar panels, not the battery industry (dev13, dev44, dev126: 3 extras, no label); 晶硅电池 (crystalline-silicon
# cells: day 22) too.
_PV_CHAIN_RE = re.compile(r"硅片|多晶硅|组件|晶硅")
# A sales count right after the word (零售销量, 零售量, 零售104.2万辆).
_SALES_FIGURE_AFTER_RE = re.compile(r"\s?(?:销量|量|\d)")
# A figure with a unit right before the word: a product's specification (4C 超充, 508TOPS 算力, 800V高压平台).
_SPEC_BEFORE_RE = re.compile(
    r"\d[\d.]*\s?(?:C|TOPS|TFLOPS|PFLOPS|kW|KW|W|kV|KV|V|千伏|Ah|kWh|GB|TB|mAh|Hz|GHz)\s?\+?\s?(?:本地|端侧|AI\s?)?$"
)  # (36TOPS本地算力, 30TOPS AI 算力; 110千伏输变电工程: one project's voltage, dev132)
# A fund named after its theme: an exchange-traded fund with its code, or a mixed or equity fund's full name.
_FUND_NAME_AFTER_RE = re.compile(
    r"(?:ETF|LOF)?(?:联接)?\s*[（(]\s*(?:1[5-8]|5[0-9])\d{4}"  # an exchange-traded fund's code (15/16/18, 5x)
    r"|(?:ETF|LOF)(?:联接)?[\u4e00-\u9fff]{0,4}?\s*[（(]\s*\d{6}"  # the manager may follow: 创新药ETF南方(159297)
    r"|[\u4e00-\u9fff]{0,4}?(?:混合|股票|债券|指数)型?(?:发起式)?(?:证券投资)?基金"
)
_FUND_HINT_RE = re.compile(r"基金|ETF|LOF|[（(]\s*[15]")
# An index maker or an index's qualifier right before the word: an index's or a fund's name.
_INDEX_MAKER_BEFORE_RE = re.compile(r"(?:中证|国证|上证|深证|细分|恒生|标普|纳斯达克)\s?$")
# An index's name with more words between its maker and the word (恒生地产建筑业指数: dev141).
_INDEX_NAME_AROUND_RE = re.compile(r"(?:中证|国证|恒生|标普)[\u4e00-\u9fff]{1,4}$")
_INDEX_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,2}指数")
# A commodity's quote (焦炭跌5.87%,报3047元/吨: dev141), a futures price, not the sector.
_COMMODITY_QUOTE_AFTER_RE = re.compile(
    r"\s?(?:主力合约|期货)?(?:[涨跌]|上涨|下跌|涨超|跌超|收涨|收跌)\s?[\d.]+%[，,]\s?报\s?[\d.]+\s?元/吨"
)
_NOT_A_DRUG_STEM = _NO_NAMES_END | frozenset("性型款种用")  # 双特异性单抗, 新型单抗: kinds, not a drug's stem
# A site's or section's name in page chrome: 家电百科 (then a space), 机床商务网栏目, PCB信息网 2022-04-21 (an
# outlet's credit line, dev132), 半导体信息平台TechInsights (a research firm's description, dev148); a site's
# tagline, what kind of outlet it is (一带一路国家级信息服务平台, 新能源行业媒体领跑者, 影视聚合站: dev44, dev8, dev33,
# traps there; R2). Not …媒体 alone: 新能源汽车行业媒体关注度上升, 公司旗下拥有光伏媒体 (second review of day 21).
_SITE_SECTION_AFTER_RE = re.compile(
    r"(?:百科(?=\s)|[\u4e00-\u9fff]{0,3}网栏目|(?:信息|资讯|产业|行业|门户)网(?![络点])|网(?=\s\d{4}-\d\d)"
    r"|(?:国家级)?(?:信息|资讯)(?:服务)?平台|(?:行业)?媒体领跑者|聚合站)"
)


# A former name recalled this many years after the company dropped it is rarely the company without a cue:
# 航空动力 (to 2015) in 2025 names aero-engines, 冰箱压缩机 a compressor, 领先科技门户 a site's boast (dev37-dev79:
# 11 of 22 such mentions past five years were the company, most with its code or 公司 beside them).
_FORMER_NAME_FADES_AFTER = 5 * 365


def _long_gone(entry: NameEntry, day: date | None) -> bool:
    """Whether ``entry`` is a former name the article's ``day`` comes years after."""
    return bool(
        entry.how == HOW_FORMER
        and day is not None
        and entry.valid_to is not None
        and (day - entry.valid_to).days > _FORMER_NAME_FADES_AFTER
    )


# Property as an asset or a job's object, not the industry (the review of the fifteenth day): 投资性房地产 (an
# accounting line), 自有/持有的房地产, 房地产抵押, 房地产估价, 房地产经纪人; and bodies named after it
# (房地产交易中心, 深圳市房地产和城市建设发展研究中心).
_PROPERTY_ASSET_BEFORE_RE = re.compile(r"(?:投资性|自有|自用|持有的?|名下的?)$")
_PROPERTY_ASSET_AFTER_RE = re.compile(
    r"(?:抵押|估价|评估|账面|经纪人|登记|权证|权属|交易中心|[和与及]?[\u4e00-\u9fff]{0,10}?研究中心)"
)


# Gas as what a ship or a truck burns or carries (融合LNG双燃料动力, LNG/LPG船, 天然气燃料汽车: dev235 zzdfzj and two
# earlier extras; LNG 船舶 is optional in the one text that names it): the vehicle's type, not the gas trade.
_GAS_WORDS = frozenset({"LNG", "天然气", "液化天然气"})
_VESSEL_OR_FUEL_AFTER_RE = re.compile(r"(?:/LPG)?\s?(?:双燃料|燃料|动力|运输船|船|重卡|汽车)")
# A donation's goods (捐赠口罩、呼吸机等物资: dev235 bjtitle-newshow-5607499): objects given away (FRESH_RULES B2).
_DONATED_BEFORE_RE = re.compile(r"(?:捐赠|捐献|捐助|捐出|捐)了?$")


def _not_the_sector(scan: str, start: int, end: int, before: str) -> bool:
    """A board word, no company's name, that its context makes something else than the sector."""
    if scan.find("经营范围", max(0, start - 40), start) >= 0 and BUSINESS_SCOPE_RE.search(
        scan, max(0, start - 40), start
    ):
        return True  # 经营范围含软件开发: a licence's wording, not the sector
    if LICENCE_AFTER_RE.match(scan, end) or INPUT_COST_AFTER_RE.match(scan, end):
        return True  # 证券投资咨询业务资格: a permit; 饲料成本: an input's cost
    # (以下简称“嘉益风能”): a company's short name (a cheap test first: the pattern is rarely needed)
    if scan.find("简称", max(0, start - 16), start) >= 0 and SHORT_NAME_BEFORE_RE.search(
        scan, max(0, start - 16), start
    ):
        return True
    if (
        end - start == 1
        and scan[end : end + 1] == "业"
        and "\u4e00" <= before <= "\u9fff"
        and not sector_cue(scan, start, end + 1)
    ):
        return True  # 遵义铝业, 宏创铝业: a firm's name (not 最大铝业生产商, the trade by its cue)
    if scan[end : end + 1] == "级":
        return True  # 民航级水平, 动力电池级硫酸镍, 军工级芯片: a grade of quality, not the sector (dev209)
    if (
        scan[end : end + 1] == "化"
        and scan[end + 1 : end + 2] not in _NOT_IZATION
        and not (scan.startswith("化解", end) and scan[start:end].endswith(_WHOLE_TRADE_ENDS))
    ):
        return True  # 新能源化过程: a process (-ization), not the sector
    if SPEAKER_AFTER_RE.match(scan, end):
        return True  # 有券商认为: an unnamed firm quoted
    if COPYRIGHT_AFTER_RE.match(scan, end):
        return True  # 国资数据中心 版权所有: a site's name in its footer
    if inside_a_title(scan, start, end):  # (a look around the word only: a test of the whole text was quadratic)
        return True  # 《物业服务企业发展报告》: a title
    if scan[start:end] in AI_WORDS and AI_FEATURE_AFTER_RE.match(scan, end):
        return True  # AI虚拟助手, AI赋能: a product's feature or a tool, not the field
    if scan[start:end] in _NAMED_KINDS and before not in _NO_NAMES_END and "\u4e00" <= before <= "\u9fff":
        return True  # 天安财险, 众安寿险: an insurer's name ends in its kind of insurance, not the sector
    if scan[start:end] == "农业" and not _FARMING_BOARD_AFTER_RE.match(scan, end):
        return True  # 工业、农业、交通等领域, 发展农业产业: farming as a field of application or of policy, not the
        # 农牧饲渔 board (dev sets: 19 texts took it so against 9 that labelled it, most with 板块, 股 or a statistic)
    if _FOUNDED_FIRM_BEFORE_RE.search(scan, max(0, start - 5), start) or (
        _PLACE_AND_BRAND_BEFORE_RE.search(scan, max(0, start - 6), start) and _FIRM_DOES_AFTER_RE.match(scan, end)
    ):
        # 创立祥邦新能源, 安徽国晟新能源收到: a firm named after its sector (dev193, dev197), not the sector
        return True
    if scan[end : end + 1] == "区" and (
        (before and before in "于在") or scan[max(0, start - 2) : start] in ("落户", "入驻", "注册")
    ):
        # 成立于上海自贸区的首家区内法人险企: a place where something is (dev labellers: traps), not the board
        return True
    if (
        scan[start:end] == "村镇银行"
        and "\u4e00" <= before <= "\u9fff"
        and before not in _NO_NAMES_END
        and scan[max(0, start - 2) : start] not in _WORDS_BEFORE_A_KIND
    ):
        return True  # 沭阳东吴村镇银行: one village bank's name, not village banks as a kind (dev178)
    if scan[start:end] == "材料行业" and "\u4e00" <= before <= "\u9fff" and before not in _NO_NAMES_END:
        return True  # 锂电材料行业, 硅基新材料行业: the trade of that material, not the classic 材料行业 board (dev158)
    if before and _PRODUCT_BRAND_BEFORE_RE.search(scan, max(0, start - 5), start):
        return True  # 盘古大模型, 昇腾算力, 麒麟芯片: a company's product line by its brand (B2), not the field
    if BODY_BEFORE_RE.search(scan, max(0, start - 2), start):
        return True  # 文化和旅游部数据中心: a ministry's unit
    if _DONATED_BEFORE_RE.search(scan, max(0, start - 3), start):
        return True  # 向…医院等捐赠口罩、呼吸机等物资: goods given away (B2), not the trade
    if scan[start:end] in _GAS_WORDS and _VESSEL_OR_FUEL_AFTER_RE.match(scan, end):
        return True  # LNG双燃料动力, LNG/LPG船, 天然气重卡: a ship's or a truck's fuel or type (B2), not the gas trade
    if _DIVISION_HEAD_AFTER_RE.match(scan, end):
        return True  # 国家能源局科技司能效与储能处处长: a division's head (dev103)
    word = scan[start:end]
    if word == "算力" and (
        _MEASURED_PART_BEFORE_RE.search(scan, max(0, start - 4), start)
        or (_SERVER_OR_CUT_BEFORE_RE.search(scan, max(0, start - 4), start) and _NEW_LEVEL_AFTER_RE.match(scan, end))
        or _MEASURED_AFTER_RE.match(scan, end)
        or _COMPUTE_QUALITY_RE.match(scan, start)
    ):
        return True  # 芯片算力将突破560 TOPS, 同等算力下, 高算力智驾芯片: a part's performance, not the industry
    if word == "汽车" and _CAR_TECHNOLOGY_BEFORE_RE.search(scan, max(0, start - 4), start):
        return True  # 自动驾驶汽车, 氢燃料电池汽车: a kind of car that names its own board, not the carmakers' board
    if word == "半导体" and scan.startswith("显示", end):
        # 半导体显示 (京东方, TCL华星): the display panel industry's own name for itself (dev sets: 4 extras, none
        # labelled 半导体), not chips
        return True
    if word in ("芯片", "晶片") and scan[max(0, start - 3) : start].upper() == "LED":
        return True  # LED芯片: LED chips, the LED board's subject (LED is read on its own), not the chip industry
    if word == "乘用车" and _PRODUCT_USE_AFTER_RE.match(scan, end) and not _TIME_SPENT_AFTER_RE.match(scan, end):
        return True  # 乘用车用三元电池, 乘用车动力电池: a product for cars, not the passenger-car board (3 extras)
    if _made_for_after(scan, end):
        return True  # 太阳能工业用超白玻璃, 数据中心用PMIC, 物联网专用芯片: a product made for the sector, not it
    if word == "医疗" and (scan.startswith(_MEDICAL_AS_A_USE, end) or scan[max(0, start - 2) : start] == "远程"):
        # 医疗机器人, 医疗大健康, 医疗制造业, 远程医疗: robots, a health business, a statistics class or telemedicine
        # named by their use in medicine, not the medical-services board (dev sets: 5 extras, no label)
        return True
    if (
        word == "新能源"
        and "\u4e00" <= before <= "\u9fff"
        and _FIRMS_LIST_END_RE.match(scan, end)
        and not scan.startswith(_NEW_ENERGY_FIELDS, end)
    ):
        return True  # 天臣新能源、顺展云康等企业, 三花新能源等优势企业: a firm in a list of firms, not the sector
    if word == "通信" and scan.startswith(_USED_IN_TELECOM, end):
        return True  # 通信储能, 通信芯片: a product by its use (storage for telecom sites), not telecom equipment
    if (
        word == "大数据"
        and _BIG_DATA_AS_SOURCE_AFTER_RE.match(scan, end)
        and _BIG_DATA_AS_SOURCE_BEFORE_RE.search(scan, max(0, start - 11), start)
    ):
        return True  # 根据马蜂窝旅游大数据, 通过大数据描绘出: data as a source, not the big-data industry
    if (
        word in ("券商", "证券公司", "保险公司")
        and not BOARD_CUE_AFTER_RE.match(scan, end)  # 券商板块今日领涨…机构调研了上市公司: the board itself
        and not _VISITED_BEFORE_RE.search(scan, max(0, start - 4), start)
        and _VISITS_NEAR_RE.search(_sentence_around(scan, start, end, _VISITS_WINDOW))
    ):
        return True  # 参与调研方大股份的券商有17家: brokers (insurers) visiting companies, not their sector
    if word == "房地产" and (
        _PROPERTY_ASSET_BEFORE_RE.search(scan, max(0, start - 4), start) or _PROPERTY_ASSET_AFTER_RE.match(scan, end)
    ):
        return True  # 投资性房地产, 自有房地产抵押, 房地产估价报告: property as an asset, not the industry
    if word == "单抗" and "\u4e00" <= before <= "\u9fff" and before not in _NOT_A_DRUG_STEM:
        return True  # 替雷利珠单抗, 帕博利珠单抗: a drug's name (an antibody's INN), not the antibody drugs' board
    if _SITE_SECTION_AFTER_RE.match(scan, end):
        return True  # 家电百科 实时讯息, 【机床商务网栏目: a site's or a section's name in page chrome (R2)
    if word == "零售" and "\u4e00" <= before <= "\u9fff" and _SALES_FIGURE_AFTER_RE.match(scan, end):
        return True  # 乘用车零售销量, 乘用车零售104.2万辆: a product's retail sales, not the retail trade
    if word == "零售" and before == "车":
        # 乘用车零售市场约为227.0万辆 (CPCA's narrow passenger-car retail market, 快科技 2023-12-22: review of day
        # 23), 汽车零售: cars sold at retail, not the general retail trade
        return True
    if word == "券商" and _BROKERS_AS_ANALYSTS_AFTER_RE.match(scan, end):
        return True  # 券商机构调研了上千家上市公司, 券商首席经济学家: brokers as visitors and analysts, not the sector
    if word == "运营商" and _NOT_TELECOM_OPERATOR_BEFORE_RE.search(scan, max(0, start - 6), start):
        return True  # 新能源运营商: an operator of power plants, not the telecom carriers
    if word == "新能源" and scan.startswith(("电池", "汽车电池"), end):
        return True  # 新能源电池: the batteries of new-energy cars, named by 电池, not the 新能源 board
    if word == "黄金" and scan.startswith(_GOLDEN_FIGURES, end):
        return True  # 中高端酒店投资的黄金赛道, 黄金窗口期: "golden" as a figure of speech, not gold
    if _LIKENED_TO_AFTER_RE.match(scan, end) and _LIKENED_TO_BEFORE_RE.search(scan, max(0, start - 26), start):
        return True  # 种业被视作农业的“芯片”: the figure of a metaphor, not the sector
    if (
        _EVERYDAY_USE_BEFORE_RE.search(scan, max(0, start - 4), start)
        or any(scan.startswith(verb, start - 2) and word in used for verb, used in _USED_AFTER_VERB.items())
        or (_MEANS_BEFORE_RE.search(scan, max(0, start - 2), start) and _MEANS_AFTER_RE.match(scan, end))
    ):
        return True  # 骑共享单车上班, 都在用移动支付, 通过公路运输的方式: a thing in everyday use, not the industry
    if _PERSON_OF_THE_TRADE_AFTER_RE.match(scan, end):
        return True  # 快递员, 电动车车主, 影视爱好者: a person, not the trade
    if (
        word in _PUBLIC_SERVICES
        and not SECTOR_AFTER_RE.match(scan, end)
        and (
            _LIVELIHOOD_LIST_AFTER_RE.match(scan, end)
            or _LIVELIHOOD_LIST_BEFORE_RE.search(scan, max(0, start - 60), start)
        )
    ):
        return True  # 就业、收入、教育、医疗等指标, 教育、医疗等公服建筑: public services, not the private sectors
    if (
        _CONVERTED_AFTER_RE.match(scan, end)
        or (word in _ENERGY_FORMS and _CONVERSION_RATE_AFTER_RE.match(scan, end))
        or (_DRIVEN_BEFORE_RE.search(scan, max(0, start - 2), start) and _DRIVEN_AFTER_RE.match(scan, end))
    ):
        return True  # 将风能转化为电能, 驱动发电机发电, 半导体的光电效应: a physical explanation, not the industry
    if (
        _DEGREE_BEFORE_RE.search(scan, max(0, start - 2), start)
        or _IDEA_AFTER_RE.match(scan, end)
        or (scan.startswith("支出", end) and _BUDGET_LINE_BEFORE_RE.search(scan, max(0, start - 36), start))
    ):
        return True  # 更节能环保, 节能环保的消费理念, 节能环保支出: a quality or a budget line, not the sector
    if word == "电池" and _PV_CHAIN_RE.search(scan, max(0, start - 20), min(len(scan), end + 12)):
        return True  # 多晶硅、硅片、电池、组件产量: solar cells, a stage of the photovoltaic chain
    if scan.startswith(_SPEC_WORDS, end):
        return True  # 传感器型号为…, 电池规格: a product's specification, not the sector
    if word == "IDC" and (
        _RESEARCH_FIRMS_NEAR_RE.search(scan, max(0, start - 16), end + 16)
        or _RESEARCH_FIRM_AFTER_RE.match(scan, end)
        or _RESEARCH_FIRM_BEFORE_RE.search(scan, max(0, start - 5), start)
    ):
        return True  # 根据权威机构IDC及Gartner, IDC 咨询今日发布: the research firm, not data centres
    if (
        before in "|｜ "
        and _MENU_CELL_BEFORE_RE.search(scan, max(0, start - 6), start)
        and _MENU_CELL_AFTER_RE.match(scan, end)
    ):
        return True  # 非棉与展览 | 节能环保 | 协会之窗: a navigation bar's link between other links
    if _CRUMB_BEFORE_RE.search(scan, max(0, start - 3), start) and (
        _CRUMB_AFTER_RE.match(scan, end)
        or (_CRUMB_LAST_AFTER_RE.match(scan, end) and _CRUMB_HOME_BEFORE_RE.search(scan, max(0, start - 50), start))
    ):
        return True  # 东方财富网 > 数据中心 > 公告大全, 首页 > 新能源电报: a breadcrumb's step, page chrome
    if _SPEC_BEFORE_RE.search(scan, max(0, start - 12), start):
        return True  # 4C 超充, 508TOPS 算力, 800V高压: a product's specification, not the sector
    if _FUND_SHARE_CLASS_AFTER_RE.match(scan, end):
        return True  # 华夏节能环保A, 长盛医疗行业C: a fund's share class after its theme, the fund's name (dev117)
    if _FUND_HINT_RE.search(scan, end, end + 14) and _FUND_NAME_AFTER_RE.match(scan, end):
        return True  # 中欧数字经济混合发起式基金, 创新药ETF(159992), 数字经济(159658): a fund's name, not the sector
    if _INDEX_MAKER_BEFORE_RE.search(scan, max(0, start - 4), start):
        return True  # 华安中证细分地产ETF, 国证芯片指数: an index's or a fund's name (R2), not the sector
    if _INDEX_NAME_AROUND_RE.search(scan, max(0, start - 6), start) and _INDEX_AFTER_RE.match(scan, end):
        return True  # 恒生地产建筑业指数: an index's name
    if _COMMODITY_QUOTE_AFTER_RE.match(scan, end):
        return True  # 焦炭跌5.87%,报3047元/吨: a commodity's price
    if (before.isascii() or before in "列构号") and MODEL_BEFORE_RE.search(scan, max(0, start - 16), start):
        return True  # A19 芯片, 思元系列芯片: a model's part or a product line
    if _precision_traps(scan, start, end, word):
        return True
    counted = COUNTED_OBJECTS_RE.search(scan, max(0, start - 16), start)
    return bool(
        counted
        and not OUTPUT_BEFORE_RE.search(scan, max(0, counted.start() - 8), start)
        and not SECTOR_AFTER_RE.match(scan, end)
    )  # 33 个传感器, 百余台智能机器人: objects in use, not the sector


# A generic drug's consistency evaluation (异烟肼片通过仿制药一致性评价: dev sets 3 extras, no label): a regulator's
# test of one drug, not the chemical-drug sector.
_CONSISTENCY_TEST_AFTER = "一致性评价"
# The exchanges' market segments counted (覆盖到5大证券板块50个申万二级行业: 主板, 创业板, 科创板 …), not the
# brokerage sector's board.
_MARKET_SEGMENTS_BEFORE_RE = re.compile(r"[\d一二三四五六七八九]大$")
# Brokers as the analysts who forecast, praise or visit (券商预测显示, 获券商唱好, 受券商青睐, 券商纷纷对…进行了
# 展望, a heading's speaker 券商：无需过度担忧) or one unnamed broker as a source (据相关券商此前发布的报告, 某大型券商
# 前后两位研究员, 一位券商人士: dev sets 7 extras, no label): the investors' side, as _BROKERS_AS_ANALYSTS_AFTER_RE's.
# (Not a colon before a figure: 券商：+3.2%，保险：+2.1%, a table of boards' moves.)
_BROKERS_AS_SOURCE_AFTER_RE = re.compile(r"(?:预测|唱好|青睐|纷纷对|[:：](?!\s?[+\-−]?\d))")
_A_BROKER_AS_SOURCE_BEFORE_RE = re.compile(r"(?:据相关|某大型|某|一位|一名|获|受)$")
# "New materials" among a firm's or a field's other new things (新产品、新材料, 新材料新技术, 新材料、新器件制造需求:
# dev sets 3 extras, no label): materials that are new, not the new-materials sector (新能源、新材料、新医药 still is).
# (Also a list member away: 抗磨新材料、润滑新技术, 透光混凝土等新材料、巡检机器人等新设备; not 高新技术.)
_NEW_THING = r"(?<!高)新(?:技术|产品|设备|工艺|器件)"
_NEW_THINGS_AFTER_RE = re.compile(r"(?:[、和与及][^，,。；;、\n]{0,12}?)?" + _NEW_THING)
_NEW_THINGS_BEFORE_RE = re.compile(_NEW_THING + r"(?:[、和与及][^，,。；;、\n]{0,12})?$")

# A kind of chip right before 芯片 that has a board of its own names that board (FRESH_RULES B3: a compound names
# its own board; a type of chip, its board if one exists): GPU芯片, GPU/ASIC芯片, TPU芯片, 推理芯片, 人工智能计算芯片,
# 人工智能(AI)芯片 are AI chips, 智驾芯片 car chips (dev sets: 7 extras of 半导体, no label; AI芯片 labelled in 5 of
# those texts, 汽车芯片 optional in the other). A kind without a board (交换机芯片, 模拟芯片) stays 半导体.
_CHIP_KIND_BOARDS = (
    (re.compile(r"(?:GPU|TPU|ASIC|NPU|推理|训练|计算|[（(]\s?(?:AI|人工智能)\s?[)）])\s?$"), "BK1127"),
    (re.compile(r"智驾\s?$"), "BK0969"),
)


def _carriers_trade(scan: str, start: int, end: int) -> bool:
    """Whether 通信 at ``start:end`` names the carriers' trade (通信业, or a sentence about the carriers), not the
    equipment makers'."""
    ministrys_word = scan.startswith("业", end) and not scan.startswith(("业务", "业界"), end)
    return ministrys_word or bool(_CARRIERS_RE.search(neighbourhood(scan, start, end)))


def aircraft_making(scan: str, start: int, end: int) -> bool:
    """Whether 航空 at ``start:end`` stands in a sentence about making things (aircraft making, not the airlines)."""
    if _AIRCRAFT_MAKING_AFTER_RE.match(scan, end):
        return True
    if _AIRLINES_AFTER_RE.match(scan, end):
        return False
    if _TRAVEL_BESIDE_RE.search(scan[max(0, start - _TRAVEL_REACH) : start] + "@" + scan[end : end + _TRAVEL_REACH]):
        return False
    sentence = neighbourhood(scan, start, end)
    return not _FLYING_RE.search(sentence) and bool(_MAKING_THINGS_RE.search(sentence))


def chip_kind_board(scan: str, start: int, end: int) -> str | None:
    """The board of the kind of chip named right before 芯片 at ``start:end``, if that kind has one."""
    if scan[start:end] != "芯片":
        return None
    return next((code for kind, code in _CHIP_KIND_BOARDS if kind.search(scan, max(0, start - 8), start)), None)


# A firm's own platform named after it (国家电网有限公司电子商务平台公布了中标公告: a state grid's procurement site,
# dev sets 2 extras; 华为官方电商平台, the brand's own shop): a site's name, not the e-commerce sector.
_FIRM_OWN_PLATFORM_BEFORE = ("公司", "集团", "官方")


def _precision_traps(scan: str, start: int, end: int, word: str) -> bool:
    """A few board words whose neighbours name something else than the sector (review of day 22)."""
    if word == "仿制药" and scan.startswith(_CONSISTENCY_TEST_AFTER, end):
        return True  # 通过仿制药一致性评价: one drug's regulatory test
    if (
        word == "证券"
        and scan.startswith("板块", end)
        and _MARKET_SEGMENTS_BEFORE_RE.search(scan, max(0, start - 2), start)
    ):
        return True  # 5大证券板块: the exchanges' market segments
    if (
        word in ("券商", "证券公司")
        and not BOARD_CUE_AFTER_RE.match(scan, end)  # 受券商板块走强带动: the board, whatever stands before
        and (
            _BROKERS_AS_SOURCE_AFTER_RE.match(scan, end)
            or _A_BROKER_AS_SOURCE_BEFORE_RE.search(scan, max(0, start - 3), start)
        )
    ):
        return True  # 券商预测显示, 获券商唱好, 据相关券商此前发布的报告: brokers as analysts or a source
    platform = word == "电商平台" or (word in ("电子商务", "电商") and scan.startswith("平台", end))
    if platform and scan[max(0, start - 2) : start] in _FIRM_OWN_PLATFORM_BEFORE:
        return True  # 国家电网有限公司电子商务平台: one firm's procurement site by its name, not e-commerce
    # 新产品、新材料, 新材料新技术: new things, not the sector; but in a list of industries, the sector beside the
    # others (投向新能源、新材料、新技术等战略性新兴产业领域)
    return (
        word == "新材料"
        and bool(_NEW_THINGS_AFTER_RE.match(scan, end) or _NEW_THINGS_BEFORE_RE.search(scan, max(0, start - 18), start))
        and not sector_cue(scan, start, end)
    )


# What a product is for, right after the word (乘用车用大圆柱电池; not 乘用车用户), and the products named by their
# use in telecom (通信储能, 通信芯片, 通信电源).
_PRODUCT_USE_AFTER_RE = re.compile(r"用(?!户)|动力电池")
# Any sector word before 用 names what a product is for, as 乘用车用 does (太阳能工业用超白玻璃 in the statistics
# bureau's output tables, 数据中心用 PMIC, 物联网专用芯片, 鼓励养殖用海: dev sets (day 23), 4 extras and 4 optional, no
# label). Not 用于, 用户, 用量, 用地, 用电 … where the sector uses something or is a user.
_MADE_FOR_AFTER_RE = re.compile(r"(?:工业|专)?用(?![户于来以作电途量地水气能工人品])")
# 用 as the verb "take (time)" after the sector as subject (中国新能源汽车用时近10年, CCTV on the 10-millionth
# new-energy car, 2024-11; 新能源乘用车用60个月的时间完成了294%的增幅, tw.bg3.co 2020: review of day 23): the sector.
_TIME_SPENT_AFTER_RE = re.compile(
    r"用(?:时|了|去|掉|短短|仅|近|不到)|用[0-9一二两三四五六七八九十几数半]+多?个?(?:年|月|天|周|日|小时|时间)"
)


def _made_for_after(scan: str, end: int) -> bool:
    """Whether 用 right after the word at ``end`` names what a product is for (太阳能工业用超白玻璃), not the time the
    sector took (新能源汽车用时近10年)."""
    return bool(_MADE_FOR_AFTER_RE.match(scan, end)) and not _TIME_SPENT_AFTER_RE.match(scan, end)


_USED_IN_TELECOM = ("储能", "芯片", "电源", "模组", "模块")
_MEDICAL_AS_A_USE = ("机器人", "康养", "大健康", "制造业")
# A list of firms closed by 等企业 (陕西越博、天臣新能源、顺展云康等企业进行实地调研): a name glued to 新能源 there is a
# firm's (dev sets: 2 extras, no label), unless the word goes on as a field (新能源产业, 新能源汽车).
_FIRMS_LIST_END_RE = re.compile(r"[^\n。；]{0,30}?等(?:优势|龙头|重点|骨干)?企业")
_NEW_ENERGY_FIELDS = ("产业", "行业", "汽车", "车", "领域", "装备", "电池", "材料", "项目")


def _sentence_around(scan: str, start: int, end: int, width: int) -> str:
    """The words within ``width`` characters of ``start:end`` that stand in its sentence."""
    left = scan[max(0, start - width) : start]
    right = scan[end : end + width]
    ends = [match.end() for match in _SENTENCE_END_RE.finditer(left)]
    left = left[ends[-1] :] if ends else left
    stop = _SENTENCE_END_RE.search(right)
    return left + scan[start:end] + (right[: stop.start()] if stop else right)


_PRICES_AFTER_A_LIST_RE = re.compile(r"(?:[、和及与][\u4e00-\u9fffA-Za-z]{1,6}){0,3}等?(?:价格|报价|价差)")


def _drop_price_lists(scan: str, found: list[_Found]) -> None:
    """A list of boards that ends in 等价格 (LNG、煤炭、甲醇等价格均上升) lists commodities' prices, not sectors,
    as a price after one word does (美国天然气价格)."""
    run: list[_Found] = []
    for item in [*found, None]:
        board = item is not None and item.chosen == "board"
        if board and run and INDUSTRY_LIST_GAP_RE.match(scan[run[-1].end : item.start]):  # type: ignore[union-attr]
            run.append(item)  # type: ignore[arg-type]
            continue
        if len(run) >= 2 and _PRICES_AFTER_A_LIST_RE.match(scan, run[-1].end):
            for member in run:
                member.chosen = None
        run = [item] if board else []  # type: ignore[list-item]


# A company's chain after its product (特斯拉汽车供应链: dev209) is the company's suppliers, not the product's sector.
_A_FIRMS_CHAIN = ("供应链", "产业链")
_STOCKS_OF_A_CHAIN = ("个股", "公司", "标的", "龙头", "上市公司")


def _drop_company_products(scan: str, found: list[_Found]) -> None:
    """A board word right after a company's name is that company's product or business, not the sector:
    比亚迪刀片电池, 礼来新药研发数据, 精研科技的折叠屏铰链 (dev sets: labellers never took these; a board cue
    after it, 宁德时代电池概念, still names the board; its chain, 特斯拉汽车供应链, is the company's)."""
    company_ends = {item.end for item in found if item.chosen == "stock"}
    if not company_ends:
        return
    for item in found:
        cue = BOARD_CUE_AFTER_RE.match(scan, item.end)
        # (a cue after the chain still names the board: 特斯拉人形机器人产业链板块, 英伟达芯片产业链个股)
        firms_chain = (
            cue is not None
            and cue.group().endswith(_A_FIRMS_CHAIN)
            and not BOARD_CUE_AFTER_RE.match(scan, cue.end())
            and not scan.startswith(_STOCKS_OF_A_CHAIN, cue.end())
        )
        if item.chosen != "board" or (cue and not firms_chain):
            continue
        if item.start in company_ends or (scan[item.start - 1 : item.start] == "的" and item.start - 1 in company_ends):
            item.chosen = None


# A group word for the firms of a sector (药企, 车企, 券商, 主机厂, 开发商) right before one firm's name describes
# that firm (日本药企大冢制药, 与车企斯泰兰蒂斯合作, 主办券商：中信建投): the firm is the subject, not the sector.
# Before a list of firms it still names the sector (电信运营商中国电信、中国移动、中国联通).
_FIRM_AFTER_GAP_RE = re.compile(r"[:：“\"]?\s?")
_UNLISTED_FIRM_RE = re.compile(
    r"[A-Z][A-Za-z]+|(?![和与及或等的、到在从为是将对向被把也都已]|上市)[\u4e00-\u9fff]{2,4}?(?:制药|药业|集团|汽车|证券|银行|保险|股份|控股|公司)"
)
_MORE_FIRMS_RE = re.compile(r"\s?[、和与及]")


# A person's three-character name whose given name is a company's two-character short name (何小鹏: 小鹏, 王永辉:
# 永辉), told by what only a person takes after it (何小鹏的个人影响力, 王永辉现任…: dev221, dev197). The rule
# runs on such a full name only: a common surname, never a word that joins a name to a sentence (和, 与, 向, 对 …).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤"
)
_PERSON_AFTER_RE = re.compile(r"(?:现任|曾任|先生|女士|的个人|本人|亲自|夫妇)")


def _drop_persons_named_like_a_company(scan: str, found: list[_Found]) -> None:
    """A two-character short name that is the given name of a person named in the text is that person, there and
    wherever the same full name recurs (#何小鹏试驾飞行汽车#), not the company."""
    if not any(item.stock and item.end - item.start == 2 for item in found):
        return
    persons = {
        scan[hit.start() - 3 : hit.start()]
        for hit in _PERSON_AFTER_RE.finditer(scan)
        if hit.start() >= 3 and scan[hit.start() - 3] in _SURNAMES
    }
    if not persons:
        return
    for item in found:
        if item.stock and item.end - item.start == 2 and item.start and scan[item.start - 1 : item.end] in persons:
            item.chosen = None


# One firm counted before a group word (他是一家芯片制造商的工程师): the firm described, not the trade's firms.
_ONE_FIRM_BEFORE_RE = re.compile(r"(?:一家|这家|该)$")


def _drop_group_words_before_a_firm(scan: str, found: list[_Found]) -> None:
    """A sector's group word that describes one firm, named right after it or counted as one before it, is not
    the sector."""
    companies = {item.start: item.end for item in found if item.chosen == "stock"}
    for item in found:
        if item.chosen != "board" or item.stock or item.text[-1] not in "企商厂":
            continue
        if _ONE_FIRM_BEFORE_RE.search(scan, max(0, item.start - 2), item.start):
            item.chosen = None
            continue
        start = _FIRM_AFTER_GAP_RE.match(scan, item.end).end()  # type: ignore[union-attr]
        firm = _UNLISTED_FIRM_RE.match(scan, start)
        end = companies.get(start) or (firm.end() if firm else None)
        if end is not None and not _MORE_FIRMS_RE.match(scan, end):
            item.chosen = None


# A list of firms: members parted by these marks.
_FIRM_LIST_MARKS = "、，,和与及"
_HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")
_BRACKETED_AFTER_RE = re.compile(r"\s*[（(][^（）()\n]{1,20}[)）]")


def _drop_firm_names_in_company_lists(scan: str, found: list[_Found]) -> None:
    """A board word that ends an unknown firm's name in a list of companies (宁德新能源、蜂巢能源、塔菲尔新能源、
    亿纬锂能; 八一钢铁、华夏特钢、鞍钢股份: dev86) is that firm's name, not the sector: the member is two to
    four characters more than the word, and a listed company's name stands in the same list (楚能新能源、中车株洲所、
    阳光电源: dev139). The firm's name written again in the text (楚能新能源与埃及Kemet公司签署协议: dev145) is
    the firm too."""
    stocks = [item for item in found if item.chosen == "stock"]
    if not stocks:
        return
    ends = {item.end for item in stocks}
    for item in stocks:  # a name with its code in brackets (中国储能(00666.HK)和楚能新能源)
        code = _BRACKETED_AFTER_RE.match(scan, item.end)
        if code:
            ends.add(code.end())
    starts = {item.start for item in stocks}
    firms: set[str] = set()
    for item in found:
        if item.chosen != "board" or item.stock:
            continue
        mark = max(scan.rfind(m, max(0, item.start - 6), item.start) for m in _FIRM_LIST_MARKS)
        prefix = scan[mark + 1 : item.start]
        if mark >= 0 and _HAN_RUN_RE.fullmatch(prefix) and not any(c in _NO_NAMES_END for c in prefix):
            listed = _listed_member_in_list(scan, mark, item.end, starts, ends)
        else:  # (拼多多等电商巨头, 头部新能源车企: a list's end or a modifier, not a firm's name)
            # the list's first member, glued to the words before it (集采部分有楚能新能源、中车株洲所、阳光电源)
            prefix = scan[max(0, item.start - 2) : item.start]
            listed = (
                scan.startswith("、", item.end)  # (不计次新股,保变电气: a clause, not a list)
                and _HAN_RUN_RE.fullmatch(prefix) is not None
                and not any(c in _NO_NAMES_END for c in prefix)
                and not POLICY_BEFORE_RE.search(scan, max(0, item.start - 4), item.start)
                and _listed_member_in_list(scan, -1, item.end, starts, ends)
            )
        if listed:
            item.chosen = None
            firms.add(prefix + item.text)
    if not firms:
        return
    for item in found:
        if item.chosen == "board" and not item.stock:
            for firm in firms:
                head = item.end - len(firm)
                if firm.endswith(item.text) and head >= 0 and scan.startswith(firm, head):
                    item.chosen = None


# A member of a list of firms: a name of two to eight letters (with its code in brackets) between list marks.
_FIRM_MEMBER_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,8}(?:\s*[（(][^（）()\n]{1,20}[)）])?")


def _is_firm_member(member: str) -> bool:
    """A list member that can be a firm's name: no word of a clause in it (理想等加速追赶), none of the ends
    no name has (中车株洲所 keeps its 中)."""
    return (
        bool(_FIRM_MEMBER_RE.fullmatch(member))
        and member[-1] not in _NO_NAMES_END
        and not any(c in _CLAUSE_LETTERS for c in member)
    )


_CLAUSE_LETTERS = frozenset("等和与及或的是在了对")


def _listed_member_in_list(scan: str, mark: int, end: int, starts: set[int], ends: set[int]) -> bool:
    """Whether a listed company's name stands in the list whose member ends at ``end`` and whose mark before
    that member is at ``mark`` (-1: none). Right next to the member any list mark will do; further on, the
    list's members are names of two to eight letters parted by 、, walked both ways up to five each, and a
    member is the listed company when its name ends it (比亚迪、理想等加速追赶,传统车企 is no list of firms)."""
    if mark >= 0 and mark in ends:
        return True
    if end < len(scan) and scan[end] in _FIRM_LIST_MARKS and end + 1 in starts:
        return True
    position = mark
    for _ in range(5):
        if position < 0 or scan[position] != "、":
            break
        before = scan.rfind("、", max(0, position - 9), position)
        member = scan[before + 1 : position]
        if before < 0 or not _is_firm_member(member):
            break
        if before in ends:
            return True
        position = before
    position = end
    for _ in range(5):
        if position >= len(scan) or scan[position] != "、":
            break
        member_match = _FIRM_MEMBER_RE.match(scan, position + 1)
        if not member_match or not _is_firm_member(member_match.group()):
            break
        if member_match.end() in ends:
            return True
        position = member_match.end()
    return False


def _one_listing_per_name(found: list[_Found]) -> None:
    """A name written again in one text is the listing it named first (FRESH_RULES R3: a company is one label
    per text): a market hint nearer a later mention (百度…昆仑芯提交港交所上市申请, in a report on US shares)
    says where another firm lists, not which of the company's listings the text means. Only words right next to
    a mention (港股百度) or a code (handled before) choose another listing."""
    votes: dict[str, Counter[str]] = {}
    for item in found:
        if item.chosen == "stock" and item.stock:
            votes.setdefault(item.text, Counter())[item.stock[0]] += 1
    for item in found:
        if item.chosen != "stock" or not item.stock or item.market_named or len(votes[item.text]) < 2:
            continue
        # the listing most mentions of the name chose; on a tie, the first (Counter keeps insertion order)
        item.stock = (votes[item.text].most_common(1)[0][0], item.stock[1])


def _mention(security: Security, text: str, start: int, end: int, how: str) -> Mention:
    return Mention(security=security, text=text[start:end], start=start, end=end, source="text", how=how)


@configured()
def linker() -> Linker:
    """The process's linker over the knowledge base and the board vocabulary of ``configs/``."""
    from tagging.segment import everyday_words

    lexicon = load_lexicon()
    return Linker(load_knowledge_base(), lexicon, lexicon.not_mentions, everyday_words())
