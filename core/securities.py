"""Eastmoney security identifiers ("secid") and how to read them from markup.

Eastmoney names every quoted thing as ``market.code``: ``90.BK1061`` is a sector board,
``1.603888`` a Shanghai share, ``0.000333`` a Shenzhen/Beijing share, ``116.00700`` a Hong Kong
listing, ``105.PDD``/``106.BABA``/``107.X`` US listings. Pages spell the pair in several ways over
the years (``data-code="90,BK1061"``, ``id="stock_1.603888"``, ``data-code="BK1037|90|1"``,
``href=".../unify/r/0.002353"``, ``href=".../SZ300104.html"``, ``id="stock_3001042"``,
``id="stock_NASDAQ_AAPL7"``, ``id="stock_013855"``, ``id="bk_474"``); this module turns each spelling
into one :class:`Security`.

Old ids append a market digit to the code: 1 Shanghai, 2 Shenzhen, 5 Hong Kong, 7 US (the US form also
names the exchange: NASDAQ 105, NYSE 106, AMEX 107). Old ``stock_`` ids also mark things that are not
stocks; their links say so (``ZS395022.html`` an index, ``fund.eastmoney.com/501300.html`` a fund).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["board", "stock", "index", "fund", "other"]

BOARD_MARKET = "90"
SHANGHAI = "1"
SHENZHEN = "0"  # Eastmoney also files Beijing listings under market 0
HONG_KONG = "116"
US_MARKETS = frozenset({"105", "106", "107"})
US_EXCHANGE_MARKETS = {"NASDAQ": "105", "NYSE": "106", "AMEX": "107"}
# Codes of exchange-traded funds (ETF, LOF, closed-end) in each A-share market.
_FUND_PREFIXES = {SHANGHAI: ("5",), SHENZHEN: ("15", "16", "18")}
# The market digit old ids append to a code.
OLD_ID_MARKET_DIGITS = {"1": SHANGHAI, "2": SHENZHEN, "5": HONG_KONG}
GLOBAL_INDEX_MARKET = "100"
# Compiled once: the markup of a page is read a security at a time (re.fullmatch with a pattern string looks the
# pattern up in re's cache on every call).
_CODE_RE = re.compile(r"[A-Za-z0-9_.\-]+")
_BOARD_CODE_RE = re.compile(r"BK\d{4}")
_ANY_CASE_BOARD_CODE_RE = re.compile(r"BK\d{4}", re.IGNORECASE)
_SIX_DIGITS_RE = re.compile(r"\d{6}")
_FIVE_DIGITS_RE = re.compile(r"\d{5}")
# How many spellings each reader below remembers: a page names a few dozen securities, most of them again and again
# on other pages (its data-code, its id); a Security is immutable, so one may stand for every reading of a spelling.
_SPELLINGS_REMEMBERED = 8192


@dataclass(frozen=True)
class Security:
    """One quoted thing: a board, a stock, an index or a fund, as Eastmoney identifies it."""

    market: str
    code: str
    kind: Kind
    exchange: str  # SH, SZ, BJ, HK, US, BK or "" when unknown

    @property
    def secid(self) -> str:
        # An over-the-counter fund has no quote market: its code alone names it.
        return f"{self.market}.{self.code}" if self.market else self.code


def infer_a_share_market(code: str) -> str:
    """Eastmoney market prefix of a bare 6-digit A-share code: Shanghai for 6xxxxx, 5xxxxx and 90xxxx
    (B shares), else 0 (Shenzhen, and Beijing, whose 4xxxxx, 8xxxxx and since 2024 92xxxx codes
    Eastmoney also quotes under 0: ``0.920001``)."""
    if code.startswith("92"):
        return SHENZHEN
    return SHANGHAI if code[:1] in {"6", "9", "5"} else SHENZHEN


def make_security(market: str, code: str) -> Security | None:
    """Classify a ``market``/``code`` pair; ``None`` when the pair is malformed."""
    market = market.strip()
    code = code.strip()
    if not market.isdigit() or not code or not _CODE_RE.fullmatch(code):
        return None
    if market == BOARD_MARKET:
        code = code.upper()
        if not _BOARD_CODE_RE.fullmatch(code):
            return None
        return Security(market, code, "board", "BK")
    if market in (SHANGHAI, SHENZHEN):
        if not _SIX_DIGITS_RE.fullmatch(code):
            return None
        # Index quotes share the markets of shares: 1.000xxx (SSE indices) and 0.39xxxx (SZSE indices).
        # (and 0.899xxx, the Beijing exchange's indices: 0.899050 北证50)
        if (market == SHANGHAI and code.startswith("000")) or (market == SHENZHEN and code.startswith(("39", "899"))):
            exchange = "SH" if market == SHANGHAI else "BJ" if code.startswith("899") else "SZ"
            return Security(market, code, "index", exchange)
        # Exchange-traded funds (ETF, LOF) too: 1.5xxxxx and 0.15xxxx / 0.16xxxx / 0.18xxxx.
        if code.startswith(_FUND_PREFIXES[market]):
            return Security(market, code, "fund", "SH" if market == SHANGHAI else "SZ")
        if market == SHANGHAI:
            exchange = "SH"
        elif code.startswith(("4", "8", "92")):
            exchange = "BJ"
        else:
            exchange = "SZ"
        return Security(market, code, "stock", exchange)
    if market == HONG_KONG:
        return Security(market, code, "stock", "HK")
    if market in US_MARKETS:
        return Security(market, code.upper(), "stock", "US")
    if market == GLOBAL_INDEX_MARKET:
        return Security(market, code, "index", "")
    return Security(market, code, "other", "")


_PAIR_RE = re.compile(r"^\s*(\d{1,3})\s*[,.]\s*([A-Za-z0-9_.\-]+)\s*$")
_PIPE_RE = re.compile(r"^\s*(?:K\s+)?([A-Za-z0-9_.\-]+)\|(\d{1,3})\|")
_ID_RE = re.compile(r"^(?:bk_|stock_|Info\.)(\d{1,3})\.([A-Za-z0-9_.\-]+)$", re.IGNORECASE)
_OLD_BOARD_ID_RE = re.compile(r"^bk_(\d{1,4})$", re.IGNORECASE)
_OLD_US_ID_RE = re.compile(r"^stock_(NASDAQ|NYSE|AMEX)_([A-Za-z0-9._\-]+?)(7?)$", re.IGNORECASE)
_OLD_STOCK_ID_RE = re.compile(r"^stock_([0-9A-Za-z]+)$")
# /unify/cr/ is the quote page's current form (2025–2026: Eastmoney's own quote templates, and the 302 target of
# /sh600000.html; tests/fixtures/real-sites/eastmoney/PROVENANCE.md), beside /unify/r/ of article bodies.
_HREF_PAIR_RE = re.compile(r"quote\.eastmoney\.com/(?:unify/c?r|c?r|web/r|bk/r)/(\d{1,3})\.([A-Za-z0-9_\-]+)")
_HREF_EXCHANGE_RE = re.compile(r"quote\.eastmoney\.com/(?:[a-z]+/)?(sh|sz|bj)(\d{6})\.html", re.IGNORECASE)
_HREF_INDEX_RE = re.compile(r"quote\.eastmoney\.com/(?:[a-z]+/)?zs(\d{6})\.html", re.IGNORECASE)
_HREF_BOARD_PAGE_RE = re.compile(r"quote\.eastmoney\.com/(?:web/|bk/)?(BK\d{4})\d?\.html", re.IGNORECASE)
_HREF_BOARD_MARKET_RE = re.compile(r"quote\.eastmoney\.com/(?:kcb|cyb|bj)/(\d{6})\.html", re.IGNORECASE)
_HREF_HK_RE = re.compile(r"quote\.eastmoney\.com/hk/(\d{5})\.html", re.IGNORECASE)
_HREF_US_RE = re.compile(
    r"quote\.eastmoney\.com/us/([A-Za-z0-9.\-_]+)\.html(?:\?[^#]*?\bMarket=([A-Za-z]+))?", re.IGNORECASE
)
_HREF_WAP_RE = re.compile(r"wap\.eastmoney\.com/quota/(?:stock|hk|us)/index/([0-9A-Za-z]+)", re.IGNORECASE)
_HREF_FUND_RE = re.compile(r"fund\.eastmoney\.com/(?:f10/[a-z]+_)?(\d{6})\.html", re.IGNORECASE)
_HREF_OLD_BOARD_RE = re.compile(r"eastmoney\.com/hangye/hy(\d{1,4})\.html", re.IGNORECASE)
# Hosts whose links name a quoted thing (other eastmoney links are articles, data pages, the encyclopedia).
QUOTE_LINK_RE = re.compile(r"quote\.eastmoney\.com/|wap\.eastmoney\.com/quota/", re.IGNORECASE)


@lru_cache(maxsize=_SPELLINGS_REMEMBERED)
def from_data_code(value: str | None) -> Security | None:
    """``90,BK1061`` / ``1.603888`` / ``BK1037|90|1`` / a bare ``002353``."""
    if not value:
        return None
    match = _PAIR_RE.match(value)
    if match:
        return make_security(match.group(1), match.group(2))
    match = _PIPE_RE.match(value)
    if match:
        return make_security(match.group(2), match.group(1))
    bare = value.strip()
    if _SIX_DIGITS_RE.fullmatch(bare):
        return make_security(infer_a_share_market(bare), bare)
    if _ANY_CASE_BOARD_CODE_RE.fullmatch(bare):
        return make_security(BOARD_MARKET, bare)
    return None


def board_from_number(number: str) -> Security | None:
    """The 2014 board numbers (``bk_474``, ``hy474.html``) are board codes without ``BK`` and padding."""
    return make_security(BOARD_MARKET, f"BK{int(number):04d}") if number.isdigit() else None


def from_old_id(value: str) -> Security | None:
    """A code followed by its market digit: ``3001042`` (Shenzhen), ``6000301`` (Shanghai), ``013855`` (HK)."""
    code, digit = value[:-1], value[-1:]
    market = OLD_ID_MARKET_DIGITS.get(digit)
    if market == HONG_KONG and _FIVE_DIGITS_RE.fullmatch(code):
        return make_security(HONG_KONG, code)
    if market in (SHANGHAI, SHENZHEN) and _SIX_DIGITS_RE.fullmatch(code):
        return make_security(market, code)
    return None


@lru_cache(maxsize=_SPELLINGS_REMEMBERED)
def from_element_id(value: str | None) -> Security | None:
    """``bk_90.BK1061`` / ``stock_1.603888`` / ``Info.116.00700`` and the old forms ``stock_3001042``,
    ``stock_013855`` (Hong Kong), ``stock_NASDAQ_AAPL7`` (US, the exchange decides the market), ``bk_474``."""
    if not value:
        return None
    value = value.strip()
    match = _ID_RE.match(value)
    if match:
        return make_security(match.group(1), match.group(2))
    match = _OLD_BOARD_ID_RE.match(value)
    if match:
        return board_from_number(match.group(1))
    match = _OLD_US_ID_RE.match(value)
    if match:
        return make_security(US_EXCHANGE_MARKETS[match.group(1).upper()], match.group(2))
    match = _OLD_STOCK_ID_RE.match(value)
    if match:
        return from_old_id(match.group(1))
    return None


def _index_market(code: str) -> str:
    """Shenzhen index codes start with 39; the others (000xxx) are Shanghai's."""
    return SHENZHEN if code.startswith("39") else SHANGHAI


