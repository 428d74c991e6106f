"""What the parts of one crawl share: the seen-article store, the distributed-crawl coordinator, the
blocking tracker and the count of articles taken but not yet written. One :class:`CrawlState` per Scrapy crawler, found
with :func:`crawl_state`; the components fill in what they own (the coordinator itself and its Redis
seen store, the index pipeline its count) and read the rest."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from scrapy.crawler import Crawler

if TYPE_CHECKING:
    from crawler.backoff import BlockTracker
    from crawler.distributed import Coordinator


class SeenUrls(Protocol):
    """The seen-article store, in SQLite (:class:`crawler.seen.SeenStore`) or Redis (distributed)."""

    trust_fully_seen: bool

    def contains(self, url: str) -> bool: ...

    def add_many(self, urls: Iterable[str], spider: str = "") -> None: ...

    def claim(self, url: str, run_id: int) -> bool: ...

    def release(self, run_id: int) -> None: ...

    def note_bodyless(self, url: str, list_key: str | None = None) -> bool: ...

    def bodyless_waiting(self, url: str) -> bool: ...

    def bodyless_due(self, list_key: str) -> set[str]: ...

    def unread_since(self, url: str) -> datetime: ...

    def read_again(self, url: str) -> None: ...

    def unread_among(self, urls: Iterable[str]) -> set[str]: ...

    def knows_list(self, key: str) -> bool: ...

    def note_list(self, key: str) -> None: ...

    def start_run(self, spider: str, depth: int = 0) -> int: ...

    def finish_run(self, run_id: int, reason: str, caught_up: dict[str, int] | None = None) -> None: ...

    def trusts(self, key: str) -> bool: ...

    def catch_up_depth(self, key: str) -> int: ...


def _nothing_pending() -> int:
    return 0


@dataclass
class CrawlState:
    """The crawl-wide components, ``None`` when switched off."""

    seen_store: SeenUrls | None = None
    coordinator: Coordinator | None = None
    # The blocking middleware's tracker: the download handler waits on it, the spiders report to it
    # what only they can tell (a good answer, a page that is a login wall).
    blocking: BlockTracker | None = None
    # Articles the index pipeline has taken and not yet written or spooled: a worker holding some is
    # busy (another worker must not sweep them up). Read live, so it is right at any moment.
    pending_writes: Callable[[], int] = field(default=_nothing_pending)
    # Why this crawl must not pass for a clean finish, whatever Scrapy's reason (articles written but not
    # remembered as seen): the seen store records it, so the next crawl pages through (crawler.seen).
    unclean: str | None = None


# Keyed weakly, but a state refers back to its crawler (the blocking tracker holds the crawler's stats,
# which hold the crawler), so an entry is never dropped by itself: a process that runs crawl after
# crawl (``finnews live``) releases each finished crawl's state (:func:`release_crawl_state`).
_STATES: weakref.WeakKeyDictionary[Crawler, CrawlState] = weakref.WeakKeyDictionary()


def crawl_state(crawler: Crawler) -> CrawlState:
    """The crawl's shared state, created empty on first use."""
    state = _STATES.get(crawler)
    if state is None:
        state = _STATES[crawler] = CrawlState()
    return state


def release_crawl_state(crawler: Crawler) -> None:
    """Forget a finished crawl's state; without this, the state keeps its crawler (the engine, the
    spider, the middlewares, the pipelines' clients and connections) for the life of the process."""
    _STATES.pop(crawler, None)
