"""Blocked, not just failed: telling a site's refusal apart from other failures, and acting on it.

Sites that fight crawlers seldom say "no" plainly. A blocked answer is any of these (its reason):

* ``http_403`` / ``http_429`` / ``http_451``: the site refuses outright (``BLOCKING_HTTP_CODES``);
* ``captcha``: a verification (slider captcha) page served with 200 where a page or JSON was asked for;
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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from core.config import state_dir
from crawler.retry import retry_after_seconds
from tagging.dates import SHANGHAI

logger = logging.getLogger(__name__)

SOURCE_META = "finnews_source"  # Request.meta: the crawl source a request belongs to
RETRIES_META = "finnews_blocked_retries"  # Request.meta: how often a blocked request was tried again
MAX_LISTED = 200  # blocked answers listed by URL in the stats (all are counted)
SNIFF_BYTES = 64 * 1024  # how much of a 200 answer is looked at for a verification page
SHORT_PAGE_CHARS = 3000  # visible text below which a page is "short" (a verification page, not an article)

# A verification page names itself in its <title> or carries a captcha widget; the Chinese words
# count anywhere only on a short page (an article may well report on 验证码 scams).
CAPTCHA_TITLE_RE = re.compile(
    r"<title[^>]*>[^<]*(验证|captcha|verify|verification|安全检查|访问受限|访问过于频繁|人机)[^<]*</title>", re.I
)
CAPTCHA_WIDGET_RE = re.compile(
    r"""(geetest|nocaptcha|nc_iconfont|slider[-_]?captcha|captcha[-_]?(?:box|img|container|slider)|"""
    r"""id=["']?captcha|class=["'][^"']*\bcaptcha\b)""",
    re.I,
)
CAPTCHA_WORDS_RE = re.compile(r"(滑块|拖动|验证码|人机验证|安全验证|请完成验证|访问过于频繁|异常访问|请求过于频繁)")
_TAG_RE = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
REDIRECT_CODES = (301, 302, 303, 307, 308)


class Blocked(IgnoreRequest):
    """A request given up after blocked answers (counted already, answer by answer)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"blocked ({reason}): {url}")
        self.reason = reason


class SourceStopped(IgnoreRequest):
    """A request dropped because its source was stopped (the crawl said why when it stopped it)."""

    def __init__(self, source: str, why: str) -> None:
        super().__init__(f"source {source} stopped: {why}")
        self.source = source


# --- telling a blocked answer (pure functions) -----------------------------------------------------


