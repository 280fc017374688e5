"""VPCs, their subnets and the peerings between them, with the defaults AWS fills in: a subnet without an
explicit association uses the main route table and the default NACL (R2.1, R4.5)."""

from __future__ import annotations

from vpcsim.compile import components as c
from vpcsim.compile.lpm import PrefixTable
from vpcsim.compile.references import References
from vpcsim.ip import Prefix, parse_prefix
from vpcsim.model import Topology
from vpcsim.model import Vpc as VpcModel
from vpcsim.model.index import Kind


def main_route_table(name: str, vpc: VpcModel) -> str:
    """R2.1: the table marked main, else the one vpcsim makes up (``routes.compile_route_tables``)."""
    return next((t for t, table in vpc.route_tables.items() if table.main), f"{name}-main")


def compile_subnets(topo: Topology, refs: References) -> dict[str, c.Subnet]:
    subnets: dict[str, c.Subnet] = {}
    for vpc_name, vpc in topo.vpcs.items():
        main = main_route_table(vpc_name, vpc)
        default_acl = next((a for a, acl in vpc.network_acls.items() if acl.default), f"{vpc_name}-default-acl")
        explicit: dict[str, str] = {}
        for table_name, route_table in vpc.route_tables.items():
            for listed in route_table.subnets:
                explicit[refs.name_of(Kind.SUBNET, listed)] = table_name
        for name, subnet in vpc.subnets.items():      # R2.1: explicit association, else the main table
            table = refs.name_of(Kind.ROUTE_TABLE, subnet.route_table) if subnet.route_table else \
                explicit.get(name, main)
            acl = refs.name_of(Kind.NETWORK_ACL, subnet.network_acl) if subnet.network_acl else default_acl
            subnets[name] = c.Subnet(
                name, subnet.id or name, vpc_name, parse_prefix(subnet.cidr) if subnet.cidr else None,
                parse_prefix(subnet.ipv6_cidr) if subnet.ipv6_cidr else None, subnet.az or f"{topo.region}a",
                table, acl, ("vpcs", vpc_name, "subnets", name), subnet.az_id or "")
    return subnets


def compile_vpcs(topo: Topology, refs: References, subnets: dict[str, c.Subnet]) -> dict[str, c.Vpc]:
    return {name: _vpc(topo, refs, subnets, name, vpc) for name, vpc in topo.vpcs.items()}


def _vpc(topo: Topology, refs: References, subnets: dict[str, c.Subnet], name: str, vpc: VpcModel) -> c.Vpc:
    cidrs = tuple(parse_prefix(p) for p in (vpc.cidr, *vpc.secondary_cidrs, *vpc.ipv6_cidrs))
    edges = {refs.edge_gateway(t.gateway): tname for tname, t in vpc.route_tables.items() if t.gateway}
    subnet_items: list[tuple[Prefix, str]] = []
    for sname in vpc.subnets:
        s = subnets[sname]
        subnet_items += [(p, sname) for p in (s.cidr, s.ipv6_cidr) if p is not None]
    return c.Vpc(name, vpc.id or name, refs.region_of(vpc), vpc.account or topo.account, cidrs,
                 vpc.dns.support, vpc.dns.hostnames, main_route_table(name, vpc), vpc.internet_gateway,
                 vpc.egress_only_internet_gateway, vpc.vpn_gateway, edges, tuple(vpc.subnets),
                 PrefixTable.build(subnet_items), vpc.flow_logs, ("vpcs", name))


def compile_peerings(topo: Topology, refs: References) -> dict[str, c.Peering]:
    """Each peering with its two VPCs, whether it is active, and whether it crosses regions (R9)."""
    peerings: dict[str, c.Peering] = {}
    for name, p in topo.peering.items():
        requester = refs.name_of(Kind.VPC, p.requester)
        accepter = refs.name_of(Kind.VPC, p.accepter)
        inter_region = refs.region_of(topo.vpcs[requester]) != refs.region_of(topo.vpcs[accepter])
        peerings[name] = c.Peering(name, p.id or name, requester, accepter, p.status == "active", inter_region,
                                   p.allow_dns_resolution, ("peering", name))
    return peerings
