"""Input forms: mirrored Jekyll posts, Eastmoney pages in each layout, China.org pages and text."""

from __future__ import annotations

import pytest

from core.dates import isoformat, parse_datetime
from core.urls import FINANCE_ARTICLE_HOSTS, canonical_url, document_id, eastmoney_article_code, fetch_url
from crawler.sites import load_sites
from replica.eastmoney_pages import render_article_page
from replica.site import ReplicaArticle
from tagging.extract import extract_article
from tagging.pages import chinaorg, eastmoney
from tagging.pages.jekyll import JekyllError, parse_jekyll_post
from tagging.pages.page import NotAnArticleError
from tests.conftest import fixture_text


def test_jekyll_post_front_matter_digest_url_and_back_links() -> None:
    raw = parse_jekyll_post(fixture_text("eastmoney_jekyll_post.md"))
    assert raw.title == "北京发布数字经济全产业链开放发展行动方案"
    assert isoformat(raw.published_at) == "2022-05-30T20:46:00+08:00"
    assert raw.category == "emnews" and raw.tags == ["东财滚动新闻"]
    assert (
        raw.digest and raw.digest.startswith("记者30日从北京市经济和信息化局获悉") and raw.digest.endswith("（新华网）")
    )
    assert raw.media == "新华网"
    assert raw.url == "http://finance.eastmoney.com/news/1355,202205302396636936.html"
    assert "返回东财滚动新闻" not in (raw.body_html or "")
    assert (raw.body_html or "").startswith("<p>") and (raw.body_html or "").endswith("</p>")


def test_damaged_jekyll_post_with_empty_title_date_and_url() -> None:
    text = '---\nlayout: post\ntitle: ""\ndate: \ncategories: emnews\n---\n> 摘要\n\n<p>正文</p>\n\n<>\n'
    raw = parse_jekyll_post(text)
    assert raw.title is None and raw.published_at is None and raw.url is None
    assert raw.digest == "摘要" and raw.body_html == "<p>正文</p>"


@pytest.mark.parametrize(
    ("date", "url", "name", "day"),
    [
        ("2021-12-32 22:06:00", "http://finance.eastmoney.com/news/1355,202112082206704122.html", None, "2021-12-08"),
        ("yesterday", "", "2021-12-09-202112092207000000.md", "2021-12-09"),
        ("yesterday", "", "post.md", None),
        ("", "http://finance.eastmoney.com/a/202112082206704122.html", None, "2021-12-08"),  # the mirror's empty date
    ],
)
def test_a_post_whose_date_is_damaged_is_dated_by_its_code_or_name_and_named(
    date: str, url: str, name: str | None, day: str | None, caplog
) -> None:
    # Review of day 19: such a post was indexed without a date, without a word.
    text = f"---\nlayout: post\ntitle: 标题\ndate: {date}\n---\n> 摘要\n\n<p>正文</p>\n\n<{url}>\n"
    with caplog.at_level("WARNING"):
        raw = parse_jekyll_post(text, name)
    assert (raw.published_at.date().isoformat() if raw.published_at else None) == day
    damage = f"the front matter date '{date}' is not a date" if date else "the front matter date is empty"
    assert f"{name or 'a post'}: {damage}" in caplog.text


def test_a_blank_line_before_the_digest_keeps_it_the_digest() -> None:
    text = "---\nlayout: post\ntitle: t\n---\n\n> 记者获悉，中信证券发布公告。（新华网）\n\n<p>正文。</p>\n> 引文\n"
    raw = parse_jekyll_post(text)
    assert raw.digest == "记者获悉，中信证券发布公告。（新华网）" and raw.media == "新华网"
    assert raw.body_html == "<p>正文。</p>\n> 引文"  # a quote inside the body stays in it


def test_a_posts_outlet_is_its_body_source_line_before_its_digests_last_bracket() -> None:
    # Third audit: corpus post 0007's digest ends （央行）, its body's source line says 央行网站 (a live page of
    # the same article says 央行网站 too); a digest ending in （同比） named the outlet 同比.
    post = "---\nlayout: post\ntitle: t\n---\n> 一季度净利增长50%（{digest}）\n\n<p>正文。</p>{source}\n"
    source = '<p class="em_media">（文章来源：央行网站）</p>'
    assert extract_article(parse_jekyll_post(post.format(digest="央行", source=source))).media == "央行网站"
    assert extract_article(parse_jekyll_post(post.format(digest="同比", source=source))).media == "央行网站"
    assert extract_article(parse_jekyll_post(post.format(digest="央行", source=""))).media == "央行"


