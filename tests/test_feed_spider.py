"""The feed spider's reading of a feed's answer, callback by callback (review of day 20)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from core.dates import SHANGHAI
from crawler.backoff import BlockingPolicy, BlockTracker, ListMemory
from crawler.blocking import SOURCE_META
from crawler.spiders.feed import FeedSpider
from crawler.state import crawl_state
from finnews.commands_crawl import crawl_summary

FEED = "chinaorg_tech_sitemap"  # the sitemap of configs/sites.yaml
URL = "http://tech.china.com.cn/sitemap.xml"
SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def spider_with_memory(tmp_path: Path) -> FeedSpider:
    crawler = get_crawler(FeedSpider, {})
    spider = FeedSpider.from_crawler(crawler)
    crawler.spider = spider
    tracker = BlockTracker(BlockingPolicy(threshold=5, backoff_base=1, backoff_max=2, non_article_run=3), crawler.stats)
    tracker.memory = ListMemory(tmp_path / "lists.json")
    crawl_state(crawler).blocking = tracker
    return spider


def request() -> Request:
    return Request(URL, meta={SOURCE_META: f"feed:{FEED}"}, cb_kwargs={"feed_name": FEED})


def problems(spider: FeedSpider) -> dict[str, int]:
    stats = spider.crawler.stats.get_stats()
    return {k: v for k, v in stats.items() if "errors/" in k}


def test_a_feed_that_had_entries_and_answers_a_web_page_is_a_layout_change_not_a_refusal(tmp_path: Path) -> None:
    spider = spider_with_memory(tmp_path)
    key = spider.list_key(HtmlResponse(URL, request=request()), f"feed:{FEED} {URL}")
    spider.blocking.memory.note_items(key)  # the sitemap listed pages yesterday
    page = "<html><head><title>404</title></head><body>页面不存在</body></html>".encode()
    retries = list(spider.parse_feed(HtmlResponse(URL, body=page, encoding="utf-8", request=request()), FEED))
    assert retries == []  # not asked again as a refused list would be
    assert problems(spider) == {"finnews/errors/layout_changed/feed_document": 1}


def test_an_empty_sitemap_an_index_lists_is_no_layout_change(tmp_path: Path) -> None:
    spider = spider_with_memory(tmp_path)
    index = (
        f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAPS}"><sitemap><loc>http://tech.china.com.cn/a.xml</loc>'
        "</sitemap></sitemapindex>"
    ).encode()
    (child,) = spider.parse_feed(XmlResponse(URL, body=index, request=request()), FEED)
    empty = f'<?xml version="1.0"?><urlset xmlns="{SITEMAPS}"></urlset>'.encode()
    assert list(spider.parse_feed(XmlResponse(child.url, body=empty, request=child), **child.cb_kwargs)) == []
    assert problems(spider) == {}  # a section with nothing in it: the index listed it, the feed is there
    # The feed itself answering an empty sitemap on its first crawl is one (after entries, a refusal: emptied).
    first = spider_with_memory(tmp_path / "first")
    assert list(first.parse_feed(XmlResponse(URL, body=empty, request=request()), FEED)) == []
    assert problems(first) == {"finnews/errors/layout_changed/feed_empty": 1}


def test_a_gzipped_sitemap_an_index_lists_is_read(tmp_path: Path) -> None:
    """A sitemap may be served gzipped (sitemaps.org: sitemap.xml.gz), as sitemap indexes often list their children,
    with no Content-Encoding for Scrapy to undo: it was read as XML, failed (bad_feed) and gave no page (review of
    day 22, a unit call of the spider's callback with the index's gzipped child)."""
    import gzip

    from scrapy.http import Response

    spider = spider_with_memory(tmp_path)
    index = (
        f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAPS}"><sitemap>'
        "<loc>http://tech.china.com.cn/sitemap-2026.xml.gz</loc></sitemap></sitemapindex>"
    ).encode()
    (child,) = spider.parse_feed(XmlResponse(URL, body=index, request=request()), FEED)
    urlset = (
        f'<?xml version="1.0"?><urlset xmlns="{SITEMAPS}">'
        "<url><loc>http://tech.china.com.cn/it/20261207/400001.shtml</loc></url></urlset>"
    ).encode()
    answer = Response(
        child.url, body=gzip.compress(urlset), headers={"Content-Type": "application/x-gzip"}, request=child
    )
    articles = list(spider.parse_feed(answer, **child.cb_kwargs))
    assert [r.url for r in articles] == ["http://tech.china.com.cn/it/20261207/400001.shtml"]
    assert problems(spider) == {}


def minutes_back(numbers: range) -> list[tuple[str, datetime]]:
    """Article links one a minute back from 2026-12-07 10:00 (number n, n minutes back), in a scrambled order."""
    start = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
    dated = [
        (f"http://tech.china.com.cn/it/20261207/{400000 + n}.shtml", start - timedelta(minutes=n)) for n in numbers
    ]
    return dated[1::2] + dated[::2]


def article(n: int) -> str:
    return f"http://tech.china.com.cn/it/20261207/{400000 + n}.shtml"


def rss(numbers: range) -> bytes:
    items = "".join(
        f"<item><link>{link}</link><pubDate>{format_datetime(when)}</pubDate></item>"
        for link, when in minutes_back(numbers)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def dated_sitemap(numbers: range) -> bytes:
    body = "".join(
        f"<url><loc>{link}</loc><lastmod>{when.isoformat()}</lastmod></url>" for link, when in minutes_back(numbers)
    )
    return f'<?xml version="1.0"?><urlset xmlns="{SITEMAPS}">{body}</urlset>'.encode()


def feed_spider(store: object, feed: str = FEED) -> FeedSpider:
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider, {"FEED_MAX_PAGES": 2, "FEED_PAGE_SIZE": 10}))
    spider.crawler.spider = spider
    crawl_state(spider.crawler).seen_store = store  # type: ignore[assignment]
    return spider


def undated_rss_oldest_first(numbers: range) -> bytes:
    items = "".join(f"<item><link>{article(n)}</link></item>" for n in sorted(numbers, reverse=True))
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def test_a_feeds_reads_are_bounded_and_reach_new_entries_wherever_the_feed_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of day 23: the feed spider asked for every page a feed listed, however many: a first crawl of a feed of
    150 articles fetched all 150. A read now asks for at most FEED_MAX_PAGES × FEED_PAGE_SIZE unseen entries, newest
    first by their dates, saying in the stats how many it left. It is not paged as a list is: a later read that
    stopped at a page of entries seen whole never asked for a new entry an undated feed writes last (oldest first)."""
    from crawler.seen import SeenStore
    from crawler.sites import Feed

    feed = Feed("news", "rss", "http://tech.china.com.cn/rss.xml", {"title": "h1", "body": "#fontzoom"})
    monkeypatch.setattr("crawler.spiders.feed.load_sites", lambda: SimpleNamespace(feed=lambda name: feed))
    store = SeenStore(tmp_path / "seen.db")
    asked = Request(feed.url, meta={SOURCE_META: "feed:news"}, cb_kwargs={"feed_name": "news"})

    def read(body: bytes) -> tuple[list[str], object]:
        spider = feed_spider(store, "news")
        store.start_run("feed", spider.run_depth())
        urls = [r.url for r in spider.parse_feed(XmlResponse(feed.url, body=body, request=asked), "news")]
        store.add_many(urls)  # written
        spider.closed("finished")
        return urls, spider.crawler.stats.get_value("finnews/feed_entries_left")

    assert read(rss(range(150))) == ([article(n) for n in range(20)], 130)  # newest first, 20 of them
    summary = crawl_summary({"finnews/feed_entries_left": 130, "finish_reason": "finished"})
    assert "FEED BACKLOG: 130 unseen page(s) of the feeds left to the next crawl" in summary
    again, left = read(rss(range(-3, 150)))
    assert again[:3] == [article(n) for n in (-3, -2, -1)] and len(again) == 20 and left == 113
    store.close()
    store = SeenStore(tmp_path / "undated.db")
    assert read(undated_rss_oldest_first(range(10)))[0] == [article(n) for n in range(9, -1, -1)]
    assert read(undated_rss_oldest_first(range(-2, 10)))[0] == [article(-1), article(-2)]  # written last
    store.close()


