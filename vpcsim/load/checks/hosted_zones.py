"""Private hosted zones (aws-semantics §11.3): the VPCs they serve, ALIAS targets, and record values."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.ip import is_address, parse_address
from vpcsim.load.checks.context import Context
from vpcsim.model.index import Kind

_ALIAS_KINDS = (Kind.ENDPOINT, Kind.INSTANCE, Kind.NETWORK_INTERFACE, Kind.NAT_GATEWAY)


def check_hosted_zones(ctx: Context) -> Iterator[Diagnostic]:
    """Zones name existing VPCs; ALIAS targets exist; A/AAAA values are addresses of their family (R11.8)."""
    for name, zone in ctx.topo.hosted_zones.items():
        for i, vpc in enumerate(zone.vpcs):
            yield from ctx.check_reference(("hosted_zones", name, "vpcs", i), "VPC", vpc, Kind.VPC)
        for i, record in enumerate(zone.records):
            path = ("hosted_zones", name, "records", i)
            if record.target is not None and not ctx.index.find(record.target, _ALIAS_KINDS):
                yield ctx.unknown((*path, "target"), "alias target", record.target, *_ALIAS_KINDS)
            family = {"A": 4, "AAAA": 6}.get(record.type)
            for j, value in enumerate(record.values if family else ()):
                if not is_address(value) or parse_address(value)[0] != family:
                    yield ctx.error((*path, "values", j), f"{record.type} record value {value!r} is not an "
                                    f"IPv{family} address", hint="use a CNAME record for a name, "
                                    "an AAAA record for IPv6" if family == 4 else "use an A record for IPv4")
