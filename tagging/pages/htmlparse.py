"""HTML into lxml trees, whatever the input: control characters libxml2 refuses dropped first, pages
nested deeper than the parser allows flattened until every word is kept; and the vocabulary of
elements (blocks, cells, what no reader sees) the body walk and the body decision share."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import lxml.html
from lxml import etree

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "center",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "form",
        "hr",
        "address",
    ]
)
CELL_TAGS = frozenset({"td", "th"})
# Elements whose content no reader sees as article text.
INVISIBLE_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "img",
        "video",
        "audio",
        "source",
        "object",
        "embed",
        "svg",
        "canvas",
        "button",
        "input",
        "select",
        "option",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
        "template",
        "map",
        "area",
    ]
)

# What libxml2 refuses (control characters), and the private-use characters the body walk
# (tagging.markup.clean) uses as markers, which must not come from the page.
_XML_INCOMPATIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue000-\ue003]")  # and our markers
_CHAR_REFERENCE_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_invalid_reference(match: re.Match[str]) -> str:
    """Keep a numeric character reference unless it names a character XML cannot hold or one of the body walk's
    markers (U+E000-U+E003: a page's &#xE003; was read as a line break of its own source)."""
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE004 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return match.group(0)
    return ""


# An XHTML page's XML declaration (<?xml version="1.0" encoding="utf-8"?>): lxml refuses a decoded page that
# names its encoding ("Unicode strings with encoding declaration are not supported"), and the page was lost as
# unparseable. The page is already decoded: the declaration says nothing more.
_XML_DECLARATION_RE = re.compile(r"^\ufeff?\s*<\?xml\b[^>]*\?>")


def sanitize_html(html: str) -> str:
    """Drop the characters libxml2 refuses (control characters, also when written as ``&#1;``) and an XML
    declaration before the page."""
    html = _XML_INCOMPATIBLE_RE.sub("", html or "")
    if html.lstrip("\ufeff \t\r\n").startswith("<?xml"):
        html = _XML_DECLARATION_RE.sub("", html, count=1)
    return _CHAR_REFERENCE_RE.sub(_drop_invalid_reference, html) if "&#" in html else html


# libxml2 stops at 256 levels of nesting (2048 with huge_tree) and drops what lies deeper.
_DEPTH_ERROR = "Excessive depth"
_BARE_WRAPPER_TAG_RE = re.compile(
    r"<(/?)(div|section|article|center|blockquote|span|font|b|i|u|em|strong|small|big)\s*/?>", re.IGNORECASE
)
_BLOCK_WRAPPERS = frozenset({"div", "section", "article", "center", "blockquote"})
_ANY_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_KEPT_WHEN_FLAT = frozenset({"p", "br", "a"})
_parsers = threading.local()


def html_parser() -> lxml.html.HTMLParser:
    """This thread's HTML parser, with ``huge_tree``: deep pages keep their text (up to 2048 levels)."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = lxml.html.HTMLParser(huge_tree=True)
    return parser


def _too_deep(parser: lxml.html.HTMLParser) -> bool:
    return any(_DEPTH_ERROR in entry.message for entry in parser.error_log)


def _unwrap_bare_tag(match: re.Match[str]) -> str:
    return "<br>" if match.group(2).lower() in _BLOCK_WRAPPERS else ""


def _flatten_tag(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name in _KEPT_WHEN_FLAT:
        return match.group(0)
    return "<br>" if name in BLOCK_TAGS else ""


def flatten_deep_html(html: str, keep_attributed: bool = True) -> str:
    """Remove nesting so that the parser keeps every word: first the wrappers without attributes
    (ticker spans keep their ids), and with ``keep_attributed=False`` every tag but ``p``, ``br``
    and ``a`` (block tags become line breaks)."""
    if keep_attributed:
        return _BARE_WRAPPER_TAG_RE.sub(_unwrap_bare_tag, html)
    return _ANY_TAG_RE.sub(_flatten_tag, html)


def _parse_depth_safe(html: str, parse: Callable[[str, lxml.html.HTMLParser], etree._Element]) -> etree._Element:
    """Parse; a page deeper than the parser allows is flattened (in two steps) and parsed again."""
    parser = html_parser()
    tree = parse(html, parser)
    for keep_attributed in (True, False):
        if not _too_deep(parser):
            break
        tree = parse(flatten_deep_html(html, keep_attributed), parser)
    return tree


def _parse_document(html: str, parser: lxml.html.HTMLParser) -> etree._Element:
    return lxml.html.document_fromstring(html, parser=parser)


def _parse_fragment(html: str, parser: lxml.html.HTMLParser) -> etree._Element:
    return lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)


def parse_document_tree(html: str | bytes) -> etree._Element:
    """A whole page parsed depth-safely (control characters dropped first). Raises
    :class:`lxml.etree.ParserError` for a document with nothing in it."""
    if isinstance(html, bytes):
        return lxml.html.document_fromstring(html, parser=html_parser())
    return _parse_depth_safe(sanitize_html(html), _parse_document)


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment (or page) into an element whose children are the fragment's nodes.

    Broken HTML is repaired by libxml2; characters it refuses (control characters, also when
    written as ``&#1;``) are dropped first, so malformed input never raises. Deeply nested HTML
    keeps its text (``huge_tree``, then flattening)."""
    html = sanitize_html(html)
    if not html.strip():
        return lxml.html.fragment_fromstring("<div></div>")
    try:
        return _parse_depth_safe(html, _parse_fragment)
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("<div></div>")
