"""Subnet and gateway route tables: longest-prefix match over the routes compiled for the table
(R2.4-R2.11), then hand-off to the target (§5-§10). Each lookup is a router hop: TTL minus one."""

from __future__ import annotations

from bisect import bisect_right

from vpcsim.compile.components import EniKind, Route, RouteTable, TargetKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import (
    ROUTE,
    TO_BLACKHOLE,
    TO_LOCAL,
    TO_NETWORK_INTERFACE,
    TO_PEERING,
    TO_TRANSIT_GATEWAY,
    Arrival,
    At,
    End,
    arrive,
)
from vpcsim.engine.forwarding import deliver_in_vpc, drop, enter_eni
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State
from vpcsim.ip import SERVICE_RANGE_V4, SERVICE_RANGE_V6

KIND = ComponentKind.ROUTE_TABLE
_APPLIANCE_KINDS = (EniKind.INSTANCE, EniKind.INTERFACE)
_GATEWAY_ARRIVALS = {TargetKind.INTERNET_GATEWAY: At.IGW_OUT, TargetKind.EGRESS_ONLY_INTERNET_GATEWAY: At.EIGW_OUT,
                     TargetKind.PEERING: At.PEERING, TargetKind.VPN_GATEWAY: At.VGW_OUT,
                     TargetKind.GATEWAY_ENDPOINT: At.ENDPOINT_OUT}
# R1.12: AWS's reserved link-local range (IMDS, DNS, Time Sync …) per family, as integers worked out once.
_SERVICE_RANGES = {4: (SERVICE_RANGE_V4.start, SERVICE_RANGE_V4.end), 6: (SERVICE_RANGE_V6.start, SERVICE_RANGE_V6.end)}


