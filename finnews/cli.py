"""The ``finnews`` command: a thin layer over importable functions (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from core.config import ConfigError, state_dir
from core.masking import install_log_masking, mask_credentials

# Modules with an ``add_subcommands(subparsers)`` function (each sets ``func`` on its parsers).
SUBCOMMAND_MODULES: tuple[str, ...] = ("finnews.schedule", "api.cli", "alerts.cli")


class UserError(Exception):
    """An error to report in one line, without a traceback."""


# --- es ------------------------------------------------------------------------------------------


def cmd_es(args: argparse.Namespace) -> int:
    from store import node

    if args.action == "start":
        print(node.start())
    elif args.action == "stop":
        print(node.stop())
    else:
        return es_status()
    return 0


def es_status() -> int:
    from elasticsearch import ApiError

    from store.client import cluster_status, connect
    from store.settings import elasticsearch_settings

    settings = elasticsearch_settings()
    es = connect()
    health = cluster_status(es)
    where = "local node" if settings.managed else "configured cluster"
    if health is None:
        print(f"Elasticsearch ({where}) at {settings.url}: not running")
        return 1
    print(f"Elasticsearch ({where}) at {settings.url}")
    print(f"  version:  {health.get('version') or 'unknown'}")
    print(f"  health:   {health.get('status')} ({health.get('number_of_nodes')} node(s))")
    try:
        count = es.count(index=settings.alias)["count"]
        print(f"  articles: {count} (alias {settings.alias})")
    except ApiError:
        print(f"  articles: 0 (alias {settings.alias} does not exist yet)")
    return 0


# --- crawl ---------------------------------------------------------------------------------------


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise UserError(f"{flag} expects NAME=VALUE, got {value!r}")
        pairs[key] = val
    return pairs


def run_crawl(spider: str, spider_args: dict[str, str], settings_overrides: dict[str, Any]) -> dict[str, Any]:
    """Run one spider to completion in this process; returns its final stats."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from core.config import max_article_bytes
    from crawler.sites import load_sites
    from store.lifecycle import index_config
    from store.settings import elasticsearch_settings
    from tagging.lexicon import load_lexicon
    from tagging.topics import load_taxonomy

    # Validate every configuration file before Scrapy starts, so a mistake is one clear line
    # (inside Scrapy it would be a page of Twisted tracebacks).
    elasticsearch_settings(), max_article_bytes(), load_sites(), index_config(), load_lexicon(), load_taxonomy()
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for key, value in settings_overrides.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    if spider not in process.spider_loader.list():
        raise UserError(f"unknown spider {spider!r}; available: {', '.join(sorted(process.spider_loader.list()))}")
    # Articles earlier runs spooled go in first, counted in this crawl's summary (what the replay
    # spools again is this run's file and is not replayed again by the index pipeline).
    replayed = replay_before_crawl() if settings.getbool("FINNEWS_INDEX_ENABLED") else {}
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = dict(crawler.stats.get_stats())
    stats.update({f"finnews/replay/{key}": value for key, value in replayed.items()})
    return stats


def replay_before_crawl() -> dict[str, int]:
    """Replay the spool before a crawl; nothing when it is empty or the node does not answer (the
    crawl then spools too, and the next run replays both)."""
    from store.client import StoreError, connect
    from store.replay import replay_spool
    from store.spool import spool_files

    if not spool_files():
        return {}
    try:
        return replay_spool(connect())
    except StoreError as error:
        print(f"finnews crawl: the spool is not replayed: {mask_credentials(str(error))}", file=sys.stderr)
        return {}


ARTICLE_OUTCOMES = ("new", "updated", "unchanged", "skipped_seen", "spooled", "dead_letter", "duplicates")
REPLAY_OUTCOMES = ("files", "new", "updated", "unchanged", "spooled", "dead_letter")


def crawl_summary(stats: dict[str, Any]) -> str:
    """The end-of-crawl report: pages, articles by outcome, errors by reason with their URLs."""
    errors = {k.split("/", 2)[-1]: v for k, v in stats.items() if k.startswith("finnews/errors/")}
    articles = ", ".join(f"{stats.get(f'finnews/articles/{k}', 0)} {k}" for k in ARTICLE_OUTCOMES)
    lines = [
        f"pages: {stats.get('downloader/response_count', 0)} fetched "
        f"({stats.get('finnews/list_pages', 0)} list, {stats.get('finnews/article_pages', 0)} article)",
        f"articles: {articles}",
        "errors: " + (", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"),
    ]
    lines += [f"  {failure}" for failure in stats.get("finnews/failures", [])]
    if stats.get("finnews/replay/files"):
        replay = {key: stats.get(f"finnews/replay/{key}", 0) for key in REPLAY_OUTCOMES}
        lines.append(
            f"spool replayed first: {replay['files']} file(s), {replay['new']} new, {replay['updated']} updated, "
            f"{replay['unchanged']} already indexed, {replay['spooled']} spooled again, "
            f"{replay['dead_letter']} rejected (dead letter)"
        )
    lines.append(f"finished: {stats.get('finish_reason', 'unknown')}")
    return mask_credentials("\n".join(lines))  # failing URLs may carry tokens in their query


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as error:
        raise UserError(f"Redis at {redis_safe_url(url)} does not answer: {mask_credentials(str(error))}") from None


