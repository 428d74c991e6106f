"""SimHash fingerprints: syndicated copies are near, different stories are far."""

from __future__ import annotations

from store import dedup
from tagging.extract import extract_article, parse_document
from tagging.segment import words
from tests.conftest import fixture_text


def fingerprint(text: str) -> str | None:
    value = dedup.simhash(words(text))
    return dedup.to_hex(value) if value is not None else None


def sample_text() -> str:
    return extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md"))).text


def test_a_reprint_with_small_edits_is_a_near_duplicate() -> None:
    original = sample_text()
    reprint = original.replace("记者30日", "新华社记者30日").replace("此外，", "") + "\n（本文来自新华网）"
    a, b = fingerprint(original), fingerprint(reprint)
    assert a and b and dedup.distance(a, b) <= dedup.MAX_DISTANCE
    assert dedup.is_near_duplicate(a, b)
    assert set(dedup.bands(a)) & set(dedup.bands(b))  # found by a shared band


def test_different_stories_are_far_apart() -> None:
    other = extract_article(parse_document(fixture_text("chinaorg_article.txt"))).text
    assert not dedup.is_near_duplicate(fingerprint(sample_text()), fingerprint(other))


def test_short_texts_are_not_fingerprinted() -> None:
    assert fingerprint("央行今日开展逆回购操作。") is None
    assert not dedup.is_near_duplicate(None, None)


def test_bands_cover_the_whole_fingerprint() -> None:
    hex_value = "0123456789abcdef"
    assert dedup.bands(hex_value) == ["0:0123", "1:4567", "2:89ab", "3:cdef"]
