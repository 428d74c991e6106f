"""The walked body's pieces into clean text: one paragraph per line, white space normalised,
Eastmoney's notices dropped, mention markers resolved to offsets into the text; and a body that is
already text cleaned the same way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from core.article import CleanBody, Mention

# Private-use characters mark mention boundaries while the text is normalised; they are removed
# (and stripped from the input) so they can never collide with article text.
MENTION_START = "\ue000"
MENTION_END = "\ue001"
CELL_SEPARATOR = "\ue002"
# A line break inside a text node of a body laid out with paragraphs (<p>, <br>, <div> …): white space, as a
# browser shows it (nothing between two Chinese characters, a space elsewhere), unless it ends a sentence or
# a list item starts after it, or a blank line makes it a paragraph break (markdown in a post). In <pre>, and
# in a body without any such element (a post's text with a <b> in it), a line break stays a line break.
SOFT_BREAK = "\ue003"

# Whole paragraphs that are Eastmoney's own promotions or notices rather than article text.
BOILERPLATE_LINE_PATTERNS = (
    # The account-opening promotion (在东方财富看资讯行情，选东方财富证券一站式开户交易>>), whole lines only:
    # broker news speaks of 一站式开户 too.
    re.compile(r"^在东方财富看资讯行情"),
    re.compile(r"^[^，。！？]{0,12}一站式开户交易\W*$"),
    re.compile(r"^免责声明[:：]本文基于AI生产"),
    # The source line as 文章来源：…, bracketed or not; a 来源：… line, bare or bracketed, only when it ends
    # the body (LAST_SOURCE_LINE_RE): elsewhere it is a chart's or a table's caption (（来源：国家统计局）).
    re.compile(r"^[（(]\s*文章来源[:：][^)）]{0,40}[)）]?$"),
    re.compile(r"^文章来源[:：].{0,40}$"),
    re.compile(r"^[（(]?\s*责任编辑[:：].{0,40}[)）]?$"),
    # A site's notice (郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关 / 本文版权归原作者所有，转载…
    # / 所载数据、文章仅供参考…); a company's own 郑重声明 (公司从未授权任何机构…) is news.
    # The site speaks of itself or of what it reposts; a company's words (转载, 所有信息以公告为准) are not enough.
    re.compile(
        r"^郑重声明[:：].{0,40}(?:东方财富|本站|本网|本平台|传播更多信息|本文版权|转载文章|仅供参考|风险自负|立场无关|"
        r"在财富号)"
    ),
    # The disclaimer of Choice's automatic articles (sites.md 1.2): "【东方财富Choice数据】东方财富发布此内容旨在
    # 传播更多信息，与本平台立场无关…", a paragraph of its own.
    re.compile(r"^(?:【[^】]{1,20}】)?\s*东方财富发布此内容旨在传播更多信息"),
    re.compile(r"^全新妙想投研助理"),
    # The share widget's text at the body's end ("打开微信，" / "点击底部的“发现”" / "使用“扫一扫”即可将
    # 网页分享至朋友圈。", one line each or together) and the app-download prompt: widgets, not text.
    re.compile(r"^打开微信[，,]?(?:点击底部的.{0,3}发现.{0,40})?$"),
    re.compile(r"^点击底部的.{0,3}发现.{0,3}[，,。]?(?:使用.{0,3}扫一扫.{0,30})?$"),
    re.compile(r"^使用.{0,3}扫一扫.{0,3}即可将网页分享至朋友圈[。.]?$"),
    re.compile(r"^(?:扫码)?下载东方财富(?:APP|App|app|客户端).{0,20}$"),
)
_SOURCE_LINE_RE = re.compile(r"^[（(]?\s*(?:文章来源|来源)[:：]")
LAST_SOURCE_LINE_RE = re.compile(r"^(?:来源[:：]\s*\S.{0,39}|[（(]\s*来源[:：][^)）]{0,40}[)）]?)$")
MEDIA_LINE_RE = re.compile(r"(?:文章来源|来源)[:：]\s*(.+?)\s*[)）]?\s*$")
# Short credit lines that may follow the source line at a body's end: （编辑：张三）, 原标题：…, （记者 李四）.
_CREDIT_LINE_RE = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|编辑|责编|原标题|记者|作者|校对|审核|审校|监制|策划|撰文|摄影|通讯员|实习生)"
    r"\s*[:：/|｜ ]"
)


def _is_credit(line: str) -> bool:
    return len(line) <= 80 and bool(_CREDIT_LINE_RE.match(line))


def _lines_ending_the_text(lines: list[str]) -> list[int]:
    """The indexes, in order, of the 来源 lines that only credits follow: the body's source line, not a caption
    (a caption, 来源：国家统计局 under a table, has article text or the source line after it). One pass from the
    end: a page of thousands of captions asked, for each, about every line after it."""
    ending: list[int] = []
    only_credits_after = True
    for index in range(len(lines) - 1, -1, -1):
        if only_credits_after and LAST_SOURCE_LINE_RE.match(lines[index]):
            ending.append(index)
        only_credits_after = only_credits_after and _is_credit(lines[index])
    return ending[::-1]


EDITOR_LABEL = "责任编辑"  # every EDITOR_RE match begins with it
EDITOR_RE = re.compile(EDITOR_LABEL + r"[:：]\s*([^\s)）]+)")
SPACES_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009]+")
_SPACES_IN_A_LINE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009]+")  # SPACES_RE but the line break
EDGE_SPACE = " \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009"
# Zero-width characters (pasted from WeChat copies: 贵州\u200b茅台) show nothing: deleted, not made spaces, so
# names stay whole. A joiner between two emoji draws one picture and stays.
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u2060\ufeff]|(?<![\U0001f000-\U0001faff\u2600-\u27bf])\u200d")
# The characters it matches. Looking for each with ``in`` (a C scan) is about 30× faster than the expression's
# search, which cost 2–3 % of tagging a page from its markup (bench/tagging.py).
_ZERO_WIDTH_CHARACTERS = ("\u200b", "\u200c", "\u2060", "\ufeff", "\u200d")


def drop_zero_width(text: str) -> str:
    """``text`` without the zero-width characters a reader does not see."""
    if not any(character in text for character in _ZERO_WIDTH_CHARACTERS):
        return text
    return _ZERO_WIDTH_RE.sub("", text) if _ZERO_WIDTH_RE.search(text) else text


class Builder:
    """Collects text pieces and mention markers during the walk."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mentions: list[Mention] = []
        self.skipping_chart = False
        self.charted: list[str] = []  # the secids of the chart blocks dropped from the text
        # Source lines ("（文章来源：…）") dropped from the text without the em_media class (copies).
        self.source_lines: list[str] = []
        self.soft_breaks = False  # whether the body is laid out with paragraph elements (see SOFT_BREAK)
        self.preformatted = 0  # how many <pre> the walk is inside

    def add(self, text: str | None) -> None:
        # The text holds no marker characters: sanitize_html removed them from every input.
        if text and not self.skipping_chart:
            if "\n" in text and self.soft_breaks and not self.preformatted:
                # The white space between two elements (a tail of "\n  "), a body's commonest text, is read once.
                short_blank = len(text) <= _BLANK_REMEMBERED_CHARS and text.isspace()
                text = _blank_source_breaks(text) if short_blank else _SOURCE_BREAK_RE.sub(_source_break, text)
            self.parts.append(text)

    def block_break(self) -> None:
        self.parts.append("\n")


