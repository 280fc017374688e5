"""VPC peering: only active connections carry traffic (R9.1), only to addresses inside the far VPC
(no transit, no edge-to-edge: R9.2, R9.5), SG references survive within a Region only (R9.7, R9.8)."""

from __future__ import annotations

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import VIA_PEERING, Arrival, End
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.PEERING


def handle(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """Peering: active only (R9.1), into the far VPC only (R9.2, R9.5), SG references per Region (R9.7, R9.8)."""
    peering = net.peerings[arrival.name]
    packet, context = arrival.packet, arrival.context
    if not peering.active:
        return drop(hops, peering.name, KIND, Decision.BLACKHOLE, packet, "BAD_STATE_ROUTE",
                    f"peering connection {peering.name} is not active; routes to it are blackholes (R9.1)")
    if context.vpc not in (peering.requester, peering.accepter):
        return drop(hops, peering.name, KIND, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"peering connection {peering.name} does not involve VPC {context.vpc}")
    far = net.vpcs[peering.far_side(context.vpc)]
    if not far.contains(packet.family, packet.dst):
        return drop(hops, peering.name, KIND, Decision.DROP, packet, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
                    f"{packet.destination} is not inside VPC {far.name}: a peering connection carries only "
                    "traffic addressed into the peer VPC — it is not transitive and lends no gateways "
                    "(R9.2, R9.5)")
    hop = Hop(peering.name, KIND, Decision.FORWARD, packet, rule=f"{context.vpc} -> {far.name}")
    next_context = context.but(vpc=far.name, entered_via=VIA_PEERING, subnet="", az="",
                               sg_references=context.sg_references and not peering.inter_region)
    following = deliver_in_vpc(net, far.name, packet, next_context, peering.name, KIND, hops)
    if isinstance(following, End):      # nothing in the far VPC has the address: the drop alone is the hop
        return following
    hops.append(hop)                    # deliver_in_vpc added nothing: the forward hop is still the last
    return following
