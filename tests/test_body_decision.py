"""The body decision (tagging/pages/body.py): every path, on fixtures written from the reference notes.

Each input form says which path it took (``body_source``); every input that holds article text
yields an article, and only inputs without any (binary, empty, markup alone, a list page) are refused,
with a one-line reason."""

from __future__ import annotations

import html
import logging
import random
from pathlib import Path

import pytest

from core.article import RawArticle
from replica.eastmoney_pages import render_article_page
from replica.site import ReplicaArticle
from store.export import flatten_for_csv
from tagging.extract import ExtractError, article_record, extract_article, parse_document
from tagging.pages import body, maincontent
from tagging.pages.htmlparse import parse_fragment
from tagging.pages.jekyll import parse_jekyll_post
from tagging.pages.page import decode_html
from tests.conftest import FIXTURES, SAMPLE_POST_BOARDS, fixture_text

PAGES = FIXTURES / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def secids(items: list[dict]) -> list[str]:
    return [item["secid"] for item in items]


# --- known layouts: the body element, as before ------------------------------------------------------


def test_eastmoney_page_takes_the_layout_path_with_the_same_text_as_the_layout_parser() -> None:
    raw_post = parse_jekyll_post(fixture_text("eastmoney_jekyll_post.md"))
    rendered = render_article_page(ReplicaArticle("202205302396636936", raw_post))
    article = extract_article(parse_document(rendered, "http://127.0.0.1:8000/a/202205302396636936.html"))
    assert article.body_source == "layout:eastmoney"
    assert article.title == "北京发布数字经济全产业链开放发展行动方案"
    assert article.text == extract_article(raw_post).text  # the page body cleans to the post's text
    assert {b["code"] for b in article.boards} == SAMPLE_POST_BOARDS


def test_chinaorg_page_takes_the_layout_path() -> None:
    text = """<html><head><title>标题乙_中国网</title></head><body>
    <div class="wrap c top"><h1>标题乙</h1><span class="fl time2">2023年11月23日10:30  <a href="#">中国网财经</a></span></div>
    <div class="navp c" id="fontzoom"><p>　　第一段。</p><p>　　第二段。</p>
    <div class="fr bianj">(责任编辑：赵六)</div></div></body></html>"""
    article = extract_article(parse_document(text, "http://finance.china.com.cn/news/20231123/6053998.shtml"))
    assert article.body_source == "layout:chinaorg"
    assert article.text == "第一段。\n第二段。"
    assert article.media == "中国网财经"


def test_a_generic_content_id_is_china_org_only_on_its_own_host() -> None:
    text = "<html><body><nav><a href='/'>首页</a></nav><div id='content'><p>　　正文一段，足够长的文字。</p></div></body></html>"
    assert parse_document(text, "http://finance.china.com.cn/x/20231123/1.shtml").body_source == "layout:chinaorg"
    assert parse_document(text, "https://blog.example.com/1.html").body_source != "layout:chinaorg"


# --- fragments: the fragment itself is the body ------------------------------------------------------


def test_bare_fragment_is_the_body() -> None:
    article = extract_article(parse_document(page("fragment_2017_old_us_ids.html")))
    assert article.body_source == "fragment"
    assert article.source == "eastmoney"  # the markup says where it comes from
    assert article.text == (
        "隔夜美股三大指数涨跌不一，科技股走势分化。苹果收涨1.2%，沃尔玛跌0.8%，高盛小幅走高。\n"
        "国内债市方面，企业债指数微涨，跟踪海外债券的美元债基金份额继续增加。\n"
        "A股方面，乐视网继续停牌。"
    )
    assert article.media == "证券时报网"


def test_page_without_a_known_container_or_page_furniture_is_its_body() -> None:
    article = extract_article(parse_document(page("page_without_container.html")))
    assert article.body_source == "fragment"
    assert article.title == "券商板块早盘活跃"
    assert (
        article.text
        == "周三早盘，中信证券高开高走，国信证券跟涨。\n分析人士认为，成交量回升对中信证券等头部券商的经纪业务形成支撑。"
    )
    assert secids(article.stocks) == ["1.600030", "0.002736"]


