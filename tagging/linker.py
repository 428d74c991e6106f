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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import ahocorasick_rs

from tagging.article import Mention
from tagging.knowledge import HOW_ALIAS, HOW_CODE, HOW_FULL, HOW_NAME, KnowledgeBase, load_knowledge_base
from tagging.lexicon import Lexicon, load_lexicon, normalise_name
from tagging.securities import BOARD_MARKET, HONG_KONG, Security, make_security

Token = tuple[str, int, int]

# Full-width letters and digits to half-width, one character for one, so offsets stay those of the
# text (the patterns below accept full-width brackets and colons as they are). Translating only texts
# that have any: str.translate is slow, and few texts need it.
_HALF_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})
_FULL_WIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e]")

# A 来源 / 作者 / 编辑 line names outlets and people, not subjects of the article.
_ATTRIBUTION_RE = re.compile(
    r"(?:文章来源|来源|作者|责任编辑|编辑|记者|摄影|图片来源|图源|出品)\s*[:：|][^\n，。；]{0,40}"
    # photo credits and screenshots: (中国网信网 焦鹏 摄), （视觉中国供图）, 同花顺App截图, 图/东方IC
    r"|[（(][^（）()\n]{0,30}?(?:摄|供图|截图|图)[)）]|[^\s，。；、]{1,12}(?:截图|供图)|图\s*/\s*[^\s，。；]{1,12}"
)

_COMPANY_AFTER_RE = re.compile(
    r"(?:[（(]|股份|公司|集团|控股|股价|市值|公告|董事|董秘|总裁|总经理|CEO|旗下|财报|年报|季报|半年报|营收|净利|"
    r"回购|股东|大股东|A股|H股|港股|美股|股票|个股|涨停|跌停|大涨|大跌|涨超|跌超|涨幅|跌幅|收涨|收跌|上涨|下跌|"
    r"高开|低开|领涨|领跌|报收|盘中|发布公告|披露|上市|IPO|股权|定增|分红|业绩)"
)
_COMPANY_BEFORE_RE = re.compile(
    r"(?:公司|个股|龙头|股票|港股|美股|中概股|巨头|厂商|车企|券商|上市公司|子公司|旗下|A股|H股|股份|证券简称|简称)[的“\"]?$"
)
_SECTOR_AFTER_RE = re.compile(
    r"等?(?:板块|概念|行业|产业|领域|赛道|股(?![份东价权票])|类股|企业|公司|市场|业|ETF|指数|题材|龙头|上市公司|制造业|产业链|链|巨头|厂商)"
)
_OUTLET_AFTER_RE = re.compile(r"(?:记者|报道|讯|消息|网讯|客户端|援引|刊文|评论员|社论|公众号|官微|网站|APP|App|财经)")
_OUTLET_BEFORE_RE = re.compile(r"(?:据|来源[:：]?|转自|转载自|引自|记者)$")
_LIST_GAP_RE = re.compile(r"^\s*(?:、|，|,|和|与|及|以及|/|／)\s*$")
_MARKET_HINTS = (
    ("HK", re.compile(r"港股|港交所|香港上市|恒生|H股")),
    ("US", re.compile(r"美股|纳斯达克|纽交所|中概股|美国上市")),
)

