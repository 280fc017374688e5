"""The gateways that choose among routes they learn: virtual private gateways (R7.4) and transit gateways
(R8.3–R8.12), with the VPN and Direct Connect connections and the on-premises sites behind them.

The order AWS applies at one prefix is a named table per gateway (``VGW_TIER``, ``TGW_ROUTE_PRIORITY``), as
``routes.ROUTE_PRIORITY`` is for VPC route tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import IntEnum

from vpcsim.compile import components as c
from vpcsim.compile.lpm import PrefixSet, PrefixTable
from vpcsim.compile.prefix_lists import PrefixLists
from vpcsim.compile.references import References
from vpcsim.ip import Prefix, cidr_or_none, parse_prefix
from vpcsim.model import Topology
from vpcsim.model.index import Kind


class VgwTier(IntEnum):
    """R7.4 (1)–(3): for one prefix a VGW prefers Direct Connect BGP, then VPN static, then VPN BGP routes."""

    DX_BGP = 0
    VPN_STATIC = 1
    VPN_BGP = 2


# ``VgwRoute.origin`` -> its tier.
VGW_TIER: dict[str, VgwTier] = {"dx-bgp": VgwTier.DX_BGP, "vpn-static": VgwTier.VPN_STATIC,
                                "vpn-bgp": VgwTier.VPN_BGP}

# R7.9: a Direct Connect route's local preference (communities 7224:7300 high, 7224:7200 medium, 7224:7100
# low), compared before the AS_PATH: high first.
LOCAL_PREFERENCE = {"high": 0, "medium": 1, "low": 2}


class TgwRoutePriority(IntEnum):
    """R8.5: which of a TGW table's routes with the same prefix is kept: the lowest."""

    STATIC = 0              # static routes, VPN static routes among them
    PREFIX_LIST = 1         # an entry of a prefix-list reference (R8.4)
    VPC = 2                 # propagated from a VPC attachment
    DIRECT_CONNECT = 3      # propagated from a Direct Connect gateway
    CONNECT = 4             # propagated from a Connect attachment (not modelled: keeps its place in the order)
    VPN = 5                 # propagated from a VPN (BGP)


# ``TgwRoute.origin`` -> its priority.
TGW_ROUTE_PRIORITY: dict[str, TgwRoutePriority] = {
    "static": TgwRoutePriority.STATIC,
    "static-vpn": TgwRoutePriority.STATIC,
    "prefix_list": TgwRoutePriority.PREFIX_LIST,
    "propagated-vpc": TgwRoutePriority.VPC,
    "propagated-dx": TgwRoutePriority.DIRECT_CONNECT,
    "propagated-vpn": TgwRoutePriority.VPN,
}


def compile_connections(topo: Topology, refs: References) -> dict[str, c.Connection]:
    """Site-to-Site VPNs, then Direct Connect VIFs: the gateway each ends on and the prefixes it brings."""
    connections: dict[str, c.Connection] = {}
    for kind, attr in (("vpn", "vpn_connections"), ("direct_connect", "direct_connect")):
        for name, conn in getattr(topo, attr).items():
            on_tgw = refs.index.get(Kind.TRANSIT_GATEWAY, conn.gateway) is not None
            gateway_kind = "transit_gateway" if on_tgw else "vpn_gateway"
            gateway = refs.name_of(Kind.TRANSIT_GATEWAY if gateway_kind == "transit_gateway" else Kind.VPN_GATEWAY,
                                   conn.gateway)
            statics = tuple(parse_prefix(p) for p in getattr(conn, "static_routes", ()))
            prefixes = statics + tuple(parse_prefix(r.prefix) for r in conn.bgp_routes)
            connections[name] = c.Connection(name, conn.id or name, kind, gateway, gateway_kind, prefixes,
                                             conn.state == "available", (attr, name))
    return connections


def compile_external_sites(topo: Topology, refs: References) -> dict[str, c.ExternalSite]:
    return {name: c.ExternalSite(name, tuple(parse_prefix(p) for p in site.cidrs),
                                 tuple(refs.connection(v) for v in site.via), ("external", name))
            for name, site in topo.external.items()}


@dataclass(frozen=True, slots=True)
class _VgwCandidate:
    """One advertisement of a prefix to a VGW, with what R7.4 compares."""

    rank: tuple[int, int, int]      # (VGW_TIER, DX local preference, AS_PATH length)
    first_as: tuple[int, ...]       # the first AS of the AS_SEQUENCE (empty for static routes)
    med: int
    route: c.VgwRoute


