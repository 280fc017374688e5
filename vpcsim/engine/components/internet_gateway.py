"""Internet gateways: 1:1 NAT between private and public IPv4 (R5.2-R5.5), IPv6 as is (R5.6),
gateway route tables on the way in (R2.18), and the redirected-subnet rule on the way out (R2.17)."""

from __future__ import annotations

from vpcsim.compile.components import Eni, EniKind, Route, TargetKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import EXITED, RETURN_PATH, VIA_IGW, Arrival, At, End
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State
from vpcsim.ip import format_address, is_private_v4, is_shared_v4

KIND = ComponentKind.INTERNET_GATEWAY


def _redirected(net: CompiledNetwork, igw: str, subnet: str) -> bool:
    """R2.17 [E]: the IGW's edge table sends traffic for ``subnet`` to an appliance (ENI or GWLB endpoint)
    in another subnet — by a route for the subnet's CIDR or by one replacing the local route of the VPC."""
    vpc = net.vpcs[net.gateway_vpc[igw]]
    edge = vpc.edge_tables.get(igw)
    if edge is None or subnet not in net.subnets:
        return False
    table = net.route_tables[edge]
    for cidr in (net.subnets[subnet].cidr, net.subnets[subnet].ipv6_cidr):
        route = table.lookup(cidr.family, cidr.start) if cidr is not None else None
        if route is not None and route.target_kind is not TargetKind.LOCAL and _home(net, route) != subnet:
            return True
    return False


def _home(net: CompiledNetwork, route: Route) -> str:
    """The subnet of the appliance an edge route sends traffic to."""
    if route.target_kind is TargetKind.NETWORK_INTERFACE:
        return net.enis[route.target].subnet
    if route.target_kind is TargetKind.GWLB_ENDPOINT:
        return net.enis[net.endpoints[route.target].enis[0]].subnet
    return ""


def _no_public_address(net: CompiledNetwork, igw: str, eni: Eni | None, packet: Packet) -> str:
    """Why the IGW has no public IPv4 to map ``packet``'s source to (R5.3, R5.7, R1.14)."""
    if eni is None:
        return f"{packet.source} is not a private IP of an interface in this VPC, so {igw} cannot " \
               "translate it (R5.3)"
    if eni.kind is EniKind.NAT_GATEWAY and net.nat_gateways[eni.owner].connectivity == "private":
        return f"{eni.owner} is a private NAT gateway: it has no Elastic IP, so {igw} drops its traffic " \
               "(R5.7, R6.3)"
    if eni.public_ip is not None:
        return f"{packet.source} is a secondary private IP of {eni.name}; its public IP maps only to the " \
               f"primary private IP {format_address(4, eni.primary_ip or 0)} (R1.14)"
    return f"{eni.name} has no public IPv4 address mapped to it, so {igw} cannot translate it (R5.3)"


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """IGW out: redirected subnets (R2.17), R5.5 ranges, 1:1 NAT (R5.2, R5.3), IPv6 as is (R5.6), hairpin (R5.8)."""
    igw = arrival.name
    packet, context = arrival.packet, arrival.context
    vpc = net.vpcs[net.gateway_vpc[igw]]
    if _redirected(net, igw, context.subnet):
        return drop(hops, igw, KIND, Decision.DROP, packet, "INGRESS_RTB_TRAFFIC_REDIRECTION",
                    f"subnet {context.subnet} is redirected through an appliance by the gateway route table of "
                    f"{igw}; its traffic must leave through the same appliance (R2.17)")
    if packet.family == 4:
        if is_private_v4(packet.dst):
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
                        f"an internet gateway does not send to the private address {packet.destination} (R5.5)")
        if is_shared_v4(packet.dst):
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
                        f"an internet gateway does not send to the shared address {packet.destination} (R5.5)")
        eni = net.eni_at(vpc.name, 4, packet.src)
        if eni is None or eni.public_ip is None or eni.primary_ip != packet.src:
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                        _no_public_address(net, igw, eni, packet))
        translated = packet.with_source(eni.public_ip)
        hops.append(Hop(igw, KIND, Decision.TRANSLATE, translated,
                        rule=f"1:1 NAT {packet.source} -> {translated.source}"))
    else:
        if not vpc.contains(6, packet.src):
            return drop(hops, igw, KIND, Decision.DROP, packet, "GATEWAY_REJECTS_SPOOFED_TRAFFIC",
                        f"{packet.source} is not an address of VPC {vpc.name}")
        translated = packet
        hops.append(Hop(igw, KIND, Decision.FORWARD, packet, rule="IPv6: no translation (R5.6)"))
    owner = net.public_index.get((translated.family, translated.dst))
    if owner is not None:     # hairpin to a public address of this network (R5.8)
        target = net.enis[owner[0]]
        target_vpc = net.vpcs[target.vpc]
        if target_vpc.internet_gateway:
            return Arrival(At.IGW_IN, target_vpc.internet_gateway, translated,
                           context.but(vpc=target.vpc, subnet="", entered_via=VIA_IGW, sg_references=False, az=""))
    reply_from = Arrival(At.IGW_IN, igw, translated.reply(), context.but(direction=RETURN_PATH, subnet="",
                                                                     entered_via=VIA_IGW, sg_references=False))
    hops.append(Hop("internet", ComponentKind.INTERNET, Decision.EXIT, translated,
                    message=f"left AWS through {igw}"))
    return End(EXITED, translated, reply_from=reply_from)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """IGW in: R5.5 ranges, 1:1 NAT (R5.4), IPv6 into the VPC (R5.6), then the gateway route table (R2.18)."""
    igw = arrival.name
    packet, context = arrival.packet, arrival.context
    vpc = net.vpcs[net.gateway_vpc[igw]]
    if packet.family == 4:
        if is_private_v4(packet.src):
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
                        f"an internet gateway drops inbound packets from the private address {packet.source} (R5.5)")
        if is_shared_v4(packet.src):
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
                        f"an internet gateway drops inbound packets from the shared address {packet.source} (R5.5)")
        owner = net.public_index.get((4, packet.dst))
        if owner is None or net.enis[owner[0]].vpc != vpc.name:
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                        f"{packet.destination} is not a public IP or Elastic IP of an interface in VPC {vpc.name} "
                        "(R5.4)")
        translated = packet.with_destination(owner[1])
        hops.append(Hop(igw, KIND, Decision.TRANSLATE, translated,
                        rule=f"1:1 NAT {packet.destination} -> {translated.destination}"))
    else:
        if not vpc.contains(6, packet.dst):
            return drop(hops, igw, KIND, Decision.DROP, packet, "IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS",
                        f"{packet.destination} is not inside the CIDRs of VPC {vpc.name} (R5.6)")
        translated = packet
        hops.append(Hop(igw, KIND, Decision.FORWARD, packet, rule="IPv6: no translation (R5.6)"))
    context = context.but(vpc=vpc.name, entered_via=VIA_IGW, sg_references=False, subnet="")
    edge = vpc.edge_tables.get(igw)
    if edge is not None:      # R2.18: translate first, then the gateway route table
        return Arrival(At.ROUTE_TABLE, edge, translated, context)
    return deliver_in_vpc(net, vpc.name, translated, context, igw, KIND, hops)
