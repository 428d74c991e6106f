"""The work of a load, unit by unit: one article's input cleaned, tagged and made an index document,
in this process or in a pool of worker processes (:mod:`ingest.pool`) that keeps the input's order."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.article import RawArticle
from core.config import ConfigError, max_article_bytes
from core.masking import mask_credentials
from core.settings import reload as reload_settings
from ingest.files import (
    TABLE_SUFFIXES,
    InputError,
    bounded_lines,
    describe,
    document_for,
    open_regular_file,
    parse_record,
    read_article_bytes,
)
from ingest.pool import OrderedPool, default_workers
from ingest.tables import csv_records, json_records
from tagging.extract import warm_up

# --- Units of work ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One article's worth of input, as the reading side hands it to the cleaning and tagging side
    (a worker process, or this one): a file to read and parse, one JSON line, or an input that
    failed before any work (a line over the size limit, a JSON Lines file that cannot be opened)."""

    file: int  # the index of its file in the load, for progress
    where: str  # file, or file:line, for messages
    path: str | None = None
    line: bytes | None = None
    problem: str | None = None
    table_row: bool = False  # a row of a CSV file or JSON array: its text is cut to the limit, not refused


# A unit's outcome: (file index, where, the index document or None, why it failed or None).
Prepared = tuple[int, str, dict[str, Any] | None, str | None]


# A table (CSV, JSON array) holds many articles: read whole, up to this many times an article's limit.
TABLE_LIMIT_ARTICLES = 64
# A JSON Lines record holds one article with its tags: finnews' own export of an article at the size limit
# writes a line about 3.5 times as long (mentions, keywords, JSON escapes), which a bound of one article's
# limit refused on its way back in (review of day 19). The record's longest field (its text or page) is held to
# the limit (ingest/files.parse_record).
RECORD_LIMIT_ARTICLES = 8


def table_units(index: int, path: Path, column_map: Mapping[str, str] | None) -> Iterator[Unit]:
    """Each row of a CSV file or item of a JSON array as one record (``file:row``), mapped to the
    record's fields by its column names (AKShare's, common English ones, or ``--map``)."""
    try:
        data = read_article_bytes(path, max_article_bytes() * TABLE_LIMIT_ARTICLES)
        read = csv_records if path.suffix.lower() == ".csv" else json_records
        for number, record in read(data, column_map, str(path)):
            yield Unit(
                index, f"{path}:{number}", line=json.dumps(record, ensure_ascii=False).encode("utf-8"), table_row=True
            )
    except Exception as error:  # the table cannot be read or mapped: named, the load goes on
        yield Unit(index, str(path), problem=describe(error))


def input_units(files: list[Path], column_map: Mapping[str, str] | None = None) -> Iterator[Unit]:
    """The units of ``files`` in order: each page, post or text file whole, each line of a JSON
    Lines file and each row of a table (CSV, JSON array) on its own (read here, so the work can be
    spread)."""
    limit = max_article_bytes() * RECORD_LIMIT_ARTICLES
    for index, path in enumerate(files):
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            yield from table_units(index, path, column_map)
            continue
        if suffix != ".jsonl":
            yield Unit(index, str(path), path=str(path))
            continue
        try:
            with open_regular_file(path) as handle:
                for number, line in bounded_lines(handle, limit):
                    where = f"{path}:{number}"
                    if isinstance(line, Exception):
                        yield Unit(index, where, problem=describe(line))
                    elif line.strip():
                        yield Unit(index, where, line=line)
        except Exception as error:  # the file cannot be read (on): reported, the load goes on
            yield Unit(index, str(path), problem=describe(error))


def unit_size(unit: Unit) -> int:
    """The bytes a unit carries (JSON lines) or stands for (a file: small, read by the worker)."""
    return len(unit.line) if unit.line is not None else 4096


def prepare(unit: Unit) -> Prepared:
    """Clean, tag and build the index document of one unit, or say why it cannot be loaded. Runs in
    the worker processes (or in this one); a fault here never ends the load."""
    # The tagging stack loads where the work runs: a load's parent process only reads and writes.
    from tagging.extract import parse_document
    from tagging.pages.page import decode_html

    if unit.problem is not None:
        return unit.file, unit.where, None, unit.problem
    try:
        if unit.line is not None:
            article: RawArticle | dict[str, Any] = parse_record(unit.line, unit.where, not unit.table_row)
        else:
            path = Path(unit.path or "")
            article = parse_document(decode_html(read_article_bytes(path), name=str(path)), name=path.name)
            # A file without a source URL (plain text, a damaged post) is identified by its path.
            article.url = article.url or path.resolve().as_uri()
        return unit.file, unit.where, document_for(article), None
    except Exception as error:
        return unit.file, unit.where, None, describe(error)


