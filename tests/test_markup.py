"""Cleaning Eastmoney bodies: every markup variant of the reference notes, visible text kept exactly."""

from __future__ import annotations

import pytest

from core.article import RawArticle
from tagging.extract import extract_article
from tagging.markup.clean import clean_body
from tagging.markup.lines import clean_plain_text
from tagging.pages.jekyll import parse_jekyll_post
from tests.conftest import fixture_text


def sample_body() -> str:
    return parse_jekyll_post(fixture_text("eastmoney_jekyll_post.md")).body_html or ""


def test_sample_boards_and_stock_come_out_exactly_as_marked() -> None:
    cleaned = clean_body(sample_body())
    boards = {(m.secid, m.text) for m in cleaned.mentions if m.security.kind == "board"}
    assert boards == {
        ("90.BK1061", "数字经济"),
        ("90.BK0800", "人工智能"),
        ("90.BK0830", "区块链"),
        ("90.BK0634", "大数据"),
        ("90.BK0832", "工业互联"),
        ("90.BK0628", "智慧城市"),
    }
    stocks = [(m.secid, m.text, m.where) for m in cleaned.mentions if m.security.kind == "stock"]
    assert stocks == [("1.603888", "新华网", "media")]
    assert cleaned.media == "新华网"


def test_sample_text_keeps_every_visible_character_and_no_markup() -> None:
    cleaned = clean_body(sample_body())
    text = cleaned.text
    assert "工业互联网产业" in text  # a tag cutting through a word leaves the word whole
    assert "进一步加大数据开放共享的力度" in text
    assert "占全市GDP的比重" in text  # the infokey data link keeps its visible text
    for leftover in ("<", ">", "keytip", "data-code", "bkquote", "em_stock_key_common"):
        assert leftover not in text
    assert text.count("\n") == 4  # five paragraphs, one per line
    assert "文章来源" not in text  # the source line is metadata, not body text


def test_mention_offsets_point_at_the_mention_text() -> None:
    cleaned = clean_body(sample_body())
    body_mentions = [m for m in cleaned.mentions if m.where == "body"]
    assert len(body_mentions) == 10
    for mention in body_mentions:
        assert cleaned.text[mention.start : mention.end] == mention.text


def secids(html: str) -> list[str]:
    return [m.secid for m in clean_body(html).mentions]


