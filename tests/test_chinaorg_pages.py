"""China.org / china.com.cn pages as the replica serves them (GBK ones included), through the same
decoding, parsing and list handling that the chinaorg spider uses, without a server or a node."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from core.dates import SHANGHAI, isoformat
from crawler.items import ArticleItem
from crawler.seen import ARTICLE_FLAG, SeenStore
from crawler.sites import load_sites
from crawler.spiders.chinaorg import (
    _SCRIPT_HOSTS,
    ChinaOrgSpider,
    ListPage,
    is_article_url,
    next_list_url,
    parse_list_page,
)
from crawler.state import crawl_state
from replica.chinaorg import ChinaOrgSite
from replica.chinaorg_articles import (
    ARTICLES,
    DEAD_LINK_PATH,
    FINANCE_COLUMN,
    PAGED_ARTICLE,
    TOPIC_PATH,
    WITHDRAWN_PATH,
)
from replica.chinaorg_pages import (
    FOOTER_TEXT,
    WITHDRAWN_PAGE,
    channel_path,
    column_path,
    render_article,
    render_current_page,
)
from tagging.extract import extract_article, parse_document
from tagging.pages.chinaorg import parse_article_page
from tagging.pages.page import decode_html

BASE = "http://127.0.0.1:8765"
BY_PATH = {a.path: a for a in ARTICLES}
IDS = [a.path for a in ARTICLES]

# What text tagging must find in each article (the replica texts name these boards and stocks).
EXPECTED_TAGS = {
    "/news/20231123/6053998.shtml": ({"数字经济", "人工智能", "云计算"}, {"科大讯飞", "浪潮信息", "中科曙光"}),
    "/stock/ssgs/20240315/6100123.shtml": ({"锂电池", "新能源车"}, {"宁德时代", "比亚迪", "亿纬锂能"}),
    "/roll/20260718/6316735.shtml": ({"白酒"}, {"贵州茅台", "泸州老窖", "山西汾酒"}),
    "/2016-04/08/content_38197512.htm": ({"半导体"}, {"长电科技", "通富微电", "华天科技"}),
    "/internet/20180920/345977.shtml": ({"云计算", "人工智能"}, {"浪潮信息", "用友网络"}),
    "/it/20190617/356839.shtml": ({"5G概念"}, {"中兴通讯"}),
}


def fetch(site: ChinaOrgSite, path: str) -> HtmlResponse:
    """What Scrapy hands the spider for a replica page (the Content-Type header decides response.encoding)."""
    parts = urlsplit(path)
    status, content_type, body = site.handle(parts.path, parse_qs(parts.query), BASE)
    url = BASE + path
    return HtmlResponse(url, status=status, headers={"Content-Type": content_type}, body=body, request=Request(url))


def page_text(response: HtmlResponse) -> str:
    return decode_html(response.body, declared=response.encoding)


def spider_for(settings: dict | None = None, **args: str) -> ChinaOrgSpider:
    crawler = get_crawler(ChinaOrgSpider, {"CHINAORG_MAX_PAGES": 5, "FINNEWS_CATCH_UP_PAGES": 25, **(settings or {})})
    return ChinaOrgSpider.from_crawler(crawler, **args)


def test_the_replica_covers_every_page_form() -> None:
    assert len(ARTICLES) >= 5
    assert {a.template for a in ARTICLES} == {"current", "older"}
    assert {(a.encoding, a.meta_charset, a.header_charset) for a in ARTICLES if a.encoding == "gbk"} == {
        ("gbk", "gbk", "GBK"),
        ("gbk", "utf-8", None),  # declares UTF-8, is GBK
        ("gbk", "gb2312", "gb2312"),  # declares GB2312, uses GBK characters outside it
    }


@pytest.mark.parametrize("path", [a.path for a in ARTICLES if a.encoding == "gbk"])
def test_gbk_pages_are_served_as_gbk(path: str) -> None:
    body = fetch(ChinaOrgSite(), path).body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert BY_PATH[path].title.encode("gbk") in body


def test_misdeclared_page_says_utf8_but_decodes_as_gbk() -> None:
    response = fetch(ChinaOrgSite(), "/roll/20260718/6316735.shtml")
    assert b"charset=utf-8" in response.body and b"charset" not in response.headers[b"Content-Type"]
    assert response.encoding == "utf-8"  # Scrapy believes the meta
    assert "白酒板块震荡回升 贵州茅台成交额居前" not in response.text
    assert "<h1>白酒板块震荡回升 贵州茅台成交额居前</h1>" in page_text(response)


@pytest.mark.parametrize("header", ["text/html; charset=ISO-8859-1", "text/html; charset=windows-1252"])
def test_a_gbk_page_served_as_latin_1_decodes_as_gbk_and_latin_1_text_stays_latin_1(header: str) -> None:
    # Third audit: a single-byte charset declared first always won (Scrapy reads ISO-8859-1 as cp1252).
    page = "<html><head><title>贵州茅台发布年报</title></head><body><p>贵州茅台发布年报。</p></body></html>"
    url = BASE + "/roll/20261206/1.shtml"
    response = HtmlResponse(url, headers={"Content-Type": header}, body=page.encode("gbk"), request=Request(url))
    assert response.encoding == "cp1252"
    assert "<title>贵州茅台发布年报</title>" in page_text(response)
    # Western text stays Western, also when its accented letters all stand inside words (review).
    for western in ("The café chain's résumé, naïve.", "Die Müller AG für Zürich meldet Gewinn über Erwartung.",
                    "A Petrobras em São Paulo divulgou lucro."):  # fmt: skip
        body = f"<html><body><p>{western}</p></body></html>".encode("latin-1")
        response = HtmlResponse(url, headers={"Content-Type": header}, body=body, request=Request(url))
        assert western in page_text(response)


def test_gb2312_page_with_gbk_characters_keeps_them() -> None:
    response = fetch(ChinaOrgSite(), "/2016-04/08/content_38197512.htm")
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("gb2312")
    raw = parse_article_page(page_text(response), response.url)
    assert raw.author == "张珺"


@pytest.mark.parametrize("path", IDS)
def test_article_page_metadata(path: str) -> None:
    article = BY_PATH[path]
    response = fetch(ChinaOrgSite(), path)
    raw = parse_article_page(page_text(response), response.url)
    assert raw.source == "chinaorg"
    assert raw.url == BASE + path  # the pages carry no canonical link: the fetched URL identifies them
    assert raw.title == article.title
    assert isoformat(raw.published_at) == isoformat(article.published)
    assert raw.media == article.media
    assert raw.author == article.author
    assert raw.digest and article.paragraphs[0].startswith(raw.digest)


@pytest.mark.parametrize(
    ("path", "title", "published", "media"),
    [
        (
            "/news/20231123/6053998.shtml",
            "数字经济板块午后走强 多只人工智能概念股涨停",
            "2023-11-23T10:30:00+08:00",
            "中国网财经",
        ),
        (
            "/stock/ssgs/20240315/6100123.shtml",
            "宁德时代2023年净利润同比增长43.58% 拟每10股派现50.28元",
            "2024-03-15T19:42:00+08:00",
            "中国网财经",
        ),
        (
            "/roll/20260718/6316735.shtml",
            "白酒板块震荡回升 贵州茅台成交额居前",
            "2026-07-18T16:05:00+08:00",
            "证券日报",
        ),
        (
            "/2016-04/08/content_38197512.htm",
            "集成电路产业投资基金加快布局 半导体板块获资金关注",
            "2016-04-08T14:51:58+08:00",
            "证券日报",
        ),
    ],
)
def test_article_page_metadata_literally(path: str, title: str, published: str, media: str) -> None:
    response = fetch(ChinaOrgSite(), path)
    raw = parse_article_page(page_text(response), response.url)
    assert (raw.title, isoformat(raw.published_at), raw.media) == (title, published, media)


@pytest.mark.parametrize("path", IDS)
def test_article_text_is_the_paragraphs_only(path: str) -> None:
    article = BY_PATH[path]
    response = fetch(ChinaOrgSite(), path)
    text = extract_article(parse_article_page(page_text(response), response.url)).text
    assert text == "\n".join(article.paragraphs)  # one paragraph a line, indents gone
    assert "责任编辑" not in text and article.editor not in text
    assert "相关新闻" not in text and "证监会：进一步活跃资本市场" not in text
    assert FOOTER_TEXT[:20] not in text and "Copyright" not in text and "分享到" not in text


@pytest.mark.parametrize("path", IDS)
def test_boards_and_stocks_are_found_in_the_text(path: str) -> None:
    response = fetch(ChinaOrgSite(), path)
    article = extract_article(parse_article_page(page_text(response), response.url))
    boards, stocks = EXPECTED_TAGS[path]
    assert boards <= {b["name"] for b in article.boards}
    assert stocks <= {s["name"] for s in article.stocks}
    assert article.topics


# --- list pages --------------------------------------------------------------------------------


def test_column_list_page() -> None:
    site = ChinaOrgSite()
    listing = parse_list_page(page_text(fetch(site, column_path(FINANCE_COLUMN, 1))), BASE + "/news/column.php")
    listed = [a for a in ARTICLES if a.channel == FINANCE_COLUMN and a.list_page == 1]
    hrefs = [e.href for e in listing.entries]
    # Every link with an article URL (the dead one and the withdrawn one too); the topic page is none.
    assert {BASE + a.path for a in listed} | {BASE + DEAD_LINK_PATH, BASE + WITHDRAWN_PATH} == set(hrefs)
    assert BASE + TOPIC_PATH not in hrefs
    first = listing.entries[0]
    assert first.href == BASE + listed[0].path
    assert first.listed_at == listed[0].published
    assert listing.next_href == column_path(FINANCE_COLUMN, 2)  # ul.page li[2], not li[1] (上一页)


def test_empty_column_page_still_offers_a_next_page() -> None:
    listing = parse_list_page(page_text(fetch(ChinaOrgSite(), column_path(FINANCE_COLUMN, 3))), BASE + "/news/")
    assert listing.entries == []
    assert listing.next_href == column_path(FINANCE_COLUMN, 4)


def test_channel_list_pages() -> None:
    site = ChinaOrgSite()
    first = parse_list_page(page_text(fetch(site, channel_path(1))), BASE + channel_path(1))
    assert [e.href for e in first.entries] == [BASE + "/internet/20180920/345977.shtml"]
    assert first.entries[0].listed_at == datetime(2018, 9, 20, 9, 12, tzinfo=SHANGHAI)  # the item's <span>
    assert first.next_href == channel_path(2)
    last = parse_list_page(page_text(fetch(site, channel_path(2))), BASE + channel_path(2))
    assert [e.href for e in last.entries] == [BASE + "/it/20190617/356839.shtml"]
    assert last.next_href is None


def test_a_list_in_an_unknown_template_still_yields_its_articles() -> None:
    """Articles are found by their URLs, not by a container: a redesigned list still reads, with
    its times, and a page without article links reads as empty (the spider reports it)."""
    redesigned = """<html><body><div class="feed-2026"><section class="card"><h2>
    <a href="/news/20261201/6400001.shtml">第一条</a></h2><div class="time">2026-12-01 09:30</div></section>
    <section class="card"><h2><a href="/news/20261201/6400002.shtml">第二条</a></h2>
    <div class="time">2026-12-01 08:15</div></section></div>
    <div class="pages"><a href="/news/list_2.shtml">下一页</a></div></body></html>"""
    listing = parse_list_page(redesigned, BASE + "/news/list.shtml")
    assert [e.href for e in listing.entries] == [
        BASE + "/news/20261201/6400001.shtml",
        BASE + "/news/20261201/6400002.shtml",
    ]
    assert [e.listed_at.strftime("%H:%M") for e in listing.entries] == ["09:30", "08:15"]
    assert listing.next_href == "/news/list_2.shtml"
    assert parse_list_page("<html><body><div id='app'></div></body></html>", BASE + "/").entries == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://finance.china.com.cn/news/20231123/6053998.shtml", True),
        ("http://finance.china.com.cn/roll/20260718/6316735.shtml", True),
        ("http://tech.china.com.cn/it/20190617/356839.shtml", True),
        ("https://tech.china.com.cn/internet/20180920/345977.shtml", True),
        ("http://news.china.com.cn/2024-11/18/content_117554263.shtml", True),
        ("http://www.china.org.cn/chinese/2024-03/14/content_117057714.htm", True),
        ("http://www.china.org.cn/china/Off_the_Wire/2025-10/20/content_118132392.shtml", True),  # sites.md 3.4
        # The finance columns crawled by default are the /stock/zqyw/ and /stock/ssgs/ channels:
        # two section levels (reference notes 3.1: finance.china.com.cn/\S+/\d{8}/\d+.shtml).
        ("http://finance.china.com.cn/stock/ssgs/20250508/6239617.shtml", True),
        ("http://finance.china.com.cn/stock/zqyw/20250508/6239618.shtml", True),
        ("http://finance.china.com.cn/roll/photo/20250508/6239619.shtml", False),  # a gallery's captions
        (BASE + "/news/20231123/6053998.shtml", False),  # another host than the list page's
        ("http://example.com/news/20231123/6053998.shtml", False),
        ("http://finance.china.com.cn/zhuanti/2023jrgzl/", False),
        ("http://finance.china.com.cn/news/", False),
        ("http://app.finance.china.com.cn/news/column.php?cname=%E8%AF%81&p=2", False),
        ("http://finance.china.com.cn/news/20231123/6053998.shtml.bak", False),
        ("javascript:void(0)", False),
    ],
)
def test_article_links(url: str, expected: bool) -> None:
    assert is_article_url(url, "http://app.finance.china.com.cn/news/column.php?cname=x&p=1") is expected


def test_article_links_on_the_list_pages_own_host() -> None:
    assert is_article_url("http://127.0.0.1:9/news/20231123/6053998.shtml", "http://127.0.0.1:9/internet/")
    assert not is_article_url("http://127.0.0.1:10/news/20231123/6053998.shtml", "http://127.0.0.1:9/internet/")


# --- the spider's callbacks --------------------------------------------------------------------


def test_list_page_yields_flagged_article_requests_then_the_next_page() -> None:
    spider = spider_for()
    requests = list(spider.parse_list(fetch(ChinaOrgSite(), column_path(FINANCE_COLUMN, 1)), page=1))
    articles = [r for r in requests if r.meta.get(ARTICLE_FLAG)]
    assert {r.url for r in articles} == {
        BASE + "/news/20231123/6053998.shtml",
        BASE + "/stock/ssgs/20240315/6100123.shtml",
        BASE + "/roll/20260718/6316735.shtml",
        BASE + DEAD_LINK_PATH,
        BASE + WITHDRAWN_PATH,
    }  # the special topic is not an article
    assert all(r.callback == spider.parse_article and r.errback == spider.on_error for r in articles)
    assert articles[0].cb_kwargs == {"listed_at": datetime(2023, 11, 23, 10, 30, tzinfo=SHANGHAI)}
    (next_page,) = [r for r in requests if not r.meta.get(ARTICLE_FLAG)]
    assert next_page.url == BASE + column_path(FINANCE_COLUMN, 2)
    assert next_page.callback == spider.parse_list and next_page.cb_kwargs == {"page": 2, "listed": (5, 5)}
    assert spider.crawler.stats.get_value("finnews/list_pages") == 1


def list_requests(requests: list[Request]) -> list[str]:
    """The URLs of the list pages among a callback's requests (the rest are article requests)."""
    return [r.url for r in requests if not r.meta.get(ARTICLE_FLAG)]


