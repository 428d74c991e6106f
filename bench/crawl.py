"""Crawl speed and memory: pages per second for a full crawl (fetch, parse, clean, tag, index into
the local Elasticsearch node) of a local Eastmoney replica, side by side in one run with the raw
ceiling (the same Scrapy settings with no item pipelines: fetch + parse only), and the crawl's peak
memory at two site sizes (it should stay flat as the site grows).

Each crawl is the real ``finnews crawl eastmoney`` command in its own subprocess, against
``ReplicaSite(synthetic_articles(N))`` served by ``ReplicaServer`` — by default in a separate server
process, so that on a small machine the server does not share one Python interpreter (and its GIL)
with the benchmark; ``--server-thread`` serves it from a thread of the benchmark process instead.
The rate is ``downloader/response_count`` over the crawl's own ``start_time`` → ``finish_time`` (from
``--stats-json``; it leaves out interpreter start-up and imports, which the wall time includes). The
peak memory is the crawl process's RSS high-water mark from ``os.wait4`` (that child's own rusage,
so crawls do not mix). Every crawl gets a fresh state directory (seen store, spool: the user's
spool is never replayed into a benchmark index) and a fresh, uniquely named alias, whose index is
deleted by exact name afterwards. CPU seconds of the crawl, the replica server and the
Elasticsearch node are printed too: on a 2-core machine the three compete for the cores.

Run: ``.venv/bin/python bench/crawl.py [--articles N] [--sizes A,B] [--rounds R] [--server-thread]
[--distinct-bodies]``
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch  # noqa: E402

from core.config import state_dir  # noqa: E402
from replica.site import ReplicaArticle, ReplicaServer, ReplicaSite, load_articles, synthetic_articles  # noqa: E402
from store.client import connect  # noqa: E402
from store.lifecycle import drop_versions  # noqa: E402

PAGE_SIZE = 50
ALIAS_PREFIX = "finnews-bench-crawl"
PARAGRAPH_RE = re.compile(r"<p\b.*?</p>", re.DOTALL)


# --- the replica ---------------------------------------------------------------------------------


def site_articles(count: int, distinct_bodies: bool) -> list[ReplicaArticle]:
    """``synthetic_articles(count)``: the real articles' bodies repeated (every article a near-
    duplicate of one of four stories). With ``distinct_bodies``, each article's body is its own
    random selection of the real bodies' paragraphs (markup kept), so few are near-duplicates."""
    if not distinct_bodies:
        return synthetic_articles(count)
    real = load_articles()
    pool = [p for a in real for p in PARAGRAPH_RE.findall(a.raw.body_html or "") if "display:none" not in p]
    rng = random.Random(20261121)
    bases = []
    for number in range(count):
        article = real[number % len(real)]
        body = "\n".join(rng.sample(pool, rng.randint(6, 12)))
        bases.append(replace(article, raw=replace(article.raw, body_html=body)))
    return synthetic_articles(count, bases)


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def spider_settings(server: ReplicaServer) -> list[str]:
    """``-s`` arguments pointing the eastmoney spider at the replica, column list API only."""
    if hasattr(server, "eastmoney_settings"):  # every endpoint (7×24 API, HTML lists) pointed here
        return server.eastmoney_settings("columns")
    return ["-s", "EASTMONEY_SOURCES=columns", "-s", f"EASTMONEY_LIST_API={server.list_api}"]


def _serve(articles: int, distinct_bodies: bool, conn: Connection) -> None:
    """Server process: build the site, serve it, answer ``cpu`` with (CPU seconds, article requests)."""
    site = ReplicaSite(site_articles(articles, distinct_bodies))
    with ReplicaServer(site) as server:
        conn.send(spider_settings(server))
        while (command := conn.recv()) != "stop":
            if command == "cpu":
                conn.send((_cpu_self(), site.article_requests()))
        conn.send((_cpu_self(), site.article_requests()))


class Replica:
    """A replica of ``articles`` synthetic articles, served from its own process or from a thread."""

    def __init__(self, articles: int, in_thread: bool, distinct_bodies: bool) -> None:
        self.articles = articles
        self.distinct_bodies = distinct_bodies
        self.in_thread = in_thread
        self.settings: list[str] = []  # -s arguments pointing the spider here
        self._server: ReplicaServer | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Replica:
        if self.in_thread:
            self._server = ReplicaServer(ReplicaSite(site_articles(self.articles, self.distinct_bodies))).__enter__()
            self.settings = spider_settings(self._server)
        else:
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            arguments = (self.articles, self.distinct_bodies, child)
            self._process = context.Process(target=_serve, args=arguments, daemon=True)
            self._process.start()
            self.settings = self._conn.recv()
        return self

    def usage(self) -> tuple[float, int]:
        """CPU seconds the server has used so far, and the article pages it has served."""
        if self._server is not None:  # in a thread: the benchmark process is otherwise idle
            return _cpu_self(), self._server.site.article_requests()
        assert self._conn is not None
        self._conn.send("cpu")
        return self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.__exit__(*exc)
        if self._process is not None and self._conn is not None:
            self._conn.send("stop")
            self._conn.recv()
            self._process.join(timeout=30)


