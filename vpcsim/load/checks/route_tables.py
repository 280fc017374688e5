"""Route tables as wholes (aws-semantics §2.1, §2.3): which subnets and gateways each serves, and what a gateway
(edge) table may hold. The rules each route of a table obeys are in ``routes``."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.ip import parse_prefix
from vpcsim.load.checks.cidrs import is_cidr, whole_cidrs
from vpcsim.load.checks.context import Context, kind_name, vpc_path
from vpcsim.load.positions import Path
from vpcsim.model import RouteTable, Vpc
from vpcsim.model.index import ROUTE_TARGET_KINDS, Kind


def check_route_table_associations(ctx: Context) -> Iterator[Diagnostic]:
    """R2.1 one main table per VPC, one table per subnet; R2.2/R2.14 gateway tables: own gateway only;
    R7.1 propagation from a VGW of the VPC."""
    for name, vpc in ctx.topo.vpcs.items():
        base = vpc_path(name)
        mains = [t for t, table in vpc.route_tables.items() if table.main]
        for extra in mains[1:]:
            yield ctx.error((*base, "route_tables", extra, "main"), f"VPC {name!r} has two main route "
                            f"tables: {mains[0]!r} and {extra!r} (R2.1)",
                            hint="a VPC has exactly one main route table")
        chosen: dict[str, tuple[str, Path]] = {}
        for subnet_name, subnet in vpc.subnets.items():
            if subnet.route_table is not None:
                path = (*base, "subnets", subnet_name, "route_table")
                found, problem = ctx.resolve(path, "route table", subnet.route_table, Kind.ROUTE_TABLE, name)
                if problem:
                    yield problem
                elif found is not None:
                    chosen[subnet_name] = (found.name, path)
            if subnet.network_acl is not None:
                path = (*base, "subnets", subnet_name, "network_acl")
                yield from ctx.check_reference(path, "network ACL", subnet.network_acl, Kind.NETWORK_ACL, name)
        for table_name, table in vpc.route_tables.items():
            tpath = (*base, "route_tables", table_name)
            for i, subnet_name in enumerate(table.subnets):
                path = (*tpath, "subnets", i)
                found, problem = ctx.resolve(path, "subnet", subnet_name, Kind.SUBNET, owner=name)
                if problem:
                    yield problem
                    continue
                assert found is not None
                previous = chosen.get(found.name)
                if previous is not None and previous[0] != table_name:
                    yield ctx.error(path, f"subnet {found.name!r} is associated with route tables "
                                    f"{previous[0]!r} and {table_name!r}; a subnet has exactly one route "
                                    "table (R2.1)",
                                    hint=f"the other association is at {ctx.pos.of_value(previous[1])}")
                chosen[found.name] = (table_name, path)
            if table.gateway is not None:
                yield from _check_gateway_table(ctx, name, vpc, table, tpath)
            for i, vgw in enumerate(table.propagate):
                yield from ctx.check_reference((*tpath, "propagate", i), "virtual private gateway", vgw,
                                               Kind.VPN_GATEWAY, owner=name)


def _check_gateway_table(ctx: Context, vpc_name: str, vpc: Vpc, table: RouteTable,
                         tpath: Path) -> Iterator[Diagnostic]:
    """R2.2 a gateway table is associated with a gateway of its VPC, and with nothing else (R2.1, R2.14)."""
    gateway = table.gateway
    assert gateway is not None
    found = ctx.index.find(gateway, (Kind.INTERNET_GATEWAY, Kind.VPN_GATEWAY))
    if not found:
        yield ctx.unknown((*tpath, "gateway"), "gateway", gateway, Kind.INTERNET_GATEWAY, Kind.VPN_GATEWAY)
        return
    if found[0].owner != vpc_name:
        yield ctx.error((*tpath, "gateway"), f"gateway {gateway!r} is attached to VPC {found[0].owner!r}, "
                        f"not {vpc_name!r} (R2.2)",
                        hint=f"associate the table with a gateway of {vpc_name!r}")
    if table.main:
        yield ctx.error((*tpath, "main"), "a gateway route table cannot be the main route table (R2.1)",
                        hint="remove 'main: true' from this table")
    if table.subnets:
        yield ctx.error((*tpath, "subnets"), "a gateway route table cannot also be associated with subnets "
                        "(R2.2)",
                        hint="use a separate route table for the subnets")
    if table.propagate:
        yield ctx.error((*tpath, "propagate"), "a gateway route table cannot have route propagation (R2.14)",
                        hint="remove 'propagate'")
    yield from _check_gateway_routes(ctx, vpc, table, tpath, gateway)


def _check_gateway_routes(ctx: Context, vpc: Vpc, table: RouteTable, tpath: Path,
                          gateway: str) -> Iterator[Diagnostic]:
    """R2.13 a gateway table targets local, an ENI or a GWLB endpoint; R2.14 only whole VPC or subnet CIDRs."""
    whole = whole_cidrs(vpc)
    for i, route in enumerate(table.routes):
        rpath = (*tpath, "routes", i)
        if route.target != "local":
            kinds = ctx.index.find(route.target, ROUTE_TARGET_KINDS)
            ok = any(k.kind in (Kind.NETWORK_INTERFACE, Kind.INSTANCE) or
                     (k.kind is Kind.ENDPOINT and k.obj.type == "gateway_load_balancer") for k in kinds)
            if kinds and not ok:
                yield ctx.error((*rpath, "target"), f"a gateway route table (associated with {gateway!r}) "
                                f"cannot target {kind_name(kinds[0].kind)} {route.target!r} (R2.13)",
                                hint="target local, a network interface or a Gateway Load Balancer endpoint")
        if not is_cidr(route.destination) or parse_prefix(route.destination) not in whole:
            yield ctx.error((*rpath, "destination"), f"gateway route table destination {route.destination} "
                            "is neither a CIDR of the VPC nor the whole CIDR of one of its subnets (R2.14)",
                            hint="use the VPC CIDR or a subnet CIDR exactly")
