"""Item pipeline: tag a cleaned article (boards, stocks, topics, keywords)."""

from __future__ import annotations

from crawler.items import ArticleItem
from tagging.extract import build_article


class TagPipeline:
    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.cleaned is None:
            raise RuntimeError("CleanPipeline must run before TagPipeline (check ITEM_PIPELINES)")
        item.article = build_article(item.raw, item.cleaned)
        return item
