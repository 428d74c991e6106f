"""Indexing speed of the store: documents per second through ``ArticleWriter`` (what the crawl's
index pipeline uses) into the local Elasticsearch node, side by side in one run with the raw
ceiling: ``elasticsearch.helpers.streaming_bulk`` of the same prepared documents, same chunk size,
into a second fresh index with the plain client.

The documents are prepared before any timing: the replica's real articles go through
``extract_article`` and ``article_document`` once, then each copy gets its own URL (so its own id),
title and a unique last line of text (words and content hash recomputed), so the timing measures
the store, not tagging. The corpus has only four stories, so copies cannot have genuinely different
texts; by default each copy gets a random SimHash fingerprint, as distinct stories would, and the
writer's duplicate look-up finds (almost) no candidates. ``--near-duplicates`` keeps the story's
own fingerprint: every copy is then a near-duplicate of one of four stories (the duplicate
look-up's worst case, like a crawl of ``synthetic_articles``).

Both runs write to fresh, uniquely named aliases (``ensure_index``: the configured mapping and
settings), refresh once at the end (inside the timing), check the document count and delete their
indices by exact name. Every request to Elasticsearch is timed at the transport, which splits the
writer's time into its existence check (``_mget``), duplicate look-up (``_msearch``), ``_bulk``,
the refresh and the writer's own Python work.

Run: ``.venv/bin/python bench/index.py [--docs N] [--chunk-size N] [--rounds R] [--near-duplicates]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch, helpers  # noqa: E402

from core.urls import document_id  # noqa: E402
from replica.site import load_articles  # noqa: E402
from store.client import connect  # noqa: E402
from store.documents import article_document  # noqa: E402
from store.documents import content_hash as document_content_hash  # noqa: E402
from store.lifecycle import drop_versions, ensure_index  # noqa: E402
from store.writer import BULK_CHUNK_SIZE, ArticleWriter  # noqa: E402
from tagging.extract import extract_article  # noqa: E402

ALIAS_PREFIX = "finnews-bench-index"


# --- documents -----------------------------------------------------------------------------------


def base_documents() -> list[dict[str, Any]]:
    """The replica's real articles as indexed documents (extract + tag + ``article_document``)."""
    return [article_document(extract_article(article.raw)) for article in load_articles()]


def random_fingerprint(document: dict[str, Any], rng: random.Random) -> None:
    """Give a copy its own SimHash, as a distinct story would have (fields of ``store.dedup``)."""
    if not document.get("fingerprint"):
        return
    from store import dedup

    document["fingerprint"] = dedup.to_hex(rng.getrandbits(dedup.BITS))
    document["fp_bands"] = dedup.bands(document["fingerprint"])


def prepare(count: int, near_duplicates: bool, seed: int = 20261121) -> list[dict[str, Any]]:
    """``count`` distinct documents made from the real ones (new URL/id, title, last line of text)."""
    bases = base_documents()
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        base = bases[number % len(bases)]
        document = copy(base)  # lists (tags, mentions) are shared: they serialise the same
        code = f"20261121{9_000_000_000 + number:010d}"
        document["url"] = f"https://finance.eastmoney.com/a/{code}.html"
        document["id"] = document_id(document["url"])
        suffix = f"（之{number + 1}）"
        document["title"] = base["title"] + suffix
        line = f"本文为基准测试副本第{number + 1}号，编号{code}。"
        document["text"] = f"{base['text']}\n{line}"
        if "dup_group" in document:
            document["dup_group"] = document["id"]
        if not near_duplicates:
            random_fingerprint(document, rng)
        document["content_hash"] = document_content_hash(document)
        documents.append(document)
    return documents


# --- timing every request ------------------------------------------------------------------------


@dataclass
class RequestTimes:
    """Requests to Elasticsearch by kind (``_bulk``, ``_mget``, …): count and seconds."""

    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def total(self) -> float:
        return sum(self.seconds.values())


def request_kind(target: str) -> str:
    path = target.split("?", 1)[0]
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last if last.startswith("_") else "other"


