"""Route tables, network ACLs and security groups as rows, in the console's words and order.

When a trace is on screen the rules it used are marked ``path`` and the one that dropped it ``drop``; a route
also says where longest-prefix match picks it (``win``, or ``muted`` when it never wins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcsim.compile.components import Route, TargetKind
from vpcsim.compile.rules import NetworkAclTable, Peer, Rule
from vpcsim.ip import Prefix, format_address
from vpcsim.protocols import ICMPS, PORTED, protocol_name
from vpcsim.tui.catalog import sg_display
from vpcsim.tui.catalog_routes import route_target
from vpcsim.tui.facts import Row
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog



def prefix_of_range(family: int, start: int, end: int) -> str:
    size = end - start + 1
    bits = 32 if family == 4 else 128
    if size & (size - 1) == 0 and start % size == 0:
        return str(Prefix(family, start, bits - size.bit_length() + 1))
    return f"{format_address(family, start)}-{format_address(family, end)}"


def protocol_text(protocol: int) -> str:
    return protocol_name(protocol)


def ports_text(rule: Rule) -> str:
    if rule.protocol in PORTED:
        if (rule.port_low, rule.port_high) == (0, 65535):
            return "all"
        return str(rule.port_low) if rule.port_low == rule.port_high else f"{rule.port_low}-{rule.port_high}"
    if rule.protocol in ICMPS:
        if rule.icmp_type == -1:
            return "all"
        return f"type {rule.icmp_type}" + (f" code {rule.icmp_code}" if rule.icmp_code != -1 else "")
    return "all"


def peer_text(peer: Peer) -> str:
    parts = [prefix_of_range(f, s, e) for f, s, e in peer.ranges]
    if peer.security_group:
        parts.append(f"sg {sg_display(peer.security_group)}")
    return ", ".join(parts) or "-"


def trace_marks(trace: Trace | None) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(component, rule) pairs the trace used, and the one it was dropped by (rule ``""`` when no rule
    matched, as when no security group rule allows the flow)."""
    used: set[tuple[str, str]] = set()
    dropped: set[tuple[str, str]] = set()
    if trace is None:
        return used, dropped
    for hop in (*trace.forward, *trace.reply):
        if hop.is_drop:
            dropped.add((hop.component, hop.rule or ""))
        elif hop.rule:
            used.add((hop.component, hop.rule))
    return used, dropped


# -- routes --------------------------------------------------------------------------------------------

def wins_for(route: Route, routes: tuple[Route, ...]) -> str:
    """Where longest-prefix match picks ``route``: all of its prefix, all but some more specific routes, or
    nowhere (every address of it has a more specific route)."""
    inner = [r.prefix for r in routes if r is not route and route.prefix.covers(r.prefix)
             and r.prefix.length > route.prefix.length]
    if not inner:
        return "all of it"
    outermost = [p for p in inner if not any(q != p and q.covers(p) and q.length < p.length for q in inner)]
    covered = sum(p.size for p in set(outermost))
    if covered >= route.prefix.size:
        return "never (shadowed)"
    return f"all but {len(set(outermost))} more specific"


def route_rows(catalog: Catalog, table_name: str, trace: Trace | None) -> tuple[Row, ...]:
    table = catalog.net.route_tables[table_name]
    used, dropped = trace_marks(trace)
    rows = []
    for route in table.routes:
        wins = wins_for(route, table.routes)
        mark = "win" if not wins.startswith("never") else "muted"
        if (table.name, route.label) in used:
            mark = "path"
        if (table.name, route.label) in dropped:
            mark = "drop"
        target = route_target(route, table.vpc)
        shown = route.target if route.target_kind is not TargetKind.BLACKHOLE else f"{route.target} (blackhole)"
        rows.append(Row(("★" if mark in ("win", "path", "drop") else " ", str(route.prefix), shown, route.origin, wins),
                        target, mark))
    if (table.name, "") in dropped:
        rows.append(Row(("✗", "", "no route matched", "", ""), None, "drop"))
    return tuple(rows)