def test_paging_stops_at_max_pages() -> None:
    site = ChinaOrgSite()
    spider = spider_for({"CHINAORG_MAX_PAGES": 2})
    assert list_requests(list(spider.parse_list(fetch(site, channel_path(1)), page=1))) == [BASE + channel_path(2)]
    assert list_requests(list(spider.parse_list(fetch(site, column_path(FINANCE_COLUMN, 2)), page=2))) == []
    spider = spider_for({"CHINAORG_MAX_PAGES": 5}, max_pages="1")  # -a max_pages overrides the setting
    requests = list(spider.parse_list(fetch(site, column_path(FINANCE_COLUMN, 1)), page=1))
    assert len(requests) == 5 and list_requests(requests) == []


def test_a_next_page_that_lists_the_first_page_again_is_a_layout_change() -> None:
    """A 下一页 link that leads back to what was read (a redesign, a paging parameter the site ignores) is
    reported (list_repeats) and not paged on from: paging on would read it to max_pages and report nothing."""
    site = ChinaOrgSite()
    spider = spider_for({"CHINAORG_MAX_PAGES": 5})
    first = fetch(site, column_path(FINANCE_COLUMN, 1))
    assert list_requests(list(spider.parse_list(first, page=1))) == [BASE + column_path(FINANCE_COLUMN, 2)]
    again = HtmlResponse(BASE + column_path(FINANCE_COLUMN, 2), body=first.body, headers=first.headers, request=Request(BASE + column_path(FINANCE_COLUMN, 2)))  # fmt: skip
    assert list_requests(list(spider.parse_list(again, page=2))) == []
    assert spider.crawler.stats.get_value("finnews/errors/layout_changed/list_repeats") == 1


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_max_pages_argument_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="max_pages"):
        spider_for(max_pages=value)