# Each begins only where a run of spaces begins: tried from every space of a long run, the run was read to its end
# each time (quadratic). A match inside a run would begin at the run's start anyway.
_SOURCE_BREAK_RE = re.compile(r"(?<![ \t\r\f\v\u3000])[ \t\r\f\v\u3000]*\n(?:[ \t\r\f\v\u3000]*\n)*[ \t\r\f\v\u3000]*")
_SOFT_RUN_RE = re.compile(f"(?<![ \t\r\f\v\u3000])[ \t\r\f\v\u3000]*{SOFT_BREAK}[ \t\r\f\v\u3000{SOFT_BREAK}]*")
# Soft breaks next to a line's end, each run at once (one replace a pass took a pass a soft break).
_SOFT_AFTER_A_BREAK_RE = re.compile(f"\n{SOFT_BREAK}+")
_SOFT_BEFORE_A_BREAK_RE = re.compile(f"{SOFT_BREAK}+\n")

_NOT_TEXT = frozenset(f"{MENTION_START}{MENTION_END}{SOFT_BREAK} \t\r\f\v\u3000")
_SENTENCE_END = frozenset("。！？!?；;…")
_CLOSING = frozenset("”’」』）)】》\"'")
_LIST_ITEM_RE = re.compile(
    r"[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}(?:、(?!\d)|[)）]|[.．](?!\d))|[（(][一二三四五六七八九十\d]{1,3}[)）]|[•·●■◆▲★※]|第[一二三四五六七八九十\d]{1,3}[章节条]"
)


