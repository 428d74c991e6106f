"""Articles in the tables analysts already have: CSV files and JSON arrays, such as AKShare's news
frames saved with ``to_csv`` (新闻标题, 新闻内容, 发布时间, 文章来源, 新闻链接) or any export with English
column names. Each row becomes one record of the JSON Lines form (``ingest.files.parse_record``), so
a row is checked, named when bad (``file:row``) and loaded exactly as a JSON line would be.

Pure functions: rows in, records out."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from core.config import ConfigError, max_article_bytes
from core.jsontext import escapes_a_surrogate, without_lone_surrogates
from tagging.pages.page import decode_text

# The record fields a column can fill, and the column names recognised for each (lower-cased,
# spaces and underscores removed): AKShare's Chinese names first, then common English ones.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("新闻标题", "标题", "title", "headline", "name"),
    "text": ("新闻内容", "内容", "正文", "text", "content", "body", "article", "summary", "摘要"),
    "published_at": (
        "发布时间",
        "时间",
        "日期",
        "publishedat",
        "published",
        "publishtime",
        "pubdate",
        "date",
        "datetime",
    ),
    "media": ("文章来源", "来源", "媒体", "media", "publisher", "outlet", "sourcename"),
    "url": ("新闻链接", "链接", "网址", "url", "link", "href"),
    "author": ("作者", "author", "byline"),
    "keywords": ("关键词", "keywords", "keyword"),
}
RECORD_FIELDS = tuple(COLUMN_NAMES)


def _folded(name: str) -> str:
    return "".join(name.lower().replace("_", "").replace("-", "").split()).lstrip("\ufeff")


def parse_mapping(text: str | None) -> dict[str, str]:
    """``--map title=新闻标题,text=内容`` → {"title": "新闻标题", "text": "内容"}; an unknown field or
    a malformed pair is a :class:`ConfigError` naming it."""
    mapping: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not column:
            raise ConfigError(f"--map: expected FIELD=COLUMN pairs separated by commas, got {pair.strip()!r}")
        if field not in RECORD_FIELDS:
            raise ConfigError(f"--map: unknown field {field!r}; the fields are {', '.join(RECORD_FIELDS)}")
        mapping[field] = column
    return mapping


def column_mapping(columns: list[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which column fills which record field: ``given`` (``--map``) first, then the recognised names.
    A given column the table lacks is an error; a table with neither a text nor a title column too."""
    given = dict(given or {})
    missing = [column for column in given.values() if column not in columns]
    if missing:
        raise ConfigError(f"--map: no column {missing[0]!r} in this table (its columns: {', '.join(columns)})")
    mapping = dict(given)
    by_folded = {_folded(column): column for column in columns}
    for field, names in COLUMN_NAMES.items():
        if field in mapping:
            continue
        found = next((by_folded[_folded(name)] for name in names if _folded(name) in by_folded), None)
        if found is not None and found not in mapping.values():
            mapping[field] = found
    if "text" not in mapping and "title" not in mapping:
        raise ConfigError(
            f"no column holds the article's text or title (columns: {', '.join(columns)}); "
            "name them with --map text=COLUMN,title=COLUMN"
        )
    return mapping


def content_url(record: Mapping[str, Any]) -> str:
    """An id for an article without a link, from what it says (title, time, text): the same row
    loaded twice is one article."""
    basis = "\n".join(str(record.get(name) or "") for name in ("title", "published_at", "text"))
    return f"urn:finnews:content:{hashlib.sha1(basis.encode('utf-8')).hexdigest()}"


def record_of_row(row: Mapping[str, Any], mapping: Mapping[str, str], source: str) -> dict[str, Any]:
    """One table row as a record of the JSON Lines form."""
    record: dict[str, Any] = {"source": source}
    for field, column in mapping.items():
        value = row.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if field == "keywords":
            value = [w for w in str(value).replace("；", ";").replace(",", ";").split(";") if w.strip()]
        else:
            value = str(value).strip()
        record[field] = value
    if not record.get("text") and record.get("title"):
        record["text"] = record["title"]  # a headline-only row (a 7×24 item) is its own text
    if not record.get("url"):
        record["url"] = content_url(record)
    return record


def csv_records(
    data: bytes, mapping: Mapping[str, str] | None = None, name: str | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, record) for each row of a CSV file (UTF-8, with or without BOM; GB18030 as
    saved by Chinese Excel; ``name``: the file, for a warning about damaged bytes), the header on line 1."""
    text = decode_text(data, name)
    # A cell may hold a whole article: the csv module's limit of 131,072 characters a field would end the table at
    # the first long one (every row after it lost). The article size limit applies per record instead.
    csv.field_size_limit(max(csv.field_size_limit(), max_article_bytes()))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c for c in reader.fieldnames or [] if c is not None]
    if not columns:
        raise ConfigError("an empty CSV file (no header row)")
    chosen = column_mapping(columns, mapping)
    for number, row in enumerate(reader, start=2):
        yield number, record_of_row(row, chosen, "csv")


def json_records(
    data: bytes, mapping: Mapping[str, str] | None = None, name: str | None = None
) -> Iterator[tuple[int, Any]]:
    """(item number, record) for each object of a JSON array (or the one object of a JSON file).
    Objects already in finnews' record form (``url``/``text`` …) keep their fields; an item that is
    not an object is passed on as it is, for the record check to name."""
    try:
        document = json.loads(decode_text(data, name))
    except RecursionError:
        raise ConfigError("JSON nested too deeply") from None
    except ValueError as error:
        raise ConfigError(f"not JSON: {error}") from None
    if escapes_a_surrogate(data):
        document = without_lone_surrogates(document)
    items = document if isinstance(document, list) else [document]
    if not items:
        return
    columns = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))
    chosen = column_mapping(columns, mapping) if columns else {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield number, item
            continue
        record = record_of_row(item, chosen, "json")
        for key, value in item.items():  # finnews' own fields (boards, stocks, tags …) as they are
            if key not in chosen.values():
                record.setdefault(key, value)
        yield number, record
