"""The board vocabulary of configs/text_tagging.yaml agrees with Eastmoney's own markup: for every
board link in the real corpus whose visible word the text tagger knows, the text tagger picks the
board the markup picked. This is the evidence for the rule that an industry board takes a name it
shares with a concept board (证券, 银行, 保险 are linked to the industry boards)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.securities import from_data_code
from tagging.linking.lexicon import load_lexicon, normalise_name

CORPUS = sorted((Path(__file__).resolve().parent.parent / "replica" / "data" / "eastmoney").glob("*.md"))
BOARD_LINK_RE = re.compile(r'data-code\s*=\s*"(90,BK\d{4})"[^>]*>([^<]+)<')


def board_links() -> list[tuple[str, str, str]]:
    links = []
    for path in CORPUS:
        for data_code, visible in BOARD_LINK_RE.findall(path.read_text(encoding="utf-8")):
            security = from_data_code(data_code)
            assert security is not None
            links.append((path.name, normalise_name(visible), security.code))
    return links


def test_the_corpus_has_board_links() -> None:
    assert len(CORPUS) >= 4 and len(board_links()) >= 20


# 电机 is linked inside 煤电机组 (reference variant 9): a markup error the text tagger must not copy.
MARKUP_ERRORS = {"电机"}


def test_markup_errors_are_never_tagged_from_text() -> None:
    assert load_lexicon().ambiguous_names >= MARKUP_ERRORS
    assert MARKUP_ERRORS & {word for _post, word, _code in board_links()}


@pytest.mark.parametrize(("post", "word", "code"), [link for link in board_links() if link[1] not in MARKUP_ERRORS])
def test_text_tagger_picks_the_board_the_markup_picks(post: str, word: str, code: str) -> None:
    words = load_lexicon().text_board_words()
    assert word in words, f"{post}: the markup links {word} to {code}; the text tagger does not know the word"
    assert words[word][0] == code, f"{post}: {word} is {code} in the markup, {words[word][0]} in text"


def test_industry_board_takes_a_shared_name() -> None:
    # Shared names the corpus does not link: the same rule, checked on the board list.
    lexicon = load_lexicon()
    shared = {"半导体": "BK1036", "医疗器械": "BK1041", "医疗美容": "BK1253", "化妆品": "BK1252"}
    for word, code in shared.items():
        assert lexicon.board_by_name[word] == code, word
        assert lexicon.boards[code].type == "industry"
    # An industry named with a level suffix (白酒Ⅱ) leaves the plain name to the concept that bears it.
    assert lexicon.board_by_name["白酒"] == "BK0896" and lexicon.boards["BK0896"].type == "concept"
    assert lexicon.board_by_name[normalise_name("白酒Ⅱ")] == "BK1277"