def test_a_page_without_article_links_ends_the_list() -> None:
    spider = spider_for()
    assert list(spider.parse_list(fetch(ChinaOrgSite(), column_path(FINANCE_COLUMN, 3)), page=3)) == []


def test_a_known_list_still_all_new_at_max_pages_is_paged_on_and_an_unknown_one_reported(tmp_path: Path) -> None:
    """The rule of every list (crawler.spiders.base.page_on): a list the seen store knows (its first page
    linked articles that were written) whose page max_pages is all new is paged on (what piled up since
    is read back), and still all new at the cap it is reported; a first read stops at max_pages; a list
    whose articles never reach the store is never known (review of the day: it was paged 25 deep and
    reported every run); without a seen store nothing is reported (the crawl is not incremental)."""
    site = ChinaOrgSite()
    first_page = fetch(site, column_path(FINANCE_COLUMN, 1))
    linked = [r.url for r in spider_for().parse_list(first_page, page=1) if "/news/" in r.url]
    key = spider_for().list_key(first_page, first_page.url)
    store = SeenStore(tmp_path / "seen.sqlite")
    for written in (False, True):  # a first read whose articles were not written (indexing off), then one
        spider = spider_for({"CHINAORG_MAX_PAGES": 1})
        crawl_state(spider.crawler).seen_store = store
        assert list_requests(list(spider.parse_list(first_page, page=1))) == []  # a first read: max_pages back
        if written:
            store.add_many(linked[:1])  # what the index pipeline remembers once written
        spider.closed("finished")
        assert store.knows_list(key) is written
        assert spider.crawler.stats.get_value("finnews/list_truncated") is None
    # The next crawl after an outage: the list's first page is all new again (another store that knows it).
    after_outage = SeenStore(tmp_path / "after.sqlite")
    after_outage.note_list(key)
    spider = spider_for({"CHINAORG_MAX_PAGES": 1})
    crawl_state(spider.crawler).seen_store = after_outage
    assert list_requests(list(spider.parse_list(first_page, page=1))) == [BASE + column_path(FINANCE_COLUMN, 2)]
    assert spider.crawler.stats.get_value("finnews/list_catch_up_pages") == 1
    spider = spider_for({"CHINAORG_MAX_PAGES": 1, "FINNEWS_CATCH_UP_PAGES": 1})  # the cap reached, still all new
    crawl_state(spider.crawler).seen_store = after_outage
    assert list_requests(list(spider.parse_list(first_page, page=1))) == []
    stats = spider.crawler.stats
    assert stats.get_value("finnews/list_truncated") == 1
    assert stats.get_value("finnews/failures") == [
        f"list_truncated {first_page.url} after 1 page(s), the last all new: {first_page.url}"
    ]
    store.close()
    after_outage.close()
    spider = spider_for({"CHINAORG_MAX_PAGES": 1})  # no seen store: max_pages back, nothing to say
    assert list_requests(list(spider.parse_list(first_page, page=1))) == []
    assert spider.crawler.stats.get_value("finnews/list_truncated") is None


