"""All-pairs reachability (``vpcsim matrix``): every endpoint to every other, per flow, by classes.

Tracing every pair is n² conversations; walking one conversation per pair of classes is still quadratic in
the classes. Instead (DESIGN §8):

1. Endpoints are grouped into *net classes* (``classes.py``): same subnet, same address atom, same public-IP
   presence … — indistinguishable to every route and NACL — and within them into *fine classes* (same
   security groups too).
2. The *middle* of every conversation between two net classes — all of it but the two end security groups
   — comes from ``middles.py``: across VPCs from legs shared by every source and destination that the
   components on them cannot tell apart; within a VPC, or with the internet or a site, from one walk per
   pair of classes.
3. The end security groups are decided for all destinations at once (``verdicts.py``), and each fine class
   of sources gets a *row*: outcome -> the mask of destinations that get it (``rows.py``). Counts are bit
   counts; blocks (rectangles of sources × destinations with one outcome) come from rows, never n² traces.

Pairs with a *special* endpoint (appliances, IPv6-only or shared addresses, IPv6 sites), and pairs whose
middle no walk can settle, are traced one by one. ``pairwise`` is the naive reference tests compare against.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from vpcsim.analysis.classes import Endpoint, EndpointClasses, NetClass, NetClasses
from vpcsim.analysis.destinations import Destinations
from vpcsim.analysis.flows import Flow, mentioned_flows
from vpcsim.analysis.outcomes import NOT_APPLICABLE, Outcome, outcome_of, trace_outcome
from vpcsim.analysis.rows import Row, Rows, counts, outcome_at
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import ICMP, ICMPV6
from vpcsim.errors import QueryError

__all__ = ["NOT_APPLICABLE", "Block", "FlowMatrix", "Matrix", "Outcome", "PairOutcomes", "flows_for",
           "iter_blocks", "matrix", "outcome_of", "pairwise", "trace_outcome"]


@dataclass(frozen=True, slots=True)
class Block:
    """Every pair (s, d) with s in ``sources``, d in ``destinations`` and s != d has ``outcome``."""

    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    outcome: Outcome

    @property
    def pairs(self) -> int:
        overlap = len(set(self.sources) & set(self.destinations)) if self.sources and self.destinations else 0
        return len(self.sources) * len(self.destinations) - overlap

    def cells(self) -> Iterator[tuple[str, str]]:
        for s in self.sources:
            for d in self.destinations:
                if s != d:
                    yield s, d

    def to_dict(self) -> dict[str, object]:
        return {"from": list(self.sources), "to": list(self.destinations), **self.outcome.to_dict()}


@dataclass(frozen=True, slots=True)
class FlowMatrix:
    """All pairs for one flow, as blocks, with counts by outcome."""

    flow: Flow
    blocks: tuple[Block, ...]
    totals: tuple[tuple[Outcome, int], ...] | None = None     # counts kept instead of blocks (large networks)

    def summary(self) -> Counter[Outcome]:
        if self.totals is not None:
            return Counter(dict(self.totals))
        found: Counter[Outcome] = Counter()
        for block in self.blocks:
            found[block.outcome] += block.pairs
        return found

    @property
    def reachable_pairs(self) -> int:
        return sum(n for outcome, n in self.summary().items() if outcome.reachable)

    def outcomes(self) -> dict[tuple[str, str], Outcome]:
        """Pair -> outcome (n² entries: for small networks and tests)."""
        return {pair: block.outcome for block in self.blocks for pair in block.cells()}

    def to_dict(self) -> dict[str, object]:
        summary = self.summary()
        return {"protocol": self.flow.protocol_name, "ports": _ports(self.flow), "flow": self.flow.label,
                "pairs": sum(summary.values()), "reachable": sum(n for o, n in summary.items() if o.reachable),
                "summary": [{"count": n, **o.to_dict()} for o, n in sorted(summary.items(), key=_by_label)],
                "blocks": [b.to_dict() for b in self.blocks]}


@dataclass(frozen=True, slots=True)
class Matrix:
    """All-pairs reachability of one network, per flow."""

    network: str
    endpoints: tuple[str, ...]
    flows: tuple[FlowMatrix, ...]
    classes: int = 0                  # net classes
    walks: int = 0                    # walks the engine took (whole conversations, legs of them, traces)
    seconds: float = field(default=0.0, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {"network": self.network, "endpoints": list(self.endpoints), "classes": self.classes,
                "walks": self.walks, "flows": [f.to_dict() for f in self.flows]}


def _ports(flow: Flow) -> str | None:
    if flow.low < 0:
        return None
    return str(flow.low) if flow.low == flow.high else f"{flow.low}-{flow.high}"


def _by_label(item: tuple[Outcome, int]) -> tuple[str, str]:
    return item[0].sort_key


def matrix(net: CompiledNetwork, flows: Sequence[Flow] | None = None,
           endpoints: Sequence[Endpoint] | None = None, processes: int = 1, keep_blocks: bool = True) -> Matrix:
    """The matrix of ``net`` for ``flows`` (default: the flows its security groups mention). With
    ``processes`` > 1 the source classes are shared out among forked worker processes; with ``keep_blocks``
    False only the counts by outcome are kept (large networks)."""
    start = time.perf_counter()
    classes = EndpointClasses(net, tuple(endpoints) if endpoints is not None else None)
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
    return Matrix(net.name, tuple(e.name for e in classes.endpoints), tuple(results), len(grouping.classes), walks,
                  time.perf_counter() - start)


def iter_blocks(net: CompiledNetwork, flow: Flow, classes: EndpointClasses | None = None,
                processes: int = 1) -> Iterator[Block]:
    """The blocks of one flow, a batch at a time (large networks: no n² structure is ever held)."""
    grouping = NetClasses(classes or EndpointClasses(net))
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
    merged: dict[frozenset[tuple[Outcome, int]], list[list[Endpoint]]] = {}
    for source in sources:
        for group, row in rows.of(source):
            own = rows.group_mask(group)
            totals.update(counts(row, own, len(group)))
            if keep_blocks:
                merged.setdefault(frozenset(row.items()), []).append(group)
    return _Part(_blocks(rows, merged) if keep_blocks else [], totals, rows.walks - before)


def _blocks(rows: Rows, merged: dict[frozenset[tuple[Outcome, int]], list[list[Endpoint]]]) -> list[Block]:
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


def pairwise(net: CompiledNetwork, flow: Flow, endpoints: Sequence[Endpoint] | None = None
             ) -> dict[tuple[str, str], Outcome]:
    """The naive matrix, pair by pair: the reference ``matrix`` must agree with."""
    classes = EndpointClasses(net, tuple(endpoints) if endpoints is not None else None)
    names = [e.name for e in classes.endpoints]
    return {(s, d): trace_outcome(net, s, d, flow) for s in names for d in names if s != d}


class PairOutcomes:
    """The outcome of any single pair, read from the row of its source (computed once per source class)."""

    def __init__(self, net: CompiledNetwork, classes: EndpointClasses, flow: Flow) -> None:
        self._rows = Rows(net, NetClasses(classes), flow)
        self._row_of: dict[str, Row] = {}

    def __call__(self, a: Endpoint, d: Endpoint) -> Outcome:
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
    from vpcsim.analysis.flows import ECHO, protocol_number

    try:
        number = protocol_number(protocol) if protocol is not None else None
    except ValueError:
        raise QueryError(f"--protocol {protocol!r} is not a protocol",
                         "use tcp, udp, icmp, icmpv6 or a number 0-255") from None
    if port is not None and not 0 <= port <= 65535:
        raise QueryError(f"--port {port} is not a port", "ports go from 0 to 65535")
    if number is None:
        return [Flow(6, port, port)] if port is not None else mentioned_flows([net])
    if number in (6, 17):
        if port is not None:
            return [Flow(number, port, port)]
        flows = mentioned_flows([net], (number,))
        return [f for f in flows if f.protocol == number] or [Flow(number, 443 if number == 6 else 53,
                                                                    443 if number == 6 else 53)]
    if number in (ICMP, ICMPV6):
        kind = ECHO if port is None else port
        return [Flow(number, kind, kind)]
    return [Flow(number)]
