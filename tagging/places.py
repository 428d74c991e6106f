"""Things with a place in a text (a start and an end offset), indexed to find those that overlap a span in
logarithmic time. A huge page holds thousands of names: checking each against every other is quadratic (a page
of 4 MB took minutes where it should take seconds)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Places(Generic[T]):
    """``items`` by place (``span(item)`` → ``(start, end)``), for :meth:`over` a span."""

    def __init__(self, items: Iterable[T], span: Callable[[T], tuple[int, int]]) -> None:
        placed = sorted(((span(item), item) for item in items), key=lambda pair: pair[0][0])
        self._starts = [start for (start, _end), _item in placed]
        self._ends = [end for (_start, end), _item in placed]
        self._items = [item for _span, item in placed]
        self._longest = max((end - start for (start, end), _item in placed), default=0)

    def over(self, start: int, end: int) -> list[T]:
        """The items that overlap ``start:end``, in order of place."""
        # Only an item that starts less than the longest item's length before ``start`` can reach into the span.
        first, last = bisect_left(self._starts, start - self._longest + 1), bisect_left(self._starts, end)
        return [self._items[k] for k in range(first, last) if start < self._ends[k]]


class Cover:
    """Spans ``(start, end)``, to ask whether a place lies inside one of them in logarithmic time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _end in ordered]
        self._reach = list(accumulate((end for _start, end in ordered), max))  # the furthest end so far

    def covers(self, place: int) -> bool:
        """Whether some span has ``start <= place < end``."""
        index = bisect_right(self._starts, place)
        return bool(index) and self._reach[index - 1] > place


class Marks:
    """Where a pattern's matches begin in a text (sentence ends, say), to find the nearest one before or after a
    place by bisection."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self._at = [match.start() for match in pattern.finditer(text)]

    def last_before(self, place: int) -> int:
        """Where the last mark before ``place`` begins, or -1."""
        index = bisect_left(self._at, place)
        return self._at[index - 1] if index else -1

    def first_from(self, place: int) -> int | None:
        """Where the first mark at ``place`` or after it begins, or None."""
        index = bisect_left(self._at, place)
        return self._at[index] if index < len(self._at) else None
