"""All-pairs reachability (``vpcsim matrix``): every endpoint to every other, per flow, by classes.

Tracing every pair is n² conversations. Instead (DESIGN §8):

1. Endpoints are grouped into *net classes* (``classes.py``): same subnet, same address atom, same public-IP
   presence … — indistinguishable to every route and NACL. For each pair of net classes the engine walks
   ONE request (and its reply) between representatives, skipping only the two end security groups: the walk
   stops where the request reaches the destination interface. This is the *middle* of every conversation
   between the two classes.
2. The two end security groups are then decided per *group* of members that the flow cannot tell apart:
   the rules of the source's egress table that match the flow (compared as a set of peers), the rules of
   the destination's ingress table that match it, and — only where those rules name security groups —
   membership of the other end in the groups they name. Each verdict is computed once (``first_match``,
   and the engine's own ENI handler for the explanation code of a denial) and cached.
3. ``egress denied`` → DENIED there; else the middle's end, if the request never reaches the destination;
   else ``ingress denied`` → DENIED there; else the reply's outcome. Results come out as ``Block``s —
   rectangles of sources × destinations with one outcome — never as n² traces.

Pairs with a *special* endpoint (appliances, IPv6-only or shared addresses, IPv6 sites) are traced one by
one with fine classes (same net class and same security groups). ``pairwise`` is the naive reference that
tests compare against.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from vpcsim.analysis.classes import Endpoint, EndpointClasses
from vpcsim.analysis.flows import Flow, mentioned_flows
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import ALL, ICMP, ICMPV6, PORTED, Rule, SecurityGroupTable
from vpcsim.engine import simulate
from vpcsim.engine.components import eni as eni_handler
from vpcsim.engine.endpoints import Endpoint as EngineEndpoint
from vpcsim.engine.endpoints import resolve
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.forwarding import leave_eni
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ENDS_IN, Disposition, Hop, Trace
from vpcsim.engine.state import State
from vpcsim.errors import QueryError


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a conversation came to, without names: its disposition and, when it failed, the explanation
    code. ``disposition`` None: the pair cannot be asked (no common address family, both on the internet)."""

    disposition: Disposition | None
    code: str | None = None

    @property
    def reachable(self) -> bool:
        return self.disposition is not None and self.disposition.reachable

    @property
    def label(self) -> str:
        if self.disposition is None:
            return "n/a"
        return self.disposition.value if self.code is None else f"{self.disposition.value} ({self.code})"

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.disposition.value if self.disposition else "", self.code or "")

    def to_dict(self) -> dict[str, object]:
        return {"disposition": self.disposition.value if self.disposition else None, "reachable": self.reachable,
                "code": self.code}


NOT_APPLICABLE = Outcome(None)


def outcome_of(trace: Trace) -> Outcome:
    return Outcome(trace.disposition, trace.explanations[0].code if trace.explanations else None)


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
        counts: Counter[Outcome] = Counter()
        for block in self.blocks:
            counts[block.outcome] += block.pairs
        return counts

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
    walks: int = 0                    # conversations the engine walked
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
    grouping = _NetClasses(classes)
    walks = 0
    results = []
    for flow in chosen:
        blocks: list[Block] = []
        totals: Counter[Outcome] = Counter()
        for part in _fan_out(net, classes, grouping, flow, processes, keep_blocks):
            blocks.extend(part.blocks)
            totals.update(part.totals)
            walks += part.walks
        results.append(FlowMatrix(flow, tuple(blocks), None if keep_blocks else tuple(totals.items())))
    return Matrix(net.name, tuple(e.name for e in classes.endpoints), tuple(results), len(grouping.classes), walks,
                  time.perf_counter() - start)


def iter_blocks(net: CompiledNetwork, flow: Flow, classes: EndpointClasses | None = None,
                processes: int = 1) -> Iterator[Block]:
    """The blocks of one flow, a batch at a time (large networks: no n² structure is ever held)."""
    classes = classes or EndpointClasses(net)
    for part in _fan_out(net, classes, _NetClasses(classes), flow, processes, True):
        yield from part.blocks


@dataclass(frozen=True, slots=True)
class _Part:
    blocks: list[Block]
    totals: Counter[Outcome]
    walks: int


_SHARED: tuple[CompiledNetwork, EndpointClasses, _NetClasses, Flow, bool] | None = None


