"""Turn an Eastmoney article body (HTML) into clean text plus the securities its markup names.

The walk keeps every character a reader sees in the body, one paragraph per line, and removes
what a reader does not see or what is not the article: ticker markup (the visible name stays),
empty quote placeholders, K-line chart blocks, images, scripts, ads and the source / editor lines
(which become metadata). Each security link becomes a :class:`Mention` with character offsets
into the clean text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from tagging.securities import (
    QUOTE_LINK_RE,
    Security,
    from_data_code,
    from_element_id,
    from_quote_href,
    us_ticker_without_market,
    with_kind_of_link,
)

# Private-use characters mark mention boundaries while the text is normalised; they are removed
# (and stripped from the input) so they can never collide with article text.
_MENTION_START = "\ue000"
_MENTION_END = "\ue001"
_CELL_SEPARATOR = "\ue002"

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
# Classes of elements that are page furniture inside the body.
DROPPED_CLASSES = frozenset({"EmImageRemark", "toplink", "em_handle_adv_close", "ad_context3", "b-review", "res-edit"})
SECURITY_CLASSES = frozenset({"keytip", "em_stock_key_common"})
DATA_LINK_CLASS = "infokey"
MEDIA_CLASS = "em_media"

# Whole paragraphs that are Eastmoney's own promotions or notices rather than article text.
BOILERPLATE_LINE_PATTERNS = (
    re.compile(r"在东方财富看资讯行情"),
    re.compile(r"一站式开户"),
    re.compile(r"^免责声明[:：]本文基于AI生产"),
    re.compile(r"^[（(]?\s*(?:文章来源|来源)[:：].{0,40}[)）]?$"),
    re.compile(r"^[（(]?\s*责任编辑[:：].{0,40}[)）]?$"),
    re.compile(r"^郑重声明[:：]"),
    re.compile(r"^全新妙想投研助理"),
)
_SOURCE_LINE_RE = re.compile(r"^[（(]?\s*(?:文章来源|来源)[:：]")
_MEDIA_LINE_RE = re.compile(r"(?:文章来源|来源)[:：]\s*(.+?)\s*[)）]?\s*$")
_EDITOR_RE = re.compile(r"责任编辑[:：]\s*([^\s)）]+)")
_SPACES_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_EDGE_SPACE = " \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_STOCK_IMG_START = "EM_StockImg_Start"
_STOCK_IMG_END = "EM_StockImg_End"


@dataclass
class Mention:
    """A security named by markup (or found in text), with offsets into the clean text."""

    security: Security
    text: str
    start: int | None = None
    end: int | None = None
    where: str = "body"  # "body", "media" (the 文章来源 line) or "title"
    source: str = "markup"  # "markup" or "text"
    # Why a text mention was given: name, former_name, full_name, alias or code (None for markup).
    how: str | None = None

    @property
    def secid(self) -> str:
        return self.security.secid


@dataclass
class CleanBody:
    """The clean text of a body, its mentions, and the metadata lines lifted out of it."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    media: str | None = None
    editor: str | None = None
    digest: str | None = None


class _Builder:
    """Collects text pieces and mention markers during the walk."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mentions: list[Mention] = []
        self.skipping_chart = False
        # Source lines ("（文章来源：…）") dropped from the text without the em_media class (copies).
        self.source_lines: list[str] = []

    def add(self, text: str | None) -> None:
        # The text holds no marker characters: sanitize_html removed them from every input.
        if text and not self.skipping_chart:
            self.parts.append(text)

    def block_break(self) -> None:
        self.parts.append("\n")


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _is_hidden(element: etree._Element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


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
    thing an old ``stock_`` id marks (``ZS395022.html`` an index, ``fund.eastmoney.com`` a fund)."""
    security = from_data_code(element.get("data-code"))
    if security:
        return security
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
    from tagging.knowledge import load_knowledge_base  # the tables only when such a link occurs

    secid = load_knowledge_base().us_tickers.get(ticker)
    return load_knowledge_base().securities[secid][0] if secid else None


def _is_ticker_markup(element: etree._Element, tag: str, classes: set[str]) -> bool:
    """Ticker classes, or a bare link to a quote page (copies elsewhere strip classes and spans)."""
    return bool(classes & SECURITY_CLASSES) or (tag == "a" and bool(QUOTE_LINK_RE.search(element.get("href") or "")))


def _is_bare_ticker_span(element: etree._Element, tag: str, element_id: str) -> bool:
    """A ``stock_``/``bk_`` span whose link a copy stripped (``<span id="stock_NASDAQ_INTC7">英特尔</span>``):
    the span itself is the mention when nothing inside it is ticker markup."""
    if tag != "span" or not element_id.startswith(_TICKER_ID_PREFIXES) or from_element_id(element_id) is None:
        return False
    for inner in element.iterdescendants():
        if isinstance(inner.tag, str) and _is_ticker_markup(inner, inner.tag.lower(), _classes(inner)):
            return False
    return True


_TICKER_ID_PREFIXES = ("stock_", "bk_", "Info.")
# Walk operations: enter an element, enter it as plain text (inside a mention), or leave it.
_ENTER, _ENTER_PLAIN, _LEAVE = 0, 1, 2


