"""Every real answer kept in ``tests/fixtures/real-sites/`` (captured from the live sites by other
public projects in 2022–2026; where each came from is in the PROVENANCE.md beside it) is read by the
spiders' parsers. A file added there without a reader here fails :func:`test_every_real_answer_has_a_reader`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.dates import parse_datetime
from crawler.spiders.eastmoney import column_entry, parse_fast_payload, parse_list_payload
from tagging.extract import extract_article
from tagging.pages.chinaorg import parse_article_page

REAL = Path(__file__).parent / "fixtures" / "real-sites"
ARTICLE_URL = "https://finance.eastmoney.com/a/{code}.html"


def real_sort_of(item: dict) -> str:
    """The 7×24 API's realSort as the real items show it: epoch seconds of showTime (Beijing), "0",
    the code's last five digits. The replica writes it by the same rule."""
    return f"{int(parse_datetime(item['showTime']).timestamp())}0{item['code'][-5:]}"


def read_columns_344(path: Path) -> None:
    """getNewsByColumns, 2026-09-19: code as the string "1", np_dst in lower case, url in the older
    /news/{col},{code}.html form beside uniqueUrl, both http."""
    items = parse_list_payload(path.read_text(encoding="utf-8"))
    assert len(items) == 12
    entries = [column_entry(item, ARTICLE_URL) for item in items]
    assert all(e["url"] == f"http://finance.eastmoney.com/a/{e['code']}.html" for e in entries)
    assert all(item["url"].startswith("http://finance.eastmoney.com/news/13") for item in items)
    assert {e["np_dst"] for e in entries} == {"CMS"}
    assert all(parse_datetime(e["showTime"]) for e in entries)
    assert all(e["title"] and e["mediaName"] for e in entries)


def read_fast_excerpt(path: Path) -> None:
    """getFastNewsList, 2026-09-26 (an excerpt: no sortEnd): the last item's realSort is the cursor."""
    page = parse_fast_payload(path.read_text(encoding="utf-8"))
    assert [item["code"] for item in page.items] == ["202609263884347171"]
    assert page.cursor == page.items[-1]["realSort"] == real_sort_of(page.items[-1])
    entry = column_entry(page.items[0], ARTICLE_URL)
    assert entry["url"] == "https://finance.eastmoney.com/a/202609263884347171.html"


def read_fast_item(path: Path) -> None:
    """One 7×24 item of 2025 with its raw keys: read as the spider reads an item of an answer."""
    item = json.loads(path.read_text(encoding="utf-8"))
    envelope = json.dumps({"code": "1", "message": "success", "data": {"fastNewsList": [item], "sortEnd": "1"}})
    page = parse_fast_payload(f"jQuery35107_1({envelope})")
    assert page.cursor == item["realSort"] == real_sort_of(item)
    assert column_entry(page.items[0], ARTICLE_URL)["url"].endswith(f"/a/{item['code']}.html")
    assert all("." in secid for secid in item["stockList"])


def read_fast_answer(path: Path) -> None:
    """getFastNewsList, 2026-08-30, a whole raw answer: data.sortEnd is the last item's realSort, and each item's
    stockList (Eastmoney's own tags of the flash) reaches the article's tags through the spider."""
    from scrapy import Request
    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    body = path.read_text(encoding="utf-8")
    page = parse_fast_payload(body)
    assert len(page.items) == 5
    assert page.cursor == page.items[-1]["realSort"] == json.loads(body)["data"]["sortEnd"]
    assert all(item["realSort"] == real_sort_of(item) for item in page.items)
    settings = {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("EASTMONEY")}
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, {**settings, "EASTMONEY_MAX_PAGES": 1}))
    url = "https://np-listapi.eastmoney.com/comm/web/getFastNewsList?fastColumn=102&sortEnd="
    response = TextResponse(
        url, body=body.encode(), encoding="utf-8", request=Request(url, meta={"finnews_source": "x"})
    )
    listed = {r.url: r.cb_kwargs["listed"] for r in spider.parse_fast(response, column="102", page=1) if "/a/" in r.url}
    assert [entry["stockList"] for entry in listed.values()] == [item["stockList"] for item in page.items]
    first, last = page.items[0], page.items[-1]
    for item, boards, stocks, instruments in (
        (first, {"90.BK0428", "90.BK0457"}, {"0.002084"}, set()),
        (last, set(), {"105.AMZN"}, {"150.012322"}),
    ):
        # the flash's page as 7×24 pages show it: its summary, no ticker markup
        flash = f"<html><body><div id='ContentBody'><p>{item['summary']}</p></div></body></html>"
        article_url = ARTICLE_URL.format(code=item["code"])
        article = extract_article(spider.read_article(flash, article_url, listed[article_url]))
        assert boards <= {b["secid"] for b in article.boards}
        assert stocks <= {s["secid"] for s in article.stocks}
        assert instruments == {i["secid"] for i in article.instruments}
        assert {m["secid"] for m in article.mentions if m["where"] == "list"} == set(item["stockList"])