def test_a_fully_seen_page_ends_the_list(tmp_path: Path) -> None:
    site = ChinaOrgSite()
    spider = spider_for()
    store = SeenStore(tmp_path / "seen.sqlite")
    crawl_state(spider.crawler).seen_store = store
    store.add_many([BASE + "/internet/20180920/345977.shtml"])
    requests = list(spider.parse_list(fetch(site, channel_path(1)), page=1))
    assert [r.url for r in requests] == [BASE + "/internet/20180920/345977.shtml"]  # the middleware drops it
    assert spider.crawler.stats.get_value("finnews/list_pages_fully_seen") == 1
    # A page with one article not seen yet goes on to the next page.
    store.add_many([BASE + "/news/20231123/6053998.shtml", BASE + "/stock/ssgs/20240315/6100123.shtml"])
    requests = list(spider.parse_list(fetch(site, column_path(FINANCE_COLUMN, 1)), page=1))
    assert requests[-1].url == BASE + column_path(FINANCE_COLUMN, 2)
    assert spider.crawler.stats.get_value("finnews/list_pages_fully_seen") == 1
    store.close()


def test_a_first_list_page_without_article_links_is_a_layout_change() -> None:
    """A list's first page always lists articles: one that links none is a page the parser cannot
    read (a redesign, an error page), counted under its own reason with its URL, never a quiet day."""
    spider = spider_for()
    assert list(spider.parse_list(fetch(ChinaOrgSite(), WITHDRAWN_PATH), page=1)) == []
    stats = spider.crawler.stats
    assert stats.get_value("finnews/errors/layout_changed/list_page") == 1
    assert stats.get_value("finnews/failures") == [f"layout_changed/list_page {BASE}{WITHDRAWN_PATH}"]


def test_article_callback_yields_the_decoded_article() -> None:
    spider = spider_for()
    response = fetch(ChinaOrgSite(), "/roll/20260718/6316735.shtml")
    (item,) = spider.parse_article(response, listed_at=None)
    assert isinstance(item, ArticleItem)
    assert item.fetched_url == response.url
    assert item.raw.title == "白酒板块震荡回升 贵州茅台成交额居前"
    assert spider.crawler.stats.get_value("finnews/article_pages") == 1


def test_withdrawn_article_is_counted_not_yielded() -> None:
    spider = spider_for()
    assert list(spider.parse_article(fetch(ChinaOrgSite(), WITHDRAWN_PATH), listed_at=None)) == []
    assert spider.crawler.stats.get_value("finnews/errors/not_an_article") == 1


def test_list_time_stands_in_for_a_missing_page_time() -> None:
    article = BY_PATH["/news/20231123/6053998.shtml"]
    page = render_current_page(article).replace("2023年11月23日10:30", "")
    url = BASE + article.path
    response = HtmlResponse(url, body=page.encode("utf-8"), headers={"Content-Type": "text/html"}, request=Request(url))
    listed_at = datetime(2023, 11, 23, 10, 31, tzinfo=SHANGHAI)
    (item,) = spider_for().parse_article(response, listed_at=listed_at)
    assert item.raw.published_at == listed_at


@pytest.mark.parametrize(
    ("container", "url"),
    [
        ('<div class="left_content"><h1>标题</h1><div class="tex">{body}</div></div>', "http://finance.china.com.cn/news/20160408/3666123.shtml"),
        ('<div class="center_title">发布时间： 2019-06-19 08:33:16</div><div class="box2">{body}</div>', "http://cppcc.china.com.cn/2019-06/19/content_74898361.htm"),
        ('<div class="box1l"><h4>发布时间：2019-06-19 08:33:16</h4><div class="cp">{body}</div></div>', "http://music.china.com.cn/2019-06/19/content_1.htm"),
    ],
)  # fmt: skip
def test_older_and_channel_body_containers_are_the_layout(container: str, url: str) -> None:
    # Containers public crawlers name for older and channel pages (reference notes 3.1-3.2): the
    # site's own layout reads them, not the generic path that would report a layout change.
    body = "<p>国家统计局今日发布数据，工业生产稳定增长。</p><p>专家认为，消费需求持续回暖。</p>"
    page = f"<html><head><title>标题_中国网</title></head><body><div class='nav'>首页 导航</div>{container.format(body=body)}</body></html>"
    raw = parse_article_page(page, url)
    assert raw.body_source == "layout:chinaorg"
    assert "工业生产稳定增长" in (raw.body_html or "") and "导航" not in (raw.body_html or "")