def from_quote_href(value: str | None) -> Security | None:
    """A quote-page link: ``/unify/r/1.600030``, ``/unify/cr/1.600030``, ``/r/0.002353``, ``/SZ300104.html``,
    ``/ZS395022.html``, ``/hk/00700.html``, ``/us/AAPL.html?Market=NASDAQ``, the mobile
    ``wap.eastmoney.com/quota/stock/index/013855``, a fund page ``fund.eastmoney.com/501300.html`` and the 2014
    board page ``hangye/hy474.html``."""
    if not value or "eastmoney.com" not in value:
        return None
    match = _HREF_PAIR_RE.search(value)
    if match:
        return make_security(match.group(1), match.group(2))
    match = _HREF_EXCHANGE_RE.search(value)
    if match:
        exchange, code = match.group(1).upper(), match.group(2)
        return make_security(SHANGHAI if exchange == "SH" else SHENZHEN, code)
    match = _HREF_INDEX_RE.search(value)
    if match:
        code = match.group(1)
        return Security(_index_market(code), code, "index", "SZ" if code.startswith("39") else "SH")
    match = _HREF_BOARD_PAGE_RE.search(value)
    if match:
        return make_security(BOARD_MARKET, match.group(1))
    match = _HREF_BOARD_MARKET_RE.search(value)
    if match:  # quote pages of the STAR, ChiNext and Beijing markets name the code only
        return make_security(infer_a_share_market(match.group(1)), match.group(1))
    match = _HREF_HK_RE.search(value)
    if match:
        return make_security(HONG_KONG, match.group(1))
    match = _HREF_US_RE.search(value)
    if match:
        # Without the exchange the market is unknown: no guess (NASDAQ, NYSE and AMEX differ).
        market = US_EXCHANGE_MARKETS.get((match.group(2) or "").upper())
        return make_security(market, match.group(1)) if market else None
    match = _HREF_WAP_RE.search(value)
    if match:
        return from_old_id(match.group(1))
    match = _HREF_FUND_RE.search(value)
    if match:
        return fund_security(match.group(1))
    match = _HREF_OLD_BOARD_RE.search(value)
    if match:
        return board_from_number(match.group(1))
    return None


