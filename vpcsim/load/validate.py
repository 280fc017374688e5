"""What a schema cannot say: references resolve, CIDRs nest, AWS's placement rules hold (DESIGN §1).

Each check is a generator of positioned diagnostics named for what it checks; ``validate`` runs them all
and the loader raises once with everything found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from vpcsim.errors import Diagnostic
from vpcsim.ip import (
    LINK_LOCAL_V4,
    SERVICE_RANGE_V4,
    SERVICE_RANGE_V6,
    Prefix,
    format_address,
    is_address,
    is_private_v4,
    parse_address,
    parse_prefix,
    read_address,
    read_cidr,
)
from vpcsim.load.hints import cidr_hint
from vpcsim.load.positions import Path, Positions
from vpcsim.model import Instance, NetworkInterface, Topology, Vpc
from vpcsim.model.index import ROUTE_TARGET_KINDS, Kind, Named, TopologyIndex, index_topology
from vpcsim.model.services import GATEWAY_SERVICES, managed_prefix_list, service_name, short_service
from vpcsim.suggestions import did_you_mean

Check = Callable[["Context"], Iterator[Diagnostic]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


@dataclass(slots=True)
class Context:
    topo: Topology
    pos: Positions
    index: TopologyIndex
    _tgw_vpcs: dict[str, set[str]] | None = None
    # The hint for a name that does not exist, per (what, name, kinds, owner): picking the closest of thousands
    # of names takes milliseconds, and a typo tends to be repeated in every rule that copies it.
    _hints: dict[tuple[str, str, tuple[Kind, ...], str | None], str] = field(default_factory=dict)

    def tgw_vpcs(self) -> dict[str, set[str]]:
        """Per transit gateway (by name), the names of the VPCs attached to it. Computed once: SG peers and
        every route to a TGW ask (scanning the attachments per route made check_routes quadratic)."""
        if self._tgw_vpcs is None:
            self._tgw_vpcs = {name: {_vpc_name(self, x.vpc) for x in tgw.attachments.values() if x.vpc is not None}
                              for name, tgw in self.topo.transit_gateways.items()}
        return self._tgw_vpcs

    def owned(self, kind: Kind, name: str, owner: str | None = None) -> Named | None:
        """``name`` of ``kind`` when it exists (and belongs to ``owner``): ``resolve`` without building the
        diagnostic's path on the way. None exactly when ``resolve`` would report a problem."""
        found = self.index.get(kind, name)
        return found if found is not None and (owner is None or found.owner == owner) else None

    def error(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(self.pos.of_value(path), message, hint)

    def error_at_name(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        """For a problem with a whole resource: point at its name (the key), not at its first value."""
        return Diagnostic(self.pos.of_key(path), message, hint)

    def warning(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(self.pos.of_value(path), message, hint, severity="warning")

    def unknown(self, path: Path, what: str, name: str, *kinds: Kind, owner: str | None = None) -> Diagnostic:
        """``name`` names no resource of ``kinds`` (of ``owner``'s, when given): say so, with the closest name."""
        key = (what, name, kinds, owner)
        hint = self._hints.get(key)
        if hint is None:
            names = [n for kind in kinds for n, e in self.index.by_kind.get(kind, {}).items()
                     if owner is None or e.owner == owner]
            hint = self._hints[key] = did_you_mean(name, names) or (
                f"no {what} is defined here to refer to" if not names else "check the spelling: names are "
                "case-sensitive")
        return self.error(path, f"{what} {name!r} does not exist", hint)

    def resolve(self, path: Path, what: str, name: str, kind: Kind,
                owner: str | None = None) -> tuple[Named | None, Diagnostic | None]:
        """Find ``name`` of ``kind``; when ``owner`` is given it must belong to that VPC/TGW."""
        found = self.index.get(kind, name)
        if found is None:
            return None, self.unknown(path, what, name, kind, owner=owner)
        if owner is not None and found.owner != owner:
            return None, self.error(path, f"{what} {name!r} belongs to {found.owner!r}, not to {owner!r}",
                                    hint=f"reference a {_kind_name(kind)} of {owner!r}")
        return found, None


def validate(topo: Topology, positions: Positions) -> Iterator[Diagnostic]:
    context = Context(topo, positions, index_topology(topo))
    for run in CHECKS:
        yield from run(context)


def _whole_cidrs(vpc: Vpc) -> set[Prefix]:
    """The CIDRs a route may name exactly inside a VPC: the VPC's own, and each subnet's (R2.7, R2.14)."""
    subnets = {parse_prefix(p) for s in vpc.subnets.values() for p in (s.cidr, s.ipv6_cidr) if p is not None}
    return subnets | set(_prefixes(list(vpc.all_cidrs())))


def _prefixes(cidrs: tuple[str, ...] | list[str]) -> list[Prefix]:
    return [parse_prefix(c) for c in cidrs]


def _is_cidr(text: str) -> bool:
    """``vpcsim.ip.is_cidr``, answered from the schema's memo of CIDR texts (peers and routes repeat a lot)."""
    return "/" in text and read_cidr(text) is not None


def _vpc_path(name: str) -> Path:
    return ("vpcs", name)


# --- names --------------------------------------------------------------------------------------------


@check
def check_unique_names(ctx: Context) -> Iterator[Diagnostic]:
    """Names are unique within a kind across the whole topology (DESIGN §2)."""
    for first, second in ctx.index.duplicates:
        yield Diagnostic(ctx.pos.of_key(second.key), f"{_kind_name(second.kind)} name {second.name!r} is "
                         "used twice", hint=f"first defined at {ctx.pos.of_key(first.key)}; "
                         "names must be unique within their kind across the topology")


# --- addressing (§1) ----------------------------------------------------------------------------------


@check
def check_vpc_cidrs(ctx: Context) -> Iterator[Diagnostic]:
    """R1.1 sizes /16 to /28; R1.3 no overlap between a VPC's CIDRs; R1.5 169.254/16 never, range families."""
    for name, vpc in ctx.topo.vpcs.items():
        base = _vpc_path(name)
        cidrs: list[tuple[Path, str]] = [(("cidr",), vpc.cidr)]
        cidrs += [(("secondary_cidrs", i), c) for i, c in enumerate(vpc.secondary_cidrs)]
        seen: list[tuple[Prefix, Path]] = []
        for sub, cidr in cidrs:
            prefix = parse_prefix(cidr)
            path = (*base, *sub)
            if not 16 <= prefix.length <= 28:
                yield ctx.error(path, f"VPC CIDR {cidr} is a /{prefix.length}; VPC IPv4 blocks are /16 to "
                                "/28 (R1.1)",
                                hint="use a prefix length between 16 and 28")
            if LINK_LOCAL_V4.overlaps(prefix):
                yield ctx.error(path, f"VPC CIDR {cidr} is in 169.254.0.0/16, which AWS never allows (R1.5)",
                                hint="pick a private range such as 10.0.0.0/16")
            for other, other_path in seen:
                if other.overlaps(prefix):
                    yield ctx.error(path, f"CIDR {cidr} overlaps {other} of the same VPC (R1.3)",
                                    hint=f"{other} is at {ctx.pos.of_value(other_path)}")
            seen.append((prefix, path))
        yield from _secondary_range_rules(ctx, name, vpc)
        if len(cidrs) > 5:
            yield ctx.warning((*base, "secondary_cidrs"), f"{len(cidrs)} IPv4 CIDRs exceed the default "
                              "quota of 5 per VPC (R1.3); AWS raises it to 50 on request",
                              hint="ask AWS for a quota increase, or use fewer CIDRs")
        for i, cidr6 in enumerate(vpc.ipv6_cidrs):
            length = parse_prefix(cidr6).length
            if not 44 <= length <= 60:
                yield ctx.error((*base, "ipv6_cidrs", i), f"IPv6 VPC CIDR {cidr6} is a /{length}; "
                                "Amazon-provided blocks are /56 (R1.10)", hint="use a /56")


_NAT64 = parse_prefix("64:ff9b::/96")
_RFC1918 = [parse_prefix(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
_P198_19 = parse_prefix("198.19.0.0/16")


def _secondary_range_rules(ctx: Context, name: str, vpc: Vpc) -> Iterator[Diagnostic]:
    """R1.5: which ranges a secondary CIDR may come from, given the primary's range."""
    primary = parse_prefix(vpc.cidr)
    for i, cidr in enumerate(vpc.secondary_cidrs):
        second = parse_prefix(cidr)
        path = (*_vpc_path(name), "secondary_cidrs", i)
        home = next((r for r in _RFC1918 if r.covers(primary)), None)
        other = next((r for r in _RFC1918 if r.covers(second)), None)
        if home is not None and other is not None and home != other:
            yield ctx.error(path, f"secondary CIDR {cidr} is in {other} but the VPC's primary CIDR is in "
                            f"{home} (R1.5)", hint=f"pick the secondary CIDR from {home} or a public range")
        elif _P198_19.covers(second) and not _P198_19.covers(primary):
            yield ctx.error(path, f"secondary CIDR {cidr} is in 198.19.0.0/16, which is not allowed with "
                            f"the primary CIDR {vpc.cidr} (R1.5)",
                            hint="pick the secondary CIDR from another range")
        elif home is None and other is not None:
            yield ctx.error(path, f"secondary CIDR {cidr} is private (RFC 1918) but the primary {vpc.cidr} "
                            "is not (R1.5)",
                            hint="pick a secondary CIDR outside 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16")


@check
def check_subnets(ctx: Context) -> Iterator[Diagnostic]:
    """R1.7 size /16 to /28 inside one VPC CIDR, no overlap; R1.9 IPv6 subnets are /64 in the VPC block."""
    for name, vpc in ctx.topo.vpcs.items():
        vpc_prefixes = _prefixes([vpc.cidr, *vpc.secondary_cidrs])
        vpc6 = _prefixes(list(vpc.ipv6_cidrs))
        seen: list[tuple[Prefix, str]] = []
        for subnet_name, subnet in vpc.subnets.items():
            path = (*_vpc_path(name), "subnets", subnet_name)
            if subnet.cidr is None and subnet.ipv6_cidr is None:
                yield ctx.error_at_name(path, f"subnet {subnet_name!r} has no CIDR",
                                        hint="add 'cidr:' (and/or 'ipv6_cidr:')")
            if subnet.cidr is not None:
                prefix = parse_prefix(subnet.cidr)
                if not 16 <= prefix.length <= 28:
                    yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} is a /{prefix.length}; "
                                    "subnets are /16 to /28 (R1.7)",
                                    hint="a /28 is the smallest subnet (11 usable addresses)")
                if not any(v.covers(prefix) for v in vpc_prefixes):
                    yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} is outside the CIDRs of "
                                    f"VPC {name!r} ({', '.join(map(str, vpc_prefixes))}) (R1.7)",
                                    hint="pick a block inside the VPC CIDR, or add a secondary CIDR")
                for other, other_name in seen:
                    if other.overlaps(prefix):
                        yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} overlaps subnet "
                                        f"{other_name!r} ({other}) (R1.7)",
                                        hint="subnets of a VPC must not overlap")
                seen.append((prefix, subnet_name))
            if subnet.ipv6_cidr is not None:
                prefix6 = parse_prefix(subnet.ipv6_cidr)
                if prefix6.length != 64:
                    yield ctx.error((*path, "ipv6_cidr"), f"IPv6 subnet CIDR {subnet.ipv6_cidr} must be a "
                                    "/64 (R1.9)",
                                    hint="IPv6 subnets are always /64, e.g. the first /64 of the VPC's /56")
                if not any(v.covers(prefix6) for v in vpc6):
                    yield ctx.error((*path, "ipv6_cidr"), f"IPv6 subnet CIDR {subnet.ipv6_cidr} is outside "
                                    f"the IPv6 CIDRs of VPC {name!r}",
                                    hint="add 'ipv6_cidrs:' to the VPC or fix the block")


