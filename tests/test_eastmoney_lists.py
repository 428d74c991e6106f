"""Eastmoney's lists as the spider reads them: list pages found by their article links in every DOM
seen (2017–2021 ``#newsListContent`` with ``MM月dd日`` times; the 2026 page with a ``<ul>`` of
``li#newsTr{n}`` in two item variants and full-year times, 42 items), the column and 7×24 APIs in
every form seen (JSON and JSONP, ``code`` as a string, ``url`` beside ``uniqueUrl``, ``Np_dst`` /
``np_dst``, HTML in ``summary``, the cursor only in ``data.sortEnd``), and the answers that mean the
site changed (:class:`crawler.drift.LayoutChangedError`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.dates import SHANGHAI
from core.urls import url_list
from crawler.drift import LayoutChangedError
from crawler.listing import list_time
from crawler.spiders.eastmoney import (
    COLUMN_DEPTH_SERVED,
    ListAnswer,
    column_entry,
    is_eastmoney_article_url,
    list_page_name,
    next_list_page,
    parse_fast_payload,
    parse_list_page,
    parse_list_payload,
    plain_summary,
)
from replica.eastmoney_pages import (
    column_item_2026,
    fast_payload,
    real_sort,
    render_drifted_list_page,
    render_list_page,
    render_list_page_2026,
)
from replica.site import synthetic_articles

BASE = "http://127.0.0.1:1"
ARTICLE_URL = "https://finance.eastmoney.com/a/{code}.html"


def test_list_times_without_a_year_get_the_latest_possible_one() -> None:
    now = datetime(2026, 1, 3, 12, 0, tzinfo=SHANGHAI)
    assert list_time("01月02日 20:46", now) == datetime(2026, 1, 2, 20, 46, tzinfo=SHANGHAI)
    assert list_time("12月31日 23:59", now) == datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI)
    assert list_time("02月29日 10:00", datetime(2026, 3, 1, tzinfo=SHANGHAI)) is None  # no such day in 2026 or 2025
    assert list_time("12-31 23:59", now) == datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI)
    assert list_time("no time", now) is None


def test_list_times_with_a_year_are_read_never_guessed() -> None:
    """A year the page gives is the year, even one that would be 'in the future' or long ago."""
    now = datetime(2026, 1, 3, 12, 0, tzinfo=SHANGHAI)
    assert list_time("2026年08月17日 20:16", now) == datetime(2026, 8, 17, 20, 16, tzinfo=SHANGHAI)
    assert list_time("2019年12月31日 23:59", now) == datetime(2019, 12, 31, 23, 59, tzinfo=SHANGHAI)
    assert list_time("2026-08-17 20:16:05", now) == datetime(2026, 8, 17, 20, 16, 5, tzinfo=SHANGHAI)


def test_list_pages_follow_the_slug_numbering() -> None:
    assert (
        next_list_page("https://finance.eastmoney.com/a/cywjh.html") == "https://finance.eastmoney.com/a/cywjh_2.html"
    )
    assert (
        next_list_page("https://finance.eastmoney.com/a/cywjh_2.html") == "https://finance.eastmoney.com/a/cywjh_3.html"
    )
    assert next_list_page("https://finance.eastmoney.com/a/202205302396636936") is None
    roll = "https://roll.eastmoney.com/stock,finance,money,forex,fund"  # several channels in one list
    assert next_list_page(f"{roll}.html") == f"{roll}_2.html" and next_list_page(f"{roll}_3.html") == f"{roll}_4.html"
    assert list_page_name(f"{roll}_3.html") == "stock,finance,money,forex,fund"


def test_the_older_list_dom_is_read_by_its_links() -> None:
    articles = synthetic_articles(25)
    page = render_list_page(articles, BASE, "cywjh", 2)
    entries = parse_list_page(page, f"{BASE}/a/cywjh_2.html")
    assert [e["url"] for e in entries] == [f"{BASE}/a/{a.code}.html" for a in articles[20:]]
    first = entries[0]
    assert first["title"] == articles[20].raw.title
    assert first["showTimeText"] == articles[20].raw.published_at.strftime("%m月%d日 %H:%M")
    assert first["summary"] == (articles[20].raw.digest or "")


def test_the_2026_list_dom_every_item_once_with_its_year_and_no_sidebar() -> None:
    """The page observed live in August 2026: no container id, image and text-only items (the image
    links the same article), full-year times, 42 items; the "most read" sidebar is not the list."""
    articles = synthetic_articles(60)
    page = render_list_page_2026(articles, "https://finance.eastmoney.com", "czqyw", 1)
    entries = parse_list_page(page, "https://finance.eastmoney.com/a/czqyw.html")
    assert len(entries) == 42
    assert [e["url"] for e in entries] == [f"https://finance.eastmoney.com/a/{a.code}.html" for a in articles[:42]]
    assert all(e["title"] for e in entries)  # the title link's text, not the image link's (none)
    now = datetime(2026, 12, 5, tzinfo=SHANGHAI)
    assert [list_time(e["showTimeText"], now) for e in entries] == [a.raw.published_at for a in articles[:42]]
    assert entries[0]["showTimeText"].startswith("2026年")


def test_a_side_block_before_the_list_linking_the_same_articles_takes_none_away() -> None:
    """cywjh pages carry a 资讯精华 block (reference notes 2.1) that links articles of the list
    itself; placed before the list in the page, it must not take them away from it."""
    articles = synthetic_articles(60)
    page = render_list_page_2026(articles, "https://finance.eastmoney.com", "cywjh", 1)
    block = page[page.index('<div class="mainright">') : page.index("</body>")]
    moved = page.replace(block, "").replace('<div class="mainleft">', block + '<div class="mainleft">')
    assert moved.index("网友点击排行榜") < moved.index('class="list"')
    entries = parse_list_page(moved, "https://finance.eastmoney.com/a/cywjh.html")
    assert [e["url"] for e in entries] == [f"https://finance.eastmoney.com/a/{a.code}.html" for a in articles[:42]]
    assert all(e["showTimeText"] for e in entries)  # each from its list item, with its time


def test_a_redesigned_list_without_article_links_reads_as_empty() -> None:
    page = render_drifted_list_page(synthetic_articles(5), BASE, "cywjh", 1)
    assert parse_list_page(page, f"{BASE}/a/cywjh.html") == []
    assert parse_list_page("<html><body><p>维护中</p></body></html>", BASE) == []
    assert parse_list_page("", BASE) == []


def test_article_urls_of_eastmoney_in_both_forms_on_any_host_serving_its_paths() -> None:
    list_url = "http://mirror.example/a/cywjh.html"
    assert is_eastmoney_article_url("https://finance.eastmoney.com/a/202608173484000001.html", list_url)
    assert is_eastmoney_article_url("http://finance.eastmoney.com/news/1350,202608173484000001.html", list_url)
    assert is_eastmoney_article_url("http://mirror.example/a/202608173484000001.html", list_url)
    assert not is_eastmoney_article_url("http://other.example/a/202608173484000001.html", list_url)
    assert not is_eastmoney_article_url("https://finance.eastmoney.com/a/cywjh_2.html", list_url)


def test_column_answers_in_the_2026_form() -> None:
    """``url`` in the older /news/1350, form, ``uniqueUrl`` missing from some rows, ``Np_dst`` and
    ``np_dst``, HTML in ``summary``: every row leads to the one /a/{code}.html page, summary as text."""
    articles = synthetic_articles(8)
    rows = [column_item_2026(a, i, "http://finance.eastmoney.com") for i, a in enumerate(articles)]
    body = json.dumps({"req_trace": "1", "code": "1", "message": "success", "data": {"list": rows}})
    entries = [column_entry(item, ARTICLE_URL) for item in parse_list_payload(body)]
    assert [e["url"] for e in entries] == [f"http://finance.eastmoney.com/a/{a.code}.html" for a in articles]
    assert not any("<p>" in e["summary"] for e in entries)
    assert {e["np_dst"] for e in entries} == {"CMS"}
    assert "uniqueUrl" not in rows[3] and "Np_dst" in rows[1] and "np_dst" in rows[0]


def test_summaries_with_html_become_text() -> None:
    assert plain_summary("<p>央行：<b>保持</b>流动性&amp;合理充裕</p>") == "央行： 保持 流动性&合理充裕"
    assert plain_summary(None) == ""


@pytest.mark.parametrize(
    "wrap",
    [
        lambda text: text,
        lambda text: f"jQuery35107_1({text})",
        lambda text: f"jQuery35107_1({text});",
        lambda text: f" cb ( {text} ) ;\n",
        # wrappings common JSONP middleware writes (review of day 22): read, not a bad answer
        lambda text: f"\ufeff{text}",
        lambda text: f"/**/ cb({text});",
        lambda text: f"// generated\ncb({text})",
        lambda text: f"try{{cb({text});}}catch(e){{}}",
        lambda text: f"typeof cb === 'function' && cb({text});",
        lambda text: f"var answer = {text};",
    ],
    ids=["json", "jsonp", "jsonp-semicolon", "jsonp-spaces", "bom", "comment", "line-comment", "try", "typeof", "var"],
)
def test_fast_answers_json_or_jsonp_paged_by_sort_end_when_items_lack_real_sort(wrap) -> None:
    articles = synthetic_articles(30)
    answer = fast_payload(articles, {"req_trace": ["x"], "pageSize": ["10"]}, "2026")
    page = parse_fast_payload(wrap(json.dumps(answer, ensure_ascii=False)))
    assert len(page.items) == 10
    assert not any("realSort" in item for item in page.items)
    assert page.cursor == real_sort(sorted(articles, key=real_sort, reverse=True)[9])
    assert any(item["title"] == "" for item in page.items)  # summary-only items exist
    older = fast_payload(articles, {"req_trace": ["x"], "pageSize": ["10"], "sortEnd": [page.cursor]}, "2026")
    assert {i["code"] for i in parse_fast_payload(json.dumps(older)).items}.isdisjoint(i["code"] for i in page.items)


def test_the_last_items_real_sort_is_the_cursor_when_it_has_one() -> None:
    fast = {"code": "1", "data": {"fastNewsList": [{"code": "202611203456789012", "realSort": "17"}], "sortEnd": "9"}}
    assert parse_fast_payload(json.dumps(fast)).cursor == "17"


def test_garbage_and_error_answers_are_errors_and_missing_fields_a_layout_change() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_list_payload("<html>502 Bad Gateway</html>")
    with pytest.raises(ValueError, match="an error"):
        parse_fast_payload('{"code": "-1", "message": "Required field req_trace", "data": null}')
    # an error code beside an empty list (a throttled answer): an error, never an empty page that ends the list
    with pytest.raises(ValueError, match="访问频繁"):
        parse_fast_payload('{"code": "-1", "message": "访问频繁", "data": {"fastNewsList": []}}')
    with pytest.raises(LayoutChangedError) as changed:
        parse_fast_payload('{"code": "1", "data": {"newsList": []}}')
    assert changed.value.reason == "layout_changed/api_fields"
    with pytest.raises(LayoutChangedError):
        parse_list_payload('{"code": 1, "message": "success", "data": {"items": []}}')
    with pytest.raises(LayoutChangedError):
        parse_list_payload('{"code": "1", "message": "success", "result": {"list": []}}')
    # nested past the JSON parser's recursion limit: named as unreadable like any other garbage
    with pytest.raises(ValueError, match="nested too deep"):
        parse_list_payload('{"code": "1", "data": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_a_hit_count_too_large_for_a_number_is_no_count() -> None:
    body = '{"code": "1", "data": {"list": [{"code": "202611203456789012"}], "totle_hits": 1e999}}'
    answer = parse_list_payload(body)
    assert [item["code"] for item in answer] == ["202611203456789012"]
    from crawler.spiders.eastmoney import _column_answer

    assert _column_answer(body).total is None


def test_items_without_any_link_have_no_url() -> None:
    assert column_entry({"title": "只有标题"}, ARTICLE_URL)["url"] == ""
    assert column_entry({"code": "202611203456789012"}, ARTICLE_URL)["url"] == (
        "https://finance.eastmoney.com/a/202611203456789012.html"
    )


def test_caifuhao_posts_in_a_column_answer_are_skipped_and_counted() -> None:
    """财富号 posts (Np_dst "CFH", caifuhao.eastmoney.com, uniqueUrl empty: the form public clients
    show) are user columns on pages of another layout: not fetched, counted, unless asked for."""
    from scrapy import Request
    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.eastmoney import EastmoneySpider

    articles = synthetic_articles(3)
    rows = [column_item_2026(a, i, "http://finance.eastmoney.com") for i, a in enumerate(articles)]
    rows.insert(1, {"code": "20260920123456789012345", "title": "财富号文章", "showTime": "2026-09-20 10:00:00",
                    "url": "http://caifuhao.eastmoney.com/news/20260920123456789012345", "uniqueUrl": "", "Np_dst": "CFH"})  # fmt: skip
    body = json.dumps({"req_trace": "1", "code": "1", "message": "success", "data": {"list": rows}}).encode()
    url = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345&page_index=1"
    for fetch_them, expected in ((False, 3), (True, 4)):
        crawler = get_crawler(EastmoneySpider, {"EASTMONEY_FETCH_CAIFUHAO": fetch_them, "EASTMONEY_MAX_PAGES": 1})
        spider = EastmoneySpider.from_crawler(crawler)
        response = TextResponse(url, body=body, encoding="utf-8", request=Request(url, meta={"finnews_source": "x"}))
        requests = [r for r in spider.parse_list(response, column="345", page=1) if "getNewsByColumns" not in r.url]
        assert len(requests) == expected
        assert any("caifuhao" in r.url for r in requests) == fetch_them
        assert crawler.stats.get_value("finnews/skipped/caifuhao") == (None if fetch_them else 1)


def test_caifuhao_posts_on_an_html_list_page_are_skipped_and_counted_too() -> None:
    """Day 17 noticed them left out of the count: the page parser kept Eastmoney's own article links only."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.eastmoney import EastmoneySpider

    items = [
        ("https://finance.eastmoney.com/a/202609182000000001.html", "要闻一"),
        ("http://caifuhao.eastmoney.com/news/20260918123456789012345", "财富号文章"),
        ("https://finance.eastmoney.com/a/202609182000000002.html", "要闻二"),
    ]
    body = "".join(
        f'<li><p class="title"><a href="{url}">{title}</a></p><p class="time">2026年09月18日 20:0{i}</p></li>'
        for i, (url, title) in enumerate(items)
    )
    url = "https://finance.eastmoney.com/a/cywjh.html"
    crawler = get_crawler(EastmoneySpider, {"EASTMONEY_MAX_PAGES": 1})
    spider = EastmoneySpider.from_crawler(crawler)
    request = Request(url, meta={"finnews_source": "pages:cywjh"})
    response = HtmlResponse(url, body=f"<html><body><ul>{body}</ul></body></html>".encode(), request=request)
    fetched = [r.url for r in spider.parse_list_page(response, page=1) if "/a/2026" in r.url or "caifuhao" in r.url]
    assert fetched == [items[0][0], items[2][0]]
    assert crawler.stats.get_value("finnews/skipped/caifuhao") == 1