def fund_security(code: str, market: str | None = None) -> Security:
    """A fund: exchange-traded ones carry their exchange's market, others (sold over the counter) none."""
    if market is None:
        market = next((m for m, prefixes in _FUND_PREFIXES.items() if code.startswith(prefixes)), "")
    exchange = {SHANGHAI: "SH", SHENZHEN: "SZ"}.get(market, "")
    return Security(market, code, "fund", exchange)


def with_kind_of_link(security: Security, href: str | None) -> Security:
    """An old ``stock_`` id marks indexes and funds too: its link (``ZS…``, ``fund.eastmoney.com``) tells."""
    if not href or security.kind in ("board",):
        return security
    linked = from_quote_href(href)
    if linked is None or linked.code != security.code or linked.kind == security.kind:
        return security
    if linked.kind == "fund":
        return fund_security(security.code, security.market)
    if linked.kind == "index":
        exchange = "SZ" if security.market == SHENZHEN else "SH"
        return Security(security.market, security.code, "index", exchange)
    return security


def us_ticker_without_market(value: str | None) -> str | None:
    """The ticker of a US quote link that does not say its exchange (``/us/AAPL.html``): the
    listing tables can tell the market where the link cannot."""
    match = _HREF_US_RE.search(value or "")
    if match and not match.group(2):
        return match.group(1).upper()
    return None