def _fan_out(net: CompiledNetwork, classes: EndpointClasses, grouping: _NetClasses, flow: Flow, processes: int,
             keep_blocks: bool) -> Iterator[_Part]:
    """Blocks (or only their counts), per batch of source classes; in forked workers when ``processes`` > 1
    (the compiled network is inherited, not sent)."""
    import multiprocessing

    if processes <= 1 or len(grouping.classes) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        evaluator = _FlowEvaluator(net, classes, flow)
        for source in grouping.classes:
            yield _part(evaluator, grouping, [source], keep_blocks)
        return
    global _SHARED
    _SHARED = (net, classes, grouping, flow, keep_blocks)
    batches = [list(range(i, len(grouping.classes), processes * 8)) for i in range(processes * 8)]
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap_unordered(_work, [b for b in batches if b])
    finally:
        _SHARED = None


def _part(evaluator: _FlowEvaluator, grouping: _NetClasses, sources: list[_NetClass], keep_blocks: bool) -> _Part:
    blocks: list[Block] = []
    totals: Counter[Outcome] = Counter()
    before = evaluator.walks
    for block in evaluator.blocks(grouping, sources):
        totals[block.outcome] += block.pairs
        if keep_blocks:
            blocks.append(block)
    return _Part(blocks, totals, evaluator.walks - before)


def _work(indexes: list[int]) -> _Part:
    assert _SHARED is not None
    net, classes, grouping, flow, keep_blocks = _SHARED
    return _part(_FlowEvaluator(net, classes, flow), grouping, [grouping.classes[i] for i in indexes], keep_blocks)


def trace_outcome(net: CompiledNetwork, src: str, dst: str, flow: Flow) -> Outcome:
    """One conversation, traced in full by the engine, as an ``Outcome``."""
    try:
        return outcome_of(simulate.trace(net, src, dst, protocol=flow.protocol, port=flow.port))
    except QueryError:
        return NOT_APPLICABLE


def pairwise(net: CompiledNetwork, flow: Flow, endpoints: Sequence[Endpoint] | None = None
             ) -> dict[tuple[str, str], Outcome]:
    """The naive matrix, pair by pair: the reference ``matrix`` must agree with."""
    classes = EndpointClasses(net, tuple(endpoints) if endpoints is not None else None)
    names = [e.name for e in classes.endpoints]
    return {(s, d): trace_outcome(net, s, d, flow) for s in names for d in names if s != d}


class PairOutcomes:
    """The outcome of any single pair, from the same cached pieces the matrix is made of (``diff`` asks for
    one pair per group of endpoints that no version can tell apart)."""

    def __init__(self, net: CompiledNetwork, classes: EndpointClasses, flow: Flow) -> None:
        self._grouping = _NetClasses(classes)
        self._evaluator = _FlowEvaluator(net, classes, flow)

    def __call__(self, a: Endpoint, d: Endpoint) -> Outcome:
        return self._evaluator.outcome(self._grouping, a, d)


# -- classes ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _NetClass:
    index: int
    members: list[Endpoint]
    special: bool
    fine: list[list[Endpoint]] = field(default_factory=list)     # members split by security groups
    names: tuple[str, ...] = ()
    groups: frozenset[str] = frozenset()                          # every SG some member belongs to


class _NetClasses:
    def __init__(self, classes: EndpointClasses) -> None:
        by_key: dict[Hashable, _NetClass] = {}
        for endpoint in classes.endpoints:
            key = classes.net_key(endpoint)
            found = by_key.get(key)
            if found is None:
                special = classes.is_special(endpoint) or _ipv6_site(classes.net, endpoint)
                found = by_key[key] = _NetClass(len(by_key), [], special)
            found.members.append(endpoint)
        for cls in by_key.values():
            fine: dict[Hashable, list[Endpoint]] = {}
            for endpoint in cls.members:
                fine.setdefault(classes.fine_key(endpoint), []).append(endpoint)
            cls.fine = list(fine.values())
            cls.names = tuple(e.name for e in cls.members)
            cls.groups = frozenset(g for e in cls.members if e.eni is not None for g in e.eni.security_groups)
        self.classes = list(by_key.values())
        self.of = {e.name: cls for cls in self.classes for e in cls.members}


def _ipv6_site(net: CompiledNetwork, endpoint: Endpoint) -> bool:
    return endpoint.kind == "site" and net.external[endpoint.name].cidrs[0].family != 4


