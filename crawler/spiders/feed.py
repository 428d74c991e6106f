"""The generic ``feed`` spider: any source listed in ``configs/sites.yaml`` by an RSS/Atom feed or
a sitemap, its article pages read with that site's CSS selectors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from core.article import RawArticle
from core.dates import SHANGHAI, parse_datetime
from core.urls import canonical_url
from crawler.blocking import SOURCE_META, Blocked, SourceStopped
from crawler.seen import ARTICLE_FLAG, AlreadySeen
from crawler.settings import FEED_PAGE_SIZE
from crawler.sites import Feed, load_sites
from crawler.spiders.base import FinnewsSpider
from tagging.pages.generic import parse_with_selectors

# The root elements of the documents each feed type is: anything else (an HTML page served with 200 where the
# feed was, a JSON error) is a feed that went, not a feed with no news (audit of day 20).
FEED_ROOTS = {"rss": ("rss", "RDF", "channel"), "atom": ("feed",), "sitemap": ("urlset", "sitemapindex")}


Dated = tuple[str, datetime | None]  # a feed entry's link and the time it gives (published, updated), if any


def feed_links(body: bytes, feed_type: str) -> tuple[str, list[str]]:
    """``(root, links)`` of an RSS or Atom document: its root element's name and its article links
    (namespaces ignored)."""
    root, dated = feed_entries(body, feed_type)
    return root, [link for link, _ in dated]


def feed_entries(body: bytes, feed_type: str) -> tuple[str, list[Dated]]:
    """``(root, entries)`` of an RSS or Atom document: its root element's name and its article links, each with
    its entry's time (RSS pubDate or dc:date, Atom published or updated; namespaces ignored)."""
    selector = scrapy.Selector(text=body.decode("utf-8", errors="replace"), type="xml")
    selector.remove_namespaces()
    root = selector.xpath("name(/*)").get() or ""
    entries: list[Dated] = []
    if feed_type == "atom":
        for entry in selector.xpath("//entry"):
            link = entry.xpath("link[not(@rel) or @rel='alternate']/@href").get()
            entries.append((link or "", entry_time(entry.xpath("published/text() | updated/text()").get())))
    else:
        by_link = bool(selector.xpath("//item/link/text()"))  # (else every item is known by its guid)
        for item in selector.xpath("//item"):
            link = item.xpath("link/text()" if by_link else "guid/text()").get()
            entries.append((link or "", entry_time(item.xpath("pubDate/text() | date/text()").get())))
    return root, [(link.strip(), when) for link, when in entries if link.strip()]


def sitemap_entries(body: bytes) -> tuple[str, list[str]]:
    """``(kind, locations)`` of a sitemap: ``sitemapindex`` (more sitemaps) or ``urlset`` (pages)."""
    kind, dated = sitemap_dated_entries(body)
    return kind, [loc for loc, _ in dated]


def sitemap_dated_entries(body: bytes) -> tuple[str, list[Dated]]:
    """:func:`sitemap_entries` with each location's ``lastmod``."""
    sitemap = Sitemap(body)
    return sitemap.type, [(entry["loc"], entry_time(entry.get("lastmod"))) for entry in sitemap if entry.get("loc")]


