"""Replaying the spool: every document a writer could not hand to Elasticsearch is written again (and
the dead letters, when asked)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from core.config import max_article_bytes
from store.client import ES_FAILURES
from store.documents import cut_text, document_from_record
from store.lifecycle import current_alias, ensure_index
from store.outcomes import empty_counts
from store.pending import iter_entries
from store.spool import Spool, claimed, file_index, spool_files, written_by_this_process
from store.writer import ArticleWriter

logger = logging.getLogger(__name__)
_TOLD_ELSEWHERE: set[Path] = set()  # another index's spool files this process has named


def _replayable(document: dict[str, Any]) -> dict[str, Any]:
    """A spooled document as it is, or rebuilt within the size limit when it was spooled before
    the limit existed (a giant page must not be sent again and again)."""
    if cut_text(document.get("text"), max_article_bytes()) is document.get("text"):
        return document
    return document_from_record(document)


def replay_spool(
    es: Elasticsearch, alias: str | None = None, kind: str = "spool", own_closed: bool = False
) -> dict[str, int]:
    """Index every spooled document again (``kind="dead-letter"``: every dead letter, once what made
    the node reject it is fixed). Documents already indexed are no-ops; documents the node refuses
    again for its state (a write block, overload) go to a new spool file with their count of
    refusals, documents rejected as invalid or too large to the dead letters. A replayed file is
    deleted: everything in it is written, spooled again or a dead letter (a damaged line too, kept
    as it is), so no copy is kept. A file is replayed only once it is closed and held by this replay
    (:func:`store.spool.claimed`): one being written, or taken by another replay, is left. Files this
    process wrote itself are left for a later run, unless ``own_closed`` (a process that runs for
    ever, ``finnews live``: its earlier polls' files, never the one being written)."""
    files = [path for path in spool_files(kind) if own_closed or not written_by_this_process(path)]
    totals = {"files": 0, **empty_counts()}
    here = alias or current_alias()
    indexes = {path: file_index(path) for path in files}  # (each file's first line, read once)
    elsewhere = [path for path in files if indexes[path] not in (None, here)]
    if elsewhere:
        # Another index's articles (a staging or test run sharing the state folder): written here, they were
        # lost to it, for the file is deleted (review of day 19). Left for a replay with that FINNEWS_INDEX.
        totals["elsewhere"] = len(elsewhere)
        for path in elsewhere:
            if path not in _TOLD_ELSEWHERE:  # once a process (`finnews live` replays every poll)
                _TOLD_ELSEWHERE.add(path)
                logger.warning(
                    "%s holds articles for the index %s, not %s: left for `FINNEWS_INDEX=%s finnews spool replay`",
                    path, indexes[path], here, indexes[path],
                )  # fmt: skip
        files = [path for path in files if path not in elsewhere]
    if not files:
        return totals
    ensure_index(es, alias)
    totals["damaged"] = 0
    kept_damaged = Spool("dead-letter", here)
    try:
        for path in files:
            with claimed(path) as mine:
                if mine:
                    totals["files"] += 1
                    _replay_file(es, alias, path, kept_damaged, totals)
    finally:
        kept_damaged.close()
    with contextlib.suppress(*ES_FAILURES):
        es.indices.refresh(index=alias or current_alias())
    return totals


def _replay_file(es: Elasticsearch, alias: str | None, path: Path, kept_damaged: Spool, totals: dict[str, int]) -> None:
    """One claimed file written again, its counts added to ``totals``, then deleted."""
    writer = ArticleWriter(es, alias, replaying=True)
    damaged: list[str] = []
    kept: list[dict[str, Any]] = []  # records that hold no document (a damaged line kept earlier)
    try:
        for entry in iter_entries(path, damaged):
            document = entry.get("document")
            if isinstance(document, dict) and document.get("id"):
                attempts = entry.get("attempts")
                writer.add(_replayable(document), attempts if isinstance(attempts, int) else 0)
            else:
                kept.append(entry)
        writer.close()  # written (or spooled again) before the file counts as replayed
    finally:
        # What this replay spooled again is complete: a later replay may take it.
        writer.spool.close()
        writer.dead_letter.close()
    for key, value in writer.counts.items():
        totals[key] += value
    # What is no document is kept as a dead letter (as it is) before the file goes.
    for line in damaged:
        kept_damaged.append_damaged(line, path)
    for entry in kept:
        kept_damaged.keep(entry)
    totals["damaged"] += len(damaged) + len(kept)
    # Anything that failed again is in the writer's own new spool file, so this one is done.
    path.unlink(missing_ok=True)
