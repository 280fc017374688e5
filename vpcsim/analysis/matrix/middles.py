"""The middles of one source class with every destination class, for many destinations at once.

The end security groups (the source's egress, the destination's ingress) are decided per member by
``verdicts.py``; the rest — the *middle* (``middle.py``) — is the same for every pair of members of two net
classes (``classes.py``). Walking it whole for every pair of classes is quadratic in the classes (100k
ENIs: 2,765 classes, 7.6M pairs), and across VPCs most of it is shared. So, for one source class:

* within its VPC, and with the internet or a site: one whole walk per pair of classes (``whole.py``);
* across VPCs, from legs (``legs.py``): one out leg per profile of the destinations' addresses, its result
  applied to all the destination classes with that profile at once (rank masks, ``ranks.py``); behind the
  transit gateway it reaches, the hop legs kept for it; what happens behind a hop — the in leg, then the
  reply's out leg — depends on the destination and on the source's profile in the destination VPC's
  intervals, so the destinations behind a hop are grouped into *sides* once per (hop, source profile), for
  every source; the reply's hop and in leg home depend on the source, on where the reply meets the gateway
  and on the destination's profile in the source VPC's intervals: looked up once per group, not per pair.

A pair whose legs cannot be shared is walked whole; a pair no walk can settle is left to the caller (rows)
to trace member by member.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.classes import NetClass
from vpcsim.analysis.matrix.consulted import ConsultedCuts
from vpcsim.analysis.matrix.destinations import Destinations, bits
from vpcsim.analysis.matrix.legs import UNSHARED, KeptHop, Leg, Legs
from vpcsim.analysis.matrix.middle import REPLY_OK, Middle, arriving_as
from vpcsim.analysis.matrix.outcomes import Outcome
from vpcsim.analysis.matrix.ranks import DestinationRanks
from vpcsim.analysis.matrix.whole import WholeWalks
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
from vpcsim.engine.events import Arrival


@dataclass(slots=True)
class _Side:
    """Destinations behind one hop that fare alike on their side (for sources of one profile there)."""

    ranks: int = 0
    whole: bool = False                           # a leg could not be shared: walk each pair whole
    ended: Outcome | None = None                  # the request is dropped on the way in
    kind: int = -1                                # the kind of side (interned)
    arrival: int = -1                             # the request arrives like this (interned by the legs)
    sample: Arrival | None = None
    reply: Outcome | None = None                  # and the reply is dropped on the way out
    back: Leg | None = None                       # or gets to the transit gateway like this
    address: int = 0                              # (from this destination)
    in_events: int = 0
    back_events: int = 0


_WHOLE_SIDE: Hashable = ("whole",)


@dataclass(slots=True)
class _Behind:
    """What is known of the destinations behind the transit gateway one kind of out leg reaches."""

    covered: int = 0                              # ranks some hop kept behind it holds for (``Legs.hops_after``)
    unshared: int = 0                             # ranks whose hop cannot be shared: walked whole


@dataclass(slots=True)
class _Gathered:
    """Sides of one kind, gathered over every hop: the reply's way back is found once for all of them."""

    side: _Side
    ranks: int
    back_events: int


_Found = dict[int, tuple[Middle | None, int]]        # by identity of the middle (hashing one is slow)


