"""Each Eastmoney list source crawled through Scrapy against the replica, paged to its end."""

from __future__ import annotations

import subprocess
from pathlib import Path

from replica.refusing import Blocking
from replica.site import ReplicaServer, ReplicaSite, live_article, load_articles, synthetic_articles
from tests.conftest import TEST_ALIAS, run_finnews

ARTICLES = 45


def crawl(server: ReplicaServer, tmp_path: Path, *extra: str) -> str:
    result = run_finnews(
        "crawl", "eastmoney",
        *server.eastmoney_settings("columns,fast,pages"),
        "-s", "EASTMONEY_COLUMNS=345", "-s", "EASTMONEY_MAX_PAGES=10",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def indexed(es_node) -> int:
    es_node.indices.refresh(index=TEST_ALIAS)
    return es_node.count(index=TEST_ALIAS)["count"]


def test_the_7x24_list_pages_back_by_sort_key(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES))
    with ReplicaServer(site) as server:
        summary = crawl(server, tmp_path, "-a", "sources=fast")
    assert f"articles: {ARTICLES} new" in summary
    fast_requests = site.requests["/comm/web/getFastNewsList"]
    assert fast_requests == 4  # 20 + 20 + 5, then an empty page ends the list
    assert indexed(es_node) == ARTICLES


def test_the_html_list_pages_until_the_last_one(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES))
    with ReplicaServer(site) as server:
        summary = crawl(server, tmp_path, "-a", "sources=pages")
    assert f"articles: {ARTICLES} new" in summary
    assert [site.requests[f"/a/cywjh{suffix}.html"] for suffix in ("", "_2", "_3", "_4")] == [1, 1, 1, 1]
    assert "errors: none" in summary  # the 404 after the last page ends the list
    assert indexed(es_node) == ARTICLES


def test_since_stops_paging_at_older_articles(fresh_index: str, es_node, tmp_path: Path) -> None:
    articles = synthetic_articles(ARTICLES)  # one every 7 minutes back from 2026-11-20 18:00
    site = ReplicaSite(articles)
    with ReplicaServer(site) as server:
        summary = crawl(
            server, tmp_path, "-a", "sources=columns", "-a", "since=2026-11-20 16:00", "-s", "EASTMONEY_PAGE_SIZE=10"
        )
    newer = sum(1 for a in articles if a.raw.published_at.strftime("%Y-%m-%d %H:%M") >= "2026-11-20 16:00")
    assert f"articles: {newer} new" in summary
    assert site.requests["/comm/web/getNewsByColumns"] == 2  # the second page reached older articles
    assert indexed(es_node) == newer


def test_all_sources_together_index_each_article_once(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES))
    with ReplicaServer(site) as server:
        crawl(server, tmp_path, "-s", "EASTMONEY_PAGE_SIZE=50")
    assert indexed(es_node) == ARTICLES
    assert site.article_requests() <= ARTICLES * 3  # listed by three sources; fetched at most once each …
    assert max(n for path, n in site.requests.items() if path.startswith("/a/2")) == 1  # … and in fact once


def test_an_emptied_later_page_is_counted_as_a_refusal_not_taken_for_the_end(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """sites.md: a throttled list API answers 200 with a valid but empty list. Here page 1 of the column
    is served, then every list answer is emptied: page 2 is refused and retried, the run says so (not
    "all read"), and page 1's articles are indexed."""
    site = ReplicaSite(synthetic_articles(ARTICLES), blocking=Blocking("empty_list", after=1))
    with ReplicaServer(site) as server:
        result = run_finnews(
            "crawl", "eastmoney", *server.eastmoney_settings("columns"),
            "-s", "EASTMONEY_COLUMNS=345", "-s", "EASTMONEY_MAX_PAGES=10", "-s", "EASTMONEY_PAGE_SIZE=20",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "BLOCKING_BACKOFF_BASE=0.05", "-s", "BLOCKING_BACKOFF_MAX=30",
            "-s", f"BLOCKING_LIST_MEMORY={tmp_path / 'lists.json'}",
            "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode != 0, result.stdout
    assert "blocked/empty_list 3" in result.stdout and "source_stopped" not in result.stdout
    assert "internal meta keys" not in result.stderr  # a retry starts without what Scrapy wrote answering
    assert site.requests["/comm/web/getNewsByColumns"] == 1 + 3, (
        result.stdout + result.stderr[-3000:]
    )  # page 1, page 2 twice more
    assert indexed(es_node) == 20


def fast_crawl(server: ReplicaServer, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """A 7×24 poll as `finnews live` or the scheduled job makes it: three pages of 20 at most."""
    return run_finnews(
        "crawl", "eastmoney", *server.eastmoney_settings("fast"), "-a", "max_pages=3",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}", *extra,
    )  # fmt: skip


def publish_burst(site: ReplicaSite, count: int) -> None:
    base = load_articles()
    for number in range(count):
        site.publish(live_article(base[number % len(base)], number, f"快讯第{number}条"))


def test_a_burst_beyond_max_pages_between_two_crawls_is_caught_up(fresh_index: str, es_node, tmp_path: Path) -> None:
    """80 flashes between two polls of three pages of 20: the second poll pages on past max_pages, the
    list being one the seen store knows, until it reaches the flashes the first poll saw."""
    site = ReplicaSite(synthetic_articles(5))
    with ReplicaServer(site) as server:
        first = fast_crawl(server, tmp_path)
        assert first.returncode == 0 and "articles: 5 new" in first.stdout, first.stdout + first.stderr
        publish_burst(site, 80)
        second = fast_crawl(server, tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "articles: 80 new" in second.stdout and "LIST TRUNCATED" not in second.stdout, second.stdout
    assert "paging on to the articles seen before" in second.stderr
    assert indexed(es_node) == 85


def test_without_a_seen_store_a_crawl_reads_max_pages_back_and_is_not_partial_for_it(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Review of the day: without the seen store every long list was reported cut and every run partial;
    such a crawl is not incremental, and max_pages is how far back it reads by design."""
    site = ReplicaSite(synthetic_articles(80))
    with ReplicaServer(site) as server:
        result = fast_crawl(server, tmp_path, "-s", "FINNEWS_SEEN_ENABLED=False")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles: 60 new" in result.stdout
    assert "LIST TRUNCATED" not in result.stdout and "list_truncated" not in result.stdout