_A_CODE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?P<ex1>SH|SZ|BJ|sh|sz|bj)\s?(?P<c1>\d{6})|(?P<c2>\d{6})\s?\.\s?(?P<ex2>SH|SZ|BJ|SS|sh|sz|bj))"
    r"(?![0-9A-Za-z])"
)
_A_BRACKET_RE = re.compile(r"[（(]\s*(?:股票代码[:：]?\s*)?(?P<c>\d{6})\s*[)）]")
_A_LABEL_RE = re.compile(r"(?:股票代码|证券代码|代码)\s*[:：为]?\s*(?P<c>\d{6})(?!\d)")
_HK_CODE_RE = re.compile(
    r"(?<![0-9])(?P<c>\d{4,5})\s?\.\s?HK(?![A-Za-z])|(?<![A-Za-z])HK\s?[:：.]?\s?(?P<c2>\d{4,5})(?!\d)"
)
_US_CODE_RE = re.compile(
    r"(?P<ex>NASDAQ|Nasdaq|NYSE|Nyse|AMEX|纳斯达克|纳市|纽交所|纽约证券交易所)\s*[:：]\s*(?P<t>[A-Z]{1,5}(?:\.[A-Z])?)\b"
    r"|(?<![A-Za-z])(?P<t2>[A-Z]{1,5})\s?\.\s?(?:US|O|N)(?![A-Za-z])"
)
# Between a name and its code: brackets and spaces, or the rest of a longer name (at most 4 Han).
_CODE_GAP_RE = re.compile(r"[\u4e00-\u9fff]{1,4}\s*[（(]\s*|[\s（(:：]*")
_STATUS_NAME_RE = re.compile(r"(?<![A-Za-z])(?:\*ST|S\*ST|SST|ST)(?P<rest>[\u4e00-\u9fff]{2,4})")
# Names of organisations: a name followed by more of one is part of it, not a mention on its own.
_ORGANISATION_END = (
    r"(?:股份有限公司|有限责任公司|有限公司|分公司|子公司|协会|学会|研究院|研究所|大学|学院|委员会|管委会|联合会|"
    r"商会|基金会|医院)"
)
_INSIDE_ORGANISATION_RE = re.compile(r"[\u4e00-\u9fff、与和]{0,10}?" + _ORGANISATION_END)
_MORE_OF_A_NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,10}?" + _ORGANISATION_END)
# Characters that may stand right before a full name without being part of a longer one.
_BEFORE_A_NAME = set('的与和及、在由对向将为是称据从把被同跟给让于至以及，。；：:“"（(《 \n')
_BUSINESS_SCOPE_RE = re.compile(r"经营范围[^。；\n]*$")
_TICKER_BRACKET_RE = re.compile(r"(?<=[\u4e00-\u9fff])[（(]\s*(?P<t>[A-Z]{2,5})\s*[)）]")
# Abbreviations news writes in brackets after Chinese words that are also tickers of somebody's.
_NOT_TICKERS = frozenset(
    {
        "AI",
        "AR",
        "VR",
        "MR",
        "XR",
        "EV",
        "IT",
        "ESG",
        "GDP",
        "CPI",
        "PPI",
        "PMI",
        "ETF",
        "IPO",
        "APP",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "LPR",
        "MLF",
        "SLF",
        "RRR",
        "AMC",
        "ABS",
        "REIT",
        "REITS",
        "NFT",
        "IDC",
        "CRO",
        "CDMO",
        "OLED",
        "LED",
        "PCB",
        "IGBT",
        "GPU",
        "CPU",
        "DRAM",
        "AIGC",
        "API",
        "PE",
        "VC",
        "FDI",
        "QFII",
        "RMB",
        "USD",
        "HK",
        "US",
    }
)
_HK_BRACKET_RE = re.compile(r"[（(]\s*(?P<c>0\d{4})\s*[)）]")
_SIX_DIGITS_RE = re.compile(r"\d{6}")
_US_HINT_RE = re.compile(
    r"NASDAQ|Nasdaq|NYSE|Nyse|AMEX|纳斯达克|纳市|纽交所|纽约证券交易所|[A-Z]\s?\.\s?(?:US|O|N)(?![A-Za-z])"
)
_BK_CODE_RE = re.compile(r"(?<![A-Za-z0-9])BK(?P<c>\d{4})(?!\d)")
_US_EXCHANGES = {
    "NASDAQ": "105",
    "纳斯达克": "105",
    "纳市": "105",
    "NYSE": "106",
    "纽交所": "106",
    "纽约证券交易所": "106",
}
_US_EXCHANGES["AMEX"] = "107"

# Names this long are full names: they never collide with everyday words, and jieba cuts them
# into their parts, so they need no word-boundary check.
_FULL_NAME_LENGTH = 6
_WINDOW = 8
# A word jieba's dictionary counts this often is an everyday word (棕榈 154, 太平洋 2721; 万科 75).
_EVERYDAY_FREQUENCY = 100


