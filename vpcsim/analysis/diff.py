"""``vpcsim diff``: the reachability that changed between two versions of a topology.

Endpoints are matched by name (``internet``, sites, instances, standalone interfaces); the flows are every
protocol and port (``flows.flow_space``), cut by the SG and NACL rules of both versions, so every port of a
reported range changed the same way. Atoms that no rule of either version tells apart are traced once
(``flows.alike``): the cost is the number of distinct rule port ranges, not of atoms. A change is a different
disposition (a different reason for the same disposition — another rule denying — is not a change of
reachability); its flows are said the short way (``merging.py``: ``all``, ``tcp/1024-65535``).

Endpoints are grouped by their fine class in the old version AND in the new one: members of one such group
are indistinguishable in both, so one pair per group pair and flow answers for all of them. Its outcome in
each version is read from that version's matrix rows (``matrix/rows.py``), built over one order of destinations
for both versions: a group's changed destinations are the bits where the two rows' dispositions differ —
mask operations, never a loop over all group pairs. Each change comes with a representative pair traced in
full in both versions and the first hop where the two traces part — the rule that changed it.

With ``--intents``, only the intents are compared: those whose verdict or deciding code changed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpcsim.analysis.check import IntentResult, check
from vpcsim.analysis.flows import Flow, FlowSpace, alike, flow_space
from vpcsim.analysis.intents import load_intents
from vpcsim.analysis.matrix.assembly import flows_for
from vpcsim.analysis.matrix.classes import MemberClasses, NetClasses, members_of
from vpcsim.analysis.matrix.destinations import Destinations, bits
from vpcsim.analysis.matrix.outcomes import Outcome, member_trace
from vpcsim.analysis.matrix.rows import Row, Rows
from vpcsim.analysis.merging import merge
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.results import Hop, Trace
from vpcsim.errors import QueryError, SourcePos
from vpcsim.protocols import ICMPS, PORTED


@dataclass(frozen=True, slots=True)
class Change:
    """For every flow of ``flows``, every pair (s, d), s in ``sources``, d in ``destinations``, s != d, went
    from ``old`` to ``new``. The traces and hops are those of one of the flows (one a security group rule
    mentions, if any: the most telling)."""

    flows: tuple[Flow, ...]
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    old: Outcome
    new: Outcome
    pairs: int
    old_trace: Trace | None = None          # one representative pair, traced in full in each version
    new_trace: Trace | None = None
    old_hop: Hop | None = None              # where the two traces part: the rule that made the difference
    new_hop: Hop | None = None
    old_pos: SourcePos | None = None        # and where that rule is written
    new_pos: SourcePos | None = None
    labels: tuple[str, ...] = ()            # ``flows`` the short way: ``("all",)``, ``("tcp/1024-65535",)``


@dataclass(frozen=True, slots=True)
class IntentChange:
    name: str
    old: IntentResult
    new: IntentResult


@dataclass(frozen=True, slots=True)
class Diff:
    old: str
    new: str
    endpoints: tuple[str, ...]
    flows: tuple[Flow, ...]
    changes: tuple[Change, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    intents: tuple[IntentChange, ...] | None = None     # with --intents: the intents that changed
    labels: tuple[str, ...] = ()                        # ``flows`` the short way (``merging.py``)

    @property
    def changed(self) -> bool:
        if self.intents is not None:
            return bool(self.intents)
        return bool(self.changes or self.added or self.removed)

    @property
    def changed_pairs(self) -> int:
        """(pair, flow) combinations that changed."""
        return sum(c.pairs * len(c.flows) for c in self.changes)


def diff(old: CompiledNetwork, new: CompiledNetwork, flows: Sequence[Flow] | None = None,
         old_name: str = "", new_name: str = "") -> Diff:
    old_endpoints = {e.name: e for e in members_of(old)}
    new_endpoints = {e.name: e for e in members_of(new)}
    common = [name for name in old_endpoints if name in new_endpoints]
    space = flow_space([old, new])
    chosen = tuple(flows) if flows is not None else space.flows
    old_classes = MemberClasses(old, tuple(old_endpoints[n] for n in common))
    new_classes = MemberClasses(new, tuple(new_endpoints[n] for n in common))
    groups: dict[Hashable, list[str]] = {}
    for name in common:
        key = (old_classes.fine_key(old_endpoints[name]), new_classes.fine_key(new_endpoints[name]))
        groups.setdefault(key, []).append(name)
    members = list(groups.values())
    before_version = _Version(old, old_classes)
    after_version = _Version(new, new_classes, before_version.destinations.names)
    found: dict[tuple[tuple[str, ...], tuple[str, ...], Outcome, Outcome], list[Flow]] = {}
    for same in alike([old, new], chosen):
        cells = _changed(members, before_version.rows(same[0]), after_version.rows(same[0]))
        for (before, after), rows in cells.items():
            for sources, d_groups in _merge_rows(rows):
                destinations = tuple(n for g in d_groups for n in g)
                found.setdefault((sources, destinations, before, after), []).extend(same)
    order = {name: i for i, name in enumerate(common)}
    place = {flow: i for i, flow in enumerate(chosen)}
    changes = [_explained(old, new, tuple(sorted(flows, key=place.__getitem__)),
                          tuple(sorted(sources, key=order.__getitem__)),
                          tuple(sorted(destinations, key=order.__getitem__)), before, after, space)
               for (sources, destinations, before, after), flows in found.items()]
    return Diff(old_name or old.source, new_name or new.source, tuple(common), chosen, tuple(changes),
                tuple(n for n in new_endpoints if n not in old_endpoints),
                tuple(n for n in old_endpoints if n not in new_endpoints), labels=merge(chosen, space))


def flows_asked(old: CompiledNetwork, new: CompiledNetwork, protocol: str | None = None, port: int | None = None
                ) -> tuple[Flow, ...] | None:
    """What ``vpcsim diff --protocol P --port N`` covers: that one flow with a port (or a protocol without
    ports); every atom of both versions with a protocol alone; ``None`` (every flow) with neither."""
    if protocol is None and port is None:
        return None
    asked = flows_for(old, protocol, port)          # checks the words, exit 2 on a bad one
    number = asked[0].protocol
    if port is not None or number not in (*PORTED, *ICMPS):
        return tuple(asked)
    return tuple(f for f in flow_space([old, new]).flows if f.protocol == number) or tuple(asked)


class _Version:
    """One version of the network: its classes over the common endpoints, destinations in a given order."""

    def __init__(self, net: CompiledNetwork, classes: MemberClasses, order: tuple[str, ...] | None = None) -> None:
        self.net = net
        self.grouping = NetClasses(classes)
        self.destinations = Destinations(self.grouping, None if order is None else
                                         [classes.by_name[name] for name in order])

    def rows(self, flow: Flow) -> _Rows:
        return _Rows(Rows(self.net, self.grouping, flow, self.destinations))


class _Rows:
    """The row of any source endpoint (each source net class computed once)."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.position = rows.destinations.position
        self._of: dict[str, Row] = {}

    def of(self, name: str) -> Row:
        found = self._of.get(name)
        if found is None:
            for group, row in self.rows.of(self.rows.grouping.of[name]):
                for member in group:
                    self._of[member.name] = row
            found = self._of[name]
        return found


