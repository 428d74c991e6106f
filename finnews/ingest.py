"""``finnews ingest``: load an archive the user already holds (folders of Jekyll posts, saved HTML
pages, JSON Lines of articles) through the same clean → tag → index path as the crawlers.

Bad input never costs a good article: every file and every JSON line is checked and isolated. A
file that is not a regular file, too large or unreadable, a folder that cannot be listed, a dangling
link, a JSON line of the wrong shape: each is reported as ``where: reason`` and skipped, and every
good article of the same file and run is indexed."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from core.config import ConfigError, max_article_bytes
from core.masking import mask_credentials
from finnews.pool import ItemFailed, OrderedPool, default_workers
from store.client import StoreError, connect
from store.documents import article_document, document_from_record
from store.lifecycle import ensure_index, relaxed_refresh
from store.spool import spool_root
from store.writer import BULK_CHUNK_SIZE, ArticleWriter
from tagging.article import RawArticle
from tagging.dates import parse_datetime

ARCHIVE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".shtml", ".txt", ".jsonl"}
LARGE_LOAD_FILES = 200  # from this many files on, periodic refresh is off during the load
LARGE_LOAD_BYTES = 8 * 1024 * 1024  # … or from this much input (one large JSON Lines file)

# The shape of a JSON Lines record (raw: title/text/url …; or finnews' own export, already tagged).
STRING_FIELDS = (
    "url", "title", "text", "html", "source", "media", "author", "digest", "category",
    "published_at", "crawled_at", "updated_at", "dup_of", "dup_group",
)  # fmt: skip
STRING_LIST_FIELDS = ("tags", "keywords")
OBJECT_LIST_FIELDS = ("boards", "stocks", "topics", "mentions")


class InputError(ValueError):
    """An input that is not taken, and why (not a regular file, too large, a dangling link …)."""


@dataclass
class IngestReport:
    files: int = 0
    articles: int = 0
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    workers: int = 1  # processes that cleaned and tagged (1: this one)
    interrupted: bool = False  # stopped by Ctrl-C: what was not written is read again next time


# --- Finding and reading files ----------------------------------------------------------------------


def _describe_missing(path: Path) -> str:
    if os.path.islink(path):
        return f"{path}: dangling symbolic link (→ {os.readlink(path)})"
    return f"{path}: No such file or directory"


def _folder_files(folder: Path, problems: list[str]) -> list[Path]:
    """Archive files under ``folder``, recursively; folders that cannot be listed and dangling links
    are added to ``problems`` by name. Linked folders are followed once (a link cycle ends there)."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        directory = pending.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(f"{directory}: cannot read folder: {error.strerror or error}")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows links
                exists = is_dir or os.path.exists(path)
            except OSError as error:
                problems.append(f"{path}: {error.strerror or error}")
                continue
            if not exists:
                if path.suffix.lower() in ARCHIVE_SUFFIXES or entry.is_symlink():
                    problems.append(_describe_missing(path))
            elif is_dir:
                subfolders.append(path)
            elif path.suffix.lower() in ARCHIVE_SUFFIXES:
                found.append(path)  # not a regular file (a FIFO, a socket): reported when read
        pending += reversed(subfolders)  # depth first, in name order
    return sorted(found)


def archive_files(paths: list[Path], problems: list[str] | None = None) -> list[Path]:
    """The files to ingest: given files as they are, folders searched recursively by suffix. What
    cannot be found or listed is added to ``problems`` (a missing path, an unreadable folder, a
    dangling link), so nothing is skipped without a word."""
    problems = problems if problems is not None else []
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += _folder_files(path, problems)
        elif os.path.lexists(path) and not path.exists():
            problems.append(_describe_missing(path))
        else:
            found.append(path)  # a missing file is reported when it is read
    return found


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def too_large(size: int, limit: int, what: str = "file") -> InputError:
    return InputError(
        f"{what} of {size / 1048576:.1f} MB is over the limit of {limit / 1048576:.3g} MB per article "
        "(limits.max_article_mb in configs/finnews.yaml)"
    )


