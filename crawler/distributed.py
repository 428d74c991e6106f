"""Distributed crawling: several crawler processes, on any number of machines, share one crawl.

The frontier is scrapy-redis's: the request queue and the duplicate filter live in Redis
(``FINNEWS_REDIS_URL``), so each request is fetched by exactly one worker. finnews adds what a
crawl of rolling news needs on top:

* one worker seeds the crawl (the first to claim it); the others take requests from the queue;
* the seen-article store is a Redis set, shared by every worker;
* a worker killed mid-crawl loses nothing: the requests it had taken from the queue, and the
  articles it had not yet written, are found again by a *sweep* that the last worker standing
  runs once the queue is empty and no live worker is busy: the lists are read again and every
  listed article not yet indexed is requested again (the seen store drops the others).

Workers announce themselves with short-lived Redis keys (``alive``, ``busy``), so a dead worker
stops counting a few seconds after it dies.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from core.dates import SHANGHAI
from core.urls import canonical_url
from crawler.seen import ARTICLE_FLAG, SWEEP_FLAG, UNREAD_RUN_GAP_S, Bodyless
from crawler.state import crawl_state

logger = logging.getLogger(__name__)

KEY_PREFIX = "finnews"
HEARTBEAT_SECONDS = 1.0
PRESENCE_TTL_SECONDS = 5  # a worker silent this long is taken for dead
SEED_WAIT_SECONDS = 30  # how long a worker waits for someone to seed before giving up
QUIET_CHECKS_BEFORE_SWEEP = 2  # consecutive idle checks with nobody busy before the sweep


def distributed_settings(redis_url: str) -> dict[str, Any]:
    """Scrapy settings that put the frontier in Redis (scrapy-redis) and turn the coordinator on."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{KEY_PREFIX}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{KEY_PREFIX}:%(spider)s:dupefilter",
        "SCHEDULER_PERSIST": True,  # one worker finishing must not flush the queue of the others
        "REDIS_URL": redis_url,
        "FINNEWS_DISTRIBUTED": True,
        "FINNEWS_REDIS_URL": redis_url,
    }


class RedisSeenStore:
    """The seen-article store in Redis (same interface as :class:`crawler.seen.SeenStore`)."""

    def __init__(self, server: redis.Redis, spider: str) -> None:
        self.server = server
        self.key = f"{KEY_PREFIX}:seen"
        self.runs_key = f"{KEY_PREFIX}:{spider}:last_run"
        self.trust_fully_seen = True

    def contains(self, url: str) -> bool:
        return bool(self.server.sismember(self.key, canonical_url(url)))

    def add_many(self, urls: list[str], spider: str = "") -> None:
        members = [canonical_url(u) for u in urls if u]
        if members:
            self.server.sadd(self.key, *members)
            self.server.hdel(f"{KEY_PREFIX}:{spider}:inflight", *members)
            # (found with its text at last: no longer sought, as the SQLite store deletes its bodyless row)
            self.server.hdel(f"{KEY_PREFIX}:bodyless", *members)
            self.server.hdel(f"{KEY_PREFIX}:bodyless_list", *members)

    def claim(self, url: str, run_id: int) -> bool:
        return True  # the workers share one queue: the coordinator's in-flight set keeps them apart

    def release(self, run_id: int) -> None:
        pass

    def _bodyless(self, url: str) -> Bodyless:
        recorded = self.server.hget(f"{KEY_PREFIX}:bodyless", canonical_url(url))
        if not recorded:
            return Bodyless()
        times, last = recorded.decode().split("|", 1)
        return Bodyless(int(times), datetime.fromisoformat(last))

    def note_bodyless(self, url: str, list_key: str | None = None) -> bool:
        noted = self._bodyless(url).noted(datetime.now(SHANGHAI))
        assert noted.last is not None
        self.server.hset(f"{KEY_PREFIX}:bodyless", canonical_url(url), f"{noted.times}|{noted.last.isoformat()}")
        if list_key:
            # The list that linked it, in a hash of its own: a record stays "times|last", which a worker of an
            # earlier version reads (crawler.seen.SeenStore keeps it in the row's list column).
            self.server.hset(f"{KEY_PREFIX}:bodyless_list", canonical_url(url), list_key)
        return noted.written_off

    def bodyless_waiting(self, url: str) -> bool:
        return self._bodyless(url).waiting(datetime.now(SHANGHAI))

    def bodyless_due(self, list_key: str) -> set[str]:
        """As :meth:`crawler.seen.SeenStore.bodyless_due`: the list's articles found without body text whose wait
        is over (a record of no list, written before lists were kept, is sought by none). Without it a distributed
        crawl stopped at a fully-seen page whatever was due beyond it (review of day 23)."""
        linked = self.server.hgetall(f"{KEY_PREFIX}:bodyless_list")
        urls = [url.decode() for url, key in linked.items() if key.decode() == list_key]
        now = datetime.now(SHANGHAI)
        return {url for url in urls if self._bodyless(url).due(now)}

    def unread_since(self, url: str) -> datetime:
        now, key = datetime.now(SHANGHAI), canonical_url(url)
        recorded = self.server.hget(f"{KEY_PREFIX}:unread", key)
        first, last = (datetime.fromisoformat(t) for t in recorded.decode().split("|", 1)) if recorded else (now, now)
        if (now - last).total_seconds() > UNREAD_RUN_GAP_S:
            first = now
        self.server.hset(f"{KEY_PREFIX}:unread", key, f"{first.isoformat()}|{now.isoformat()}")
        return first

    def unread_among(self, urls: Iterable[str]) -> set[str]:
        keys = sorted({canonical_url(url) for url in urls})
        marks = self.server.hmget(f"{KEY_PREFIX}:unread", keys) if keys else []
        return {key for key, mark in zip(keys, marks, strict=True) if mark is not None}

    def read_again(self, url: str) -> None:
        self.server.hdel(f"{KEY_PREFIX}:unread", canonical_url(url))

    def knows_list(self, key: str) -> bool:
        return bool(self.server.sismember(f"{KEY_PREFIX}:lists", key))

    def note_list(self, key: str) -> None:
        self.server.sadd(f"{KEY_PREFIX}:lists", key)

    def start_run(self, spider: str, depth: int = 0) -> int:
        last = self.server.get(self.runs_key)
        self.trust_fully_seen = last in (None, b"finished")
        self.server.set(self.runs_key, b"running")
        return 0

    def finish_run(self, run_id: int, reason: str, caught_up: dict[str, int] | None = None) -> None:
        self.server.set(self.runs_key, reason.encode())

    def trusts(self, key: str) -> bool:
        # The shared store keeps the last run's end only: after an unclean one, no list is trusted for a run.
        return self.trust_fully_seen

    def catch_up_depth(self, key: str) -> int:
        return 0  # (the workers page every list to max_pages then, as before)

    def __len__(self) -> int:
        return int(self.server.scard(self.key))

    def close(self) -> None:
        self.server.close()


