"""The explorer's index of a compiled network: what the tree shows, where each component sits, and what
points at what. Plain Python (no Textual), built lazily so a 1,000-VPC network opens at once: only the
top of the tree is computed up front, every other index on first use.

Tree shape::

    <account> / <region>
        <vpc>
            subnets -> <subnet> -> <eni> …
            route tables, network ACLs, security groups, gateways (IGW, EIGW, VGW, NAT), endpoints
    transit gateways -> <tgw> -> route tables, attachments
    peering connections, VPN / Direct Connect, external sites, internet, diagnostics
"""

from __future__ import annotations

import socket
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from vpcsim.compile.components import EniKind, Route, TargetKind
from vpcsim.compile.graph import TARGET_NODE_KINDS
from vpcsim.ip import format_address
from vpcsim.tui.refs import DIAGNOSTICS, HOP_KINDS, INTERNET, Ref

if TYPE_CHECKING:
    from vpcsim.compile.network import CompiledNetwork
    from vpcsim.engine.results import Hop
    from vpcsim.model import Topology

_VPC_GROUPS = (("subnets", "subnets"), ("route_tables", "route tables"), ("network_acls", "network ACLs"),
               ("security_groups", "security groups"), ("gateways", "gateways"), ("endpoints", "endpoints"))
_TOP_GROUPS = (("transit_gateways", "transit gateways"), ("peering", "peering connections"),
               ("connections", "VPN / Direct Connect"), ("external", "external sites"))
_TGW_GROUPS = (("route_tables", "route tables"), ("attachments", "attachments"))

#: Route target kinds -> the kind of ref a route's target names (``local`` names the VPC).
TARGET_REF_KINDS: dict[TargetKind, str] = {TargetKind.LOCAL: "vpc", **TARGET_NODE_KINDS}


class Entry(NamedTuple):
    """One tree line: what it points at, its name, a dim annotation, and whether it has children."""

    ref: Ref
    label: str
    detail: str = ""
    expandable: bool = False


def group(owner: Ref, what: str) -> Ref:
    """The tree group ``what`` under ``owner`` (``group("vpc", "shop", "subnets")`` -> ``group:vpc:shop:subnets``)."""
    return Ref("group", f"{owner.kind}:{owner.name}:{what}")


def top_group(what: str) -> Ref:
    return Ref("group", f"top::{what}")


def split_group(name: str) -> tuple[str, str, str]:
    """``"vpc:shop:subnets"`` -> ``("vpc", "shop", "subnets")`` (the owner's name may hold colons)."""
    kind, rest = name.split(":", 1)
    owner, what = rest.rsplit(":", 1)
    return kind, owner, what


_GROUP_LABELS = dict(_VPC_GROUPS + _TOP_GROUPS + _TGW_GROUPS)


def address_text(family: int, value: int) -> str:
    """``format_address``, five times faster for IPv4 (the search index and the trace form's completions
    format every address of a 100,000-interface network)."""
    if family == 4:
        return socket.inet_ntoa(value.to_bytes(4, "big"))
    return format_address(family, value)


class _SearchIndex(NamedTuple):
    """One line of text per component (name, id, CIDRs, addresses; lower case) and what it names, in three
    parallel tuples of strings: the cycle collector stops looking at them after one pass, where a list of
    ``(text, Ref)`` pairs would cost every later full collection half a million objects."""

    hay: tuple[str, ...]
    kinds: tuple[str, ...]
    names: tuple[str, ...]


def sg_display(key: str) -> str:
    """A security group key as people write it: ``default@shop`` -> ``default``."""
    return key.split("@", 1)[0]


