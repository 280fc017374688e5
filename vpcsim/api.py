"""The public API: ``load`` a topology into a ``Network`` and ask it questions (DESIGN §6)."""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpcsim import cache as caching
from vpcsim.engine.frozen import quick_init
from vpcsim.engine.results import Trace
from vpcsim.errors import Diagnostic
from vpcsim.flowlogs.formats import DEFAULT_FORMAT, FlowLogRecord, render
from vpcsim.load import strict as strictness

if TYPE_CHECKING:
    from vpcsim.analysis.check import Review
    from vpcsim.analysis.matrix import Matrix
    from vpcsim.compile.network import CompiledNetwork
    from vpcsim.engine.results import DnsExchange
    from vpcsim.model import Topology


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class NetworkTrace(Trace):
    """A ``Trace`` with the network it was traced in: what ``Network.trace`` returns.

    The engine's ``Trace`` is plain data that knows no network. Flow log records need one as well (which VPCs
    log, the interfaces' ids, accounts, AZs), so the API pairs the two here, and the records are worked out
    from both with ``vpcsim.flowlogs`` each time they are asked for — most traces never are, and nothing
    is stored back."""

    network: CompiledNetwork = dataclasses.field(kw_only=True, compare=False, repr=False)

    @property
    def flow_log_records(self) -> tuple[FlowLogRecord, ...]:
        """The records every ENI on the path would log (R12)."""
        from vpcsim.flowlogs.records import records_of  # with the compiled network's modules: not at import

        return records_of(self.network, self)

    def flow_logs(self, format: str | None = None) -> list[str]:
        """The flow log records as text lines (default or custom ``${field}`` format)."""
        return [render(record, format or DEFAULT_FORMAT) for record in self.flow_log_records]

    def to_dict(self, flow_logs: Sequence[str] | None = None) -> dict[str, Any]:
        """The trace as DESIGN §4's JSON object, with its flow log records in the default format."""
        return Trace.to_dict(self, self.flow_logs() if flow_logs is None else flow_logs)


TraceFunction = Callable[..., NetworkTrace]
_ENGINE_TRACE: list[TraceFunction] = []


def _engine_trace() -> TraceFunction:
    """``engine.simulate.trace``, imported on the first trace (``import vpcsim`` stays light) and kept: an
    import statement inside ``Network.trace`` costs about 0.6 µs on every conversation."""
    from vpcsim.engine.simulate import trace

    _ENGINE_TRACE.append(trace)
    return trace


class Network:
    """A loaded, validated and compiled network. Cheap to query many times."""

    def __init__(self, compiled: CompiledNetwork, topology: Topology | None = None) -> None:
        self.compiled = compiled
        self.topology = topology
        self._make_trace = partial(NetworkTrace, network=compiled)   # the engine builds it: no copy per trace

    @property
    def name(self) -> str:
        return self.compiled.name

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(self.compiled.warnings)

    def trace(self, src: str, dst: str, protocol: str | int = "tcp", port: int | None = None,
              src_port: int | None = None, *, icmp_type: int | None = None,
              icmp_code: int | None = None) -> NetworkTrace:
        """Simulate one conversation (request, then reply) from ``src`` to ``dst``.

        ICMP asks an echo request unless ``icmp_type`` (and ``icmp_code``, 0-255) name another message; ports
        are for tcp and udp only. An impossible question raises ``QueryError`` with a hint."""
        run = _ENGINE_TRACE[0] if _ENGINE_TRACE else _engine_trace()
        if icmp_type is None and icmp_code is None:
            return run(self.compiled, src, dst, protocol, port, src_port, self._make_trace)
        return run(self.compiled, src, dst, protocol, port, src_port, self._make_trace, icmp_type=icmp_type,
                   icmp_code=icmp_code)

    def resolve(self, src: str, name: str) -> DnsExchange:
        """Resolve ``name`` as the Resolver of ``src``'s VPC answers it, the query sent as a real packet."""
        from vpcsim.engine.simulate import lookup

        return lookup(self.compiled, src, name)

    def check(self, intents: str | Path) -> Review:
        """Check an intents file against this network (``vpcsim check``): every intent, pass or fail, with the
        trace that decided it. Raises ``IntentsError`` (a ``TopologyError``) for a bad file."""
        from vpcsim.analysis.check import check
        from vpcsim.analysis.intents import load_intents

        return check(self.compiled, load_intents(intents, self.compiled))

    def matrix(self, protocol: str | int | None = None, port: int | None = None, processes: int = 1,
               keep_blocks: bool = True) -> Matrix:
        """All-pairs reachability between endpoints (``vpcsim matrix``), by equivalence classes; with
        ``keep_blocks`` False, only the counts by outcome (large networks)."""
        from vpcsim.analysis.matrix import flows_for, matrix

        return matrix(self.compiled, flows_for(self.compiled, protocol, port), processes=processes,
                      keep_blocks=keep_blocks)

    def __repr__(self) -> str:
        c = self.compiled
        return f"<Network {c.name!r}: {len(c.vpcs)} VPCs, {len(c.subnets)} subnets, {len(c.enis)} ENIs>"


def load(path: str | Path, *, strict: bool | None = None, cache: bool | None = None) -> Network:
    """Load a topology (a YAML file, a folder of AWS describe-* JSON, or ``terraform show -json`` output) and
    compile it.

    Raises ``TopologyError`` listing every problem. With ``strict=True`` a topology that loads with warnings is
    refused too (``WarningsAsErrors``); left to None, the CLI's ``--strict`` decides. With ``cache=True`` a
    network that was slow to build is kept on disk and reused while its files are unchanged (``vpcsim.cache``);
    left to None, the CLI decides (it caches unless given ``--no-cache``)."""
    use_cache = caching.enabled() if cache is None else cache
    collecting = gc.isenabled()
    gc.disable()          # loading builds millions of long-lived objects: collection passes only cost time
    try:
        with strictness.strict(strict) if strict is not None else nullcontext():
            compiled = caching.fetch(Path(path)) if use_cache else None
            topology = None
            if compiled is None:
                from vpcsim.compile.compiler import compile_network  # not needed for a cached network
                from vpcsim.importers import load_source

                started = time.perf_counter()
                loaded = load_source(path)
                compiled = compile_network(loaded.topology, loaded.positions, loaded.warnings, loaded.source)
                topology = loaded.topology
                if use_cache:
                    caching.store(Path(path), compiled, loaded.files, time.perf_counter() - started)
            strictness.check(compiled.warnings)        # compiling can add some (R2.9 ties)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()           # and they live as long as the network: keep them out of later collections
    return Network(compiled, topology)