def test_a_posts_digest_and_text_body_have_their_entities_decoded() -> None:
    # Jekyll renders both as Markdown: &quot; and &amp; are characters to a reader.
    raw = parse_jekyll_post("---\nlayout: post\ntitle: t\n---\n> 他说&quot;好&quot;，A&amp;B。（新华网）\n")
    assert raw.digest == '他说"好"，A&B。（新华网）'
    article = extract_article(parse_jekyll_post("---\nlayout: post\ntitle: t\n---\n他说&quot;好&quot;，A&amp;B。\n"))
    assert article.text == '他说"好"，A&B。'


def test_zero_width_characters_leave_a_posts_title_and_digest_too() -> None:
    # Review: only the body was cleaned of them; a stock named in the title was missed.
    post = "---\nlayout: post\ntitle: 宁德\u200b时代发布三季报\n---\n> 宁德\ufeff时代三季度营收增长。\n\n<p>公司三季度营收增长。</p>\n"
    article = extract_article(parse_jekyll_post(post))
    assert (article.title, article.digest) == ("宁德时代发布三季报", "宁德时代三季度营收增长。")
    assert [s["name"] for s in article.stocks] == ["宁德时代"]


def test_not_a_jekyll_post() -> None:
    with pytest.raises(JekyllError):
        parse_jekyll_post("<p>no front matter</p>")


def test_current_eastmoney_layout_page() -> None:
    raw_post = parse_jekyll_post(fixture_text("eastmoney_jekyll_post.md"))
    page = render_article_page(ReplicaArticle("202205302396636936", raw_post))
    raw = eastmoney.parse_article_page(page, "http://127.0.0.1:8000/a/202205302396636936.html")
    assert raw.title == "北京发布数字经济全产业链开放发展行动方案"
    assert isoformat(raw.published_at) == "2022-05-30T20:46:00+08:00"
    assert raw.media == "新华网"
    assert raw.url == "http://finance.eastmoney.com/a/202205302396636936.html"  # the canonical link wins
    assert "keytip" in (raw.body_html or "")


def test_2017_newscontent_layout_page() -> None:
    page = """<html><head><title>央行开展逆回购操作_东方财富网</title></head><body>
    <div class="newsContent"><h1>央行开展逆回购操作</h1>
    <div class="time-source"><div class="time">2019年06月25日 09:15</div>
    <div class="source data-source" data-source="每日经济新闻"><span>来源：</span></div></div>
    <div id="ContentBody" class="Body"><div class="b-review">央行今日开展逆回购。</div>
    <p>　　央行今日开展<span id="stock_1.601398"><a class="keytip" data-code="1,601398"
     href="http://quote.eastmoney.com/unify/r/1.601398">工商银行</a></span>相关操作。</p>
    <p class="res-edit">（责任编辑：李四）</p></div>
    <div class="BodyEnd" id="comBodyEnd"><a href="#">共12人参与讨论</a></div></div></body></html>"""
    raw = eastmoney.parse_article_page(page, "http://finance.eastmoney.com/a/201906251160280558.html")
    assert raw.title == "央行开展逆回购操作"
    assert isoformat(raw.published_at) == "2019-06-25T09:15:00+08:00"
    assert raw.media == "每日经济新闻"


def test_2014_newtext_layout_page_falls_back_to_the_code_date() -> None:
    page = """<html><head><title>标题甲 _ 东方财富网</title></head><body><div class="newText">
    <h1>标题甲</h1><div class="Info"><span>来源：证券时报</span></div>
    <div id="ContentBody"><p>正文甲</p></div></div></body></html>"""
    raw = eastmoney.parse_article_page(page, "http://finance.eastmoney.com/news/1355,20140926428744547.html")
    assert raw.title == "标题甲"
    assert raw.media == "证券时报"
    assert isoformat(raw.published_at) == "2014-09-26T00:00:00+08:00"


@pytest.mark.parametrize("page", ["", "   ", "<html><body><ul id='newsListContent'></ul></body></html>"])
def test_pages_without_an_article_body_are_refused(page: str) -> None:
    with pytest.raises(NotAnArticleError):
        eastmoney.parse_article_page(page, "http://finance.eastmoney.com/a/1.html")


def test_chinaorg_text_ends_at_the_last_article_sentence() -> None:
    text = chinaorg.clean_page_text(fixture_text("chinaorg_article.txt"))
    assert text.endswith("启动城市副中心智慧城市标杆示范区建设。")
    assert text.startswith("越来越多的数据正在北京“流动”起来。")
    assert "神舟十五号" not in text and "中国网是国务院新闻办公室" not in text
    assert "【数据开放共享】" in text.splitlines()  # paragraphs glued by full-width indents are split


