"""The blocking state of one crawl (see :mod:`crawler.blocking`): per-domain back-off, per-source
streaks of blocked answers and stopping a source, tries again of a blocked request, and the memory
of which lists had items across crawls. No Scrapy machinery beyond the request copied for a retry:
the middleware and the spiders report to it, the tests drive it with a fake clock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.settings import BaseSettings

from core.dates import SHANGHAI
from crawler.refusals import SourceStopped, short_url

# The log lines keep the name of the blocking module they have always carried.
logger = logging.getLogger("crawler.blocking")

RETRIES_META = "finnews_blocked_retries"  # Request.meta: how often a blocked request was tried again
# What Scrapy wrote into the request's meta while answering it (the keys its MetaCopyDetectionMiddleware
# warns about): a retry is a new request and starts without them.
ANSWER_META_KEYS = (
    "_auth_proxy",
    "_dont_cache",
    "_scheme_proxy",
    "cache_timestamp",
    "download_latency",
    "redirect_reasons",
    "redirect_times",
    "redirect_ttl",
    "redirect_urls",
    "retry_times",
)
MAX_LISTED = 200  # blocked answers listed by URL in the stats (all are counted)


def grown_delay(streak: int, base: float, maximum: float) -> float:
    """The spacing between requests to a domain after its ``streak``-th blocked answer in a row."""
    return min(maximum, base * 2 ** max(streak - 1, 0))


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
    refusals: int = 0  # blocked answers in the whole crawl (tells a wait that a refusal came meanwhile)
    asked_until: float = 0.0  # clock time a Retry-After asked to wait until


@dataclass
class BudgetState:
    """Requests to a site with a request budget (sites.yaml pause_after / pause), and its pause."""

    sent: float = 0.0  # requests not yet rested off (see BlockTracker._budget_wait)
    paused_until: float = 0.0  # clock time before which no request goes out (a planned pause)
    last_at: float | None = None  # clock time of the last request


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
        # Domain → (site, requests between pauses, pause seconds) of sites with a request budget.
        self.budgets: dict[str, tuple[str, int, float]] = {}
        self._budget_states: dict[str, BudgetState] = {}

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
        site.refusals += 1
        site.delay = grown_delay(site.streak, self.policy.backoff_base, self.policy.backoff_max)
        wait = max(site.delay, retry_after or 0.0)
        # The slots requests already waiting had reserved are given up: each takes its turn again at the new
        # spacing when its wait ends (BlockTracker.turn_again); kept, they put every later one a round behind.
        if retry_after:
            site.asked_until = max(site.asked_until, now + retry_after)
        site.next_at = max(now + wait, site.asked_until)  # (never before a Retry-After asked)
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
        paused = self._budget_wait(domain, self.clock())
        return max(self._backoff_wait(source, domain), paused)

    def refusals(self, domain: str) -> int:
        """Blocked answers from ``domain`` so far in the crawl: a request notes it when it takes its
        turn, and :meth:`turn_again` tells by it whether one came while the request waited."""
        return self._domain(domain).refusals

    def turn_again(self, source: str, domain: str, refusals_before: int) -> float:
        """Seconds more to wait for a request that has waited out its turn (0: it goes now). A turn
        is taken at the spacing of its moment; a refusal that came while the request waited has
        lengthened the back-off since, and the request must keep to it: without this second look,
        requests queued behind a refusing site went out at the shorter spacing they were given."""
        if self.refusals(domain) == refusals_before:
            return 0.0
        state = self._source(source, domain)
        if state.stopped:
            raise SourceStopped(source, state.stopped)
        return self._backoff_wait(source, domain)

    def _backoff_wait(self, source: str, domain: str) -> float:
        """The domain's back-off part of :meth:`turn`: reserves the request's slot ``delay`` after
        the one before (a planned pause is counted by :meth:`_budget_wait`, once per request)."""
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

    def _budget_wait(self, domain: str, now: float) -> float:
        """Seconds a request to ``domain`` waits for its site's planned pause (0: none). The site is
        reported to refuse a few hundred requests in a short time and to take about 500 then a 10-minute
        pause (sites.yaml ``pause_after`` / ``pause``): after ``pause_after`` requests in a row, a pause.
        Requests in a row are those without a quiet gap of half a pause between them (a crawl's requests,
        ``finnews live``'s polls every 30 s); such a gap rests requests off in proportion, all of them in a
        whole pause. So runs every ten minutes of a few dozen requests each never wait out a pause of their own
        making (counted until a whole pause of quiet, one run in fifteen waited ten minutes, past its job's
        timeout; a live loop polling the same site meanwhile may still start one), while a crawl or a live
        loop pauses after 450 requests. A planned pause is our own politeness, never a
        reason to stop a source (unlike a refusal's back-off)."""
        budget = self.budgets.get(domain)
        if budget is None:
            return 0.0
        name, every, pause = budget
        state = self._budget_states.setdefault(name, BudgetState())
        send_at = max(now, state.paused_until)
        quiet = send_at - state.last_at if state.last_at is not None else 0.0
        if quiet >= pause / 2:
            state.sent = max(0.0, state.sent - quiet * every / pause)
        state.sent += 1
        state.last_at = max(state.last_at or send_at, send_at)
        if state.sent >= every:
            # This request is the last before a pause, which starts when it goes out.
            state.paused_until = send_at + pause
            self.stats.inc_value("finnews/blocking/planned_pauses")
            logger.info("%s: %d requests; then a pause of %g s (sites.yaml pause_after)", name, every, pause)
        return send_at - now

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
        for key in ANSWER_META_KEYS:
            again.meta.pop(key, None)
        again.meta[RETRIES_META] = tries + 1
        again.dont_filter = True
        self.stats.inc_value("finnews/blocking/retries")
        return again

    def summarise(self) -> None:
        """Sources that answered well and were not stopped (the run's outcome needs them)."""
        working = sorted(name for name, state in self.sources.items() if state.good and not state.stopped)
        self.stats.set_value("finnews/sources_ok", working)


class ListMemory:
    """Which lists had items on their first page, when last and how many, across crawls: a small JSON file
    (``key: "<ISO time> <count>"``; files written before counts were kept hold the time alone). An empty first
    page of a list that had items within ``keep_days`` is a blocked answer; a list empty for longer than that
    is taken as really empty (forgotten). A first page far shorter than it was is a list that lost its main
    part (:meth:`crawler.spiders.base.FinnewsSpider.first_page_shrunk`)."""

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
            return self.now() - datetime.fromisoformat(stamp.split(" ", 1)[0]) <= self.keep
        except (TypeError, ValueError):
            return False

    def had_items(self, key: str) -> bool:
        last = self.lists.get(key)
        return bool(last) and self._recent(last)

    def items_before(self, key: str) -> int | None:
        """How many items the list's first page had when last noted (within ``keep_days``), if known."""
        last = self.lists.get(key)
        if not last or not self._recent(last):
            return None
        count = last.split(" ", 1)[1] if " " in last else ""
        return int(count) if count.isdigit() else None

    def note_items(self, key: str, count: int | None = None) -> None:
        stamp = self.now().isoformat() if count is None else f"{self.now().isoformat()} {count}"
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


class PaceMemory:
    """What the next crawl must know of the sites this one met: each domain's back-off (blocked
    answers in a row, the spacing, the time before which nothing goes out) and each site's request
    budget (requests since its last pause, the end of a pause). Without it every crawl starts afresh:
    ``finnews live`` polls every 30 s, so the budget of sites.yaml never came due and a poll right
    after a captcha hit the site again at full speed, which the notes say earns an hour's ban
    (../shared/reference/sites.md, anti-crawling).

    A small JSON file in wall-clock time (the tracker counts in monotonic time, which does not carry
    across processes). Only the domains of ``configs/sites.yaml`` are kept: a local replica on some
    port starts afresh, as another replica may have that port next. Two crawls at once each write
    what they saw last, domain by domain (the budget count is then each one's own: an undercount)."""

    def __init__(self, path: Path, domains: set[str], wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self.domains = domains
        self.wall = wall

    def _read(self) -> dict[str, dict[str, dict[str, float]]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {part: dict(data[part]) for part in ("domains", "budgets") if isinstance(data.get(part), dict)}

    def restore(self, tracker: BlockTracker) -> None:
        """Give ``tracker`` the state the last crawls left (what has run out meanwhile is left out)."""
        data = self._read()
        to_clock = tracker.clock() - self.wall()
        for domain, saved in data.get("domains", {}).items():
            with contextlib.suppress(TypeError, ValueError, KeyError):
                state = DomainState(int(saved["streak"]), float(saved["delay"]), float(saved["next_at"]) + to_clock)
                if domain in self.domains and (state.streak or state.next_at > tracker.clock()):
                    tracker.domains[domain] = state
        sites = {site for site, _every, _pause in tracker.budgets.values()}
        for site, saved in data.get("budgets", {}).items():
            with contextlib.suppress(TypeError, ValueError, KeyError):
                if site in sites:
                    last = saved.get("last_at")
                    tracker._budget_states[site] = BudgetState(
                        float(saved["sent"]),
                        float(saved["paused_until"]) + to_clock,
                        float(last) + to_clock if last is not None else None,
                    )

    def save(self, tracker: BlockTracker) -> None:
        """Write the tracker's state of the known domains and budgets, keeping what other crawls
        wrote of the others; drop what no longer matters (no streak, no wait, no recent request)."""
        now_clock, now_wall = tracker.clock(), self.wall()
        to_wall = now_wall - now_clock
        data = self._read()
        domains = {
            domain: {"streak": state.streak, "delay": state.delay, "next_at": state.next_at + to_wall}
            for domain, state in tracker.domains.items()
            if domain in self.domains
        }
        merged_domains = {**data.get("domains", {}), **domains}
        merged_domains = {
            domain: saved
            for domain, saved in merged_domains.items()
            if saved.get("streak") or float(saved.get("next_at") or 0) > now_wall
        }
        longest_pause = max((pause for _site, _every, pause in tracker.budgets.values()), default=0.0)
        budgets = {
            site: {
                "sent": state.sent,
                "paused_until": state.paused_until + to_wall,
                "last_at": state.last_at + to_wall if state.last_at is not None else None,
            }
            for site, state in tracker._budget_states.items()
        }
        merged_budgets = {
            site: saved
            for site, saved in {**data.get("budgets", {}), **budgets}.items()
            if float(saved.get("paused_until") or 0) > now_wall
            or float(saved.get("last_at") or 0) > now_wall - longest_pause
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        text = json.dumps({"domains": merged_domains, "budgets": merged_budgets}, indent=0, sort_keys=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)
