"""One article, one document: a second copy of an article never makes the stored one worse."""

from __future__ import annotations

from store.merge import merge_documents, sources_of

STORED = {
    "id": "a1",
    "url": "https://finance.eastmoney.com/a/202611203000000001.html",
    "source": "eastmoney",
    "title": "数字经济板块走强",
    "text": "正文。",
    "published_at": "2026-11-20T10:00:00+08:00",
    "media": "东方财富网",
    "boards": [{"secid": "90.BK1061", "code": "BK1061", "name": "数字经济"}],
    "fingerprint": "abcd",
    "fp_bands": ["ab", "cd"],
}


def test_another_source_only_fills_what_the_stored_article_lacks_and_is_listed() -> None:
    feed_copy = {**STORED, "source": "feed", "title": "", "published_at": None, "text": "摘要", "author": "记者甲"}
    merged, kept = merge_documents({**STORED, "author": None}, feed_copy)
    assert merged["title"] == STORED["title"] and merged["published_at"] == STORED["published_at"]
    assert merged["text"] == "正文。" and merged["fingerprint"] == "abcd"  # the fingerprint follows the text
    assert merged["author"] == "记者甲"  # a gap filled
    assert merged["source"] == "eastmoney" and merged["sources"] == ["eastmoney", "feed"]
    assert kept == ["title", "published_at"]  # the watched fields the copy would have blanked


def test_the_same_source_again_replaces_values_but_never_with_empty_ones() -> None:
    recrawl = {**STORED, "title": "数字经济板块走强（更新）", "published_at": None, "boards": [], "fingerprint": "ffff"}
    merged, kept = merge_documents(STORED, recrawl)
    assert merged["title"] == "数字经济板块走强（更新）"  # the site corrected its own title
    assert merged["published_at"] == STORED["published_at"] and merged["boards"] == STORED["boards"]
    assert kept == ["published_at"]
    assert merged["fingerprint"] == "abcd"  # same text: the stored fingerprint
    assert merged["sources"] == ["eastmoney"]


def test_a_stored_article_from_before_sources_existed_and_a_gap_in_the_store_both_merge() -> None:
    assert sources_of({"source": "eastmoney"}) == ["eastmoney"]
    assert sources_of({"source": "eastmoney", "sources": ["eastmoney", "feed"]}) == ["eastmoney", "feed"]
    assert sources_of({"source": None}) == []
    merged, kept = merge_documents({**STORED, "title": ""}, {**STORED, "source": "feed", "title": "补上的标题"})
    assert merged["title"] == "补上的标题" and kept == []


def test_the_crawl_summary_warns_about_copies_that_would_have_blanked_stored_values() -> None:
    from finnews.commands_crawl import crawl_summary
    from store.outcomes import KEPT_STORED_VALUES_KEY, stats_key

    stats = {"finish_reason": "finished", stats_key("updated"): 64, KEPT_STORED_VALUES_KEY: 64}
    assert "warnings: 64 article(s) came without a title, date or text the index had" in crawl_summary(stats)
    assert "warnings" not in crawl_summary({"finish_reason": "finished", stats_key("new"): 3})
