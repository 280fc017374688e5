"""What ``internet`` holds, and how a set is split into the atoms the network can tell apart
(vpcsim/engine/address_sets.py, address_atoms.py; docs/semantics.md "Address sets as question ends")."""

from __future__ import annotations

import ipaddress
from itertools import pairwise
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import vpcsim
from vpcsim.engine.address_atoms import atoms_of
from vpcsim.engine.address_sets import AddressSet, internet, range_cidrs
from vpcsim.engine.ends import EndKind, resolve_set
from vpcsim.ip import parse_address, parse_prefix

ROOT = Path(__file__).resolve().parents[3]
BASTION = ROOT / "tests" / "semantics" / "topologies" / "sets_bastion_ssh_from_one_address.yaml"
PUBLIC_WEB = ROOT / "topologies" / "public-web.yaml"


def _holds(addresses: AddressSet, text: str) -> bool:
    family, value = parse_address(text)
    return any(f == family and lo <= value <= hi for f, lo, hi in addresses.ranges)


def test_internet_holds_public_and_documentation_addresses_but_not_private_shared_or_owned_ones() -> None:
    net = vpcsim.load(BASTION, cache=False).compiled
    everyone = internet(net)
    for inside in ("8.8.8.8", "203.0.113.200", "198.51.100.10", "192.0.2.1", "2600::1", "2001:db8::1"):
        assert _holds(everyone, inside), inside
    for outside in ("10.0.1.10", "10.200.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1",
                    "169.254.169.254", "224.0.0.1", "255.255.255.255", "0.0.0.1",
                    "198.51.100.7",              # the bastion's public IP: owned
                    "fd00::1", "fe80::1", "::1"):
        assert not _holds(everyone, outside), outside


def test_the_sg_rules_32_is_an_atom_of_its_own() -> None:
    net = vpcsim.load(BASTION, cache=False).compiled
    atoms = atoms_of(net).split(internet(net))
    host = parse_address("203.0.113.200")[1]
    assert (4, host, host) in atoms
    assert (4, host + 1, host + 1) not in atoms       # the next address joins the atom that follows


def test_atoms_cover_the_set_exactly_and_no_prefix_of_the_network_cuts_one() -> None:
    net = vpcsim.load(PUBLIC_WEB, cache=False).compiled
    everyone = internet(net)
    atoms = atoms_of(net).split(everyone)
    assert AddressSet.of(atoms) == everyone
    assert all(a[2] < b[1] or a[0] != b[0] for a, b in pairwise(atoms))
    admin = parse_prefix("198.51.100.0/24")
    for family, start, end in atoms:           # each atom is inside the admin range or outside it
        inside = admin.contains(family, start)
        assert inside == admin.contains(family, end)


def test_atoms_are_computed_once_per_network() -> None:
    net = vpcsim.load(PUBLIC_WEB, cache=False).compiled
    assert atoms_of(net) is atoms_of(net)


def test_a_site_is_all_of_its_cidrs_and_a_cidr_narrows_the_set() -> None:
    net = vpcsim.load(ROOT / "topologies" / "hybrid-vpn-dx.yaml", cache=False).compiled
    name, site = next(iter(net.external.items()))
    found = resolve_set(net, name, "from")
    assert found is not None and found.kind is EndKind.SITE
    assert found.addresses == AddressSet.of_prefixes(site.cidrs)
    narrowed = resolve_set(net, "internet:203.0.113.0/28", "from")
    assert narrowed is not None and narrowed.addresses.cidrs() == [parse_prefix("203.0.113.0/28")]
    assert resolve_set(net, "internet:203.0.113.9", "from") is None        # one address: as before
    assert resolve_set(net, "203.0.113.9/32", "from") is None


@given(st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255)), max_size=6),
       st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255)), max_size=6))
def test_minus_and_cidrs_agree_with_ipaddress(kept: list[tuple[int, int]], holes: list[tuple[int, int]]) -> None:
    ranges = [(4, min(a, b), max(a, b)) for a, b in kept]
    removed = [(4, min(a, b), max(a, b)) for a, b in holes]
    left = AddressSet.of(ranges).minus(AddressSet.of(removed))
    expected = {x for _, lo, hi in ranges for x in range(lo, hi + 1)} - \
        {x for _, lo, hi in removed for x in range(lo, hi + 1)}
    got = {x for p in left.cidrs() for x in range(p.start, p.end + 1)}
    assert got == expected and left.size() == len(expected)
    for _, lo, hi in left.ranges:
        networks = list(ipaddress.summarize_address_range(ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi)))
        assert [str(p) for p in range_cidrs(4, lo, hi)] == [str(n) for n in networks]
