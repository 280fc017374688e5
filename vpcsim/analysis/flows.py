"""Which flows (protocol, port range) a question has to cover, cut into atoms.

Security groups and network ACLs are the only things that look at ports, so the port space of TCP and UDP
falls into *atoms*: maximal ranges no rule boundary cuts. Every port of an atom meets the same rules
everywhere, so one trace per atom answers for all of them (its first port stands for the others). ICMP is
cut the same way by the ICMP types rules name; every other protocol behaves alike unless a rule names it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import Rule
from vpcsim.protocols import ALL, ECHO_REQUEST, ICMP, ICMPS, ICMPV6, PORTED, TCP, UDP, protocol_name
from vpcsim.protocols import protocol_number as number_of

ECHO = ECHO_REQUEST[4]
OTHER_CANDIDATES = (47, 50, 51, 132, 137, 253)     # GRE, ESP, AH, SCTP, …: stands for "any other protocol"


@dataclass(frozen=True, slots=True, order=True)
class Flow:
    """One protocol and, for TCP/UDP, a port range (one atom); for ICMP, one type; else no port."""

    protocol: int
    low: int = -1
    high: int = -1

    @property
    def port(self) -> int | None:
        """What to pass as ``port`` to ``Network.trace``: the range's first port, or the ICMP type."""
        return self.low if self.low >= 0 else None

    @property
    def trace_port(self) -> int | None:
        """``port`` for ``Network.trace``: TCP and UDP only (ICMP asks its type as ``icmp_type``)."""
        return None if self.protocol in ICMPS else self.port

    @property
    def icmp_type(self) -> int | None:
        """``icmp_type`` for ``Network.trace``: the ICMP message type of an ICMP flow, else None."""
        return self.port if self.protocol in ICMPS else None

    @property
    def protocol_name(self) -> str:
        return protocol_name(self.protocol)

    @property
    def label(self) -> str:
        """``tcp/443``, ``tcp/1024-5431``, ``icmp/8`` (type), ``protocol 47``."""
        if self.protocol in PORTED:
            ports = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
            return f"{self.protocol_name}/{ports}"
        if self.protocol in ICMPS:
            return f"{self.protocol_name}/{self.low}" if self.low >= 0 else self.protocol_name
        return f"protocol {self.protocol}"

    def __str__(self) -> str:
        return self.label


def rules_of(networks: Iterable[CompiledNetwork], security_groups: bool = True, network_acls: bool = True
             ) -> Iterator[Rule]:
    """Every compiled SG rule (each shared table once) and NACL rule of the networks."""
    for net in networks:
        yield from net.rules(security_groups, network_acls)


def port_atoms(networks: Iterable[CompiledNetwork], protocol: int, low: int = 0, high: int = 65535
               ) -> list[Flow]:
    """The atoms of ``protocol``'s ports within ``low``-``high``: no SG or NACL rule boundary inside one."""
    cuts = {low, high + 1}
    for rule in rules_of(networks):
        if rule.protocol == protocol:
            for cut in (rule.port_low, rule.port_high + 1):
                if low < cut <= high:
                    cuts.add(cut)
    edges = sorted(cuts)
    return [Flow(protocol, a, b - 1) for a, b in itertools.pairwise(edges)]


def mentioned_flows(networks: Iterable[CompiledNetwork], protocols: Iterable[int] = (TCP, UDP, ICMP)
                    ) -> list[Flow]:
    """The flows the security groups mention: each TCP/UDP atom inside the port range of some SG rule of
    that protocol, and ICMP echo when an SG rule names ICMP. Falls back to tcp/443 when there is none."""
    networks = list(networks)
    wanted = set(protocols)
    sg_rules = list(rules_of(networks, network_acls=False))
    flows: list[Flow] = []
    for protocol in PORTED:
        if protocol not in wanted:
            continue
        ranges = [(r.port_low, r.port_high) for r in sg_rules if r.protocol == protocol]
        flows += [atom for atom in port_atoms(networks, protocol)
                  if any(a <= atom.high and atom.low <= b for a, b in ranges)]
    if ICMP in wanted and any(r.protocol == ICMP for r in sg_rules):
        flows.append(Flow(ICMP, ECHO, ECHO))
    return flows or [Flow(TCP, 443, 443)]


