"""What every finnews spider shares: the bookkeeping of article pages (counted, decoded, not-an-article
handled); failures counted by reason, with their URLs, logged once; and
what only a spider can tell about blocking (a list emptied, a run of non-article pages), reported
to the crawl's :class:`crawler.backoff.BlockTracker`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.backoff import BlockTracker
from crawler.blocking import SOURCE_META, domain_of, source_of
from crawler.items import ArticleItem
from crawler.redirects import RedirectLoop
from crawler.refusals import Blocked, SourceStopped
from crawler.seen import ARTICLE_FLAG, SWEEP_FLAG, AlreadySeen
from crawler.state import SeenUrls, crawl_state
from tagging.article import RawArticle
from tagging.page import NotAnArticleError, decode_html

MAX_LISTED_FAILURES = 200  # failures listed by URL in the stats (all are counted)


def failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed (used as a stats key)."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(RedirectLoop):
        return "redirect_loop"
    name = failure.type.__name__.lower() if failure.type else "unknown"
    if failure.check(TimeoutError, TCPTimedOutError) or "timeout" in name:
        return "timeout"
    if failure.check(DNSLookupError) or "resolve" in name or "dns" in name:
        return "dns"
    if failure.check(ConnectionRefusedError) or "refused" in name:
        return "connection_refused"
    return name


class FinnewsSpider(scrapy.Spider):
    """Base spider: start requests from :meth:`list_requests` (only on the seeding worker of a
    distributed crawl), an errback that records each failure once, and the seen-article store."""

    def list_requests(self) -> Iterator[scrapy.Request]:
        """The first list pages of the crawl."""
        raise NotImplementedError

    async def start(self) -> AsyncIterator[scrapy.Request]:
        coordinator = crawl_state(self.crawler).coordinator
        if coordinator is not None and not coordinator.claim_seed():
            self.logger.info("Another worker seeds this crawl; taking requests from the shared queue")
            return
        for request in self.list_requests():
            yield request

    def sweep_requests(self) -> Iterator[scrapy.Request]:
        """The list pages again, flagged so that every listed article not yet indexed is requested
        again (see crawler.distributed). Paging goes on past pages already seen: what was lost can
        be on any page."""
        self.sweeping = True
        for request in self.list_requests():
            request.meta[SWEEP_FLAG] = True
            yield request.replace(dont_filter=True)

    def on_error(self, failure: Failure) -> None:
        if failure.check(AlreadySeen):
            return  # skipped on purpose (counted by the middleware)
        stats = self.crawler.stats
        if failure.check(SourceStopped):
            stats.inc_value("finnews/blocking/dropped")  # the crawl said why when it stopped the source
            return
        if failure.check(Blocked):
            stats.inc_value("finnews/blocking/given_up")  # each blocked answer was counted as it came
            return
        request = failure.request
        reason = failure_reason(failure)
        stats.inc_value(f"finnews/errors/{reason}")
        if not request.meta.get(ARTICLE_FLAG):
            stats.inc_value("finnews/list_errors")  # a source failing, not just one page
        listed = stats.get_value("finnews/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("finnews/failures", [*listed, f"{reason} {request.url}"])
        self.logger.warning("%s: %s", reason, request.url)

    @property
    def seen_store(self) -> SeenUrls | None:
        return crawl_state(self.crawler).seen_store

    def article_request(self, response: scrapy.http.Response, url: str, **cb_kwargs: Any) -> scrapy.Request:
        """A request for an article page, flagged so that pages already indexed are not fetched; it
        belongs to the source of the list that links it."""
        meta = {ARTICLE_FLAG: True, SOURCE_META: response.meta.get(SOURCE_META)}
        return response.follow(url, callback=self.parse_article, errback=self.on_error, cb_kwargs=cb_kwargs, meta=meta)

    # --- blocking: what only the spider can tell -------------------------------------------------

    @property
    def blocking(self) -> BlockTracker | None:
        return crawl_state(self.crawler).blocking

    def answered(self, response: scrapy.http.Response) -> None:
        """A good answer (a list read, an article parsed): ends the source's run of refusals."""
        tracker = self.blocking
        if tracker is None:
            self.crawler.stats.inc_value("finnews/ok_answers")
            return
        tracker.good(source_of(response.request), domain_of(response.request))

    def refused(self, response: scrapy.http.Response, reason: str) -> Iterator[scrapy.Request]:
        """A blocked answer the downloader could not see (it looked fine): count it, back off, and
        try the request again unless its tries are used up or its source is stopped."""
        tracker = self.blocking
        if tracker is None:
            self.crawler.stats.inc_value(f"finnews/errors/blocked/{reason}")
            return
        request = response.request
        if tracker.blocked(source_of(request), domain_of(request), reason, request.url):
            return
        again = tracker.retry(request)
        if again is not None:
            yield again
        else:
            self.crawler.stats.inc_value("finnews/blocking/given_up")

    def list_key(self, response: scrapy.http.Response, name: str) -> str:
        """The identity of a list across crawls: spider, list and host."""
        return f"{self.name} {name} {domain_of(response.request)}"

    def emptied(self, key: str) -> bool:
        """True when the list answered empty but had items on an earlier crawl: a blocked answer."""
        tracker = self.blocking
        return bool(tracker and tracker.memory and tracker.memory.had_items(key))

    def remember_items(self, key: str) -> None:
        tracker = self.blocking
        if tracker and tracker.memory:
            tracker.memory.note_items(key)

    def not_an_article(self, response: scrapy.http.Response, error: Exception) -> Iterator[scrapy.Request]:
        """An article link that answered something else. One is a bad page; a run of them from one
        source is the site serving something else to us (blocked: ``not_articles``)."""
        tracker = self.blocking
        if tracker is not None and tracker.non_article(source_of(response.request), domain_of(response.request)):
            yield from self.refused(response, "not_articles")
            return
        self.crawler.stats.inc_value("finnews/errors/not_an_article")
        self.logger.warning("Not an article page %s: %s", response.url, error)

    def all_seen(self, urls: list[str]) -> bool:
        """True when every URL is already indexed: list paging can stop here."""
        store = self.seen_store
        if store is None or not store.trust_fully_seen or not urls or getattr(self, "sweeping", False):
            return False
        return all(store.contains(u) for u in urls)

    def parse_article(self, response: scrapy.http.Response, **listed: Any) -> Iterator[ArticleItem | scrapy.Request]:
        """The bookkeeping of every article page: counted, decoded from its bytes, read by the spider's
        :meth:`read_article` (with what the list knew, the request's ``cb_kwargs``); a page that is
        not an article is counted, a run of them reported as blocking; a good one ends a run of refusals."""
        self.crawler.stats.inc_value("finnews/article_pages")
        try:
            raw = self.read_article(decoded(response), response.url, **listed)
        except NotAnArticleError as error:
            yield from self.not_an_article(response, error)
            return
        self.answered(response)
        yield ArticleItem(raw=raw, fetched_url=response.url)

    def read_article(self, html: str, url: str, **listed: Any) -> RawArticle:
        """The raw article of a decoded page; :class:`NotAnArticleError` when it is not one."""
        raise NotImplementedError


def decoded(response: scrapy.http.Response) -> str:
    """A page's text decoded from its bytes: many pages declare a charset they are not in, so the
    declared one (Scrapy's ``response.encoding``) is tried but not trusted."""
    return decode_html(response.body, declared=getattr(response, "encoding", None))
