"""The spool: append-only JSON Lines files of documents Elasticsearch did not take (``spool/``) or
will never take as they are (``dead-letter/``), with the reason, one file per writer and process."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from core.config import state_dir
from core.masking import mask_credentials
from tagging.dates import SHANGHAI

logger = logging.getLogger(__name__)


def spool_root() -> Path:
    """Where spool and dead-letter files live (``FINNEWS_SPOOL_DIR``, else the state directory)."""
    return Path(os.environ.get("FINNEWS_SPOOL_DIR") or state_dir())


class Spool:
    """Append-only JSON Lines file of documents Elasticsearch did not take, one file per run."""

    def __init__(self, kind: str = "spool") -> None:
        self.directory = spool_root() / kind
        self.path: Path | None = None
        self.count = 0

    def append(self, document: dict[str, Any], reason: str, attempts: int = 0) -> None:
        """Add a document; ``attempts`` counts the times an answering node refused it."""
        if self.path is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
            self.path = self.directory / f"{stamp}-{os.getpid()}.jsonl"
        entry: dict[str, Any] = {"reason": mask_credentials(reason), "document": document}
        if attempts:
            entry["attempts"] = attempts
        line = json.dumps(entry, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.count += 1


def spool_files(kind: str = "spool") -> list[Path]:
    """The spool (or dead-letter) files waiting, oldest first."""
    directory = spool_root() / kind
    return sorted(directory.glob("*.jsonl")) if directory.exists() else []


def iter_spool(path: Path) -> Iterator[dict[str, Any]]:
    """The entries of a spool file, one at a time; a line cut short by a crash is skipped (it was
    never acknowledged)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                logger.warning("skipping a damaged line in %s", path)
                continue
            if isinstance(entry, dict):
                yield entry


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The entries of a spool file (see :func:`iter_spool`)."""
    return list(iter_spool(path))


def written_by_this_process(path: Path) -> bool:
    """Spool files are named ``<time>-<pid>.jsonl``: what this process spooled is not replayed by
    it again in the same run (a replay that spools again must not feed itself)."""
    return path.stem.rsplit("-", 1)[-1] == str(os.getpid())