def handle(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """Route table: TTL, R1.12, longest prefix (R2.4-R2.6), blackholes (R2.11), R2.16, then the route's target."""
    table = net.route_tables[arrival.name]
    packet = arrival.packet.hop()
    if packet.ttl <= 0:
        return drop(hops, table.name, KIND, Decision.LOOP, packet, "LOOP",
                    "the packet's TTL ran out: the routes form a cycle")
    family, destination = packet.family, packet.dst
    low, high = _SERVICE_RANGES[family]
    if low <= destination <= high:
        return drop(hops, table.name, KIND, Decision.NO_ROUTE, packet, "NO_ROUTE_TO_DESTINATION",
                    f"{packet.destination} is in AWS's reserved link-local range and is never forwarded "
                    "(R1.12)")
    intervals = table.table.v4 if family == 4 else table.table.v6             # table.lookup, inlined (hot path)
    index = bisect_right(intervals.starts, destination) - 1
    route = intervals.values[index] if index >= 0 and destination <= intervals.ends[index] else None
    if route is None:
        return drop(hops, table.name, KIND, Decision.NO_ROUTE, packet, "NO_ROUTE_TO_DESTINATION",
                    f"route table {table.name} has no route to {packet.destination}", origin=table.path or None)
    kind = route.target_kind
    if kind is TO_BLACKHOLE:                          # route.is_blackhole
        return drop(hops, table.name, KIND, Decision.BLACKHOLE, packet, "BAD_STATE_ROUTE",
                    f"the route to {route.prefix} is a blackhole: its target {route.target!r} is gone",
                    route.label, origin=route.path or None)
    unavailable = _unavailable(net, route) if kind is TO_PEERING or kind is TO_NETWORK_INTERFACE else None
    if unavailable is not None:
        return drop(hops, table.name, KIND, Decision.BLACKHOLE, packet, "BAD_STATE_ROUTE",
                    f"the route to {route.prefix} is a blackhole: {unavailable} (R2.11)", route.label,
                    origin=route.path or None)
    if table.gateway is not None and _needs_public_ip(net, table, route):
        return drop(hops, table.name, KIND, Decision.DROP, packet, "INGRESS_RTB_NO_PUBLIC_IP",
                    f"{route.target} has no public IP: a network interface that an internet gateway's route "
                    "table sends traffic to must have one (R2.16)", route.label, origin=route.path or None)
    hops.append(Hop(table.name, KIND, ROUTE, packet, route.label, None, None, None, None, route.path or None))
    if kind is TO_LOCAL:                            # the commonest target, handled here (_to_target's first case)
        vpc = net.vpcs[table.vpc]
        if not vpc.contains(family, destination):
            return drop(hops, table.name, KIND, Decision.DROP, packet, "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
                        f"{packet.destination} is outside the CIDRs of VPC {vpc.name}")
        return deliver_in_vpc(net, vpc.name, packet, arrival.context, table.name, KIND, hops)
    return _to_target(net, arrival, table, kind, route.target, packet, hops)


def _unavailable(net: CompiledNetwork, route: Route) -> str | None:
    """R2.11 (R2.16, R9.1): why a route's target cannot take traffic — the route's state is then
    ``blackhole`` — or None. A peering that is not ``active``; an appliance or NAT-instance interface that is
    detached or whose instance is not running."""
    kind = route.target_kind
    if kind is TO_PEERING:
        peering = net.peerings[route.target]
        return None if peering.active else f"peering connection {peering.name} is not active"
    if kind is TO_NETWORK_INTERFACE:
        eni = net.enis[route.target]
        if eni.kind not in _APPLIANCE_KINDS:
            return None
        if not eni.owner:
            return f"network interface {eni.name} is not attached to an instance"
        instance = net.instances.get(eni.owner)
        if instance is not None and instance.state != "running":
            return f"instance {instance.name} behind {eni.name} is {instance.state}"
    return None


def _needs_public_ip(net: CompiledNetwork, table: RouteTable, route: Route) -> bool:
    """R2.16: an internet gateway's route table may send traffic only to a network interface with a public IP
    (Reachability Analyzer's INGRESS_RTB_NO_PUBLIC_IP). GWLB endpoints are exempt."""
    if table.gateway is None or route.target_kind is not TO_NETWORK_INTERFACE:
        return False
    if net.vpcs[table.vpc].internet_gateway != table.gateway:
        return False
    return net.enis[route.target].public_ip is None


def _to_target(net: CompiledNetwork, arrival: Arrival, table: RouteTable, kind: TargetKind, target: str,
               packet: Packet, hops: list[Hop]) -> Arrival | End:
    context = arrival.context
    if kind is TO_LOCAL:
        vpc = net.vpcs[table.vpc]
        if not vpc.contains(packet.family, packet.dst):
            return drop(hops, table.name, KIND, Decision.DROP, packet, "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
                        f"{packet.destination} is outside the CIDRs of VPC {vpc.name}")
        return deliver_in_vpc(net, vpc.name, packet, context, table.name, KIND, hops)
    if kind is TO_TRANSIT_GATEWAY:
        return _to_transit_gateway(net, arrival, table, target, packet, hops)
    if kind is TO_NETWORK_INTERFACE:
        return enter_eni(net, net.enis[target], packet, context)
    gateway = _GATEWAY_ARRIVALS.get(kind)
    if gateway is not None:
        return arrive(gateway, target, packet, context)
    if kind is TargetKind.NAT_GATEWAY:
        return enter_eni(net, net.enis[net.nat_gateways[target].eni], packet, context)
    if kind is TargetKind.GWLB_ENDPOINT:
        endpoint = net.endpoints[target]
        return enter_eni(net, net.enis[endpoint.enis[0]], packet, context)
    return drop(hops, table.name, KIND, Decision.BLACKHOLE, packet, "BAD_STATE_ROUTE",
                f"target {target} is unavailable")


def _to_transit_gateway(net: CompiledNetwork, arrival: Arrival, table: RouteTable, tgw: str, packet: Packet,
                        hops: list[Hop]) -> Arrival | End:
    """R8.7: a subnet reaches the TGW only through the attachment's subnet in its own AZ."""
    context = arrival.context
    name = net.vpc_attachments.get((tgw, table.vpc))
    attachment = net.tgw_attachments[name] if name is not None else None
    if attachment is None:
        return drop(hops, table.name, KIND, Decision.NO_ROUTE, packet, "NO_POSSIBLE_DESTINATION",
                    f"VPC {table.vpc} has no attachment to {tgw}")
    subnet = net.subnets.get(context.subnet)
    az = subnet.az if subnet is not None else context.az
    eni = attachment.enis_by_az.get(az)
    if eni is None:
        return drop(hops, table.name, KIND, Decision.NO_ROUTE, packet, "TGW_ROUTE_AZ_RESTRICTION",
                    f"attachment {attachment.name} has no subnet in {az}, so traffic from {az} cannot reach "
                    f"{tgw} (R8.7)")
    return enter_eni(net, net.enis[eni], packet, context, az)