def test_a_table_of_figures_after_the_last_sentence_is_kept() -> None:
    """dev18 (a northbound-flow note): the table of stocks and amounts after the last sentence is the
    article's, not a run of related-link titles; a run of titles without figures is still cut."""
    text = "北上资金昨日净卖出。\n\n净买额TOP10净卖额TOP10\n长安汽车1.5亿贵州茅台6.2亿\n美的集团1.4亿中国石油4.6亿"
    assert chinaorg.clean_page_text(text).endswith("美的集团1.4亿中国石油4.6亿")
    titles = "北上资金昨日净卖出。\n\n神舟十五号航天员乘组出舱\n国产大飞机交付首家用户\n第一届区块链创新高峰论坛举行"
    assert chinaorg.clean_page_text(titles) == "北上资金昨日净卖出。"
    # A table of figures without units (sectors' weekly gains and flows) is the article's too (dev85).
    flows = "净流出资金较多的还有电力设备、通信等行业。\n本周各行业资金流向\n有色金属 7.08 48.84 公用事业 -0.50 -11.97\n汽车 3.08 48.77 商贸零售 0.96 -14.05"
    assert chinaorg.clean_page_text(flows).endswith("商贸零售 0.96 -14.05")
    # A table of contents after the last sentence (numbered as an outline) is the document's: kept (dev87).
    outline = "请认真组织实施。\n目 录\n一、发展现状 1\n四、发展重点 15\n(一)信息技术应用创新产业 15\n(二)半导体产业 16"
    assert chinaorg.clean_page_text(outline).endswith("(二)半导体产业 16")
    # One line after the last sentence is the article's last sentence cut short (dev21), and a heading 目录 opens
    # a table of contents (dev14): both kept.
    cut_short = "询价结束。\n而六大类机构(公募基金、证券公司、信托公司、财务公司、保险机构及QFII)报价的中位数也为14.04"
    assert chinaorg.clean_page_text(cut_short).endswith("也为14.04")
    contents = "特此通知。\n目录\n国家政策篇\n国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见"
    assert chinaorg.clean_page_text(contents).endswith("强化稳就业举措的实施意见")
    apart = "国务院印发规划全文如下。\n目\n录\n数字经济发展的主要目标与重点任务安排和实施保障以及组织实施的有关要求"  # a line apart
    assert chinaorg.clean_page_text(apart).endswith("组织实施的有关要求")
    # After many blank lines too (the patterns read a line at a time: a run of blank lines made them quadratic).
    assert chinaorg.clean_page_text(outline.replace("\n目 录", "\n" * 50 + "目 录")).endswith("(二)半导体产业 16")
    # A short tail is the last line cut short, not a run of titles: kept.
    assert chinaorg.clean_page_text("金价或突破4000美元。\n摩根士丹利悲观警").endswith("摩根士丹利悲观警")
    # A ranking with a column of codes, one cell per line, is the article's table (dev153): kept.
    ranking = (
        "提供参考依据。\n2、研究结果及分析\n排名\n股票代码\n股票简称\n1\n6098.HK\n碧桂园服务\n2\n001914.SZ\n招商积余"
    )
    assert chinaorg.clean_page_text(ranking).endswith("招商积余")


def test_finance_china_com_cn_page() -> None:
    page = """<html><head><title>标题乙_中国网</title><meta name="source" content="中国网财经"></head><body>
    <div class="wrap c top"><h1>标题乙</h1><span class="fl time2">2023年11月23日10:30  <a href="#">中国网财经</a>
      <em>作者：王五</em></span></div>
    <div class="navp c" id="fontzoom"><p>　　第一段。</p><p>　　第二段。</p>
    <div class="fr bianj">(责任编辑：赵六)</div></div></body></html>"""
    raw = chinaorg.parse_article_page(page, "http://finance.china.com.cn/news/20231123/6053998.shtml")
    assert raw.title == "标题乙"
    assert isoformat(raw.published_at) == "2023-11-23T10:30:00+08:00"
    assert raw.media == "中国网财经" and raw.author == "王五"
    assert "赵六" not in (raw.body_html or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-30 20:46:00 +0800", "2022-05-30T20:46:00+08:00"),
        ("2026年08月19日 17:46", "2026-08-19T17:46:00+08:00"),
        ("发布时间：2016-04-08 14:51:58", "2016-04-08T14:51:58+08:00"),
        ("2023年11月23日10:30", "2023-11-23T10:30:00+08:00"),
        ("2024-01-01T00:00:00Z", "2024-01-01T08:00:00+08:00"),
        ("2022-02-30 10:00", None),
        ("无日期", None),
    ],
)
def test_dates_are_read_as_beijing_time(text: str, expected: str | None) -> None:
    assert isoformat(parse_datetime(text)) == expected


