"""The component graph: every compiled component as a node, every relation between them as an edge.

Built on demand from a ``CompiledNetwork`` (never on the hot path), for drawing (``render/graph.py``) and
for questions about structure. networkx is imported inside ``component_graph`` only, so ``import vpcsim``
never pays for it (DESIGN §7, §8).

Nodes are keyed ``"<kind>:<name>"`` (``"subnet:public-a"``, ``"eni:eni-web-1"``), except the single
``"internet"`` node and the ``"blackhole"`` node that blackhole routes point at. Names are unique within a
kind (DESIGN §2), so ids are unique and stable. Every node has ``kind``, ``name`` and ``label``; nodes that
live in a VPC have ``vpc``; nodes that live in a subnet (ENIs, instances, NAT gateways) have ``subnet``;
TGW route tables and attachments have ``tgw``; ENIs have ``eni_kind``; ``aws_id`` is the resource's id.

Every edge has a ``relation`` (also its key, so each relation appears at most once between two nodes):

    contains     vpc -> subnet, subnet -> eni, transit gateway -> TGW route table
    uses         subnet -> route table, subnet -> network ACL, gateway -> its edge route table
    owns         instance / NAT gateway / endpoint / TGW attachment -> its ENIs
    route        route table -> target, one edge per distinct target; ``label`` joins the route labels
                 (local routes point at the VPC); TGW route table -> attachment likewise
    attached     IGW / EIGW / VGW <-> VPC, TGW attachment <-> VPC / TGW / VPN / DX, VPN / DX <-> its VGW
                 (or its TGW when no attachment names it)
    peers        peering <-> both VPCs, TGW peering attachment <-> its peer
    association  TGW attachment -> its TGW route table
    propagation  TGW attachment -> each TGW route table holding a route it propagated
    connects     VPN / DX -> external site, internet <-> IGW, EIGW -> internet (egress only)

``<->`` relations are stored as two edges, one each way; renderers draw them once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from vpcsim.compile.components import TargetKind
from vpcsim.ip import Prefix, format_address

if TYPE_CHECKING:
    import networkx

    from vpcsim.compile.network import CompiledNetwork

INTERNET = "internet"
BLACKHOLE = "blackhole"

#: Relations stored in both directions.
SYMMETRIC = frozenset({"attached", "peers"})

TARGET_NODE_KINDS: dict[TargetKind, str] = {
    # the node kind a route target becomes (shared with the TUI's catalog)
    TargetKind.INTERNET_GATEWAY: "internet_gateway",
    TargetKind.EGRESS_ONLY_INTERNET_GATEWAY: "egress_only_internet_gateway",
    TargetKind.NAT_GATEWAY: "nat_gateway",
    TargetKind.VPN_GATEWAY: "vpn_gateway",
    TargetKind.TRANSIT_GATEWAY: "transit_gateway",
    TargetKind.PEERING: "peering",
    TargetKind.GATEWAY_ENDPOINT: "endpoint",
    TargetKind.GWLB_ENDPOINT: "endpoint",
    TargetKind.NETWORK_INTERFACE: "eni",
}

#: Origins of TGW routes written in the route table itself; every other origin was propagated.
_WRITTEN = frozenset({"static", "prefix_list"})

T = TypeVar("T")


def node_id(kind: str, name: str) -> str:
    """The graph key of a component: ``node_id("subnet", "public-a") == "subnet:public-a"``."""
    return f"{kind}:{name}"


def component_graph(net: CompiledNetwork) -> networkx.MultiDiGraph:
    """Build the component graph of ``net`` (see the module docstring for nodes and relations)."""
    import networkx

    return _Builder(net, networkx.MultiDiGraph(name=net.name)).build()


class _Builder:
    def __init__(self, net: CompiledNetwork, graph: Any) -> None:
        self.net = net
        self.graph = graph

    # -- primitives ----------------------------------------------------------------------------------

    def node(self, kind: str, name: str, label: str | None = None, **attrs: Any) -> str:
        key = INTERNET if kind == INTERNET else BLACKHOLE if kind == BLACKHOLE else node_id(kind, name)
        present = {k: v for k, v in attrs.items() if v not in (None, "")}
        self.graph.add_node(key, kind=kind, name=name, label=label or name, **present)
        return key

    def ensure(self, kind: str, name: str) -> str:
        """The node of a referenced component, added bare if the network does not describe it."""
        key = INTERNET if kind == INTERNET else BLACKHOLE if kind == BLACKHOLE else node_id(kind, name)
        if key not in self.graph:
            self.node(kind, name)
        return key

    def edge(self, source: str, target: str, relation: str, **attrs: Any) -> None:
        self.graph.add_edge(source, target, key=relation, relation=relation, **attrs)
        if relation in SYMMETRIC:
            self.graph.add_edge(target, source, key=relation, relation=relation, **attrs)

    # -- build ---------------------------------------------------------------------------------------

    def build(self) -> Any:
        net = self.net
        for vpc in net.vpcs.values():
            self.node("vpc", vpc.name, _with(vpc.name, vpc.cidrs), vpc=vpc.name, aws_id=vpc.id)
        for subnet in net.subnets.values():
            cidrs = tuple(p for p in (subnet.cidr, subnet.ipv6_cidr) if p is not None)
            self.node("subnet", subnet.name, _with(subnet.name, cidrs), vpc=subnet.vpc, az=subnet.az,
                      aws_id=subnet.id)
        for table in net.route_tables.values():
            self.node("route_table", table.name, vpc=table.vpc, aws_id=table.id, gateway=table.gateway)
        for acl in net.network_acls.values():
            self.node("network_acl", acl.name, vpc=acl.vpc, aws_id=acl.id)
        for eni in net.enis.values():
            address = eni.primary_ip
            label = eni.name if address is None else f"{eni.name}\n{format_address(4, address)}"
            self.node("eni", eni.name, label, vpc=eni.vpc, subnet=eni.subnet, eni_kind=eni.kind.value,
                      aws_id=eni.id)
        for inst in net.instances.values():
            primary = net.enis.get(inst.enis[0]) if inst.enis else None
            self.node("instance", inst.name, vpc=inst.vpc, subnet=primary.subnet if primary else None,
                      aws_id=inst.id, state=inst.state)
        for vpc in net.vpcs.values():
            if vpc.internet_gateway:
                self.node("internet_gateway", vpc.internet_gateway, vpc=vpc.name)
            if vpc.egress_only_internet_gateway:
                self.node("egress_only_internet_gateway", vpc.egress_only_internet_gateway, vpc=vpc.name)
        for vgw in net.vpn_gateways.values():
            self.node("vpn_gateway", vgw.name, vpc=vgw.vpc)
        for vpc in net.vpcs.values():      # a VGW named by a VPC but not compiled still shows
            if vpc.vpn_gateway and node_id("vpn_gateway", vpc.vpn_gateway) not in self.graph:
                self.node("vpn_gateway", vpc.vpn_gateway, vpc=vpc.name)
        for nat in net.nat_gateways.values():
            self.node("nat_gateway", nat.name, vpc=nat.vpc, subnet=nat.subnet, aws_id=nat.id,
                      connectivity=nat.connectivity)
        for ep in net.endpoints.values():
            self.node("endpoint", ep.name, f"{ep.name}\n{ep.service}", vpc=ep.vpc, aws_id=ep.id, type=ep.type,
                      service=ep.service)
        for conn in net.connections.values():
            self.node(_connection_kind(conn.kind), conn.name, aws_id=conn.id)
        for site in net.external.values():
            self.node("external", site.name, _with(site.name, site.cidrs))
        for peering in net.peerings.values():
            self.node("peering", peering.name, aws_id=peering.id,
                      status="active" if peering.active else "inactive")
        for tgw in net.transit_gateways.values():
            self.node("transit_gateway", tgw.name, aws_id=tgw.id)
        for rtb in net.tgw_route_tables.values():
            self.node("tgw_route_table", rtb.name, tgw=rtb.tgw, aws_id=rtb.id)
        for att in net.tgw_attachments.values():
            vpc_name = att.resource if att.kind == "vpc" else None
            self.node("tgw_attachment", att.name, f"{att.name}\n({att.kind})", tgw=att.tgw, vpc=vpc_name,
                      aws_id=att.id, attachment_kind=att.kind)
        if any(vpc.internet_gateway for vpc in net.vpcs.values()):
            self.node(INTERNET, INTERNET)
        self.structure()
        self.routes()
        self.transit()
        return self.graph

    def structure(self) -> None:
        net = self.net
        for subnet in net.subnets.values():
            key = node_id("subnet", subnet.name)
            self.edge(self.ensure("vpc", subnet.vpc), key, "contains")
            self.edge(key, self.ensure("route_table", subnet.route_table), "uses")
            self.edge(key, self.ensure("network_acl", subnet.network_acl), "uses")
        for eni in net.enis.values():
            self.edge(self.ensure("subnet", eni.subnet), node_id("eni", eni.name), "contains")
        for inst in net.instances.values():
            for eni_name in inst.enis:
                self.edge(node_id("instance", inst.name), self.ensure("eni", eni_name), "owns")
        for nat in net.nat_gateways.values():
            self.edge(node_id("nat_gateway", nat.name), self.ensure("eni", nat.eni), "owns")
        for ep in net.endpoints.values():
            for eni_name in ep.enis:
                self.edge(node_id("endpoint", ep.name), self.ensure("eni", eni_name), "owns")
        for vpc in net.vpcs.values():
            key = node_id("vpc", vpc.name)
            if vpc.internet_gateway:
                igw = node_id("internet_gateway", vpc.internet_gateway)
                self.edge(igw, key, "attached")
                self.edge(INTERNET, igw, "connects")
                self.edge(igw, INTERNET, "connects")
            if vpc.egress_only_internet_gateway:
                eigw = node_id("egress_only_internet_gateway", vpc.egress_only_internet_gateway)
                self.edge(eigw, key, "attached")
                self.edge(eigw, self.ensure(INTERNET, INTERNET), "connects")
            if vpc.vpn_gateway:
                self.edge(node_id("vpn_gateway", vpc.vpn_gateway), key, "attached")
            for gateway, table in sorted(vpc.edge_tables.items()):
                kind = "internet_gateway" if gateway == vpc.internet_gateway else "vpn_gateway"
                self.edge(self.ensure(kind, gateway), self.ensure("route_table", table), "uses")
        for peering in net.peerings.values():
            key = node_id("peering", peering.name)
            for side in (peering.requester, peering.accepter):
                self.edge(key, self.ensure("vpc", side), "peers")
        via_attachment = {a.resource for a in net.tgw_attachments.values()
                          if a.kind in ("vpn", "direct_connect")}
        for conn in net.connections.values():
            if conn.name in via_attachment:
                continue          # drawn through its TGW attachment instead
            kind = _connection_kind(conn.kind)
            gateway_kind = "transit_gateway" if conn.gateway_kind == "transit_gateway" else "vpn_gateway"
            self.edge(node_id(kind, conn.name), self.ensure(gateway_kind, conn.gateway), "attached")
        for site in net.external.values():
            for via in site.via:
                found = net.connections.get(via)
                kind = _connection_kind(found.kind if found is not None else "vpn")
                self.edge(self.ensure(kind, via), node_id("external", site.name), "connects")

    def routes(self) -> None:
        for table in self.net.route_tables.values():
            by_target: dict[str, list[str]] = {}
            for route in table.routes:
                if route.target_kind is TargetKind.LOCAL:
                    target = self.ensure("vpc", table.vpc)
                elif route.target_kind is TargetKind.BLACKHOLE:
                    target = self.ensure(BLACKHOLE, BLACKHOLE)
                else:
                    target = self.ensure(TARGET_NODE_KINDS[route.target_kind], route.target)
                by_target.setdefault(target, []).append(route.label)
            source = node_id("route_table", table.name)
            for target, labels in by_target.items():
                self.edge(source, target, "route", label="\n".join(labels), routes=tuple(labels))

    def transit(self) -> None:
        net = self.net
        for tgw in net.transit_gateways.values():
            for table_name in tgw.route_tables:
                self.edge(node_id("transit_gateway", tgw.name), self.ensure("tgw_route_table", table_name),
                          "contains")
        for att in net.tgw_attachments.values():
            key = node_id("tgw_attachment", att.name)
            self.edge(key, self.ensure("transit_gateway", att.tgw), "attached")
            if att.kind == "vpc":
                self.edge(key, self.ensure("vpc", att.resource), "attached")
            elif att.kind in ("vpn", "direct_connect"):
                self.edge(key, self.ensure(_connection_kind(att.kind), att.resource), "attached")
            elif att.kind == "peering" and att.resource:
                peer = _name_of(net.tgw_attachments, att.resource)
                self.edge(key, self.ensure("tgw_attachment", peer), "peers")
            for eni_name in att.enis_by_az.values():
                self.edge(key, self.ensure("eni", eni_name), "owns")
            if att.route_table:
                table = _name_of(net.tgw_route_tables, att.route_table)
                self.edge(key, self.ensure("tgw_route_table", table), "association")
        for rtb in net.tgw_route_tables.values():
            source = node_id("tgw_route_table", rtb.name)
            by_target: dict[str, list[str]] = {}
            for route in rtb.routes:
                if route.attachment is None:
                    target = self.ensure(BLACKHOLE, BLACKHOLE)
                else:
                    target = self.ensure("tgw_attachment", route.attachment)
                    if route.origin not in _WRITTEN:          # it came from the attachment: propagated
                        self.edge(target, source, "propagation")
                by_target.setdefault(target, []).append(route.label)
            for target, labels in by_target.items():
                self.edge(source, target, "route", label="\n".join(labels), routes=tuple(labels))


def _connection_kind(kind: str) -> str:
    """A compiled connection's kind (``vpn`` | ``direct_connect``) as a node kind."""
    return "direct_connect" if kind == "direct_connect" else "vpn_connection"


def _with(name: str, prefixes: tuple[Prefix, ...]) -> str:
    return "\n".join((name, *(str(p) for p in prefixes)))


def _name_of(items: Mapping[str, T], ref: str) -> str:
    """A reference by name or by AWS id, as the name the network keys it by."""
    if ref in items:
        return ref
    return next((name for name, item in items.items() if getattr(item, "id", None) == ref), ref)