def test_a_dated_sitemap_is_asked_for_its_newest_unseen_pages_a_bounded_number_a_crawl(tmp_path: Path) -> None:
    """A sitemap is not paged as a list (its lastmod is a page's last change, which a regenerated file sets anew for
    every page: a crawl stopping at a page seen whole could miss new pages for good): its first crawl and every later
    one ask for at most max_pages × FEED_PAGE_SIZE unseen pages, newest first, the rest counted and left to the next."""
    from crawler.seen import SeenStore

    store = SeenStore(tmp_path / "seen.db")
    spider = feed_spider(store)
    first = [
        r.url for r in spider.parse_feed(XmlResponse(URL, body=dated_sitemap(range(150)), request=request()), FEED)
    ]
    assert first == [article(n) for n in range(20)]
    assert spider.crawler.stats.get_value("finnews/feed_entries_left") == 130
    store.add_many(first)
    later = feed_spider(store)
    three_new = XmlResponse(URL, body=dated_sitemap(range(-3, 150)), request=request())
    again = [r.url for r in later.parse_feed(three_new, FEED)]
    assert again == [article(n) for n in (-3, -2, -1, *range(20, 37))]  # the new first, then the oldest left
    assert later.crawler.stats.get_value("finnews/feed_entries_left") == 113
    store.close()


