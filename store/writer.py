"""Writing articles: documents in bulk batches, each article counted by its outcome, near-duplicates
linked to the first of their story, and nothing lost (what Elasticsearch does not take goes to the
spool with the reason, what it will never take to the dead letters)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from store import dedup
from store.client import ES_FAILURES, StoreError, es_errors
from store.lifecycle import current_alias, restore_refresh_interval
from store.spool import Spool

logger = logging.getLogger(__name__)

BULK_CHUNK_SIZE = 500
BULK_MAX_CHUNK_BYTES = 20 * 1024 * 1024  # under the node's http.max_content_length (100 MB)
DUPLICATE_WINDOW = timedelta(days=7)  # syndicated copies are published within days of each other
MAX_DUPLICATE_CANDIDATES = 5_000  # one look-up per batch up to this many candidates, else one per article
RECENT_FINGERPRINT_BANDS = 400_000  # bands of this writer's articles kept in memory (~100,000 articles)
# Statuses of a document the node will never take as it is (invalid, too large): dead letters, not
# spooled for another try. 429 and 5xx are the node's state, not the document's: spooled.
REJECTED_FOR_GOOD = (400, 409, 413)
# A document the answering node refused this many times (across replays) is a dead letter: the
# spool must not carry a poison pill from crawl to crawl.
MAX_SPOOL_ATTEMPTS = 3


def _by_band(candidates: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Candidates indexed by fingerprint band, each remembering its place in crawl order."""
    index: dict[str, list[dict[str, Any]]] = {}
    for order, candidate in enumerate(candidates):
        candidate["_order"] = order
        for band in candidate.get("fp_bands") or ():
            index.setdefault(band, []).append(candidate)
    return index


def written_as(info: dict[str, Any], expected: str) -> str:
    """How a written document counts: the node's own answer (``created`` or ``updated``) decides, so
    two loads racing on the same articles never both count them as new."""
    return {"created": "new", "updated": "updated"}.get(str(info.get("result")), expected)


