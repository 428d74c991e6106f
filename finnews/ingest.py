"""``finnews ingest``: load an archive the user already holds (folders of Jekyll posts, saved HTML
pages, JSON Lines of articles) through the same clean → tag → index path as the crawlers."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from store.index import (
    BULK_CHUNK_SIZE,
    ArticleWriter,
    StoreError,
    article_document,
    connect,
    document_from_record,
    ensure_index,
    relaxed_refresh,
)
from tagging.article import RawArticle
from tagging.dates import parse_datetime
from tagging.extract import ExtractError, decode_html, extract_article, parse_document

ARCHIVE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".shtml", ".txt", ".jsonl"}
LARGE_LOAD_FILES = 200  # from this many files on, periodic refresh is off during the load


@dataclass
class IngestReport:
    files: int = 0
    articles: int = 0
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def archive_files(paths: list[Path]) -> list[Path]:
    """The files to ingest: given files as they are, folders searched recursively by suffix."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARCHIVE_SUFFIXES)
        else:
            found.append(path)
    return found


def raw_from_record(record: dict) -> RawArticle:
    """An article from a JSON Lines record (finnews' own export format, or any with title/text/url)."""
    if not isinstance(record, dict) or not (record.get("text") or record.get("html")):
        raise ExtractError("a JSON line needs a 'text' or 'html' field")
    return RawArticle(
        source=str(record.get("source") or "jsonl"),
        url=record.get("url"),
        title=record.get("title"),
        published_at=parse_datetime(str(record.get("published_at") or "")),
        media=record.get("media"),
        author=record.get("author"),
        digest=record.get("digest"),
        body_html=record.get("html"),
        body_text=None if record.get("html") else record.get("text"),
    )


def is_tagged_record(record: object) -> bool:
    """A record finnews itself exported (already cleaned and tagged): loaded as it is."""
    return (
        isinstance(record, dict)
        and bool(record.get("url"))
        and all(isinstance(record.get(key), list) for key in ("boards", "stocks", "topics"))
    )


def raw_articles(path: Path) -> Iterator[tuple[str, RawArticle | dict | Exception]]:
    """``(where, article)`` for each article in a file: a raw article to clean and tag, a tagged
    record (finnews' own export) to load as it is, or the error that line gave. Raises only when
    the file itself cannot be read; a bad JSON line does not stop the lines after it."""
    if path.suffix.lower() == ".jsonl":
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        record = json.loads(line)
                        yield f"{path}:{number}", record if is_tagged_record(record) else raw_from_record(record)
                    except (ValueError, ExtractError) as error:
                        yield f"{path}:{number}", error
        return
    raw = parse_document(decode_html(path.read_bytes()))
    # A file without a source URL (plain text, a damaged post) is identified by its path.
    raw.url = raw.url or path.resolve().as_uri()
    yield str(path), raw


def ingest(paths: list[Path], progress: bool = True, batch_size: int = BULK_CHUNK_SIZE) -> IngestReport:
    files = archive_files(paths)
    es = connect()
    try:
        ensure_index(es)
    except StoreError as error:
        # Go on: what cannot be written is spooled to disk and replayed later.
        print(f"finnews ingest: {error} Articles will be spooled.", file=sys.stderr)
    writer = ArticleWriter(es, chunk_size=batch_size)
    report = IngestReport(files=len(files))
    with contextlib.ExitStack() as stack:
        if len(files) >= LARGE_LOAD_FILES:
            stack.enter_context(relaxed_refresh(es))
        _ingest_files(files, writer, report, progress)
        report.counts = writer.close()
    return report


def _ingest_files(files: list[Path], writer: ArticleWriter, report: IngestReport, progress: bool) -> None:
    for path in tqdm(files, unit="file", disable=not progress, desc="ingest"):
        try:
            for where, raw in raw_articles(path):
                if isinstance(raw, Exception):
                    report.failures.append(f"{where}: {type(raw).__name__}: {raw}")
                    continue
                try:
                    tagged = isinstance(raw, dict)
                    writer.add(document_from_record(raw) if tagged else article_document(extract_article(raw)))
                    report.articles += 1
                except (ExtractError, ValueError) as error:
                    report.failures.append(f"{where}: {error}")
        except (OSError, ExtractError, ValueError) as error:
            report.failures.append(f"{path}: {type(error).__name__}: {error}")
