"""Route 53 hosted zones as the resolver reads them: lower-case domains and fully qualified record names
(§11)."""

from __future__ import annotations

from vpcsim.compile import components as c
from vpcsim.compile.references import References
from vpcsim.model import Topology
from vpcsim.model.index import Kind


def compile_hosted_zones(topo: Topology, refs: References) -> dict[str, c.HostedZone]:
    return {
        name: c.HostedZone(name, zone.domain.rstrip(".").lower(), zone.private,
                           tuple(refs.name_of(Kind.VPC, v) for v in zone.vpcs),
                           tuple((_fqdn(r.name, zone.domain), r.type, r.values or ((r.target,) if r.target else ()))
                                 for r in zone.records), ("hosted_zones", name))
        for name, zone in topo.hosted_zones.items()
    }


def _fqdn(name: str, domain: str) -> str:
    """A record's name in full: ``@`` (or nothing) is the zone's apex; a relative name gets the domain."""
    name = name.rstrip(".").lower()
    domain = domain.rstrip(".").lower()
    if name in ("@", ""):
        return domain
    return name if name.endswith("." + domain) or name == domain else f"{name}.{domain}"
