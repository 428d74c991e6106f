"""The article index: the Elasticsearch client, the versioned index behind an alias, article
documents, and bulk writing that never loses an article (what Elasticsearch does not take goes to
an on-disk spool with the reason)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from elastic_transport import TlsError
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch import ConnectionError as ESConnectionError

from core.config import ConfigError, check_keys, config_dir, load_yaml, max_article_bytes, require, state_dir
from core.masking import mask_credentials
from store import dedup
from store.settings import elasticsearch_settings
from tagging.article import Article
from tagging.dates import SHANGHAI, isoformat
from tagging.urls import document_id

logger = logging.getLogger(__name__)

# Fields whose change makes a re-crawled article an update (crawl times are not content).
CONTENT_FIELDS = ("url", "title", "text", "digest", "media", "author", "published_at", "boards", "stocks", "topics")
BULK_CHUNK_SIZE = 500
DUPLICATE_WINDOW = timedelta(days=7)  # syndicated copies are published within days of each other
MAX_DUPLICATE_CANDIDATES = 5_000  # one look-up per batch up to this many candidates, else one per article
INDEX_CONFIG_KEYS = ("version", "settings", "mappings")
RECENT_FINGERPRINT_BANDS = 400_000  # bands of this writer's articles kept in memory (~100,000 articles)
# Statuses of a document the node will never take as it is (invalid, too large): dead letters, not
# spooled for another try. 429 and 5xx are the node's state, not the document's: spooled.
REJECTED_FOR_GOOD = (400, 409, 413)
# A document the answering node refused this many times (across replays) is a dead letter: the
# spool must not carry a poison pill from crawl to crawl.
MAX_SPOOL_ATTEMPTS = 3
BULK_MAX_CHUNK_BYTES = 20 * 1024 * 1024  # under the node's http.max_content_length (100 MB)


class StoreError(RuntimeError):
    """Elasticsearch could not be reached or refused an operation; the message says what to do."""


def connect(url: str | None = None) -> Elasticsearch:
    """A client for the configured cluster (``FINNEWS_ES_URL`` or the local node), authenticated
    with the configured credentials (basic auth or an API key, and a CA certificate for https)."""
    # The transport logs every retry with a traceback; finnews reports failures itself, in one line.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    settings = elasticsearch_settings()
    options = settings.credentials.client_options() if url is None else {}
    return Elasticsearch(url or settings.url, request_timeout=60, max_retries=3, retry_on_timeout=True, **options)


def cluster_status(es: Elasticsearch) -> dict[str, Any] | None:
    """Health and version of the cluster through the client (credentials and CA applied); ``None``
    when nothing answers. Refused credentials are a :class:`StoreError` that says so."""
    try:
        health = dict(es.cluster.health())
    except (ESConnectionError, TransportError) as error:
        if is_tls_error(error):
            raise unreachable(error) from None  # something answers, but its certificate is not accepted
        return None
    except ApiError as error:
        if error.meta.status in (401, 403):
            raise StoreError(
                f"Elasticsearch at {elasticsearch_settings().url} refused the credentials ({error.meta.status}): "
                "check FINNEWS_ES_USERNAME / FINNEWS_ES_PASSWORD / FINNEWS_ES_API_KEY or the credentials file"
            ) from None
        raise StoreError(f"cluster health failed: {error.meta.status}") from None
    try:
        nodes = es.nodes.info(node_id="_local", filter_path="nodes.*.version")["nodes"]
        health["version"] = next((n.get("version") for n in nodes.values()), None)
    except (ApiError, TransportError, KeyError):
        health["version"] = None  # a user without the monitor privilege still gets health
    return health


def is_tls_error(error: BaseException) -> bool:
    """A failure of the TLS handshake (certificate, protocol), however the client wraps it."""
    if isinstance(error, TlsError):
        return True
    text = f"{type(error).__name__} {error}".lower()
    return any(word in text for word in ("ssl", "tls", "certificate"))


def unreachable(error: Exception) -> StoreError:
    settings = elasticsearch_settings()
    hint = (
        "Start it with `finnews es start`." if settings.managed else "Check FINNEWS_ES_URL and that the cluster is up."
    )
    if is_tls_error(error):
        text = str(error).lower()
        if "wrong version number" in text or "record layer" in text:
            hint = "The server does not speak TLS there: check http:// versus https:// in FINNEWS_ES_URL."
        else:
            hint = (
                "The TLS certificate was not accepted: set FINNEWS_ES_CA_CERTS (or ca_certs in the credentials "
                "file) to the cluster's CA certificate."
            )
    return StoreError(f"Elasticsearch at {settings.url} is not reachable ({type(error).__name__}). {hint}")


def index_config() -> dict[str, Any]:
    """``configs/index.yaml``, checked for the keys finnews relies on."""
    path = str(config_dir() / "index.yaml")
    data = load_yaml("index.yaml")
    check_keys(path, data, INDEX_CONFIG_KEYS)
    version = require(data, "version", int, path)
    if version < 1:
        raise ConfigError(f"{path}: version: must be a positive integer")
    require(data, "settings", dict, path)
    mappings = require(data, "mappings", dict, path)
    require(mappings, "properties", dict, f"{path}: mappings")
    return data


def current_alias() -> str:
    return elasticsearch_settings().alias


def ensure_index(es: Elasticsearch, alias: str | None = None) -> str:
    """Create the versioned index behind ``alias`` if the alias does not exist; returns the alias."""
    alias = alias or current_alias()
    try:
        if es.indices.exists_alias(name=alias):
            expected = f"{alias}-v{index_config()['version']}"
            behind = sorted(es.indices.get_alias(name=alias))
            if behind != [expected]:
                logger.warning(
                    "%s points at %s but configs/index.yaml describes %s: run `finnews index migrate`",
                    alias, ", ".join(behind), expected,
                )  # fmt: skip
            _add_new_fields(es, behind)
            return alias
        config = index_config()
        name = f"{alias}-v{config['version']}"
        if not es.indices.exists(index=name):
            es.indices.create(index=name, settings=config["settings"], mappings=config["mappings"])
        es.indices.put_alias(index=name, name=alias)
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        if error.meta.status == 400 and "resource_already_exists" in str(error):
            return alias  # another process created it at the same moment
        raise StoreError(f"Could not create the index behind alias {alias}: {error}") from error
    return alias


def _add_new_fields(es: Elasticsearch, indices: list[str]) -> None:
    """Fields added to configs/index.yaml since an index was created (instruments, body_source) are
    added to it: the mapping is strict, so an article carrying a field the index lacks would be
    rejected. Adding fields never touches existing ones; a changed type needs `finnews index migrate`."""
    properties = index_config()["mappings"].get("properties") or {}
    for name in indices:
        try:
            es.indices.put_mapping(index=name, properties=properties)
        except ApiError as error:
            logger.warning("could not add new fields to %s (%s): run `finnews index migrate`", name, error)


def indices_behind(es: Elasticsearch, alias: str | None = None) -> list[str]:
    """The concrete indices the alias points at (none when it does not exist yet)."""
    try:
        return sorted(es.indices.get_alias(name=alias or current_alias()))
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        if error.meta.status == 404:
            return []
        raise StoreError(f"cannot read alias {alias}: {error}") from error


def content_hash(record: dict[str, Any]) -> str:
    payload = json.dumps({k: record.get(k) for k in CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def cut_text(text: str | None, limit: int) -> str | None:
    """At most ``limit`` UTF-8 bytes of ``text``, ended at a line break when one is near the end."""
    if not text or len(text) * 4 <= limit:  # no character is longer than 4 bytes
        return text
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")
    line_end = cut.rfind("\n")
    return cut[:line_end] if line_end > len(cut) * 0.9 else cut


def _within_limit(record: dict[str, Any]) -> dict[str, Any]:
    """The record with title, text and digest cut to the article size limit (``limits.max_article_mb``)
    and the mentions past a cut dropped: a giant page is never passed whole to the node."""
    limit = max_article_bytes()
    cut = {name: cut_text(record.get(name), limit) for name in ("title", "text", "digest")}
    if all(cut[name] is record.get(name) for name in cut):
        return record
    logger.warning("%s: text cut to the limit of %d bytes (limits.max_article_mb)", record.get("url"), limit)
    lengths = {"title": len(cut["title"] or ""), "body": len(cut["text"] or "")}
    mentions = [
        m
        for m in record.get("mentions") or []
        if not isinstance(m, dict) or m.get("where") not in lengths or (m.get("end") or 0) <= lengths[m["where"]]
    ]
    return {**record, **cut, "mentions": mentions}


def article_document(article: Article | dict[str, Any], crawled_at: datetime | None = None) -> dict[str, Any]:
    """The indexed form of an article: its record plus id, words fields and content hash."""
    # The tagging stack (jieba, the extractors) loads only when documents are made: commands that
    # read the index (runs, search, export) never pay for it.
    from tagging.extract import article_record
    from tagging.segment import segmented

    record = article_record(article) if isinstance(article, Article) else dict(article)
    if not record.get("url"):
        raise ValueError("an article needs a URL to be indexed (its id is derived from it)")
    record = _within_limit(record)
    document = {
        "id": document_id(record["url"]),
        "url": record["url"],
        "source": record.get("source"),
        "title": record.get("title") or "",
        "title_words": segmented(record.get("title")),
        "text": record.get("text") or "",
        "text_words": segmented(record.get("text")),
        "digest": record.get("digest"),
        "media": record.get("media"),
        "author": record.get("author"),
        "category": record.get("category"),
        "tags": record.get("tags") or [],
        "published_at": record.get("published_at"),
        "boards": record.get("boards") or [],
        "stocks": record.get("stocks") or [],
        "topics": record.get("topics") or [],
        "keywords": record.get("keywords") or [],
        "mentions": record.get("mentions") or [],
        "instruments": record.get("instruments") or [],  # indexes and funds marked by old stock ids
        "body_source": record.get("body_source"),  # how the body was found (layout, fragment, generic …)
    }
    document["content_hash"] = content_hash(document)
    fingerprint = dedup.simhash(document["text_words"].split())
    document["fingerprint"] = dedup.to_hex(fingerprint) if fingerprint is not None else None
    document["fp_bands"] = dedup.bands(document["fingerprint"]) if document["fingerprint"] else []
    document["dup_of"] = None
    document["dup_group"] = document["id"]
    now = isoformat(crawled_at or datetime.now(SHANGHAI))
    document["crawled_at"] = now
    document["updated_at"] = None
    return document


# Fields a stored or exported article keeps when it is indexed again: history, not derivable.
KEPT_FIELDS = ("crawled_at", "updated_at", "dup_of", "dup_group")


def document_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """The document for an article record that was indexed before (an export, an older index):
    derived fields rebuilt, crawl history and duplicate links kept."""
    document = article_document(record)
    for name in KEPT_FIELDS:
        if record.get(name) is not None:
            document[name] = record[name]
    return document


def spool_root() -> Path:
    """Where spool and dead-letter files live (``FINNEWS_SPOOL_DIR``, else the state directory)."""
    return Path(os.environ.get("FINNEWS_SPOOL_DIR") or state_dir())


def _by_band(candidates: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Candidates indexed by fingerprint band, each remembering its place in crawl order."""
    index: dict[str, list[dict[str, Any]]] = {}
    for order, candidate in enumerate(candidates):
        candidate["_order"] = order
        for band in candidate.get("fp_bands") or ():
            index.setdefault(band, []).append(candidate)
    return index


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
        except (ESConnectionError, TransportError, ApiError) as error:
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
        except (ESConnectionError, TransportError, ApiError) as error:
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
        except (ESConnectionError, TransportError, ApiError) as error:
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
        try:
            self.es.indices.refresh(index=self.alias)
        except (ESConnectionError, TransportError) as error:
            raise unreachable(error) from error

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


