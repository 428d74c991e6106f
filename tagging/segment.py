"""One jieba set-up for everything: tagging, keywords, and the words indexed and searched in
Elasticsearch. Board names, stock names and topic keywords are added as words so they stay whole."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator

import jieba
import jieba.analyse

from finnews.config import state_dir

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_tfidf: jieba.analyse.TFIDF | None = None
_NOISE_RE = re.compile(r"^[\W\d_]+$")  # punctuation, numbers: never keywords or index terms


def _build() -> jieba.Tokenizer:
    from tagging.lexicon import load_lexicon
    from tagging.topics import load_taxonomy

    tokenizer = jieba.Tokenizer()
    # jieba caches its parsed dictionary; keep that cache in our state directory, not /tmp.
    tokenizer.tmp_dir = str(state_dir())
    tokenizer.initialize()
    lexicon = load_lexicon()
    words: set[str] = set(lexicon.board_by_name) | set(lexicon.stock_by_name)
    for topic in load_taxonomy().topics:
        words.update(topic.keywords)
    add_words(tokenizer, words)
    return tokenizer


def add_words(tokenizer: jieba.Tokenizer, words: Iterable[str]) -> None:
    """Add words with the smallest frequency that keeps each whole on its own, so that context
    still wins: in 壮大智慧 the common word 壮大 beats the stock name 大智慧."""
    for word in sorted(words):
        if len(word) < 2 or " " in word:
            continue
        tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False) + 1)


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """``(word, start, end)`` for every word of ``text``."""
    return tokenizer().tokenize(text)


def words(text: str) -> list[str]:
    """The words of ``text`` for indexing and searching: lower-cased, no spaces or punctuation."""
    return [w.lower() for w in tokenizer().cut(text) if w.strip() and not _NOISE_RE.match(w)]


def segmented(text: str | None) -> str:
    """``text`` as space-separated words, for Elasticsearch fields analysed by white space."""
    return " ".join(words(text or ""))


def top_keywords(text: str, count: int = 10) -> list[str]:
    """The ``count`` highest TF-IDF words (jieba's IDF table), board and stock names kept whole."""
    global _tfidf
    if _tfidf is None:
        with _lock:
            if _tfidf is None:
                extractor = jieba.analyse.TFIDF()
                extractor.tokenizer = tokenizer()
                _tfidf = extractor
    found = _tfidf.extract_tags(text, topK=count * 2)
    return [w for w in found if not _NOISE_RE.match(w)][:count]