# --- route tables (§2) --------------------------------------------------------------------------------


@check
def check_route_table_associations(ctx: Context) -> Iterator[Diagnostic]:
    """R2.1 one main table per VPC, one table per subnet; R2.2/R2.14 gateway tables: own gateway only."""
    for name, vpc in ctx.topo.vpcs.items():
        base = _vpc_path(name)
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
                _, problem = ctx.resolve(path, "network ACL", subnet.network_acl, Kind.NETWORK_ACL, name)
                if problem:
                    yield problem
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
                yield from _check_gateway_table(ctx, name, vpc, table_name, tpath)
            for i, vgw in enumerate(table.propagate):
                path = (*tpath, "propagate", i)
                _, problem = ctx.resolve(path, "virtual private gateway", vgw, Kind.VPN_GATEWAY, owner=name)
                if problem:
                    yield problem


def _check_gateway_table(ctx: Context, vpc_name: str, vpc: Vpc, table_name: str,
                         tpath: Path) -> Iterator[Diagnostic]:
    table = vpc.route_tables[table_name]
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
    whole = _whole_cidrs(vpc)
    for i, route in enumerate(table.routes):
        rpath = (*tpath, "routes", i)
        if route.target != "local":
            kinds = ctx.index.find(route.target, ROUTE_TARGET_KINDS)
            ok = any(k.kind in (Kind.NETWORK_INTERFACE, Kind.INSTANCE) or
                     (k.kind is Kind.ENDPOINT and k.obj.type == "gateway_load_balancer") for k in kinds)
            if kinds and not ok:
                yield ctx.error((*rpath, "target"), f"a gateway route table (associated with {gateway!r}) "
                                f"cannot target {_kind_name(kinds[0].kind)} {route.target!r} (R2.13)",
                                hint="target local, a network interface or a Gateway Load Balancer endpoint")
        if not _is_cidr(route.destination) or parse_prefix(route.destination) not in whole:
            yield ctx.error((*rpath, "destination"), f"gateway route table destination {route.destination} "
                            "is neither a CIDR of the VPC nor the whole CIDR of one of its subnets (R2.14)",
                            hint="use the VPC CIDR or a subnet CIDR exactly")


