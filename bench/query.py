"""Search, facets and export on a large index (default 100,000 articles; ``--docs 1000000`` for the
scale test): search latency p50/p95 of a mix of typical queries with filters and facets, what the
facets cost, the index's size on disk and the node's heap, and export throughput against the raw
point-in-time loop with the export's peak memory at two sizes.

The articles are synthetic, written straight into the bulk API (no cleaning or tagging, so a
million load in minutes): words drawn by frequency from jieba's dictionary mixed with the words of
the development texts (``bench/devset``), one or two topics of ``configs/topics.yaml`` per article
with their keywords in the text and some of their boards, stocks of ``configs/stocks.csv`` by a
long-tailed popularity (and Hong Kong's 腾讯控股 now and then), outlets by popularity, dates from 2019
to November 2026 growing denser towards today, in Beijing business hours. Title and text are
stored with their words (``title_words``, ``text_words``) as the indexer would, and each article
carries mentions, keywords, a fingerprint and the other fields of the mapping.

The load goes to a fresh alias ``finnews-bench-query-<pid>`` (periodic refresh off while loading,
one refresh at the end); its index is deleted by exact name at the end unless ``--keep``.

Run: ``.venv/bin/python bench/query.py [--docs N] [--repeat N] [--keep] [--reuse ALIAS]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch, helpers  # noqa: E402

from store.client import connect  # noqa: E402
from store.lifecycle import drop_versions, ensure_index  # noqa: E402
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
MEDIA = (
    "中国证券报", "证券时报", "上海证券报", "证券日报", "新华网", "人民网", "财联社", "第一财经", "21世纪经济报道",
    "经济参考报", "每日经济新闻", "中国经营报", "界面新闻", "澎湃新闻", "央视新闻", "经济日报", "金融时报",
    "券商中国", "中国基金报", "东方财富研究中心", "新京报", "北京商报", "华夏时报", "中新经纬", "国际金融报",
    "投资快报", "财新网", "时代周报", "南方财经", "科创板日报",
)  # fmt: skip
FIRST_DAY, LAST_DAY = datetime(2019, 1, 1), datetime(2026, 11, 20)
SENTENCE_BANK = 100_000
DEVSET_FOLDERS = (ROOT / "bench" / "devset" / "texts", ROOT / "bench" / "devset" / "validation_texts")


# --- synthetic articles --------------------------------------------------------------------------


class Weighted:
    """Draws from ``values`` by weight (cumulative weights: one bisection per draw)."""

    def __init__(self, values: list[Any], weights: list[float]) -> None:
        self.values, self.cumulative = values, list(accumulate(weights))

    def draw(self, rng: random.Random, k: int = 1) -> list[Any]:
        return rng.choices(self.values, cum_weights=self.cumulative, k=k)


def long_tail(count: int, exponent: float = 1.1) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def dictionary_words() -> Weighted:
    """jieba's dictionary by frequency (the language's own long tail), words of two characters or more
    and the one-character function words."""
    import jieba

    values, weights = [], []
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isalnum() and not parts[0].isascii():
            values.append(parts[0])
            weights.append(float(parts[1]))
    return Weighted(values, weights)


def finance_words() -> Weighted:
    """The words of the development texts, by how often they occur there."""
    from tagging.extract import extract_article, parse_document
    from tagging.page import decode_html
    from tagging.segment import words

    counts: Counter[str] = Counter()
    for folder in DEVSET_FOLDERS:
        for path in sorted(folder.iterdir()):
            try:
                text = extract_article(parse_document(decode_html(path.read_bytes()))).text
            except Exception:
                continue
            counts.update(word for word in words(text) if len(word) >= 2 and not word.isascii())
    values = list(counts)
    return Weighted(values, [counts[v] for v in values])


class Generator:
    """Synthetic indexed documents (see the module's description)."""

    def __init__(self, seed: int = 20261122) -> None:
        from tagging.lexicon import load_lexicon
        from tagging.topics import load_taxonomy

        self.seed = seed
        self.general, self.finance = dictionary_words(), finance_words()
        lexicon, taxonomy = load_lexicon(), load_taxonomy()
        rng = random.Random(seed)
        topics = list(taxonomy.topics)
        rng.shuffle(topics)
        self.topics = Weighted(topics, long_tail(len(topics), 0.8))
        self.boards = lexicon.boards
        stocks = [(secid, name, security.code, security.exchange) for secid, (security, name) in lexicon.stocks.items()]
        rng.shuffle(stocks)
        stocks.append(("116.00700", "腾讯控股", "00700", "HK"))
        weights = [*long_tail(len(stocks) - 1, 1.0), 0.02]
        self.stocks = Weighted(stocks, weights)
        self.media = Weighted(list(MEDIA), long_tail(len(MEDIA), 0.9))
        days = (LAST_DAY - FIRST_DAY).days
        self.days = Weighted(list(range(days + 1)), [1 + 3 * day / days for day in range(days + 1)])

        # Sentences are drawn once into a bank (word by word, by frequency) and articles are made of
        # sentences from it with their names and keywords put in: a million articles in minutes.
        self.bank = [self.sentence(rng) for _ in range(SENTENCE_BANK)]

    def sentence(self, rng: random.Random) -> tuple[str, str]:
        """A sentence as text and as indexed words."""
        words = self.general.draw(rng, rng.randint(8, 16)) + self.finance.draw(rng, rng.randint(3, 7))
        rng.shuffle(words)
        return "".join(words), " ".join(word.lower() for word in words)

    def document(self, number: int) -> dict[str, Any]:
        from store import dedup

        rng = random.Random(self.seed * 1_000_003 + number)
        topics = list({t.id: t for t in self.topics.draw(rng, rng.choice((1, 1, 2)))}.values())
        boards = {}
        for topic in topics:
            for code in rng.sample(topic.boards, min(len(topic.boards), rng.choice((0, 1, 1, 2)))):
                if code in self.boards:
                    boards[code] = self.boards[code].name
        stocks = {s[0]: s for s in self.stocks.draw(rng, rng.choice((0, 1, 1, 2, 3)))}
        names = [*boards.values(), *(s[1] for s in stocks.values())]
        keywords = [rng.choice(t.keywords) for t in topics if t.keywords]
        inserts = [*names, *keywords] or [""]
        _title_text, title_words = rng.choice(self.bank)
        cut = rng.randint(5, 9)
        title_words = title_words.split()[:cut]
        lead = inserts[0]
        title = lead + "".join(title_words)
        title_indexed = " ".join([lead.lower(), *title_words]).strip()
        lines, indexed = [], []
        for _ in range(rng.randint(3, 8)):
            pieces = []
            for text, words in rng.choices(self.bank, k=rng.randint(1, 5)):
                word = rng.choice(inserts) if rng.random() < 0.5 else ""
                pieces.append(word + text)
                indexed.append(f"{word.lower()} {words}" if word else words)
            lines.append("，".join(pieces) + "。")
        text = "\n".join(lines)
        mentions = []
        for name in names:
            start = text.find(name)
            if start >= 0:
                kind = "board" if name in boards.values() else "stock"
                mentions.append(
                    {"secid": "", "kind": kind, "text": name, "start": start, "end": start + len(name), "where": "body"}
                )
        day = FIRST_DAY + timedelta(days=self.days.draw(rng)[0], minutes=rng.randint(7 * 60, 22 * 60))
        doc_id = f"{self.seed:08x}{number:032x}"
        fingerprint = f"{rng.getrandbits(64):016x}"
        published = day.isoformat() + "+08:00"
        return {
            "id": doc_id,
            "url": f"https://finance.eastmoney.com/a/{day:%Y%m%d}{number:010d}.html",
            "source": "eastmoney",
            "title": title,
            "title_words": title_indexed,
            "text": text,
            "text_words": " ".join(indexed),
            "digest": lines[0][:120],
            "media": self.media.draw(rng)[0],
            "author": None,
            "category": None,
            "tags": [],
            "published_at": published,
            "crawled_at": published,
            "updated_at": None,
            "content_hash": f"{rng.getrandbits(160):040x}",
            "fingerprint": fingerprint,
            "fp_bands": dedup.bands(fingerprint),
            "dup_of": None,
            "dup_group": doc_id,
            "boards": [{"secid": f"90.{code}", "code": code, "name": name} for code, name in boards.items()],
            "stocks": [
                {"secid": secid, "code": code, "name": name, "exchange": exchange}
                for secid, name, code, exchange in stocks.values()
            ],
            "topics": [{"id": t.id, "name": t.name, "name_en": t.name_en} for t in topics],
            "keywords": list(dict.fromkeys(keywords + self.finance.draw(rng, 4))),
            "mentions": mentions,
            "instruments": [],
            "body_source": "layout:eastmoney",
        }


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
            source_excludes=["title_words", "text_words", "content_hash"], track_total_hits=False,
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
