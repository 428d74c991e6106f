"""A real answer of the live site, recorded by another project in 2026 (tests/fixtures/real-sites, with its
provenance), crawled end to end: served byte for byte to the real spider through Scrapy, cleaned, tagged and
indexed into the node. What the first day on the live site would collect from it, not what our replica says."""

from __future__ import annotations

from pathlib import Path

from replica.site import ReplicaServer, ReplicaSite, SiteForms
from tests.conftest import FIXTURES, run_finnews

REAL_FAST = FIXTURES / "real-sites" / "eastmoney" / "fast_2026-08-30_dsh-trading-eastmoney-express.json"


def test_a_recorded_2026_answer_of_the_7x24_list_is_collected_whole_with_the_sites_own_tags(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    site = ReplicaSite(recorded_fast=REAL_FAST.read_bytes(), forms=SiteForms.of("2026"))
    with ReplicaServer(site) as server:
        result = run_finnews(
            "crawl", "eastmoney", *server.eastmoney_settings("fast"), "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles: 5 new" in result.stdout, result.stdout
    es_node.indices.refresh(index=fresh_index)
    hits = es_node.search(index=fresh_index, size=10, query={"match_all": {}})["hits"]["hits"]
    articles = {hit["_source"]["url"].rsplit("/", 1)[-1].removesuffix(".html"): hit["_source"] for hit in hits}
    assert set(articles) == {
        "202608303859492774", "202608303859488893", "202608303859488278", "202608303859476516", "202608303859470347",
    }  # fmt: skip
    first, last = articles["202608303859492774"], articles["202608303859470347"]
    assert first["title"].startswith("高盛押中大牛股") and first["published_at"].startswith("2026-08-30T21:50:25")
    assert {"BK0428", "BK0457"} <= {board["code"] for board in first["boards"]}  # the list's own tags
    assert "105.AMZN" in {stock["secid"] for stock in last["stocks"]}
    assert "150.012322" in {instrument["secid"] for instrument in last.get("instruments") or []}
