"""Transit gateways (aws-semantics §8): their route tables, and attachments of a VPC, a VPN, a Direct Connect
or another transit gateway."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.cidrs import destination
from vpcsim.load.checks.context import Context
from vpcsim.load.checks.subnet_placement import one_subnet_per_az
from vpcsim.load.positions import Path
from vpcsim.model import TransitGateway, TransitGatewayAttachment
from vpcsim.model.index import Kind


def check_transit_gateways(ctx: Context) -> Iterator[Diagnostic]:
    """R8.2 associations, R8.3 propagations, R8.4 routes, R8.7 one subnet per AZ per VPC attachment, R8.17
    peering attachments."""
    for tgw_name, tgw in ctx.topo.transit_gateways.items():
        base = ("transit_gateways", tgw_name)
        if tgw.default_route_table is not None:
            yield from ctx.check_reference((*base, "default_route_table"), "TGW route table",
                                           tgw.default_route_table, Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
        attached_vpcs: dict[str, str] = {}
        for att_name, att in tgw.attachments.items():
            yield from _check_attachment(ctx, tgw_name, att_name, att, (*base, "attachments", att_name),
                                         attached_vpcs)
        yield from _check_tgw_routes(ctx, tgw_name, tgw)


def _check_attachment(ctx: Context, tgw_name: str, att_name: str, att: TransitGatewayAttachment, path: Path,
                      attached_vpcs: dict[str, str]) -> Iterator[Diagnostic]:
    """R8.2 its table, R8.3 its propagations, and what it attaches (``attached_vpcs``: VPC -> attachment)."""
    if att.route_table is not None:
        yield from ctx.check_reference((*path, "route_table"), "TGW route table", att.route_table,
                                       Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
    for i, table in enumerate(att.propagations or ()):
        yield from ctx.check_reference((*path, "propagations", i), "TGW route table", table,
                                       Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
    if att.vpc is not None:
        yield from _check_vpc_attachment(ctx, att_name, att, path, attached_vpcs)
    elif att.vpn is not None:
        vpn, problem = ctx.resolve((*path, "vpn"), "VPN connection", att.vpn, Kind.VPN_CONNECTION)
        if problem:
            yield problem
        elif vpn is not None and vpn.obj.gateway != tgw_name:
            yield ctx.error((*path, "vpn"), f"VPN connection {att.vpn!r} terminates on "
                            f"{vpn.obj.gateway!r}, not on {tgw_name!r}",
                            hint=f"set vpn_connections.{att.vpn}.gateway: {tgw_name}")
    elif att.direct_connect is not None:
        yield from ctx.check_reference((*path, "direct_connect"), "Direct Connect", att.direct_connect,
                                       Kind.DIRECT_CONNECT)
    elif att.peer is not None:
        peer, problem = ctx.resolve((*path, "peer"), "TGW attachment", att.peer, Kind.TRANSIT_GATEWAY_ATTACHMENT)
        if problem:
            yield problem
        elif peer is not None and (peer.owner == tgw_name or peer.obj.peer != att_name):
            yield ctx.error((*path, "peer"), f"peering attachment {att.peer!r} must be on another "
                            f"transit gateway and name {att_name!r} as its peer (R8.17)",
                            hint=f"set peer: {att_name} on {att.peer!r}, on the other transit gateway")


def _check_vpc_attachment(ctx: Context, att_name: str, att: TransitGatewayAttachment, path: Path,
                          attached_vpcs: dict[str, str]) -> Iterator[Diagnostic]:
    """One attachment per VPC per TGW; R8.7 one subnet per AZ, none IPv6-only."""
    assert att.vpc is not None
    vpc, problem = ctx.resolve((*path, "vpc"), "VPC", att.vpc, Kind.VPC)
    if problem:
        yield problem
        return
    assert vpc is not None
    if vpc.name in attached_vpcs:
        yield ctx.error((*path, "vpc"), f"VPC {vpc.name!r} is already attached by "
                        f"{attached_vpcs[vpc.name]!r}",
                        hint="a VPC has one attachment per transit gateway; list all its AZ subnets in that one")
    attached_vpcs[vpc.name] = att_name
    for listed in one_subnet_per_az(ctx, (*path, "subnets"), att.subnets, vpc.name,
                                    f"attachment {att_name!r} already uses", "R8.7"):
        yield from listed.problems
        if listed.subnet is not None and listed.subnet.obj.cidr is None:
            yield ctx.error(listed.path, "IPv6-only subnets cannot host a TGW attachment (R8.7)",
                            hint="use a subnet with an IPv4 CIDR")


def _check_tgw_routes(ctx: Context, tgw_name: str, tgw: TransitGateway) -> Iterator[Diagnostic]:
    """R8.4 a static route's destination is a CIDR or a prefix list, its attachment one of the TGW's."""
    for table_name, tgw_table in tgw.route_tables.items():
        for i, tgw_route in enumerate(tgw_table.routes):
            rpath = ("transit_gateways", tgw_name, "route_tables", table_name, "routes", i)
            found = destination(ctx, (*rpath, "destination"), tgw_route.destination)
            if isinstance(found, Diagnostic):
                yield found
            if tgw_route.attachment is not None:
                yield from ctx.check_reference((*rpath, "attachment"), "TGW attachment", tgw_route.attachment,
                                               Kind.TRANSIT_GATEWAY_ATTACHMENT, tgw_name)
