"""What a conversation came to, without names: the cell value of every matrix and diff."""

from __future__ import annotations

from dataclasses import dataclass

from vpcsim.analysis.flows import Flow
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine import simulate
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
        return outcome_of(simulate.trace(net, src, dst, protocol=flow.protocol, port=flow.trace_port,
                                                  icmp_type=flow.icmp_type))
    except QueryError:
        return NOT_APPLICABLE
