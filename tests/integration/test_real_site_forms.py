"""The crawl against the forms the real sites answered in 2026, through Scrapy into the real node:
the list page with a ``<ul>`` of ``li#newsTr{n}``, full-year times and 42 items; the column API with
``url`` in the older form, ``Np_dst``/``np_dst`` and HTML summaries; the 7×24 API as JSON and JSONP
with its cursor only in ``data.sortEnd``; article pages with the time outside ``div.infos``, the
outlet only at the body's end and a share widget. The replica refuses (answers an empty list to) API
requests without a browser-like User-Agent and the Referer of the API's own page.

And the other side: every drifted source makes the crawl exit non-zero and say why, and
``finnews sites check`` names the source and the reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from core.config import config_dir
from replica.chinaorg import ChinaOrgSite
from replica.chinaorg_articles import FINANCE_COLUMN
from replica.chinaorg_pages import channel_path, column_path
from replica.eastmoney_pages import LISTED_SECIDS
from replica.refusing import Blocking
from replica.site import ReplicaServer, ReplicaSite, SiteForms, synthetic_articles
from tests.conftest import TEST_ALIAS, run_finnews

ARTICLES = 45  # more than a 7×24 page (20), more than a 2026 list page (42)
FAST = "/comm/web/getFastNewsList"


def crawl(server: ReplicaServer, tmp_path: Path, sources: str, *extra: str, env: dict | None = None):
    return run_finnews(
        "crawl", "eastmoney",
        *server.eastmoney_settings(sources),
        "-s", "EASTMONEY_COLUMNS=345", "-s", "EASTMONEY_MAX_PAGES=10",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        *extra,
        env=env,
    )  # fmt: skip


def documents(es_node) -> dict[str, dict]:
    es_node.indices.refresh(index=TEST_ALIAS)
    hits = es_node.search(index=TEST_ALIAS, size=1000)["hits"]["hits"]
    return {hit["_source"]["url"]: hit["_source"] for hit in hits}


def canonical(code: str) -> str:
    return f"https://finance.eastmoney.com/a/{code}.html"


def outlet_on_page(article) -> str:
    """The outlet the page names: its body's own source line when it has one, else the replica's."""
    named = re.search(r"文章来源：([^）<]+)）", article.raw.body_html or "")
    return named.group(1) if named else article.raw.media


def test_the_7x24_list_and_the_list_pages_in_the_2026_forms_index_every_article(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """No list gives an outlet here (the 7×24 items and list pages carry none): every article's outlet
    is read from its page, half of them only from the body's end; every time to the minute."""
    articles = synthetic_articles(ARTICLES)
    site = ReplicaSite(articles, forms=SiteForms.of("2026"))
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "fast,pages")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"articles: {ARTICLES} new" in result.stdout
    assert "errors: none" in result.stdout
    assert site.requests[FAST] == 4  # 20 + 20 + 5 by data.sortEnd, then an empty page ends the list
    assert site.requests["/a/cywjh.html"] == site.requests["/a/cywjh_2.html"] == 1
    assert site.headerless == 0  # the site identity of configs/sites.yaml was sent
    assert site.kept_alive == 0  # … with Connection: close, on every request (robots.txt included)
    indexed = documents(es_node)
    assert set(indexed) == {canonical(a.code) for a in articles}
    for article in articles:
        document = indexed[canonical(article.code)]
        assert document["media"] == outlet_on_page(article), article.code
        assert document["published_at"] == article.raw.published_at.isoformat()
        assert document["title"] == article.raw.title, article.code  # not the quote box's 行情中心
        assert "打开微信" not in document["text"] and "扫一扫" not in document["text"]
        assert "下载东方财富APP" not in document["text"]


def test_the_tags_a_7x24_item_lists_are_indexed_with_its_article(fresh_index: str, es_node, tmp_path: Path) -> None:
    """A 7×24 item's stockList is Eastmoney's own tagging of the flash: its boards, stocks and other quoted things
    are indexed with the article (as mentions from the list), beside what its text names."""
    site = ReplicaSite(synthetic_articles(ARTICLES), forms=SiteForms.of("2026"))
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "fast")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {
        url: {m["secid"] for m in document["mentions"] if m["where"] == "list"}
        for url, document in documents(es_node).items()
    }
    assert sorted(map(frozenset, listed.values()), key=sorted) == sorted(
        (frozenset(secids) for index in range(ARTICLES) for secids in [LISTED_SECIDS[index % 20 % 4]]), key=sorted
    )
    for url, document in documents(es_node).items():
        assert listed[url] <= (
            {b["secid"] for b in document["boards"]}
            | {s["secid"] for s in document["stocks"]}
            | {i["secid"] for i in document["instruments"]}
        ), url


