"""End to end on the real node: the real chinaorg spider crawls the local China.org / china.com.cn
replica (list paging, GBK pages, a dead link, a withdrawn article) through Scrapy, the pipelines
clean, tag and index, and the assertions read what Elasticsearch returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.dates import isoformat
from replica.chinaorg import ChinaOrgSite
from replica.chinaorg_articles import (
    ARTICLES,
    DEAD_LINK_PATH,
    FINANCE_COLUMN,
    PAGED_ARTICLE,
    TECH_CHANNEL,
    TOPIC_PATH,
    WITHDRAWN_PATH,
    ChinaOrgArticle,
)
from replica.chinaorg_pages import (
    FOOTER_TEXT,
    channel_path,
    column_path,
    render_channel_page,
    render_column_page,
    script_list_path,
)
from replica.site import ReplicaServer
from tests.conftest import TEST_ALIAS, run_finnews
from tests.integration.receivers import dead_node_env


def crawl(replica: ReplicaServer, seen_db: Path, *extra: str) -> str:
    start_urls = f"{replica.url}{column_path(FINANCE_COLUMN, 1)},{replica.url}{channel_path(1)}"
    result = run_finnews(
        "crawl", "chinaorg",
        "-s", f"CHINAORG_START_URLS={start_urls}",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={seen_db}",
        *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def summary_line(summary: str, prefix: str) -> str:
    return next(line for line in summary.splitlines() if line.startswith(prefix))


def indexed(es_node, replica: ReplicaServer, article: ChinaOrgArticle) -> list[dict]:
    """The documents indexed for a replica article (found by its canonical URL)."""
    url = f"https://127.0.0.1:{replica.httpd.server_address[1]}{article.path}"
    return [hit["_source"] for hit in es_node.search(index=TEST_ALIAS, query={"term": {"url": url}})["hits"]["hits"]]


@pytest.fixture
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(ChinaOrgSite()) as server:
        yield server


def test_crawl_indexes_every_article_exactly_once(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    site: ChinaOrgSite = replica.site
    summary = crawl(replica, tmp_path / "seen.sqlite")
    assert f"{len(site.articles)} new, 0 updated, 0 unchanged" in summary_line(summary, "articles:")
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == len(site.articles)
    for article in site.articles:
        (document,) = indexed(es_node, replica, article)
        assert document["source"] == "chinaorg"
        assert document["title"] == article.title
        assert document["published_at"] == isoformat(article.published)
        assert document["media"] == article.media
        assert site.requests[article.path] == 1
    assert site.requests[TOPIC_PATH] == 0  # listed, but not an article link


def test_paging_follows_the_next_page_links_until_a_page_is_empty(replica: ReplicaServer, tmp_path: Path) -> None:
    site: ChinaOrgSite = replica.site
    summary = crawl(replica, tmp_path / "seen.sqlite", "-s", "FINNEWS_INDEX_ENABLED=False")  # paging only
    assert [site.requests[column_path(FINANCE_COLUMN, p)] for p in (1, 2, 3, 4)] == [1, 1, 1, 0]  # page 3 is empty
    assert [site.requests[channel_path(p)] for p in (1, 2, 3)] == [1, 1, 0]  # page 2 has no a.nxt
    assert "(5 list, " in summary_line(summary, "pages:")
    # The articles only page 2 of each list links to were fetched.
    assert site.requests["/2016-04/08/content_38197512.htm"] == 1
    assert site.requests["/it/20190617/356839.shtml"] == 1


def test_max_pages_stops_paging(replica: ReplicaServer, tmp_path: Path) -> None:
    site: ChinaOrgSite = replica.site
    crawl(replica, tmp_path / "seen.sqlite", "-a", "max_pages=1", "-s", "FINNEWS_INDEX_ENABLED=False")
    assert site.requests[column_path(FINANCE_COLUMN, 1)] == 1
    assert site.requests[column_path(FINANCE_COLUMN, 2)] == 0 and site.requests[channel_path(2)] == 0
    first_pages = [a for a in site.articles if a.list_page == 1]
    assert all(site.requests[a.path] == 1 for a in first_pages)
    assert site.article_requests() == len(first_pages) + 2  # and the dead and withdrawn links


def test_gbk_pages_are_indexed_as_chinese_text_without_page_furniture(
    cli, fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    site: ChinaOrgSite = replica.site
    crawl(replica, tmp_path / "seen.sqlite")
    es_node.indices.refresh(index=TEST_ALIAS)
    gbk = [a for a in site.articles if a.encoding == "gbk"]
    assert len(gbk) == 3
    for article in gbk:
        (document,) = indexed(es_node, replica, article)
        assert document["title"] == article.title
        assert document["text"] == "\n".join(article.paragraphs)
        assert "\ufffd" not in document["text"]
    for article in site.articles:
        (document,) = indexed(es_node, replica, article)
        assert "责任编辑" not in document["text"] and article.editor not in document["text"]
        assert FOOTER_TEXT[:20] not in document["text"] and "相关新闻" not in document["text"]
    (misdeclared,) = [a for a in gbk if a.meta_charset == "utf-8"]  # GBK bytes, meta says UTF-8
    (document,) = indexed(es_node, replica, misdeclared)
    assert document["title"] == "白酒板块震荡回升 贵州茅台成交额居前"
    assert {"白酒"} <= {b["name"] for b in document["boards"]}
    assert {"贵州茅台", "泸州老窖"} <= {s["name"] for s in document["stocks"]}
    # Searching its Chinese words finds it first.
    result = cli("search", "贵州茅台 白酒", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["title"] == misdeclared.title


def test_dead_and_withdrawn_links_are_reported_and_the_crawl_finishes(
    fresh_index: str, replica: ReplicaServer, tmp_path: Path
) -> None:
    summary = crawl(replica, tmp_path / "seen.sqlite")  # asserts returncode 0
    errors = summary_line(summary, "errors:")
    assert "http_404 1" in errors and "not_an_article 1" in errors
    assert f"http_404 {replica.url}{DEAD_LINK_PATH}" in summary  # the failure is listed with its URL
    assert summary_line(summary, "finished:") == "finished: finished"
    assert replica.site.requests[WITHDRAWN_PATH] == 1


def test_second_crawl_fetches_no_indexed_article_and_stops_at_fully_seen_pages(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    site: ChinaOrgSite = replica.site
    seen_db = tmp_path / "seen.sqlite"
    crawl(replica, seen_db)
    second = crawl(replica, seen_db)
    # Every article on the list pages still visited is skipped (the tech channel's page 2 is not visited).
    visited = [a for a in site.articles if a.channel == FINANCE_COLUMN or a.list_page == 1]
    assert f"0 new, 0 updated, 0 unchanged, {len(visited)} skipped_seen" in summary_line(second, "articles:")
    assert all(site.requests[a.path] == 1 for a in site.articles)  # none fetched again
    # Finance page 1 still has links never indexed (dead, withdrawn), so paging goes on to page 2;
    # page 2 and the tech channel's page 1 are fully seen, so the pages after them are not fetched again.
    assert [site.requests[column_path(FINANCE_COLUMN, p)] for p in (1, 2, 3)] == [2, 2, 1]
    assert [site.requests[channel_path(p)] for p in (1, 2)] == [2, 1]
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == len(site.articles)


def test_an_article_whose_later_page_failed_is_fetched_again_and_indexed_whole(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    # Page 2 of a two-page article answers 500 (after its retries) on the first crawl: the article is
    # indexed with page 1 but not remembered as seen, so the next crawl fetches it again and the
    # whole text replaces the cut one.
    site = ChinaOrgSite(articles=(*ARTICLES, PAGED_ARTICLE))
    second_page = PAGED_ARTICLE.page_path(2)
    site.broken.add(second_page)
    seen_db = tmp_path / "seen.sqlite"
    fast_retries = ("-s", "RETRY_BACKOFF_BASE=0.05")
    with ReplicaServer(site) as replica:
        first = crawl(replica, seen_db, *fast_retries)
        assert "article_page_part 1" in summary_line(first, "errors:")
        assert f"article_page_part http_500 {replica.url}{second_page}" in first  # named with its URL
        es_node.indices.refresh(index=TEST_ALIAS)
        (document,) = indexed(es_node, replica, PAGED_ARTICLE)
        assert document["text"] == "\n".join(PAGED_ARTICLE.page_paragraphs(1))  # what it had: written
        site.broken.clear()
        second = crawl(replica, seen_db, *fast_retries)
        es_node.indices.refresh(index=TEST_ALIAS)
        (document,) = indexed(es_node, replica, PAGED_ARTICLE)
        assert document["text"] == "\n".join(PAGED_ARTICLE.paragraphs)
        assert "0 new, 1 updated, 0 unchanged" in summary_line(second, "articles:")
        assert "article_page_part" not in second
        crawl(replica, seen_db)  # whole now, and remembered: not fetched again
    assert site.requests[PAGED_ARTICLE.path] == 2
    assert site.requests[second_page] == 1 + 3 + 1  # the first crawl's try and 3 retries, then the second's


def test_a_link_that_redirects_is_remembered_and_not_requested_again(fresh_index: str, es_node, tmp_path: Path) -> None:
    # The tech channel's first page links an article at an old address that answers 301: the linked
    # address is remembered with the one the article was read at, so the second crawl neither
    # requests it again nor pages past that (now fully seen) list page.
    moved = replace(ARTICLES[4], moved_from="/internet/20180919/345977.shtml")
    assert moved.channel == "internet" and moved.list_page == 1
    site = ChinaOrgSite(articles=(*ARTICLES[:4], moved, *ARTICLES[5:]))
    seen_db = tmp_path / "seen.sqlite"
    with ReplicaServer(site) as replica:
        crawl(replica, seen_db)
        es_node.indices.refresh(index=TEST_ALIAS)
        (document,) = indexed(es_node, replica, moved)  # read at the address it moved to
        assert document["title"] == moved.title
        second = crawl(replica, seen_db)
    assert site.requests[moved.moved_from] == 1 and site.requests[moved.path] == 1
    assert "0 new, 0 updated, 0 unchanged" in summary_line(second, "articles:")
    assert [site.requests[channel_path(p)] for p in (1, 2)] == [2, 1]  # page 1 fully seen: paging stopped


@pytest.mark.parametrize("callback", ["jQuery1111_1", None])
def test_a_channels_script_list_is_crawled_page_by_page(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path, callback: str | None
) -> None:
    """more_news.php answers JSONP (or a bare (…)) whose payload is the items' HTML; it has no pager, so it is
    paged by its page= until a page lists nothing (audit of day 20: it gave no entry before)."""
    site: ChinaOrgSite = replica.site
    result = run_finnews(
        "crawl", "chinaorg",
        "-s", f"CHINAORG_START_URLS={replica.url}{script_list_path(1, callback)}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert [site.requests[script_list_path(p, callback)] for p in (1, 2, 3, 4)] == [1, 1, 1, 0]  # page 3 is empty
    finance = [a for a in site.articles if a.channel == FINANCE_COLUMN]
    assert f"{len(finance)} new, 0 updated" in summary_line(result.stdout, "articles:")
    es_node.indices.refresh(index=TEST_ALIAS)
    for article in finance:
        (document,) = indexed(es_node, replica, article)
        assert document["title"] == article.title and document["published_at"] == isoformat(article.published)


class EmptiedChannelPageSite(ChinaOrgSite):
    """The replica whose tech channel's page 2 answers, while ``emptied``, its template with no item in it (200):
    a transient empty page (a database hiccup, a cache filled mid-update) in the middle of the list, its pager
    as it always is (page 2 of 2)."""

    def __init__(self) -> None:
        super().__init__()
        self.emptied = True

    def handle(self, path: str, query: dict, base_url: str, headers=None) -> tuple:
        if path == channel_path(2) and self.emptied:
            self.count(path, path)
            return 200, "text/html; charset=utf-8", render_channel_page([], 2, 2, base_url).encode()
        return super().handle(path, query, base_url, headers=headers)


def test_an_empty_page_in_the_middle_of_a_list_is_read_again_by_the_next_crawl(tmp_path: Path) -> None:
    """Review of day 23: a China.org list page that answered an empty list (200) where its list goes on was taken
    for the list's end: the crawl was clean, the next one stopped at page 1 (seen whole) and the article only page 2
    listed was never fetched. The empty page is now left unread (its pager names it, the page before was full), so
    the next crawl reads the list as deep again. (The node is down: articles are spooled, which counts as saved.)"""
    site = EmptiedChannelPageSite()
    dead_node = dead_node_env(tmp_path)
    only_on_page_2 = next(a for a in site.articles if a.channel == TECH_CHANNEL and a.list_page == 2)
    with ReplicaServer(site) as server:
        args = (
            "crawl", "chinaorg",
            "-s", f"CHINAORG_START_URLS={server.url}{channel_path(1)}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        )  # fmt: skip
        first = run_finnews(*args, env=dead_node)
        assert site.requests[channel_path(2)] == 1 and site.requests[only_on_page_2.path] == 0, first.stdout
        assert "list_page_empty" in first.stdout, first.stdout
        site.emptied = False
        second = run_finnews(*args, env=dead_node)
    assert site.requests[channel_path(2)] == 2, second.stdout
    assert site.requests[only_on_page_2.path] == 1, second.stdout
    assert "Traceback" not in first.stderr + second.stderr


class FullLastPageColumnSite(ChinaOrgSite):
    """The replica whose finance column lists all its articles on page 1, without the dead link, topic and withdrawn
    entries (so that a crawl finds page 1 seen whole): its page 2, offered by the pager, is simply empty."""

    def __init__(self) -> None:
        super().__init__()
        self.articles = [replace(a, list_page=1) if a.channel == FINANCE_COLUMN else a for a in self.articles]

    def handle(self, path: str, query: dict, base_url: str, headers=None) -> tuple:
        if path != "/news/column.php":
            return super().handle(path, query, base_url, headers=headers)
        page = int(query.get("p", ["1"])[0])
        self.count(column_path(FINANCE_COLUMN, page), path)
        listed = self.listed(FINANCE_COLUMN, page)
        return (
            200,
            "text/html; charset=utf-8",
            render_column_page(listed, FINANCE_COLUMN, page, base_url, False).encode(),
        )


def test_a_column_whose_last_page_is_full_is_not_read_to_its_end_on_every_crawl(tmp_path: Path) -> None:
    """Review of 44a66a8: the column pager offers a next page after the last one, which is simply empty (sites.md
    3.3). A column whose last page happens to be full (a column cut at a whole number of pages) had that empty page
    taken for one that failed on every crawl that reached it: each crawl unclean, so the next read every list of the
    spider as deep again (politeness), for a day. An empty page that was empty on the crawl before too is the list's
    end: a transient empty answer does not come back crawl after crawl. (The node is down: articles are spooled.)"""
    site = FullLastPageColumnSite()
    dead_node = dead_node_env(tmp_path)
    with ReplicaServer(site) as server:
        args = (
            "crawl", "chinaorg",
            "-s", f"CHINAORG_START_URLS={server.url}{column_path(FINANCE_COLUMN, 1)}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        )  # fmt: skip
        runs = [run_finnews(*args, env=dead_node) for _ in range(3)]
    assert "list_page_empty" in runs[0].stdout, runs[0].stdout  # (once: it may be an answer that failed)
    assert "list_page_empty" not in runs[1].stdout + runs[2].stdout, runs[1].stdout
    # The first crawl's unclean end has the second read as deep; the third stops at page 1, seen whole.
    assert [site.requests[column_path(FINANCE_COLUMN, p)] for p in (1, 2, 3)] == [3, 2, 0], runs[2].stdout
    assert "Traceback" not in "".join(run.stderr for run in runs)