class Catalog:
    """Everything the explorer needs to know about where things are, computed once and on demand."""

    def __init__(self, network: CompiledNetwork, topology: Topology | None = None) -> None:
        self.net = network
        self.topology = topology

    # -- counts and the header ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        net = self.net
        return {"VPC": len(net.vpcs), "subnet": len(net.subnets), "ENI": len(net.enis),
                "route table": len(net.route_tables), "TGW": len(net.transit_gateways),
                "peering": len(net.peerings), "site": len(net.external)}

    @property
    def diagnostics(self) -> tuple[object, ...]:
        return tuple(self.net.warnings)

    # -- the tree ----------------------------------------------------------------------------------

    @cached_property
    def accounts(self) -> dict[str, list[str]]:
        by_account: dict[str, list[str]] = {}
        for vpc in self.net.vpcs.values():
            by_account.setdefault(f"{vpc.account} / {vpc.region}", []).append(vpc.name)
        return by_account

    def roots(self) -> list[Entry]:
        net = self.net
        entries = [Entry(Ref("account", key), key, f"{len(vpcs)} VPC{'s' if len(vpcs) != 1 else ''}", True)
                   for key, vpcs in self.accounts.items()]
        sizes = {"transit_gateways": len(net.transit_gateways), "peering": len(net.peerings),
                 "connections": len(net.connections), "external": len(net.external)}
        entries += [Entry(top_group(what), label, str(sizes[what]), True)
                    for what, label in _TOP_GROUPS if sizes[what]]
        if self.has_internet:
            entries.append(self.entry(INTERNET))
        if self.diagnostics:
            entries.append(self.entry(DIAGNOSTICS))
        return entries

    @cached_property
    def has_internet(self) -> bool:
        return any(v.internet_gateway or v.egress_only_internet_gateway for v in self.net.vpcs.values())

    def children(self, ref: Ref) -> list[Entry]:
        net = self.net
        kind, name = ref
        if kind == "account":
            return [self.entry(Ref("vpc", v)) for v in self.accounts.get(name, [])]
        if kind == "vpc":
            return [Entry(group(ref, what), label, str(len(self._vpc_members(name, what))), True)
                    for what, label in _VPC_GROUPS if self._vpc_members(name, what)]
        if kind == "subnet":
            return [self.entry(Ref("eni", e)) for e in self.subnet_enis.get(name, ())]
        if kind == "transit_gateway":
            tgw = net.transit_gateways[name]
            sizes = {"route_tables": len(tgw.route_tables), "attachments": len(tgw.attachments)}
            return [Entry(group(ref, what), label, str(sizes[what]), True) for what, label in _TGW_GROUPS
                    if sizes[what]]
        if kind == "group":
            owner_kind, owner, what = split_group(name)
            if owner_kind == "vpc":
                return [self.entry(r) for r in self._vpc_members(owner, what)]
            if owner_kind == "transit_gateway":
                tgw = net.transit_gateways[owner]
                if what == "route_tables":
                    return [self.entry(Ref("tgw_route_table", t)) for t in tgw.route_tables
                            if t in net.tgw_route_tables]
                return [self.entry(Ref("tgw_attachment", a)) for a in tgw.attachments]
            members = {"transit_gateways": [Ref("transit_gateway", t) for t in net.transit_gateways],
                       "peering": [Ref("peering", p) for p in net.peerings],
                       "connections": [Ref("connection", c) for c in net.connections],
                       "external": [Ref("external", s) for s in net.external]}
            return [self.entry(r) for r in members.get(what, [])]
        return []

    def _vpc_members(self, vpc_name: str, what: str) -> list[Ref]:
        return self.vpc_members[vpc_name].get(what, [])

    @cached_property
    def vpc_members(self) -> dict[str, dict[str, list[Ref]]]:
        net = self.net
        members: dict[str, dict[str, list[Ref]]] = {v: defaultdict(list) for v in net.vpcs}
        for vpc in net.vpcs.values():
            m = members[vpc.name]
            m["subnets"] = [Ref("subnet", s) for s in vpc.subnets]
            for gateway, kind in ((vpc.internet_gateway, "internet_gateway"),
                                  (vpc.egress_only_internet_gateway, "egress_only_internet_gateway"),
                                  (vpc.vpn_gateway, "vpn_gateway")):
                if gateway:
                    m["gateways"].append(Ref(kind, gateway))
        for table in net.route_tables.values():
            members[table.vpc]["route_tables"].append(Ref("route_table", table.name))
        for acl in net.network_acls.values():
            members[acl.vpc]["network_acls"].append(Ref("network_acl", acl.name))
        for nat in net.nat_gateways.values():
            members[nat.vpc]["gateways"].append(Ref("nat_gateway", nat.name))
        for ep in net.endpoints.values():
            members[ep.vpc]["endpoints"].append(Ref("endpoint", ep.name))
        for key, vpc_name in self.security_group_vpc.items():
            if vpc_name in members:
                members[vpc_name]["security_groups"].append(Ref("security_group", key))
        return {v: dict(m) for v, m in members.items()}

    def entry(self, ref: Ref) -> Entry:
        """The tree line of any ref (labels and annotations in one place)."""
        net = self.net
        kind, name = ref
        if kind == "vpc":
            vpc = net.vpcs[name]
            return Entry(ref, name, " ".join(str(p) for p in vpc.cidrs[:2]), True)
        if kind == "subnet":
            s = net.subnets[name]
            return Entry(ref, name, f"{s.cidr or s.ipv6_cidr or ''} {s.az}".strip(), bool(self.subnet_enis.get(name)))
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
            return Entry(ref, "diagnostics", str(len(self.diagnostics)))
        if kind == "account":
            return Entry(ref, name, "", True)
        if kind == "group":
            what = split_group(name)[2]
            return Entry(ref, _GROUP_LABELS.get(what, what), "", True)
        raise KeyError(ref)

    def exists(self, ref: Ref) -> bool:
        net = self.net
        tables: dict[str, Callable[[], Mapping[str, object]]] = {
            "vpc": lambda: net.vpcs, "subnet": lambda: net.subnets, "eni": lambda: net.enis,
            "route_table": lambda: net.route_tables, "network_acl": lambda: net.network_acls,
            "nat_gateway": lambda: net.nat_gateways, "endpoint": lambda: net.endpoints,
            "peering": lambda: net.peerings, "transit_gateway": lambda: net.transit_gateways,
            "tgw_route_table": lambda: net.tgw_route_tables, "tgw_attachment": lambda: net.tgw_attachments,
            "connection": lambda: net.connections, "external": lambda: net.external,
            "vpn_gateway": lambda: self.gateway_vpc, "internet_gateway": lambda: self.gateway_vpc,
            "egress_only_internet_gateway": lambda: self.gateway_vpc,
            "security_group": lambda: self.security_group_vpc, "account": lambda: self.accounts,
        }
        if ref.kind in tables:
            return ref.name in tables[ref.kind]()
        if ref.kind == "internet":
            return self.has_internet
        if ref.kind == "diagnostics":
            return bool(self.diagnostics)
        return ref.kind == "group"

    # -- where things are --------------------------------------------------------------------------

    def canonical(self, ref: Ref) -> Ref:
        """Aliases to the node the tree shows: an instance is its primary ENI."""
        if ref.kind == "instance":
            instance = self.net.instances.get(ref.name)
            if instance is not None and instance.enis:
                return Ref("eni", instance.enis[0])
        return ref

    def parent(self, ref: Ref) -> Ref | None:
        net = self.net
        kind, name = ref
        if kind == "vpc":
            vpc = net.vpcs[name]
            return Ref("account", f"{vpc.account} / {vpc.region}")
        if kind == "group":
            owner_kind, owner, _ = split_group(name)
            return None if owner_kind == "top" else Ref(owner_kind, owner)
        if kind == "eni":
            return Ref("subnet", net.enis[name].subnet)
        vpc_groups: dict[str, tuple[str, Callable[[], str]]] = {"subnet": ("subnets", lambda: net.subnets[name].vpc),
                      "route_table": ("route_tables", lambda: net.route_tables[name].vpc),
                      "network_acl": ("network_acls", lambda: net.network_acls[name].vpc),
                      "security_group": ("security_groups", lambda: self.security_group_vpc[name]),
                      "nat_gateway": ("gateways", lambda: net.nat_gateways[name].vpc),
                      "internet_gateway": ("gateways", lambda: self.gateway_vpc[name]),
                      "egress_only_internet_gateway": ("gateways", lambda: self.gateway_vpc[name]),
                      "vpn_gateway": ("gateways", lambda: self.gateway_vpc[name]),
                      "endpoint": ("endpoints", lambda: net.endpoints[name].vpc)}
        if kind in vpc_groups:
            what, vpc_of = vpc_groups[kind]
            return group(Ref("vpc", vpc_of()), what)
        if kind == "tgw_route_table":
            return group(Ref("transit_gateway", net.tgw_route_tables[name].tgw), "route_tables")
        if kind == "tgw_attachment":
            return group(Ref("transit_gateway", net.tgw_attachments[name].tgw), "attachments")
        tops = {"transit_gateway": "transit_gateways", "peering": "peering", "connection": "connections",
                "external": "external"}
        if kind in tops:
            return top_group(tops[kind])
        return None

    def chain(self, ref: Ref) -> list[Ref]:
        """The refs from the top of the tree down to ``ref`` (inclusive)."""
        ref = self.canonical(ref)
        chain = [ref]
        parent = self.parent(ref)
        while parent is not None:
            chain.append(parent)
            parent = self.parent(parent)
        return chain[::-1]

    def vpc_of(self, ref: Ref) -> str | None:
        """The VPC a component lives in (``None`` for regional or global things)."""
        for link in self.chain(ref):
            if link.kind == "vpc":
                return link.name
        if ref.kind == "tgw_attachment":
            att = self.net.tgw_attachments[ref.name]
            return att.resource if att.kind == "vpc" else None
        return None

    # The indexes below map names to tuples of names: the cycle collector stops looking at a tuple of strings
    # (and then at a dict of them) after its first pass, so 100,000 interfaces cost later collections nothing.

    @cached_property
    def subnet_enis(self) -> dict[str, tuple[str, ...]]:
        by_subnet: dict[str, list[str]] = defaultdict(list)
        for eni in self.net.enis.values():
            by_subnet[eni.subnet].append(eni.name)
        return {subnet: tuple(names) for subnet, names in by_subnet.items()}

    @cached_property
    def gateway_vpc(self) -> dict[str, str]:
        found = dict(self.net.gateway_vpc)
        found.update({g.name: g.vpc for g in self.net.vpn_gateways.values()})
        return found

    @cached_property
    def security_group_vpc(self) -> dict[str, str]:
        """Security group key -> its VPC: the groups the topology declares, then any an ENI names."""
        found: dict[str, str] = {}
        if self.topology is not None:
            for vpc_name, vpc in self.topology.vpcs.items():
                for sg in vpc.security_groups:
                    found[f"default@{vpc_name}" if sg == "default" else sg] = vpc_name
        for vpc_name in self.net.vpcs:
            found.setdefault(f"default@{vpc_name}", vpc_name)
        for eni in self.net.enis.values():
            for sg in eni.security_groups:
                found.setdefault(sg, eni.vpc)
        return found

    @cached_property
    def security_group_members(self) -> dict[str, tuple[str, ...]]:
        members: dict[str, list[str]] = defaultdict(list)
        for eni in self.net.enis.values():
            for sg in eni.security_groups:
                members[sg].append(eni.name)
        return {sg: tuple(names) for sg, names in members.items()}

    @cached_property
    def route_table_subnets(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = defaultdict(list)
        for subnet in self.net.subnets.values():
            found[subnet.route_table].append(subnet.name)
        return {table: tuple(names) for table, names in found.items()}

    @cached_property
    def network_acl_subnets(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = defaultdict(list)
        for subnet in self.net.subnets.values():
            found[subnet.network_acl].append(subnet.name)
        return {acl: tuple(names) for acl, names in found.items()}

    @cached_property
    def routes_to(self) -> dict[Ref, list[tuple[Ref, str]]]:
        """Target -> the (route table, route label) pairs that send traffic to it ("what routes to it")."""
        found: dict[Ref, list[tuple[Ref, str]]] = defaultdict(list)
        for table in self.net.route_tables.values():
            for route in table.routes:
                target = self.route_target(route, table.vpc)
                if target is not None and route.target_kind is not TargetKind.LOCAL:
                    found[target].append((Ref("route_table", table.name), route.label))
        for rtb in self.net.tgw_route_tables.values():
            for tgw_route in rtb.routes:
                if tgw_route.attachment:
                    found[Ref("tgw_attachment", tgw_route.attachment)].append(
                        (Ref("tgw_route_table", rtb.name), tgw_route.label))
        return dict(found)

    def route_target(self, route: Route, vpc: str) -> Ref | None:
        kind = TARGET_REF_KINDS.get(route.target_kind)
        if kind is None:
            return None
        return Ref("vpc", vpc) if kind == "vpc" else Ref(kind, route.target)

    def hop_ref(self, hop: Hop) -> Ref | None:
        """The tree node a hop happened at (``None`` for places the tree does not show, e.g. AWS services)."""
        kind = HOP_KINDS.get(hop.kind.value)
        if kind is None:
            return None
        ref = Ref(kind, hop.component)
        return ref if self.exists(ref) else None

    def is_instance_eni(self, name: str) -> bool:
        return self.net.enis[name].kind is EniKind.INSTANCE

    # -- search ------------------------------------------------------------------------------------

    @cached_property
    def _search_index(self) -> _SearchIndex:
        net = self.net
        hay: list[str] = []
        kinds: list[str] = []
        names: list[str] = []

        def add(text: str, kind: str, name: str) -> None:
            hay.append(text.lower())
            kinds.append(kind)
            names.append(name)

        for vpc in net.vpcs.values():
            add(f"{vpc.name} {vpc.id} {' '.join(map(str, vpc.cidrs))}", "vpc", vpc.name)
        for s in net.subnets.values():
            add(f"{s.name} {s.id} {s.cidr or ''} {s.ipv6_cidr or ''} {s.az}", "subnet", s.name)
        for e in net.enis.values():
            addresses = [address_text(4, a) for a in e.private_ips] + [address_text(6, a) for a in e.ipv6_ips]
            if e.public_ip is not None:
                addresses.append(address_text(4, e.public_ip))
            add(f"{e.name} {e.id} {e.owner} {' '.join(addresses)}", "eni", e.name)
        for t in net.route_tables.values():
            add(f"{t.name} {t.id}", "route_table", t.name)
        for a in net.network_acls.values():
            add(f"{a.name} {a.id}", "network_acl", a.name)
        for key in self.security_group_vpc:
            add(key, "security_group", key)
        for gw in self.gateway_vpc:
            add(gw, self.gateway_kind(gw), gw)
        simple: list[tuple[str, Mapping[str, object]]] = [
            ("nat_gateway", net.nat_gateways), ("endpoint", net.endpoints), ("peering", net.peerings),
            ("transit_gateway", net.transit_gateways), ("tgw_route_table", net.tgw_route_tables),
            ("tgw_attachment", net.tgw_attachments), ("connection", net.connections), ("external", net.external)]
        for kind, items in simple:
            for name, item in items.items():
                add(f"{name} {getattr(item, 'id', '')}", kind, name)
        return _SearchIndex(tuple(hay), tuple(kinds), tuple(names))

    @cached_property
    def _gateway_kinds(self) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for vpc in self.net.vpcs.values():
            if vpc.internet_gateway:
                kinds[vpc.internet_gateway] = "internet_gateway"
            if vpc.egress_only_internet_gateway:
                kinds[vpc.egress_only_internet_gateway] = "egress_only_internet_gateway"
        return kinds

    def gateway_kind(self, name: str) -> str:
        """The kind of a VPC gateway by name: internet, egress-only internet, or virtual private gateway."""
        return self._gateway_kinds.get(name, "vpn_gateway")

    def search(self, text: str, limit: int = 200) -> tuple[list[Ref], int]:
        """Refs whose name, id or addresses contain ``text`` (case-insensitive): the first ``limit`` and the total."""
        needle = text.strip().lower()
        if not needle:
            return [], 0
        index = self._search_index
        found = [i for i, hay in enumerate(index.hay) if needle in hay]
        return [Ref(index.kinds[i], index.names[i]) for i in found[:limit]], len(found)

    # -- names for the trace form ------------------------------------------------------------------

    def endpoint_names(self) -> Iterator[str]:
        """Everything ``--from``/``--to`` accepts by name, and the addresses of interfaces."""
        net = self.net
        yield "internet"
        yield from net.instances
        yield from net.nat_gateways
        yield from net.endpoints
        yield from net.external
        yield from net.enis
        for eni in net.enis.values():
            for address in eni.private_ips:
                yield address_text(4, address)
            if eni.public_ip is not None:
                yield address_text(4, eni.public_ip)
            for address in eni.ipv6_ips:
                yield address_text(6, address)
