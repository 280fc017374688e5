"""Moves shared by several handlers: leaving an ENI, delivering inside a VPC, ending a walk."""

from __future__ import annotations

from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop

# Enum members read once: a class attribute look-up on an Enum costs about 0.1 µs in Python 3.11, and these
# are read on every hop.
_ENI_IN, _NACL_IN, _NACL_OUT = At.ENI_IN, At.NACL_IN, At.NACL_OUT
_DROPPED = "dropped"


def drop(component: str, kind: ComponentKind, decision: Decision, packet: Packet, code: str, message: str,
         rule: str | None = None, direction: str | None = None, origin: tuple[str | int, ...] | None = None
         ) -> Step:
    hop = Hop(component, kind, decision, packet, rule, code, message, direction, None, origin)
    return Step((hop,), None, End(_DROPPED, packet))


def leave_eni(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context) -> Arrival | Step:
    """R2.19/R4.4: a destination in the ENI's own subnet is reached at layer 2 — no route table, no NACL.
    Anything else goes out through the subnet's NACL to its route table."""
    subnet = net.subnets[eni.subnet]
    az = context.az or subnet.az
    if subnet.contains(packet.family, packet.dst):
        target = net.eni_at(eni.vpc, packet.family, packet.dst)
        if target is None:
            return drop(eni.name, ComponentKind.ENI, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                        f"no network interface in subnet {subnet.name} has the address {packet.destination}")
        return Arrival(_ENI_IN, target.name, packet, context.but(vpc=eni.vpc, subnet=subnet.name, az=az,
                                                                 sender=eni.name, target_eni=target.name))
    return Arrival(_NACL_OUT, subnet.name, packet, context.but(vpc=eni.vpc, subnet=subnet.name, az=az,
                                                               sender=eni.name, table=subnet.route_table))


def deliver_in_vpc(net: CompiledNetwork, vpc: str, packet: Packet, context: Context, component: str,
                   kind: ComponentKind) -> Arrival | Step:
    """The VPC router's local delivery: into the destination's subnet (through its NACL), then to its ENI."""
    eni = net.eni_at(vpc, packet.family, packet.dst)
    if eni is None:
        return drop(component, kind, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"no network interface in VPC {vpc} has the address {packet.destination}")
    return Arrival(_NACL_IN, eni.subnet, packet, context.but(vpc=vpc, target_eni=eni.name))


def enter_eni(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, az: str | None = None) -> Arrival:
    """A route sent the packet to ``eni`` (appliance, NAT gateway, TGW or endpoint ENI): into its subnet first
    (``az``: the flow's AZ from here on, when the route chose it)."""
    return Arrival(_NACL_IN, eni.subnet, packet, context.but(vpc=eni.vpc, target_eni=eni.name, az=az))
