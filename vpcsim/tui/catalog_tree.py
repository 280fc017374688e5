"""What the explorer's tree shows: its top entries, each node's children, and the line of any ref.

Tree shape::

    <account> / <region>
        <vpc>
            subnets -> <subnet> -> <eni> …
            route tables, network ACLs, security groups, gateways (IGW, EIGW, VGW, NAT), endpoints
    transit gateways -> <tgw> -> route tables, attachments
    peering connections, VPN / Direct Connect, external sites, internet, diagnostics

Only what a person opens is computed: ``children`` reads the catalog's indexes for one node at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vpcsim.tui.catalog import sg_display
from vpcsim.tui.catalog_search import address_text
from vpcsim.tui.refs import DIAGNOSTICS, INTERNET, Ref, group, split_group, top_group

if TYPE_CHECKING:
    from vpcsim.tui.catalog import Catalog

VPC_GROUPS = (("subnets", "subnets"), ("route_tables", "route tables"), ("network_acls", "network ACLs"),
              ("security_groups", "security groups"), ("gateways", "gateways"), ("endpoints", "endpoints"))
TOP_GROUPS = (("transit_gateways", "transit gateways"), ("peering", "peering connections"),
              ("connections", "VPN / Direct Connect"), ("external", "external sites"))
TGW_GROUPS = (("route_tables", "route tables"), ("attachments", "attachments"))
_GROUP_LABELS = dict(VPC_GROUPS + TOP_GROUPS + TGW_GROUPS)


class Entry(NamedTuple):
    """One tree line: what it points at, its name, a dim annotation, and whether it has children."""

    ref: Ref
    label: str
    detail: str = ""
    expandable: bool = False


def roots(catalog: Catalog) -> list[Entry]:
    """The top of the tree: the accounts, the groups of regional things that exist, the internet, diagnostics."""
    net = catalog.net
    entries = [Entry(Ref("account", key), key, f"{len(vpcs)} VPC{'s' if len(vpcs) != 1 else ''}", True)
               for key, vpcs in catalog.accounts.items()]
    sizes = {"transit_gateways": len(net.transit_gateways), "peering": len(net.peerings),
             "connections": len(net.connections), "external": len(net.external)}
    entries += [Entry(top_group(what), label, str(sizes[what]), True)
                for what, label in TOP_GROUPS if sizes[what]]
    if catalog.has_internet:
        entries.append(entry(catalog, INTERNET))
    if catalog.diagnostics:
        entries.append(entry(catalog, DIAGNOSTICS))
    return entries


def children(catalog: Catalog, ref: Ref) -> list[Entry]:
    net = catalog.net
    kind, name = ref
    if kind == "account":
        return [entry(catalog, Ref("vpc", v)) for v in catalog.accounts.get(name, [])]
    if kind == "vpc":
        return [Entry(group(ref, what), label, str(len(_vpc_members(catalog, name, what))), True)
                for what, label in VPC_GROUPS if _vpc_members(catalog, name, what)]
    if kind == "subnet":
        return [entry(catalog, Ref("eni", e)) for e in catalog.subnet_enis.get(name, ())]
    if kind == "transit_gateway":
        tgw = net.transit_gateways[name]
        sizes = {"route_tables": len(tgw.route_tables), "attachments": len(tgw.attachments)}
        return [Entry(group(ref, what), label, str(sizes[what]), True) for what, label in TGW_GROUPS
                if sizes[what]]
    if kind == "group":
        owner_kind, owner, what = split_group(name)
        if owner_kind == "vpc":
            return [entry(catalog, r) for r in _vpc_members(catalog, owner, what)]
        if owner_kind == "transit_gateway":
            tgw = net.transit_gateways[owner]
            if what == "route_tables":
                return [entry(catalog, Ref("tgw_route_table", t)) for t in tgw.route_tables
                        if t in net.tgw_route_tables]
            return [entry(catalog, Ref("tgw_attachment", a)) for a in tgw.attachments]
        members = {"transit_gateways": [Ref("transit_gateway", t) for t in net.transit_gateways],
                   "peering": [Ref("peering", p) for p in net.peerings],
                   "connections": [Ref("connection", c) for c in net.connections],
                   "external": [Ref("external", s) for s in net.external]}
        return [entry(catalog, r) for r in members.get(what, [])]
    return []


def _vpc_members(catalog: Catalog, vpc_name: str, what: str) -> list[Ref]:
    return catalog.vpc_members[vpc_name].get(what, [])


def entry(catalog: Catalog, ref: Ref) -> Entry:
    """The tree line of any ref (labels and annotations in one place)."""
    net = catalog.net
    kind, name = ref
    if kind == "vpc":
        vpc = net.vpcs[name]
        return Entry(ref, name, " ".join(str(p) for p in vpc.cidrs[:2]), True)
    if kind == "subnet":
        s = net.subnets[name]
        return Entry(ref, name, f"{s.cidr or s.ipv6_cidr or ''} {s.az}".strip(), bool(catalog.subnet_enis.get(name)))
    if kind == "eni":
        eni = net.enis[name]
        address = address_text(4, eni.primary_ip) if eni.primary_ip is not None else (
            address_text(6, eni.ipv6_ips[0]) if eni.ipv6_ips else "")
        owner = eni.owner if eni.owner and eni.owner not in name else ""
        return Entry(ref, name, " ".join(x for x in (owner, address) if x))
    if kind == "route_table":
        table = net.route_tables[name]
        main = net.vpcs[table.vpc].main_route_table == name
        note = "main" if main else (f"edge: {table.gateway}" if table.gateway else "")
        return Entry(ref, name, note)
    if kind == "network_acl":
        return Entry(ref, name, "default" if name.endswith("-default-acl") else "")
    if kind == "security_group":
        return Entry(ref, sg_display(name), "default" if "@" in name else "")
    if kind == "nat_gateway":
        nat = net.nat_gateways[name]
        return Entry(ref, name, f"NAT {nat.connectivity}")
    if kind in ("internet_gateway", "egress_only_internet_gateway", "vpn_gateway"):
        return Entry(ref, name, {"internet_gateway": "IGW", "egress_only_internet_gateway": "EIGW",
                                 "vpn_gateway": "VGW"}[kind])
    if kind == "endpoint":
        ep = net.endpoints[name]
        return Entry(ref, name, f"{ep.type} {ep.service.rsplit('.', 1)[-1]}")
    if kind == "peering":
        p = net.peerings[name]
        return Entry(ref, name, f"{p.requester} <-> {p.accepter}")
    if kind == "transit_gateway":
        return Entry(ref, name, f"ASN {net.transit_gateways[name].asn}", True)
    if kind == "tgw_route_table":
        return Entry(ref, name, f"{len(net.tgw_route_tables[name].routes)} routes")
    if kind == "tgw_attachment":
        att = net.tgw_attachments[name]
        return Entry(ref, name, f"{att.kind} {att.resource}")
    if kind == "connection":
        conn = net.connections[name]
        return Entry(ref, name, f"{'VPN' if conn.kind == 'vpn' else 'DX'} -> {conn.gateway}")
    if kind == "external":
        return Entry(ref, name, " ".join(str(p) for p in net.external[name].cidrs[:2]))
    if kind == "internet":
        return Entry(ref, "internet")
    if kind == "diagnostics":
        return Entry(ref, "diagnostics", str(len(catalog.diagnostics)))
    if kind == "account":
        return Entry(ref, name, "", True)
    if kind == "group":
        what = split_group(name)[2]
        return Entry(ref, _GROUP_LABELS.get(what, what), "", True)
    raise KeyError(ref)
