"""The generic feed spider: sources added by configuration only (RSS, Atom, sitemaps)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from crawler.spiders.feed import feed_links
from replica.site import ReplicaServer, ReplicaSite
from tests.conftest import PROJECT_ROOT, SAMPLE_POST_BOARDS, TEST_ALIAS, run_finnews

SELECTORS = {
    "title": "#topbox div.title",
    "body": "#ContentBody",
    "published": "div.infos div.item",
    "media": "div.infos div.item + div.item",
}


def configs_with_feeds(tmp_path: Path, feeds: list[dict]) -> Path:
    target = tmp_path / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", target)
    sites = yaml.safe_load((target / "sites.yaml").read_text(encoding="utf-8"))
    sites["feeds"] = feeds
    (target / "sites.yaml").write_text(yaml.safe_dump(sites, allow_unicode=True), encoding="utf-8")
    return target


def crawl_feed(tmp_path: Path, feed: dict) -> subprocess.CompletedProcess:
    """``finnews crawl feed`` of ``feed`` alone (a copy of configs/ with it as the one feed), at full speed."""
    configs = configs_with_feeds(tmp_path, [feed])
    return run_finnews(
        "crawl", "feed", "-a", f"site={feed['name']}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        env={"FINNEWS_CONFIG_DIR": str(configs)},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "path"), [("rss", "/rss.xml"), ("atom", "/atom.xml"), ("sitemap", "/sitemap-index.xml")]
)
def test_feed_source_from_configuration_is_crawled(
    fresh_index: str, es_node, tmp_path: Path, kind: str, path: str
) -> None:
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        feed = {
            "name": "local",
            "type": kind,
            "url": server.url + path,
            "allow": r"/a/\d+\.html$",
            "selectors": SELECTORS,
        }
        result = crawl_feed(tmp_path, feed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles: 4 new" in result.stdout
    assert site.requests["/about.html"] == 0  # the allow pattern keeps non-article pages out
    es_node.indices.refresh(index=TEST_ALIAS)
    hit = es_node.search(index=TEST_ALIAS, query={"match_phrase": {"title": "数字经济全产业链"}})["hits"]["hits"][0]
    source = hit["_source"]
    assert source["source"] == "local"
    assert source["published_at"] == "2022-05-30T20:46:00+08:00"
    assert source["media"] == "新华网"
    assert {b["code"] for b in source["boards"]} == SAMPLE_POST_BOARDS


def test_a_feed_with_a_missing_selector_is_refused_clearly(tmp_path: Path) -> None:
    feed = {"name": "bad", "type": "rss", "url": "http://127.0.0.1:9/rss.xml", "selectors": {"title": "h1"}}
    configs = configs_with_feeds(tmp_path, [feed])
    result = run_finnews("crawl", "feed", env={"FINNEWS_CONFIG_DIR": str(configs)})
    assert result.returncode == 2
    assert "sites.yaml: feeds[0].selectors.body: missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["rss", "sitemap"])
def test_a_feed_that_answers_a_web_page_is_a_layout_change_not_a_quiet_day(
    fresh_index: str, es_node, tmp_path: Path, kind: str
) -> None:
    """Audit of day 20: a feed URL answering an HTML page with 200 (a soft 404, a moved feed) was a good answer
    with nothing in it; the run read "succeeded" until the job's expect_new_within ran out."""
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        feed = {"name": "local", "type": kind, "url": server.url + "/a/cywjh.html", "selectors": SELECTORS}
        result = crawl_feed(tmp_path, feed)
    assert result.returncode == 1, result.stdout + result.stderr  # failed: nothing came
    assert "layout_changed/feed_document" in result.stdout
    assert "LAYOUT CHANGED at" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_root_of_a_feed_document_is_read_with_its_links() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert feed_links(empty, "rss") == ("rss", [])
    page = b"<html><body><a href='/a/1.html'>x</a></body></html>"
    assert feed_links(page, "rss") == ("html", [])
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://x/a/1.html"/></entry></feed>'
    assert feed_links(atom, "atom") == ("feed", ["http://x/a/1.html"])
