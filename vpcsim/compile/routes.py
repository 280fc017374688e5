"""VPC route tables: the routes each table holds after AWS's selection among equal prefixes (§2).

A table's candidates are its VPC's local routes (R1.6), the file's routes (a CIDR, or one route per entry of a
prefix list), its gateway endpoints' routes (R10.1) and the routes of the virtual private gateways it
propagates (R2.12). For each prefix one candidate is kept, by ``ROUTE_PRIORITY``; the engine then only does
the longest-prefix match (R2.5) in the table's ``PrefixTable``.
"""

from __future__ import annotations

from collections import defaultdict
from enum import IntEnum
from typing import NamedTuple

from vpcsim.compile import components as c
from vpcsim.compile.components import Path, TargetKind
from vpcsim.compile.lpm import PrefixTable
from vpcsim.compile.prefix_lists import PrefixLists
from vpcsim.compile.references import References
from vpcsim.errors import Diagnostic
from vpcsim.ip import Prefix, cidr_or_none, parse_prefix
from vpcsim.load.positions import Positions
from vpcsim.model import RouteTable as RouteTableModel
from vpcsim.model import Topology
from vpcsim.model import Vpc as VpcModel
from vpcsim.model.index import Kind


class RoutePriority(IntEnum):
    """Which of a table's routes with the same prefix AWS keeps: the lowest (longer prefixes win first, R2.5)."""

    STATIC = 0          # R2.8 static beats propagated, R2.9 a CIDR beats a prefix list; R2.14/R2.22 replaces local
    LOCAL = 1           # R1.6; R2.6 beats propagated routes (more specific ones are not even candidates)
    PREFIX_LIST = 2     # R2.9 a prefix-list entry; R2.10 a gateway endpoint's (its service's list) ranks alike
    PROPAGATED = 3      # R2.8, R2.9: last


# ``Route.origin`` -> its priority. Ties within a priority go to the lowest tie-break text: the prefix list's id
# or the endpoint's service (R2.9 [E]).
ROUTE_PRIORITY: dict[str, RoutePriority] = {
    "static": RoutePriority.STATIC,
    "local": RoutePriority.LOCAL,
    "prefix_list": RoutePriority.PREFIX_LIST,
    "endpoint": RoutePriority.PREFIX_LIST,
    "propagated": RoutePriority.PROPAGATED,
}


class RouteTables(NamedTuple):
    tables: dict[str, c.RouteTable]
    warnings: tuple[Diagnostic, ...]        # R2.9 [E]: prefix-list ties settled here


class _Candidate(NamedTuple):
    priority: RoutePriority
    tie: str                                # prefix-list id or endpoint service: the lowest wins a tie
    route: c.Route


def _candidate(route: c.Route, tie: str = "") -> _Candidate:
    return _Candidate(ROUTE_PRIORITY[route.origin], tie, route)


def compile_route_tables(topo: Topology, refs: References, positions: Positions, prefix_lists: PrefixLists,
                         endpoints: dict[str, c.Endpoint], vpn_gateways: dict[str, c.VpnGateway]) -> RouteTables:
    """Every VPC's tables, the main one made up when the file names none (R2.1, R2.3)."""
    tables: dict[str, c.RouteTable] = {}
    warnings: list[Diagnostic] = []
    for vpc_name, vpc in topo.vpcs.items():
        names = list(vpc.route_tables)
        if not any(t.main for t in vpc.route_tables.values()):
            names.append(f"{vpc_name}-main")
        local = [parse_prefix(p) for p in vpc.all_cidrs()]
        for name in names:
            table = vpc.route_tables.get(name)
            path: Path = ("vpcs", vpc_name, "route_tables", name) if table else ("vpcs", vpc_name)
            candidates = [_candidate(c.Route(prefix, TargetKind.LOCAL, "local", "local", f"{prefix} local", path))
                          for prefix in local]
            if table is not None:
                candidates += _file_routes(topo, refs, prefix_lists, table, path)
                candidates += _endpoint_routes(refs, endpoints, vpc_name, vpc, name)
                candidates += _propagated_routes(refs, vpn_gateways, table, local, path)
            chosen, ties = _select(candidates)
            warnings += [_prefix_list_tie_warning(positions, name, prefix, ids, chosen[prefix])
                         for prefix, ids in ties.items()]
            routes = tuple(sorted((candidate.route for candidate in chosen.values()),
                                  key=lambda r: (r.prefix.family, -r.prefix.length, r.prefix.start)))
            gateway = refs.edge_gateway(table.gateway) if table and table.gateway else None
            tables[name] = c.RouteTable(name, (table.id if table else None) or name, vpc_name, routes,
                                        PrefixTable.build((r.prefix, r) for r in routes), gateway, path)
    return RouteTables(tables, tuple(warnings))


