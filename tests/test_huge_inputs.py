"""The rewrites that keep huge inputs linear in time give what their plain definitions give (bench/huge_pages.py
measures the time; these check the answers): lookups by place instead of a scan of every item, patterns that
fail in one pass over a line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.securities import make_security
from tagging.linking.linker import _CodePairs, _nearest_hint
from tagging.markup.lines import (
    _SOFT_AFTER_A_BREAK_RE,
    _SOFT_BEFORE_A_BREAK_RE,
    _SOFT_RUN_RE,
    _SOURCE_BREAK_RE,
    LAST_SOURCE_LINE_RE,
    SOFT_BREAK,
    _is_credit,
    _lines_ending_the_text,
)
from tagging.pages.chinaorg import _is_figure_line
from tagging.pages.maincontent import _NOT_WORD_RE, _found_in, line_keeper
from tagging.places import Cover, Marks, Places
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


_FIGURE_LINE_AS_WAS = re.compile(
    r"^[^\n]*\d[^\n]*(?:亿|万|%|元|吨)[^\n]*$|^[^\n]*\d\.\d+[^\n\d]+[+\-−]?\d+\.\d+[^\n]*$"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="12.5 -+亿%元a,", max_size=24))
def test_a_figure_line_is_what_the_one_pattern_matched(line: str) -> None:
    assert _is_figure_line(line) == bool(_FIGURE_LINE_AS_WAS.match(line))


_SPACES = " \t\r\f\v\u3000"
_SOURCE_BREAK_AS_WAS = re.compile(f"[{_SPACES}]*\n(?:[{_SPACES}]*\n)*[{_SPACES}]*")
_SOFT_RUN_AS_WAS = re.compile(f"[{_SPACES}]*{SOFT_BREAK}[{_SPACES}{SOFT_BREAK}]*")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=f" \u3000\na。{SOFT_BREAK}", max_size=30))
def test_space_runs_are_matched_as_before(text: str) -> None:
    """The break patterns begin only where a run of spaces begins, and match what they matched before."""
    assert [m.span() for m in _SOURCE_BREAK_RE.finditer(text)] == [
        m.span() for m in _SOURCE_BREAK_AS_WAS.finditer(text)
    ]
    assert [m.span() for m in _SOFT_RUN_RE.finditer(text)] == [m.span() for m in _SOFT_RUN_AS_WAS.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=f" \na。{SOFT_BREAK}", max_size=30))
def test_soft_breaks_are_folded_as_one_replace_a_pass_folded_them(text: str) -> None:
    folded = text
    while f"\n{SOFT_BREAK}" in folded or f"{SOFT_BREAK}\n" in folded:
        folded = folded.replace(f"\n{SOFT_BREAK}", "\n").replace(f"{SOFT_BREAK}\n", "\n")
    expected = _SOFT_RUN_RE.sub(lambda match: "<>", folded)  # the runs left for the fold to decide
    got = _SOFT_RUN_RE.sub(
        lambda match: "<>", _SOFT_BEFORE_A_BREAK_RE.sub("\n", _SOFT_AFTER_A_BREAK_RE.sub("\n", text))
    )
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["来源：新华社", "（编辑：张三）", "正文一句。", "来源：国家统计局"]), max_size=12))
def test_the_lines_ending_the_text_are_the_source_lines_only_credits_follow(lines: list[str]) -> None:
    expected = [
        index
        for index in range(len(lines))
        if LAST_SOURCE_LINE_RE.match(lines[index]) and all(_is_credit(line) for line in lines[index + 1 :])
    ]
    assert _lines_ending_the_text(lines) == expected


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(alphabet="ab12", min_size=1, max_size=4), max_size=8), st.text(alphabet="ab12", max_size=20))
def test_pieces_found_in_a_text_are_its_substrings(pieces: set[str], target: str) -> None:
    assert _found_in(pieces, target) == {piece for piece in pieces if piece in target}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab12", max_size=3), st.text(alphabet="ab12 ", max_size=20))
def test_a_short_line_is_kept_where_the_kept_text_holds_it(line: str, kept: str) -> None:
    target = _NOT_WORD_RE.sub("", kept)
    assert line_keeper(kept)(line) == (_NOT_WORD_RE.sub("", line) in target)


@settings(max_examples=300, deadline=None)
@given(st.lists(spans, max_size=20), st.integers(0, 80))
def test_a_cover_covers_the_places_inside_its_spans(items: list[tuple[int, int]], place: int) -> None:
    assert Cover(items).covers(place) == any(start <= place < end for start, end in items)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a。\n", max_size=30), st.integers(0, 31))
def test_marks_are_the_nearest_before_and_after_a_place(text: str, place: int) -> None:
    marks = Marks(text, re.compile("[。\n]"))
    assert marks.last_before(place) == max(text.rfind(mark, 0, place) for mark in "。\n")
    after = [found for mark in "。\n" if (found := text.find(mark, place)) >= 0]
    assert marks.first_from(place) == (min(after) if after else None)