class ArticleWriter:
    """Buffers article documents and writes them in bulk.

    Re-crawling an unchanged article writes nothing; a changed one is overwritten under the same id
    with ``updated_at`` set and its first ``crawled_at`` kept. Documents that fail go to the spool
    (Elasticsearch down or overloaded) or the dead-letter file (documents it rejects as invalid).
    """

    def __init__(self, es: Elasticsearch, alias: str | None = None, chunk_size: int = BULK_CHUNK_SIZE) -> None:
        self.es = es
        self.alias = alias or current_alias()
        self.chunk_size = chunk_size
        self.buffer: list[dict[str, Any]] = []
        self._write_lock = threading.Lock()
        self._bulk_sender: ThreadPoolExecutor | None = None
        self._pending_bulk: Future[None] | None = None
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "spooled": 0, "dead_letter": 0, "duplicates": 0}
        self._recent: dict[str, dict[str, Any]] = {}  # fingerprint band → first article written with it
        self.spool = Spool("spool")
        self.dead_letter = Spool("dead-letter")
        self.attempts: dict[str, int] = {}  # id → refusals so far, for documents replayed from the spool
        # A load that died with refresh switched off left the index invisible to search: put it back.
        restore_refresh_interval(es, self.alias)

    def add(self, document: dict[str, Any], attempts: int = 0) -> None:
        if attempts:
            self.attempts[document["id"]] = attempts
        self.buffer.append(document)
        if len(self.buffer) >= self.chunk_size:
            self.flush()

    def add_many(self, documents: Iterable[dict[str, Any]]) -> None:
        for document in documents:
            self.add(document)

    def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        response = self.es.mget(
            index=self.alias, ids=ids, source_includes=["content_hash", "crawled_at", "dup_of", "dup_group"]
        )
        return {d["_id"]: d["_source"] for d in response["docs"] if d.get("found")}

    def _link_duplicates(self, documents: list[dict[str, Any]]) -> None:
        """Point each new article that repeats an earlier one (indexed, or earlier in this batch) at
        the first of its kind: ``dup_of`` and ``dup_group`` name the first article's id.

        Syndicated copies appear within days of each other, so candidates are looked up among
        articles published within ``DUPLICATE_WINDOW`` of the batch, in one search per batch (the
        band terms of every document); if that finds too many, each document is looked up alone."""
        fingerprinted = [d for d in documents if d.get("fingerprint")]
        if not fingerprinted:
            return
        candidates = self._candidates_for_batch(fingerprinted)
        batch_by_band = _by_band(candidates or [])
        for document in fingerprinted:
            by_band = batch_by_band if candidates is not None else _by_band(self._candidates_for(document))
            # Indexed articles (first crawled first), then those this writer wrote that a search
            # cannot see before a refresh.
            pool = sorted(
                {id(c): c for band in document["fp_bands"] for c in by_band.get(band, ())}.values(),
                key=lambda c: c["_order"],
            )
            pool += [self._recent[band] for band in document["fp_bands"] if band in self._recent]
            for candidate in pool:
                if candidate.get("id") != document["id"] and dedup.is_near_duplicate(
                    document["fingerprint"], candidate.get("fingerprint")
                ):
                    document["dup_of"] = document["dup_group"] = candidate["dup_group"]
                    self.counts["duplicates"] += 1
                    break
            self._remember(document)

    def _window(self, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        dates = [d.get("published_at") for d in documents]
        if not dates or not all(dates):
            return []  # an undated article may repeat anything
        earliest = min(datetime.fromisoformat(d) for d in dates) - DUPLICATE_WINDOW
        latest = max(datetime.fromisoformat(d) for d in dates) + DUPLICATE_WINDOW
        return [{"range": {"published_at": {"gte": earliest.isoformat(), "lte": latest.isoformat()}}}]

    def _search_candidates(self, bands: list[str], window: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
        response = self.es.search(
            index=self.alias,
            query={"bool": {"filter": [{"terms": {"fp_bands": bands}}, *window]}},
            source_includes=["id", "fingerprint", "fp_bands", "dup_group"],
            size=MAX_DUPLICATE_CANDIDATES,
            sort=[{"crawled_at": "asc"}, {"id": "asc"}],  # the first of a story comes first
            track_total_hits=MAX_DUPLICATE_CANDIDATES + 1,
        )
        hits = [hit["_source"] for hit in response["hits"]["hits"]]
        return response["hits"]["total"]["value"], hits

    def _candidates_for_batch(self, documents: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        bands = sorted({band for d in documents for band in d["fp_bands"]})
        total, hits = self._search_candidates(bands, self._window(documents))
        return hits if total <= MAX_DUPLICATE_CANDIDATES else None

    def _candidates_for(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        _total, hits = self._search_candidates(document["fp_bands"], self._window([document]))
        return hits

    def _remember(self, document: dict[str, Any]) -> None:
        entry = {"id": document["id"], "fingerprint": document["fingerprint"], "dup_group": document["dup_group"]}
        for band in document["fp_bands"]:
            self._recent.setdefault(band, entry)  # the first article of a band stays its representative
        while len(self._recent) > RECENT_FINGERPRINT_BANDS:
            self._recent.pop(next(iter(self._recent)))  # oldest first (dicts keep insertion order)

    def flush(self, refresh: bool = False) -> None:
        """Send the buffer. Its bulk request runs in the background while the caller prepares the
        next batch (existence and duplicate look-ups); :meth:`finish` waits for it."""
        batch, self.buffer = self.buffer, []
        if batch:
            with self._write_lock:
                self._write_batch(batch, wait=False)
        if refresh:
            self.finish()
            self.refresh()

    def write_batch(self, batch: list[dict[str, Any]], refresh: bool = False) -> None:
        """Write one batch (taken from the buffer by the caller): written or spooled when this
        returns. Batches are written one at a time, so callers may hand them over from several threads."""
        if not batch:
            return
        with self._write_lock:
            self._write_batch(batch, wait=True)
        if refresh:
            self.refresh()

    def finish(self) -> None:
        """Wait until the last batch sent by :meth:`flush` is written (or spooled)."""
        with self._write_lock:
            self._wait_for_bulk()

    def _wait_for_bulk(self) -> None:
        if self._pending_bulk is not None:
            pending, self._pending_bulk = self._pending_bulk, None
            pending.result()

    def _write_batch(self, batch: list[dict[str, Any]], wait: bool) -> None:
        # The last version of an article in a batch wins.
        by_id = {d["id"]: d for d in batch}
        try:
            existing = self._existing(list(by_id))
        except ES_FAILURES as error:
            self._spool_all(by_id.values(), f"lookup failed: {error}")
            return
        actions = []
        kinds: dict[str, str] = {}
        for doc_id, document in by_id.items():
            previous = existing.get(doc_id)
            if previous and previous.get("content_hash") == document["content_hash"]:
                self.counts["unchanged"] += 1
                continue
            if previous:
                # An update keeps its first crawl time and its place among duplicates.
                document = {
                    **document,
                    "crawled_at": previous.get("crawled_at"),
                    "updated_at": document["crawled_at"],
                    "dup_of": previous.get("dup_of"),
                    "dup_group": previous.get("dup_group") or doc_id,
                }
                kinds[doc_id] = "updated"
            else:
                kinds[doc_id] = "new"
            actions.append({"_op_type": "index", "_index": self.alias, "_id": doc_id, "_source": document})
        if not actions:
            return
        try:
            self._link_duplicates([a["_source"] for a in actions if kinds[a["_id"]] == "new"])
        except ES_FAILURES as error:
            self._spool_all((a["_source"] for a in actions), f"duplicate lookup failed: {error}")
            return
        self._wait_for_bulk()  # batches are written in order, one at a time
        if wait:
            self._bulk(actions, kinds)
        else:
            if self._bulk_sender is None:
                self._bulk_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finnews-bulk")
            self._pending_bulk = self._bulk_sender.submit(self._bulk, actions, kinds)

    def _bulk(self, actions: list[dict[str, Any]], kinds: dict[str, str]) -> None:
        sources = {a["_id"]: a["_source"] for a in actions}
        done: set[str] = set()
        try:
            for ok, result in helpers.streaming_bulk(
                self.es,
                actions,
                chunk_size=self.chunk_size,
                max_chunk_bytes=BULK_MAX_CHUNK_BYTES,
                max_retries=5,
                initial_backoff=1,
                max_backoff=30,
                raise_on_error=False,
                raise_on_exception=False,
            ):
                info = next(iter(result.values()))
                doc_id = info.get("_id")
                done.add(doc_id)
                if ok:
                    self.counts[written_as(info, kinds[doc_id])] += 1
                else:
                    self._refused(sources[doc_id], int(info.get("status") or 0), info.get("error"))
        except ES_FAILURES as error:
            self._spool_all((s for i, s in sources.items() if i not in done), f"bulk failed: {error}")

    def _refused(self, document: dict[str, Any], status: int, error: Any) -> None:
        """A document the node answered with an error: a dead letter when it will never be taken as
        it is (or was refused too often), else spooled for a later try."""
        reason = error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)
        attempts = self.attempts.pop(document["id"], 0) + 1
        if status in REJECTED_FOR_GOOD:
            self.dead_letter.append(document, reason)
            self.counts["dead_letter"] += 1
        elif attempts >= MAX_SPOOL_ATTEMPTS:
            self.dead_letter.append(document, f"refused {attempts} times; last: status {status}: {reason}", attempts)
            self.counts["dead_letter"] += 1
        else:
            self.spool.append(document, f"status {status}: {reason}", attempts)
            self.counts["spooled"] += 1

    def _spool_all(self, documents: Iterable[dict[str, Any]], reason: str) -> None:
        # The node did not answer for these: no refusal to count, their attempts stay as they were.
        for document in documents:
            self.spool.append(document, reason, self.attempts.pop(document["id"], 0))
            self.counts["spooled"] += 1
        logger.error("Elasticsearch did not take a batch (%s); spooled to %s", reason, self.spool.path)

    def refresh(self) -> None:
        with es_errors(f"refresh of {self.alias} failed"):
            self.es.indices.refresh(index=self.alias)

    def close(self) -> dict[str, int]:
        """Write what is buffered and make it searchable; returns the counts by outcome."""
        self.flush()
        self.finish()
        if self._bulk_sender is not None:
            self._bulk_sender.shutdown(wait=True)
            self._bulk_sender = None
        if self.counts["new"] or self.counts["updated"]:
            try:
                self.refresh()
            except StoreError as error:
                logger.error("%s (the written articles become searchable at the next refresh)", error)
        return dict(self.counts)
