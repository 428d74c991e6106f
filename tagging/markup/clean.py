"""Turn an Eastmoney article body (HTML) into clean text plus the securities its markup names.

The walk keeps every character a reader sees in the body, one paragraph per line, and removes
what a reader does not see or what is not the article: ticker markup (the visible name stays),
empty quote placeholders, K-line chart blocks, images, scripts, ads and the source / editor lines
(which become metadata). Each security link becomes a :class:`Mention` with character offsets
into the clean text.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from core.article import CleanBody, Mention
from core.securities import from_quote_href
from tagging.markup.lines import (
    CELL_SEPARATOR,
    EDGE_SPACE,
    EDITOR_LABEL,
    EDITOR_RE,
    MEDIA_LINE_RE,
    MENTION_END,
    MENTION_START,
    SPACES_RE,
    Builder,
    normalise,
)
from tagging.markup.tickers import classes_of, is_bare_ticker_span, is_ticker_markup, security_of
from tagging.pages.htmlparse import BLOCK_TAGS, CELL_TAGS, INVISIBLE_TAGS, parse_fragment
from tagging.pages.page import xpath

# Classes of elements that are page furniture inside the body.
CHART_CLASS = "EmImageRemark"  # the link of a K-line chart block (markup.md 8)
DROPPED_CLASSES = frozenset({CHART_CLASS, "toplink", "em_handle_adv_close", "ad_context3", "b-review", "res-edit"})
DATA_LINK_CLASS = "infokey"
_LAYOUT_TAGS = ("p", "br", "div", "li", "tr", "table", "section", "article", "blockquote", "h1", "h2", "h3", "h4")
MEDIA_CLASS = "em_media"
_STOCK_IMG_START = "EM_StockImg_Start"
_STOCK_IMG_END = "EM_StockImg_End"
# Whether the body's text holds the editor's label at all (no EDITOR_RE match without it, and none across two pieces
# of text: they are joined with a space). The string value is the same text nodes that itertext() yields, joined in
# C: a body without the label skips making a Python string of every text node (2 % of tagging from the markup).
_HAS_EDITOR_LABEL = f'contains(string(.), "{EDITOR_LABEL}")'


def _is_hidden(element: etree._Element) -> bool:
    style = element.get("style")
    if not style:  # most elements of a body have none
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


# Walk operations: enter an element, enter it as plain text (inside a mention), or leave it.
_ENTER, _ENTER_PLAIN, _LEAVE = 0, 1, 2


def _is_dropped(element: etree._Element, tag: str, classes: set[str], element_id: str) -> bool:
    return (
        tag in INVISIBLE_TAGS
        or bool(classes & DROPPED_CLASSES)
        or _is_hidden(element)
        or element_id.startswith(("quote_", "bkquote_"))
    )


def _walk_tree(root: etree._Element, out: Builder, media_lines: list[Builder]) -> None:
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
                builder.parts.append(MENTION_END)
            if item[4]:  # a block ends here
                builder.block_break()
                if element.tag == "pre":
                    builder.preformatted -= 1
                # A chart is one block (markup.md 8): a copy that lost the end comment loses no more.
                builder.skipping_chart = False
            builder.add(element.tail)
            continue
        tag = element.tag
        if op == _ENTER_PLAIN:
            if isinstance(tag, str) and tag.lower() not in INVISIBLE_TAGS:
                _open(push, element, builder, builder, _ENTER_PLAIN, False, False)
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
        classes = classes_of(element)
        element_id = element.get("id") or ""
        if _is_dropped(element, tag, classes, element_id):
            visible_chart = CHART_CLASS in classes and not _is_hidden(element)
            if visible_chart and (charted := security_of(element)) and charted.secid not in out.charted:
                out.charted.append(charted.secid)  # no text, but what the page charts
            builder.add(element.tail)
            continue
        if MEDIA_CLASS in classes:
            media = Builder()
            media.soft_breaks = builder.soft_breaks  # （文章来源：中国\n证券报） is one name
            media_lines.append(media)
            _open(push, element, builder, media, _ENTER, False, False)
            continue

        security = None
        # (Only a span can be a bare ticker span: the test is not called for the other elements of a body.)
        if is_ticker_markup(element, tag, classes) or (tag == "span" and is_bare_ticker_span(element, tag, element_id)):
            security = security_of(element)
        elif DATA_LINK_CLASS in classes:
            # Data links are not securities, but one may point at an index quote (创业板指).
            found = from_quote_href(element.get("href"))
            security = found if found and found.kind == "index" else None

        is_block = tag in BLOCK_TAGS
        if is_block or tag == "br":
            builder.block_break()
        if tag == "pre" and is_block:
            builder.preformatted += 1  # its line breaks are lines (see lines.SOFT_BREAK)
        if tag in CELL_TAGS:
            builder.parts.append(CELL_SEPARATOR)
        is_mention = security is not None and not builder.skipping_chart
        if is_mention:
            builder.parts.append(MENTION_START)
            builder.mentions.append(Mention(security=security, text=""))
        # A mention's inner markup is plain text: never a second mention for the same words.
        _open(push, element, builder, builder, _ENTER_PLAIN if is_mention else _ENTER, is_mention, is_block)


def _open(
    push: Callable[[tuple], None],
    element: etree._Element,
    builder: Builder,
    inner: Builder,
    child_op: int,
    ends_mention: bool,
    is_block: bool,
) -> None:
    """Enter an element: its own text and its children (walked as ``child_op``) go to ``inner``,
    its end (the mention or block it closes, its tail) comes back to ``builder``."""
    inner.add(element.text)
    push((_LEAVE, element, builder, ends_mention, is_block))
    for child in reversed(element):
        push((child_op, child, inner))


def clean_element(
    body: etree._Element, drop_boilerplate: bool = True, keep_line: Callable[[str], bool] | None = None
) -> CleanBody:
    """Clean an already parsed body element (e.g. ``#ContentBody`` of a page). ``keep_line`` may refuse
    lines of the clean text (the generic path keeps only what the main-content extractor kept), except
    lines with ticker markup or table cells."""
    builder = Builder()
    # Laid out with paragraph elements, the body's line breaks in text are formatting (see lines.SOFT_BREAK).
    builder.soft_breaks = next(body.iterdescendants(*_LAYOUT_TAGS), None) is not None
    media_lines: list[Builder] = []
    _walk_tree(body, builder, media_lines)
    text, mentions = normalise(builder, drop_boilerplate, keep_line)

    media = None
    for media_builder in media_lines:
        line, line_mentions = normalise(media_builder, drop_boilerplate=False)
        match = MEDIA_LINE_RE.search(line)
        if match and media is None:
            media = match.group(1).strip()
        for mention in line_mentions:
            # Offsets point into the clean text only; the source line is not part of it.
            mention.where, mention.start, mention.end = "media", None, None
            mentions.append(mention)
    if media is None:  # a copy that lost the em_media class still has its source line
        # The last: a caption's 来源 stays text, and the outlet's line ends the body.
        media = next(
            (m.group(1).strip() for line in reversed(builder.source_lines) if (m := MEDIA_LINE_RE.search(line))), None
        )
    editor = None
    editor_match = EDITOR_RE.search(" ".join(body.itertext())) if xpath(body, _HAS_EDITOR_LABEL) else None
    if editor_match:
        editor = editor_match.group(1)
    # (The class as a substring first, which the word test implies: cheaper for libxml2, the same nodes.)
    digest_nodes = xpath(
        body, './/div[contains(@class, "b-review")][contains(concat(" ", normalize-space(@class), " "), " b-review ")]'
    )
    digest = None
    if digest_nodes:
        digest = SPACES_RE.sub(" ", digest_nodes[0].text_content()).strip(EDGE_SPACE) or None
    return CleanBody(text=text, mentions=mentions, media=media, editor=editor, digest=digest, charted=builder.charted)


def clean_body(html: str, drop_boilerplate: bool = True) -> CleanBody:
    """Clean an article body given as HTML. Never raises on malformed HTML."""
    return clean_element(parse_fragment(html), drop_boilerplate=drop_boilerplate)
