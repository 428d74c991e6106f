"""Layout drift: a site answering in a form the parsers do not know. A list page that links no
article, an API answer without its expected fields, an article page without a title or a body is
not a quiet day but an incident: counted as ``finnews/errors/layout_changed/<what>`` with its URL,
it makes the source's run ``partial`` or ``failed`` (scheduler.status.run_status), trips the alert
rules and gives ``finnews crawl`` a non-zero exit."""

from __future__ import annotations

LAYOUT_CHANGED = "layout_changed"


class LayoutChangedError(ValueError):
    """An answer the parsers cannot read as the site's known forms; ``what`` names which part."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message)
        self.what = what

    @property
    def reason(self) -> str:
        return f"{LAYOUT_CHANGED}/{self.what}"
