"""The compiled network's parts: frozen, slotted, integer-addressed (DESIGN §8: nothing on the hot path
holds pydantic or ``ipaddress`` objects). Built by ``compile.compiler``; read by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpcsim.compile.compact import Compact
from vpcsim.compile.lpm import PrefixTable
from vpcsim.compile.rules import NetworkAclTable, SecurityGroupTable
from vpcsim.ip import Prefix

Path = tuple[str | int, ...]


class TargetKind(StrEnum):
    LOCAL = "local"
    INTERNET_GATEWAY = "internet_gateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "egress_only_internet_gateway"
    NAT_GATEWAY = "nat_gateway"
    VPN_GATEWAY = "vpn_gateway"
    TRANSIT_GATEWAY = "transit_gateway"
    PEERING = "peering"
    GATEWAY_ENDPOINT = "gateway_endpoint"
    GWLB_ENDPOINT = "gwlb_endpoint"
    NETWORK_INTERFACE = "network_interface"
    BLACKHOLE = "blackhole"


class EniKind(StrEnum):
    INSTANCE = "instance"
    INTERFACE = "interface"
    NAT_GATEWAY = "nat_gateway"
    INTERFACE_ENDPOINT = "interface_endpoint"
    GWLB_ENDPOINT = "gwlb_endpoint"
    TGW_ATTACHMENT = "tgw_attachment"


def _bounds(cidr: Prefix | None) -> tuple[int, int]:
    return (1, 0) if cidr is None else (cidr.start, cidr.end)


@dataclass(frozen=True, slots=True)
class Route(Compact):
    """One route as the table holds it after selection (R2.4–R2.10)."""

    prefix: Prefix
    target_kind: TargetKind
    target: str
    origin: str              # local | static | prefix_list | endpoint | propagated
    label: str               # "10.0.0.0/16 local", "0.0.0.0/0 -> nat-a"
    path: Path = ()

    @property
    def is_blackhole(self) -> bool:
        return self.target_kind is TargetKind.BLACKHOLE


@dataclass(frozen=True, slots=True)
class RouteTable(Compact):
    name: str
    id: str
    vpc: str
    routes: tuple[Route, ...]
    table: PrefixTable[Route]
    gateway: str | None = None
    path: Path = ()

    def lookup(self, family: int, address: int) -> Route | None:
        return self.table.lookup(family, address)


@dataclass(frozen=True, slots=True)
class NetworkAcl(Compact):
    name: str
    id: str
    vpc: str
    ingress: dict[int, NetworkAclTable]    # family -> table
    egress: dict[int, NetworkAclTable]
    path: Path = ()


@dataclass(frozen=True, slots=True)
class Subnet(Compact):
    name: str
    id: str
    vpc: str
    cidr: Prefix | None
    ipv6_cidr: Prefix | None
    az: str
    route_table: str
    network_acl: str
    path: Path = ()
    az_id: str = ""
    # Worked out from the CIDRs (``__post_init__``), whatever is passed: the engine asks "is this address in the
    # subnet?" for every packet leaving an interface, and ``Prefix.end`` is a computed property. (low, high);
    # (1, 0), which holds nothing, when the subnet has no CIDR of the family.
    v4_range: tuple[int, int] = field(default=(1, 0), repr=False, compare=False)
    v6_range: tuple[int, int] = field(default=(1, 0), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "v4_range", _bounds(self.cidr))
        object.__setattr__(self, "v6_range", _bounds(self.ipv6_cidr))

    def contains(self, family: int, address: int) -> bool:
        low, high = self.v4_range if family == 4 else self.v6_range
        return low <= address <= high

    def router(self, family: int) -> int | None:
        cidr = self.cidr if family == 4 else self.ipv6_cidr
        return None if cidr is None else cidr.start + 1


@dataclass(frozen=True, slots=True)
class Eni(Compact):
    name: str
    id: str
    kind: EniKind
    vpc: str
    subnet: str
    az: str
    owner: str                              # instance, NAT gateway, endpoint or attachment name ('' if none)
    private_ips: tuple[int, ...]            # IPv4, primary first
    ipv6_ips: tuple[int, ...]
    public_ip: int | None                   # auto-assigned or Elastic IP, mapped to the primary private IP
    security_groups: tuple[str, ...]
    ingress: SecurityGroupTable | None      # None: no security group applies (NAT GW, GWLBe, TGW, R3.14)
    egress: SecurityGroupTable | None
    source_dest_check: bool
    elastic: bool = False
    device_index: int = 0
    path: Path = ()

    @property
    def primary_ip(self) -> int | None:
        return self.private_ips[0] if self.private_ips else None

    def owns(self, family: int, address: int) -> bool:
        return address in (self.private_ips if family == 4 else self.ipv6_ips)


@dataclass(frozen=True, slots=True)
class Vpc(Compact):
    name: str
    id: str
    region: str
    account: str
    cidrs: tuple[Prefix, ...]               # IPv4 then IPv6
    dns_support: bool
    dns_hostnames: bool
    main_route_table: str
    internet_gateway: str | None
    egress_only_internet_gateway: str | None
    vpn_gateway: str | None
    edge_tables: dict[str, str]             # gateway name -> gateway route table
    subnets: tuple[str, ...]
    subnet_table: PrefixTable[str]          # address -> subnet name
    flow_logs: str = "all"
    path: Path = ()
    # The CIDRs as (family, low, high), worked out from ``cidrs`` (``__post_init__``), whatever is passed:
    # ``contains`` runs on the hot path and ``Prefix.end`` is a computed property.
    ranges: tuple[tuple[int, int, int], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", tuple((p.family, p.start, p.end) for p in self.cidrs))

    def contains(self, family: int, address: int) -> bool:
        for fam, low, high in self.ranges:          # noqa: SIM110 - a loop: any() over a generator is slower
            if fam == family and low <= address <= high:
                return True
        return False

    @property
    def resolver(self) -> int:
        return self.cidrs[0].start + 2       # R11.1a: primary CIDR base + 2


@dataclass(frozen=True, slots=True)
class NatGateway(Compact):
    name: str
    id: str
    vpc: str
    subnet: str
    eni: str
    private_ip: int
    elastic_ip: int | None
    connectivity: str
    path: Path = ()


@dataclass(frozen=True, slots=True)
class Endpoint(Compact):
    name: str
    id: str
    vpc: str
    type: str                               # gateway | interface | gateway_load_balancer
    service: str
    prefixes: tuple[Prefix, ...]            # gateway endpoints: the service's prefix list
    enis: tuple[str, ...]
    private_dns: bool
    policy: dict[str, Any] | None
    path: Path = ()


@dataclass(frozen=True, slots=True)
class Peering(Compact):
    name: str
    id: str
    requester: str
    accepter: str
    active: bool
    inter_region: bool
    allow_dns_resolution: bool
    path: Path = ()

    def far_side(self, vpc: str) -> str:
        return self.accepter if vpc == self.requester else self.requester


@dataclass(frozen=True, slots=True)
class TgwRoute(Compact):
    prefix: Prefix
    attachment: str | None                  # None: blackhole
    origin: str                             # static | prefix_list | propagated-vpc | propagated-dx | propagated-vpn
    label: str
    path: Path = ()


@dataclass(frozen=True, slots=True)
class TgwRouteTable(Compact):
    name: str
    id: str
    tgw: str
    routes: tuple[TgwRoute, ...]
    table: PrefixTable[TgwRoute]
    path: Path = ()

    def lookup(self, family: int, address: int) -> TgwRoute | None:
        return self.table.lookup(family, address)


@dataclass(frozen=True, slots=True)
class TgwAttachment(Compact):
    name: str
    id: str
    tgw: str
    kind: str                               # vpc | vpn | direct_connect | peering
    resource: str                           # VPC, VPN connection, DX or peer attachment name
    route_table: str | None
    appliance_mode: bool
    sg_referencing: bool
    subnets_by_az: dict[str, str]           # AZ -> subnet (VPC attachments)
    enis_by_az: dict[str, str]              # AZ -> attachment ENI
    path: Path = ()


@dataclass(frozen=True, slots=True)
class TransitGateway(Compact):
    name: str
    id: str
    asn: int
    sg_referencing: bool
    dns_support: bool
    route_tables: tuple[str, ...]
    attachments: tuple[str, ...]
    path: Path = ()


@dataclass(frozen=True, slots=True)
class VgwRoute(Compact):
    prefix: Prefix
    connection: str
    origin: str                             # dx-bgp | vpn-static | vpn-bgp
    label: str


@dataclass(frozen=True, slots=True)
class VpnGateway(Compact):
    name: str
    vpc: str
    asn: int
    connections: tuple[str, ...]
    routes: tuple[VgwRoute, ...]            # every candidate, for display and propagation
    table: PrefixTable[VgwRoute]            # the winner per prefix (R7.4)
    path: Path = ()


@dataclass(frozen=True, slots=True)
class Connection(Compact):
    """A Site-to-Site VPN or a Direct Connect VIF: where on-premises prefixes come from."""

    name: str
    id: str
    kind: str                               # vpn | direct_connect
    gateway: str
    gateway_kind: str                       # vpn_gateway | transit_gateway
    prefixes: tuple[Prefix, ...]
    up: bool
    path: Path = ()


@dataclass(frozen=True, slots=True)
class ExternalSite(Compact):
    name: str
    cidrs: tuple[Prefix, ...]
    via: tuple[str, ...]
    path: Path = ()

    def contains(self, family: int, address: int) -> bool:
        return any(p.family == family and p.start <= address <= p.end for p in self.cidrs)


@dataclass(frozen=True, slots=True)
class HostedZone(Compact):
    name: str
    domain: str
    private: bool
    vpcs: tuple[str, ...]
    records: tuple[tuple[str, str, tuple[str, ...]], ...]   # (fqdn, type, values)
    path: Path = ()


@dataclass(frozen=True, slots=True)
class Instance(Compact):
    name: str
    id: str
    vpc: str
    enis: tuple[str, ...]                   # by device index
    state: str
    tags: dict[str, str] = field(default_factory=dict)
    path: Path = ()
    http_endpoint: bool = True              # R11.1b, MetadataOptions.HttpEndpoint: 169.254.169.254 answers
    http_protocol_ipv6: bool = False        # HttpProtocolIpv6: fd00:ec2::254 answers (on Nitro instances only)
    http_tokens: str | None = None          # HttpTokens (IMDSv2), for the record; None: AWS's default
    nitro: bool = True