def test_a_list_time_beats_the_date_an_article_code_starts_with() -> None:
    """A page that shows no time gets the date its code starts with, at midnight; the list's exact
    time is better, and the codes may carry the day before (a real 7×24 item of 2026-10-10,
    tests/fixtures/real-sites/eastmoney/fast_items_2026-10-10_ACANX-Distribution.jsonl)."""
    from scrapy.utils.test import get_crawler

    from crawler.spiders.eastmoney import EastmoneySpider

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    page = "<html><head><title>法国债务_东方财富网</title></head><body><div id='ContentBody'><p>　　随着法国公共债务逼近GDP的120%，市场担忧升温。</p></div></body></html>"  # fmt: skip
    url = "https://finance.eastmoney.com/a/202610093891579951.html"
    listed = spider.read_article(page, url, {"title": "法国债务", "showTime": "2026-10-10 00:00:00"})
    assert listed.published_at == datetime(2026, 10, 10, 0, 0, tzinfo=SHANGHAI)
    unlisted = spider.read_article(page, url, {})
    assert unlisted.published_at == datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)  # the code's date, no better
    shown = page.replace("<div id='ContentBody'>", "<div class='infos'><div class='item'>2026年10月10日 00:01</div></div><div id='ContentBody'>")  # fmt: skip
    assert spider.read_article(shown, url, {"showTime": "2026-10-10 00:00:00"}).published_at == datetime(
        2026, 10, 10, 0, 1, tzinfo=SHANGHAI
    )  # the page's own time stays first
    # ... but where the page shows the list's time to the minute, the list's seconds are kept (day 18: flashes of
    # one minute lost their order).
    assert spider.read_article(shown, url, {"showTime": "2026-10-10 00:01:37"}).published_at == datetime(
        2026, 10, 10, 0, 1, 37, tzinfo=SHANGHAI
    )


