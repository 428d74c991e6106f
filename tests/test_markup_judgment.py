"""Eastmoney's markup names stocks and boards by matching names, and is sometimes wrong; the context
rules of plain-text linking judge it (issue 23, item 7; boards whose name straddles two words, issue
22): what it said and why a mention was dropped stay in the article (``rejected_markup``)."""

from __future__ import annotations

import pytest

from tagging.extract import extract_article, parse_document

QUOTE = '<a href="http://quote.eastmoney.com/unify/r/{secid}" class="keytip" data-code="{secid}">{name}</a>'


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<html><head><title>t</title></head><body><div id="ContentBody">{body}</div></body></html>'


def marked(sentence: str, name: str, secid: str) -> str:
    return sentence.replace(name, QUOTE.format(secid=secid, name=name), 1)


@pytest.mark.parametrize(
    ("sentence", "name", "secid"),
    [
        ("促进线上线下消费融合发展，扩大服务消费。", "线上线下", "0.300959"),
        ("培育壮大智慧产品和智慧服务，推动消费升级。", "大智慧", "1.601519"),
        ("各地要大力发展绿色经济，推进降碳减污。", "绿色经济", "116.01315"),
    ],
)
def test_a_stock_the_sentence_does_not_name_is_dropped_with_its_reason(sentence: str, name: str, secid: str) -> None:
    html = page(marked(sentence, name, secid), "数字经济板块今日走强。")
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202611203000000001.html"))
    assert article.text.startswith(sentence)  # the visible text is kept exactly
    assert secid not in [s["secid"] for s in article.stocks]
    assert [(r["secid"], r["text"]) for r in article.rejected_markup] == [(secid, name)]
    assert "does not name the company" in article.rejected_markup[0]["reason"]


@pytest.mark.parametrize(
    ("sentence", "name", "secid"),
    [
        ("线上线下股价今日大涨，成交额放大。", "线上线下", "0.300959"),
        ("大智慧发布公告称，公司拟回购股份。", "大智慧", "1.601519"),
        ("贵州茅台早盘高开。", "贵州茅台", "1.600519"),
    ],
)
def test_a_stock_the_sentence_names_as_a_company_is_kept(sentence: str, name: str, secid: str) -> None:
    html = page(marked(sentence, name, secid))
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202611203000000002.html"))
    assert [s["secid"] for s in article.stocks] == [secid]
    assert article.rejected_markup == []


@pytest.mark.parametrize(
    ("sentence", "name", "secid", "kept"),
    [
        ("实现保供煤电机组可持续运营，增强能源供应韧性。", "电机", "90.BK1030", False),  # 煤电/机组
        ("进一步加大数据开放共享的力度。", "大数据", "90.BK0634", False),  # 加大/数据
        ("商业航天概念同步活跃。", "商业航天", "90.BK0963", True),  # begins a word: 商业/航天概念
        ("关于推动个人养老金发展的意见。", "养老金", "90.BK0823", True),  # inside one longer word
    ],
)
def test_a_marked_board_name_that_straddles_two_words_is_dropped(
    sentence: str, name: str, secid: str, kept: bool
) -> None:
    html = page(marked(sentence, name, secid))
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202611203000000003.html"))
    assert article.text == sentence
    assert (secid in [b["secid"] for b in article.boards]) is kept
    assert [r["secid"] for r in article.rejected_markup] == ([] if kept else [secid])


def test_a_board_marked_inside_the_source_line_names_the_outlet_not_a_sector() -> None:
    # corpus 0004: （文章来源：中国证券报） with 证券 marked as the board 90.BK0473; a listed outlet stays a stock.
    source = '<p class="em_media">（文章来源：中国{board}报）</p><p class="em_media">（文章来源：{stock}）</p>'
    html = page("数字经济板块今日走强。").replace(
        "</div>",
        source.format(
            board=QUOTE.format(secid="90,BK0473", name="证券"), stock=QUOTE.format(secid="1,603888", name="新华网")
        )
        + "</div>",
    )
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202611203000000004.html"))
    assert article.media == "中国证券报"
    assert "90.BK0473" not in [b["secid"] for b in article.boards]
    assert [s["secid"] for s in article.stocks] == ["1.603888"]
    assert [(r["secid"], r["text"], r["start"]) for r in article.rejected_markup] == [("90.BK0473", "证券", None)]
    assert "source line" in article.rejected_markup[0]["reason"]


