"""The topology schema (pydantic v2, frozen). Knows nothing of files or of packets."""

from vpcsim.model.common import Model
from vpcsim.model.compute import Instance, NetworkInterface
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
    "Instance", "Model", "NatGateway", "NetworkAcl", "NetworkAclRule", "NetworkInterface", "Peering",
    "PrefixList", "Route", "RouteTable", "SecurityGroup", "SecurityGroupRule", "Subnet", "Topology",
    "TransitGateway", "TransitGatewayAttachment", "TransitGatewayRoute", "TransitGatewayRouteTable", "Vpc",
    "VpnConnection",
]