def open_regular_file(path: Path) -> IO[bytes]:
    """``path`` opened for reading when it is a regular file. The type is checked before opening
    (opening a FIFO would wait for a writer forever) and again on the open file (it may have been
    swapped in between); the open itself never blocks."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(f"dangling symbolic link (→ {os.readlink(path)})") from None
        raise
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"not a regular file: {_kind(info.st_mode)}")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    handle = os.fdopen(descriptor, "rb")
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise InputError(f"not a regular file: {_kind(mode)}")
    os.set_blocking(descriptor, True)
    return handle


def read_article_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of one article file (a page, a post, a text): a regular file within the size limit,
    never read past it."""
    limit = limit or max_article_bytes()
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_large(size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise too_large(len(data), limit)
    return data


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | InputError]]:
    """``(line number, line)`` of a JSON Lines file; a line longer than ``limit`` is an error and is
    skipped without being held in memory."""
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            length = len(line)
            while chunk := handle.readline(1 << 20):
                length += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield number, too_large(length, limit, "record")
            continue
        yield number, line


# --- JSON Lines records ---------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return (
        "null"
        if value is None
        else {"str": "string", "dict": "object", "list": "list"}.get(type(value).__name__, type(value).__name__)
    )


def record_problems(record: object) -> list[str]:
    """What is wrong with a JSON Lines record (empty when it can be loaded): each field of the
    wrong type by name, and a missing URL or body."""
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {_type_name(record)}"]
    problems = []
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"field {name!r}: expected a string, got {_type_name(value)}")
    for name in STRING_LIST_FIELDS:
        value = record.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(f"field {name!r}: expected a list of strings, got {_type_name(value)}")
    for name in OBJECT_LIST_FIELDS:
        value = record.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            problems.append(f"field {name!r}: expected a list of objects, got {_type_name(value)}")
    if problems:
        return problems
    if not (record.get("url") or "").strip():
        problems.append("a record needs a 'url' (its id is derived from it)")
    if not (record.get("text") or "").strip() and not (record.get("html") or "").strip():
        problems.append("a record needs a non-empty 'text' or 'html' field")
    return problems


