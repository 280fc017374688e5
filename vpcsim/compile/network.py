"""The compiled network: every table a packet consults, built once (DESIGN §1, §8), frozen and picklable.

Building it from a validated ``Topology`` is ``vpcsim.compile.compiler``'s work (``compile_network``); this
module holds only the result, so reading a cached network (``vpcsim.cache``) imports neither pydantic models
nor the compiler.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vpcsim.compile import components as c
from vpcsim.compile.lpm import PrefixTable
from vpcsim.compile.rules import Rule
from vpcsim.ip import Prefix
from vpcsim.load.positions import Positions


@dataclass(frozen=True, slots=True)
class CompiledNetwork:
    """The immutable network every trace reads. Picklable, so batches can fan out over processes."""

    name: str
    region: str
    account: str
    vpcs: dict[str, c.Vpc]
    subnets: dict[str, c.Subnet]
    route_tables: dict[str, c.RouteTable]
    network_acls: dict[str, c.NetworkAcl]
    enis: dict[str, c.Eni]
    instances: dict[str, c.Instance]
    nat_gateways: dict[str, c.NatGateway]
    endpoints: dict[str, c.Endpoint]
    peerings: dict[str, c.Peering]
    transit_gateways: dict[str, c.TransitGateway]
    tgw_route_tables: dict[str, c.TgwRouteTable]
    tgw_attachments: dict[str, c.TgwAttachment]
    vpn_gateways: dict[str, c.VpnGateway]
    connections: dict[str, c.Connection]
    external: dict[str, c.ExternalSite]
    hosted_zones: dict[str, c.HostedZone]
    prefix_lists: dict[str, tuple[Prefix, ...]]
    private_index: dict[tuple[str, int, int], str]       # (vpc, family, address) -> ENI
    public_index: dict[tuple[int, int], tuple[str, int]]  # (family, public address) -> (ENI, private IPv4)
    gateway_vpc: dict[str, str]                           # IGW/EIGW/VGW name -> VPC
    vpc_attachments: dict[tuple[str, str], str] = field(default_factory=dict)   # (TGW, VPC) -> attachment
    instance_of: dict[str, str] = field(default_factory=dict)                  # ENI -> instance id
    service_table: PrefixTable[str] | None = None                              # AWS service ranges -> S3, …
    positions: Positions = field(default_factory=Positions, compare=False)
    warnings: tuple[Any, ...] = ()
    source: str = ""

    def eni_at(self, vpc: str, family: int, address: int) -> c.Eni | None:
        name = self.private_index.get((vpc, family, address))
        return self.enis[name] if name is not None else None

    def subnet_of(self, vpc: str, family: int, address: int) -> c.Subnet | None:
        name = self.vpcs[vpc].subnet_table.lookup(family, address)
        return self.subnets[name] if name is not None else None

    def vpc_containing(self, family: int, address: int) -> list[c.Vpc]:
        return [v for v in self.vpcs.values() if v.contains(family, address)]

    def rules(self, security_groups: bool = True, network_acls: bool = True) -> Iterator[Rule]:
        """Every compiled SG rule (each shared table once) and NACL rule of the network."""
        if security_groups:
            seen: set[int] = set()
            for eni in self.enis.values():
                for table in (eni.ingress, eni.egress):
                    if table is None or id(table) in seen:
                        continue
                    seen.add(id(table))
                    for rules in table.by_protocol.values():
                        yield from rules
        if network_acls:
            for acl in self.network_acls.values():
                for direction in (acl.ingress, acl.egress):
                    for acl_table in direction.values():
                        yield from acl_table.rules
