"""Writing articles: documents in bulk batches, each article counted by its outcome (the names of
:mod:`store.outcomes`), near-duplicates linked to the first of their story, and nothing lost: what
Elasticsearch does not take goes to the spool with the reason, what it will never take to the dead
letters.

One concurrency model, whoever the caller is: documents are buffered by :meth:`ArticleWriter.add`;
a full buffer is flushed in the caller's thread, which does the existence and duplicate look-ups,
and its bulk request runs on the writer's own thread while the caller fills the next batch. All
methods may be called from several threads. A callback hears about every batch once it is written
(or spooled): a crawl remembers its articles as seen only then."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers

from core.dates import SHANGHAI, parse_datetime
from store.client import ES_FAILURES, NodeClock, StoreError, es_errors
from store.documents import content_hash
from store.duplicates import DuplicateLinker
from store.lifecycle import current_alias, restore_refresh_interval
from store.merge import merge_documents, sources_of
from store.outcomes import DEAD_LETTER, DUPLICATES, NEW, SPOOLED, UNCHANGED, UPDATED, empty_counts
from store.spool import Spool, SpoolWriteError

logger = logging.getLogger(__name__)

BULK_CHUNK_SIZE = 500
BULK_MAX_CHUNK_BYTES = 20 * 1024 * 1024  # under the node's http.max_content_length (100 MB)
# Statuses of a document the node will never take as it is (invalid, too large): dead letters, not
# spooled for another try. Every other refusal is the node's state, not the document's (a write
# block during `finnews index migrate` or at the disk's flood stage: 403 or 429; overload: 429; 5xx):
# spooled, however often it comes, for the node will take the document once its state changes.
REJECTED_FOR_GOOD = (400, 409, 413)

# Waits before asking again for documents whose shard did not answer a look-up (a node died and its
# replicas are being promoted: a matter of seconds); then the batch is spooled.
LOOKUP_RETRY_WAITS_S = (0.5, 1.0, 2.0, 4.0, 8.0)


class LookupIncompleteError(StoreError):
    """The cluster did not answer the existence look-up for some documents of a batch."""


# Called with the URLs given to :meth:`ArticleWriter.add` for a batch once it is written or spooled.
WrittenCallback = Callable[[list[str]], None]
# A document the node rejected for good: where it came from (the caller's origin, else its URL) and why.
RejectedCallback = Callable[[str, str], None]
REJECTION_REASON_CHARS = 300


def _stored_is_newer(stored: dict[str, Any], spooled: dict[str, Any]) -> bool:
    """Whether the stored document was written from a copy crawled after the spooled one (day-17 hunt: a replay
    put back a copy spooled while the node was down over the corrected one ingested since, and called it an
    update). Times that cannot be read compare as not newer: the spooled copy is written, as before."""
    stored_at = parse_datetime(str(stored.get("updated_at") or stored.get("crawled_at") or ""))
    # A spooled update carries the article's first crawl time: its own copy's time is ``updated_at``
    # (a replay kept the older stored copy over it, and deleted the spool: review of day 19).
    spooled_at = parse_datetime(str(spooled.get("updated_at") or spooled.get("crawled_at") or ""))
    return stored_at is not None and spooled_at is not None and stored_at > spooled_at


def written_as(info: dict[str, Any], expected: str) -> str:
    """How a written document counts: the node's own answer (``created`` or ``updated``) decides, so
    two loads racing on the same articles never both count them as new."""
    return {"created": NEW, "updated": UPDATED}.get(str(info.get("result")), expected)


def with_indexed_at(document: dict[str, Any], kind: str, sent: str) -> dict[str, Any]:
    """The copy of a document sent to the node, stamped with when the node first took the article
    (``indexed_at``: what `finnews live` pushes by, alerts/push.py, whoever wrote it). An update keeps
    the stored stamp (:meth:`ArticleWriter._prepare`): it is not news again. A new article is stamped
    with this request's time, whatever it carries: the node has no copy, so a stamp it carries is
    from a try the node did not take (a spool file written before stamps went on copies only), and
    keeping it would put the article behind the push's cursor. ``sent`` is the node's time
    (:class:`store.client.NodeClock`), not this host's: every writer's stamps on one clock. The
    document itself is never stamped: one the node does not take is spooled as it came, and stamped
    when a replay writes it."""
    first = document.get("indexed_at") if kind == UPDATED else None
    return {**document, "indexed_at": first or sent}


class ArticleWriter:
    """Buffers article documents and writes them in bulk.

    Re-crawling an unchanged article writes nothing; a changed one is overwritten under the same id
    with ``updated_at`` set and its first ``crawled_at`` kept. Documents that fail go to the spool
    (Elasticsearch down or overloaded) or the dead-letter file (documents it rejects as invalid).
    """

    def __init__(
        self,
        es: Elasticsearch,
        alias: str | None = None,
        chunk_size: int = BULK_CHUNK_SIZE,
        on_written: WrittenCallback | None = None,
        on_rejected: RejectedCallback | None = None,
        replaying: bool = False,
    ) -> None:
        self.es = es
        # Documents come from the spool: each is the copy of when it was spooled, and a newer one may have
        # been written since (a corrected article ingested while the node was back): that one stays.
        self.replaying = replaying
        self.alias = alias or current_alias()
        self.chunk_size = chunk_size
        self.on_written = on_written
        self.on_rejected = on_rejected
        self._origins: dict[str, str] = {}  # id → where the caller read it, while the document is pending
        self.counts = empty_counts()
        self.kept_stored_values = 0  # articles whose new copy lacked a title, date or text the index had
        self.spool = Spool("spool", self.alias)
        self.dead_letter = Spool("dead-letter", self.alias)
        self.attempts: dict[str, int] = {}  # id → refusals so far, for documents replayed from the spool
        self._buffer: list[dict[str, Any]] = []
        self._buffer_urls: list[str] = []
        self._lock = threading.RLock()  # the buffer, and one batch prepared at a time, in order
        self._in_flight = 0  # documents flushed and not yet written or spooled
        self._in_flight_lock = threading.Lock()  # the bulk thread updates it without the main lock
        self._bulk_sender: ThreadPoolExecutor | None = None
        self._pending_bulk: Future[None] | None = None
        self._pending_ids: set[str] = set()  # the articles of the batch being written
        # URLs of batches written or spooled whose ``on_written`` failed (the seen store locked, its disk full):
        # told again with the next batch and at close; what is left then is :attr:`not_acknowledged`.
        self._unacknowledged: list[str] = []
        self._acknowledge_lock = threading.Lock()
        self.acknowledge_error: str | None = None
        self._duplicates = DuplicateLinker(es, self.alias)
        self._clock = NodeClock(es, lambda: datetime.now(SHANGHAI))  # what indexed_at is stamped with
        # A load that died with refresh switched off left the index invisible to search: put it back.
        restore_refresh_interval(es, self.alias)

    @property
    def pending(self) -> int:
        """Documents added and not yet written or spooled (buffered, or in a batch being written)."""
        return len(self._buffer) + self._in_flight

    def add(
        self, document: dict[str, Any], attempts: int = 0, urls: Iterable[str] = (), origin: str | None = None
    ) -> None:
        """Buffer a document (``attempts``: refusals so far, for one replayed from the spool; ``urls``:
        handed to ``on_written`` with its batch; ``origin``: where it was read, ``file:line``, named to
        ``on_rejected`` if the node rejects it). A full buffer is flushed by this call."""
        with self._lock:
            if attempts:
                self.attempts[document["id"]] = attempts
            if origin:
                self._origins[document["id"]] = origin
            self._buffer.append(document)
            self._buffer_urls.extend(urls)
            if len(self._buffer) >= self.chunk_size:
                self.flush()

    def add_many(self, documents: Iterable[dict[str, Any]]) -> None:
        for document in documents:
            self.add(document)

    def flush(self, refresh: bool = False) -> None:
        """Send the buffer. Its bulk request runs in the background while the caller prepares the
        next batch (existence and duplicate look-ups); :meth:`finish` waits for it."""
        with self._lock:
            batch, self._buffer = self._buffer, []
            urls, self._buffer_urls = self._buffer_urls, []
            if batch:
                self._moving(len(batch))
                self._send(batch, urls)
        if refresh:
            self.finish()
            self.refresh()

    def finish(self) -> None:
        """Wait until the last batch sent by :meth:`flush` is written (or spooled)."""
        with self._lock:
            self._wait_for_bulk()

    def _wait_for_bulk(self) -> None:
        if self._pending_bulk is not None:
            pending, self._pending_bulk = self._pending_bulk, None
            pending.result()

    def _moving(self, documents: int) -> None:
        with self._in_flight_lock:
            self._in_flight += documents

    def _done(self, batch: list[dict[str, Any]], urls: list[str]) -> None:
        """A batch is written or spooled: it is no longer pending, and the caller hears about it."""
        with self._in_flight_lock:
            self._in_flight -= len(batch)
        for document in batch:
            self._origins.pop(document.get("id"), None)
        self._acknowledge(urls)

    def _acknowledge(self, urls: list[str]) -> None:
        """Tell ``on_written`` of written URLs, with those it could not take before. Its failure (the seen store
        locked by another process, its disk full) is logged and the URLs kept for the next try: raised here, in
        the bulk thread, it came back at the next batch's send, which then was neither sent nor spooled (hunt of
        day 17: 10 articles of 100 lost, the crawl exiting 0)."""
        if self.on_written is None:
            return
        with self._acknowledge_lock:  # (the bulk thread and the caller's, at close, both tell)
            waiting, self._unacknowledged = [*self._unacknowledged, *urls], []
            if not waiting:
                return
            try:
                self.on_written(waiting)
            except Exception as error:  # whatever the callback's store raises: sqlite3, OSError, redis
                self._unacknowledged = waiting
                if self.acknowledge_error is None:
                    logger.error("Written articles could not be remembered as seen (told again later): %s", error)
                self.acknowledge_error = str(error)
            else:
                self.acknowledge_error = None

    @property
    def not_acknowledged(self) -> list[str]:
        """URLs of written (or spooled) articles ``on_written`` never took: after :meth:`close`, for good."""
        return list(self._unacknowledged)

    def _send(self, batch: list[dict[str, Any]], urls: list[str]) -> None:
        try:
            actions, kinds = self._prepare(batch)
            if actions:
                self._wait_for_bulk()  # batches are written in order, one at a time
        except SpoolWriteError as error:
            # This batch's look-up failed and the spool would not take all of it (error.unsaved), or the batch
            # before failed so (this one, prepared, is not sent either): what is not saved goes back to the buffer,
            # no longer on its way, so that a later flush (close) tries it again and says so if it fails again.
            unsaved = error.unsaved if error.unsaved is not None else {d["id"] for d in batch}
            self._give_back([d for d in batch if d["id"] in unsaved], urls, len(batch))
            raise
        except BaseException:
            self._give_back(batch, urls, len(batch))
            raise
        if not actions:
            self._done(batch, urls)
            return
        if self._bulk_sender is None:
            self._bulk_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finnews-bulk")
        self._pending_ids = set(kinds)
        self._pending_bulk = self._bulk_sender.submit(self._bulk_then_done, actions, kinds, batch, urls)

    def _give_back(self, documents: list[dict[str, Any]], urls: list[str], moving: int) -> None:
        """Documents of a batch that was neither written nor spooled, back at the buffer's head."""
        with self._in_flight_lock:
            self._in_flight -= moving
        self._buffer[:0], self._buffer_urls[:0] = documents, urls

    def _prepare(self, batch: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The bulk actions of a batch and how each counts when written (new or updated): unchanged
        articles are counted and left out; a failed look-up spools the batch (no actions)."""
        by_id = self._one_copy_each(batch)
        if self._pending_bulk is not None and not self._pending_ids.isdisjoint(by_id):
            # The batch before, still being written, holds some of these articles: the look-up must see them
            # (taken for new, the later copy replaced the earlier one whole: review of day 19).
            self._wait_for_bulk()
        try:
            existing = self._existing(list(by_id))
        except (*ES_FAILURES, LookupIncompleteError) as error:
            self._spool_all(by_id.values(), f"lookup failed: {error}")
            return [], {}
        actions = []
        kinds: dict[str, str] = {}
        for doc_id, document in by_id.items():
            previous = existing.get(doc_id)
            if previous and self.replaying and _stored_is_newer(previous, document):
                self.counts[UNCHANGED] += 1
                stored_at = previous.get("updated_at") or previous.get("crawled_at")
                logger.warning(
                    "%s: the spooled copy (crawled %s) is older than the stored one (%s): the stored one is kept",
                    document.get("url"), document.get("crawled_at"), stored_at,
                )  # fmt: skip
                continue
            if previous:
                # One article, one document: the stored one merged with what arrived (store/merge.py).
                document, kept = merge_documents(previous, document)
                document["content_hash"] = content_hash(document)
                if kept:
                    self._kept_stored_values(document, kept)
                if document["content_hash"] == previous.get("content_hash") and document["sources"] == sources_of(
                    previous
                ):
                    self.counts[UNCHANGED] += 1
                    continue
                # An update keeps its first crawl time and its place among duplicates.
                document = {
                    **document,
                    "crawled_at": previous.get("crawled_at"),
                    # A copy that was itself an update (spooled, exported, merged in its batch) carries its
                    # own time as ``updated_at``; its ``crawled_at`` is the article's first crawl.
                    "updated_at": document.get("updated_at") or document["crawled_at"],
                    "dup_of": previous.get("dup_of"),
                    "dup_group": previous.get("dup_group") or doc_id,
                    "indexed_at": previous.get("indexed_at"),
                }
                kinds[doc_id] = UPDATED
            else:
                kinds[doc_id] = NEW
            actions.append({"_op_type": "index", "_index": self.alias, "_id": doc_id, "_source": document})
        if not actions:
            return [], {}
        try:
            self.counts[DUPLICATES] += self._duplicates.link([a["_source"] for a in actions if kinds[a["_id"]] == NEW])
        except ES_FAILURES as error:
            self._spool_all((a["_source"] for a in actions), f"duplicate lookup failed: {error}")
            return [], {}
        return actions, kinds

    def _one_copy_each(self, batch: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """One document per article of a batch: copies of one article (the same URL twice in one input,
        from two sources) merged in order as the index would merge them one batch after another
        (store/merge.py), each later copy counted as it would be there: unchanged, or updated. Taking
        the last copy whole lost what the earlier one had (a feed's summary replaced a crawled text). A merge
        keeps the first copy's crawl time and is stamped ``updated_at`` with the later one's."""
        by_id: dict[str, dict[str, Any]] = {}
        for document in batch:
            earlier = by_id.get(document["id"])
            if earlier is None:
                by_id[document["id"]] = document
                continue
            merged, kept = merge_documents(earlier, document)
            merged["content_hash"] = content_hash(merged)
            if kept:
                self._kept_stored_values(merged, kept)
            if merged["content_hash"] == earlier.get("content_hash") and merged["sources"] == sources_of(earlier):
                self.counts[UNCHANGED] += 1
                by_id[document["id"]] = earlier
                continue
            self.counts[UPDATED] += 1
            latest = document.get("updated_at") or document.get("crawled_at")  # (a spooled update's own time)
            by_id[document["id"]] = {**merged, "crawled_at": earlier.get("crawled_at") or latest, "updated_at": latest}
        return by_id

    def _kept_stored_values(self, document: dict[str, Any], kept: list[str]) -> None:
        """A copy that would have blanked a title, date or text: the stored value stays, and it is said."""
        self.kept_stored_values += 1
        logger.warning(
            "%s: the copy from %s has no %s; the stored value is kept",
            document.get("url"), document.get("sources", ["?"])[-1], " or ".join(kept),
        )  # fmt: skip

    def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored versions of ``ids`` (those that exist). A look-up the cluster could not answer
        for a shard (its node died, its replica not yet promoted) is asked again: taken for "not
        there", it would overwrite an article's first crawl time and its place among duplicates."""
        waits = iter(LOOKUP_RETRY_WAITS_S)
        while True:
            response = self.es.mget(index=self.alias, ids=ids)  # whole documents: merged with what arrived
            failed = [d for d in response["docs"] if d.get("error")]
            if not failed:
                return {d["_id"]: d["_source"] for d in response["docs"] if d.get("found")}
            wait = next(waits, None)
            if wait is None:
                raise LookupIncompleteError(f"{len(failed)} look-up(s) failed: {json.dumps(failed[0]['error'])[:200]}")
            time.sleep(wait)

    def _bulk_then_done(
        self, actions: list[dict[str, Any]], kinds: dict[str, str], batch: list[dict[str, Any]], urls: list[str]
    ) -> None:
        try:
            self._bulk(actions, kinds)
        except BaseException:
            with self._in_flight_lock:  # neither written nor spooled, and no longer on its way
                self._in_flight -= len(batch)
            raise
        self._done(batch, urls)

    def _bulk(self, actions: list[dict[str, Any]], kinds: dict[str, str]) -> None:
        sent = self._clock.now().isoformat()  # the node's time: every writer's stamps on one clock
        stamped = [{**a, "_source": with_indexed_at(a["_source"], kinds[a["_id"]], sent)} for a in actions]
        # What is spooled or shelved below is the document as it came, unstamped.
        sources = {a["_id"]: a["_source"] for a in actions}
        by_id = {a["_id"]: a for a in actions}
        done: set[str] = set()
        # The requests refused as a whole (a proxy's body limit, a gateway's 400): their actions, by
        # the request's exception (one object for every document of that request), kept alive here.
        whole: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
        try:
            for ok, result in helpers.streaming_bulk(
                self.es,
                stamped,
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
                elif "exception" in info:  # the request was refused, not this document
                    whole.setdefault(id(info["exception"]), (info, []))[1].append(by_id[doc_id])
                else:
                    self._refused(sources[doc_id], int(info.get("status") or 0), info.get("error"))
        except ES_FAILURES as error:
            self._spool_all((s for i, s in sources.items() if i not in done), f"bulk failed: {error}")
        for info, refused in whole.values():
            self._request_refused(refused, kinds, int(info.get("status") or 0), info.get("error"))

    def _request_refused(self, actions: list[dict[str, Any]], kinds: dict[str, str], status: int, error: Any) -> None:
        """A bulk request refused as a whole is no verdict on each of its documents: one that was too
        large or malformed for whatever stands before the node (413 or 400) is sent again in halves,
        down to a single document (still refused, it is a dead letter); any other status is the
        node's state, and the documents are spooled as one refused alone would be."""
        if status in REJECTED_FOR_GOOD and len(actions) > 1:
            half = len(actions) // 2
            self._bulk(actions[:half], kinds)
            self._bulk(actions[half:], kinds)
            return
        for action in actions:
            self._refused(action["_source"], status, error)

    def _refused(self, document: dict[str, Any], status: int, error: Any) -> None:
        """A document the node answered with an error: a dead letter when it will never be taken as
        it is, else (the node's state) spooled for a later try, with its count of refusals."""
        reason = error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)
        attempts = self.attempts.pop(document["id"], 0) + 1
        if status in REJECTED_FOR_GOOD:
            self.dead_letter.append(document, reason)
            self.counts[DEAD_LETTER] += 1
            self._name_rejection(document, status, error)
        else:
            self.spool.append(document, f"status {status}: {reason}", attempts)
            self.counts[SPOOLED] += 1

    def _name_rejection(self, document: dict[str, Any], status: int, error: Any) -> None:
        """Tell the caller which of its inputs the node rejected and why, in one short line (the whole
        answer is in the dead letter)."""
        if self.on_rejected is None:
            return
        where = self._origins.get(document.get("id", "")) or str(document.get("url") or document.get("id"))
        if isinstance(error, dict):
            cause = error.get("caused_by") if isinstance(error.get("caused_by"), dict) else {}
            why = f"{error.get('type', 'error')}: {error.get('reason', '')}"
            if cause:
                why += f" ({cause.get('type', '')}: {cause.get('reason', '')})"
        else:
            why = str(error)
        self.on_rejected(where, f"rejected by Elasticsearch (status {status}): {why[:REJECTION_REASON_CHARS]}")

    def _spool_all(self, documents: Iterable[dict[str, Any]], reason: str) -> None:
        # The node did not answer for these: no refusal to count, their attempts stay as they were.
        documents = list(documents)
        for index, document in enumerate(documents):
            try:
                self.spool.append(document, reason, self.attempts.pop(document["id"], 0))
            except SpoolWriteError as error:
                # Neither indexed nor spooled: the batch is not acknowledged (its URLs are not marked
                # seen) and the load must stop here, saying what was not saved.
                unsaved = SpoolWriteError(
                    f"{error}. Elasticsearch did not take a batch ({reason}) and {len(documents) - index} "
                    f"of its article(s) are neither indexed nor spooled; the load stops here. Free space "
                    f"in the spool folder (FINNEWS_SPOOL_DIR), then run the same command again."
                )
                unsaved.unsaved = {d["id"] for d in documents[index:]}
                raise unsaved from None
            self.counts[SPOOLED] += 1
        logger.error("Elasticsearch did not take a batch (%s); spooled to %s", reason, self.spool.path)

    def refresh(self) -> None:
        with es_errors(f"refresh of {self.alias} failed"):
            self.es.indices.refresh(index=self.alias)

    def close(self) -> dict[str, int]:
        """Write what is buffered and make it searchable; returns the counts by outcome. The spool
        files this writer wrote are complete then: a replay may take them (a later add starts new ones)."""
        try:
            self.flush()
            self.finish()
            self._acknowledge([])  # a last try for the URLs on_written could not take
        finally:
            self.spool.close()
            self.dead_letter.close()
        if self._bulk_sender is not None:
            self._bulk_sender.shutdown(wait=True)
            self._bulk_sender = None
        if self.counts[NEW] or self.counts[UPDATED]:
            try:
                self.refresh()
            except StoreError as error:
                logger.error("%s (the written articles become searchable at the next refresh)", error)
        return dict(self.counts)
