"""One jieba set-up for everything: tagging, keywords, and the words indexed and searched in
Elasticsearch. Board names, stock names and topic keywords are added as words so they stay whole.

Segmentation runs on ``jieba_fast_dat``, a drop-in C++ implementation of jieba's algorithm with
jieba's dictionary (same words, about 7× faster here); keyword weights use jieba's own IDF table
(``jieba.analyse``). Each text is segmented once and the tokens reused by every tagger.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable

import jieba
import jieba.analyse
import jieba_fast_dat

from finnews.config import state_dir

jieba.setLogLevel(logging.WARNING)
jieba_fast_dat.setLogLevel(logging.WARNING)

Token = tuple[str, int, int]  # (word, start, end)

_lock = threading.Lock()
_tokenizer: jieba_fast_dat.Tokenizer | None = None
_idf: tuple[dict[str, float], float, frozenset[str]] | None = None
_NOISE_RE = re.compile(r"^[\W\d_]+$")  # punctuation, numbers: never keywords or index terms


def _build() -> jieba_fast_dat.Tokenizer:
    from tagging.lexicon import load_lexicon
    from tagging.topics import load_taxonomy

    tokenizer = jieba_fast_dat.Tokenizer()
    # jieba caches its parsed dictionary; keep that cache in our state directory, not /tmp.
    tokenizer.tmp_dir = str(state_dir())
    tokenizer.initialize()
    lexicon = load_lexicon()
    words: set[str] = set(lexicon.board_by_name) | set(lexicon.stock_by_name)
    for topic in load_taxonomy().topics:
        words.update(topic.keywords)
    add_words(tokenizer, words)
    return tokenizer


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


def tokens(text: str | None) -> list[Token]:
    """``(word, start, end)`` for every word of ``text``."""
    return list(tokenizer().tokenize(text)) if text else []


def words(text: str) -> list[str]:
    """The words of ``text`` for indexing and searching: lower-cased, no spaces or punctuation."""
    return [w.lower() for w in tokenizer().cut(text) if w.strip() and not _NOISE_RE.match(w)]


def segmented(text: str | None) -> str:
    """``text`` as space-separated words, for Elasticsearch fields analysed by white space."""
    return " ".join(words(text or ""))


def _idf_table() -> tuple[dict[str, float], float, frozenset[str]]:
    global _idf
    if _idf is None:
        with _lock:
            if _idf is None:
                table = jieba.analyse.TFIDF()
                _idf = (table.idf_freq, table.median_idf, frozenset(table.stop_words))
    return _idf


def top_keywords(segments: Iterable[Token], count: int = 10) -> list[str]:
    """The ``count`` highest TF-IDF words (jieba's IDF table; unknown words get its median IDF),
    board and stock names kept whole because they are words of the tokenizer."""
    idf, median, stop_words = _idf_table()
    counts = Counter(word for word, _start, _end in segments)
    frequency = {
        word: n
        for word, n in counts.items()
        if len(word.strip()) >= 2 and word.lower() not in stop_words and not _NOISE_RE.match(word)
    }
    total = sum(frequency.values()) or 1
    scored = sorted(frequency.items(), key=lambda item: (-item[1] * idf.get(item[0], median) / total, item[0]))
    return [word for word, _n in scored[:count]]
