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
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import threads

from crawler.items import ArticleItem
from crawler.seen import open_seen_store
from crawler.state import crawl_state
from store.client import StoreError, connect
from store.documents import article_document
from store.lifecycle import ensure_index
from store.outcomes import KEPT_STORED_VALUES_KEY, stats_key
from store.replay import replay_spool
from store.spool import SpoolWriteError
from store.writer import ArticleWriter

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen = open_seen_store(crawler)
        self.writer: ArticleWriter | None = None
        self._stopping = False
        self._closing: object = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        if not crawler.settings.getbool("FINNEWS_INDEX_ENABLED"):
            raise NotConfigured("FINNEWS_INDEX_ENABLED is off")
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def spider_idle(self) -> None:
        """Write what is buffered whenever the crawl runs dry: an idle crawler holds no article
        only in memory (other workers of a distributed crawl rely on the seen store). A crawl of fewer
        articles than a bulk chunk (a scheduled run, a live poll) first writes here: a spool that cannot take
        them stops it as in :meth:`process_item` (review of day 17: here the error was lost in the signal's
        dispatch and the crawl, which saved nothing, exited 0 as a clean run)."""
        if self.writer is not None:
            try:
                self.writer.flush()
            except SpoolWriteError as error:
                self._stop_for_full_spool(error)

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
        self.writer = writer = ArticleWriter(
            es, chunk_size=chunk_size, on_written=self._remember, on_rejected=self._name_rejected
        )
        crawl_state(self.crawler).pending_writes = lambda: writer.pending

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.article is None or self.writer is None:
            raise RuntimeError("TagPipeline must run before IndexPipeline (check ITEM_PIPELINES)")
        # An article missing some of its pages is written but not remembered: the next crawl fetches it again.
        urls = [] if item.incomplete else [u for u in (item.fetched_url, item.linked_url, item.article.url) if u]
        document = article_document(item.article)
        # In a thread: the add that fills the buffer sends it, and the crawl keeps downloading and
        # parsing meanwhile instead of waiting for Elasticsearch.
        try:
            await maybe_deferred_to_future(threads.deferToThread(self.writer.add, document, urls=urls))
        except SpoolWriteError as error:
            self._stop_for_full_spool(error)
            raise DropItem(f"neither indexed nor spooled: {item.article.url}") from None
        return item

    def _stop_for_full_spool(self, error: SpoolWriteError) -> None:
        """Elasticsearch does not take articles and the spool cannot hold them: the crawl stops here, as a load
        does, instead of fetching articles it can only drop (hunt of day 17: a crawl went on, dropped 35 of 100
        and ended "finished", exit 0, so the next crawl trusted its lists and never fetched them again). What
        was not saved is not remembered as seen; the run ends ``spool_full``, so the next crawl pages through."""
        self.stats.inc_value("finnews/errors/spool_full")
        crawl_state(self.crawler).unclean = "spool_full"
        if self.crawler.engine is None or self.crawler.engine.spider is None or self._stopping:
            return
        self._stopping = True
        logger.error("%s", error)
        # Not awaited: the engine's close waits for the items in the pipelines, this one among them.
        self._closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason="spool_full"))

    def _name_rejected(self, url: str, why: str) -> None:
        """An article the node rejected for good (a dead letter, remembered as seen like any written one):
        named with its URL in the log and the run's failures, as a load names its line (review of day 19:
        a crawl only counted them)."""
        logger.error("%s: %s (kept as a dead letter)", url, why)
        spider = self.crawler.spider
        if spider is not None:
            spider.list_failure("dead_letter", url)

    def _remember(self, urls: list[str]) -> None:
        if self.seen is not None:
            spider = self.crawler.spider
            self.seen.add_many(urls, spider.name if spider else "")

    def close_spider(self) -> None:
        if self.writer is None:
            return
        try:
            self.writer.close()  # (its spool files complete: the next replay may take them, a live process's too)
        except SpoolWriteError as error:
            self.stats.inc_value("finnews/errors/spool_full")
            crawl_state(self.crawler).unclean = "spool_full"
            logger.error("%s", error)
        counts = self.writer.counts
        for name, value in counts.items():
            self.stats.set_value(stats_key(name), value)
        unremembered = self.writer.not_acknowledged
        if unremembered:
            # Written, but the seen store would not take them: the next crawl must page through to them (it
            # fetches them again and finds them unchanged), not stop at a list page it takes for all seen.
            self.stats.set_value("finnews/errors/seen_store_write", len(unremembered))
            crawl_state(self.crawler).unclean = "seen_store_write"
            logger.error(
                "%d written article(s) could not be remembered as seen (%s): the next crawl fetches them again",
                len(unremembered),
                self.writer.acknowledge_error,
            )
        if self.writer.kept_stored_values:
            self.stats.set_value(KEPT_STORED_VALUES_KEY, self.writer.kept_stored_values)
        if self.writer.spool.count:
            logger.error("%d articles spooled to %s", self.writer.spool.count, self.writer.spool.path)