def _configured_interval() -> str:
    return str(index_config()["settings"].get("refresh_interval", "1s"))


def _relaxed_markers(alias: str) -> Path:
    """Where loads that switched refresh off note it (one file per process), per cluster and alias."""
    key = hashlib.sha1(f"{elasticsearch_settings().url} {alias}".encode()).hexdigest()[:16]
    return state_dir() / "refresh-relaxed" / key


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_marker(marker: Path) -> None:
    marker.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        marker.parent.rmdir()  # only when no other load's marker is in it


def _live_relaxers(markers: Path) -> list[int]:
    """Processes on this machine whose large load has refresh switched off right now."""
    alive = []
    for marker in markers.glob("*.pid") if markers.exists() else []:
        with contextlib.suppress(ValueError):
            pid = int(marker.stem)
            if pid == os.getpid() or _process_alive(pid):
                alive.append(pid)
                continue
        _remove_marker(marker)  # its load is over, however it ended
    return alive


def restore_refresh_interval(es: Elasticsearch, alias: str | None = None) -> bool:
    """Put back the configured refresh interval when a load that switched it off (``-1``) died before
    restoring it (the node went down, the process was killed), so articles do not stay invisible to
    search. A load still running on this machine is left alone. Never fails a writer: when the node
    does not answer, nothing is done (the next writer tries again). True when it restored."""
    alias = alias or current_alias()
    quick = es.options(request_timeout=5, max_retries=0)
    try:
        found = quick.indices.get_settings(index=alias, name="index.refresh_interval", flat_settings=True)
        off = [n for n, v in found.items() if v.get("settings", {}).get("index.refresh_interval") == "-1"]
        if not off or _live_relaxers(_relaxed_markers(alias)):
            return False
        interval = _configured_interval()
        quick.indices.put_settings(index=",".join(off), settings={"index": {"refresh_interval": interval}})
        quick.indices.refresh(index=alias)
    except (ESConnectionError, TransportError, ApiError, ConfigError):
        return False
    logger.warning("%s had refresh switched off by a load that did not finish; restored it to %s", alias, interval)
    return True


