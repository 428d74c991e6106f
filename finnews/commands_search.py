"""``finnews search``, ``stats`` and ``export``: the filters of :data:`api.records.FILTER_FIELDS`
as options, a search hit as :func:`api.records.hit_record` shapes it for ``--json``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.records import FILTER_FIELDS, hit_record
from finnews.errors import UserError
from store.search import Filters, Hit


def format_hit(hit: Hit, color: bool) -> str:
    from store.search import mark

    source = hit.source
    pre, post = ("\033[1;31m", "\033[0m") if color else ("【", "】")
    title = source.get("title") or "(no title)"
    published = (source.get("published_at") or "")[:16].replace("T", " ")
    boards = ", ".join(f"{b['name']}({b['code']})" for b in source.get("boards", [])) or "-"
    stocks = ", ".join(f"{s['name']}({s['secid']})" for s in source.get("stocks", [])) or "-"
    topics = ", ".join(t["name"] for t in source.get("topics", [])) or "-"
    return "\n".join(
        [
            f"{title}",
            f"  {published}  {source.get('media') or '-'}  {source.get('url')}",
            f"  boards: {boards}",
            f"  stocks: {stocks}   topics: {topics}",
            f"  … {mark(hit.snippet, pre, post)} …",
        ]
    )


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(**{field.name: getattr(args, field.name) for field in FILTER_FIELDS})


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters search, stats and export share (the API's query parameters, with examples)."""
    for field in FILTER_FIELDS:
        if field.date:
            parser.add_argument(f"--{field.key}", dest=field.name, help=field.cli_help, metavar="DATE")
        else:  # repeated: any of the values (--stock 宁德时代 --stock 比亚迪)
            parser.add_argument(
                f"--{field.key}", dest=field.name, action="append", help=field.cli_help + " (repeat: any of them)"
            )


def cmd_search(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.lifecycle import make_searchable
    from store.search import search

    es = connect()
    make_searchable(es)
    result = search(
        es,
        args.query,
        filters_from(args),
        page=args.page,
        size=args.size,
        sort=args.sort,
        collapse_duplicates=args.collapse_duplicates,
    )
    if args.json:
        for hit in result.hits:
            print(json.dumps(hit_record(hit), ensure_ascii=False))  # the API's SearchHit, one per line
        return 0
    page = f" (page {args.page})" if args.page > 1 else ""
    if args.collapse_duplicates and result.articles not in (None, result.total):
        print(f"{result.total} stories ({result.articles} articles with reposts) for {args.query!r}{page}")
    else:
        print(f"{result.total} article(s) for {args.query!r}{page}")
    color = sys.stdout.isatty()
    for hit in result.hits:
        print()
        print(format_hit(hit, color))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from finnews.render import format_table, plot
    from store.client import connect
    from store.lifecycle import make_searchable
    from store.search import check_stock_filter
    from store.stats import trend

    es, filters = connect(), filters_from(args)
    make_searchable(es)
    check_stock_filter(es, filters)  # an unknown stock is an error, as an unknown board is
    result = trend(es, args.by, args.interval, filters, top=args.top, text=args.query)
    words = f" for {args.query!r}" if args.query.strip() else ""
    span = f", published {result.first[:10]} to {result.last[:10]}" if result.first and result.last else ""
    undated = f", {result.undated} without a date" if result.undated else ""
    print(f"{result.articles} article(s){words}{span}{undated}, by {args.by} per {result.interval}")
    print(format_table(result))
    if args.plot:
        if not result.series:
            raise UserError("nothing to plot: no article matches")
        print(f"Chart written to {plot(result, Path(args.plot)).resolve()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.export import export, export_format
    from store.lifecycle import make_searchable
    from store.search import build_query, check_stock_filter

    output = Path(args.output)
    fmt = export_format(output, args.format)  # before connecting: a wrong name is said at once
    if args.excel and fmt != "csv":
        raise UserError(f"--excel is for CSV files; {output.name} is written as {fmt}")
    es, filters = connect(), filters_from(args)
    make_searchable(es)
    query = build_query(args.query, filters)  # the same query as `finnews search` for the same words and filters
    check_stock_filter(es, filters)
    count = export(es, output, fmt, query, progress=not args.quiet, excel=args.excel)
    print(f"Exported {count} article(s) as {fmt} to {output.resolve()}")
    return 0
