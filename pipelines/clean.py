"""Item pipeline: clean the article body (markup → text and mentions)."""

from __future__ import annotations

import logging
from collections import Counter

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.seen import open_seen_store
from tagging.extract import clean_raw

# A video or picture article has a body element without text too: a source's pages all so in one crawl
# are a layout change only when there are this many of them (an incremental run may read one or two).
MIN_BODYLESS_PAGES = 3
# Lists whose summary is the whole article (the 7×24 flashes): an empty page loses nothing there.
SUMMARY_IS_TEXT_SOURCES = ("fast:",)
# Crawls that find an article page without body text before it is remembered as seen anyway.
BODYLESS_TRIES = 2

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Cleans each article; an empty body is dropped. A site's own body element that held no article
    text (the article is then its summary, or nothing) in every page a source gave, at least
    MIN_BODYLESS_PAGES of them, is the layout changing under the spider, reported as
    ``layout_changed/article_text`` when the crawl ends; one such page among good ones is a video or
    picture article. ``finnews sites check`` reads one article a source: there it is a warning. Such a
    page (but a 7×24 flash's) is not remembered as seen: the next crawl fetches it again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.bodyless: Counter[str] = Counter()  # source → pages of its layout whose body had no text
        self.first_bodyless: dict[str, str] = {}  # source → the first such page
        self.with_text: Counter[str] = Counter()  # source → pages of its layout with body text

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.cleaned = clean_raw(item.raw)
        own_layout = getattr(self.crawler.spider, "own_layout", None)
        if own_layout and (item.raw.body_source or "").startswith(own_layout):
            source = str(item.listed_by or "?")
            if item.cleaned.from_digest or not item.cleaned.text.strip():
                self.stats.inc_value("finnews/articles_without_body_text")
                url = item.fetched_url or item.raw.url or ""
                times = self._bodyless_times(url, source)
                if times == 1:  # a page found so before is no new evidence of a layout change
                    self.bodyless[source] += 1
                    self.first_bodyless.setdefault(source, url)
                if times < BODYLESS_TRIES:
                    # An empty body is also what a throttled site serves (2026 clients of these pages
                    # treat it as a refusal): the summary is indexed, but the page is not remembered,
                    # so the next crawl fetches it again; found so again, it is a video or picture
                    # article, remembered (review, day 18: else fetched on every crawl and poll).
                    item.incomplete = True
                    self.stats.inc_value("finnews/articles_fetched_again_later")
                    logger.warning("the article page held no body text: kept its summary, to be fetched again: %s", url)
            else:
                self.with_text[source] += 1
        if not item.cleaned.text.strip():
            self.stats.inc_value("finnews/errors/empty_body")
            raise DropItem(f"empty article body: {item.raw.url}")
        return item

    def _bodyless_times(self, url: str, source: str) -> int:
        """How many crawls found ``url`` without body text, this one too (1 without a seen store, or for a
        7×24 flash, whose summary is its whole text: never fetched again for it)."""
        if source.startswith(SUMMARY_IS_TEXT_SOURCES):
            return BODYLESS_TRIES
        store = open_seen_store(self.crawler)
        return store.note_bodyless(url) if store is not None and url else 1

    def close_spider(self) -> None:
        spider = self.crawler.spider
        for source, pages in self.bodyless.items():
            if self.with_text[source] or not hasattr(spider, "layout_changed_at"):
                continue
            if getattr(spider, "checking", False):
                spider.source_report(source)["problems"].append(
                    f"article_text: the body element held no article text (kept: the summary): a video or "
                    f"picture article, or the layout changed {self.first_bodyless[source]}"
                )
                continue
            if pages < MIN_BODYLESS_PAGES:
                continue
            spider.layout_changed_at(
                self.first_bodyless[source],
                None if source == "?" else source,
                "article_text",
                f"the body element held no article text on all {pages} page(s) read (kept: the summary, if any)",
                count=pages,
            )
