"""Ticker markup: which elements of a body name a security, and which security they name (from a
``data-code``, an element id, or a quote link)."""

from __future__ import annotations

import re

from lxml import etree

from core.securities import (
    QUOTE_LINK_RE,
    Security,
    from_data_code,
    from_element_id,
    from_quote_href,
    us_ticker_without_market,
    with_kind_of_link,
)

SECURITY_CLASSES = frozenset({"keytip", "em_stock_key_common"})
_BARE_CODE_RE = re.compile(r"\s*\d{6}\s*")
_TICKER_ID_PREFIXES = ("stock_", "bk_", "Info.")


def classes_of(element: etree._Element) -> set[str]:
    value = element.get("class")
    return set(value.split()) if value else set()  # (most elements have no class)


def _link_of(element: etree._Element) -> str | None:
    """The link a ticker element carries: its own ``href``, else that of the first link inside it."""
    href = element.get("href")
    if href:
        return href
    for link in element.iterdescendants("a"):
        if link.get("href"):
            return link.get("href")
    return None


def security_of(element: etree._Element) -> Security | None:
    """The security a ticker element names, from its data-code, its (or its wrapper's) id, or its link.

    Ids name the market (``stock_NASDAQ_AAPL7``, ``stock_013855``); the link then says what kind of
    thing an old ``stock_`` id marks (``ZS395022.html`` an index, ``fund.eastmoney.com`` a fund).

    A bare six-digit data-code (the 2026 form, ``data-code="002353"``) gives no market; one is inferred
    from the code only when the id and the link name none: ``000001`` beside ``href=…/r/1.000001`` is
    the Shanghai index 上证指数, not the Shenzhen stock 平安银行."""
    data_code = element.get("data-code")
    security = from_data_code(data_code)
    if security and not _BARE_CODE_RE.fullmatch(data_code or ""):
        return security
    named = _named_by_id_or_link(element)
    if named is not None and (security is None or named.code == security.code):
        return named
    return security


def _named_by_id_or_link(element: etree._Element) -> Security | None:
    href = _link_of(element)
    parent = element.getparent()
    for node in (element, parent):
        if node is not None:
            security = from_element_id(node.get("id"))
            if security:
                return with_kind_of_link(security, href)
    return from_quote_href(href) or _us_listing_by_ticker(href)


def _us_listing_by_ticker(href: str | None) -> Security | None:
    """A US quote link without its exchange, given the market the listing tables know for the ticker
    (NASDAQ 105, NYSE 106, AMEX 107 differ: no default)."""
    ticker = us_ticker_without_market(href)
    if ticker is None:
        return None
    from tagging.linking.knowledge_tables import load_knowledge_base  # the tables only when such a link occurs

    secid = load_knowledge_base().us_tickers.get(ticker)
    return load_knowledge_base().securities[secid][0] if secid else None


def is_ticker_markup(element: etree._Element, tag: str, classes: set[str]) -> bool:
    """Ticker classes, or a bare link to a quote page (copies elsewhere strip classes and spans)."""
    return bool(classes & SECURITY_CLASSES) or (tag == "a" and bool(QUOTE_LINK_RE.search(element.get("href") or "")))


def is_bare_ticker_span(element: etree._Element, tag: str, element_id: str) -> bool:
    """A ``stock_``/``bk_`` span whose link a copy stripped (``<span id="stock_NASDAQ_INTC7">英特尔</span>``):
    the span itself is the mention when nothing inside it is ticker markup."""
    if tag != "span" or not element_id.startswith(_TICKER_ID_PREFIXES) or from_element_id(element_id) is None:
        return False
    for inner in element.iterdescendants():
        if isinstance(inner.tag, str) and is_ticker_markup(inner, inner.tag.lower(), classes_of(inner)):
            return False
    return True
