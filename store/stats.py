"""Trends: article counts over time by topic, board, stock or media, and what co-occurs with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from elasticsearch import Elasticsearch

from core.dates import SHANGHAI
from store.client import IndexMissingError, es_errors
from store.lifecycle import current_alias
from store.search import Filters, QueryError, build_query

Dimension = Literal["topic", "board", "stock", "media"]
Interval = Literal["auto", "day", "week", "month", "year"]
DIMENSION_FIELDS = {"topic": "topics.name", "board": "boards.name", "stock": "stocks.name", "media": "media"}
PERIOD_FORMATS = {"day": "yyyy-MM-dd", "week": "yyyy-MM-dd", "month": "yyyy-MM", "year": "yyyy"}
INTERVALS = ("auto", *PERIOD_FORMATS)
# "auto": the finest interval that keeps the table and the chart at most about this many periods
# (a day per row over five years was 1,656 rows, most of them zeros).
MAX_AUTO_PERIODS = 62
_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}
MAX_TOP = 30


@dataclass
class Trend:
    by: str
    interval: str
    periods: list[str]
    series: dict[str, list[int]]  # value → count per period, in the order of ``periods``
    totals: dict[str, int]
    articles: int
    cooccurring: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    first: str | None = None  # the earliest and latest publication time of the matching articles
    last: str | None = None
    # Articles without a publication time: in ``articles`` and ``totals`` but in no period.
    undated: int = 0
    undated_by_value: dict[str, int] = field(default_factory=dict)  # value → its undated articles


def auto_interval(first_ms: float | None, last_ms: float | None) -> str:
    """The finest interval that gives at most :data:`MAX_AUTO_PERIODS` periods over the data's range."""
    if first_ms is None or last_ms is None:
        return "day"
    days = (last_ms - first_ms) / 86_400_000 + 1
    return next((name for name, size in _DAYS.items() if days / size <= MAX_AUTO_PERIODS), "year")


def _run(es: Elasticsearch, alias: str, **request: Any) -> dict[str, Any]:
    try:
        with es_errors("stats failed"):
            return es.search(index=alias, size=0, **request)
    except IndexMissingError:
        return {"hits": {"total": {"value": 0}}, "aggregations": {}}


def trend(
    es: Elasticsearch,
    by: Dimension,
    interval: Interval = "day",
    filters: Filters | None = None,
    top: int = 8,
    alias: str | None = None,
    text: str = "",
) -> Trend:
    """Counts of the ``top`` values of ``by`` per period, plus the boards and stocks most often
    mentioned in the same articles: those that match the words ``text`` (as search matches them;
    empty: every article) and ``filters``."""
    if by not in DIMENSION_FIELDS:
        raise QueryError(f"--by must be one of {', '.join(DIMENSION_FIELDS)}")
    if interval not in INTERVALS:
        raise QueryError(f"--interval must be one of {', '.join(INTERVALS)}")
    if not 1 <= top <= MAX_TOP:
        raise QueryError(f"--top must be between 1 and {MAX_TOP}")
    alias = alias or current_alias()
    field_name = DIMENSION_FIELDS[by]
    query = build_query(text, filters)
    overall = _run(
        es,
        alias,
        query=query,
        track_total_hits=True,
        aggregations={
            "values": {"terms": {"field": field_name, "size": top}},
            "boards": {"terms": {"field": "boards.name", "size": 10}},
            "stocks": {"terms": {"field": "stocks.name", "size": 10}},
            "first": {"min": {"field": "published_at", "format": "strict_date_optional_time"}},
            "last": {"max": {"field": "published_at", "format": "strict_date_optional_time"}},
            "undated": {"missing": {"field": "published_at"}},
        },
    )
    aggregations = overall.get("aggregations", {})
    first, last = aggregations.get("first", {}), aggregations.get("last", {})
    if interval == "auto":
        interval = auto_interval(first.get("value"), last.get("value"))  # type: ignore[assignment]
    summary: dict[str, Any] = {
        "first": _moment_text(first),
        "last": _moment_text(last),
        "undated": aggregations.get("undated", {}).get("doc_count", 0),
    }
    totals = {b["key"]: b["doc_count"] for b in aggregations.get("values", {}).get("buckets", [])}
    cooccurring = {
        name: [{"value": b["key"], "count": b["doc_count"]} for b in aggregations.get(name, {}).get("buckets", [])]
        for name in ("boards", "stocks")
    }
    articles = overall["hits"]["total"]["value"]
    if not totals:
        return Trend(by, interval, [], {}, {}, articles, cooccurring, **summary)
    values = {"values": {"terms": {"field": field_name, "size": top, "include": list(totals)}}}
    timeline = _run(
        es,
        alias,
        query=query,
        aggregations={
            "undated": {"missing": {"field": "published_at"}, "aggregations": values},
            "periods": {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": interval,
                    "time_zone": "+08:00",
                    "format": PERIOD_FORMATS[interval],
                    "min_doc_count": 0,
                },
                "aggregations": values,
            },
        },
    )
    buckets = timeline.get("aggregations", {}).get("periods", {}).get("buckets", [])
    undated_buckets = timeline.get("aggregations", {}).get("undated", {}).get("values", {}).get("buckets", [])
    summary["undated_by_value"] = {b["key"]: b["doc_count"] for b in undated_buckets}
    periods = [b["key_as_string"] for b in buckets]
    series = {value: [0] * len(periods) for value in totals}
    for index, bucket in enumerate(buckets):
        for value_bucket in bucket["values"]["buckets"]:
            series[value_bucket["key"]][index] = value_bucket["doc_count"]
    return Trend(by, interval, periods, series, totals, articles, cooccurring, **summary)


def _moment_text(aggregation: dict[str, Any]) -> str | None:
    """A min/max aggregation's time in Beijing time (ISO 8601), or None when no article has one."""
    value = aggregation.get("value")
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, SHANGHAI).isoformat(timespec="minutes")
