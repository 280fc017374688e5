"""The rules each route of a VPC route table obeys (aws-semantics §1, §2, §5-§10), one function per rule.

``check_routes`` walks every (VPC, table, route) once (``vpc_routes``) and asks each rule of ``EVERY_ROUTE`` in
turn; a route to a CIDR block in a subnet route table is then asked the rules of ``CIDR_ROUTES`` too. A
rule is a generator of diagnostics about one route, so the diagnostics of a route come out together and in
the order of these tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vpcsim.errors import Diagnostic
from vpcsim.ip import SERVICE_RANGE_V4, SERVICE_RANGE_V6, Prefix, parse_prefix, read_cidr
from vpcsim.load.checks.cidrs import destination, prefixes, whole_cidrs
from vpcsim.load.checks.context import Context, kind_name, vpc_path
from vpcsim.load.positions import Path
from vpcsim.model import Route, RouteTable, Vpc
from vpcsim.model.index import ROUTE_TARGET_KINDS, Kind, Named

_NAT64 = parse_prefix("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class VpcCidrs:
    """A VPC's own CIDR blocks, and those a route inside them may name exactly (its own and its subnets')."""

    blocks: tuple[Prefix, ...]
    whole: frozenset[Prefix]


@dataclass(frozen=True, slots=True)
class VpcRoute:
    """One route of a VPC's route table, where it is written, and what its destination and target name."""

    vpc_name: str
    vpc: Vpc
    cidrs: VpcCidrs
    table_name: str
    table: RouteTable
    index: int
    route: Route
    path: Path
    destination: Prefix | None    # None for a prefix list, or a destination that is not a CIDR block
    first: int                    # the index of the table's first route to the same destination (R1.2 canonical)
    targets: tuple[Named, ...]    # what the target names, one per kind (empty for local and blackhole)
    target: Named | None          # the one resource it names; None for local, blackhole, unknown or ambiguous


def vpc_routes(ctx: Context) -> Iterator[VpcRoute]:
    """Every route of every route table of every VPC, in the order they are written."""
    for name, vpc in ctx.topo.vpcs.items():
        cidrs = VpcCidrs(tuple(prefixes(list(vpc.all_cidrs()))), frozenset(whole_cidrs(vpc)))
        for table_name, table in vpc.route_tables.items():
            tpath = (*vpc_path(name), "route_tables", table_name)
            first: dict[Prefix | str, int] = {}
            for i, route in enumerate(table.routes):
                text = route.destination
                cidr = read_cidr(text) if "/" in text else None
                prefix = cidr[0] if cidr is not None else None
                targets = () if route.target in ("local", "blackhole") else \
                    tuple(ctx.index.find(route.target, ROUTE_TARGET_KINDS))
                yield VpcRoute(vpc_name=name, vpc=vpc, cidrs=cidrs, table_name=table_name, table=table, index=i,
                               route=route, path=(*tpath, "routes", i), destination=prefix,
                               first=first.setdefault(prefix if prefix is not None else text, i), targets=targets,
                               target=targets[0] if len({t.kind for t in targets}) == 1 else None)


def check_routes(ctx: Context) -> Iterator[Diagnostic]:
    """Destinations read (R1.2) and are not repeated; targets resolve and are usable from the VPC (R8.6,
    R10.1); R1.12 reserved ranges; R5.9/R7.3/R6.11 target families; R2.7 routes more specific than local."""
    for at in vpc_routes(ctx):
        for rule in EVERY_ROUTE:
            yield from rule(ctx, at)
        if at.destination is not None and at.table.gateway is None:
            for cidr_rule in CIDR_ROUTES:
                yield from cidr_rule(ctx, at, at.destination)


# --- every route ---------------------------------------------------------------------------------------


def destination_reads(ctx: Context, at: VpcRoute) -> Iterator[Diagnostic]:
    """R1.2: a destination is a CIDR block (canonicalised) or the name of a prefix list that exists."""
    if at.destination is None:
        problem = destination(ctx, (*at.path, "destination"), at.route.destination)
        if isinstance(problem, Diagnostic):
            yield problem


