"""Eastmoney's three kinds of rolling list, parsed."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crawler.spiders.eastmoney import list_time, next_list_page, parse_fast_payload, parse_list_page, parse_list_payload
from replica.eastmoney_pages import render_list_page
from replica.site import synthetic_articles
from tagging.dates import SHANGHAI


def test_list_page_times_have_no_year_and_get_the_latest_possible_one() -> None:
    now = datetime(2026, 1, 3, 9, 0, tzinfo=SHANGHAI)
    assert list_time("01月02日 20:46", now) == datetime(2026, 1, 2, 20, 46, tzinfo=SHANGHAI)
    assert list_time("12月31日 23:59", now) == datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI)
    assert list_time("02月29日 10:00", datetime(2026, 3, 1, tzinfo=SHANGHAI)) is None  # no such day in 2026 or 2025
    assert list_time("no time", now) is None


def test_list_pages_follow_the_slug_numbering() -> None:
    assert (
        next_list_page("https://finance.eastmoney.com/a/cywjh.html") == "https://finance.eastmoney.com/a/cywjh_2.html"
    )
    assert (
        next_list_page("https://finance.eastmoney.com/a/cywjh_24.html")
        == "https://finance.eastmoney.com/a/cywjh_25.html"
    )
    assert next_list_page("https://finance.eastmoney.com/") is None


def test_html_list_page_entries() -> None:
    articles = synthetic_articles(25)
    page = render_list_page(articles, "http://127.0.0.1:1", "cywjh", 2)
    entries = parse_list_page(page)
    assert len(entries) == 5
    assert entries[0]["url"] == f"http://127.0.0.1:1/a/{articles[20].code}.html"
    assert entries[0]["title"] == articles[20].raw.title
    assert entries[0]["showTimeText"] == articles[20].raw.published_at.strftime("%m月%d日 %H:%M")
    assert parse_list_page("<html><body><p>维护中</p></body></html>") == []


def test_fast_and_column_payloads_and_garbage() -> None:
    fast = {"code": "1", "data": {"fastNewsList": [{"code": "202611203456789012", "realSort": "1"}]}}
    assert parse_fast_payload(json.dumps(fast))[0]["code"] == "202611203456789012"
    assert parse_list_payload("jQuery123(" + json.dumps({"data": {"list": [{"url": "u"}]}}) + ");") == [{"url": "u"}]
    for garbage in ("<html>", "[]", '{"code": "-1", "message": "req_trace", "data": null}', '{"data": {"list": 3}}'):
        with pytest.raises(ValueError):
            parse_list_payload(garbage)
    with pytest.raises(ValueError, match="fastNewsList"):
        parse_fast_payload('{"data": {"list": []}}')
