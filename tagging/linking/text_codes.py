"""Securities written as codes in text without markup: ``601633.SH``, ``(600519)``, ``03301.HK``,
``NASDAQ: PDD``, ``携程(CTRP)``, ``BK1061``, read with regular expressions."""

from __future__ import annotations

import re

from core.securities import BOARD_MARKET, HONG_KONG, Security, make_security
from tagging.linking.knowledge import KnowledgeBase
from tagging.linking.lexicon import Lexicon

_A_CODE_RE = re.compile(
    # SZ000620, SZ:000620 (the colon of some portals), 000620.SZ, 002699。SZ (a full stop of reworded text)
    r"(?<![0-9A-Za-z])(?:(?P<ex1>SH|SZ|BJ|sh|sz|bj)\s?[:：]?\s?(?P<c1>\d{6})|(?P<c2>\d{6})\s?[.。]\s?(?P<ex2>SH|SZ|BJ|SS|sh|sz|bj))"
    r"(?![0-9A-Za-z])"
)
# The numbers an exchange gives shares (and its indices and funds, which make_security classifies).
_SH_CODE_RE = re.compile(r"(?:60|68|90|000|5)\d")
_SHARE_CODE_RES = {
    "SH": _SH_CODE_RE,
    "SS": _SH_CODE_RE,
    "SZ": re.compile(r"(?:00|30|20|39|1[5-8])\d"),
    "BJ": re.compile(r"(?:4|8|92)\d"),
}
_A_BRACKET_RE = re.compile(r"[（(]\s*(?:股票代码[:：]?\s*)?(?P<c>\d{6})\s*[)）]")
_A_LABEL_RE = re.compile(r"(?:股票代码|证券代码|代码)\s*[:：为]?\s*(?P<c>\d{6})(?!\d)")
# An index's code (科创板50成份指数(代码:000688), 沪深300指数(000300)) shares its number with a stock.
_INDEX_BEFORE_RE = re.compile(r"指数\s*[（(]?\s*$")
_HK_CODE_RE = re.compile(
    # 03301.HK, and with a hyphen as some HK portals write it (丽珠医药(01513-HK): dev186 finet)
    r"(?<![0-9])(?P<c>\d{4,5})\s?[.-]\s?HK(?![A-Za-z])|(?<![A-Za-z])HK\s?[:：.]?\s?(?P<c2>\d{4,5})(?!\d)"
)
_US_CODE_RE = re.compile(
    r"(?P<ex>NASDAQ|Nasdaq|NYSE|Nyse|AMEX|纳斯达克|纳市|纽交所|纽约证券交易所)\s*[:：]\s*(?P<t>[A-Z]{1,5}(?:\.[A-Z])?)\b"
    r"|(?<![A-Za-z])(?P<t2>[A-Z]{1,5})\s?(?:\.\s?(?:US|O|N)|-US)(?![A-Za-z])"
)
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
# A US ticker written alone in a text about the US market (TSLA重挫超过6%, AMZN跌2.7%; AI与半导体板块(NVDA、AVGO、
# AMD): dev231 fx168): it names the listing when a price move follows it or when it is one of a bracketed list of
# tickers. Never inside a Latin word or after a figure (25BP), and never the tickers that are also English words
# or trade abbreviations the market news writes with a move after them (HBM涨价, GOLD, SOL, ALL).
_US_MARKET_TEXT_RE = re.compile(r"美股|纳指|纳斯达克|道指|道琼斯|标普|华尔街|美国股市|NASDAQ|Nasdaq|NYSE|纽交所")
_BARE_TICKER_RE = re.compile(r"(?<![A-Za-z0-9.$&])(?P<t>[A-Z]{2,5})(?![A-Za-z0-9&])")
_MOVE_AFTER_TICKER_RE = re.compile(
    r"\s?(?:上涨|下跌|大涨|大跌|重挫|收涨|收跌|收高|收低|飙升|暴涨|暴跌|走高|走低|逆势|急跌|急涨|股价|盘前|盘后|涨|跌|挫)"
)
# (or a move with its figure later in the ticker's clause: DIS因内容成本影响获利而大跌近8%)
_MOVE_IN_CLAUSE_RE = re.compile(r"[^，,。；;：:\n]{0,16}?[涨跌挫][^，,。；;\n\d]{0,3}\d")
_TICKER_LIST_RE = re.compile(r"[（(]\s*(?P<items>[A-Z]{2,5}(?:\s*[、,，/]\s*[A-Z]{2,5})+)\s*[)）]")
_TICKER_LIST_SPLIT_RE = re.compile(r"\s*[、,，/]\s*")
_NOT_BARE_TICKERS = _NOT_TICKERS | frozenset(
    {"HBM", "GOLD", "SOL", "ALL", "ON", "BE", "ADS", "TTM", "ICE", "AM", "PM", "GO", "OK", "ADR", "ETH", "BTC"}
)
# Hong Kong papers write a code without its zeros: 中芯（981）, 华虹半导体（1347）.
_HK_SHORT_BRACKET_RE = re.compile(r"(?<=[\u4e00-\u9fff])[（(]\s*(?P<c>[1-9]\d{0,3})\s*[)）]")
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