@check
def check_routes(ctx: Context) -> Iterator[Diagnostic]:
    """Targets resolve and belong to the VPC; R1.12 reserved ranges; R2.7 routes more specific than local."""
    for name, vpc in ctx.topo.vpcs.items():
        vpc_prefixes = _prefixes(list(vpc.all_cidrs()))
        whole = _whole_cidrs(vpc)
        for table_name, table in vpc.route_tables.items():
            tpath = (*_vpc_path(name), "route_tables", table_name)
            seen: dict[Prefix | str, int] = {}
            for i, route in enumerate(table.routes):
                rpath = (*tpath, "routes", i)
                destination = _destination(ctx, (*rpath, "destination"), route.destination)
                if isinstance(destination, Diagnostic):
                    yield destination
                    destination = None
                same = destination if destination is not None else route.destination   # R1.2: canonical
                if same in seen:
                    yield ctx.error((*rpath, "destination"), f"route table {table_name!r} has two routes to "
                                    f"{same}", hint=f"the first is route #{seen[same] + 1} (at "
                                    f"{ctx.pos.of_value((*tpath, 'routes', seen[same], 'destination'))})")
                seen.setdefault(same, i)
                target = yield from _route_target(ctx, name, (*rpath, "target"), route.target)
                if destination is None or table.gateway is not None:
                    continue
                if (SERVICE_RANGE_V4.covers(destination) or SERVICE_RANGE_V6.covers(destination)):
                    yield ctx.error((*rpath, "destination"), "a route cannot have the destination "
                                    f"{destination}: it is inside AWS's reserved 169.254.168.0/22 / "
                                    "fd00:ec2::/32 (R1.12)",
                                    hint="the instance metadata and DNS addresses there are never routed")
                if target is not None:
                    yield from _check_target_family(ctx, (*rpath, "target"), destination, target)
                inside = [p for p in vpc_prefixes if p.covers(destination)]
                if inside and target is not None and route.target != "local":
                    allowed = target.kind in (Kind.NAT_GATEWAY, Kind.NETWORK_INTERFACE, Kind.INSTANCE) or (
                        target.kind is Kind.ENDPOINT and target.obj.type == "gateway_load_balancer")
                    if destination not in whole:
                        around = [(n, c) for n, sub in vpc.subnets.items() for c in (sub.cidr, sub.ipv6_cidr)
                                  if c is not None and parse_prefix(c).overlaps(destination)]
                        yield ctx.error((*rpath, "destination"), f"route to {destination} is more specific "
                                        "than the local route but is not the whole CIDR of a subnet (R2.7)",
                                        hint=f"route the whole subnet {around[0][0]!r} ({around[0][1]}) "
                                        "instead"
                                        if len(around) == 1 else "routes inside the VPC must match a subnet "
                                        "CIDR exactly")
                    elif not allowed:
                        what = "replacing the local route" if destination in vpc_prefixes else \
                            "more specific than the local route"
                        yield ctx.error((*rpath, "target"), f"a route {what} can only target a NAT gateway, "
                                        f"a network interface or a GWLB endpoint, not {route.target!r} "
                                        "(R2.7)",
                                        hint="send it to a NAT gateway, an ENI or a GWLB endpoint, or "
                                        "remove the route")


