"""The generic ``feed`` spider: any source listed in ``configs/sites.yaml`` by an RSS/Atom feed or
a sitemap, its article pages read with that site's CSS selectors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from core.article import RawArticle
from crawler.blocking import SOURCE_META
from crawler.sites import Feed, load_sites
from crawler.spiders.base import FinnewsSpider
from tagging.pages.generic import parse_with_selectors

# The root elements of the documents each feed type is: anything else (an HTML page served with 200 where the
# feed was, a JSON error) is a feed that went, not a feed with no news (audit of day 20).
FEED_ROOTS = {"rss": ("rss", "RDF", "channel"), "atom": ("feed",), "sitemap": ("urlset", "sitemapindex")}


def feed_links(body: bytes, feed_type: str) -> tuple[str, list[str]]:
    """``(root, links)`` of an RSS or Atom document: its root element's name and its article links
    (namespaces ignored)."""
    selector = scrapy.Selector(text=body.decode("utf-8", errors="replace"), type="xml")
    selector.remove_namespaces()
    root = selector.xpath("name(/*)").get() or ""
    if feed_type == "atom":
        links = selector.xpath("//entry/link[not(@rel) or @rel='alternate']/@href").getall()
    else:
        links = selector.xpath("//item/link/text()").getall() or selector.xpath("//item/guid/text()").getall()
    return root, [link.strip() for link in links if link.strip()]


def sitemap_entries(body: bytes) -> tuple[str, list[str]]:
    """``(kind, locations)`` of a sitemap: ``sitemapindex`` (more sitemaps) or ``urlset`` (pages)."""
    sitemap = Sitemap(body)
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def feed_body(response: Response, max_size: int = 0) -> bytes:
    """A feed's document: a gzipped one (sitemaps.org allows sitemap.xml.gz, and indexes often list their sitemaps
    so) unpacked, as Scrapy undoes only a Content-Encoding; at most ``max_size`` bytes unpacked (0: no limit)."""
    return gunzip(response.body, max_size=max_size) if gzip_magic_number(response) else response.body


class FeedSpider(FinnewsSpider):
    name = "feed"

    def __init__(self, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_names = [s.strip() for s in site.split(",")] if site else None

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
                kind, links = sitemap_entries(body)
                root = kind
            else:
                root, links = feed_links(body, feed.type)
                kind = "urlset"
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
            for link in links:
                yield response.follow(
                    link,
                    callback=self.parse_feed,
                    errback=self.on_error,
                    cb_kwargs={"feed_name": feed_name, "child": True},
                    meta={SOURCE_META: response.meta.get(SOURCE_META)},
                )
            return
        urls = [response.urljoin(link) for link in links if not feed.allow or feed.allow.search(link)]
        if self.all_seen(urls):
            self.crawler.stats.inc_value("finnews/list_pages_fully_seen")
            return
        for url in urls:
            yield self.article_request(response, url, feed_name=feed_name)

    def read_article(self, html: str, url: str, feed_name: str) -> RawArticle:
        feed = load_sites().feed(feed_name)
        return parse_with_selectors(html, url, feed.selectors, source=feed.name)
