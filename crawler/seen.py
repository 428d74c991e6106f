"""Incremental crawling: remember the article pages already indexed and do not fetch them again.

The store is an SQLite file under the state directory (one row per canonical article URL). An
article is remembered only after the index pipeline has written it (or spooled it to disk), so a
crawl killed before that refetches it next time instead of losing it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from core.config import state_dir
from core.dates import SHANGHAI
from core.urls import canonical_url
from crawler.state import SeenUrls, crawl_state
from store.outcomes import SKIPPED_SEEN, stats_key

logger = logging.getLogger(__name__)

# A claim older than this is taken over: the crawl that made it hangs (its writes, a stuck download).
CLAIM_STALE_S = 1800
ARTICLE_FLAG = "finnews_article"  # Request.meta key spiders set on article-page requests
SWEEP_FLAG = "finnews_sweep"  # Request.meta key: part of a distributed crawl's closing sweep


# When an article page found without body text is fetched again: after each of these waits in turn (a throttled
# site's empty answers pass, a redesign is seen to); found so once more after the last, it is a video or picture
# article and is remembered as seen. Meanwhile its list summary is indexed. (Review of day 18: remembered after two
# crawls, two live polls minutes apart, a throttle's articles kept their summary for good.) A list that linked one
# whose wait is over is paged on past fully-seen pages to it (crawler.spiders.base.FinnewsSpider.all_seen).
BODYLESS_WAITS_S = (600.0, 3600.0, 6 * 3600.0, 24 * 3600.0)

# How long a listed page left unread for a reason of its own that may pass (a 5xx, a timeout) makes a crawl unclean,
# so that the next one reads every list of its spider to max_pages (crawler.spiders.base.FinnewsSpider.left_unread):
# a day from the first crawl of its run of failures. An article that fails on every crawl (a page that always answers
# 500 or 403, a link pinned on page 1) made every crawl read every list deep for as long as it was listed. After the
# day it is still asked for whenever its page is read. A failure more than UNREAD_RUN_GAP_S after the page's last
# one starts a new run (a list page that failed once a month ago is not "failing for a day" today), as does one after
# the page was read (SeenStore.read_again).
UNREAD_FOR_GOOD_S = 24 * 3600.0
UNREAD_RUN_GAP_S = 2 * UNREAD_FOR_GOOD_S


@dataclass(frozen=True)
class Bodyless:
    """How often an article page was found without body text (``times``), and when last (``last``)."""

    times: int = 0
    last: datetime | None = None

    @classmethod
    def of(cls, recorded: tuple[int, datetime] | None) -> Bodyless:
        return cls(*recorded) if recorded else cls()

    def noted(self, now: datetime) -> Bodyless:
        """Found so once more: counted once however often one crawl reads it (a closing sweep, two workers)."""
        if self.last is not None and (now - self.last).total_seconds() < BODYLESS_WAITS_S[0] / 2:
            return self
        return Bodyless(self.times + 1, now)

    def waiting(self, now: datetime) -> bool:
        if self.last is None or self.written_off:
            return False
        return (now - self.last).total_seconds() < BODYLESS_WAITS_S[self.times - 1]

    def due(self, now: datetime) -> bool:
        """Its wait is over: to be fetched again (not yet written off)."""
        return self.last is not None and not self.written_off and not self.waiting(now)

    @property
    def written_off(self) -> bool:
        return self.times > len(BODYLESS_WAITS_S)


class SeenStore:
    """Canonical URLs of articles already indexed, in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # The schema in one transaction: each statement on its own wrote the schema pages to the WAL again (on a
        # nearly full disk a new store could not even be made: the day-18 CI run, under a file-size limit).
        with self._db:
            # IMMEDIATE: a deferred one that read first failed at once ("database is locked") when another
            # process opening the store committed meanwhile (review of day 18: crawls started together).
            self._db.execute("BEGIN IMMEDIATE")
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
            # Article pages whose body held no text, and how many crawls found them so (pipelines/clean.py).
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS bodyless"
                " (url TEXT PRIMARY KEY, times INTEGER NOT NULL, first TEXT NOT NULL)"
            )
            # Article pages a running crawl is fetching (claim): another crawl on this store leaves them to it.
            self._db.execute("CREATE TABLE IF NOT EXISTS claims (url TEXT PRIMARY KEY, holder TEXT, claimed TEXT)")
            # Listed pages a crawl left unread for a reason that may pass: when their run of failures began, and
            # when they last failed (UNREAD_FOR_GOOD_S).
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS unread (url TEXT PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL)"
            )
            # The pages each run was to read (max_pages) and the lists it caught up (see start_run); added to
            # stores written before they existed.
            bodyless_columns = {row[1] for row in self._db.execute("PRAGMA table_info(bodyless)")}
            if "last" not in bodyless_columns:
                self._db.execute("ALTER TABLE bodyless ADD COLUMN last TEXT")
            if "list" not in bodyless_columns:  # the list that linked it (FinnewsSpider.list_key)
                self._db.execute("ALTER TABLE bodyless ADD COLUMN list TEXT")
            # (a store written by 025ee4b kept the first failure only: its rows are read by it, COALESCE below)
            if "last" not in {row[1] for row in self._db.execute("PRAGMA table_info(unread)")}:
                self._db.execute("ALTER TABLE unread ADD COLUMN last TEXT")
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}
            for column, kind in (("depth", "INTEGER"), ("caught_up", "TEXT"), ("pid", "INTEGER"), ("process", "TEXT")):
                if column not in columns:
                    self._db.execute(f"ALTER TABLE runs ADD COLUMN {column} {kind}")
        # Whether list paging may stop at a fully-seen page in this run, and how far back a list must be read
        # first when not (see start_run).
        self.trust_fully_seen = True
        self._catch_up = CatchUp()

    def contains(self, url: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM seen WHERE url = ?", (canonical_url(url),)).fetchone()
        return row is not None

    def add_many(self, urls: Iterable[str], spider: str = "") -> None:
        now = datetime.now(SHANGHAI).isoformat()
        rows = [(canonical_url(u), spider, now) for u in urls if u]
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO seen (url, spider, first_seen) VALUES (?, ?, ?)", rows)
            self._db.executemany("DELETE FROM claims WHERE url = ?", [row[:1] for row in rows])
            self._db.executemany("DELETE FROM bodyless WHERE url = ?", [row[:1] for row in rows])

    def claim(self, url: str, run_id: int) -> bool:
        """Claim the article page ``url`` for the run ``run_id`` of this process, which is about to fetch it;
        False when a crawl still running on this store (a scheduled crawl beside a live poll, two polls of one
        live process) claimed it first and not :data:`CLAIM_STALE_S` ago: it fetches and remembers it. Without
        this, both fetched every article they shared until the first one's batch was written (left open on
        day 17)."""
        key, holder, now = canonical_url(url), f"{process_token(os.getpid())}#{run_id}", datetime.now(SHANGHAI)
        try:
            with self._lock, self._db:
                self._db.execute("BEGIN IMMEDIATE")
                if self._db.execute("SELECT 1 FROM seen WHERE url = ?", (key,)).fetchone():
                    return False  # written meanwhile by the crawl that held it
                row = self._db.execute("SELECT holder, claimed FROM claims WHERE url = ?", (key,)).fetchone()
                if row and row[0] != holder and process_runs(str(row[0]).rsplit("#", 1)[0]):
                    claimed = datetime.fromisoformat(str(row[1]))
                    if (now - claimed).total_seconds() < CLAIM_STALE_S:
                        return False
                self._db.execute(
                    "INSERT OR REPLACE INTO claims (url, holder, claimed) VALUES (?, ?, ?)",
                    (key, holder, now.isoformat()),
                )
        except sqlite3.Error as error:
            # A claim only spares a second fetch: a store that cannot take one (locked, a full disk) costs
            # that, never the article.
            logger.warning("seen store: could not claim %s (fetched anyway): %s", url, error)
        return True

    def release(self, run_id: int) -> None:
        """Give up the claims of the run ``run_id`` of this process (it ended: what it did not write is free)."""
        try:
            with self._lock:
                self._db.execute("DELETE FROM claims WHERE holder = ?", (f"{process_token(os.getpid())}#{run_id}",))
        except sqlite3.Error as error:  # left to run stale (CLAIM_STALE_S) or to end with this process
            logger.warning("seen store: could not release the claims of run %s: %s", run_id, error)

    def note_bodyless(self, url: str, list_key: str | None = None) -> bool:
        """Note that the article page ``url``, linked by the list ``list_key`` (FinnewsSpider.list_key), held no
        body text (:class:`Bodyless`); whether it is written off now: a video or picture article, to be remembered
        as seen."""
        key, now = canonical_url(url), datetime.now(SHANGHAI)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute("SELECT times, COALESCE(last, first) FROM bodyless WHERE url = ?", (key,)).fetchone()
            noted = Bodyless.of(row and (int(row[0]), datetime.fromisoformat(str(row[1])))).noted(now)
            self._db.execute(
                "INSERT INTO bodyless (url, times, first, last, list) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET times = excluded.times, last = excluded.last,"
                " list = COALESCE(excluded.list, list)",
                (key, noted.times, now.isoformat(), noted.last.isoformat(), list_key),
            )
        return noted.written_off

    def bodyless_due(self, list_key: str) -> set[str]:
        """The article pages the list ``list_key`` linked that were found without body text and are due to be
        fetched again (:meth:`Bodyless.due`), as canonical URLs."""
        with self._lock:
            rows = self._db.execute(
                "SELECT url, times, COALESCE(last, first) FROM bodyless WHERE list = ?", (list_key,)
            ).fetchall()
        now = datetime.now(SHANGHAI)
        return {
            str(url) for url, times, last in rows if Bodyless(int(times), datetime.fromisoformat(str(last))).due(now)
        }

    def unread_since(self, url: str) -> datetime:
        """Note that a crawl left the listed page ``url`` unread for a reason that may pass; when its run of such
        failures began (now, for a first one or one more than UNREAD_RUN_GAP_S after the last)."""
        key, now = canonical_url(url), datetime.now(SHANGHAI)
        try:
            with self._lock, self._db:
                self._db.execute("BEGIN IMMEDIATE")
                row = self._db.execute(
                    "SELECT first, COALESCE(last, first) FROM unread WHERE url = ?", (key,)
                ).fetchone()
                ongoing = row and (now - datetime.fromisoformat(str(row[1]))).total_seconds() <= UNREAD_RUN_GAP_S
                first = datetime.fromisoformat(str(row[0])) if ongoing else now
                self._db.execute(
                    "INSERT OR REPLACE INTO unread (url, first, last) VALUES (?, ?, ?)",
                    (key, first.isoformat(), now.isoformat()),
                )
        except sqlite3.Error as error:  # (called on a failure's path: a locked store leaves the crawl unclean)
            logger.warning("seen store: could not note %s as left unread: %s", url, error)
            return now
        return first

    def unread_among(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` (canonical) with a run of failures (:meth:`unread_since`), read without writing."""
        keys = sorted({canonical_url(url) for url in urls})
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT url FROM unread WHERE url IN ({marks})", chunk).fetchall()
                found.update(str(row[0]) for row in rows)
        return found

    def read_again(self, url: str) -> None:
        """The listed page ``url`` was read: a run of failures it had is over (:meth:`unread_since`). Without this a
        page that failed once and again a day and a half later, read on every crawl between, counted as failing for
        a day (review of day 23). Written only where a run was recorded (a list page is read on every crawl)."""
        key = canonical_url(url)
        try:
            with self._lock:
                if self._db.execute("SELECT 1 FROM unread WHERE url = ?", (key,)).fetchone():
                    self._db.execute("DELETE FROM unread WHERE url = ?", (key,))
        except sqlite3.Error as error:  # the run goes on: at worst the page counts as failing for a day too soon
            logger.warning("seen store: could not note %s as read: %s", url, error)

    def bodyless_waiting(self, url: str) -> bool:
        """Whether ``url``, found without body text, waits before it is fetched again (:class:`Bodyless`)."""
        with self._lock:
            row = self._db.execute(
                "SELECT times, COALESCE(last, first) FROM bodyless WHERE url = ?", (canonical_url(url),)
            ).fetchone()
        return Bodyless.of(row and (int(row[0]), datetime.fromisoformat(str(row[1])))).waiting(datetime.now(SHANGHAI))

    def knows_list(self, key: str) -> bool:
        """Whether an earlier crawl read the list ``key`` (its articles are among those seen)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM lists WHERE key = ?", (key,)).fetchone() is not None

    def note_list(self, key: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO lists (key, first_read) VALUES (?, ?)", (key, datetime.now(SHANGHAI).isoformat())
            )

    def start_run(self, spider: str, depth: int = 0) -> int:
        """Record a run's start (``depth``: the pages it reads of each list, its max_pages). Paging may stop at
        a fully-seen list page only for lists caught up since the spider's last unclean run (see
        :class:`CatchUp`): after a crash, articles fetched but not yet written are unseen on pages beyond the
        first fully-seen one, so a later run pages through to find them."""
        with self._lock:
            rows = self._db.execute(
                "SELECT reason, depth, caught_up, process FROM runs WHERE spider = ? ORDER BY id DESC LIMIT ?",
                (spider, RUNS_READ),
            ).fetchall()
            # A run without an end whose process still runs is going on (a scheduled crawl beside a live poll): it
            # will record its own end. One whose process is gone (or whose pid another process has now) was killed.
            ended = [(why, deep, caught) for why, deep, caught, owner in rows if why or not process_runs(owner)]
            self._catch_up = CatchUp.of_runs(reversed(ended))
            self.trust_fully_seen = self._catch_up.trusts_every_list()
            cursor = self._db.execute(
                "INSERT INTO runs (spider, started, depth, pid, process) VALUES (?, ?, ?, ?, ?)",
                (spider, datetime.now(SHANGHAI).isoformat(), depth, os.getpid(), process_token(os.getpid())),
            )
            return int(cursor.lastrowid)

    def finish_run(self, run_id: int, reason: str, caught_up: dict[str, int] | None = None) -> None:
        """Record a run's end: its reason (``finished`` is a clean end) and the lists it caught up, each with
        the page it read to (:meth:`crawler.spiders.base.FinnewsSpider.page_on`)."""
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, reason = ?, caught_up = ? WHERE id = ?",
                (datetime.now(SHANGHAI).isoformat(), reason, json.dumps(caught_up or {}, ensure_ascii=False), run_id),
            )

    def trusts(self, key: str) -> bool:
        """Whether paging the list ``key`` (FinnewsSpider.list_key) may stop at a page already fully seen."""
        return self._catch_up.trusts(key)

    def catch_up_depth(self, key: str) -> int:
        """How many pages of the list ``key`` this run must read whatever it has seen (0: none), to catch up an
        unclean run (crawler.spiders.base.FinnewsSpider.page_on)."""
        return self._catch_up.depth(key)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


# The runs of a spider read to decide what the next one must catch up (a live poller runs about 3,000 a day).
RUNS_READ = 5000
# The depth of an unclean run recorded before runs had one: one page, so that the list is read to this run's own
# max_pages (as an unclean stop was caught up before).
UNKNOWN_DEPTH = 1
# The page a list that ended (no next page) is caught up to: every page.
LIST_END = 1_000_000


@dataclass
class CatchUp:
    """What a run must read again after an unclean run of its spider (killed, stopped for a full spool, articles
    written but not remembered as seen; one still running counts too: it may be killed). A list is then read at
    least as many pages back as the unclean run read (its max_pages), whatever was seen, before its paging may stop
    at a fully-seen page again; a clean run that did so (``caught_up``: list key → page read to) caught the list
    up for every unclean run before it of no greater depth. A clean run that read fewer pages proves nothing: the
    day-17 hunt had a crawl killed with 22 articles unwritten on pages 2-5, a live poll of ``max_pages: 1`` finish
    cleanly, and the next crawl trust its lists, stop at page 1 and lose the 22 for good.

    ``events``, oldest first: ("unclean", depth), ("caught", {list key: page}) or ("clear", None) for a clean run
    recorded before catch-ups were (it was trusted then, and is now)."""

    events: list[tuple[str, Any]] = field(default_factory=list)

    @classmethod
    def of_runs(cls, runs: Iterable[tuple[str | None, int | None, str | None]]) -> CatchUp:
        """From a spider's runs, oldest first: (reason, depth, caught_up JSON)."""
        events: list[tuple[str, Any]] = []
        for reason, depth, caught_up in runs:
            if reason != "finished":
                events.append(("unclean", depth or UNKNOWN_DEPTH))
            elif caught_up is None:
                events = [("clear", None)]  # (what came before is cleared with it)
            else:
                caught = _caught_up_lists(caught_up)
                if caught:
                    events.append(("caught", caught))
        return cls(events)

    def depth(self, key: str) -> int:
        """How many pages of the list ``key`` a run must read whatever it has seen (0: none)."""
        need = 0
        for kind, value in self.events:
            if kind == "unclean":
                need = max(need, value)
            elif kind == "clear" or (kind == "caught" and value.get(key, 0) >= need):
                need = 0
        return need

    def trusts(self, key: str) -> bool:
        return not self.depth(key)

    def trusts_every_list(self) -> bool:
        """No unclean run since the last clear: every list may stop at a fully-seen page."""
        return not any(kind == "unclean" for kind, _ in self.events)


def process_token(pid: int) -> str | None:
    """``pid:start`` for a process of this machine, its start time read from /proc (the 22nd field of
    /proc/<pid>/stat, in clock ticks since boot): a pid alone is reused (a container's crawl is pid 1 every time),
    a pid with its start time names one process. None when the process is gone or /proc cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # (the command in brackets may hold spaces)
    return f"{pid}:{fields[19]}" if len(fields) > 19 else None


def process_runs(process: str | None) -> bool:
    """Whether the process a run recorded (:func:`process_token`) still runs. None (a run recorded before, or
    on a machine without /proc): not known to run, so a run without an end counts as killed."""
    if not process:
        return False
    pid = process.split(":", 1)[0]
    return pid.isdigit() and process_token(int(pid)) == process


def _caught_up_lists(recorded: str) -> dict[str, int]:
    try:
        value = json.loads(recorded)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(key): page for key, page in value.items() if isinstance(page, int)}


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
        max_pages = getattr(spider, "run_depth", None)
        self.run_id = self.store.start_run(spider.name, max_pages() if callable(max_pages) else 0)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is not None:
            # (the index pipeline, closed before this signal, may have found the crawl unclean)
            caught_up = getattr(spider, "caught_up", None)
            self.store.finish_run(self.run_id, crawl_state(self.crawler).unclean or reason, caught_up)
            self.store.release(self.run_id)

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
        if self.store.bodyless_waiting(request.url):
            # Found without body text lately: its summary is indexed, its page fetched again when due (Bodyless).
            self.stats.inc_value("finnews/skipped/bodyless_waiting")
            raise AlreadySeen(f"fetched again later (no body text lately): {request.url}")
        if self.run_id is not None and not self.store.claim(request.url, self.run_id):
            self.stats.inc_value("finnews/skipped/fetched_by_another_crawl")
            raise AlreadySeen(f"another running crawl fetches it: {request.url}")
        coordinator = crawl_state(self.crawler).coordinator
        if request.meta.get(SWEEP_FLAG) and coordinator and coordinator.taken_by_a_live_worker(request.url):
            raise AlreadySeen(f"another worker has it: {request.url}")