@contextlib.contextmanager
def relaxed_refresh(es: Elasticsearch, alias: str | None = None) -> Iterator[None]:
    """During a large load, turn periodic refresh off (each refresh makes a new segment) and restore
    the configured interval afterwards whatever happens, then refresh once so the load is searchable.
    If the node cannot be told (it went down), a marker file stays behind and the next writer to
    start restores the interval (:func:`restore_refresh_interval`). If refresh cannot be switched off
    (the node is down from the start), the load runs without it."""
    alias = alias or current_alias()
    interval = _configured_interval()
    marker = _relaxed_markers(alias) / f"{os.getpid()}.pid"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()  # before the switch: a crash right after it must leave the marker
    try:
        es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "-1"}})
    except (ESConnectionError, TransportError, ApiError) as error:
        _remove_marker(marker)
        logger.warning("refresh stays at %s during this load: %s", interval, type(error).__name__)
        yield
        return
    try:
        yield
    finally:
        try:
            es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": interval}})
            es.indices.refresh(index=alias)
            _remove_marker(marker)
        except (ESConnectionError, TransportError, ApiError) as error:
            logger.error(
                "could not restore the refresh interval of %s (%s); the next finnews writer restores it",
                alias, type(error).__name__,
            )  # fmt: skip


def wait_for_green(es: Elasticsearch, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if es.cluster.health(wait_for_status="yellow", timeout="5s")["status"] in ("green", "yellow"):
                return
        except (ESConnectionError, TransportError):
            time.sleep(1)
    raise StoreError(f"Elasticsearch at {elasticsearch_settings().url} is not healthy")


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


def _replayable(document: dict[str, Any]) -> dict[str, Any]:
    """A spooled document as it is, or rebuilt within the size limit when it was spooled before
    the limit existed (a giant page must not be sent again and again)."""
    if cut_text(document.get("text"), max_article_bytes()) is document.get("text"):
        return document
    return document_from_record(document)


def replay_spool(es: Elasticsearch, alias: str | None = None) -> dict[str, int]:
    """Index every spooled document again. Documents already indexed are no-ops; documents refused
    again go to a new spool file with their count of refusals (a dead letter after
    ``MAX_SPOOL_ATTEMPTS``), documents rejected as invalid or too large to the dead letters. A
    replayed file is deleted: everything in it is written, spooled again or a dead letter, so no
    copy is kept. Files this process spooled itself are left for a later run."""
    files = [path for path in spool_files() if not written_by_this_process(path)]
    totals = {"files": len(files), "new": 0, "updated": 0, "unchanged": 0, "spooled": 0, "dead_letter": 0}
    totals["duplicates"] = 0
    if not files:
        return totals
    ensure_index(es, alias)
    for path in files:
        writer = ArticleWriter(es, alias)
        try:
            for entry in iter_spool(path):
                document = entry.get("document")
                if isinstance(document, dict) and document.get("id"):
                    attempts = entry.get("attempts")
                    writer.add(_replayable(document), attempts if isinstance(attempts, int) else 0)
        except FileNotFoundError:
            pass  # another process replayed it meanwhile
        writer.close()  # written (or spooled again) before the file counts as replayed
        for key, value in writer.counts.items():
            totals[key] += value
        # Anything that failed again is in the writer's own new spool file, so this one is done.
        path.unlink(missing_ok=True)
    with contextlib.suppress(ESConnectionError, TransportError, ApiError):
        es.indices.refresh(index=alias or current_alias())
    return totals