def entry_time(text: str | None) -> datetime | None:
    """A feed entry's time: RFC 822 (RSS pubDate: ``Mon, 07 Dec 2026 10:00:00 +0800``) or W3C/ISO 8601 (a sitemap's
    lastmod, Atom's updated); a time without a zone is Beijing time."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return parse_datetime(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def newest_first(entries: list[Dated]) -> list[str]:
    """A feed's links newest first by their times when every entry gives one; else as written (an RSS or Atom feed
    most often writes its newest first, a sitemap in no promised order)."""
    if entries and all(when is not None for _, when in entries):
        ordered = sorted(entries, key=lambda entry: entry[1], reverse=True)  # type: ignore[arg-type, return-value]
        return [link for link, _ in ordered]
    return [link for link, _ in entries]


def recently_changed(children: list[Dated], count: int) -> list[str]:
    """The sitemaps of an index to read: the ``count`` changed last (by lastmod), and any changed as late as the last
    of those (an index regenerated with one lastmod for all is read whole); all of them, in order, when one is
    undated."""
    if len(children) <= count or any(when is None for _, when in children):
        return [link for link, _ in children]
    ordered = sorted(children, key=lambda child: child[1], reverse=True)  # type: ignore[arg-type, return-value]
    cut = ordered[count - 1][1]
    return [link for link, when in ordered if when is not None and when >= cut]


def failed_last(urls: list[str], failed: set[str]) -> list[str]:
    """``urls`` in their order, those whose canonical form is in ``failed`` (asked for on an earlier crawl, and failed)
    after the others: a sitemap that lists more pages gone (404) or not articles than a crawl asks for kept the same
    ones first on every crawl, and the pages after them were never asked for (review of fc305cd)."""
    fresh = [url for url in urls if canonical_url(url) not in failed]
    return fresh + [url for url in urls if canonical_url(url) in failed]


def feed_body(response: Response, max_size: int = 0) -> bytes:
    """A feed's document: a gzipped one (sitemaps.org allows sitemap.xml.gz, and indexes often list their sitemaps
    so) unpacked, as Scrapy undoes only a Content-Encoding; at most ``max_size`` bytes unpacked (0: no limit)."""
    return gunzip(response.body, max_size=max_size) if gzip_magic_number(response) else response.body


class FeedSpider(FinnewsSpider):
    name = "feed"

    max_pages_setting = "FEED_MAX_PAGES"

    def __init__(self, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_names = [s.strip() for s in site.split(",")] if site else None

    def _page_size(self) -> int:
        return max(1, self.settings.getint("FEED_PAGE_SIZE", FEED_PAGE_SIZE))

    def feeds(self) -> list[Feed]:
        config = load_sites()
        return [config.feed(name) for name in self.site_names] if self.site_names else list(config.feeds)

    def list_requests(self) -> Iterator[scrapy.Request]:
        for feed in self.feeds():
            yield scrapy.Request(
                feed.url,
                callback=self.parse_feed,
                errback=self.on_error,
                cb_kwargs={"feed_name": feed.name},
                meta={SOURCE_META: f"feed:{feed.name}"},
            )

    def parse_feed(self, response: Response, feed_name: str, child: bool = False) -> Iterator[scrapy.Request]:
        """A feed's answer; ``child``: a sitemap a sitemap index lists (an empty one is the index's business)."""
        feed = load_sites().feed(feed_name)
        self.crawler.stats.inc_value("finnews/list_pages")
        try:
            body = feed_body(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
            if feed.type == "sitemap":
                kind, entries = sitemap_dated_entries(body)
                root = kind
            else:
                root, entries = feed_entries(body, feed.type)
                kind = "urlset"
            links = [link for link, _ in entries]
        except Exception as error:  # lxml raises several types on garbage; all mean "not a feed"
            self.crawler.stats.inc_value("finnews/errors/bad_feed")
            self.crawler.stats.inc_value("finnews/list_errors")
            self.logger.error("Not a %s document at %s: %s", feed.type, response.url, error)
            return
        if root not in FEED_ROOTS[feed.type]:
            # A soft 404 or a moved feed: counted as a good answer with nothing in it, the run read "succeeded"
            # until the job's expect_new_within ran out (audit of day 20). The lists of the other spiders
            # report an empty first page the same way. Not a refusal, even where the feed had entries before: a
            # captcha page is told as one before it gets here (crawler.blocking), and the answer is no feed.
            self.answered(response)
            self.layout_changed(response, "feed_document", f"not a {feed.type} document (its root is <{root or '?'}>)")
            return
        key = self.list_key(response, f"feed:{feed_name} {response.url}")
        if not links and self.emptied(key):
            yield from self.refused(response, "empty_list")  # the feed had entries before
            return
        if links:
            self.remember_items(key)
        self.answered(response)
        if not links and not child:
            self.layout_changed(response, "feed_empty", f"the {feed.type} document lists no page")
            return
        if kind == "sitemapindex":
            children = recently_changed(entries, self._max_pages())
            if len(children) < len(entries):
                # An index of a site's years (a sitemap a month) read whole made every crawl fetch them all, each a
                # first read of its own (review of day 23); new pages land in a sitemap that changed.
                left = len(entries) - len(children)
                self.crawler.stats.inc_value("finnews/feed_sitemaps_left", left)
                self.logger.info("%s: the %d latest changed sitemaps read, %d left", response.url, len(children), left)
            for link in children:
                yield response.follow(
                    link,
                    callback=self.parse_feed,
                    errback=self.on_error,
                    cb_kwargs={"feed_name": feed_name, "child": True},
                    meta={SOURCE_META: response.meta.get(SOURCE_META)},
                )
            return
        allowed = [
            (response.urljoin(link), when) for link, when in entries if not feed.allow or feed.allow.search(link)
        ]
        urls = newest_first(allowed)
        if urls:
            self.note_list_read(key)
        yield from self.read_entries(response, urls, feed_name)

    def read_entries(self, response: Response, urls: list[str], feed_name: str) -> Iterator[scrapy.Request]:
        """A feed's pages (newest first where every entry has a time, else as written). A feed is one document, and
        its order is no promise: a sitemap's lastmod is a page's last change, which sites set anew for every page
        when they regenerate the file; an undated RSS feed may be written oldest first, an entry may be backdated. A
        crawl that stopped at a page of entries seen whole could miss new pages for good (review of day 23). So it
        is not paged: each crawl asks for at most max_pages × FEED_PAGE_SIZE of its unseen pages, the first read too
        (it asked for every page listed, however many); the rest are left to the next crawl, counted
        (``finnews/feed_entries_left``)."""
        store = self.seen_store
        unseen = [url for url in urls if store is None or not store.contains(url)]
        cap = self._max_pages() * self._page_size()
        if store is not None and len(unseen) > cap:
            unseen = failed_last(unseen, store.unread_among(unseen))
        for url in unseen[:cap]:
            yield self.article_request(response, url, feed_name=feed_name)
        if len(unseen) > cap:
            self.crawler.stats.inc_value("finnews/feed_entries_left", len(unseen) - cap)
            self.logger.warning(
                "%s lists %d unseen pages: %d asked for, the rest left to the next crawl",
                response.url, len(unseen), cap,
            )  # fmt: skip

    def on_error(self, failure: Failure) -> list[scrapy.Request] | None:
        """As every spider's, and an article page that failed (gone, an error answer, a timeout; not a refusal) is
        noted as such in the seen store, for :meth:`read_entries` to ask for it after the pages never asked for."""
        request = failure.request
        if request.meta.get(ARTICLE_FLAG) and not failure.check(AlreadySeen, Blocked, SourceStopped):
            self.note_failed(request.url)
        return super().on_error(failure)

    def not_an_article(self, response: Response, error: Exception) -> Iterator[scrapy.Request]:
        self.note_failed(response.request.url if response.request is not None else response.url)
        yield from super().not_an_article(response, error)

    def note_failed(self, url: str) -> None:
        store = self.seen_store
        if store is None:
            return
        try:
            store.unread_since(self.page_identity(url))  # (begins or goes on with its run of failures)
        except Exception as error:  # at worst it is asked for as early next crawl: a locked store, a lost connection
            self.logger.warning("could not note %s as failed: %s", url, error)

    def read_article(self, html: str, url: str, feed_name: str) -> RawArticle:
        feed = load_sites().feed(feed_name)
        return parse_with_selectors(html, url, feed.selectors, source=feed.name)
