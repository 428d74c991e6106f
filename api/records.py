"""What the API promises and the command line repeats: the record of a search hit (``GET /search``'s
hits, ``finnews search --json``) and the filter fields (query parameters, command-line options).

Kept apart from the app so the command line reads them without loading FastAPI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.search import Hit, snippet_html


def hit_record(hit: Hit) -> dict[str, Any]:
    """A search hit as the API's ``SearchHit`` shapes it: the article's stored fields, its id, its
    score and its snippet as an HTML fragment (the text escaped, the matches in ``<em>``)."""
    return {**hit.source, "id": hit.id, "score": hit.score, "snippet": snippet_html(hit.snippet)}


@dataclass(frozen=True)
class FilterField:
    """One filter of :class:`store.search.Filters` as both faces take it."""

    name: str  # the Filters field
    key: str  # the query parameter, and the option as ``--key``
    api_help: str  # the parameter's description in the OpenAPI schema
    cli_help: str  # the option's help, with examples
    date: bool = False  # a date (its own length limit; DATE as the option's metavar)


# The filters search, stats and export share, in the order both faces list them.
FILTER_FIELDS = (
    FilterField(
        "topic", "topic", "topic id or name", "topic id or name (configs/topics.yaml), e.g. semiconductors or 半导体"
    ),
    FilterField("board", "board", "board code or name", "board code or name, e.g. BK1061 or 数字经济"),
    FilterField(
        "stock", "stock", "stock code, secid or name", "stock code, secid or name, e.g. 603888, 1.603888 or 新华网"
    ),
    FilterField("media", "media", "outlet (来源)", "outlet (来源), e.g. 新华网"),
    FilterField(
        "source", "source", "eastmoney, jekyll …", "any source that brought it: eastmoney, chinaorg, jekyll, a feed …"
    ),
    FilterField(
        "date_from",
        "from",
        "published on or after: YYYY-MM-DD (Beijing)",
        "published on or after (YYYY-MM-DD, Beijing)",
        date=True,
    ),
    FilterField(
        "date_to",
        "to",
        "published on or before: YYYY-MM-DD (Beijing)",
        "published on or before (YYYY-MM-DD, Beijing)",
        date=True,
    ),
)
