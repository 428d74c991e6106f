"""JSON from outside (list APIs, JSON Lines and JSON files) as text finnews can read.

A JSON escape may write half of a surrogate pair (\\ud800): Python keeps it as a lone surrogate, which no UTF-8
text holds and the tokenizer refuses (a record holding one was lost to a TypeError). It becomes U+FFFD, as an
undecodable byte of a text file does."""

from __future__ import annotations

import re
from typing import Any

_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def escapes_a_surrogate(data: str | bytes) -> bool:
    """Whether JSON text may hold an escaped surrogate (\\uD800-\\uDFFF): the cheap test before a walk."""
    return (b"\\ud" in data or b"\\uD" in data) if isinstance(data, bytes) else ("\\ud" in data or "\\uD" in data)


def without_lone_surrogates(value: Any) -> Any:
    """``value`` (a decoded JSON or YAML value) with every lone surrogate in its strings replaced by U+FFFD, and
    the halves of a pair standing together joined."""
    if isinstance(value, str):
        if not _LONE_SURROGATE_RE.search(value):
            return value
        # The two halves of a pair written apart (YAML keeps "\ud83d\udcc8" so) make their character again.
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(key): without_lone_surrogates(item) for key, item in value.items()}
    return value
