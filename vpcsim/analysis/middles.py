"""The middle of every conversation between two net classes: all of it but the two end security groups.

The end security groups (the source's egress, the destination's ingress) are decided per member by
``verdicts.py``; the rest is the same for every pair of members of two net classes (``classes.py``), so it
is walked between representatives. Walking it whole for every pair of classes is quadratic in the classes
(100k ENIs: 2,765 classes, 7.6M pairs), and across VPCs most of it is shared:

* *out leg*: a request leaves its VPC through the subnet's NACL, its route table and a transit gateway
  attachment the same way for every destination those decide alike — every destination whose address has
  the same *profile* in the intervals they consulted (``regions.Cuts``). One walk per source class and
  profile, its result applied to all those destination classes at once (rank masks).
* *hop leg*: the transit gateway reads the route table associated with the incoming attachment, the AZ
  and the destination's profile in that table (and, R8.9, the destination's AZ when the target has no
  subnet in the source's). One walk per (table, AZ, …) and profile, shared by every source.
* *in leg*, and the reply's *out leg*: what happens behind the hop depends on the destination and on the
  source's profile in the destination VPC's intervals. ``_sides_of`` groups the destinations behind a hop
  by that, once per (hop, source profile), for every source.
* the reply's hop and *in leg* home depend on the source, on where the reply meets the gateway and on the
  destination's profile in the source VPC's intervals: looked up once per group, not per pair.

Legs are walked by the engine (``simulate.walk_until``, paused where they end) with a fresh ``State``: on
such legs state is only written, never read (the request pins the AZ of the attachment it enters, the reply
enters the other VPC's attachment, R8.10). A leg stays shared only when every component it meets decides by
intervals alone — network ACLs, route tables, transit gateway attachments and hops. Anything else (NAT,
appliances, gateways, peering, a walk that meets the ends elsewhere, a loop) makes the pair fall back to
one whole walk between representatives (``whole``), as for pairs in one VPC or with the internet or a site;
a pair that walk cannot settle either is left to the caller to trace member by member.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from vpcsim.analysis.classes import NetClass
from vpcsim.analysis.destinations import Destinations, bits
from vpcsim.analysis.flows import Flow
from vpcsim.analysis.outcomes import NOT_APPLICABLE, Outcome
from vpcsim.analysis.regions import Cuts, Interval, intervals_of
from vpcsim.compile.components import EniKind, RouteTable
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
from vpcsim.engine.components import eni as eni_handler
from vpcsim.engine.ends import QueryEnd, resolve
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.forwarding import leave_eni
from vpcsim.engine.packet import ICMP, ICMPV6, Packet
from vpcsim.engine.results import ENDS_IN, ComponentKind, Decision, Direction, Disposition, Hop
from vpcsim.engine.state import State
from vpcsim.errors import QueryError
from vpcsim.ip import SERVICE_RANGE_V4

Fields = tuple[int, int, int, int]            # protocol, destination port, ICMP type, ICMP code


@dataclass(frozen=True, slots=True)
class Middle:
    """What happens between the two end security groups. ``end``: the conversation is settled before the
    destination's security group. Else the request arrives with ``fields`` and these context flags, from
    ``source`` (None: the source member's own private address), and ``reply`` is the outcome once the
    destination's security group admits it; ``arrival`` is one such arrival (for the engine's denial codes)."""

    end: Outcome | None = None
    reply: Outcome | None = None
    fields: Fields | None = None
    sg_references: bool = True
    entered_via: str = ""
    source: int | None = None
    arrival: Arrival | None = field(default=None, compare=False, hash=False)


class _Irregular(Exception):
    """The whole walk met the ends elsewhere, or left the packet's addresses changed: trace the pairs."""


class _NotShared(Exception):
    """A leg met a component that does not decide by intervals alone: walk the pair whole."""


@dataclass(frozen=True, slots=True, eq=False)
class _Leg:
    """A leg's result for every far-end address with ``profile`` in ``cuts`` (hop legs: and the profile
    ``extra_profile`` in ``extra``, and, when the AZ depends on the destination, only for destinations in
    ``az``). Either it stops at ``arrival`` or the packet is dropped on it (``request_end``, ``reply_end``)."""

    cuts: Cuts
    profile: int
    events: int                                   # arrivals the leg took, the arrival it stops at included
    arrival: Arrival | None = None                # where it stops
    key: int = -1                                 # what the next leg is keyed by (in legs: the arrival's kind)
    az: str | None = None
    table: Cuts | None = None                     # out legs: the transit gateway route table the hop reads
    extra: Cuts | None = None                     # hop legs: the target attachment's subnets, and the
    extra_profile: int = 0                        # profile there the leg holds for too
    request_end: Outcome = NOT_APPLICABLE         # a request dropped here ends so
    reply_end: Outcome = NOT_APPLICABLE           # a reply dropped here ends so
    whole: bool = False                           # out legs: not shareable, walk these pairs whole


