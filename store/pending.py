"""Records waiting on disk for Elasticsearch: JSON Lines files in a folder, oldest first by name.

One implementation for every writer that must not lose what the cluster did not take: the article
spool and its dead letters (:mod:`store.spool`, a file per writer and process, appended one durable
line at a time) and the run records that wait for the runs index (:mod:`store.runs`, a file per
record, written whole under a temporary name). Each owner decides what a replay does with an entry;
this module only writes and reads the lines so that a crash never leaves half a record behind.
(The push outbox, :mod:`store.outbox`, is another shape of thing: deliveries with states and tries,
which SQLite's transactions serve.)"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"


def append_line(path: Path, data: bytes) -> None:
    """Append one whole line and make it durable, or leave the file as it was: a failed write (the
    disk full half-way through the line) is cut back, so a file never holds a partial record."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def append_entry(path: Path, entry: dict[str, Any]) -> None:
    """Append one record as a durable line (see :func:`append_line`)."""
    append_line(path, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))


def write_entries(path: Path, entries: Iterable[dict[str, Any]]) -> Path:
    """Write a whole file of records under a temporary name, make it durable and rename it, so a
    concurrent reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def waiting_files(directory: Path) -> list[Path]:
    """The files of records waiting in ``directory``, oldest first (their names start with a time
    or an id that sorts so)."""
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


def iter_entries(path: Path, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The records of a file, one at a time. A line that is not a record (cut short by a crash,
    corrupted) is skipped here and collected in ``damaged`` when given (its owner decides what to
    keep); without it, logged. Raises ``FileNotFoundError`` when another process took the file."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if isinstance(entry, dict):
                yield entry
            elif line.strip():
                if damaged is None:
                    logger.warning("skipping a damaged line in %s", path)
                else:
                    damaged.append(line.rstrip("\n"))
