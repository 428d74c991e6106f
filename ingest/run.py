"""``finnews ingest``: load an archive the user already holds (folders of Jekyll posts, saved HTML
pages, JSON Lines of articles) through the same clean → tag → index path as the crawlers: the files
read here, cleaned and tagged in worker processes, written by the one bulk writer in input order."""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.files import archive_files
from ingest.pool import ItemFailed
from ingest.work import Prepared, input_bytes, input_units, parallel_map, prepare, unit_size, worker_count
from store.client import StoreError, connect
from store.lifecycle import ensure_index, relaxed_refresh
from store.outcomes import stats_key
from store.spool import spool_root
from store.writer import BULK_CHUNK_SIZE, ArticleWriter

LARGE_LOAD_FILES = 200  # from this many files on, periodic refresh is off during the load
LARGE_LOAD_BYTES = 8 * 1024 * 1024  # … or from this much input (one large JSON Lines file)


@dataclass
class IngestReport:
    files: int = 0
    articles: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of a folder that are no article format
    counts: dict[str, int] = field(default_factory=dict)
    workers: int = 1  # processes that cleaned and tagged (1: this one)
    interrupted: bool = False  # stopped by Ctrl-C: what was not written is read again next time

    def stats(self) -> dict[str, Any]:
        """The load as a run's stats, with the keys a crawl's stats use (``finnews ingest
        --stats-json``: one reader, :func:`scheduler.stats.read_stats`, reads both)."""
        stats: dict[str, Any] = {"finnews/files": self.files, "finnews/articles_read": self.articles}
        stats.update({stats_key(name): count for name, count in self.counts.items()})
        if self.failures:
            stats["finnews/errors/input_failed"] = len(self.failures)
            stats["finnews/failures"] = list(self.failures)
        stats["finish_reason"] = "interrupted" if self.interrupted else "finished"
        return stats


# --- The load -----------------------------------------------------------------------------------------


def ingest(
    paths: list[Path],
    progress: bool = True,
    batch_size: int = BULK_CHUNK_SIZE,
    workers: int | None = None,
    column_map: Mapping[str, str] | None = None,
) -> IngestReport:
    """Load ``paths`` through clean → tag → index. Cleaning and tagging run in ``workers`` processes
    (default: one per core for a large input), their documents reach the one bulk writer in the
    order of the input. Ctrl-C stops the load after writing what was ready (``report.interrupted``);
    a load that is killed loses nothing either: the next load of the same paths writes what this one
    had not (an article already indexed is unchanged)."""
    report = IngestReport()
    files = archive_files(paths, report.failures, report.skipped)
    report.files = len(files)
    size = input_bytes(files)
    report.workers = worker_count(workers, size)
    es = connect()
    try:
        ensure_index(es)
    except StoreError as error:
        # Go on: what cannot be written is spooled to disk and replayed later.
        print(f"finnews ingest: {error} Articles will be spooled to {spool_root() / 'spool'}.", file=sys.stderr)
    # A record the node rejects (a field too long for its mapping …) is named like every bad input.
    writer = ArticleWriter(
        es, chunk_size=batch_size, on_rejected=lambda where, why: report.failures.append(f"{where}: {why}")
    )
    with contextlib.ExitStack() as stack:
        if len(files) >= LARGE_LOAD_FILES or size >= LARGE_LOAD_BYTES:
            stack.enter_context(relaxed_refresh(es))
        try:
            _ingest_files(files, writer, report, progress, column_map)
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
            while (item := self.queue.get()) is not _END:
                document, where = item
                self.writer.add(document, origin=where)
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

    def add(self, document: dict[str, Any], where: str | None = None) -> None:
        self._put((document, where))

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


def _ingest_files(
    files: list[Path],
    writer: ArticleWriter,
    report: IngestReport,
    progress: bool,
    column_map: Mapping[str, str] | None = None,
) -> None:
    bar = tqdm(total=len(files), unit="file", disable=not progress, desc="ingest")
    done = 0  # files whose every article was handed to the writer
    results = parallel_map(prepare, input_units(files, column_map), report.workers, size=unit_size)
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
                    background.add(document, where)
                    report.articles += 1
            bar.update(len(files) - done)
    finally:
        background.close()  # on Ctrl-C too: what was made is written
