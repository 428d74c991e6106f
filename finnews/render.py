"""The command line's views of a trend: a plain-text table and a PNG chart (the store only counts)."""

from __future__ import annotations

from pathlib import Path

from finnews.errors import UserError
from store.stats import Trend

NO_DATE = "no date"  # the row of the articles without a publication time


def format_table(result: Trend) -> str:
    """A plain-text table: one row per period, one column per value, totals last."""
    if not result.series:
        return f"no articles match ({result.articles})"
    values = list(result.series)
    labels = [result.interval, *result.periods, *([NO_DATE] if any(result.undated_by_value.values()) else [])]
    widths = [max(len(label) for label in labels)]
    widths += [max(_display_width(v), len(str(result.totals[v]))) for v in values]
    header = [result.interval.ljust(widths[0])] + [_pad(v, w) for v, w in zip(values, widths[1:], strict=True)]
    lines = ["  ".join(header)]
    for index, period in enumerate(result.periods):
        counts = [str(result.series[v][index]).rjust(w) for v, w in zip(values, widths[1:], strict=True)]
        lines.append("  ".join([period.ljust(widths[0]), *counts]))
    if NO_DATE in labels:  # counted in the totals, in no period: a row of their own
        undated = [str(result.undated_by_value.get(v, 0)).rjust(w) for v, w in zip(values, widths[1:], strict=True)]
        lines.append("  ".join([NO_DATE.ljust(widths[0]), *undated]))
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
        raise UserError("no Chinese font found for the chart: apt-get install fonts-wqy-microhei (make setup does)")
    plt.rcParams["font.sans-serif"] = [*chinese, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    figure, axis = plt.subplots(figsize=(11, 5.5), dpi=110)
    for value, counts in result.series.items():
        axis.plot(result.periods, counts, marker="o", linewidth=1.8, label=value)
    axis.set_title(f"文章数量 · by {result.by} per {result.interval} ({result.articles} articles)")
    axis.set_xlabel(result.interval)
    axis.set_ylabel("articles")
    axis.grid(alpha=0.3)
    # Beside the plot, never over it (a legend inside hid the peak it names).
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of articles are whole numbers
    step = max(1, len(result.periods) // 12)
    axis.set_xticks(range(0, len(result.periods), step), result.periods[::step], rotation=35, ha="right")
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
