"""VPC peering connections (aws-semantics §9): two different VPCs, peered once, with no address in common."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.cidrs import prefixes
from vpcsim.load.checks.context import Context
from vpcsim.model.index import Kind


def check_peering(ctx: Context) -> Iterator[Diagnostic]:
    """R9.1 one peering per VPC pair; R9.3 no overlapping CIDRs."""
    pairs: dict[frozenset[str], str] = {}
    for name, peering in ctx.topo.peering.items():
        path = ("peering", name)
        sides = []
        for side in ("requester", "accepter"):
            found, problem = ctx.resolve((*path, side), "VPC", getattr(peering, side), Kind.VPC)
            if problem:
                yield problem
            elif found is not None:
                sides.append(found)
        if len(sides) != 2:
            continue
        a, b = sides
        if a.name == b.name:
            yield ctx.error((*path, "accepter"), "a VPC cannot peer with itself",
                            hint="name two different VPCs as requester and accepter")
            continue
        pair = frozenset((a.name, b.name))
        if pair in pairs:
            yield ctx.error_at_name(path, f"VPCs {a.name!r} and {b.name!r} are already peered by "
                                    f"{pairs[pair]!r} (R9.1)",
                                    hint="two VPCs have at most one peering connection; remove one")
        pairs[pair] = name
        clash = next(((pa, pb) for pa in prefixes(list(a.obj.all_cidrs()))
                      for pb in prefixes(list(b.obj.all_cidrs())) if pa.overlaps(pb)), None)
        if clash is not None:
            yield ctx.error_at_name(path, f"cannot peer {a.name!r} and {b.name!r}: their CIDRs {clash[0]} "
                                    f"and {clash[1]} overlap (R9.3)",
                                    hint="peered VPCs must not share any address, in any of their CIDRs")