@dataclass(slots=True)
class _Side:
    """Destinations behind one hop that fare alike on their side (for sources of one profile there)."""

    ranks: int = 0
    whole: bool = False                           # a leg could not be shared: walk each pair whole
    ended: Outcome | None = None                  # the request is dropped on the way in
    kind: int = -1                                # the kind of side (interned)
    arrival: int = -1                             # the request arrives like this (interned)
    sample: Arrival | None = None
    reply: Outcome | None = None                  # and the reply is dropped on the way out
    back: _Leg | None = None                      # or gets to the transit gateway like this
    address: int = 0                              # (from this destination)
    in_events: int = 0
    back_events: int = 0


REPLY_OK = Outcome(Disposition.ACCEPTED)
LEG_EVENTS = 32          # a leg is a few hops; a longer one is going round in circles: walk it whole


class Middles:
    """The middles of one network for one flow, by pair of net classes, from shared legs."""

    def __init__(self, net: CompiledNetwork, destinations: Destinations, flow: Flow) -> None:
        self.net = net
        self.destinations = destinations
        self.flow = flow
        self.walks = 0
        self._engine: dict[tuple[str, str], QueryEnd] = {}
        self._whole_cache: dict[tuple[int, int], Middle | None] = {}
        self._cuts: dict[Hashable, Cuts] = {}
        self._ranks: dict[tuple[int, int], int] = {}
        self._ids: dict[Hashable, int] = {}                               # leg keys, interned
        self._outs: dict[int, list[_Leg]] = {}                            # 2 * home class + forward
        # out leg's key -> hop legs: the leg, its ranks, the cuts of the VPC it enters, its sides by profile
        self._hops: dict[int, list[tuple[_Leg, int, Cuts | None, dict[int, list[_Side]]]]] = {}
        self._hops_by: dict[tuple[int, int], list[_Leg]] = {}             # and by profile in the table
        self._tables: dict[str | None, Cuts] = {}
        self._ins: dict[tuple[int, int], list[_Leg]] = {}                 # (hop leg's key, home class)
        self._made: dict[tuple[int, int], Middle] = {}                    # by identity of leg and outcome
        self._covered: dict[int, int] = {}                                # out leg's key -> ranks with a hop
        self._unshared: dict[int, int] = {}                               # and ranks whose hop is not shared
        self._vpc_cuts_cache: dict[str, Cuts] = {}
        self._route_tables_of: dict[str, list[RouteTable]] = {}
        for table in net.route_tables.values():
            self._route_tables_of.setdefault(table.vpc, []).append(table)
        ranked = destinations.ranked
        self._ordinary = sum(1 << i for i, cls in enumerate(ranked) if not cls.special)
        self._eni_ranks = sum(1 << i for i, cls in enumerate(ranked)
                              if not cls.special and cls.eni is not None and cls.address is not None)
        self._vpc_ranks: dict[str, int] = {}
        for i, cls in enumerate(ranked):
            if cls.vpc is not None:
                self._vpc_ranks[cls.vpc] = self._vpc_ranks.get(cls.vpc, 0) | (1 << i)
        self._az_ranks: dict[str, int] = {}
        for i, cls in enumerate(ranked):
            az = cls.eni.az if cls.eni is not None else ""
            self._az_ranks[az] = self._az_ranks.get(az, 0) | (1 << i)
        self._request = simulate.first_packet(flow.protocol, 4, 0, 0, flow.port, None)

    # -- every destination of one source class ---------------------------------------------------------

    def of(self, source: NetClass) -> dict[Middle | None, int]:
        """Middle -> ranks (``Destinations.ranked``) of the destination classes it holds for; None holds
        the classes whose pairs with ``source`` must be traced. Special classes are not included."""
        found: _Found = {}
        ranked = self.destinations.ranked
        across = 0
        if source.eni is not None and source.address is not None and source.vpc is not None:
            across = self._eni_ranks & ~self._vpc_ranks.get(source.vpc, 0)
        for rank in bits(self._ordinary & ~across):
            destination = ranked[rank]
            if destination is source and len(source.members) < 2:
                continue
            _add(found, self.whole(source, destination), 1 << rank)
        if across:
            self._across(source, across, found)
        by_value: dict[Middle | None, int] = {}
        for middle, ranks in found.values():
            by_value[middle] = by_value.get(middle, 0) | ranks
        return by_value

    # -- across VPCs, from legs ------------------------------------------------------------------------

    def _across(self, source: NetClass, candidates: int, found: _Found) -> None:
        ranked = self.destinations.ranked
        remaining = candidates
        while remaining:
            rank = (remaining & -remaining).bit_length() - 1
            destination = ranked[rank]
            assert destination.address is not None
            try:
                leg = self._out(source, destination.address, forward=True)
            except _NotShared:
                remaining &= ~(1 << rank)
                _add(found, self.whole(source, destination), 1 << rank)
                continue
            group = remaining & self._profile_ranks(leg.cuts, leg.profile)
            remaining &= ~group
            if leg.whole:
                self._add_whole(source, group, found)
            elif leg.arrival is None:
                _add(found, self._ended(leg.request_end), group)
            else:
                self._through(source, leg, group, found)

    def _through(self, source: NetClass, out: _Leg, group: int, found: _Found) -> None:
        """The destinations of ``group`` past the transit gateway the out leg reached."""
        assert out.arrival is not None and source.address is not None
        ranked = self.destinations.ranked
        hops = self._hops.setdefault(out.key, [])
        unshared = self._unshared.get(out.key, 0)
        for rank in bits(group & unshared):
            _add(found, self.whole(source, ranked[rank]), 1 << rank)
        group &= ~unshared
        uncovered = group & ~self._covered.get(out.key, 0)
        while uncovered:
            rank = (uncovered & -uncovered).bit_length() - 1
            destination = ranked[rank]
            assert destination.address is not None
            try:
                hop = self._walk_hop(out.arrival, source.address, destination.address, _az_of(destination))
            except _NotShared:
                self._unshared[out.key] = self._unshared.get(out.key, 0) | (1 << rank)
                uncovered &= ~(1 << rank)
                group &= ~(1 << rank)
                _add(found, self.whole(source, destination), 1 << rank)
                continue
            ranks = self._keep_hop(out, hop, destination.address)
            self._covered[out.key] = self._covered.get(out.key, 0) | ranks
            uncovered &= ~ranks
        # Destinations that fare alike on their side of the hop, gathered over every hop, then the reply's
        # way back once per kind: it depends on their side only through where it meets the gateway.
        a = source.address
        limit = simulate.EVENT_BUDGET - 1 - out.events       # for the request's in leg
        gathered: dict[int, list[Any]] = {}
        for hop, ranks, cuts, sides_of in hops:
            part = group & ranks
            if not part:
                continue
            if cuts is None:
                _add(found, self._ended(hop.request_end), part)
                continue
            sides = sides_of.get(cuts.profile(a))
            if sides is None:
                sides = sides_of[cuts.profile(a)] = self._sides_of(hop, ranks, a)
            for side in sides:
                mine = side.ranks & part
                if not mine:
                    continue
                if side.whole or side.in_events > limit:
                    self._add_whole(source, mine, found)
                    continue
                entry = gathered.get(side.kind)
                if entry is None:
                    gathered[side.kind] = [side, mine, side.back_events]
                else:
                    entry[1] |= mine
                    if side.back_events > entry[2]:
                        entry[2] = side.back_events
        for side, mine, back_events in gathered.values():
            self._back(source, side, mine, back_events, found)

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
        try:
            hop_back = self._hop(side.back, side.address, a, _az_of(source))
        except _NotShared:
            self._add_whole(source, mine, found)
            return
        if hop_back.arrival is None:
            _add(found, self._made_of(side, hop_back.reply_end), mine)
            return
        # The way home: the same for destinations with one profile in the source VPC's intervals.
        ranked = self.destinations.ranked
        cuts = self._vpc_cuts(source.vpc)
        while mine:
            rank = (mine & -mine).bit_length() - 1
            d = ranked[rank].address
            assert d is not None
            same = mine & self._profile_ranks(cuts, cuts.profile(d))
            mine &= ~same
            try:
                home = self._in(hop_back, source, d)
            except _NotShared:
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
            _add(found, self.whole(source, ranked[rank]), 1 << rank)

    def _sides_of(self, hop: _Leg, ranks: int, a: int) -> list[_Side]:
        """The destinations ``ranks`` behind ``hop``, grouped by what happens on their side — the in leg,
        then the reply's out leg — for every source with ``a``'s profile in the destination VPC's
        intervals (``_vpc_cuts``: every leg on that side consults a part of them)."""
        assert hop.arrival is not None
        ranked = self.destinations.ranked
        sides: dict[Hashable, _Side] = {}
        for rank in bits(ranks & self._eni_ranks):
            destination = ranked[rank]
            key: Hashable
            try:
                arrived = self._in(hop, destination, a)
                if arrived.arrival is None:
                    key, side = ("end", id(arrived.request_end)), _Side(ended=arrived.request_end)
                else:
                    back = self._out(destination, a, False)
                    if back.whole:
                        raise _NotShared
                    if back.arrival is None:
                        key = ("reply", arrived.key, id(back.reply_end))
                        side = _Side(arrival=arrived.key, sample=arrived.arrival, reply=back.reply_end)
                    else:
                        key = ("back", arrived.key, back.key)
                        side = _Side(arrival=arrived.key, sample=arrived.arrival, back=back,
                                     address=destination.address or 0, back_events=back.events)
                side.in_events = arrived.events
            except _NotShared:
                key, side = ("whole",), _Side(whole=True)
            side.kind = self._id(("side", key))
            kept = sides.setdefault(key, side)
            kept.ranks |= 1 << rank
            kept.in_events = max(kept.in_events, side.in_events)
            kept.back_events = max(kept.back_events, side.back_events)
        return list(sides.values())

    def _made_of(self, side: _Side, reply: Outcome) -> Middle:
        made = self._made.get((side.arrival, id(reply)))
        if made is None:
            arrival = side.sample
            assert arrival is not None
            context = arrival.context
            made = self._made[(side.arrival, id(reply))] = Middle(
                reply=reply, fields=_fields_of(arrival.packet), sg_references=context.sg_references,
                entered_via=context.entered_via, arrival=arrival)
        return made

    def _vpc_cuts(self, vpc: str) -> Cuts:
        """Every interval a leg inside ``vpc`` may consult about the far end's address: its CIDRs, its
        subnets, their network ACLs (both directions), its route tables, the AWS service range."""
        found = self._vpc_cuts_cache.get(vpc)
        if found is None:
            net = self.net
            intervals: list[Interval] = list(intervals_of(net.vpcs[vpc].cidrs, 4))
            intervals.append((SERVICE_RANGE_V4.start, SERVICE_RANGE_V4.end))
            for name in net.vpcs[vpc].subnets:
                subnet = net.subnets[name]
                intervals += intervals_of([subnet.cidr] if subnet.cidr is not None else [], 4)
                acl = net.network_acls[subnet.network_acl]
                for direction in (acl.ingress, acl.egress):
                    rules = direction.get(4)
                    if rules is not None:
                        intervals += ((s, e) for r in rules.rules for f, s, e in r.peer.ranges if f == 4)
            for table in self._route_tables_of.get(vpc, ()):
                intervals += intervals_of((r.prefix for r in table.routes), 4)
            found = self._vpc_cuts_cache[vpc] = Cuts.of(intervals)
        return found

    def _ended(self, outcome: Outcome) -> Middle:
        made = self._made.get((-1, id(outcome)))
        if made is None:
            made = self._made[(-1, id(outcome))] = Middle(end=outcome)
        return made

    # -- legs ---------------------------------------------------------------------------------------------

    def _out(self, home: NetClass, remote: int, forward: bool) -> _Leg:
        """The leg from ``home``'s interface to the transit gateway, for the remote address ``remote``."""
        legs = self._outs.get(2 * home.index + forward)
        if legs is None:
            legs = self._outs[2 * home.index + forward] = []
        for leg in legs:
            if leg.cuts.profile(remote) == leg.profile:
                return leg
        leg = self._walk_out(home, remote, forward)
        legs.append(leg)
        return leg

    def _hop(self, out: _Leg, src: int, dst: int, az: str) -> _Leg:
        assert out.table is not None and out.arrival is not None
        for hop in self._hops_by.get((out.key, out.table.profile(dst)), ()):
            if (hop.extra is None or hop.extra.profile(dst) == hop.extra_profile) and (hop.az is None or hop.az == az):
                return hop
        hop = self._walk_hop(out.arrival, src, dst, az)
        self._keep_hop(out, hop, dst)
        return hop

    def _keep_hop(self, out: _Leg, hop: _Leg, dst: int) -> int:
        assert out.table is not None
        ranks = self._profile_ranks(hop.cuts, hop.profile)
        if hop.extra is not None:
            ranks &= self._profile_ranks(hop.extra, hop.extra_profile)
        if hop.az is not None:
            ranks &= self._az_ranks.get(hop.az, 0)
        cuts = self._vpc_cuts(hop.arrival.context.vpc) if hop.arrival is not None else None
        self._hops.setdefault(out.key, []).append((hop, ranks, cuts, {}))
        self._hops_by.setdefault((out.key, out.table.profile(dst)), []).append(hop)
        return ranks

    def _table_cuts(self, boundary: Arrival) -> Cuts:
        """The transit gateway route table a hop from ``boundary`` looks up (R8.2), as cuts."""
        name = self.net.tgw_attachments[boundary.context.attachment].route_table
        found = self._tables.get(name)
        if found is None:
            found = self._tables[name] = self._cuts_of((("tgw-routes", name),), [])
        return found

    def _in(self, hop: _Leg, home: NetClass, remote: int) -> _Leg:
        """The leg from where the hop entered the VPC to ``home``'s interface, for the remote ``remote``."""
        legs = self._ins.get((hop.key, home.index))
        if legs is None:
            legs = self._ins[(hop.key, home.index)] = []
        for leg in legs:
            if leg.cuts.profile(remote) == leg.profile:
                return leg
        leg = self._walk_in(hop, home, remote)
        legs.append(leg)
        return leg

    def _id(self, key: Hashable) -> int:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._ids)
        return found

    def _walk_out(self, home: NetClass, remote: int, forward: bool) -> _Leg:
        net = self.net
        eni = home.eni
        assert eni is not None and home.address is not None
        request = self._request
        if forward:
            packet = replace(request, src=home.address, dst=remote)
            context = Context(vpc=eni.vpc, az=eni.az)
        else:
            packet = replace(request, src=remote, dst=home.address).reply()
            context = Context(direction=Direction.RETURN, vpc=eni.vpc, az=eni.az)
        first = leave_eni(net, eni, packet, context)
        if isinstance(first, Step) or first.at is not At.NACL_OUT:
            raise _NotShared                      # a neighbour in the same subnet: found by its exact address
        seen: list[Arrival] = []

        def pause(arrival: Arrival) -> bool:
            seen.append(arrival)
            at = arrival.at
            if at is At.TGW:
                return True
            if at is At.NACL_OUT or at is At.ROUTE_TABLE:
                return False
            if at is At.NACL_IN and self._is_attachment(arrival.context.target_eni):
                return False
            if at is At.ENI_IN and self._is_attachment(arrival.name):
                return False
            raise _NotShared

        subnet = net.subnets[eni.subnet]
        parts: list[Hashable] = [("subnet", eni.subnet)]
        intervals: list[Interval] = list(intervals_of([subnet.cidr] if subnet.cidr is not None else [], 4))
        try:
            hops, end, arrival = self._walk(first, pause)
        except _NotShared:
            # Where the walk stopped being shareable was decided by the components met before: every remote
            # address with this profile in their intervals stops there too, and is walked whole straight away.
            parts += [("acl-egress" if stop.at is At.NACL_OUT else "routes", stop.name) for stop in seen
                      if stop.at is At.NACL_OUT or stop.at is At.ROUTE_TABLE]
            cuts = self._cuts_of(tuple(parts), intervals)
            return _Leg(cuts, cuts.profile(remote), len(seen), whole=True)
        parts += [("acl-egress" if stop.at is At.NACL_OUT else "routes", stop.name) for stop in seen
                  if stop.at is At.NACL_OUT or stop.at is At.ROUTE_TABLE]
        cuts = self._cuts_of(tuple(parts), intervals)
        leg = self._leg(cuts, remote, len(seen), hops, end)
        if arrival is None:
            return leg
        if arrival.packet.src != packet.src or arrival.packet.dst != packet.dst:
            raise _NotShared
        return replace(leg, arrival=arrival, key=self._id(_hop_key(net, arrival)), table=self._table_cuts(arrival))

    def _walk_hop(self, boundary: Arrival, src: int, dst: int, az: str) -> _Leg:
        """The transit gateway's decision and the hand-off into the target VPC (R8.2-R8.10)."""
        net = self.net
        start = Arrival(At.TGW, boundary.name, replace(boundary.packet, src=src, dst=dst), boundary.context)
        seen: list[Arrival] = []

        def pause(arrival: Arrival) -> bool:
            seen.append(arrival)
            if len(seen) == 1:
                return False
            if arrival.at is not At.NACL_OUT:
                raise _NotShared              # into the attachment's own subnet, or on to a peer gateway
            return True

        hops, end, arrival = self._walk(start, pause)
        table = self._table_cuts(boundary)
        leg = self._leg(table, dst, len(seen), hops, end)
        target = net.tgw_attachments.get(arrival.context.attachment) if arrival is not None else None
        if target is not None:         # into the target VPC: leave_eni asks whether dst is in the attachment's subnet
            subnets = self._cuts_of((("attachment", target.name),), list(intervals_of(
                (c for s in target.subnets_by_az.values() if (c := net.subnets[s].cidr) is not None), 4)))
            leg = replace(leg, extra=subnets, extra_profile=subnets.profile(dst))
        if end is not None and hops[-1].kind is ComponentKind.ENI:
            raise _NotShared                  # into the attachment's own subnet: found by its exact address
        if arrival is None or target is None:
            return leg
        if arrival.packet.src != src or arrival.packet.dst != dst or arrival.context.vpc != target.resource:
            raise _NotShared
        # R8.9: the AZ is the source's when the target has it, else the destination's.
        depends = boundary.context.az not in target.enis_by_az
        return replace(leg, arrival=arrival, key=self._id(_in_key(arrival)), az=az if depends else None)

    def _walk_in(self, hop: _Leg, home: NetClass, remote: int) -> _Leg:
        eni = home.eni
        entry = hop.arrival
        assert eni is not None and home.address is not None and entry is not None
        packet = replace(entry.packet, src=remote, dst=home.address)
        seen: list[Arrival] = []

        def pause(arrival: Arrival) -> bool:
            seen.append(arrival)
            at = arrival.at
            if at is At.ENI_IN:
                if arrival.name == eni.name:
                    return True
                raise _NotShared
            if at is At.NACL_IN:
                if arrival.context.target_eni == eni.name:
                    return False
                raise _NotShared
            if at is At.NACL_OUT or at is At.ROUTE_TABLE:
                return False
            raise _NotShared

        hops, end, arrival = self._walk(Arrival(entry.at, entry.name, packet, entry.context), pause)
        parts = tuple(("acl-ingress", stop.name) for stop in seen if stop.at is At.NACL_IN)
        cuts = self._cuts_of(parts, [])
        leg = self._leg(cuts, remote, len(seen), hops, end)
        if arrival is None:
            return leg
        moved = arrival.packet
        if moved.src != remote or moved.dst != home.address or _shape(moved)[:-2] != _shape(packet)[:-2]:
            raise _NotShared
        # What the destination's security group and the matrix read of the arrival: one ``Middle`` per kind.
        context = arrival.context
        kind = self._id(("arrival", _fields_of(moved), context.sg_references, context.entered_via))
        return replace(leg, arrival=arrival, key=kind)

    def _walk(self, first: Arrival | Step, pause: Callable[[Arrival], bool]
              ) -> tuple[list[Hop], End | None, Arrival | None]:
        self.walks += 1
        return simulate.walk_until(self.net, State(), first, pause)

    def _leg(self, cuts: Cuts, address: int, events: int, hops: list[Hop], end: End | None) -> _Leg:
        if events > LEG_EVENTS:
            raise _NotShared
        leg = _Leg(cuts, cuts.profile(address), events)
        if end is None:
            return leg
        last = hops[-1]
        if end.how != "dropped" or last.decision is Decision.LOOP:
            raise _NotShared
        code = last.code or "UNKNOWN"
        return replace(leg, request_end=Outcome(ENDS_IN.get(last.decision, Disposition.NO_ROUTE), code),
                       reply_end=Outcome(Disposition.REPLY_DENIED, code))

    def _cuts_of(self, parts: tuple[Hashable, ...], extra: list[Interval]) -> Cuts:
        """The intervals of the components a leg met (``parts``) and of the containment tests around them."""
        key = (parts, tuple(extra))
        found = self._cuts.get(key)
        if found is None:
            net = self.net
            intervals = list(extra)
            for part in parts:
                assert isinstance(part, tuple)
                kind, name = part
                if kind == "acl-egress" or kind == "acl-ingress":
                    acl = net.network_acls[net.subnets[name].network_acl]
                    rules = (acl.egress if kind == "acl-egress" else acl.ingress).get(4)
                    if rules is not None:
                        intervals += ((s, e) for r in rules.rules for f, s, e in r.peer.ranges if f == 4)
                elif kind == "routes":
                    routes = net.route_tables[name]
                    intervals += intervals_of((r.prefix for r in routes.routes), 4)
                    intervals += intervals_of(net.vpcs[routes.vpc].cidrs, 4)
                    intervals.append((SERVICE_RANGE_V4.start, SERVICE_RANGE_V4.end))
                elif kind == "tgw-routes" and name is not None:
                    intervals += intervals_of((r.prefix for r in net.tgw_route_tables[name].routes), 4)
            found = self._cuts[key] = Cuts.of(intervals)
        return found

    def _profile_ranks(self, cuts: Cuts, profile: int) -> int:
        """Ranks of the destination classes whose address has ``profile`` in ``cuts``."""
        key = (id(cuts), profile)
        found = self._ranks.get(key)
        if found is None:
            destinations = self.destinations
            found = 0
            for start, end in cuts.ranges(profile, 0, (1 << 32) - 1):
                found |= destinations.ranks_mask_between(start, end)
            self._ranks[key] = found
        return found

    def _is_attachment(self, name: str) -> bool:
        eni = self.net.enis.get(name)
        return eni is not None and eni.kind is EniKind.TGW_ATTACHMENT

    # -- one whole walk between representatives -------------------------------------------------------

    def whole(self, source: NetClass, destination: NetClass) -> Middle | None:
        key = (source.index, destination.index)
        if key in self._whole_cache:
            return self._whole_cache[key]
        a_rep = source.members[0]
        d_rep = destination.members[1] if source is destination else destination.members[0]
        try:
            found: Middle | None = self._whole(a_rep.name, d_rep.name)
        except (_Irregular, QueryError):
            found = None
        self._whole_cache[key] = found
        return found

    def _engine_endpoint(self, name: str, role: str) -> QueryEnd:
        key = (name, role)
        found = self._engine.get(key)
        if found is None:
            found = self._engine[key] = resolve(self.net, name, role)
        return found

    def _whole(self, a_name: str, d_name: str) -> Middle:
        net = self.net
        src = self._engine_endpoint(a_name, "from")
        dst = self._engine_endpoint(d_name, "to")
        if src.kind == "internet" and dst.kind == "internet":
            raise _Irregular
        family = simulate.choose_family(src, dst)
        if family != 4:
            raise _Irregular
        src_address = src.address_for(family)
        dst_address = dst.address_for(family, public=src.kind in ("internet", "site"))
        if src_address is None or dst_address is None:
            raise _Irregular
        packet = simulate.first_packet(self.flow.protocol, family, src_address, dst_address, self.flow.port, None)
        self.walks += 1
        state = State()
        a_eni, d_eni = src.eni, dst.eni
        first: Arrival | Step
        if a_eni is not None:
            first = leave_eni(net, a_eni, packet, Context(vpc=a_eni.vpc, az=a_eni.az))
            events = 1                       # the source's own ENI_OUT step, taken by the egress verdict
        else:
            first = simulate.injection(net, src, packet, dst)
            events = 0
        ends = {(At.ENI_OUT, a_eni.name), (At.ENI_IN, a_eni.name)} if a_eni is not None else set()
        if d_eni is not None:
            ends.add((At.ENI_OUT, d_eni.name))
        stop = (At.ENI_IN, d_eni.name) if d_eni is not None else None
        hops, end, arrival = _walk_until(net, state, first, stop, ends, events)
        if arrival is not None:
            assert d_eni is not None
            if not d_eni.owns(arrival.packet.family, arrival.packet.dst) or arrival.packet.dst != d_eni.primary_ip:
                raise _Irregular
            source: int | None = arrival.packet.src
            if a_eni is not None and source == a_eni.primary_ip:
                source = None                 # the source member's own address
            elif a_eni is not None and a_eni.public_ip is not None and source == a_eni.public_ip:
                raise _Irregular              # its public address: differs per member
            if d_eni.kind in eni_handler.AUTO_TRACKED or arrival.context.entered_via == "tgw":
                state.force_tracking()       # what eni.handle_in does to the state before its verdict (R3.12)
            answer = arrival.packet.reply()
            start = leave_eni(net, d_eni, answer, Context(direction=Direction.RETURN, vpc=d_eni.vpc, az=d_eni.az))
            reply = self._reply(state, start, a_eni, d_eni, Disposition.ACCEPTED, packet)
            return Middle(reply=reply, fields=_fields_of(arrival.packet), sg_references=arrival.context.sg_references,
                          entered_via=arrival.context.entered_via, source=source, arrival=arrival)
        assert end is not None
        if end.how == "dropped":
            last = hops[-1]
            return Middle(end=Outcome(ENDS_IN.get(last.decision, Disposition.NO_ROUTE), last.code or "UNKNOWN"))
        if end.how == "delivered":
            raise _Irregular                  # delivered to an interface that is not the destination
        if end.reply_from is None:
            return Middle(end=Outcome(Disposition.EXITS_NETWORK))
        return Middle(end=self._reply(state, end.reply_from, a_eni, d_eni, Disposition.EXITS_NETWORK, packet,
                                      events=0))

    def _reply(self, state: State, start: Arrival | Step, a_eni: object, d_eni: object, success: Disposition,
               sent: Packet, events: int = 1) -> Outcome:
        from vpcsim.compile.components import Eni

        assert a_eni is None or isinstance(a_eni, Eni)
        assert d_eni is None or isinstance(d_eni, Eni)
        ends: set[tuple[At, str]] = {(At.ENI_OUT, a_eni.name)} if a_eni is not None else set()
        if d_eni is not None:
            ends |= {(At.ENI_IN, d_eni.name), (At.ENI_OUT, d_eni.name)}
        stop = (At.ENI_IN, a_eni.name) if a_eni is not None else None
        hops, end, arrival = _walk_until(self.net, state, start, stop, ends, events)
        if arrival is not None:
            if a_eni is None or not a_eni.owns(arrival.packet.family, arrival.packet.dst):
                raise _Irregular
            # Connection tracking admits the reply only if it answers exactly what was sent; a reply
            # translated on its way back (a NAT gateway on the return path only) meets the source's
            # ingress rules, which differ per source group: trace such pairs one by one.
            tracked = State()
            tracked.track(a_eni.name, sent)
            if not tracked.is_reply(a_eni.name, arrival.packet):
                raise _Irregular
            return Outcome(success)
        assert end is not None
        if end.how == "dropped":
            return Outcome(Disposition.REPLY_DENIED, hops[-1].code or "UNKNOWN")
        if end.how == "delivered":
            raise _Irregular
        return Outcome(success)