def test_hong_kong_listing_in_an_info_span() -> None:
    html = (
        '<p>持有<span id="Info.116.00700"><a href="http://quote.eastmoney.com/unify/r/116.00700" class="keytip" '
        'data-code="116,00700">腾讯控股</a></span>最多</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "持有腾讯控股最多"
    assert [(m.secid, m.security.exchange) for m in cleaned.mentions] == [("116.00700", "HK")]


@pytest.mark.parametrize(("market", "code"), [("105", "AAPL"), ("106", "BABA"), ("106", "NIO"), ("105", "PDD")])
def test_us_listings_in_the_stock_form(market: str, code: str) -> None:
    html = (
        f'<p><span id="stock_{market}.{code}"><a href="http://quote.eastmoney.com/unify/r/{market}.{code}" '
        f'class="keytip" data-code="{market},{code}">某公司</a></span><span id="quote_{market}.{code}"></span>涨</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "某公司涨"
    assert [(m.secid, m.security.exchange) for m in cleaned.mentions] == [(f"{market}.{code}", "US")]


def test_newer_pages_with_spaces_inside_tags() -> None:
    html = (
        '<p >　　券商<span id="stock_1.600030"><a target="_blank" href= "http://quote.eastmoney.com/unify/r/1.600030" '
        'class="keytip" data-code="1,600030">中信证券</a ></span><span id="quote_1.600030"></span>走强</p >'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "券商中信证券走强"  # the full-width indent is not text
    assert secids(html) == ["1.600030"]


def test_data_links_are_not_securities_but_an_index_quote_is_an_index() -> None:
    html = (
        '<p><span id="Info.342"><a href="http://data.eastmoney.com/cjsj/gdp.html" class="infokey">GDP</a></span>和'
        '<span id="Info.3259"><a href="http://quote.eastmoney.com/unify/r/0.399006" class="infokey">创业板指</a></span></p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "GDP和创业板指"
    assert [(m.secid, m.security.kind) for m in cleaned.mentions] == [("0.399006", "index")]


def test_k_line_chart_block_adds_no_text_and_no_text_mention_but_is_charted() -> None:
    html = (
        '<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/90.BK1037" '
        'data-code="BK1037|90|1" data-code2="BK1037|90|2|" class="EmImageRemark" target="_blank"><img src="k.png" '
        'alt="K图 BK1037_0" data-code="K BK1037|90|1" /></a></p><!-- EM_StockImg_End --><p>正文</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "正文"
    assert cleaned.mentions == []
    assert cleaned.charted == ["90.BK1037"]  # what the page charts: tagged where="chart"


def test_a_security_only_a_chart_names_is_tagged_from_the_chart() -> None:
    # Archive audit of day 19 (zning1994/finews old_post/2022-02-11-NW202202112274017262.md, its form): charts
    # of the H share and the A share, the text naming only the A share; the H share was lost.
    chart = (
        '<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/{secid}" '
        'data-code="{code}|{market}|5" class="EmImageRemark" target="_blank"><img src="k.png" alt="K图 {code}_0" />'
        "</a></p><!-- EM_StockImg_End -->"
    )
    html = (
        chart.format(secid="116.02338", code="02338", market="116")
        + chart.format(secid="0.000338", code="000338", market="0")
        + "<p>潍柴动力(000338.SZ)2月11日在投资者互动平台表示，公司经营稳健向好。</p>"
    )
    raw = RawArticle(source="eastmoney", url="https://finance.eastmoney.com/a/202202112274017262.html", body_html=html)
    for options in ({}, {"markup_only": True}):
        article = extract_article(raw, **options)
        assert [s["secid"] for s in article.stocks] == ["0.000338", "116.02338"], options
        assert {m["where"] for m in article.mentions if m["secid"] == "116.02338"} == {"chart"}
    assert [s["secid"] for s in extract_article(raw, plain=True).stocks] == ["0.000338"]  # the text alone
    # Third review: a hidden chart names nothing; a region or index-membership board's chart is no board tag
    # (as its mark in the text is not); an index known only by its chart has no name but its code.
    hidden = html.replace('class="EmImageRemark"', 'class="EmImageRemark" style="display:none"', 1)
    assert clean_body(hidden).charted == ["0.000338"]
    wrap = (
        chart.format(secid="90.BK0145", code="BK0145", market="90")
        + chart.format(secid="1.000001", code="000001", market="1")
        + "<p>沪指午后翻红。</p>"
    )
    article = extract_article(RawArticle(source="eastmoney", url=raw.url, body_html=wrap))
    assert article.boards == [] and [r["secid"] for r in article.rejected_markup] == ["90.BK0145"]
    assert article.instruments == [{"secid": "1.000001", "code": "000001", "kind": "index", "name": ""}]


def test_older_forms_without_market_or_data_code() -> None:
    html = (
        '<p><a class="em_stock_key_common" href="http://quote.eastmoney.com/r/0.002353">杰瑞股份</a>、'
        '<span class="em_stock_key_common" data-code="002353">杰瑞股份</span>、'
        '<span id="stock_3001042"><a class="keytip" href="http://quote.eastmoney.com/SZ300104.html">乐视网</a></span>、'
        '<span href="http://baike.eastmoney.com/item/总体设计" class="em_stock_key_common">总体设计</span></p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "杰瑞股份、杰瑞股份、乐视网、总体设计"
    assert [m.secid for m in cleaned.mentions] == ["0.002353", "0.002353", "0.300104"]  # 百科 is no security


def test_markup_inside_strong_and_entities() -> None:
    html = (
        '<p><strong>重点：<span web="1" href="http://quote.eastmoney.com/unify/r/90.BK0963" '
        'class="em_stock_key_common" data-code="90,BK0963">商业航天</span></strong>与&lt;蒙特利尔议定书&gt;</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "重点：商业航天与<蒙特利尔议定书>"
    assert secids(html) == ["90.BK0963"]


def test_ads_hidden_paragraphs_images_and_empty_paragraphs_are_dropped() -> None:
    html = (
        '<p>　　<a class="toplink" target="_blank" href="https://ai.eastmoney.com/x">全新妙想投研助理，立即体验</a></p>'
        '<p style="display:none;height:1px;"><br/></p><p></p>'
        "<p>第一段。</p>"
        '<center><img src="https://np-newspic.dfcfw.com/download/x.jpg" width="580" /></center>'
        "<p>　　在东方财富看资讯行情，选东方财富证券一站式开户交易&gt;&gt;</p>"
        '<p style="text-align:center;"><a href="https://acttg.eastmoney.com/pub/1"><img src="ad.jpg" '
        'class="em_handle_adv_close" /></a></p>'
        '<p style="color:#999">免责声明：本文基于AI生产，仅供参考。</p>'
        "<p>【东方财富Choice数据】东方财富发布此内容旨在传播更多信息，与本平台立场无关，不构成投资建议。</p>"
        '<p>第二段，<a href="https://finance.eastmoney.com/a/202205302396000000.html">点击阅读报告全文</a></p>'
        '<p class="res-edit">（责任编辑：张三）</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "第一段。\n第二段，点击阅读报告全文"
    assert cleaned.editor == "张三"


def test_tables_become_one_line_per_row() -> None:
    html = "<p>数据如下</p><table><tr><th>指标</th><th>数值</th></tr><tr><td>GDP</td><td>3873.6亿元</td></tr></table>"
    assert clean_body(html).text == "数据如下\n指标\t数值\nGDP\t3873.6亿元"


def test_source_line_with_a_board_inside_is_metadata_with_its_mention() -> None:
    html = (
        '<p>正文。</p><p class="em_media">（文章来源：中国<span id="bk_90.BK0473"><a href="http://quote.eastmoney.com/'
        'unify/r/90.BK0473" class="keytip" data-code="90,BK0473">证券</a></span><span id="bkquote_90.BK0473"></span>报）</p>'
    )
    cleaned = clean_body(html)
    assert cleaned.text == "正文。"
    assert cleaned.media == "中国证券报"
    assert [(m.secid, m.where, m.start) for m in cleaned.mentions] == [("90.BK0473", "media", None)]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("   ", ""),
        ("<p>", ""),
        ("</div></p>", ""),
        ("<<<>>>", "<<<>>>"),
        ("<p>未闭合<span class='keytip'", "未闭合"),
        ("\x00\x01", ""),
        ("<p>段一<p>段二</div>", "段一\n段二"),
    ],
)
def test_broken_or_empty_html_does_not_raise(html: str, text: str) -> None:
    cleaned = clean_body(html)
    assert cleaned.text == text  # repaired, with every visible character and nothing else
    assert cleaned.mentions == []


def test_broker_news_on_one_stop_account_opening_is_article_text() -> None:
    # Only the promotion line is boilerplate (sites.md 1.2); the words 一站式开户 are news too.
    quote = '<span id="stock_1.600030"><a class="keytip" data-code="1,600030">中信证券</a></span>'
    html = (
        "<p>　　某券商推出线上一站式开户服务，客户数同比增长20%。</p>"
        f"<p>　　{quote}表示将继续推进一站式开户等数字化服务。</p>"
        "<p>　　在东方财富看资讯行情，选东方财富证券一站式开户交易&gt;&gt;</p><p>　　选东方财富证券一站式开户交易&gt;&gt;</p>"
    )
    cleaned = clean_body(html)
    assert (
        cleaned.text
        == "某券商推出线上一站式开户服务，客户数同比增长20%。\n中信证券表示将继续推进一站式开户等数字化服务。"
    )
    assert [(m.secid, m.text) for m in cleaned.mentions] == [("1.600030", "中信证券")]


def test_a_caption_naming_a_source_is_text_and_a_bare_source_line_at_the_end_is_the_outlet() -> None:
    caption = "<p>今年以来，各地GDP增速如下表所示。</p><table><tr><td>北京</td><td>5.2%</td></tr></table><p>来源：国家统计局</p>"
    cleaned = clean_body(caption + "<p>分析人士认为，经济持续回升。</p>")
    assert (
        cleaned.text == "今年以来，各地GDP增速如下表所示。\n北京\t5.2%\n来源：国家统计局\n分析人士认为，经济持续回升。"
    )
    assert cleaned.media is None
    # A copy that lost the em_media class: its bare source line ends the body.
    quote = '<span id="stock_1.603888"><a class="keytip" data-code="1,603888">新华网</a></span>'
    cleaned = clean_body(caption + f"<p>来源：{quote}</p>")
    assert cleaned.text == "今年以来，各地GDP增速如下表所示。\n北京\t5.2%\n来源：国家统计局"
    assert cleaned.media == "新华网" and cleaned.mentions == []
    plain = clean_plain_text("今年以来，经济持续回升。\n来源：国家统计局\n分析人士认为如此。\n来源：新华网")
    assert (plain.text, plain.media) == ("今年以来，经济持续回升。\n来源：国家统计局\n分析人士认为如此。", "新华网")


def test_a_line_break_in_the_source_inside_a_paragraph_is_white_space() -> None:
    # Pretty-printed or hard-wrapped copies: a browser shows the break as nothing between Chinese
    # characters and as a space elsewhere; a marked name broken in two is still its mention.
    stock = '<span id="stock_1.600030"><a class="keytip" data-code="1,600030">中信证券</a >\n</span><span id="quote_1.600030"></span>'
    cleaned = clean_body(f"<p>　　记者获悉，{stock}发布公告称，\n  公司业绩增长。</p >")
    assert cleaned.text == "记者获悉，中信证券发布公告称，公司业绩增长。"
    assert [(m.secid, m.text, m.start) for m in cleaned.mentions] == [("1.600030", "中信证券", 5)]
    board = '<span id="bk_90.BK1036"><a class="keytip" data-code="90,BK1036">半导\n体</a></span>'
    cleaned = clean_body(f"<p>　　今日{board}<span id='bkquote_90.BK1036'></span>板块大涨。</p>")
    assert cleaned.text == "今日半导体板块大涨。"
    assert [(m.secid, m.text, m.start, m.end) for m in cleaned.mentions] == [("90.BK1036", "半导体", 2, 5)]
    # A space between words of other scripts; a blank line (markdown in a post) is a paragraph break.
    assert clean_body("<p>Apple\nInc. 发布\n新品。</p><p>第一段。\n\n第二段。<br>\n第三段。</p>").text == (
        "Apple Inc. 发布新品。\n第一段。\n第二段。\n第三段。"
    )


def test_soft_line_breaks_keep_decimals_indents_source_lines_and_captions_whole() -> None:
    # The second review of the day: a decimal is no list item; a full-width indent is white space; the
    # outlet line (em_media) folds its breaks too; a paragraph that begins with (来源：…) goes on as text.
    assert (
        clean_body("<p>沪指收涨\n1.25%，成交额放大。</p>").text == "沪指收涨 1.25%，成交额放大。"
    )  # as a browser shows it
    assert clean_body("<p>一、经济增长\n\u3000\u3000二、结构优化</p>").text == "一、经济增长\n二、结构优化"
    cleaned = clean_body('<p>正文。</p><p class="em_media">（文章来源：中国\n证券报）</p>')
    assert (cleaned.text, cleaned.media) == ("正文。", "中国证券报")
    assert (
        clean_body("<p>（来源：公司公告）公司预计全年营收增长。</p>").text == "（来源：公司公告）公司预计全年营收增长。"
    )


def test_a_chart_whose_end_comment_was_lost_hides_only_the_chart() -> None:
    # Third audit: a copy that kept EM_StockImg_Start but lost EM_StockImg_End hid the rest of the body.
    chart = (
        '<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/0.002752" '
        'data-code="002752|0|2" class="EmImageRemark"><img alt="K图 002752_0" src="k.png"/></a></p>'
    )
    quote = '<span id="stock_1.600030"><a class="keytip" data-code="1,600030">中信证券</a></span>'
    cleaned = clean_body(f"<p>前文。</p>{chart}<p>{quote}预计净利增长50%。</p><p>正文第二段。</p>")
    assert cleaned.text == "前文。\n中信证券预计净利增长50%。\n正文第二段。"
    assert [(m.secid, m.start) for m in cleaned.mentions] == [("1.600030", 4)]
    # The start comment inside the chart's paragraph: the skip ends with that paragraph.
    inline = chart.replace("<!-- EM_StockImg_Start --><p", '<p><!-- EM_StockImg_Start --><span hidden="x"></span>')
    assert clean_body(f"{inline}<p>正文。</p>").text == "正文。"


def test_a_bracketed_caption_mid_body_is_text_and_the_last_source_line_is_the_outlet() -> None:
    # （来源：国家统计局） under a chart is a caption; （文章来源：新华网） at the end is the outlet (a copy
    # that lost the em_media class).
    html = "<p>一季度GDP增长4.8%。</p><p>（来源：国家统计局）</p><p>二季度回升。</p><p>（文章来源：新华网）</p>"
    cleaned = clean_body(html)
    assert (cleaned.text, cleaned.media) == ("一季度GDP增长4.8%。\n（来源：国家统计局）\n二季度回升。", "新华网")
    cleaned = clean_body("<p>二季度回升。</p><p>（来源：新华社）</p>")
    assert (cleaned.text, cleaned.media) == ("二季度回升。", "新华社")
    plain = clean_plain_text("一季度增长。\n（来源：国家统计局）\n二季度回升。\n（来源：新华社）")
    assert (plain.text, plain.media) == ("一季度增长。\n（来源：国家统计局）\n二季度回升。", "新华社")


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("郑重声明：公司从未授权任何机构代为募集资金，请投资者注意防范。", True),
        ("郑重声明：公司从未授权任何机构转载或发布相关信息。", True),  # review: 转载 alone was a site's notice
        ("郑重声明：网传消息不实，本公司所有信息以公告为准。", True),
        ("郑重声明:用户在财富号/股吧/博客等社区发表的所有信息(包括但不限于文字)仅代表个人观点。", False),
        ("郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。", False),
        ("郑重声明:本文版权归原作者所有,转载文章仅为传播更多信息之目的。", False),
        ("郑重声明:所载数据、文章仅供参考,使用前请核实,风险自负。", False),
    ],
)
def test_only_a_sites_notice_beginning_with_zhengzhong_shengming_is_boilerplate(line: str, kept: bool) -> None:
    cleaned = clean_body(f"<p>{line}</p><p>正文。</p>")
    assert cleaned.text == (f"{line}\n正文。" if kept else "正文。")


def test_zero_width_characters_are_deleted_so_names_stay_whole() -> None:
    quote = '<span id="stock_1.600519"><a class="keytip" data-code="1,600519">贵州\u200b茅台</a></span>'
    cleaned = clean_body(f"<p>{quote}今日上涨5%，宁德\ufeff时代\u2060下跌。</p>")
    assert cleaned.text == "贵州茅台今日上涨5%，宁德时代下跌。"
    assert [(m.text, m.start, m.end) for m in cleaned.mentions] == [("贵州茅台", 0, 4)]
    assert clean_plain_text("宁德\u200c时代发布公告。").text == "宁德时代发布公告。"
    # A joiner between two emoji draws one picture: kept.
    assert clean_body("<p>家庭\U0001f468\u200d\U0001f469\u200d\U0001f467消费</p>").text == (
        "家庭\U0001f468\u200d\U0001f469\u200d\U0001f467消费"
    )


def test_a_line_break_before_a_month_range_is_no_list_item() -> None:
    assert clean_body("<p>前两个月即\n1、2月份销量增长12%。</p>").text == "前两个月即 1、2月份销量增长12%。"
    assert clean_body("<p>措施如下：\n1、降低税费。</p>").text == "措施如下：\n1、降低税费。"


def test_a_closing_source_line_followed_only_by_credits_is_still_the_source_line() -> None:
    # Review: （来源：证券时报） before （编辑：张三）, 原标题：… or （记者 李四） stayed in the text and the outlet was lost.
    for credit in ("（编辑：张三）", "原标题：一季度经济开局良好", "（记者 李四）"):
        cleaned = clean_body(f"<p>一季度GDP增长4.8%。</p><p>（来源：证券时报）</p><p>{credit}</p>")
        assert (cleaned.text, cleaned.media) == (f"一季度GDP增长4.8%。\n{credit}", "证券时报")
        plain = clean_plain_text(f"一季度GDP增长4.8%。\n（来源：证券时报）\n{credit}")
        assert (plain.text, plain.media) == (f"一季度GDP增长4.8%。\n{credit}", "证券时报")
    # A caption with article text after it stays text.
    cleaned = clean_body(
        "<p>一季度GDP增长4.8%。</p><p>（来源：国家统计局）</p><p>（编辑：张三）</p><p>二季度回升。</p>"
    )
    assert cleaned.text == "一季度GDP增长4.8%。\n（来源：国家统计局）\n（编辑：张三）\n二季度回升。"