def icmp_types(networks: Iterable[CompiledNetwork]) -> list[int]:
    """Echo, every ICMP type a rule names, and one type no rule names."""
    named = {r.icmp_type for r in rules_of(networks) if r.protocol in ICMPS and r.icmp_type >= 0}
    unnamed = next(t for t in range(256) if t not in named and t != ECHO)
    return sorted({ECHO, *named, unnamed})


def other_protocols(networks: Iterable[CompiledNetwork]) -> list[int]:
    """Every protocol number a rule names beyond TCP/UDP/ICMP, and one no rule names."""
    named = {r.protocol for r in rules_of(networks)} - {ALL, TCP, UDP, ICMP, ICMPV6}
    unnamed = next(p for p in (*OTHER_CANDIDATES, *range(256)) if p not in named
                   and p not in (ALL, TCP, UDP, ICMP, ICMPV6))
    return sorted({*named, unnamed})


def any_flows(networks: Iterable[CompiledNetwork]) -> list[Flow]:
    """Flows that together stand for *every* protocol and port: all TCP and UDP atoms, the ICMP types above,
    and the other protocols above (docs/semantics.md, "Intents")."""
    return list(flow_space(networks).flows)


@dataclass(frozen=True, slots=True)
class FlowSpace:
    """Every protocol and port, as the flows of ``any_flows``. Two of them stand for more than themselves:
    ``icmp_rest``, the ICMP type no rule names, stands for every type no rule names, and ``other_rest``, the
    protocol no rule names, for every protocol no rule names (``merging.py`` says them so). ``telling``: the
    flows the security groups mention (``mentioned_flows``), the ones to show first."""

    flows: tuple[Flow, ...]
    icmp_rest: Flow
    other_rest: Flow
    telling: frozenset[Flow] = frozenset()


def flow_space(networks: Iterable[CompiledNetwork]) -> FlowSpace:
    """The ``FlowSpace`` of the networks' rules (all of them at once: cut by the rules of each)."""
    networks = list(networks)
    types = icmp_types(networks)
    others = other_protocols(networks)
    named_types = {r.icmp_type for r in rules_of(networks) if r.protocol in ICMPS and r.icmp_type >= 0}
    named_protocols = {r.protocol for r in rules_of(networks)}
    icmp_rest = next(t for t in types if t not in named_types and t != ECHO)
    other_rest = next(p for p in others if p not in named_protocols)
    flows = port_atoms(networks, TCP) + port_atoms(networks, UDP)
    flows += [Flow(ICMP, t, t) for t in types]
    flows += [Flow(p) for p in others]
    return FlowSpace(tuple(flows), Flow(ICMP, icmp_rest, icmp_rest), Flow(other_rest),
                     frozenset(mentioned_flows(networks)))


def alike(networks: Iterable[CompiledNetwork], flows: Iterable[Flow]) -> list[tuple[Flow, ...]]:
    """``flows`` in classes that no SG or NACL rule of the networks tells apart, in first-seen order: TCP (or
    UDP) atoms that lie inside exactly the same rules' port ranges. Only those rules look at ports, so one
    trace of a class's first flow answers for all of it. Other protocols, ICMP types and flows of different
    protocols are never put together (the engine treats ICMP echo and each protocol in its own way)."""
    flows = list(flows)
    ranges: dict[int, set[tuple[int, int]]] = {p: set() for p in PORTED}
    for rule in rules_of(networks):
        if rule.protocol in PORTED:
            ranges[rule.protocol].add((rule.port_low, rule.port_high))
    classes: dict[object, list[Flow]] = {}
    for flow in flows:
        if flow.protocol in PORTED and flow.low >= 0:
            inside = frozenset(r for r in ranges[flow.protocol] if r[0] <= flow.low and flow.high <= r[1])
            cut = any(low <= flow.high and flow.low <= high and not (low <= flow.low and flow.high <= high)
                      for low, high in ranges[flow.protocol])
            key: object = (flow.protocol, inside) if not cut else flow      # a rule cuts it: no class
        else:
            key = flow
        classes.setdefault(key, []).append(flow)
    return [tuple(members) for members in classes.values()]


def protocol_number(text: str | int) -> int | None:
    """``tcp`` -> 6 …; ``all`` -> None (every protocol). Raises ``ValueError`` for anything else."""
    if str(text).strip().lower() == "any":
        return None
    number = number_of(text)
    return None if number == ALL else number