Cells = dict[tuple[Outcome, Outcome], dict[int, tuple[list[str], list[list[str]]]]]


def _changed(members: list[list[str]], before: _Rows, after: _Rows) -> Cells:
    """(before, after) -> source group -> the destination groups whose pair with it changed disposition (a
    different reason alone is no change), in the order a loop over group pairs would meet them. One pair
    stands for each pair of groups: the groups' first members, or the first two members of a group paired
    with itself."""
    position = before.position
    heads = [position[group[0]] for group in members]
    group_at = {p: i for i, p in enumerate(heads)}
    every_head = 0
    for p in heads:
        every_head |= 1 << p
    cells: Cells = {}
    for i, a_group in enumerate(members):
        reps = every_head & ~(1 << heads[i])
        second = -1
        if len(a_group) > 1:
            second = position[a_group[1]]
            reps |= 1 << second
        old_row, new_row = before.of(a_group[0]), after.of(a_group[0])
        changed: list[tuple[int, Outcome, Outcome]] = []
        for old_outcome, old_mask in old_row.items():
            old_mask &= reps
            if not old_mask:
                continue
            for new_outcome, new_mask in new_row.items():
                if old_outcome.disposition == new_outcome.disposition:
                    continue
                for p in bits(old_mask & new_mask):
                    changed.append((i if p == second else group_at[p], old_outcome, new_outcome))
        changed.sort(key=lambda cell: cell[0])
        for j, old_outcome, new_outcome in changed:
            row = cells.setdefault((old_outcome, new_outcome), {}).setdefault(id(a_group), (a_group, []))
            row[1].append(members[j])
    return cells