def extract_unit(item: tuple[Unit, dict[str, bool]]) -> dict[str, Any]:
    """``finnews extract`` of one unit ``(unit, options)``: a file as :func:`extract_file` reads it, a
    line of a JSON Lines file as ``ingest`` reads it (a record; ``path`` is ``file:line``). ``options``:
    how to tag (:func:`tagging.extract.extract_article`'s ``plain`` and ``markup_only``)."""
    from tagging.extract import article_record, extract_article

    unit, options = item
    if unit.line is None and unit.problem is None:
        return extract_file((unit.path or unit.where, options))
    try:
        if unit.problem is not None:
            raise InputError(unit.problem)
        article = parse_record(unit.line or b"", unit.where, not unit.table_row)
        record = dict(article) if isinstance(article, dict) else article_record(extract_article(article, **options))
        record["path"] = unit.where
        return record
    except Exception as error:
        return {"path": unit.where, "error": mask_credentials(describe(error))}


def extract_file(item: tuple[str, dict[str, bool]]) -> dict[str, Any]:
    """``finnews extract`` of one file ``(path, options)``: its tagged record with ``path``, or
    ``{"path", "error"}`` (one bad file is a line with its error; the others go on)."""
    from tagging.extract import article_record, extract_article, parse_document
    from tagging.pages.page import decode_html

    name, options = item
    try:
        # A regular file within the size limit (a FIFO would block the read forever).
        text = decode_html(read_article_bytes(Path(name)), name=name)
        record = article_record(extract_article(parse_document(text, name=Path(name).name), **options))
        record["path"] = name
        return record
    except Exception as error:
        return {"path": name, "error": mask_credentials(describe(error))}


# --- Worker processes ---------------------------------------------------------------------------------

POOL_MIN_BYTES = 2 * 1024 * 1024  # below this much input, starting workers costs more than it saves
WORKER_PRELOAD = ("ingest.work", "tagging.extract")  # imported once by the fork server, not by each worker
SETTINGS_PREFIX = "FINNEWS_"


def settings_environment() -> dict[str, str]:
    """The finnews settings of this process's environment, for workers forked from a server that
    may have started under other ones (a long-lived process, a test)."""
    return {name: value for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX)}


def warm_worker(environment: dict[str, str]) -> None:
    """Run once in each worker: this process's settings, then the tagging stack loaded (jieba's
    dictionary, the knowledge base from its cache in the state folder, the lexicon, the IDF table)
    by tagging one short article, so the first real article does not pay for it."""
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX)]:
        del os.environ[name]
    os.environ.update(environment)
    reload_settings()
    warm_up()


def worker_count(requested: int | None, input_bytes: int) -> int:
    """Worker processes for a load: as many as asked (``--workers`` or ``FINNEWS_WORKERS``; 1 is this
    process alone), else one per core when the input is large enough to repay starting them."""
    setting = os.environ.get("FINNEWS_WORKERS", "").strip()
    if requested is None and setting:
        try:
            requested = int(setting)
        except ValueError:
            raise ConfigError(f"FINNEWS_WORKERS must be a whole number, not {setting!r}") from None
    if requested is not None:
        return max(1, requested)
    return default_workers() if input_bytes >= POOL_MIN_BYTES else 1


def input_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
    return total


def parallel_map(
    work: Callable[[Any], Any],
    items: Iterable[Any],
    workers: int,
    size: Callable[[Any], int] | None = None,
) -> Iterator[Any]:
    """``work`` over ``items`` in order: in this process when ``workers`` is 1, else in a pool of
    warmed worker processes (at most a few chunks in flight). A worker's death shows as an
    :class:`ItemFailed` in place of the item's result."""
    if workers <= 1:
        yield from map(work, items)
        return
    pool = OrderedPool(
        work, workers, initializer=warm_worker, initargs=(settings_environment(),), size=size, preload=WORKER_PRELOAD
    )
    with pool:
        yield from pool.imap(items)