def _source_break(match: re.Match[str]) -> str:
    return "\n" if match.group(0).count("\n") > 1 else SOFT_BREAK


_BLANK_REMEMBERED_CHARS = 64


@lru_cache(maxsize=256)
def _blank_source_breaks(blank: str) -> str:
    """A blank text's source line breaks (Builder.add), remembered: each blank is read with a Python call a break."""
    return _SOURCE_BREAK_RE.sub(_source_break, blank)


def _is_wide(character: str) -> bool:
    return bool(character) and unicodedata.east_asian_width(character) in ("W", "F")


def _fold_soft_breaks(line: str) -> str:
    """Each source line break of a paragraph (see SOFT_BREAK): a line break after a sentence's end or before a
    list item, else nothing between two wide (Chinese) characters and a space elsewhere. Scans only the few
    characters around each break (a long paragraph with many breaks stays linear)."""

    def fold(match: re.Match[str]) -> str:
        index = match.start() - 1
        while index >= 0 and line[index] in _NOT_TEXT:
            index -= 1
        before = line[index] if index >= 0 else ""
        if before in _CLOSING and index > 0:
            before = line[index - 1] if line[index - 1] in _SENTENCE_END else before
        ahead = match.end()
        while ahead < len(line) and line[ahead] in _NOT_TEXT:
            ahead += 1
        after = line[ahead : ahead + 1]
        if before in _SENTENCE_END or _LIST_ITEM_RE.match(line, ahead):
            return "\n"
        return "" if _is_wide(before) and _is_wide(after) else " "

    # Most source line breaks stand between block elements, next to a line's end: nothing to decide there.
    # (Each expression only where its two characters stand together: a scan for them is much faster than its search.)
    if "\n" + SOFT_BREAK in line:
        line = _SOFT_AFTER_A_BREAK_RE.sub("\n", line)
    if SOFT_BREAK + "\n" in line:
        line = _SOFT_BEFORE_A_BREAK_RE.sub("\n", line)
    return _SOFT_RUN_RE.sub(fold, line) if SOFT_BREAK in line else line


_MARKER_SPLIT_RE = re.compile(f"([{MENTION_START}{MENTION_END}])")
# The 2014 board form's quote links, "(行情 专区)" after the board's name (markup.md 18): page furniture, also
# in copies that dropped the bkquote_ span around them.
_BOARD_QUOTE_LINKS_RE = re.compile(f"{MENTION_END}\\s*[（(]\\s*行情\\s*专区\\s*[)）]")
_CELLSPACES_RE = re.compile(f" ?{CELL_SEPARATOR} ?")
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p.pattern})" for p in BOILERPLATE_LINE_PATTERNS))


