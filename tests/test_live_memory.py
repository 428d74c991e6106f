"""``finnews live`` keeps no finished poll (issue 24): a crawl's shared state refers back to its crawler,
so the weakly keyed state table alone never lets a crawler go; the loop releases each poll's state.
And the loop caps glibc's malloc arenas, unless the operator chose a number."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from core.config import PROJECT_ROOT
from crawler.backoff import BlockingPolicy, BlockTracker
from crawler.live import limit_malloc_arenas
from crawler.state import crawl_state, release_crawl_state


def test_a_released_state_lets_its_crawler_go_and_a_kept_one_does_not() -> None:
    kept, released = get_crawler(), get_crawler()
    for crawler in (kept, released):
        # What the blocking middleware does: the tracker holds the stats, which hold the crawler.
        crawl_state(crawler).blocking = BlockTracker(BlockingPolicy.from_settings(crawler.settings), crawler.stats)
    kept_ref, released_ref = weakref.ref(kept), weakref.ref(released)
    release_crawl_state(released)
    del kept, released, crawler
    gc.collect()
    assert released_ref() is None
    assert kept_ref() is not None  # the cycle through the table: why the loop must release
    release_crawl_state(kept_ref())
    gc.collect()
    assert kept_ref() is None


def test_releasing_twice_or_an_unknown_crawler_is_harmless() -> None:
    crawler = get_crawler()
    release_crawl_state(crawler)
    crawl_state(crawler)
    release_crawl_state(crawler)
    release_crawl_state(crawler)


def test_an_operators_malloc_arena_max_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


# Polls of the replica's 7×24 list (indexing off: no node needed); after each, the crawlers still
# alive are counted. Run in a child: a Twisted reactor runs once per process. The child stops itself
# (SIGINT, as an operator would) as its sixth poll begins, within a duration that is only a bound: how many
# polls fit in a given time depends on how busy the machine is, and the test is about memory.
POLLS = r"""
import gc, json, os, signal, sys
from scrapy.crawler import Crawler
from crawler.live import LiveSource, run_live
from replica.site import ReplicaServer, ReplicaSite, SiteForms, load_articles

alive = []
def before_poll():  # (after_poll also runs on idle ticks, during a poll: the count is taken before each)
    gc.collect()
    alive.append(sum(isinstance(o, Crawler) for o in gc.get_objects()))
    if len(alive) == 6:
        os.kill(os.getpid(), signal.SIGINT)

with ReplicaServer(ReplicaSite(load_articles()[:5], forms=SiteForms.of("2026"))) as replica:
    args = replica.eastmoney_settings("fast")
    settings = dict(arg.split("=", 1) for arg in args[1::2])
    settings.update(FINNEWS_INDEX_ENABLED=False, DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False, LOG_LEVEL="ERROR")
    source = LiveSource("fast", "eastmoney", 1.0, {"sources": "fast", "max_pages": "1"})
    totals = run_live([source], settings, before_poll=before_poll, duration_s=float(sys.argv[1]))
print(json.dumps({"polls": totals.polls, "failed": totals.failed_polls, "alive": alive}))
"""


def test_finished_polls_are_not_kept(tmp_path: Path) -> None:
    env = {**os.environ, "FINNEWS_STATE_DIR": str(tmp_path / "state"), "FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", POLLS, "90"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["polls"] >= 4 and result["failed"] == 0, result
    # The loop holds the last poll's crawler until the next one is created; none before it.
    assert max(result["alive"]) <= 1, result