def compile_vpn_gateways(topo: Topology, refs: References) -> dict[str, c.VpnGateway]:
    """The VGW of every VPC that has one, with every route it learns and the one it keeps per prefix."""
    return {vpc.vpn_gateway: _vpn_gateway(topo, refs, vpc.vpn_gateway, name, vpc.vpn_gateway_asn)
            for name, vpc in topo.vpcs.items() if vpc.vpn_gateway}


def _vpn_gateway(topo: Topology, refs: References, name: str, vpc: str, asn: int) -> c.VpnGateway:
    """R7.4: for one prefix, DX BGP > VPN static > VPN BGP, then (R7.9) DX local preference, then the
    shortest AS_PATH, then the lowest MED among paths whose first AS is the same (``_vgw_choice``)."""
    candidates: list[_VgwCandidate] = []
    connections = []
    for cname, conn in topo.direct_connect.items():
        if refs.name_of(Kind.VPN_GATEWAY, conn.gateway) == name and conn.state == "available":
            connections.append(cname)
            for r in conn.bgp_routes:
                p = parse_prefix(r.prefix)
                route = c.VgwRoute(p, cname, "dx-bgp", f"{p} via {cname} (Direct Connect BGP)")
                candidates.append(_VgwCandidate((VGW_TIER[route.origin], LOCAL_PREFERENCE[r.local_preference],
                                                 len(r.as_path)), r.as_path[:1], r.med, route))
    for cname, vpn in topo.vpn_connections.items():
        if refs.name_of(Kind.VPN_GATEWAY, vpn.gateway) == name and vpn.state == "available":
            connections.append(cname)
            for text in vpn.static_routes:
                p = parse_prefix(text)
                route = c.VgwRoute(p, cname, "vpn-static", f"{p} via {cname} (VPN static)")
                candidates.append(_VgwCandidate((VGW_TIER[route.origin], 0, 0), (), 0, route))
            for r in vpn.bgp_routes:
                p = parse_prefix(r.prefix)
                route = c.VgwRoute(p, cname, "vpn-bgp", f"{p} via {cname} (VPN BGP)")
                candidates.append(_VgwCandidate((VGW_TIER[route.origin], 0, len(r.as_path)), r.as_path[:1], r.med,
                                                route))
    by_prefix: dict[Prefix, list[_VgwCandidate]] = defaultdict(list)
    for candidate in candidates:
        by_prefix[candidate.route.prefix].append(candidate)
    return c.VpnGateway(name, vpc, asn, tuple(connections), tuple(x.route for x in candidates),
                        PrefixTable.build((p, _vgw_choice(items)) for p, items in by_prefix.items()),
                        ("vpcs", vpc, "vpn_gateway"))


def _vgw_choice(items: list[_VgwCandidate]) -> c.VgwRoute:
    """R7.4 for one prefix: best (tier, local preference, AS_PATH length); MED is compared only between
    paths whose first AS is the same (S18). [E] What is still tied — different first ASes, or equal MEDs —
    goes to the connection whose name sorts first: AWS keeps one path (no ECMP on a VGW, R7.5) without
    saying which."""
    best = min(x.rank for x in items)
    tied = [x for x in items if x.rank == best]
    winners: dict[tuple[int, ...], _VgwCandidate] = {}
    for x in tied:
        kept = winners.get(x.first_as)
        if kept is None or (x.med, x.route.connection) < (kept.med, kept.route.connection):
            winners[x.first_as] = x
    return min(winners.values(), key=lambda x: x.route.connection).route