def test_the_column_api_in_the_2026_form_fetches_each_article_once(fresh_index: str, es_node, tmp_path: Path) -> None:
    articles = synthetic_articles(ARTICLES)
    site = ReplicaSite(articles, forms=SiteForms.of("2026"))
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "columns")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"articles: {ARTICLES} new" in result.stdout
    assert site.article_requests() == ARTICLES  # /news/1350,{code}.html is fetched as /a/{code}.html
    assert not any(path.startswith("/news/") for path in site.requests)
    assert set(documents(es_node)) == {canonical(a.code) for a in articles}


@pytest.mark.parametrize(
    ("source", "sources", "reason", "code"),
    [
        ("pages", "pages", "layout_changed/list_page", 1),  # failed: nothing came
        ("columns", "columns", "layout_changed/api_fields", 1),
        ("fast", "fast", "layout_changed/api_fields", 1),
        ("articles", "columns", "layout_changed/article_body", 4),  # partial: the generic path read them
    ],
)
def test_a_drifted_source_makes_the_crawl_exit_non_zero_and_say_why(
    fresh_index: str, es_node, tmp_path: Path, source: str, sources: str, reason: str, code: int
) -> None:
    site = ReplicaSite(synthetic_articles(8), forms=SiteForms.of("2026", **{source: "drifted"}))
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, sources, "--stats-json", str(tmp_path / "stats.json"))
    assert result.returncode == code, result.stdout + result.stderr
    assert reason in result.stdout
    assert "LAYOUT CHANGED at" in result.stdout
    assert "Traceback" not in result.stderr
    if source == "articles":
        # A redesigned article page still gives its article (the generic path), reported as a change.
        assert len(documents(es_node)) == 8


def test_article_pages_whose_body_element_lost_its_text_are_a_layout_change(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Third audit: a redesign that keeps #ContentBody but moves the paragraphs out of it gave every
    article its summary as text, and the crawl and the check said all was well."""
    site = ReplicaSite(synthetic_articles(6), forms=SiteForms.of("2026", articles="emptied"))
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "columns")
        check = sites_check(server, "eastmoney:columns")
    assert result.returncode == 4, result.stdout + result.stderr  # partial: the summaries were kept
    assert "layout_changed/article_text 6" in result.stdout and "LAYOUT CHANGED at" in result.stdout
    assert len(documents(es_node)) == 6
    # The check reads one article a source, which may be a video article: a note, not BROKEN (review).
    assert check.returncode == 0, check.stdout + check.stderr
    assert "note     article_text: the body element held no article text" in check.stdout


def configs_without_identity(tmp_path: Path) -> Path:
    """A copy of configs/ whose sites.yaml has no identity: the spiders send Scrapy's own headers."""
    copied = tmp_path / "configs"
    shutil.copytree(config_dir(), copied)
    sites = yaml.safe_load((copied / "sites.yaml").read_text(encoding="utf-8"))
    for site in sites["sites"].values():
        site.pop("identity", None)
    (copied / "sites.yaml").write_text(yaml.safe_dump(sites, allow_unicode=True), encoding="utf-8")
    return copied


def test_without_browser_headers_the_apis_answer_empty_and_the_crawl_says_so(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """The real APIs' most silent refusal: a valid answer with an empty list. A first page with no
    item is reported (layout_changed/list_empty), never taken for a quiet day."""
    site = ReplicaSite(synthetic_articles(8), forms=SiteForms.of("2026"))
    env = {"FINNEWS_CONFIG_DIR": str(configs_without_identity(tmp_path))}
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "columns,fast", env=env)
    assert site.headerless == 2
    assert result.returncode == 1, result.stdout + result.stderr
    assert "layout_changed/list_empty 2" in result.stdout


def sites_check(server: ReplicaServer, *names: str, env: dict | None = None):
    return run_finnews(
        "sites", "check", *names,
        *server.eastmoney_settings("columns,fast,pages"),
        "-s", "EASTMONEY_COLUMNS=345", "-s", "DOWNLOAD_DELAY=0",
        env=env,
    )  # fmt: skip


@pytest.mark.parametrize("form", ["2020", "2026"])
def test_sites_check_passes_against_the_replica(tmp_path: Path, form: str) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES), forms=SiteForms.of(form))
    with ReplicaServer(site) as server:
        result = sites_check(server, "eastmoney")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for source in ("columns:345", "fast:102", "pages:cywjh"):
        assert f"eastmoney {source}  OK" in lines
    assert result.stdout.count("title: 加拿大") == 3  # one article a source, read through every parser
    # 证券 is marked inside the source line (中国证券报): the outlet, not the securities sector.
    assert "outlet: 中国证券报" in result.stdout and result.stdout.count("boards: none | stocks: 116.00700") == 3
    assert "next: sortEnd=" in result.stdout and "next: page_index=2" in result.stdout
    assert site.requests["/a/cywjh_2.html"] == 0  # one page a list
    assert result.stdout.rstrip().endswith("all sources OK")


