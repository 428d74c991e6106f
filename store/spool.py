"""The spool: append-only JSON Lines files of documents Elasticsearch did not take (``spool/``) or
will never take as they are (``dead-letter/``), with the reason, one file per writer and process
(written and read by :mod:`store.pending`, as the run records waiting for the runs index are).

A file is held (an exclusive ``flock``) from its creation until its writer closes it, and a replay
holds it the same way while it reads and deletes it: a file being written is never replayed, and two
replays (processes or threads) never take the same file. A process that dies lets go of its files."""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from core.config import state_dir
from core.dates import SHANGHAI
from core.masking import mask_credentials
from store.client import StoreError
from store.pending import append_entry, iter_entries, waiting_files

logger = logging.getLogger(__name__)

_MAKING = itertools.count()  # tells apart the files this process is making at the same moment


def spool_root() -> Path:
    """Where spool and dead-letter files live (``FINNEWS_SPOOL_DIR``, else the state directory)."""
    return Path(os.environ.get("FINNEWS_SPOOL_DIR") or state_dir())


class SpoolWriteError(StoreError):
    """A spool file could not be written (a full disk, a file size limit, a read-only folder): what
    was being spooled is not saved anywhere, and the load must stop and say so. ``unsaved``: the ids of
    the documents of the batch that were not spooled, when the writer knows them."""

    unsaved: set[str] | None = None


class Spool:
    """Append-only JSON Lines file of documents Elasticsearch did not take, one file per run."""

    def __init__(self, kind: str = "spool", index: str | None = None) -> None:
        self.directory = spool_root() / kind
        # The index (alias) the documents are for: a replay for another one leaves them (every writer
        # of one state folder shares its spool, a staging or test run with its own FINNEWS_INDEX too).
        self.index = index
        self.path: Path | None = None  # the file written last (kept after close, for messages)
        self.count = 0
        self._held: int | None = None  # the open file's descriptor, holding its lock

    def append(self, document: dict[str, Any], reason: str, attempts: int = 0) -> None:
        """Add a document; ``attempts`` counts the times an answering node refused it. Raises
        :class:`SpoolWriteError` when the line cannot be written whole (nothing of it is left)."""
        entry: dict[str, Any] = {"reason": mask_credentials(reason), "document": document}
        if self.index:
            entry["index"] = self.index
        if attempts:
            entry["attempts"] = attempts
        self._write(entry, str(document.get("url") or document.get("id") or "a document"))

    def append_damaged(self, line: str, source: Path) -> None:
        """Keep a line of a spool file that is not a record (cut by a crash, corrupted) as a dead
        letter, as it is, rather than dropping it."""
        entry = {"reason": f"damaged line of {source.name}: not a JSON record", "damaged_line": line}
        self._write(entry, f"a damaged line of {source}")

    def keep(self, entry: dict[str, Any]) -> None:
        """Write a record read from a spool file again as it is (one that holds no document)."""
        self._write(entry, "a kept record")

    def _write(self, entry: dict[str, Any], what: str) -> None:
        try:
            if self._held is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self.path, self._held = _new_held_file(self.directory)
            append_entry(self.path, entry)
        except OSError as error:
            where = self.path or self.directory
            raise SpoolWriteError(
                f"cannot write to the spool {where} ({error.strerror or error}): {what} is not saved"
            ) from None
        self.count += 1

    def close(self) -> None:
        """The file is complete: a replay may take it now (a later append starts a new file)."""
        if self._held is not None:
            os.close(self._held)  # lets go of the lock
            self._held = None


def _new_held_file(directory: Path) -> tuple[Path, int]:
    """A new spool file ``<time>-<pid>.jsonl`` (``<time>.<n>-<pid>.jsonl`` when this process made one
    in the same second), locked before it gets its name: no replay sees it unheld while it is written.
    Created under a name no replay reads, locked, then linked to its name (a link never replaces a
    file) and the first name removed."""
    stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
    pid = os.getpid()
    making = directory / f".{stamp}-{pid}-{next(_MAKING)}.new"
    fd = os.open(making, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = _link_free_name(making, directory, f"{stamp}", f"-{pid}.jsonl")
    except BaseException:
        os.close(fd)
        raise
    finally:
        making.unlink(missing_ok=True)
    return path, fd


def _link_free_name(making: Path, directory: Path, stem: str, tail: str) -> Path:
    for number in itertools.count():
        path = directory / (f"{stem}{tail}" if number == 0 else f"{stem}.{number}{tail}")
        with contextlib.suppress(FileExistsError):
            os.link(making, path)
            return path
    raise AssertionError("itertools.count() ends")


@contextlib.contextmanager
def claimed(path: Path) -> Iterator[bool]:
    """Hold ``path`` for a replay: yields False when a writer or another replay holds it (or it is
    gone), True when it is this replay's until the block ends (it deletes the file before)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Still the file of that name: not one a replay finished and deleted meanwhile.
            mine = os.stat(path).st_ino == os.fstat(fd).st_ino
        except (BlockingIOError, FileNotFoundError):
            mine = False
        yield mine
    finally:
        os.close(fd)


def file_index(path: Path) -> str | None:
    """The index a spool file's documents are for (its first record says; files written before the
    index was recorded, or whose first line is damaged, say nothing: ``None``)."""
    with contextlib.suppress(FileNotFoundError):
        for entry in iter_entries(path, []):
            index = entry.get("index")
            return str(index) if index else None
    return None


def spool_files(kind: str = "spool", index: str | None = None) -> list[Path]:
    """The spool (or dead-letter) files waiting, oldest first; with ``index``, only those for that index
    (and those that name none): another index's files are not this one's articles waiting."""
    files = waiting_files(spool_root() / kind)
    return files if index is None else [path for path in files if file_index(path) in (None, index)]


def waiting_articles(kind: str = "spool", index: str | None = None) -> int:
    """How many records the spool (or dead-letter) files (``index``: for that index) hold, one a line,
    without parsing them (a spool that grew through an outage is counted after every live poll)."""
    return sum(_lines(path) for path in spool_files(kind, index))


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except FileNotFoundError:  # replayed meanwhile
        return 0


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The entries of a spool file (see :func:`store.pending.iter_entries`)."""
    return list(iter_entries(path))


def written_by_this_process(path: Path) -> bool:
    """Spool files are named ``<time>-<pid>.jsonl``: what this process spooled is not replayed by
    it again in the same run (a replay that spools again must not feed itself), unless it asks for
    its own closed files (``finnews live``, one process for all its polls)."""
    return path.stem.rsplit("-", 1)[-1] == str(os.getpid())