# -- the evaluator ---------------------------------------------------------------------------------------

Signature = tuple[Hashable, frozenset[str], tuple[Rule, ...]]   # (what matching rules allow, SGs named, rules)
EVERYWHERE_V4 = (4, 0, (1 << 32) - 1)


@dataclass(slots=True)
class _Middle:
    """One conversation between representatives, end security groups left out."""

    a_rep: Endpoint
    d_rep: Endpoint
    end: Outcome | None = None          # the conversation's outcome: the request never reaches the dst ENI
    arrival: Arrival | None = None      # the request as it reaches the destination interface
    reply: Outcome | None = None        # the outcome once the destination's security group admits it
    irregular: bool = False             # the walk met the ends elsewhere: trace these pairs one by one


class _Irregular(Exception):
    pass


class _FlowEvaluator:
    def __init__(self, net: CompiledNetwork, classes: EndpointClasses, flow: Flow) -> None:
        self.net = net
        self.classes = classes
        self.flow = flow
        self.walks = 0
        self._engine: dict[tuple[str, str], EngineEndpoint] = {}
        self._signatures: dict[tuple[int, int, int, int, int], Signature] = {}
        self._egress: dict[Hashable, Outcome | None] = {}
        self._ingress: dict[Hashable, Outcome | None] = {}
        self._sides: dict[tuple[int, str, tuple[int, int, int, int]], _Side] = {}
        self._denials: dict[Hashable, Outcome] = {}
        self._middles: dict[tuple[int, int], tuple[_Middle, bool]] = {}
        probe = simulate._packet(flow.protocol, 4, 0, 0, flow.port, None)
        self._fields = (probe.protocol, probe.dst_port, probe.icmp_type, _icmp_code(probe))

    # -- one pair -------------------------------------------------------------------------------------

    def outcome(self, grouping: _NetClasses, a: Endpoint, d: Endpoint) -> Outcome:
        """The outcome of one pair (a != d), from the same cached pieces the blocks are made of."""
        source, destination = grouping.of[a.name], grouping.of[d.name]
        if not source.special and not destination.special:
            key = (source.index, destination.index)
            cached = self._middles.get(key)
            if cached is None:
                middle = self._middle(source, destination)
                cached = self._middles[key] = (middle, False if middle.irregular else self._references(middle))
            middle, references = cached
            if not middle.irregular:
                return self._cell(a, d, source, destination, middle, references)
        self.walks += 1
        return trace_outcome(self.net, a.name, d.name, self.flow)

    # -- blocks ---------------------------------------------------------------------------------------

    def blocks(self, grouping: _NetClasses, sources: Iterable[_NetClass] | None = None) -> Iterator[Block]:
        for source in grouping.classes if sources is None else sources:
            for destination in grouping.classes:
                if source is destination and len(source.members) < 2:
                    continue
                if source.special or destination.special:
                    yield from self._traced(source, destination)
                    continue
                middle = self._middle(source, destination)
                if middle.irregular:
                    yield from self._traced(source, destination)
                    continue
                yield from self._factored(source, destination, middle)

    def _traced(self, source: _NetClass, destination: _NetClass) -> Iterator[Block]:
        cells: list[tuple[list[Endpoint], list[Endpoint], Outcome]] = []
        for a_group in source.fine:
            for d_group in destination.fine:
                a, d = _representatives(a_group, d_group)
                if a is None or d is None:
                    continue
                self.walks += 1
                cells.append((a_group, d_group, trace_outcome(self.net, a.name, d.name, self.flow)))
        yield from _merge(cells)

    def _factored(self, source: _NetClass, destination: _NetClass, middle: _Middle) -> Iterator[Block]:
        reaches = middle.arrival is not None
        arrival_fields = _fields_of(middle.arrival.packet) if middle.arrival is not None else self._fields
        a_side = self._side(source, "egress", self._fields)
        d_side = self._side(destination, "ingress", arrival_fields) if reaches else None
        mapped = reaches and middle.a_rep.eni is not None
        # Membership in a security group matters only where the other side's matching rules name it.
        egress_named = a_side.named & _groups_of(destination)
        ingress_named = (d_side.named & _groups_of(source)) if d_side is not None and mapped else frozenset()
        a_classes = a_side.classes if not ingress_named else _split(
            source.members, lambda e: (a_side.signature_of[e.name], _within(e, ingress_named)))
        if d_side is None:
            d_classes = [destination.members] if not egress_named else _split(
                destination.members, lambda e: _within(e, egress_named))
        else:
            d_classes = d_side.classes if not egress_named else _split(
                destination.members, lambda e: (d_side.signature_of[e.name], _within(e, egress_named)))
        references = self._references(middle)
        if not egress_named and not ingress_named:
            yield from self._separable(a_classes, d_classes, destination, source, middle, references)
            return
        cells: list[tuple[list[Endpoint], list[Endpoint], Outcome]] = []
        for a_members in a_classes:
            a = a_members[0]
            for d_members in d_classes:
                d = d_members[0]
                cells.append((a_members, d_members, self._cell(a, d, source, destination, middle, references)))
        yield from _merge(cells)

    def _cell(self, a: Endpoint, d: Endpoint, source: _NetClass, destination: _NetClass, middle: _Middle,
              references: bool) -> Outcome:
        outcome = self._egress_verdict(a, d, destination, references) if a.eni is not None else None
        if outcome is None:
            outcome = middle.end
        if outcome is None:
            outcome = self._ingress_verdict(a, d, source, middle) if d.eni is not None else None
        if outcome is None:
            outcome = middle.reply
        assert outcome is not None
        return outcome

    def _separable(self, a_classes: list[list[Endpoint]], d_classes: list[list[Endpoint]], destination: _NetClass,
                   source: _NetClass, middle: _Middle, references: bool) -> Iterator[Block]:
        """No rule names the other side's groups: the egress verdict depends on the source group only, the
        ingress verdict on the destination group only — blocks are rows of denials, columns of denials, and
        the rest."""
        every_destination = destination.names
        d0 = destination.members[0]
        denied: dict[Outcome, list[str]] = {}
        passing: list[Endpoint] = []
        for a_members in a_classes:
            a = a_members[0]
            verdict = self._egress_verdict(a, d0, destination, references) if a.eni is not None else None
            if verdict is None:
                passing.extend(a_members)
            else:
                denied.setdefault(verdict, []).extend(e.name for e in a_members)
        for outcome, names in denied.items():
            block = Block(tuple(names), every_destination, outcome)
            if block.pairs:
                yield block
        if not passing:
            return
        sources = tuple(e.name for e in passing)
        if middle.end is not None:
            block = Block(sources, every_destination, middle.end)
            if block.pairs:
                yield block
            return
        a0 = passing[0]
        by_outcome: dict[Outcome, list[str]] = {}
        for d_members in d_classes:
            d = d_members[0]
            verdict = self._ingress_verdict(a0, d, source, middle) if d.eni is not None else None
            settled = verdict if verdict is not None else middle.reply
            assert settled is not None
            by_outcome.setdefault(settled, []).extend(e.name for e in d_members)
        for outcome, names in by_outcome.items():
            block = Block(sources, tuple(names), outcome)
            if block.pairs:
                yield block

    def _side(self, cls: _NetClass, direction: str, fields: tuple[int, int, int, int]) -> _Side:
        key = (cls.index, direction, fields)
        found = self._sides.get(key)
        if found is None:
            signature_of: dict[str, Hashable] = {}
            groups: dict[Hashable, list[Endpoint]] = {}
            named: set[str] = set()
            for e in cls.members:
                if e.eni is None:
                    signature: Hashable = ()
                else:
                    table = e.eni.egress if direction == "egress" else e.eni.ingress
                    signature, names, _ = self._signature(table, fields)
                    named |= names
                signature_of[e.name] = signature
                groups.setdefault(signature, []).append(e)
            found = self._sides[key] = _Side(list(groups.values()), signature_of, frozenset(named))
        return found

    def _references(self, middle: _Middle) -> bool:
        """R3.7: whether the source's outbound SG-id rules can match the destination (uniform in a pair)."""
        a = middle.a_rep.eni
        if a is None or a.primary_ip is None:
            return False
        address = self._engine_endpoint(middle.d_rep, "to").address_for(4)
        if address is None:
            return False
        packet = simulate._packet(self.flow.protocol, 4, a.primary_ip, address, self.flow.port, None)
        return eni_handler.egress_references_ok(self.net, a, packet)

    # -- the middle -------------------------------------------------------------------------------------

    def _engine_endpoint(self, endpoint: Endpoint, role: str) -> EngineEndpoint:
        key = (endpoint.name, role)
        found = self._engine.get(key)
        if found is None:
            found = self._engine[key] = resolve(self.net, endpoint.name, role)
        return found

    def _middle(self, source: _NetClass, destination: _NetClass) -> _Middle:
        a_rep = source.members[0]
        d_rep = destination.members[1] if source is destination else destination.members[0]
        middle = _Middle(a_rep, d_rep)
        try:
            self._walk_middle(middle)
        except (_Irregular, QueryError):
            middle.irregular = True
        return middle

    def _walk_middle(self, middle: _Middle) -> None:
        net = self.net
        src = self._engine_endpoint(middle.a_rep, "from")
        dst = self._engine_endpoint(middle.d_rep, "to")
        if src.kind == "internet" and dst.kind == "internet":
            raise _Irregular
        family = simulate._choose_family(src, dst)
        if family != 4:
            raise _Irregular
        src_address = src.address_for(family)
        dst_address = dst.address_for(family, public=src.kind in ("internet", "site"))
        if src_address is None or dst_address is None:
            raise _Irregular
        packet = simulate._packet(self.flow.protocol, family, src_address, dst_address, self.flow.port, None)
        self.walks += 1
        state = State()
        a_eni, d_eni = middle.a_rep.eni, middle.d_rep.eni
        first: Arrival | Step
        if a_eni is not None:
            first = leave_eni(net, a_eni, packet, Context(vpc=a_eni.vpc, az=a_eni.az))
            events = 1                       # the source's own ENI_OUT step, taken by the egress verdict
        else:
            first = simulate._injection(net, src, packet, dst)
            events = 0
        ends = {(At.ENI_OUT, a_eni.name), (At.ENI_IN, a_eni.name)} if a_eni is not None else set()
        if d_eni is not None:
            ends.add((At.ENI_OUT, d_eni.name))
        stop = (At.ENI_IN, d_eni.name) if d_eni is not None else None
        hops, end, arrival = _walk_until(net, state, first, stop, ends, events)
        if arrival is not None:
            assert d_eni is not None
            if not d_eni.owns(arrival.packet.family, arrival.packet.dst) or arrival.packet.dst != d_eni.primary_ip:
                raise _Irregular
            middle.arrival = arrival
            if d_eni.kind in eni_handler.AUTO_TRACKED or arrival.context.entered_via == "tgw":
                state.force_tracking()       # what eni.handle_in does to the state before its verdict (R3.12)
            answer = arrival.packet.reply()
            start = leave_eni(net, d_eni, answer, Context(direction="return", vpc=d_eni.vpc, az=d_eni.az))
            middle.reply = self._reply(state, start, 1, middle, Disposition.ACCEPTED, packet)
            return
        assert end is not None
        if end.how == "dropped":
            last = hops[-1]
            middle.end = Outcome(ENDS_IN.get(last.decision, Disposition.NO_ROUTE), last.code or "UNKNOWN")
        elif end.how == "delivered":
            raise _Irregular                  # delivered to an interface that is not the destination
        elif end.reply_from is None:
            middle.end = Outcome(Disposition.EXITS_NETWORK)
        else:
            middle.end = self._reply(state, end.reply_from, 0, middle, Disposition.EXITS_NETWORK, packet)

    def _reply(self, state: State, start: Arrival | Step, events: int, middle: _Middle,
               success: Disposition, sent: Packet) -> Outcome:
        a_eni, d_eni = middle.a_rep.eni, middle.d_rep.eni
        ends: set[tuple[At, str]] = {(At.ENI_OUT, a_eni.name)} if a_eni is not None else set()
        if d_eni is not None:
            ends |= {(At.ENI_IN, d_eni.name), (At.ENI_OUT, d_eni.name)}
        stop = (At.ENI_IN, a_eni.name) if a_eni is not None else None
        hops, end, arrival = _walk_until(self.net, state, start, stop, ends, events)
        if arrival is not None:
            if a_eni is None or not a_eni.owns(arrival.packet.family, arrival.packet.dst):
                raise _Irregular
            # Connection tracking admits the reply only if it answers exactly what was sent; a reply
            # translated on its way back (a NAT gateway on the return path only) meets the source's
            # ingress rules, which differ per source group: trace such pairs one by one.
            tracked = State()
            tracked.track(a_eni.name, sent)
            if not tracked.is_reply(a_eni.name, arrival.packet):
                raise _Irregular
            return Outcome(success)
        assert end is not None
        if end.how == "dropped":
            return Outcome(Disposition.REPLY_DENIED, hops[-1].code or "UNKNOWN")
        if end.how == "delivered":
            raise _Irregular
        return Outcome(success)

    # -- the end security groups ----------------------------------------------------------------------------

    def _signature(self, table: SecurityGroupTable | None, fields: tuple[int, int, int, int]) -> Signature:
        """What ``table`` allows for packets with these fields, the SGs its matching rules name, and those
        rules (for ``first_match``'s verdict without the rules the flow cannot match)."""
        if table is None:
            return ("none",), frozenset(), ()
        key = (id(table), *fields)
        found = self._signatures.get(key)
        if found is not None:
            return found
        protocol, port, icmp_type, icmp_code = fields
        rules = tuple(r for k in (protocol, ALL) for r in table.by_protocol.get(k, ())
                      if (r.protocol not in PORTED or r.port_low <= port <= r.port_high)
                      and (r.protocol not in (ICMP, ICMPV6) or ((r.icmp_type in (-1, icmp_type))
                                                               and r.icmp_code in (-1, icmp_code))))
        if any(EVERYWHERE_V4 in r.peer.ranges for r in rules):
            found = (("everything",), frozenset(), rules)
        else:
            peers = frozenset((r.peer.ranges, r.peer.security_group) for r in rules)
            found = ((table.count == 0, peers),
                     frozenset(r.peer.security_group for r in rules if r.peer.security_group), rules)
        self._signatures[key] = found
        return found

    def _egress_verdict(self, a: Endpoint, d: Endpoint, destination: _NetClass, references: bool) -> Outcome | None:
        eni = a.eni
        assert eni is not None
        table = eni.egress
        if table is None:
            return None
        signature, named, rules = self._signature(table, self._fields)
        if signature == ("everything",):
            return None
        key = (signature, references, destination.index, _within(d, named), eni.vpc)
        if key in self._egress:
            return self._egress[key]
        address = self._engine_endpoint(d, "to").address_for(4)
        if eni.primary_ip is None or address is None:
            raise AssertionError("special endpoints are traced one by one")
        verdict: Outcome | None = None
        if not any(r.peer.matches(4, address, references) for r in rules):
            # The denial's code tells only: no rules at all, or a group-id rule that would match (R3.7).
            why = ("egress", table.count == 0, references, any(r.peer.matches(4, address, True) for r in rules))
            verdict = self._denials.get(why)
            if verdict is None:
                packet = simulate._packet(self.flow.protocol, 4, eni.primary_ip, address, self.flow.port, None)
                step = eni_handler.handle_out(self.net, State(), Arrival(At.ENI_OUT, eni.name, packet,
                                                                         Context(vpc=eni.vpc, az=eni.az)))
                verdict = self._denials[why] = _denial(step)
        self._egress[key] = verdict
        return verdict

    def _ingress_verdict(self, a: Endpoint, d: Endpoint, source: _NetClass, middle: _Middle) -> Outcome | None:
        arrival = middle.arrival
        eni = d.eni
        assert arrival is not None and eni is not None
        table = eni.ingress
        if table is None:
            return None
        packet, context = arrival.packet, arrival.context
        fields = _fields_of(packet)
        signature, named, rules = self._signature(table, fields)
        if signature == ("everything",) and packet.family == 4:
            return None
        src, mapped = packet.src, ""
        rep = middle.a_rep.eni
        if rep is not None and a.eni is not None:
            if src == rep.primary_ip:
                src, mapped = a.eni.primary_ip or 0, "private"
            elif rep.public_ip is not None and src == rep.public_ip and a.eni.public_ip is not None:
                src, mapped = a.eni.public_ip, "public"
        origin = ("a", source.index, mapped, _within(a, named)) if mapped else ("fixed", src)
        key = (signature, origin, fields, context.sg_references, context.entered_via)
        if key in self._ingress:
            return self._ingress[key]
        verdict: Outcome | None = None
        if not any(r.peer.matches(packet.family, src, context.sg_references) for r in rules):
            if eni.primary_ip is None:
                raise AssertionError("special endpoints are traced one by one")
            # The denial's code tells only: no rules at all, or a group-id rule that would have matched had
            # the source kept its identity (R3.8), and whether it came over a transit gateway.
            why = ("ingress", table.count == 0, context.sg_references, context.entered_via == "tgw",
                   any(r.peer.matches(packet.family, src, True) for r in rules))
            verdict = self._denials.get(why)
            if verdict is None:
                moved = replace(packet, src=src, dst=eni.primary_ip)
                step = eni_handler.handle_in(self.net, State(), Arrival(At.ENI_IN, eni.name, moved,
                                                                        context.but(target_eni=eni.name)))
                verdict = self._denials[why] = _denial(step)
        self._ingress[key] = verdict
        return verdict


