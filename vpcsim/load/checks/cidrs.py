"""CIDR texts and route destinations, read the way the checks need them: through the schema's memo of CIDR
texts (peers and routes repeat a lot), and a destination as a CIDR, a prefix list or a problem."""

from __future__ import annotations

from vpcsim.errors import Diagnostic
from vpcsim.ip import Prefix, parse_prefix, read_cidr
from vpcsim.load.checks.context import Context
from vpcsim.load.hints import cidr_hint
from vpcsim.load.positions import Path
from vpcsim.model import Vpc
from vpcsim.model.index import Kind
from vpcsim.model.services import GATEWAY_SERVICES, short_service


def prefixes(cidrs: tuple[str, ...] | list[str]) -> list[Prefix]:
    return [parse_prefix(c) for c in cidrs]


def is_cidr(text: str) -> bool:
    """``vpcsim.ip.is_cidr``, answered from the schema's memo of CIDR texts (peers and routes repeat a lot)."""
    return "/" in text and read_cidr(text) is not None


def whole_cidrs(vpc: Vpc) -> set[Prefix]:
    """The CIDRs a route may name exactly inside a VPC: the VPC's own, and each subnet's (R2.7, R2.14)."""
    subnets = {parse_prefix(p) for s in vpc.subnets.values() for p in (s.cidr, s.ipv6_cidr) if p is not None}
    return subnets | set(prefixes(list(vpc.all_cidrs())))


def destination(ctx: Context, path: Path, text: str) -> Prefix | Diagnostic | None:
    """A route's destination as its CIDR block; None for a prefix list; the problem when it is neither."""
    cidr = read_cidr(text) if "/" in text else None
    if cidr is not None:
        return cidr[0]
    if "/" in text or text.replace(".", "").isdigit():
        return ctx.error(path, f"{text!r} is not a valid CIDR block", hint=cidr_hint(text))
    if names_prefix_list(ctx, text):
        return None
    return ctx.unknown(path, "prefix list", text, Kind.PREFIX_LIST)


def names_prefix_list(ctx: Context, name: str) -> bool:
    """True when ``name`` is a declared prefix list or an AWS-managed one of a gateway endpoint service."""
    return ctx.index.get(Kind.PREFIX_LIST, name) is not None or (
        name.startswith("com.amazonaws.") and short_service(name) in GATEWAY_SERVICES)