def test_both_eastmoney_url_forms_share_one_document_id() -> None:
    old = "http://finance.eastmoney.com/news/1355,202205302396636936.html"
    new = "https://finance.eastmoney.com/a/202205302396636936.html#comments"
    assert canonical_url(old) == "https://finance.eastmoney.com/a/202205302396636936.html"
    assert document_id(old) == document_id(new)
    assert document_id(old) != document_id("https://finance.eastmoney.com/a/202205302396671645.html")


@pytest.mark.parametrize(
    "host",
    ["stock", "fund", "hk", "global", "biz", "wap", "m", "emwap", "futures", "forex", "mss", "money", "bond", "bank"],
)
def test_an_eastmoney_code_on_a_channel_host_is_the_finance_article(host: str) -> None:
    # The article codes are global: the channel hosts of ../shared/reference/sites.md 1.1 serve them under
    # the same /a/{code}.html, so one code is one document, fetched once at finance.eastmoney.com.
    linked = f"http://{host}.eastmoney.com/a/202111092174321413.html"
    finance = "https://finance.eastmoney.com/a/202111092174321413.html"
    assert canonical_url(linked) == fetch_url(linked) == finance
    assert document_id(linked) == document_id(finance)
    # The older form the mirror's archives hold (futures., forex., mss.: archive audit, day 18).
    assert canonical_url(f"http://{host}.eastmoney.com/news/1521,202111092174321413.html") == finance


def test_an_eastmoney_host_the_notes_do_not_name_keeps_its_own_id() -> None:
    # Not known to share the codes (caifuhao.eastmoney.com has its own 23-digit ids): not folded.
    linked = "https://so.eastmoney.com/a/202111092174321413.html"
    assert canonical_url(linked) == linked and fetch_url(linked) == linked


@pytest.mark.parametrize("tail", ["", ".html", "?from=share", "#top"])
def test_the_mobile_detail_page_is_the_finance_article(tail: str) -> None:
    # emwap.eastmoney.com/news/info/detail/{code}: the mobile page 2026 scrapers read (real-site hunt, day 19).
    linked = f"https://emwap.eastmoney.com/news/info/detail/202608073835569636{tail}"
    assert fetch_url(linked) == canonical_url(linked) == "https://finance.eastmoney.com/a/202608073835569636.html"
    for other in ("202608073835569636x", "202608073835569636/comments", "202608073835569636/share.png"):
        assert fetch_url(f"https://emwap.eastmoney.com/news/info/detail/{other}") != fetch_url(linked)  # other pages
    guba = "https://guba.eastmoney.com/news/info/detail/202608073835569636"  # not known to be an article there
    assert canonical_url(guba) == guba and fetch_url(guba) == guba


def test_the_old_mobile_page_is_the_finance_article() -> None:
    # wap.eastmoney.com/3g/news/article,8,344,1,{code}.shtml (sites.md 1.1, an older scraper; audit of day 20).
    linked = "http://wap.eastmoney.com/3g/news/article,8,344,1,201906251160280558.shtml"
    finance = "https://finance.eastmoney.com/a/201906251160280558.html"
    assert eastmoney_article_code(linked) == "201906251160280558"
    assert canonical_url(linked) == fetch_url(linked) == finance and document_id(linked) == document_id(finance)
    for other in (
        "article,8,344,1,201906251160280558.html",
        "list,8,344,1.shtml",
        "article,8,344,201906251160280558.shtml",
    ):
        assert canonical_url(f"http://wap.eastmoney.com/3g/news/{other}") != finance


def test_the_share_page_of_a_news_article_is_the_article() -> None:
    # The mirror's posts of NW-coded columns link html_News/NewsShare.html?infoCode=NW{code} on its own host
    # (archive audit, day 19): two identities for one Eastmoney article before.
    finance = "https://finance.eastmoney.com/a/202202112274017262.html"
    shared = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202112274017262"
    assert canonical_url(shared) == fetch_url(shared) == finance and document_id(shared) == document_id(finance)
    for form in ("https://mirror.example/finews/html_News/NewsShare.html?a=1&amp;infoCode=NW202202112274017262",):
        assert canonical_url(form) == finance  # under a sub-path, an undecoded &amp; (third review)
    for other in ("infoCode=AN202202112274017262", "infoCode=NW2022021122740172621234567"):
        assert canonical_url(f"http://finews.zning.xyz/html_News/NewsShare.html?{other}").startswith("https://finews")
    post = parse_jekyll_post(fixture_text("real/2022-05-30-NW202205302396636936.md"))
    assert canonical_url(post.url or "") == "https://finance.eastmoney.com/a/202205302396636936.html"


