"""What a schema cannot say: references resolve, CIDRs nest, AWS's placement rules hold (DESIGN §1).

The checks live in ``vpcsim.load.checks``, one module per topic. ``CHECKS`` is the one table of them, in the
order they run: ``validate`` yields every diagnostic in that order (and each check in its own), the loader
raises once with everything found, and an import settles what it can. Output is compared byte for byte,
so a new check goes where its diagnostics should appear, and the order of the others stays.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks import (
    addressing,
    endpoints,
    gateways,
    hosted_zones,
    interfaces,
    names,
    peering,
    route_tables,
    routes,
    security,
    transit,
)
from vpcsim.load.checks.context import Check, Context
from vpcsim.load.positions import Positions
from vpcsim.model import Topology
from vpcsim.model.index import index_topology

CHECKS: tuple[Check, ...] = (
    names.check_unique_names,
    addressing.check_vpc_cidrs,
    addressing.check_subnets,
    route_tables.check_route_table_associations,
    routes.check_routes,
    gateways.check_nat_gateways,
    endpoints.check_endpoints,
    security.check_security_groups,
    security.check_network_acls,
    interfaces.check_interfaces,
    peering.check_peering,
    transit.check_transit_gateways,
    gateways.check_vpn_and_direct_connect,
    gateways.check_external_sites,
    hosted_zones.check_hosted_zones,
    addressing.check_prefix_lists,
)


def validate(topo: Topology, positions: Positions) -> Iterator[Diagnostic]:
    """Every problem ``topo`` has beyond its schema, positioned, check by check in the order of ``CHECKS``."""
    context = Context(topo, positions, index_topology(topo))
    for run in CHECKS:
        yield from run(context)
