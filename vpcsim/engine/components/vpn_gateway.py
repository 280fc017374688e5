"""Virtual private gateways: IPv4 only, to prefixes learned from VPN/Direct Connect (R7.3), the
connection chosen DX BGP > VPN static > VPN BGP > AS_PATH > MED (R7.4, compiled); sources and
destinations must be private IPs of interfaces in the VPC (R7.8); gateway route tables on the way in;
between two remote sites the VGW is a hub (VPN CloudHub, R7.7)."""

from __future__ import annotations

from vpcsim.compile.components import VgwRoute, VpnGateway
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import EXITED, RETURN_PATH, VIA_VGW, Arrival, At, Context, End
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.VPN_GATEWAY


def _exit(net: CompiledNetwork, vgw: VpnGateway, route: VgwRoute, packet: Packet, context: Context,
          hops: list[Hop]) -> End:
    """Out over the chosen connection to the site that holds the destination; the answer comes back in
    through the same connection."""
    connection = net.connections[route.connection]
    site = next((s for s in net.external.values() if connection.name in s.via and s.contains(4, packet.dst)),
                None)
    where = site.name if site is not None else f"on-premises via {connection.name}"
    hops.append(Hop(site.name if site else connection.name, ComponentKind.EXTERNAL_SITE, Decision.EXIT, packet,
                    message=f"reached {where} over {connection.kind.replace('_', ' ')} {connection.name}"))
    reply_from = Arrival(At.VGW_IN, vgw.name, packet.reply(),
                         context.but(direction=RETURN_PATH, subnet="", entered_via=VIA_VGW,
                                     gateway=connection.name, sg_references=False))
    return End(EXITED, packet, reply_from=reply_from)


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """VGW out: IPv4 only (R7.3), from its VPC's interfaces (R7.8, R7.11), over the connection R7.4 chose."""
    vgw = net.vpn_gateways[arrival.name]
    packet, context = arrival.packet, arrival.context
    if packet.family != 4:
        return drop(hops, vgw.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                    "a virtual private gateway does not carry IPv6 (R7.3)")
    if net.eni_at(vgw.vpc, 4, packet.src) is None:
        return drop(hops, vgw.name, KIND, Decision.DROP, packet, "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
                    f"{packet.source} is not a private IP of an interface in VPC {vgw.vpc}: a virtual "
                    "private gateway carries only traffic of its own VPC's interfaces (R7.8, R7.11)")
    route = vgw.table.lookup(4, packet.dst)
    if route is None:
        return drop(hops, vgw.name, KIND, Decision.NO_ROUTE, packet, "NO_ROUTE_TO_DESTINATION",
                    f"{vgw.name} has learned no route to {packet.destination} from its VPN or Direct Connect "
                    "connections (R7.3)")
    hops.append(Hop(vgw.name, KIND, Decision.FORWARD, packet, rule=route.label))
    return _exit(net, vgw, route, packet, context, hops)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """VGW in: IPv4 only (R7.3), to its VPC's interfaces (R7.8) via the edge table (R2.2), or CloudHub (R7.7)."""
    vgw = net.vpn_gateways[arrival.name]
    packet, context = arrival.packet, arrival.context
    vpc = net.vpcs[vgw.vpc]
    if packet.family != 4:
        return drop(hops, vgw.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                    "a virtual private gateway does not carry IPv6 (R7.3)")
    if not vpc.contains(4, packet.dst):
        route = vgw.table.lookup(4, packet.dst)
        if route is None or route.connection == context.gateway:
            return drop(hops, vgw.name, KIND, Decision.NO_ROUTE, packet, "NO_ROUTE_TO_DESTINATION",
                        f"{packet.destination} is neither in VPC {vpc.name} nor a prefix {vgw.name} learned "
                        "from another of its connections: a VGW routes only to its VPC and between its "
                        "sites (R7.3, R7.7, R7.11)")
        origin = context.gateway or "on-premises"
        hops.append(Hop(vgw.name, KIND, Decision.FORWARD, packet, rule=route.label,      # R7.7: VPN CloudHub
                        message=f"VPN CloudHub: from {origin} to {route.connection} (R7.7)"))
        return _exit(net, vgw, route, packet, context, hops)
    if net.eni_at(vpc.name, 4, packet.dst) is None:
        return drop(hops, vgw.name, KIND, Decision.DROP, packet, "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                    f"{packet.destination} is not a private IP of an interface in VPC {vpc.name} (R7.8)")
    hops.append(Hop(vgw.name, KIND, Decision.FORWARD, packet, rule=f"from {context.gateway or 'on-premises'}"))
    context = context.but(vpc=vpc.name, entered_via=VIA_VGW, sg_references=False, subnet="")
    edge = vpc.edge_tables.get(vgw.name)
    if edge is not None:
        return Arrival(At.ROUTE_TABLE, edge, packet, context)
    return deliver_in_vpc(net, vpc.name, packet, context, vgw.name, KIND, hops)
