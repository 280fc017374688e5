"""Transit gateways: the route table associated with the incoming attachment decides (R8.2, R8.4, R8.5);
into a VPC through the attachment ENI of an AZ (R8.7, R8.9, R8.10), then the attachment subnet's route
table (R8.8); VPN/Direct Connect attachments lead to sites, peering attachments to the peer TGW (R8.17)."""

from __future__ import annotations

from vpcsim.compile.components import TgwAttachment
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import (
    AT_TGW,
    EGRESS,
    ENI_COMPONENT,
    EXITED,
    RETURN_PATH,
    ROUTE,
    SEND,
    VIA_VGW,
    Arrival,
    Context,
    End,
    arrive,
    through_attachment,
)
from vpcsim.engine.forwarding import drop, leave
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.TRANSIT_GATEWAY
TABLE = ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE


def handle(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """TGW: the incoming attachment's table decides (R8.2, R8.4, R8.5); into a VPC by AZ (R8.7-R8.10), R8.17."""
    tgw = net.transit_gateways[arrival.name]
    packet, context = arrival.packet.hop(), arrival.context
    source = net.tgw_attachments[context.attachment]
    if packet.ttl <= 0:
        return drop(hops, tgw.name, KIND, Decision.LOOP, packet, "LOOP",
                    "the packet's TTL ran out: the routes form a cycle")
    if source.route_table is None:
        return drop(hops, source.name, KIND, Decision.NO_ROUTE, packet,
                    "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                    f"attachment {source.name} is not associated with a route table of {tgw.name} (R8.2)")
    table = net.tgw_route_tables[source.route_table]
    route = (table.table.v4 if packet.family == 4 else table.table.v6).lookup(packet.dst)    # table.lookup, inlined
    if route is None:
        return drop(hops, table.name, TABLE, Decision.NO_ROUTE, packet, "TGW_RTB_CANNOT_ROUTE",
                    f"transit gateway route table {table.name} has no route to {packet.destination}",
                    origin=table.path or None)
    if route.attachment is None:
        return drop(hops, table.name, TABLE, Decision.BLACKHOLE, packet, "TGW_RTB_BAD_STATE_ROUTE",
                    f"the route to {route.prefix} in {table.name} is a blackhole (R8.4)", route.label,
                    origin=route.path or None)
    target = net.tgw_attachments[route.attachment]
    if target.kind == "vpc" and not target.enis_by_az:     # the drop alone is the hop
        return drop(hops, target.name, KIND, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"attachment {target.name} has no subnets")
    hops.append(Hop(table.name, TABLE, ROUTE, packet, route.label, None,
                    f"{tgw.name}: from attachment {source.name}", None, None, route.path or None))
    sg_references = context.sg_references and source.sg_referencing and target.sg_referencing
    if target.kind == "vpc":
        return _into_vpc(net, state, target, packet, context, sg_references, hops)
    if target.kind == "peering":
        peer = net.tgw_attachments[target.resource]
        return arrive(AT_TGW, peer.tgw, packet, context.but(attachment=peer.name, sg_references=False))
    connection = net.connections.get(target.resource)
    if connection is None or not connection.up:
        return drop(hops, target.name, KIND, Decision.DROP, packet, "TGW_BAD_STATE_VPN",
                    f"{target.resource} is not available: the attachment carries no traffic")
    site = next((s for s in net.external.values()
                 if connection.name in s.via and s.contains(packet.family, packet.dst)), None)
    reply_from = arrive(AT_TGW, tgw.name, packet.reply(), Context(direction=RETURN_PATH, attachment=target.name,
                                                                  entered_via=VIA_VGW, sg_references=False))
    where = site.name if site is not None else f"on-premises via {connection.name}"
    hops.append(Hop(site.name if site else connection.name, ComponentKind.EXTERNAL_SITE, Decision.EXIT, packet,
                    message=f"reached {where} over {connection.kind.replace('_', ' ')} {connection.name}"))
    return End(EXITED, packet, reply_from=reply_from)


def _destination_az(net: CompiledNetwork, target: TgwAttachment, packet: Packet) -> str:
    """The AZ of the interface that owns the destination, looked up in the target VPC first ('' if none)."""
    if target.resource in net.vpcs:
        eni = net.eni_at(target.resource, packet.family, packet.dst)
        if eni is not None:
            return eni.az
    for vpc in net.vpc_containing(packet.family, packet.dst):
        eni = net.eni_at(vpc.name, packet.family, packet.dst)
        if eni is not None:
            return eni.az
    return ""


def _choose_az(net: CompiledNetwork, state: State, target: TgwAttachment, packet: Packet, az: str) -> str:
    """Which AZ's attachment ENI carries the packet into the target VPC.

    R8.9: the flow stays in the AZ it entered the TGW from, when the target has a subnet there.
    R8.10: with appliance mode the first packet's choice is kept for both directions of the flow.
    [E] AWS hashes the flow where it has a choice (source and destination in different AZs; a source with no
    AZ, such as a VPN); vpcsim is deterministic: the source AZ, else the destination's AZ, else the first AZ
    of the attachment in name order (docs/semantics.md)."""
    if target.appliance_mode:
        pinned = state.pinned_az(target.name, packet)
        if pinned is not None:
            return pinned
    if az in target.enis_by_az:
        chosen = az
    else:
        destination = _destination_az(net, target, packet)
        chosen = destination if destination in target.enis_by_az else sorted(target.enis_by_az)[0]
    if target.appliance_mode:
        state.pin_az(target.name, packet, chosen)
    return chosen


def _into_vpc(net: CompiledNetwork, state: State, target: TgwAttachment, packet: Packet, context: Context,
              sg_references: bool, hops: list[Hop]) -> Arrival | End:
    """Into the target VPC through the attachment ENI of the chosen AZ (``handle`` has checked it has one)."""
    az = _choose_az(net, state, target, packet, context.az)
    eni = net.enis[target.enis_by_az[az]]
    context = through_attachment(context, target.resource, az, target.name, sg_references)
    hops.append(Hop(eni.name, ENI_COMPONENT, SEND, packet, None, None,
                    f"{target.name} in {az}: no security group applies (R3.14)", EGRESS))
    return leave(net, eni, packet, context, hops)
