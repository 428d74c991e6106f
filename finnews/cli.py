"""The ``finnews`` command: the parser and the dispatch to the ``finnews.commands_*`` modules, each a
thin layer over importable functions (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator

from core.config import ConfigError
from core.masking import install_log_masking, mask_credentials
from finnews.errors import UserError


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that clean and tag (default: one per core for inputs of 2 MB or more, else 1; "
        "1 = this process alone; FINNEWS_WORKERS sets the default)",
    )


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: ``lean_export`` must be in force before the Elasticsearch
    # client (which imports pyarrow when it can) is loaded by any of them.
    from finnews import (
        commands_alerts,
        commands_live,
        commands_replica,
        commands_schedule,
        commands_serve,
        commands_sites,
        commands_watch,
    )
    from finnews.commands_admin import cmd_es, cmd_index, cmd_spool, cmd_taxonomy
    from finnews.commands_crawl import cmd_crawl, cmd_demo
    from finnews.commands_ingest import cmd_extract, cmd_ingest
    from finnews.commands_search import add_filter_options, cmd_export, cmd_search, cmd_stats

    parser = argparse.ArgumentParser(prog="finnews", description="Finance-news crawler, tagger and search.")
    sub = parser.add_subparsers(dest="command", required=True)

    es = sub.add_parser("es", help="manage the local Elasticsearch node")
    es.add_argument("action", choices=["start", "stop", "status"])
    es.set_defaults(func=cmd_es)

    crawl = sub.add_parser("crawl", help="run a spider (clean → tag → index)")
    crawl.add_argument("spider")
    crawl.add_argument(
        "-a", "--arg", action="append", metavar="NAME=VALUE", help="spider argument (e.g. since=2026-01-01)"
    )
    crawl.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    crawl.add_argument("--stats-json", metavar="FILE", help="also write the crawl's final stats to FILE as JSON")
    crawl.add_argument(
        "-v", "--verbose", action="store_true", help="Scrapy's own log (INFO) besides warnings, errors and the summary"
    )
    crawl.add_argument(
        "--distributed",
        action="store_true",
        help="share the crawl with other workers through Redis (FINNEWS_REDIS_URL)",
    )
    crawl.set_defaults(func=cmd_crawl)

    search = sub.add_parser("search", help="search indexed articles")
    search.add_argument("query", help="words to look for (empty string: every article matching the filters)")
    add_filter_options(search)
    search.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--size", type=int, default=10)
    search.add_argument("--collapse-duplicates", action="store_true", help="one hit per syndicated story")
    search.add_argument("--json", action="store_true", help="print JSON Lines")
    search.set_defaults(func=cmd_search)

    stats = sub.add_parser("stats", help="article counts over time, and what co-occurs")
    stats.add_argument(
        "query", nargs="?", default="", help="words the articles must match, as search matches them (default: all)"
    )
    stats.add_argument("--by", choices=["topic", "board", "stock", "media"], default="topic")
    stats.add_argument(
        "--interval",
        choices=["auto", "day", "week", "month", "year"],
        default="auto",
        help="period of a row (default auto: the finest that keeps the range of the data to about 60 rows)",
    )
    stats.add_argument("--top", type=int, default=8, help="how many values to follow (default 8)")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the trend to a PNG file")
    add_filter_options(stats)
    stats.set_defaults(func=cmd_stats)

    export = sub.add_parser("export", help="export tagged articles")
    export.add_argument("-o", "--output", required=True, help="output file (.jsonl, .csv or .parquet)")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], help="default: from the file suffix")
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: a byte-order mark (Chinese text) and ' before a cell that would start a formula",
    )
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    export.add_argument(
        "-q", "--query", default="", metavar="QUERY", help="words the articles must match, as search matches them"
    )
    add_filter_options(export)
    export.set_defaults(func=cmd_export)

    extract = sub.add_parser("extract", help="clean and tag files (JSON Lines on stdout)")
    extract.add_argument("paths", nargs="+")
    reading = extract.add_mutually_exclusive_group()
    reading.add_argument("--plain", action="store_true", help="ignore markup: tag from the visible text only")
    reading.add_argument(
        "--markup-only",
        action="store_true",
        help="tag pages with ticker markup from the markup alone (faster; misses what the markup leaves unmarked)",
    )
    add_workers_option(extract)
    extract.set_defaults(func=cmd_extract)

    ingest = sub.add_parser(
        "ingest", help="import an archive (Jekyll posts, saved pages, text, JSON Lines, CSV and JSON tables)"
    )
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--batch-size", type=int, default=500, help="articles per bulk request (default 500)")
    ingest.add_argument("--stats-json", metavar="FILE", help="also write the load's counts to FILE as JSON")
    ingest.add_argument(
        "--map",
        metavar="FIELD=COLUMN,…",
        help="which column of a CSV or JSON table holds which field (title, text, published_at, media, url, "
        "author, keywords); AKShare's column names (新闻标题, 新闻内容, 发布时间, 文章来源, 新闻链接) and "
        "common English ones are recognised without it",
    )
    add_workers_option(ingest)
    ingest.set_defaults(func=cmd_ingest)

    index = sub.add_parser("index", help="the article index: status, or migrate to the mapping in configs/")
    index.add_argument("action", choices=["status", "migrate"])
    index.set_defaults(func=cmd_index)

    spool = sub.add_parser("spool", help="articles Elasticsearch did not take: list or replay them")
    spool.add_argument("action", choices=["list", "replay"])
    spool.add_argument(
        "--dead-letter",
        action="store_true",
        help="replay: send the dead letters (documents the node rejected) again, once their fault is fixed",
    )
    spool.set_defaults(func=cmd_spool)

    taxonomy = sub.add_parser("taxonomy", help="check configs/topics.yaml")
    taxonomy.add_argument("action", choices=["check"])
    taxonomy.set_defaults(func=cmd_taxonomy)

    demo = sub.add_parser("demo", help="end-to-end demo against a local Eastmoney replica")
    demo.set_defaults(func=cmd_demo)

    # Command groups that live in their own modules add their subcommands here.
    groups = (
        commands_schedule, commands_serve, commands_alerts, commands_sites, commands_replica, commands_watch,
        commands_live,
    )  # fmt: skip
    for module in groups:
        module.add_subcommands(sub)
    return parser


def unknown_command(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """``finnews serach`` → "unknown command 'serach'; did you mean `finnews search`?" (argparse would
    list every command instead)."""
    from core.config import suggestion

    if not argv or argv[0].startswith("-"):
        return None
    commands = next(
        (list(action.choices) for action in parser._actions if isinstance(action, argparse._SubParsersAction)), []
    )
    if argv[0] in commands:
        return None
    close = suggestion(argv[0], commands)
    hint = f"did you mean `finnews {close}`?" if close else f"the commands are: {', '.join(commands)}"
    return f"unknown command {argv[0]!r}; {hint} (finnews --help)"


def report_error(command: str, message: str) -> None:
    """One line on stderr, credentials masked (error texts may quote URLs with user info)."""
    print(f"finnews {command}: {mask_credentials(message)}", file=sys.stderr)


@contextlib.contextmanager
def lean_export(argv: list[str]) -> Iterator[None]:
    """``finnews export`` to JSON Lines or CSV runs without pyarrow, which the Elasticsearch client
    imports whenever it is installed (for Arrow responses finnews never asks for): about 55 MB less
    memory. Only in a fresh process (nothing has imported it yet); afterwards pyarrow can be
    imported again (a Parquet export in the same process)."""
    blocked = (
        bool(argv) and argv[0] == "export" and not any("parquet" in a for a in argv) and "pyarrow" not in sys.modules
    )
    if blocked:
        sys.modules["pyarrow"] = None  # type: ignore[assignment]  # import pyarrow → ImportError
    try:
        yield
    finally:
        if blocked and sys.modules.get("pyarrow", 0) is None:
            del sys.modules["pyarrow"]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    with lean_export(arguments):
        return _main(arguments)


def _main(argv: list[str]) -> int:
    from elasticsearch import ApiError, TransportError

    from scheduler.lock import JobBusyError
    from store.client import StoreError, unreachable
    from store.node import NodeError
    from store.search import QueryError

    install_log_masking()
    parser = build_parser()
    unknown = unknown_command(parser, argv)
    if unknown:
        print(f"finnews: {unknown}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ConfigError, NodeError, StoreError, QueryError, JobBusyError) as error:
        report_error(args.command, str(error))
        # Could not start (2), unless the error says otherwise: an export cut short did not finish (1).
        return getattr(error, "exit_code", 2)
    except TransportError as error:  # connection, TLS, timeout: reported without a traceback
        report_error(args.command, str(unreachable(error)))
        return 2
    except ApiError as error:
        report_error(args.command, f"Elasticsearch answered {error.meta.status}: {error.message}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `finnews search … | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
