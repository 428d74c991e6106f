"""Item pipeline: hand tagged articles to the writer, which writes them in bulk; what it holds is
written whenever the crawl runs dry and when the spider closes.

If Elasticsearch is down, articles go to the on-disk spool (see store.spool) and the crawl goes on.
An article counts as seen (is not fetched again) once the writer reports its batch written or spooled,
unless it came without some of its pages (``ArticleItem.incomplete``).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.items import ArticleItem
from crawler.seen import open_seen_store
from crawler.state import crawl_state
from store.client import StoreError, connect
from store.documents import article_document
from store.lifecycle import ensure_index
from store.outcomes import KEPT_STORED_VALUES_KEY, stats_key
from store.replay import replay_spool
from store.writer import ArticleWriter

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen = open_seen_store(crawler)
        self.writer: ArticleWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        if not crawler.settings.getbool("FINNEWS_INDEX_ENABLED"):
            raise NotConfigured("FINNEWS_INDEX_ENABLED is off")
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def spider_idle(self) -> None:
        """Write what is buffered whenever the crawl runs dry: an idle crawler holds no article
        only in memory (other workers of a distributed crawl rely on the seen store)."""
        if self.writer is not None:
            self.writer.flush()

    def open_spider(self) -> None:
        es = connect()
        try:
            ensure_index(es)
            # Articles a previous run could not write go in first.
            replayed = replay_spool(es)
            if replayed["files"]:
                logger.info("Replayed the spool: %s", replayed)
        except StoreError as error:
            # Keep crawling: the writer spools what it cannot write.
            logger.error("%s Articles will be spooled to disk.", error)
        chunk_size = self.crawler.settings.getint("FINNEWS_BULK_CHUNK_SIZE")
        self.writer = writer = ArticleWriter(es, chunk_size=chunk_size, on_written=self._remember)
        crawl_state(self.crawler).pending_writes = lambda: writer.pending

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.article is None or self.writer is None:
            raise RuntimeError("TagPipeline must run before IndexPipeline (check ITEM_PIPELINES)")
        # An article missing some of its pages is written but not remembered: the next crawl fetches it again.
        urls = [] if item.incomplete else [u for u in (item.fetched_url, item.linked_url, item.article.url) if u]
        document = article_document(item.article)
        # In a thread: the add that fills the buffer sends it, and the crawl keeps downloading and
        # parsing meanwhile instead of waiting for Elasticsearch.
        await maybe_deferred_to_future(threads.deferToThread(self.writer.add, document, urls=urls))
        return item

    def _remember(self, urls: list[str]) -> None:
        if self.seen is not None:
            spider = self.crawler.spider
            self.seen.add_many(urls, spider.name if spider else "")

    def close_spider(self) -> None:
        if self.writer is None:
            return
        counts = self.writer.close()  # (its spool files complete: the next replay may take them, a live process's too)
        for name, value in counts.items():
            self.stats.set_value(stats_key(name), value)
        if self.writer.kept_stored_values:
            self.stats.set_value(KEPT_STORED_VALUES_KEY, self.writer.kept_stored_values)
        if self.writer.spool.count:
            logger.error("%d articles spooled to %s", self.writer.spool.count, self.writer.spool.path)
