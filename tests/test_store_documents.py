"""The indexed form of an article keeps every value the index takes (no node needed)."""

from __future__ import annotations

import logging

import pytest

from store.documents import KEYWORD_CHARS, article_document


def test_keyword_values_too_long_for_the_index_are_cut_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Elasticsearch refuses a whole document for one keyword value over 32,766 bytes: such values are cut to
    KEYWORD_CHARS characters and named in a warning; short values and the text are left as they are."""
    record = {
        "url": "https://example.com/long",
        "title": "标题",
        "text": "贵州茅台。" * 10_000,
        "author": "作" * 40_000,
        "media": "新华网",
        "tags": ["标" * 40_000, "短"],
        "keywords": ["k" * 5_000],
        "boards": [{"secid": "90.BK1", "code": "BK1", "name": "名" * 3_000}],
    }
    with caplog.at_level(logging.WARNING):
        document = article_document(record)
    assert len(document["author"]) == KEYWORD_CHARS and document["media"] == "新华网"
    assert [len(tag) for tag in document["tags"]] == [KEYWORD_CHARS, 1]
    assert [len(word) for word in document["keywords"]] == [KEYWORD_CHARS]
    assert len(document["boards"][0]["name"]) == KEYWORD_CHARS and document["boards"][0]["code"] == "BK1"
    assert document["text"] == record["text"]
    assert "https://example.com/long: author, boards.name, keywords, tags cut to 1024 characters" in caplog.text


def test_tag_entries_keep_only_the_keys_the_index_maps(caplog: pytest.LogCaptureFixture) -> None:
    """The index's mapping is strict: one unknown key inside a board, stock, topic or instrument entry (a record
    tagged by another tool) makes the node refuse the whole article. Such keys are dropped with a warning that
    names them; the entries' mapped keys and entries that are not objects (for the record check) stay."""
    record = {
        "url": "https://example.com/scored",
        "title": "数字经济",
        "text": "数字经济板块走强。",
        "boards": [{"secid": "90.BK1061", "code": "BK1061", "name": "数字经济", "score": 0.93}],
        "stocks": [{"secid": "1.603888", "code": "603888", "name": "新华网", "exchange": "SH"}],
        "topics": [{"id": "digital-economy", "name": "数字经济", "weight": 2, "why": ["板块"]}],
        "instruments": [{"secid": "1.000001", "code": "000001", "kind": "index", "name": "上证指数", "x": 1}],
    }
    with caplog.at_level(logging.WARNING):
        document = article_document(record)
    assert document["boards"] == [{"secid": "90.BK1061", "code": "BK1061", "name": "数字经济"}]
    assert document["stocks"] == record["stocks"]
    assert document["topics"] == [{"id": "digital-economy", "name": "数字经济"}]
    assert document["instruments"] == [{"secid": "1.000001", "code": "000001", "kind": "index", "name": "上证指数"}]
    assert "https://example.com/scored: boards.score, instruments.x, topics.weight, topics.why dropped" in caplog.text


def test_an_object_where_the_index_takes_a_value_is_dropped_and_topic_names_are_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A keyword field refuses an object (the whole article with it): a board's name given as {"zh": …} is dropped
    with a warning; a list of plain values stays; a topic's name too long for a keyword is cut as a board's is."""
    record = {
        "url": "https://example.com/objects",
        "title": "数字经济",
        "text": "数字经济板块走强。",
        "boards": [{"secid": "90.BK1061", "code": ["BK1061"], "name": {"zh": "数字经济"}}],
        "topics": [{"id": "digital-economy", "name": "名" * 20_000}],
    }
    with caplog.at_level(logging.WARNING):
        document = article_document(record)
    assert document["boards"] == [{"secid": "90.BK1061", "code": ["BK1061"]}]
    assert len(document["topics"][0]["name"]) == KEYWORD_CHARS
    assert "boards.name dropped" in caplog.text and "topics.name cut" in caplog.text
