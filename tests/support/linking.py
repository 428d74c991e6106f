"""What the plain-text linker finds, in the forms the tests compare."""

from __future__ import annotations

from datetime import date

from tagging.linking.linker import linker
from tagging.segment import tokens


def linked_stocks(text: str, on: date | None = None) -> set[tuple[str, str]]:
    """The stocks ``text`` names, as (secid, the words as written), segmented as the tagger does."""
    return {
        (m.security.secid, text[m.start : m.end])
        for m in linker().link(text, on=on, segments=tokens(text))
        if m.security.kind == "stock"
    }
