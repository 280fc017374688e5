"""What the details pane shows for each kind of component, as plain data (no Textual).

``details(catalog, ref, trace)`` returns a title and a list of ``Section``s: small tables whose rows may
point somewhere (a route's target, a member interface, a probe to trace). Rules are listed in console
words and order; when a trace is on screen the rules it used are marked, the one that dropped it too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vpcsim.compile.components import EniKind, Route, TargetKind
from vpcsim.compile.rules import NetworkAclTable, Peer, Rule
from vpcsim.ip import Prefix, format_address
from vpcsim.tui.catalog import Catalog, address_text, sg_display
from vpcsim.tui.refs import NOUNS, Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace

PROTOCOLS = {-1: "all", 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}


@dataclass(frozen=True, slots=True)
class TraceQuery:
    """A conversation to trace when a row is chosen (the "who can reach it" probes)."""

    src: str
    dst: str
    protocol: str = "tcp"
    port: int | None = None

    def describe(self) -> str:
        port = f"/{self.port}" if self.port is not None and self.protocol in ("tcp", "udp") else ""
        return f"{self.src} -> {self.dst} {self.protocol}{port}"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a section. ``target`` is where choosing it leads; ``mark`` how it is highlighted:
    ``win`` (a route that wins for some addresses), ``path`` (used by the trace on screen), ``drop`` (where
    the trace was dropped), ``muted`` (never used), ``ok`` / ``bad`` (a probe's verdict)."""

    cells: tuple[str, ...]
    target: Ref | TraceQuery | None = None
    mark: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    note: str = ""
    header: bool = True


@dataclass(frozen=True, slots=True)
class Details:
    ref: Ref
    title: str
    sections: tuple[Section, ...] = field(default=())


# -- formatting ----------------------------------------------------------------------------------------

def prefix_of_range(family: int, start: int, end: int) -> str:
    size = end - start + 1
    bits = 32 if family == 4 else 128
    if size & (size - 1) == 0 and start % size == 0:
        return str(Prefix(family, start, bits - size.bit_length() + 1))
    return f"{format_address(family, start)}-{format_address(family, end)}"


def protocol_text(protocol: int) -> str:
    return PROTOCOLS.get(protocol, str(protocol))


def ports_text(rule: Rule) -> str:
    if rule.protocol in (6, 17):
        if (rule.port_low, rule.port_high) == (0, 65535):
            return "all"
        return str(rule.port_low) if rule.port_low == rule.port_high else f"{rule.port_low}-{rule.port_high}"
    if rule.protocol in (1, 58):
        if rule.icmp_type == -1:
            return "all"
        return f"type {rule.icmp_type}" + (f" code {rule.icmp_code}" if rule.icmp_code != -1 else "")
    return "all"


def peer_text(peer: Peer) -> str:
    parts = [prefix_of_range(f, s, e) for f, s, e in peer.ranges]
    if peer.security_group:
        parts.append(f"sg {sg_display(peer.security_group)}")
    return ", ".join(parts) or "-"


def _address(family: int, value: int | None) -> str:
    return "" if value is None else address_text(family, value)


def _kv(key: str, title: str, items: list[tuple[str, str, Ref | None]], note: str = "") -> Section:
    return Section(key, title, ("", ""), tuple(Row((k, v), target) for k, v, target in items if v != ""),
                   note=note, header=False)


def _used(trace: Trace | None) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
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
    used, dropped = _used(trace)
    rows = []
    for route in table.routes:
        wins = wins_for(route, table.routes)
        mark = "win" if not wins.startswith("never") else "muted"
        if (table.name, route.label) in used:
            mark = "path"
        if (table.name, route.label) in dropped:
            mark = "drop"
        target = catalog.route_target(route, table.vpc)
        shown = route.target if route.target_kind is not TargetKind.BLACKHOLE else f"{route.target} (blackhole)"
        rows.append(Row(("★" if mark in ("win", "path", "drop") else " ", str(route.prefix), shown, route.origin, wins),
                        target, mark))
    if (table.name, "") in dropped:
        rows.append(Row(("✗", "", "no route matched", "", ""), None, "drop"))
    return tuple(rows)


ROUTE_COLUMNS = ("", "destination", "target", "origin", "wins for")


# -- rules ---------------------------------------------------------------------------------------------

