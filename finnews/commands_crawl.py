"""``finnews crawl`` and ``finnews demo``: a spider run in this process, its summary read from its
stats through the one reader (:func:`scheduler.stats.read_stats`)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from core import exit_codes
from core.config import state_dir
from core.masking import mask_credentials
from crawler.run import run_crawl
from finnews.commands_admin import replay_line
from finnews.commands_search import format_hit
from finnews.errors import UserError
from finnews.output import write_stats_json
from scheduler.stats import ROBOTS_FORBIDDEN, read_stats
from store.outcomes import ARTICLE_OUTCOMES, KEPT_STORED_VALUES_KEY


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise UserError(f"{flag} expects NAME=VALUE, got {value!r}")
        pairs[key] = val
    return pairs


def layout_changes(stats: dict[str, Any]) -> int:
    """How many answers of the crawl were in a form the parsers cannot read (crawler.drift)."""
    return sum(e["count"] for e in read_stats(stats)["errors"] if e["reason"].startswith("layout_changed/"))


def spider_exceptions(stats: dict[str, Any]) -> int:
    """Answers whose parsing raised (a bug or an answer nobody foresaw): Scrapy logs and counts them."""
    return sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/") and isinstance(v, int | float))


def crawl_exit_code(stats: dict[str, Any], spider: str = "crawl") -> int:
    """The crawl's status as an exit code (:mod:`core.exit_codes`), decided as the scheduler decides a
    run's status from the same counts: 0 all read; 4 partial (some lists failed, a source changed
    its layout while others gave articles, sources stopped as blocked beside working ones); 5
    blocked; 130 interrupted (Ctrl-C, SIGTERM: what was ready is written); 1 failed (it did not finish, an answer
    could not be parsed at all, every request failed, a site changed so that nothing came)."""
    from scheduler.jobs import Job
    from scheduler.stats import record_counts
    from scheduler.status import run_status

    read = read_stats(stats)
    if read["finish_reason"] == "shutdown" and not spider_exceptions(stats):
        return exit_codes.INTERRUPTED  # Ctrl-C or SIGTERM: what was ready is written, the next crawl does the rest
    if read["finish_reason"] != "finished" or spider_exceptions(stats):
        return exit_codes.FAILED
    job = Job(name=spider, cron="* * * * *", timeout=0, spider=spider)
    status, _ = run_status("succeeded", job, record_counts(stats), "", 0, None, datetime.now())
    return exit_codes.STATUS_EXIT[status]


def every_request_failed(stats: dict[str, Any]) -> bool:
    """Requests were made, none was answered well, and they failed for reasons other than refusals."""
    read = read_stats(stats)
    other = [e for e in read["errors"] if not e["reason"].startswith("blocked/")]
    return bool(other and not read["ok_answers"] and not read["articles"].get("new") and read["requests"])


def crawl_summary(stats: dict[str, Any]) -> str:
    """The end-of-crawl report: pages, articles by outcome, errors by reason with their URLs."""
    read = read_stats(stats)
    articles = ", ".join(f"{read['articles'][name]} {name}" for name in ARTICLE_OUTCOMES)
    errors = ", ".join(f"{error['reason']} {error['count']}" for error in read["errors"])
    lines = [
        f"pages: {read['pages']} fetched ({read['list_pages']} list, {read['article_pages']} article)",
        f"articles: {articles}",
        "errors: " + (errors or "none"),
    ]
    lines += [f"  {failure}" for failure in read["failures"]]
    kept = int(stats.get(KEPT_STORED_VALUES_KEY) or 0)
    if kept:
        lines.append(
            f"warnings: {kept} article(s) came without a title, date or text the index had; the stored values "
            "were kept (store/merge.py)"
        )
    forbidden = next((e["count"] for e in read["errors"] if e["reason"] == ROBOTS_FORBIDDEN), 0)
    if forbidden:
        lines.append(
            f"ROBOTS.TXT: the sites' robots.txt forbade {forbidden} request(s), not sent "
            "(for the token finnews, else *; `finnews crawl -s LOG_LEVEL=DEBUG` names them)"
        )
    if every_request_failed(stats):
        lines.append("FAILED: every request failed (see the errors above)")
    if spider_exceptions(stats):
        lines.append(f"FAILED: {spider_exceptions(stats)} answer(s) could not be parsed (tracebacks above)")
    changed = layout_changes(stats)
    if changed:
        sources = ", ".join(read["layout_changed_sources"]) or "a source"
        lines.append(
            f"LAYOUT CHANGED at {sources}: {changed} answer(s) in a form the parsers cannot read "
            "(see the layout_changed errors above; `finnews sites check` shows what each source gives)"
        )
    if read["list_truncated"]:
        lines.append(
            f"LIST TRUNCATED at {', '.join(read['list_truncated'])}: the last page read was still all new, "
            "older items may be missed (FINNEWS_CATCH_UP_PAGES, max_pages; see the failures above)"
        )
    if read["feed_entries_left"]:
        lines.append(
            f"FEED BACKLOG: {read['feed_entries_left']} unseen page(s) of the feeds left to the next crawl "
            "(FEED_MAX_PAGES x FEED_PAGE_SIZE asked for a crawl; crawl more often or raise max_pages)"
        )
    if read["replay"].get("files"):
        lines.append(f"spool replayed first: {read['replay']['files']} file(s), {replay_line(read['replay'])}")
    lines.append(f"finished: {read['finish_reason'] or 'unknown'}")
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
    if not args.verbose:
        # A quiet crawl by default: its warnings and errors, then the summary (Scrapy's own banner,
        # settings and stats dump are ~120 lines, which also filled the runs page's log tails).
        overrides["LOG_LEVEL"] = "WARNING"
    overrides.update(_pairs(args.set, "-s"))  # -s LOG_LEVEL=… still decides
    stats = run_crawl(args.spider, _pairs(args.arg, "-a"), overrides)
    print(crawl_summary(stats))
    if args.stats_json:
        write_stats_json(Path(args.stats_json), stats)
    return crawl_exit_code(stats, args.spider)


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the node, crawl the local Eastmoney replica with the real spider, search, export."""
    import subprocess

    from replica.site import ReplicaServer, ReplicaSite, SiteForms
    from store import node
    from store.client import connect
    from store.search import search

    print(node.start())
    # The replica answers in the forms the live site was seen answering in 2026 (and refuses API
    # requests without the headers the real APIs need).
    with ReplicaServer(ReplicaSite(forms=SiteForms.of("2026"))) as replica:
        print(f"Serving an Eastmoney replica ({len(replica.site.articles)} real articles) at {replica.url}")
        print("\n$ finnews sites check eastmoney  (against the replica: the first command against the live sites)")
        check = [sys.executable, "-m", "finnews", "sites", "check", "eastmoney", *replica.eastmoney_settings()]
        if subprocess.run([*check, "-s", "EASTMONEY_COLUMNS=345", "-s", "DOWNLOAD_DELAY=0"]).returncode != 0:
            raise UserError("the sites check failed (see above)")
        command = [
            sys.executable, "-m", "finnews", "crawl", "eastmoney",
            *replica.eastmoney_settings("columns,fast,pages"),
            "-s", "EASTMONEY_COLUMNS=345", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
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
