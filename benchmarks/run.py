"""Measure vpcsim against the DESIGN §8 budgets on synthetic topologies (benchmarks/generate.py).

    python -m benchmarks.run --sizes 10,100 --queries 2000
    python -m benchmarks.run --sizes 100 --profile          # cProfile of the trace batch, top 15
    python -m benchmarks.run --sizes 100 --profile-load     # cProfile of load + compile, top 15

For each size: write the YAML to a temporary folder; time ``vpcsim.load.load_topology`` (read + schema +
validate; ``--breakdown`` times the three stages once more, separately) and ``compile_network``; time
single conversations (``Network.trace``, request + reply) one by one after a warm-up (median, p95); then
the throughput of a batch on 1 process and on 2 processes — with the compiled network inherited through
``fork`` and, separately, sent pickled to ``spawn`` workers — and compare with the budgets.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import gc
import io
import multiprocessing as mp
import os
import pickle
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import dump, generate

# DESIGN §8 budgets.
LOAD_BUDGET_S = {100: 1.0, 1000: 5.0}          # load + validate + compile, by VPC count (M, L)
TRACE_MEDIAN_BUDGET_US = 50.0                  # one conversation at M
THROUGHPUT_BUDGET = 50_000.0                   # conversations / s on 2 processes

Query = tuple[str, str, str, int | None]

# The worker processes read these (set before fork, or by the spawn initializer).
_NETWORK: Any = None
_QUERIES: list[Query] = []


@dataclass
class Result:
    vpcs: int
    enis: int = 0
    file_bytes: int = 0
    file_lines: int = 0
    generate_s: float = 0.0
    load_s: float = 0.0
    compile_s: float = 0.0
    cached_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    median_us: float = 0.0
    p95_us: float = 0.0
    engine_median_us: float = 0.0
    engine_p95_us: float = 0.0
    dispositions: dict[str, int] = field(default_factory=dict)
    rate_1: float = 0.0
    rate_fork: float | None = None
    rate_spawn: float | None = None
    pickle_mb: float | None = None
    pickle_s: float | None = None
    unpickle_s: float | None = None
    notes: list[str] = field(default_factory=list)
    rss_mb: float = 0.0
    load_average: str = ""

    @property
    def total_s(self) -> float:
        return self.load_s + self.compile_s


# -- queries -------------------------------------------------------------------------------------------


def make_queries(compiled: Any, count: int, seed: int) -> list[Query]:
    """Random ENI -> ENI conversations: a third inside one VPC, a third inside one environment, a third
    anywhere; mostly TCP on common ports, some UDP 53 and ICMP echo."""
    rng = random.Random(seed)
    enis = sorted(name for name, eni in compiled.enis.items() if eni.kind in ("instance", "interface"))
    by_vpc: dict[str, list[str]] = collections.defaultdict(list)
    by_env: dict[str, list[str]] = collections.defaultdict(list)
    for name in enis:
        vpc = compiled.enis[name].vpc
        by_vpc[vpc].append(name)
        by_env[vpc.rsplit("-", 1)[-1]].append(name)
    queries: list[Query] = []
    for _ in range(count):
        src = rng.choice(enis)
        roll = rng.random()
        vpc = compiled.enis[src].vpc
        pool = by_vpc[vpc] if roll < 1 / 3 else by_env[vpc.rsplit("-", 1)[-1]] if roll < 2 / 3 else enis
        dst = rng.choice(pool)
        while dst == src and len(pool) > 1:
            dst = rng.choice(pool)
        kind = rng.random()
        if kind < 0.85:
            queries.append((src, dst, "tcp", rng.choice((22, 80, 443, 443, 5432, 6379, 8080, 8443, 9200))))
        elif kind < 0.95:
            queries.append((src, dst, "udp", 53))
        else:
            queries.append((src, dst, "icmp", None))
    return queries


def _run(network: Any, queries: list[Query]) -> int:
    trace = network.trace
    for src, dst, protocol, port in queries:
        trace(src, dst, protocol, port)
    return len(queries)


def _worker_chunk(bounds: tuple[int, int]) -> tuple[int, float]:
    start = time.perf_counter()
    done = _run(_NETWORK, _QUERIES[bounds[0]:bounds[1]])
    return done, time.perf_counter() - start


def _worker_ready(_: int) -> int:
    return os.getpid()


def _spawn_init(blob: bytes, queries: list[Query]) -> None:
    global _NETWORK, _QUERIES
    from vpcsim.api import Network

    _NETWORK = Network(pickle.loads(blob))
    _QUERIES = queries


def _parallel(ctx: mp.context.BaseContext, queries: list[Query], processes: int,
              initializer: Any = None, initargs: tuple[Any, ...] = ()) -> float:
    """Conversations per second of ``processes`` workers, measured after the pool is up and warm."""
    per = len(queries) // processes
    chunks = [(k * per, len(queries) if k == processes - 1 else (k + 1) * per) for k in range(processes)]
    with ctx.Pool(processes, initializer=initializer, initargs=initargs) as pool:   # type: ignore[attr-defined]
        pool.map(_worker_ready, range(processes * 4))
        warm = [(a, min(b, a + 200)) for a, b in chunks]
        pool.map(_worker_chunk, warm, chunksize=1)
        start = time.perf_counter()
        done = pool.map(_worker_chunk, chunks, chunksize=1)
        wall = time.perf_counter() - start
    return sum(n for n, _ in done) / wall


# -- measuring -------------------------------------------------------------------------------------------


def _median_p95(timings_ns: list[int]) -> tuple[float, float]:
    timings_ns = sorted(timings_ns)
    return (statistics.median(timings_ns) / 1000,
            timings_ns[min(len(timings_ns) - 1, int(len(timings_ns) * 0.95))] / 1000)


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n_vpcs: int, args: argparse.Namespace, folder: Path) -> Result:
    global _NETWORK, _QUERIES
    from vpcsim.api import Network
    from vpcsim.compile.compiler import compile_network
    from vpcsim.engine.simulate import trace as engine_trace
    from vpcsim.load import load_topology

    result = Result(n_vpcs, load_average=_load_average())
    path = folder / f"synthetic-{n_vpcs}.yaml"
    start = time.perf_counter()
    dump(generate(n_vpcs, args.seed), path)
    result.generate_s = time.perf_counter() - start
    raw = path.read_bytes()
    result.file_bytes, result.file_lines = len(raw), raw.count(b"\n")
    del raw
    _say(f"[{n_vpcs} VPCs] {path.name}: {result.file_bytes / 1e6:.1f} MB, {result.file_lines:,} lines "
         f"(generated in {result.generate_s:.1f} s)")

    profiler = cProfile.Profile() if args.profile_load else None
    if profiler:
        profiler.enable()
    gc.disable()                        # as vpcsim.load does
    start = time.perf_counter()
    loaded = load_topology(path)
    result.load_s = time.perf_counter() - start
    start = time.perf_counter()
    compiled = compile_network(loaded.topology, loaded.positions, loaded.warnings, loaded.source)
    result.compile_s = time.perf_counter() - start
    result.cached_s = _from_cache(path, compiled, loaded.files)
    gc.enable()
    if profiler:
        profiler.disable()
        _print_profile(profiler, f"load + compile, {n_vpcs} VPCs", args.top)
    if loaded.warnings:
        result.notes.append(f"{len(loaded.warnings)} load warnings, first: {loaded.warnings[0]}")
    if args.breakdown:
        result.stages = _stages(path)
    network = Network(compiled, loaded.topology)
    result.enis = len(compiled.enis)
    _say(f"  load+validate {result.load_s:.2f} s, compile {result.compile_s:.2f} s, {result.enis:,} ENIs, "
         f"from the load cache {result.cached_s:.2f} s"
         + (" | " + ", ".join(f"{k} {v:.2f} s" for k, v in result.stages.items()) if result.stages else ""))

    # Single conversations.
    queries = make_queries(compiled, args.queries, args.seed)
    _run(network, queries[: min(len(queries), 300)])       # warm-up
    timings: list[int] = []
    dispositions: collections.Counter[str] = collections.Counter()
    clock = time.perf_counter_ns
    for src, dst, protocol, port in queries:
        t0 = clock()
        outcome = network.trace(src, dst, protocol, port)
        timings.append(clock() - t0)
        dispositions[str(outcome.disposition)] += 1
    result.median_us, result.p95_us = _median_p95(timings)
    result.dispositions = dict(dispositions.most_common())
    # The engine alone (vpcsim.engine.simulate.trace), without what Network.trace adds on top.
    timings = []
    for src, dst, protocol, port in queries:
        t0 = clock()
        engine_trace(compiled, src, dst, protocol=protocol, port=port)
        timings.append(clock() - t0)
    result.engine_median_us, result.engine_p95_us = _median_p95(timings)
    _say(f"  Network.trace: median {result.median_us:.1f} µs, p95 {result.p95_us:.1f} µs over {len(queries):,} "
         f"queries ({', '.join(f'{k} {v}' for k, v in result.dispositions.items())}); engine alone: median "
         f"{result.engine_median_us:.1f} µs, p95 {result.engine_p95_us:.1f} µs")

    # Batch throughput, 1 process.
    batch = make_queries(compiled, args.batch, args.seed + 1)
    profiler = cProfile.Profile() if args.profile else None
    gc.collect()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    _run(network, batch)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    result.rate_1 = len(batch) / elapsed
    if profiler:
        _print_profile(profiler, f"trace batch of {len(batch):,}, {n_vpcs} VPCs (rate under the profiler "
                       f"{result.rate_1:,.0f}/s)", args.top)
        start = time.perf_counter()
        _run(network, batch)
        result.rate_1 = len(batch) / (time.perf_counter() - start)
    _say(f"  batch 1 process: {result.rate_1:,.0f} conversations/s")

    # 2 processes: (a) fork, the compiled network inherited copy-on-write.
    if args.processes > 1:
        _NETWORK, _QUERIES = Network(compiled), batch
        gc.freeze()              # keep the inherited objects' pages out of the workers' collections
        try:
            result.rate_fork = _parallel(mp.get_context("fork"), batch, args.processes)
            _say(f"  batch {args.processes} processes (fork, shared): {result.rate_fork:,.0f} conversations/s")
        except Exception as error:
            result.notes.append(f"fork pool failed: {type(error).__name__}: {error}")
        finally:
            gc.unfreeze()
        # (b) pickled into spawn workers (what Ray or any non-fork fan-out needs).
        try:
            start = time.perf_counter()
            blob = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
            result.pickle_s = time.perf_counter() - start
            result.pickle_mb = len(blob) / 1e6
            start = time.perf_counter()
            pickle.loads(blob)
            result.unpickle_s = time.perf_counter() - start
            _say(f"  pickle: {result.pickle_mb:.1f} MB, dumps {result.pickle_s:.2f} s, loads {result.unpickle_s:.2f} s")
            if args.no_spawn or result.pickle_mb > args.spawn_max_mb:
                result.notes.append(f"spawn pool skipped (pickle {result.pickle_mb:.0f} MB; --spawn-max-mb "
                                    f"{args.spawn_max_mb:g})" if not args.no_spawn else "spawn pool skipped")
            else:
                result.rate_spawn = _parallel(mp.get_context("spawn"), batch, args.processes,
                                              initializer=_spawn_init, initargs=(blob, batch))
                _say(f"  batch {args.processes} processes (spawn, pickled): {result.rate_spawn:,.0f} conversations/s")
            del blob
        except Exception as error:
            result.notes.append(f"pickling failed: {type(error).__name__}: {error}")
        _NETWORK, _QUERIES = None, []
    result.rss_mb = _rss_mb()
    return result


def _from_cache(path: Path, compiled: Any, files: tuple[str, ...]) -> float:
    """How long ``vpcsim.load`` takes when the network is in the load cache (``vpcsim.cache``)."""
    import vpcsim
    from vpcsim import cache

    previous = os.environ.get("VPCSIM_CACHE_DIR")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["VPCSIM_CACHE_DIR"] = folder
        try:
            cache._write(path, compiled, files)
            start = time.perf_counter()
            network = vpcsim.load(path, cache=True)
            elapsed = time.perf_counter() - start
            assert network.topology is None, "the benchmark's network did not come from the cache"
        finally:
            if previous is None:
                os.environ.pop("VPCSIM_CACHE_DIR", None)
            else:
                os.environ["VPCSIM_CACHE_DIR"] = previous
    return elapsed


def _stages(path: Path) -> dict[str, float]:
    """The three stages of ``load_topology`` timed separately (a second, independent load)."""
    from vpcsim.load.loader import _read_with_includes, parse_topology
    from vpcsim.load.validate import validate

    stages: dict[str, float] = {}
    start = time.perf_counter()
    data, positions, _ = _read_with_includes(path)
    stages["read"] = time.perf_counter() - start
    start = time.perf_counter()
    topology = parse_topology(data, positions)
    stages["schema"] = time.perf_counter() - start
    start = time.perf_counter()
    list(validate(topology, positions))
    stages["validate"] = time.perf_counter() - start
    return stages


def _print_profile(profiler: cProfile.Profile, title: str, top: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    _say(f"\n--- cProfile: {title} — top {top} by own time ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    _say("\n".join(line for line in lines[start - 2 if start >= 2 else 0:] if line.strip()))
    _say("")


# -- report ----------------------------------------------------------------------------------------------


def _ratio(value: float | None, budget: float | None, lower_is_better: bool = True) -> str:
    if value is None or budget is None:
        return "—"
    ratio = value / budget
    return f"{ratio:.2f}×"


def _nearest_load_budget(n: int) -> tuple[float | None, str]:
    if n in LOAD_BUDGET_S:
        return LOAD_BUDGET_S[n], "M" if n == 100 else "L"
    return None, ""


def report(results: list[Result], args: argparse.Namespace) -> None:
    rows: list[list[str]] = []
    header = ["VPCs", "ENIs", "file", "lines", "load+val s", "compile s", "total s", "vs budget", "cached s",
              "median µs", "vs 50µs", "p95 µs", "engine µs", "vs 50µs", "1 proc/s", f"{args.processes} fork/s",
              f"{args.processes} spawn/s", "vs 50k/s", "pickle MB", "RSS MB"]
    for r in results:
        budget, _ = _nearest_load_budget(r.vpcs)
        best = max((x for x in (r.rate_fork, r.rate_spawn) if x is not None), default=None)
        rows.append([
            f"{r.vpcs:,}", f"{r.enis:,}", f"{r.file_bytes / 1e6:.1f} MB", f"{r.file_lines:,}",
            f"{r.load_s:.2f}", f"{r.compile_s:.2f}", f"{r.total_s:.2f}",
            _ratio(r.total_s, budget), f"{r.cached_s:.2f}",
            f"{r.median_us:.0f}", _ratio(r.median_us, TRACE_MEDIAN_BUDGET_US),
            f"{r.p95_us:.0f}", f"{r.engine_median_us:.0f}", _ratio(r.engine_median_us, TRACE_MEDIAN_BUDGET_US),
            f"{r.rate_1:,.0f}",
            f"{r.rate_fork:,.0f}" if r.rate_fork else "—", f"{r.rate_spawn:,.0f}" if r.rate_spawn else "—",
            f"{THROUGHPUT_BUDGET / best:.1f}× short" if best and best < THROUGHPUT_BUDGET else
            (f"{best / THROUGHPUT_BUDGET:.2f}× ok" if best else "—"),
            f"{r.pickle_mb:.0f}" if r.pickle_mb is not None else "—", f"{r.rss_mb:.0f}"])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    _say("\n" + "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        _say("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    _say("\nBudgets (DESIGN §8, 2 cores): load+validate+compile M=100 VPCs ≤ 1 s, L=1000 ≤ 5 s; one conversation "
         "≤ 50 µs median at M; ≥ 50k conversations/s on 2 processes. Ratios: measured / budget "
         "(throughput: how far short of 50k/s).")
    for r in results:
        lines = []
        budget, label = _nearest_load_budget(r.vpcs)
        if budget:
            lines.append(f"load+validate+compile {r.total_s:.2f} s = {r.total_s / budget:.2f}× the {label} budget "
                         f"({budget:g} s); from the load cache {r.cached_s:.2f} s = {r.cached_s / budget:.2f}×")
        if r.stages:
            lines.append("stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.stages.items()))
        lines.append(f"Network.trace median {r.median_us:.0f} µs = {r.median_us / TRACE_MEDIAN_BUDGET_US:.2f}× budget, "
                     f"engine alone {r.engine_median_us:.0f} µs = {r.engine_median_us / TRACE_MEDIAN_BUDGET_US:.2f}×"
                     + ("" if r.vpcs == 100 else " (the budget is set at M = 100 VPCs)"))
        best = max((x for x in (r.rate_fork, r.rate_spawn) if x is not None), default=None)
        if best:
            lines.append(f"{args.processes}-process throughput {best:,.0f}/s = {best / THROUGHPUT_BUDGET:.3g}× "
                         "the 50k/s target")
        if r.pickle_mb is not None:
            lines.append(f"compiled network pickles to {r.pickle_mb:.1f} MB (dumps {r.pickle_s:.2f} s, "
                         f"loads {r.unpickle_s:.2f} s)")
        lines.append("dispositions: " + ", ".join(f"{k} {v}" for k, v in r.dispositions.items()))
        lines.extend(r.notes)
        lines.append(f"load average at start: {r.load_average} (other processes on the 2 cores skew every figure)")
        _say(f"\n{r.vpcs} VPCs:\n  " + "\n  ".join(lines))


def _say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="comma-separated VPC counts (S=10, M=100, L=1000)")
    parser.add_argument("--queries", type=int, default=2000, help="single conversations timed one by one")
    parser.add_argument("--batch", type=int, default=20000, help="conversations in the throughput batch")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the 1-process batch, print the top")
    parser.add_argument("--profile-load", action="store_true", help="cProfile load + compile, print the top")
    parser.add_argument("--top", type=int, default=15, help="functions shown by --profile (default 15)")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                        help="skip timing read / schema / validate separately (a second load)")
    parser.add_argument("--no-spawn", action="store_true", help="skip the pickled spawn-pool measurement")
    parser.add_argument("--spawn-max-mb", type=float, default=100.0,
                        help="skip the spawn pool when the pickled network is larger (default 100 MB)")
    parser.add_argument("--keep", metavar="DIR", help="write the YAML files here instead of a temporary folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    _say(f"vpcsim benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, sizes {sizes}, "
         f"{args.queries:,} timed queries, batch {args.batch:,}")
    results = []
    with tempfile.TemporaryDirectory(prefix="vpcsim-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            results.append(measure(n, args, folder))
            gc.collect()
    report(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