_Found = dict[int, tuple[Middle | None, int]]        # by identity of the middle (hashing one is slow)


def _add(found: _Found, middle: Middle | None, ranks: int) -> None:
    entry = found.get(id(middle))
    found[id(middle)] = (middle, (entry[1] if entry else 0) | ranks)


def _az_of(cls: NetClass) -> str:
    eni = cls.eni
    return eni.az if eni is not None else ""


def _icmp_code(packet: Packet) -> int:
    return max(packet.icmp_code, 0) if packet.protocol in (ICMP, ICMPV6) else packet.icmp_code


def _fields_of(packet: Packet) -> Fields:
    return packet.protocol, packet.dst_port, packet.icmp_type, _icmp_code(packet)


def _shape(packet: Packet) -> tuple[int | str, ...]:
    """Everything of a packet but its addresses (TTL and length last)."""
    return (packet.family, packet.protocol, packet.src_port, packet.dst_port, packet.icmp_type, packet.icmp_code,
            packet.tcp_flags, packet.ttl, packet.length)


def _hop_key(net: CompiledNetwork, arrival: Arrival) -> Hashable:
    """What a transit gateway hop reads besides the destination: the route table and SG-referencing of the
    incoming attachment (R8.2, R8.15), the AZ it came from (R8.9), the flags the context carries on, and the
    packet. The incoming attachment's name itself only shows in messages."""
    context = arrival.context
    source = net.tgw_attachments[context.attachment]
    return (arrival.name, source.route_table, source.sg_referencing, context.sg_references, context.az,
            context.direction, context.gateway, context.link_local, context.entered_via, _shape(arrival.packet))


def _in_key(arrival: Arrival) -> Hashable:
    """An arrival into a VPC, for the in legs that start there. ``target_eni`` still names the interface the
    packet entered the transit gateway by and is replaced before anything reads it (delivery sets it);
    ``sender`` only labels network ACL hops."""
    context = arrival.context.but(target_eni="", sender="")
    return (arrival.at, arrival.name, context, _shape(arrival.packet))


def _walk_until(net: CompiledNetwork, state: State, first: Arrival | Step, stop: tuple[At, str] | None,
                ends: set[tuple[At, str]], events: int, budget: int = simulate.EVENT_BUDGET
                ) -> tuple[list[Hop], End | None, Arrival | None]:
    """``simulate.walk_until`` that stops when the packet arrives at ``stop`` (returned, not handled), and gives
    up (``_Irregular``) if it arrives at one of ``ends`` on the way."""

    def pause(arrival: Arrival) -> bool:
        where = (arrival.at, arrival.name)
        if where == stop:
            return True
        if where in ends:
            raise _Irregular
        return False

    return simulate.walk_until(net, state, first, pause, events, budget)