def test_a_flash_listed_without_a_title_on_a_page_without_one_is_titled_by_its_summary() -> None:
    # sites.md: 7×24 items with an empty title exist; a page without a title either was a layout change.
    from scrapy.utils.test import get_crawler

    from crawler.spiders.eastmoney import EastmoneySpider, title_of_summary

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    page = "<html><head><title>_东方财富网</title></head><body><div class='title'></div><div id='ContentBody'><p>　　【美联储维持利率不变】美联储宣布维持联邦基金利率目标区间不变。</p></div></body></html>"  # fmt: skip
    url = "https://finance.eastmoney.com/a/202610103891579951.html"
    raw = spider.read_article(page, url, {"title": "", "summary": "【美联储维持利率不变】美联储宣布维持利率不变。"})
    assert raw.title == "美联储维持利率不变"
    assert title_of_summary("财政部：前10月国有企业营收增长2.1%。其中中央企业增长1.8%。") == (
        "财政部：前10月国有企业营收增长2.1%"
    )
    assert title_of_summary("") is None


def test_since_pages_on_while_the_main_list_is_inside_the_window_beside_an_older_side_block() -> None:
    # Third audit: one older entry (a side block's 资讯精华 times) ended the paging after page 1.
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler import settings
    from crawler.spiders.eastmoney import EastmoneySpider

    project_settings = {name: getattr(settings, name) for name in dir(settings) if name.startswith("EASTMONEY_")}
    main = "".join(
        f'<li id="newsTr{i}"><p class="title"><a href="//finance.eastmoney.com/a/2026091838788{i:05d}.html">'
        f'要闻标题第{i}条</a></p><p class="time">2026年09月18日 20:{59 - i:02d}</p></li>'
        for i in range(42)
    )
    side = "".join(
        f'<li><p class="title"><a href="//finance.eastmoney.com/a/2026090438700{i:05d}.html">精华标题第{i}条</a>'
        f'</p><p class="time">9月4日 15:0{i}</p></li>'
        for i in range(5)
    )
    for older_main, pages_on in ((False, True), (True, False), ("repeated", False)):
        listed = main.replace("2026年09月18日", "2026年09月17日") if older_main else main
        # "repeated": page 2 of a list whose main part is past since, beside a side block of items inside
        # the window that page 1 listed already (review: it paged on to the page limit).
        recent_side = side.replace("9月4日", "9月18日") if older_main == "repeated" else side
        html = f'<html><body><div class="side"><ul>{recent_side}</ul></div><div class="list"><ul>{listed}</ul></div></body></html>'
        spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, project_settings), since="2026-09-18")
        url = "https://finance.eastmoney.com/a/cywjh.html"
        meta = {"finnews_source": "pages:cywjh"}
        if older_main == "repeated":
            first = f'<html><body><div class="side"><ul>{recent_side}</ul></div><div class="list"><ul>{main}</ul></div></body></html>'
            list(spider.parse_list_page(HtmlResponse(url, body=first.encode(), encoding="utf-8", request=Request(url, meta=meta)), page=1))  # fmt: skip
            url = "https://finance.eastmoney.com/a/cywjh_2.html"
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url, meta=meta))
        out = list(spider.parse_list_page(response, page=2 if older_main == "repeated" else 1))
        asked = [r for r in out if "/a/2026" in r.url]
        assert len(asked) == {False: 42, True: 0, "repeated": 5}[older_main]
        assert any("cywjh_2" in r.url or "cywjh_3" in r.url for r in out) is pages_on


