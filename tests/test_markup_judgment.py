"""Eastmoney's markup names stocks by matching names, and is sometimes wrong; the context rules of
plain-text linking judge it (issue 23, item 7): what it said and why a mention was dropped stay in
the article (``rejected_markup``)."""

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
