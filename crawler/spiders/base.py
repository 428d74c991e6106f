"""What every finnews spider shares: failures counted by reason, with their URLs, logged once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.redirects import RedirectLoop
from crawler.seen import ARTICLE_FLAG, SWEEP_FLAG, AlreadySeen, SeenStore

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
        coordinator = getattr(self.crawler, "finnews_coordinator", None)
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
        request = failure.request
        reason = failure_reason(failure)
        stats = self.crawler.stats
        stats.inc_value(f"finnews/errors/{reason}")
        listed = stats.get_value("finnews/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("finnews/failures", [*listed, f"{reason} {request.url}"])
        self.logger.warning("%s: %s", reason, request.url)

    @property
    def seen_store(self) -> SeenStore | None:
        return getattr(self.crawler, "finnews_seen_store", None)

    def article_request(self, response: scrapy.http.Response, url: str, **cb_kwargs: Any) -> scrapy.Request:
        """A request for an article page, flagged so that pages already indexed are not fetched."""
        return response.follow(
            url, callback=self.parse_article, errback=self.on_error, cb_kwargs=cb_kwargs, meta={ARTICLE_FLAG: True}
        )

    def all_seen(self, urls: list[str]) -> bool:
        """True when every URL is already indexed: list paging can stop here."""
        store = self.seen_store
        if store is None or not store.trust_fully_seen or not urls or getattr(self, "sweeping", False):
            return False
        return all(store.contains(u) for u in urls)

    def parse_article(self, response: scrapy.http.Response, **kwargs: Any) -> Any:
        raise NotImplementedError