def nacl_rows(name: str, tables: dict[int, NetworkAclTable], trace: Trace | None) -> tuple[Row, ...]:
    used, dropped = _used(trace)
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
    used, _ = _used(trace)
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


# -- one function per kind -----------------------------------------------------------------------------

def details(catalog: Catalog, ref: Ref, trace: Trace | None = None) -> Details:
    """The details of ``ref`` (with the rules ``trace`` used marked, when given)."""
    ref = catalog.canonical(ref)
    builder = _BUILDERS.get(ref.kind)
    if builder is None or not catalog.exists(ref):
        return Details(ref, ref.name, (Section("empty", "nothing to show", ("",), header=False),))
    label = catalog.entry(ref).label
    noun = NOUNS.get(ref.kind, ref.kind)
    title = label if noun in ("", label) else f"{noun} {label}"
    return Details(ref, title, tuple(builder(catalog, ref.name, trace)))


def _account(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    rows = []
    for vpc_name in catalog.accounts.get(name, []):
        vpc = net.vpcs[vpc_name]
        rows.append(Row((vpc_name, " ".join(str(p) for p in vpc.cidrs[:2]), str(len(vpc.subnets))),
                        Ref("vpc", vpc_name)))
    return [Section("vpcs", "VPCs", ("name", "CIDR", "subnets"), tuple(rows))]


def _group(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    rows = tuple(Row((e.label, e.detail), e.ref) for e in catalog.children(Ref("group", name)))
    return [Section("members", "members", ("name", ""), rows)]


def _vpc(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    vpc = net.vpcs[name]
    facts = _kv("facts", "VPC", [
        ("id", vpc.id, None), ("CIDRs", " ".join(str(p) for p in vpc.cidrs), None),
        ("account / region", f"{vpc.account} / {vpc.region}", None),
        ("DNS", f"support {'on' if vpc.dns_support else 'off'}, hostnames {'on' if vpc.dns_hostnames else 'off'}",
         None),
        ("main route table", vpc.main_route_table, Ref("route_table", vpc.main_route_table)),
        ("internet gateway", vpc.internet_gateway or "", Ref("internet_gateway", vpc.internet_gateway or "")),
        ("egress-only IGW", vpc.egress_only_internet_gateway or "",
         Ref("egress_only_internet_gateway", vpc.egress_only_internet_gateway or "")),
        ("virtual private gateway", vpc.vpn_gateway or "", Ref("vpn_gateway", vpc.vpn_gateway or "")),
        ("flow logs", vpc.flow_logs, None)])
    subnets = tuple(Row((s, str(net.subnets[s].cidr or net.subnets[s].ipv6_cidr or ""), net.subnets[s].az,
                         net.subnets[s].route_table, net.subnets[s].network_acl), Ref("subnet", s))
                    for s in vpc.subnets)
    links = [Row((p.name, "peering", p.far_side(name)), Ref("peering", p.name)) for p in net.peerings.values()
             if name in (p.requester, p.accepter)]
    links += [Row((a.name, "TGW attachment", a.tgw), Ref("tgw_attachment", a.name))
              for a in net.tgw_attachments.values() if a.kind == "vpc" and a.resource == name]
    sections = [facts, Section("subnets", "subnets", ("name", "CIDR", "AZ", "route table", "network ACL"), subnets)]
    if links:
        sections.append(Section("links", "connections", ("name", "kind", "to"), tuple(links)))
    return sections


def _subnet(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    s = net.subnets[name]
    table = net.route_tables[s.route_table]
    acl = net.network_acls[s.network_acl]
    main = net.vpcs[s.vpc].main_route_table == table.name
    facts = _kv("facts", "subnet", [
        ("id", s.id, None), ("VPC", s.vpc, Ref("vpc", s.vpc)), ("IPv4 CIDR", str(s.cidr or ""), None),
        ("IPv6 CIDR", str(s.ipv6_cidr or ""), None), ("AZ", s.az, None),
        ("route table", table.name + (" (main, implicit)" if main else ""), Ref("route_table", table.name)),
        ("network ACL", acl.name, Ref("network_acl", acl.name))])
    members = tuple(_member_row(catalog, e) for e in catalog.subnet_enis.get(name, ()))
    return [facts,
            Section("routes", f"effective route table {table.name}", ROUTE_COLUMNS,
                    route_rows(catalog, table.name, trace), note="★ wins for some destinations (longest prefix)"),
            Section("nacl-in", f"network ACL {acl.name} inbound", NACL_COLUMNS,
                    nacl_rows(acl.name, acl.ingress, trace)),
            Section("nacl-out", f"network ACL {acl.name} outbound", NACL_COLUMNS,
                    nacl_rows(acl.name, acl.egress, trace)),
            Section("members", f"members ({len(members)})", ("interface", "kind", "owner", "address"), members)]


def _member_row(catalog: Catalog, eni_name: str) -> Row:
    eni = catalog.net.enis[eni_name]
    address = _address(4, eni.primary_ip) or (_address(6, eni.ipv6_ips[0]) if eni.ipv6_ips else "")
    return Row((eni.name, eni.kind.value.replace("_", " "), eni.owner, address), Ref("eni", eni.name))


def _eni(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    eni = net.enis[name]
    instance = net.instances.get(eni.owner) if eni.kind in (EniKind.INSTANCE, EniKind.INTERFACE) else None
    owner_ref = {EniKind.NAT_GATEWAY: Ref("nat_gateway", eni.owner), EniKind.TGW_ATTACHMENT:
                 Ref("tgw_attachment", eni.owner), EniKind.INTERFACE_ENDPOINT: Ref("endpoint", eni.owner),
                 EniKind.GWLB_ENDPOINT: Ref("endpoint", eni.owner)}.get(eni.kind)
    public = _address(4, eni.public_ip)
    if public:
        public += " (Elastic IP)" if eni.elastic else " (auto-assigned)"
    facts = _kv("facts", "network interface", [
        ("id", eni.id, None), ("kind", eni.kind.value.replace("_", " "), None),
        ("owner", eni.owner + (f" ({instance.id}, {instance.state})" if instance else ""), owner_ref),
        ("subnet", eni.subnet, Ref("subnet", eni.subnet)), ("VPC", eni.vpc, Ref("vpc", eni.vpc)), ("AZ", eni.az, None),
        ("private IPv4", ", ".join(format_address(4, a) for a in eni.private_ips), None),
        ("public IPv4", public, None),
        ("IPv6", ", ".join(format_address(6, a) for a in eni.ipv6_ips), None),
        ("source/dest check", "on" if eni.source_dest_check else "off", None),
        ("device index", str(eni.device_index), None)])
    sections = [facts]
    if eni.ingress is None:
        sections.append(Section("sgs", "security groups", ("",), (Row(("none apply to this interface (R3.14)",)),),
                                header=False))
    else:
        rows = [row for key in eni.security_groups for row in security_group_rows(catalog, key, trace, at=name)]
        _, dropped = _used(trace)
        if trace is not None and trace.drop is not None and (name, "") in dropped:
            side = "in" if trace.drop.direction == "ingress" else "out"
            rows.append(Row(("✗", side, "", "", "", f"no rule allows {trace.drop.packet.describe()}"), None, "drop"))
        sections.append(Section("sgs", "security groups", SG_COLUMNS, tuple(rows)))
    sections.append(Section("reach", "who can reach it", REACH_COLUMNS, (), note="computing…"))
    return sections


REACH_COLUMNS = ("from", "port", "verdict", "decided at")


def _route_table(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    table = net.route_tables[name]
    main = net.vpcs[table.vpc].main_route_table == name
    facts = _kv("facts", "route table", [
        ("id", table.id, None), ("VPC", table.vpc, Ref("vpc", table.vpc)), ("main", "yes" if main else "no", None),
        ("edge association", table.gateway or "", _gateway_ref(catalog, table.gateway))])
    subnets = tuple(Row((s, str(net.subnets[s].cidr or "")), Ref("subnet", s))
                    for s in catalog.route_table_subnets.get(name, ()))
    return [facts, Section("routes", "routes", ROUTE_COLUMNS, route_rows(catalog, name, trace),
                           note="★ wins for some destinations (longest prefix)"),
            Section("associations", "associated subnets" + (" (explicit or as main table)" if main else ""),
                    ("subnet", "CIDR"), subnets)]


def _gateway_ref(catalog: Catalog, name: str | None) -> Ref | None:
    if not name:
        return None
    for kind in ("internet_gateway", "egress_only_internet_gateway", "vpn_gateway"):
        ref = Ref(kind, name)
        if catalog.exists(ref) and catalog.gateway_kind(name) == kind:
            return ref
    return None


def _network_acl(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    acl = net.network_acls[name]
    facts = _kv("facts", "network ACL", [("id", acl.id, None), ("VPC", acl.vpc, Ref("vpc", acl.vpc)),
                                         ("default", "yes" if name.endswith("-default-acl") else "no", None)])
    subnets = tuple(Row((s,), Ref("subnet", s)) for s in catalog.network_acl_subnets.get(name, ()))
    return [facts, Section("nacl-in", "inbound (lowest rule first, first match wins)", NACL_COLUMNS,
                           nacl_rows(name, acl.ingress, trace)),
            Section("nacl-out", "outbound", NACL_COLUMNS, nacl_rows(name, acl.egress, trace)),
            Section("associations", "associated subnets", ("subnet",), subnets)]


def _security_group(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    vpc = catalog.security_group_vpc.get(name, "")
    description = ""
    if catalog.topology is not None and vpc in catalog.topology.vpcs:
        model = catalog.topology.vpcs[vpc].security_groups.get("default" if "@" in name else name)
        description = (model.description or "") if model is not None else ""
    members = catalog.security_group_members.get(name, ())
    facts = _kv("facts", "security group", [("VPC", vpc, Ref("vpc", vpc)), ("description", description, None),
                                            ("members", str(len(members)), None)])
    inbound = security_group_rows(catalog, name, trace, ("ingress",))
    outbound = security_group_rows(catalog, name, trace, ("egress",))
    cols = SG_COLUMNS[2:]
    return [facts,
            Section("sg-in", "inbound (any rule allows; stateful)", cols, tuple(Row(r.cells[2:], None, r.mark)
                                                                               for r in inbound)),
            Section("sg-out", "outbound", cols, tuple(Row(r.cells[2:], None, r.mark) for r in outbound)),
            Section("members", f"members ({len(members)})", ("interface", "kind", "owner", "address"),
                    tuple(_member_row(catalog, e) for e in members[:500]),
                    note=f"{len(members) - 500} more" if len(members) > 500 else "")]


def _routes_to(catalog: Catalog, ref: Ref) -> Section:
    rows = tuple(Row((table.name, label), table) for table, label in catalog.routes_to.get(ref, []))
    return Section("routes-to", "what routes to it", ("route table", "route"), rows,
                   note="" if rows else "no route table sends traffic here")


def _internet_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    vpc = catalog.gateway_vpc[name]
    edge = catalog.net.vpcs[vpc].edge_tables.get(name)
    facts = _kv("facts", "internet gateway", [
        ("VPC", vpc, Ref("vpc", vpc)), ("edge route table", edge or "", Ref("route_table", edge or "")),
        ("translates", "public IPv4 / Elastic IP <-> private IPv4, 1:1 (R5.2)", None)])
    return [facts, _routes_to(catalog, Ref("internet_gateway", name))]


def _egress_only_internet_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    vpc = catalog.gateway_vpc[name]
    facts = _kv("facts", "egress-only internet gateway", [("VPC", vpc, Ref("vpc", vpc)),
                                                          ("direction", "IPv6 out, replies in", None)])
    return [facts, _routes_to(catalog, Ref("egress_only_internet_gateway", name))]


def _nat_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    nat = catalog.net.nat_gateways[name]
    facts = _kv("facts", "NAT gateway", [
        ("id", nat.id, None), ("VPC", nat.vpc, Ref("vpc", nat.vpc)), ("subnet", nat.subnet, Ref("subnet", nat.subnet)),
        ("interface", nat.eni, Ref("eni", nat.eni)), ("private IPv4", format_address(4, nat.private_ip), None),
        ("Elastic IP", _address(4, nat.elastic_ip), None), ("connectivity", nat.connectivity, None)])
    return [facts, _routes_to(catalog, Ref("nat_gateway", name))]


def _vpn_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    vpc = catalog.gateway_vpc[name]
    vgw = net.vpn_gateways.get(name)
    facts = _kv("facts", "virtual private gateway", [("VPC", vpc, Ref("vpc", vpc)),
                                                     ("ASN", str(vgw.asn) if vgw else "", None)])
    sections = [facts]
    if vgw is not None:
        conns = tuple(Row((c, net.connections[c].kind.replace("_", " ") if c in net.connections else ""),
                          Ref("connection", c)) for c in vgw.connections)
        sections.append(Section("connections", "connections", ("name", "kind"), conns))
        rows = []
        for route in vgw.routes:
            best = vgw.table.lookup(route.prefix.family, route.prefix.start)
            won = best is route or (best is not None and best.label == route.label and best.prefix == route.prefix)
            rows.append(Row(("★" if won else " ", str(route.prefix), route.connection, route.origin),
                            Ref("connection", route.connection), "win" if won else "muted"))
        sections.append(Section("learned", "routes learned (★ chosen, R7.4)", ("", "prefix", "via", "origin"),
                                tuple(rows)))
    sections.append(_routes_to(catalog, Ref("vpn_gateway", name)))
    return sections


def _endpoint(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    ep = catalog.net.endpoints[name]
    facts = _kv("facts", "VPC endpoint", [
        ("id", ep.id, None), ("VPC", ep.vpc, Ref("vpc", ep.vpc)), ("type", ep.type, None),
        ("service", ep.service, None),
        ("private DNS", "on" if ep.private_dns else "off", None) if ep.type == "interface" else ("", "", None),
        ("service prefixes", ", ".join(str(p) for p in ep.prefixes[:6]) + (" …" if len(ep.prefixes) > 6 else ""),
         None),
        ("policy", json.dumps(ep.policy, sort_keys=True)[:200] if ep.policy else "full access (default)", None)])
    enis = tuple(_member_row(catalog, e) for e in ep.enis)
    sections = [facts]
    if enis:
        sections.append(Section("members", "interfaces", ("interface", "kind", "owner", "address"), enis))
    sections.append(_routes_to(catalog, Ref("endpoint", name)))
    return sections


def _peering(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    p = catalog.net.peerings[name]
    facts = _kv("facts", "peering connection", [
        ("id", p.id, None), ("requester", p.requester, Ref("vpc", p.requester)),
        ("accepter", p.accepter, Ref("vpc", p.accepter)), ("status", "active" if p.active else "not active", None),
        ("inter-region", "yes" if p.inter_region else "no", None),
        ("DNS resolution", "on" if p.allow_dns_resolution else "off", None),
        ("transitive", "never (R9.2)", None)])
    return [facts, _routes_to(catalog, Ref("peering", name))]


def _transit_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    tgw = net.transit_gateways[name]
    facts = _kv("facts", "transit gateway", [
        ("id", tgw.id, None), ("ASN", str(tgw.asn), None),
        ("security group referencing", "on" if tgw.sg_referencing else "off", None),
        ("DNS support", "on" if tgw.dns_support else "off", None)])
    tables = tuple(Row((t, str(len(net.tgw_route_tables[t].routes)) if t in net.tgw_route_tables else ""),
                       Ref("tgw_route_table", t)) for t in tgw.route_tables)
    atts = tuple(Row((a, net.tgw_attachments[a].kind, net.tgw_attachments[a].resource,
                      net.tgw_attachments[a].route_table or "-"), Ref("tgw_attachment", a)) for a in tgw.attachments)
    return [facts, Section("tables", "route tables", ("name", "routes"), tables),
            Section("attachments", "attachments", ("name", "kind", "resource", "associated with"), atts),
            _routes_to(catalog, Ref("transit_gateway", name))]


def _tgw_route_table(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    rtb = net.tgw_route_tables[name]
    used, dropped = _used(trace)
    rows = []
    for route in rtb.routes:
        mark = "path" if (name, route.label) in used else "drop" if (name, route.label) in dropped else ""
        rows.append(Row((str(route.prefix), route.attachment or "blackhole", route.origin),
                        Ref("tgw_attachment", route.attachment) if route.attachment else None, mark))
    assoc = tuple(Row((a.name, a.kind, a.resource), Ref("tgw_attachment", a.name))
                  for a in net.tgw_attachments.values() if a.tgw == rtb.tgw and a.route_table in (name, rtb.id))
    facts = _kv("facts", "TGW route table", [("id", rtb.id, None), ("transit gateway", rtb.tgw,
                                                                    Ref("transit_gateway", rtb.tgw))])
    return [facts, Section("routes", "routes (longest prefix wins)", ("destination", "attachment", "origin"),
                           tuple(rows)),
            Section("associations", "associated attachments (traffic arriving from them)", ("attachment", "kind",
                                                                                              "resource"), assoc)]


def _tgw_attachment(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    att = net.tgw_attachments[name]
    resource_ref = {"vpc": Ref("vpc", att.resource), "vpn": Ref("connection", att.resource),
                    "direct_connect": Ref("connection", att.resource),
                    "peering": Ref("tgw_attachment", att.resource)}.get(att.kind)
    facts = _kv("facts", "TGW attachment", [
        ("id", att.id, None), ("transit gateway", att.tgw, Ref("transit_gateway", att.tgw)), ("kind", att.kind, None),
        ("resource", att.resource, resource_ref),
        ("associated with", att.route_table or "none", Ref("tgw_route_table", att.route_table or "")),
        ("appliance mode", "on" if att.appliance_mode else "off", None)])
    subnets = tuple(Row((az, s, att.enis_by_az.get(az, "")), Ref("subnet", s)) for az, s in att.subnets_by_az.items())
    sections = [facts]
    if subnets:
        sections.append(Section("subnets", "subnets (one per AZ)", ("AZ", "subnet", "interface"), subnets))
    sections.append(_routes_to(catalog, Ref("tgw_attachment", name)))
    return sections


def _connection(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    conn = net.connections[name]
    gateway = Ref("transit_gateway" if conn.gateway_kind == "transit_gateway" else "vpn_gateway", conn.gateway)
    facts = _kv("facts", "connection", [
        ("id", conn.id, None), ("kind", "Site-to-Site VPN" if conn.kind == "vpn" else "Direct Connect", None),
        ("gateway", conn.gateway, gateway), ("state", "up" if conn.up else "down", None),
        ("on-premises prefixes", ", ".join(str(p) for p in conn.prefixes), None)])
    sites = tuple(Row((s.name, ", ".join(str(p) for p in s.cidrs)), Ref("external", s.name))
                  for s in net.external.values() if name in s.via)
    return [facts, Section("sites", "sites reached", ("site", "CIDRs"), sites)]


def _external(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    site = catalog.net.external[name]
    facts = _kv("facts", "external site", [("CIDRs", ", ".join(str(p) for p in site.cidrs), None)])
    via = tuple(Row((v, catalog.net.connections[v].kind if v in catalog.net.connections else ""),
                    Ref("connection", v)) for v in site.via)
    return [facts, Section("via", "reached through", ("connection", "kind"), via)]


def _internet(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    gateways = []
    for vpc in net.vpcs.values():
        if vpc.internet_gateway:
            gateways.append(Row((vpc.internet_gateway, "IGW", vpc.name), Ref("internet_gateway", vpc.internet_gateway)))
        if vpc.egress_only_internet_gateway:
            gateways.append(Row((vpc.egress_only_internet_gateway, "EIGW", vpc.name),
                                Ref("egress_only_internet_gateway", vpc.egress_only_internet_gateway)))
    public = [e for e in net.enis.values() if e.public_ip is not None]
    rows = tuple(Row((address_text(4, e.public_ip), e.name, e.vpc), Ref("eni", e.name))
                 for e in public[:500] if e.public_ip is not None)
    return [Section("gateways", "gateways to the internet", ("gateway", "kind", "VPC"), tuple(gateways)),
            Section("public", "public addresses", ("address", "interface", "VPC"), rows,
                    note=f"{len(public) - 500} more" if len(public) > 500 else "")]


def _diagnostics(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    rows = []
    for d in catalog.diagnostics:
        pos, message = getattr(d, "pos", ""), getattr(d, "message", str(d))
        rows.append(Row((str(pos), getattr(d, "severity", "warning"), message, getattr(d, "hint", "") or "")))
    return [Section("diagnostics", "warnings from validation and import", ("where", "severity", "message", "hint"),
                    tuple(rows))]


_BUILDERS = {
    "account": _account, "group": _group, "vpc": _vpc, "subnet": _subnet, "eni": _eni, "route_table": _route_table,
    "network_acl": _network_acl, "security_group": _security_group, "internet_gateway": _internet_gateway,
    "egress_only_internet_gateway": _egress_only_internet_gateway, "nat_gateway": _nat_gateway,
    "vpn_gateway": _vpn_gateway, "endpoint": _endpoint, "peering": _peering, "transit_gateway": _transit_gateway,
    "tgw_route_table": _tgw_route_table, "tgw_attachment": _tgw_attachment, "connection": _connection,
    "external": _external, "internet": _internet, "diagnostics": _diagnostics,
}