def destination_is_not_repeated(ctx: Context, at: VpcRoute) -> Iterator[Diagnostic]:
    """A table holds one route per destination (CreateRoute refuses a second); R1.2: 10.0.0.1/16 and
    10.0.0.0/16 are the same destination."""
    if at.first != at.index:
        same = at.destination if at.destination is not None else at.route.destination
        first = (*at.path[:-1], at.first, "destination")
        yield ctx.error((*at.path, "destination"), f"route table {at.table_name!r} has two routes to {same}",
                        hint=f"the first is route #{at.first + 1} (at {ctx.pos.of_value(first)})")


def target_exists_once(ctx: Context, at: VpcRoute) -> Iterator[Diagnostic]:
    """A target names a route target (aws-semantics §2.4's table of targets) of exactly one kind: names are
    unique within a kind (DESIGN §2), so a route target, looked up across kinds, could name two."""
    target = at.route.target
    if target in ("local", "blackhole"):
        return
    if not at.targets:
        yield ctx.unknown((*at.path, "target"), "route target", target, *ROUTE_TARGET_KINDS)
    elif len({f.kind for f in at.targets}) > 1:
        kinds = " and ".join(kind_name(f.kind) for f in at.targets)
        yield ctx.error((*at.path, "target"), f"route target {target!r} is ambiguous: it names a {kinds}",
                        hint="rename one of them; names are unique within a kind, route targets across kinds")


def target_is_usable_from_vpc(ctx: Context, at: VpcRoute) -> Iterator[Diagnostic]:
    """A peering involves the VPC; R8.6 a TGW has an attachment of the VPC; R10.1 a gateway endpoint is never
    a target; any other target belongs to the VPC."""
    entry, vpc, target, path = at.target, at.vpc_name, at.route.target, (*at.path, "target")
    if entry is None:
        return
    if entry.kind is Kind.PEERING:
        if vpc not in (ctx.vpc_name(entry.obj.requester), ctx.vpc_name(entry.obj.accepter)):
            yield ctx.error(path, f"peering connection {target!r} does not involve VPC {vpc!r} "
                            f"(it joins {entry.obj.requester!r} and {entry.obj.accepter!r})",
                            hint="use a peering connection of this VPC")
    elif entry.kind is Kind.TRANSIT_GATEWAY:
        if vpc not in ctx.tgw_vpcs()[entry.name]:
            yield ctx.error(path, f"VPC {vpc!r} has no attachment to transit gateway {target!r} (R8.6)",
                            hint=f"add an attachment with 'vpc: {vpc}' under "
                            f"transit_gateways.{target}.attachments")
    elif entry.kind is Kind.ENDPOINT and entry.obj.type == "gateway":
        yield ctx.error(path, f"gateway endpoint {target!r} cannot be a route target: its routes are "
                        "created by associating it with route tables (R10.1)",
                        hint=f"list the table in endpoints.{target}.route_tables")
    elif entry.owner != vpc:
        yield ctx.error(path, f"route target {target!r} ({kind_name(entry.kind)}) belongs to VPC "
                        f"{entry.owner!r}, not {vpc!r}",
                        hint="a route can only use gateways and interfaces of its own VPC")


# --- a route to a CIDR block in a subnet route table -------------------------------------------------


def outside_reserved_ranges(ctx: Context, at: VpcRoute, destination: Prefix) -> Iterator[Diagnostic]:
    """R1.12: no route to or inside 169.254.168.0/22 or fd00:ec2::/32."""
    if SERVICE_RANGE_V4.covers(destination) or SERVICE_RANGE_V6.covers(destination):
        yield ctx.error((*at.path, "destination"), "a route cannot have the destination "
                        f"{destination}: it is inside AWS's reserved 169.254.168.0/22 / "
                        "fd00:ec2::/32 (R1.12)",
                        hint="the instance metadata and DNS addresses there are never routed")


