"""finnews from Python (a notebook): one call, a list of hits or a pandas DataFrame.

    from finnews import news
    news.search("宁德时代 OR 比亚迪", since="2026-01-01")           # a page of hits, as the API gives them
    df = news.frame("宁德时代 OR 比亚迪", since="2026-01-01")       # every match, typed columns
    df = news.frame(stock=["300750", "比亚迪"], board="BK1033")     # filters take one value or several

The query language, the filters and the columns are those of ``finnews search`` and ``finnews export``
(one query builder for all): ``published_at`` is a ``datetime64[ms, Asia/Shanghai]`` column,
``stock_codes`` (``300750.SZ``), ``stock_names``, ``board_codes``, ``board_names``, ``topic_names``,
``keywords`` and ``sources`` are lists. The cluster is the configured one (``FINNEWS_ES_URL``, else
the local node)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

Values = str | Sequence[str] | None

# The DataFrame's columns, in order: the export's analyst columns; category, tags and the nested fields
# (boards, stocks, topics, mentions, instruments, rejected_markup) left out (docs/article-fields.md).
FRAME_COLUMNS = (
    "id", "published_at", "title", "media", "author", "source", "sources", "url",
    "stock_codes", "stock_names", "board_codes", "board_names", "topic_names", "keywords",
    "digest", "text", "dup_of", "crawled_at", "updated_at",
)  # fmt: skip
TIME_COLUMNS = ("published_at", "crawled_at", "updated_at")
ZONE = "Asia/Shanghai"


def _filters(since: str | None, until: str | None, **values: Values) -> Any:
    from store.search import Filters

    return Filters(date_from=since, date_to=until, **values)


def _client() -> Any:
    from store.client import connect
    from store.lifecycle import make_searchable

    es = connect()
    make_searchable(es)
    return es


def search(
    query: str = "",
    *,
    since: str | None = None,
    until: str | None = None,
    topic: Values = None,
    board: Values = None,
    stock: Values = None,
    media: Values = None,
    source: Values = None,
    page: int = 1,
    size: int = 10,
    sort: str = "relevance",
    collapse: bool = False,
) -> list[dict[str, Any]]:
    """One page of hits (title, time, media, tags, the snippet), best first: what ``finnews search
    --json`` prints. ``since``/``until``: days (YYYY-MM-DD, Beijing) or date-times, both included."""
    from api.records import hit_record
    from store.search import check_stock_filter
    from store.search import search as run_search

    es = _client()
    filters = _filters(since, until, topic=topic, board=board, stock=stock, media=media, source=source)
    check_stock_filter(es, filters)
    result = run_search(es, query, filters, page=page, size=size, sort=sort, collapse_duplicates=collapse)  # type: ignore[arg-type]
    return [hit_record(hit) for hit in result.hits]


def frame(
    query: str = "",
    *,
    since: str | None = None,
    until: str | None = None,
    topic: Values = None,
    board: Values = None,
    stock: Values = None,
    media: Values = None,
    source: Values = None,
    limit: int | None = None,
) -> pandas.DataFrame:
    """Every matching article (at most ``limit``) as a DataFrame, oldest first, typed: times in
    Beijing time, lists as lists. The articles are those ``finnews search`` finds for the same query
    and filters, read from a point-in-time as ``finnews export`` reads them."""
    import pandas

    from store.export import analyst_record, iter_articles
    from store.search import build_query, check_stock_filter

    es = _client()
    filters = _filters(since, until, topic=topic, board=board, stock=stock, media=media, source=source)
    check_stock_filter(es, filters)
    rows = []
    for article in iter_articles(es, build_query(query, filters)):
        if limit is not None and len(rows) >= limit:
            break
        record = analyst_record(article)
        rows.append({name: record.get(name) for name in FRAME_COLUMNS})
    table = pandas.DataFrame(rows, columns=list(FRAME_COLUMNS))
    for name in TIME_COLUMNS:
        table[name] = (
            pandas.to_datetime(table[name], utc=True, format="ISO8601")
            .dt.tz_convert(ZONE)
            .astype(f"datetime64[ms, {ZONE}]")
        )
    return table
