"""Legs of the walks across VPCs, each walked once and shared by every pair its components cannot tell apart.

* *out leg*: a request leaves its VPC through the subnet's NACL, its route table and a transit gateway
  attachment the same way for every destination those decide alike — every destination whose address has
  the same *profile* in the intervals they consulted (``consulted.py``). The reply's out leg is the same
  from the destination's side.
* *hop leg*: the transit gateway reads the route table associated with the incoming attachment, the AZ
  and the destination's profile in that table (and, R8.9, the destination's AZ when the target has no
  subnet in the source's), then hands the packet into the target VPC.
* *in leg*: from where the hop entered a VPC to the interface of the far end.

Legs are walked by the engine (``simulate.walk_until``) with a fresh ``State``: on such legs state is only
written, never read (the request pins the AZ of the attachment it enters, the reply enters the other VPC's
attachment, R8.10). At each arrival the leg's rule (a ``Stop``) says whether it goes on, ends there (the
arrival is handed back unhandled), or met a component that does not decide by intervals alone — NAT,
appliances, gateways, peering, the ends met elsewhere, a loop. Then the leg is ``UNSHARED`` and the pairs it
was for are walked whole (``whole.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from typing import Final, NamedTuple

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.classes import NetClass
from vpcsim.analysis.matrix.consulted import ConsultedCuts, Met, Part
from vpcsim.analysis.matrix.outcomes import NOT_APPLICABLE, Outcome
from vpcsim.analysis.matrix.ranks import DestinationRanks
from vpcsim.analysis.matrix.regions import Cuts, Interval, intervals_of
from vpcsim.analysis.matrix.rule_matching import fields_of
from vpcsim.compile.components import EniKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.forwarding import leave_eni
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ENDS_IN, ComponentKind, Decision, Direction, Disposition, Hop
from vpcsim.engine.state import State

LEG_EVENTS = 32          # a leg is a few hops; a longer one is going round in circles: walk it whole


class Unshared(Enum):
    """A leg met something that does not decide by intervals alone: its pairs are walked whole."""

    LEG = "unshared"


UNSHARED: Final = Unshared.LEG


class Stop(Enum):
    """What a leg does at an arrival, as its rule says."""

    NOT_YET = "go on"
    HERE = "the leg ends here"
    UNSHAREABLE = "the leg cannot be shared"


@dataclass(frozen=True, slots=True, eq=False)
class Leg:
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


@dataclass(frozen=True, slots=True, eq=False)
class KeptHop:
    """A hop leg behind the transit gateway an out leg reaches, with the destination classes it holds for
    (rank mask) and the cuts of the VPC it enters (None: the request ends at the gateway). Hashed by
    identity: ``middles.py`` keeps what lies behind each one."""

    leg: Leg
    ranks: int
    cuts: Cuts | None


class _Walked(NamedTuple):
    hops: list[Hop]
    end: End | None
    arrival: Arrival | None                       # where the leg's rule stopped the walk (unhandled)
    seen: list[Arrival]                           # every arrival the rule was asked about, that one included
    shared: bool                                  # False: the rule stopped it as unshareable


StopRule = Callable[[Arrival, int], Stop]         # an arrival and how many the leg has met (it included)


class Legs:
    """The legs of one network's walks for one flow, walked once each and kept for every later pair.

    Kept: a home class's out legs (by class and direction) and in legs (by the hop leg they follow and the
    class), each found again by the far end's profile; the hop legs behind each kind of out leg, found by
    the destination's profile in the out leg's transit gateway table; and the keys legs are grouped by,
    interned as small ints (hashing the int is quicker than hashing the key)."""

    def __init__(self, net: CompiledNetwork, cuts: ConsultedCuts, ranks: DestinationRanks, flow: Flow) -> None:
        self.net = net
        self.cuts = cuts
        self.ranks = ranks
        self.walks = 0
        self._request = simulate.first_packet(flow.protocol, 4, 0, 0, flow.port, None)
        self._outs: dict[int, list[Leg]] = {}                        # 2 * home class + forward
        self._ins: dict[tuple[int, int], list[Leg]] = {}             # (hop leg's key, home class)
        self._hops_after: dict[int, list[KeptHop]] = {}              # out leg's key
        self._hops_by: dict[tuple[int, int], list[Leg]] = {}         # (out leg's key, profile in its table)
        self._keys: dict[Hashable, int] = {}

    # -- finding a leg, or walking it --------------------------------------------------------------------

    def out(self, home: NetClass, remote: int, forward: bool) -> Leg | Unshared:
        """The leg from ``home``'s interface to the transit gateway, for the remote address ``remote``."""
        legs = self._outs.setdefault(2 * home.index + forward, [])
        return _kept(legs, remote) or _keeping(legs, self._walk_out(home, remote, forward))

    def hop(self, out: Leg, src: int, dst: int, az: str) -> Leg | Unshared:
        """The hop leg from the transit gateway ``out`` reaches, for ``src`` to ``dst`` (from ``az``)."""
        assert out.table is not None and out.arrival is not None
        for hop in self._hops_by.get((out.key, out.table.profile(dst)), ()):
            if (hop.extra is None or hop.extra.profile(dst) == hop.extra_profile) and (hop.az is None or hop.az == az):
                return hop
        walked = self.walk_hop(out.arrival, src, dst, az)
        if walked is not UNSHARED:
            self.keep_hop(out, walked, dst)
        return walked

    def into(self, hop: Leg, home: NetClass, remote: int) -> Leg | Unshared:
        """The leg from where the hop entered the VPC to ``home``'s interface, for the remote ``remote``."""
        legs = self._ins.setdefault((hop.key, home.index), [])
        return _kept(legs, remote) or _keeping(legs, self._walk_in(hop, home, remote))

    def keep_hop(self, out: Leg, hop: Leg, dst: int) -> int:
        """Keep ``hop`` behind ``out``'s transit gateway (walked for ``dst``); the classes it holds for."""
        assert out.table is not None
        ranks = self.ranks.with_profile(hop.cuts, hop.profile)
        if hop.extra is not None:
            ranks &= self.ranks.with_profile(hop.extra, hop.extra_profile)
        if hop.az is not None:
            ranks &= self.ranks.by_az.get(hop.az, 0)
        cuts = self.cuts.of_vpc(hop.arrival.context.vpc) if hop.arrival is not None else None
        self.hops_after(out.key).append(KeptHop(hop, ranks, cuts))
        self._hops_by.setdefault((out.key, out.table.profile(dst)), []).append(hop)
        return ranks

    def hops_after(self, out_key: int) -> list[KeptHop]:
        """The hop legs kept so far behind the out legs keyed ``out_key`` (the list itself: it grows)."""
        found = self._hops_after.get(out_key)
        if found is None:
            found = self._hops_after[out_key] = []
        return found

    # -- walking ---------------------------------------------------------------------------------------

    def _walk_out(self, home: NetClass, remote: int, forward: bool) -> Leg | Unshared:
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
            return UNSHARED                       # a neighbour in the same subnet: found by its exact address
        walked = self._walk(first, self._out_rule)
        subnet = net.subnets[eni.subnet]
        parts: list[Part] = [(Met.SUBNET, eni.subnet)]
        parts += [(Met.ACL_EGRESS if stop.at is At.NACL_OUT else Met.ROUTES, stop.name) for stop in walked.seen
                  if stop.at is At.NACL_OUT or stop.at is At.ROUTE_TABLE]
        intervals: list[Interval] = list(intervals_of([subnet.cidr] if subnet.cidr is not None else [], 4))
        cuts = self.cuts.of(tuple(parts), intervals)
        if not walked.shared:
            # Where the walk stopped being shareable was decided by the components met before: every remote
            # address with this profile in their intervals stops there too, and is walked whole straight away.
            return Leg(cuts, cuts.profile(remote), len(walked.seen), whole=True)
        leg = self._leg(cuts, remote, walked)
        arrival = walked.arrival
        if leg is UNSHARED or arrival is None:
            return leg
        if arrival.packet.src != packet.src or arrival.packet.dst != packet.dst:
            return UNSHARED
        table = self.cuts.of_tgw_table(net.tgw_attachments[arrival.context.attachment].route_table)
        return replace(leg, arrival=arrival, key=self._key(_hop_key(net, arrival)), table=table)

    def _out_rule(self, arrival: Arrival, met: int) -> Stop:
        """Out of the subnet through its network ACL and route tables, into and through the transit gateway
        attachment's interface, up to the gateway."""
        at = arrival.at
        if at is At.TGW:
            return Stop.HERE
        if at is At.NACL_OUT or at is At.ROUTE_TABLE:
            return Stop.NOT_YET
        if at is At.NACL_IN and self._is_attachment(arrival.context.target_eni):
            return Stop.NOT_YET
        if at is At.ENI_IN and self._is_attachment(arrival.name):
            return Stop.NOT_YET
        return Stop.UNSHAREABLE

    def walk_hop(self, boundary: Arrival, src: int, dst: int, az: str) -> Leg | Unshared:
        """The transit gateway's decision and the hand-off into the target VPC (R8.2-R8.10)."""
        net = self.net
        start = Arrival(At.TGW, boundary.name, replace(boundary.packet, src=src, dst=dst), boundary.context)
        walked = self._walk(start, _hop_rule)
        if not walked.shared:
            return UNSHARED                       # into the attachment's own subnet, or on to a peer gateway
        table = self.cuts.of_tgw_table(net.tgw_attachments[boundary.context.attachment].route_table)
        leg = self._leg(table, dst, walked)
        if leg is UNSHARED:
            return UNSHARED
        arrival = walked.arrival
        target = net.tgw_attachments.get(arrival.context.attachment) if arrival is not None else None
        if target is not None:         # into the target VPC: leave_eni asks whether dst is in the attachment's subnet
            subnets = self.cuts.of(((Met.ATTACHMENT, target.name),), list(intervals_of(
                (c for s in target.subnets_by_az.values() if (c := net.subnets[s].cidr) is not None), 4)))
            leg = replace(leg, extra=subnets, extra_profile=subnets.profile(dst))
        if walked.end is not None and walked.hops[-1].kind is ComponentKind.ENI:
            return UNSHARED                       # into the attachment's own subnet: found by its exact address
        if arrival is None or target is None:
            return leg
        if arrival.packet.src != src or arrival.packet.dst != dst or arrival.context.vpc != target.resource:
            return UNSHARED
        # R8.9: the AZ is the source's when the target has it, else the destination's.
        depends = boundary.context.az not in target.enis_by_az
        return replace(leg, arrival=arrival, key=self._key(_in_key(arrival)), az=az if depends else None)

    def _walk_in(self, hop: Leg, home: NetClass, remote: int) -> Leg | Unshared:
        eni = home.eni
        entry = hop.arrival
        assert eni is not None and home.address is not None and entry is not None
        packet = replace(entry.packet, src=remote, dst=home.address)
        walked = self._walk(Arrival(entry.at, entry.name, packet, entry.context), partial(_in_rule, eni.name))
        if not walked.shared:
            return UNSHARED
        parts = tuple((Met.ACL_INGRESS, stop.name) for stop in walked.seen if stop.at is At.NACL_IN)
        cuts = self.cuts.of(parts, [])
        leg = self._leg(cuts, remote, walked)
        arrival = walked.arrival
        if leg is UNSHARED or arrival is None:
            return leg
        moved = arrival.packet
        if moved.src != remote or moved.dst != home.address or _shape(moved)[:-2] != _shape(packet)[:-2]:
            return UNSHARED
        # What the destination's security group and the matrix read of the arrival: one ``Middle`` per kind.
        context = arrival.context
        kind = self._key(("arrival", fields_of(moved), context.sg_references, context.entered_via))
        return replace(leg, arrival=arrival, key=kind)

    def _walk(self, first: Arrival, rule: StopRule) -> _Walked:
        """Walk from ``first`` until the leg's ``rule`` stops it (or the packet is dropped, delivered or
        leaves the network)."""
        self.walks += 1
        seen: list[Arrival] = []
        stop = Stop.NOT_YET

        def pause(arrival: Arrival) -> bool:
            nonlocal stop
            seen.append(arrival)
            stop = rule(arrival, len(seen))
            return stop is not Stop.NOT_YET

        hops, end, arrival = simulate.walk_until(self.net, State(), first, pause)
        return _Walked(hops, end, arrival, seen, stop is not Stop.UNSHAREABLE)

    def _leg(self, cuts: Cuts, address: int, walked: _Walked) -> Leg | Unshared:
        """The leg a walk that stopped, or was dropped, makes for ``address``'s profile in ``cuts``."""
        if len(walked.seen) > LEG_EVENTS:
            return UNSHARED
        leg = Leg(cuts, cuts.profile(address), len(walked.seen))
        end = walked.end
        if end is None:
            return leg
        last = walked.hops[-1]
        if end.how != "dropped" or last.decision is Decision.LOOP:
            return UNSHARED
        code = last.code or "UNKNOWN"
        return replace(leg, request_end=Outcome(ENDS_IN.get(last.decision, Disposition.NO_ROUTE), code),
                       reply_end=Outcome(Disposition.REPLY_DENIED, code))

    def _key(self, key: Hashable) -> int:
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = len(self._keys)
        return found

    def _is_attachment(self, name: str) -> bool:
        eni = self.net.enis.get(name)
        return eni is not None and eni.kind is EniKind.TGW_ATTACHMENT


