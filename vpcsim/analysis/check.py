"""``vpcsim check``: every intent against the network, pass or fail, with the trace that decided it.

How an intent is checked (docs/semantics.md, "Intents"):

* Each member of ``from`` is paired with each member of ``to`` (a member is never paired with itself).
* The flows: a port or range is cut into port atoms (``flows.py``) and each atom is traced once; no port means
  every atom of the protocol; no protocol means every protocol — all TCP and UDP atoms, ICMP echo plus every
  ICMP type a rule names plus one it does not, every protocol number a rule names plus one it does not — and,
  between endpoints that both have IPv6, IPv6 as well.
* An end that is a set of addresses (``internet``, a site, a CIDR) is answered for each of its address atoms
  (``engine.address_atoms``); the intent's ``for`` says whether the expectation must hold for all of them
  (the default: one reaching address fails ``expect: unreachable``) or for any one. The conversation shown
  is a group of addresses that decided, named by its CIDRs.
* ``expect: unreachable`` passes when no flow of any pair is reachable. ``expect: reachable`` passes when,
  for every pair, every flow the author pinned (a port or range) is reachable — or, with no port given, some
  flow is — and the request passes every ``via`` component and neither request nor reply any ``not_via`` one.

The deciding trace of a failure is the first one that broke the intent; of a pass, one that confirmed it.
``IntentResult.flows`` says the short way (``merging.py``) which flows the verdict is about: a pass, every flow
the intent covers (for ``expect: reachable`` without a port, the one that got through); a failure, every flow
of the deciding pair that breaks the intent — so a group that opens everything reads ``all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from vpcsim.analysis.flows import ECHO, Flow, FlowSpace, any_flows, flow_space, mentioned_flows, port_atoms
from vpcsim.analysis.intents import Intent, IntentSet, Via
from vpcsim.analysis.merging import merge
from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.results import AtomGroup, Decision, Disposition, Hop, Trace
from vpcsim.errors import QueryError, SourcePos
from vpcsim.ip import format_address
from vpcsim.protocols import ICMP, ICMPS, ICMPV6, PORTED

# Codes of a failed intent that are about the path, not a drop (the drop codes are Reachability Analyzer's).
PATH_FOUND = "PATH_FOUND"                       # expected unreachable, a conversation got through
VIA_NOT_TRAVERSED = "VIA_NOT_TRAVERSED"         # reachable, but not through a `via` component
NOT_VIA_TRAVERSED = "NOT_VIA_TRAVERSED"         # reachable, but through a `not_via` component
NOT_APPLICABLE = "NOT_APPLICABLE"               # the pair cannot be asked (e.g. no common address family)


@dataclass(frozen=True, slots=True)
class Conversation:
    """One traced member pair and flow."""

    src: str
    dst: str
    flow: Flow
    trace: Trace | None             # None: the question could not be asked (``error`` says why)
    error: str | None = None
    addresses: str | None = None    # a set end: the addresses this trace answers for ("203.0.113.200/32")
    side: str = "from"              # which end is the set
    part: str = "all"               # how much of the set reaches: all | some | none


@dataclass(frozen=True, slots=True)
class IntentResult:
    """An intent's verdict and the conversation that decided it."""

    intent: Intent
    passed: bool
    reason: str                              # one line: what was expected and what happened
    code: str | None = None                  # failures: the explanation code, or a path code above
    deciding: Conversation | None = None
    hop: Hop | None = None                   # the hop whose rule decided (drop, admitting rule, route …)
    rule_pos: SourcePos | None = None        # where that rule is written in the topology
    pairs: int = 0
    failed_pairs: int = 0
    conversations: int = 0
    flows: tuple[str, ...] = ()              # the flows the verdict is about, merged: ("all",), ("tcp/22",)

    @property
    def trace(self) -> Trace | None:
        return self.deciding.trace if self.deciding is not None else None


