"""The components AWS gives requester-managed network interfaces: NAT gateways (§6), interface and Gateway
Load Balancer endpoints (§10) and transit gateway VPC attachments (§8), each compiled with its ENIs.

Their addresses were settled by ``interfaces.allocate_addresses``; their ENIs go on to
``security.compile_enis`` with everybody else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from vpcsim.compile import components as c
from vpcsim.compile.components import EniKind
from vpcsim.compile.interfaces import Addresses, EniSpec
from vpcsim.compile.prefix_lists import PrefixLists
from vpcsim.compile.references import References
from vpcsim.ip import parse_address
from vpcsim.model import Topology
from vpcsim.model.index import Kind
from vpcsim.model.services import service_name

Component = TypeVar("Component")


@dataclass(frozen=True, slots=True)
class WithEnis(Generic[Component]):
    """Components by name, and the requester-managed ENIs they own, in the file's order."""

    components: dict[str, Component]
    enis: tuple[EniSpec, ...]


def compile_nat_gateways(topo: Topology, refs: References, addresses: Addresses) -> WithEnis[c.NatGateway]:
    """Each NAT gateway's ENI carries its private address and Elastic IP; no security group applies (R3.14)."""
    nats: dict[str, c.NatGateway] = {}
    enis: list[EniSpec] = []
    for vpc_name, vpc in topo.vpcs.items():
        for name, nat in vpc.nat_gateways.items():
            subnet = refs.name_of(Kind.SUBNET, nat.subnet)
            path = ("vpcs", vpc_name, "nat_gateways", name)
            address = addresses.nat_gateways[path]
            eip = parse_address(nat.elastic_ip)[1] if nat.elastic_ip else None
            eni = nat.eni_name(name)
            enis.append(EniSpec(eni, eni, EniKind.NAT_GATEWAY, vpc_name, subnet, name, (address,), (), eip, (),
                                source_dest_check=False, elastic=True, path=path))
            nats[name] = c.NatGateway(name, nat.id or name, vpc_name, subnet, eni, address, eip, nat.connectivity, path)
    return WithEnis(nats, tuple(enis))


def compile_endpoints(topo: Topology, refs: References, prefix_lists: PrefixLists,
                      addresses: Addresses) -> WithEnis[c.Endpoint]:
    """Interface and GWLB endpoints have an ENI per subnet (an interface endpoint's with security groups, the
    VPC's default one if none is named); a gateway endpoint has none and carries its service's prefix list."""
    keys_of = cache(refs.sg_keys)
    endpoints: dict[str, c.Endpoint] = {}
    specs: list[EniSpec] = []
    for vpc_name, vpc in topo.vpcs.items():
        region = refs.region_of(vpc)
        for name, ep in vpc.endpoints.items():
            path = ("vpcs", vpc_name, "endpoints", name)
            full = service_name(ep.service, region)
            interface = ep.type == "interface"
            enis: list[str] = []
            for sname, address in zip(ep.subnets, addresses.endpoints[path], strict=True):
                subnet = refs.name_of(Kind.SUBNET, sname)
                eni = f"eni-{name}-{subnet}" if len(ep.subnets) > 1 else f"eni-{name}"
                sgs = keys_of(ep.security_groups, vpc_name) if ep.security_groups else \
                    (keys_of(None, vpc_name) if interface else ())
                specs.append(EniSpec(eni, eni, EniKind.INTERFACE_ENDPOINT if interface else EniKind.GWLB_ENDPOINT,
                                     vpc_name, subnet, name, (address,), (), None, sgs,
                                     source_dest_check=interface, path=path))
                enis.append(eni)
            prefixes = prefix_lists.get(full, ()) if ep.type == "gateway" else ()
            endpoints[name] = c.Endpoint(name, ep.id or name, vpc_name, ep.type, full, prefixes, tuple(enis),
                                         ep.private_dns, dict(ep.policy) if ep.policy else None, path)
    return WithEnis(endpoints, tuple(specs))


def compile_tgw_attachments(topo: Topology, refs: References, subnets: dict[str, c.Subnet],
                            addresses: Addresses) -> WithEnis[c.TgwAttachment]:
    """A VPC attachment has an ENI in each subnet it names, one per AZ; every attachment is associated with
    at most one route table (R8.2), the TGW's default one when it names none (R8.14)."""
    attachments: dict[str, c.TgwAttachment] = {}
    specs: list[EniSpec] = []
    for tgw_name, tgw in topo.transit_gateways.items():
        default_table = tgw.default_route_table or (next(iter(tgw.route_tables)) if tgw.route_tables
                                                    else f"{tgw_name}-default")
        for name, att in tgw.attachments.items():
            path = ("transit_gateways", tgw_name, "attachments", name)
            subnets_by_az: dict[str, str] = {}
            enis: dict[str, str] = {}
            vpc = refs.name_of(Kind.VPC, att.vpc) if att.vpc else ""
            for sname, address in zip(att.subnets, addresses.attachments[path], strict=True):
                subnet = subnets[refs.name_of(Kind.SUBNET, sname)]
                subnets_by_az[subnet.az] = subnet.name
                eni = f"eni-{name}-{subnet.az}"
                enis[subnet.az] = eni
                specs.append(EniSpec(eni, eni, EniKind.TGW_ATTACHMENT, vpc, subnet.name, name, (address,), (), None,
                                     (), source_dest_check=False, path=path))
            resource = vpc or (refs.name_of(Kind.VPN_CONNECTION, att.vpn) if att.vpn else "") or (
                refs.name_of(Kind.DIRECT_CONNECT, att.direct_connect) if att.direct_connect else "") or (
                refs.name_of(Kind.TRANSIT_GATEWAY_ATTACHMENT, att.peer) if att.peer else "")
            table = att.route_table or (default_table if tgw.default_association else None)
            if table is not None:
                table = refs.name_of(Kind.TRANSIT_GATEWAY_ROUTE_TABLE, table)
            attachments[name] = c.TgwAttachment(
                name, att.id or name, tgw_name, att.kind, resource, table, att.appliance_mode,
                att.sg_referencing and tgw.sg_referencing, subnets_by_az, enis, path)
    return WithEnis(attachments, tuple(specs))
