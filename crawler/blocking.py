"""Blocked, not just failed: telling a site's refusal apart from other failures, and acting on it.

Sites that fight crawlers seldom say "no" plainly. A blocked answer is any of these (its reason):

* ``http_403`` / ``http_429`` / ``http_451``: the site refuses outright (``BLOCKING_HTTP_CODES``);
* ``captcha``: a verification (slider captcha) page served with 200 where a page or JSON was asked for;
* ``script_challenge``: a firewall's script challenge (200, 202, 412 or 521): a page of next to no text whose
  script sets a cookie and loads the page again, which a browser passes unseen and a crawler never does;
* ``login_redirect``: a redirect to a login or verification URL (``BLOCKING_LOGIN_URL_PATTERN``);
* ``empty_list``: a list answered valid but empty where the same list had items on an earlier run
  (the spiders tell, with :class:`ListMemory`);
* ``not_articles``: a run of ``BLOCKING_NON_ARTICLE_RUN`` article links in a row that answer pages
  which are not articles (the spiders tell).

Every blocked answer is counted as ``finnews/errors/blocked/<reason>`` and listed with its URL.
Then two things happen, at two levels:

* the **domain** slows down: requests to it wait ``BLOCKING_BACKOFF_BASE × 2^(n−1)`` seconds apart
  after its n-th blocked answer in a row (at most ``BLOCKING_BACKOFF_MAX``), or as long as a
  Retry-After header asks; a good answer lifts the back-off. Other domains are not slowed.
* the **source** (a list of the crawl and the articles it links: an Eastmoney column, the 7×24
  list, a China.org column, a feed) counts its blocked answers in a row; at
  ``BLOCKING_THRESHOLD`` it is stopped: its remaining requests are dropped, the log and the stats
  (``finnews/stopped_sources``) say why, and the rest of the crawl goes on. A site that asks (by
  Retry-After) to wait longer than ``BLOCKING_BACKOFF_MAX`` stops the source at once: the job's
  time is better spent elsewhere than waiting to be refused again.

A blocked request is tried again (after the back-off) up to ``BLOCKING_RETRY_TIMES`` times.

Telling a refusal is :mod:`crawler.refusals`, the crawl's blocking state :mod:`crawler.backoff`;
this module is what Scrapy runs: the download handler that waits and the downloader middleware.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from core.config import state_dir
from crawler.backoff import RETRIES_META, BlockingPolicy, BlockTracker, ListMemory, PaceMemory
from crawler.refusals import CHALLENGE_STATUSES, Blocked, SourceStopped, blocked_reason, decoded_body
from crawler.retry import retry_after_seconds
from crawler.sites import load_sites
from crawler.state import crawl_state

logger = logging.getLogger(__name__)

SOURCE_META = "finnews_source"  # Request.meta: the crawl source a request belongs to


def source_of(request: Request) -> str:
    """The crawl source of a request (set by the spiders), else its domain."""
    return str(request.meta.get(SOURCE_META) or domain_of(request))


def domain_of(request: Request) -> str:
    """The back-off key: host and port (a site's domains answer from the same addresses, but two
    local replicas on different ports are two sites)."""
    return urlparse_cached(request).netloc.lower()


def is_robots_request(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


# --- where the waiting happens -----------------------------------------------------------------------


class BlockingDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, with the back-off applied at the last moment: right before a request
    goes out it waits its domain's turn, or is dropped if its source was stopped meanwhile.

    Waiting here rather than in a middleware matters: Scrapy hands requests to the downloader (and
    its middlewares) long before it sends them, so a middleware would let every request already
    queued for a refusing site through. Waiting here also holds one of the domain's concurrent
    transfers, which is what slowing a domain down means; other domains are not held up. The
    download timeout starts after the wait."""

    async def download_request(self, request: Request) -> Response:
        tracker = crawl_state(self._crawler).blocking
        if tracker is not None and not is_robots_request(request):
            source, domain = source_of(request), domain_of(request)
            refusals = tracker.refusals(domain)
            wait = tracker.turn(source, domain)  # raises SourceStopped
            while wait > 0:
                await tracker.wait(source, wait)
                if request.meta.get(RETRIES_META):
                    tracker.stats.inc_value("finnews/retry_backoff_seconds", round(wait, 3))
                if why := tracker.stopped(source):
                    raise SourceStopped(source, why)
                # A refusal that came during the wait lengthened the back-off: keep to it.
                wait = tracker.turn_again(source, domain, refusals)
                refusals = tracker.refusals(domain)
        return await super().download_request(request)


# --- the downloader middleware -----------------------------------------------------------------------


class BlockingMiddleware:
    """Sees every answer before redirects are followed and retries are made (priority above
    RedirectMiddleware's 600): counts refusals and tries them again (their wait happens in
    :class:`BlockingDownloadHandler`); drops requests of a stopped source."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.http_codes = frozenset(int(code) for code in settings.getlist("BLOCKING_HTTP_CODES"))
        self.login_url = re.compile(settings.get("BLOCKING_LOGIN_URL_PATTERN"), re.I)
        self.tracker = BlockTracker(BlockingPolicy.from_settings(settings), crawler.stats)
        sites = load_sites()
        self.tracker.budgets = sites.request_budgets()
        memory_path = settings.get("BLOCKING_LIST_MEMORY") or state_dir() / "list-memory.json"
        self.tracker.memory = ListMemory(Path(memory_path), settings.getfloat("BLOCKING_LIST_MEMORY_DAYS"))
        pace_path = settings.get("BLOCKING_PACE_MEMORY") or state_dir() / "site-pace.json"
        self.pace = PaceMemory(Path(pace_path), set(sites.download_slots()))
        self.pace.restore(self.tracker)
        crawl_state(crawler).blocking = self.tracker
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockingMiddleware:
        if not crawler.settings.getbool("BLOCKING_ENABLED"):
            raise NotConfigured("BLOCKING_ENABLED is off")
        return cls(crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.tracker.summarise()
        try:
            self.pace.save(self.tracker)
        except OSError as error:
            logger.error("Could not save the sites' pace %s: %s", self.pace.path, error)
        if self.tracker.memory is not None:
            try:
                self.tracker.memory.save()
            except OSError as error:
                logger.error("Could not save the list memory %s: %s", self.tracker.memory.path, error)

    def process_request(self, request: Request) -> None:
        # One Scrapy download slot per host and port, as the back-off is kept (two sites on one
        # host, as two local replicas are, must not hold each other up).
        request.meta.setdefault("download_slot", domain_of(request))
        if not is_robots_request(request) and (why := self.tracker.stopped(source_of(request))):
            raise SourceStopped(source_of(request), why)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if is_robots_request(request):
            return response
        location = response.headers.get("Location")
        content_type = response.headers.get("Content-Type")
        body = response.body
        if response.status in CHALLENGE_STATUSES:  # the pages a refusal is told by: as a browser shows them
            body = decoded_body(body, response.headers.getlist("Content-Encoding"))
        reason = blocked_reason(
            response.status,
            body,
            response.urljoin(location.decode("latin-1")) if location else None,
            self.http_codes,
            self.login_url,
            content_type.decode("latin-1") if content_type else None,
        )
        if reason is None:
            return response
        header = response.headers.get("Retry-After")
        retry_after = retry_after_seconds(header.decode("latin-1") if header else None)
        source = source_of(request)
        stopped = self.tracker.blocked(source, domain_of(request), reason, request.url, retry_after)
        again = None if stopped else self.tracker.retry(request)
        if again is not None:
            return again
        raise Blocked(reason, request.url)
