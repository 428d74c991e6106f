"""Exporting tagged articles: read from a point-in-time with ``search_after`` (bounded memory
whatever the index size) in parallel slices of it, written while they are read, to a temporary file
renamed into place only when complete.

Reading: the point-in-time is split into ``slices`` (where the node allows; one otherwise), each
read page by page by a thread of its own into a short queue; the pages are merged back into one
stream in the point-in-time's order (publication time, then the shard's document order), so the
output is the same whatever the number of slices. The node works on the next pages of every slice
while this process writes the current one. Nothing here loads the tagging stack."""

from __future__ import annotations

import contextlib
import csv
import heapq
import io
import json
import logging
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch
from tqdm import tqdm

from core import exit_codes
from store.client import ES_FAILURES, IndexMissingError, StoreError, es_errors
from store.lifecycle import INDEX_ONLY_FIELDS, current_alias

PAGE_SIZE = 500
SLICES = 2  # readers of the point-in-time at once: the node serves one while this process parses another
READ_AHEAD = 1  # pages a slice may read ahead of the writer: memory stays a few pages whatever the size
KEEP_ALIVE = "2m"
# Publication time, then the article's id: an order of the articles themselves (not of one shard copy's
# Lucene documents, as ``_shard_doc`` is), so a read cut short by a node that died resumes from the
# last article written with a new point-in-time on other copies, skipping nothing and repeating nothing.
EXPORT_SORT = [{"published_at": {"order": "asc", "missing": "_first"}}, {"id": "asc"}]
# A read cut short (a node died, its shard copies are being replaced) is resumed this many times,
# after these waits, before the export fails.
RESUME_WAITS_S = (1.0, 2.0, 4.0, 8.0)
# Answers worth another try: the node went away, or the cluster is moving shards (a search context
# lost with its node is a 404; an unassigned primary a 503).
RETRIED_STATUSES = (404, 429, 500, 502, 503, 504)
_END = object()
logger = logging.getLogger(__name__)
_JSON = json.JSONEncoder(ensure_ascii=False)  # one encoder for every line (json.dumps makes one per call)
# Line breaks to Unicode but not to JSON, kept raw by ensure_ascii=False: a reader that splits a file
# with str.splitlines() would cut an article there. Escaped, the line is the same JSON.
_LINE_BREAKS_IN_TEXT = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(record: dict[str, Any]) -> str:
    """One JSON Lines line of ``record``, its newline included: no character any reader takes for a line end."""
    return _JSON.encode(record).translate(_LINE_BREAKS_IN_TEXT) + "\n"


class ExportUnfinishedError(StoreError):
    """An export that started writing and did not finish (the node went away for good, the disk filled):
    the command's "did not finish", not "could not start" (core/exit_codes.py)."""

    exit_code = exit_codes.FAILED


class _SlicesRefusedError(Exception):
    """The node does not take sliced point-in-time searches: read in one slice."""


