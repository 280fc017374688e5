"""Security group and network ACL rules, compiled into tables a packet is matched against (§3, §4).

Rules are grouped by protocol number (``-1`` holds the all-protocol rules), so a packet only looks at the
rules that can match it. Peers are integer ranges or frozen address sets; labels are built here once,
in console words ("web ingress #1", "private ingress 100").

A table that is used does not scan its rules (DESIGN §8: "SG/NACL rule tables keyed by protocol and port
atoms"). Per table and protocol, an atom holds the rules that can match one destination port (TCP, UDP), one
ICMP (type, code), or any packet (other protocols), in precedence order, with the position of the first of
them whose CIDRs hold each address: a few spans scanned, or past ``_SCAN`` spans (prefix lists) an interval
map. A look-up is a dict look-up for the atom, then the spans or a bisect for the address (plus a set look-up
per security-group-reference rule ahead of that).

What a rule matches is written once, in ``matching``: ``Rule.matches``, the scans, the choice of an atom's
candidates and ``SecurityGroupTable.admitting`` (what the matrix asks of a table for every peer at once) all
go through it; only the atoms' address look-up is their own.

Nothing is built at compile time: a topology has thousands of tables and a batch of traces touches only some
protocols and ports of each. A protocol's first ``_SCANS`` look-ups scan its rules (``matching``); the next
ones build the atom they need, when first asked for. Building an atom costs about two scans of a NACL and
three to five of a security group table at M (measured: ~5.5 and ~6.5 µs against ~2.6 and ~1.8 µs), so a
table never pays much more than the better choice in hindsight would have (the ski-rental rule), and a table
used once costs what a scan costs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vpcsim.compile.compact import Compact
from vpcsim.protocols import ALL, ICMPS, PORTED

ANY_FAMILY = 0                   # ``matching`` without an address: whatever the peer

_BELOW = -(1 << 200)          # below every port and address: the first atom / interval starts here
_SCAN = 8                     # spans an atom scans; more (prefix lists) get an interval map
_SCANS = 3                    # look-ups of a protocol answered by a scan before its rules are compiled
_LAST_ADDRESS = {4: (1 << 32) - 1, 6: (1 << 128) - 1}
_KEYS = 4096                  # atoms (ports, ICMP types and codes) kept per table and protocol; beyond, not kept


@dataclass(frozen=True, slots=True)
class Peer:
    """What a rule's other side matches: address ranges (CIDRs, prefix lists) and/or SG member addresses."""

    ranges: tuple[tuple[int, int, int], ...] = ()      # (family, start, end)
    members: frozenset[tuple[int, int]] = frozenset()  # (family, address): private IPs of an SG's ENIs
    security_group: str | None = None
    cidr_everywhere: bool = False                      # 0.0.0.0/0 or ::/0 (R3.10 untracked flows)
    everywhere: frozenset[int] = field(init=False, repr=False, compare=False)   # families of cidr_everywhere

    def __post_init__(self) -> None:
        # Worked out once: a prefix-list peer can hold hundreds of ranges, and R3.10 asks this per packet.
        families = frozenset(family for family, _, _ in self.ranges) if self.cidr_everywhere else frozenset()
        object.__setattr__(self, "everywhere", families)

    def __reduce__(self) -> tuple[Any, ...]:
        return Peer, (self.ranges, self.members, self.security_group, self.cidr_everywhere)  # see Compact

    def matches(self, family: int, address: int, sg_references: bool = True) -> bool:
        """The address half of ``matching``: a range holds it, or (with references) it is a member's."""
        for fam, start, end in self.ranges:
            if fam == family and start <= address <= end:
                return True
        return sg_references and (family, address) in self.members

    def is_everywhere(self, family: int) -> bool:
        """0.0.0.0/0 (family 4) or ::/0 (family 6): the peer R3.10 asks about for untracked flows."""
        return family in self.everywhere


@dataclass(frozen=True, slots=True)
class Rule(Compact):
    protocol: int
    port_low: int
    port_high: int
    icmp_type: int           # -1 = any
    icmp_code: int           # -1 = any
    peer: Peer
    label: str
    allow: bool = True
    number: int = 0
    path: tuple[str | int, ...] = ()

    def matches(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                peer_address: int, sg_references: bool = True) -> bool:
        """The rule matches a packet with these fields from (or to) ``peer_address`` (``matching``)."""
        return next(matching((self,), protocol, port, icmp_type, icmp_code, family, peer_address, sg_references),
                    None) is not None

    def opens_everything(self, protocol: int, family: int) -> bool:
        """R3.10: the rule allows all ``protocol`` traffic to/from 0.0.0.0/0 (or ::/0) on every port."""
        if self.protocol != ALL and self.protocol != protocol:
            return False
        return _on_every_port(self) and self.peer.is_everywhere(family)


