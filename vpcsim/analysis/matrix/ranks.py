"""Sets of destination classes as rank masks: bit ``i`` stands for ``Destinations.ranked[i]``.

The middles of one source class are found for many destination classes at once (``middles.py``): a leg's
result holds for every destination class whose address has the leg's profile in the intervals it consulted.
These are the sets that are asked for again and again, worked out once.
"""

from __future__ import annotations

from vpcsim.analysis.matrix.destinations import Destinations
from vpcsim.analysis.matrix.regions import Cuts


class DestinationRanks:
    """The rank sets of one matrix's destination classes. Fixed when built, except ``with_profile``, which
    keeps its answers (each is asked by every source whose leg has that profile)."""

    def __init__(self, destinations: Destinations) -> None:
        self.destinations = destinations
        ranked = destinations.ranked
        # The classes whose pairs middles settle (special ones are traced member by member), and of those
        # the interfaces with an IPv4 address: the ones legs across VPCs can reach.
        self.ordinary = sum(1 << i for i, cls in enumerate(ranked) if not cls.special)
        self.interfaces = sum(1 << i for i, cls in enumerate(ranked)
                              if not cls.special and cls.eni is not None and cls.address is not None)
        # The classes of each VPC's interfaces, and of each AZ's ("": no interface; R8.9 may make a
        # transit gateway hop depend on the destination's AZ).
        self.by_vpc: dict[str, int] = {}
        for i, cls in enumerate(ranked):
            if cls.vpc is not None:
                self.by_vpc[cls.vpc] = self.by_vpc.get(cls.vpc, 0) | (1 << i)
        self.by_az: dict[str, int] = {}
        for i, cls in enumerate(ranked):
            az = cls.eni.az if cls.eni is not None else ""
            self.by_az[az] = self.by_az.get(az, 0) | (1 << i)
        self._with_profile: dict[tuple[int, int], int] = {}

    def with_profile(self, cuts: Cuts, profile: int) -> int:
        """The classes whose address has ``profile`` in ``cuts``: every one a leg's result holds for. Kept
        by the identity of ``cuts`` (one ``Cuts`` per set of consulted intervals, ``consulted.py``)."""
        key = (id(cuts), profile)
        found = self._with_profile.get(key)
        if found is None:
            destinations = self.destinations
            found = 0
            for start, end in cuts.ranges(profile, 0, (1 << 32) - 1):
                found |= destinations.ranks_mask_between(start, end)
            self._with_profile[key] = found
        return found
