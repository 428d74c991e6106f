"""``finnews ingest``: load an archive the user already holds (folders of Jekyll posts, saved HTML
pages, JSON Lines of articles) through the same clean → tag → index path as the crawlers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from store.index import ArticleWriter, article_document, connect, ensure_index
from tagging.article import RawArticle
from tagging.dates import parse_datetime
from tagging.extract import ExtractError, decode_html, extract_article, parse_document

ARCHIVE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".shtml", ".txt", ".jsonl"}


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


def raw_articles(path: Path) -> Iterator[tuple[str, RawArticle | Exception]]:
    """``(where, raw article or the error that line gave)`` for each article in a file; raises only
    when the file itself cannot be read. A bad JSON line does not stop the lines after it."""
    if path.suffix.lower() == ".jsonl":
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield f"{path}:{number}", raw_from_record(json.loads(line))
                    except (ValueError, ExtractError) as error:
                        yield f"{path}:{number}", error
        return
    raw = parse_document(decode_html(path.read_bytes()))
    # A file without a source URL (plain text, a damaged post) is identified by its path.
    raw.url = raw.url or path.resolve().as_uri()
    yield str(path), raw


def ingest(paths: list[Path], progress: bool = True) -> IngestReport:
    files = archive_files(paths)
    es = connect()
    ensure_index(es)
    writer = ArticleWriter(es)
    report = IngestReport(files=len(files))
    for path in tqdm(files, unit="file", disable=not progress, desc="ingest"):
        try:
            for where, raw in raw_articles(path):
                if isinstance(raw, Exception):
                    report.failures.append(f"{where}: {type(raw).__name__}: {raw}")
                    continue
                try:
                    writer.add(article_document(extract_article(raw)))
                    report.articles += 1
                except (ExtractError, ValueError) as error:
                    report.failures.append(f"{where}: {error}")
        except (OSError, ExtractError, ValueError) as error:
            report.failures.append(f"{path}: {type(error).__name__}: {error}")
    report.counts = writer.close()
    return report
