"""The one vocabulary of what happened to an article on its way into the index.

The writer counts by these names, the crawl's stats carry them as ``finnews/articles/<name>``, the
run records store them and the CLI's summaries and the scheduler read them from here: one spelling.
"""

from __future__ import annotations

from collections.abc import Mapping

NEW = "new"  # written for the first time
UPDATED = "updated"  # written again: its content changed
UNCHANGED = "unchanged"  # already indexed with the same content: nothing written
SKIPPED_SEEN = "skipped_seen"  # not fetched at all: the crawl had seen it before (incremental crawl)
SPOOLED = "spooled"  # the node could not take it: kept on disk, written by `finnews replay`
DEAD_LETTER = "dead_letter"  # refused by the node for good: kept in the dead-letter spool
DUPLICATES = "duplicates"  # written, and linked to an earlier copy of the same story (syndication)

# Every outcome of a crawl, in the order summaries print them.
ARTICLE_OUTCOMES = (NEW, UPDATED, UNCHANGED, SKIPPED_SEEN, SPOOLED, DEAD_LETTER, DUPLICATES)
# What the writer itself counts (a skipped article never reaches it).
WRITER_OUTCOMES = (NEW, UPDATED, UNCHANGED, SPOOLED, DEAD_LETTER, DUPLICATES)
# Outcomes that mean the article is held by the index or on its way there (duplicates are a subset of new).
GATHERED_OUTCOMES = (NEW, UPDATED, UNCHANGED, SPOOLED)
# Outcomes that mean an article is not in the index after the run: the command's exit status is 1.
NOT_INDEXED_OUTCOMES = (SPOOLED, DEAD_LETTER)

STATS_PREFIX = "finnews/articles/"
# Articles whose new copy lacked a title, date or text the index had (the stored value was kept): a
# warning, not an outcome (the article was written or left unchanged as well).
KEPT_STORED_VALUES_KEY = "finnews/warnings/kept_stored_values"


def stats_key(outcome: str) -> str:
    """The crawl-stats key of an outcome: ``finnews/articles/new`` …"""
    return f"{STATS_PREFIX}{outcome}"


def empty_counts() -> dict[str, int]:
    """Zero for every outcome the writer counts."""
    return dict.fromkeys(WRITER_OUTCOMES, 0)


def counts_from_stats(stats: Mapping[str, object]) -> dict[str, int]:
    """Every article outcome of a crawl's stats (Scrapy's or its ``--stats-json`` file), 0 when absent."""
    return {name: int(stats.get(stats_key(name)) or 0) for name in ARTICLE_OUTCOMES}  # type: ignore[call-overload]
