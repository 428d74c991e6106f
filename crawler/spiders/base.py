"""What every finnews spider shares: the bookkeeping of article pages (counted, decoded, not-an-article
handled); failures counted by reason, with their URLs, logged once; and
what only a spider can tell about blocking (a list emptied, a run of non-article pages), reported
to the crawl's :class:`crawler.backoff.BlockTracker`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from core.article import RawArticle
from core.dates import SHANGHAI
from core.urls import canonical_url, fetch_url
from crawler import settings as project_settings
from crawler.backoff import ANSWER_META_KEYS, BlockTracker
from crawler.blocking import SOURCE_META, domain_of, source_of
from crawler.drift import LayoutChangedError
from crawler.items import ArticleItem
from crawler.redirects import RedirectLoop
from crawler.refusals import Blocked, SourceStopped
from crawler.seen import ARTICLE_FLAG, LIST_END, SWEEP_FLAG, UNREAD_FOR_GOOD_S, AlreadySeen
from crawler.state import SeenUrls, crawl_state
from tagging.pages.page import NotAnArticleError, decode_html

# A page whose article the generic main-content path found must hold at least this much text to
# count as an article (a portal or error page yields a line or two of furniture).
MIN_GENERIC_TEXT = 80
PARAGRAPH_CHARS = 20  # a line shorter than this is navigation, a label or a date, not a paragraph

MAX_LISTED_FAILURES = 200  # failures listed by URL in the stats (all are counted)
# Request.meta key: the address a list linked an article at, when it is fetched at another (core.urls.fetch_url
# folds Eastmoney's channel hosts to finance.eastmoney.com): tried there once if the fetched address answers 404.
LINKED_META = "finnews_linked_at"
LIST_META = "finnews_list"  # Request.meta key: the list that linked an article (FinnewsSpider.list_key)


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


# Answers that another try will not mend: the page is gone.
GONE_FOR_GOOD = frozenset(("http_404", "http_410"))

# Why a crawl that left a listed page unread is not a clean one (crawler.state.CrawlState.unclean).
LEFT_UNREAD = "pages_left_unread"


def may_come_later(failure: Failure) -> bool:
    """Whether a failed request may succeed on another crawl: a timeout, a 5xx, a refusal, a source stopped as
    blocked may all pass; a page gone (404, 410), a request robots.txt forbids, a redirect loop do not."""
    if failure.check(HttpError, Blocked, SourceStopped):  # (IgnoreRequest's kinds that tell a passing failure)
        return failure_reason(failure) not in GONE_FOR_GOOD
    return not failure.check(IgnoreRequest)


# A first list page shorter than half of what it was is a layout change when it was at least this long (a list
# of a few items may well halve).
SHRINK_NOTICED_FROM = 10


class FinnewsSpider(scrapy.Spider):
    """Base spider: start requests from :meth:`list_requests` (only on the seeding worker of a
    distributed crawl), an errback that records each failure once, and the seen-article store."""

    # The body path of the site's own layout (tagging.pages.body): an article found by another path means
    # the page changed (crawler.drift). None: the spider knows no layout of its own (feeds).
    own_layout: str | None = None

    # The setting that says how many pages of each list a crawl reads back (``-a max_pages=N`` overrides it).
    max_pages_setting = ""

    def __init__(self, check: str | None = None, max_pages: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if max_pages is not None and not (str(max_pages).isdigit() and int(max_pages) > 0):
            raise ValueError(f"max_pages={max_pages!r} is not a whole number ≥ 1")
        self.max_pages_arg = int(max_pages) if max_pages else None
        # ``-a check=1`` (finnews sites check): each list's first page and its first article only,
        # and what each source gave noted in ``self.report`` (crawler.check).
        self.checking = str(check or "").lower() in ("1", "true", "yes")
        self.report: dict[str, dict[str, Any]] = {}
        self.layout_logged: set[str] = set()
        self.lists_known: dict[str, bool] = {}  # list key → whether the seen store knew it before this crawl
        self.first_pages: dict[str, list[str]] = {}  # list key → the articles its first page linked, this crawl
        self.listed_by_list: dict[str, set[str]] = {}  # list source → the article URLs its pages gave, this crawl
        # list key → the page it was read to, for each list this crawl caught up after an unclean run (page_on):
        # the seen store records it at the crawl's end (crawler.seen.CatchUp)
        self.caught_up: dict[str, int] = {}
        # list key → its articles found without body text whose wait is over, not yet listed this crawl
        # (:meth:`all_seen`); the lists whose paging went on past a fully-seen page for them (paging: that page
        # read; paged: a page after it read too, :meth:`bodyless_not_found`)
        self.bodyless_sought: dict[str, set[str]] = {}
        self.paged_for_bodyless: set[str] = set()
        self.paging_for_bodyless: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FinnewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.article_not_processed, signal=signals.item_error)
        return spider

    def article_not_processed(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        """An article an item pipeline raised on (a bug, an article nobody foresaw): Scrapy only logs it, so the
        article was lost to the index with "errors: none" and exit 0 (review of day 22). It is counted as an answer
        that could not be parsed (the crawl fails, as for a callback's exception), named with its URL, and the crawl
        is not a clean one, so the next crawl asks for the page again (:meth:`left_unread`)."""
        stats = self.crawler.stats
        stats.inc_value(f"spider_exceptions/{failure.type.__name__ if failure.type else 'Exception'}")
        stats.inc_value("finnews/errors/article_not_processed")
        url = getattr(item, "fetched_url", None) or getattr(getattr(item, "raw", None), "url", None) or "?"
        self.list_failure(f"article_not_processed ({failure.getErrorMessage()[:200]})", url)
        self.left_unread(None if url == "?" else url)

    def source_report(self, source: str | None) -> dict[str, Any]:
        """What a source gave so far (its list answer, its problems), for ``finnews sites check``."""
        return self.report.setdefault(str(source or "?"), {"problems": []})

    def note_problem(self, request: scrapy.Request, problem: str) -> None:
        self.source_report(request.meta.get(SOURCE_META))["problems"].append(f"{problem} {request.url}")

    def note_list(self, response: scrapy.http.Response, items: int, next_page: str | None, **more: Any) -> None:
        """A list answer read: how many items, where the next page is (URL or cursor)."""
        entry = self.source_report(response.meta.get(SOURCE_META))
        entry.setdefault("list", {"url": response.url, "items": items, "next": next_page, **more})

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

    def on_error(self, failure: Failure) -> list[scrapy.Request] | None:
        if failure.check(AlreadySeen):
            return None  # skipped on purpose (counted by the middleware)
        stats = self.crawler.stats
        linked = failure.request.meta.get(LINKED_META)
        if linked and failure.check(HttpError) and failure.value.response.status == 404:
            # The article's code is fetched at finance.eastmoney.com, as the channel hosts' lists are reported
            # to share it (core/urls.py); a page that is not there after all is read where its list linked it.
            stats.inc_value("finnews/articles_fetched_where_linked")
            self.logger.info("%s answered 404: the article is fetched where linked, %s", failure.request.url, linked)
            # (its own download slot and pace: the meta of the answer at finance is not carried over)
            dropped = {LINKED_META, "download_slot", "redirect_urls", "redirect_times", *ANSWER_META_KEYS}
            meta = {key: value for key, value in failure.request.meta.items() if key not in dropped}
            return [failure.request.replace(url=linked, meta=meta, dont_filter=True)]
        if may_come_later(failure):
            # (a refusal or a stopped source is the site's, not the page's: it passes with the block, however long)
            own = not failure.check(Blocked, SourceStopped)
            meta = failure.request.meta
            sought_by = meta.get(LIST_META) if own and meta.get(ARTICLE_FLAG) else None
            self.left_unread(failure.request.url if own else None, sought_by=sought_by)
        if failure.check(SourceStopped):
            stats.inc_value("finnews/blocking/dropped")  # the crawl said why when it stopped the source
            return None
        if failure.check(Blocked):
            stats.inc_value("finnews/blocking/given_up")  # each blocked answer was counted as it came
            self.note_problem(failure.request, f"blocked/{failure.value.reason}")
            return None
        request = failure.request
        reason = failure_reason(failure)
        self.note_problem(request, reason)
        stats.inc_value(f"finnews/errors/{reason}")
        if not request.meta.get(ARTICLE_FLAG):
            stats.inc_value("finnews/list_errors")  # a source failing, not just one page
        self.list_failure(reason, request.url)
        self.logger.warning("%s: %s", reason, request.url)
        return None

    def left_unread(self, url: str | None = None, sought_by: str | None = None) -> None:
        """A listed page (an article, a later page of one, a list page) was not read this crawl for a reason that
        may pass. The crawl is then not a clean one: the next crawl reads each list as deep as this one did whatever
        it has seen (crawler.seen.CatchUp), and so asks for that page again. Otherwise it stopped at the first page
        already seen, and an article that failed beyond it (a timeout, a 500, a source stopped as blocked) was never
        fetched again (review of day 22: two crawls of the replica, an article answering 500 in the first).
        A page ``url`` (given for a failure of the page's own: an error answer, a timeout, a pipeline's exception)
        whose run of failures (the page not read between them) began more than UNREAD_FOR_GOOD_S ago (crawler.seen)
        no longer does so: one that fails on every crawl made every crawl read every list to max_pages as long as it
        was listed (review of the day's changes). A refusal or a stopped source (no ``url``) always does: it is the
        site's, and passes with the block however long it lasts. An article page failing so, linked by the list
        ``sought_by``, is then sought as one found without body text is (:meth:`sought_later`)."""
        store = self.seen_store
        if url is not None and store is not None:
            unread_for = (datetime.now(SHANGHAI) - store.unread_since(self.page_identity(url))).total_seconds()
            if unread_for > UNREAD_FOR_GOOD_S:
                self.crawler.stats.inc_value("finnews/pages_left_unread_for_a_day")
                if sought_by:
                    self.sought_later(store, url, sought_by)
                return
        state = crawl_state(self.crawler)
        state.unclean = state.unclean or LEFT_UNREAD

    def sought_later(self, store: SeenUrls, url: str, list_key: str) -> None:
        """An article page whose own failures have gone on for a day (:meth:`left_unread`) no longer makes the crawl
        unclean; "asked for whenever its page is read", it was lost for good once newer articles pushed it past the
        first page seen whole and it then came back (review of day 23). It is noted as an article found without
        body text is (crawler.seen.Bodyless): fetched again after growing waits (10 minutes to a day), its list
        paged on past fully-seen pages to it while it is due (:meth:`all_seen`), given up after the last wait (then
        asked for whenever its page is read, as before)."""
        try:
            store.note_bodyless(url, list_key)
        except Exception as error:  # (a failure's path: a locked store, a lost connection cost this search only)
            self.logger.warning("could not note %s to be sought later: %s", url, error)
            return
        self.crawler.stats.inc_value("finnews/failing_articles_sought_later")

    def page_identity(self, url: str) -> str:
        """The address of a page across crawls (:meth:`left_unread`): its URL, unless a spider's requests carry a
        part that changes every time."""
        return url

    def list_failure(self, reason: str, url: str) -> None:
        """Name a failure with its URL in the stats (the first MAX_LISTED_FAILURES of them)."""
        stats = self.crawler.stats
        listed = stats.get_value("finnews/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("finnews/failures", [*listed, f"{reason} {url}"])

    def layout_changed(self, response: scrapy.http.Response, what: str, detail: str) -> None:
        """An answer in a form the parsers do not know: counted under ``layout_changed/<what>`` with
        its URL and logged as an error, so that the run is partial or failed and the crawl exits
        non-zero (crawler.drift)."""
        self.layout_changed_at(response.url, response.meta.get(SOURCE_META), what, detail)

    def layout_changed_at(self, url: str, source: str | None, what: str, detail: str, count: int = 1) -> None:
        """:meth:`layout_changed` for what an item pipeline finds: ``count`` pages of ``source``, the
        first at ``url``."""
        change = LayoutChangedError(what, detail)
        self.crawler.stats.inc_value(f"finnews/errors/{change.reason}", count)
        sources = self.crawler.stats.get_value("finnews/layout_changed_sources") or []
        if source and source not in sources:
            self.crawler.stats.set_value("finnews/layout_changed_sources", [*sources, str(source)])
        self.list_failure(change.reason, url)
        self.source_report(source)["problems"].append(f"{change.reason} ({change}) {url}")
        if change.what not in self.layout_logged:  # once per kind of change: the summary lists every URL
            self.layout_logged.add(change.what)
            self.logger.error("Layout changed (%s) at %s: %s", change.what, url, change)

    @property
    def seen_store(self) -> SeenUrls | None:
        return crawl_state(self.crawler).seen_store

    def article_request(self, response: scrapy.http.Response, url: str, **cb_kwargs: Any) -> scrapy.Request:
        """A request for an article page, flagged so that pages already indexed are not fetched; it
        belongs to the source of the list that links it."""
        source = response.meta.get(SOURCE_META)
        meta = {ARTICLE_FLAG: True, SOURCE_META: source, LIST_META: self.list_key(response, str(source or ""))}
        linked, fetched = response.urljoin(url), fetch_url(response.urljoin(url))
        if urlsplit(linked).hostname != urlsplit(fetched).hostname:
            meta[LINKED_META] = linked
        # A check reads each source's first article even when another source listed it too.
        return response.follow(
            fetched,
            callback=self.parse_article,
            errback=self.on_error,
            cb_kwargs=cb_kwargs,
            meta=meta,
            dont_filter=self.checking,
        )

    # --- blocking: what only the spider can tell -------------------------------------------------

    @property
    def blocking(self) -> BlockTracker | None:
        return crawl_state(self.crawler).blocking

    def answered(self, response: scrapy.http.Response) -> None:
        """A good answer (a list read, an article parsed): ends the source's run of refusals, and a list page's run
        of failures (:meth:`left_unread`; an article read is remembered as seen and not asked for again)."""
        store = self.seen_store
        request = getattr(response, "request", None)
        if store is not None and request is not None and not request.meta.get(ARTICLE_FLAG):
            store.read_again(self.page_identity(response.url))
        tracker = self.blocking
        if tracker is None:
            self.crawler.stats.inc_value("finnews/ok_answers")
            return
        tracker.good(source_of(response.request), domain_of(response.request))

    def refused(self, response: scrapy.http.Response, reason: str) -> Iterator[scrapy.Request]:
        """A blocked answer the downloader could not see (it looked fine): count it, back off, and
        try the request again unless its tries are used up or its source is stopped."""
        tracker = self.blocking
        self.note_problem(response.request, f"blocked/{reason}")
        if tracker is None:
            self.crawler.stats.inc_value(f"finnews/errors/blocked/{reason}")
            return
        request = response.request
        if tracker.blocked(source_of(request), domain_of(request), reason, request.url):
            self.left_unread()
            return
        again = tracker.retry(request)
        if again is not None:
            yield again
        else:
            self.crawler.stats.inc_value("finnews/blocking/given_up")
            self.left_unread()

    def list_key(self, response: scrapy.http.Response, name: str) -> str:
        """The identity of a list across crawls: spider, list and host."""
        return f"{self.name} {name} {domain_of(response.request)}"

    def emptied(self, key: str) -> bool:
        """True when the list answered empty but had items on an earlier crawl: a blocked answer."""
        tracker = self.blocking
        return bool(tracker and tracker.memory and tracker.memory.had_items(key))

    def remember_items(self, key: str, count: int | None = None) -> None:
        tracker = self.blocking
        if tracker and tracker.memory:
            tracker.memory.note_items(key, count)

    def first_page_shrunk(self, response: scrapy.http.Response, key: str, count: int) -> bool:
        """Note how many articles a list's first page gives; True, reported as a layout change (``list_shrunk``),
        when it gives less than half of what it gave on an earlier crawl (of at least
        :data:`SHRINK_NOTICED_FROM`): a list page whose main list went (rendered by a script, say) while its side
        blocks stay reads as a short list, every day, and a crawl that stops at page 1 (all seen) would never
        notice (live-answer audit, day 17). Asked of list pages, whose length is the site's; an API's page is as long
        as the crawl asks (its page size may change between crawls)."""
        tracker = self.blocking
        memory = tracker.memory if tracker else None
        before = memory.items_before(key) if memory else None
        shrunk = before is not None and before >= SHRINK_NOTICED_FROM and 2 * count < before
        if not shrunk:
            self.remember_items(key, count)
        # (shrunk: the longer count stays as it was noted, and is forgotten with it after BLOCKING_LIST_MEMORY_DAYS,
        # so a list that really got shorter is reported for that long, not for ever: review of day 17)
        if shrunk:
            detail = f"the first page lists {count} articles where it listed {before} before: its main list may be gone"
            self.layout_changed(response, "list_shrunk", detail)
        return shrunk

    def not_an_article(self, response: scrapy.http.Response, error: Exception) -> Iterator[scrapy.Request]:
        """An article link that answered something else. One is a bad page; a run of them from one
        source is the site serving something else to us (blocked: ``not_articles``)."""
        tracker = self.blocking
        if tracker is not None and tracker.non_article(source_of(response.request), domain_of(response.request)):
            yield from self.refused(response, "not_articles")
            return
        self.crawler.stats.inc_value("finnews/errors/not_an_article")
        self.note_problem(response.request, f"not_an_article ({error})")
        self.logger.warning("Not an article page %s: %s", response.url, error)

    # --- list reach: paging on past max_pages after a gap, or saying that a list was cut -----------

    def note_list_read(self, key: str) -> None:
        """A list's first page read: whether the seen store knew the list before is kept for this
        crawl. (The store learns a list only once articles it links are among those seen: see
        :meth:`page_on`.)"""
        store = self.seen_store
        if key in self.lists_known or store is None:
            return
        self.lists_known[key] = store.knows_list(key)

    def repeats_earlier_pages(self, response: scrapy.http.Response, page: int, urls: list[str]) -> bool:
        """Note the article URLs a list page gives; True, reported as a layout change (``list_repeats``), when a
        page after the first gives only URLs its list's earlier pages gave in this crawl: the same page again
        (an API that ignores its cursor or page index, a next-page link back to a page read, a list page whose
        main list is gone and whose side blocks remain). Paging on from it would read it again to max_pages
        and lose every article the list holds further back, with no error (live-answer audit, day 17). A
        sweep lists the pages again on purpose: not asked then."""
        listed = self.listed_by_list.setdefault(str(response.meta.get(SOURCE_META) or ""), set())
        new = set(urls) - listed
        listed.update(new)
        if page <= 1 or not urls or new or getattr(self, "sweeping", False):
            return False
        detail = f"page {page} lists only articles its earlier pages listed: the list ignores its paging"
        self.layout_changed(response, "list_repeats", detail)
        return True

    def page_on(
        self,
        response: scrapy.http.Response,
        name: str,
        page: int,
        urls: list[str],
        goes_on: bool,
        max_pages: int,
        last_page: int | None = None,
    ) -> bool:
        """Whether to read the page after ``page`` of the list ``name``, whose page ``page`` was worth
        paging on from (not all seen, not past ``since``) and lists ``urls``; ``goes_on``: the list says
        it has a next page; ``last_page``: the deepest page the site serves. Up to ``max_pages``, yes.
        Beyond it only while every page is new, for a list the seen store knew before this crawl, up to
        FINNEWS_CATCH_UP_PAGES: what an outage let pile up is read back to the articles seen before.
        A page still all new where paging must stop (the cap, or the site's last page) means items the
        list moved past may never be listed again: counted
        (``finnews/list_truncated``), named in the failures and logged, and the run is partial. A
        list's first read (the seen store did not know it) starts ``max_pages`` back: nothing skipped.
        The store knows a list once a first page of it links articles already seen (written by an earlier
        crawl): a list whose articles never reach the store (indexing off, dead links) is never caught
        up, and without a seen store a crawl is not incremental: it reads ``max_pages`` back, said by no
        one (review of the day: both made every run page 25 deep or partial)."""
        key = self.list_key(response, name)
        store = self.seen_store
        if page == 1 and store is not None and not self.lists_known.get(key):
            if urls and not self.none_seen(urls):
                store.note_list(key)  # its articles are among those seen: a list the store knows
            else:
                self.first_pages.setdefault(key, list(urls))  # known once they are written (closed)
        depth = store.catch_up_depth(key) if store is not None else 0
        if depth and not self.checking and not getattr(self, "sweeping", False):
            return self._catching_up(response, name, key, page, urls, goes_on, max(max_pages, depth), last_page)
        if page < max_pages:
            return True
        if self.seeking_bodyless(key, page, goes_on):
            return True
        if self.checking or getattr(self, "sweeping", False) or not goes_on or not urls or not self.none_seen(urls):
            return False  # the list ends here, or reached what earlier crawls read
        if store is None:
            return False
        cap = self.settings.getint("FINNEWS_CATCH_UP_PAGES")
        if last_page is not None:
            cap = min(cap, last_page)
        known = self.lists_known.get(key, False)
        if known and page < cap:
            self.crawler.stats.inc_value("finnews/list_catch_up_pages")
            if page == max_pages:
                self.logger.warning(
                    "%s: page %d (max_pages) is all new: paging on to the articles seen before (at most %d pages)",
                    name,
                    page,
                    cap,
                )
            return True
        if not known:
            # A list's first read: how far back it starts is what max_pages says; nothing was skipped.
            self.logger.info("%s: first read of this list, %d page(s) back", name, page)
            return False
        self.list_truncated(response, name, page)
        return False

    def seeking_bodyless(self, key: str, page: int, goes_on: bool) -> bool:
        """Whether to page the list ``key`` on past its max_pages, at page ``page``, for an article it linked that was
        found without body text, is due and no page read so far listed (:meth:`all_seen`): up to
        FINNEWS_BODYLESS_SEEK_PAGES, so that a poll of one page reaches one that newer articles pushed to page 2 (it
        never did: review of day 23). A crawl reading as deep already seeks it within its max_pages. Not found there,
        it counts once more (:meth:`bodyless_not_found`) and waits its next wait: a poll every two minutes seeks it
        once a wait, not every time."""
        if self.checking or getattr(self, "sweeping", False) or not goes_on or not self.bodyless_sought.get(key):
            return False
        if page >= self.settings.getint("FINNEWS_BODYLESS_SEEK_PAGES", 3):
            return False
        self.paging_for_bodyless.add(key)
        self.crawler.stats.inc_value("finnews/list_pages_paged_on_for_bodyless")
        return True

    def _catching_up(
        self,
        response: scrapy.http.Response,
        name: str,
        key: str,
        page: int,
        urls: list[str],
        goes_on: bool,
        reach: int,
        last_page: int | None,
    ) -> bool:
        """:meth:`page_on` for a list to catch up after an unclean run (crawler.seen.CatchUp): read ``reach``
        pages back (the unclean run's max_pages, or this crawl's if deeper; at most FINNEWS_CATCH_UP_PAGES) whatever
        was seen, then on while pages are all new (the list moved on since), up to FINNEWS_CATCH_UP_PAGES; caught up
        at the first page beyond that holds an article seen, or at the list's end. (A page with one article never
        seen, a dead link or a page that is no article, is caught up too: waiting for it to be seen read 25 pages
        of every crawl for ever; review of day 17.) A page still all new at the cap is a truncated list."""
        store = self.seen_store
        assert store is not None
        if not goes_on or not urls:
            self.caught_up[key] = LIST_END
            return False
        cap = self.settings.getint("FINNEWS_CATCH_UP_PAGES")
        if last_page is not None:
            cap = min(cap, last_page)
        if page < min(reach, max(cap, 1)):
            return True
        if not self.none_seen(urls):
            self.caught_up[key] = page
            return False
        if page < cap:
            self.crawler.stats.inc_value("finnews/list_catch_up_pages")
            if page == reach:
                self.logger.warning(
                    "%s: catching up after an unclean run: page %d is all new, paging on (at most %d)", name, page, cap
                )
            return True
        self.list_truncated(response, name, page)
        return False

    def closed(self, reason: str) -> None:
        """Scrapy calls this when the crawl ends, after the item pipelines closed (what they wrote is
        remembered by then): a list read for the first time becomes known to the seen store once an
        article of its first page is among those seen."""
        store = self.seen_store
        if store is None:
            return
        for key, urls in self.first_pages.items():
            if urls and not self.none_seen(urls):
                store.note_list(key)
        if reason == "finished" and not crawl_state(self.crawler).unclean:
            self.bodyless_not_found(store)

    def bodyless_not_found(self, store: SeenUrls) -> None:
        """The articles found without body text that a list was paged on for, past a fully-seen page, and
        that it did not list as far as this crawl read it (max_pages, or the list's end): too far back now, or
        gone. Each counts as found so once more (crawler.seen.Bodyless): it waits the next wait, and is written
        off after the last, so that a video article out of reach does not make every crawl read its list to
        max_pages for ever. (A crawl that did not page on for it searched nothing; a poll of one page pages on for it
        to FINNEWS_BODYLESS_SEEK_PAGES: :meth:`seeking_bodyless`.)"""
        for key in self.paged_for_bodyless:
            for url in sorted(self.bodyless_sought.get(key, ())):
                if store.contains(url):  # fetched with its text through another list meanwhile: found
                    continue
                store.note_bodyless(url, key)
                self.crawler.stats.inc_value("finnews/bodyless_not_listed")
                self.logger.info("%s: not listed as far as the list was read; fetched again later", url)

    @staticmethod
    def list_ran_out(listed: tuple[int, int] | None) -> bool:
        """Whether a later list page that lists nothing comes after its list ran out: ``listed`` is how many articles
        the list's first page and the page before this one listed (None: not recorded, taken as the end as before),
        and the page before was short, under half the first. An empty page after a full one is an answer that failed
        (a transient empty or cut-off page served with 200: :meth:`list_page_empty`)."""
        if listed is None:
            return True
        first, before = listed
        return 2 * before < first

    def list_page_empty(self, response: scrapy.http.Response, page: int, name: str) -> None:
        """A later list page of the list ``name`` that listed nothing where its list goes on (:meth:`list_ran_out`):
        a page left unread for a reason that may pass, so that the next crawl reads the list as deep again
        (:meth:`left_unread`); counted as a list error, named with its URL. Taken for the list's end, the crawl was
        clean and what lay beyond the page was never read (review of day 23). Unless it was so on the crawl before
        too (:meth:`empty_before`): then it is the list's end after all."""
        if self.empty_before(response.url):
            self.crawler.stats.inc_value("finnews/list_ends")
            self.list_ended(response, name)
            self.logger.info(
                "No article links on %s (page %d), as on an earlier crawl: end of this list", response.url, page
            )
            return
        stats = self.crawler.stats
        stats.inc_value("finnews/errors/list_page_empty")
        stats.inc_value("finnews/list_errors")
        self.note_problem(response.request, "list_page_empty")
        self.list_failure("list_page_empty", response.url)
        self.left_unread(response.url)
        self.logger.warning(
            "No article links on %s (page %d) where its list goes on: read again next crawl", response.url, page
        )

    def empty_before(self, url: str) -> bool:
        """Whether the list page ``url``, empty now, was empty (or failed) on an earlier crawl too, not read between
        (its run of failures began before this crawl: crawler.seen). A column whose last page is full ends in an
        empty page its pager offers (sites.md 3.3): taken for one that failed on every crawl reaching it, every such
        crawl was unclean and the next read every list of the spider as deep again, for a day (review of 44a66a8).
        A transient empty answer does not come back crawl after crawl. The run is left going (the page is not
        :meth:`answered`), so that the crawls after take it for the end as well."""
        store = self.seen_store
        started = self.crawler.stats.get_value("start_time")
        if store is None or not isinstance(started, datetime) or self.checking:
            return False
        return store.unread_since(self.page_identity(url)) < started

    def list_truncated(self, response: scrapy.http.Response, name: str, page: int) -> None:
        stats = self.crawler.stats
        stats.inc_value("finnews/list_truncated")
        sources = stats.get_value("finnews/list_truncated_sources") or []
        if name not in sources:
            stats.set_value("finnews/list_truncated_sources", [*sources, name])
        self.list_failure("list_truncated", f"{name} after {page} page(s), the last all new: {response.url}")
        self.logger.warning(
            "%s: %d page(s) read and the last is still all new: older items may be missed (a list the seen "
            "store knew is read back up to FINNEWS_CATCH_UP_PAGES; raise max_pages or poll more often)",
            name,
            page,
        )

    def none_seen(self, urls: list[str]) -> bool:
        """True when no URL is known to the seen store (always, without one)."""
        store = self.seen_store
        return store is None or not any(store.contains(u) for u in urls)

    def all_seen(self, urls: list[str], key: str | None = None) -> bool:
        """True when every URL is already indexed: paging the list ``key`` (FinnewsSpider.list_key) can stop
        here, unless it must be caught up after an unclean run (:meth:`page_on`), or an article it linked that
        was found without body text is due to be fetched again and not yet listed: newer articles pushed it
        further back, and a crawl that stopped here never asked for it again, its summary indexed for good
        (a risk the day-22 review left, confirmed by a crawl of the replica). Paged on to it up to max_pages
        (:meth:`bodyless_not_found`)."""
        store = self.seen_store
        trusted = store is not None and (store.trusts(key) if key is not None else store.trust_fully_seen)
        if store is None or not trusted or not urls or getattr(self, "sweeping", False):
            return False
        sought = self.unlisted_bodyless(key, urls) if key is not None and not self.checking else set()
        if not all(store.contains(u) for u in urls):
            return False
        if sought:
            self.paging_for_bodyless.add(key)
            self.crawler.stats.inc_value("finnews/list_pages_fully_seen_paged_on_for_bodyless")
            return False
        return True

    def unlisted_bodyless(self, key: str, urls: list[str]) -> set[str]:
        """The articles of the list ``key`` found without body text that are due to be fetched again and that no
        page of it listed yet in this crawl, ``urls`` (a page's) now among those listed."""
        store = self.seen_store
        if key not in self.bodyless_sought:
            self.bodyless_sought[key] = store.bodyless_due(key) if store is not None else set()
        if key in self.paging_for_bodyless:
            self.paged_for_bodyless.add(key)  # a page read for them
        sought = self.bodyless_sought[key]
        sought -= {canonical_url(fetch_url(url)) for url in urls}
        return sought

    def _max_pages(self) -> int:
        """How many pages of each list this crawl reads: one when checking the sites, else ``-a max_pages=N`` or the
        spider's setting (1 for a spider that has none: it does not page)."""
        if self.checking:
            return 1
        if not self.max_pages_setting:
            return self.max_pages_arg or 1
        default = getattr(project_settings, self.max_pages_setting)  # (a crawler built without the project's settings)
        return self.max_pages_arg or self.settings.getint(self.max_pages_setting, default)

    def run_depth(self) -> int:
        """How many pages of each list this crawl reads (its max_pages; 1 for a spider that does not page)."""
        return self._max_pages()

    def list_ended(self, response: scrapy.http.Response, name: str) -> None:
        """The list ``name`` has no page after this one: caught up, if it was to be (:meth:`page_on`)."""
        store = self.seen_store
        key = self.list_key(response, name)
        if store is not None and store.catch_up_depth(key) and not self.checking:
            self.caught_up[key] = LIST_END

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
        if self.own_layout and not (raw.body_source or "").startswith(self.own_layout):
            # The article was found, but not where the site's layout puts it: the page changed.
            self.layout_changed(response, "article_body", f"no known body container ({raw.body_source})")
        if self.own_layout and not raw.title:
            self.layout_changed(response, "article_title", "no title on the page or in its list entry")
        yield ArticleItem(
            raw=raw,
            fetched_url=response.url,
            linked_url=(response.meta.get("redirect_urls") or [None])[0],  # set by Scrapy's RedirectMiddleware
            listed_by=response.meta.get(SOURCE_META),
            listed_in=response.meta.get(LIST_META),
        )

    def read_article(self, html: str, url: str, **listed: Any) -> RawArticle:
        """The raw article of a decoded page; :class:`NotAnArticleError` when it is not one."""
        raise NotImplementedError


def decoded(response: scrapy.http.Response) -> str:
    """A page's text decoded from its bytes: many pages declare a charset they are not in, so the
    declared one (Scrapy's ``response.encoding``) is tried but not trusted."""
    return decode_html(response.body, declared=getattr(response, "encoding", None), name=response.url)


def generic_article(html: str, url: str, source: str) -> RawArticle:
    """The article of a page whose site layout was not found, by the generic main-content path
    (:func:`tagging.pages.body.decide`); :class:`NotAnArticleError` when that finds no article either (an
    error, portal or list page, or a page cut off before its body: what is left of those is
    navigation, a title and a summary, none of which counts as article text here)."""
    from tagging.pages.body import decide

    raw = decide(html, url)
    kept = (
        raw.kept_text
        if raw.kept_text is not None
        else (raw.body_tree.text_content() if raw.body_tree is not None else "")
    )
    if article_text_chars(kept or "", raw.title, raw.digest) < MIN_GENERIC_TEXT:
        raise NotAnArticleError("no article body: neither the site's layout nor main-content extraction found one")
    raw.source = source
    raw.url = raw.url or url
    return raw


def article_text_chars(text: str, title: str | None, digest: str | None) -> int:
    """Characters of paragraph-like lines (at least PARAGRAPH_CHARS long, not the title or summary)."""
    known = "".join((title or "", digest or "")).replace(" ", "")
    total = 0
    for line in text.splitlines():
        compact = "".join(line.split())
        if len(compact) >= PARAGRAPH_CHARS and compact not in known:
            total += len(compact)
    return total