def matching(rules: Iterable[Rule], protocol: int, port: int, icmp_type: int, icmp_code: int,
             family: int = ANY_FAMILY, address: int = 0, sg_references: bool = True) -> Iterator[Rule]:
    """The rules, in order, that match a packet (R3.4, R4.7): its protocol, or all; for TCP and UDP a port
    range holding its destination port; for ICMP and ICMPv6 its type and code (-1 for any); and a peer holding
    ``address`` of ``family`` (``Peer.matches``; SG member addresses only with ``sg_references``).

    With ``family`` left at ``ANY_FAMILY`` the peer is not asked: the rules the packet's fields admit from
    some peer. The one place a rule is matched; a generator, so a scan stops at the first match, and the rules
    its fields rule out cost no call."""
    ported = protocol in PORTED
    icmp = protocol in ICMPS
    for rule in rules:
        kind = rule.protocol
        if kind != protocol:
            if kind != ALL:
                continue
        elif ported:
            if not rule.port_low <= port <= rule.port_high:
                continue
        elif icmp and ((rule.icmp_type != -1 and rule.icmp_type != icmp_type)
                       or (rule.icmp_code != -1 and rule.icmp_code != icmp_code)):
            continue
        if family == ANY_FAMILY or rule.peer.matches(family, address, sg_references):
            yield rule


def _on_every_port(rule: Rule) -> bool:
    """R3.10: the rule does not narrow ports (all ports of TCP or UDP, or a protocol without ports)."""
    return rule.protocol not in PORTED or (rule.port_low, rule.port_high) == (0, 65535)


# -- compiled look-ups ------------------------------------------------------------------------------------


