"""One jieba set-up for everything: tagging, keywords, and the words indexed and searched in
Elasticsearch. Board names, stock names and topic keywords are added as words so they stay whole.

Segmentation runs on ``jieba_fast_dat``, a drop-in C++ implementation of jieba's algorithm with
jieba's dictionary (same words, about 7× faster here); keyword weights use jieba's own IDF table
(``jieba/analyse/idf.txt``), read here from the file: importing ``jieba.analyse`` would build two
extractors and jieba's part-of-speech tables that finnews never uses (0.7 s in every command that
tags). Each text is segmented once and the tokens reused by every tagger.
"""

from __future__ import annotations

import heapq
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib.util import find_spec
from itertools import accumulate
from pathlib import Path

import jieba_fast_dat

from core.config import state_dir

jieba_fast_dat.setLogLevel(logging.WARNING)

# The stop words of jieba's TF-IDF keyword extractor (jieba.analyse.tfidf.KeywordExtractor.STOP_WORDS):
# its IDF table holds Chinese words, so only these English function words are left out by name.
_JIEBA_STOP_WORDS = frozenset((
    "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be", "as", "on", "with",
    "can", "if", "from", "which", "you", "it", "this", "then", "at", "have", "all", "not", "one", "has", "or",
))  # fmt: skip

Token = tuple[str, int, int]  # (word, start, end)

_lock = threading.Lock()
_tokenizer: jieba_fast_dat.Tokenizer | None = None
_everyday: frozenset[str] = frozenset()
_idf: tuple[dict[str, float], float, frozenset[str]] | None = None
_NOISE_RE = re.compile(r"^[\W\d_]+$")  # punctuation, numbers: never keywords or index terms


def _build() -> jieba_fast_dat.Tokenizer:
    from tagging.linking.knowledge_tables import load_knowledge_base
    from tagging.linking.lexicon import load_lexicon
    from tagging.linking.link_context import everyday_names
    from tagging.topics import load_taxonomy

    tokenizer = jieba_fast_dat.Tokenizer()
    # jieba caches its parsed dictionary; keep that cache in our state directory, not /tmp.
    tokenizer.tmp_dir = str(state_dir())
    tokenizer.initialize()
    lexicon = load_lexicon()
    words: set[str] = set(lexicon.board_by_name) | set(lexicon.sector_words) | set(lexicon.stock_by_name)
    # Short names of the knowledge base stay whole too (full names need not: the linker does not
    # check word boundaries inside them).
    kb = load_knowledge_base()
    words.update(name for name in kb.names if len(name) <= 6)
    for topic in load_taxonomy().topics:
        words.update(topic.keywords)
    global _everyday
    _everyday = frozenset(everyday_names(kb, tokenizer.get_freq))  # before names become words
    add_words(tokenizer, words)
    return tokenizer


def everyday_words() -> frozenset[str]:
    """The company names that are common words of jieba's dictionary (see ``link_context.everyday_names``)."""
    tokenizer()
    return _everyday


def add_words(tokenizer: jieba_fast_dat.Tokenizer, words: Iterable[str]) -> None:
    """Add words with the smallest frequency that keeps each whole on its own, so that context
    still wins: in 壮大智慧 the common word 壮大 beats the stock name 大智慧."""
    for word in sorted(words):
        if len(word) < 2 or " " in word:
            continue
        tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False) + 1)


def tokenizer() -> jieba_fast_dat.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[Token, ...]:
    # Offsets from the word lengths: the same result as Tokenizer.tokenize, without its generator.
    cut = tokenizer().lcut(text)
    if not cut:
        return ()
    ends = list(accumulate(map(len, cut)))
    return tuple(zip(cut, [0, *ends[:-1]], ends, strict=True))


def forget_recent() -> None:
    """Drop the remembered segmentations (benchmarks measure every article as new)."""
    _tokens.cache_clear()


def tokens(text: str | None) -> list[Token]:
    """``(word, start, end)`` for every word of ``text``. The last few texts are remembered: an
    article is segmented once for tagging and reused for the words it is indexed with."""
    return list(_tokens(text)) if text else []


def words(text: str) -> list[str]:
    """The words of ``text`` for indexing and searching: lower-cased, no spaces or punctuation."""
    return [w.lower() for w, _start, _end in tokens(text) if w.strip() and not _NOISE_RE.match(w)]


def segmented(text: str | None) -> str:
    """``text`` as space-separated words, for Elasticsearch fields analysed by white space."""
    return " ".join(words(text or ""))


def jieba_idf_path() -> Path:
    """jieba's IDF table (``word idf`` a line), found without importing the package."""
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed: its IDF table weighs the keywords (pip install jieba)")
    return Path(next(iter(spec.submodule_search_locations))) / "analyse" / "idf.txt"


def read_idf(path: Path) -> tuple[dict[str, float], float]:
    """An IDF table and its median (the weight of a word the table does not know), as jieba reads it."""
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, weight = line.strip().split(" ")
        table[word] = float(weight)
    return table, sorted(table.values())[len(table) // 2]


def _idf_table() -> tuple[dict[str, float], float, frozenset[str]]:
    global _idf
    if _idf is None:
        with _lock:
            if _idf is None:
                table, median = read_idf(jieba_idf_path())
                _idf = (table, median, _JIEBA_STOP_WORDS)
    return _idf


_weights: dict[str, float] = {}  # word → its IDF weight, 0.0 for words that are never keywords
_WEIGHTS_REMEMBERED = 500_000


# A "word" longer than this is a run of letters or digits with no break (a base64 blob, a hash), never a keyword:
# the longest keyword of 4,523 labelled texts has 17 characters, and a keyword of 40,000 would be an immense term
# that Elasticsearch refuses with the whole article.
MAX_KEYWORD_CHARS = 32


def _weight(word: str) -> float:
    """A word's keyword weight: jieba's IDF (its median for unknown words), or 0.0 for a word that
    is shorter than two characters or longer than MAX_KEYWORD_CHARS, a stop word, punctuation or a number.
    Remembered per word."""
    idf, median, stop_words = _idf_table()
    candidate = (
        2 <= len(word.strip()) <= MAX_KEYWORD_CHARS and word.lower() not in stop_words and not _NOISE_RE.match(word)
    )
    weight = idf.get(word, median) if candidate else 0.0
    if len(_weights) < _WEIGHTS_REMEMBERED:
        _weights[word] = weight
    return weight


def top_keywords(counts: Counter[str], count: int = 10) -> list[str]:
    """The ``count`` highest TF-IDF words of a text's word counts, board and stock names kept whole
    because they are words of the tokenizer. TF-IDF ranks like count × IDF (the common 1/total
    factor changes no order); ties go by the word."""
    weights = _weights
    scored = []
    for word, n in counts.items():
        weight = weights.get(word)
        if weight is None:
            weight = _weight(word)
        if weight:
            scored.append((-n * weight, word))
    return [word for _score, word in heapq.nsmallest(count, scored)]