def test_one_article_listed_under_two_spellings_is_requested_at_one_address() -> None:
    """The column API gives http://…/a/{code}.html, list pages //…, the 7×24 template https://…: the
    article request uses one spelling, so Scrapy's duplicate filter sees one article (and the
    request budget pays for it once); a replica's or china.com.cn's http address is kept."""
    from scrapy import Request
    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.eastmoney import EastmoneySpider

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    response = TextResponse("https://finance.eastmoney.com/a/cywjh.html", body=b"", request=Request("https://x"))
    spellings = (
        "http://finance.eastmoney.com/a/202609183878840472.html",
        "//finance.eastmoney.com/a/202609183878840472.html",
        "https://finance.eastmoney.com/news/1350,202609183878840472.html",
    )
    addresses = {spider.article_request(response, url).url for url in spellings}
    assert addresses == {"https://finance.eastmoney.com/a/202609183878840472.html"}
    replica = "http://127.0.0.1:8123/a/202609183878840472.html"
    assert spider.article_request(response, replica).url == replica
    chinaorg = "http://finance.china.com.cn/stock/ssgs/20250508/6239617.shtml"
    assert spider.article_request(response, chinaorg).url == chinaorg


def _list_spider() -> tuple[Any, Any]:
    from scrapy.utils.test import get_crawler

    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    settings = {
        name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("EASTMONEY_")
    }
    crawler = get_crawler(EastmoneySpider, settings)
    return EastmoneySpider.from_crawler(crawler), crawler.stats


def _answer(url: str, body: str) -> Any:
    from scrapy import Request
    from scrapy.http import TextResponse

    return TextResponse(url, body=body.encode(), encoding="utf-8", request=Request(url, meta={"finnews_source": "x"}))