ROUTE_COLUMNS = ("", "destination", "target", "origin", "wins for")


# -- rules ---------------------------------------------------------------------------------------------

def nacl_rows(name: str, tables: dict[int, NetworkAclTable], trace: Trace | None) -> tuple[Row, ...]:
    used, dropped = trace_marks(trace)
    rules = sorted((r for t in tables.values() for r in t.rules), key=lambda r: (r.number, r.peer.ranges))
    rows = []
    for rule in rules:
        mark = "drop" if (name, rule.label) in dropped else "path" if (name, rule.label) in used else ""
        rows.append(Row((str(rule.number), protocol_text(rule.protocol), ports_text(rule), peer_text(rule.peer),
                         "allow" if rule.allow else "deny"), None, mark))
    defaults = {t.default_label for t in tables.values()}
    star_used = any((name, label) in dropped for label in defaults)
    rows.append(Row(("*", "all", "all", "0.0.0.0/0" + (", ::/0" if len(tables) > 1 and any(
        t.rules for f, t in tables.items() if f == 6) else ""), "deny"), None, "drop" if star_used else ""))
    return tuple(rows)


NACL_COLUMNS = ("rule", "protocol", "ports", "cidr", "action")
SG_COLUMNS = ("group", "dir", "protocol", "ports", "peer", "description")


def security_group_rows(catalog: Catalog, key: str, trace: Trace | None,
                        directions: tuple[str, ...] = ("ingress", "egress"), at: str | None = None) -> list[Row]:
    """The rules of one security group, in the order written; rules the trace used (at interface ``at``,
    or anywhere) are marked."""
    used, _ = trace_marks(trace)
    vpc = catalog.security_group_vpc.get(key, "")
    display = sg_display(key)
    target = Ref("security_group", key)
    rows: list[Row] = []
    model = None
    if catalog.topology is not None and vpc in catalog.topology.vpcs:
        groups = catalog.topology.vpcs[vpc].security_groups
        model = groups.get("default" if "@" in key else key)

    def mark(label: str) -> str:
        hit = (at, label) in used if at is not None else any(rule == label for _, rule in used)
        return "path" if hit else ""

    for direction in directions:
        short = "in" if direction == "ingress" else "out"
        if model is not None:
            rules = model.ingress if direction == "ingress" else model.egress
            if rules is None:
                label = f"{display} egress #1"
                rows.append(Row((display, short, "all", "all", "0.0.0.0/0", "AWS default egress"), target,
                                mark(label)))
                continue
            for i, r in enumerate(rules):
                label = f"{display} {direction} #{i + 1}"
                rows.append(Row((display, short, r.protocol, r.ports or "all", r.peer, r.description or ""),
                                target, mark(label)))
        elif "@" in key:     # the default group AWS creates (R3.3)
            peer = f"sg {display}" if direction == "ingress" else "0.0.0.0/0"
            rows.append(Row((display, short, "all", "all", peer, "AWS default group"), target,
                            mark(f"{display} {direction} #1")))
        else:                # no model: read the compiled rules of an interface that carries the group
            for rule in _compiled_rules(catalog, key, direction):
                rows.append(Row((display, short, protocol_text(rule.protocol), ports_text(rule),
                                 peer_text(rule.peer), ""), target, mark(rule.label)))
    return rows


def _compiled_rules(catalog: Catalog, key: str, direction: str) -> list[Rule]:
    for eni_name in catalog.security_group_members.get(key, ()):
        eni = catalog.net.enis[eni_name]
        table = eni.ingress if direction == "ingress" else eni.egress
        if table is None:
            continue
        prefix = f"{sg_display(key)} {direction} #"
        rules = [r for rs in table.by_protocol.values() for r in rs if r.label.startswith(prefix)]
        return sorted(rules, key=lambda r: int(r.label.rsplit("#", 1)[1]))
    return []
