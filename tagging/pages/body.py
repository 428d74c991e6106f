"""The one decision of where the article body of an HTML input is.

Article HTML arrives in many forms: whole pages of the sites finnews crawls, bare body fragments
(list APIs, database dumps, CMS pastes), copies inside another site's template, and bodies stored
HTML-escaped once more. :func:`decide` picks the body and says which path it took
(``RawArticle.body_source``):

``layout:eastmoney`` / ``layout:chinaorg``
    A page of a known layout: its body element (``#ContentBody``, ``#fontzoom`` …), as the crawlers read it.
``fragment``
    A bare fragment (no ``<html>``/``<body>``), or a page whose body is only article (no navigation,
    header, footer, sidebar): the fragment itself is the body.
``generic``
    A page of any other site: the main content as trafilatura finds it (trafilatura rather than
    magic-html or readability: it is already pinned for the benchmark, maintained, pure Python on
    lxml like the rest of tagging/, and keeps tables; it also gives title and date). trafilatura's
    own output loses the Eastmoney markup (it drops spans, their ids and classes, and keeps the
    visible "(行情 专区)" of old board placeholders as text), so its output is not walked. Instead its
    text locates the element of the *original* tree that holds the main content (the deepest element
    holding nearly all of it, widened to the paragraphs' container), that element is walked like any
    body, and only the lines trafilatura kept stay (``RawArticle.kept_text``), except lines with
    ticker markup or table cells, which are article text whatever it thought.
``escaped+…`` / ``…+escaped``
    A body stored HTML-escaped once more (``&lt;p&gt;&lt;span …``): unescaped once and decided again
    (``escaped+fragment``); a page whose body element holds escaped markup becomes e.g.
    ``layout:eastmoney+escaped``.

Jekyll posts (``jekyll``, ``jekyll+escaped``) and plain text (``text``) are recognised before this
decision, in :func:`tagging.extract.parse_document`.
"""

from __future__ import annotations

import html as html_module
import re
from typing import Any

from lxml import etree

from core.article import RawArticle
from core.dates import parse_datetime
from tagging.pages import chinaorg, eastmoney
from tagging.pages.htmlparse import INVISIBLE_TAGS, parse_document_tree, parse_fragment
from tagging.pages.maincontent import container_of, document_text, main_content, main_node
from tagging.pages.page import NAME_ATTRIBUTES, NotAnArticleError, canonical_link, first, meta_content, text_of

LAYOUT_EASTMONEY = "layout:eastmoney"
LAYOUT_CHINAORG = chinaorg.OWN_LAYOUT
FRAGMENT = "fragment"
GENERIC = "generic"
ESCAPED = "escaped"

_PAGE_RE = re.compile(r"<\s*(?:!doctype|html|head|body)\b", re.IGNORECASE)
_EASTMONEY_HOST_RE = re.compile(r"eastmoney\.com", re.IGNORECASE)
_CHINAORG_HOST_RE = re.compile(r"china\.(?:com\.cn|org\.cn)", re.IGNORECASE)
_EASTMONEY_MARKUP_RE = re.compile(
    r"keytip|em_stock_key_common|quote\.eastmoney\.com|id=[\"']?(?:stock|bk)_|EM_StockImg", re.IGNORECASE
)
# An escaped body reads, once parsed, as text full of tags.
_ESCAPE_HINTS = ("&lt;", "&#60;", "&#x3c;", "&#x3C;")
_LITERAL_TAG_RE = re.compile(
    r"</?(?:p|span|div|a|br|img|strong|b|em|i|u|font|table|tbody|tr|td|th|center|h[1-6]|section|article|"
    r"ul|ol|li|blockquote|html|body)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_LITERAL_TAGS_NEEDED = 2
_LITERAL_TAG_SHARE = 0.2  # or the text starts with a tag
_EDGE_SPACE = " \t\r\n\f\v\u00a0\u3000\ufeff"
# Page furniture: what a page has around its article and a stored body does not.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
_FURNITURE_NAME_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|header|footer|sidebar|breadcrumbs?|crumbs?|copyright|"
    r"comments?|share|related|recommend|topbar|toolbar|masthead)(?:$|[\s_-])",
    re.IGNORECASE,
)
_LINK_HEAVY_SHARE = 0.5  # of a body's text inside links (quote links are article text)
_LINK_HEAVY_MIN_LINKS = 10
_SPACE_RE = re.compile(r"\s+")
_DATE_METAS = (
    "article:published_time",
    "og:release_date",
    "pubdate",
    "publishdate",
    "PubDate",
    "publish_time",
    "datePublished",
)