# --- one crawl -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    server_thread: bool  # serve the replica from a thread of the benchmark process
    distinct_bodies: bool  # see site_articles


@dataclass
class CrawlResult:
    label: str
    articles: int
    responses: int
    article_pages: int
    scraped: int
    new: int
    duplicates: int
    indexed: int | None  # documents in the index afterwards (full crawls)
    crawl_seconds: float  # stats start_time → finish_time
    wall_seconds: float  # around the subprocess, start-up included
    peak_rss_mib: float
    crawl_cpu: float
    server_cpu: float
    es_cpu: float

    @property
    def rate(self) -> float:
        return self.responses / self.crawl_seconds

    @property
    def wall_rate(self) -> float:
        return self.responses / self.wall_seconds


def es_cpu_seconds(es: Elasticsearch) -> float:
    nodes = es.nodes.stats(metric="process")["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def crawl_command(
    replica_settings: list[str], articles: int, seen_db: Path, stats_json: Path, pipelines: bool
) -> list[str]:
    max_pages = math.ceil(articles / PAGE_SIZE) + 1
    command = [
        sys.executable, "-m", "finnews", "crawl", "eastmoney",
        *replica_settings, "-s", "EASTMONEY_COLUMNS=345",
        "-s", f"EASTMONEY_PAGE_SIZE={PAGE_SIZE}", "-s", f"EASTMONEY_MAX_PAGES={max_pages}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=True",
        "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", f"FINNEWS_SEEN_DB={seen_db}", "-s", "LOG_LEVEL=WARNING",
        "--stats-json", str(stats_json),
    ]  # fmt: skip
    if not pipelines:
        command += ["-s", "ITEM_PIPELINES={}"]
    return command


def fresh_state_dir(parent: Path) -> Path:
    """An empty state directory, with jieba's parsed-dictionary cache copied in when there is one
    (otherwise every crawl would rebuild it, which is not what a crawl normally pays)."""
    path = Path(tempfile.mkdtemp(prefix="state-", dir=parent))
    cache = state_dir() / "jieba.cache"
    if cache.exists():
        shutil.copy2(cache, path / "jieba.cache")
    return path


def run_crawl(
    es: Elasticsearch, label: str, articles: int, pipelines: bool, setup: Setup, workdir: Path
) -> CrawlResult:
    alias = f"{ALIAS_PREFIX}-{os.getpid()}-{label}-{articles}"
    run_dir = Path(tempfile.mkdtemp(prefix=f"{label}-{articles}-", dir=workdir))
    stats_json = run_dir / "stats.json"
    log = run_dir / "crawl.log"
    env = {**os.environ, "FINNEWS_INDEX": alias, "FINNEWS_STATE_DIR": str(fresh_state_dir(run_dir))}
    drop_versions(es, alias)
    try:
        with Replica(articles, setup.server_thread, setup.distinct_bodies) as replica:
            command = crawl_command(replica.settings, articles, run_dir / "seen.sqlite", stats_json, pipelines)
            server_cpu0, _ = replica.usage()
            es_cpu0 = es_cpu_seconds(es)
            started = time.perf_counter()
            with log.open("w") as output:
                process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
                # wait4: this child's own resource usage (ru_maxrss in KiB on Linux).
                _pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - started
            server_cpu1, served = replica.usage()
            es_cpu1 = es_cpu_seconds(es)
        if process.returncode != 0 or not stats_json.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"{label} crawl of {articles} exited with {process.returncode}:\n{tail}")
        stats: dict[str, Any] = json.loads(stats_json.read_text(encoding="utf-8"))
        elapsed = datetime.fromisoformat(stats["finish_time"]) - datetime.fromisoformat(stats["start_time"])
        indexed = None
        if pipelines:
            es.indices.refresh(index=alias)
            indexed = es.count(index=alias)["count"]
        if served != articles or stats.get("finnews/article_pages", 0) != articles:
            raise RuntimeError(f"{label} crawl of {articles}: {served} article pages served, stats {stats}")
        return CrawlResult(
            label=label,
            articles=articles,
            responses=stats.get("downloader/response_count", 0),
            article_pages=stats.get("finnews/article_pages", 0),
            scraped=stats.get("item_scraped_count", 0),
            new=stats.get("finnews/articles/new", 0),
            duplicates=stats.get("finnews/articles/duplicates", 0),
            indexed=indexed,
            crawl_seconds=elapsed.total_seconds(),
            wall_seconds=wall,
            peak_rss_mib=usage.ru_maxrss / 1024,
            crawl_cpu=usage.ru_utime + usage.ru_stime,
            server_cpu=server_cpu1 - server_cpu0,
            es_cpu=es_cpu1 - es_cpu0,
        )
    finally:
        drop_versions(es, alias)
        shutil.rmtree(run_dir, ignore_errors=True)


