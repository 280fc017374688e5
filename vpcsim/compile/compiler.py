"""Validated ``Topology`` -> ``CompiledNetwork`` (``vpcsim.compile.network``), as a list of stages.

Each stage is a function that takes the topology and what earlier stages returned, and returns frozen data or
dicts of compiled components; ``build`` calls them in order, so what each one needs is in its arguments and
the order is only the one the data imposes, with one exception that is AWS's: addresses are drawn (R1.8)
after every address the file gives is known, and in a fixed order of owners (``allocate_addresses``).

Route selection among equal prefixes (R2.5–R2.10, R7.4, R8.5), default resources (main route table, default
NACL, default security group), addresses of requester-managed ENIs (NAT gateways, endpoints, TGW attachments)
and the address indexes are all settled here, so the engine only follows references.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from vpcsim.compile.gateways import (
    compile_connections,
    compile_external_sites,
    compile_transit_gateways,
    compile_vpn_gateways,
)
from vpcsim.compile.interfaces import address_indexes, addressed, allocate_addresses, compile_instances, interface_specs
from vpcsim.compile.lpm import PrefixTable
from vpcsim.compile.managed import compile_endpoints, compile_nat_gateways, compile_tgw_attachments
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.prefix_lists import compile_prefix_lists, service_ranges
from vpcsim.compile.references import References
from vpcsim.compile.routes import compile_route_tables
from vpcsim.compile.security import compile_enis, compile_network_acls
from vpcsim.compile.vpcs import compile_peerings, compile_subnets, compile_vpcs
from vpcsim.compile.zones import compile_hosted_zones
from vpcsim.load.positions import Positions
from vpcsim.model import Topology


def compile_network(topo: Topology, positions: Positions | None = None, warnings: Iterable[Any] = (),
                    source: str = "") -> CompiledNetwork:
    """Build the network. The cyclic garbage collector is paused meanwhile, as ``vpcsim.load`` pauses it for
    the whole load: compiling makes ~10 objects per ENI that all live on and no cycles, so each collection pass
    (over the topology already in memory, too) only costs time — about a third more at M."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build(topo, positions or Positions(), tuple(warnings), source)
    finally:
        if collecting:
            gc.enable()


def build(topo: Topology, positions: Positions, warnings: tuple[Any, ...], source: str) -> CompiledNetwork:
    """The stages, in order."""
    refs = References.of(topo)
    prefix_lists = compile_prefix_lists(topo)
    subnets = compile_subnets(topo, refs)                                          # R2.1 associations
    vpcs = compile_vpcs(topo, refs, subnets)
    connections = compile_connections(topo, refs)
    vpn_gateways = compile_vpn_gateways(topo, refs)                                # R7.4
    interfaces = interface_specs(topo, refs)                                       # as the file gives them
    addresses = allocate_addresses(topo, refs, subnets, interfaces)                # R1.8
    nat_gateways = compile_nat_gateways(topo, refs, addresses)
    endpoints = compile_endpoints(topo, refs, prefix_lists, addresses)
    attachments = compile_tgw_attachments(topo, refs, subnets, addresses)
    interfaces = addressed(interfaces, addresses)
    instances = compile_instances(topo, interfaces)
    enis = compile_enis(topo, refs, prefix_lists, subnets,                         # §3: SG tables need every ENI
                        (*nat_gateways.enis, *endpoints.enis, *attachments.enis, *interfaces))
    network_acls = compile_network_acls(topo)                                      # §4
    route_tables = compile_route_tables(topo, refs, positions, prefix_lists,      # R2.4-R2.12
                                        endpoints.components, vpn_gateways)
    tgw_tables, tgws = compile_transit_gateways(topo, refs, prefix_lists,         # R8.3-R8.12
                                                attachments.components, vpcs)
    indexes = address_indexes(enis)
    return CompiledNetwork(
        name=topo.name, region=topo.region, account=topo.account, vpcs=vpcs, subnets=subnets,
        route_tables=route_tables.tables, network_acls=network_acls, enis=enis, instances=instances,
        nat_gateways=nat_gateways.components, endpoints=endpoints.components,
        peerings=compile_peerings(topo, refs), transit_gateways=tgws, tgw_route_tables=tgw_tables,
        tgw_attachments=attachments.components, vpn_gateways=vpn_gateways, connections=connections,
        external=compile_external_sites(topo, refs), hosted_zones=compile_hosted_zones(topo, refs),
        prefix_lists=prefix_lists, private_index=indexes.private, public_index=indexes.public,
        gateway_vpc={g: v.name for v in vpcs.values()
                     for g in (v.internet_gateway, v.egress_only_internet_gateway, v.vpn_gateway) if g},
        vpc_attachments={(a.tgw, a.resource): a.name for a in attachments.components.values() if a.kind == "vpc"},
        instance_of={eni: i.id for i in instances.values() for eni in i.enis},
        service_table=PrefixTable.build(service_ranges(prefix_lists)),
        positions=positions, warnings=warnings + route_tables.warnings, source=source)