@pytest.mark.parametrize("after_full_page", [True, False])
def test_an_empty_column_page_after_a_full_one_is_a_refusal_not_its_end(after_full_page: bool) -> None:
    """sites.md: throttled list APIs answer 200 with a valid but empty list (its count may say 0). Page 2
    after a full page 1 of a column counting 5,000 hits is such an answer: counted, retried, never a good
    answer. After a short page, or a page that reached the count, an empty page is the list's end."""
    spider, stats = _list_spider()
    body = json.dumps({"code": "1", "message": "success", "data": {"page_index": 2, "list": [], "totle_hits": 0}})
    url = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345&page_index=2"
    assert list(spider.parse_list(_answer(url, body), column="345", page=2, after_full_page=after_full_page)) == []
    assert stats.get_value("finnews/errors/blocked/empty_list") == (1 if after_full_page else None)
    assert stats.get_value("finnews/ok_answers") == (None if after_full_page else 1)
    size = spider.settings.getint("EASTMONEY_PAGE_SIZE")
    for held, total, full in ((size, 5000, True), (size, "5000", True), (size, size, False), (size - 1, None, False)):
        items = [
            {"code": f"2026120600{i:010d}", "title": "要闻", "showTime": "2026-12-06 10:00:00"} for i in range(held)
        ]
        data = {"page_index": 1, "list": items, "page_size": size, "totle_hits": total}
        answer = json.dumps({"code": "1", "message": "success", "data": data})
        (following,) = [r for r in spider.parse_list(_answer(url, answer), column="345", page=1) if "Columns" in r.url]
        assert following.cb_kwargs == {"column": "345", "page": 2, "after_full_page": full}
    # Past the depth a column is known to serve (350: 500 items) an empty page may be its real end: a count
    # of 5000 may be a cap. Column 345 goes deeper.
    deep = ListAnswer([{}] * size, total=5000)
    assert deep.says_more(500 // size - 1, size, COLUMN_DEPTH_SERVED["350"])
    assert not deep.says_more(500 // size, size, COLUMN_DEPTH_SERVED["350"])
    assert deep.says_more(500 // size, size, COLUMN_DEPTH_SERVED.get("345"))


@pytest.mark.parametrize("after_full_page", [True, False])
def test_an_empty_7x24_page_after_a_full_one_is_a_refusal(after_full_page: bool) -> None:
    """The 7×24 list counts no hits: a page asked for by the cursor of a full page that answers no item
    is refused; after a short page it is the list's end. The spider asks with what the page before held."""
    spider, stats = _list_spider()
    body = 'jQuery1_1({"code": "1", "message": "success", "data": {"fastNewsList": [], "sortEnd": ""}})'
    url = "https://np-listapi.eastmoney.com/comm/web/getFastNewsList?fastColumn=102&sortEnd=1765000000000000"
    assert list(spider.parse_fast(_answer(url, body), column="102", page=3, after_full_page=after_full_page)) == []
    assert stats.get_value("finnews/errors/blocked/empty_list") == (1 if after_full_page else None)
    assert stats.get_value("finnews/ok_answers") == (None if after_full_page else 1)
    size = spider.settings.getint("EASTMONEY_PAGE_SIZE")
    for held, full in ((size, True), (size - 1, False)):
        items = [
            {"code": f"2026120600{i:010d}", "title": "快讯", "showTime": "2026-12-06 10:00:00"} for i in range(held)
        ]
        answer = json.dumps({"code": "1", "data": {"fastNewsList": items, "sortEnd": "176"}})
        (following,) = [r for r in spider.parse_fast(_answer(url, answer), column="102", page=1) if "getFast" in r.url]
        assert following.cb_kwargs == {"column": "102", "page": 2, "after_full_page": full}


def test_a_known_html_list_is_caught_up_when_only_its_repeated_side_block_was_seen(tmp_path: Path) -> None:
    """Review of the day: the side block (资讯精华) repeats on every page; once its items were indexed, a
    main list entirely new still stopped at max_pages, silently."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler import settings
    from crawler.seen import SeenStore
    from crawler.spiders.eastmoney import EastmoneySpider
    from crawler.state import crawl_state

    side = "".join(
        f'<li><p class="title"><a href="https://finance.eastmoney.com/a/2026090438700{i:05d}.html">精华标题第{i}条</a>'
        f'</p><p class="time">9月4日 15:0{i}</p></li>'
        for i in range(5)
    )

    def page(number: int) -> str:
        main = "".join(
            f'<li id="newsTr{i}"><p class="title"><a href="https://finance.eastmoney.com/a/20260918{number}87{i:07d}.html">'
            f'要闻标题{number}-{i}</a></p><p class="time">2026年09月18日 20:{59 - i:02d}</p></li>'
            for i in range(42)
        )
        return (
            f'<html><body><div class="side"><ul>{side}</ul></div><div class="list"><ul>{main}</ul></div></body></html>'
        )

    project = {
        name: getattr(settings, name) for name in dir(settings) if name.startswith(("EASTMONEY_", "FINNEWS_CATCH"))
    }
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, project), max_pages="2")
    store = SeenStore(tmp_path / "seen.sqlite")
    crawl_state(spider.crawler).seen_store = store
    store.add_many([f"https://finance.eastmoney.com/a/2026090438700{i:05d}.html" for i in range(5)])  # the side block
    meta = {"finnews_source": "pages:cywjh"}
    first = HtmlResponse("https://finance.eastmoney.com/a/cywjh.html", body=page(1).encode(), encoding="utf-8", request=Request("https://finance.eastmoney.com/a/cywjh.html", meta=meta))  # fmt: skip
    store.note_list(spider.list_key(first, "pages:cywjh"))  # read by earlier crawls
    (second_request,) = [r for r in spider.parse_list_page(first, page=1) if "cywjh_2" in r.url]
    second = HtmlResponse(second_request.url, body=page(2).encode(), encoding="utf-8", request=second_request)
    out = list(spider.parse_list_page(second, page=2))
    assert any("cywjh_3" in r.url for r in out)  # page 2 (max_pages) is all new but for the side block: paged on
    assert spider.crawler.stats.get_value("finnews/list_catch_up_pages") == 1
    store.close()


def _fast_answer(start: int, size: int = 20) -> str:
    items = [
        {
            "code": f"2026083038594{start + i:05d}",
            "title": f"快讯{start + i}",
            "showTime": f"2026-08-30 21:{59 - i:02d}:00",
            "realSort": f"178809{9999 - start - i:04d}0{start + i:05d}",
        }
        for i in range(size)
    ]
    return json.dumps(
        {"code": "1", "message": "success", "data": {"sortEnd": items[-1]["realSort"], "fastNewsList": items}}
    )


def test_a_list_that_answers_the_same_page_again_is_a_layout_change_not_paged_to_max_pages() -> None:
    """Live-answer audit (day 17): an API that ignores its cursor (or page index) answers page 1 again; paging
    on from it read it to max_pages and lost every flash further back, with no error. The page that gives
    only what earlier pages gave is reported (list_repeats) and paging stops; a page with one new item is not."""
    spider, stats = _list_spider()
    url = "https://np-listapi.eastmoney.com/comm/web/getFastNewsList?fastColumn=102&sortEnd="
    (second,) = [
        r for r in spider.parse_fast(_answer(url, _fast_answer(0)), column="102", page=1) if "getFast" in r.url
    ]
    again = list(spider.parse_fast(_answer(second.url, _fast_answer(0)), column="102", page=2, after_full_page=True))
    assert not [r for r in again if "getFast" in r.url]
    assert stats.get_value("finnews/errors/layout_changed/list_repeats") == 1
    assert stats.get_value("finnews/layout_changed_sources") == ["x"]
    # one new item among nineteen repeated ones (articles pushed in between two pages) pages on
    spider, stats = _list_spider()
    list(spider.parse_fast(_answer(url, _fast_answer(0)), column="102", page=1))
    shifted = list(spider.parse_fast(_answer(second.url, _fast_answer(19)), column="102", page=2))
    assert [r for r in shifted if "getFast" in r.url]
    assert stats.get_value("finnews/errors/layout_changed/list_repeats") is None


def test_a_list_page_whose_main_list_went_and_whose_side_blocks_stay_is_a_layout_change(tmp_path: Path) -> None:
    """Live-answer audit (day 17): the main list rendered by a script, the side blocks (资讯精华, a ranking)
    still in the page. Page 2 giving only page 1's links is reported (list_repeats); and a first page less than
    half as long as an earlier crawl's first page is reported (list_shrunk) even when the crawl stops there."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler import settings
    from crawler.backoff import BlockingPolicy, BlockTracker, ListMemory
    from crawler.spiders.eastmoney import EastmoneySpider
    from crawler.state import crawl_state

    def page(main_items: int) -> str:
        side = "".join(
            f'<li><p class="title"><a href="https://finance.eastmoney.com/a/2026090438700{i:05d}.html">精华标题第{i}条</a>'
            f'</p><p class="time">9月4日 15:0{i}</p></li>'
            for i in range(8)
        )
        main = "".join(
            f'<li id="newsTr{i}"><p class="title"><a href="https://finance.eastmoney.com/a/2026091887{i:08d}.html">'
            f'要闻标题{i}</a></p><p class="time">2026年09月18日 20:{59 - i:02d}</p></li>'
            for i in range(main_items)
        )
        return (
            f'<html><body><div class="side"><ul>{side}</ul></div><div class="list"><ul>{main}</ul></div></body></html>'
        )

    project = {name: getattr(settings, name) for name in dir(settings) if name.startswith("EASTMONEY_")}
    memory_path = tmp_path / "lists.json"

    def crawl_first_page(main_items: int) -> Any:
        spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, project), max_pages="3")
        tracker = BlockTracker(BlockingPolicy.from_settings(spider.settings), spider.crawler.stats)
        tracker.memory = ListMemory(memory_path)
        crawl_state(spider.crawler).blocking = tracker
        url = "https://finance.eastmoney.com/a/cywjh.html"
        request = Request(url, meta={"finnews_source": "pages:cywjh"})
        response = HtmlResponse(url, body=page(main_items).encode(), encoding="utf-8", request=request)
        out = list(spider.parse_list_page(response, page=1))
        spider.blocking.memory.save()
        return spider, out

    spider, out = crawl_first_page(42)
    assert spider.crawler.stats.get_value("finnews/errors/layout_changed/list_shrunk") is None
    spider, out = crawl_first_page(0)  # the next crawl: the side blocks alone
    assert spider.crawler.stats.get_value("finnews/errors/layout_changed/list_shrunk") == 1
    (following,) = [r for r in out if "cywjh_2" in r.url]
    second = HtmlResponse(following.url, body=page(0).encode(), encoding="utf-8", request=following)
    assert not [r for r in spider.parse_list_page(second, page=2) if "cywjh_3" in r.url]
    assert spider.crawler.stats.get_value("finnews/errors/layout_changed/list_repeats") == 1
    spider, out = crawl_first_page(0)  # still reported: the longer count was kept
    assert spider.crawler.stats.get_value("finnews/errors/layout_changed/list_shrunk") == 1


def test_a_list_setting_keeps_urls_that_hold_commas() -> None:
    # Second review of day 19: Scrapy's getlist cut the roll list of several channels at its commas.
    roll = "https://roll.eastmoney.com/stock,finance,money,forex,fund.html"
    given = f"{roll},https://finance.eastmoney.com/a/cywjh.html"
    assert url_list(given) == [roll, "https://finance.eastmoney.com/a/cywjh.html"]
    assert url_list([roll]) == [roll] and url_list("") == [] and url_list(None) == []


def test_an_article_a_channel_host_links_is_fetched_there_when_finance_answers_404() -> None:
    """Eastmoney's channel hosts are fetched at finance.eastmoney.com by the code they share (core/urls.py); for
    the hosts known only from 2026 links (money., emwap. …) that is inferred, so a 404 there is not the end."""
    from scrapy.http import HtmlResponse, Request, Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from crawler.spiders.base import LINKED_META
    from crawler.spiders.eastmoney import EastmoneySpider

    crawler = get_crawler(EastmoneySpider)
    spider = EastmoneySpider.from_crawler(crawler)
    listed = HtmlResponse(
        "https://money.eastmoney.com/a/cjjlc.html",
        body=b"<html></html>",
        request=Request("https://money.eastmoney.com/a/cjjlc.html"),
    )
    request = spider.article_request(listed, "/a/202003121415065275.html")
    assert request.url == "https://finance.eastmoney.com/a/202003121415065275.html"
    assert request.meta[LINKED_META] == "https://money.eastmoney.com/a/202003121415065275.html"

    def answered_404(sent: Request) -> Failure:
        failure = Failure(HttpError(Response(sent.url, status=404, request=sent)))
        failure.request = sent  # as Scrapy hands an errback its request
        return failure

    (again,) = spider.on_error(answered_404(request))
    assert again.url == "https://money.eastmoney.com/a/202003121415065275.html" and LINKED_META not in again.meta
    assert again.callback == request.callback and again.dont_filter
    assert spider.on_error(answered_404(again)) is None  # not there either: a failure like any
    assert crawler.stats.get_value("finnews/errors/http_404") == 1
    assert crawler.stats.get_value("finnews/articles_fetched_where_linked") == 1
    # A finance link is fetched as linked: nothing to fall back to.
    assert (
        LINKED_META
        not in spider.article_request(listed, "https://finance.eastmoney.com/a/202003121415065275.html").meta
    )


def test_a_list_answer_served_under_a_western_charset_is_read_as_the_utf8_json_it_is() -> None:
    """JSON is UTF-8 (RFC 8259), whatever charset the answer's header names: a JSONP answer served as
    ``text/plain;charset=ISO-8859-1`` (Java servers' default) was read by Scrapy's ``response.text`` as cp1252, and
    every summary and title the list gave came out as mojibake (北京 → åŒ—äº¬), with no error. Article pages were
    already decoded from their bytes, the declared charset tried but not trusted (review of day 22)."""
    from scrapy import Request
    from scrapy.http import TextResponse

    spider, _ = _list_spider()
    item = {"code": "202612073600000001", "title": "", "summary": "【北京发布数字经济行动方案】全文如下。"}
    payload = {"code": "1", "data": {"fastNewsList": [item], "sortEnd": "1"}}
    body = f"jQuery35107_1({json.dumps(payload, ensure_ascii=False)});"
    url = "https://np-listapi.eastmoney.com/comm/web/getFastNewsList?fastColumn=102&sortEnd="
    headers = {"Content-Type": "text/plain;charset=ISO-8859-1"}
    answer = TextResponse(
        url, body=body.encode("utf-8"), headers=headers, request=Request(url, meta={"finnews_source": "x"})
    )
    (article,) = [r for r in spider.parse_fast(answer, column="102", page=1) if "/a/" in r.url]
    assert article.cb_kwargs["listed"]["summary"] == "【北京发布数字经济行动方案】全文如下。"


@pytest.mark.parametrize(("listed", "ended"), [((41, 41), False), ((41, 12), True)])
def test_an_empty_later_list_page_after_a_full_one_is_left_unread_not_the_lists_end(
    tmp_path: Path, listed: tuple[int, int], ended: bool
) -> None:
    """Review of day 23 (as for China.org's column pages): a list page answering 200 with no article link after a full
    page (a transient empty or cut-off answer; a page past the last one answers 404) was taken for the list's end, the
    crawl clean, and what lay beyond it never read. After a short page it is the end (the list ran out there)."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.seen import SeenStore
    from crawler.spiders.eastmoney import EastmoneySpider
    from crawler.state import crawl_state

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    store = SeenStore(tmp_path / "seen.db")
    crawl_state(spider.crawler).seen_store = store
    url = "https://finance.eastmoney.com/a/cywjh_3.html"
    empty = HtmlResponse(
        url, body=b"<html><body><div class='list'></div></body></html>", request=Request(url), encoding="utf-8"
    )
    assert list(spider.parse_list_page(empty, page=3, listed=listed)) == []
    stats = spider.crawler.stats
    assert (stats.get_value("finnews/list_ends") == 1) is ended
    assert (stats.get_value("finnews/errors/list_page_empty") == 1) is not ended
    assert bool(crawl_state(spider.crawler).unclean) is not ended
    store.close()


def test_an_empty_later_list_page_that_was_empty_on_the_crawl_before_is_the_lists_end(tmp_path: Path) -> None:
    """Review of 264565e: a list whose last page is full ends in an empty page; taken for one that failed on every
    crawl reaching it, every such crawl was unclean (and the next read every list as deep again). Empty on the
    crawl before too (its run of failures began before this crawl), it is the list's end."""
    from datetime import datetime, timedelta

    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.seen import SeenStore
    from crawler.spiders.eastmoney import EastmoneySpider
    from crawler.state import crawl_state

    store = SeenStore(tmp_path / "seen.db")
    url = "https://finance.eastmoney.com/a/cywjh_3.html"
    body = b"<html><body><div class='list'></div></body></html>"
    for crawl, ended in ((1, False), (2, True)):
        spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
        crawl_state(spider.crawler).seen_store = store
        spider.crawler.stats.set_value("start_time", datetime.now(UTC) + timedelta(seconds=crawl - 1))
        empty = HtmlResponse(url, body=body, request=Request(url), encoding="utf-8")
        assert list(spider.parse_list_page(empty, page=3, listed=(41, 41))) == []
        stats = spider.crawler.stats
        assert (stats.get_value("finnews/list_ends") == 1) is ended, crawl
        assert bool(crawl_state(spider.crawler).unclean) is not ended, crawl
    store.close()


# --- facts of the reference notes that had code but no test (audit of day 24) ---------------------------------


def _channel_list_page(host: str, codes: list[str]) -> str:
    """An HTML list page of a channel host as sites.md 1.1 and 2.1 describe it: ``li#newsTr{n} > div.text > p.title
    > a`` with protocol-relative links on the channel's host, ``p.time`` without a year."""
    items = "".join(
        f'<li id="newsTr{n}"><div class="text text-no-img"><p class="title"><a href="//{host}/a/{code}.html" '
        f'target="_blank">中概股公司{n}发布季度财报</a></p><p class="info" title="摘要{n}">摘要{n}</p>'
        f'<p class="time">08月17日 20:{59 - n:02d}</p></div></li>'
        for n, code in enumerate(codes)
    )
    return f'<html><body><ul id="newsListContent">{items}</ul></body></html>'


def test_a_channel_hosts_list_page_is_read_its_articles_fetched_at_finance_and_paged_on_its_host() -> None:
    """sites.md 1.1 and 2.3: stock., fund., hk., global., biz.eastmoney.com serve lists (``stock…/a/czggng``,
    column 437 中概股) whose links may be protocol-relative ``//host/a/{code}.html``; the code is fetched once, at
    finance.eastmoney.com (where linked if that answers 404), and the next page is ``czggng_2.html`` on the channel."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.spiders.base import LINKED_META

    spider, _ = _list_spider()
    codes = [f"2026081734567890{n:02d}" for n in range(3)]
    url = "https://stock.eastmoney.com/a/czggng.html"
    page = _channel_list_page("stock.eastmoney.com", codes)
    response = HtmlResponse(
        url, body=page.encode(), encoding="utf-8", request=Request(url, meta={"finnews_source": "pages:czggng"})
    )
    requests = list(spider.parse_list_page(response, page=1))
    articles = [r for r in requests if r.meta.get(LINKED_META)]
    assert [r.url for r in articles] == [f"https://finance.eastmoney.com/a/{code}.html" for code in codes]
    assert [r.meta[LINKED_META] for r in articles] == [f"https://stock.eastmoney.com/a/{code}.html" for code in codes]
    assert [r.cb_kwargs["listed"]["summary"] for r in articles] == ["摘要0", "摘要1", "摘要2"]
    assert [r.url for r in requests if r not in articles] == ["https://stock.eastmoney.com/a/czggng_2.html"]


def test_an_html_list_is_not_asked_past_its_last_page_whatever_max_pages_says() -> None:
    """sites.md 2.1: the HTML lists have 25 pages ("只有25页数据", EASTMONEY_LIST_PAGES_MAX); a crawl told to read 30
    asks for no page 26."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    spider, _ = _list_spider()
    spider.max_pages_arg = 30
    url = "https://finance.eastmoney.com/a/cywjh_25.html"
    page = _channel_list_page("finance.eastmoney.com", [f"2026081734567891{n:02d}" for n in range(3)])
    response = HtmlResponse(
        url, body=page.encode(), encoding="utf-8", request=Request(url, meta={"finnews_source": "pages:cywjh"})
    )
    assert not [r.url for r in spider.parse_list_page(response, page=25) if "cywjh_26" in r.url]
    spider, _ = _list_spider()  # (a spider that read page 25 takes the same links again for a repeated page)
    spider.max_pages_arg = 30
    url = url.replace("_25", "_24")
    response = HtmlResponse(
        url, body=page.encode(), encoding="utf-8", request=Request(url, meta={"finnews_source": "pages:cywjh"})
    )
    assert [r.url for r in spider.parse_list_page(response, page=24) if "cywjh_25" in r.url] == [
        url.replace("_24", "_25")
    ]


def test_the_list_api_requests_carry_every_parameter_the_notes_name() -> None:
    """sites.md 2.3 (getNewsByColumns: client, biz=web_news_col, column, order, needInteractData, page_index,
    page_size, req_trace "必须带 … 否则返回 error", fields, types) and 2.4 (getFastNewsList: client, biz=web_724,
    fastColumn, sortEnd empty for the newest, pageSize, req_trace "Required field to avoid 403"), a new req_trace
    each request."""
    from urllib.parse import parse_qs, urlsplit

    spider, _ = _list_spider()
    first, second = spider.column_request("345", 2), spider.column_request("345", 2)
    query = parse_qs(urlsplit(first.url).query, keep_blank_values=True)
    assert first.url.startswith("https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?")
    assert {k: v[0] for k, v in query.items() if k != "req_trace"} == {
        "client": "web",
        "biz": "web_news_col",
        "column": "345",
        "order": "1",
        "needInteractData": "0",
        "page_index": "2",
        "page_size": "20",
        "fields": "code,showTime,title,mediaName,summary,image,url,uniqueUrl,Np_dst",
        "types": "1,20",
    }
    assert query["req_trace"][0] and first.url != second.url
    fast = spider.fast_request("102", "", 1)
    query = parse_qs(urlsplit(fast.url).query, keep_blank_values=True)
    assert {k: v[0] for k, v in query.items() if k != "req_trace"} == {
        "client": "web",
        "biz": "web_724",
        "fastColumn": "102",
        "sortEnd": "",
        "pageSize": "20",
    }
    assert query["req_trace"][0]
