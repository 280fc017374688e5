"""Property tests: the compiled security group and network ACL look-ups (compile/rules.py: port atoms, address
maps, the scan-then-compile tiers) against a straightforward scan of the rules, on random rules and packets."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.compile.rules import _SCANS, NetworkAclTable, Peer, Rule, SecurityGroupTable
from vpcsim.protocols import ALL, ICMP, ICMPV6, PORTED

FAST = settings(max_examples=150, deadline=None)
BITS = {4: 32, 6: 128}
PROTOCOLS = (ALL, 6, 17, ICMP, ICMPV6, 47)
PORTS = (-1, 0, 1, 22, 80, 443, 1023, 1024, 8080, 65534, 65535, 65536)
ICMP_VALUES = (-1, 0, 3, 4, 8, 11, 128, 255)


# -- the straightforward answers -------------------------------------------------------------------------


def peer_matches(peer: Peer, family: int, address: int, sg_references: bool) -> bool:
    in_ranges = any(fam == family and start <= address <= end for fam, start, end in peer.ranges)
    return in_ranges or (sg_references and (family, address) in peer.members)


def rule_matches(rule: Rule, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                 address: int, sg_references: bool) -> bool:
    """R3.1/R4.3 for one rule, spelt out: protocol (or all), then ports (TCP/UDP) or type and code (ICMP)."""
    if rule.protocol not in (ALL, protocol):
        return False
    if rule.protocol in PORTED and not rule.port_low <= port <= rule.port_high:
        return False
    if rule.protocol in (ICMP, ICMPV6) and (rule.icmp_type not in (-1, icmp_type)
                                           or rule.icmp_code not in (-1, icmp_code)):
        return False
    return peer_matches(rule.peer, family, address, sg_references)


def fields_admit(rule: Rule, protocol: int, port: int, icmp_type: int, icmp_code: int) -> bool:
    """``rule_matches`` without the peer: protocol (or all), then ports (TCP/UDP) or type and code (ICMP)."""
    return (rule.protocol in (ALL, protocol)
            and (rule.protocol not in PORTED or rule.port_low <= port <= rule.port_high)
            and (rule.protocol not in (ICMP, ICMPV6) or (rule.icmp_type in (-1, icmp_type)
                                                         and rule.icmp_code in (-1, icmp_code))))


def everywhere(peer: Peer, family: int) -> bool:
    return peer.cidr_everywhere and any(fam == family for fam, _, _ in peer.ranges)


def sg_order(rules: list[Rule], protocol: int) -> list[Rule]:
    """A security group table reports the first matching rule of the protocol's, then of the all-protocol ones."""
    return [r for r in rules if r.protocol == protocol] + [r for r in rules if r.protocol == ALL and protocol != ALL]


@dataclass(frozen=True)
class Probe:
    protocol: int
    family: int
    port: int
    icmp_type: int
    icmp_code: int
    address: int
    sg_references: bool


# -- drawing rules and packets ---------------------------------------------------------------------------


@st.composite
def peers(draw: st.DrawFn, seeds: dict[int, list[int]]) -> Peer:
    """CIDRs around a few seed addresses (so they nest and overlap), sometimes many of them (a prefix list,
    past the scan limit), sometimes /0; SG members among the seeds."""
    ranges: list[tuple[int, int, int]] = []
    count = draw(st.sampled_from((0, 1, 1, 2, 3, 12)))
    for _ in range(count):
        family = draw(st.sampled_from((4, 6)))
        bits = BITS[family]
        length = draw(st.integers(0, bits))
        address = draw(st.sampled_from(seeds[family])) ^ draw(st.integers(0, 3))
        size = 1 << (bits - length)
        start = address & ~(size - 1) & ((1 << bits) - 1)
        ranges.append((family, start, start + size - 1))
    members = frozenset(draw(st.lists(st.tuples(st.sampled_from((4, 6)), st.integers(0, 3)).map(
        lambda fa: (fa[0], seeds[fa[0]][fa[1] % len(seeds[fa[0]])])), max_size=3)))
    zero = any(end - start + 1 == 1 << BITS[family] for family, start, end in ranges)
    return Peer(ranges=tuple(ranges), members=members, security_group="sg-x" if members else None,
                cidr_everywhere=zero and draw(st.booleans()))