@dataclass
class _Found:
    start: int
    end: int
    text: str
    stock: tuple[str, str] | None = None  # (secid, how)
    board: tuple[str, str] | None = None  # (code, how)
    needs_company_cue: bool = False
    needs_sector_cue: bool = False
    chosen: str | None = None  # "stock" or "board" once accepted


class Linker:
    """The automaton over every name, built once per process (:func:`linker`)."""

    def __init__(
        self, kb: KnowledgeBase, lexicon: Lexicon, blockers: set[str], everyday: frozenset[str] = frozenset()
    ) -> None:
        self.kb = kb
        self.lexicon = lexicon
        self.board_words = lexicon.text_board_words()
        for word, value in list(self.board_words.items()):
            if word.isascii() or any("A" <= c <= "z" for c in word):
                # Latin board words are written in any case (TOPCon, TOPCON, topcon).
                for variant in (word.upper(), word.lower()):
                    self.board_words.setdefault(variant, value)
        self.blockers = blockers
        self.board_name_forms = {
            code: {normalise_name(board.name), *(normalise_name(a) for a in board.alt_names)}
            for code, board in lexicon.boards.items()
        }
        self.keys = list(dict.fromkeys((*kb.names, *self.board_words, *blockers)))
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
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
        # Words are contiguous: a word starts where the one before it ends (or at 0).
        word_end = {start: end for _word, start, end in segments} if segments is not None else None
        skipped = [m.span() for m in _ATTRIBUTION_RE.finditer(scan)]
        media_name = normalise_name(media) if media else None
        market = next((m for m, pattern in _MARKET_HINTS if pattern.search(scan)), None)

        codes = self._codes(scan)
        found: list[_Found] = []
        keys = self.keys
        for index, start, end in self.automaton.find_matches_as_indexes(scan):
            key = keys[index]
            if key in self.blockers or any(a <= start < b for a, b in skipped):
                continue
            if (
                word_end is not None
                and len(key) < _FULL_NAME_LENGTH
                and not _on_word_bounds(scan, start, end, word_end)
            ):
                continue
            if _cuts_latin_word(scan, start, end):
                continue  # 5G inside 6.35GW, AI inside OpenAI
            item = self._candidate(scan, key, start, end, day, market, media_name)
            if item is not None:
                found.append(item)
        found.extend(self._status_names(scan, found, day))
        found.sort(key=lambda item: item.start)
        self._confirm_by_codes(scan, found, codes)
        self._accept_lists(scan, found)

        mentions = [self._code_mention(text, start, end, security) for start, end, security in codes]
        for item in found:
            if item.chosen == "stock" and item.stock:
                # A code may name a listing the tables lack (NASDAQ: KUTV): its secid says what it is.
                known = self.kb.securities.get(item.stock[0])
                security = known[0] if known else make_security(*item.stock[0].split(".", 1))
                if security is not None:
                    mentions.append(_mention(security, text, item.start, item.end, item.stock[1]))
            elif item.chosen == "board" and item.board:
                security = make_security(BOARD_MARKET, item.board[0])
                if security is not None:
                    mentions.append(_mention(security, text, item.start, item.end, item.board[1]))
        mentions.sort(key=lambda m: (m.start or 0, m.end or 0))
        return mentions

    def _candidate(
        self, scan: str, key: str, start: int, end: int, day: date | None, market: str | None, media_name: str | None
    ) -> _Found | None:
        item = _Found(start, end, key)
        entry = self.kb.resolve(key, day, market) if key in self.kb.names else None
        outlet = _OUTLET_AFTER_RE.match(scan, end) or _OUTLET_BEFORE_RE.search(scan, max(0, start - 4), start)
        if entry is not None and key != media_name and not outlet:
            item.stock = (entry.secid, entry.how)
            item.needs_company_cue = key in self.kb.needs_context or key in self.everyday
        board = self.board_words.get(key)
        if board is not None:
            code, cued = board
            item.board = (code, HOW_NAME if key in self.board_name_forms.get(code, ()) else HOW_ALIAS)
            item.needs_sector_cue = cued
        if item.stock is None and item.board is None:
            return None
        if _inside_another_name(scan, key, start, end, item):
            return None  # 杭州阿里创业投资有限公司, 中国稀有稀土股份有限公司, 中国化学与物理电源行业协会
        if item.board and not item.stock and _BUSINESS_SCOPE_RE.search(scan, max(0, start - 40), start):
            return None  # 经营范围含软件开发: a licence's wording, not the sector
        company = _company_cue(scan, start, end)
        sector = bool(_SECTOR_AFTER_RE.match(scan, end))
        if item.stock and item.board:
            # A name that is both: the context decides (特斯拉 the company, 特斯拉概念 the board); without
            # one, the company unless its name is an everyday word (新能源, 机器人, 太阳能: neither).
            if company and not sector:
                item.chosen = "stock"
            elif sector:
                item.chosen = "board"
            elif not item.needs_company_cue:
                item.chosen = "stock"
            elif not item.needs_sector_cue:
                item.chosen = "board"
        elif item.stock:
            if not item.needs_company_cue or company:
                item.chosen = "stock"
        elif not item.needs_sector_cue or sector:
            item.chosen = "board"
        return item

    def _status_names(self, scan: str, found: list[_Found], day: date | None) -> list[_Found]:
        """ST-marked names the tables do not list in that form (ST中捷 in 2021 is 中捷资源)."""
        taken = [(item.start, item.end) for item in found]
        status_names = []
        for match in _STATUS_NAME_RE.finditer(scan) if "ST" in scan else ():
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue  # the name as written is known (ST八菱): the automaton had it
            resolved = self.kb.resolve_status_name(match.group("rest"), day)
            if resolved is not None:
                entry, size = resolved
                end = match.start("rest") + size
                item = _Found(match.start(), end, scan[match.start() : end], stock=(entry.secid, entry.how))
                item.chosen = "stock"
                status_names.append(item)
        return status_names

    def _codes(self, scan: str) -> list[tuple[int, int, Security]]:
        """Securities written as codes, with their spans."""
        found: list[tuple[int, int, Security]] = []
        taken: set[int] = set()

        def add(start: int, end: int, security: Security | None) -> None:
            if security is not None and security.kind in ("stock", "board") and start not in taken:
                taken.add(start)
                found.append((start, end, security))

        # Cheap tests first: most texts have no code at all, and each pattern is a scan of the text.
        has_a_code = _SIX_DIGITS_RE.search(scan) is not None
        for match in _A_CODE_RE.finditer(scan) if has_a_code else ():
            code = match.group("c1") or match.group("c2")
            exchange = (match.group("ex1") or match.group("ex2")).upper()
            # The exchange written decides: 000001.SH is the SSE index, 000001.SZ 平安银行.
            add(match.start(), match.end(), make_security("1" if exchange in ("SH", "SS") else "0", code))
        for pattern in (_A_BRACKET_RE, _A_LABEL_RE) if has_a_code else ():
            for match in pattern.finditer(scan):
                secid = self.kb.a_codes.get(match.group("c"))  # a bare number: only a code we know
                if secid:
                    add(match.start("c"), match.end("c"), self.kb.securities[secid][0])
        for match in _HK_CODE_RE.finditer(scan) if "HK" in scan else ():
            code = (match.group("c") or match.group("c2")).zfill(5)
            add(match.start(), match.end(), make_security(HONG_KONG, code))
        for match in _HK_BRACKET_RE.finditer(scan):
            if match.group("c") in self.kb.hk_codes:  # (01438): five digits from 0, a listing we know
                add(match.start("c"), match.end("c"), self.kb.securities[self.kb.hk_codes[match.group("c")]][0])
        for match in _US_CODE_RE.finditer(scan) if _US_HINT_RE.search(scan) else ():
            ticker = match.group("t") or match.group("t2")
            secid = self.kb.us_tickers.get(ticker)
            if secid:
                add(match.start(), match.end(), self.kb.securities[secid][0])
            elif match.group("ex"):
                add(match.start(), match.end(), make_security(_US_EXCHANGES[match.group("ex").upper()], ticker))
        for match in _TICKER_BRACKET_RE.finditer(scan):
            ticker = match.group("t")
            secid = self.kb.us_tickers.get(ticker)
            # 携程(CTRP): a known US ticker in brackets right after a name; never an abbreviation.
            if secid and ticker not in _NOT_TICKERS:
                add(match.start("t"), match.end("t"), self.kb.securities[secid][0])
        for match in _BK_CODE_RE.finditer(scan) if "BK" in scan else ():
            code = f"BK{match.group('c')}"
            if code in self.lexicon.boards:
                add(match.start(), match.end(), make_security(BOARD_MARKET, code))
        return sorted(found, key=lambda item: item[0])

    def _confirm_by_codes(self, scan: str, found: list[_Found], codes: list[tuple[int, int, Security]]) -> None:
        """A code right after a name (长城汽车(601633.SH)) says which company the name is; so does a
        code after a longer name that begins with a known one (新东方在线(01797.HK) is not 新东方).
        Every other mention of a company whose listing a code gave takes that listing too."""
        by_start = {start: security for start, _end, security in codes}
        for item in found:
            for gap in range(0, 8):
                security = by_start.get(item.end + gap)
                if security is not None and _CODE_GAP_RE.fullmatch(scan, item.end, item.end + gap):
                    # A code after a longer name confirms only a name that is a company's (证券代码 is not).
                    if security.kind == "stock" and (
                        item.stock or not scan[item.end : item.end + gap].strip("（(: ：")
                    ):
                        how = item.stock[1] if item.stock else HOW_NAME
                        item.stock, item.chosen = (security.secid, how), "stock"
                    break
        # A board code in the text says which board its name means here (白酒(BK0896) is the concept).
        boards = {s.code for _a, _b, s in codes if s.kind == "board"}
        pinned_boards = {_board_stem(word): code for code in boards for word in self.board_name_forms.get(code, ())}
        for item in found:
            if not item.board:
                continue
            stems = {_board_stem(item.text)} | {_board_stem(w) for w in self.board_name_forms.get(item.board[0], ())}
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
                if item.chosen is not None:
                    continue
                for neighbour in (
                    found[index - 1] if index else None,
                    found[index + 1] if index + 1 < len(found) else None,
                ):
                    if neighbour is None or neighbour.chosen is None:
                        continue
                    left, right = (neighbour, item) if neighbour.start < item.start else (item, neighbour)
                    if not _LIST_GAP_RE.match(scan[left.end : right.start]):
                        continue
                    if neighbour.chosen == "stock" and item.stock:
                        item.chosen, changed = "stock", True
                    elif neighbour.chosen == "board" and item.board:
                        item.chosen, changed = "board", True
                    if item.chosen:
                        break

    def _code_mention(self, text: str, start: int, end: int, security: Security) -> Mention:
        return _mention(security, text, start, end, HOW_CODE)