def _destination(ctx: Context, path: Path, text: str) -> Prefix | Diagnostic | None:
    cidr = read_cidr(text) if "/" in text else None
    if cidr is not None:
        return cidr[0]
    if "/" in text or text.replace(".", "").isdigit():
        return ctx.error(path, f"{text!r} is not a valid CIDR block", hint=cidr_hint(text))
    if _prefix_list(ctx, text):
        return None
    return ctx.unknown(path, "prefix list", text, Kind.PREFIX_LIST)


def _prefix_list(ctx: Context, name: str) -> bool:
    return ctx.index.get(Kind.PREFIX_LIST, name) is not None or (
        name.startswith("com.amazonaws.") and short_service(name) in GATEWAY_SERVICES)


def _route_target(ctx: Context, vpc: str, path: Path,
                  target: str) -> Generator[Diagnostic, None, Named | None]:
    """Resolve a route target and check that it is usable from this VPC; returns it (generator return)."""
    if target in ("local", "blackhole"):
        return None
    found = ctx.index.find(target, ROUTE_TARGET_KINDS)
    if not found:
        yield ctx.unknown(path, "route target", target, *ROUTE_TARGET_KINDS)
        return None
    if len({f.kind for f in found}) > 1:
        kinds = " and ".join(_kind_name(f.kind) for f in found)
        yield ctx.error(path, f"route target {target!r} is ambiguous: it names a {kinds}",
                        hint="rename one of them; names are unique within a kind, route targets across kinds")
        return None
    entry = found[0]
    if entry.kind is Kind.PEERING:
        if vpc not in (_vpc_name(ctx, entry.obj.requester), _vpc_name(ctx, entry.obj.accepter)):
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
        yield ctx.error(path, f"route target {target!r} ({_kind_name(entry.kind)}) belongs to VPC "
                        f"{entry.owner!r}, not {vpc!r}",
                        hint="a route can only use gateways and interfaces of its own VPC")
    return entry


def _check_target_family(ctx: Context, path: Path, destination: Prefix,
                         target: Named) -> Iterator[Diagnostic]:
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


# --- gateways and endpoints ---------------------------------------------------------------------------


@check
def check_nat_gateways(ctx: Context) -> Iterator[Diagnostic]:
    for name, vpc in ctx.topo.vpcs.items():
        for nat_name, nat in vpc.nat_gateways.items():
            path = (*_vpc_path(name), "nat_gateways", nat_name)
            found, problem = ctx.resolve((*path, "subnet"), "subnet", nat.subnet, Kind.SUBNET, owner=name)
            if problem:
                yield problem
            elif found is not None and nat.private_ip is not None:
                yield from _check_address_in_subnet(ctx, (*path, "private_ip"), nat.private_ip, found)


@check
def check_endpoints(ctx: Context) -> Iterator[Diagnostic]:
    """R10.1 one endpoint route per service per table; R10.10 one subnet per AZ; SGs of the same VPC."""
    for name, vpc in ctx.topo.vpcs.items():
        routes_for: dict[tuple[str, str], str] = {}
        for ep_name, ep in vpc.endpoints.items():
            path = (*_vpc_path(name), "endpoints", ep_name)
            if ep.type == "gateway" and short_service(ep.service) not in GATEWAY_SERVICES:
                yield ctx.error((*path, "service"), f"gateway endpoints exist only for s3 and dynamodb, not "
                                f"{ep.service!r}", hint="use type: interface for other services")
            if ep.type == "gateway":
                region = vpc.region or ctx.topo.region
                full = service_name(ep.service, region)
                known = ctx.index.get(Kind.PREFIX_LIST, full) or managed_prefix_list(ep.service, region)
                if known is None:
                    yield ctx.warning((*path, "service"), f"vpcsim has no address ranges for {full}; its "
                                      "endpoint route matches nothing",
                                      hint=f"declare prefix_lists: {{{full}: {{aws_managed: "
                                      "true, entries: [...]}}")
            for i, table in enumerate(ep.route_tables):
                found, problem = ctx.resolve((*path, "route_tables", i), "route table", table,
                                             Kind.ROUTE_TABLE, name)
                if problem:
                    yield problem
                elif found is not None:
                    key = (found.name, short_service(ep.service))
                    if key in routes_for:
                        yield ctx.error((*path, "route_tables", i), f"route table {found.name!r} already "
                                        f"has an endpoint route for {key[1]} (via {routes_for[key]!r}) "
                                        "(R10.1)",
                                        hint="one endpoint per service per route table")
                    routes_for[key] = ep_name
            azs: dict[str, str] = {}
            for i, subnet_name in enumerate(ep.subnets):
                found, problem = ctx.resolve((*path, "subnets", i), "subnet", subnet_name, Kind.SUBNET, name)
                if problem:
                    yield problem
                    continue
                assert found is not None
                az = found.obj.az or found.name
                if az in azs:
                    yield ctx.error((*path, "subnets", i), f"endpoint {ep_name!r} already has subnet "
                                    f"{azs[az]!r} in {az}; one subnet per Availability Zone (R10.10)",
                                    hint=f"keep one subnet in {az}")
                azs[az] = found.name
                address = ep.addresses.get(found.name)
                if address is not None:
                    yield from _check_address_in_subnet(ctx, (*path, "addresses", found.name), address, found)
            for subnet_name in ep.addresses:
                if subnet_name not in ep.subnets:
                    yield ctx.error((*path, "addresses", subnet_name), f"address given for {subnet_name!r}, "
                                    "which is not one of the endpoint's subnets",
                                    hint=f"add {subnet_name!r} to the endpoint's 'subnets', or remove the "
                                    "address")
            for i, sg in enumerate(ep.security_groups or ()):
                _, problem = ctx.resolve((*path, "security_groups", i), "security group", sg,
                                         Kind.SECURITY_GROUP, name)
                if problem:
                    yield problem


