"""``finnews watch NAME|QUERY``: new matching articles printed as they are indexed, like ``tail -f``. A
watchlist of configs/watchlists.yaml by name, or any query of the search language (with the search
filters). It polls the index: the articles indexed since the last look that match."""

from __future__ import annotations

import argparse
import contextlib
import time
from datetime import datetime, timedelta
from typing import Any

from core.dates import SHANGHAI
from finnews.errors import UserError

MIN_INTERVAL_S = 1.0


def watch_line(article: dict[str, Any]) -> str:
    """One article on one line: time, outlet, title, stocks, link."""
    when = str(article.get("published_at") or article.get("crawled_at") or "")[:16].replace("T", " ")
    stocks = ",".join(s.get("name", "") for s in article.get("stocks") or [])
    parts = [when or "—", article.get("media") or "", article.get("title") or "（无标题）"]
    if stocks:
        parts.append(f"[{stocks}]")
    parts.append(article.get("url") or "")
    return "  ".join(part for part in parts if part)


def cmd_watch(args: argparse.Namespace) -> int:
    from alerts.push import OVERLAP_S, exact_time
    from finnews.commands_search import filters_from
    from store.client import connect
    from store.feeds import articles_since, newest_articles
    from store.lifecycle import current_alias, make_searchable
    from store.search import build_query, check_stock_filter
    from store.watchlists import load_watchlists

    if args.interval < MIN_INTERVAL_S:
        raise UserError(f"--interval must be at least {MIN_INTERVAL_S:.0f} s")
    watchlist = load_watchlists().get(args.target)
    query = watchlist.search_query() if watchlist else build_query(args.target, filters_from(args))
    what = f"watchlist {watchlist.name} ({watchlist.title})" if watchlist else repr(args.target)
    es = connect()
    make_searchable(es)
    if not watchlist:
        check_stock_filter(es, filters_from(args))  # a mistyped stock never matches: said, not watched for ever
    alias = current_alias()
    # New is what the index gains from now on, by when it was indexed (a reloaded export or a spool
    # replayed late keeps an older crawled_at: hunt of day 18). Each look goes OVERLAP_S back, as a
    # push pass does, for articles made searchable late; what was there when the watch began is not new.
    # "Now" is the index's newest stamp, on the writers' clocks: a watcher whose own clock ran ahead
    # missed what came in its first minutes (review of day 18).
    look_back = timedelta(seconds=OVERLAP_S)
    latest = newest_articles(es, {"match_all": {}}, alias, size=1)
    # (never past this clock's now: one stamp from a writer's clock ahead held every later article back)
    newest_stamp = exact_time(str(latest[0].get("indexed_at") or "")) if latest else None
    since = min(newest_stamp or datetime.now(SHANGHAI), datetime.now(SHANGHAI))

    def window() -> datetime:
        """The look-back's start, to the millisecond the node keeps stamps to (a finer bound was matched
        by the article just below it, pruned here, and printed twice: review of day 18)."""
        start = since - look_back
        return start.replace(microsecond=start.microsecond // 1000 * 1000)

    first = newest_articles(es, query, alias, size=args.last) if args.last else []
    shown = {str(a.get("id")): since for a in articles_since(es, query, alias, window().isoformat())}
    print(f"Watching {what}; Ctrl-C stops.", flush=True)
    for article in reversed(first):
        print(watch_line(article), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(args.interval)
            fresh = articles_since(es, query, alias, window().isoformat())  # every one since then
            for article in fresh:  # oldest first, as they came
                if str(article.get("id")) not in shown:
                    print(watch_line(article), flush=True)
                shown[str(article.get("id"))] = exact_time(str(article.get("indexed_at") or "")) or since
            newest = max(shown.values(), default=since)
            # Forward only, and not past this clock's now for a stamp from a writer's clock ahead.
            since = max(since, min(newest, datetime.now(SHANGHAI)))
            shown = {key: moment for key, moment in shown.items() if moment >= window()}
    return 0


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is below 0")
    return value


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews watch``."""
    from finnews.commands_search import add_filter_options

    watch = subparsers.add_parser(
        "watch",
        help="print new articles of a watchlist or a query as they are indexed (like tail -f)",
        description="Print new matching articles as they are indexed: a watchlist of configs/watchlists.yaml by "
        "name, or a query of the search language with the search filters.",
    )
    watch.add_argument("target", help='a watchlist\'s name, or words to look for (OR, NOT, -word, "phrase")')
    watch.add_argument("--interval", type=float, default=5.0, help="seconds between looks (default 5)")
    watch.add_argument(
        "--last", type=_not_negative, default=5, help="articles shown when it starts (default 5; 0: none)"
    )
    add_filter_options(watch)
    watch.set_defaults(func=cmd_watch)
