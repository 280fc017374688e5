"""The *address atoms* of a compiled network: the pieces of the address space it cannot tell apart.

The network tells two addresses apart only through the prefixes it holds — routes (VPC, transit gateway and
virtual private gateway tables), SG and NACL rule peers, prefix lists, VPC, subnet and site CIDRs, endpoint
ranges and policies, AWS's reserved service range, the NAT64 prefix — and through single addresses it
compares for equality: public and Elastic IPs, the link-local services (``single_addresses``).
``Atoms`` cuts each family at every such boundary, once per compiled network (``atoms_of``, cached). Every
address of one atom meets the same routes, rules, NAT and ownership everywhere, so one conversation from (or
to) an atom's first address answers for all of it, as one port of a port atom does for its range
(``analysis.flows``). The matrix's classes (``analysis.matrix.classes.AddressAtoms``) cut at the same
prefixes but keep a subnet's interfaces together.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.address_sets import AddressSet, Range
from vpcsim.engine.components.eni import LINK_LOCAL_SERVICES
from vpcsim.engine.components.nat_gateway import NAT64_PREFIX
from vpcsim.ip import SERVICE_RANGE_V4, SERVICE_RANGE_V6, Prefix, is_address, is_cidr, parse_prefix


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
    """Addresses the engine compares for equality that a set end can hold: public and Elastic IPs, the
    link-local services, and the interface addresses of a VPC that overlaps an external site (a site's
    address inside a VPC's CIDR is delivered by address). Interface addresses elsewhere lie inside VPC CIDRs,
    which no set end holds (``address_sets.owned``); SG members match only interfaces' own private addresses
    within AWS (R3.8), which no address outside holds."""
    yield from net.public_index
    yield from LINK_LOCAL_SERVICES
    site_prefixes = [p for site in net.external.values() for p in site.cidrs]
    overlapping = {vpc.name for vpc in net.vpcs.values()
                   if any(p.overlaps(q) for p in vpc.cidrs for q in site_prefixes)}
    if overlapping:
        for vpc, family, address in net.private_index:
            if vpc in overlapping:
                yield family, address


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
