"""The topology schema (pydantic v2, frozen). Knows nothing of files or of packets.

The models are imported on first use of one of them: the plain-data modules beside them (``services``) are
read by code that never validates a topology (a network from the load cache).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vpcsim.model.common import Model
    from vpcsim.model.compute import Instance, MetadataOptions, NetworkInterface
    from vpcsim.model.dns import DnsRecord, HostedZone
    from vpcsim.model.gateways import (
        BgpRoute,
        DirectConnect,
        Endpoint,
        NatGateway,
        Peering,
        TransitGateway,
        TransitGatewayAttachment,
        TransitGatewayRoute,
        TransitGatewayRouteTable,
        VpnConnection,
    )
    from vpcsim.model.security import NetworkAcl, NetworkAclRule, SecurityGroup, SecurityGroupRule
    from vpcsim.model.topology import ExternalSite, PrefixList, Topology
    from vpcsim.model.vpc import DnsSettings, Route, RouteTable, Subnet, Vpc

__all__ = [
    "BgpRoute", "DirectConnect", "DnsRecord", "DnsSettings", "Endpoint", "ExternalSite", "HostedZone",
    "Instance", "MetadataOptions", "Model", "NatGateway", "NetworkAcl", "NetworkAclRule", "NetworkInterface", "Peering",
    "PrefixList", "Route", "RouteTable", "SecurityGroup", "SecurityGroupRule", "Subnet", "Topology",
    "TransitGateway", "TransitGatewayAttachment", "TransitGatewayRoute", "TransitGatewayRouteTable", "Vpc",
    "VpnConnection",
]

_HOMES = {
    "Model": "common", "Instance": "compute", "MetadataOptions": "compute", "NetworkInterface": "compute",
    "DnsRecord": "dns", "HostedZone": "dns", "BgpRoute": "gateways", "DirectConnect": "gateways",
    "Endpoint": "gateways", "NatGateway": "gateways", "Peering": "gateways", "TransitGateway": "gateways",
    "TransitGatewayAttachment": "gateways", "TransitGatewayRoute": "gateways",
    "TransitGatewayRouteTable": "gateways", "VpnConnection": "gateways", "NetworkAcl": "security",
    "NetworkAclRule": "security", "SecurityGroup": "security", "SecurityGroupRule": "security",
    "ExternalSite": "topology", "PrefixList": "topology", "Topology": "topology", "DnsSettings": "vpc",
    "Route": "vpc", "RouteTable": "vpc", "Subnet": "vpc", "Vpc": "vpc",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"vpcsim.model.{home}"), name)