@pytest.mark.parametrize(
    ("sentence", "name", "secid", "reason", "tagged", "markup_only"),
    [
        # A pseudo board (index membership) names no sector, wherever it is marked: in either reading.
        ("标准普尔将该国评级下调一档。", "标准普尔", "90,BK0879", "index membership or statistics", None, None),
        # A board word inside a longer one that names another board: the new-energy vehicles, not new energy.
        ("新能源汽车销量同比增长三成。", "新能源", "90,BK0493", "part of 新能源汽车", "90.BK0900", "90.BK0493"),
        # A board word the text does not read as a sector: inside an event's name.
        ("第九届世界无人机大会在深圳开幕。", "无人机", "90,BK0704", "does not name the sector", None, "90.BK0704"),
        ("世界新能源汽车大会在德国慕尼黑举行。", "新能源", "90,BK0493", "does not name the sector", None, "90.BK0493"),
        # A company inside a longer company's name: 京东 of 京东方 is BOE, not JD.com (in either reading).
        ("京东方发布年度业绩预告。", "京东", "105,JD", "part of 京东方", "0.000725", None),
        # A code written beside the name decides the listing (FRESH_RULES S3a): 京东 (9618) is the Hong Kong one.
        ("科技股走高，京东（9618）收报112.5港元。", "京东", "105,JD", "here as 116.09618", "116.09618", "105.JD"),
    ],
)
def test_the_text_reading_judges_what_the_markup_marks(
    sentence: str, name: str, secid: str, reason: str, tagged: str | None, markup_only: str | None
) -> None:
    # Tagged from markup and text (the default), each marked name is judged by the text's reading; the markup
    # alone keeps what it marks, but for the boards never a mention and the stocks its sentence does not name.
    html = page(marked(sentence, name, secid))
    url = "https://finance.eastmoney.com/a/202612063000000011.html"
    article = extract_article(parse_document(html, url))
    tags = [t["secid"] for t in article.boards + article.stocks]
    assert secid.replace(",", ".") not in tags
    assert [r["text"] for r in article.rejected_markup] == [name]
    assert reason in article.rejected_markup[0]["reason"]
    assert tags == ([tagged] if tagged else [])
    alone = extract_article(parse_document(html, url), markup_only=True)
    assert [t["secid"] for t in alone.boards + alone.stocks] == ([markup_only] if markup_only else [])


def test_one_company_named_again_keeps_one_listing() -> None:
    # A Hong Kong page marks the H share of an A+H company; its title and a later alias are not marked. The text
    # reads the company as its A share (FRESH_RULES S3b) everywhere, so the mark gives way: one label, not two.
    html = page(
        marked("恒生指数收涨1.2%，中国平安涨3%。", "中国平安", "116,02318"),
        marked("恒指收涨，内银股走强，招商银行涨2%。", "招商银行", "116,03968"),
        "招行日前公布三季报，净利润同比增长。",
    ).replace("<title>t</title>", "<title>港股收评：恒指涨1.2% 中国平安涨3%</title>")
    article = extract_article(
        parse_document(html, "https://finance.eastmoney.com/a/202612063000000014.html"), markup_only=False
    )
    assert [s["secid"] for s in article.stocks] == ["1.601318", "1.600036"]
    assert {r["secid"] for r in article.rejected_markup} == {"116.02318", "116.03968"}


def test_market_report_sector_marks_the_text_reads_are_kept() -> None:
    # Sector words as the subject of a market move are sectors (FRESH_RULES B1): marked or not, they are tagged.
    html = page(marked("今日煤炭板块领涨，钢铁紧随其后。", "煤炭", "90,BK0437"))
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202612063000000015.html"))
    assert "90.BK0437" in [b["secid"] for b in article.boards]
    assert article.rejected_markup == []


def test_a_marked_board_inside_a_category_the_text_reads_whole_is_kept() -> None:
    # 化学原料和化学制品制造业 is one category naming two boards at one place (化学原料 BK1019, 化学制品 BK0538):
    # the marked 化学制品 inside it is among them, not "part of" another board's name.
    sentence = "化学原料和化学制品制造业增加值同比增长8%。"
    html = page(marked(sentence, "化学制品", "90,BK0538"))
    article = extract_article(parse_document(html, "https://finance.eastmoney.com/a/202612063000000012.html"))
    assert article.rejected_markup == []
    assert {b["secid"] for b in article.boards} == {"90.BK1019", "90.BK0538"}


def test_mention_places_find_every_overlap_of_a_span() -> None:
    from core.article import Mention
    from core.securities import make_security
    from tagging.tagger import MentionPlaces

    def board(code: str, start: int, end: int) -> Mention:
        return Mention(make_security("90", code), "x" * (end - start), start, end)

    long_one, short_one, other = board("BK0001", 0, 12), board("BK0002", 20, 22), board("BK0003", 30, 34)
    title = Mention(make_security("90", "BK0004"), "t", 0, 5, where="title")
    places = MentionPlaces([other, short_one, long_one, title])
    assert places.over("board", 10, 21) == [long_one, short_one]  # a long mention that starts far before
    assert places.over("board", 12, 20) == []  # spans touching at the ends do not overlap
    assert places.over("board", 33, 40) == [other]
    assert places.over("stock", 0, 40) == []
    assert places.over("board", 2, 3) == [long_one]  # the title's mention is not the body's
