"""Where things sit in subnets: an address inside a subnet's usable range (R1.8, R1.9), and the subnets of an
interface endpoint (R10.10) or a TGW VPC attachment (R8.7), of which there is one per Availability Zone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from vpcsim.errors import Diagnostic
from vpcsim.ip import format_address, parse_address, parse_prefix, read_address
from vpcsim.load.checks.context import Context
from vpcsim.load.positions import Path
from vpcsim.model.index import Kind, Named

_RESERVED_V4 = {0: "the network address", 1: "the VPC router", 2: "reserved by AWS (DNS)",
                3: "reserved by AWS for future use"}


def check_address_in_subnet(ctx: Context, path: Path, address: str, subnet: Named) -> Iterator[Diagnostic]:
    """R1.8 (and R1.9): the address lies in the subnet and is not one of its reserved addresses."""
    family, value = parse_address(address)
    cidr = subnet.obj.cidr if family == 4 else subnet.obj.ipv6_cidr
    if cidr is None:
        yield ctx.error(path, f"{address} is IPv{family} but subnet {subnet.name!r} has no IPv{family} CIDR",
                        hint=f"add an IPv{family} CIDR to subnet {subnet.name!r}, or remove the address")
        return
    prefix = parse_prefix(cidr)
    if not prefix.contains(family, value):
        yield ctx.error(path, f"{address} is outside subnet {subnet.name!r} ({cidr})",
                        hint=f"pick an address in {cidr}")
        return
    offset = value - prefix.start
    if family == 4 and (offset in _RESERVED_V4 or value == prefix.end):
        why = _RESERVED_V4.get(offset, "the last address")
        yield ctx.error(path, f"{address} is a reserved address of subnet {subnet.name!r} ({cidr}): {why} "
                        "(R1.8)",
                        hint="AWS reserves the first four addresses and the last; use "
                        f"{format_address(4, prefix.start + 4)} to {format_address(4, prefix.end - 1)}")
    elif family == 6 and (offset <= 3 or value == prefix.end):
        yield ctx.error(path, f"{address} is one of the reserved addresses of {cidr} (R1.9)",
                        hint="the first four addresses and the last of an IPv6 subnet are reserved")


def usable_in(address: str, subnet: Named) -> bool:
    """True when ``check_address_in_subnet`` has nothing to say: the address is of a family the subnet has,
    inside its CIDR, and none of the first four addresses or the last (R1.8, R1.9)."""
    found = read_address(address)
    if found is None:
        return False
    family, value = found
    cidr = subnet.obj.cidr if family == 4 else subnet.obj.ipv6_cidr
    if cidr is None:
        return False
    cidr_family, first, last = _usable_range(cidr)
    return cidr_family == family and first <= value <= last


@lru_cache(maxsize=1 << 14)
def _usable_range(cidr: str) -> tuple[int, int, int]:
    """A subnet CIDR's family and the addresses an interface may take in it: not the first four, not the last."""
    prefix = parse_prefix(cidr)
    return prefix.family, prefix.start + 4, prefix.end - 1


@dataclass(frozen=True, slots=True)
class ListedSubnet:
    """One entry of a list of subnets: where it is, the subnet it names (None when it names none of the VPC's),
    and what is wrong with it (the reference, or a second subnet in one AZ)."""

    path: Path
    subnet: Named | None
    problems: tuple[Diagnostic, ...]


def one_subnet_per_az(ctx: Context, path: Path, names: Sequence[str], vpc: str, holder: str,
                      rule: str) -> Iterator[ListedSubnet]:
    """Resolve each subnet of ``names`` (listed at ``path``) in ``vpc``; a second subnet in an Availability Zone
    is reported as "``holder`` subnet 'a' in az; one subnet per Availability Zone (``rule``)". A subnet with no
    AZ counts as an AZ of its own.

    Interface endpoints (R10.10) and TGW VPC attachments (R8.7) place one network interface per AZ; each
    caller goes on to check what it asks of every subnet that resolves, in list order."""
    azs: dict[str, str] = {}
    for i, subnet_name in enumerate(names):
        at = (*path, i)
        subnet, problem = ctx.resolve(at, "subnet", subnet_name, Kind.SUBNET, vpc)
        if problem:
            yield ListedSubnet(at, None, (problem,))
            continue
        assert subnet is not None
        az = subnet.obj.az or subnet.name
        first = azs.get(az)
        azs[az] = subnet.name
        if first is None:
            yield ListedSubnet(at, subnet, ())
        else:
            yield ListedSubnet(at, subnet, (ctx.error(at, f"{holder} subnet {first!r} in {az}; one subnet per "
                                                      f"Availability Zone ({rule})",
                                                      hint=f"keep one subnet in {az}"),))
