"""Time to tag huge inputs, and how it grows: each shape at a size and at four times that size. Linear work
takes about four times as long; a ratio near sixteen is quadratic work (a check of every name against every
other), which turned a 4 MB page into minutes of one crawl's only thread.

The shapes are the inputs that made it so before (2026-12-07): a replica Eastmoney article's body repeated (its
marks, read three ways); text of one kind repeated for the tagger (Hong Kong market notes with codes and 港股 hints,
lists of companies by short names, one long sentence without a full stop, attribution and 来源 lines, photo and
data credits, menus, fund names, lists of bank stems, ST names); and whole documents whose cleaning was quadratic
(a text file ending in blank lines or a line of numbers, a run of spaces in a paragraph, images one to a line, a
caption under each paragraph, a post's long digest, an unknown site's paragraphs between widgets).

Run: ``.venv/bin/python bench/huge_pages.py [--size N]`` (N repeats, default 1000; then 4 × N).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.article import RawArticle  # noqa: E402
from replica.eastmoney_pages import render_article_page  # noqa: E402
from replica.site import load_articles  # noqa: E402
from tagging.extract import extract_article, parse_document, warm_up  # noqa: E402

TEXT_SHAPES = {
    "HK notes, codes and 港股": "港股腾讯控股(00700.HK)涨1.2%,美股苹果跌0.5%,据路透社报道,阿里巴巴、京东、美团走强。",
    "lists of short names": "牧原、温氏、正邦、天邦、傲农、新希望、海大集团、大北农等猪企",
    "one sentence, no full stop": "光伏、风电、储能板块走强,宁德时代、比亚迪、隆基绿能涨超3%,",
    "attribution lines": "据中国证券报报道,证券时报记者获悉,华泰证券认为银行板块估值修复,",
    "table rows": "| 600519 | 贵州茅台 | 白酒 | 1800.00 |\n",
    "来源 lines": "贵州茅台、五粮液、泸州老窖涨停。\n来源：Wind\n",
    "photo credits": "宁德时代股价上涨。（视觉中国供图）",
    "menu lines": "首页 财经 股票 基金 期货 外汇 更多\n贵州茅台涨停。\n",
    "fund names": "汇丰晋信智造先锋A净值上涨，贵州茅台涨停。",
    "data credits": "半导体行业增长20%（IDC数据），光伏行业走强。",
    "lists of bank stems": "股份制银行中，招商、兴业、浙商均上涨。",
    "lists of bank stems, no full stop": "股份制银行招商、兴业、浙商，",
    "ST names": "*ST八菱、ST中捷、贵州茅台涨停。",
}
HEAD = "标题\n贵州茅台发布年报，营收增长。"
# Whole documents, read as a crawl or `finnews extract` reads them (their form recognised first), N units each.
DOCUMENTS = {
    "text file, a tail of blank lines": lambda n: HEAD + "\n" * (5 * n) + "相关新闻 更多报道",
    "text file, a line of numbers last": lambda n: HEAD + "\n" + " ".join(map(str, range(n))),
    "page, a run of spaces in a paragraph": lambda n: "<div><p>贵州茅台\n涨停" + " " * (5 * n) + "。</p></div>",
    "page, images one to a line": lambda n: "<div><p>贵州茅台涨停。</p>" + '<img src="a.png">\n' * n + "</div>",
    "page, a caption under each paragraph": lambda n: "<div>" + "<p>贵州茅台涨停。</p><p>来源：Wind</p>" * n + "</div>",
    "post, a digest of many lines": lambda n: "---\ntitle: 测试\n---\n" + "> 贵州茅台涨停。\n\n" * n,
    "unknown site, paragraphs between widgets": lambda n: (
        "<html><body><div class='main'><h1>标题</h1>"
        + "".join(f"<p>贵州茅台发布公告称公司上半年营收增长{i}。白酒板块走强。</p><div>分享{i}</div>" for i in range(n))
        + "</div></body></html>"
    ),
}
READINGS = {"default": {}, "markup alone": {"markup_only": True}, "text alone": {"plain": True}}


def eastmoney_page(repeats: int) -> str:
    """A replica Eastmoney article page whose body is the article's body ``repeats`` times (its marks too)."""
    page = render_article_page(load_articles()[0])
    body_start = page.index(">", page.index('id="ContentBody"')) + 1
    body_end = page.index('<div class="ad_context3"', body_start)
    return page[:body_start] + page[body_start:body_end] * repeats + page[body_end:]


def tag_page(page: str, options: dict) -> None:
    extract_article(parse_document(page, "https://finance.eastmoney.com/a/1.html"), **options)


def tag_document(text: str) -> None:
    extract_article(parse_document(text, "https://www.example.com/news/1.html"))


def seconds(job) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000, help="repeats of each shape (then four times as many)")
    args = parser.parse_args()
    warm_up()
    sizes = (args.size, 4 * args.size)
    print(f"{'shape':<44} {'chars':>9} {'seconds':>8}   {'chars':>9} {'seconds':>8}   growth (linear ≈ 4)")
    rows = []
    for reading, options in READINGS.items():
        pages = [eastmoney_page(n) for n in sizes]
        times = [seconds(lambda page=page, options=options: tag_page(page, options)) for page in pages]
        rows.append((f"Eastmoney page with marks, {reading}", [len(p) for p in pages], times))
    for shape, text in TEXT_SHAPES.items():
        texts = [text * n for n in sizes]
        raws = [RawArticle(source="text", url="https://example.com/huge", title="测试", body_text=t) for t in texts]
        times = [seconds(lambda raw=raw: extract_article(raw, plain=True)) for raw in raws]
        rows.append((shape, [len(t) for t in texts], times))
    for shape, make in DOCUMENTS.items():
        documents = [make(n) for n in sizes]
        times = [seconds(lambda text=text: tag_document(text)) for text in documents]
        rows.append((shape, [len(d) for d in documents], times))
    for name, lengths, times in rows:
        growth = times[1] / times[0] if times[0] else float("nan")
        print(f"{name:<44} {lengths[0]:>9,} {times[0]:>8.2f}   {lengths[1]:>9,} {times[1]:>8.2f}   {growth:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
