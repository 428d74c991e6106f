"""Item pipeline: clean the article body (markup → text and mentions)."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from tagging.extract import clean_raw


class CleanPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.cleaned = clean_raw(item.raw)
        if not item.cleaned.text.strip():
            self.stats.inc_value("finnews/errors/empty_body")
            raise DropItem(f"empty article body: {item.raw.url}")
        return item
