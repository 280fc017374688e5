"""Question ends that are sets of addresses — ``internet``, an external site, ``internet:CIDR``, a CIDR.

A set is sorted, disjoint address ranges per family (``AddressSet``). ``internet`` is every globally
reachable address the modelled network does not own (docs/semantics.md, "Address sets as question ends").
``engine.address_atoms`` splits a set into the atoms the network can tell apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vpcsim.compile.network import CompiledNetwork
from vpcsim.ip import SERVICE_RANGE_V4, SERVICE_RANGE_V6, Prefix, parse_prefix

Range = tuple[int, int, int]            # (family, first, last), inclusive
LAST = {4: (1 << 32) - 1, 6: (1 << 128) - 1}

# Not the internet (docs/semantics.md): addresses no internet host can send from or be reached at through an
# internet gateway (RFC 6890 "globally reachable: false"), except the documentation ranges, which stand for
# internet hosts in examples and tests. IPv6: the internet is global unicast, 2000::/3.
NOT_INTERNET_V4 = tuple(parse_prefix(p) for p in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"))
INTERNET_V6 = parse_prefix("2000::/3")


@dataclass(frozen=True, slots=True)
class AddressSet:
    """Sorted, disjoint, non-adjacent ranges ``(family, first, last)``."""

    ranges: tuple[Range, ...]

    @classmethod
    def of(cls, ranges: Iterable[Range]) -> AddressSet:
        merged: list[list[int]] = []
        for family, start, end in sorted(ranges):
            if merged and merged[-1][0] == family and merged[-1][2] + 1 >= start:
                merged[-1][2] = max(merged[-1][2], end)
            else:
                merged.append([family, start, end])
        return cls(tuple((f, s, e) for f, s, e in merged))

    @classmethod
    def of_prefixes(cls, prefixes: Iterable[Prefix]) -> AddressSet:
        return cls.of((p.family, p.start, p.end) for p in prefixes)

    def minus(self, other: AddressSet) -> AddressSet:
        out: list[Range] = []
        holes = other.ranges
        for family, start, end in self.ranges:
            cursor = start
            for hole_family, low, high in holes:
                if hole_family != family or high < cursor or low > end:
                    continue
                if low > cursor:
                    out.append((family, cursor, low - 1))
                cursor = max(cursor, high + 1)
                if cursor > end:
                    break
            if cursor <= end:
                out.append((family, cursor, end))
        return AddressSet(tuple(out))

    def __bool__(self) -> bool:
        return bool(self.ranges)

    @property
    def families(self) -> frozenset[int]:
        return frozenset(family for family, _, _ in self.ranges)

    def size(self) -> int:
        return sum(end - start + 1 for _, start, end in self.ranges)

    def cidrs(self) -> list[Prefix]:
        """The fewest CIDRs covering exactly the set."""
        return [p for family, start, end in self.ranges for p in range_cidrs(family, start, end)]


def range_cidrs(family: int, start: int, end: int) -> Iterator[Prefix]:
    bits = 32 if family == 4 else 128
    while start <= end:
        size = (start & -start).bit_length() - 1 if start else bits
        while size > 0 and start + (1 << size) - 1 > end:
            size -= 1
        yield Prefix(family, start, bits - size)
        start += 1 << size


def owned(net: CompiledNetwork) -> AddressSet:
    """Addresses the modelled network owns: VPC CIDRs, public and Elastic IPs, external sites, AWS service
    ranges (``com.amazonaws.*`` prefix lists and the reserved link-local service range)."""
    prefixes: list[Prefix] = [p for vpc in net.vpcs.values() for p in vpc.cidrs]
    prefixes += [p for site in net.external.values() for p in site.cidrs]
    prefixes += [p for name, found in net.prefix_lists.items() if name.startswith("com.amazonaws.") for p in found]
    prefixes += [SERVICE_RANGE_V4, SERVICE_RANGE_V6]
    singles = [(family, address, address) for family, address in net.public_index]
    return AddressSet.of([*((p.family, p.start, p.end) for p in prefixes), *singles])


def internet(net: CompiledNetwork) -> AddressSet:
    """``internet``: every globally reachable address (and the documentation ranges) the network does not own."""
    everything = AddressSet.of([(4, 0, LAST[4]), (6, INTERNET_V6.start, INTERNET_V6.end)])
    return everything.minus(AddressSet.of_prefixes(NOT_INTERNET_V4)).minus(owned(net))
