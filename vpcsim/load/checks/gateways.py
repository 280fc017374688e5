"""Gateways and what ends on them (aws-semantics §6, §7): NAT gateways in a subnet of their VPC, VPN and Direct
Connect connections on a virtual private gateway or a transit gateway, external sites behind them."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.context import Context, vpc_path
from vpcsim.load.checks.subnet_placement import check_address_in_subnet
from vpcsim.model.index import Kind


def check_nat_gateways(ctx: Context) -> Iterator[Diagnostic]:
    """R6.2 a NAT gateway lives in a subnet of its VPC; R1.8 its private IP is a usable address there."""
    for name, vpc in ctx.topo.vpcs.items():
        for nat_name, nat in vpc.nat_gateways.items():
            path = (*vpc_path(name), "nat_gateways", nat_name)
            found, problem = ctx.resolve((*path, "subnet"), "subnet", nat.subnet, Kind.SUBNET, owner=name)
            if problem:
                yield problem
            elif found is not None and nat.private_ip is not None:
                yield from check_address_in_subnet(ctx, (*path, "private_ip"), nat.private_ip, found)


def check_vpn_and_direct_connect(ctx: Context) -> Iterator[Diagnostic]:
    """A VPN/DX ends on a VGW attached to a VPC, or on a TGW (R7.1, R8.1); R7.6 static or BGP routes."""
    for attr in ("vpn_connections", "direct_connect"):
        for name, connection in getattr(ctx.topo, attr).items():
            path = (attr, name, "gateway")
            if not ctx.index.find(connection.gateway, (Kind.VPN_GATEWAY, Kind.TRANSIT_GATEWAY)):
                yield ctx.unknown(path, "gateway", connection.gateway, Kind.VPN_GATEWAY, Kind.TRANSIT_GATEWAY)
            if attr == "vpn_connections" and connection.routing == "static" and connection.bgp_routes:
                yield ctx.error((attr, name, "bgp_routes"), "a static VPN connection has no BGP routes "
                                "(R7.6)",
                                hint="set routing: dynamic, or list the prefixes in static_routes")
            if attr == "vpn_connections" and connection.routing == "dynamic" and connection.static_routes:
                yield ctx.error((attr, name, "static_routes"), "a dynamic (BGP) VPN connection learns its "
                                "routes over BGP (R7.6)",
                                hint="move them to bgp_routes, or set routing: static")


def check_external_sites(ctx: Context) -> Iterator[Diagnostic]:
    """An external (on-premises) site is reached through a VPN connection or Direct Connect (R7.1, R8.1)."""
    for name, site in ctx.topo.external.items():
        for i, via in enumerate(site.via):
            if not ctx.index.find(via, (Kind.VPN_CONNECTION, Kind.DIRECT_CONNECT)):
                yield ctx.unknown(("external", name, "via", i), "VPN connection or Direct Connect", via,
                                  Kind.VPN_CONNECTION, Kind.DIRECT_CONNECT)