def test_a_sitemap_without_dates_is_asked_for_a_bounded_number_of_unseen_pages_a_crawl(tmp_path: Path) -> None:
    """A sitemap whose entries are not all dated promises no order, so it cannot be paged as a list (a later crawl
    stopping at a page seen whole could miss what was added at its end): each crawl asks for at most max_pages ×
    FEED_PAGE_SIZE of its unseen pages, the rest left to the next (counted), nothing lost."""
    from crawler.seen import SeenStore

    undated = b"".join(
        f"<url><loc>http://tech.china.com.cn/it/20261207/{400000 + n}.shtml</loc></url>".encode() for n in range(45)
    )
    body = f'<?xml version="1.0"?><urlset xmlns="{SITEMAPS}">'.encode() + undated + b"</urlset>"
    store = SeenStore(tmp_path / "seen.db")
    asked: list[str] = []
    for crawl, left in ((1, 25), (2, 5), (3, None)):
        spider = FeedSpider.from_crawler(get_crawler(FeedSpider, {"FEED_MAX_PAGES": 2, "FEED_PAGE_SIZE": 10}))
        crawl_state(spider.crawler).seen_store = store
        this = [r.url for r in spider.parse_feed(XmlResponse(URL, body=body, request=request()), FEED)]
        assert len(this) == min(20, 45 - len(asked)), crawl
        assert spider.crawler.stats.get_value("finnews/feed_entries_left") == left, crawl
        store.add_many(this)
        asked += this
    assert len(set(asked)) == 45
    store.close()


def test_a_sitemap_index_is_read_newest_child_first_and_max_pages_of_them_a_crawl(tmp_path: Path) -> None:
    """Review of day 23: a sitemap index's every child was fetched on every crawl, each a first read of its own: an
    index of a site's years (a sitemap a month) made a first crawl read max_pages pages of each of them. Its children
    dated by lastmod are read newest first, max_pages of them a crawl (new pages land in the newest), the rest counted
    (``finnews/feed_sitemaps_left``); an index whose children are not all dated is read whole, as before."""
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider, {"FEED_MAX_PAGES": 3}))
    months = [f"2026-{month:02d}" for month in range(1, 13)]
    children = "".join(
        f"<sitemap><loc>http://tech.china.com.cn/sitemap-{m}.xml</loc><lastmod>{m}-28T00:00:00+08:00</lastmod></sitemap>"
        for m in months[::2] + months[1::2]
    )
    index = f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAPS}">{children}</sitemapindex>'.encode()
    asked = [r.url for r in spider.parse_feed(XmlResponse(URL, body=index, request=request()), FEED)]
    assert asked == [f"http://tech.china.com.cn/sitemap-2026-{month}.xml" for month in ("12", "11", "10")]
    assert spider.crawler.stats.get_value("finnews/feed_sitemaps_left") == 9
    undated = index.replace(b"<lastmod>2026-05-28T00:00:00+08:00</lastmod>", b"")
    assert len(list(spider.parse_feed(XmlResponse(URL, body=undated, request=request()), FEED))) == 12
    # regenerated with one lastmod for all: none is older than those read, all are read
    one_time = re.sub(rb"<lastmod>[^<]*</lastmod>", b"<lastmod>2026-12-07T06:00:00+08:00</lastmod>", index)
    assert len(list(spider.parse_feed(XmlResponse(URL, body=one_time, request=request()), FEED))) == 12


def test_sitemap_pages_that_failed_do_not_keep_the_rest_of_an_undated_sitemap_from_being_asked_for(
    tmp_path: Path,
) -> None:
    """Review of fc305cd: each crawl asks for at most max_pages × FEED_PAGE_SIZE of a sitemap's unseen pages, in the
    order written when its entries are not all dated. A page that never becomes seen (gone: 404, or not an article)
    stayed first among the unseen: a sitemap listing more of those than the cap (its oldest pages first, many gone)
    had every crawl ask for the same dead pages, and the pages after them were never asked for. Pages asked for on an
    earlier crawl that failed now come after those never asked for."""
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from crawler.seen import SeenStore

    undated = "".join(
        f"<url><loc>http://tech.china.com.cn/it/20261207/{400000 + n}.shtml</loc></url>" for n in range(45)
    )
    body = f'<?xml version="1.0"?><urlset xmlns="{SITEMAPS}">{undated}</urlset>'.encode()
    store = SeenStore(tmp_path / "seen.db")
    first = feed_spider(store)
    asked = list(first.parse_feed(XmlResponse(URL, body=body, request=request()), FEED))
    for article_request in asked:  # every one gone (404)
        failure = Failure(HttpError(Response(article_request.url, status=404, request=article_request)))
        failure.request = article_request  # type: ignore[attr-defined]
        first.on_error(failure)
    later = feed_spider(store)
    again = [r.url for r in later.parse_feed(XmlResponse(URL, body=body, request=request()), FEED)]
    assert not set(again) & {r.url for r in asked}
    assert len(again) == 20
    store.close()
