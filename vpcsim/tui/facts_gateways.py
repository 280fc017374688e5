"""The details of the ways in and out of a VPC: its gateways and endpoints, peering, transit gateways and
their route tables and attachments, VPN / Direct Connect, the sites beyond them and the internet. Each
thing something can route to also lists what routes to it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from vpcsim.ip import format_address
from vpcsim.tui.catalog_search import address_text
from vpcsim.tui.facts import Row, Section, address_or_blank, facts_section
from vpcsim.tui.facts_vpc import member_row
from vpcsim.tui.refs import Ref
from vpcsim.tui.rule_rows import trace_marks

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog
    from vpcsim.tui.facts import Builder


def _routes_to(catalog: Catalog, ref: Ref) -> Section:
    rows = tuple(Row((table.name, label), table) for table, label in catalog.routes_to.get(ref, []))
    return Section("routes-to", "what routes to it", ("route table", "route"), rows,
                   note="" if rows else "no route table sends traffic here")


def _internet_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    vpc = catalog.gateway_vpc[name]
    edge = catalog.net.vpcs[vpc].edge_tables.get(name)
    facts = facts_section("facts", "internet gateway", [
        ("VPC", vpc, Ref("vpc", vpc)), ("edge route table", edge or "", Ref("route_table", edge or "")),
        ("translates", "public IPv4 / Elastic IP <-> private IPv4, 1:1 (R5.2)", None)])
    return [facts, _routes_to(catalog, Ref("internet_gateway", name))]


def _egress_only_internet_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    vpc = catalog.gateway_vpc[name]
    facts = facts_section("facts", "egress-only internet gateway", [("VPC", vpc, Ref("vpc", vpc)),
                                                          ("direction", "IPv6 out, replies in", None)])
    return [facts, _routes_to(catalog, Ref("egress_only_internet_gateway", name))]


def _nat_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    nat = catalog.net.nat_gateways[name]
    facts = facts_section("facts", "NAT gateway", [
        ("id", nat.id, None), ("VPC", nat.vpc, Ref("vpc", nat.vpc)), ("subnet", nat.subnet, Ref("subnet", nat.subnet)),
        ("interface", nat.eni, Ref("eni", nat.eni)), ("private IPv4", format_address(4, nat.private_ip), None),
        ("Elastic IP", address_or_blank(4, nat.elastic_ip), None), ("connectivity", nat.connectivity, None)])
    return [facts, _routes_to(catalog, Ref("nat_gateway", name))]


def _vpn_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    vpc = catalog.gateway_vpc[name]
    vgw = net.vpn_gateways.get(name)
    facts = facts_section("facts", "virtual private gateway", [("VPC", vpc, Ref("vpc", vpc)),
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
    facts = facts_section("facts", "VPC endpoint", [
        ("id", ep.id, None), ("VPC", ep.vpc, Ref("vpc", ep.vpc)), ("type", ep.type, None),
        ("service", ep.service, None),
        ("private DNS", "on" if ep.private_dns else "off", None) if ep.type == "interface" else ("", "", None),
        ("service prefixes", ", ".join(str(p) for p in ep.prefixes[:6]) + (" …" if len(ep.prefixes) > 6 else ""),
         None),
        ("policy", json.dumps(ep.policy, sort_keys=True)[:200] if ep.policy else "full access (default)", None)])
    enis = tuple(member_row(catalog, e) for e in ep.enis)
    sections = [facts]
    if enis:
        sections.append(Section("members", "interfaces", ("interface", "kind", "owner", "address"), enis))
    sections.append(_routes_to(catalog, Ref("endpoint", name)))
    return sections


def _peering(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    p = catalog.net.peerings[name]
    facts = facts_section("facts", "peering connection", [
        ("id", p.id, None), ("requester", p.requester, Ref("vpc", p.requester)),
        ("accepter", p.accepter, Ref("vpc", p.accepter)), ("status", "active" if p.active else "not active", None),
        ("inter-region", "yes" if p.inter_region else "no", None),
        ("DNS resolution", "on" if p.allow_dns_resolution else "off", None),
        ("transitive", "never (R9.2)", None)])
    return [facts, _routes_to(catalog, Ref("peering", name))]


def _transit_gateway(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    tgw = net.transit_gateways[name]
    facts = facts_section("facts", "transit gateway", [
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
    used, dropped = trace_marks(trace)
    rows = []
    for route in rtb.routes:
        mark = "path" if (name, route.label) in used else "drop" if (name, route.label) in dropped else ""
        rows.append(Row((str(route.prefix), route.attachment or "blackhole", route.origin),
                        Ref("tgw_attachment", route.attachment) if route.attachment else None, mark))
    assoc = tuple(Row((a.name, a.kind, a.resource), Ref("tgw_attachment", a.name))
                  for a in net.tgw_attachments.values() if a.tgw == rtb.tgw and a.route_table in (name, rtb.id))
    facts = facts_section("facts", "TGW route table", [("id", rtb.id, None), ("transit gateway", rtb.tgw,
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
    facts = facts_section("facts", "TGW attachment", [
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
    facts = facts_section("facts", "connection", [
        ("id", conn.id, None), ("kind", "Site-to-Site VPN" if conn.kind == "vpn" else "Direct Connect", None),
        ("gateway", conn.gateway, gateway), ("state", "up" if conn.up else "down", None),
        ("on-premises prefixes", ", ".join(str(p) for p in conn.prefixes), None)])
    sites = tuple(Row((s.name, ", ".join(str(p) for p in s.cidrs)), Ref("external", s.name))
                  for s in net.external.values() if name in s.via)
    return [facts, Section("sites", "sites reached", ("site", "CIDRs"), sites)]


def _external(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    site = catalog.net.external[name]
    facts = facts_section("facts", "external site", [("CIDRs", ", ".join(str(p) for p in site.cidrs), None)])
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


GATEWAY_FACTS: dict[str, Builder] = {
    "internet_gateway": _internet_gateway, "egress_only_internet_gateway": _egress_only_internet_gateway,
    "nat_gateway": _nat_gateway, "vpn_gateway": _vpn_gateway, "endpoint": _endpoint, "peering": _peering,
    "transit_gateway": _transit_gateway, "tgw_route_table": _tgw_route_table, "tgw_attachment": _tgw_attachment,
    "connection": _connection, "external": _external, "internet": _internet,
}
