"""The public API: ``load`` a topology into a ``Network`` and ask it questions (DESIGN §6)."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from vpcsim.compile.network import CompiledNetwork, compile_network
from vpcsim.errors import Diagnostic
from vpcsim.load import load_topology

if TYPE_CHECKING:
    from vpcsim.engine.results import DnsExchange, Trace
    from vpcsim.model import Topology


class Network:
    """A loaded, validated and compiled network. Cheap to query many times."""

    def __init__(self, compiled: CompiledNetwork, topology: Topology | None = None) -> None:
        self.compiled = compiled
        self.topology = topology

    @property
    def name(self) -> str:
        return self.compiled.name

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(self.compiled.warnings)

    def trace(self, src: str, dst: str, protocol: str | int = "tcp", port: int | None = None,
              src_port: int | None = None) -> Trace:
        """Simulate one conversation (request, then reply) from ``src`` to ``dst``."""
        from vpcsim.engine.simulate import trace

        result = trace(self.compiled, src, dst, protocol=protocol, port=port, src_port=src_port)
        return replace(result, network=self.compiled)

    def resolve(self, src: str, name: str) -> DnsExchange:
        """Resolve ``name`` as the Resolver of ``src``'s VPC answers it, the query sent as a real packet."""
        from vpcsim.engine.simulate import lookup

        return lookup(self.compiled, src, name)

    def __repr__(self) -> str:
        c = self.compiled
        return f"<Network {c.name!r}: {len(c.vpcs)} VPCs, {len(c.subnets)} subnets, {len(c.enis)} ENIs>"


def load(path: str | Path) -> Network:
    """Load a topology (YAML file) and compile it. Raises ``TopologyError`` listing every problem."""
    collecting = gc.isenabled()
    gc.disable()          # loading builds millions of long-lived objects: collection passes only cost time
    try:
        loaded = load_topology(path)
        compiled = compile_network(loaded.topology, loaded.positions, loaded.warnings, loaded.source)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()           # and they live as long as the network: keep them out of later collections
    return Network(compiled, loaded.topology)
