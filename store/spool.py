"""The spool: append-only JSON Lines files of documents Elasticsearch did not take (``spool/``) or
will never take as they are (``dead-letter/``), with the reason, one file per writer and process."""

from __future__ import annotations

import contextlib
import json
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

logger = logging.getLogger(__name__)


def spool_root() -> Path:
    """Where spool and dead-letter files live (``FINNEWS_SPOOL_DIR``, else the state directory)."""
    return Path(os.environ.get("FINNEWS_SPOOL_DIR") or state_dir())


class SpoolWriteError(StoreError):
    """A spool file could not be written (a full disk, a file size limit, a read-only folder): what
    was being spooled is not saved anywhere, and the load must stop and say so."""


def append_line(path: Path, data: bytes) -> None:
    """Append one whole line and make it durable, or leave the file as it was: a failed write (the
    disk full half-way through the line) is cut back, so a spool never holds a partial record."""
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


class Spool:
    """Append-only JSON Lines file of documents Elasticsearch did not take, one file per run."""

    def __init__(self, kind: str = "spool") -> None:
        self.directory = spool_root() / kind
        self.path: Path | None = None
        self.count = 0

    def append(self, document: dict[str, Any], reason: str, attempts: int = 0) -> None:
        """Add a document; ``attempts`` counts the times an answering node refused it. Raises
        :class:`SpoolWriteError` when the line cannot be written whole (nothing of it is left)."""
        entry: dict[str, Any] = {"reason": mask_credentials(reason), "document": document}
        if attempts:
            entry["attempts"] = attempts
        self._write(entry, str(document.get("url") or document.get("id") or "a document"))

    def append_damaged(self, line: str, source: Path) -> None:
        """Keep a line of a spool file that is not a record (cut by a crash, corrupted) as a dead
        letter, as it is, rather than dropping it."""
        entry = {"reason": f"damaged line of {source.name}: not a JSON record", "damaged_line": line}
        self._write(entry, f"a damaged line of {source}")

    def _write(self, entry: dict[str, Any], what: str) -> None:
        try:
            if self.path is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
                self.path = self.directory / f"{stamp}-{os.getpid()}.jsonl"
            append_line(self.path, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as error:
            where = self.path or self.directory
            raise SpoolWriteError(
                f"cannot write to the spool {where} ({error.strerror or error}): {what} is not saved"
            ) from None
        self.count += 1


def spool_files(kind: str = "spool") -> list[Path]:
    """The spool (or dead-letter) files waiting, oldest first."""
    directory = spool_root() / kind
    return sorted(directory.glob("*.jsonl")) if directory.exists() else []


def iter_spool(path: Path, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The entries of a spool file, one at a time. A line that is not a record (cut short by a crash,
    corrupted) is skipped here and collected in ``damaged`` when given (replay keeps it as a dead
    letter); without it, logged."""
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


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The entries of a spool file (see :func:`iter_spool`)."""
    return list(iter_spool(path))


def written_by_this_process(path: Path) -> bool:
    """Spool files are named ``<time>-<pid>.jsonl``: what this process spooled is not replayed by
    it again in the same run (a replay that spools again must not feed itself)."""
    return path.stem.rsplit("-", 1)[-1] == str(os.getpid())
