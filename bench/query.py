"""Search, facets and export on a large index (default 100,000 articles; ``--docs 1000000`` for the
scale test): search latency p50/p95 of a mix of typical queries with filters and facets, what the
facets cost, the index's size on disk and the node's heap, and export throughput against the raw
point-in-time loop with the export's peak memory at two sizes.

The articles are synthetic (``bench/corpus.py``), written straight into the bulk API (no cleaning or tagging, so a
million load in minutes): words drawn by frequency from jieba's dictionary mixed with the words of
the development texts (``bench/devset``), one or two topics of ``configs/topics.yaml`` per article
with their keywords in the text and some of their boards, stocks of ``configs/stocks.csv`` by a
long-tailed popularity (and Hong Kong's 腾讯控股 now and then), outlets by popularity, dates from 2019
to November 2026 growing denser towards today, in Beijing business hours. Each article
carries mentions, keywords, a fingerprint and the other fields of the mapping, as the indexer
writes them.

The load goes to a fresh alias ``finnews-bench-query-<pid>`` (periodic refresh off while loading,
one refresh at the end); its index is deleted by exact name at the end unless ``--keep``.

Run: ``.venv/bin/python bench/query.py [--docs N] [--repeat N] [--keep] [--reuse ALIAS]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch, helpers  # noqa: E402

from bench.corpus import FIRST_DAY, Generator  # noqa: E402
from store.client import connect  # noqa: E402
from store.lifecycle import INDEX_ONLY_FIELDS, drop_versions, ensure_index  # noqa: E402
from store.search import Filters, build_query, search  # noqa: E402

ALIAS_PREFIX = "finnews-bench-query"
QUERIES = [
    ("数字经济", Filters(), "relevance"),
    ("数字经济", Filters(board="人工智能"), "date"),
    ("央行 消费", Filters(topic="monetary_policy"), "relevance"),
    ("", Filters(stock="腾讯控股", date_from="2026-01-01"), "date"),
    ("宁德时代", Filters(media="中国证券报"), "relevance"),
    ("", Filters(board="BK0473", date_from="2025-06-01", date_to="2026-06-30"), "date"),
    ("光伏", Filters(date_from="2026-03-01"), "date"),
]
# --- loading -------------------------------------------------------------------------------------


def fresh_alias(es: Elasticsearch) -> str:
    alias = f"{ALIAS_PREFIX}-{os.getpid()}"
    drop_versions(es, alias)
    return ensure_index(es, alias)


def load(es: Elasticsearch, alias: str, count: int) -> float:
    """Generate and bulk-load ``count`` articles (two bulk requests in flight); returns seconds."""
    generator = Generator()
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "-1"}})
    started = time.perf_counter()

    def actions() -> Iterator[dict[str, Any]]:
        for number in range(count):
            document = generator.document(number)
            yield {"_index": alias, "_id": document["id"], "_source": document}
            if number and number % 100_000 == 0:
                rate = number / (time.perf_counter() - started)
                print(f"  {number:,} loaded ({rate:,.0f}/s)", flush=True)

    bulk = es.options(request_timeout=300)
    for ok, info in helpers.parallel_bulk(bulk, actions(), thread_count=2, chunk_size=1000, raise_on_error=False):
        if not ok:
            raise SystemExit(f"bulk load failed: {info}")
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "1s"}})
    es.options(request_timeout=600).indices.refresh(index=alias)
    return time.perf_counter() - started


# --- measuring -----------------------------------------------------------------------------------


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def latencies(es: Elasticsearch, alias: str, repeat: int, facets: bool) -> list[tuple[str, float, float, int]]:
    rows = []
    for text, filters, sort in QUERIES:
        search(es, text, filters, sort=sort, facets=facets, alias=alias)  # warm
        timings, total = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            result = search(es, text, filters, sort=sort, facets=facets, alias=alias)
            timings.append((time.perf_counter() - started) * 1000)
            total = result.total
        label = f"{text or '∅'} {', '.join(f'{k}={v}' for k, v in vars(filters).items() if v)} ({sort})"
        rows.append((label, statistics.median(timings), percentile(timings, 0.95), total))
    return rows


def index_figures(es: Elasticsearch, alias: str) -> dict[str, float]:
    stats = es.indices.stats(index=alias, metric="store,segments,docs")["_all"]["primaries"]
    nodes = es.nodes.stats(metric="jvm")["nodes"]
    heap = next(iter(nodes.values()))["jvm"]["mem"]
    return {
        "docs": stats["docs"]["count"],
        "store_mib": stats["store"]["size_in_bytes"] / 1048576,
        "segments": stats["segments"]["count"],
        "heap_used_mib": heap["heap_used_in_bytes"] / 1048576,
        "heap_max_mib": heap["heap_max_in_bytes"] / 1048576,
    }


def raw_pit_loop(es: Elasticsearch, alias: str, query: dict[str, Any], page_size: int = 500) -> tuple[int, float]:
    """The ceiling: the client's point-in-time + search_after loop over the matches, writing nothing
    (the same order, page size and fields as ``finnews export``)."""
    started = time.perf_counter()
    pit = es.open_point_in_time(index=alias, keep_alive="2m")["id"]
    count, after = 0, None
    while True:
        response = es.search(
            pit={"id": pit, "keep_alive": "2m"}, query=query, size=page_size, search_after=after,
            sort=[{"published_at": {"order": "asc", "missing": "_first"}}, {"_shard_doc": "asc"}],
            source_excludes=INDEX_ONLY_FIELDS, track_total_hits=False,
        )  # fmt: skip
        hits = response["hits"]["hits"]
        if not hits:
            break
        count += len(hits)
        after = hits[-1]["sort"]
    es.close_point_in_time(id=pit)
    return count, time.perf_counter() - started


def export_in_child(alias: str, arguments: list[str], path: Path) -> tuple[int, float, float]:
    """``finnews export`` as a user runs it, in a fresh process: (articles, seconds, peak RSS MiB).
    The peak is the child's own (VmHWM of its memory after exec, printed as it exits): a fork's
    maximum RSS from ``wait4`` would count the benchmark process it was forked from."""
    code = (
        "import atexit, sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM'):\n"
        "            print('peak', int(line.split()[1]) // 1024, file=sys.stderr)\n"
        "atexit.register(peak)\n"
        "from finnews.cli import main\n"
        f"sys.exit(main({['export', '-o', str(path), '--quiet', *arguments]!r}))\n"
    )
    started = time.perf_counter()
    environment = {**os.environ, "FINNEWS_INDEX": alias}
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"export failed: {completed.stderr[-2000:]}")
    count = int(completed.stdout.split("Exported ")[1].split(" ")[0])
    peak = next(int(line.split()[1]) for line in completed.stderr.splitlines() if line.startswith("peak "))
    return count, seconds, float(peak)


def export_figures(es: Elasticsearch, alias: str, total: int) -> None:
    """Rate against the raw loop on about 100,000 matches (the acceptance size), memory at two sizes."""
    newest_hit = es.search(index=alias, size=1, sort=[{"published_at": "desc"}], source_includes=["published_at"])
    newest = datetime.fromisoformat(newest_hit["hits"]["hits"][0]["_source"]["published_at"])
    span_days = (newest.replace(tzinfo=None) - FIRST_DAY).days
    # The date from which about 100,000 articles (or a fifth) follow (density grows towards today).
    wanted = min(100_000, total // 5)
    low, high = 0, span_days
    while high - low > 1:
        middle = (low + high) // 2
        since = (newest - timedelta(days=middle)).date().isoformat()
        count = es.count(index=alias, query=build_query("", Filters(date_from=since)))["count"]
        low, high = (middle, high) if count < wanted else (low, middle)
    since = (newest - timedelta(days=high)).date().isoformat()
    part_query = build_query("", Filters(date_from=since))
    with tempfile.TemporaryDirectory() as scratch:
        raw_count, raw_seconds = raw_pit_loop(es, alias, part_query)
        ours_count, ours_seconds, rss_part = export_in_child(alias, ["--from", since], Path(scratch) / "part.jsonl")
        raw_again, raw_seconds_again = raw_pit_loop(es, alias, part_query)
        whole_count, _seconds, rss_whole = export_in_child(alias, [], Path(scratch) / "all.jsonl")
    raw_rate = raw_count / min(raw_seconds, raw_seconds_again)
    ours_rate = ours_count / ours_seconds
    print(f"\nexport of the {ours_count:,} articles published since {since} (JSON Lines to a file):")
    print(f"  finnews export (whole command, start-up included): {ours_rate:,.0f} docs/s ({ours_seconds:.1f} s)")
    print(f"  raw point-in-time loop (writing nothing, best of two): {raw_rate:,.0f} docs/s")
    print(f"  ratio: {ours_rate / raw_rate:.0%} (goal ≥ 90%)")
    print(f"  peak RSS: {rss_part:.0f} MiB for {ours_count:,} articles, {rss_whole:.0f} MiB for {whole_count:,}")
    assert raw_count == raw_again == ours_count, (raw_count, raw_again, ours_count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40, help="runs of each query (default 40)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark index")
    parser.add_argument("--reuse", metavar="ALIAS", help="measure an index kept by an earlier run (--keep)")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    es = connect()
    load_average = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_average[0]:.2f} at start")
    if args.reuse:
        alias = args.reuse
    else:
        alias = fresh_alias(es)
        print(f"loading {args.docs:,} synthetic articles into {alias} …", flush=True)
        seconds = load(es, alias, args.docs)
        print(f"loaded {args.docs:,} articles in {seconds:.0f} s ({args.docs / seconds:,.0f} docs/s, bulk API)")
    # Every run of a query as its first: the node's request cache (which keeps a search's size-0
    # total and facets for its next page) is off for the benchmark index.
    es.indices.put_settings(index=alias, settings={"index": {"requests": {"cache": {"enable": False}}}})
    try:
        figures = index_figures(es, alias)
        print(
            f"index: {figures['docs']:,.0f} articles, {figures['store_mib']:,.0f} MiB on disk in "
            f"{figures['segments']:.0f} segments; node heap {figures['heap_used_mib']:.0f} of "
            f"{figures['heap_max_mib']:.0f} MiB in use"
        )
        print(f"\nsearch latency, {args.repeat} runs each, facets on (ms):")
        print(f"{'query':58} {'p50':>7} {'p95':>7} {'hits':>9}")
        with_facets = latencies(es, alias, args.repeat, facets=True)
        for label, p50, p95, total in with_facets:
            print(f"{label[:58]:58} {p50:7.1f} {p95:7.1f} {total:9,d}")
        without = latencies(es, alias, args.repeat, facets=False)
        print("\nfacet cost (p50 with facets − without, ms):")
        for (label, p50, _p95, _total), (_label, bare, _bare95, _n) in zip(with_facets, without, strict=True):
            print(f"{label[:58]:58} {p50 - bare:7.1f}  ({bare:.1f} without)")
        worst = max(p95 for _label, _p50, p95, _total in with_facets)
        print(f"worst p95 with facets: {worst:.0f} ms (goal ≤ 150 ms)")
        figures = index_figures(es, alias)
        print(f"node heap after the queries: {figures['heap_used_mib']:.0f} of {figures['heap_max_mib']:.0f} MiB")
        if not args.skip_export:
            export_figures(es, alias, int(figures["docs"]))
    finally:
        if not args.keep and not args.reuse:
            drop_versions(es, alias)
    return 0


if __name__ == "__main__":
    sys.exit(main())
