"""Odd but real inputs that lost an article or a table before (a blind hunt of the fifteenth day): each is now read
as a reader would read it, or named with a clear reason."""

from __future__ import annotations

import pytest

from core.dates import parse_datetime
from crawler.spiders.chinaorg import parse_list_page
from ingest.files import InputError, parse_record
from ingest.tables import csv_records
from tagging.extract import extract_article, parse_document
from tagging.pages.htmlparse import sanitize_html
from tagging.pages.jekyll import parse_jekyll_post

# Five items of a China.org list page.
LIST_ITEMS = "".join(
    f'<li><a href="http://www.china.org.cn/business/2026-01/0{i}/content_1234567{i}.htm">新闻标题第{i}条</a>'
    f"<span>2026-01-0{i} 10:00</span></li>"
    for i in range(1, 6)
)
BODY = "<p>中国人民银行今日发布公告，决定下调存款准备金率0.5个百分点，释放长期资金约1万亿元。</p>"


def test_an_xhtml_page_that_declares_its_encoding_is_read() -> None:
    """lxml refuses a decoded page whose XML declaration names an encoding: the page was lost as unparseable."""
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<title>央行发布公告</title></head><body><div id="content">{BODY}</div></body></html>'
    )
    article = extract_article(parse_document(page, "https://news.example.org/a.html"))
    assert article.title == "央行发布公告" and article.text.startswith("中国人民银行今日发布公告")
    listing = (
        f'<?xml version="1.0" encoding="gb2312"?>\n<html><body><ul class="news_list">{LIST_ITEMS}</ul></body></html>'
    )
    assert len(parse_list_page(listing, "http://www.china.org.cn/business/node_123.htm").entries) == 5


def test_a_template_placeholder_for_the_address_is_no_address() -> None:
    """<link rel="canonical" href="https://[站点域名]/…">: urllib raised on the bracketed host, and the article was lost."""
    page = (
        '<html><head><title>央行发布公告</title><link rel="canonical" href="https://[站点域名]/news/1.html"></head>'
        f"<body><article><h1>央行发布公告</h1>{BODY}{BODY}</article></body></html>"
    )
    article = extract_article(parse_document(page, "https://news.example.org/a.html"))
    assert article.url == "https://news.example.org/a.html"


def test_one_broken_link_leaves_the_rest_of_a_list() -> None:
    listing = (
        f'<html><body><ul class="news_list"><li><a href="http://[bad/x">坏</a></li>{LIST_ITEMS}</ul></body></html>'
    )
    assert len(parse_list_page(listing, "http://www.china.org.cn/business/node_123.htm").entries) == 5


def test_a_record_whose_url_is_not_one_is_named() -> None:
    with pytest.raises(InputError, match=r"field 'url': 'http://\[::1/a' is not a URL"):
        parse_record('{"url": "http://[::1/a", "text": "贵州茅台涨停。"}'.encode())


def test_a_csv_cell_holding_a_long_article_leaves_the_rows_after_it() -> None:
    """The csv module's field limit (131,072 characters) ended the table at the first long article."""
    rows = ["标题,内容,链接"] + [
        f"新闻{i},{'正文。' * (50_000 if i == 2 else 1)},https://example.com/{i}" for i in range(1, 5)
    ]
    records = list(csv_records("\n".join(rows).encode("utf-8")))
    assert [number for number, _record in records] == [2, 3, 4, 5]
    assert len(records[1][1]["text"]) == 150_000


def test_the_last_second_of_9999_in_utc_is_no_date() -> None:
    """A "never" placeholder past the last Beijing time Python holds: no date, not an OverflowError."""
    assert parse_datetime("9999-12-31T23:59:59Z") is None
    assert parse_datetime("2026-12-07T01:00:00Z") is not None


def test_a_front_matter_escape_of_an_emoji_makes_the_emoji() -> None:
    """PyYAML keeps "\\ud83d\\udcc8" as two lone surrogates, which the tokenizer refused (a TypeError)."""
    post = parse_jekyll_post('---\ntitle: "\\ud83d\\udcc8 A股三大指数集体收涨"\n---\n<p>贵州茅台涨停。</p>\n')
    assert post.title == "📈 A股三大指数集体收涨"
    assert extract_article(post).title == "📈 A股三大指数集体收涨"


@pytest.mark.parametrize("quote", ["", '"'], ids=["plain", "quoted"])
def test_a_line_separator_inside_a_front_matter_title_keeps_the_rest_of_it(
    quote: str, caplog: pytest.LogCaptureFixture
) -> None:
    """YAML breaks lines at U+2028 (a separator pasted from a web page): an unquoted title was cut there and the
    front matter called damaged. The title is kept whole, as its quoted form is, with no warning."""
    post = f"---\nlayout: post\ntitle: {quote}贵州茅台\u2028发布年报{quote}\ndate: 2022-05-30 20:46:00 +0800\n---\n正文。\n"
    raw = parse_jekyll_post(post, "x.md")
    assert raw.title == "贵州茅台\u2028发布年报"
    assert raw.published_at is not None and "damaged" not in caplog.text


def test_a_reference_to_a_marker_character_is_dropped() -> None:
    """The body walk marks mentions and soft breaks with U+E000-U+E003; a page's &#xE003; passed as the last one."""
    assert sanitize_html("一句话。&#xE003;下一句&#xE000;&#57346;") == "一句话。下一句"
    assert sanitize_html("&#xE004;") == "&#xE004;"


def test_a_record_whose_instruments_are_not_objects_is_named() -> None:
    """instruments is a list of objects in the index: a string there was taken letter by letter and the node
    refused the whole article; the record is now named with the field, as boards and stocks are."""
    line = '{"url": "https://example.com/i", "title": "t", "text": "正文。", "instruments": "上证指数"}'
    with pytest.raises(InputError, match="field 'instruments': expected a list of objects"):
        parse_record(line.encode())


def test_damaged_front_matter_keeps_a_separator_inside_a_value_and_its_block_lists(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Front matter YAML cannot read (a colon inside an unquoted title) is read line by line: a line is the file's
    line (U+2028 inside a title does not end it) and a list key's "- item" lines are its list, as YAML reads them."""
    post = "---\ntitle: 快讯\u2028茅台: 发布年报\ndate: 2022-05-30\ntags:\n  - 茅台\n  - 白酒\n---\n正文。\n"
    raw = parse_jekyll_post(post, "x.md")
    assert raw.title == "快讯\u2028茅台: 发布年报"
    assert raw.tags == ["茅台", "白酒"]
    assert "damaged Jekyll front matter" in caplog.text


def test_an_escaped_private_use_character_in_a_title_stays_itself() -> None:
    post = '---\ntitle: "A\\uf8f0B\u2028C"\n---\n正文。\n'
    assert parse_jekyll_post(post, "x.md").title == "A\uf8f0B\u2028C"


def test_a_record_whose_sources_or_body_source_have_the_wrong_shape_is_named() -> None:
    """sources (a keyword list) and body_source (a keyword) of an export: an object there was refused by the node with
    the whole article; the record is named with the field instead."""
    line = '{"url": "https://example.com/s", "title": "t", "text": "正文。", "sources": {"a": 1}, "body_source": [1]}'
    with pytest.raises(InputError) as named:
        parse_record(line.encode())
    assert "field 'sources': expected a list of strings" in str(named.value)
    assert "field 'body_source': expected a string" in str(named.value)
