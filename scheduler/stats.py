"""The one reader of a run's stats: a crawl's (Scrapy's stats, or its ``--stats-json`` file) or an
ingest's (``finnews ingest --stats-json``, written with the same keys). The CLI's crawl summary and
the scheduler's run records both read through :func:`read_stats`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.outcomes import counts_from_stats

ERRORS_PREFIX = "finnews/errors/"
REPLAY_PREFIX = "finnews/replay/"
FILES_KEY = "finnews/files"  # only an ingest's stats have it: the files it read
# Counts that decide a run's status (see scheduler.status.run_status) but are not kept in its record.
STATUS_ONLY = (
    "ok_answers",
    "sources_ok",
    "given_up",
    "list_errors",
    "layout_changed_sources",
    "list_truncated",
    "feed_entries_left",
)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) else 0


# Scrapy's count of requests its robots.txt middleware did not send; an error reason of its own here.
ROBOTS_FORBIDDEN_KEY = "robotstxt/forbidden"
ROBOTS_FORBIDDEN = "robots_forbidden"


def errors_by_reason(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[{reason, count}]`` from the ``finnews/errors/<reason>`` keys, by reason, and the requests a
    site's robots.txt forbade (``robots_forbidden``: a crawl that asked only for those gathers nothing,
    which is no quiet day)."""
    errors = [
        {"reason": key.split("/", 2)[2], "count": int(value)}
        for key, value in stats.items()
        if key.startswith(ERRORS_PREFIX) and isinstance(value, (int, float))
    ]
    if _int(stats.get(ROBOTS_FORBIDDEN_KEY)):
        errors.append({"reason": ROBOTS_FORBIDDEN, "count": _int(stats[ROBOTS_FORBIDDEN_KEY])})
    return sorted(errors, key=lambda error: error["reason"])


def replay_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """What replaying the spool before a crawl did (``finnews/replay/<name>``), empty when it did not run."""
    return {key[len(REPLAY_PREFIX) :]: _int(value) for key, value in stats.items() if key.startswith(REPLAY_PREFIX)}


def read_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a summary or a run record takes from a run's stats: pages (a crawl) or files (an
    ingest), articles by outcome, errors by reason, and the counts that decide a run's status."""
    read: dict[str, Any] = {
        "articles": counts_from_stats(stats),
        "errors": errors_by_reason(stats),
        "failures": [str(line) for line in stats.get("finnews/failures") or []],
    }
    if FILES_KEY in stats:
        read["files"] = _int(stats[FILES_KEY])
        return read
    return {
        **read,
        "pages": _int(stats.get("downloader/response_count", 0)),
        "list_pages": _int(stats.get("finnews/list_pages", 0)),
        "article_pages": _int(stats.get("finnews/article_pages", 0)),
        "requests": _int(stats.get("downloader/request_count", 0)),
        "finish_reason": stats.get("finish_reason"),
        "stopped_sources": [str(line) for line in stats.get("finnews/stopped_sources") or []],
        "replay": replay_counts(stats),
        "ok_answers": _int(stats.get("finnews/ok_answers", 0)),
        "sources_ok": [str(name) for name in stats.get("finnews/sources_ok") or []],
        "given_up": _int(stats.get("finnews/blocking/given_up", 0)),
        "list_errors": _int(stats.get("finnews/list_errors", 0)),
        "layout_changed_sources": [str(name) for name in stats.get("finnews/layout_changed_sources") or []],
        # Lists whose last page allowed was still all new (crawler.spiders.base.FinnewsSpider.page_on).
        "list_truncated": [str(name) for name in stats.get("finnews/list_truncated_sources") or []],
        # A feed's unseen pages left to the next crawl (crawler.spiders.feed.FeedSpider.read_entries): late, not lost.
        "feed_entries_left": _int(stats.get("finnews/feed_entries_left", 0)),
    }


def record_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """What a run record and its status take from the stats (the summary's extras left out)."""
    read = read_stats(stats)
    for key in ("failures", "list_pages", "article_pages", "replay"):
        read.pop(key, None)
    return read