def test_an_article_over_several_pages_is_fetched_whole() -> None:
    """news.china.com.cn splits long articles: content_{id}.htm, content_{id}_2.htm … linked from the
    #autopage pager. The article goes down the pipelines once, with every page's body."""
    from crawler.spiders.chinaorg import next_article_page

    first_url = "http://news.china.com.cn/2024-05/13/content_117184963.shtml"

    def page(number: int, last: int) -> str:
        pager = "".join(
            f'<a href="content_117184963{"" if n == 1 else f"_{n}"}.shtml">{n}</a>' for n in range(1, last + 1)
        )
        following = f'<a href="content_117184963_{number + 1}.shtml">下一页</a>' if number < last else ""
        return (
            f'<html><head><title>长文_中国网</title></head><body><div class="content_left"><div class="article">'
            f'<p>第{number}页的正文，经济运行稳中向好。</p><div id="autopage"><center>{pager}{following}</center></div>'
            "</div></div></body></html>"
        )

    assert next_article_page(page(1, 3), first_url) == first_url.replace(".shtml", "_2.shtml")
    assert next_article_page(page(3, 3), first_url.replace(".shtml", "_3.shtml")) is None
    spider = spider_for()

    def response(url: str, html: str) -> HtmlResponse:
        return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url))

    (second,) = list(spider.parse_article(response(first_url, page(1, 3)), listed_at=None))
    assert second.url.endswith("_2.shtml") and not second.meta.get(ARTICLE_FLAG)
    (third,) = list(spider.parse_article_part(response(second.url, page(2, 3)), **second.cb_kwargs))
    assert third.url.endswith("_3.shtml")
    (item,) = list(spider.parse_article_part(response(third.url, page(3, 3)), **third.cb_kwargs))
    assert isinstance(item, ArticleItem) and item.raw.url == first_url
    assert all(f"第{n}页的正文" in item.raw.body_html for n in (1, 2, 3))
    text = extract_article(item.raw).text  # the text indexed: every page's, in order, and no pager
    assert text == "\n".join(f"第{n}页的正文，经济运行稳中向好。" for n in (1, 2, 3))


@pytest.mark.parametrize("second_page", ["whole", "not_an_article"])
def test_an_article_whose_later_page_is_no_article_is_kept_as_it_is(second_page: str) -> None:
    """The replica's paged article: whole when page 2 comes, else page 1 only, counted and named, and
    not marked incomplete: a page that is no article will not be one next time (review: an article
    marked incomplete for good was fetched and rewritten on every crawl)."""
    spider = spider_for()
    first_url = BASE + PAGED_ARTICLE.path
    _, page_one = render_article(PAGED_ARTICLE)
    (part,) = spider.parse_article(HtmlResponse(first_url, body=page_one, request=Request(first_url)))
    assert part.url == BASE + PAGED_ARTICLE.page_path(2)
    page_two = render_article(PAGED_ARTICLE, page=2)[1] if second_page == "whole" else WITHDRAWN_PAGE.encode()
    (item,) = spider.parse_article_part(HtmlResponse(part.url, body=page_two, request=part), **part.cb_kwargs)
    text = extract_article(item.raw).text
    if second_page == "whole":
        assert not item.incomplete and text == "\n".join(PAGED_ARTICLE.paragraphs)
    else:
        assert not item.incomplete and text == "\n".join(PAGED_ARTICLE.page_paragraphs(1))
        assert spider.crawler.stats.get_value("finnews/errors/article_page_part") == 1
        assert spider.crawler.stats.get_value("finnews/failures") == [f"article_page_part not_an_article {part.url}"]


@pytest.mark.parametrize(("status", "incomplete"), [(500, True), (503, True), (404, False), (410, False)])
def test_a_later_page_that_failed_marks_the_article_incomplete_only_when_it_may_come_next_time(
    status: int, incomplete: bool
) -> None:
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = spider_for()
    first_url = BASE + PAGED_ARTICLE.path
    _, page_one = render_article(PAGED_ARTICLE)
    (part,) = spider.parse_article(HtmlResponse(first_url, body=page_one, request=Request(first_url)))
    failed = HtmlResponse(part.url, status=status, body=b"<html></html>", request=part)
    failure = Failure(HttpError(failed, "Ignoring non-200 response"))
    failure.request = part
    (item,) = spider.on_part_error(failure)
    assert item.incomplete is incomplete
    assert spider.crawler.stats.get_value("finnews/failures") == [f"article_page_part http_{status} {part.url}"]


def test_a_column_list_of_two_level_channel_articles_is_read() -> None:
    html = (
        '<html><body><ul class="news_list">'
        '<li><a href="http://finance.china.com.cn/stock/ssgs/20250508/6239617.shtml">公司公告</a><span>05-08 10:20</span></li>'
        '<li><a href="http://finance.china.com.cn/stock/zqyw/20250508/6239618.shtml">证券要闻</a><span>2025-05-08 09:05</span></li>'
        "</ul></body></html>"
    )
    now = datetime(2025, 5, 9, 8, 0, tzinfo=SHANGHAI)
    listing = parse_list_page(html, "http://app.finance.china.com.cn/news/column.php?cname=x&p=1", now=now)
    assert [(e.href.rsplit("/", 1)[-1], e.listed_at) for e in listing.entries] == [
        ("6239617.shtml", datetime(2025, 5, 8, 10, 20, tzinfo=SHANGHAI)),  # a list time without its year
        ("6239618.shtml", datetime(2025, 5, 8, 9, 5, tzinfo=SHANGHAI)),
    ]


@pytest.mark.parametrize(
    ("pager", "expected"),
    [
        # 首页 / 上一页 / 下一页: the second item points back; the link that says 下一页 is the next page.
        ('<ul class="page"><li><a href="?p=1">首页</a></li><li><a href="?p=1">上一页</a></li><li><a href="?p=3">下一页</a></li></ul>', "?p=3"),
        ('<ul class="page"><li><span>1</span></li><li><a href="?p=2">2</a></li></ul>', "?p=2"),  # the known pager
        ('<ul class="page"><li><a href="?p=1">首页</a></li><li><a href="?p=1">上一页</a></li></ul>', None),  # the last page
    ],
)  # fmt: skip
def test_the_next_list_page_is_the_one_that_says_so(pager: str, expected: str | None) -> None:
    html = f'<html><body><ul class="news_list"><li><a href="http://finance.china.com.cn/news/20231123/6053998.shtml">t</a></li></ul>{pager}</body></html>'
    assert parse_list_page(html, "http://app.finance.china.com.cn/news/column.php?cname=x&p=2").next_href == expected


def test_a_date_in_the_body_never_beats_the_pages_time() -> None:
    # www.china.com.cn/opinion/theory: div.info wraps the time, the outlet and the body (reference
    # notes 3.2); the article's own dates are not its publish time, nor its text the outlet.
    page = (
        '<html><head><title>理论文章_中国网</title></head><body><div class="leftbox"><h1 class="artTitle">理论文章</h1>'
        '<div class="info"><div class="pub_date"><span id="pubtime_baidu">2024-05-13 09:00:00</span>'
        '<span id="source_baidu">来源：<a>光明日报</a></span></div>'
        '<div id="artbody"><p>2024年4月30日，中央政治局召开会议，分析研究当前经济形势。</p>'
        "<p>来源：会议通稿的说法在正文里，不是本文的来源。</p></div></div></div></body></html>"
    )
    raw = parse_article_page(page, "http://www.china.com.cn/opinion/theory/2024-05/13/content_117184999.shtml")
    assert raw.published_at == datetime(2024, 5, 13, 9, 0, tzinfo=SHANGHAI)
    assert raw.media == "光明日报"
    assert "中央政治局" in (raw.body_html or "")