class Coordinator:
    """Scrapy extension: seeding, presence, and the closing sweep of a distributed crawl."""

    def __init__(self, crawler: Crawler, server: redis.Redis) -> None:
        self.crawler = crawler
        self.server = server
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.seeder = False
        self.swept = False
        self.idle_since: datetime | None = None
        self.heartbeat = task.LoopingCall(self.beat)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        # Announce work the moment it starts, not at the next heartbeat: a sweep must never begin
        # while another worker has just taken a request from the queue.
        crawler.signals.connect(self.request_reached_downloader, signal=signals.request_reached_downloader)
        crawl_state(crawler).coordinator = self
        self.quiet_checks = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        if not crawler.settings.getbool("FINNEWS_DISTRIBUTED"):
            raise NotConfigured  # no message: Scrapy logs one as a warning, and a plain crawl is no news
        server = redis.Redis.from_url(crawler.settings.get("FINNEWS_REDIS_URL"))
        server.ping()
        coordinator = cls(crawler, server)
        crawl_state(crawler).seen_store = RedisSeenStore(server, crawler.spidercls.name)
        return coordinator

    def _key(self, *parts: str) -> str:
        return ":".join([KEY_PREFIX, self.crawler.spider.name, *parts])

    def claim_seed(self) -> bool:
        """True for the one worker that seeds this crawl (the claim lasts while the crawl does).

        A claim left by a crawl whose workers all died (no live worker, nothing queued) is stale:
        it is cleared, so that the next crawl can start."""
        key = self._key("seed")
        self.seeder = bool(self.server.set(key, self.worker, nx=True, ex=24 * 3600))
        if not self.seeder and self._crawl_is_abandoned():
            logger.warning("Clearing the coordination keys of an earlier crawl whose workers are gone")
            self.server.delete(key, self._key("sweep"), self._key("inflight"))
            self.seeder = bool(self.server.set(key, self.worker, nx=True, ex=24 * 3600))
        return self.seeder

    def _crawl_is_abandoned(self) -> bool:
        own = self._key("alive", self.worker).encode()
        others_alive = any(key != own for key in self.server.scan_iter(self._key("alive", "*")))
        queued = self.server.zcard(
            self.crawler.settings.get("SCHEDULER_QUEUE_KEY") % {"spider": self.crawler.spider.name}
        )
        return not others_alive and not queued

    def _busy(self) -> bool:
        engine = self.crawler.engine
        downloading = len(getattr(engine.downloader, "active", ()) or ())
        scraper_slot = getattr(engine.scraper, "slot", None)
        processing = len(getattr(scraper_slot, "active", ()) or ()) if scraper_slot else 0
        return bool(downloading or processing or crawl_state(self.crawler).pending_writes())

    def request_reached_downloader(self, request: Any, spider: Spider) -> None:
        self.beat()
        if request.meta.get(ARTICLE_FLAG):
            # This worker has the article now; a sweep leaves it alone while this worker lives.
            self.server.hset(self._key("inflight"), canonical_url(request.url), self.worker)

    def taken_by_a_live_worker(self, url: str) -> bool:
        """Whether another live worker is fetching or writing this article right now."""
        owner = self.server.hget(self._key("inflight"), canonical_url(url))
        if owner is None or owner.decode() == self.worker:
            return False
        return bool(self.server.exists(self._key("alive", owner.decode())))

    def beat(self, *args: Any, **kwargs: Any) -> None:
        self.server.set(self._key("alive", self.worker), 1, ex=PRESENCE_TTL_SECONDS)
        if self._busy():
            self.server.set(self._key("busy", self.worker), 1, ex=PRESENCE_TTL_SECONDS)
        else:
            self.server.delete(self._key("busy", self.worker))

    def _others_busy(self) -> bool:
        """Another worker is downloading or processing, or a live one still holds articles (a dead
        worker's presence keys expire within seconds, and its articles go to the sweep)."""
        own = self._key("busy", self.worker).encode()
        if any(key != own for key in self.server.scan_iter(self._key("busy", "*"))):
            return True
        owners = {owner.decode() for owner in self.server.hvals(self._key("inflight"))} - {self.worker}
        return any(self.server.exists(self._key("alive", owner)) for owner in owners)

    def _release_own_articles(self) -> None:
        """At idle everything this worker took is written or dropped: it holds no article now."""
        if crawl_state(self.crawler).pending_writes():
            return  # not yet: the index pipeline writes its buffer at this same idle signal
        mine = [url for url, owner in self.server.hscan_iter(self._key("inflight")) if owner.decode() == self.worker]
        if mine:
            self.server.hdel(self._key("inflight"), *mine)

    def spider_opened(self, spider: Spider) -> None:
        self.heartbeat.start(HEARTBEAT_SECONDS, now=True)

    def spider_idle(self, spider: Spider) -> None:
        self._release_own_articles()
        now = datetime.now(SHANGHAI)
        self.idle_since = self.idle_since or now
        if not self.server.exists(self._key("seed")) and (now - self.idle_since).total_seconds() < SEED_WAIT_SECONDS:
            raise DontCloseSpider("waiting for a worker to seed the crawl")
        if self._others_busy():
            self.quiet_checks = 0
            raise DontCloseSpider("other workers are still busy and may queue more requests")
        self.quiet_checks += 1
        if self.quiet_checks < QUIET_CHECKS_BEFORE_SWEEP:
            # The queue is empty and nobody says they are busy; ask again at the next idle check
            # (Scrapy's engine re-checks every few seconds) before concluding that nobody is.
            raise DontCloseSpider("making sure every worker is idle")
        if not self.swept and self.server.set(self._key("sweep"), self.worker, nx=True, ex=24 * 3600):
            self.swept = True
            requests = list(getattr(spider, "sweep_requests", lambda: [])())
            logger.info(
                "Queue drained and no worker busy: sweeping %d list request(s) for lost articles", len(requests)
            )
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider("sweeping")
        self.idle_since = None

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.server.delete(self._key("alive", self.worker), self._key("busy", self.worker))
        alive = list(self.server.scan_iter(self._key("alive", "*")))
        if not alive:
            # The last worker out clears the crawl's coordination keys: the next crawl seeds anew.
            self.server.delete(self._key("seed"), self._key("sweep"), self._key("inflight"))


class SweepMiddleware:
    """Spider middleware: what a sweep's list page leads to is part of the sweep too, and bypasses
    the (persistent, shared) duplicate filter: the seen store decides what is fetched again."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SweepMiddleware:
        # Enabled in every crawl's settings (SPIDER_MIDDLEWARES); only a distributed crawl sweeps.
        if not crawler.settings.getbool("FINNEWS_DISTRIBUTED"):
            raise NotConfigured  # quietly, as the coordinator
        return cls()

    @staticmethod
    def _mark(response: Any, entry: Any) -> Any:
        from scrapy import Request

        if response.meta.get(SWEEP_FLAG) and isinstance(entry, Request):
            entry.meta[SWEEP_FLAG] = True
            return entry.replace(dont_filter=True)
        return entry

    def process_spider_output(self, response: Any, result: Any) -> Any:
        for entry in result:
            yield self._mark(response, entry)

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        async for entry in result:
            yield self._mark(response, entry)
