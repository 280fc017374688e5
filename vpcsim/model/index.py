"""Every named resource of a topology, by kind: the one place names (and AWS ids) are resolved.

Names are unique within a kind across the whole topology (DESIGN §2); a resource's AWS ``id``, when
given, is an alias of its name.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpcsim.model.topology import Topology

Path = tuple[str | int, ...]


class Kind(StrEnum):
    VPC = "vpc"
    SUBNET = "subnet"
    ROUTE_TABLE = "route_table"
    INTERNET_GATEWAY = "internet_gateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "egress_only_internet_gateway"
    VPN_GATEWAY = "vpn_gateway"
    NAT_GATEWAY = "nat_gateway"
    ENDPOINT = "endpoint"
    SECURITY_GROUP = "security_group"
    NETWORK_ACL = "network_acl"
    INSTANCE = "instance"
    NETWORK_INTERFACE = "network_interface"
    TRANSIT_GATEWAY = "transit_gateway"
    TRANSIT_GATEWAY_ROUTE_TABLE = "transit_gateway_route_table"
    TRANSIT_GATEWAY_ATTACHMENT = "transit_gateway_attachment"
    PEERING = "peering"
    VPN_CONNECTION = "vpn_connection"
    DIRECT_CONNECT = "direct_connect"
    PREFIX_LIST = "prefix_list"
    HOSTED_ZONE = "hosted_zone"
    EXTERNAL = "external"


ROUTE_TARGET_KINDS = (Kind.INTERNET_GATEWAY, Kind.EGRESS_ONLY_INTERNET_GATEWAY, Kind.VPN_GATEWAY,
                      Kind.NAT_GATEWAY, Kind.ENDPOINT, Kind.NETWORK_INTERFACE, Kind.INSTANCE,
                      Kind.TRANSIT_GATEWAY, Kind.PEERING)


@dataclass(frozen=True, slots=True)
class Named:
    """One resource: its kind and name, the VPC (or TGW) it belongs to, and its path in the model."""

    kind: Kind
    name: str
    owner: str | None
    path: Path
    obj: Any = field(compare=False, repr=False)
    key: Path = ()
    alias: str | None = None        # the AWS id this entry also answers to (default: ``obj.id``)


@dataclass(slots=True)
class TopologyIndex:
    by_kind: dict[Kind, dict[str, Named]] = field(default_factory=dict)
    aliases: dict[Kind, dict[str, str]] = field(default_factory=dict)
    duplicates: list[tuple[Named, Named]] = field(default_factory=list)

    def add(self, entry: Named) -> None:
        names = self.by_kind.setdefault(entry.kind, {})
        if entry.name in names:
            self.duplicates.append((names[entry.name], entry))
            return
        names[entry.name] = entry
        resource_id = entry.alias if entry.alias is not None else getattr(entry.obj, "id", None)
        if isinstance(resource_id, str) and resource_id and resource_id != entry.name:
            self.aliases.setdefault(entry.kind, {}).setdefault(resource_id, entry.name)

    def get(self, kind: Kind, name: str) -> Named | None:
        names = self.by_kind.get(kind, {})
        found = names.get(name)
        if found is None:
            alias = self.aliases.get(kind, {}).get(name)
            found = names.get(alias) if alias is not None else None
        return found

    def find(self, name: str, kinds: tuple[Kind, ...]) -> list[Named]:
        return [entry for kind in kinds if (entry := self.get(kind, name)) is not None]

    def names(self, *kinds: Kind) -> list[str]:
        return sorted(n for kind in kinds for n in self.by_kind.get(kind, {}))

    def all(self, kind: Kind) -> Iterator[Named]:
        yield from self.by_kind.get(kind, {}).values()


def index_topology(topo: Topology) -> TopologyIndex:
    """The index of ``topo``. Indexing is pure and a topology is frozen, so the index last built is kept
    while its topology lives and handed out again: validation and compilation both ask for it (~40 ms at M)."""
    if _last and _last[0][0]() is topo:
        return _last[0][1]
    index = _build_index(topo)
    _last[:] = [(weakref.ref(topo, _forget), index)]
    return index


_last: list[tuple[weakref.ref[Topology], TopologyIndex]] = []     # at most one entry


def _forget(ref: weakref.ref[Topology]) -> None:
    """A topology is gone: drop its index too (the index holds the topology's resources alive)."""
    if _last and _last[0][0] is ref:
        _last.clear()


def _build_index(topo: Topology) -> TopologyIndex:
    index = TopologyIndex()
    add = index.add
    for vpc_name, vpc in topo.vpcs.items():
        base: Path = ("vpcs", vpc_name)
        add(Named(Kind.VPC, vpc_name, None, base, vpc, base))
        for kind, attr in ((Kind.SUBNET, "subnets"), (Kind.ROUTE_TABLE, "route_tables"),
                           (Kind.NAT_GATEWAY, "nat_gateways"), (Kind.ENDPOINT, "endpoints"),
                           (Kind.SECURITY_GROUP, "security_groups"), (Kind.NETWORK_ACL, "network_acls"),
                           (Kind.INSTANCE, "instances"), (Kind.NETWORK_INTERFACE, "network_interfaces")):
            for name, obj in getattr(vpc, attr).items():
                path: Path = ("vpcs", vpc_name, attr, name)
                add(Named(kind, name, vpc_name, path, obj, path))
        for name, inst in vpc.instances.items():
            path = ("vpcs", vpc_name, "instances", name)
            add(Named(Kind.NETWORK_INTERFACE, inst.primary_eni_name(name), vpc_name, path, inst, path, alias=""))
        for kind, attr in ((Kind.INTERNET_GATEWAY, "internet_gateway"),
                           (Kind.EGRESS_ONLY_INTERNET_GATEWAY, "egress_only_internet_gateway"),
                           (Kind.VPN_GATEWAY, "vpn_gateway")):
            gateway = getattr(vpc, attr)
            if gateway is not None:
                path = (*base, attr)
                add(Named(kind, gateway, vpc_name, path, vpc, path))
    for tgw_name, tgw in topo.transit_gateways.items():
        base = ("transit_gateways", tgw_name)
        add(Named(Kind.TRANSIT_GATEWAY, tgw_name, None, base, tgw, base))
        for name, table in tgw.route_tables.items():
            path = (*base, "route_tables", name)
            add(Named(Kind.TRANSIT_GATEWAY_ROUTE_TABLE, name, tgw_name, path, table, path))
        for name, attachment in tgw.attachments.items():
            path = (*base, "attachments", name)
            add(Named(Kind.TRANSIT_GATEWAY_ATTACHMENT, name, tgw_name, path, attachment, path))
    for kind, attr in ((Kind.PEERING, "peering"), (Kind.VPN_CONNECTION, "vpn_connections"),
                       (Kind.DIRECT_CONNECT, "direct_connect"), (Kind.PREFIX_LIST, "prefix_lists"),
                       (Kind.HOSTED_ZONE, "hosted_zones"), (Kind.EXTERNAL, "external")):
        for name, obj in getattr(topo, attr).items():
            path = (attr, name)
            add(Named(kind, name, None, path, obj, path))
    return index
