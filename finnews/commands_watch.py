"""``finnews watch NAME|QUERY``: new matching articles printed as they are indexed, like ``tail -f``. A
watchlist of configs/watchlists.yaml by name, or any query of the search language (with the search
filters). It polls the index: the articles indexed since the last look that match."""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import Any

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
    from finnews.commands_search import filters_from
    from store.client import connect
    from store.feeds import articles_since, newest_articles
    from store.lifecycle import current_alias, make_searchable
    from store.search import build_query
    from store.watchlists import load_watchlists

    if args.interval < MIN_INTERVAL_S:
        raise UserError(f"--interval must be at least {MIN_INTERVAL_S:.0f} s")
    watchlist = load_watchlists().get(args.target)
    query = watchlist.search_query() if watchlist else build_query(args.target, filters_from(args))
    what = f"watchlist {watchlist.name} ({watchlist.title})" if watchlist else repr(args.target)
    es = connect()
    make_searchable(es)
    alias = current_alias()
    seen: set[str] = set()
    first = newest_articles(es, query, alias, size=args.last)
    print(f"Watching {what}; Ctrl-C stops.", flush=True)
    for article in reversed(first):
        print(watch_line(article), flush=True)
    seen.update(str(a.get("id")) for a in first)
    since = max((str(a.get("crawled_at") or "") for a in first), default="")
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(args.interval)
            fresh = articles_since(es, query, alias, since)  # every one, however many came since the last look
            for article in fresh:  # oldest first, as they came
                if str(article.get("id")) not in seen:
                    seen.add(str(article.get("id")))
                    print(watch_line(article), flush=True)
            since = max([since, *(str(a.get("crawled_at") or "") for a in fresh)])
    return 0


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
    watch.add_argument("--last", type=int, default=5, help="articles shown when it starts (default 5)")
    add_filter_options(watch)
    watch.set_defaults(func=cmd_watch)