@pytest.mark.parametrize(
    ("header", "published", "media"),
    [
        ('<div class="center_title"><div class="span">发布时间： 2019-06-19 08:33:16 | 来源： 人民政协报 | 作者： 赵六</div></div>', "2019-06-19T08:33:16+08:00", "人民政协报"),
        ('<div class="box1l"><h4>发布时间：2019-06-19 08:33 丨 来源：中国网</h4></div>', "2019-06-19T08:33:00+08:00", "中国网"),
        ('<div class="Tinfo">2024-05-20 10:11:12 来源：中国旅游报</div>', "2024-05-20T10:11:12+08:00", "中国旅游报"),
        ('<div class="artiInfo">2019-06-19 08:33:16 来源：人民网</div>', "2019-06-19T08:33:16+08:00", "人民网"),
        ('<div class="articleInfo">2019-06-19 08:33:16 来源：经济日报</div>', "2019-06-19T08:33:16+08:00", "经济日报"),
    ],
)  # fmt: skip
def test_the_channel_templates_header_gives_time_and_outlet(header: str, published: str, media: str) -> None:
    # The header lines of the channel templates (reference notes 3.2: cppcc div.span, music h4, travel
    # div.Tinfo, the artiInfo / articleInfo / artInfo blocks).
    page = f'<html><body><h1>标题</h1>{header}<div id="artiContent"><p>正文第一段，经济运行稳中向好。</p></div></body></html>'
    raw = parse_article_page(page, "http://cppcc.china.com.cn/2019-06/19/content_74898361.htm")
    assert (isoformat(raw.published_at), raw.media) == (published, media)


def test_a_closing_line_without_punctuation_in_the_sites_own_body_is_article_text() -> None:
    """sites.md 3.4: no related-links block is inside #fontzoom, so its last line, an author's note of 30+
    characters without a comma, is the article's; the same line in flattened page text (the generic
    path, a text file) is still taken for a run of link titles."""
    note = "（作者系中国人民大学重阳金融研究院高级研究员 中国人民大学国家发展与战略研究院研究员）"
    html = (
        "<html><head><title>稳增长_中国网</title></head><body><h1>稳增长</h1><div id='fontzoom'>"
        f"<p>　　稳增长需要政策协同发力，这一点已经成为共识。</p><p>　　{note}</p></div></body></html>"
    )
    article = extract_article(parse_document(html, "http://finance.china.com.cn/news/20261206/6300001.shtml"))
    assert article.body_source == "layout:chinaorg"
    assert article.text == f"稳增长需要政策协同发力，这一点已经成为共识。\n{note}"
    assert extract_article(
        parse_document(f"稳增长\n\n稳增长需要政策协同发力，这一点已经成为共识。\n{note}\n")
    ).text == ("稳增长需要政策协同发力，这一点已经成为共识。")


def test_an_older_page_with_its_logo_in_the_first_h1_is_titled_by_the_second() -> None:
    """sites.md 3.1: the public config of the older template reads the title from the second <h1>."""
    html = (
        "<html><head><title>真正的标题_中国网</title></head><body>"
        '<h1><a href="http://www.china.com.cn/"><img src="logo.gif" alt="中国网"/>中国网</a></h1><h1>真正的标题</h1>'
        '<span id="pubtime_baidu">2019-06-17 10:20:00</span><span id="source_baidu">来源：中国网</span>'
        "<div id='content'><p>　　正文第一段，经济运行稳中向好。</p></div></body></html>"
    )
    article = extract_article(parse_document(html, "http://finance.china.com.cn/news/20190617/5000001.shtml"))
    assert article.title == "真正的标题"
    assert article.text == "正文第一段，经济运行稳中向好。"


# --- a time no template names, and the URL's date (audit of day 20) ------------------------------------


def test_a_time_written_just_before_the_body_in_an_unnamed_element_is_the_publish_time() -> None:
    # Older crawlers read news.china.com.cn's times by a pattern over the page (sites.md 3.2), not from an element.
    page = (
        "<html><head><title>标题_中国网</title></head><body><div class='top'>2026年12月07日 星期一</div>"
        "<ul class='side'><li>旧闻 2019-11-01 08:00:00</li></ul><div><h1>标题</h1></div>"
        "<div id='source_baidu'>来源：新京报</div><span>2019-11-11 10:20:30</span>"
        "<div id='articleBody'><p>正文第一段，足够长的正文内容。</p></div></body></html>"
    )
    raw = parse_article_page(page, "http://news.china.com.cn/2019-11/11/content_75395242.htm")
    assert raw.published_at == datetime(2019, 11, 11, 10, 20, 30, tzinfo=SHANGHAI)  # the nearest, not the side list's
    assert not raw.published_from_code


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("http://news.china.com.cn/2019-11/11/content_75395242.htm", datetime(2019, 11, 11, tzinfo=SHANGHAI)),
        ("http://finance.china.com.cn/roll/20260718/6316735.shtml", datetime(2026, 7, 18, tzinfo=SHANGHAI)),
        ("http://finance.china.com.cn/roll/20261318/6316735.shtml", None),  # no such day
        ("http://finance.china.com.cn/roll/index.shtml", None),
    ],
)
def test_a_page_that_shows_no_time_is_dated_by_its_url_until_a_list_says_better(url: str, day: datetime | None) -> None:
    page = "<html><body><div class='top'>2026年12月07日</div><div id='fontzoom'><p>正文第一段，足够长的正文内容。</p></div></body></html>"
    raw = parse_article_page(page, url)
    assert raw.published_at == day  # a date without its time of day before the body is no article's time
    assert raw.published_from_code == (day is not None)
    listed = datetime(2026, 7, 18, 9, 41, tzinfo=SHANGHAI)
    spider = spider_for()
    assert spider.read_article(page, url, listed).published_at == listed  # the list's minute beats a URL's day
    assert spider.read_article(page, url).published_at == day