def _merge_rows(rows: dict[int, tuple[list[str], list[list[str]]]]) -> list[tuple[tuple[str, ...], list[list[str]]]]:
    """Source groups with the same changed destinations become one change. A group of one is never paired
    with itself, so its own cell may count either way (a change never includes the pair (s, s)): rows are
    merged first with it ("each of a, b, c to the others"), then without it ("a and b to x")."""
    widened: dict[tuple[int, ...], tuple[list[list[str]], list[list[str]]]] = {}
    for a_group, d_groups in rows.values():
        alone = len(a_group) == 1 and all(g is not a_group for g in d_groups)
        groups = [*d_groups, a_group] if alone else d_groups
        widened.setdefault(tuple(sorted(id(g) for g in groups)), ([], groups))[0].append(a_group)
    merged: list[tuple[tuple[str, ...], list[list[str]]]] = []
    narrow: dict[tuple[int, ...], tuple[list[str], list[list[str]]]] = {}
    for a_groups, groups in widened.values():
        if len(a_groups) > 1:
            merged.append((tuple(n for g in a_groups for n in g), groups))
            continue
        own = a_groups[0]
        rest = [g for g in groups if g is not own or len(own) > 1]
        narrow.setdefault(tuple(sorted(id(g) for g in rest)), ([], rest))[0].extend(own)
    merged += [(tuple(sources), groups) for sources, groups in narrow.values()]
    return merged


def _explained(old: CompiledNetwork, new: CompiledNetwork, flows: tuple[Flow, ...], sources: tuple[str, ...],
               destinations: tuple[str, ...], before: Outcome, after: Outcome, space: FlowSpace) -> Change:
    flow = next((f for f in flows if f in space.telling), flows[0])
    pairs = len(sources) * len(destinations) - len(set(sources) & set(destinations))
    src = sources[0]
    dst = next(d for d in destinations if d != src)
    traces: list[Trace | None] = []
    for net in (old, new):
        try:
            traces.append(member_trace(net, src, dst, flow.protocol, flow.trace_port, flow.icmp_type))
        except QueryError:
            traces.append(None)
    old_trace, new_trace = traces
    old_hop, new_hop = parting_hops(old_trace, new_trace)
    return Change(flows, sources, destinations, before, after, pairs, old_trace, new_trace, old_hop, new_hop,
                  _where(old, old_hop), _where(new, new_hop), merge(flows, space))


def parting_hops(old: Trace | None, new: Trace | None) -> tuple[Hop | None, Hop | None]:
    """The first hop where two traces of one question differ (component, decision or rule), request first,
    then reply; where one trace ends first, its last hop."""
    if old is None or new is None:
        return (old.drop if old else None), (new.drop if new else None)
    for a_hops, b_hops in ((old.forward, new.forward), (old.reply, new.reply)):
        for a, b in zip(a_hops, b_hops, strict=False):
            if (a.component, a.decision, a.rule) != (b.component, b.decision, b.rule):
                return a, b
        if len(a_hops) != len(b_hops):
            shorter = min(len(a_hops), len(b_hops))
            first = a_hops[shorter] if len(a_hops) > shorter else (a_hops[-1] if a_hops else None)
            second = b_hops[shorter] if len(b_hops) > shorter else (b_hops[-1] if b_hops else None)
            return first, second
    return old.drop, new.drop


def _where(net: CompiledNetwork, hop: Hop | None) -> SourcePos | None:
    if hop is None or hop.origin is None:
        return None
    return net.positions.of_key(hop.origin)


def diff_intents(old: CompiledNetwork, new: CompiledNetwork, intents: str | Path, old_name: str = "",
                 new_name: str = "") -> Diff:
    """Only the intents: those whose verdict (pass/fail) or deciding code differs between the versions."""
    before = check(old, load_intents(intents, old))
    after = check(new, load_intents(intents, new))
    changed = tuple(IntentChange(a.intent.name, a, b) for a, b in zip(before.results, after.results, strict=True)
                    if (a.passed, a.code) != (b.passed, b.code))
    return Diff(old_name or old.source, new_name or new.source, (), (), intents=changed)

