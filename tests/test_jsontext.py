"""JSON from outside holds no lone surrogate once read (core/jsontext.py)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from core.jsontext import escapes_a_surrogate, without_lone_surrogates
from crawler.spiders.eastmoney import parse_fast_payload


@given(st.text(alphabet=st.characters(min_codepoint=0xDBF0, max_codepoint=0xE010), max_size=12))
def test_lone_surrogates_become_replacement_characters_and_other_text_stays(text: str) -> None:
    cleaned = without_lone_surrogates({"key": [text]})["key"][0]
    cleaned.encode("utf-8")  # no lone surrogate is left: UTF-8 takes it (raises otherwise)
    # (high surrogates before low ones may pair: 0xDBF0-0xDBFF then 0xDC00-…, joined into one character)
    kept = [c for c in text if not 0xD800 <= ord(c) <= 0xDFFF]
    assert [c for c in cleaned if c != "\ufffd" and ord(c) <= 0xFFFF] == kept


def test_the_halves_of_a_pair_written_apart_make_their_character() -> None:
    assert without_lone_surrogates("\ud83d\udcc8 收涨\ud800") == "📈 收涨\ufffd"


def test_an_escaped_surrogate_is_seen_in_text_and_bytes() -> None:
    assert escapes_a_surrogate('{"t": "\\ud800"}') and escapes_a_surrogate(b'{"t": "\\uDC00"}')
    assert not escapes_a_surrogate(json.dumps({"t": "贵州茅台"}))


def test_a_7x24_answer_with_half_a_surrogate_pair_reads_as_text() -> None:
    body = '{"code": "1", "data": {"fastNewsList": [{"code": "1", "title": "快讯\\ud83d", "realSort": "9"}]}}'
    answer = parse_fast_payload(body)
    assert answer.items[0]["title"] == "快讯\ufffd"


def test_a_value_nested_as_deep_as_the_parser_allows_is_repaired_without_recursion() -> None:
    """JSON nested some hundreds deep parses; its surrogate repair recursed past Python's limit (a RecursionError
    lost the list page or the record). The walk keeps its own stack and the order of keys."""
    deep = json.loads("[" * 900 + '"\\ud800"' + "]" * 900)
    repaired = without_lone_surrogates(deep)
    for _ in range(900):
        repaired = repaired[0]
    assert repaired == "\ufffd"
    assert list(without_lone_surrogates({"b": 1, "\ud800a": [2, "\ud83d\udcc8"]}).items()) == [
        ("b", 1),
        ("\ufffda", [2, "📈"]),
    ]
    from crawler.spiders.eastmoney import _column_answer
    from ingest.files import parse_record

    nested = '{"code": "202611203456789012", "title": "\\ud800", "x": ' + "[" * 600 + "]" * 600 + "}"
    answer = _column_answer('{"code": "1", "data": {"list": [' + nested + '], "totle_hits": 5}}')
    assert answer.items[0]["title"] == "\ufffd"
    record = '{"url": "https://example.com/deep", "title": "\\ud800", "text": "正文。", "x": ' + "[" * 600
    assert parse_record((record + "]" * 600 + "}").encode()).title == "\ufffd"
