"""The benchmark generator (benchmarks/generate.py) makes topologies that load cleanly and can be traced."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:            # benchmarks/ lives beside vpcsim/, outside the installed package
    sys.path.insert(0, ROOT)

import vpcsim  # noqa: E402
from benchmarks.generate import dump, generate, vpc_base  # noqa: E402
from vpcsim.engine.results import Disposition  # noqa: E402


def test_generated_topology_loads_and_traces(tmp_path: Path) -> None:
    path = tmp_path / "synthetic-3.yaml"
    dump(generate(3), path)
    network = vpcsim.load(path)
    assert len(network.compiled.vpcs) == 3
    assert len(network.compiled.enis) >= 300          # ~100 per VPC
    names = sorted(network.compiled.instances)
    same_vpc = network.trace(names[0], names[1], "tcp", 443)
    across_tgw = network.trace("v0001-prod-i000", "v0002-staging-i000", "tcp", 443)
    to_internet = network.trace("v0001-prod-i000", "internet:203.0.113.9", "tcp", 443)
    for outcome in (same_vpc, across_tgw, to_internet):
        assert isinstance(outcome.disposition, Disposition)
    assert across_tgw.disposition is Disposition.BLACKHOLE     # environments are isolated on the TGW
    assert to_internet.disposition is Disposition.EXITS_NETWORK   # through the egress VPC's NAT gateway


def test_generator_is_deterministic_and_seeded() -> None:
    assert generate(3, seed=7) == generate(3, seed=7)
    assert generate(3, seed=7) != generate(3, seed=8)


def test_vpc_ranges_do_not_overlap_past_10_slash_8() -> None:
    bases = [vpc_base(i) for i in (0, 1, 4095, 4096, 4351)]
    assert len(set(bases)) == len(bases)
    assert all(b % 4096 == 0 for b in bases)                  # /20 aligned
