"""Helpers shared by the AWS-semantics tests (one test per aws-semantics rule id, STYLE §2.6)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import vpcsim
from vpcsim import Hop, Network, Trace

TOPOLOGIES = Path(__file__).parent / "topologies"


def load(name: str) -> Network:
    """Load ``tests/semantics/topologies/<name>`` (the ``.yaml`` suffix may be left out)."""
    path = TOPOLOGIES / name
    if not path.suffix:
        path = path.with_suffix(".yaml")
    return vpcsim.load(path)


def components(hops: Iterable[Hop]) -> list[str]:
    """The component of each hop, in order (a component deciding twice appears twice)."""
    return [hop.component for hop in hops]


def decisions(hops: Iterable[Hop]) -> list[str]:
    """The decision of each hop, as its JSON string."""
    return [hop.decision.value for hop in hops]


def hop_at(hops: Iterable[Hop], component: str) -> Hop:
    """The first hop at ``component``."""
    return next(h for h in hops if h.component == component)


def drop_of(trace: Trace) -> Hop:
    """The hop that dropped the conversation (the test fails if nothing did)."""
    assert trace.drop is not None, f"expected a drop, got {trace.disposition}"
    return trace.drop