@st.composite
def rule_sets(draw: st.DrawFn) -> tuple[list[Rule], dict[int, list[int]]]:
    seeds = {family: draw(st.lists(st.integers(0, (1 << BITS[family]) - 1), min_size=1, max_size=3))
             for family in (4, 6)}
    rules: list[Rule] = []
    for i in range(draw(st.integers(0, 14))):
        low, high = sorted(draw(st.tuples(st.sampled_from(PORTS), st.sampled_from(PORTS))))
        if draw(st.integers(0, 9)) == 0:
            low, high = high, low                         # an empty range never matches
        rules.append(Rule(draw(st.sampled_from(PROTOCOLS)), low, high, draw(st.sampled_from(ICMP_VALUES)),
                          draw(st.sampled_from(ICMP_VALUES)), draw(peers(seeds)), f"rule #{i + 1}",
                          allow=draw(st.booleans()), number=i + 1))
    return rules, seeds


@st.composite
def probes(draw: st.DrawFn, rules: list[Rule], seeds: dict[int, list[int]]) -> list[Probe]:
    """Packets at and around every port and address boundary of the rules, at SG members, and at random."""
    ports = sorted({p for r in rules for q in (r.port_low, r.port_high) for p in (q - 1, q, q + 1)} | set(PORTS))
    points: list[tuple[int, int]] = [(f, a) for f in (4, 6) for a in seeds[f]]
    for rule in rules:
        points += [(f, a) for f, start, end in rule.peer.ranges for a in (start - 1, start, end, end + 1)
                   if 0 <= a < 1 << BITS[f]]
        points += list(rule.peer.members)
    found = []
    for _ in range(draw(st.integers(1, 25))):
        family, address = draw(st.sampled_from(points))
        if draw(st.booleans()):
            family = draw(st.sampled_from((4, 6)))
            address = draw(st.integers(0, (1 << BITS[family]) - 1))
        found.append(Probe(draw(st.sampled_from(PROTOCOLS[1:])), family, draw(st.sampled_from(ports)),
                           draw(st.sampled_from(ICMP_VALUES)), draw(st.sampled_from(ICMP_VALUES)), address,
                           draw(st.booleans())))
    return found


# -- the properties ----------------------------------------------------------------------------------------


@FAST
@given(st.data())
def test_security_group_table_agrees_with_a_scan(data: st.DataObject) -> None:
    rules, seeds = data.draw(rule_sets(), label="rules")
    table = SecurityGroupTable.of(rules)
    assert table.count == len(rules)
    for probe in data.draw(probes(rules, seeds), label="packets"):
        fields = (probe.protocol, probe.family, probe.port, probe.icmp_type, probe.icmp_code, probe.address)
        ordered = sg_order(rules, probe.protocol)
        expected = next((r for r in ordered if rule_matches(r, *fields, probe.sg_references)), None)
        for _ in range(_SCANS + 2):      # a protocol's first look-ups scan, the next compiles, later ones reuse
            assert table.first_match(*fields, probe.sg_references) is expected
        assert table.opens_everything(probe.protocol, probe.family) == any(
            everywhere(r.peer, probe.family)
            and (r.protocol not in PORTED or (r.port_low, r.port_high) == (0, 65535)) for r in ordered)
        assert table.admits_from_everywhere(*fields) == any(
            everywhere(r.peer, probe.family) and rule_matches(r, *fields, False) for r in ordered)