def _board_stem(word: str) -> str:
    """A board word without its level or kind: 白酒Ⅱ, 白酒股, 白酒概念, 白酒行业 → 白酒."""
    return re.sub(r"(?:[ⅠⅡⅢⅣ]+|概念股|概念|行业|板块|股)$", "", word) or word


def _inside_another_name(scan: str, key: str, start: int, end: int, item: _Found) -> bool:
    """The match is part of the name of another organisation: a board word anywhere in one
    (中国稀有稀土股份有限公司), a company's name with more name after it (杭州阿里创业投资有限公司), a
    full name with more name before it (江苏诺德新材料股份有限公司 is not 诺德新材料股份有限公司) or a
    name stem followed by another legal form (杭州安恒信息技术有限公司 before its 股份有限公司 listing)."""
    if item.board and not item.stock:
        return _INSIDE_ORGANISATION_RE.match(scan, end) is not None
    if item.stock is None:
        return False
    if item.stock[1] == HOW_FULL:
        before = scan[start - 1] if start else ""
        if before and "\u4e00" <= before <= "\u9fff" and before not in _BEFORE_A_NAME:
            return True
        if not key.endswith("公司") and re.match(r"(?:有限公司|有限责任公司)", scan[end : end + 6]):
            return True
    return _MORE_OF_A_NAME_RE.match(scan, end) is not None and not _COMPANY_AFTER_RE.match(scan, end)