@dataclass(slots=True)
class _Side:
    """One net class's members grouped by what their security groups allow for the flow."""

    classes: list[list[Endpoint]]
    signature_of: dict[str, Hashable]
    named: frozenset[str]


def _groups_of(cls: _NetClass) -> frozenset[str]:
    return cls.groups


def _denial(step: Step) -> Outcome:
    if step.end is None or step.end.how != "dropped":
        raise AssertionError("the engine admitted what the rule table refused")
    hop = step.hops[-1]
    return Outcome(ENDS_IN.get(hop.decision, Disposition.NO_ROUTE), hop.code or "UNKNOWN")


def _icmp_code(packet: Packet) -> int:
    return max(packet.icmp_code, 0) if packet.protocol in (ICMP, ICMPV6) else packet.icmp_code


def _fields_of(packet: Packet) -> tuple[int, int, int, int]:
    return packet.protocol, packet.dst_port, packet.icmp_type, _icmp_code(packet)


def _within(endpoint: Endpoint, named: frozenset[str]) -> tuple[str, ...]:
    if endpoint.eni is None or not named:
        return ()
    return tuple(g for g in endpoint.eni.security_groups if g in named)


def _split(members: list[Endpoint], key_of: object) -> list[list[Endpoint]]:
    groups: dict[Hashable, list[Endpoint]] = {}
    for member in members:
        groups.setdefault(key_of(member), []).append(member)    # type: ignore[operator]
    return list(groups.values())


