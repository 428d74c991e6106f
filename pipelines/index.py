"""Item pipeline: write tagged articles to Elasticsearch in bulk, flushing when the spider closes.

If Elasticsearch is down, articles go to the on-disk spool (see store.index) and the crawl goes on.
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
from store.client import StoreError, connect
from store.documents import article_document
from store.lifecycle import ensure_index
from store.replay import replay_spool
from store.writer import ArticleWriter

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen = open_seen_store(crawler)
        self.writer: ArticleWriter | None = None
        self.buffered_urls: list[str] = []  # URLs of the articles in the buffer, not yet written
        self.writing = 0  # articles in batches being written right now

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
            self._write_now()
        self.crawler.finnews_pending_writes = self.writing

    def _write_now(self) -> None:
        assert self.writer is not None
        batch, self.writer.buffer = self.writer.buffer, []
        urls, self.buffered_urls = self.buffered_urls, []
        self.writer.write_batch(batch)
        self._remember(urls)

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

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.article is None or self.writer is None:
            raise RuntimeError("TagPipeline must run before IndexPipeline (check ITEM_PIPELINES)")
        self.buffered_urls += [u for u in (item.fetched_url, item.article.url) if u]
        self.writer.buffer.append(article_document(item.article))
        if len(self.writer.buffer) >= self.writer.chunk_size:
            await self._write_buffered()
        self.crawler.finnews_pending_writes = len(self.writer.buffer) + self.writing
        return item

    async def _write_buffered(self) -> None:
        """Write the buffer in a thread: the crawl keeps downloading and parsing meanwhile, instead
        of waiting for Elasticsearch. Articles count as seen once their batch is written (or spooled)."""
        batch, self.writer.buffer = self.writer.buffer, []
        urls, self.buffered_urls = self.buffered_urls, []
        self.writing += len(batch)
        try:
            await maybe_deferred_to_future(threads.deferToThread(self.writer.write_batch, batch))
        finally:
            self.writing -= len(batch)
        self._remember(urls)

    def _remember(self, urls: list[str]) -> None:
        if self.seen is not None and urls:
            spider = self.crawler.spider
            self.seen.add_many(urls, spider.name if spider else "")

    def close_spider(self) -> None:
        if self.writer is None:
            return
        self._write_now()
        try:
            self.writer.refresh()
        except StoreError as error:
            logger.error("%s", error)
        for name, value in self.writer.counts.items():
            self.stats.set_value(f"finnews/articles/{name}", value)
        if self.writer.spool.count:
            logger.error("%d articles spooled to %s", self.writer.spool.count, self.writer.spool.path)
