"""Moves shared by several handlers: leaving an ENI, delivering inside a VPC, ending a walk.

Handlers append the hops they decide to the walk's list and return the next ``Arrival`` or the ``End``
(``simulate.walk_until``): no per-handler result object is made. ``leave_eni`` keeps the older shape
(``Arrival | Step``) for analyses that start a walk part-way (``vpcsim.analysis``)."""

from __future__ import annotations

from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import (
    AT_ENI_IN,
    AT_NAT_GATEWAY,
    DROPPED,
    NAT_GATEWAY_ENI,
    Arrival,
    Context,
    End,
    Step,
    into_subnet,
    out_of_subnet,
    to_neighbour,
)
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop, Side


def drop(hops: list[Hop], component: str, kind: ComponentKind, decision: Decision, packet: Packet, code: str,
         message: str, rule: str | None = None, direction: Side | None = None,
         origin: tuple[str | int, ...] | None = None) -> End:
    """Record the dropping hop; the walk ends there."""
    hops.append(Hop(component, kind, decision, packet, rule, code, message, direction, None, origin))
    return End(DROPPED, packet)


def as_step(hops: list[Hop], following: Arrival | End) -> Step:
    """A handler's hops and result as one ``Step`` (for callers that look at one move alone)."""
    if isinstance(following, End):
        return Step(tuple(hops), None, following)
    return Step(tuple(hops), following)


def leave(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, hops: list[Hop]) -> Arrival | End:
    """R2.19/R4.4: a destination in the ENI's own subnet is reached at layer 2 — no route table, no NACL.
    Anything else goes out through the subnet's NACL to its route table."""
    subnet = net.subnets[eni.subnet]
    az = context.az or subnet.az
    destination = packet.dst
    low, high = subnet.v4_range if packet.family == 4 else subnet.v6_range      # subnet.contains, inlined
    if low <= destination <= high:
        target = net.eni_at(eni.vpc, packet.family, destination)
        if target is None:
            return drop(hops, eni.name, ComponentKind.ENI, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                        f"no network interface in subnet {subnet.name} has the address {packet.destination}")
        if target.kind is NAT_GATEWAY_ENI:
            return to_neighbour(AT_NAT_GATEWAY, target.owner, packet, context, eni.vpc, subnet.name, az, eni.name,
                                target.name)
        return to_neighbour(AT_ENI_IN, target.name, packet, context, eni.vpc, subnet.name, az, eni.name, target.name)
    return out_of_subnet(subnet.name, packet, context, eni.vpc, az, eni.name, subnet.route_table)


def leave_eni(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context) -> Arrival | Step:
    """``leave`` for analyses that start a walk part-way: the next arrival, or the ``Step`` that ended it."""
    hops: list[Hop] = []
    following = leave(net, eni, packet, context, hops)
    return as_step(hops, following) if isinstance(following, End) else following


def deliver_in_vpc(net: CompiledNetwork, vpc: str, packet: Packet, context: Context, component: str,
                   kind: ComponentKind, hops: list[Hop]) -> Arrival | End:
    """The VPC router's local delivery: into the destination's subnet (through its NACL), then to its ENI."""
    eni = net.eni_at(vpc, packet.family, packet.dst)
    if eni is None:
        return drop(hops, component, kind, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"no network interface in VPC {vpc} has the address {packet.destination}")
    return into_subnet(eni.subnet, packet, context, vpc, eni.name, context.az)


def enter_eni(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, az: str | None = None) -> Arrival:
    """A route sent the packet to ``eni`` (appliance, NAT gateway, TGW or endpoint ENI): into its subnet first
    (``az``: the flow's AZ from here on, when the route chose it)."""
    return into_subnet(eni.subnet, packet, context, eni.vpc, eni.name, context.az if az is None else az)
