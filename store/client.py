"""The Elasticsearch client and its errors: one way to connect, and one translation of the
client's exceptions into a :class:`StoreError` whose message says what to do (:func:`es_errors`)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

import orjson
from elastic_transport import JsonSerializer, NdjsonSerializer, OrjsonSerializer, TlsError
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from core.dates import SHANGHAI
from store.settings import elasticsearch_settings

logger = logging.getLogger(__name__)

# Every way a request can fail: the node did not answer (connection, transport) or refused (API).
ES_FAILURES = (ESConnectionError, TransportError, ApiError)


def orjson_or_standard(serializer: JsonSerializer, data: Any) -> bytes:
    """``data`` as JSON by orjson (a tenth of the standard library's time for an article: CPU a load on
    two cores gives back to tagging); a value orjson refuses (a lone surrogate from a broken page, an
    integer over 64 bits) goes through the standard library as before, so the node judges that one
    document and its batch is never lost to the serializer."""
    try:
        return orjson.dumps(data, default=serializer.default)
    except orjson.JSONEncodeError:
        return JsonSerializer.json_dumps(serializer, data)


class OrjsonNdjsonSerializer(NdjsonSerializer):
    """Bulk bodies, each line by :func:`orjson_or_standard`."""

    def json_dumps(self, data: Any) -> bytes:
        return orjson_or_standard(self, data)


class OrjsonJsonSerializer(OrjsonSerializer):
    """Requests by :func:`orjson_or_standard`; answers (search pages, exports) parsed by orjson."""

    def json_dumps(self, data: Any) -> bytes:
        return orjson_or_standard(self, data)


# orjson over the standard library's json: elastic-transport supports it as a serializer of its own.
SERIALIZERS = {"application/json": OrjsonJsonSerializer(), "application/x-ndjson": OrjsonNdjsonSerializer()}


class StoreError(RuntimeError):
    """Elasticsearch could not be reached or refused an operation; the message says what to do."""


def connect(url: str | None = None) -> Elasticsearch:
    """A client for the configured cluster (``FINNEWS_ES_URL`` or the local node), authenticated
    with the configured credentials (basic auth or an API key, and a CA certificate for https)."""
    # The transport logs every retry with a traceback; finnews reports failures itself, in one line.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    settings = elasticsearch_settings()
    options = settings.credentials.client_options() if url is None else {}
    # Every node of the cluster: a request that fails on one (a node that died) is retried on another.
    return Elasticsearch(
        url or list(settings.hosts),
        request_timeout=60,
        max_retries=3,
        retry_on_timeout=True,
        serializers=SERIALIZERS,
        **options,
    )


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


# How often a long-lived writer reads the node's clock again (a host's clock is stepped by NTP, drifts).
NODE_CLOCK_CHECK_S = 60.0
# Two short tries at most (another node of a cluster on the second): a node that does not answer holds the write up
# by this twice at most, once a minute (the client's own 60 s times 4 tries held each bulk of a hanging node up four
# minutes more before it was spooled).
NODE_CLOCK_TIMEOUT_S = 5.0


class NodeClock:
    """The node's time: this host's clock (``local``) corrected by its offset from the node's, read from the
    node (``_nodes/_local/stats``: its ``timestamp``) at most every :data:`NODE_CLOCK_CHECK_S`, half the
    request's time counted for the way back. Writers stamp ``indexed_at`` with it, so every writer's stamps are
    on one clock whatever their hosts' (the push follows the stamps: one writer's clock 20 minutes behind put
    its articles behind the push's cursor, never pushed; left open on day 19). A node that does not tell its
    time (a user without the monitor privilege) leaves the last offset known, or none, said once."""

    said: ClassVar[bool] = False  # that the node's clock could not be read

    def __init__(self, es: Elasticsearch, local: Callable[[], datetime]) -> None:
        self.es = es
        self.local = local
        self._offset = timedelta(0)
        self._checked_at: float | None = None  # time.monotonic() of the last read
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            if self._checked_at is None or time.monotonic() - self._checked_at >= NODE_CLOCK_CHECK_S:
                self._checked_at = time.monotonic()
                self._read_offset()
            return self.local() + self._offset

    def _read_offset(self) -> None:
        before = self.local()
        try:
            # One retry: the client then asks another node of a cluster, not the dead one again (review of day 20).
            asking = self.es.options(request_timeout=NODE_CLOCK_TIMEOUT_S, max_retries=1)
            nodes = asking.nodes.stats(node_id="_local", metric="process", filter_path="nodes.*.timestamp")["nodes"]
            millis = int(next(iter(nodes.values()))["timestamp"])
        except (*ES_FAILURES, KeyError, StopIteration, TypeError, ValueError, ReferenceError) as error:
            if not NodeClock.said:  # once a process: `finnews live` has a writer a poll
                NodeClock.said = True
                logger.warning(
                    "the node's clock could not be read (%s): articles are stamped with this host's clock, "
                    "which must then agree with the other writers' within minutes for `finnews live` to push them",
                    type(error).__name__,
                )
            return
        after = self.local()
        self._offset = datetime.fromtimestamp(millis / 1000, before.tzinfo) - (before + (after - before) / 2)


_NODE_CLOCKS: weakref.WeakKeyDictionary[Elasticsearch, NodeClock] = weakref.WeakKeyDictionary()
_NODE_CLOCKS_LOCK = threading.Lock()


def node_clock(es: Elasticsearch) -> NodeClock:
    """The one :class:`NodeClock` of a client: what the push reads the stamps against (its cursor, where news
    starts) is on the clock the writers stamp with (review of day 20: a node 20 minutes behind the push's host
    put the first 20 minutes' news behind where news started, never pushed)."""
    with _NODE_CLOCKS_LOCK:
        clock = _NODE_CLOCKS.get(es)
        if clock is None:
            # Through a proxy: a clock holding its client would keep it (and its sockets) alive for ever as the
            # key of this weak dictionary (review of day 20).
            clock = _NODE_CLOCKS[es] = NodeClock(weakref.proxy(es), lambda: datetime.now(SHANGHAI))
        return clock


class UnreachableError(StoreError):
    """Nothing answered (or not over TLS as configured): the message says how to bring the node up."""


def unreachable(error: Exception) -> UnreachableError:
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
    return UnreachableError(f"Elasticsearch at {settings.url} is not reachable ({type(error).__name__}). {hint}")


class IndexMissingError(StoreError):
    """The node answered 404: the index (or alias) does not exist yet."""


class AlreadyExistsError(StoreError):
    """The node refused to create what another process created at the same moment."""


def _refusal(what: str, error: ApiError) -> StoreError:
    message = f"{what}: {error}"
    if error.meta.status == 404:
        return IndexMissingError(message)
    if error.meta.status == 400 and "resource_already_exists" in str(error):
        return AlreadyExistsError(message)
    return StoreError(message)


@contextlib.contextmanager
def es_errors(what: str) -> Iterator[None]:
    """Run requests to the node with its failures as :class:`StoreError`: a node that does not answer
    is :func:`unreachable` (with the hint to start or check it); a refusal reads ``<what>: <error>``,
    as :class:`IndexMissingError` for a 404 and :class:`AlreadyExistsError` for a creation race, so
    callers that expect those catch them by name."""
    try:
        yield
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        raise _refusal(what, error) from error