def _file_routes(topo: Topology, refs: References, prefix_lists: PrefixLists, table: RouteTableModel,
                 path: Path) -> list[_Candidate]:
    """The table's own routes (R2.4): a CIDR, or one route per entry of a prefix list."""
    candidates = []
    for i, route in enumerate(table.routes):
        rpath = (*path, "routes", i)
        kind, target = refs.route_target(route.target)
        static = cidr_or_none(route.destination)
        if static is not None:
            candidates.append(_candidate(c.Route(static, kind, target, "static", f"{static} -> {target}", rpath)))
        else:
            plist = refs.name_of(Kind.PREFIX_LIST, route.destination)
            plist_model = topo.prefix_lists.get(plist)
            plist_id = (plist_model.id if plist_model is not None else None) or plist
            for prefix in prefix_lists.get(plist, ()):
                candidates.append(_candidate(c.Route(prefix, kind, target, "prefix_list",
                                                     f"{plist} ({prefix}) -> {target}", rpath), plist_id))
    return candidates


def _endpoint_routes(refs: References, endpoints: dict[str, c.Endpoint], vpc_name: str, vpc: VpcModel,
                     table: str) -> list[_Candidate]:
    """R10.1: a gateway endpoint's routes in the tables it is associated with, via its service's prefix list."""
    candidates = []
    for ep in endpoints.values():
        if ep.type == "gateway" and ep.vpc == vpc_name and any(
                refs.name_of(Kind.ROUTE_TABLE, t) == table for t in vpc.endpoints[ep.name].route_tables):
            for prefix in ep.prefixes:
                candidates.append(_candidate(c.Route(prefix, TargetKind.GATEWAY_ENDPOINT, ep.name, "endpoint",
                                                     f"{ep.service} ({prefix}) -> {ep.name}", ep.path), ep.service))
    return candidates


def _propagated_routes(refs: References, vpn_gateways: dict[str, c.VpnGateway], table: RouteTableModel,
                       local: list[Prefix], path: Path) -> list[_Candidate]:
    """R2.12: every route of the VGWs the table propagates, but those a local route covers (R2.6)."""
    candidates = []
    for vgw_ref in table.propagate:
        vgw = vpn_gateways.get(refs.name_of(Kind.VPN_GATEWAY, vgw_ref))
        if vgw is None:
            continue
        for vroute in vgw.routes:
            if any(p.covers(vroute.prefix) for p in local):
                continue      # R2.6: local wins over a propagated route, even a more specific one
            candidates.append(_candidate(c.Route(vroute.prefix, TargetKind.VPN_GATEWAY, vgw.name, "propagated",
                                                 f"{vroute.prefix} -> {vgw.name} (propagated)", path)))
    return candidates


def _select(candidates: list[_Candidate]) -> tuple[dict[Prefix, _Candidate], dict[Prefix, set[str]]]:
    """Per prefix, the candidate of the lowest (priority, tie-break), the first of equals; and the prefixes
    where prefix lists of different ids disagree on the target (R2.9), with those ids."""
    chosen: dict[Prefix, _Candidate] = {}
    ties: dict[Prefix, set[str]] = defaultdict(set)
    for candidate in candidates:
        prefix = candidate.route.prefix
        kept = chosen.get(prefix)
        if kept is not None and _prefix_list_tie(kept, candidate):
            ties[prefix] |= {kept.tie, candidate.tie}
        if kept is None or candidate[:2] < kept[:2]:
            chosen[prefix] = candidate
    return chosen, ties


def _prefix_list_tie(kept: _Candidate, candidate: _Candidate) -> bool:
    """Two static prefix-list routes for one CIDR, from different lists, to different targets (R2.9)."""
    return (kept.route.origin == candidate.route.origin == "prefix_list" and kept.tie != candidate.tie
            and kept.route.target != candidate.route.target)


def _prefix_list_tie_warning(positions: Positions, table: str, prefix: Prefix, ids: set[str],
                             winner: _Candidate) -> Diagnostic:
    """R2.9 [E]: AWS "randomly chooses" between prefix lists that send one entry to different targets
    and then keeps its choice; vpcsim takes the lowest prefix-list id and says so."""
    return Diagnostic(positions.of_value(winner.route.path),
                      f"route table {table!r}: prefix lists {' and '.join(sorted(ids))} hold the same "
                      f"entry {prefix} with different targets; AWS picks one at random, vpcsim uses the "
                      f"lowest id, {winner.tie} ({winner.route.label}) (R2.9)",
                      hint="remove the overlapping entry from all but one of the prefix lists",
                      severity="warning")