def test_fragment_without_eastmoney_markup_is_html_from_an_unknown_source() -> None:
    article = extract_article(parse_document("<p>　　第一段。</p><p>第二段。</p>"))
    assert (article.body_source, article.source, article.text) == ("fragment", "html", "第一段。\n第二段。")


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="http://quote.eastmoney.com/unify/r/106.BEKE" target="_blank">贝壳</a>发布财报。',
        "<strong>重要：</strong>公司发布公告。",
        "<br>公司发布公告。<br>",
    ],
)
def test_fragments_without_a_paragraph_tag_are_html_not_text(fragment: str) -> None:
    article = extract_article(parse_document(fragment))
    assert article.body_source == "fragment"
    assert "<" not in article.text and ">" not in article.text


# --- pages of other sites: trafilatura finds the main content, the original tree is walked ------------


def test_eastmoney_article_inside_a_foreign_template() -> None:
    article = extract_article(parse_document(page("foreign_template_eastmoney.html")))
    assert article.body_source == "generic"
    assert article.title == "光伏板块午后拉升 龙头股集体走强"
    assert article.published_at is not None and article.published_at.isoformat() == "2023-04-11T14:32:00+08:00"
    assert article.text == (
        "4月11日午后，光伏设备板块快速拉升，板块内多只个股涨幅居前，成交额较上一交易日明显放大。\n"
        "个股方面，隆基绿能涨超3%，阳光电源跟涨，美股上市的第一太阳能隔夜亦收涨。\n"
        "机构人士认为，光伏设备行业一季度装机数据超出预期，产业链价格企稳后盈利有望修复，"
        "但仍需关注海外贸易政策变化带来的不确定性。\n"
        "相关个股：通威股份、天合光能\n"
        "指标\t一季度\n"
        "新增装机\t33.66GW"
    )
    # The markup is still read inside what the generic path keeps, the anchorless US span included.
    assert secids(article.boards) == ["90.BK1031"]
    assert secids(article.stocks) == ["1.601012", "0.300274", "105.FSLR", "1.600438", "1.688599"]
    assert article.media == "东方财富研究中心"
    for furniture in ("相关阅读", "热门排行", "分享到", "版权所有", "首页", "阅读：1024"):
        assert furniture not in article.text


def test_short_news_item_inside_a_foreign_template_is_not_the_whole_page() -> None:
    template = page("foreign_template_eastmoney.html")
    start = template.index('<div class="article-content">')
    end = template.index("</div>", start) + len("</div>")
    short = (
        '<div class="article-content"><p>　　<span id="stock_1.601012"><a href="http://quote.eastmoney.com/unify/r/'
        '1.601012" class="keytip" data-code="1,601012">隆基绿能</a></span>公告，拟回购股份。</p></div>'
    )
    article = extract_article(parse_document(template[:start] + short + template[end:]))
    assert article.body_source == "generic"
    assert article.text == "隆基绿能公告，拟回购股份。"
    assert secids(article.stocks) == ["1.601012"]


def test_chinaorg_article_inside_a_foreign_template() -> None:
    article = extract_article(parse_document(page("foreign_template_chinaorg.html")))
    assert article.body_source == "generic"
    assert article.title == "多地出台措施促进数据要素流通"  # trafilatura drops the site name
    assert article.published_at is not None and article.published_at.isoformat() == "2023-11-23T10:30:00+08:00"
    lines = article.text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("近日，多个省市相继出台措施") and lines[2].endswith("带动相关产业链加快发展。")
    for furniture in ("责任编辑", "打印", "图片新闻", "版权所有", "发布时间"):
        assert furniture not in article.text