def decide(html: str, url: str | None = None) -> RawArticle:
    """The raw article of an HTML input, its body found by the path the input calls for.

    Raises :class:`NotAnArticleError` for an input that holds no article (an Eastmoney list page,
    markup without text)."""
    raw = _decide_once(html, url)
    if _may_be_escaped(html) and raw.body_tree is not None and holds_escaped_markup(raw.body_tree):
        raw = _unescaped(raw, url)
    if not has_visible_text(raw.body_tree) and not (raw.title or raw.digest):
        raise NotAnArticleError("no article text: only markup")
    return raw


def _decide_once(html: str, url: str | None) -> RawArticle:
    is_page = bool(_PAGE_RE.search(html))
    try:
        tree = parse_document_tree(html) if is_page else parse_fragment(html)
    except (etree.ParserError, ValueError) as error:
        raise NotAnArticleError(f"unparseable HTML: {error}") from error
    eastmoney_body = eastmoney.body_element(tree)
    if eastmoney_body is not None:
        return eastmoney.parse_article_tree(tree, url or "", eastmoney_body)
    if known_layout(tree, url) == LAYOUT_CHINAORG:
        return chinaorg.parse_article_tree(tree, url or "")
    if eastmoney.is_list_page(tree):
        raise NotAnArticleError("an Eastmoney list page, not an article (no #ContentBody element)")
    if not is_page:
        return RawArticle(source=source_of(url, html), url=url, body_html=html, body_tree=tree, body_source=FRAGMENT)
    body = page_body(tree)
    if not has_page_furniture(body):
        return _page_raw(tree, body, html, url, FRAGMENT)
    return _generic(tree, body, html, url)


def known_layout(tree: etree._Element, url: str | None) -> str | None:
    """``layout:eastmoney`` or ``layout:chinaorg`` when the page has that site's body element."""
    if eastmoney.body_element(tree) is not None:
        return LAYOUT_EASTMONEY
    if chinaorg.has_own_body(tree):
        return LAYOUT_CHINAORG
    if _CHINAORG_HOST_RE.search(url or "") and chinaorg.body_element(tree) is not None:
        return LAYOUT_CHINAORG
    return None


def source_of(url: str | None, html: str) -> str:
    """The site an input comes from: by its URL, else ``eastmoney`` when it carries Eastmoney markup."""
    if url and _EASTMONEY_HOST_RE.search(url):
        return "eastmoney"
    if url and _CHINAORG_HOST_RE.search(url):
        return "chinaorg"
    return "eastmoney" if _EASTMONEY_MARKUP_RE.search(html) else "html"


def page_body(tree: etree._Element) -> etree._Element:
    found = tree.xpath("//body")
    return found[0] if found else tree


def _names(element: etree._Element) -> str:
    return f"{element.get('id') or ''} {element.get('class') or ''}"


def has_page_furniture(body: etree._Element) -> bool:
    """Navigation, header, footer, sidebar or a body made of links: a page, not a stored body."""
    link_chars = links = 0
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if tag in _FURNITURE_TAGS or _FURNITURE_NAME_RE.search(_names(element)):
            return True
        if tag == "a" and "quote.eastmoney.com" not in (element.get("href") or ""):
            links += 1
            link_chars += len(_SPACE_RE.sub("", element.text_content()))
    if links < _LINK_HEAVY_MIN_LINKS:
        return False
    return link_chars >= _LINK_HEAVY_SHARE * len(_SPACE_RE.sub("", body.text_content()))


def has_visible_text(body: etree._Element | None) -> bool:
    """Whether any text a reader sees is in the body (scripts, styles and images are not text)."""
    if body is None:
        return False
    skipped: set[Any] = set()
    for element in body.iter():
        parent = element.getparent()
        inside_hidden = element is not body and parent is not None and parent in skipped
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if inside_hidden or tag in INVISIBLE_TAGS:
            skipped.add(element)
        elif tag and element.text and element.text.strip(_EDGE_SPACE):
            return True
        if element is not body and not inside_hidden and element.tail and element.tail.strip(_EDGE_SPACE):
            return True
    return False


def _meta(tree: etree._Element, *names: str) -> str | None:
    # Pages of unknown sites name their metadata by itemprop (schema.org) too.
    return meta_content(tree, *names, attributes=(*NAME_ATTRIBUTES, "itemprop"))