class TimedTransport:
    """Times every request of a client (and of its ``options()`` copies, which share the transport)."""

    def __init__(self, es: Elasticsearch) -> None:
        self.times = RequestTimes()
        self._perform: Callable[..., Any] = es.transport.perform_request
        es.transport.perform_request = self._timed  # type: ignore[method-assign]

    def _timed(self, method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._perform(method, target, *args, **kwargs)
        finally:
            kind = request_kind(target)
            self.times.count[kind] += 1
            self.times.seconds[kind] += time.perf_counter() - started

    def reset(self) -> RequestTimes:
        times, self.times = self.times, RequestTimes()
        return times


# --- the two runs --------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    seconds: float
    indexed: int
    times: RequestTimes
    counts: dict[str, int]

    def rate(self, docs: int) -> float:
        return docs / self.seconds


def fresh_alias(es: Elasticsearch, label: str) -> str:
    alias = f"{ALIAS_PREFIX}-{os.getpid()}-{label}"
    drop_versions(es, alias)
    return ensure_index(es, alias)


def run_writer(es: Elasticsearch, timer: TimedTransport, documents: list[dict[str, Any]], chunk: int) -> Run:
    alias = fresh_alias(es, "writer")
    try:
        timer.reset()
        writer = ArticleWriter(es, alias, chunk_size=chunk)
        started = time.perf_counter()
        writer.add_many(documents)
        writer.close()  # flush what is buffered, refresh once
        seconds = time.perf_counter() - started
        times = timer.reset()
        indexed = es.count(index=alias)["count"]
        return Run("ArticleWriter", seconds, indexed, times, dict(writer.counts))
    finally:
        drop_versions(es, alias)


def run_bulk(es: Elasticsearch, timer: TimedTransport, documents: list[dict[str, Any]], chunk: int) -> Run:
    alias = fresh_alias(es, "bulk")

    def actions() -> Iterator[dict[str, Any]]:
        for document in documents:
            yield {"_op_type": "index", "_index": alias, "_id": document["id"], "_source": document}

    try:
        timer.reset()
        counts = {"ok": 0, "failed": 0}
        started = time.perf_counter()
        for ok, _result in helpers.streaming_bulk(es, actions(), chunk_size=chunk, raise_on_error=False):
            counts["ok" if ok else "failed"] += 1
        es.indices.refresh(index=alias)
        seconds = time.perf_counter() - started
        times = timer.reset()
        indexed = es.count(index=alias)["count"]
        return Run("streaming_bulk", seconds, indexed, times, counts)
    finally:
        drop_versions(es, alias)


# --- report --------------------------------------------------------------------------------------


def breakdown(run: Run, docs: int) -> str:
    parts = []
    for kind in sorted(run.times.seconds, key=lambda k: -run.times.seconds[k]):
        seconds = run.times.seconds[kind]
        parts.append(
            f"{kind} {run.times.count[kind]}× {seconds:.2f} s ({seconds / docs * 1e3:.3f} ms/doc, "
            f"{seconds / run.seconds:.0%})"
        )
    python = run.seconds - run.times.total()
    parts.append(f"client-side Python {python:.2f} s ({python / docs * 1e3:.3f} ms/doc, {python / run.seconds:.0%})")
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50_000, help="documents to index (default 50000)")
    parser.add_argument("--chunk-size", type=int, default=BULK_CHUNK_SIZE, help="documents per bulk request")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="back-to-back writer/bulk pairs, order alternating (more: steadier numbers)",
    )
    parser.add_argument(
        "--near-duplicates", action="store_true", help="keep each story's fingerprint (duplicate look-up worst case)"
    )
    args = parser.parse_args()
    # A failed batch goes to the writer's spool: keep that out of the user's state directory.
    state = tempfile.TemporaryDirectory(prefix="finnews-bench-index-")
    os.environ["FINNEWS_STATE_DIR"] = state.name
    es = connect()
    es.cluster.health(wait_for_status="yellow", timeout="30s")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")

    started = time.perf_counter()
    documents = prepare(args.docs, args.near_duplicates)
    prepared = time.perf_counter() - started
    sizes = [len(d["text"]) for d in documents]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = "near-duplicates of 4 stories" if args.near_duplicates else "random fingerprints (distinct stories)"
    print(
        f"documents: {len(documents)} prepared in {prepared:.1f} s (untimed), {sum(sizes) / len(sizes):.0f} "
        f"characters of text on average, {kind}; benchmark process peak RSS {peak:.0f} MiB"
    )
    print(f"chunk size: {args.chunk_size} documents per bulk request, both runs; refresh once at the end, timed")

    timer = TimedTransport(es)
    writers: list[Run] = []
    bulks: list[Run] = []
    for round_number in range(args.rounds):
        order = [(run_writer, writers), (run_bulk, bulks)]
        if round_number % 2:
            order.reverse()
        for function, runs in order:
            run = function(es, timer, documents, args.chunk_size)
            runs.append(run)
            print(
                f"{run.label:<15} {run.rate(args.docs):8.1f} docs/s  ({run.seconds:6.1f} s; "
                f"count after refresh {run.indexed}; {run.counts})",
                flush=True,
            )
    writer = max(writers, key=lambda r: r.rate(args.docs))
    bulk = max(bulks, key=lambda r: r.rate(args.docs))
    state.cleanup()

    print()
    for run in (writer, bulk):
        status = "OK" if run.indexed == args.docs else f"MISMATCH (expected {args.docs})"
        print(f"{run.label:<15} {run.rate(args.docs):8.1f} docs/s   documents indexed: {run.indexed} {status}")
    pairs = [w.rate(args.docs) / b.rate(args.docs) for w, b in zip(writers, bulks, strict=True)]
    print(
        f"ratio: {statistics.median(pairs):.0%} of the raw bulk ceiling (goal ≥ 90%; median over rounds of "
        f"back-to-back pairs: {', '.join(f'{r:.0%}' for r in pairs)}; best writer / best bulk "
        f"{writer.rate(args.docs) / bulk.rate(args.docs):.0%})"
    )
    print("where the time goes (every request timed at the transport):")
    for run in (writer, bulk):
        print(f"  {run.label}: {breakdown(run, args.docs)}")
    extra = writer.seconds - bulk.seconds
    print(
        f"writer overhead over the ceiling: {extra:.2f} s = {extra / args.docs * 1e3:.3f} ms per document "
        "(existence check _mget and duplicate look-up _msearch per batch, and the writer's Python work)"
    )
    return 0 if writer.indexed == bulk.indexed == args.docs else 1


if __name__ == "__main__":
    sys.exit(main())