_LONGEST_NAME = 16


def _named_before(scan: str, end: int, secid: str, kb: KnowledgeBase) -> bool:
    """A name of the security ``secid`` ends at ``end`` (right before its bracketed ticker), or a name of the
    A share whose Hong Kong twin it is (工行(1398): the bank's A-share short name, its H-share number)."""
    for length in range(2, min(_LONGEST_NAME, end) + 1):
        entries = kb.names.get(scan[end - length : end])
        if entries and any(entry.secid == secid or kb.h_shares.get(entry.secid) == secid for entry in entries):
            return True
    return False


def _first_words_before(scan: str, end: int, secid: str, kb: KnowledgeBase) -> bool:
    """The whole name before a Hong Kong paper's short code is the first words of that listing's name
    (中国黄金(2099) for 中国黄金国际, 招金(1818) for 招金矿业: dev160): two to six letters after a mark, in a text
    about Hong Kong shares, and never a country's name alone (中国(2099)年)."""
    if not _HONG_KONG_TEXT_RE.search(scan):
        return False
    names = [kb.securities[secid][1]] if secid in kb.securities else []
    for length in range(2, min(6, end) + 1):
        words = scan[end - length : end]
        if not _HAN_WORD_RE.fullmatch(words):
            return False
        whole = end - length == 0 or not _HAN_WORD_RE.fullmatch(scan[end - length - 1])
        if whole and words not in _PLACES and any(name.startswith(words) and name != words for name in names):
            return True
    return False


_HAN_WORD_RE = re.compile(r"[\u4e00-\u9fff]+")
_HONG_KONG_TEXT_RE = re.compile(r"港股|港元|港币|恒指|恒生|港交所|联交所|香港")
_PLACES = frozenset({"中国", "香港", "美国", "内地", "澳门", "台湾", "上海", "北京", "深圳", "广州"})


