"""Item pipeline: tag a cleaned article (boards, stocks, topics, keywords)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import ArticleItem
from crawler.run import tag_reading
from tagging.extract import build_article, warm_up


class TagPipeline:
    def __init__(self, from_text: bool = False, markup_only: bool = False) -> None:
        self.reading = {"plain": from_text, "markup_only": markup_only}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TagPipeline:
        reading = tag_reading(crawler.settings)
        return cls(from_text=reading["plain"], markup_only=reading["markup_only"])

    def open_spider(self) -> None:
        # The tagging stack takes seconds to load on a busy machine. Loaded here, before the first request,
        # it holds up no download: loaded by the first article, it held the reactor while other pages'
        # timeouts ran, and a slow page's late answer could win over its timeout.
        warm_up()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.cleaned is None:
            raise RuntimeError("CleanPipeline must run before TagPipeline (check ITEM_PIPELINES)")
        item.article = build_article(item.raw, item.cleaned, **self.reading)
        return item
