"""Trends: article counts over time by topic, board, stock or media, and what co-occurs with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from elasticsearch import Elasticsearch

from store.client import IndexMissingError, StoreError, es_errors
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


def format_table(result: Trend) -> str:
    """A plain-text table: one row per period, one column per value, totals last."""
    if not result.series:
        return f"no articles match ({result.articles})"
    values = list(result.series)
    widths = [max(len(result.interval), max((len(p) for p in result.periods), default=0))]
    widths += [max(_display_width(v), len(str(result.totals[v]))) for v in values]
    header = [result.interval.ljust(widths[0])] + [_pad(v, w) for v, w in zip(values, widths[1:], strict=True)]
    lines = ["  ".join(header)]
    for index, period in enumerate(result.periods):
        counts = [str(result.series[v][index]).rjust(w) for v, w in zip(values, widths[1:], strict=True)]
        lines.append("  ".join([period.ljust(widths[0]), *counts]))
    lines.append(
        "  ".join(
            ["total".ljust(widths[0])]
            + [str(result.totals[v]).rjust(w) for v, w in zip(values, widths[1:], strict=True)]
        )
    )
    for name, entries in result.cooccurring.items():
        if entries:
            lines.append(f"top {name}: " + ", ".join(f"{e['value']} ({e['count']})" for e in entries))
    return "\n".join(lines)


def _display_width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)  # Han characters take two columns


def _pad(text: str, width: int) -> str:
    return " " * (width - _display_width(text)) + text


CJK_FONT_NAMES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Droid Sans Fallback")


def plot(result: Trend, path: Path) -> Path:
    """Draw the trend as a line chart (Chinese labels, a legend, dates on the axis) to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    available = {font.name for font in font_manager.fontManager.ttflist}
    chinese = [name for name in CJK_FONT_NAMES if name in available]
    if not chinese:
        raise StoreError("no Chinese font found for the chart: apt-get install fonts-wqy-microhei (make setup does)")
    plt.rcParams["font.sans-serif"] = [*chinese, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    figure, axis = plt.subplots(figsize=(11, 5.5), dpi=110)
    for value, counts in result.series.items():
        axis.plot(result.periods, counts, marker="o", linewidth=1.8, label=value)
    axis.set_title(f"文章数量 · by {result.by} per {result.interval} ({result.articles} articles)")
    axis.set_xlabel(result.interval)
    axis.set_ylabel("articles")
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left", fontsize=9, ncols=2)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of articles are whole numbers
    step = max(1, len(result.periods) // 12)
    axis.set_xticks(range(0, len(result.periods), step), result.periods[::step], rotation=35, ha="right")
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
