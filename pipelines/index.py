"""Item pipeline: write tagged articles to Elasticsearch in bulk, flushing when the spider closes.

If Elasticsearch is down, articles go to the on-disk spool (see store.index) and the crawl goes on.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem
from crawler.seen import open_seen_store
from store.index import ArticleWriter, StoreError, article_document, connect, ensure_index, replay_spool

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen = open_seen_store(crawler)
        self.writer: ArticleWriter | None = None
        self.pending_seen: list[str] = []  # URLs of articles buffered, not yet written

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
        if self.writer is not None and self.writer.buffer:
            self.writer.flush()
            self._remember_written()
        self.crawler.finnews_pending_writes = 0

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
        self.writer = ArticleWriter(es, chunk_size=self.crawler.settings.getint("FINNEWS_BULK_CHUNK_SIZE"))

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.article is None or self.writer is None:
            raise RuntimeError("TagPipeline must run before IndexPipeline (check ITEM_PIPELINES)")
        self.pending_seen += [u for u in (item.fetched_url, item.article.url) if u]
        self.writer.add(article_document(item.article))
        self.crawler.finnews_pending_writes = len(self.writer.buffer)
        if not self.writer.buffer:  # the add flushed: everything pending is written or spooled
            self._remember_written()
        return item

    def _remember_written(self) -> None:
        if self.seen is not None and self.pending_seen:
            spider = self.crawler.spider
            self.seen.add_many(self.pending_seen, spider.name if spider else "")
        self.pending_seen = []

    def close_spider(self) -> None:
        if self.writer is None:
            return
        self.writer.flush()
        self._remember_written()
        try:
            self.writer.refresh()
        except StoreError as error:
            logger.error("%s", error)
        for name, value in self.writer.counts.items():
            self.stats.set_value(f"finnews/articles/{name}", value)
        if self.writer.spool.count:
            logger.error("%d articles spooled to %s", self.writer.spool.count, self.writer.spool.path)