def test_a_list_time_without_its_year_after_a_title_ending_in_a_digit_is_read() -> None:
    # <li><a>净利增长3</a><span>08-19 10:20</span></li>: glued, the text read "…308-19 10:20" (audit of day 20).
    now = datetime(2026, 8, 20, 12, tzinfo=SHANGHAI)
    items = "".join(
        f'<li><a href="http://finance.china.com.cn/stock/zqyw/20260819/63167{i:02d}.shtml">净利增长{i}</a>'
        f"<span>08-19 10:{i:02d}</span></li>"
        for i in range(3)
    )
    page = parse_list_page(
        f'<ul class="news_list">{items}</ul>', "http://app.finance.china.com.cn/news/column.php", now
    )
    assert [entry.listed_at for entry in page.entries] == [
        datetime(2026, 8, 19, 10, i, tzinfo=SHANGHAI) for i in range(3)
    ]


# --- the channels' script lists and their pagers (sites.md 3.3, PROVENANCE.md C; audit of day 20) -------------

SCRIPT_LIST = "http://app.finance.china.com.cn/news/more_news.php?callback=jQuery1111_1&cnl=bank&index=0&page=2"


def script_answer(count: int, call: str = "jQuery1111_1") -> bytes:
    items = "".join(
        f'<div class="c"><h3><a href="http://finance.china.com.cn/money/bank/20260819/63167{i:02d}.shtml">'
        f"银行业动态{i}</a></h3></div>"
        for i in range(count)
    )
    return f"{call}({json.dumps(items)});".encode()


@pytest.mark.parametrize("call", ["jQuery1111_1", ""])  # JSONP, and the bare (…) of the older answers
def test_a_script_list_answer_is_read_and_paged_by_its_query(call: str) -> None:
    page = parse_list_page(script_answer(10, call).decode(), SCRIPT_LIST)
    assert [e.href for e in page.entries][:2] == [
        "http://finance.china.com.cn/money/bank/20260819/6316700.shtml",
        "http://finance.china.com.cn/money/bank/20260819/6316701.shtml",
    ]
    assert len(page.entries) == 10
    assert page.next_href == SCRIPT_LIST.replace("page=2", "page=3")
    assert parse_list_page(script_answer(0, call).decode(), SCRIPT_LIST) == ListPage([], None)  # its end


def test_the_spider_follows_a_script_list() -> None:
    spider = spider_for()
    response = TextResponse(
        SCRIPT_LIST,
        body=script_answer(10),
        headers={"Content-Type": "application/javascript"},
        request=Request(SCRIPT_LIST),
    )
    requests = list(spider.parse_list(response, page=2))
    assert len([r for r in requests if r.meta.get(ARTICLE_FLAG)]) == 10
    assert list_requests(requests) == [SCRIPT_LIST.replace("page=2", "page=3")]


def test_a_pager_link_to_a_script_is_served_by_the_channels_app_host() -> None:
    index = "http://finance.china.com.cn/stock/zqyw/index.shtml"
    assert next_list_url(index, "/news/column.php?cname=证券要闻&p=2") == (
        "http://app.finance.china.com.cn/news/column.php?cname=证券要闻&p=2"
    )
    assert next_list_url(index, "index_2.shtml") == "http://finance.china.com.cn/stock/zqyw/index_2.shtml"
    column = "http://app.finance.china.com.cn/news/column.php?cname=x&p=1"
    assert (
        next_list_url(column, "/news/column.php?cname=x&p=2")
        == "http://app.finance.china.com.cn/news/column.php?cname=x&p=2"
    )
    assert (
        next_list_url(BASE + "/news/column.php", "/news/column.php?p=2") == BASE + "/news/column.php?p=2"
    )  # a replica
    assert next_list_url("http://money.china.com.cn/", "/news/more_news.php?cnl=bank&page=2") == (
        "http://app.finance.china.com.cn/news/more_news.php?cnl=bank&page=2"
    )
    assert next_list_url("http://tech.china.com.cn/internet/", "/news/my.php?p=2").startswith("http://app.tech.china")
    # Hosts with no app. host known keep the link as written (review of day 20: app.news., app.evilchina. …).
    for page in ("http://news.china.com.cn/node_7247300.htm", "http://www.evilchina.com.cn/list.htm"):
        assert next_list_url(page, "/list.php?p=2") == urljoin(page, "/list.php?p=2")


@pytest.mark.parametrize(
    "before_body",
    [
        # a block of the latest news above a header that shows only the date
        "<div class='hot'><span>2026-12-07 09:15</span></div><div class='riqi'>2019年11月11日</div>",
        "<div class='relate'><a href='/news/20180101/2.shtml'>相关阅读：旧文</a> 2018-01-01 08:00</div>",  # a related link
        "<div class='top'>北京时间 2026年12月07日 10:20 星期一</div>",  # a clock
    ],
)
def test_a_time_before_the_body_on_another_day_than_the_urls_is_not_the_articles(before_body: str) -> None:
    # Review of day 20: the nearest time before the body was taken whatever it was, and beat the list's time.
    page = f"<html><body><h1>标题</h1>{before_body}<div id='fontzoom'><p>正文第一段，足够长的正文内容。</p></div></body></html>"
    url = "http://finance.china.com.cn/stock/20191111/5000001.shtml"
    raw = parse_article_page(page, url)
    assert (raw.published_at, raw.published_from_code) == (datetime(2019, 11, 11, tzinfo=SHANGHAI), True)
    listed = datetime(2019, 11, 11, 9, 41, tzinfo=SHANGHAI)
    assert spider_for().read_article(page, url, listed).published_at == listed


def test_a_time_after_an_inline_script_is_read_and_one_without_a_url_date_yields_to_the_list() -> None:
    page = (
        "<html><body><div class='dt'><script>var a=1;</script>2019-11-11 10:20:30</div>"
        "<div id='fontzoom'><p>正文第一段，足够长的正文内容。</p></div></body></html>"
    )
    raw = parse_article_page(page, "http://news.china.com.cn/2019-11/11/content_75395242.htm")
    assert (raw.published_at, raw.published_from_code) == (datetime(2019, 11, 11, 10, 20, 30, tzinfo=SHANGHAI), False)
    undated = "http://finance.china.com.cn/special/index_75395242.shtml"  # a URL without a date: the time is weak
    assert parse_article_page(page, undated).published_from_code
    listed = datetime(2019, 11, 11, 10, 21, tzinfo=SHANGHAI)
    assert spider_for().read_article(page, undated, listed).published_at == listed


