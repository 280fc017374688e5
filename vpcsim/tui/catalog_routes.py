"""What points at what: the component a route sends traffic to, and for each component the routes that
send traffic to it (the details pane's "what routes to it")."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from vpcsim.compile.components import Route, TargetKind
from vpcsim.compile.graph import TARGET_NODE_KINDS
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.compile.network import CompiledNetwork

#: Route target kinds -> the kind of ref a route's target names (``local`` names the VPC).
TARGET_REF_KINDS: dict[TargetKind, str] = {TargetKind.LOCAL: "vpc", **TARGET_NODE_KINDS}


def route_target(route: Route, vpc: str) -> Ref | None:
    """The component a route of a table in ``vpc`` sends traffic to (``None`` for a blackhole and the like)."""
    kind = TARGET_REF_KINDS.get(route.target_kind)
    if kind is None:
        return None
    return Ref("vpc", vpc) if kind == "vpc" else Ref(kind, route.target)


def routes_to(net: CompiledNetwork) -> dict[Ref, list[tuple[Ref, str]]]:
    """Target -> the (route table, route label) pairs that send traffic to it; ``local`` routes left out."""
    found: dict[Ref, list[tuple[Ref, str]]] = defaultdict(list)
    for table in net.route_tables.values():
        for route in table.routes:
            target = route_target(route, table.vpc)
            if target is not None and route.target_kind is not TargetKind.LOCAL:
                found[target].append((Ref("route_table", table.name), route.label))
    for rtb in net.tgw_route_tables.values():
        for tgw_route in rtb.routes:
            if tgw_route.attachment:
                found[Ref("tgw_attachment", tgw_route.attachment)].append(
                    (Ref("tgw_route_table", rtb.name), tgw_route.label))
    return dict(found)
