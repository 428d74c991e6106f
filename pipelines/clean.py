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

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Cleans each article; an empty body is dropped. A site's own body element that held no article
    text (the article is then its summary, or nothing) in every page a source gave, at least
    MIN_BODYLESS_PAGES of them, is the layout changing under the spider, reported as
    ``layout_changed/article_text`` when the crawl ends; one such page among good ones is a video or
    picture article. ``finnews sites check`` reads one article a source: there it is a warning. Such a
    page (but a 7×24 flash's) is not remembered as seen until it has been found so after growing waits
    (:meth:`_fetch_again_or_write_off`)."""

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
        text = item.cleaned.text.strip()
        if own_layout and (item.raw.body_source or "").startswith(own_layout):
            source = str(item.listed_by or "?")
            if item.cleaned.from_digest or not text:
                self.stats.inc_value("finnews/articles_without_body_text")
                url = item.fetched_url or item.raw.url or ""
                self.bodyless[source] += 1
                self.first_bodyless.setdefault(source, url)
                if not source.startswith(SUMMARY_IS_TEXT_SOURCES):
                    self._fetch_again_or_write_off(item, url, kept=bool(text))
            else:
                self.with_text[source] += 1
        if not text:
            self.stats.inc_value("finnews/errors/empty_body")
            raise DropItem(f"empty article body: {item.raw.url}")
        return item

    def _fetch_again_or_write_off(self, item: ArticleItem, url: str, kept: bool) -> None:
        """A page of the site's own layout whose body held no text: an empty body is also what a throttled site
        serves (2026 clients of Eastmoney's pages treat it as a refusal), so the page is not remembered and is
        fetched again after growing waits (crawler.seen.Bodyless), its summary indexed meanwhile; still so after
        the last, it is a video or picture article, remembered as seen. Without a seen store: fetched again by
        every crawl."""
        store = open_seen_store(self.crawler)
        if store is not None and url and store.note_bodyless(url, item.listed_in):
            self.stats.inc_value("finnews/articles_without_text_written_off")
            if not kept:
                store.add_many([url], self.crawler.spider.name)  # dropped, and never fetched again
            return
        item.incomplete = True
        self.stats.inc_value("finnews/articles_fetched_again_later")
        what = "kept its summary" if kept else "no summary to keep either"
        logger.warning("the article page held no body text (%s); it is fetched again later: %s", what, url)

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
