"""What the plain-text linker finds, in the forms the tests compare."""

from __future__ import annotations

from datetime import date, datetime

from core.dates import SHANGHAI
from tagging.linking.linker import linker
from tagging.segment import tokens
from tagging.tagger import text_mentions


def linked_stocks(text: str, on: date | None = None) -> set[tuple[str, str]]:
    """The stocks ``text`` names, as (secid, the words as written), segmented as the tagger does."""
    return {
        (m.security.secid, text[m.start : m.end])
        for m in linker().link(text, on=on, segments=tokens(text))
        if m.security.kind == "stock"
    }


def linked_boards(text: str, day: str = "2024-06-01") -> set[str]:
    """The board secids the tagger links in ``text`` as a plain text published on ``day``."""
    on = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI)
    return {m.secid for m in text_mentions(text, None, published_at=on) if m.secid.startswith("90.")}
