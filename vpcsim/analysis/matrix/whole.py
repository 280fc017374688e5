"""The middle of a pair of net classes from one whole walk between representatives.

Pairs in one VPC, with the internet or a site, and pairs across VPCs whose legs cannot be shared (``legs.py``)
get their middle this way: the request from the source's interface (or injected from the internet or a
site) up to the destination's interface, then the reply back, walked by the engine's own handlers. A walk
that meets the ends elsewhere, reaches the destination at another address, or whose reply comes back
changed (translated on the way back, or leaving the network without the request's 5-tuple reversed) is
*irregular*: it is not the same for every member pair, and the pair's members are traced one by
one (the middle is None).
"""

from __future__ import annotations

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.classes import NetClass
from vpcsim.analysis.matrix.middle import Middle, arriving_as
from vpcsim.analysis.matrix.outcomes import Outcome
from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
from vpcsim.engine.components import eni as eni_handler
from vpcsim.engine.ends import QueryEnd, resolve
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.forwarding import leave_eni
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ENDS_IN, Direction, Disposition, Hop
from vpcsim.engine.state import State
from vpcsim.errors import QueryError

Place = tuple[At, str]                 # where a packet arrives: the kind of place and its name
Walked = tuple[list[Hop], End | None, Arrival | None]


class WholeWalks:
    """Whole walks between representatives, one per pair of net classes. Kept: the middle of each pair of
    classes (by their indexes; None: trace the pair's members), and the engine's ends of the questions asked
    (by member name and role: ``resolve`` is asked again for every pair a member takes part in)."""

    def __init__(self, net: CompiledNetwork, flow: Flow) -> None:
        self.net = net
        self.flow = flow
        self.walks = 0
        self._by_pair: dict[tuple[int, int], Middle | None] = {}
        self._ends: dict[tuple[str, str], QueryEnd] = {}

    def middle(self, source: NetClass, destination: NetClass) -> Middle | None:
        """The middle of every member pair of ``source`` and ``destination``; None: trace them one by one."""
        key = (source.index, destination.index)
        if key in self._by_pair:
            return self._by_pair[key]
        a_rep = source.members[0]
        d_rep = destination.members[1] if source is destination else destination.members[0]
        try:
            found = self._walk(a_rep.name, d_rep.name)
        except QueryError:
            found = None                      # the engine cannot ask it: the pairs' traces will say why
        self._by_pair[key] = found
        return found

    def _end(self, name: str, role: str) -> QueryEnd:
        key = (name, role)
        found = self._ends.get(key)
        if found is None:
            found = self._ends[key] = resolve(self.net, name, role)
        return found

    def _walk(self, a_name: str, d_name: str) -> Middle | None:
        net = self.net
        src = self._end(a_name, "from")
        dst = self._end(d_name, "to")
        if src.kind == "internet" and dst.kind == "internet":
            return None
        family = simulate.choose_family(src, dst)
        if family != 4:
            return None
        src_address = src.address_for(family)
        dst_address = dst.address_for(family, public=src.kind in ("internet", "site"))
        if src_address is None or dst_address is None:
            return None
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
        walked = _walk_to(net, state, first, stop, ends, events)
        if walked is None:
            return None
        hops, end, arrival = walked
        if arrival is not None:
            assert d_eni is not None
            if not d_eni.owns(arrival.packet.family, arrival.packet.dst) or arrival.packet.dst != d_eni.primary_ip:
                return None
            source: int | None = arrival.packet.src
            if a_eni is not None and source == a_eni.primary_ip:
                source = None                 # the source member's own address
            elif a_eni is not None and a_eni.public_ip is not None and source == a_eni.public_ip:
                return None                   # its public address: differs per member
            if d_eni.kind in eni_handler.AUTO_TRACKED or arrival.context.entered_via == "tgw":
                state.force_tracking()       # what eni.handle_in does to the state before its verdict (R3.12)
            answer = arrival.packet.reply()
            start = leave_eni(net, d_eni, answer, Context(direction=Direction.RETURN, vpc=d_eni.vpc, az=d_eni.az))
            reply = self._reply(state, start, a_eni, d_eni, Disposition.ACCEPTED, packet)
            return None if reply is None else arriving_as(arrival, reply, source)
        assert end is not None
        if end.how == "dropped":
            last = hops[-1]
            return Middle(end=Outcome(ENDS_IN.get(last.decision, Disposition.NO_ROUTE), last.code or "UNKNOWN"))
        if end.how == "delivered":
            return None                       # delivered to an interface that is not the destination
        if end.reply_from is None:
            return Middle(end=Outcome(Disposition.EXITS_NETWORK))
        reply = self._reply(state, end.reply_from, a_eni, d_eni, Disposition.EXITS_NETWORK, packet, events=0)
        return None if reply is None else Middle(end=reply)

    def _reply(self, state: State, start: Arrival | Step, a_eni: Eni | None, d_eni: Eni | None,
               success: Disposition, sent: Packet, events: int = 1) -> Outcome | None:
        """How the reply to ``sent`` fares from ``start`` back to the source (None: irregular)."""
        ends: set[Place] = {(At.ENI_OUT, a_eni.name)} if a_eni is not None else set()
        if d_eni is not None:
            ends |= {(At.ENI_IN, d_eni.name), (At.ENI_OUT, d_eni.name)}
        stop = (At.ENI_IN, a_eni.name) if a_eni is not None else None
        walked = _walk_to(self.net, state, start, stop, ends, events)
        if walked is None:
            return None
        hops, end, arrival = walked
        if arrival is not None:
            if a_eni is None or not a_eni.owns(arrival.packet.family, arrival.packet.dst):
                return None
            # Connection tracking admits the reply only if it answers exactly what was sent; a reply
            # translated on its way back (a NAT gateway on the return path only) meets the source's
            # ingress rules, which differ per source group: trace such pairs one by one.
            tracked = State()
            tracked.track(a_eni.name, sent)
            if not tracked.is_reply(a_eni.name, arrival.packet):
                return None
            return Outcome(success)
        assert end is not None
        if end.how == "dropped":
            return Outcome(Disposition.REPLY_DENIED, hops[-1].code or "UNKNOWN")
        if end.how == "delivered" or a_eni is not None:
            return None                       # ended away from the requester (R9.6): trace the pairs
        if not end.packet.answers(sent):
            return None                       # rewritten on its way out (replies must match): trace the pairs
        return Outcome(success)


def _walk_to(net: CompiledNetwork, state: State, first: Arrival | Step, stop: Place | None, ends: set[Place],
             events: int) -> Walked | None:
    """``simulate.walk_until`` up to the arrival at ``stop`` (returned, not handled); None (irregular) if the
    packet arrives at one of ``ends`` first."""

    def pause(arrival: Arrival) -> bool:
        where = (arrival.at, arrival.name)
        return where == stop or where in ends

    hops, end, arrival = simulate.walk_until(net, state, first, pause, events)
    if arrival is not None and (arrival.at, arrival.name) != stop:
        return None
    return hops, end, arrival
