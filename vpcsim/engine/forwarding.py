"""Moves shared by several handlers: leaving an ENI, delivering inside a VPC, ending a walk.

Handlers append the hops they decide to the walk's list and return the next ``Arrival`` or the ``End``
(``simulate.walk_until``): no per-handler result object is made. ``leave_eni`` keeps the older shape
(``Arrival | Step``) for analyses that start a walk part-way (``vpcsim.analysis``)."""

from __future__ import annotations

from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import NEW, Arrival, At, Context, End, Step
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop

# Enum members read once: a class attribute look-up on an Enum costs about 0.1 µs in Python 3.11, and these
# are read on every hop.
_ENI_IN, _NACL_IN, _NACL_OUT = At.ENI_IN, At.NACL_IN, At.NACL_OUT
_DROPPED = "dropped"


def drop(hops: list[Hop], component: str, kind: ComponentKind, decision: Decision, packet: Packet, code: str,
         message: str, rule: str | None = None, direction: str | None = None,
         origin: tuple[str | int, ...] | None = None) -> End:
    """Record the dropping hop; the walk ends there."""
    hops.append(Hop(component, kind, decision, packet, rule, code, message, direction, None, origin))
    return End(_DROPPED, packet)


def as_step(hops: list[Hop], following: Arrival | End) -> Step:
    """A handler's hops and result as one ``Step`` (for callers that look at one move alone)."""
    if isinstance(following, End):
        return Step(tuple(hops), None, following)
    return Step(tuple(hops), following)


def leave(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, hops: list[Hop]) -> Arrival | End:
    """R2.19/R4.4: a destination in the ENI's own subnet is reached at layer 2 — no route table, no NACL.
    Anything else goes out through the subnet's NACL to its route table."""
    subnet = net.subnets[eni.subnet]
    # context.but(vpc=, subnet=, az=, sender=, and target_eni= or table=), built positionally (hot path).
    direction, _, _, az, target_eni, table, attachment, entered_via, sg_references, gateway, _, link_local = context
    az = az or subnet.az
    destination = packet.dst
    low, high = subnet.v4_range if packet.family == 4 else subnet.v6_range      # subnet.contains, inlined
    if low <= destination <= high:
        target = net.eni_at(eni.vpc, packet.family, destination)
        if target is None:
            return drop(hops, eni.name, ComponentKind.ENI, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                        f"no network interface in subnet {subnet.name} has the address {packet.destination}")
        return NEW(Arrival, (_ENI_IN, target.name, packet, NEW(Context, (
            direction, eni.vpc, subnet.name, az, target.name, table, attachment, entered_via, sg_references,
            gateway, eni.name, link_local))))
    return NEW(Arrival, (_NACL_OUT, subnet.name, packet, NEW(Context, (
        direction, eni.vpc, subnet.name, az, target_eni, subnet.route_table, attachment, entered_via,
        sg_references, gateway, eni.name, link_local))))


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
    # context.but(vpc=vpc, target_eni=eni.name), built positionally (hot path).
    direction, _, subnet, az, _, table, attachment, entered_via, sg_references, gateway, sender, link_local = context
    return NEW(Arrival, (_NACL_IN, eni.subnet, packet, NEW(Context, (
        direction, vpc, subnet, az, eni.name, table, attachment, entered_via, sg_references, gateway, sender,
        link_local))))


def enter_eni(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, az: str | None = None) -> Arrival:
    """A route sent the packet to ``eni`` (appliance, NAT gateway, TGW or endpoint ENI): into its subnet first
    (``az``: the flow's AZ from here on, when the route chose it)."""
    direction, _, subnet, kept, _, table, attachment, entered_via, sg_references, gateway, sender, link_local = context
    return NEW(Arrival, (_NACL_IN, eni.subnet, packet, NEW(Context, (
        direction, eni.vpc, subnet, kept if az is None else az, eni.name, table, attachment, entered_via,
        sg_references, gateway, sender, link_local))))
