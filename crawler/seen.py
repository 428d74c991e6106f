"""Incremental crawling: remember the article pages already indexed and do not fetch them again.

The store is an SQLite file under the state directory (one row per canonical article URL). An
article is remembered only after the index pipeline has written it (or spooled it to disk), so a
crawl killed before that refetches it next time instead of losing it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from core.config import state_dir
from core.dates import SHANGHAI
from core.urls import canonical_url
from crawler.state import SeenUrls, crawl_state
from store.outcomes import SKIPPED_SEEN, stats_key

ARTICLE_FLAG = "finnews_article"  # Request.meta key spiders set on article-page requests
SWEEP_FLAG = "finnews_sweep"  # Request.meta key: part of a distributed crawl's closing sweep


class SeenStore:
    """Canonical URLs of articles already indexed, in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS seen (url TEXT PRIMARY KEY, spider TEXT, first_seen TEXT NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, spider TEXT NOT NULL,"
            " started TEXT NOT NULL, finished TEXT, reason TEXT)"
        )
        # The lists read before (spider, list, host; FinnewsSpider.list_key): a list known here may be
        # paged past max_pages to the articles an earlier crawl saw (FinnewsSpider.page_on).
        self._db.execute("CREATE TABLE IF NOT EXISTS lists (key TEXT PRIMARY KEY, first_read TEXT NOT NULL)")
        # Whether list paging may stop at a fully-seen page in this run (see start_run).
        self.trust_fully_seen = True

    def contains(self, url: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM seen WHERE url = ?", (canonical_url(url),)).fetchone()
        return row is not None

    def add_many(self, urls: Iterable[str], spider: str = "") -> None:
        now = datetime.now(SHANGHAI).isoformat()
        rows = [(canonical_url(u), spider, now) for u in urls if u]
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO seen (url, spider, first_seen) VALUES (?, ?, ?)", rows)

    def knows_list(self, key: str) -> bool:
        """Whether an earlier crawl read the list ``key`` (its articles are among those seen)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM lists WHERE key = ?", (key,)).fetchone() is not None

    def note_list(self, key: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO lists (key, first_read) VALUES (?, ?)", (key, datetime.now(SHANGHAI).isoformat())
            )

    def start_run(self, spider: str) -> int:
        """Record a run's start. Paging may stop at a fully-seen list page only if the spider's
        previous run finished cleanly: after a crash, articles fetched but not yet written are
        unseen on pages beyond the first fully-seen one, so this run pages through to find them."""
        with self._lock:
            last = self._db.execute(
                "SELECT reason FROM runs WHERE spider = ? ORDER BY id DESC LIMIT 1", (spider,)
            ).fetchone()
            self.trust_fully_seen = last is None or last[0] == "finished"
            cursor = self._db.execute(
                "INSERT INTO runs (spider, started) VALUES (?, ?)", (spider, datetime.now(SHANGHAI).isoformat())
            )
            return int(cursor.lastrowid)

    def finish_run(self, run_id: int, reason: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, reason = ? WHERE id = ?",
                (datetime.now(SHANGHAI).isoformat(), reason, run_id),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_seen_store(crawler: Crawler) -> SeenUrls | None:
    """The crawl's store (one per crawler, shared by the middleware, the spider and the pipeline):
    the SQLite one, unless a distributed crawl's coordinator put the shared Redis one in place."""
    if not crawler.settings.getbool("FINNEWS_SEEN_ENABLED"):
        return None
    state = crawl_state(crawler)
    if state.seen_store is None:
        state.seen_store = SeenStore(Path(crawler.settings.get("FINNEWS_SEEN_DB") or state_dir() / "seen.sqlite"))
    return state.seen_store


class AlreadySeen(IgnoreRequest):
    """An article page already indexed: skipped on purpose, not a failure."""


class SeenArticlesMiddleware:
    """Downloader middleware: drop requests for article pages already indexed."""

    def __init__(self, crawler: Crawler, store: SeenUrls) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self, spider: Spider) -> None:
        self.run_id = self.store.start_run(spider.name)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is not None:
            self.store.finish_run(self.run_id, reason)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenArticlesMiddleware:
        store = open_seen_store(crawler)
        if store is None:
            raise NotConfigured("FINNEWS_SEEN_ENABLED is off")
        return cls(crawler, store)

    def process_request(self, request: Request) -> None:
        if not request.meta.get(ARTICLE_FLAG):
            return
        if self.store.contains(request.url):
            self.stats.inc_value(stats_key(SKIPPED_SEEN))
            raise AlreadySeen(f"already indexed: {request.url}")
        coordinator = crawl_state(self.crawler).coordinator
        if request.meta.get(SWEEP_FLAG) and coordinator and coordinator.taken_by_a_live_worker(request.url):
            raise AlreadySeen(f"another worker has it: {request.url}")
