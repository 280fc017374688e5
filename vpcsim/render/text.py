"""Human-readable text: topology summaries, diagnostics and traces (the trace table uses Rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.load import LoadedTopology


def render_summary(loaded: LoadedTopology) -> str:
    """One line a person can check at a glance: the topology is valid and holds what they expect."""
    topo = loaded.topology
    counts = {
        "VPC": len(topo.vpcs),
        "subnet": sum(len(v.subnets) for v in topo.vpcs.values()),
        "route table": sum(len(v.route_tables) for v in topo.vpcs.values()),
        "instance": sum(len(v.instances) for v in topo.vpcs.values()),
        "ENI": sum(len(v.network_interfaces) for v in topo.vpcs.values()),
        "NAT gateway": sum(len(v.nat_gateways) for v in topo.vpcs.values()),
        "endpoint": sum(len(v.endpoints) for v in topo.vpcs.values()),
        "security group": sum(len(v.security_groups) for v in topo.vpcs.values()),
        "transit gateway": len(topo.transit_gateways),
        "peering": len(topo.peering),
        "VPN connection": len(topo.vpn_connections),
        "external site": len(topo.external),
    }
    parts = [f"{n} {what}{'s' if n != 1 and not what.endswith('y') else ''}".replace("peerings", "peerings")
             for what, n in counts.items() if n]
    warnings = f", {len(loaded.warnings)} warning{'s' if len(loaded.warnings) != 1 else ''}" if loaded.warnings else ""
    return f"{loaded.source}: ok — {topo.name}: {', '.join(parts) or 'empty'}{warnings}"
