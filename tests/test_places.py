"""The lookups by place that keep huge pages linear give what a scan of every item gives (bench/huge_pages.py
measures the time; these check the answers)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.securities import make_security
from tagging.linking.linker import _CodePairs, _nearest_hint
from tagging.places import Places
from tagging.tagger import _sentence_around

spans = st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(spans, max_size=30), spans)
def test_places_over_a_span_are_the_items_that_overlap_it(items: list[tuple[int, int]], span: tuple[int, int]) -> None:
    start, end = span
    found = Places(items, lambda item: item).over(start, end)
    assert sorted(found) == sorted(item for item in items if item[0] < end and start < item[1])
    assert [item[0] for item in found] == sorted(item[0] for item in found)  # in order of place


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 80), st.sampled_from(["HK", "US", "A"])), min_size=1, max_size=20),
    st.integers(0, 80),
)
def test_the_nearest_hint_is_the_first_of_the_nearest(hints: list[tuple[int, str]], start: int) -> None:
    hints = sorted(hints)
    expected = min(hints, key=lambda hint: abs(hint[0] - start))[1]  # the plain definition: a scan of every hint
    assert _nearest_hint(hints, [place for place, _market in hints], start) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab。！；\n ", max_size=40), st.integers(0, 40), st.integers(0, 4))
def test_the_sentence_around_a_span_runs_from_the_last_end_before_it_to_the_first_after(
    text: str, start: int, length: int
) -> None:
    start = min(start, len(text))
    end = min(start + length, len(text))
    ends = "。！？；!?;\n"
    begin = max(text.rfind(mark, 0, start) for mark in ends) + 1
    after = [found for mark in ends if (found := text.find(mark, end)) >= 0]
    assert _sentence_around(text, start, end) == (begin, min(after) + 1 if after else len(text))


def test_a_pair_of_codes_is_found_beside_each_other_only() -> None:
    """中国太保's A-share and Hong Kong codes written as a pair: the Hong Kong code is the pair's second, and the A
    share is found after a Hong Kong code; with another code between them, neither."""
    a_share, h_share = make_security("1", "601601"), make_security("116", "02601")
    assert a_share is not None and h_share is not None
    h_shares = {a_share.secid: h_share.secid}
    scan = "中国太保(601601.SH;02601.HK)"
    codes = [(5, 14, a_share), (15, 23, h_share)]
    pairs = _CodePairs(scan, codes, h_shares)
    assert pairs.second_of_a_pair(15, h_share)
    assert not pairs.second_of_a_pair(5, a_share)
    scan = "中芯(02601.HK/601601.SH)"
    pairs = _CodePairs(scan, [(3, 11, h_share), (12, 21, a_share)], h_shares)
    assert pairs.a_share_after(11, h_share) == a_share
    assert pairs.second_of_a_pair(3, h_share)  # the A share follows: the pair names the A share
    other = make_security("0", "000001")
    assert other is not None
    scan = "中国太保(601601.SH;000001.SZ;02601.HK)"
    pairs = _CodePairs(scan, [(5, 14, a_share), (15, 24, other), (25, 33, h_share)], h_shares)
    assert not pairs.second_of_a_pair(25, h_share)