def _address_map(spans: list[tuple[int, int, int]], missing: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(starts, firsts)``: from ``starts[i]`` up to the next start, ``firsts[i]`` is the least rule position
    among the ``(start, end, position)`` spans covering the address (``missing`` where none does)."""
    starts = [_BELOW]
    firsts = [missing]
    if not spans:
        return tuple(starts), tuple(firsts)
    spans.sort()
    points = sorted({start for start, _, _ in spans} | {end + 1 for _, end, _ in spans})
    active: list[tuple[int, int]] = []            # heap of (position, end); ended spans leave lazily
    following = 0
    for point in points:
        while following < len(spans) and spans[following][0] <= point:
            _, end, position = spans[following]
            heapq.heappush(active, (position, end))
            following += 1
        while active and active[0][1] < point:
            heapq.heappop(active)
        first = active[0][0] if active else missing
        if first != firsts[-1]:
            starts.append(point)
            firsts.append(first)
    return tuple(starts), tuple(firsts)


Spans = tuple[tuple[int, int, int], ...]


def _addresses(spans: list[tuple[int, int, int]], missing: int) -> tuple[Spans, tuple[int, ...], tuple[int, ...]]:
    """One family's CIDRs of an atom's candidates as ``(spans, starts, firsts)``: the ``(start, end, position)``
    spans in rule order, scanned while they are few; past ``_SCAN`` spans (prefix lists), an interval map
    searched by bisect instead (``starts`` not empty)."""
    if len(spans) <= _SCAN:
        return tuple(spans), (), ()
    starts, firsts = _address_map(spans, missing)
    return (), starts, firsts


@dataclass(frozen=True, slots=True)
class _Atom:
    """The rules that can match one run of ports (or one ICMP type and code), and who matches which address."""

    found: tuple[Rule | None, ...]                     # the candidate rules in precedence order, then None
    missing: int                                       # the position of that None
    addresses: dict[int, tuple[Spans, tuple[int, ...], tuple[int, ...]]]   # family -> _addresses(...)
    members: tuple[tuple[int, frozenset[tuple[int, int]]], ...]   # (position, SG member addresses), in order

    @classmethod
    def of(cls, rules: list[Rule]) -> _Atom:
        missing = len(rules)
        spans: dict[int, list[tuple[int, int, int]]] = {}
        members: list[tuple[int, frozenset[tuple[int, int]]]] = []
        for position, rule in enumerate(rules):
            peer = rule.peer
            for family, start, end in peer.ranges:
                spans.setdefault(family, []).append((start, end, position))
            if peer.members:
                members.append((position, peer.members))
        return cls((*rules, None), missing, {family: _addresses(s, missing) for family, s in spans.items()},
                   tuple(members))


@dataclass(slots=True)
class _ProtocolLookup:
    """One protocol's rules of a table, as atoms: one per destination port asked (TCP, UDP), per (type, code)
    (ICMP), or a single one (other protocols), each built when first asked for.

    Keyed by the port itself rather than by runs of ports: working out the runs meant sorting every rule's port
    boundaries before the first answer, the larger part of a build (most tables answer a handful of ports). A
    cache the table owns and fills as packets ask (mutable, private), at most ``_KEYS`` atoms kept; what it
    holds is derived from the table's rules only."""

    protocol: int
    rules: tuple[Rule, ...]                            # every rule that can match the protocol, in precedence order
    ported: bool
    atoms: dict[int | tuple[int, int] | None, _Atom]

    @classmethod
    def of(cls, protocol: int, rules: tuple[Rule, ...]) -> _ProtocolLookup:
        return cls(protocol, rules, protocol in PORTED, {})

    def atom(self, port: int, icmp_type: int, icmp_code: int) -> _Atom:
        key: int | tuple[int, int] | None
        if self.ported:
            key = port
        elif self.protocol in ICMPS:
            key = (icmp_type, icmp_code)
        else:
            key = None
        found = self.atoms.get(key)
        if found is None:
            found = _Atom.of(list(matching(self.rules, self.protocol, port, icmp_type, icmp_code)))
            if len(self.atoms) < _KEYS:
                self.atoms[key] = found
        return found

    def first(self, port: int, icmp_type: int, icmp_code: int, family: int, address: int, sg_references: bool
              ) -> Rule | None:
        """The first candidate whose peer matches ``address`` (R3.1 / R4.3 order): the atom of the port (a dict
        look-up), a short scan or a bisect for the address, a set look-up per SG-reference rule ahead of the
        match."""
        atom = self.atoms.get(port) if self.ported else None        # self.atom(...), inlined for TCP and UDP
        if atom is None:
            atom = self.atom(port, icmp_type, icmp_code)
        position = atom.missing
        entry = atom.addresses.get(family)
        if entry is not None:
            spans, starts, firsts = entry
            if starts:
                position = firsts[bisect_right(starts, address) - 1]
            else:
                for start, end, at in spans:
                    if start <= address <= end:
                        position = at
                        break
        if sg_references and atom.members:
            key = (family, address)
            for at, members in atom.members:
                if at >= position:
                    break
                if key in members:
                    position = at
                    break
        return atom.found[position]


def _fresh(cls: Any, state: tuple[Any, ...]) -> Any:
    """Unpickle a table from its rules alone: the look-ups it built are rebuilt on use, not shipped."""
    return cls(*state)


@dataclass(frozen=True, slots=True)
class SecurityGroupTable:
    """The union of the rules of every SG on an ENI, one direction (R3.1: any match allows).

    Look-ups scan a protocol's rules ``_SCANS`` times, then compile them (``_ProtocolLookup``: see the module
    docstring)."""

    by_protocol: dict[int, tuple[Rule, ...]]
    count: int
    wide_open: frozenset[tuple[int, int]] = field(init=False, repr=False, compare=False)
    from_everywhere: tuple[Rule, ...] = field(init=False, repr=False, compare=False)   # peer 0.0.0.0/0 or ::/0
    _lookups: dict[int, _ProtocolLookup] = field(default_factory=dict, init=False, repr=False, compare=False)
    _scans: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # R3.10 asks per allowed packet whether the other direction opens everything: one pass over the
        # rules here answers it for every protocol, (protocol or ALL, family) of the rules that do.
        wide: set[tuple[int, int]] = set()
        everywhere: list[Rule] = []
        for rules in self.by_protocol.values():
            for rule in rules:
                families = rule.peer.everywhere
                if families:
                    everywhere.append(rule)
                    if _on_every_port(rule):
                        wide.update((rule.protocol, family) for family in families)
        object.__setattr__(self, "wide_open", frozenset(wide))
        # R3.10 asks admits_from_everywhere of every allowed TCP/UDP packet whose other direction opens
        # everything: only these rules can answer yes (none, in most tables).
        object.__setattr__(self, "from_everywhere", tuple(everywhere))

    def __reduce__(self) -> tuple[Any, ...]:
        return _fresh, (SecurityGroupTable, (self.by_protocol, self.count))

    def _candidates(self, protocol: int) -> tuple[Rule, ...]:
        """What a ``protocol`` packet can match, in order: the protocol's rules, then the all-protocol ones."""
        if protocol == ALL:
            return self.by_protocol.get(ALL, ())
        return (*self.by_protocol.get(protocol, ()), *self.by_protocol.get(ALL, ()))

    def first_match(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                    peer: int, sg_references: bool = True) -> Rule | None:
        """The rule that allows the packet: the first of the protocol's rules, then of the all-protocol rules."""
        lookup = self._lookups.get(protocol)
        if lookup is None:
            scans = self._scans.get(protocol, 0)
            if scans < _SCANS:
                self._scans[protocol] = scans + 1
                return next(matching(self._candidates(protocol), protocol, port, icmp_type, icmp_code, family,
                                     peer, sg_references), None)
            lookup = self._lookups[protocol] = _ProtocolLookup.of(protocol, self._candidates(protocol))
        return lookup.first(port, icmp_type, icmp_code, family, peer, sg_references)

    def opens_everything(self, protocol: int, family: int) -> bool:
        """R3.10: some rule allows all ``protocol`` traffic to/from everywhere, on all ports (compiled once)."""
        return (protocol, family) in self.wide_open or (ALL, family) in self.wide_open

    def admits_from_everywhere(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                               peer: int) -> bool:
        """R3.10: a rule whose peer is 0.0.0.0/0 (or ::/0) allows this packet (not only a narrower one)."""
        allowing = matching(self.from_everywhere, protocol, port, icmp_type, icmp_code, family, peer, False)
        return any(family in rule.peer.everywhere for rule in allowing)

    def admitting(self, protocol: int, port: int, icmp_type: int, icmp_code: int) -> tuple[Rule, ...]:
        """The rules that allow a packet with these fields from (or to) some peer, whichever: the protocol's,
        then the all-protocol ones (``matching`` without an address). For an analysis that decides every
        peer at once."""
        return tuple(matching(self._candidates(protocol), protocol, port, icmp_type, icmp_code))

    @classmethod
    def of(cls, rules: list[Rule]) -> SecurityGroupTable:
        grouped: dict[int, list[Rule]] = {}
        for rule in rules:
            grouped.setdefault(rule.protocol, []).append(rule)
        return cls({k: tuple(v) for k, v in grouped.items()}, len(rules))


@dataclass(frozen=True, slots=True)
class NetworkAclTable:
    """One direction of a NACL for one family: numbered rules, lowest first, first match wins (R4.3).

    Compiled per protocol after ``_SCANS`` look-ups, as security group tables are."""

    rules: tuple[Rule, ...]
    default_label: str
    everything: frozenset[int] = field(init=False, repr=False, compare=False)   # families rule 1 decides alone
    _lookups: dict[int, _ProtocolLookup] = field(default_factory=dict, init=False, repr=False, compare=False)
    _scans: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Most subnets keep a NACL whose first rule is "all traffic, 0.0.0.0/0" (the default NACL): it is the
        # first match of every packet of that family, so no look-up is needed.
        first = self.rules[0] if self.rules else None
        families = frozenset(family for family, start, end in first.peer.ranges
                             if start == 0 and end == _LAST_ADDRESS.get(family)) \
            if first is not None and first.protocol == ALL else frozenset()
        object.__setattr__(self, "everything", families)

    def __reduce__(self) -> tuple[Any, ...]:
        return _fresh, (NetworkAclTable, (self.rules, self.default_label))

    def first_match(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                    peer: int) -> Rule | None:
        if family in self.everything:
            return self.rules[0]
        lookup = self._lookups.get(protocol)
        if lookup is None:
            scans = self._scans.get(protocol, 0)
            if scans < _SCANS:
                self._scans[protocol] = scans + 1
                return next(matching(self.rules, protocol, port, icmp_type, icmp_code, family, peer), None)
            lookup = self._lookups[protocol] = _ProtocolLookup.of(
                protocol, tuple(r for r in self.rules if r.protocol in (ALL, protocol)))
        return lookup.first(port, icmp_type, icmp_code, family, peer, True)