def test_every_host_folded_to_finance_is_paced_as_eastmoney() -> None:
    # A host whose links are fetched at finance may still serve list pages: it must get the site's pace.
    domains = set(load_sites().sites["eastmoney"].domains)
    assert domains >= FINANCE_ARTICLE_HOSTS


HEADLINE = "A股三大指数集体收涨，沪指涨1.2%"


@pytest.mark.parametrize(
    ("page_title", "before_body", "sidebar", "expected"),
    [
        ("A股三大指数集体收涨,沪指涨1.2%_东方财富网", HEADLINE, None, HEADLINE),  # half-width in <title>
        ("A股三大指数集体收涨,沪指涨1.2%_财经频道_东方财富网", HEADLINE, None, HEADLINE),  # and a channel
        ("财经频道_东方财富网", HEADLINE, None, HEADLINE),  # a <title> of the channel only
        ("早间要闻：央行开展逆回购_东方财富网", None, "要闻", "早间要闻：央行开展逆回购"),  # a short sidebar inside
        (f"{HEADLINE}_东方财富网", None, "行情中心", HEADLINE),
    ],
)
def test_a_title_before_the_body_and_the_page_title_are_weighed(
    page_title: str, before_body: str | None, sidebar: str | None, expected: str
) -> None:
    # Second review of day 19: a plain substring test threw the page's headline away for any <title> that
    # differed from it (half-width punctuation, a channel's name), and kept a sidebar's 要闻 inside the headline.
    side = f'<div class="hqzx"><div class="title">{sidebar}</div></div>' if sidebar else ""
    shown = f'<div class="title">{before_body}</div>' if before_body else ""
    page = f"""<html><head><title>{page_title}</title></head><body><div class="mainleft">{side}{shown}
    <div class="txtinfos" id="ContentBody"><p>　　正文第一段。</p></div></div></body></html>"""
    assert (
        eastmoney.parse_article_page(page, "https://finance.eastmoney.com/a/202609243870000001.html").title == expected
    )


def test_a_2026_page_with_its_headline_only_in_the_page_title_is_not_titled_by_a_sidebar() -> None:
    # A 2026 client's notes (real-site hunt, day 19): no h1, the headline only in <title>, and ".title"
    # finds a sidebar's 行情中心 before the body.
    page = """<html><head><meta charset="utf-8"><title>某公司发布2026年半年报_东方财富网</title></head><body>
    <div class="mainleft"><div class="hqzx"><div class="title">行情中心</div><ul><li>沪深京A股</li></ul></div>
    <div class="tipbox"><div class="infos"><div class="item">2026年09月24日 11:42</div>
    <div class="item">来源：证券时报</div></div></div>
    <div class="txtinfos" id="ContentBody"><p>　　正文第一段。</p></div></div></body></html>"""
    raw = eastmoney.parse_article_page(page, "https://finance.eastmoney.com/a/202609243870000001.html")
    assert raw.title == "某公司发布2026年半年报"
    assert isoformat(raw.published_at) == "2026-09-24T11:42:00+08:00" and raw.media == "证券时报"
    # A title before the body that is the headline (it agrees with <title>) is still read.
    agreeing = page.replace("<title>某公司发布2026年半年报_东方财富网", "<title>某公司发布2026年半年报 _ 东方财富网")
    agreeing = agreeing.replace(
        '<div class="tipbox">', '<div class="title">某公司发布2026年半年报</div><div class="tipbox">'
    )
    assert eastmoney.parse_article_page(agreeing, "https://finance.eastmoney.com/a/202609243870000001.html").title == (
        "某公司发布2026年半年报"
    )


@pytest.mark.parametrize(
    "path",
    ["finance.china.com.cn/roll/20241203/6192714.shtml", "www.china.org.cn/business/2025-04/15/content_117826204.htm"],
)
def test_a_china_org_article_linked_over_http_and_https_is_fetched_once(path: str) -> None:
    # Both spellings are linked (tests/fixtures/real-sites/chinaorg/PROVENANCE.md D) and are one
    # document; the sites serve http (sites.md 3.1-3.4), so both are fetched there: one request.
    assert fetch_url(f"https://{path}") == fetch_url(f"http://{path}") == f"http://{path}"
    assert document_id(f"https://{path}") == document_id(f"http://{path}")


def test_other_sites_are_fetched_as_linked() -> None:
    for url in ("https://example.com/a/1.html", "http://127.0.0.1:8080/news/20231123/6053998.shtml"):
        assert fetch_url(url) == url
