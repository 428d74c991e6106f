"""``finnews sites check``: what each source gives when asked once with the crawl's own settings (its
first list page or API page, and the first article it lists, through the spider's every parser and
the clean and tag pipelines), and whether that is what a working source gives.

The spiders run in check mode (``-a check=1``: one page, one article a list, each source's answers
and problems noted in ``spider.report``); :class:`CheckPipeline` stands where the index pipeline
stands and notes the tagged article instead of indexing it. :func:`source_verdict` is pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from core.dates import isoformat
from crawler.items import ArticleItem

# A body shorter than this (characters of clean text) is no article body; a 7×24 flash is its one
# summary, often shorter (26, 34 and 41 characters among 12 real flashes of 2026-10-10,
# tests/fixtures/real-sites/eastmoney/fast_items_2026-10-10_ACANX-Distribution.jsonl).
MIN_BODY_CHARS = 50
MIN_FLASH_CHARS = 10
# What every working source's article has; an outlet is reported when missing but does not fail.
REQUIRED_FIELDS = ("title", "time", "body")


class CheckPipeline:
    """Notes each tagged article under the source that listed it (the first one of each source)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CheckPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        spider = spider or self.crawler.spider
        article = item.article
        if article is None or spider is None:
            return item
        entry = spider.source_report(item.listed_by)
        entry.setdefault(
            "article",
            {
                "url": item.fetched_url or article.url,
                "title": article.title,
                "time": isoformat(article.published_at),
                "outlet": article.media,
                "body_chars": len(article.text or ""),
                "body_path": item.raw.body_source,
                "boards": [f"{b['secid']} {b['name']}" for b in article.boards],
                "stocks": [f"{s['secid']} {s['name']}" for s in article.stocks],
            },
        )
        return item


@dataclass
class Verdict:
    source: str
    status: str  # OK, BROKEN or BLOCKED
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "OK"


def source_verdict(source: str, entry: dict[str, Any]) -> Verdict:
    """OK when the source's list answered items with a way to the next page and its first article has
    a title, a time and a body; BLOCKED when the site refused; else BROKEN, naming what is missing."""
    problems = [str(p) for p in entry.get("problems") or []]
    listed = entry.get("list")
    article = entry.get("article")
    missing = []
    if not listed:
        missing.append("no list answer read")
    elif not listed.get("items"):
        missing.append("no item on the list")
    elif not listed.get("next"):
        missing.append("no next page or cursor")
    if listed and listed.get("items") and not article:
        missing.append("no article read")
    warnings = []
    if article:
        values = {"title": article.get("title"), "time": article.get("time"), "body": article.get("body_chars")}
        missing += [name for name in REQUIRED_FIELDS if not values[name]]
        minimum = MIN_FLASH_CHARS if source.startswith("fast") else MIN_BODY_CHARS
        if values["body"] and values["body"] < minimum:
            missing.append(f"body ({values['body']} characters)")
        if not article.get("outlet"):
            warnings.append("no outlet")
    # What went wrong first (a refusal, a changed answer, a failed request), then what is missing.
    if any(p.startswith("blocked/") for p in problems) and missing:
        return Verdict(source, "BLOCKED", problems + missing, warnings)
    changed = [p for p in problems if p.startswith("layout_changed/")]
    if missing or changed:
        return Verdict(source, "BROKEN", problems + missing, warnings)
    return Verdict(source, "OK", [], warnings + problems)
