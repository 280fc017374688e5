"""VPC endpoints (aws-semantics §10): a gateway endpoint's service and route tables, an interface endpoint's
subnets, addresses and security groups."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.context import Context, vpc_path
from vpcsim.load.checks.subnet_placement import check_address_in_subnet, one_subnet_per_az
from vpcsim.model.index import Kind
from vpcsim.model.services import GATEWAY_SERVICES, managed_prefix_list, service_name, short_service


def check_endpoints(ctx: Context) -> Iterator[Diagnostic]:
    """R10.1 gateway endpoints for s3/dynamodb, one endpoint route per service per table; R10.10 one subnet per
    AZ, addresses in those subnets (R1.8); R10.11 SGs of the same VPC."""
    for name, vpc in ctx.topo.vpcs.items():
        routes_for: dict[tuple[str, str], str] = {}
        for ep_name, ep in vpc.endpoints.items():
            path = (*vpc_path(name), "endpoints", ep_name)
            if ep.type == "gateway" and short_service(ep.service) not in GATEWAY_SERVICES:
                yield ctx.error((*path, "service"), f"gateway endpoints exist only for s3 and dynamodb, not "
                                f"{ep.service!r}", hint="use type: interface for other services")
            if ep.type == "gateway":
                region = vpc.region or ctx.topo.region
                full = service_name(ep.service, region)
                known = ctx.index.get(Kind.PREFIX_LIST, full) or managed_prefix_list(ep.service, region)
                if known is None:
                    yield ctx.warning((*path, "service"), f"vpcsim has no address ranges for {full}; its "
                                      "endpoint route matches nothing",
                                      hint=f"declare prefix_lists: {{{full}: {{aws_managed: "
                                      "true, entries: [...]}}")
            for i, table in enumerate(ep.route_tables):
                found, problem = ctx.resolve((*path, "route_tables", i), "route table", table,
                                             Kind.ROUTE_TABLE, name)
                if problem:
                    yield problem
                elif found is not None:
                    key = (found.name, short_service(ep.service))
                    if key in routes_for:
                        yield ctx.error((*path, "route_tables", i), f"route table {found.name!r} already "
                                        f"has an endpoint route for {key[1]} (via {routes_for[key]!r}) "
                                        "(R10.1)",
                                        hint="one endpoint per service per route table")
                    routes_for[key] = ep_name
            for listed in one_subnet_per_az(ctx, (*path, "subnets"), ep.subnets, name,
                                            f"endpoint {ep_name!r} already has", "R10.10"):
                yield from listed.problems
                if listed.subnet is not None:
                    address = ep.addresses.get(listed.subnet.name)
                    if address is not None:
                        yield from check_address_in_subnet(ctx, (*path, "addresses", listed.subnet.name),
                                                           address, listed.subnet)
            for subnet_name in ep.addresses:
                if subnet_name not in ep.subnets:
                    yield ctx.error((*path, "addresses", subnet_name), f"address given for {subnet_name!r}, "
                                    "which is not one of the endpoint's subnets",
                                    hint=f"add {subnet_name!r} to the endpoint's 'subnets', or remove the "
                                    "address")
            for i, sg in enumerate(ep.security_groups or ()):
                yield from ctx.check_reference((*path, "security_groups", i), "security group", sg,
                                               Kind.SECURITY_GROUP, name)