def test_sites_check_names_each_broken_source_and_why(tmp_path: Path) -> None:
    forms = SiteForms.of("2026", fast="drifted", pages="drifted")
    with ReplicaServer(ReplicaSite(synthetic_articles(10), forms=forms)) as server:
        result = sites_check(server)
        only_fast = sites_check(server, "eastmoney:fast")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "eastmoney columns:345  OK" in lines
    fast = next(line for line in lines if line.startswith("eastmoney fast:102"))
    assert "BROKEN" in fast and "layout_changed/api_fields" in fast and "fastNewsList" in fast
    pages = next(line for line in lines if line.startswith("eastmoney pages:cywjh"))
    assert "BROKEN" in pages and "layout_changed/list_page" in pages
    assert only_fast.returncode == 1
    assert [line.split("  ")[0] for line in only_fast.stdout.splitlines() if line.startswith("eastmoney")] == [
        "eastmoney fast:102"
    ]


def test_sites_check_fails_on_redesigned_articles_and_on_refusals(tmp_path: Path) -> None:
    with ReplicaServer(ReplicaSite(synthetic_articles(10), forms=SiteForms.of("2026", articles="drifted"))) as server:
        drifted = sites_check(server, "eastmoney:columns")
    assert drifted.returncode == 1
    assert "eastmoney columns:345  BROKEN: layout_changed/article_body" in drifted.stdout
    env = {"FINNEWS_CONFIG_DIR": str(configs_without_identity(tmp_path))}
    with ReplicaServer(ReplicaSite(synthetic_articles(10), forms=SiteForms.of("2026"))) as server:
        headerless = sites_check(server, "eastmoney:fast", env=env)
    assert headerless.returncode == 1
    assert "eastmoney fast:102  BROKEN: layout_changed/list_empty (the first page lists no item" in headerless.stdout
    captcha = ReplicaSite(synthetic_articles(10), blocking=Blocking("captcha"))
    with ReplicaServer(captcha) as server:
        blocked = sites_check(server, "eastmoney:columns")
    assert blocked.returncode == 5  # blocked (core.exit_codes)
    assert "eastmoney columns:345  BLOCKED" in blocked.stdout and "blocked/captcha" in blocked.stdout


def chinaorg_check(server: ReplicaServer):
    starts = f"{server.url}{column_path(FINANCE_COLUMN, 1)},{server.url}{channel_path(1)}"
    return run_finnews("sites", "check", "chinaorg", "-s", f"CHINAORG_START_URLS={starts}", "-s", "DOWNLOAD_DELAY=0")


@pytest.mark.parametrize("form", ["2020", "2024"])
def test_sites_check_passes_against_the_chinaorg_replica(form: str) -> None:
    with ReplicaServer(ChinaOrgSite(articles_form=form)) as server:
        result = chinaorg_check(server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("  OK") == 2
    assert "outlet: 中国网财经" in result.stdout or "outlet: 中国网科技" in result.stdout


def test_sites_check_fails_on_a_chinaorg_list_nobody_can_read() -> None:
    with ReplicaServer(ChinaOrgSite(lists_form="drifted")) as server:
        result = chinaorg_check(server)
    assert result.returncode == 1
    assert result.stdout.count("BROKEN: layout_changed/list_page (no article link on the list page)") == 2


def test_chinaorg_pages_in_the_2024_template_and_a_redesign_are_indexed(fresh_index: str, es_node, tmp_path) -> None:
    for form, code in (("2024", 0), ("drifted", 4)):  # drifted: partial, the generic path read them
        site = ChinaOrgSite(articles_form=form)
        with ReplicaServer(site) as server:
            starts = f"{server.url}{column_path(FINANCE_COLUMN, 1)},{server.url}{channel_path(1)}"
            result = run_finnews(
                "crawl", "chinaorg", "-s", f"CHINAORG_START_URLS={starts}", "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"FINNEWS_SEEN_DB={tmp_path / form}.sqlite",
            )  # fmt: skip
        assert result.returncode == code, result.stdout + result.stderr
        if form == "2024":
            # One document per article: the template's og:url is the site's home page on every
            # article, which taken as the address made them all one document.
            assert len(documents(es_node)) == len(site.articles)
        if form == "drifted":
            assert "layout_changed/article_body" in result.stdout
    indexed = documents(es_node)
    assert indexed
    assert all(doc["title"] and doc["published_at"] and doc["media"] for doc in indexed.values())
    assert not any("责任编辑" in doc["text"] or "分享到" in doc["text"] for doc in indexed.values())


def test_robots_rules_for_our_own_token_are_obeyed_whatever_user_agent_is_sent(
    fresh_index: str, tmp_path: Path
) -> None:
    """The spiders send a browser-like User-Agent, but robots.txt is read for the product token
    ``finnews``: rules written for us hold (here: no article page), and the lists stay allowed."""
    site = ReplicaSite(synthetic_articles(8), robots="User-agent: finnews\nDisallow: /a/\n\nUser-agent: *\nAllow: /\n")
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path, "columns")
    assert site.article_requests() == 0
    assert site.requests["/comm/web/getNewsByColumns"] >= 1 and site.headerless == 0
    assert "articles: 0 new" in result.stdout
