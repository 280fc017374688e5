"""The explorer's index of a compiled network: where each component sits and what belongs to what.
Plain Python (no Textual), built lazily so a 1,000-VPC network opens at once: every index is computed on
first use.

What the tree shows is built from it in ``catalog_tree``, the search index in ``catalog_search`` and "what
routes to it" in ``catalog_routes``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from vpcsim.tui import catalog_routes
from vpcsim.tui.catalog_search import SearchIndex, search_index
from vpcsim.tui.refs import HOP_KINDS, Ref, group, split_group, top_group

if TYPE_CHECKING:
    from vpcsim.compile.network import CompiledNetwork
    from vpcsim.engine.results import Hop
    from vpcsim.model import Topology


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

    @cached_property
    def accounts(self) -> dict[str, list[str]]:
        by_account: dict[str, list[str]] = {}
        for vpc in self.net.vpcs.values():
            by_account.setdefault(f"{vpc.account} / {vpc.region}", []).append(vpc.name)
        return by_account

    @cached_property
    def has_internet(self) -> bool:
        return any(v.internet_gateway or v.egress_only_internet_gateway for v in self.net.vpcs.values())

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
        return catalog_routes.routes_to(self.net)

    def hop_ref(self, hop: Hop) -> Ref | None:
        """The tree node a hop happened at (``None`` for places the tree does not show, e.g. AWS services)."""
        kind = HOP_KINDS.get(hop.kind.value)
        if kind is None:
            return None
        ref = Ref(kind, hop.component)
        return ref if self.exists(ref) else None

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

    # -- search ------------------------------------------------------------------------------------

    @cached_property
    def _search_index(self) -> SearchIndex:
        gateways = {gw: self.gateway_kind(gw) for gw in self.gateway_vpc}
        return search_index(self.net, self.security_group_vpc, gateways)

    def search(self, text: str, limit: int = 200) -> tuple[list[Ref], int]:
        """Refs whose name, id or addresses contain ``text`` (case-insensitive): the first ``limit`` and the total."""
        return self._search_index.find(text, limit)