# --- security groups and NACLs (§3, §4) ---------------------------------------------------------------


@check
def check_security_groups(ctx: Context) -> Iterator[Diagnostic]:
    """R3.4 peers: CIDR, SG (own VPC or an active same-Region peer, R3.7) or prefix list; R3.5 ICMP shape."""
    peers_of = _peered_vpcs(ctx)
    for name, vpc in ctx.topo.vpcs.items():
        fine: set[str] = set()      # peers already found usable from this VPC: the verdict depends on nothing else
        for sg_name, sg in vpc.security_groups.items():
            base = (*_vpc_path(name), "security_groups", sg_name)
            for direction, wrong in (("ingress", "destination"), ("egress", "source")):
                for i, rule in enumerate(getattr(sg, direction) or ()):
                    if getattr(rule, wrong) is not None:
                        right = "source" if direction == "ingress" else "destination"
                        yield ctx.error((*base, direction, i, wrong), f"{direction} rules name a {right!r}, "
                                        f"not a {wrong!r}",
                                        hint=f"rename the key to '{right}'")
                    peer = rule.source if rule.source is not None else rule.destination
                    if peer is not None and peer not in fine:
                        problems = list(_check_sg_peer(ctx, name, (*base, direction, i, "source" if rule.source
                                                                    else "destination"), peer, peers_of))
                        if problems:
                            yield from problems
                        else:
                            fine.add(peer)
                    all_types = rule.icmp_type == -1 and rule.protocol in ("icmp", "icmpv6")
                    if all_types and rule.icmp_code not in (None, -1):
                        yield ctx.error((*base, direction, i, "icmp_code"), "'all ICMP types' requires 'all "
                                        "codes' (R3.5)",
                                        hint="set icmp_code: -1 or remove it")


def _vpc_name(ctx: Context, ref: str) -> str:
    """A VPC reference (name or AWS id) as the VPC's name."""
    found = ctx.index.get(Kind.VPC, ref)
    return found.name if found is not None else ref


def _peered_vpcs(ctx: Context) -> dict[str, set[str]]:
    peers: dict[str, set[str]] = defaultdict(set)
    for p in ctx.topo.peering.values():
        if p.status == "active":
            a, b = _vpc_name(ctx, p.requester), _vpc_name(ctx, p.accepter)
            peers[a].add(b)
            peers[b].add(a)
    return peers


def _check_sg_peer(ctx: Context, vpc: str, path: Path, peer: str,
                   peers_of: dict[str, set[str]]) -> Iterator[Diagnostic]:
    if _is_cidr(peer):
        return
    if "/" in peer or peer.replace(".", "").replace(":", "").isdigit():
        yield ctx.error(path, f"{peer!r} is not a valid CIDR block", hint=cidr_hint(peer))
        return
    sg = ctx.index.get(Kind.SECURITY_GROUP, peer.split("/")[-1])
    if sg is not None:
        neighbour = sg.owner in peers_of.get(vpc, set()) or _share_tgw(ctx, vpc, sg.owner)
        if sg.owner != vpc and not neighbour:
            yield ctx.error(path, f"security group {peer!r} belongs to VPC {sg.owner!r}, which is neither "
                            "this VPC nor an active peer or a TGW neighbour (R3.7)",
                            hint="reference a CIDR instead")
        return
    if _prefix_list(ctx, peer):
        return
    yield ctx.unknown(path, "security group or prefix list", peer, Kind.SECURITY_GROUP, Kind.PREFIX_LIST)


def _share_tgw(ctx: Context, a: str, b: str | None) -> bool:
    return any({a, b} <= members for members in ctx.tgw_vpcs().values())


@check
def check_network_acls(ctx: Context) -> Iterator[Diagnostic]:
    """R4.3 rule numbers unique per direction; ingress matches sources, egress destinations; one default."""
    for name, vpc in ctx.topo.vpcs.items():
        defaults = [n for n, acl in vpc.network_acls.items() if acl.default]
        for extra in defaults[1:]:
            yield ctx.error((*_vpc_path(name), "network_acls", extra, "default"), f"VPC {name!r} has two "
                            f"default network ACLs: {defaults[0]!r} and {extra!r} (R4.2)",
                            hint="a VPC has exactly one default network ACL")
        for acl_name, acl in vpc.network_acls.items():
            base = (*_vpc_path(name), "network_acls", acl_name)
            for direction in ("ingress", "egress"):
                numbers: dict[int, int] = {}
                for i, rule in enumerate(getattr(acl, direction)):
                    path = (*base, direction, i)
                    wrong = "destination" if direction == "ingress" else "source"
                    if getattr(rule, wrong) is not None:
                        right = "source" if direction == "ingress" else "destination"
                        yield ctx.error((*path, wrong), f"{direction} NACL rules match a {right!r}, not a "
                                        f"{wrong!r}",
                                        hint=f"rename the key to '{right}'")
                    if rule.rule in numbers:
                        first = ctx.pos.of_value((*base, direction, numbers[rule.rule], "rule"))
                        yield ctx.error((*path, "rule"), f"{direction} rule number {rule.rule} is used "
                                        f"twice in network ACL {acl_name!r} (R4.3)",
                                        hint=f"it is also used at {first}; rule numbers are unique per "
                                        "direction")
                    numbers.setdefault(rule.rule, i)


# --- instances and interfaces --------------------------------------------------------------------------


