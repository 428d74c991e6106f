"""``finnews live``: the fast lists polled without pause, in one process and one Twisted reactor, each
source on its own timer.

Each poll of a source (``configs/live.yaml``) is a crawl like any other (:class:`scrapy.crawler.
CrawlerRunner`, the project's settings): the same seen-article store, so a poll fetches only the new
articles and a restarted process resumes where it was; the same blocking rules, back-off and
layout-drift checks; the same index pipeline. Each source's polls run on their own timer, beside the
others', so a slow or hanging source delays only itself. After each poll, and every
:data:`IDLE_TICK_S` between, ``after_poll`` runs (in a thread, so the reactor stays free; one pass at
a time): the command line wires the watchlists' matching and delivery in there, which keeps this
module ignorant of alerts (the layers point down).

Politeness: a source is polled at most every :data:`MIN_INTERVAL_S` seconds, unless every address it
would poll is on this machine (a replica), which may be polled every :data:`MIN_LOOPBACK_INTERVAL_S`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import platform
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from core.config import (
    ConfigError,
    check_keys,
    config_dir,
    expect_list,
    expect_mapping,
    load_yaml,
    parse_duration,
)
from core.urls import url_list

logger = logging.getLogger(__name__)

LIVE_FILE = "live.yaml"
SOURCE_KEYS = ("name", "spider", "args", "interval")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MIN_INTERVAL_S = 10.0
MIN_LOOPBACK_INTERVAL_S = 1.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# How often the loop wakes between polls to run ``after_poll`` (deliveries waiting for a retry).
IDLE_TICK_S = 5.0
# How long a stop (SIGINT, SIGTERM) waits for the poll under way to finish its writes.
STOP_GRACE_S = 30.0
# glibc's malloc gives the threads that allocate arenas of their own (up to 8 per core); in a process
# that polls for days, the thread pools' arenas (indexing, pushing) fragment and resident memory
# creeps up (23 MiB over 240 polls of a replica) while Python's objects stay flat; two arenas: 7 MiB,
# levelling off (docs/live.md, Measured). An operator's MALLOC_ARENA_MAX stands.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)
# Settings of each spider that hold the addresses it polls (Scrapy settings names).
# Eastmoney's list sources (-a sources=…, else EASTMONEY_SOURCES) each read one endpoint, and its
# article pages another.
EASTMONEY_ENDPOINTS = {"columns": "EASTMONEY_LIST_API", "fast": "EASTMONEY_FAST_API", "pages": "EASTMONEY_LIST_PAGES"}
ENDPOINT_SETTINGS = {"chinaorg": ("CHINAORG_START_URLS",)}


@dataclass(frozen=True)
class LiveSource:
    name: str
    spider: str
    interval_s: float
    args: dict[str, str] = field(default_factory=dict)


def parse_live(data: Any, path: str) -> dict[str, LiveSource]:
    """The sources of a parsed ``live.yaml``, checked: names unique, keys known, intervals durations."""
    expect_mapping(data or {}, path)
    check_keys(path, data or {}, ("sources",))
    found: dict[str, LiveSource] = {}
    for index, entry in enumerate(expect_list((data or {}).get("sources") or [], f"{path}: sources")):
        where = f"{path}: sources[{index}]"
        expect_mapping(entry, where)
        check_keys(path, entry, SOURCE_KEYS, f"sources[{index}]")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ConfigError(f"{where}.name: expected lower-case letters, digits and -, got {name!r}")
        if name in found:
            raise ConfigError(f"{where}.name: {name!r} is used twice")
        spider = entry.get("spider")
        if not isinstance(spider, str) or not spider:
            raise ConfigError(f"{where}.spider: missing (the spider that reads this source)")
        if "interval" not in entry:
            raise ConfigError(f"{where}.interval: missing (time between polls, e.g. 30s)")
        interval = parse_duration(entry["interval"], f"{where}.interval")
        args = expect_mapping(entry.get("args") or {}, f"{where}.args")
        found[name] = LiveSource(name, spider, interval, {str(k): str(v) for k, v in args.items()})
    return found


def load_live() -> dict[str, LiveSource]:
    """``configs/live.yaml`` (no sources when the file is absent)."""
    path = config_dir() / LIVE_FILE
    if not path.exists():
        return {}
    return parse_live(load_yaml(LIVE_FILE), str(path))


def choose_sources(known: dict[str, LiveSource], names: list[str]) -> list[LiveSource]:
    """The sources named (all when none is), or a ConfigError naming the unknown one."""
    if not known:
        raise ConfigError(f"{config_dir() / LIVE_FILE}: no live sources configured")
    for name in names:
        if name not in known:
            raise ConfigError(f"no live source named {name!r} (known: {', '.join(known)})")
    return [known[name] for name in names] if names else list(known.values())


def endpoints(source: LiveSource, settings: Any) -> list[str]:
    """The addresses a poll of ``source`` reads: its spider's endpoint settings, or for the feed
    spider the feeds of configs/sites.yaml (the one named by ``-a feeds=…`` when given)."""
    if source.spider == "feed":
        from crawler.sites import load_sites

        chosen = {n.strip() for n in source.args.get("feeds", "").split(",") if n.strip()}
        return [f.url for f in load_sites().feeds if not chosen or f.name in chosen]
    names = list(ENDPOINT_SETTINGS.get(source.spider, ()))
    if source.spider == "eastmoney":
        chosen = source.args.get("sources") or ",".join(settings.getlist("EASTMONEY_SOURCES"))
        names = [EASTMONEY_ENDPOINTS[n.strip()] for n in chosen.split(",") if n.strip() in EASTMONEY_ENDPOINTS]
        names.append("EASTMONEY_ARTICLE_URL")
    urls: list[str] = []
    for name in names:
        urls += url_list(settings.get(name))
    return urls


def polite_interval(source: LiveSource, settings: Any) -> float:
    """The smallest interval ``source`` may be polled at: loopback-only addresses (a replica) may be
    polled every second; anything else no more often than every :data:`MIN_INTERVAL_S`."""
    hosts = {urlsplit(url.replace("{code}", "x")).hostname for url in endpoints(source, settings)}
    if hosts and hosts <= set(LOOPBACK_HOSTS):
        return MIN_LOOPBACK_INTERVAL_S
    return MIN_INTERVAL_S


def check_intervals(sources: list[LiveSource], settings: Any) -> None:
    for source in sources:
        floor = polite_interval(source, settings)
        if source.interval_s < floor:
            raise ConfigError(
                f"live source {source.name}: interval {source.interval_s:g} s is under the polite minimum of "
                f"{floor:g} s for the addresses it polls"
            )


@dataclass
class LiveTotals:
    polls: int = 0
    failed_polls: int = 0  # polls whose crawl did not finish
    crashed: str = ""  # why the loop itself stopped (an exception), else empty
    interrupted: bool = False  # stopped by SIGINT/SIGTERM (the last poll may have been cut short)
    stats: dict[str, Any] = field(default_factory=dict)  # the polls' stats, numbers summed


def add_stats(total: dict[str, Any], stats: dict[str, Any]) -> None:
    """Numbers summed over polls; anything else (finish reason, times) the latest poll's."""
    for key, value in stats.items():
        known = total.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A key a poll left empty (None) and the next one counted starts from that count.
            summable = isinstance(known, int | float) and not isinstance(known, bool)
            total[key] = (known if summable else 0) + value
        else:
            total[key] = value


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (before the threads start); whether it was done (not on another C
    library, nor when MALLOC_ARENA_MAX is set)."""
    if os.environ.get("MALLOC_ARENA_MAX") or platform.libc_ver()[0] != "glibc":
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def run_live(
    sources: list[LiveSource],
    settings_overrides: dict[str, Any],
    after_poll: Callable[[], None] | None = None,
    duration_s: float | None = None,
    before_poll: Callable[[], dict[str, Any] | None] | None = None,
) -> LiveTotals:
    """Poll ``sources`` until ``duration_s`` has passed (for ever when None) or the process is told to
    stop (SIGINT/SIGTERM: the poll under way finishes its writes). Returns the polls' summed stats
    (with the stats ``before_poll`` returns, e.g. what replaying the spool did)."""
    from scrapy.crawler import CrawlerRunner
    from scrapy.utils.log import configure_logging
    from scrapy.utils.reactor import install_reactor

    from crawler.run import check_spider, project_settings
    from crawler.state import release_crawl_state

    limit_malloc_arenas()
    settings = project_settings(settings_overrides)
    install_reactor(settings["TWISTED_REACTOR"])  # before twisted.internet.reactor is first imported
    from twisted.internet import defer, error, reactor, task, threads

    configure_logging(settings)
    runner = CrawlerRunner(settings)
    for source in sources:
        check_spider(runner, source.spider)
    check_intervals(sources, settings)
    totals = LiveTotals()
    started = time.monotonic()
    stopping: list[bool] = []
    # after_poll (matching, delivering: one outbox, one cursor) runs one pass at a time, whichever
    # source's poll or the idle tick asks for it.
    serial = defer.DeferredLock()

    def stop() -> defer.Deferred:
        if stopping:
            return defer.succeed(None)
        stopping.append(True)
        return runner.stop()

    def over() -> bool:
        return bool(stopping) or (duration_s is not None and time.monotonic() - started >= duration_s)

    def nap(seconds: float) -> defer.Deferred:
        """Sleep, at most IDLE_TICK_S and not past ``duration_s`` (a stop is seen within a tick)."""
        if duration_s is not None:
            seconds = min(seconds, duration_s - (time.monotonic() - started))
        return task.deferLater(reactor, max(0.0, min(seconds, IDLE_TICK_S)), lambda: None)

    def pass_after_poll() -> defer.Deferred:
        if after_poll is None:
            return defer.succeed(None)
        return serial.run(threads.deferToThread, after_poll)

    @defer.inlineCallbacks
    def poll_source(source: LiveSource) -> Any:
        """One source on its own timer: a slow or hanging poll of another source (a feed that does
        not answer, a back-off, a request-budget pause) delays only itself."""
        due = started
        while not over():
            if due > time.monotonic():
                yield nap(due - time.monotonic())
                continue
            due = time.monotonic() + source.interval_s
            if before_poll is not None:
                add_stats(totals.stats, (yield threads.deferToThread(before_poll)) or {})
            crawler = runner.create_crawler(source.spider)
            try:
                yield runner.crawl(crawler, **source.args)
            finally:
                release_crawl_state(crawler)  # else every poll's crawler is kept (issue 24)
            stats = dict(crawler.stats.get_stats())
            totals.polls += 1
            if stats.get("finish_reason") != "finished":
                totals.failed_polls += 1
            add_stats(totals.stats, stats)
            yield pass_after_poll()

    @defer.inlineCallbacks
    def idle_passes() -> Any:
        while not over():
            yield nap(IDLE_TICK_S)
            # Retries fall due between polls too; the first pass follows a poll, as it always did.
            if not over() and totals.polls:
                yield pass_after_poll()

    @defer.inlineCallbacks
    def loop() -> Any:
        try:
            yield defer.DeferredList(
                [poll_source(source) for source in sources] + [idle_passes()], fireOnOneErrback=True, consumeErrors=True
            )
        except defer.FirstError as first:  # a source's loop raised: the whole loop stops, as it always did
            error = first.subFailure.value
            logger.error("finnews live stopped: %s", first.subFailure.getTraceback())
            totals.crashed = f"{type(error).__name__}: {error}"
        except Exception as error:
            logger.exception("finnews live stopped")
            totals.crashed = f"{type(error).__name__}: {error}"
        finally:
            stop_reactor()

    signals_seen: list[int] = []

    def on_signal(number: int, frame: Any) -> None:
        # The first SIGINT/SIGTERM: the poll under way stops and writes what it has, then the reactor
        # stops; if that takes longer than STOP_GRACE_S, it stops anyway. A second one: at once.
        signals_seen.append(number)
        totals.interrupted = True
        if len(signals_seen) == 1:
            reactor.callFromThread(graceful_stop)
        else:
            reactor.callFromThread(stop_reactor)

    def graceful_stop() -> None:
        logger.warning("finnews live: stopping (the poll under way finishes its writes)")
        reactor.callLater(STOP_GRACE_S, stop_reactor)
        stop().addBoth(lambda _: stop_reactor())

    def stop_reactor() -> None:
        with contextlib.suppress(error.ReactorNotRunning):
            reactor.stop()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, on_signal)
    reactor.addSystemEventTrigger("before", "shutdown", stop)
    reactor.callWhenRunning(loop)
    reactor.run(installSignalHandlers=False)
    return totals