def redis_safe_url(url: str) -> str:
    return mask_credentials(url)


def cmd_crawl(args: argparse.Namespace) -> int:
    overrides: dict[str, Any] = {}
    if args.distributed:
        from crawler.distributed import distributed_settings

        redis_url = os.environ.get("FINNEWS_REDIS_URL")
        if not redis_url:
            raise UserError("--distributed needs FINNEWS_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
        _check_redis(redis_url)
        overrides.update(distributed_settings(redis_url))
    overrides.update(_pairs(args.set, "-s"))
    stats = run_crawl(args.spider, _pairs(args.arg, "-a"), overrides)
    print(crawl_summary(stats))
    if args.stats_json:
        # Machine-readable stats for schedulers and run records (datetimes as ISO strings).
        text = mask_credentials(json.dumps(stats, default=str, ensure_ascii=False, indent=1))
        Path(args.stats_json).write_text(text, encoding="utf-8")
    return 0 if stats.get("finish_reason") == "finished" else 1


# --- search / export -----------------------------------------------------------------------------


def format_hit(hit: Any, color: bool) -> str:
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


def filters_from(args: argparse.Namespace) -> Any:
    from store.search import Filters

    return Filters(
        topic=args.topic,
        board=args.board,
        stock=args.stock,
        media=args.media,
        source=args.source,
        date_from=args.date_from,
        date_to=args.date_to,
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters search, stats and export share."""
    parser.add_argument("--topic", help="topic id or name (configs/topics.yaml), e.g. semiconductors or 半导体")
    parser.add_argument("--board", help="board code or name, e.g. BK1061 or 数字经济")
    parser.add_argument("--stock", help="stock code, secid or name, e.g. 603888, 1.603888 or 新华网")
    parser.add_argument("--media", help="outlet (来源), e.g. 新华网")
    parser.add_argument("--source", help="where it came from: eastmoney, chinaorg, jekyll, a feed name …")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="published on or after (YYYY-MM-DD, Beijing)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="published on or before (YYYY-MM-DD, Beijing)")


def cmd_search(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.search import search, snippet_html

    result = search(
        connect(),
        args.query,
        filters_from(args),
        page=args.page,
        size=args.size,
        sort=args.sort,
        collapse_duplicates=args.collapse_duplicates,
    )
    if args.json:
        for hit in result.hits:
            # The snippet is an HTML fragment as the API gives it: the text escaped, the matches in <em>.
            row = {**hit.source, "score": hit.score, "snippet": snippet_html(hit.snippet)}
            print(json.dumps(row, ensure_ascii=False))
        return 0
    page = f" (page {args.page})" if args.page > 1 else ""
    print(f"{result.total} article(s) for {args.query!r}{page}")
    color = sys.stdout.isatty()
    for hit in result.hits:
        print()
        print(format_hit(hit, color))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.search import check_stock_filter
    from store.stats import format_table, plot, trend

    es, filters = connect(), filters_from(args)
    check_stock_filter(es, filters)  # an unknown stock is an error, as an unknown board is
    result = trend(es, args.by, args.interval, filters, top=args.top, text=args.query)
    words = f" for {args.query!r}" if args.query.strip() else ""
    print(f"{result.articles} article(s){words}, by {args.by} per {args.interval}")
    print(format_table(result))
    if args.plot:
        if not result.series:
            raise UserError("nothing to plot: no article matches")
        print(f"Chart written to {plot(result, Path(args.plot)).resolve()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.export import export
    from store.search import build_query, check_stock_filter

    output = Path(args.output)
    fmt = args.format or {".csv": "csv", ".parquet": "parquet"}.get(output.suffix.lower(), "jsonl")
    es, filters = connect(), filters_from(args)
    check_stock_filter(es, filters)
    # The same query as `finnews search` for the same words and filters.
    count = export(es, output, fmt, build_query(args.query, filters), progress=not args.quiet)
    print(f"Exported {count} article(s) as {fmt} to {output.resolve()}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from finnews.ingest import ingest

    if not 1 <= args.batch_size <= 10_000:
        raise UserError("--batch-size must be between 1 and 10000")
    check_workers(args.workers)
    report = ingest(
        [Path(p) for p in args.paths], progress=not args.quiet, batch_size=args.batch_size, workers=args.workers
    )
    counts = report.counts
    print(
        f"Ingested {report.articles} article(s) from {report.files} file(s): {counts.get('new', 0)} new, "
        f"{counts.get('updated', 0)} updated, {counts.get('unchanged', 0)} unchanged, "
        f"{counts.get('spooled', 0)} spooled, {counts.get('dead_letter', 0)} rejected"
    )
    if counts.get("spooled"):
        from store.spool import spool_root

        print(
            f"finnews ingest: {counts['spooled']} article(s) wait in the spool ({spool_root() / 'spool'}); "
            "`finnews spool replay` (or the next crawl) writes them",
            file=sys.stderr,
        )
    if report.failures:
        print(f"finnews ingest: {len(report.failures)} input(s) not loaded:", file=sys.stderr)
    for failure in report.failures:
        print(f"  failed: {mask_credentials(failure)}", file=sys.stderr)
    if report.interrupted:
        print(
            "finnews ingest: interrupted; what was read so far is written. Run the same command again to load "
            "the rest (articles already indexed count as unchanged).",
            file=sys.stderr,
        )
        return 130
    return 1 if report.failures or counts.get("spooled") or counts.get("dead_letter") else 0


MAX_WORKERS = 256


def check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"--workers must be between 1 and {MAX_WORKERS}")


def cmd_index(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.lifecycle import current_alias, index_config, indices_behind
    from store.migrate import migrate

    es = connect()
    if args.action == "migrate":
        result = migrate(es)
        if result.status == "created":
            print(f"Created {result.new_index} behind alias {result.alias}")
        elif result.status == "up-to-date":
            print(f"{result.alias} is already at {result.new_index}")
        else:
            print(
                f"Migrated {result.alias}: {', '.join(result.old_indices)} → {result.new_index}, "
                f"{result.copied} article(s) copied, {result.caught_up} written during the copy copied again. "
                f"The old index is kept; delete it when satisfied."
            )
        return 0
    alias = current_alias()
    expected = f"{alias}-v{index_config()['version']}"
    behind = indices_behind(es, alias)
    print(f"alias {alias} → {', '.join(behind) or '(none)'}; configs/index.yaml describes {expected}")
    if behind and behind != [expected]:
        print("run `finnews index migrate` to move to it")
        return 1
    return 0


def cmd_spool(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.replay import replay_spool
    from store.spool import read_spool, spool_files

    if args.action == "replay":
        totals = replay_spool(connect())
        print(
            f"Replayed {totals['files']} spool file(s): {totals['new']} new, {totals['updated']} updated, "
            f"{totals['unchanged']} already indexed, {totals['spooled']} spooled again, "
            f"{totals['dead_letter']} rejected (dead letter)"
        )
        return 1 if totals["spooled"] else 0
    for kind in ("spool", "dead-letter"):
        files = spool_files(kind)
        print(f"{kind}: {len(files)} file(s)")
        for path in files:
            entries = read_spool(path)
            reasons = sorted({mask_credentials(str(e.get("reason", "")))[:100] for e in entries})
            print(f"  {path} — {len(entries)} article(s); reason: {'; '.join(reasons)}")
    return 0


# --- extract / taxonomy --------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from finnews.ingest import extract_file, input_bytes, parallel_map, worker_count
    from finnews.pool import ItemFailed

    check_workers(args.workers)
    paths = [Path(name) for name in args.paths]
    workers = worker_count(args.workers, input_bytes(paths))
    failures = 0
    # Files are cleaned and tagged in worker processes for a large input; lines come out in order.
    results = parallel_map(extract_file, [(str(path), args.plain) for path in paths], workers)
    for result in results:
        # An ItemFailed: the worker died on this file.
        record = {"path": result.item[0], "error": result.message} if isinstance(result, ItemFailed) else result
        failures += "error" in record
        print(json.dumps(record, ensure_ascii=False), flush=True)
    if failures:
        print(f"finnews extract: {failures} of {len(args.paths)} file(s) failed", file=sys.stderr)
    return 1 if failures else 0


def cmd_taxonomy(args: argparse.Namespace) -> int:
    from tagging.lexicon import load_lexicon
    from tagging.topics import check_taxonomy, load_taxonomy

    lexicon = load_lexicon()
    taxonomy = load_taxonomy()
    problems = check_taxonomy(
        taxonomy,
        lexicon.boards,
        {code: board.type for code, board in lexicon.boards.items()},
        lexicon.pseudo_boards,
    )
    mapped = {code for topic in taxonomy.topics for code in topic.boards}
    print(f"{len(taxonomy.topics)} topics over {len(mapped)} boards ({len(lexicon.boards)} known boards)")
    for problem in problems:
        print(f"  problem: {problem}")
    print("taxonomy OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


# --- demo ----------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the node, crawl the local Eastmoney replica with the real spider, search, export."""
    import subprocess

    from replica.site import ReplicaServer
    from store import node
    from store.client import connect
    from store.search import search

    print(node.start())
    with ReplicaServer() as replica:
        print(f"Serving an Eastmoney replica ({len(replica.site.articles)} real articles) at {replica.url}")
        command = [
            sys.executable, "-m", "finnews", "crawl", "eastmoney",
            *replica.eastmoney_settings("columns,fast,pages"),
            "-s", "EASTMONEY_COLUMNS=345", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "LOG_LEVEL=WARNING",
        ]  # fmt: skip
        print("$ finnews crawl eastmoney  (against the replica)")
        result = subprocess.run(command)
        if result.returncode != 0:
            raise UserError("the crawl failed (see above)")
    print("\n$ finnews search 数字经济")
    result = search(connect(), "数字经济", size=5)
    print(f"{result.total} article(s) for '数字经济'")
    for hit in result.hits:
        print()
        print(format_hit(hit, sys.stdout.isatty()))
    output = state_dir() / "exports" / f"demo-{datetime.now().strftime('%Y%m%d-%H%M%S')}.jsonl"
    from store.export import export_jsonl

    count = export_jsonl(connect(), output)
    print(f"\nExported {count} tagged article(s) to {output}")
    return 0


# --- main ----------------------------------------------------------------------------------------


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that clean and tag (default: one per core for inputs of 2 MB or more, else 1; "
        "1 = this process alone; FINNEWS_WORKERS sets the default)",
    )


def build_parser() -> argparse.ArgumentParser:
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
    stats.add_argument("--interval", choices=["day", "week", "month"], default="day")
    stats.add_argument("--top", type=int, default=8, help="how many values to follow (default 8)")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the trend to a PNG file")
    add_filter_options(stats)
    stats.set_defaults(func=cmd_stats)

    export = sub.add_parser("export", help="export tagged articles")
    export.add_argument("-o", "--output", required=True, help="output file (.jsonl, .csv or .parquet)")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], help="default: from the file suffix")
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    export.add_argument(
        "-q", "--query", default="", metavar="QUERY", help="words the articles must match, as search matches them"
    )
    add_filter_options(export)
    export.set_defaults(func=cmd_export)

    extract = sub.add_parser("extract", help="clean and tag files (JSON Lines on stdout)")
    extract.add_argument("paths", nargs="+")
    extract.add_argument("--plain", action="store_true", help="ignore markup: tag from the visible text only")
    add_workers_option(extract)
    extract.set_defaults(func=cmd_extract)

    ingest = sub.add_parser("ingest", help="import an archive (Jekyll posts, saved pages, JSON Lines)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--batch-size", type=int, default=500, help="articles per bulk request (default 500)")
    add_workers_option(ingest)
    ingest.set_defaults(func=cmd_ingest)

    index = sub.add_parser("index", help="the article index: status, or migrate to the mapping in configs/")
    index.add_argument("action", choices=["status", "migrate"])
    index.set_defaults(func=cmd_index)

    spool = sub.add_parser("spool", help="articles Elasticsearch did not take: list or replay them")
    spool.add_argument("action", choices=["list", "replay"])
    spool.set_defaults(func=cmd_spool)

    taxonomy = sub.add_parser("taxonomy", help="check configs/topics.yaml")
    taxonomy.add_argument("action", choices=["check"])
    taxonomy.set_defaults(func=cmd_taxonomy)

    demo = sub.add_parser("demo", help="end-to-end demo against a local Eastmoney replica")
    demo.set_defaults(func=cmd_demo)

    # Command groups that live in their own modules add their subcommands here.
    for module_name in SUBCOMMAND_MODULES:
        importlib.import_module(module_name).add_subcommands(sub)
    return parser


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

    from store.client import StoreError, unreachable
    from store.node import NodeError
    from store.search import QueryError

    install_log_masking()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ConfigError, NodeError, StoreError, QueryError) as error:
        report_error(args.command, str(error))
        return 2
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
