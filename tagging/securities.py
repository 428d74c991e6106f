"""Eastmoney security identifiers ("secid") and how to read them from markup.

Eastmoney names every quoted thing as ``market.code``: ``90.BK1061`` is a sector board,
``1.603888`` a Shanghai share, ``0.000333`` a Shenzhen/Beijing share, ``116.00700`` a Hong Kong
listing, ``105.PDD``/``106.BABA``/``107.X`` US listings. Pages spell the pair in several ways over
the years (``data-code="90,BK1061"``, ``id="stock_1.603888"``, ``data-code="BK1037|90|1"``,
``href=".../unify/r/0.002353"``, ``href=".../SZ300104.html"``, ``id="stock_3001042"``); this module
turns each spelling into one :class:`Security`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["board", "stock", "index", "other"]

BOARD_MARKET = "90"
SHANGHAI = "1"
SHENZHEN = "0"  # Eastmoney also files Beijing listings under market 0
HONG_KONG = "116"
US_MARKETS = frozenset({"105", "106", "107"})
GLOBAL_INDEX_MARKET = "100"


@dataclass(frozen=True)
class Security:
    """One quoted thing: a board, a stock or an index, as Eastmoney identifies it."""

    market: str
    code: str
    kind: Kind
    exchange: str  # SH, SZ, BJ, HK, US, BK or "" when unknown

    @property
    def secid(self) -> str:
        return f"{self.market}.{self.code}"


def infer_a_share_market(code: str) -> str:
    """Eastmoney market prefix of a bare 6-digit A-share code (Shanghai 6/9/5, else Shenzhen/Beijing)."""
    return SHANGHAI if code[:1] in {"6", "9", "5"} else SHENZHEN


def make_security(market: str, code: str) -> Security | None:
    """Classify a ``market``/``code`` pair; ``None`` when the pair is malformed."""
    market = market.strip()
    code = code.strip()
    if not market.isdigit() or not code or not re.fullmatch(r"[A-Za-z0-9_.\-]+", code):
        return None
    if market == BOARD_MARKET:
        code = code.upper()
        if not re.fullmatch(r"BK\d{4}", code):
            return None
        return Security(market, code, "board", "BK")
    if market in (SHANGHAI, SHENZHEN):
        if not re.fullmatch(r"\d{6}", code):
            return None
        # Index quotes share the markets of shares: 1.000xxx (SSE indices) and 0.399xxx (SZSE indices).
        if (market == SHANGHAI and code.startswith("000")) or (market == SHENZHEN and code.startswith("399")):
            return Security(market, code, "index", "SH" if market == SHANGHAI else "SZ")
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
_OLD_STOCK_ID_RE = re.compile(r"^stock_(\d{6})([12])$")
_HREF_PAIR_RE = re.compile(r"quote\.eastmoney\.com/(?:unify/r|r|web/r|bk/r)/(\d{1,3})\.([A-Za-z0-9_\-]+)")
_HREF_EXCHANGE_RE = re.compile(r"quote\.eastmoney\.com/(?:[a-z]+/)?(sh|sz|bj)(\d{6})\.html", re.IGNORECASE)
_HREF_HK_RE = re.compile(r"quote\.eastmoney\.com/hk/(\d{5})\.html", re.IGNORECASE)
_HREF_US_RE = re.compile(r"quote\.eastmoney\.com/us/([A-Za-z.]+)\.html", re.IGNORECASE)


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
    if re.fullmatch(r"\d{6}", bare):
        return make_security(infer_a_share_market(bare), bare)
    if re.fullmatch(r"BK\d{4}", bare, re.IGNORECASE):
        return make_security(BOARD_MARKET, bare)
    return None


def from_element_id(value: str | None) -> Security | None:
    """``bk_90.BK1061`` / ``stock_1.603888`` / ``Info.116.00700`` / the 2016 form ``stock_3001042``."""
    if not value:
        return None
    match = _ID_RE.match(value.strip())
    if match:
        return make_security(match.group(1), match.group(2))
    match = _OLD_STOCK_ID_RE.match(value.strip())
    if match:
        # The old pages append 1 (Shanghai) or 2 (Shenzhen) to the code.
        return make_security(SHANGHAI if match.group(2) == "1" else SHENZHEN, match.group(1))
    return None


def from_quote_href(value: str | None) -> Security | None:
    """A quote-page link: ``/unify/r/1.600030``, ``/r/0.002353``, ``/SZ300104.html``, ``/hk/00700.html``."""
    if not value or "quote.eastmoney.com" not in value:
        return None
    match = _HREF_PAIR_RE.search(value)
    if match:
        return make_security(match.group(1), match.group(2))
    match = _HREF_EXCHANGE_RE.search(value)
    if match:
        exchange, code = match.group(1).upper(), match.group(2)
        return make_security(SHANGHAI if exchange == "SH" else SHENZHEN, code)
    match = _HREF_HK_RE.search(value)
    if match:
        return make_security(HONG_KONG, match.group(1))
    match = _HREF_US_RE.search(value)
    if match:
        return make_security("105", match.group(1))
    return None