def test_a_lists_tags_of_other_kinds_are_instruments_and_unknown_stocks_are_named_by_their_code() -> None:
    """Review of day 17: 0.899050 (北证50, an index of the Beijing exchange) became a stock named "0.899050"."""
    from tagging.tagger import listed_mentions

    mentions = {m.secid: m for m in listed_mentions(["0.899050", "150.012322", "0.920999", "BK0428", "", "0.899050"])}
    assert list(mentions) == ["0.899050", "150.012322", "0.920999"]  # each once; no secid without its market
    assert mentions["0.899050"].security.kind == "index" and mentions["0.899050"].security.exchange == "BJ"
    assert mentions["150.012322"].security.kind == "other"
    assert mentions["0.920999"].text == "920999"


def read_fast_items(path: Path) -> None:
    """Twelve 7×24 items of 2026-10-10 (from an archive: no envelope, no title): every realSort
    follows the rule, including items whose code carries the day before."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == 12
    envelope = json.dumps({"code": "1", "data": {"fastNewsList": items[::-1], "sortEnd": items[0]["realSort"]}})
    page = parse_fast_payload(envelope)
    assert page.cursor == items[0]["realSort"]
    assert all(item["realSort"] == real_sort_of(item) for item in items)
    assert any(item["code"][:8] != item["showTime"][:10].replace("-", "") for item in items)


CHINAORG_ADDRESSES = {
    "news_china_com_cn_2024-05-13_content_117184963_article_skeleton.html":
        "http://news.china.com.cn/2024-05/13/content_117184963.shtml",
    "travel_china_com_cn_2024-05-20_content_117199185_article_skeleton.html":
        "http://travel.china.com.cn/txt/2024-05/20/content_117199185.shtml",
}  # fmt: skip


def read_chinaorg_page(path: Path) -> None:
    """china.com.cn pages captured in 2024 (skeletons: body paragraphs omitted): title, time to the
    minute, outlet and author from the current template (div.inform, the enpproperty comment)."""
    fetched = CHINAORG_ADDRESSES[path.name]  # as PROVENANCE.md gives it
    raw = parse_article_page(path.read_text(encoding="utf-8"), fetched)
    assert raw.url == fetched  # not the og:url, which is the site's home page on every article
    assert raw.body_source == "layout:chinaorg"
    assert raw.title and not raw.title.endswith("中国网")
    assert raw.published_at is not None and (raw.published_at.hour, raw.published_at.minute) != (0, 0)
    assert raw.media == "中国网"
    assert raw.author


def read_chinaorg_fragment(path: Path) -> None:
    """The English China.org.cn body container of 2022 (no head): found, with its metadata comment."""
    raw = parse_article_page(path.read_text(encoding="utf-8"), "http://www.china.org.cn/opinion/")
    assert raw.body_source == "layout:chinaorg"
    assert raw.media == "China.org.cn"
    assert raw.published_at == parse_datetime("2022-10-21 09:44:58")
    # The headline and byline of the metadata comment: a fragment has no head (audit of day 20).
    assert raw.title == "Hoax school shootings in US traumatizing students"
    assert raw.author == "Mitchell Blatt"  # not "By Mitchell Blatt"
    text = extract_article(raw).text
    assert "enpproperty" not in text and "articleid" not in text  # the metadata comment is no text


READERS: dict[str, Callable[[Path], None]] = {
    "eastmoney/columns_344_2026-09-19_kyssion-k-spider-dotnet.json": read_columns_344,
    "eastmoney/fast_2026-08-30_dsh-trading-eastmoney-express.json": read_fast_answer,
    "eastmoney/fast_excerpt_2026-09-26_futures-news-test.json": read_fast_excerpt,
    "eastmoney/fast_item_2025-04-15_coze-blog-post.json": read_fast_item,
    "eastmoney/fast_items_2026-10-10_ACANX-Distribution.jsonl": read_fast_items,
    "chinaorg/news_china_com_cn_2024-05-13_content_117184963_article_skeleton.html": read_chinaorg_page,
    "chinaorg/travel_china_com_cn_2024-05-20_content_117199185_article_skeleton.html": read_chinaorg_page,
    "chinaorg/www_china_org_cn_2022-10-21_content_78478030_body_fragment_skeleton.html": read_chinaorg_fragment,
}


def test_every_real_answer_has_a_reader() -> None:
    kept = {str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file() and p.name != "PROVENANCE.md"}
    assert kept == set(READERS)
    for folder in {p.parent for p in REAL.rglob("*") if p.is_file()}:
        provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
        assert all(p.name in provenance for p in folder.iterdir() if p.name != "PROVENANCE.md")


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_parsers_read_the_real_answer(name: str) -> None:
    READERS[name](REAL / name)