class Middles:
    """The middles of one network for one flow, by pair of net classes, from shared legs and whole walks.

    Kept besides the legs' and whole walks' own: what is behind each kind of out leg's gateway, the sides
    behind each kept hop by the source's profile in the VPC it enters, the kinds of side (interned), and the
    middles made from sides (by the arrival's kind and the identity of the reply's outcome), so equal
    middles are one object and group by identity."""

    def __init__(self, net: CompiledNetwork, destinations: Destinations, flow: Flow) -> None:
        self.net = net
        self.destinations = destinations
        self.flow = flow
        self.ranks = DestinationRanks(destinations)
        self.cuts = ConsultedCuts(net)
        self.legs = Legs(net, self.cuts, self.ranks, flow)
        self.whole = WholeWalks(net, flow)
        self._behind: dict[int, _Behind] = {}                             # out leg's key
        self._sides: dict[tuple[KeptHop, int], list[_Side]] = {}          # (hop, source's profile behind it)
        self._side_kinds: dict[Hashable, int] = {}
        self._made: dict[tuple[int, int], Middle] = {}

    @property
    def walks(self) -> int:
        """Legs and whole conversations walked so far."""
        return self.legs.walks + self.whole.walks

    def of(self, source: NetClass) -> dict[Middle | None, int]:
        """Middle -> ranks (``Destinations.ranked``) of the destination classes it holds for; None holds
        the classes whose pairs with ``source`` must be traced. Special classes are not included."""
        found: _Found = {}
        ranked = self.destinations.ranked
        ranks = self.ranks
        across = 0
        if source.eni is not None and source.address is not None and source.vpc is not None:
            across = ranks.interfaces & ~ranks.by_vpc.get(source.vpc, 0)
        whole = self.whole.middle
        for rank in bits(ranks.ordinary & ~across):
            destination = ranked[rank]
            if destination is source and len(source.members) < 2:
                continue
            _add(found, whole(source, destination), 1 << rank)
        if across:
            self._across(source, across, found)
        by_value: dict[Middle | None, int] = {}
        for middle, ranks_of in found.values():
            by_value[middle] = by_value.get(middle, 0) | ranks_of
        return by_value

    # -- across VPCs, from legs ------------------------------------------------------------------------

    def _across(self, source: NetClass, candidates: int, found: _Found) -> None:
        ranked = self.destinations.ranked
        remaining = candidates
        while remaining:
            rank = (remaining & -remaining).bit_length() - 1
            destination = ranked[rank]
            assert destination.address is not None
            leg = self.legs.out(source, destination.address, forward=True)
            if leg is UNSHARED:
                remaining &= ~(1 << rank)
                _add(found, self.whole.middle(source, destination), 1 << rank)
                continue
            group = remaining & self.ranks.with_profile(leg.cuts, leg.profile)
            remaining &= ~group
            if leg.whole:
                self._add_whole(source, group, found)
            elif leg.arrival is None:
                _add(found, self._ended(leg.request_end), group)
            else:
                self._through(source, leg, group, found)

    def _through(self, source: NetClass, out: Leg, group: int, found: _Found) -> None:
        """The destinations of ``group`` past the transit gateway the out leg reached."""
        assert out.arrival is not None and source.address is not None
        ranked = self.destinations.ranked
        behind = self._behind.get(out.key)
        if behind is None:
            behind = self._behind[out.key] = _Behind()
        for rank in bits(group & behind.unshared):
            _add(found, self.whole.middle(source, ranked[rank]), 1 << rank)
        group &= ~behind.unshared
        uncovered = group & ~behind.covered
        while uncovered:
            rank = (uncovered & -uncovered).bit_length() - 1
            destination = ranked[rank]
            assert destination.address is not None
            hop = self.legs.walk_hop(out.arrival, source.address, destination.address, _az_of(destination))
            if hop is UNSHARED:
                behind.unshared |= 1 << rank
                uncovered &= ~(1 << rank)
                group &= ~(1 << rank)
                _add(found, self.whole.middle(source, destination), 1 << rank)
                continue
            ranks = self.legs.keep_hop(out, hop, destination.address)
            behind.covered |= ranks
            uncovered &= ~ranks
        # Destinations that fare alike on their side of the hop, gathered over every hop, then the reply's
        # way back once per kind: it depends on their side only through where it meets the gateway.
        a = source.address
        limit = simulate.EVENT_BUDGET - 1 - out.events       # for the request's in leg
        gathered: dict[int, _Gathered] = {}
        for kept in self.legs.hops_after(out.key):
            part = group & kept.ranks
            if not part:
                continue
            cuts = kept.cuts
            if cuts is None:
                _add(found, self._ended(kept.leg.request_end), part)
                continue
            profile = cuts.profile(a)
            sides = self._sides.get((kept, profile))
            if sides is None:
                sides = self._sides[(kept, profile)] = self._sides_of(kept.leg, kept.ranks, a)
            for side in sides:
                mine = side.ranks & part
                if not mine:
                    continue
                if side.whole or side.in_events > limit:
                    self._add_whole(source, mine, found)
                    continue
                entry = gathered.get(side.kind)
                if entry is None:
                    gathered[side.kind] = _Gathered(side, mine, side.back_events)
                else:
                    entry.ranks |= mine
                    if side.back_events > entry.back_events:
                        entry.back_events = side.back_events
        for entry in gathered.values():
            self._back(source, entry.side, entry.ranks, entry.back_events, found)

    def _back(self, source: NetClass, side: _Side, mine: int, back_events: int, found: _Found) -> None:
        """The replies of the destinations ``mine``, which all fare as ``side`` on their side."""
        if side.ended is not None:
            _add(found, self._ended(side.ended), mine)
            return
        if side.back is None:
            assert side.reply is not None
            _add(found, self._made_of(side, side.reply), mine)
            return
        a = source.address
        assert a is not None and source.vpc is not None
        hop_back = self.legs.hop(side.back, side.address, a, _az_of(source))
        if hop_back is UNSHARED:
            self._add_whole(source, mine, found)
            return
        if hop_back.arrival is None:
            _add(found, self._made_of(side, hop_back.reply_end), mine)
            return
        # The way home: the same for destinations with one profile in the source VPC's intervals.
        ranked = self.destinations.ranked
        cuts = self.cuts.of_vpc(source.vpc)
        while mine:
            rank = (mine & -mine).bit_length() - 1
            d = ranked[rank].address
            assert d is not None
            same = mine & self.ranks.with_profile(cuts, cuts.profile(d))
            mine &= ~same
            home = self.legs.into(hop_back, source, d)
            if home is UNSHARED:
                self._add_whole(source, same, found)
                continue
            if home.arrival is not None and 1 + back_events + home.events > simulate.EVENT_BUDGET:
                self._add_whole(source, same, found)
                continue
            _add(found, self._made_of(side, REPLY_OK if home.arrival is not None else home.reply_end), same)

    def _add_whole(self, source: NetClass, ranks: int, found: _Found) -> None:
        """Pairs whose legs cannot be shared: one whole walk each."""
        ranked = self.destinations.ranked
        for rank in bits(ranks):
            _add(found, self.whole.middle(source, ranked[rank]), 1 << rank)

    # -- sides -----------------------------------------------------------------------------------------

    def _sides_of(self, hop: Leg, ranks: int, a: int) -> list[_Side]:
        """The destinations ``ranks`` behind ``hop``, grouped by what happens on their side — the in leg,
        then the reply's out leg — for every source with ``a``'s profile in the destination VPC's
        intervals (``ConsultedCuts.of_vpc``: every leg on that side consults a part of them)."""
        assert hop.arrival is not None
        ranked = self.destinations.ranked
        sides: dict[Hashable, _Side] = {}
        for rank in bits(ranks & self.ranks.interfaces):
            key, side = self._side_of(hop, ranked[rank], a)
            side.kind = self._side_kind(key)
            kept = sides.setdefault(key, side)
            kept.ranks |= 1 << rank
            kept.in_events = max(kept.in_events, side.in_events)
            kept.back_events = max(kept.back_events, side.back_events)
        return list(sides.values())

    def _side_of(self, hop: Leg, destination: NetClass, a: int) -> tuple[Hashable, _Side]:
        """How the request from ``a`` fares behind ``hop`` into ``destination``, then its reply out of it."""
        arrived = self.legs.into(hop, destination, a)
        if arrived is UNSHARED:
            return _WHOLE_SIDE, _Side(whole=True)
        key: Hashable
        if arrived.arrival is None:
            key, side = ("end", id(arrived.request_end)), _Side(ended=arrived.request_end)
        else:
            back = self.legs.out(destination, a, False)
            if back is UNSHARED or back.whole:
                return _WHOLE_SIDE, _Side(whole=True)
            if back.arrival is None:
                key = ("reply", arrived.key, id(back.reply_end))
                side = _Side(arrival=arrived.key, sample=arrived.arrival, reply=back.reply_end)
            else:
                key = ("back", arrived.key, back.key)
                side = _Side(arrival=arrived.key, sample=arrived.arrival, back=back,
                             address=destination.address or 0, back_events=back.events)
        side.in_events = arrived.events
        return key, side

    def _side_kind(self, key: Hashable) -> int:
        found = self._side_kinds.get(key)
        if found is None:
            found = self._side_kinds[key] = len(self._side_kinds)
        return found

    # -- middles, one object per value -----------------------------------------------------------------

    def _made_of(self, side: _Side, reply: Outcome) -> Middle:
        key = (side.arrival, id(reply))
        made = self._made.get(key)
        if made is None:
            assert side.sample is not None
            made = self._made[key] = arriving_as(side.sample, reply)
        return made

    def _ended(self, outcome: Outcome) -> Middle:
        key = (-1, id(outcome))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Middle(end=outcome)
        return made


def _add(found: _Found, middle: Middle | None, ranks: int) -> None:
    entry = found.get(id(middle))
    found[id(middle)] = (middle, (entry[1] if entry else 0) | ranks)


def _az_of(cls: NetClass) -> str:
    eni = cls.eni
    return eni.az if eni is not None else ""