@dataclass(frozen=True, slots=True)
class Review:
    """The outcome of ``vpcsim check``."""

    topology: str
    network: str
    intents_file: str
    results: tuple[IntentResult, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[IntentResult, ...]:
        return tuple(r for r in self.results if not r.passed)


def check(net: CompiledNetwork, intents: IntentSet, topology: str = "") -> Review:
    space = flow_space([net])
    return Review(topology or net.source, net.name, intents.path,
                  tuple(check_intent(net, intent, space) for intent in intents.intents))


def check_intent(net: CompiledNetwork, intent: Intent, space: FlowSpace | None = None) -> IntentResult:
    pairs = [(s, d) for s in intent.sources for d in intent.destinations if s != d]
    flows = flows_of(net, intent)
    failed: list[IntentResult] = []
    failing_pair: tuple[str, str] | None = None
    witness: Conversation | None = None
    traced = 0
    for src, dst in pairs:
        verdict, conversations = _check_pair(net, intent, src, dst, flows)
        traced += conversations
        if verdict.passed:
            witness = witness or verdict.deciding
        else:
            failed.append(verdict)
            failing_pair = failing_pair or (src, dst)
    space = space or flow_space([net])
    if failed and failing_pair is not None:
        first = failed[0]
        members = f" ({len(failed)} of {len(pairs)} member pairs fail)" if len(pairs) > 1 else ""
        broken = merge(_breaking(net, intent, *failing_pair, flows), space)
        return _located(net, IntentResult(intent, False, first.reason + members, first.code, first.deciding,
                                          first.hop, None, len(pairs), len(failed), traced, broken))
    if not pairs:
        return IntentResult(intent, True, "no pair to check (from and to are the same endpoint)")
    what = "reachable" if intent.expects_reachable else "unreachable"
    detail = f" ({_describe(witness)})" if witness is not None and witness.trace is not None else ""
    reason = f"{what} as expected{detail}" if len(pairs) == 1 else \
        f"all {len(pairs)} member pairs {what} as expected"
    hop = deciding_hop(witness.trace) if witness is not None and witness.trace is not None else None
    about = [witness.flow] if intent.expects_reachable and not intent.is_pinned and witness is not None else flows
    return _located(net, IntentResult(intent, True, reason, None, witness, hop, None, len(pairs), 0, traced,
                                      merge(about, space)))


def _breaking(net: CompiledNetwork, intent: Intent, src: str, dst: str, flows: list[Flow]) -> list[Flow]:
    """The flows of one failing member pair that break the intent (every flow, when no flow of an unpinned
    ``expect: reachable`` gets through). Traces the pair's remaining flows: one pair, only on failure."""
    if intent.expects_reachable and not intent.is_pinned:
        return flows
    broken: list[Flow] = []
    for conversation in _conversations(net, intent, src, dst, flows):
        trace = conversation.trace
        if intent.expects_reachable:
            bad = trace is None or not trace.reachable or _path_problem(trace, intent) is not None
        else:
            bad = trace is not None and trace.reachable
        if bad and conversation.flow not in broken:
            broken.append(conversation.flow)
    return broken


def _located(net: CompiledNetwork, result: IntentResult) -> IntentResult:
    if result.hop is None or result.hop.origin is None:
        return result
    from dataclasses import replace

    return replace(result, rule_pos=net.positions.of_key(result.hop.origin))


def _check_pair(net: CompiledNetwork, intent: Intent, src: str, dst: str, flows: list[Flow]
                ) -> tuple[IntentResult, int]:
    count = 0
    first: Conversation | None = None
    missed: Conversation | None = None          # reachable, but not along the path the intent asks for
    for conversation in _conversations(net, intent, src, dst, flows):
        count += 1
        first = first or conversation
        trace = conversation.trace
        if not intent.expects_reachable:
            if trace is not None and trace.reachable:
                return _fail(intent, conversation, PATH_FOUND, f"expected unreachable, but "
                             f"{_describe(conversation)}", deciding_hop(trace)), count
            continue
        if trace is None:
            if intent.is_pinned:
                return _fail(intent, conversation, *_failure(intent, conversation, None)), count
            continue
        problem = _path_problem(trace, intent)
        good = trace.reachable and problem is None
        if intent.is_pinned:
            if not good:
                return _fail(intent, conversation, *_failure(intent, conversation, problem)), count
            continue
        if good:
            return IntentResult(intent, True, "", deciding=conversation), count
        if trace.reachable and missed is None:
            missed = conversation
    if intent.expects_reachable and not intent.is_pinned and first is not None:
        best = missed or first
        code, reason, hop = _failure(intent, best, _path_problem(best.trace, intent))
        return _fail(intent, best, code, f"{reason}; no flow of {intent.flow_text} gets through", hop), count
    return IntentResult(intent, True, "", deciding=first), count


def _failure(intent: Intent, conversation: Conversation, problem: tuple[str, Via] | None
             ) -> tuple[str, str, Hop | None]:
    trace = conversation.trace
    if trace is None:
        return NOT_APPLICABLE, f"{_pair(conversation)} cannot be traced: {conversation.error}", None
    if not trace.reachable:
        code = trace.explanations[0].code if trace.explanations else trace.disposition.value
        return code, f"expected reachable, but {_describe(conversation)}", deciding_hop(trace)
    assert problem is not None
    kind, via = problem
    if kind == VIA_NOT_TRAVERSED:
        return kind, f"reachable, but not via {via.name} ({_describe(conversation)}: " \
                     f"{' -> '.join(_path(trace))})", _first(trace, Decision.ROUTE)
    return kind, f"reachable, but via {via.name}, which it must avoid ({_describe(conversation)})", \
        _steering_hop(trace, via)


def _fail(intent: Intent, conversation: Conversation, code: str, reason: str, hop: Hop | None) -> IntentResult:
    return IntentResult(intent, False, reason, code, conversation, hop)


def _path_problem(trace: Trace | None, intent: Intent) -> tuple[str, Via] | None:
    if trace is None or not trace.reachable:
        return None
    for via in intent.via:
        if not any(via.matches(hop) for hop in trace.forward):
            return VIA_NOT_TRAVERSED, via
    for via in intent.not_via:
        if any(via.matches(hop) for hop in (*trace.forward, *trace.reply)):
            return NOT_VIA_TRAVERSED, via
    return None


def _conversations(net: CompiledNetwork, intent: Intent, src: str, dst: str, flows: list[Flow]
                   ) -> Iterator[Conversation]:
    from vpcsim.engine.simulate import trace as simulate

    for flow in flows:
        for s, d in _families(net, intent, src, dst):
            try:
                trace = simulate(net, s, d, protocol=flow.protocol, port=flow.trace_port,
                                   icmp_type=flow.icmp_type)
            except QueryError as error:
                yield Conversation(s, d, flow, None, error.message)
                continue
            yield _deciding_group(intent, Conversation(s, d, flow, trace)) if trace.groups else \
                Conversation(s, d, flow, trace)


SHOWN_CIDRS = 8


def _deciding_group(intent: Intent, conversation: Conversation) -> Conversation:
    """A conversation over a set of addresses, as the group of addresses that decides the intent: the groups
    that break it under ``for: all`` (or, under ``for: any``, one that meets it), else the first group."""
    from dataclasses import replace

    whole = conversation.trace
    assert whole is not None

    def meets(group: AtomGroup) -> bool:
        return (group.trace.reachable and _path_problem(group.trace, intent) is None) == intent.expects_reachable

    meeting = [g for g in whole.groups if meets(g)]
    failing = [g for g in whole.groups if not meets(g)]
    # for: any — one group that meets it is enough; for: all — every address must, so name all that do not
    chosen = meeting[:1] if intent.scope == "any" else failing
    if not chosen:                              # all meet (for all), or none does (for any)
        chosen, text = list(whole.groups[:1]), "every address"
    else:
        cidrs = [c for g in chosen for c in g.cidrs]
        text = ", ".join(cidrs[:SHOWN_CIDRS]) + (f" and {len(cidrs) - SHOWN_CIDRS} more CIDRs"
                                                 if len(cidrs) > SHOWN_CIDRS else "")
        if len(chosen) == len(whole.groups):
            text = "every address"
    return replace(conversation, trace=chosen[0].trace, addresses=text, side=chosen[0].side,
                   part=whole.reachable_for)


def _families(net: CompiledNetwork, intent: Intent, src: str, dst: str) -> list[tuple[str, str]]:
    """The pair as written, and — when the intent leaves the port open and both ends have IPv6 — the same pair
    over IPv6 (the engine picks IPv4 whenever the source has it)."""
    pairs = [(src, dst)]
    if intent.ports is not None or _is_set(net, src) or _is_set(net, dst):
        return pairs                               # a set end holds the addresses of both families already
    source = _eni_of(net, src)
    if source is None or source.primary_ip is None:
        return pairs                               # a service, or an IPv6-only source: already as asked
    target = _eni_of(net, dst)
    if target is not None and target.ipv6_ips and source.ipv6_ips:
        address = format_address(6, target.ipv6_ips[0])
        if address != dst:
            pairs.append((src, address))
    return pairs


def _is_set(net: CompiledNetwork, name: str) -> bool:
    from vpcsim.engine.ends import resolve_set

    try:
        return resolve_set(net, name, "to") is not None
    except QueryError:
        return False


def _eni_of(net: CompiledNetwork, name: str) -> Eni | None:
    from vpcsim.engine.ends import resolve

    try:
        return resolve(net, name, "to").eni
    except QueryError:
        return None


def flows_of(net: CompiledNetwork, intent: Intent) -> list[Flow]:
    """The flows an intent covers (module docstring); unless the author pinned them, the flows the security
    groups mention come first, so the conversation shown is a telling one."""
    nets = [net]
    if intent.protocol is None:
        flows = any_flows(nets)
    elif intent.protocol in PORTED:
        low, high = intent.ports if intent.ports is not None else (0, 65535)
        flows = port_atoms(nets, intent.protocol, low, high)
    elif intent.protocol in ICMPS:
        flows = [f for f in any_flows(nets) if f.protocol == ICMP]
        if intent.protocol == ICMPV6:
            flows = [Flow(ICMPV6, f.low, f.high) for f in flows]
    else:
        flows = [Flow(intent.protocol)]
    if not intent.is_pinned:
        mentioned = [f for f in mentioned_flows(nets) if f in flows]
        echo = [f for f in flows if f.protocol in ICMPS and f.low == ECHO]
        first = mentioned + [f for f in echo if f not in mentioned]
        flows = first + [f for f in flows if f not in first]
    return flows


# -- the hop that decided ------------------------------------------------------------------------------------


def deciding_hop(trace: Trace) -> Hop | None:
    """The hop whose rule settled the conversation: the drop when it failed; when it got through, the rule
    that admitted it at the destination (or, leaving the network, the last route it took)."""
    if not trace.reachable:
        if trace.disposition is Disposition.REPLY_MISMATCH:
            return _rewriting_route(trace)
        return trace.drop or (trace.reply[-1] if trace.reply else trace.forward[-1] if trace.forward else None)
    admitted = _last(trace, Decision.SECURITY_GROUP_INGRESS_ALLOW)
    return admitted or _last(trace, Decision.ROUTE) or next((h for h in reversed(trace.forward) if h.origin), None)


def _rewriting_route(trace: Trace) -> Hop | None:
    """A reply that came back rewritten: the route that sent it to the hop that rewrote it (the rule to change),
    else that hop, else the reply's last."""
    named = trace.explanations[0].component if trace.explanations else ""
    reply = trace.reply
    for i, hop in enumerate(reply):
        if hop.component == named:
            return next((h for h in reversed(reply[:i]) if h.decision is Decision.ROUTE), hop)
    return reply[-1] if reply else None


def _first(trace: Trace, decision: Decision) -> Hop | None:
    return next((h for h in trace.forward if h.decision is decision), None)


def _last(trace: Trace, decision: Decision) -> Hop | None:
    return next((h for h in reversed(trace.forward) if h.decision is decision), None)


def _steering_hop(trace: Trace, via: Via) -> Hop | None:
    """The route that sent the packet into a component it must avoid (else that component's hop)."""
    hops = (*trace.forward, *trace.reply)
    for i, hop in enumerate(hops):
        if via.matches(hop):
            before = next((h for h in reversed(hops[:i]) if h.decision is Decision.ROUTE), None)
            return before or hop
    return None


def _path(trace: Trace) -> list[str]:
    seen: list[str] = []
    for hop in trace.forward:
        if not seen or seen[-1] != hop.component:
            seen.append(hop.component)
    return seen


def _pair(conversation: Conversation) -> str:
    return f"{conversation.src} -> {conversation.dst} {conversation.flow.label}"


def _describe(conversation: Conversation | None) -> str:
    if conversation is None or conversation.trace is None:
        return ""
    trace = conversation.trace
    text = f"{_pair(conversation)} is {trace.disposition.value}"
    if conversation.addresses is not None:
        name = conversation.src if conversation.side == "from" else conversation.dst
        where = conversation.addresses if conversation.addresses != "every address" else f"every address of {name}"
        text += f" {conversation.side} {where}"
        if conversation.part == "some":
            text += f" (reachable {conversation.side} only part of {name})"
    if trace.explanations:
        explanation = trace.explanations[0]
        text += f" ({explanation.code} at {explanation.component})"
    return text