def _hop_rule(arrival: Arrival, met: int) -> Stop:
    """The transit gateway (the first arrival), then the target VPC's network ACL, where the leg ends."""
    if met == 1:
        return Stop.NOT_YET
    return Stop.HERE if arrival.at is At.NACL_OUT else Stop.UNSHAREABLE


def _in_rule(eni: str, arrival: Arrival, met: int) -> Stop:
    """Through the network ACLs and route tables on the way to interface ``eni``, where the leg ends."""
    at = arrival.at
    if at is At.ENI_IN:
        return Stop.HERE if arrival.name == eni else Stop.UNSHAREABLE
    if at is At.NACL_IN:
        return Stop.NOT_YET if arrival.context.target_eni == eni else Stop.UNSHAREABLE
    if at is At.NACL_OUT or at is At.ROUTE_TABLE:
        return Stop.NOT_YET
    return Stop.UNSHAREABLE


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


def _kept(legs: list[Leg], remote: int) -> Leg | None:
    """The kept leg that holds for ``remote``: the one whose consulted cuts place it in the leg's profile."""
    for leg in legs:
        if leg.cuts.profile(remote) == leg.profile:
            return leg
    return None


def _keeping(legs: list[Leg], walked: Leg | Unshared) -> Leg | Unshared:
    """``walked``, kept in ``legs`` when it can be shared."""
    if walked is not UNSHARED:
        legs.append(walked)
    return walked