def test_generic_page_where_nothing_stands_out_keeps_its_whole_body() -> None:
    text = "<html><body><nav><a href='/'>首页</a></nav><p>短讯。</p></body></html>"
    article = extract_article(parse_document(text))
    assert article.body_source in ("generic", "fragment")
    assert "短讯。" in article.text


def test_main_node_is_the_deepest_element_holding_the_kept_text() -> None:
    tree = parse_fragment(
        "<div id='page'><div id='nav'><a>首页</a><a>财经</a></div>"
        "<div id='article'><p>第一段正文内容。</p><p>第二段正文内容。</p></div><div id='foot'>版权所有</div></div>"
    )
    node = maincontent.main_node(tree, "第一段正文内容。\n第二段正文内容。")
    assert node.get("id") == "article"


def test_line_keeper_tolerates_markup_removed_from_a_line() -> None:
    keep = maincontent.line_keeper("保险(行情 专区)板块今日上涨，分析人士认为后市仍有空间。\n另一段。")
    assert keep("保险板块今日上涨，分析人士认为后市仍有空间。")
    assert keep("另一段。")
    assert not keep("相关阅读：储能板块持续活跃 多股涨停")


def test_page_furniture_marks_a_page() -> None:
    assert body.has_page_furniture(parse_fragment("<nav><a>首页</a></nav><p>正文</p>"))
    assert body.has_page_furniture(parse_fragment("<div class='site-footer'>版权</div><p>正文</p>"))
    assert not body.has_page_furniture(parse_fragment(page("fragment_2014_board_hk_wap.html")))
    links = "".join(f"<a href='/{i}.html'>第{i}条新闻标题</a>" for i in range(12))
    assert body.has_page_furniture(parse_fragment(f"<div>{links}</div><p>短</p>"))
    quotes = "".join(f"<a href='http://quote.eastmoney.com/unify/r/1.60000{i}'>股票{i}</a>" for i in range(10))
    assert not body.has_page_furniture(parse_fragment(f"<p>{quotes}</p>"))  # quote links are article text


# --- bodies stored escaped once more ------------------------------------------------------------------


def test_escaped_body_from_an_api_content_field() -> None:
    article = extract_article(parse_document(page("api_content_escaped.html")))
    assert article.body_source == "escaped+fragment"
    assert article.text == (
        "受消息面提振，半导体板块午后走强，中信证券成交放大。\n"
        "商业航天概念同步活跃，港股腾讯控股小幅上涨，中概股阿里巴巴盘前走高。\n"
        "分析人士指出，创业板指本周累计上涨，市场关注<十四五规划>相关政策落地。"
    )
    assert secids(article.boards) == ["90.BK1036", "90.BK0963"]
    assert secids(article.stocks) == ["1.600030", "116.00700", "106.BABA", "1.603888"]
    assert article.instruments == [{"secid": "0.399006", "code": "399006", "kind": "index", "name": "创业板指"}]
    assert article.media == "新华网"


def test_wholly_escaped_fragment_without_any_real_tag() -> None:
    escaped = html.escape(page("fragment_2014_board_hk_wap.html"))
    assert "<" not in escaped
    article = extract_article(parse_document(escaped))
    assert article.body_source == "escaped+fragment"
    assert (
        article.text
        == "昨日保险板块整体走强，券商板块跟涨。\n港股上海复旦午后拉升，腾讯控股全天持平。\n当月CPI同比上涨2%。"
    )


def test_body_escaped_twice_and_three_times() -> None:
    once = html.escape(page("fragment_2014_board_hk_wap.html"))
    for extra in (1, 2):
        escaped = once
        for _ in range(extra):
            escaped = html.escape(escaped)
        article = extract_article(parse_document(escaped))
        assert article.body_source == "escaped+" * (extra + 1) + "fragment"
        assert article.text.startswith("昨日保险板块整体走强")
        assert "90.BK0474" in secids(article.boards)


