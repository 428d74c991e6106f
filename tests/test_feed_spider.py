"""The feed spider's reading of a feed's answer, callback by callback (review of day 20)."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.backoff import BlockingPolicy, BlockTracker, ListMemory
from crawler.blocking import SOURCE_META
from crawler.spiders.feed import FeedSpider
from crawler.state import crawl_state

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