def _check_address_in_subnet(ctx: Context, path: Path, address: str, subnet: Named) -> Iterator[Diagnostic]:
    """R1.8 (and R1.9): the address lies in the subnet and is not one of its reserved addresses."""
    family, value = parse_address(address)
    cidr = subnet.obj.cidr if family == 4 else subnet.obj.ipv6_cidr
    if cidr is None:
        yield ctx.error(path, f"{address} is IPv{family} but subnet {subnet.name!r} has no IPv{family} CIDR",
                        hint=f"add an IPv{family} CIDR to subnet {subnet.name!r}, or remove the address")
        return
    prefix = parse_prefix(cidr)
    if not prefix.contains(family, value):
        yield ctx.error(path, f"{address} is outside subnet {subnet.name!r} ({cidr})",
                        hint=f"pick an address in {cidr}")
        return
    offset = value - prefix.start
    reserved = {0: "the network address", 1: "the VPC router", 2: "reserved by AWS (DNS)",
                3: "reserved by AWS for future use"}
    if family == 4 and (offset in reserved or value == prefix.end):
        why = reserved.get(offset, "the last address")
        yield ctx.error(path, f"{address} is a reserved address of subnet {subnet.name!r} ({cidr}): {why} "
                        "(R1.8)",
                        hint="AWS reserves the first four addresses and the last; use "
                        f"{_fmt(4, prefix.start + 4)} to {_fmt(4, prefix.end - 1)}")
    elif family == 6 and (offset <= 3 or value == prefix.end):
        yield ctx.error(path, f"{address} is one of the reserved addresses of {cidr} (R1.9)",
                        hint="the first four addresses and the last of an IPv6 subnet are reserved")


_KIND_WORDS = {Kind.VPC: "VPC", Kind.NAT_GATEWAY: "NAT gateway", Kind.NETWORK_ACL: "network ACL",
               Kind.VPN_GATEWAY: "virtual private gateway", Kind.TRANSIT_GATEWAY: "transit gateway",
               Kind.TRANSIT_GATEWAY_ROUTE_TABLE: "transit gateway route table",
               Kind.TRANSIT_GATEWAY_ATTACHMENT: "transit gateway attachment", Kind.PEERING: "peering "
               "connection",
               Kind.VPN_CONNECTION: "VPN connection", Kind.DIRECT_CONNECT: "Direct Connect connection",
               Kind.EXTERNAL: "external site"}


def _kind_name(kind: Kind) -> str:
    """A kind in AWS's words: "NAT gateway", "network ACL"."""
    return _KIND_WORDS.get(kind, kind.value.replace("_", " "))


def _fmt(family: int, value: int) -> str:
    return format_address(family, value)


_WHAT = {"instances": "instance", "network_interfaces": "network interface", "nat_gateways": "NAT gateway",
         "endpoints": "endpoint"}


def _user(path: Path) -> str:
    """Who holds the address at ``path``: "instance 'web-1'", "NAT gateway 'nat-a'"."""
    return f"{_WHAT.get(str(path[2]), str(path[2]))} {path[3]!r}" if len(path) > 3 else "another resource"


def _claim_public(ctx: Context, public: dict[str, Path], path: Path, address: str,
                  what: str) -> Iterator[Diagnostic]:
    if is_private_v4(parse_address(address)[1]):
        yield ctx.error(path, f"{what} {address} is a private (RFC 1918) address",
                        hint="public addresses come from public ranges (e.g. 203.0.113.0/24 in examples)")
    if address in public:
        yield ctx.error(path, f"public address {address} is already used by {_user(public[address])}",
                        hint=f"first used at {ctx.pos.of_value(public[address])}; a public or Elastic IP "
                        "maps to one interface")
    public.setdefault(address, path)


def _claim_private(ctx: Context, private: dict[str, Path], path: Path, address: str) -> Iterator[Diagnostic]:
    if address in private:
        yield ctx.error(path, f"private IP {address} is already used by {_user(private[address])}",
                        hint=f"first used at {ctx.pos.of_value(private[address])}; each private IP "
                        "belongs to one interface in a VPC")
    private.setdefault(address, path)


@check
def check_interfaces(ctx: Context) -> Iterator[Diagnostic]:
    """Addresses in their subnet and not reserved (R1.8), unique; SGs of the same VPC; public IPs unique.

    Every item of a large topology passes through here, so each check asks the cheap question first and
    builds a diagnostic's path only when there is a problem to report."""
    public: dict[str, Path] = {}
    for name, vpc in ctx.topo.vpcs.items():
        private: dict[str, Path] = {}
        subnets: dict[str, Named | None] = {}      # subnet reference -> the subnet, when it is one of this VPC's
        fine_groups: set[str] = set()               # security group references found to be this VPC's
        for attr, members in (("instances", vpc.instances), ("network_interfaces", vpc.network_interfaces)):
            item: Instance | NetworkInterface
            for item_name, item in members.items():
                path: Path = ("vpcs", name, attr, item_name)
                if item.subnet in subnets:
                    subnet = subnets[item.subnet]
                else:
                    subnet = subnets[item.subnet] = ctx.owned(Kind.SUBNET, item.subnet, name)
                if subnet is None:
                    yield from _resolve_only(ctx, (*path, "subnet"), "subnet", item.subnet, Kind.SUBNET, name)
                addresses: list[tuple[Path, str]] = [(("private_ip",), item.private_ip)] if item.private_ip \
                    else []
                if item.secondary_private_ips:
                    addresses += [(("secondary_private_ips", i), a) for i, a in enumerate(item.secondary_private_ips)]
                if item.ipv6_addresses:
                    addresses += [(("ipv6_addresses", i), a) for i, a in enumerate(item.ipv6_addresses)]
                for key, address in addresses:
                    apath = (*path, *key)
                    if subnet is not None and not _usable_in(address, subnet):
                        yield from _check_address_in_subnet(ctx, apath, address, subnet)
                    if address in private:
                        yield from _claim_private(ctx, private, apath, address)
                    else:
                        private[address] = apath
                if item.public_ip is not None:
                    yield from _claim_public(ctx, public, (*path, "public_ip"), item.public_ip, "public IP")
                if item.elastic_ip is not None:
                    yield from _claim_public(ctx, public, (*path, "elastic_ip"), item.elastic_ip, "Elastic IP")
                for i, sg in enumerate(item.security_groups or ()):
                    if sg in fine_groups:
                        continue
                    if ctx.owned(Kind.SECURITY_GROUP, sg, name) is not None:
                        fine_groups.add(sg)
                    else:
                        yield from _resolve_only(ctx, (*path, "security_groups", i), "security group", sg,
                                                 Kind.SECURITY_GROUP, name)
                if isinstance(item, NetworkInterface) and item.instance is not None:
                    yield from _resolve_only(ctx, (*path, "instance"), "instance", item.instance, Kind.INSTANCE,
                                             name)
        for nat_name, nat in vpc.nat_gateways.items():
            path = (*_vpc_path(name), "nat_gateways", nat_name)
            if nat.elastic_ip is not None:
                yield from _claim_public(ctx, public, (*path, "elastic_ip"), nat.elastic_ip, "Elastic IP")
            if nat.private_ip is not None:
                yield from _claim_private(ctx, private, (*path, "private_ip"), nat.private_ip)
        for ep_name, ep in vpc.endpoints.items():
            for subnet_name, address in ep.addresses.items():
                path = (*_vpc_path(name), "endpoints", ep_name, "addresses", subnet_name)
                yield from _claim_private(ctx, private, path, address)