def test_layout_page_whose_body_element_holds_escaped_markup() -> None:
    article = extract_article(parse_document(page("eastmoney_page_escaped_body.html")))
    assert article.body_source == "layout:eastmoney+escaped"
    assert article.title == "两市成交额突破万亿元 券商板块领涨"
    assert article.published_at is not None and article.published_at.isoformat() == "2024-07-10T15:05:00+08:00"
    assert (
        article.text
        == "今日两市成交额突破万亿元，证券板块领涨，华泰证券一度涨停。\n市场人士认为，增量资金入场迹象明显。"
    )
    assert secids(article.boards) == ["90.BK0473"] and secids(article.stocks) == ["1.601688"]


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_jekyll_post_with_an_escaped_body(levels: int) -> None:
    post = fixture_text("eastmoney_jekyll_post.md")
    start, end = post.index("<p>"), post.rindex("</p>") + len("</p>")
    escaped = post[start:end]
    for _ in range(levels):
        escaped = html.escape(escaped)
    article = extract_article(parse_document(post[:start] + escaped + post[end:]))
    assert article.body_source == "jekyll" + "+escaped" * levels
    assert article.text == extract_article(parse_document(post)).text
    assert {b["code"] for b in article.boards} == SAMPLE_POST_BOARDS


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>与会各方重申遵守&lt;蒙特利尔议定书&gt;的承诺。</p>",  # an escaped title, not escaped markup
        "<p>网页段落用&lt;p&gt;标记，本文讨论网页排版。</p>",  # one literal tag in the text
    ],
)
def test_entities_in_article_text_are_not_taken_for_an_escaped_body(fragment: str) -> None:
    article = extract_article(parse_document(fragment))
    assert article.body_source == "fragment"
    assert article.text == html.unescape(fragment[3:-4])


# --- plain text and Jekyll posts: decided before HTML -------------------------------------------------


def test_plain_text_and_jekyll_posts_say_so() -> None:
    assert parse_document(fixture_text("chinaorg_article.txt")).body_source.startswith("text; title: ")
    assert parse_document(fixture_text("eastmoney_jekyll_post.md")).body_source == "jekyll"


def test_body_source_and_instruments_are_in_the_record() -> None:
    record = article_record(extract_article(parse_document(page("fragment_2017_old_us_ids.html"))))
    assert record["body_source"] == "fragment"
    assert [(i["secid"], i["kind"]) for i in record["instruments"]] == [("0.395022", "index"), ("1.501300", "fund")]
    row = flatten_for_csv(record)  # the export columns: an analyst's, the index's bookkeeping left out
    assert "body_source" not in row and "instruments" not in row


# --- never a failed article; errors only for inputs that hold no text --------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.iterdir()))
def test_every_fixture_yields_an_article_with_text(name: str) -> None:
    article = extract_article(parse_document(page(name)))
    assert article.text.strip()
    assert article.body_source
    for mention in article.mentions:
        if mention["where"] == "body":
            assert article.text[mention["start"] : mention["end"]] == mention["text"]