def _is_dropped(element: etree._Element, tag: str, classes: set[str], element_id: str) -> bool:
    return (
        tag in INVISIBLE_TAGS
        or bool(classes & DROPPED_CLASSES)
        or _is_hidden(element)
        or element_id.startswith(("quote_", "bkquote_"))
    )


def _walk_tree(root: etree._Element, out: _Builder, media_lines: list[_Builder]) -> None:
    """Walk the children of ``root`` into ``out``.

    The walk keeps its own stack instead of recursing: pages nested a few thousand elements deep
    (which the parser keeps with ``huge_tree``) would exceed Python's recursion limit."""
    out.add(root.text)
    stack: list[tuple] = [(_ENTER, child, out) for child in reversed(root)]
    push = stack.append
    while stack:
        item = stack.pop()
        op, element, builder = item[0], item[1], item[2]
        if op == _LEAVE:
            if item[3]:  # a mention ends here
                builder.parts.append(_MENTION_END)
            if item[4]:  # a block ends here
                builder.block_break()
            builder.add(element.tail)
            continue
        tag = element.tag
        if op == _ENTER_PLAIN:
            if isinstance(tag, str) and tag.lower() not in INVISIBLE_TAGS:
                builder.add(element.text)
                push((_LEAVE, element, builder, False, False))
                for child in reversed(element):
                    push((_ENTER_PLAIN, child, builder))
            else:
                builder.add(element.tail)
            continue
        if not isinstance(tag, str):
            if isinstance(element, etree._Comment):
                comment = element.text or ""
                if _STOCK_IMG_START in comment:
                    builder.skipping_chart = True
                elif _STOCK_IMG_END in comment:
                    builder.skipping_chart = False
            builder.add(element.tail)  # processing instructions, entities, comments
            continue
        tag = tag.lower()
        classes = _classes(element)
        element_id = element.get("id") or ""
        if _is_dropped(element, tag, classes, element_id):
            builder.add(element.tail)
            continue
        if MEDIA_CLASS in classes:
            media = _Builder()
            media_lines.append(media)
            media.add(element.text)
            push((_LEAVE, element, builder, False, False))
            for child in reversed(element):
                push((_ENTER, child, media))
            continue

        security = None
        if _is_ticker_markup(element, tag, classes) or _is_bare_ticker_span(element, tag, element_id):
            security = security_of(element)
        elif DATA_LINK_CLASS in classes:
            # Data links are not securities, but one may point at an index quote (创业板指).
            found = from_quote_href(element.get("href"))
            security = found if found and found.kind == "index" else None

        is_block = tag in BLOCK_TAGS
        if is_block or tag == "br":
            builder.block_break()
        if tag in CELL_TAGS:
            builder.parts.append(_CELL_SEPARATOR)
        if security is not None and not builder.skipping_chart:
            builder.parts.append(_MENTION_START)
            builder.mentions.append(Mention(security=security, text=""))
            builder.add(element.text)
            # A mention's inner markup is plain text: never a second mention for the same words.
            push((_LEAVE, element, builder, True, is_block))
            for child in reversed(element):
                push((_ENTER_PLAIN, child, builder))
        else:
            builder.add(element.text)
            push((_LEAVE, element, builder, False, is_block))
            for child in reversed(element):
                push((_ENTER, child, builder))


_MARKER_SPLIT_RE = re.compile(f"([{_MENTION_START}{_MENTION_END}])")
_CELL_SPACES_RE = re.compile(f" ?{_CELL_SEPARATOR} ?")
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p.pattern})" for p in BOILERPLATE_LINE_PATTERNS))


def _normalise(
    builder: _Builder, drop_boilerplate: bool, keep_line: Callable[[str], bool] | None = None
) -> tuple[str, list[Mention]]:
    """Join the pieces into lines, drop empty and boilerplate lines (and those ``keep_line`` refuses),
    and resolve mention offsets."""
    lines: list[str] = []
    resolved: list[Mention] = []
    next_mention = 0
    offset = 0  # length of the clean text built so far
    for raw_line in "".join(builder.parts).split("\n"):
        line = _SPACES_RE.sub(" ", raw_line).strip(_EDGE_SPACE)
        if _CELL_SEPARATOR in line:
            line = _CELL_SPACES_RE.sub(_CELL_SEPARATOR, line).strip(_CELL_SEPARATOR + " ")
        starts = line.count(_MENTION_START)
        has_markers = starts or _MENTION_END in line
        visible = line.replace(_MENTION_START, "").replace(_MENTION_END, "").strip(_EDGE_SPACE) if has_markers else line
        if (
            not visible
            or (drop_boilerplate and _BOILERPLATE_RE.search(visible))
            # Lines with ticker markup or table cells are article text whatever the extractor thought.
            or (keep_line is not None and not has_markers and _CELL_SEPARATOR not in line and not keep_line(visible))
        ):
            next_mention += starts  # mentions inside a dropped line are dropped with it
            if visible and _SOURCE_LINE_RE.match(visible):
                builder.source_lines.append(visible)
            continue
        if lines:
            offset += 1  # the newline between paragraphs
        if not has_markers:  # the common case: no mention to resolve
            line_text = line.replace(_CELL_SEPARATOR, "\t")
            lines.append(line_text)
            offset += len(line_text)
            continue
        parts: list[str] = []
        length = 0
        open_mentions: list[tuple[Mention, int]] = []
        closed: list[tuple[Mention, int, int]] = []
        for piece in _MARKER_SPLIT_RE.split(line):
            if piece == _MENTION_START:
                if next_mention < len(builder.mentions):  # (a stray marker in a foreign tree is ignored)
                    open_mentions.append((builder.mentions[next_mention], length))
                next_mention += 1
            elif piece == _MENTION_END:
                if open_mentions:
                    mention, start = open_mentions.pop()
                    closed.append((mention, start, length))
            elif piece:
                piece = piece.replace(_CELL_SEPARATOR, "\t")
                parts.append(piece)
                length += len(piece)
        line_text = "".join(parts)
        for mention, start, end in sorted(closed, key=lambda item: item[1]):
            _close_mention(mention, line_text, start, end, offset, resolved)
        lines.append(line_text)
        offset += len(line_text)
    return "\n".join(lines), resolved


