"""Watchlists are checked on load, and feeds are Atom a feed reader reads (issue 24, first part)."""

from __future__ import annotations

import feedparser
import pytest
import yaml

from core.config import PROJECT_ROOT, ConfigError
from store.feeds import atom_feed
from store.watchlists import parse_watchlists


def test_the_projects_watchlists_load() -> None:
    data = yaml.safe_load((PROJECT_ROOT / "configs" / "watchlists.yaml").read_text(encoding="utf-8"))
    watchlists = parse_watchlists(data, "configs/watchlists.yaml")
    assert {"new-energy-leaders", "chips"} <= set(watchlists)
    chips = watchlists["chips"]
    assert chips.query == "芯片 OR 半导体 OR 光刻机" and "should" in str(chips.search_query())


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "Bad Name"}, "name: expected lower-case letters"),
        ({"name": "a", "stock": ["x"]}, "unknown key"),
        ({"name": "a", "boards": ["BK9999"]}, "unknown board 'BK9999'"),
        ({"name": "a", "topics": "no-such-topic"}, "unknown topic 'no-such-topic'"),
        ({"name": "a", "stocks": [1]}, "stocks: expected a list of non-empty strings"),
        ({"name": "a", "query": ["x"]}, "query: expected text"),
        # Symbols only can never match: a watchlist that would never push, said on load (left open on day 17).
        ({"name": "a", "query": "***"}, "holds no word to look for"),
        ({"name": "a", "query": "-*", "boards": ["BK1061"]}, "holds no word to look for"),
    ],
)
def test_a_wrong_watchlist_is_named_with_what_is_wrong(entry: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_watchlists({"watchlists": [entry]}, "watchlists.yaml")
    with pytest.raises(ConfigError, match="used twice"):
        parse_watchlists({"watchlists": [{"name": "a"}, {"name": "a"}]}, "watchlists.yaml")


def test_an_atom_feed_reads_in_a_feed_reader_and_keeps_untrusted_text_as_text() -> None:
    articles = [
        {
            "id": "a" * 40,
            "url": "https://finance.eastmoney.com/a/202611203000000001.html",
            "title": "宁德时代<script>alert(1)</script>发布新电池",
            "published_at": "2026-11-20T10:30:00+08:00",
            "crawled_at": "2026-11-20T10:31:00+08:00",
            "media": "证券时报",
            "digest": "宁德时代 & 比亚迪",
            "stocks": [{"secid": "0.300750", "name": "宁德时代"}],
            "boards": [{"secid": "90.BK1033", "name": "电池"}],
        },
        {"id": "b" * 40, "url": "urn:finnews:content:x", "title": "", "published_at": None, "crawled_at": None},
    ]
    xml = atom_feed("finnews: 宁德时代", "http://127.0.0.1/feeds/search.xml?q=x", "urn:finnews:search:q=x", articles)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "finnews: 宁德时代"
    first, second = parsed.entries
    assert first.title == "宁德时代<script>alert(1)</script>发布新电池"  # text, escaped in the XML
    assert b"<script>" not in xml
    assert first.link == articles[0]["url"] and first.id == f"urn:finnews:article:{'a' * 40}"
    assert first.published.startswith("2026-11-20T10:30") and first.summary == "宁德时代 & 比亚迪"
    assert {t.term for t in first.tags} == {"0.300750", "90.BK1033"}
    assert second.title == "（无标题）" and b'href="urn:' not in xml  # no web address: no link


@pytest.mark.parametrize(
    ("query", "filters"),
    [("NOT 芯片", {}), ("-芯片 -光刻机", {}), ("半导体 OR NOT 芯片", {}), ("NOT 芯片", {"boards": ["BK1061"]})],
)
def test_a_query_that_only_leaves_words_out_is_said_on_load_with_its_watchlist(
    query: str, filters: dict, caplog: pytest.LogCaptureFixture
) -> None:
    """Left open on day 19: a query of excluded words alone (``NOT 芯片``) has nothing to look for, and loaded
    without a word. It matches every article without those words (all that its filters let through): a
    watchlist with channels would push nearly every new article."""
    caplog.set_level("WARNING")
    entry = {"name": "no-chips", "query": query, "channels": ["desk"], **filters}
    assert parse_watchlists({"watchlists": [entry]}, "watchlists.yaml")["no-chips"].query == query
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "no-chips" in warning and repr(query) in warning and "every article" in warning, warning


@pytest.mark.parametrize("query", ["芯片", "芯片 NOT 光刻机", "芯片 OR 半导体 -光刻机", '"芯片" -光刻机', ""])
def test_a_query_with_words_to_look_for_loads_without_a_warning(query: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING")
    parse_watchlists({"watchlists": [{"name": "chips", "query": query, "boards": ["BK1061"]}]}, "watchlists.yaml")
    assert not [r for r in caplog.records if r.levelname == "WARNING"], caplog.text
