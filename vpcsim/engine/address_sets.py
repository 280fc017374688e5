"""Question ends that are sets of addresses — ``internet``, an external site, ``internet:CIDR``, a CIDR — and
the *address atoms* that answer for them exactly.

A set is sorted, disjoint address ranges per family (``AddressSet``). The network can tell two addresses apart
only through the prefixes it holds: routes (VPC, transit gateway and virtual private gateway tables), SG and
NACL rule peers, prefix lists, VPC, subnet and site CIDRs, endpoint ranges and policies, AWS's reserved
service range — and through single addresses it compares for equality: public and Elastic IPs, interface
addresses, SG members, the link-local services. ``Atoms`` cuts each family at every such boundary once per
compiled network (``atoms_of``, cached); every address of one atom meets the same routes, rules, NAT and
ownership everywhere, so one conversation from (or to) an atom's first address answers for all of it
(docs/semantics.md, "Address sets as question ends").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.components.eni import LINK_LOCAL_SERVICES
from vpcsim.engine.components.nat_gateway import NAT64_PREFIX
from vpcsim.ip import SERVICE_RANGE_V4, SERVICE_RANGE_V6, Prefix, is_address, is_cidr, parse_prefix

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


# -- what the network owns and what it can tell apart ------------------------------------------------------

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


def prefix_ranges(net: CompiledNetwork) -> Iterator[Range]:
    """Every prefix the network decides by: CIDRs, routes, sites, prefix lists, endpoints, rule peers."""
    def of(prefix: Prefix) -> Range:
        return prefix.family, prefix.start, prefix.end

    for vpc in net.vpcs.values():
        yield from map(of, vpc.cidrs)
    for subnet in net.subnets.values():
        yield from (of(p) for p in (subnet.cidr, subnet.ipv6_cidr) if p is not None)
    for table in net.route_tables.values():
        yield from (of(r.prefix) for r in table.routes)
    for tgw_table in net.tgw_route_tables.values():
        yield from (of(r.prefix) for r in tgw_table.routes)
    for vgw in net.vpn_gateways.values():
        yield from (of(r.prefix) for r in vgw.routes)
    for connection in net.connections.values():
        yield from map(of, connection.prefixes)
    for site in net.external.values():
        yield from map(of, site.cidrs)
    for prefixes in net.prefix_lists.values():
        yield from map(of, prefixes)
    for endpoint in net.endpoints.values():
        yield from map(of, endpoint.prefixes)
        if endpoint.policy:
            yield from (of(p) for p in policy_prefixes(endpoint.policy))
    yield of(SERVICE_RANGE_V4)
    yield of(SERVICE_RANGE_V6)
    for rule in net.rules():
        yield from rule.peer.ranges


_WORD = re.compile(r"[0-9A-Fa-f:.]+(?:/\d+)?")


def policy_prefixes(policy: Any) -> Iterator[Prefix]:
    """Every address or CIDR written anywhere in an endpoint policy (``aws:VpcSourceIp`` conditions…)."""
    if isinstance(policy, dict):
        for value in policy.values():
            yield from policy_prefixes(value)
    elif isinstance(policy, list):
        for value in policy:
            yield from policy_prefixes(value)
    elif isinstance(policy, str):
        for word in _WORD.findall(policy):
            if ("." in word or ":" in word) and (is_cidr(word) or is_address(word)):
                yield parse_prefix(word if "/" in word else f"{word}/{32 if '.' in word else 128}")


def shared_addresses(net: CompiledNetwork) -> set[tuple[int, int]]:
    """Private addresses more than one VPC uses (a reply may reach the wrong one, R9.6)."""
    seen: dict[tuple[int, int], str] = {}
    shared: set[tuple[int, int]] = set()
    for vpc, family, address in net.private_index:
        first = seen.setdefault((family, address), vpc)
        if first != vpc:
            shared.add((family, address))
    return shared


def single_addresses(net: CompiledNetwork) -> Iterator[tuple[int, int]]:
    """Addresses the engine compares for equality: public and Elastic IPs, interface addresses, SG members,
    the link-local services."""
    yield from net.public_index
    for _, family, address in net.private_index:
        yield family, address
    for rule in net.rules(network_acls=False):
        yield from rule.peer.members
    yield from LINK_LOCAL_SERVICES


class Atoms:
    """Each family cut at every boundary the network decides by (module docstring)."""

    def __init__(self, net: CompiledNetwork) -> None:
        cuts: dict[int, set[int]] = {4: set(), 6: set()}
        for family, start, end in prefix_ranges(net):
            cuts[family].update((start, end + 1))
        for family, address in single_addresses(net):
            cuts[family].update((address, address + 1))
        cuts[6].update((NAT64_PREFIX.start, NAT64_PREFIX.end + 1))
        self.cuts = {family: tuple(sorted(points)) for family, points in cuts.items()}

    def split(self, addresses: AddressSet) -> list[Range]:
        """The atoms of ``addresses``: its ranges cut at every boundary inside them, in address order."""
        atoms: list[Range] = []
        for family, start, end in addresses.ranges:
            points = self.cuts[family]
            i = bisect_right(points, start)
            cursor = start
            while i < len(points) and points[i] <= end:
                atoms.append((family, cursor, points[i] - 1))
                cursor = points[i]
                i += 1
            atoms.append((family, cursor, end))
        return atoms


_ATOMS: dict[int, tuple[CompiledNetwork, Atoms]] = {}


def atoms_of(net: CompiledNetwork) -> Atoms:
    """The network's atoms, computed once per compiled network (the last few networks are kept)."""
    found = _ATOMS.get(id(net))
    if found is not None and found[0] is net:
        return found[1]
    if len(_ATOMS) >= 8:
        _ATOMS.clear()
    atoms = Atoms(net)
    _ATOMS[id(net)] = (net, atoms)
    return atoms
