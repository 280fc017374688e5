"""What ``vpcsim matrix`` returns: per flow, blocks of pairs with one outcome, and counts by outcome."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.outcomes import Outcome


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
