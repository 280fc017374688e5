"""Gateways and connections: NAT, endpoints, transit gateways, peering, VPN, Direct Connect (§6–§10)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from vpcsim.model.common import Address4, Cidr, Model, Name, no_entries


class NatGateway(Model):
    """A zonal NAT gateway in ``subnet`` (R6.1–R6.10). Public ones need an Elastic IP."""

    id: str | None = None
    subnet: Name
    connectivity: Literal["public", "private"] = "public"
    elastic_ip: Address4 | None = None
    private_ip: Address4 | None = None
    eni: Name | None = None

    @model_validator(mode="after")
    def _eip_matches_connectivity(self) -> NatGateway:
        if self.connectivity == "public" and self.elastic_ip is None:
            raise ValueError("a public NAT gateway needs an 'elastic_ip' (R6.2); or set connectivity: private")
        if self.connectivity == "private" and self.elastic_ip is not None:
            raise ValueError("a private NAT gateway has no Elastic IP (R6.3); remove 'elastic_ip'")
        return self

    def eni_name(self, name: str) -> str:
        return self.eni or f"eni-{name}"


class Endpoint(Model):
    """A VPC endpoint: gateway (route tables + policy), interface (ENIs per subnet), or GWLB endpoint."""

    id: str | None = None
    type: Literal["gateway", "interface", "gateway_load_balancer"]
    service: Name
    route_tables: tuple[Name, ...] = ()
    subnets: tuple[Name, ...] = ()
    security_groups: tuple[Name, ...] | None = None
    private_dns: bool = True
    addresses: dict[Name, Address4] = no_entries("interface ENI address per subnet")
    policy: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _fields_match_type(self) -> Endpoint:
        if self.type == "gateway" and self.subnets:
            raise ValueError("a gateway endpoint is placed in route tables, not subnets: use 'route_tables'")
        if self.type != "gateway" and self.route_tables:
            raise ValueError(f"an {self.type} endpoint has ENIs in 'subnets', not 'route_tables'")
        if self.type == "gateway_load_balancer" and len(self.subnets) != 1:
            raise ValueError("a Gateway Load Balancer endpoint lives in exactly one subnet")
        if self.type != "interface" and self.security_groups:
            raise ValueError("security groups apply only to interface endpoints (R3.14)")
        return self


class TransitGatewayRoute(Model):
    """A static route (to an attachment) or a blackhole (R8.4). Destination: CIDR or prefix list name."""

    destination: Name
    attachment: Name | None = None
    blackhole: bool = False

    @model_validator(mode="after")
    def _target(self) -> TransitGatewayRoute:
        if self.blackhole == (self.attachment is not None):
            raise ValueError("a TGW route has either an 'attachment' or 'blackhole: true'")
        return self


class TransitGatewayRouteTable(Model):
    id: str | None = None
    routes: tuple[TransitGatewayRoute, ...] = ()


class TransitGatewayAttachment(Model):
    """One attachment: exactly one of ``vpc`` (+ per-AZ ``subnets``), ``vpn``, ``direct_connect``, ``peer``."""

    id: str | None = None
    vpc: Name | None = None
    subnets: tuple[Name, ...] = ()
    vpn: Name | None = None
    direct_connect: Name | None = None
    peer: Name | None = Field(default=None, description="the peering attachment on the other TGW")
    route_table: Name | None = None
    propagations: tuple[Name, ...] | None = None
    appliance_mode: bool = False
    sg_referencing: bool = True
    state: str = "available"

    @model_validator(mode="after")
    def _one_kind(self) -> TransitGatewayAttachment:
        kinds = [k for k in ("vpc", "vpn", "direct_connect", "peer") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an attachment names exactly one of: vpc, vpn, direct_connect, peer")
        if self.vpc is not None and not self.subnets:
            raise ValueError("a VPC attachment needs 'subnets' (one per AZ it serves, R8.7)")
        return self

    @property
    def kind(self) -> str:
        for k in ("vpc", "vpn", "direct_connect", "peer"):
            if getattr(self, k) is not None:
                return "peering" if k == "peer" else k
        return "vpc"


class TransitGateway(Model):
    """A TGW with its route tables and attachments. Defaults follow CreateTransitGateway (R8.14)."""

    id: str | None = None
    asn: int = 64512
    default_association: bool = True
    default_propagation: bool = True
    default_route_table: Name | None = None
    sg_referencing: bool = False
    dns_support: bool = True
    route_tables: dict[Name, TransitGatewayRouteTable] = no_entries()
    attachments: dict[Name, TransitGatewayAttachment] = no_entries()


class Peering(Model):
    """A VPC peering connection (§9). Only ``active`` carries traffic (R9.1)."""

    id: str | None = None
    requester: Name
    accepter: Name
    status: Literal["active", "pending-acceptance", "rejected", "deleted", "expired", "failed"] = "active"
    allow_dns_resolution: bool = False


class BgpRoute(Model):
    """A prefix learned over BGP, with the attributes VGW path selection uses (R7.4, R7.9)."""

    prefix: Cidr
    as_path: tuple[int, ...] = ()
    med: int = 0
    local_preference: Literal["low", "medium", "high"] = "medium"


class VpnConnection(Model):
    """A Site-to-Site VPN to a VGW or a TGW; static routes or BGP-advertised prefixes (R7.6)."""

    id: str | None = None
    gateway: Name
    routing: Literal["static", "dynamic"] = "static"
    static_routes: tuple[Cidr, ...] = ()
    bgp_routes: tuple[BgpRoute, ...] = ()
    customer_gateway_ip: Address4 | None = None
    customer_gateway_asn: int | None = None
    state: str = "available"


class DirectConnect(Model):
    """A Direct Connect private (to a VGW) or transit (to a TGW) virtual interface with its BGP prefixes."""

    id: str | None = None
    gateway: Name
    bgp_routes: tuple[BgpRoute, ...] = ()
    state: str = "available"