def test_every_host_a_pager_sends_a_list_to_is_paced_as_the_site() -> None:
    domains = set(load_sites().sites["chinaorg"].domains)
    assert set(_SCRIPT_HOSTS) | set(_SCRIPT_HOSTS.values()) <= domains


def test_an_empty_later_list_page_is_the_end_only_where_its_pager_or_a_short_page_before_says_so() -> None:
    """Review of day 23: every empty later page was taken for its list's end. It is one when its pager names only
    pages before it, or when the page before it was short (the list ran out: the column pager keeps offering a next
    page after its last, and a script list has none); an empty page its pager names as a page of the list, or one
    after a full page, is an answer that failed (ChinaOrgSpider.list_page_empty)."""
    from crawler.spiders.chinaorg import ChinaOrgSpider
    from replica.chinaorg_pages import render_channel_page, render_column_page

    past = parse_list_page(render_channel_page([], 3, 2, BASE), BASE + channel_path(3))
    assert past.pages_named == (1, 2) and ChinaOrgSpider.past_the_end(past, 3, (10, 10))
    named = parse_list_page(render_channel_page([], 2, 2, BASE), BASE + channel_path(2))
    assert not ChinaOrgSpider.past_the_end(named, 2, (10, 10))
    column = parse_list_page(render_column_page([], FINANCE_COLUMN, 4, BASE), BASE + column_path(FINANCE_COLUMN, 4))
    assert column.pages_named == () and column.next_href  # (上一页 / 下一页 only, a next page offered)
    assert ChinaOrgSpider.past_the_end(column, 4, (20, 7))  # after a short page: the list ran out
    assert not ChinaOrgSpider.past_the_end(column, 4, (20, 20))  # after a full one: a page that failed
    assert not ChinaOrgSpider.past_the_end(parse_list_page("", BASE + column_path(FINANCE_COLUMN, 4)), 4, (20, 18))


def test_a_pages_wrapper_named_page_is_not_read_as_its_pager() -> None:
    """Review of 44a66a8: the pager is found by its class or id (div.pg, ul.page), and a page whose whole content
    sits in a wrapper named "page" (a common layout id) had every number of the page read as a page its pager names
    (a year, a count of comments): an empty page past the list's end was then taken for one that failed. Only the
    innermost element so named is the pager."""
    from replica.chinaorg_pages import render_channel_page

    past = render_channel_page([], 3, 2, BASE).replace("<body>", '<body><div id="page"><span>2026</span>')
    past = past.replace("</body>", "</div></body>")
    assert parse_list_page(past, BASE + channel_path(3)).pages_named == (1, 2)


# --- facts of the reference notes that had code but no test (audit of day 24) ---------------------------------


def test_the_cppcc_body_box_and_the_toph1_title_are_read() -> None:
    """sites.md 3.2 (cppcc: ``div.center_title > div.span`` "发布时间：… | 来源：… | 作者：…", body
    ``div.center_box``) and 3.1 (``h1.toph1`` with ``span.fl time2`` and ``#fontzoom``), the pages as those notes
    draw them."""
    cppcc = (
        '<html><head><title>委员谈经济_中国政协网</title></head><body><div class="center_title"><h1>委员谈经济</h1>'
        '<div class="span">发布时间： 2019-06-19 08:33:16 | 来源： 人民政协报 | 作者： 张三 | 责任编辑： 李四</div></div>'
        '<div class="center_box"><p>　　全国政协委员表示，要坚持稳中求进工作总基调，推动经济高质量发展。</p></div>'
        "</body></html>"
    )
    raw = parse_article_page(cppcc, "http://cppcc.china.com.cn/2019-06/19/content_74898361.htm")
    assert (raw.title, isoformat(raw.published_at), raw.media, raw.author) == (
        "委员谈经济",
        "2019-06-19T08:33:16+08:00",
        "人民政协报",
        "张三",
    )
    assert "稳中求进" in extract_article(raw).text
    toph1 = (
        '<html><body><div class="top"><h1 class="toph1">证监会发布新规</h1><span class="fl time2">2021年04月09日10:20'
        '&nbsp;&nbsp;<a href="http://www.china.com.cn/">中国网科技</a>&nbsp;&nbsp;<em>作者：李四</em></span></div>'
        '<div class="navp c" id="fontzoom"><p>　　证监会今日发布新规，对上市公司信息披露提出更高要求。</p>'
        '<div class="fr bianj">(责任编辑：王五)</div></div></body></html>'
    )
    raw = parse_article_page(toph1, "http://tech.china.com.cn/elec/20210409/376154.shtml")
    assert (raw.title, isoformat(raw.published_at), raw.media, raw.author) == (
        "证监会发布新规",
        "2021-04-09T10:20:00+08:00",
        "中国网科技",
        "李四",
    )
    assert "责任编辑" not in extract_article(raw).text


def test_a_roll_list_of_live_php_is_read_with_its_times() -> None:
    """sites.md 3.3: ``app.finance.china.com.cn/news/live.php?channel=财经&p={n}`` items
    ``<li><span>YYYY-MM-DD HH:MM(:SS)</span> [分类] <a href="…">title</a></li>`` (a start URL one may configure)."""
    page = """<html><body><div class="top"></div><div class="nav"></div><div class="ad"></div><div><div><ul>
<li><span>2026-07-18 10:20:11</span> [财经] <a href="http://finance.china.com.cn/roll/20260718/6316735.shtml">一</a></li>
<li><span>2026-07-18 10:10</span> [证券] <a href="http://finance.china.com.cn/stock/zqyw/20260718/6316730.shtml">二</a></li>
<li><span>2026-07-18 09:10</span> [产经] <a href="//finance.china.com.cn/industry/20260718/6316720.shtml">三</a></li>
</ul><div class="pages"><a href="live.php?channel=%E8%B4%A2%E7%BB%8F&amp;p=2">下一页</a></div></div></div></body></html>"""
    url = "http://app.finance.china.com.cn/news/live.php?channel=%E8%B4%A2%E7%BB%8F&p=1"
    listing = parse_list_page(page, url)
    assert [(urlsplit(e.href).path, e.listed_at.strftime("%H:%M:%S")) for e in listing.entries] == [
        ("/roll/20260718/6316735.shtml", "10:20:11"),
        ("/stock/zqyw/20260718/6316730.shtml", "10:10:00"),
        ("/industry/20260718/6316720.shtml", "09:10:00"),
    ]
    assert (
        next_list_url(url, listing.next_href)
        == "http://app.finance.china.com.cn/news/live.php?channel=%E8%B4%A2%E7%BB%8F&p=2"
    )
