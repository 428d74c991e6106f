"""Tagging boards, stocks and topics from markup and from text alone, with the known traps."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.dates import SHANGHAI
from core.securities import from_data_code, from_element_id, from_quote_href
from crawler.seen import BODYLESS_WAITS_S, Bodyless
from tagging.extract import extract_article, parse_document
from tagging.tagger import tag_article, text_mentions
from tests.conftest import SAMPLE_POST_BOARDS, SAMPLE_POST_MARKED_BOARDS, fixture_text


def test_sample_article_tags_from_markup_and_text() -> None:
    article = extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md")))
    assert {b["code"] for b in article.boards} == SAMPLE_POST_BOARDS
    # 数字经济 as marked inside the plan's name 《北京市数字经济全产业链开放发展行动方案》 (a document's name, FRESH_RULES
    # B2; the board stands by its other mentions) and the straddling 大数据 of 加大数据开放
    assert [r["text"] for r in article.rejected_markup] == ["数字经济", "大数据"]
    # Each board from the markup where it is marked, from the text where it is not.
    first_source = {m["secid"]: m["source"] for m in reversed(article.mentions)}
    assert {code for code in SAMPLE_POST_BOARDS if first_source[f"90.{code}"] == "markup"} == SAMPLE_POST_MARKED_BOARDS
    assert first_source["90.BK1036"] == "text"  # 集中突破高端芯片: unmarked
    assert {(b["secid"], b["name"]) for b in article.boards} >= {("90.BK1061", "数字经济"), ("90.BK0832", "工业互联")}
    assert article.stocks == [{"secid": "1.603888", "code": "603888", "name": "新华网", "exchange": "SH"}]
    assert article.media == "新华网"
    topic_ids = {t["id"] for t in article.topics}
    assert {"digital_economy", "artificial_intelligence", "blockchain", "smart_city"} <= topic_ids
    assert "数字经济" in article.keywords


def test_markup_only_tagging_of_the_sample_takes_what_the_markup_marks() -> None:
    article = extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md")), markup_only=True)
    assert {b["code"] for b in article.boards} == SAMPLE_POST_MARKED_BOARDS
    assert {m["source"] for m in article.mentions} == {"markup"}
    assert [r["text"] for r in article.rejected_markup] == ["大数据"]


def test_plain_tagging_of_the_sample_finds_the_boards_from_text() -> None:
    article = extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md")), plain=True)
    codes = {b["code"] for b in article.boards}
    assert {"BK1061", "BK0800", "BK0830", "BK0832", "BK0628"} <= codes  # 工业互联网 is an alias of 工业互联
    assert "BK0634" not in codes  # 加大数据开放 reads 加大 / 数据, not 大数据
    assert all(m["source"] == "text" for m in article.mentions)
    # 新华网 appears only as the outlet: never a stock mention from text.
    assert article.stocks == []


def test_chinaorg_text_is_tagged_from_its_words() -> None:
    article = extract_article(parse_document(fixture_text("chinaorg_article.txt")))
    codes = {b["code"] for b in article.boards}
    assert {"BK1061", "BK0800", "BK0830", "BK0628"} <= codes
    assert article.text.endswith("启动城市副中心智慧城市标杆示范区建设。")
    for mention in article.mentions:
        if mention["where"] == "body":
            assert article.text[mention["start"] : mention["end"]] == mention["text"]


def codes_in(text: str, media: str | None = None) -> set[str]:
    return {m.security.code for m in text_mentions(text, media)}


def test_trap_common_words_are_not_boards() -> None:
    assert "BK0539" not in codes_in("通过综合施策释放消费潜力")  # 综合施策 is not board 综合


def test_trap_stock_name_inside_a_longer_word() -> None:
    assert "601519" not in codes_in("有助于培育壮大智慧零售新业态")  # 壮大智慧 is not 大智慧
    assert "601519" in codes_in("大智慧发布公告")  # standing alone, it is the stock
    assert "300959" not in codes_in("推动线上线下消费融合")  # a stock named like an everyday phrase


def test_trap_index_names_are_not_topics() -> None:
    tags = tag_article("中证500指数今日上涨，沪深300同步走强。", None)
    assert tags.boards == [] and tags.topics == []


def test_trap_outlet_in_the_source_line_is_not_a_mention() -> None:
    assert codes_in("正文提到宁德时代。\n来源：证券时报") == {"300750"}
    assert "002752" not in codes_in("（来源：昇兴股份）")
    assert "300750" not in codes_in("宁德时代发布公告", media="宁德时代")


def test_stock_names_from_text() -> None:
    assert {"300750", "600519"} <= codes_in("宁德时代与贵州茅台今日双双上涨。")


def test_secid_spellings() -> None:
    assert from_data_code("90,BK1061").secid == "90.BK1061"
    assert from_data_code("1.603888").secid == "1.603888"
    assert from_data_code("002752|0|2").secid == "0.002752"
    assert from_data_code("NIO|106|7").secid == "106.NIO"
    assert from_data_code("600000").secid == "1.600000"
    assert from_data_code("garbage") is None
    assert from_element_id("bk_90.BK1061").secid == "90.BK1061"
    assert from_element_id("stock_3001042").secid == "0.300104"
    assert from_element_id("Info.342") is None
    assert from_quote_href("http://quote.eastmoney.com/SZ300104.html").secid == "0.300104"
    assert from_quote_href("http://quote.eastmoney.com/unify/r/116.00700").exchange == "HK"
    assert from_quote_href("http://data.eastmoney.com/cjsj/gdp.html") is None
    assert from_data_code("0,430047").exchange == "BJ"
    assert from_data_code("1,000001").kind == "index"


def test_keyword_weights_are_jiebas_own_idf_table_and_stop_words() -> None:
    """The IDF table is read from jieba's file rather than through jieba.analyse (which costs every
    command 0.7 s): the table, its median and the stop words must be exactly what jieba would use."""
    import jieba.analyse

    from tagging.segment import _JIEBA_STOP_WORDS, jieba_idf_path, read_idf

    reference = jieba.analyse.TFIDF()
    table, median = read_idf(jieba_idf_path())
    assert table == reference.idf_freq and len(table) > 200_000
    assert median == reference.median_idf
    assert frozenset(reference.stop_words) == _JIEBA_STOP_WORDS


def test_the_tag_pipeline_loads_the_tagging_stack_when_the_spider_opens() -> None:
    # Loaded before the first request, the stack holds up no download (a slow page's timeout stays on time).
    from core.settings import reload, settings
    from pipelines.tag import TagPipeline

    reload()
    assert not any(name.endswith(".linker") for name, _environment in settings()._parts)
    TagPipeline().open_spider()
    assert any(name.endswith(".linker") for name, _environment in settings()._parts)


def test_the_tag_pipeline_tags_marked_pages_from_their_markup_and_text_or_as_asked() -> None:
    # By default and with FINNEWS_TAG_FROM_TEXT, the sectors a reader sees that the markup does not mark (a
    # list of industries) are tagged; with FINNEWS_TAG_MARKUP_ONLY, what the markup marks alone. The index the
    # markup names stays listed.
    from scrapy.utils.test import get_crawler

    from crawler.items import ArticleItem
    from pipelines.clean import CleanPipeline
    from pipelines.tag import TagPipeline
    from tagging.extract import parse_document

    marked = '<a class="keytip" href="http://quote.eastmoney.com/unify/r/1.000001" data-code="1,000001">上证指数</a>'
    page = (
        "<html><head><title>t</title></head><body><div id='ContentBody'>"
        f"<p>{marked}收涨。港口、燃气、电网等公用设施投资加快，贵州茅台股价上涨。</p></div></body></html>"
    )
    tagged = {}
    for setting in ("default", "FINNEWS_TAG_FROM_TEXT", "FINNEWS_TAG_MARKUP_ONLY"):
        crawler = get_crawler(settings_dict={setting: True} if setting != "default" else {})
        item = ArticleItem(raw=parse_document(page, "https://finance.eastmoney.com/a/202612063000000009.html"))
        item = CleanPipeline.from_crawler(crawler).process_item(item)
        tagged[setting] = TagPipeline.from_crawler(crawler).process_item(item).article
    markup_only = tagged.pop("FINNEWS_TAG_MARKUP_ONLY")
    assert markup_only.boards == [] and markup_only.stocks == []  # the markup names only the index
    assert [i["secid"] for i in markup_only.instruments] == ["1.000001"]
    for article in tagged.values():
        assert [b["secid"] for b in article.boards] == ["90.BK0450", "90.BK1028", "90.BK0457"]  # 港口 燃气 电网
        assert [s["secid"] for s in article.stocks] == ["1.600519"]
        assert [i["secid"] for i in article.instruments] == ["1.000001"]


def test_the_tag_pipeline_refuses_two_readings_at_once() -> None:
    from scrapy.utils.test import get_crawler

    from core.config import ConfigError
    from crawler.run import project_settings
    from pipelines.tag import TagPipeline

    both = {"FINNEWS_TAG_FROM_TEXT": True, "FINNEWS_TAG_MARKUP_ONLY": True}
    with pytest.raises(ConfigError, match="exclude each other"):
        TagPipeline.from_crawler(get_crawler(settings_dict=both))
    with pytest.raises(ConfigError, match="exclude each other"):  # a crawl, sites check or live says so first
        project_settings(both)


def test_tagging_refuses_both_readings_at_once() -> None:
    with pytest.raises(ValueError, match="not both"):
        tag_article("贵州茅台发布公告。", None, plain=True, markup_only=True)


def test_a_marked_sector_word_the_text_reads_otherwise_is_rejected_with_its_reason() -> None:
    # Eastmoney marks board names wherever the characters stand: 教育 of 投资者教育 (investor education) names no
    # sector, and the text's reading (a sector word with an everyday sense wants a sector cue) drops it; the
    # marked 数字经济 the text reads as the sector stays, as does 教育 where the text names the sector.
    def board(code: str, name: str) -> str:
        return (
            f'<span id="bk_90.{code}"><a href="http://quote.eastmoney.com/unify/r/90.{code}" class="keytip" '
            f'data-code="90,{code}">{name}</a></span><span id="bkquote_90.{code}"></span>'
        )

    page = (
        "<html><head><title>t</title></head><body><div id='ContentBody'>"
        f"<p>加强投资者{board('BK0740', '教育')}，加快激发{board('BK1061', '数字经济')}活力。</p>"
        f"<p>{board('BK0740', '教育')}板块午后走强。</p></div></body></html>"
    )
    article = extract_article(parse_document(page, "https://finance.eastmoney.com/a/202612063000000010.html"))
    assert [b["secid"] for b in article.boards] == ["90.BK1061", "90.BK0740"]
    (rejected,) = article.rejected_markup
    assert (rejected["secid"], rejected["start"]) == ("90.BK0740", article.text.index("教育"))
    assert rejected["reason"].startswith("the text does not name the sector here: 加强投资者教育")
    assert [(m["text"], m["source"]) for m in article.mentions if m["secid"] == "90.BK0740"] == [("教育", "markup")]
    markup_only = extract_article(
        parse_document(page, "https://finance.eastmoney.com/a/202612063000000010.html"), markup_only=True
    )
    assert markup_only.rejected_markup == []  # judged by its sentence's company names only, as before


def test_a_body_element_without_text_is_a_layout_change_only_when_every_page_of_a_source_has_one() -> None:
    # Third audit: #ContentBody kept but the paragraphs moved out of it gave each article its summary
    # as text, unreported. One such page among good ones (a video article) is no layout change.
    from scrapy.utils.test import get_crawler

    from crawler.items import ArticleItem
    from crawler.spiders.eastmoney import EastmoneySpider
    from pipelines.clean import CleanPipeline
    from tagging.extract import parse_document

    def page(body: str, number: int) -> ArticleItem:
        html = (
            "<html><head><title>t</title><meta name='description' content='公司发布年报，净利增长。'></head><body>"
            f"<div class='title'>年报</div><div id='ContentBody'>{body}"
            "<p class='em_media'>（文章来源：新华网）</p></div></body></html>"
        )
        url = f"https://finance.eastmoney.com/a/20261206300000000{number}.html"
        return ArticleItem(raw=parse_document(html, url), fetched_url=url, listed_by="columns:345")

    text = "<p>公司发布年报，全年净利增长三成。</p>"
    # Three pages without text: changed; one or two (an incremental run's video articles), or one
    # among good ones: not (review).
    for bodies, changed in ((["", "", ""], 3), (["", ""], None), (["", text], None)):
        crawler = get_crawler(EastmoneySpider)
        crawler.spider = EastmoneySpider.from_crawler(crawler)
        pipeline = CleanPipeline.from_crawler(crawler)
        items = [pipeline.process_item(page(body, number)) for number, body in enumerate(bodies)]
        pipeline.close_spider()
        assert items[0].cleaned.text == "公司发布年报，净利增长。" and items[0].cleaned.from_digest
        assert crawler.stats.get_value("finnews/articles_without_body_text") == bodies.count("")
        assert crawler.stats.get_value("finnews/errors/layout_changed/article_text") == changed
        assert crawler.stats.get_value("finnews/layout_changed_sources") == (["columns:345"] if changed else None)


def test_an_article_page_without_body_text_is_indexed_from_its_summary_and_fetched_again_next_crawl(
    tmp_path: Path,
) -> None:
    """Audit of day 18: 2026 clients of Eastmoney's pages take an empty #ContentBody for a refusal ("文章正文为空
    （可能被反爬拦截）"); the page was remembered as seen with its summary as the text, and never fetched again.
    Found so by the next crawl too, it is a video or picture article: remembered, and no evidence of a layout
    change (review of day 18: else fetched on every crawl, three of them a false layout change each time)."""
    from scrapy.utils.test import get_crawler

    from crawler.items import ArticleItem
    from crawler.seen import SeenStore
    from crawler.spiders.eastmoney import EastmoneySpider
    from pipelines.clean import CleanPipeline
    from tagging.extract import parse_document

    def shell(number: int) -> tuple[str, str]:
        url = f"https://finance.eastmoney.com/a/20260918387884047{number}.html"
        return url, (
            "<html><head><title>t</title><meta name='description' content='某公司发布半年报，营收同比增长。'>"
            "</head><body><div class='title'>某公司发布半年报</div><div class='txtinfos' id='ContentBody'>"
            "<!--文章主体--><p style='display:none;height:1px;'><br/></p><!-- 正文中部 -->"
            "<div class='ad_context3'></div></div></body></html>"
        )

    def crawl(listed_by: str) -> tuple[list[ArticleItem], object]:
        crawler = get_crawler(
            EastmoneySpider, {"FINNEWS_SEEN_ENABLED": True, "FINNEWS_SEEN_DB": str(tmp_path / "seen.sqlite")}
        )
        crawler.spider = EastmoneySpider.from_crawler(crawler)
        pipeline = CleanPipeline.from_crawler(crawler)
        items = [
            pipeline.process_item(ArticleItem(raw=parse_document(html, url), fetched_url=url, listed_by=listed_by))
            for url, html in map(shell, range(3))
        ]
        pipeline.close_spider()
        return items, crawler.stats

    first, stats = crawl("columns:345")
    assert all(item.cleaned.text == "某公司发布半年报，营收同比增长。" for item in first)
    assert all(item.incomplete for item in first)  # not remembered as seen by the index pipeline
    assert stats.get_value("finnews/articles_fetched_again_later") == 3
    assert stats.get_value("finnews/errors/layout_changed/article_text") == 3  # all a source's pages, 3 or more
    again, stats = crawl("columns:345")  # at once (a sweep, a second worker): not counted twice, still not given up
    assert all(item.incomplete for item in again)
    # Found so after every wait (the last a day), the pages are video or picture articles: remembered.
    store = SeenStore(tmp_path / "seen.sqlite")
    long_ago = (datetime.now(SHANGHAI) - timedelta(days=2)).isoformat()
    with store._db:
        store._db.execute("UPDATE bodyless SET times = ?, last = ?", (len(BODYLESS_WAITS_S), long_ago))
    written_off, stats = crawl("columns:345")
    assert not any(item.incomplete for item in written_off)
    assert stats.get_value("finnews/articles_without_text_written_off") == 3
    flashes, stats = crawl("fast:102")
    assert not any(item.incomplete for item in flashes)  # a 7×24 flash's summary is its whole text
    assert stats.get_value("finnews/errors/layout_changed/article_text") == 3  # ... but its emptied pages are news


def test_a_page_found_without_body_text_is_fetched_again_after_growing_waits_then_given_up() -> None:
    """Review of day 18: given up after two crawls, two live polls minutes apart, a throttle's articles kept
    their summary for good. Now after waits of 10 minutes, 1, 6 and 24 hours; one crawl counts once."""
    start = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
    found = Bodyless().noted(start)
    assert found.times == 1 and found.waiting(start + timedelta(minutes=9))
    assert not found.waiting(start + timedelta(minutes=11))
    assert found.due(start + timedelta(minutes=11)) and not found.due(start + timedelta(minutes=9))
    assert found.noted(start + timedelta(minutes=1)) == found  # the same crawl again (a sweep): counted once
    moment = start
    for wait in BODYLESS_WAITS_S:
        moment += timedelta(seconds=wait)
        assert not found.written_off
        found = found.noted(moment)
    assert found.written_off and not found.waiting(moment) and not found.due(moment + timedelta(days=9))


def test_a_sector_word_as_the_subject_of_a_market_move_is_the_sector() -> None:
    # Market reports name sectors by the words that need a cue (银行, 证券, 钢铁): a market move after one is that
    # cue (FRESH_RULES B1, "as the subject of a sentence"); the review of the fourteenth day found Eastmoney's own
    # marks of them dropped for want of it.
    assert {"BK0475", "BK0474", "BK0437"} <= codes_in("行业板块方面，银行、保险、煤炭涨幅居前。")
    assert "BK0479" in codes_in("今日煤炭板块领涨，钢铁紧随其后。")
    assert "BK0475" in codes_in("银行集体走强，工商银行涨2%。")
    assert "BK0473" in codes_in("午后证券异动拉升，多股涨停。")
    # a price that moves is no sector's market move
    assert "BK0437" not in codes_in("动力煤价格走强，煤炭价格走强带动成本上升。")
    assert "BK0475" not in codes_in("他去银行办理业务。")


def test_a_run_of_letters_longer_than_a_word_is_never_a_keyword() -> None:
    """A base64 run reads as one "word" of 40,000 letters: no keyword (the index refuses a term that long)."""
    from core.article import RawArticle
    from tagging.extract import extract_article

    blob = "QUJD" * 10_000
    article = extract_article(
        RawArticle(
            source="text",
            url="https://example.com/x",
            title="测试",
            body_text=f"贵州茅台发布公告。{blob}。贵州茅台涨停。",
        )
    )
    assert article.keywords and all(len(word) <= 32 for word in article.keywords)
