"""Item pipeline: tag a cleaned article (boards, stocks, topics, keywords)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import ArticleItem
from tagging.extract import build_article, warm_up


class TagPipeline:
    def __init__(self, from_text: bool = False) -> None:
        # FINNEWS_TAG_FROM_TEXT: pages with ticker markup tagged from their text, as pages without are.
        self.from_text = from_text

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TagPipeline:
        return cls(from_text=crawler.settings.getbool("FINNEWS_TAG_FROM_TEXT"))

    def open_spider(self) -> None:
        # The tagging stack takes seconds to load on a busy machine. Loaded here, before the first request,
        # it holds up no download: loaded by the first article, it held the reactor while other pages'
        # timeouts ran, and a slow page's late answer could win over its timeout.
        warm_up()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.cleaned is None:
            raise RuntimeError("CleanPipeline must run before TagPipeline (check ITEM_PIPELINES)")
        item.article = build_article(item.raw, item.cleaned, plain=self.from_text)
        return item