def _close_mention(mention: Mention, line: str, start: int, end: int, offset: int, resolved: list[Mention]) -> None:
    """Set a mention's offsets and text, trimming white space the line normalisation left inside it."""
    while start < end and line[start] in _EDGE_SPACE:
        start += 1
    while end > start and line[end - 1] in _EDGE_SPACE:
        end -= 1
    if start < end:
        mention.start, mention.end = offset + start, offset + end
        mention.text = line[start:end]
        resolved.append(mention)


# What libxml2 refuses (control characters), and the private-use characters the walk uses as
# markers, which must not come from the page.
_XML_INCOMPATIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue000-\ue002]")
_CHAR_REFERENCE_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_invalid_reference(match: re.Match[str]) -> str:
    """Keep a numeric character reference unless it names a character XML cannot hold."""
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE003 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return match.group(0)
    return ""


def sanitize_html(html: str) -> str:
    """Drop the characters libxml2 refuses (control characters, also when written as ``&#1;``)."""
    html = _XML_INCOMPATIBLE_RE.sub("", html or "")
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


def clean_element(
    body: etree._Element, drop_boilerplate: bool = True, keep_line: Callable[[str], bool] | None = None
) -> CleanBody:
    """Clean an already parsed body element (e.g. ``#ContentBody`` of a page). ``keep_line`` may refuse
    lines of the clean text (the generic path keeps only what the main-content extractor kept), except
    lines with ticker markup or table cells."""
    builder = _Builder()
    media_lines: list[_Builder] = []
    _walk_tree(body, builder, media_lines)
    text, mentions = _normalise(builder, drop_boilerplate, keep_line)

    media = None
    for media_builder in media_lines:
        line, line_mentions = _normalise(media_builder, drop_boilerplate=False)
        match = _MEDIA_LINE_RE.search(line)
        if match and media is None:
            media = match.group(1).strip()
        for mention in line_mentions:
            # Offsets point into the clean text only; the source line is not part of it.
            mention.where, mention.start, mention.end = "media", None, None
            mentions.append(mention)
    if media is None:  # a copy that lost the em_media class still has its source line
        media = next((m.group(1).strip() for line in builder.source_lines if (m := _MEDIA_LINE_RE.search(line))), None)
    editor = None
    editor_match = _EDITOR_RE.search(" ".join(body.itertext()))
    if editor_match:
        editor = editor_match.group(1)
    digest_nodes = body.xpath('.//div[contains(concat(" ", normalize-space(@class), " "), " b-review ")]')
    digest = None
    if digest_nodes:
        digest = _SPACES_RE.sub(" ", digest_nodes[0].text_content()).strip(_EDGE_SPACE) or None
    return CleanBody(text=text, mentions=mentions, media=media, editor=editor, digest=digest)


def clean_body(html: str, drop_boilerplate: bool = True) -> CleanBody:
    """Clean an article body given as HTML. Never raises on malformed HTML."""
    return clean_element(parse_fragment(html), drop_boilerplate=drop_boilerplate)


def clean_plain_text(text: str) -> CleanBody:
    """Clean a body that is already text (a mirrored post without markup): one paragraph per line,
    white space normalised, Eastmoney's notices dropped, the source and editor lines lifted out."""
    lines: list[str] = []
    media = editor = None
    for raw_line in (text or "").splitlines():
        line = _SPACES_RE.sub(" ", raw_line).strip(_EDGE_SPACE)
        if not line:
            continue
        if _BOILERPLATE_RE.search(line):
            if media is None and (match := _MEDIA_LINE_RE.search(line)) and "责任编辑" not in line:
                media = match.group(1).strip()
            if editor is None and (match := _EDITOR_RE.search(line)):
                editor = match.group(1)
            continue
        lines.append(line)
    return CleanBody(text="\n".join(lines), media=media, editor=editor)