# --- report --------------------------------------------------------------------------------------


def describe(result: CrawlResult) -> str:
    indexed = f", {result.indexed} indexed" if result.indexed is not None else ""
    return (
        f"{result.label:<8} N={result.articles:<5} {result.rate:7.1f} pages/s "
        f"({result.responses} responses in {result.crawl_seconds:6.1f} s; wall {result.wall_seconds:6.1f} s "
        f"= {result.wall_rate:6.1f} pages/s)  peak RSS {result.peak_rss_mib:6.1f} MiB  "
        f"CPU s: crawl {result.crawl_cpu:5.1f}, server {result.server_cpu:5.1f}, ES {result.es_cpu:5.1f}  "
        f"[{result.scraped} items, {result.new} new, {result.duplicates} near-duplicates{indexed}]"
    )


def best(results: list[CrawlResult]) -> CrawlResult:
    return max(results, key=lambda r: r.rate)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="article pages in the site (default 2000)")
    parser.add_argument(
        "--sizes", default=None, help="two or more site sizes for the memory check, e.g. 2000,4000 (default N,2N)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="back-to-back ceiling/full pairs at N (more rounds: steadier numbers on a busy machine)",
    )
    parser.add_argument("--server-thread", action="store_true", help="serve the replica from a thread of this process")
    parser.add_argument(
        "--distinct-bodies",
        action="store_true",
        help="give every article its own body (default: synthetic_articles, near-duplicates of 4 stories)",
    )
    args = parser.parse_args()
    setup = Setup(args.server_thread, args.distinct_bodies)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.articles, 2 * args.articles]
    es = connect()
    es.cluster.health(wait_for_status="yellow", timeout="30s")
    where = "a thread of the benchmark process" if args.server_thread else "its own process"
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start; "
        f"replica (Python ThreadingHTTPServer) in {where}; crawl, replica and Elasticsearch share the cores"
    )
    bodies = "distinct bodies" if args.distinct_bodies else "synthetic_articles: near-duplicates of 4 real stories"
    print(
        f"site: {args.articles} article pages ({bodies}) + {math.ceil(args.articles / PAGE_SIZE)} list pages "
        f"of {PAGE_SIZE}; eastmoney spider, column list API only"
    )
    print("rate = downloader/response_count / (finish_time - start_time) from the crawl's stats JSON")
    ceilings: list[CrawlResult] = []
    fulls: list[CrawlResult] = []
    with tempfile.TemporaryDirectory(prefix="finnews-bench-crawl-") as tmp:
        workdir = Path(tmp)
        for _ in range(args.rounds):
            for pipelines, results in ((False, ceilings), (True, fulls)):
                label = "full" if pipelines else "ceiling"
                result = run_crawl(es, label, args.articles, pipelines, setup, workdir)
                results.append(result)
                print(describe(result), flush=True)
        memory = {args.articles: best(fulls)}
        for size in sizes:
            if size not in memory:
                memory[size] = run_crawl(es, "full", size, True, setup, workdir)
                print(describe(memory[size]), flush=True)
    ceiling, full = best(ceilings), best(fulls)
    for result in fulls + list(memory.values()):
        if result.indexed != result.articles:
            print(f"WARNING: full crawl of {result.articles} left {result.indexed} documents in the index")
    print()
    print(f"ceiling (no item pipelines): {ceiling.rate:7.1f} pages/s   peak RSS {ceiling.peak_rss_mib:6.1f} MiB")
    print(f"full (clean, tag, index):    {full.rate:7.1f} pages/s   peak RSS {full.peak_rss_mib:6.1f} MiB")
    pairs = [f.rate / c.rate for c, f in zip(ceilings, fulls, strict=True)]
    print(
        f"ratio: {statistics.median(pairs):.0%} of the ceiling (goal ≥ 50%; median over rounds of back-to-back "
        f"pairs: {', '.join(f'{r:.0%}' for r in pairs)}; best full / best ceiling {full.rate / ceiling.rate:.0%})"
    )
    print("peak RSS of the full crawl by site size (flat = memory does not grow with the site):")
    for size in sorted(memory):
        print(f"  {size:6d} articles: {memory[size].peak_rss_mib:6.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