def target_carries_family(ctx: Context, at: VpcRoute, destination: Prefix) -> Iterator[Diagnostic]:
    """R5.9 an egress-only IGW carries IPv6 only; R7.3 a VGW IPv4 only; R6.11 a NAT gateway IPv6 for NAT64."""
    target, path = at.target, (*at.path, "target")
    if target is None:
        return
    if target.kind is Kind.EGRESS_ONLY_INTERNET_GATEWAY and destination.family != 6:
        yield ctx.error(path, "an egress-only internet gateway carries IPv6 only (R5.9)",
                        hint="use a NAT gateway for IPv4 outbound-only traffic")
    if target.kind is Kind.VPN_GATEWAY and destination.family != 4:
        yield ctx.error(path, "a virtual private gateway does not carry IPv6 (R7.3)",
                        hint="IPv6 to on-premises needs a transit gateway VPN attachment")
    if target.kind is Kind.NAT_GATEWAY and destination.family == 6 and destination != _NAT64:
        yield ctx.error(path, "IPv6 routes to a NAT gateway are only for NAT64 (64:ff9b::/96, R6.11)",
                        hint="send IPv6 to an egress-only internet gateway, or route only 64:ff9b::/96 "
                        "to the NAT gateway")


def _overrides_local(at: VpcRoute, destination: Prefix) -> bool:
    """A route (to a real target, not ``local``) whose destination lies inside one of the VPC's CIDRs."""
    return at.target is not None and at.route.target != "local" and any(
        p.covers(destination) for p in at.cidrs.blocks)


def inside_vpc_is_a_whole_subnet(ctx: Context, at: VpcRoute, destination: Prefix) -> Iterator[Diagnostic]:
    """R2.7: a route more specific than local names the whole CIDR of a subnet."""
    if _overrides_local(at, destination) and destination not in at.cidrs.whole:
        around = [(n, c) for n, sub in at.vpc.subnets.items() for c in (sub.cidr, sub.ipv6_cidr)
                  if c is not None and parse_prefix(c).overlaps(destination)]
        yield ctx.error((*at.path, "destination"), f"route to {destination} is more specific "
                        "than the local route but is not the whole CIDR of a subnet (R2.7)",
                        hint=f"route the whole subnet {around[0][0]!r} ({around[0][1]}) instead"
                        if len(around) == 1 else "routes inside the VPC must match a subnet CIDR exactly")


def inside_vpc_goes_to_an_appliance(ctx: Context, at: VpcRoute, destination: Prefix) -> Iterator[Diagnostic]:
    """R2.7 (R2.22): a route replacing or more specific than local targets a NAT gateway, an ENI (or
    instance) or a GWLB endpoint."""
    target = at.target
    if target is None or not _overrides_local(at, destination) or destination not in at.cidrs.whole:
        return
    if target.kind in (Kind.NAT_GATEWAY, Kind.NETWORK_INTERFACE, Kind.INSTANCE) or (
            target.kind is Kind.ENDPOINT and target.obj.type == "gateway_load_balancer"):
        return
    what = "replacing the local route" if destination in at.cidrs.blocks else "more specific than the local route"
    yield ctx.error((*at.path, "target"), f"a route {what} can only target a NAT gateway, "
                    f"a network interface or a GWLB endpoint, not {at.route.target!r} (R2.7)",
                    hint="send it to a NAT gateway, an ENI or a GWLB endpoint, or remove the route")


RouteRule = Callable[[Context, VpcRoute], Iterator[Diagnostic]]
CidrRouteRule = Callable[[Context, VpcRoute, Prefix], Iterator[Diagnostic]]

# The rules in the order their diagnostics of one route are reported (the order check_routes always had).
EVERY_ROUTE: tuple[RouteRule, ...] = (destination_reads, destination_is_not_repeated, target_exists_once,
                                      target_is_usable_from_vpc)
CIDR_ROUTES: tuple[CidrRouteRule, ...] = (outside_reserved_ranges, target_carries_family,
                                          inside_vpc_is_a_whole_subnet, inside_vpc_goes_to_an_appliance)
