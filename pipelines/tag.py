"""Item pipeline: tag a cleaned article (boards, stocks, topics, keywords)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import ArticleItem
from tagging.extract import build_article, warm_up


class TagPipeline:
    def __init__(self, from_text: bool = False, markup_only: bool = False) -> None:
        # FINNEWS_TAG_FROM_TEXT: pages with ticker markup tagged from their text, as pages without are;
        # FINNEWS_TAG_MARKUP_ONLY: from their markup alone (crawler/settings.py).
        if from_text and markup_only:
            raise ValueError("FINNEWS_TAG_FROM_TEXT and FINNEWS_TAG_MARKUP_ONLY exclude each other: set one")
        self.from_text = from_text
        self.markup_only = markup_only

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TagPipeline:
        settings = crawler.settings
        return cls(
            from_text=settings.getbool("FINNEWS_TAG_FROM_TEXT"), markup_only=settings.getbool("FINNEWS_TAG_MARKUP_ONLY")
        )

    def open_spider(self) -> None:
        # The tagging stack takes seconds to load on a busy machine. Loaded here, before the first request,
        # it holds up no download: loaded by the first article, it held the reactor while other pages'
        # timeouts ran, and a slow page's late answer could win over its timeout.
        warm_up()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.cleaned is None:
            raise RuntimeError("CleanPipeline must run before TagPipeline (check ITEM_PIPELINES)")
        item.article = build_article(item.raw, item.cleaned, plain=self.from_text, markup_only=self.markup_only)
        return item
