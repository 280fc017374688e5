"""The pieces the matrix is built from agree with the straightforward versions: profiles of address
intervals (regions.Cuts), destination masks (destinations.Destinations) and rule matching whatever the peer
(rule_matching)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import vpcsim
from vpcsim.analysis.matrix.classes import MemberClasses, NetClasses
from vpcsim.analysis.matrix.destinations import Destinations, bits, runs
from vpcsim.analysis.matrix.regions import Cuts
from vpcsim.analysis.matrix.rule_matching import Fields
from vpcsim.compile.rules import Peer, Rule, SecurityGroupTable
from vpcsim.protocols import ALL, ICMP, ICMPV6, TCP, UDP

ROOT = Path(__file__).resolve().parents[2]
SPACE = 64

intervals = st.lists(st.tuples(st.integers(0, SPACE - 1), st.integers(0, SPACE - 1)).map(lambda t: (min(t), max(t))),
                     max_size=8)


def _containing(found: list[tuple[int, int]], address: int) -> frozenset[tuple[int, int]]:
    return frozenset(i for i in found if i[0] <= address <= i[1])


@given(intervals)
def test_equal_profiles_are_equal_sets_of_containing_intervals(found: list[tuple[int, int]]) -> None:
    cuts = Cuts.of(found)
    for a in range(SPACE):
        for b in range(SPACE):
            assert (cuts.profile(a) == cuts.profile(b)) == (_containing(found, a) == _containing(found, b))


@given(intervals, st.integers(0, SPACE - 1))
def test_ranges_of_a_profile_are_exactly_its_addresses(found: list[tuple[int, int]], address: int) -> None:
    cuts = Cuts.of(found)
    profile = cuts.profile(address)
    covered = {a for start, end in cuts.ranges(profile, 0, SPACE - 1) for a in range(start, end + 1)}
    assert covered == {a for a in range(SPACE) if cuts.profile(a) == profile}


@given(st.integers(0, (1 << 200) - 1))
def test_bits_and_runs(mask: int) -> None:
    positions = [i for i in range(mask.bit_length()) if (mask >> i) & 1]
    assert list(bits(mask)) == positions
    assert [i for start, stop in runs(mask) for i in range(start, stop)] == positions


def test_range_masks_hold_the_destinations_inside_the_range_in_either_order() -> None:
    net = vpcsim.load(ROOT / "topologies" / "hub-spoke-tgw.yaml").compiled
    grouping = NetClasses(MemberClasses(net))
    ordered = Destinations(grouping)
    shuffled = Destinations(grouping, list(reversed(ordered.members)))
    assert ordered.contiguous and not shuffled.contiguous
    for destinations in (ordered, shuffled):
        for start, end in [(0, (1 << 32) - 1), (10 << 24, (11 << 24) - 1), *((c.address, c.address)
                                                                          for c in grouping.ordered if c.address)]:
            inside = {e.name for e in destinations.members
                      if (a := grouping.of[e.name].address) is not None and start <= a <= end}
            assert set(destinations.names_of(destinations.range_mask(start, end))) == inside
        for rank, cls in enumerate(destinations.ranked):
            assert set(destinations.names_of(destinations.class_mask(rank))) == set(cls.names)
        assert destinations.classes_mask(0b101) == destinations.class_mask(0) | destinations.class_mask(2)


rules = st.builds(lambda protocol, low, span, icmp_type, icmp_code: Rule(
    protocol, low, min(low + span, 65535), icmp_type, icmp_code, Peer(((4, 0, (1 << 32) - 1),)), "r"),
    st.sampled_from([ALL, ICMP, TCP, UDP, ICMPV6, 47]), st.integers(0, 65535), st.integers(0, 2000),
    st.integers(-1, 3), st.integers(-1, 3))
fields = st.tuples(st.sampled_from([ICMP, TCP, UDP, ICMPV6, 47]), st.integers(0, 65535), st.integers(0, 3),
                   st.integers(0, 3))


@given(rules, fields)
def test_the_matrix_matches_rules_as_the_engine_does_whatever_the_peer(rule: Rule, packet: Fields) -> None:
    """``SecurityGroupTable.admitting`` (the matrix's question: which rules admit these fields from some peer)
    is ``Rule.matches`` without the peer (a peer that holds every address)."""
    protocol, port, icmp_type, icmp_code = packet
    matches = rule.matches(protocol, 4, port, icmp_type, icmp_code, 1)
    assert SecurityGroupTable.of([rule]).admitting(*packet) == ((rule,) if matches else ())
