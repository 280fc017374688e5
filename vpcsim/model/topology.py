"""The whole topology: the one validated model every later stage reads (DESIGN §1, §2)."""

from __future__ import annotations

from pydantic import Field

from vpcsim.model.common import Cidr, Model, Name, no_entries
from vpcsim.model.dns import HostedZone
from vpcsim.model.gateways import DirectConnect, Peering, TransitGateway, VpnConnection
from vpcsim.model.vpc import Vpc


class PrefixList(Model):
    """A customer-managed prefix list, or an AWS-managed one (``aws_managed``) such as a service's ranges."""

    id: str | None = None
    entries: tuple[Cidr, ...] = ()
    max_entries: int | None = None
    aws_managed: bool = False
    service: str | None = None


class ExternalSite(Model):
    """A network outside AWS: an on-premises site reached through VPN/Direct Connect connections."""

    cidrs: tuple[Cidr, ...]
    via: tuple[Name, ...] = Field(default=(), description="VPN connections / Direct Connect VIFs reaching it")


class Topology(Model):
    name: Name = "topology"
    description: str | None = None
    region: str = "us-east-1"
    account: str = "111122223333"
    include: tuple[str, ...] = Field(default=(), description="further topology files, relative to this one")
    vpcs: dict[Name, Vpc] = no_entries()
    transit_gateways: dict[Name, TransitGateway] = no_entries()
    peering: dict[Name, Peering] = no_entries()
    vpn_connections: dict[Name, VpnConnection] = no_entries()
    direct_connect: dict[Name, DirectConnect] = no_entries()
    prefix_lists: dict[Name, PrefixList] = no_entries()
    hosted_zones: dict[Name, HostedZone] = no_entries()
    external: dict[Name, ExternalSite] = no_entries()