def _hand_over(out: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    """Put ``item`` in ``out`` unless the reader is told to stop (the consumer went away)."""
    while not stop.is_set():
        try:
            out.put(item, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


def _read_slice(
    es: Elasticsearch,
    request: dict[str, Any],
    slice_spec: dict[str, int] | None,
    out: queue.Queue[Any],
    stop: threading.Event,
    search_after: list[Any] | None = None,
) -> None:
    """Page through one slice of the point-in-time into ``out`` (after ``search_after``, when given):
    lists of hits, then ``_END`` (or the error that stopped it)."""
    try:
        while not stop.is_set():
            extra = {"slice": slice_spec} if slice_spec else {}
            response = es.search(**request, search_after=search_after, **extra)
            hits = response["hits"]["hits"]
            if not hits:
                break
            if not _hand_over(out, hits, stop):
                return
            search_after = hits[-1]["sort"]
    except ApiError as error:
        refused = slice_spec is not None and error.meta.status == 400 and "slice" in str(error).lower()
        _hand_over(out, _SlicesRefusedError() if refused else error, stop)
        return
    except BaseException as error:  # handed to the consumer, raised there
        _hand_over(out, error, stop)
        return
    _hand_over(out, _END, stop)


def _stream(out: queue.Queue[Any]) -> Iterator[dict[str, Any]]:
    while True:
        item = out.get()
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        yield from item


def _open_pit(es: Elasticsearch, alias: str) -> str | None:
    try:
        with es_errors(f"cannot export from {alias}"):
            return es.open_point_in_time(index=alias, keep_alive=KEEP_ALIVE)["id"]
    except IndexMissingError:
        return None  # no index yet: nothing to export


def _read_hits(
    es: Elasticsearch, request: dict[str, Any], slices: int, after: list[Any] | None = None
) -> Iterator[dict[str, Any]]:
    """Every hit of the point-in-time in its order (after the sort values ``after``), read in
    ``slices`` parallel slices."""
    stop = threading.Event()
    queues: list[queue.Queue[Any]] = [queue.Queue(maxsize=READ_AHEAD) for _ in range(slices)]
    threads = [
        threading.Thread(
            target=_read_slice,
            args=(es, request, {"id": number, "max": slices} if slices > 1 else None, queues[number], stop, after),
            name=f"finnews-export-{number}",
            daemon=True,
        )
        for number in range(slices)
    ]
    for thread in threads:
        thread.start()
    try:
        streams = [_stream(out) for out in queues]
        # Each slice comes in the point-in-time's order: merged by the sort values, the whole does too.
        yield from heapq.merge(*streams, key=lambda hit: hit["sort"]) if slices > 1 else streams[0]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def iter_articles(
    es: Elasticsearch,
    query: dict[str, Any] | None = None,
    alias: str | None = None,
    page_size: int = PAGE_SIZE,
    excludes: list[str] | None = None,
    slices: int = SLICES,
) -> Iterator[dict[str, Any]]:
    """Every matching article's source, in a stable order (publication time, then id), a few pages
    in memory at a time (``excludes``: fields left out; by default the index-only ones).

    Nothing is skipped or given twice when a node of the cluster dies mid-way: a search that cannot
    read every shard fails instead of answering in part, and the read goes on after the last article
    given, from a new point-in-time (the cluster has promoted the lost shards' replicas by then)."""
    alias = alias or current_alias()
    after: list[Any] | None = None  # the sort values of the last article given
    waits = iter(RESUME_WAITS_S)
    while True:
        try:
            for hit in _read_point_in_time(es, query, alias, page_size, excludes, slices, after):
                if after is not None and _given_before(article_key(hit), article_key_of(after)):
                    continue  # the last article given, found again past its old _shard_doc (see article_key)
                after = hit["sort"]
                yield hit["_source"]
            return
        except _ReadCutShortError as cut:
            wait = next(waits, None)
            if wait is None:
                raise StoreError(
                    f"{cut.failure} (the read was resumed {len(RESUME_WAITS_S)} times after the last article given)"
                ) from None
            logger.warning("export from %s cut short (%s); reading on from the last article", alias, cut.error)
            time.sleep(wait)


def article_key_of(sort_values: list[Any]) -> list[Any]:
    """The article's own part of a hit's sort values: a point-in-time search adds an implicit
    ``_shard_doc`` tiebreaker after ``EXPORT_SORT``, whose value means nothing to another point-in-time
    (another shard copy numbers its documents differently). Resumed after the last article's three
    values, a new point-in-time may give that article again; its key says it was given."""
    return list(sort_values[: len(EXPORT_SORT)])


def article_key(hit: dict[str, Any]) -> list[Any]:
    return article_key_of(hit["sort"])


def _given_before(key: list[Any], last_given: list[Any]) -> bool:
    try:
        return key <= last_given
    except TypeError:  # a missing value (null) beside a present one: only the same article compares equal
        return key == last_given


class _ReadCutShortError(Exception):
    """A read of the point-in-time failed in a way another point-in-time can get past."""

    def __init__(self, failure: StoreError, error: BaseException) -> None:
        super().__init__(str(failure))
        self.failure = failure  # what to say if no other point-in-time gets past it
        self.error = f"{type(error).__name__}: {str(error)[:200]}"


def _worth_resuming(error: BaseException) -> bool:
    if isinstance(error, ApiError):
        return error.meta.status in RETRIED_STATUSES
    return isinstance(error, ES_FAILURES)


def _read_point_in_time(
    es: Elasticsearch,
    query: dict[str, Any] | None,
    alias: str,
    page_size: int,
    excludes: list[str] | None,
    slices: int,
    after: list[Any] | None,
) -> Iterator[dict[str, Any]]:
    """The hits after ``after`` from one point-in-time; a failure another point-in-time may get past
    is :class:`_ReadCutShortError`, any other a :class:`StoreError`."""
    try:
        pit = _open_pit(es, alias)
    except StoreError as error:
        # Nothing given yet and no point-in-time: the cluster is down or refuses, said at once.
        if after is not None and isinstance(error.__cause__, BaseException) and _worth_resuming(error.__cause__):
            raise _ReadCutShortError(error, error.__cause__) from None
        raise
    if pit is None:
        if after is not None:
            raise StoreError(f"export from {alias} failed: the index was deleted while it was read")
        return
    request = {
        "pit": {"id": pit, "keep_alive": KEEP_ALIVE},
        "query": query or {"match_all": {}},
        "sort": EXPORT_SORT,
        "size": page_size,
        "source_excludes": INDEX_ONLY_FIELDS if excludes is None else excludes,
        "track_total_hits": False,
        # A shard copy lost with its node must fail the page, not leave its articles out of it.
        "allow_partial_search_results": False,
    }
    try:
        with es_errors(f"export from {alias} failed"):
            started = False
            try:
                for hit in _read_hits(es, request, max(1, slices), after):
                    started = True
                    yield hit
            except _SlicesRefusedError:
                if started:
                    raise StoreError("the node refused a sliced read mid-way; export again") from None
                yield from _read_hits(es, request, 1, after)
    except StoreError as error:
        if isinstance(error.__cause__, BaseException) and _worth_resuming(error.__cause__):
            raise _ReadCutShortError(error, error.__cause__) from None
        raise
    finally:
        with contextlib.suppress(*ES_FAILURES):
            es.close_point_in_time(id=pit)  # if this fails, it expires by itself


Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
# The format a file's extension names (``--format`` may say it instead, never the opposite).
FORMAT_OF_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
# Extensions users try that finnews does not write, and what to do instead.
UNWRITTEN_SUFFIXES = {
    ".xlsx": "Excel workbooks are not written: use a .csv file with --excel (it opens in Excel, Chinese included)",
    ".xls": "Excel workbooks are not written: use a .csv file with --excel (it opens in Excel, Chinese included)",
    ".json": "a .json file would be one JSON document: use .jsonl (one article per line, what pandas.read_json("
    "lines=True) reads)",
}


def export_format(path: Path, fmt: str | None) -> str:
    """The format to write ``path`` in: ``fmt`` when given, else its extension's. A format that
    contradicts a known extension, an unknown extension without ``fmt``, or an extension finnews does
    not write is a :class:`StoreError` that says what to do."""
    suffix = path.suffix.lower()
    if fmt is not None and fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if suffix in UNWRITTEN_SUFFIXES:
        raise StoreError(f"{path.name}: {UNWRITTEN_SUFFIXES[suffix]}")
    named = FORMAT_OF_SUFFIX.get(suffix)
    if fmt is not None and named is not None and fmt != named:
        raise StoreError(f"{path.name} is a .{named} file name but --format says {fmt}: change one of them")
    if fmt is None and named is None:
        raise StoreError(
            f"{path.name}: cannot tell the format from the extension {suffix or '(none)'}; "
            f"name the file .jsonl, .csv or .parquet, or give --format"
        )
    return fmt or named or "jsonl"


# Fields of the index an analyst has no use for (near-duplicate bookkeeping, how the body was found).
INTERNAL_FIELDS = ("fingerprint", "fp_bands", "dup_group", "body_source", "indexed_at")
# Exchange suffixes of US listings by Eastmoney's market number (Wind's habit: .O NASDAQ, .N NYSE, .A AMEX).
US_SUFFIX = {"105": "O", "106": "N", "107": "A"}


def exchange_code(stock: dict[str, Any]) -> str:
    """A stock as analysts write it: ``300750.SZ``, ``600519.SH``, ``00700.HK``, ``AAPL.O``."""
    code = str(stock.get("code") or str(stock.get("secid", "")).split(".")[-1])
    exchange = stock.get("exchange") or ""
    if exchange == "US":
        return f"{code}.{US_SUFFIX.get(str(stock.get('secid', '')).split('.')[0], 'US')}"
    return f"{code}.{exchange}" if exchange else code


def analyst_record(article: dict[str, Any]) -> dict[str, Any]:
    """An exported article: the stored record without the index's bookkeeping, plus the columns an
    analyst filters on directly: ``stock_codes`` (exchange form), ``stock_names``, ``board_codes``,
    ``board_names``, ``topic_names``, as lists."""
    record = {name: value for name, value in article.items() if name not in INTERNAL_FIELDS}
    stocks, boards, topics = article.get("stocks") or [], article.get("boards") or [], article.get("topics") or []
    record["stock_codes"] = [exchange_code(s) for s in stocks]
    record["stock_names"] = [s.get("name") for s in stocks]
    record["board_codes"] = [b.get("code") for b in boards]
    record["board_names"] = [b.get("name") for b in boards]
    record["topic_names"] = [t.get("name") for t in topics]
    return record


# CSV columns, in order: one value per cell, lists joined by ";".
CSV_COLUMNS = (
    "id", "url", "source", "sources", "title", "published_at", "media", "author", "digest",
    "stock_codes", "stock_names", "board_codes", "board_names", "topic_names", "keywords",
    "category", "tags", "dup_of", "crawled_at", "updated_at", "text",
)  # fmt: skip
_JOINED = ("sources", "stock_codes", "stock_names", "board_codes", "board_names", "topic_names", "keywords", "tags")


# What starts a formula in a spreadsheet cell: Excel evaluates such a cell even when it is quoted
# (a title such as "-30%：…" shows as an error; a crafted "=HYPERLINK(…)" is a live link). OWASP's
# advice on CSV injection: start the cell with an apostrophe, which Excel shows as text and hides.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: Any) -> Any:
    """A cell Excel shows as the text it holds: ``'`` before one that would start a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def flatten_for_csv(article: dict[str, Any], excel: bool = False) -> dict[str, Any]:
    """One CSV row of an exported article (:func:`analyst_record`): lists joined by ``;``; for
    Excel (``excel``), no cell starts a formula (:func:`excel_safe`)."""
    record = article if "stock_codes" in article else analyst_record(article)
    row = {column: record.get(column) for column in CSV_COLUMNS}
    for column in _JOINED:
        row[column] = ";".join(str(value) for value in record.get(column) or [] if value is not None)
    return {column: excel_safe(value) for column, value in row.items()} if excel else row


# Lists of objects an article keeps as the tagger made them: typed field by field in Parquet.
NESTED_RECORD_FIELDS = ("mentions", "instruments", "rejected_markup")


def _parquet_schema() -> Any:
    import pyarrow as pa

    security = pa.struct([("secid", pa.string()), ("code", pa.string()), ("name", pa.string())])
    moment = pa.timestamp("ms", tz="Asia/Shanghai")  # typed: pandas reads datetime64[ms, Asia/Shanghai]
    strings = pa.list_(pa.string())
    return pa.schema(
        [
            ("id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("sources", strings),
            ("title", pa.string()), ("published_at", moment), ("media", pa.string()), ("author", pa.string()),
            ("digest", pa.string()), ("text", pa.string()),
            ("stock_codes", strings), ("stock_names", strings), ("board_codes", strings), ("board_names", strings),
            ("topic_names", strings), ("boards", pa.list_(security)),
            ("stocks", pa.list_(pa.struct([*security, ("exchange", pa.string())]))),
            ("topics", pa.list_(pa.struct([("id", pa.string()), ("name", pa.string()), ("name_en", pa.string())]))),
            ("keywords", strings), ("category", pa.string()), ("tags", strings),
            ("dup_of", pa.string()), ("crawled_at", moment), ("updated_at", moment),
            # Why each tag was given, the indexes and funds named, the markup judged no mention
            # (docs/article-fields.md): nested as the index keeps them.
            ("mentions", pa.list_(pa.struct([
                ("secid", pa.string()), ("kind", pa.string()), ("text", pa.string()), ("start", pa.int64()),
                ("end", pa.int64()), ("where", pa.string()), ("source", pa.string()), ("how", pa.string()),
            ]))),
            ("instruments", pa.list_(pa.struct([
                ("secid", pa.string()), ("code", pa.string()), ("kind", pa.string()), ("name", pa.string()),
            ]))),
            ("rejected_markup", pa.list_(pa.struct([
                ("secid", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                ("reason", pa.string()),
            ]))),
        ]
    )  # fmt: skip


def _typed(value: Any, kind: Any) -> Any:
    """``value`` as a Parquet cell of type ``kind``, or null: a record loaded from another tool may hold
    an offset as text or a name as a number (ingest checks only that mentions are objects), and one such
    value must not fail the export."""
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_integer(kind):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if pa.types.is_string(kind):
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return value


def _struct_list(items: Any, kind: Any) -> list[dict[str, Any]]:
    """A list of objects as a Parquet list of structs: each struct field typed, other keys left out."""
    fields = list(kind.value_type)
    return [
        {f.name: _typed(item.get(f.name), f.type) for f in fields} for item in items or [] if isinstance(item, dict)
    ]


def _parquet_row(record: dict[str, Any], schema: Any) -> dict[str, Any]:
    from core.dates import parse_datetime_exactly

    row = {name: record.get(name) for name in schema.names}
    for name in ("published_at", "crawled_at", "updated_at"):
        if isinstance(row[name], str):
            row[name] = parse_datetime_exactly(row[name])
    for name in NESTED_RECORD_FIELDS:
        row[name] = _struct_list(row[name], schema.field(name).type)
    return row


class _Writer:
    """Streams rows to one file format, a bounded batch in memory at a time."""

    def __init__(self, handle: Any, fmt: str, path: str, excel: bool = False) -> None:
        self.handle, self.fmt, self.batch, self.excel = handle, fmt, [], excel
        if fmt == "csv":
            self.csv = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            self.csv.writeheader()
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            self.schema = _parquet_schema()
            self.parquet = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, article: dict[str, Any]) -> None:
        record = analyst_record(article)
        if self.fmt == "jsonl":
            self.handle.write(json_line(record))
        elif self.fmt == "csv":
            self.csv.writerow(flatten_for_csv(record, self.excel))
        else:
            self.batch.append(_parquet_row(record, self.schema))
            if len(self.batch) >= PAGE_SIZE:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self.batch:
            self.parquet.write_table(pa.Table.from_pylist(self.batch, schema=self.schema))
            self.batch = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush_parquet()
            self.parquet.close()


def count_articles(es: Elasticsearch, query: dict[str, Any] | None = None, alias: str | None = None) -> int:
    with es_errors("cannot count articles"):
        return es.count(index=alias or current_alias(), query=query or {"match_all": {}})["count"]


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file under this process's umask (0o644 under umask 022)."""
    umask = os.umask(0o022)  # the only way to read the umask is to set it; put straight back
    os.umask(umask)
    return 0o666 & ~umask


def export(
    es: Elasticsearch,
    path: Path,
    fmt: str = "jsonl",
    query: dict[str, Any] | None = None,
    alias: str | None = None,
    progress: bool = False,
    excel: bool = False,
) -> int:
    """Write matching articles to ``path`` in ``fmt``; returns the count. The file is written
    beside the target and renamed into place when complete: a failure leaves no partial file.
    ``excel``: a CSV file starts with a byte-order mark, which Excel needs to read UTF-8 (Chinese), and
    no cell starts a formula (:func:`excel_safe`)."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise StoreError("--excel is for CSV files (a byte-order mark for Excel); the format here is " + fmt)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle_fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(handle_fd)
    temporary = Path(name)
    count = 0
    try:
        # mkstemp makes the file private (0600): the export gets the mode any new file would have.
        temporary.chmod(new_file_mode())
        total = count_articles(es, query, alias) if progress else None
        bar = tqdm(total=total, unit="article", desc="export", disable=not progress, file=sys.stderr)
        with contextlib.ExitStack() as stack:
            # Parquet writes the file itself; the text formats write through one handle.
            handle = (
                None
                if fmt == "parquet"
                else stack.enter_context(temporary.open("w", encoding="utf-8-sig" if excel else "utf-8", newline=""))
            )
            writer = _Writer(handle, fmt, str(temporary), excel)
            for article in iter_articles(es, query, alias):
                count += 1  # counted as it is read: a write that fails is of the export under way
                writer.write(article)
                bar.update(1)
            writer.close()
            if handle is not None:
                handle.flush()
                os.fsync(handle.fileno())
        bar.close()
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, (StoreError, OSError)) and count:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ExportUnfinishedError(f"stopped at article {count}, {path} not written: {reason}") from error
        if isinstance(error, OSError):
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from error
        raise
    return count


def csv_lines(articles: Iterator[dict[str, Any]], excel: bool = False) -> Iterator[str]:
    """Exported articles as CSV text, a header then one row at a time (the HTTP export streams it);
    ``excel``: as :func:`export` writes it for Excel."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    yield ("\ufeff" if excel else "") + buffer.getvalue()
    for article in articles:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(flatten_for_csv(article, excel))
        yield buffer.getvalue()


def jsonl_lines(articles: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Exported articles as JSON Lines (:func:`analyst_record`), one line at a time."""
    for article in articles:
        yield json_line(analyst_record(article))


def export_jsonl(es: Elasticsearch, path: Path, query: dict[str, Any] | None = None, alias: str | None = None) -> int:
    """JSON Lines export (see :func:`export`)."""
    return export(es, path, "jsonl", query, alias)
