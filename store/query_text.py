"""What a user types in the search box, read as a small query language (pure: text in, terms out).

    宁德时代 OR 比亚迪          either
    新能源 汽车                 both words (as before: words are found in any order)
    新能源 -光伏, 新能源 NOT 光伏  the first, not the second
    "数字经济 发展"             the phrase as written (also “…” and 「…」)

``OR`` and ``NOT`` are operators only in capitals and standing alone (``or`` is a word); ``AND`` is
the default and may be written. Text with none of these is not parsed at all: it is searched
exactly as before the language existed (:func:`store.search.text_query`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quoted phrase (ASCII, Chinese or corner quotes), or a run of non-space characters.
_TOKEN_RE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)')
_OPERATOR_RE = re.compile(r'(?:^|\s)(?:OR|NOT|AND|\|)(?:\s|$)|(?:^|\s)-\S|["“「]')


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False  # quoted: matched as written
    negated: bool = False  # NOT / -: excluded


def uses_operators(text: str) -> bool:
    """Whether ``text`` has any operator, minus sign before a word or quote."""
    return bool(_OPERATOR_RE.search(text))


def parse_query(text: str) -> list[list[Term]]:
    """``text`` as alternatives (split at ``OR``), each a list of terms all of which must hold.
    Plain words next to each other stay one term (searched together, as before); empty alternatives
    and dangling operators are ignored."""
    alternatives: list[list[Term]] = [[]]
    negate_next = False
    plain: list[str] = []

    def close_plain() -> None:
        if plain:
            alternatives[-1].append(Term(" ".join(plain)))
            plain.clear()

    for match in _TOKEN_RE.finditer(text):
        quoted = next((g for g in match.groups()[:3] if g is not None), None)
        word = match.group(4)
        if quoted is not None:
            if quoted.strip():
                close_plain()
                alternatives[-1].append(Term(" ".join(quoted.split()), phrase=True, negated=negate_next))
            negate_next = False
        elif word in ("OR", "|"):
            close_plain()
            alternatives.append([])
            negate_next = False
        elif word == "AND":
            continue
        elif word == "NOT":
            close_plain()
            negate_next = True
        elif word.startswith("-") and len(word) > 1:
            close_plain()
            alternatives[-1].append(Term(word[1:], negated=True))
            negate_next = False
        elif negate_next:
            alternatives[-1].append(Term(word, negated=True))
            negate_next = False
        else:
            plain.append(word)
    close_plain()
    return [terms for terms in alternatives if terms]


def positive_text(text: str) -> str:
    """The words a result holds (for highlighting): every term that is not excluded."""
    if not uses_operators(text):
        return text
    return " ".join(t.text for terms in parse_query(text) for t in terms if not t.negated)