def raw_from_record(record: dict) -> RawArticle:
    """An article from a JSON Lines record (finnews' own export format, or any with title/text/url)."""
    problems = record_problems(record)
    if problems:
        raise InputError("; ".join(problems))
    return RawArticle(
        source=record.get("source") or "jsonl",
        url=record["url"],
        title=record.get("title"),
        published_at=parse_datetime(record.get("published_at") or ""),
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


def parse_record(line: bytes) -> RawArticle | dict[str, Any]:
    """One JSON line: a tagged record to load as it is, or a raw article to clean and tag."""
    try:
        record = json.loads(line.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except RecursionError:
        raise InputError("JSON nested too deeply") from None
    except ValueError as error:
        raise InputError(f"not JSON: {error}") from None
    problems = record_problems(record)
    if problems:
        raise InputError("; ".join(problems))
    return record if is_tagged_record(record) else raw_from_record(record)


# --- Articles of a file -------------------------------------------------------------------------------


def describe(error: BaseException) -> str:
    """A failure's reason: the message of an input check, else the error's type and message."""
    return str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"


def document_for(article: RawArticle | dict[str, Any]) -> dict[str, Any]:
    """The index document of a raw article (cleaned and tagged) or of a tagged record."""
    from tagging.extract import extract_article

    return document_from_record(article) if isinstance(article, dict) else article_document(extract_article(article))


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


# A unit's outcome: (file index, where, the index document or None, why it failed or None).
Prepared = tuple[int, str, dict[str, Any] | None, str | None]


def input_units(files: list[Path]) -> Iterator[Unit]:
    """The units of ``files`` in order: each page, post or text file whole, each line of a JSON
    Lines file on its own (read here, one line at a time, so the work can be spread)."""
    limit = max_article_bytes()
    for index, path in enumerate(files):
        if path.suffix.lower() != ".jsonl":
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
    from tagging.extract import decode_html, parse_document

    if unit.problem is not None:
        return unit.file, unit.where, None, unit.problem
    try:
        if unit.line is not None:
            article: RawArticle | dict[str, Any] = parse_record(unit.line)
        else:
            path = Path(unit.path or "")
            article = parse_document(decode_html(read_article_bytes(path)))
            # A file without a source URL (plain text, a damaged post) is identified by its path.
            article.url = article.url or path.resolve().as_uri()
        return unit.file, unit.where, document_for(article), None
    except Exception as error:
        return unit.file, unit.where, None, describe(error)


def extract_file(item: tuple[str, bool]) -> dict[str, Any]:
    """``finnews extract`` of one file ``(path, plain)``: its tagged record with ``path``, or
    ``{"path", "error"}`` (one bad file is a line with its error; the others go on)."""
    from tagging.extract import article_record, decode_html, extract_article, parse_document

    name, plain = item
    try:
        # A regular file within the size limit (a FIFO would block the read forever).
        text = decode_html(read_article_bytes(Path(name)))
        record = article_record(extract_article(parse_document(text), plain=plain))
        record["path"] = name
        return record
    except Exception as error:
        return {"path": name, "error": mask_credentials(describe(error))}


# --- Worker processes ---------------------------------------------------------------------------------

POOL_MIN_BYTES = 2 * 1024 * 1024  # below this much input, starting workers costs more than it saves
WORKER_PRELOAD = ("finnews.ingest", "tagging.extract")  # imported once by the fork server, not by each worker
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
    max_article_bytes.cache_clear()
    document_for(RawArticle(source="text", url="https://example.com/warm-up", body_text="贵州茅台发布公告。"))


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


# --- The load -----------------------------------------------------------------------------------------


def ingest(
    paths: list[Path], progress: bool = True, batch_size: int = BULK_CHUNK_SIZE, workers: int | None = None
) -> IngestReport:
    """Load ``paths`` through clean → tag → index. Cleaning and tagging run in ``workers`` processes
    (default: one per core for a large input), their documents reach the one bulk writer in the
    order of the input. Ctrl-C stops the load after writing what was ready (``report.interrupted``);
    a load that is killed loses nothing either: the next load of the same paths writes what this one
    had not (an article already indexed is unchanged)."""
    report = IngestReport()
    files = archive_files(paths, report.failures)
    report.files = len(files)
    size = input_bytes(files)
    report.workers = worker_count(workers, size)
    es = connect()
    try:
        ensure_index(es)
    except StoreError as error:
        # Go on: what cannot be written is spooled to disk and replayed later.
        print(f"finnews ingest: {error} Articles will be spooled to {spool_root() / 'spool'}.", file=sys.stderr)
    writer = ArticleWriter(es, chunk_size=batch_size)
    with contextlib.ExitStack() as stack:
        if len(files) >= LARGE_LOAD_FILES or size >= LARGE_LOAD_BYTES:
            stack.enter_context(relaxed_refresh(es))
        try:
            _ingest_files(files, writer, report, progress)
        except KeyboardInterrupt:
            report.interrupted = True  # what is ready is written below; the rest is read again next time
        report.counts = writer.close()
    return report


_END = object()


class BackgroundWriter:
    """Hands documents to the bulk writer from a thread of its own, through a bounded queue: while
    the writer waits on the node (the existence check, the duplicate look-up, the previous bulk
    request), the reading side goes on taking the workers' results, so they never stand idle."""

    def __init__(self, writer: ArticleWriter, capacity: int) -> None:
        self.writer = writer
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, capacity))
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="finnews-ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (document := self.queue.get()) is not _END:
                self.writer.add(document)
        except BaseException as error:  # handed to the reading side, which raises it
            self.error = error

    def _put(self, item: Any) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.queue.put(item, timeout=0.5)  # a writer that died must not leave this waiting forever
                return
            except queue.Full:
                continue

    def add(self, document: dict[str, Any]) -> None:
        self._put(document)

    def close(self) -> None:
        """Return once every document handed over is with the writer (its last batch may still be
        buffered: ``ArticleWriter.close`` writes it)."""
        if self.thread.is_alive():
            self._put(_END)
            self.thread.join()
        if self.error is not None:
            raise self.error


def _outcome(result: Prepared | ItemFailed) -> Prepared:
    if isinstance(result, ItemFailed):  # the worker died on it (killed, out of memory)
        unit = result.item
        return unit.file, unit.where, None, result.message
    return result


def _ingest_files(files: list[Path], writer: ArticleWriter, report: IngestReport, progress: bool) -> None:
    bar = tqdm(total=len(files), unit="file", disable=not progress, desc="ingest")
    done = 0  # files whose every article was handed to the writer
    results = parallel_map(prepare, input_units(files), report.workers, size=unit_size)
    background = BackgroundWriter(writer, writer.chunk_size)
    try:
        with contextlib.closing(results), bar:
            for result in results:
                file, where, document, failure = _outcome(result)
                if file > done:
                    bar.update(file - done)
                    done = file
                if document is None:
                    report.failures.append(f"{where}: {failure}")
                else:
                    background.add(document)
                    report.articles += 1
            bar.update(len(files) - done)
    finally:
        background.close()  # on Ctrl-C too: what was made is written
