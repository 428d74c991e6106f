"""Near-duplicate articles: the same story syndicated by several outlets (Eastmoney reprints
Xinhua, and so on) is recognised by a 64-bit SimHash of its words.

Two texts whose fingerprints differ in at most ``MAX_DISTANCE`` bits are duplicates. To find
candidates without comparing every pair, the fingerprint is cut into ``BANDS`` 16-bit bands and
each band is indexed as a keyword: by the pigeonhole principle, fingerprints within 3 bits share
at least one of 4 bands exactly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

import numpy as np

BITS = 64
BANDS = 4
BAND_BITS = BITS // BANDS
MAX_DISTANCE = 3
MIN_WORDS = 30  # shorter texts (flash news, one-liners) share templates: not fingerprinted


_hashes: dict[str, int] = {}  # word → its 64-bit hash; news vocabularies repeat, so most are reused
_HASHES_REMEMBERED = 300_000


def _word_hash(word: str) -> int:
    value = _hashes.get(word)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")
        if len(_hashes) < _HASHES_REMEMBERED:
            _hashes[word] = value
    return value


_BIT_POSITIONS = np.arange(BITS, dtype=np.uint64)


def simhash(words: Iterable[str]) -> int | None:
    """The SimHash of a text's words (weighted by frequency), or ``None`` for a short text.

    Each bit of the result is the sign of the weighted vote of the words' hashes on that bit;
    numpy does the words × 64 votes at once (a Python loop over bits costs ~4 ms an article)."""
    counts = Counter(w for w in words if w)
    if sum(counts.values()) < MIN_WORDS:
        return None
    hashes = np.fromiter((_word_hash(word) for word in counts), dtype=np.uint64, count=len(counts))
    weights = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    bits = ((hashes[:, None] >> _BIT_POSITIONS) & np.uint64(1)).astype(np.int64)  # words × 64
    votes = weights @ (2 * bits - 1)
    return int(sum(1 << int(bit) for bit in np.flatnonzero(votes > 0)))


def to_hex(fingerprint: int) -> str:
    return f"{fingerprint:016x}"


def bands(fingerprint_hex: str) -> list[str]:
    """The band keywords of a fingerprint: ``"0:1a2b"``, ``"1:…"``, …"""
    width = BAND_BITS // 4
    return [f"{i}:{fingerprint_hex[i * width : (i + 1) * width]}" for i in range(BANDS)]


def distance(a_hex: str, b_hex: str) -> int:
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


def is_near_duplicate(a_hex: str | None, b_hex: str | None) -> bool:
    return bool(a_hex and b_hex) and distance(a_hex, b_hex) <= MAX_DISTANCE
