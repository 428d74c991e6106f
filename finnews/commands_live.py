"""``finnews live [SOURCE…]``: poll the fast lists (configs/live.yaml), index each new article at once,
and push the watchlists' matches to their channels (configs/watchlists.yaml, configs/alerts.yaml).
The loop is :func:`crawler.live.run_live`; matching and delivery are :mod:`alerts.push`, run after
every poll and every few seconds between polls (retries fall due)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import exit_codes
from core.config import parse_duration
from core.masking import mask_credentials
from finnews.output import write_stats_json

if TYPE_CHECKING:
    from store.watchlists import Watchlist

logger = logging.getLogger(__name__)

PUSH_REQUEST_TIMEOUT_S = 15


class PushStep:
    """What runs between polls: refresh, match what was indexed since the cursor, deliver what is due,
    with the watchlists of configs/watchlists.yaml as it is now (read again when it changes). A node or
    a channel that fails is logged and tried again at the next step; the loop goes on."""

    def __init__(self) -> None:
        from alerts.config import load_alerts
        from alerts.push import LiveWatchlists, PushCounts, start_news
        from store.client import connect, node_clock
        from store.lifecycle import current_alias
        from store.outbox import Outbox

        self.alerts = load_alerts()
        self.loaded = LiveWatchlists(self.alerts)
        # Bounded calls: a stop waits for the pass under way, which must not hang on a slow node.
        self.es = connect().options(request_timeout=PUSH_REQUEST_TIMEOUT_S)
        self.alias = current_alias()
        self.outbox = Outbox()
        # News starts when live first starts, before any poll (alerts.push.start_news): what the first polls of
        # every source find was published before, the archive, and is never pushed. On the node's clock, which the
        # writers stamp with and the push reads by; this host's when the node is down (review of day 20).
        start_news(self.outbox, node_clock(self.es).now().timestamp())
        self.totals = PushCounts()
        self.match_failures = 0

    @property
    def watchlists(self) -> dict[str, Watchlist]:
        return self.loaded.current

    def __call__(self) -> None:
        from alerts.push import deliver_due, match_new
        from store.client import ES_FAILURES, StoreError

        self.loaded.refresh()
        try:
            self.es.indices.refresh(index=self.alias)  # what the poll wrote is matched now, not in a second
            self.totals.matched += match_new(self.es, self.outbox, self.watchlists, self.alias)
        except (StoreError, *ES_FAILURES) as error:
            self.match_failures += 1
            logger.error("finnews live: matching waits for the node: %s", mask_credentials(str(error)))
        except Exception:  # a bad record, a locked outbox: logged; polling and indexing go on
            self.match_failures += 1
            logger.exception("finnews live: matching failed; tried again at the next pass")
        try:
            counts = deliver_due(self.outbox, self.watchlists, self.alerts)
        except Exception:  # a credentials file made unreadable meanwhile …: logged, tried again
            logger.exception("finnews live: delivery failed; tried again at the next pass")
            return
        self.totals.sent += counts.sent
        self.totals.failed += counts.failed
        self.totals.dead += counts.dead
        self.totals.limited = counts.limited

    def stats(self) -> dict[str, int]:
        waiting = self.outbox.counts()
        return {
            "finnews/push/matched": self.totals.matched,
            "finnews/push/sent": self.totals.sent,
            "finnews/push/failed_attempts": self.totals.failed,
            "finnews/push/dead": self.totals.dead,
            "finnews/push/pending": waiting["pending"],
            "finnews/push/match_failures": self.match_failures,
        }


class SpoolReplay:
    """Before each poll, what earlier polls spooled (the node was down) goes in first: this process's
    own closed spool files too, never the one a poll is writing. While articles wait in the spool the
    log says so (when their number changes), and the summary at the end."""

    def __init__(self) -> None:
        self.waiting = 0

    def __call__(self) -> dict[str, int]:
        from crawler.run import replay_before_crawl
        from scheduler.stats import REPLAY_PREFIX
        from store.lifecycle import current_alias
        from store.spool import waiting_articles

        replayed = replay_before_crawl(own_closed=True, command="live")
        waiting = waiting_articles(index=current_alias())
        if waiting and waiting != self.waiting:
            logger.warning(
                "finnews live: %d article(s) wait in the spool (the node did not take them); they are "
                "replayed before each poll until it does",
                waiting,
            )
        elif self.waiting and not waiting:
            logger.warning("finnews live: the spool is replayed; no article waits in it")
        self.waiting = waiting
        return {f"{REPLAY_PREFIX}{key}": value for key, value in replayed.items()}


def live_summary(polls: int, failed: int, stats: dict[str, Any], spooled: int = 0) -> str:
    from finnews.commands_crawl import crawl_summary

    pushed = (
        f"pushed: {stats.get('finnews/push/sent', 0)} delivered, {stats.get('finnews/push/pending', 0)} waiting, "
        f"{stats.get('finnews/push/dead', 0)} dead letter(s), {stats.get('finnews/push/failed_attempts', 0)} failed "
        "attempt(s)"
    )
    lines = [f"polls: {polls} ({failed} did not finish)", crawl_summary(stats), pushed]
    if spooled:
        lines.append(
            f"SPOOL: {spooled} article(s) wait in the spool, neither searchable nor pushed yet: the next poll "
            "or run replays them once the node answers (`finnews spool replay` at once)"
        )
    return "\n".join(lines)


def cmd_live(args: argparse.Namespace) -> int:
    from crawler.live import choose_sources, load_live, run_live
    from finnews.commands_crawl import _pairs, crawl_exit_code

    sources = choose_sources(load_live(), args.sources)
    duration = parse_duration(args.duration, "--for") if args.duration else None
    overrides: dict[str, Any] = {} if args.verbose else {"LOG_LEVEL": "WARNING"}
    overrides.update(_pairs(args.set, "-s"))
    push = PushStep()
    names = ", ".join(f"{s.name} every {s.interval_s:g} s" for s in sources)
    pushing = [w.name for w in push.watchlists.values() if w.channels]
    print(f"Live: {names}; pushing {', '.join(pushing) or 'no watchlist'}. Ctrl-C stops.", flush=True)
    try:
        totals = run_live(sources, overrides, after_poll=push, duration_s=duration, before_poll=SpoolReplay())
        push()  # the last poll's matches and what fell due meanwhile
    finally:
        stats = push.stats()
        push.outbox.close()
    totals.stats.update(stats)
    totals.stats.setdefault("finish_reason", "finished")
    from store.lifecycle import current_alias
    from store.spool import waiting_articles

    print(
        live_summary(totals.polls, totals.failed_polls, totals.stats, waiting_articles(index=current_alias())),
        flush=True,
    )
    if args.stats_json:
        write_stats_json(Path(args.stats_json), totals.stats)
    if totals.crashed:
        print(f"FAILED: the live loop stopped: {mask_credentials(totals.crashed)}", file=sys.stderr)
        return exit_codes.FAILED
    if totals.interrupted:
        return exit_codes.INTERRUPTED  # what was ready is written; the same command carries on
    if totals.failed_polls and totals.failed_polls == totals.polls:
        return exit_codes.FAILED
    return crawl_exit_code(totals.stats, "live")


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews live``."""
    live = subparsers.add_parser(
        "live",
        help="poll the fast lists, index new articles at once, push watchlist matches",
        description="Poll the sources of configs/live.yaml (all, or those named), index each new article at once, "
        "and push what matches a watchlist (configs/watchlists.yaml) to its channels. Resumes where it was.",
    )
    live.add_argument("sources", nargs="*", help="live sources of configs/live.yaml (default: all)")
    live.add_argument("--for", dest="duration", metavar="DURATION", help="stop after this long (90, 30m, 6h)")
    live.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    live.add_argument("--stats-json", metavar="FILE", help="also write the polls' summed stats to FILE as JSON")
    live.add_argument("-v", "--verbose", action="store_true", help="Scrapy's own log (INFO)")
    live.set_defaults(func=cmd_live)
