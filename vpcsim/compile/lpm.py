"""Longest-prefix match over integer addresses: disjoint intervals searched with ``bisect``.

Built once per table from a laminar set of prefixes (any two are nested or disjoint — true of CIDRs),
so a lookup is one binary search whatever the number of routes (DESIGN §7: 0.47 s per 1M lookups).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from vpcsim.compile.compact import Compact
from vpcsim.ip import Prefix

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Intervals(Compact, Generic[T]):
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    values: tuple[T, ...]

    def lookup(self, address: int) -> T | None:
        i = bisect_right(self.starts, address) - 1
        if i >= 0 and address <= self.ends[i]:
            return self.values[i]
        return None


def _intervals(items: list[tuple[Prefix, T]]) -> _Intervals[T]:
    starts: list[int] = []
    ends: list[int] = []
    values: list[T] = []

    def emit(low: int, high: int, value: T) -> None:
        if low > high:
            return
        if starts and ends[-1] + 1 == low and values[-1] is value:
            ends[-1] = high
            return
        starts.append(low)
        ends.append(high)
        values.append(value)

    stack: list[tuple[Prefix, T]] = []
    cursor = 0
    for prefix, value in sorted(items, key=lambda item: (item[0].start, item[0].length)):
        while stack and stack[-1][0].end < prefix.start:
            top, top_value = stack.pop()
            emit(cursor, top.end, top_value)
            cursor = top.end + 1
        if stack:
            emit(cursor, prefix.start - 1, stack[-1][1])
        cursor = prefix.start
        stack.append((prefix, value))
    while stack:
        top, top_value = stack.pop()
        emit(cursor, top.end, top_value)
        cursor = top.end + 1
    return _Intervals(tuple(starts), tuple(ends), tuple(values))


@dataclass(frozen=True, slots=True)
class PrefixTable(Compact, Generic[T]):
    """Maps an address to the value of the most specific prefix containing it, per address family."""

    v4: _Intervals[T]
    v6: _Intervals[T]

    @classmethod
    def build(cls, items: Iterable[tuple[Prefix, T]]) -> PrefixTable[T]:
        """``items`` must hold each prefix once (pick winners among equal prefixes before building)."""
        v4: list[tuple[Prefix, T]] = []
        v6: list[tuple[Prefix, T]] = []
        for prefix, value in items:
            (v4 if prefix.family == 4 else v6).append((prefix, value))
        return cls(_intervals(v4), _intervals(v6))

    def lookup(self, family: int, address: int) -> T | None:
        return (self.v4 if family == 4 else self.v6).lookup(address)


class PrefixSet:
    """A growing set of prefixes that answers "does this prefix overlap any of them?" in one binary search.

    A build-time helper (R8.12: a VPC whose CIDRs overlap one already propagated into a TGW route table is
    not propagated there), replacing a scan of every prefix added so far. The prefixes are kept as the
    merged, disjoint address ranges they cover, sorted, per family; overlapping the union is overlapping one
    of them.
    """

    __slots__ = ("_ranges",)

    def __init__(self) -> None:
        self._ranges: dict[int, tuple[list[int], list[int]]] = {4: ([], []), 6: ([], [])}

    def overlaps(self, prefix: Prefix) -> bool:
        starts, ends = self._ranges[prefix.family]
        i = bisect_right(starts, prefix.end) - 1     # the last range starting at or before the prefix's end
        return i >= 0 and ends[i] >= prefix.start

    def add(self, prefix: Prefix) -> None:
        starts, ends = self._ranges[prefix.family]
        low, high = prefix.start, prefix.end
        first = bisect_left(ends, low)               # ranges [first, last) overlap the prefix: merge them
        last = bisect_right(starts, high)
        if first < last:
            low, high = min(low, starts[first]), max(high, ends[last - 1])
        starts[first:last] = [low]
        ends[first:last] = [high]