def compile_transit_gateways(topo: Topology, refs: References, prefix_lists: PrefixLists,
                             attachments: dict[str, c.TgwAttachment], vpcs: dict[str, c.Vpc]
                             ) -> tuple[dict[str, c.TgwRouteTable], dict[str, c.TransitGateway]]:
    """R8.3 propagation, R8.4 static/blackhole, R8.5 priority, R8.12 overlapping VPCs not propagated."""
    tables: dict[str, c.TgwRouteTable] = {}
    tgws: dict[str, c.TransitGateway] = {}
    for tgw_name, tgw in topo.transit_gateways.items():
        table_names = list(tgw.route_tables) or [f"{tgw_name}-default"]
        candidates: dict[str, list[c.TgwRoute]] = {t: [] for t in table_names}
        for tname, table in tgw.route_tables.items():
            for i, route in enumerate(table.routes):
                path = ("transit_gateways", tgw_name, "route_tables", tname, "routes", i)
                target = refs.name_of(Kind.TRANSIT_GATEWAY_ATTACHMENT, route.attachment) if route.attachment else None
                shown = target or "blackhole"
                static = cidr_or_none(route.destination)
                if static is not None:
                    candidates[tname].append(c.TgwRoute(static, target, "static", f"{static} -> {shown} (static)",
                                                        path))
                else:
                    plist = refs.name_of(Kind.PREFIX_LIST, route.destination)
                    for p in prefix_lists.get(plist, ()):
                        candidates[tname].append(c.TgwRoute(p, target, "prefix_list", f"{plist} ({p}) -> {shown}",
                                                            path))
        default_table = tgw.default_route_table or table_names[0]
        for tname, propagated in _propagated_tgw_routes(topo, refs, tgw_name, default_table, attachments, vpcs):
            candidates.setdefault(tname, []).append(propagated)
        for tname, items in candidates.items():
            chosen: dict[Prefix, c.TgwRoute] = {}
            for tgw_route in items:
                kept = chosen.get(tgw_route.prefix)
                if kept is None or TGW_ROUTE_PRIORITY[tgw_route.origin] < TGW_ROUTE_PRIORITY[kept.origin]:
                    chosen[tgw_route.prefix] = tgw_route
            routes = tuple(sorted(chosen.values(), key=lambda r: (r.prefix.family, -r.prefix.length)))
            table_model = tgw.route_tables.get(tname)
            tables[tname] = c.TgwRouteTable(tname, (table_model.id if table_model else None) or tname, tgw_name,
                                            routes, PrefixTable.build((r.prefix, r) for r in routes),
                                            ("transit_gateways", tgw_name, "route_tables", tname))
        tgws[tgw_name] = c.TransitGateway(tgw_name, tgw.id or tgw_name, tgw.asn, tgw.sg_referencing,
                                          tgw.dns_support, tuple(table_names), tuple(tgw.attachments),
                                          ("transit_gateways", tgw_name))
    return tables, tgws


def _propagated_tgw_routes(topo: Topology, refs: References, tgw_name: str, default_table: str,
                           attachments: dict[str, c.TgwAttachment], vpcs: dict[str, c.Vpc]
                           ) -> list[tuple[str, c.TgwRoute]]:
    """(table, route) for what each attachment propagates (R8.3) into its tables (none named: the default
    table when default propagation is on), in attachment order."""
    tgw = topo.transit_gateways[tgw_name]
    found: list[tuple[str, c.TgwRoute]] = []
    seen_vpc_prefixes: dict[str, PrefixSet] = defaultdict(PrefixSet)     # table -> VPC CIDRs propagated
    for name, att in tgw.attachments.items():
        compiled = attachments[name]
        targets = att.propagations if att.propagations is not None else (
            (default_table,) if tgw.default_propagation else ())
        prefixes: list[tuple[Prefix, str]] = []
        if compiled.kind == "vpc":
            prefixes = [(p, "propagated-vpc") for p in vpcs[compiled.resource].cidrs]
        elif compiled.kind == "vpn":
            vpn = topo.vpn_connections.get(compiled.resource)
            if vpn is not None:     # R8.5: VPN static routes rank with static routes; BGP ones last
                prefixes = [(parse_prefix(p), "static-vpn") for p in vpn.static_routes]
                if vpn.state == "available":
                    prefixes += [(parse_prefix(r.prefix), "propagated-vpn") for r in vpn.bgp_routes]
        elif compiled.kind == "direct_connect":
            dx = topo.direct_connect.get(compiled.resource)
            if dx is not None and dx.state == "available":
                prefixes = [(parse_prefix(r.prefix), "propagated-dx") for r in dx.bgp_routes]
        for tname in targets:
            tname = refs.name_of(Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tname)
            if compiled.kind == "vpc":
                seen = seen_vpc_prefixes[tname]
                if any(seen.overlaps(p) for p, _ in prefixes):
                    continue      # R8.12: an overlapping VPC attached later is not propagated here
                for p, _ in prefixes:
                    seen.add(p)
            for p, origin in prefixes:
                found.append((tname, c.TgwRoute(p, name, origin, f"{p} -> {name} ({origin.replace('-', ' ')})",
                                                compiled.path)))
    return found
