"""The generic feed spider: sources added by configuration only (RSS, Atom, sitemaps)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

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
        configs = configs_with_feeds(tmp_path, [feed])
        result = run_finnews(
            "crawl", "feed", "-a", "site=local",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
            env={"FINNEWS_CONFIG_DIR": str(configs)},
        )  # fmt: skip
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
