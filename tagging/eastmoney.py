"""Eastmoney article pages, in every layout public crawlers have met (2014 ``newText``,
2017–2021 ``newsContent``, 2023– ``txtinfos``), parsed into a :class:`RawArticle`."""

from __future__ import annotations

import re

from lxml import etree

from tagging.article import RawArticle
from tagging.dates import date_from_article_code, parse_datetime
from tagging.page import NotAnArticleError, canonical_link, first, meta_content, parse_page, text_of
from tagging.urls import eastmoney_article_code

_TITLE_SUFFIX_RE = re.compile(r"\s*[_\-|]\s*(?:东方财富网|东方财富|天天基金网)\s*$")
_TIME_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}\s*:\s*\d{2}|\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}")
_SOURCE_RE = re.compile(r"来源[:：]\s*(\S[^<\n]*?)\s*$")
_AUTHOR_RE = re.compile(r"作者[:：]\s*(\S[^<\n]*?)\s*$")


def _title(tree: etree._Element) -> str | None:
    node = first(
        tree,
        '//*[@id="topbox"]/div[contains(concat(" ", @class, " "), " title ")]',
        '//div[contains(concat(" ", @class, " "), " title ")][following::*[@id="ContentBody"]]',
        '//div[@class="newsContent"]/h1',
        '//div[contains(@class, "newText")]//h1',
        '//div[contains(@class, "titlebox")]//h1',
    )
    title = text_of(node)
    if not title:
        title = meta_content(tree, "og:title") or ""
    if not title:
        title = _TITLE_SUFFIX_RE.sub("", text_of(first(tree, "//title")))
    if not title:
        title = text_of(first(tree, "//h1"))
    return _TITLE_SUFFIX_RE.sub("", title).strip() or None


def _info_items(tree: etree._Element) -> list[str]:
    """The header lines that carry time, source and author, in any layout."""
    nodes = tree.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " infos ")]//div[contains(@class, "item")]'
        ' | //div[@class="time-source"]/div'
        ' | //div[contains(@class, "newText") or contains(@class, "titlebox")]//div[@class="Info"]//*'
        ' | //div[contains(@class, "newText") or contains(@class, "titlebox")]//div[@class="Info"]'
    )
    return [text_of(n) for n in nodes if text_of(n)]


def _media(tree: etree._Element, items: list[str]) -> str | None:
    source = tree.xpath('//div[contains(@class, "data-source")]/@data-source')
    if source and source[0].strip():
        return source[0].strip()
    for item in items:
        match = _SOURCE_RE.search(item)
        if match:
            return match.group(1).strip()
    alt = tree.xpath('//div[@class="source"]/img/@alt')
    return alt[0].strip() if alt and alt[0].strip() else None


_BODY_XPATHS = ('//*[@id="ContentBody"]', '//div[@class="Body"]', '//*[@id="zwtext"]')
_LIST_XPATH = '//*[@id="newsListContent"]'


def body_element(tree: etree._Element) -> etree._Element | None:
    """The article body of an Eastmoney page in any of its layouts, or ``None``."""
    return first(tree, *_BODY_XPATHS)


def is_list_page(tree: etree._Element) -> bool:
    """An Eastmoney list page (``#newsListContent``): titles of articles, not an article."""
    return bool(tree.xpath(_LIST_XPATH))


def parse_article_page(html: str | bytes, url: str) -> RawArticle:
    """Parse an Eastmoney article page. Raises :class:`NotAnArticleError` when it has no body."""
    return parse_article_tree(parse_page(html), url)


def parse_article_tree(tree: etree._Element, url: str, body: etree._Element | None = None) -> RawArticle:
    """An already parsed Eastmoney article page (its body element, when the caller found it already).
    Raises :class:`NotAnArticleError` when it has no body."""
    body = body if body is not None else body_element(tree)
    if body is None:
        raise NotAnArticleError("no #ContentBody element")
    items = _info_items(tree)
    published = None
    for item in items:
        match = _TIME_RE.search(item)
        if match:
            published = parse_datetime(match.group(0))
            break
    canonical = canonical_link(tree) or url
    if published is None:
        code = eastmoney_article_code(canonical) or eastmoney_article_code(url)
        published = date_from_article_code(code) if code else None
    author = None
    for item in items:
        match = _AUTHOR_RE.search(item)
        if match:
            author = match.group(1)
            break
    return RawArticle(
        source="eastmoney",
        url=canonical,
        title=_title(tree),
        published_at=published,
        media=_media(tree, items),
        author=author,
        digest=meta_content(tree, "description"),
        body_html=etree.tostring(body, encoding="unicode", method="html"),
        body_tree=body,
        body_source="layout:eastmoney",
    )