def _usable_in(address: str, subnet: Named) -> bool:
    """True when ``_check_address_in_subnet`` has nothing to say: the address is of a family the subnet has,
    inside its CIDR, and none of the first four addresses or the last (R1.8, R1.9)."""
    found = read_address(address)
    if found is None:
        return False
    family, value = found
    cidr = subnet.obj.cidr if family == 4 else subnet.obj.ipv6_cidr
    if cidr is None:
        return False
    cidr_family, first, last = _usable_range(cidr)
    return cidr_family == family and first <= value <= last


@lru_cache(maxsize=1 << 14)
def _usable_range(cidr: str) -> tuple[int, int, int]:
    """A subnet CIDR's family and the addresses an interface may take in it: not the first four, not the last."""
    prefix = parse_prefix(cidr)
    return prefix.family, prefix.start + 4, prefix.end - 1


# --- connections between VPCs -------------------------------------------------------------------------


@check
def check_peering(ctx: Context) -> Iterator[Diagnostic]:
    """R9.1 one peering per VPC pair; R9.3 no overlapping CIDRs."""
    pairs: dict[frozenset[str], str] = {}
    for name, peering in ctx.topo.peering.items():
        path = ("peering", name)
        sides = []
        for side in ("requester", "accepter"):
            found, problem = ctx.resolve((*path, side), "VPC", getattr(peering, side), Kind.VPC)
            if problem:
                yield problem
            elif found is not None:
                sides.append(found)
        if len(sides) != 2:
            continue
        a, b = sides
        if a.name == b.name:
            yield ctx.error((*path, "accepter"), "a VPC cannot peer with itself",
                            hint="name two different VPCs as requester and accepter")
            continue
        pair = frozenset((a.name, b.name))
        if pair in pairs:
            yield ctx.error_at_name(path, f"VPCs {a.name!r} and {b.name!r} are already peered by "
                                    f"{pairs[pair]!r} (R9.1)",
                                    hint="two VPCs have at most one peering connection; remove one")
        pairs[pair] = name
        clash = next(((pa, pb) for pa in _prefixes(list(a.obj.all_cidrs()))
                      for pb in _prefixes(list(b.obj.all_cidrs())) if pa.overlaps(pb)), None)
        if clash is not None:
            yield ctx.error_at_name(path, f"cannot peer {a.name!r} and {b.name!r}: their CIDRs {clash[0]} "
                                    f"and {clash[1]} overlap (R9.3)",
                                    hint="peered VPCs must not share any address, in any of their CIDRs")


