"""Regression set of real mirrored Eastmoney posts (tests/fixtures/real/).

Each post is a verbatim file of the public mirror zning1994/finews (PROVENANCE.tsv); its expected
boards, stocks, text, title and date were labelled by hand following the rules written at the top
of expected.yaml. The posts go through the same path as ``finnews extract``: parse_document, then
extract_article.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.article import Article
from core.dates import isoformat
from tagging.extract import extract_article, parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "real"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))[
    "articles"
]
CASES = sorted(EXPECTED)


def _provenance() -> dict[str, dict[str, str]]:
    with (FIXTURES / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


@cache
def _article(name: str) -> Article:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return extract_article(parse_document(text))


def _markup_secids(article: Article, kind: str) -> set[str]:
    """Secids the markup names (body and source line), leaving out plain-text tagging."""
    return {m["secid"] for m in article.mentions if m["source"] == "markup" and m["kind"] == kind}


def test_every_post_is_labelled_and_sourced() -> None:
    posts = {path.name for path in FIXTURES.glob("*.md")}
    provenance = _provenance()
    assert len(posts) >= 20
    assert posts == set(EXPECTED)
    assert posts == set(provenance)
    for name in posts:
        row = provenance[name]
        assert row["repo"] and row["path"].endswith(name) and len(row["commit"]) == 40
        # The copy is verbatim: same length as the mirror's file at that commit.
        assert len((FIXTURES / name).read_text(encoding="utf-8")) == int(row["chars"]), name


@pytest.mark.parametrize("name", CASES, ids=CASES)
def test_boards_and_stocks(name: str) -> None:
    expected = EXPECTED[name]
    article = _article(name)
    boards, stocks = set(expected["boards"]), set(expected["stocks"])
    assert _markup_secids(article, "board") == boards
    assert _markup_secids(article, "stock") == stocks
    if boards or stocks:
        # With markup, the tags are what the markup names (nothing here that its sentence does not bear out).
        assert {b["secid"] for b in article.boards} == boards
        assert {s["secid"] for s in article.stocks} == stocks
    instruments = set(expected.get("instruments") or [])
    assert not instruments & {s["secid"] for s in article.stocks}


@pytest.mark.parametrize("name", CASES, ids=CASES)
def test_visible_text(name: str) -> None:
    expected = EXPECTED[name]
    text = _article(name).text
    assert text.startswith(expected["text_starts"]), text[:80]
    assert text.endswith(expected["text_ends"]), text[-80:]
    for phrase in expected["text_contains"]:
        assert phrase in text
    for phrase in expected["text_excludes"]:
        assert phrase not in text


@pytest.mark.parametrize("name", CASES, ids=CASES)
def test_title_and_date(name: str) -> None:
    expected = EXPECTED[name]
    article = _article(name)
    assert article.title == expected["title"]
    assert isoformat(article.published_at) == expected["published_at"]
