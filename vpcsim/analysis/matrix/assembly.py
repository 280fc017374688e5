"""Putting the matrix together: the rows of every source class, merged into blocks, optionally in forked
worker processes; the naive pairwise reference; the outcome of single pairs; which flows to cover."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from vpcsim.analysis.flows import ECHO, Flow, mentioned_flows, protocol_number
from vpcsim.analysis.matrix.classes import Member, MemberClasses, NetClass, NetClasses
from vpcsim.analysis.matrix.destinations import Destinations
from vpcsim.analysis.matrix.outcomes import Outcome, trace_outcome
from vpcsim.analysis.matrix.results import Block, FlowMatrix, Matrix
from vpcsim.analysis.matrix.rows import Row, Rows, counts, outcome_at
from vpcsim.compile.network import CompiledNetwork
from vpcsim.errors import QueryError
from vpcsim.protocols import ICMPS, PORTED


def matrix(net: CompiledNetwork, flows: Sequence[Flow] | None = None,
           members: Sequence[Member] | None = None, processes: int = 1, keep_blocks: bool = True) -> Matrix:
    """The matrix of ``net`` for ``flows`` (default: the flows its security groups mention). With
    ``processes`` > 1 the source classes are shared out among forked worker processes; with ``keep_blocks``
    False only the counts by outcome are kept (large networks)."""
    start = time.perf_counter()
    classes = MemberClasses(net, tuple(members) if members is not None else None)
    chosen = list(flows) if flows is not None else mentioned_flows([net])
    grouping = NetClasses(classes)
    destinations = Destinations(grouping)
    walks = 0
    results = []
    for flow in chosen:
        blocks: list[Block] = []
        totals: Counter[Outcome] = Counter()
        for part in _fan_out(Rows(net, grouping, flow, destinations), processes, keep_blocks):
            blocks.extend(part.blocks)
            totals.update(part.totals)
            walks += part.walks
        results.append(FlowMatrix(flow, tuple(blocks), None if keep_blocks else tuple(totals.items())))
    return Matrix(net.name, tuple(e.name for e in classes.members), tuple(results), len(grouping.classes), walks,
                  time.perf_counter() - start)


def iter_blocks(net: CompiledNetwork, flow: Flow, classes: MemberClasses | None = None,
                processes: int = 1) -> Iterator[Block]:
    """The blocks of one flow, a batch at a time (large networks: no n² structure is ever held)."""
    grouping = NetClasses(classes or MemberClasses(net))
    for part in _fan_out(Rows(net, grouping, flow), processes, True):
        yield from part.blocks


@dataclass(frozen=True, slots=True)
class _Part:
    blocks: list[Block]
    totals: Counter[Outcome]
    walks: int


_SHARED: tuple[Rows, bool] | None = None
BATCHES_PER_PROCESS = 8


def _fan_out(rows: Rows, processes: int, keep_blocks: bool) -> Iterator[_Part]:
    """Blocks (or only their counts), per batch of source classes; in forked workers when ``processes`` > 1
    (the compiled network and the prepared rows are inherited, not sent)."""
    import multiprocessing

    sources = rows.grouping.classes
    if processes <= 1 or len(sources) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield _part(rows, sources, keep_blocks)
        return
    global _SHARED
    rows.prepare()
    count = min(len(sources), processes * BATCHES_PER_PROCESS)
    size = -(-len(sources) // count)
    batches = [list(range(i, min(i + size, len(sources)))) for i in range(0, len(sources), size)]
    # The first batch here: it walks most legs every later source shares (out of each kind of source,
    # behind each hop), which the workers then inherit instead of each walking them again.
    yield _part(rows, [sources[i] for i in batches[0]], keep_blocks)
    batches = batches[1:]
    _SHARED = (rows, keep_blocks)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap_unordered(_work, batches)
    finally:
        _SHARED = None


def _work(indexes: list[int]) -> _Part:
    assert _SHARED is not None
    rows, keep_blocks = _SHARED
    return _part(rows, [rows.grouping.classes[i] for i in indexes], keep_blocks)


def _part(rows: Rows, sources: Sequence[NetClass], keep_blocks: bool) -> _Part:
    before = rows.walks
    totals: Counter[Outcome] = Counter()
    merged: dict[frozenset[tuple[Outcome, int]], list[list[Member]]] = {}
    for source in sources:
        for group, row in rows.of(source):
            own = rows.group_mask(group)
            totals.update(counts(row, own, len(group)))
            if keep_blocks:
                merged.setdefault(frozenset(row.items()), []).append(group)
    return _Part(_blocks(rows, merged) if keep_blocks else [], totals, rows.walks - before)


def _blocks(rows: Rows, merged: dict[frozenset[tuple[Outcome, int]], list[list[Member]]]) -> list[Block]:
    """One block per outcome of each distinct row, its sources every fine class with that row."""
    found: list[Block] = []
    names_of = rows.destinations.names_of
    for row, groups in merged.items():
        sources = tuple(e.name for group in groups for e in group)
        for outcome, mask in sorted(row, key=lambda item: item[0].sort_key):
            block = Block(sources, names_of(mask), outcome)
            if block.pairs:
                found.append(block)
    return found


def pairwise(net: CompiledNetwork, flow: Flow, members: Sequence[Member] | None = None
             ) -> dict[tuple[str, str], Outcome]:
    """The naive matrix, pair by pair: the reference ``matrix`` must agree with."""
    classes = MemberClasses(net, tuple(members) if members is not None else None)
    names = [e.name for e in classes.members]
    return {(s, d): trace_outcome(net, s, d, flow) for s in names for d in names if s != d}


class PairOutcomes:
    """The outcome of any single pair, read from the row of its source (computed once per source class)."""

    def __init__(self, net: CompiledNetwork, classes: MemberClasses, flow: Flow) -> None:
        self._rows = Rows(net, NetClasses(classes), flow)
        self._row_of: dict[str, Row] = {}

    def __call__(self, a: Member, d: Member) -> Outcome:
        row = self._row_of.get(a.name)
        if row is None:
            for group, found in self._rows.of(self._rows.grouping.of[a.name]):
                for member in group:
                    self._row_of[member.name] = found
            row = self._row_of[a.name]
        outcome = outcome_at(row, self._rows.destinations.position[d.name])
        assert outcome is not None, f"no outcome for {a.name} -> {d.name}"
        return outcome


def flows_for(net: CompiledNetwork, protocol: str | int | None = None, port: int | None = None) -> list[Flow]:
    """What ``vpcsim matrix --protocol P --port N`` covers: that one flow when a port (or a protocol without
    ports) is given; else the flows the security groups mention, of ``protocol`` when given."""
    try:
        number = protocol_number(protocol) if protocol is not None else None
    except ValueError:
        raise QueryError(f"--protocol {protocol!r} is not a protocol",
                         "use tcp, udp, icmp, icmpv6 or a number 0-255") from None
    if port is not None and not 0 <= port <= 65535:
        raise QueryError(f"--port {port} is not a port", "ports go from 0 to 65535")
    if number is None:
        return [Flow(6, port, port)] if port is not None else mentioned_flows([net])
    if number in PORTED:
        if port is not None:
            return [Flow(number, port, port)]
        flows = mentioned_flows([net], (number,))
        return [f for f in flows if f.protocol == number] or [Flow(number, 443 if number == 6 else 53,
                                                                    443 if number == 6 else 53)]
    if number in ICMPS:
        kind = ECHO if port is None else port
        return [Flow(number, kind, kind)]
    return [Flow(number)]
