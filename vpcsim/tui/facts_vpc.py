"""The details of what lives inside a VPC: the VPC itself, its subnets, interfaces, route tables, network
ACLs and security groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcsim.compile.components import EniKind, Instance
from vpcsim.ip import format_address
from vpcsim.tui.facts import Row, Section, address_or_blank, facts_section
from vpcsim.tui.refs import Ref
from vpcsim.tui.rule_rows import (
    NACL_COLUMNS,
    ROUTE_COLUMNS,
    SG_COLUMNS,
    nacl_rows,
    route_rows,
    security_group_rows,
    trace_marks,
)

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog
    from vpcsim.tui.facts import Builder


def _vpc(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    vpc = net.vpcs[name]
    facts = facts_section("facts", "VPC", [
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
    facts = facts_section("facts", "subnet", [
        ("id", s.id, None), ("VPC", s.vpc, Ref("vpc", s.vpc)), ("IPv4 CIDR", str(s.cidr or ""), None),
        ("IPv6 CIDR", str(s.ipv6_cidr or ""), None), ("AZ", s.az, None),
        ("route table", table.name + (" (main, implicit)" if main else ""), Ref("route_table", table.name)),
        ("network ACL", acl.name, Ref("network_acl", acl.name))])
    members = tuple(member_row(catalog, e) for e in catalog.subnet_enis.get(name, ()))
    return [facts,
            Section("routes", f"effective route table {table.name}", ROUTE_COLUMNS,
                    route_rows(catalog, table.name, trace), note="★ wins for some destinations (longest prefix)"),
            Section("nacl-in", f"network ACL {acl.name} inbound", NACL_COLUMNS,
                    nacl_rows(acl.name, acl.ingress, trace)),
            Section("nacl-out", f"network ACL {acl.name} outbound", NACL_COLUMNS,
                    nacl_rows(acl.name, acl.egress, trace)),
            Section("members", f"members ({len(members)})", ("interface", "kind", "owner", "address"), members)]


def member_row(catalog: Catalog, eni_name: str) -> Row:
    eni = catalog.net.enis[eni_name]
    address = address_or_blank(4, eni.primary_ip) or (address_or_blank(6, eni.ipv6_ips[0]) if eni.ipv6_ips else "")
    return Row((eni.name, eni.kind.value.replace("_", " "), eni.owner, address), Ref("eni", eni.name))


def _metadata_facts(instance: Instance | None) -> list[tuple[str, str, Ref | None]]:
    """The instance's metadata options (R11.1b), when the topology sets any: AWS's defaults go unsaid."""
    if instance is None or (instance.http_endpoint and not instance.http_protocol_ipv6 and instance.nitro
                            and instance.http_tokens is None):
        return []
    said = ["endpoint " + ("enabled" if instance.http_endpoint else "disabled"),
            "IPv6 endpoint " + ("enabled" if instance.http_protocol_ipv6 else "disabled"),
            f"tokens {instance.http_tokens or 'AWS default'}"]
    if not instance.nitro:
        said.append("not Nitro")
    return [("instance metadata", " · ".join(said), None)]


def _eni(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    eni = net.enis[name]
    instance = net.instances.get(eni.owner) if eni.kind in (EniKind.INSTANCE, EniKind.INTERFACE) else None
    owner_ref = {EniKind.NAT_GATEWAY: Ref("nat_gateway", eni.owner), EniKind.TGW_ATTACHMENT:
                 Ref("tgw_attachment", eni.owner), EniKind.INTERFACE_ENDPOINT: Ref("endpoint", eni.owner),
                 EniKind.GWLB_ENDPOINT: Ref("endpoint", eni.owner)}.get(eni.kind)
    public = address_or_blank(4, eni.public_ip)
    if public:
        public += " (Elastic IP)" if eni.elastic else " (auto-assigned)"
    facts = facts_section("facts", "network interface", [
        ("id", eni.id, None), ("kind", eni.kind.value.replace("_", " "), None),
        ("owner", eni.owner + (f" ({instance.id}, {instance.state})" if instance else ""), owner_ref),
        ("subnet", eni.subnet, Ref("subnet", eni.subnet)), ("VPC", eni.vpc, Ref("vpc", eni.vpc)), ("AZ", eni.az, None),
        ("private IPv4", ", ".join(format_address(4, a) for a in eni.private_ips), None),
        ("public IPv4", public, None),
        ("IPv6", ", ".join(format_address(6, a) for a in eni.ipv6_ips), None),
        ("source/dest check", "on" if eni.source_dest_check else "off", None),
        ("device index", str(eni.device_index), None), *_metadata_facts(instance)])
    sections = [facts]
    if eni.ingress is None:
        sections.append(Section("sgs", "security groups", ("",), (Row(("none apply to this interface (R3.14)",)),),
                                header=False))
    else:
        rows = [row for key in eni.security_groups for row in security_group_rows(catalog, key, trace, at=name)]
        _, dropped = trace_marks(trace)
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
    facts = facts_section("facts", "route table", [
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
    facts = facts_section("facts", "network ACL", [("id", acl.id, None), ("VPC", acl.vpc, Ref("vpc", acl.vpc)),
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
    facts = facts_section("facts", "security group", [("VPC", vpc, Ref("vpc", vpc)), ("description", description, None),
                                            ("members", str(len(members)), None)])
    inbound = security_group_rows(catalog, name, trace, ("ingress",))
    outbound = security_group_rows(catalog, name, trace, ("egress",))
    cols = SG_COLUMNS[2:]
    return [facts,
            Section("sg-in", "inbound (any rule allows; stateful)", cols, tuple(Row(r.cells[2:], None, r.mark)
                                                                               for r in inbound)),
            Section("sg-out", "outbound", cols, tuple(Row(r.cells[2:], None, r.mark) for r in outbound)),
            Section("members", f"members ({len(members)})", ("interface", "kind", "owner", "address"),
                    tuple(member_row(catalog, e) for e in members[:500]),
                    note=f"{len(members) - 500} more" if len(members) > 500 else "")]


VPC_FACTS: dict[str, Builder] = {
    "vpc": _vpc, "subnet": _subnet, "eni": _eni, "route_table": _route_table, "network_acl": _network_acl,
    "security_group": _security_group,
}
