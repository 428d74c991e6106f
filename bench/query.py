"""Query and export on a large index: search latency (p50/p95) for typical queries with filters and
facets, and export throughput side by side in one run with the raw ceiling (the client's own
point-in-time + search_after loop, writing nothing); peak memory of an export at two sizes, to
show it stays flat as the number of documents grows.

The index (default 100,000 articles) is built from variants of the development corpus: the real
articles are cleaned and tagged once, then copied with new URLs, titles, dates and a few words
changed, and bulk-loaded into a throw-away alias that is deleted at the end.

Run: ``.venv/bin/python bench/query.py [--docs N] [--repeat N] [--keep]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import helpers  # noqa: E402

from replica.site import load_articles  # noqa: E402
from store.index import article_document, connect, ensure_index  # noqa: E402
from store.search import Filters, build_query, search  # noqa: E402
from tagging.dates import SHANGHAI, isoformat  # noqa: E402
from tagging.extract import article_record, extract_article  # noqa: E402

ALIAS = "finnews-bench-query"
QUERIES = [
    ("数字经济", Filters(), "relevance"),
    ("数字经济", Filters(board="人工智能"), "date"),
    ("央行 消费", Filters(topic="monetary_policy"), "relevance"),
    ("", Filters(stock="腾讯控股", date_from="2026-01-01"), "date"),
    ("宁德时代", Filters(media="中国证券报"), "relevance"),
    ("", Filters(board="BK0473", date_from="2025-06-01", date_to="2026-06-30"), "date"),
]


def documents(count: int) -> list[dict]:
    """``count`` distinct indexed documents made from the tagged corpus (one tagging per real article)."""
    bases = [article_document(article_record(extract_article(a.raw))) for a in load_articles()]
    rng = random.Random(7)
    start = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    made = []
    for number in range(count):
        base = bases[number % len(bases)]
        url = f"https://finance.eastmoney.com/a/2026{number:014d}.html"
        document = dict(base)
        document.update(
            id=f"{number:040x}",
            url=url,
            title=f"{base['title']}（{number}）",
            published_at=isoformat(start - timedelta(minutes=number * 5 + rng.randint(0, 4))),
            dup_group=f"{number:040x}",
        )
        made.append(document)
    return made


def load(es, docs: list[dict]) -> float:
    for name in es.indices.get(index=f"{ALIAS}-*", allow_no_indices=True):
        es.indices.delete(index=name)
    ensure_index(es, ALIAS)
    started = time.perf_counter()
    actions = ({"_index": ALIAS, "_id": d["id"], "_source": d} for d in docs)
    for ok, info in helpers.streaming_bulk(es, actions, chunk_size=1000, raise_on_error=False):
        if not ok:
            raise SystemExit(f"bulk load failed: {info}")
    es.indices.refresh(index=ALIAS)
    return time.perf_counter() - started


def latencies(es, repeat: int) -> list[tuple[str, float, float, int]]:
    rows = []
    for text, filters, sort in QUERIES:
        search(es, text, filters, sort=sort, facets=True, alias=ALIAS)  # warm
        timings = []
        total = 0
        for _ in range(repeat):
            started = time.perf_counter()
            result = search(es, text, filters, sort=sort, facets=True, alias=ALIAS)
            timings.append((time.perf_counter() - started) * 1000)
            total = result.total
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        label = f"{text or '∅'} {', '.join(f'{k}={v}' for k, v in vars(filters).items() if v)} ({sort})"
        rows.append((label, statistics.median(timings), p95, total))
    return rows


def raw_pit_loop(es, page_size: int = 500) -> tuple[int, float]:
    """The ceiling: the client's point-in-time + search_after loop over every document, writing nothing."""
    started = time.perf_counter()
    pit = es.open_point_in_time(index=ALIAS, keep_alive="2m")["id"]
    count, after = 0, None
    while True:
        response = es.search(
            pit={"id": pit, "keep_alive": "2m"}, size=page_size, search_after=after,
            sort=[{"published_at": "asc"}, {"_shard_doc": "asc"}],
            source_excludes=["title_words", "text_words", "content_hash"], track_total_hits=False,
        )  # fmt: skip
        hits = response["hits"]["hits"]
        if not hits:
            break
        count += len(hits)
        after = hits[-1]["sort"]
    es.close_point_in_time(id=pit)
    return count, time.perf_counter() - started


def export_in_child(query: dict | None, path: Path) -> tuple[int, float, float]:
    """Run finnews' export in a fresh process; returns (documents, seconds, peak RSS in MiB)."""
    code = (
        "import json,resource,sys,time;from pathlib import Path;from store.export import export;"
        "from store.index import connect;t=time.perf_counter();"
        f"n=export(connect(),Path({str(path)!r}),'jsonl',json.loads({json.dumps(json.dumps(query))}),alias={ALIAS!r});"
        "print(n,time.perf_counter()-t,resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    count, seconds, rss = out.split()
    return int(count), float(seconds), float(rss)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark index")
    args = parser.parse_args()
    os.environ["FINNEWS_INDEX"] = ALIAS
    es = connect()
    print(f"preparing {args.docs} documents …", flush=True)
    docs = documents(args.docs)
    seconds = load(es, docs)
    print(f"loaded {args.docs} documents in {seconds:.1f} s ({args.docs / seconds:.0f} docs/s, raw bulk)")
    del docs

    print(f"\nsearch latency over {args.docs} articles, facets on, {args.repeat} runs each (ms):")
    print(f"{'query':60} {'p50':>7} {'p95':>7} {'hits':>8}")
    for label, p50, p95, total in latencies(es, args.repeat):
        print(f"{label[:60]:60} {p50:7.1f} {p95:7.1f} {total:8d}")

    with tempfile.TemporaryDirectory() as scratch:
        count_raw, seconds_raw = raw_pit_loop(es)
        count_ours, seconds_ours, rss_all = export_in_child(None, Path(scratch) / "all.jsonl")
        fifth = build_query("", Filters(date_from="2026-08-15"))  # about a fifth of the documents
        count_part, _, rss_part = export_in_child(fifth, Path(scratch) / "part.jsonl")
    print("\nexport (JSON Lines to a file) vs the raw point-in-time loop (writing nothing):")
    print(f"  finnews export: {count_ours} docs in {seconds_ours:.1f} s = {count_ours / seconds_ours:,.0f} docs/s")
    print(f"  raw PIT loop:   {count_raw} docs in {seconds_raw:.1f} s = {count_raw / seconds_raw:,.0f} docs/s")
    print(f"  ratio: {(count_ours / seconds_ours) / (count_raw / seconds_raw):.2f}")
    rss = f"{rss_part:.0f} MiB for {count_part} docs, {rss_all:.0f} MiB for {count_ours} docs"
    print(f"peak RSS of the export process: {rss}")
    if not args.keep:
        for name in es.indices.get(index=f"{ALIAS}-*", allow_no_indices=True):
            es.indices.delete(index=name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
