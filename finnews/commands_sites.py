"""``finnews sites check [SOURCE…]``: the first command on a machine that reaches the sites. Each
source is asked once with the crawl's own settings and parsers (:mod:`crawler.check`); the command
prints what it found and exits 1 when any source is broken or blocked."""

from __future__ import annotations

import argparse
from typing import Any

from core import exit_codes
from core.masking import mask_credentials
from finnews.errors import UserError

# The sources a check can name: a spider, or one of its list sources.
SPIDER_SOURCES = {"eastmoney": ("columns", "fast", "pages"), "chinaorg": ()}
CHECK_SETTINGS = {
    "ITEM_PIPELINES": {
        "pipelines.clean.CleanPipeline": 100,
        "pipelines.tag.TagPipeline": 200,
        "crawler.check.CheckPipeline": 300,
    },
    "FINNEWS_INDEX_ENABLED": False,
    "FINNEWS_SEEN_ENABLED": False,
    "BLOCKING_RETRY_TIMES": 0,  # a refusal is the answer: say so at once
    "RETRY_TIMES": 1,
    "LOG_LEVEL": "ERROR",
}


def chosen_sources(names: list[str]) -> dict[str, list[str]]:
    """``eastmoney``, ``eastmoney:fast``, ``chinaorg`` … → the list sources to check per spider."""
    chosen: dict[str, list[str]] = {}
    for name in names or list(SPIDER_SOURCES):
        spider, _, source = name.partition(":")
        if spider not in SPIDER_SOURCES:
            raise UserError(f"unknown source {name!r}; use {', '.join(_known())}")
        kinds = SPIDER_SOURCES[spider]
        if source and source not in kinds:
            raise UserError(f"unknown source {name!r}; use {', '.join(_known())}")
        wanted = chosen.setdefault(spider, [])
        wanted += [k for k in ([source] if source else list(kinds)) if k not in wanted]
    return chosen


def _known() -> list[str]:
    return [*SPIDER_SOURCES, *(f"{spider}:{kind}" for spider, kinds in SPIDER_SOURCES.items() for kind in kinds)]


def run_check(chosen: dict[str, list[str]], overrides: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Run the chosen spiders in check mode, together; each one's report by source."""
    from crawler.run import check_spider, crawler_process

    process = crawler_process({**CHECK_SETTINGS, **overrides})
    crawlers = {}
    for spider, kinds in chosen.items():
        check_spider(process, spider)
        crawler = process.create_crawler(spider)
        arguments = {"check": "1", **({"sources": ",".join(kinds)} if kinds else {})}
        process.crawl(crawler, **arguments)
        crawlers[spider] = crawler
    process.start()
    return {spider: getattr(crawler.spider, "report", {}) for spider, crawler in crawlers.items()}


def describe(spider: str, source: str, entry: dict[str, Any]) -> tuple[str, list[str]]:
    """One source's status (OK, BROKEN, BLOCKED) and the lines printed for it."""
    from crawler.check import source_verdict  # Scrapy is loaded only by the commands that crawl

    verdict = source_verdict(source, entry)
    head = f"{spider} {source}  {verdict.status}"
    if verdict.missing:
        head += ": " + "; ".join(verdict.missing)
    lines = [head]
    if listed := entry.get("list"):
        lines.append(f"  list     {listed['url']}: {listed['items']} item(s), next: {listed.get('next') or 'none'}")
    if article := entry.get("article"):
        lines.append(f"  article  {article['url']}")
        lines.append(
            f"           title: {article['title'] or '—'} | time: {article['time'] or '—'} | "
            f"outlet: {article['outlet'] or '—'} | body: {article['body_chars']} characters ({article['body_path']})"
        )
        boards, stocks = ", ".join(article["boards"]) or "none", ", ".join(article["stocks"]) or "none"
        lines.append(f"           boards: {boards} | stocks: {stocks}")
    lines += [f"  note     {warning}" for warning in verdict.warnings]
    return verdict.status, [mask_credentials(line) for line in lines]


def cmd_sites(args: argparse.Namespace) -> int:
    from finnews.commands_crawl import _pairs

    chosen = chosen_sources(args.sources)
    reports = run_check(chosen, _pairs(args.set, "-s"))
    statuses = []
    for spider, report in reports.items():
        if not report:
            statuses.append("BROKEN")
            print(f"{spider}  BROKEN: no list was asked or answered (see the endpoint settings)")
            continue
        for source, entry in report.items():
            status, lines = describe(spider, source, entry)
            statuses.append(status)
            print("\n".join(lines))
    if all(status == "OK" for status in statuses):
        print("all sources OK")
        return exit_codes.OK
    print("some sources are broken or blocked (see above)")
    return exit_codes.FAILED if "BROKEN" in statuses else exit_codes.BLOCKED


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    sites = sub.add_parser("sites", help="check that each site answers and parses as the crawl expects")
    sites.add_argument("action", choices=["check"])
    sites.add_argument(
        "sources", nargs="*", metavar="SOURCE", help=f"what to check (default: all): {', '.join(_known())}"
    )
    sites.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting (endpoints …)")
    sites.set_defaults(func=cmd_sites)
