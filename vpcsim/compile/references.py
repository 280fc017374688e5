"""How the compiler reads a topology's references: a name or an AWS id, resolved to the name the compiled
network keys its components by (``model/index.py`` is the one place that knows both).

Every stage of ``vpcsim.compile.compiler`` that follows a reference takes a ``References``; it holds the
topology and its index and changes neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vpcsim.compile.components import TargetKind
from vpcsim.model import Topology
from vpcsim.model import Vpc as VpcModel
from vpcsim.model.index import ROUTE_TARGET_KINDS, Kind, TopologyIndex, index_topology

# R2.4: what a route's target resolves to, by the kind of resource its name or id names.
TARGET_KINDS = {Kind.INTERNET_GATEWAY: TargetKind.INTERNET_GATEWAY,
                Kind.EGRESS_ONLY_INTERNET_GATEWAY: TargetKind.EGRESS_ONLY_INTERNET_GATEWAY,
                Kind.VPN_GATEWAY: TargetKind.VPN_GATEWAY, Kind.NAT_GATEWAY: TargetKind.NAT_GATEWAY,
                Kind.NETWORK_INTERFACE: TargetKind.NETWORK_INTERFACE, Kind.TRANSIT_GATEWAY: TargetKind.TRANSIT_GATEWAY,
                Kind.PEERING: TargetKind.PEERING}


# ``References.sg_keys``, or a cached copy of it: a stage that asks for many ENIs' groups keeps one.
SgKeys = Callable[[tuple[str, ...] | None, str], tuple[str, ...]]


def default_sg_key(vpc: str) -> str:
    """The key of a VPC's default security group (R3.3): every VPC has one, named or not in the file."""
    return f"default@{vpc}"


@dataclass(frozen=True, slots=True)
class References:
    """A topology with its index: names and ids in, component names out."""

    topo: Topology
    index: TopologyIndex

    @classmethod
    def of(cls, topo: Topology) -> References:
        return cls(topo, index_topology(topo))

    def name_of(self, kind: Kind, name: str) -> str:
        entry = self.index.get(kind, name)
        return entry.name if entry is not None else name

    def sg_key(self, name: str, vpc: str) -> str:
        """A security group by name or id; ``default`` (or ``default@<vpc>``) is the VPC's default group."""
        if name == "default" or name == f"default@{vpc}":
            return default_sg_key(vpc)
        return self.name_of(Kind.SECURITY_GROUP, name)

    def sg_keys(self, names: tuple[str, ...] | None, vpc: str) -> tuple[str, ...]:
        """An interface's security-group keys; none listed: the VPC's default group (R3.3)."""
        return tuple(self.sg_key(s, vpc) for s in names) if names is not None else (default_sg_key(vpc),)

    def region_of(self, vpc: VpcModel) -> str:
        return vpc.region or self.topo.region

    def connection(self, ref: str) -> str:
        """A site's ``via`` entry: a VPN connection or a Direct Connect VIF, by name or id."""
        if self.index.get(Kind.VPN_CONNECTION, ref) is not None:
            return self.name_of(Kind.VPN_CONNECTION, ref)
        return self.name_of(Kind.DIRECT_CONNECT, ref)

    def edge_gateway(self, ref: str) -> str:
        """The gateway of an edge association (R2.2): an internet gateway, else a virtual private gateway."""
        if self.index.get(Kind.INTERNET_GATEWAY, ref):
            return self.name_of(Kind.INTERNET_GATEWAY, ref)
        return self.name_of(Kind.VPN_GATEWAY, ref)

    def route_target(self, target: str) -> tuple[TargetKind, str]:
        """A route's target as the engine follows it: an instance is its primary ENI, an endpoint a gateway
        or GWLB endpoint, and a name that resolves to nothing a blackhole (R2.11)."""
        if target == "local":
            return TargetKind.LOCAL, "local"
        if target == "blackhole":
            return TargetKind.BLACKHOLE, "blackhole"
        found = self.index.find(target, ROUTE_TARGET_KINDS)
        if not found:
            return TargetKind.BLACKHOLE, target
        entry = found[0]
        if entry.kind is Kind.INSTANCE:
            return TargetKind.NETWORK_INTERFACE, entry.obj.primary_eni_name(entry.name)
        if entry.kind is Kind.ENDPOINT:
            if entry.obj.type == "gateway_load_balancer":
                return TargetKind.GWLB_ENDPOINT, entry.name
            return TargetKind.GATEWAY_ENDPOINT, entry.name
        return TARGET_KINDS[entry.kind], entry.name
