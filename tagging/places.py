"""Things with a place in a text (a start and an end offset), indexed to find those that overlap a span in
logarithmic time. A huge page holds thousands of names: checking each against every other is quadratic (a page
of 4 MB took minutes where it should take seconds)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
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