def codes_in(scan: str, kb: KnowledgeBase, lexicon: Lexicon) -> list[tuple[int, int, Security]]:
    """Securities written as codes in ``scan``, with their spans, in order (a bare number counts only
    when it is a code the knowledge base knows)."""
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
        # The exchange written decides: 000001.SH is the SSE index, 000001.SZ 平安银行. A number no share of that
        # exchange could bear (SH884260, a data vendor's index: dev80) is no code, unless the tables know it.
        if not _SHARE_CODE_RES[exchange].match(code):
            # A known share's code with the other exchange's suffix (雷科防务(002413.SH), dev106) is a slip of
            # the suffix: the share the tables know. Any other such number is no code.
            if code in kb.a_codes:
                add(match.start(), match.end(), kb.securities[kb.a_codes[code]][0])
            continue
        add(match.start(), match.end(), make_security("1" if exchange in ("SH", "SS") else "0", code))
    for pattern in (_A_BRACKET_RE, _A_LABEL_RE) if has_a_code else ():
        for match in pattern.finditer(scan):
            secid = kb.a_codes.get(match.group("c"))  # a bare number: only a code we know
            if secid and not _INDEX_BEFORE_RE.search(scan, max(0, match.start() - 8), match.start()):
                add(match.start("c"), match.end("c"), kb.securities[secid][0])
    for match in _HK_CODE_RE.finditer(scan) if "HK" in scan else ():
        code = (match.group("c") or match.group("c2")).zfill(5)
        add(match.start(), match.end(), make_security(HONG_KONG, code))
    for match in _HK_BRACKET_RE.finditer(scan):
        if match.group("c") in kb.hk_codes:  # (01438): five digits from 0, a listing we know
            add(match.start("c"), match.end("c"), kb.securities[kb.hk_codes[match.group("c")]][0])
    for match in _HK_SHORT_BRACKET_RE.finditer(scan):
        secid = kb.hk_codes.get(match.group("c").zfill(5))
        # Only right after a name of that listing: a bare number in brackets is mostly not a code.
        if secid and (
            _named_before(scan, match.start(), secid, kb) or _first_words_before(scan, match.start(), secid, kb)
        ):
            add(match.start("c"), match.end("c"), kb.securities[secid][0])
    for match in _US_CODE_RE.finditer(scan) if _US_HINT_RE.search(scan) else ():
        ticker = match.group("t") or match.group("t2")
        secid = kb.us_tickers.get(ticker)
        if secid:
            add(match.start(), match.end(), kb.securities[secid][0])
        elif match.group("ex"):
            add(match.start(), match.end(), make_security(_US_EXCHANGES[match.group("ex").upper()], ticker))
    for match in _TICKER_BRACKET_RE.finditer(scan):
        ticker = match.group("t")
        secid = kb.us_tickers.get(ticker)
        # 携程(CTRP): a known US ticker in brackets right after a name of that company (a ticker with its
        # market, AAPL.US or NASDAQ: PDD, is read above); never an abbreviation: 运营合格证(OC) is no Owens Corning.
        if secid and ticker not in _NOT_TICKERS and _named_before(scan, match.start(), secid, kb):
            add(match.start("t"), match.end("t"), kb.securities[secid][0])
    for start, end, secid in bare_tickers(scan, kb) if _US_MARKET_TEXT_RE.search(scan) else ():
        add(start, end, kb.securities[secid][0])
    for match in _BK_CODE_RE.finditer(scan) if "BK" in scan else ():
        code = f"BK{match.group('c')}"
        if code in lexicon.boards:
            add(match.start(), match.end(), make_security(BOARD_MARKET, code))
    return sorted(found, key=lambda item: item[0])


def bare_tickers(scan: str, kb: KnowledgeBase) -> list[tuple[int, int, str]]:
    """US tickers written alone in ``scan`` (a text about the US market): each known ticker a price move
    follows, and every ticker of a bracketed list of known tickers, as ``(start, end, secid)``."""
    found = []
    for match in _TICKER_LIST_RE.finditer(scan):
        items = _TICKER_LIST_SPLIT_RE.split(match.group("items"))
        if all(item in kb.us_tickers and item not in _NOT_BARE_TICKERS for item in items):
            offset = match.start("items")
            for item in items:
                start = scan.index(item, offset)
                offset = start + len(item)
                found.append((start, offset, kb.us_tickers[item]))
    listed = {start for start, _end, _secid in found}
    for match in _BARE_TICKER_RE.finditer(scan):
        ticker = match.group("t")
        secid = kb.us_tickers.get(ticker)
        start, end = match.span()
        if secid and ticker not in _NOT_BARE_TICKERS and start not in listed and _moves(scan, start, end):
            found.append((start, end, secid))
    return found


def _moves(scan: str, start: int, end: int) -> bool:
    """Whether a price move follows the ticker at ``start:end``: right after it, or with its figure later in the
    ticker's clause; never an index's name (法国CAC指数跌6.55%), and for a ticker in brackets only right after it
    (Direxion(YINN) 近十个交易日累计涨逾: the fund's ticker glossing its name)."""
    if scan.startswith("指数", end):
        return False
    if _MOVE_AFTER_TICKER_RE.match(scan, end):
        return True
    return scan[start - 1 : start] not in ("(", "（") and _MOVE_IN_CLAUSE_RE.match(scan, end) is not None