def elf_like_bytes() -> bytes:
    """What /bin/ls looks like to a text reader: an ELF header, tables of small integers, some strings."""
    rng = random.Random(7)
    header = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x03\x00>\x00\x01\x00\x00\x00"
    tables = bytes(rng.choice([0, 0, 0, 1, 2, 0xFF, rng.randrange(256)]) for _ in range(20000))
    return header + tables + b"\x00GLIBC_2.2.5\x00libc.so.6\x00<html><p>usage: ls</p>\x00" + tables


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_damaged_byte_is_replaced_the_rest_read_and_the_input_named(
    encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Archive audit, day 18: bs4 said "some characters could not be decoded" without naming the file; and a GBK
    file with one damaged byte pair, which neither GB18030 nor UTF-8 read strictly, came out whole as Latin
    mojibake (Êý×Ö¾­¼Ã)."""
    sentence = "北京市发布数字经济全产业链开放发展行动方案。"
    data = sentence.encode(encoding) * 5 + b"\xff\xff" + sentence.encode(encoding) * 5
    with caplog.at_level(logging.WARNING):
        text = decode_html(data, name="damaged.md")
    assert text.startswith(sentence * 5) and text.endswith(sentence * 5) and "\ufffd" in text
    assert "damaged.md: " in caplog.text and "replaced by U+FFFD" in caplog.text
    assert "could not be decoded" not in caplog.text  # said once, with the name
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert decode_html("数字\ufffd经济".encode(), name="kept.md") == "数字\ufffd经济"  # spelt out: nothing replaced
    assert "kept.md" not in caplog.text


def test_binary_input_is_not_text() -> None:
    with pytest.raises(ExtractError, match=r"^not text: binary data$"):
        parse_document(decode_html(elf_like_bytes()))


def test_real_binary_file_is_not_text() -> None:
    data = Path("/bin/ls").read_bytes() if Path("/bin/ls").is_file() else elf_like_bytes()
    with pytest.raises(ExtractError, match="not text"):
        parse_document(decode_html(data))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty input"),
        ("  \n\t", "empty input"),
        ("<html><body><div><p></p><img src='x.png'></div></body></html>", "no article text"),
        ("<div><script>var a = 1;</script><p>　　</p></div>", "no article text"),
        ("<html><body><ul id='newsListContent'><li>x</li></ul></body></html>", "list page"),
        ("---\nlayout: post\ncategories: emnews\n---\n<p></p>\n\n<>\n", "no article text"),
    ],
)
def test_inputs_without_article_text_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ExtractError, match=reason) as raised:
        parse_document(text)
    assert "\n" not in str(raised.value)


def test_a_page_with_a_title_but_no_body_text_is_still_an_article() -> None:
    raw = parse_document("<html><head><title>只有标题的快讯</title></head><body><p></p></body></html>")
    assert raw.title == "只有标题的快讯"


@pytest.mark.parametrize("depth", [300, 1500, 3000])
def test_deeply_nested_pages_keep_their_text(depth: int) -> None:
    # libxml2 drops what lies deeper than 255 elements (2048 with huge_tree): this text used to vanish.
    nested = (
        "<div>" * depth
        + '<p>深处的正文，<span id="stock_1.600030"><a class="keytip" data-code="1,600030">中信证券</a></span>。</p>'
        + "</div>" * depth
    )
    text = f"<html><head><title>深层页面</title></head><body><p>开头一段。</p>{nested}<p>结尾一段。</p></body></html>"
    article = extract_article(parse_document(text))
    assert article.text == "开头一段。\n深处的正文，中信证券。\n结尾一段。"
    assert secids(article.stocks) == ["1.600030"]


def test_deeply_nested_known_layout_keeps_its_text() -> None:
    nested = "<span>" * 400 + "深处的正文。" + "</span>" * 400
    text = f'<html><body><div id="ContentBody"><p>开头。</p><p>{nested}</p></div></body></html>'
    article = extract_article(parse_document(text, "https://finance.eastmoney.com/a/202401011234567890.html"))
    assert article.body_source == "layout:eastmoney"
    assert article.text == "开头。\n深处的正文。"


# --- bodies that arrive as a record's HTML field (finnews ingest of JSON Lines) ------------------------


@pytest.mark.parametrize(
    ("html_field", "expected_source"),
    [
        (page("fragment_2017_old_us_ids.html"), "fragment"),
        (html.escape(page("fragment_2017_old_us_ids.html")), "escaped+fragment"),
    ],
)
def test_html_field_of_a_record_goes_through_the_same_decision(html_field: str, expected_source: str) -> None:
    raw = RawArticle(source="jsonl", url="https://example.com/1", title="记录标题", body_html=html_field)
    article = extract_article(raw)
    assert (article.body_source, article.title, article.source) == (expected_source, "记录标题", "jsonl")
    assert secids(article.stocks) == ["105.AAPL", "106.WMT", "106.GS", "0.300104"]
    assert secids(article.instruments) == ["0.395022", "1.501300"]
    assert "&lt;" not in article.text and "<" not in article.text
