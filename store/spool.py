"""The spool: append-only JSON Lines files of documents Elasticsearch did not take (``spool/``) or
will never take as they are (``dead-letter/``), with the reason, one file per writer and process
(written and read by :mod:`store.pending`, as the run records waiting for the runs index are)."""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from core.config import state_dir
from core.dates import SHANGHAI
from core.masking import mask_credentials
from store.client import StoreError
from store.pending import append_entry, iter_entries, waiting_files

logger = logging.getLogger(__name__)


def spool_root() -> Path:
    """Where spool and dead-letter files live (``FINNEWS_SPOOL_DIR``, else the state directory)."""
    return Path(os.environ.get("FINNEWS_SPOOL_DIR") or state_dir())


class SpoolWriteError(StoreError):
    """A spool file could not be written (a full disk, a file size limit, a read-only folder): what
    was being spooled is not saved anywhere, and the load must stop and say so."""


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

    def keep(self, entry: dict[str, Any]) -> None:
        """Write a record read from a spool file again as it is (one that holds no document)."""
        self._write(entry, "a kept record")

    def _write(self, entry: dict[str, Any], what: str) -> None:
        try:
            if self.path is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
                self.path = self.directory / f"{stamp}-{os.getpid()}.jsonl"
            append_entry(self.path, entry)
        except OSError as error:
            where = self.path or self.directory
            raise SpoolWriteError(
                f"cannot write to the spool {where} ({error.strerror or error}): {what} is not saved"
            ) from None
        self.count += 1


def spool_files(kind: str = "spool") -> list[Path]:
    """The spool (or dead-letter) files waiting, oldest first."""
    return waiting_files(spool_root() / kind)


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The entries of a spool file (see :func:`store.pending.iter_entries`)."""
    return list(iter_entries(path))


def written_by_this_process(path: Path) -> bool:
    """Spool files are named ``<time>-<pid>.jsonl``: what this process spooled is not replayed by
    it again in the same run (a replay that spools again must not feed itself)."""
    return path.stem.rsplit("-", 1)[-1] == str(os.getpid())