def _on_word_bounds(scan: str, start: int, end: int, word_end: dict[int, int]) -> bool:
    """The match starts a word of the segmentation and ends one, or ends where the word goes on
    with a sector cue (互联网企业 is one word of jieba's: 互联网 + 企业)."""
    last = word_end.get(start)
    if last is None:
        return False
    while last < end:  # a name of several words
        following = word_end.get(last)
        if following is None:
            return False
        last = following
    return last == end or _SECTOR_AFTER_RE.fullmatch(scan, end, last) is not None


def _cuts_latin_word(scan: str, start: int, end: int) -> bool:
    """A Latin or digit name that is only part of a longer Latin word or number."""
    before = scan[start - 1] if start else ""
    after = scan[end] if end < len(scan) else ""
    return (scan[start].isascii() and before.isascii() and (before.isalnum() or before == ".")) or (
        scan[end - 1].isascii() and after.isascii() and after.isalnum()
    )


_COMPANY_NAME_END_RE = re.compile(
    r"(?:银行|证券|保险|股份|集团|控股|科技|电子|电器|药业|医药|制药|汽车|电气|重工|能源|实业|发展|航空|传媒|地产|置业|"
    r"电力|化工|钢铁|矿业|水泥|机械|食品|酒业|信托|期货|投资|国际|环境|新材|生物|智能|网络|通信|技术|物流|建设|高科|动力)$"
)


