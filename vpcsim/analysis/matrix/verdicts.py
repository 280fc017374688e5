"""The two end security groups of a conversation, decided for every destination at once (as masks).

Security group rules only allow, and an interface's rules are their union (R3.1): a packet passes when some
rule matching its protocol and port has a peer containing the other end — an address range, or the private
address of a member of a security group where references hold (R3.7, R3.8). So:

* the destinations a source's egress rules let it reach are the union of the masks of its matching rules'
  (``SecurityGroupTable.admitting``) peers (``Destinations.range_mask``; members by address), the group part only where
  the engine says references hold between the two (``eni.egress_references_ok``);
* the destinations whose ingress rules admit a source are the union, over the peers containing the source's
  address, of the destinations having a matching rule with that peer (``_Ingress``: built once per flow).

A denial's explanation code comes from the engine's own ENI handler, called once for one member pair of
each kind of denial (no rules at all; a group reference that would have matched; a plain mismatch), which
are the only things the code depends on.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.classes import Member, NetClass
from vpcsim.analysis.matrix.destinations import Destinations, bits, mask_of_positions
from vpcsim.analysis.matrix.middle import Middle
from vpcsim.analysis.matrix.outcomes import Outcome
from vpcsim.analysis.matrix.rule_matching import Fields, fields_of
from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import SecurityGroupTable
from vpcsim.engine import simulate
from vpcsim.engine.components import eni as eni_handler
from vpcsim.engine.events import Arrival, At, Context, Step
from vpcsim.engine.results import ENDS_IN, Disposition
from vpcsim.engine.state import State

Denials = list[tuple[int, Outcome]]


@dataclass(slots=True)
class _Egress:
    allowed: int                # the destinations the rules let the source reach
    would: int                  # and those a group rule would reach if references held everywhere
    empty: bool                 # no rules at all


@dataclass(slots=True)
class _Ingress:
    """For one flow: which destinations admit which sources."""

    ranges: dict[tuple[int, int], int] = field(default_factory=dict)   # IPv4 prefix -> destinations with a rule
    odd: list[tuple[int, int, int]] = field(default_factory=list)       # other IPv4 ranges: (start, end, mask)
    groups: dict[frozenset[tuple[int, int]], int] = field(default_factory=dict)   # SG members -> destinations
    member_of: dict[tuple[int, int], list[frozenset[tuple[int, int]]]] = field(default_factory=dict)
    none: int = 0               # no security group applies (not an interface, or R3.14)
    empty: int = 0              # security groups without rules


class Verdicts:
    """The end security groups of one network for one flow, over the destinations of a matrix."""

    def __init__(self, net: CompiledNetwork, destinations: Destinations, flow: Flow) -> None:
        self.net = net
        self.destinations = destinations
        self.flow = flow
        self.fields: Fields = fields_of(simulate.first_packet(flow.protocol, 4, 0, 0, flow.port, None))
        of = destinations.grouping.of
        self._by_address = {e.eni.primary_ip: i for i, e in enumerate(destinations.members)    # special: traced
                            if e.eni is not None and e.eni.primary_ip is not None and not of[e.name].special}
        self._egress: dict[tuple[int, str], _Egress] = {}
        self._members: dict[frozenset[tuple[int, int]], int] = {}
        self._references: dict[tuple[str, int], bool] = {}
        self._ingress: dict[Fields, _Ingress] = {}
        self._admitting: dict[tuple[Hashable, Fields], tuple[int, int]] = {}
        self._denials: dict[Hashable, Outcome] = {}

    # -- egress -------------------------------------------------------------------------------------------

    def egress(self, a: Member, regular: int) -> tuple[int, Denials]:
        """The destinations ``a``'s egress rules allow, and the denied ones of ``regular`` by outcome."""
        eni = a.eni
        assert eni is not None and eni.egress is not None
        verdict = self._egress_of(eni)
        denied = regular & ~verdict.allowed
        if not denied:
            return verdict.allowed, []
        parts: Denials = []
        for part, would in ((denied & verdict.would, True), (denied & ~verdict.would, False)):
            if part:
                why = ("egress", verdict.empty, would)
                outcome = self._denials.get(why)
                if outcome is None:
                    outcome = self._denials[why] = self._egress_denial(eni, self._first(part))
                parts.append((part, outcome))
        return verdict.allowed, parts

    def _egress_of(self, eni: Eni) -> _Egress:
        table = eni.egress
        assert table is not None
        key = (id(table), eni.vpc)
        found = self._egress.get(key)
        if found is not None:
            return found
        destinations = self.destinations
        ranges = 0
        groups = 0
        for rule in table.admitting(*self.fields):
            for family, start, end in rule.peer.ranges:
                if family == 4:
                    ranges |= destinations.range_mask(start, end)
            if rule.peer.members:
                groups |= self._members_mask(rule.peer.members)
        allowed = ranges
        for position in bits(groups & ~ranges):
            if self._references_hold(eni, position):
                allowed |= 1 << position
        found = self._egress[key] = _Egress(allowed, groups, table.count == 0)
        return found

    def _members_mask(self, members: frozenset[tuple[int, int]]) -> int:
        found = self._members.get(members)
        if found is None:
            positions = self._by_address
            found = 0
            for family, address in members:
                position = positions.get(address) if family == 4 else None
                if position is not None:
                    found |= 1 << position
            self._members[members] = found
        return found

    def _references_hold(self, eni: Eni, position: int) -> bool:
        """R3.7/R8.15, as the engine decides it for a packet to that destination."""
        d = self.destinations.member_at(position)
        key = (eni.vpc, self.destinations.grouping.of[d.name].index)     # a class lies in one address atom
        found = self._references.get(key)
        if found is None:
            packet = simulate.first_packet(self.flow.protocol, 4, eni.primary_ip or 0, self._address_at(position),
                                      self.flow.port, None)
            found = self._references[key] = eni_handler.egress_references_ok(self.net, eni, packet)
        return found

    def _address_at(self, position: int) -> int:
        """The destination's own address (group membership is per member, not per class)."""
        d = self.destinations.member_at(position)
        if d.eni is not None and d.eni.primary_ip is not None:
            return d.eni.primary_ip
        address = self.destinations.grouping.of[d.name].address
        assert address is not None
        return address

    def _egress_denial(self, eni: Eni, position: int) -> Outcome:
        address = self._address_at(position)
        assert eni.primary_ip is not None
        packet = simulate.first_packet(self.flow.protocol, 4, eni.primary_ip, address, self.flow.port, None)
        step = eni_handler.handle_out(self.net, State(), Arrival(At.ENI_OUT, eni.name, packet,
                                                                 Context(vpc=eni.vpc, az=eni.az)))
        return _denial(step)

    # -- ingress ------------------------------------------------------------------------------------------

    def ingress(self, a: Member, source: NetClass, middle: Middle, arriving: int) -> tuple[int, Denials]:
        """Of the destinations ``arriving`` (the request reaches them as ``middle`` says), those whose ingress
        rules admit ``a``, and the denied ones by outcome."""
        fields = middle.fields
        assert fields is not None
        tables = self.ingress_tables(fields)
        key: Hashable
        if middle.source is None:
            assert a.eni is not None and a.eni.primary_ip is not None
            address, key = a.eni.primary_ip, (source.index, a.eni.security_groups)
        else:
            address, key = middle.source, ("fixed", middle.source)
        found = self._admitting.get((key, fields))
        if found is None:
            found = self._admitting[(key, fields)] = self._admitting_of(tables, address)
        by_ranges, by_groups = found
        admitted = tables.none | by_ranges | (by_groups if middle.sg_references else 0)
        denied = arriving & ~admitted
        if not denied:
            return admitted, []
        parts: Denials = []
        empty = denied & tables.empty
        rest = denied & ~tables.empty
        tgw = middle.entered_via == "tgw"
        for part, count0, would in ((empty, True, False), (rest & by_groups, False, True),
                                    (rest & ~by_groups, False, False)):
            if part:
                why = ("ingress", count0, middle.sg_references, tgw, would)
                outcome = self._denials.get(why)
                if outcome is None:
                    outcome = self._denials[why] = self._ingress_denial(middle, address, self._first(part))
                parts.append((part, outcome))
        return admitted, parts

    def ingress_tables(self, fields: Fields) -> _Ingress:
        found = self._ingress.get(fields)
        if found is None:
            found = self._ingress[fields] = self._build_ingress(fields)
        return found

    def _build_ingress(self, fields: Fields) -> _Ingress:
        tables = _Ingress()
        by_table: dict[int, tuple[SecurityGroupTable, list[int]]] = {}
        none: list[int] = []
        for position, destination in enumerate(self.destinations.members):
            table = destination.eni.ingress if destination.eni is not None else None
            if table is None:
                none.append(position)
            else:
                by_table.setdefault(id(table), (table, []))[1].append(position)
        size = self.destinations.size
        tables.none = mask_of_positions(none, size)
        for table, positions in by_table.values():
            mask = mask_of_positions(positions, size)
            if table.count == 0:
                tables.empty |= mask
            for rule in table.admitting(*fields):
                for family, start, end in rule.peer.ranges:
                    if family != 4:
                        continue
                    span = end - start + 1
                    if span & (span - 1) == 0 and start % span == 0:
                        tables.ranges[(start, end)] = tables.ranges.get((start, end), 0) | mask
                    else:
                        tables.odd.append((start, end, mask))
                members = rule.peer.members
                if members:
                    if members not in tables.groups:
                        tables.groups[members] = 0
                        for member in members:
                            tables.member_of.setdefault(member, []).append(members)
                    tables.groups[members] |= mask
        return tables

    @staticmethod
    def _admitting_of(tables: _Ingress, address: int) -> tuple[int, int]:
        """The destinations admitting ``address`` by an address range, and by group membership."""
        by_ranges = 0
        ranges = tables.ranges
        for length in range(33):
            size = 1 << (32 - length)
            start = address & ~(size - 1)
            mask = ranges.get((start, start + size - 1))
            if mask:
                by_ranges |= mask
        for start, end, mask in tables.odd:
            if start <= address <= end:
                by_ranges |= mask
        by_groups = 0
        for members in tables.member_of.get((4, address), ()):
            by_groups |= tables.groups[members]
        return by_ranges, by_groups

    def _ingress_denial(self, middle: Middle, address: int, position: int) -> Outcome:
        arrival = middle.arrival
        d = self.destinations.member_at(position)
        eni = d.eni
        assert arrival is not None and eni is not None and eni.primary_ip is not None
        moved = replace(arrival.packet, src=address, dst=eni.primary_ip)
        step = eni_handler.handle_in(self.net, State(), Arrival(At.ENI_IN, eni.name, moved,
                                                                arrival.context.but(target_eni=eni.name)))
        return _denial(step)

    @staticmethod
    def _first(mask: int) -> int:
        return (mask & -mask).bit_length() - 1


def _denial(step: Step) -> Outcome:
    if step.end is None or step.end.how != "dropped":
        raise AssertionError("the engine admitted what the rule table refused")
    hop = step.hops[-1]
    return Outcome(ENDS_IN.get(hop.decision, Disposition.NO_ROUTE), hop.code or "UNKNOWN")