def normalise(
    builder: Builder, drop_boilerplate: bool, keep_line: Callable[[str], bool] | None = None
) -> tuple[str, list[Mention]]:
    """Join the pieces into lines, drop empty and boilerplate lines (and those ``keep_line`` refuses),
    and resolve mention offsets."""
    lines: list[str] = []
    resolved: list[Mention] = []
    next_mention = 0
    offset = 0  # length of the clean text built so far
    joined = drop_zero_width("".join(builder.parts))
    if SOFT_BREAK in joined:
        joined = _fold_soft_breaks(joined)
    # A 来源 line followed only by credit lines ends the body: the source line, lifted out (see _lines_ending_the_text).
    trailing_source = (
        _trailing_source_lines(joined.split("\n"), keep_line) if drop_boilerplate and "来源" in joined else set()
    )
    # Each line's runs of white space made one space, in one pass over the text (the runs never cross a line's end).
    for number, spaced_line in enumerate(_SPACES_IN_A_LINE_RE.sub(" ", joined).split("\n")):
        line = spaced_line.strip(EDGE_SPACE)
        if CELL_SEPARATOR in line:
            line = _CELLSPACES_RE.sub(CELL_SEPARATOR, line).strip(CELL_SEPARATOR + " ")
        starts = line.count(MENTION_START)
        has_markers = starts or MENTION_END in line
        visible = line.replace(MENTION_START, "").replace(MENTION_END, "").strip(EDGE_SPACE) if has_markers else line
        if (
            not visible
            or number in trailing_source
            or (drop_boilerplate and _BOILERPLATE_RE.search(visible))
            # Lines with ticker markup or table cells are article text whatever the extractor thought.
            or (keep_line is not None and not has_markers and CELL_SEPARATOR not in line and not keep_line(visible))
        ):
            next_mention += starts  # mentions inside a dropped line are dropped with it
            if visible and _SOURCE_LINE_RE.match(visible):
                builder.source_lines.append(visible)
            continue
        if lines:
            offset += 1  # the newline between paragraphs
        if not has_markers:  # the common case: no mention to resolve
            line_text = line.replace(CELL_SEPARATOR, "\t")
            lines.append(line_text)
            offset += len(line_text)
            continue
        if "专区" in line:
            line = _BOARD_QUOTE_LINKS_RE.sub(MENTION_END, line)
        parts: list[str] = []
        length = 0
        open_mentions: list[tuple[Mention, int]] = []
        closed: list[tuple[Mention, int, int]] = []
        for piece in _MARKER_SPLIT_RE.split(line):
            if piece == MENTION_START:
                if next_mention < len(builder.mentions):  # (a stray marker in a foreign tree is ignored)
                    open_mentions.append((builder.mentions[next_mention], length))
                next_mention += 1
            elif piece == MENTION_END:
                if open_mentions:
                    mention, start = open_mentions.pop()
                    closed.append((mention, start, length))
            elif piece:
                piece = piece.replace(CELL_SEPARATOR, "\t")
                parts.append(piece)
                length += len(piece)
        line_text = "".join(parts)
        for mention, start, end in sorted(closed, key=lambda item: item[1]):
            _close_mention(mention, line_text, start, end, offset, resolved)
        lines.append(line_text)
        offset += len(line_text)
    return "\n".join(lines), resolved


def _trailing_source_lines(raw_lines: list[str], keep_line: Callable[[str], bool] | None) -> set[int]:
    """The numbers of the raw lines that are the body's closing 来源 line (bare or bracketed, after the
    last line of article text, with only credit lines after it): dropped by :func:`normalise` as
    boilerplate, with their mentions."""
    kept: list[tuple[int, str]] = []  # the lines normalise would keep, with their numbers
    for number, raw_line in enumerate(raw_lines):
        visible = SPACES_RE.sub(" ", raw_line.replace(MENTION_START, "").replace(MENTION_END, ""))
        visible = visible.replace(CELL_SEPARATOR, " ").strip(EDGE_SPACE)
        if not visible or _BOILERPLATE_RE.search(visible):
            continue
        plain_line = MENTION_START not in raw_line and CELL_SEPARATOR not in raw_line
        if keep_line is not None and plain_line and not keep_line(visible):
            continue
        kept.append((number, visible))
    texts = [visible for _number, visible in kept]
    return {kept[index][0] for index in _lines_ending_the_text(texts)}


def _close_mention(mention: Mention, line: str, start: int, end: int, offset: int, resolved: list[Mention]) -> None:
    """Set a mention's offsets and text, trimming white space the line normalisation left inside it."""
    while start < end and line[start] in EDGE_SPACE:
        start += 1
    while end > start and line[end - 1] in EDGE_SPACE:
        end -= 1
    if start < end:
        mention.start, mention.end = offset + start, offset + end
        mention.text = line[start:end]
        resolved.append(mention)


def clean_plain_text(text: str) -> CleanBody:
    """Clean a body that is already text (a mirrored post without markup): one paragraph per line,
    white space normalised, Eastmoney's notices dropped, the source and editor lines lifted out."""
    lines: list[str] = []
    media = editor = None
    for raw_line in drop_zero_width(text or "").splitlines():
        line = SPACES_RE.sub(" ", raw_line).strip(EDGE_SPACE)
        if not line:
            continue
        if _BOILERPLATE_RE.search(line):
            if media is None and (match := MEDIA_LINE_RE.search(line)) and "责任编辑" not in line:
                media = match.group(1).strip()
            if editor is None and (match := EDITOR_RE.search(line)):
                editor = match.group(1)
            continue
        lines.append(line)
    sources = _lines_ending_the_text(lines)  # see normalise
    if sources:
        media = media or MEDIA_LINE_RE.search(lines[sources[-1]]).group(1).strip()
        lifted = set(sources)
        lines = [line for index, line in enumerate(lines) if index not in lifted]
    return CleanBody(text="\n".join(lines), media=media, editor=editor)
