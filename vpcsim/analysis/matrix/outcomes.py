"""What a conversation came to, without names: the cell value of every matrix and diff."""

from __future__ import annotations

from dataclasses import dataclass

from vpcsim.analysis.flows import Flow
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
from vpcsim.engine.ends import resolve
from vpcsim.engine.results import Disposition, Trace
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


def trace_outcome(net: CompiledNetwork, src: str, dst: str, flow: Flow) -> Outcome:
    """One conversation, traced in full by the engine, as an ``Outcome``."""
    try:
        return outcome_of(member_trace(net, src, dst, flow.protocol, flow.trace_port, flow.icmp_type))
    except QueryError:
        return NOT_APPLICABLE


def member_trace(net: CompiledNetwork, src: str, dst: str, protocol: int | str, port: int | None,
                 icmp_type: int | None = None) -> Trace:
    """``simulate.trace`` between two matrix members as the matrix still asks it: ``internet`` is one stand-in
    host (``engine.ends.INTERNET_V4``, or ``INTERNET_V6`` when the pair is IPv6) and a site its first CIDR + 10
    — what the matrix's classes use. ``trace`` answers for every address of such a set; the matrix and
    ``diff`` are not yet exact over address sets (docs/semantics.md, "Address sets as question ends"). The ends
    are passed resolved (``simulate.trace_ends``), so a site's stand-in is never read back as the address of an
    interface that happens to share it."""
    if src != "internet" and dst != "internet" and src not in net.external and dst not in net.external:
        return simulate.trace(net, src, dst, protocol=protocol, port=port, icmp_type=icmp_type)
    return simulate.trace_ends(net, resolve(net, src, "from"), resolve(net, dst, "to"), protocol, port, icmp_type)


