"""A plain-text article's title and date, which a text file does not mark: found in its first lines or
in its file name, and said how (pure: text and name in, fields out).

Rules, in order:
- Title: the first line, when it is short (at most 64 characters), does not end a sentence (。！？…)
  and more text follows; it is then taken out of the body. Else the file name, when it holds words
  (its date and separators dropped): ``2026-11-20_宁德时代发布新电池.txt`` → 宁德时代发布新电池.
- Date: a date labelled as the article's (发布时间：2023-03-18 15:16:29) in the first fifteen lines, which
  outranks the timestamps of a page's neighbouring-article list above it (扩展阅读 … 2025-07-26 07:08:38).
  Else a dateline's date in the first five lines (2026年11月20日 10:30, 2026-11-20 …): on a short line,
  at the start of its line (after a label such as 发布时间：), or with a time of day; a date inside a
  sentence is what the sentence is about (打破了中国石油在2007年11月5日所保持的纪录), not the article's.
  Else one in the file name (2026-11-20, 2026_11_20, 20261120)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from core.dates import parse_datetime

MAX_TITLE_CHARS = 64
_SENTENCE_END = "。！？!?…；;"
_DATE_IN_TEXT_RE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T\s]+\d{1,2}:\d{2}(?::\d{2})?)?"
)
# A label that says the date after it is the article's own (发布时间：, 发表于, 日期：).
_ARTICLE_DATE_LABEL_RE = re.compile(
    r"(?:^|[\s|丨/])(?:发布|发表|更新|上传)(?:时间|日期|于)\s*[:：]?\s*$|(?:^|[\s|丨/])(?:时间|日期)\s*[:：]\s*$"
)
LABELLED_DATE_LINE_CHARS = 60  # a dateline with its label is a short line, not a sentence that quotes a date
LABELLED_DATE_LINES = 15
_DATELINE_LABEL_RE = re.compile(r"^\s*(?:[\u4e00-\u9fff]{0,4}(?:时间|日期)\s*[:：]?)?\s*$")
_SENTENCE_GOES_ON_RE = re.compile(r"[，,、]|[\u4e00-\u9fff]")  # a date as a sentence's opening words
_TIME_OF_DAY_RE = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}")
DATELINE_CHARS = 40  # a line this short is a dateline, a byline or a title, not a sentence
_DATE_IN_NAME_RE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_WORDS_RE = re.compile(r"[\w\u4e00-\u9fff]")


@dataclass(frozen=True)
class TextFields:
    title: str | None
    published_at: datetime | None
    body: str
    how: str  # how the title and the date were found, e.g. "title: first line; date: file name"


def _date_in_name(stem: str) -> tuple[datetime | None, str]:
    match = _DATE_IN_NAME_RE.search(stem)
    if not match:
        return None, stem
    moment = parse_datetime("-".join(match.groups()))
    rest = (stem[: match.start()] + " " + stem[match.end() :]).strip(" _-.")
    return moment, rest


def _is_dateline(line: str, match: re.Match[str]) -> bool:
    """The date of ``match`` dates the article: its line is short, or it opens the line after a label
    (发布时间：), or opens it alone with no sentence going on from it (``2019年9月23日,汇顶科技…`` tells a
    story), or it has a time of day."""
    return (
        len(line.strip()) <= DATELINE_CHARS
        or (
            _DATELINE_LABEL_RE.match(line[: match.start()]) is not None
            and (bool(line[: match.start()].strip()) or _SENTENCE_GOES_ON_RE.match(line, match.end()) is None)
        )
        or _TIME_OF_DAY_RE.search(match.group(0)) is not None
    )


def _labelled_date(lines: list[str]) -> datetime | None:
    """The first date a label calls the article's (发布时间：2023-03-18 15:16:29), if any."""
    for line in lines:
        if len(line.strip()) > LABELLED_DATE_LINE_CHARS:
            continue
        for match in _DATE_IN_TEXT_RE.finditer(line):
            if _ARTICLE_DATE_LABEL_RE.search(line, 0, match.start()) is not None:
                moment = parse_datetime(match.group(0))
                if moment is not None:
                    return moment
    return None


def text_fields(text: str, file_name: str | None = None) -> TextFields:
    """The title, date and body of a plain-text article (see the module's rules)."""
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    rest = "\n".join(lines[1:]).strip()
    title, body, title_how = None, text, "none"
    if first and rest and len(first) <= MAX_TITLE_CHARS and first[-1] not in _SENTENCE_END:
        title, body, title_how = first, rest, "first line"
    stem = PurePath(file_name).stem if file_name else ""
    name_date, name_words = _date_in_name(stem)
    if title is None and name_words and _WORDS_RE.search(name_words):
        title, title_how = re.sub(r"[_]+", " ", name_words).strip(), "file name"
    published_at, date_how = _labelled_date(lines[:LABELLED_DATE_LINES]), "text"
    if published_at is None:
        date_how = "none"
    for line in lines[:5] if published_at is None else ():
        match = _DATE_IN_TEXT_RE.search(line)
        if match is None or not _is_dateline(line, match):
            continue
        if (moment := parse_datetime(match.group(0))) is not None:
            published_at, date_how = moment, "text"
            break
    if published_at is None and name_date is not None:
        published_at, date_how = name_date, "file name"
    return TextFields(title, published_at, body, f"title: {title_how}; date: {date_how}")