@FAST
@given(st.data())
def test_security_group_table_admitting_agrees_with_a_scan(data: st.DataObject) -> None:
    """``admitting``: the rules whose protocol and ports (or ICMP type and code) admit a packet, whatever its
    peer, in the table's order (what the matrix asks of a table for every destination at once)."""
    rules, seeds = data.draw(rule_sets(), label="rules")
    table = SecurityGroupTable.of(rules)
    for probe in data.draw(probes(rules, seeds), label="packets"):
        expected = tuple(r for r in sg_order(rules, probe.protocol)
                         if fields_admit(r, probe.protocol, probe.port, probe.icmp_type, probe.icmp_code))
        assert table.admitting(probe.protocol, probe.port, probe.icmp_type, probe.icmp_code) == expected


@FAST
@given(st.data())
def test_network_acl_table_agrees_with_a_scan(data: st.DataObject) -> None:
    """R4.3: in rule order, the first rule whose protocol, ports or ICMP type/code and CIDR match decides."""
    rules, seeds = data.draw(rule_sets(), label="rules")
    rules = [Rule(r.protocol, r.port_low, r.port_high, r.icmp_type, r.icmp_code, Peer(ranges=r.peer.ranges),
                  r.label, r.allow, r.number) for r in rules]
    table = NetworkAclTable(tuple(rules), "acl ingress * deny")
    for probe in data.draw(probes(rules, seeds), label="packets"):
        fields = (probe.protocol, probe.family, probe.port, probe.icmp_type, probe.icmp_code, probe.address)
        expected = next((r for r in rules if rule_matches(r, *fields, True)), None)
        for _ in range(_SCANS + 2):
            assert table.first_match(*fields) is expected


@FAST
@given(st.data())
def test_network_acl_table_whose_first_rule_takes_a_whole_family(data: st.DataObject) -> None:
    """A first rule "all traffic, 0.0.0.0/0" (or ::/0, or both) answers every packet of its families at once
    (``NetworkAclTable.everything``); other families still go through the look-up."""
    rules, seeds = data.draw(rule_sets(), label="rules")
    families = data.draw(st.sampled_from(((4,), (6,), (4, 6))), label="families")
    first = Rule(ALL, 0, 65535, -1, -1, Peer(ranges=tuple((f, 0, (1 << BITS[f]) - 1) for f in families)),
                 "rule #0", allow=data.draw(st.booleans()), number=0)
    rules = [first] + [Rule(r.protocol, r.port_low, r.port_high, r.icmp_type, r.icmp_code,
                            Peer(ranges=r.peer.ranges), r.label, r.allow, r.number) for r in rules]
    table = NetworkAclTable(tuple(rules), "acl egress * deny")
    assert table.everything == frozenset(families)
    for probe in data.draw(probes(rules, seeds), label="packets"):
        fields = (probe.protocol, probe.family, probe.port, probe.icmp_type, probe.icmp_code, probe.address)
        expected = next((r for r in rules if rule_matches(r, *fields, True)), None)
        for _ in range(_SCANS + 2):
            assert table.first_match(*fields) is expected


@FAST
@given(st.data())
def test_tables_pickle_without_their_lookups_and_still_agree(data: st.DataObject) -> None:
    rules, seeds = data.draw(rule_sets(), label="rules")
    table = SecurityGroupTable.of(rules)
    checks = data.draw(probes(rules, seeds), label="packets")
    for probe in checks:
        for _ in range(_SCANS + 1):
            table.first_match(probe.protocol, probe.family, probe.port, probe.icmp_type, probe.icmp_code,
                              probe.address, probe.sg_references)
    copy = pickle.loads(pickle.dumps(table))
    assert copy == table and copy.wide_open == table.wide_open
    for probe in checks:
        fields = (probe.protocol, probe.family, probe.port, probe.icmp_type, probe.icmp_code, probe.address)
        assert copy.first_match(*fields, probe.sg_references) == table.first_match(*fields, probe.sg_references)