# A country or region first makes a US name a proper name (美国银行, 英国石油), not a description.
_PLACE_PREFIX_RE = re.compile(
    r"(?:美国|英国|巴西|韩国|荷兰|以色列|瑞士|德国|法国|日本|加拿大|墨西哥|智利|阿根廷|印尼|挪威|西班牙|意大利|土耳其|"
    r"夏威夷|太平洋|大西洋|西南|东北|南方|西方|北方|德意志|联合|第一)"
)


def everyday_names(kb: KnowledgeBase, frequency: Callable[[str], int]) -> set[str]:
    """Company names that are also common words of the language (``frequency``: jieba's
    dictionary count before company names were added), so that only context makes them a company:
    棕榈 (palm oil futures), 太平洋. Names ending like a company name (中国银行) and reviewed aliases
    are not; nor US names from two common words (信息服务 is no company in a text)."""
    found = set()
    for name, entries in kb.names.items():
        if len(name) > _FULL_NAME_LENGTH or any(e.how == HOW_ALIAS for e in entries):
            continue
        # A name ending like a company (中国银行) is one, unless the ending is all there is (动力).
        common = frequency(name) >= _EVERYDAY_FREQUENCY and not _COMPANY_NAME_END_RE.search(name, 2)
        us_compound = (
            not _PLACE_PREFIX_RE.match(name)
            and all(kb.securities[e.secid][0].exchange == "US" for e in entries)
            and any(
                frequency(name[:i]) >= _EVERYDAY_FREQUENCY and frequency(name[i:]) >= _EVERYDAY_FREQUENCY
                for i in range(2, len(name) - 1)
            )
        )
        if common or us_compound:
            found.add(name)
    return found


def _company_cue(scan: str, start: int, end: int) -> bool:
    return bool(_COMPANY_AFTER_RE.match(scan, end) or _COMPANY_BEFORE_RE.search(scan, max(0, start - _WINDOW), start))


def _mention(security: Security, text: str, start: int, end: int, how: str) -> Mention:
    return Mention(security=security, text=text[start:end], start=start, end=end, source="text", how=how)


@lru_cache(maxsize=1)
def linker() -> Linker:
    """The process's linker over the knowledge base and the board vocabulary of ``configs/``."""
    from tagging.segment import everyday_words

    lexicon = load_lexicon()
    return Linker(load_knowledge_base(), lexicon, lexicon.not_mentions, everyday_words())