@check
def check_transit_gateways(ctx: Context) -> Iterator[Diagnostic]:
    """R8.2 associations, R8.3 propagations, R8.4 routes, R8.7 one subnet per AZ per VPC attachment."""
    for tgw_name, tgw in ctx.topo.transit_gateways.items():
        base = ("transit_gateways", tgw_name)
        if tgw.default_route_table is not None:
            yield from _resolve_only(ctx, (*base, "default_route_table"), "TGW route table",
                                     tgw.default_route_table, Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
        attached_vpcs: dict[str, str] = {}
        for att_name, att in tgw.attachments.items():
            path = (*base, "attachments", att_name)
            if att.route_table is not None:
                yield from _resolve_only(ctx, (*path, "route_table"), "TGW route table", att.route_table,
                                         Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
            for i, table in enumerate(att.propagations or ()):
                yield from _resolve_only(ctx, (*path, "propagations", i), "TGW route table", table,
                                         Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tgw_name)
            if att.vpc is not None:
                vpc, problem = ctx.resolve((*path, "vpc"), "VPC", att.vpc, Kind.VPC)
                if problem:
                    yield problem
                    continue
                assert vpc is not None
                if vpc.name in attached_vpcs:
                    yield ctx.error((*path, "vpc"), f"VPC {vpc.name!r} is already attached by "
                                    f"{attached_vpcs[vpc.name]!r}",
                                    hint="a VPC has one attachment per transit gateway; list all its AZ "
                                    "subnets in that one")
                attached_vpcs[vpc.name] = att_name
                azs: dict[str, str] = {}
                for i, subnet_name in enumerate(att.subnets):
                    subnet, problem = ctx.resolve((*path, "subnets", i), "subnet", subnet_name, Kind.SUBNET,
                                                  vpc.name)
                    if problem:
                        yield problem
                        continue
                    assert subnet is not None
                    az = subnet.obj.az or subnet.name
                    if az in azs:
                        yield ctx.error((*path, "subnets", i), f"attachment {att_name!r} already uses subnet "
                                        f"{azs[az]!r} in {az}; one subnet per Availability Zone (R8.7)",
                                        hint=f"keep one subnet in {az}")
                    if subnet.obj.cidr is None:
                        yield ctx.error((*path, "subnets", i), "IPv6-only subnets cannot host a TGW "
                                        "attachment (R8.7)",
                                        hint="use a subnet with an IPv4 CIDR")
                    azs[az] = subnet.name
            elif att.vpn is not None:
                vpn, problem = ctx.resolve((*path, "vpn"), "VPN connection", att.vpn, Kind.VPN_CONNECTION)
                if problem:
                    yield problem
                elif vpn is not None and vpn.obj.gateway != tgw_name:
                    yield ctx.error((*path, "vpn"), f"VPN connection {att.vpn!r} terminates on "
                                    f"{vpn.obj.gateway!r}, not on {tgw_name!r}",
                                    hint=f"set vpn_connections.{att.vpn}.gateway: {tgw_name}")
            elif att.direct_connect is not None:
                yield from _resolve_only(ctx, (*path, "direct_connect"), "Direct Connect", att.direct_connect,
                                         Kind.DIRECT_CONNECT)
            elif att.peer is not None:
                peer, problem = ctx.resolve((*path, "peer"), "TGW attachment", att.peer,
                                            Kind.TRANSIT_GATEWAY_ATTACHMENT)
                if problem:
                    yield problem
                elif peer is not None and (peer.owner == tgw_name or peer.obj.peer != att_name):
                    yield ctx.error((*path, "peer"), f"peering attachment {att.peer!r} must be on another "
                                    f"transit gateway and name {att_name!r} as its peer (R8.17)",
                                    hint=f"set peer: {att_name} on {att.peer!r}, on the other transit "
                                    "gateway")
        for table_name, tgw_table in tgw.route_tables.items():
            for i, tgw_route in enumerate(tgw_table.routes):
                rpath = (*base, "route_tables", table_name, "routes", i)
                destination = _destination(ctx, (*rpath, "destination"), tgw_route.destination)
                if isinstance(destination, Diagnostic):
                    yield destination
                if tgw_route.attachment is not None:
                    yield from _resolve_only(ctx, (*rpath, "attachment"), "TGW attachment", tgw_route.attachment,
                                             Kind.TRANSIT_GATEWAY_ATTACHMENT, tgw_name)


def _resolve_only(ctx: Context, path: Path, what: str, name: str, kind: Kind, owner: str | None = None
                  ) -> Iterator[Diagnostic]:
    _, problem = ctx.resolve(path, what, name, kind, owner)
    if problem:
        yield problem


@check
def check_vpn_and_direct_connect(ctx: Context) -> Iterator[Diagnostic]:
    """A VPN/DX ends on a VGW attached to a VPC, or on a TGW (R7.1, R8.1)."""
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


@check
def check_external_sites(ctx: Context) -> Iterator[Diagnostic]:
    for name, site in ctx.topo.external.items():
        for i, via in enumerate(site.via):
            if not ctx.index.find(via, (Kind.VPN_CONNECTION, Kind.DIRECT_CONNECT)):
                yield ctx.unknown(("external", name, "via", i), "VPN connection or Direct Connect", via,
                                  Kind.VPN_CONNECTION, Kind.DIRECT_CONNECT)


@check
def check_hosted_zones(ctx: Context) -> Iterator[Diagnostic]:
    """Zones name existing VPCs; ALIAS targets exist; A/AAAA values are addresses of their family (R11.8)."""
    alias_kinds = (Kind.ENDPOINT, Kind.INSTANCE, Kind.NETWORK_INTERFACE, Kind.NAT_GATEWAY)
    for name, zone in ctx.topo.hosted_zones.items():
        for i, vpc in enumerate(zone.vpcs):
            yield from _resolve_only(ctx, ("hosted_zones", name, "vpcs", i), "VPC", vpc, Kind.VPC)
        for i, record in enumerate(zone.records):
            path = ("hosted_zones", name, "records", i)
            if record.target is not None and not ctx.index.find(record.target, alias_kinds):
                yield ctx.unknown((*path, "target"), "alias target", record.target, *alias_kinds)
            family = {"A": 4, "AAAA": 6}.get(record.type)
            for j, value in enumerate(record.values if family else ()):
                if not is_address(value) or parse_address(value)[0] != family:
                    yield ctx.error((*path, "values", j), f"{record.type} record value {value!r} is not an "
                                    f"IPv{family} address", hint="use a CNAME record for a name, "
                                    "an AAAA record for IPv6" if family == 4 else "use an A record for IPv4")


@check
def check_prefix_lists(ctx: Context) -> Iterator[Diagnostic]:
    for name, plist in ctx.topo.prefix_lists.items():
        if plist.max_entries is not None and len(plist.entries) > plist.max_entries:
            yield ctx.error(("prefix_lists", name, "entries"), f"prefix list {name!r} has "
                            f"{len(plist.entries)} entries but max_entries is {plist.max_entries} (R3.4)",
                            hint="raise max_entries or remove entries")
        families = {parse_prefix(e).family for e in plist.entries}
        if len(families) > 1:
            yield ctx.error(("prefix_lists", name, "entries"), "a prefix list holds one address family only",
                            hint="put IPv4 and IPv6 entries in separate prefix lists")
