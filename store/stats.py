"""Trends: article counts over time by topic, board, stock or media, and what co-occurs with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from elasticsearch import Elasticsearch

from store.client import IndexMissingError, es_errors
from store.lifecycle import current_alias
from store.search import Filters, QueryError, build_query

Dimension = Literal["topic", "board", "stock", "media"]
Interval = Literal["day", "week", "month"]
DIMENSION_FIELDS = {"topic": "topics.name", "board": "boards.name", "stock": "stocks.name", "media": "media"}
PERIOD_FORMATS = {"day": "yyyy-MM-dd", "week": "yyyy-MM-dd", "month": "yyyy-MM"}
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
    if interval not in PERIOD_FORMATS:
        raise QueryError(f"--interval must be one of {', '.join(PERIOD_FORMATS)}")
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
        },
    )
    aggregations = overall.get("aggregations", {})
    totals = {b["key"]: b["doc_count"] for b in aggregations.get("values", {}).get("buckets", [])}
    cooccurring = {
        name: [{"value": b["key"], "count": b["doc_count"]} for b in aggregations.get(name, {}).get("buckets", [])]
        for name in ("boards", "stocks")
    }
    articles = overall["hits"]["total"]["value"]
    if not totals:
        return Trend(by, interval, [], {}, {}, articles, cooccurring)
    timeline = _run(
        es,
        alias,
        query=query,
        aggregations={
            "periods": {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": interval,
                    "time_zone": "+08:00",
                    "format": PERIOD_FORMATS[interval],
                    "min_doc_count": 0,
                },
                "aggregations": {"values": {"terms": {"field": field_name, "size": top, "include": list(totals)}}},
            }
        },
    )
    buckets = timeline.get("aggregations", {}).get("periods", {}).get("buckets", [])
    periods = [b["key_as_string"] for b in buckets]
    series = {value: [0] * len(periods) for value in totals}
    for index, bucket in enumerate(buckets):
        for value_bucket in bucket["values"]["buckets"]:
            series[value_bucket["key"]][index] = value_bucket["doc_count"]
    return Trend(by, interval, periods, series, totals, articles, cooccurring)
