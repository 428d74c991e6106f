"""Turn an Eastmoney article body (HTML) into clean text plus the securities its markup names.

The walk keeps every character a reader sees in the body, one paragraph per line, and removes
what a reader does not see or what is not the article: ticker markup (the visible name stays),
empty quote placeholders, K-line chart blocks, images, scripts, ads and the source / editor lines
(which become metadata). Each security link becomes a :class:`Mention` with character offsets
into the clean text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from tagging.securities import Security, from_data_code, from_element_id, from_quote_href

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


def security_of(element: etree._Element) -> Security | None:
    """The security a ticker element names, from its data-code, its wrapper's id or its link."""
    candidates = [element.get("data-code")]
    parent = element.getparent()
    for node in (element, parent):
        if node is not None:
            candidates.append(node.get("id"))
    for value in candidates[:1]:
        security = from_data_code(value)
        if security:
            return security
    for value in candidates[1:]:
        security = from_element_id(value)
        if security:
            return security
    return from_quote_href(element.get("href"))


def _walk(element: etree._Element, out: _Builder, media_lines: list[_Builder]) -> None:
    if isinstance(element, etree._Comment):
        comment = element.text or ""
        if _STOCK_IMG_START in comment:
            out.skipping_chart = True
        elif _STOCK_IMG_END in comment:
            out.skipping_chart = False
        out.add(element.tail)
        return
    if not isinstance(element.tag, str):  # processing instructions, entities
        out.add(element.tail)
        return
    tag = element.tag.lower()
    classes = _classes(element)
    element_id = element.get("id") or ""
    if (
        tag in INVISIBLE_TAGS
        or classes & DROPPED_CLASSES
        or _is_hidden(element)
        or element_id.startswith(("quote_", "bkquote_"))
    ):
        out.add(element.tail)
        return
    if MEDIA_CLASS in classes:
        media = _Builder()
        _walk_children(element, media, media_lines)
        media_lines.append(media)
        out.add(element.tail)
        return

    security = None
    if classes & SECURITY_CLASSES or (tag == "a" and "quote.eastmoney.com" in (element.get("href") or "")):
        security = security_of(element)
    elif DATA_LINK_CLASS in classes:
        # Data links are not securities, but one may point at an index quote (创业板指).
        found = from_quote_href(element.get("href"))
        security = found if found and found.kind == "index" else None

    is_block = tag in BLOCK_TAGS
    if is_block:
        out.block_break()
    if tag == "br":
        out.block_break()
    if tag in CELL_TAGS:
        out.parts.append(_CELL_SEPARATOR)
    if security is not None and not out.skipping_chart:
        out.parts.append(_MENTION_START)
        out.mentions.append(Mention(security=security, text=""))
        _walk_children(element, out, media_lines, inside_mention=True)
        out.parts.append(_MENTION_END)
    else:
        _walk_children(element, out, media_lines)
    if is_block:
        out.block_break()
    out.add(element.tail)


def _walk_children(
    element: etree._Element, out: _Builder, media_lines: list[_Builder], inside_mention: bool = False
) -> None:
    out.add(element.text)
    for child in element:
        if inside_mention:
            # A mention's inner markup is plain text: never a second mention for the same words.
            _walk_plain(child, out)
        else:
            _walk(child, out, media_lines)


def _walk_plain(element: etree._Element, out: _Builder) -> None:
    if isinstance(element.tag, str) and element.tag.lower() not in INVISIBLE_TAGS:
        out.add(element.text)
        for child in element:
            _walk_plain(child, out)
    out.add(element.tail)


_MARKER_SPLIT_RE = re.compile(f"([{_MENTION_START}{_MENTION_END}])")
_CELL_SPACES_RE = re.compile(f" ?{_CELL_SEPARATOR} ?")
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p.pattern})" for p in BOILERPLATE_LINE_PATTERNS))


def _normalise(builder: _Builder, drop_boilerplate: bool) -> tuple[str, list[Mention]]:
    """Join the pieces into lines, drop empty and boilerplate lines, and resolve mention offsets."""
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
        if not visible or (drop_boilerplate and _BOILERPLATE_RE.search(visible)):
            next_mention += starts  # mentions inside a dropped line are dropped with it
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


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment (or page) into an element whose children are the fragment's nodes.

    Broken HTML is repaired by libxml2; characters it refuses (control characters, also when
    written as ``&#1;``) are dropped first, so malformed input never raises."""
    html = sanitize_html(html)
    if not html.strip():
        return lxml.html.fragment_fromstring("<div></div>")
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("<div></div>")


def clean_element(body: etree._Element, drop_boilerplate: bool = True) -> CleanBody:
    """Clean an already parsed body element (e.g. ``#ContentBody`` of a page)."""
    builder = _Builder()
    media_lines: list[_Builder] = []
    _walk_children(body, builder, media_lines)
    text, mentions = _normalise(builder, drop_boilerplate)

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