def _representatives(a_group: list[Endpoint], d_group: list[Endpoint]) -> tuple[Endpoint | None, Endpoint | None]:
    if a_group is d_group:
        return (a_group[0], a_group[1]) if len(a_group) > 1 else (None, None)
    return a_group[0], d_group[0]


def _merge(cells: list[tuple[list[Endpoint], list[Endpoint], Outcome]]) -> Iterator[Block]:
    """Cells (source group × destination group) -> as few blocks as rows with equal contents allow."""
    rows: dict[int, tuple[list[Endpoint], dict[Outcome, list[list[Endpoint]]]]] = {}
    for a_members, d_members, outcome in cells:
        row = rows.setdefault(id(a_members), (a_members, {}))
        row[1].setdefault(outcome, []).append(d_members)
    merged: dict[Hashable, tuple[list[list[Endpoint]], dict[Outcome, list[list[Endpoint]]]]] = {}
    for a_members, by_outcome in rows.values():
        key = tuple(sorted(((o.sort_key, tuple(id(g) for g in groups)) for o, groups in by_outcome.items())))
        entry = merged.setdefault(key, ([], by_outcome))
        entry[0].append(a_members)
    for a_groups, by_outcome in merged.values():
        sources = tuple(e.name for group in a_groups for e in group)
        for outcome, d_groups in by_outcome.items():
            block = Block(sources, tuple(e.name for group in d_groups for e in group), outcome)
            if block.pairs:
                yield block


def _walk_until(net: CompiledNetwork, state: State, first: Arrival | Step, stop: tuple[At, str] | None,
                ends: set[tuple[At, str]], events: int, budget: int = simulate.EVENT_BUDGET
                ) -> tuple[list[Hop], End | None, Arrival | None]:
    """``simulate.walk_until`` that stops when the packet arrives at ``stop`` (returned, not handled), and gives
    up (``_Irregular``) if it arrives at one of ``ends`` on the way."""

    def pause(arrival: Arrival) -> bool:
        where = (arrival.at, arrival.name)
        if where == stop:
            return True
        if where in ends:
            raise _Irregular
        return False

    return simulate.walk_until(net, state, first, pause, events, budget)


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