def _page_raw(
    tree: etree._Element, body: etree._Element, html: str, url: str | None, how: str, document: Any = None
) -> RawArticle:
    """A raw article for a page of an unknown site: metadata from its head (and trafilatura's)."""
    title = _meta(tree, "og:title") or (document.title if document is not None else None)
    title = title or text_of(first(tree, "//title")) or text_of(first(tree, "//h1")) or None
    published = parse_datetime(_meta(tree, *_DATE_METAS))
    if published is None and document is not None:
        published = parse_datetime(document.date)
    return RawArticle(
        source=source_of(url, html),
        url=canonical_link(tree) or url,
        title=title,
        published_at=published,
        media=_meta(tree, "source"),
        author=_meta(tree, "author"),
        digest=_meta(tree, "description", "og:description"),
        body_tree=body,
        body_source=how,
    )


def _generic(tree: etree._Element, body: etree._Element, html: str, url: str | None) -> RawArticle:
    """Main content by trafilatura, walked in the original tree (see the module notes).

    trafilatura runs twice: favouring precision, its text locates the article (with recall
    favoured, a short article comes back with the whole page around it); favouring recall, its
    text decides which lines of the located element stay (precision drops short paragraphs)."""
    precise = main_content(tree, url, precision=True)
    recalled = main_content(tree, url, precision=False)
    locating = document_text(precise) or document_text(recalled)
    kept = document_text(recalled) or locating
    if not locating:
        return _page_raw(tree, body, html, url, FRAGMENT)  # nothing stands out: the whole body
    node = container_of(main_node(body, locating), body)
    raw = _page_raw(tree, node, html, url, GENERIC, precise if precise is not None else recalled)
    raw.kept_text = kept
    return raw


def _may_be_escaped(html: str) -> bool:
    return any(hint in html for hint in _ESCAPE_HINTS)


def holds_escaped_markup(body: etree._Element) -> bool:
    """Whether the body's *text* is HTML (a body escaped once more than it should be)."""
    text = body.text_content()
    tags = _LITERAL_TAG_RE.findall(text)
    if len(tags) < _LITERAL_TAGS_NEEDED:
        return False
    return text.lstrip(_EDGE_SPACE).startswith("<") or sum(map(len, tags)) >= _LITERAL_TAG_SHARE * len(text)


def unescape_once(body: etree._Element) -> str:
    """The body's markup with one level of escaping removed."""
    return html_module.unescape(etree.tostring(body, encoding="unicode", method="html"))


def _unescaped(raw: RawArticle, url: str | None) -> RawArticle:
    """Decide again on the unescaped body. An input that was all escaped is decided as a new input;
    a page whose body element held escaped markup keeps its metadata and gets the unescaped body."""
    inner_html = unescape_once(raw.body_tree)
    if raw.body_source == FRAGMENT and not raw.title:
        inner = _decide_once(inner_html, url)
        inner.body_source = f"{ESCAPED}+{inner.body_source}"
        inner.url = inner.url or raw.url
        return inner
    raw.body_tree = parse_fragment(inner_html)
    raw.body_html = inner_html
    raw.kept_text = None  # trafilatura's text held the tags as words
    raw.body_source = f"{raw.body_source}+{ESCAPED}"
    return raw


def settle_fragment(raw: RawArticle) -> RawArticle:
    """A body given as a string (a Jekyll post's): unescaped once when it was stored escaped."""
    body_html = raw.body_html or ""
    if not _may_be_escaped(body_html):
        return raw
    tree = parse_fragment(body_html)
    if holds_escaped_markup(tree):
        raw.body_html = unescape_once(tree)
        raw.body_tree = None
        raw.body_source = f"{raw.body_source}+{ESCAPED}"
    return raw


_FILLED_FROM_BODY = ("url", "title", "published_at", "media", "author", "digest")


def settle_html_body(raw: RawArticle) -> RawArticle:
    """A raw article whose body came as an HTML string from elsewhere (a JSON record's ``html`` field,
    which may be a page, a fragment or an escaped body): the same decision, the record's own metadata
    first. Left as it is when the HTML holds no article text."""
    try:
        decided = decide(raw.body_html or "", raw.url)
    except NotAnArticleError:
        return raw
    for name in _FILLED_FROM_BODY:
        if not getattr(raw, name):
            setattr(raw, name, getattr(decided, name))
    raw.body_tree, raw.kept_text, raw.body_source = decided.body_tree, decided.kept_text, decided.body_source
    return raw