def looks_like_verification_page(body: bytes) -> bool:
    """A captcha / verification page: its title says so, it carries a captcha widget, or it is a
    short page with the words of one (滑块, 验证码, 访问过于频繁 …)."""
    head = body[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    if CAPTCHA_TITLE_RE.search(head) or CAPTCHA_WIDGET_RE.search(head):
        return True
    if len(body) > SNIFF_BYTES:
        return False
    visible = _TAG_RE.sub(" ", head)
    return len(visible.strip()) < SHORT_PAGE_CHARS and bool(CAPTCHA_WORDS_RE.search(visible))


def blocked_reason(
    status: int,
    body: bytes,
    location: str | None,
    http_codes: frozenset[int],
    login_url: re.Pattern[str],
) -> str | None:
    """Why an answer is a refusal, or None when it is not one."""
    if status in http_codes:
        return f"http_{status}"
    if status in REDIRECT_CODES:
        return "login_redirect" if location and login_url.search(location) else None
    if status == 200 and looks_like_verification_page(body):
        return "captcha"
    return None


def short_url(url: str, limit: int = 160) -> str:
    """A URL short enough for a log line or an alert (list API URLs carry long queries)."""
    return url if len(url) <= limit else f"{url[: limit - 1]}…"


def grown_delay(streak: int, base: float, maximum: float) -> float:
    """The spacing between requests to a domain after its ``streak``-th blocked answer in a row."""
    return min(maximum, base * 2 ** max(streak - 1, 0))


# --- the state of a crawl ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockingPolicy:
    threshold: int = 5  # blocked answers in a row that stop a source
    retry_times: int = 2  # tries again of one blocked request
    backoff_base: float = 10.0  # seconds between requests after a domain's first blocked answer
    backoff_max: float = 300.0  # the longest spacing; a longer Retry-After stops the source
    non_article_run: int = 5  # non-article pages in a row from a source that count as blocked

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> BlockingPolicy:
        return cls(
            threshold=max(1, settings.getint("BLOCKING_THRESHOLD")),
            retry_times=max(0, settings.getint("BLOCKING_RETRY_TIMES")),
            backoff_base=max(0.0, settings.getfloat("BLOCKING_BACKOFF_BASE")),
            backoff_max=max(0.0, settings.getfloat("BLOCKING_BACKOFF_MAX")),
            non_article_run=max(1, settings.getint("BLOCKING_NON_ARTICLE_RUN")),
        )


@dataclass
class DomainState:
    streak: int = 0  # blocked answers in a row
    delay: float = 0.0  # spacing between requests while backing off (0: none)
    next_at: float = 0.0  # clock time before which no request goes out


@dataclass
class SourceState:
    domain: str = ""
    streak: int = 0  # blocked answers in a row
    reasons: Counter[str] = field(default_factory=Counter)  # of the current streak
    non_articles: int = 0  # non-article pages in a row
    good: int = 0  # good answers in the whole crawl
    stopped: str | None = None  # why it was stopped


class BlockTracker:
    """Blocked answers, per-domain back-off and per-source streaks for one crawl. No Scrapy
    machinery: the middleware and the spiders report to it, the tests drive it with a fake clock."""

    def __init__(self, policy: BlockingPolicy, stats: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.stats = stats
        self.clock = clock
        self.domains: dict[str, DomainState] = {}
        self.sources: dict[str, SourceState] = {}
        self.memory: ListMemory | None = None
        self._wakeups: dict[str, asyncio.Event] = {}

    def _domain(self, domain: str) -> DomainState:
        return self.domains.setdefault(domain, DomainState())

    def _source(self, source: str, domain: str) -> SourceState:
        state = self.sources.setdefault(source, SourceState(domain=domain))
        state.domain = state.domain or domain
        return state

    def stopped(self, source: str) -> str | None:
        state = self.sources.get(source)
        return state.stopped if state else None

    def blocked(self, source: str, domain: str, reason: str, url: str, retry_after: float | None = None) -> bool:
        """Count a blocked answer, back the domain off, and stop the source at the threshold.
        Returns True when the source is (now) stopped."""
        self.stats.inc_value(f"finnews/errors/blocked/{reason}")
        listed = self.stats.get_value("finnews/failures") or []
        if len(listed) < MAX_LISTED:
            self.stats.set_value("finnews/failures", [*listed, f"blocked/{reason} {url}"])
        logger.warning("blocked (%s): %s", reason, url)

        now = self.clock()
        site = self._domain(domain)
        site.streak += 1
        site.delay = grown_delay(site.streak, self.policy.backoff_base, self.policy.backoff_max)
        wait = max(site.delay, retry_after or 0.0)
        site.next_at = max(site.next_at, now + wait)
        total = (self.stats.get_value("finnews/blocking/backoff_seconds") or 0) + wait
        self.stats.set_value("finnews/blocking/backoff_seconds", round(total, 3))
        self.stats.max_value("finnews/blocking/max_wait_seconds", round(wait, 3))

        state = self._source(source, domain)
        state.streak += 1
        state.reasons[reason] += 1
        if state.stopped:
            return True
        if retry_after is not None and retry_after > self.policy.backoff_max:
            self.stop(source, f"{domain} asks to wait {retry_after:g} s (Retry-After on {reason}), longer than "
                      f"BLOCKING_BACKOFF_MAX {self.policy.backoff_max:g} s; last {short_url(url)}")  # fmt: skip
        elif state.streak >= self.policy.threshold:
            reasons = ", ".join(f"{name} {count}" for name, count in sorted(state.reasons.items()))
            why = f"{state.streak} blocked answers in a row from {domain} ({reasons}); last {short_url(url)}"
            self.stop(source, why)
        return state.stopped is not None

    def good(self, source: str, domain: str) -> None:
        """A good answer: the domain's back-off and the source's streaks end."""
        self.stats.inc_value("finnews/ok_answers")
        site = self._domain(domain)
        site.streak, site.delay = 0, 0.0
        state = self._source(source, domain)
        state.streak, state.non_articles = 0, 0
        state.reasons.clear()
        state.good += 1

    def non_article(self, source: str, domain: str) -> bool:
        """A page that should have been an article and is not. True when it is the
        ``non_article_run``-th or later in a row from the source: then it counts as blocked."""
        state = self._source(source, domain)
        state.non_articles += 1
        return state.non_articles >= self.policy.non_article_run

    def stop(self, source: str, why: str) -> None:
        state = self._source(source, "")
        if state.stopped:
            return
        state.stopped = why
        self.stats.inc_value("finnews/errors/source_stopped")
        line = f"{source}: {why}"
        stopped = self.stats.get_value("finnews/stopped_sources") or []
        self.stats.set_value("finnews/stopped_sources", [*stopped, line])
        listed = self.stats.get_value("finnews/failures") or []
        self.stats.set_value("finnews/failures", [*listed, f"source_stopped {line}"])
        logger.error("Stopped source %s: %s. Its remaining requests are dropped.", source, why)
        if event := self._wakeups.get(source):
            event.set()  # requests of the source that wait out a back-off are dropped now

    def turn(self, source: str, domain: str) -> float:
        """Seconds this request must wait before going out (0: at once), keeping a backing-off
        domain's requests ``delay`` apart. Raises :class:`SourceStopped` for a stopped source."""
        state = self._source(source, domain)
        if state.stopped:
            raise SourceStopped(source, state.stopped)
        site = self._domain(domain)
        now = self.clock()
        if site.delay <= 0 and site.next_at <= now:
            return 0.0
        start = max(now, site.next_at)
        if start - now > self.policy.backoff_max:
            self.stop(source, f"{domain} asks to wait {start - now:.0f} s, longer than BLOCKING_BACKOFF_MAX "
                      f"{self.policy.backoff_max:g} s")  # fmt: skip
            raise SourceStopped(source, self.sources[source].stopped or "")
        site.next_at = start + site.delay
        return start - now

    async def wait(self, source: str, seconds: float) -> None:
        """Sleep ``seconds``, or less if the source is stopped meanwhile."""
        event = self._wakeups.setdefault(source, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    def retry(self, request: Request) -> Request | None:
        """The request to try again after a blocked answer, or None when its tries are used up."""
        tries = int(request.meta.get(RETRIES_META, 0))
        if tries >= self.policy.retry_times:
            return None
        again = request.copy()
        again.meta[RETRIES_META] = tries + 1
        again.dont_filter = True
        self.stats.inc_value("finnews/blocking/retries")
        return again

    def summarise(self) -> None:
        """Sources that answered well and were not stopped (the run's outcome needs them)."""
        working = sorted(name for name, state in self.sources.items() if state.good and not state.stopped)
        self.stats.set_value("finnews/sources_ok", working)


def source_of(request: Request) -> str:
    """The crawl source of a request (set by the spiders), else its domain."""
    return str(request.meta.get(SOURCE_META) or domain_of(request))


def domain_of(request: Request) -> str:
    """The back-off key: host and port (a site's domains answer from the same addresses, but two
    local replicas on different ports are two sites)."""
    return urlparse_cached(request).netloc.lower()


def is_robots_request(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


# --- lists that had items ----------------------------------------------------------------------------


class ListMemory:
    """Which lists had items on their first page, and when last, across crawls: a small JSON file.
    An empty first page of a list that had items within ``keep_days`` is a blocked answer; a list
    empty for longer than that is taken as really empty (forgotten)."""

    def __init__(self, path: Path, keep_days: float = 7.0, now: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.keep = timedelta(days=keep_days)
        self.now = now or (lambda: datetime.now(SHANGHAI))
        self.lists: dict[str, str] = self._read()
        self.changed: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _recent(self, stamp: str) -> bool:
        try:
            return self.now() - datetime.fromisoformat(stamp) <= self.keep
        except (TypeError, ValueError):
            return False

    def had_items(self, key: str) -> bool:
        last = self.lists.get(key)
        return bool(last) and self._recent(last)

    def note_items(self, key: str) -> None:
        stamp = self.now().isoformat()
        self.lists[key] = stamp
        self.changed[key] = stamp

    def save(self) -> None:
        """Merge this crawl's notes into the file (another crawl may have written meanwhile), leave
        out lists forgotten by now, and replace it atomically."""
        if not self.changed:
            return
        merged = {key: stamp for key, stamp in {**self._read(), **self.changed}.items() if self._recent(stamp)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(merged, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)
        self.changed.clear()


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
        tracker: BlockTracker | None = getattr(self._crawler, "finnews_blocking", None)
        if tracker is not None and not is_robots_request(request):
            source = source_of(request)
            wait = tracker.turn(source, domain_of(request))  # raises SourceStopped
            if wait > 0:
                await tracker.wait(source, wait)
                if request.meta.get(RETRIES_META):
                    tracker.stats.inc_value("finnews/retry_backoff_seconds", round(wait, 3))
                if why := tracker.stopped(source):
                    raise SourceStopped(source, why)
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
        memory_path = settings.get("BLOCKING_LIST_MEMORY") or state_dir() / "list-memory.json"
        self.tracker.memory = ListMemory(Path(memory_path), settings.getfloat("BLOCKING_LIST_MEMORY_DAYS"))
        crawler.finnews_blocking = self.tracker  # the spiders report what only they can tell
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockingMiddleware:
        if not crawler.settings.getbool("BLOCKING_ENABLED"):
            raise NotConfigured("BLOCKING_ENABLED is off")
        return cls(crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.tracker.summarise()
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
        reason = blocked_reason(
            response.status,
            response.body,
            response.urljoin(location.decode("latin-1")) if location else None,
            self.http_codes,
            self.login_url,
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
