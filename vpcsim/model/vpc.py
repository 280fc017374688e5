"""VPCs, subnets and route tables (aws-semantics §1, §2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vpcsim.model.common import Address4, Cidr, Cidr4, Cidr6, Model, Name, no_entries
from vpcsim.model.compute import Instance, NetworkInterface
from vpcsim.model.gateways import Endpoint, NatGateway
from vpcsim.model.security import NetworkAcl, SecurityGroup


class Route(Model):
    """A route: destination is a CIDR or a prefix list name; target names a resource, ``local`` or ``blackhole``."""

    destination: Name
    target: Name
    description: str | None = None


class RouteTable(Model):
    """A subnet route table, or — with ``gateway`` — the edge table of an IGW/VGW (ingress routing, R2.2)."""

    id: str | None = None
    main: bool = False
    subnets: tuple[Name, ...] = ()
    gateway: Name | None = None
    propagate: tuple[Name, ...] = Field(default=(), description="VGWs whose routes propagate here (R7.1)")
    routes: tuple[Route, ...] = ()


class Subnet(Model):
    id: str | None = None
    cidr: Cidr4 | None = None
    ipv6_cidr: Cidr6 | None = None
    az: Name | None = None
    az_id: str | None = None
    route_table: Name | None = None
    network_acl: Name | None = None
    map_public_ip: bool = False
    tags: dict[str, str] = no_entries()


class DnsSettings(Model):
    """VPC DNS attributes (R11.2): support on by default, hostnames off (on in default VPCs)."""

    support: bool = True
    hostnames: bool = False


class Vpc(Model):
    id: str | None = None
    cidr: Cidr4
    secondary_cidrs: tuple[Cidr4, ...] = ()
    ipv6_cidrs: tuple[Cidr6, ...] = ()
    region: str | None = None
    account: str | None = None
    dns: DnsSettings = DnsSettings()
    subnets: dict[Name, Subnet] = no_entries()
    route_tables: dict[Name, RouteTable] = no_entries()
    internet_gateway: Name | None = None
    egress_only_internet_gateway: Name | None = None
    vpn_gateway: Name | None = None
    vpn_gateway_asn: int = 64512
    nat_gateways: dict[Name, NatGateway] = no_entries()
    endpoints: dict[Name, Endpoint] = no_entries()
    security_groups: dict[Name, SecurityGroup] = no_entries()
    network_acls: dict[Name, NetworkAcl] = no_entries()
    instances: dict[Name, Instance] = no_entries()
    network_interfaces: dict[Name, NetworkInterface] = no_entries()
    flow_logs: Literal["all", "accept", "reject", "off"] = "all"
    tags: dict[str, str] = no_entries()

    def all_cidrs(self) -> tuple[str, ...]:
        return (self.cidr, *self.secondary_cidrs, *self.ipv6_cidrs)


__all__ = ["Address4", "Cidr", "DnsSettings", "Route", "RouteTable", "Subnet", "Vpc"]
