"""Which addresses one walk cannot tell apart: the intervals it consulted, and the *profiles* they cut.

A network ACL (first match over CIDR peers), a route table (longest prefix match) and a containment test
(``subnet.contains``, ``vpc.contains``) decide about an address by the set of their intervals that contain
it, and by nothing else. So a walk that consulted only such intervals decides the same for every address
that the same consulted intervals contain. ``Cuts`` holds those intervals (one family) and numbers each
distinct set of containing intervals — the address's *profile*; ``ranges`` lists the address ranges of one
profile, so a caller can find every endpoint a walk's result also holds for, without walking again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vpcsim.ip import Prefix

Interval = tuple[int, int]            # first and last address, inclusive


@dataclass(frozen=True, slots=True)
class Cuts:
    """Intervals of one family. ``points`` are where the set of containing intervals may change; segment
    ``i`` runs from ``points[i - 1]`` (or the first address) to ``points[i] - 1`` (or the last), and
    ``profiles[i]`` numbers its set of containing intervals (equal sets, equal numbers)."""

    points: tuple[int, ...]
    profiles: tuple[int, ...]

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> Cuts:
        starts: dict[int, list[Interval]] = {}
        ends: dict[int, list[Interval]] = {}
        for interval in set(intervals):
            starts.setdefault(interval[0], []).append(interval)
            ends.setdefault(interval[1] + 1, []).append(interval)
        points = sorted(starts.keys() | ends.keys())
        numbers: dict[frozenset[Interval], int] = {frozenset(): 0}
        active: set[Interval] = set()
        profiles = [0]
        for point in points:
            active.difference_update(ends.get(point, ()))
            active.update(starts.get(point, ()))
            profiles.append(numbers.setdefault(frozenset(active), len(numbers)))
        return cls(tuple(points), tuple(profiles))

    def profile(self, address: int) -> int:
        return self.profiles[bisect_right(self.points, address)]

    def ranges(self, profile: int, low: int, high: int) -> Iterator[Interval]:
        """The address ranges, within ``low``-``high``, whose profile is ``profile``."""
        points = self.points
        for i, number in enumerate(self.profiles):
            if number != profile:
                continue
            start = points[i - 1] if i > 0 else low
            end = points[i] - 1 if i < len(points) else high
            start, end = max(start, low), min(end, high)
            if start <= end:
                yield start, end


def intervals_of(prefixes: Iterable[Prefix], family: int) -> Iterator[Interval]:
    return ((p.start, p.end) for p in prefixes if p.family == family)
