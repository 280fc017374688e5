"""How fast ``vpcsim tui`` opens and how long its key presses hold the screen, on the synthetic topologies.

    python -m benchmarks.tui_startup --sizes 100,1000
    python -m benchmarks.tui_startup --topology /tmp/bench/SM/synthetic-100.yaml --repeat 5
    python -m benchmarks.tui_startup --topology m.pickle --profile startup      # cProfile of the start
    TUI_PROFILE_SORT=tottime TUI_PROFILE_FILTER=vpcsim python -m benchmarks.tui_startup --profile 'map (m)'

Each run is a fresh Python process, so Textual's import is paid as ``vpcsim tui`` pays it. It loads the
topology (``load``; a ``.pickle`` of ``(network.compiled, network.topology)`` skips that while iterating),
imports the explorer (``import``: ``vpcsim.tui.app`` with ``vpcsim`` already in memory, as the CLI has it),
starts it headless at 120x40 and reports, from the moment ``ExplorerApp`` is built:

* ``app ready`` — Textual is running and the first screen is composed and mounted;
* ``first paint`` — the first frame that shows the tree and the details of the first VPC;
* ``settled`` — nothing left in the message queues.

Then it presses keys the way a person starts (open a VPC, walk into its subnets and interfaces, look at a
security group, the transit gateway and its route table, filter the tree, open the map, page it, trace; with
``--matrix`` also the all-pairs matrix, which takes as long as ``vpcsim matrix``) and
reports for each action two figures: ``blocked``, the longest time the event loop could not answer (what
a person feels as a frozen screen; work in a worker thread does not count, except that it shares the GIL)
and ``done``, the time until every worker it started has finished. ``--repeat`` runs that many processes
and reports medians.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import dump, generate

SIZE = (120, 40)
HEARTBEAT_S = 0.002


def _load(path: str) -> Any:
    if path.endswith((".pickle", ".pkl")):
        import gc
        import pickle

        from vpcsim.api import Network

        gc.disable()
        with open(path, "rb") as f:
            compiled, topology = pickle.load(f)
        gc.enable()
        gc.freeze()
        return Network(compiled, topology)
    import vpcsim

    return vpcsim.load(path)


class Collections:
    """Time spent in the garbage collector (``gc.callbacks``): its pauses block the UI like any handler."""

    def __init__(self) -> None:
        self.total = 0.0
        self.longest = 0.0
        self._began = 0.0
        import gc

        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            pause = time.perf_counter() - self._began
            self.total += pause
            self.longest = max(self.longest, pause)

    def reset(self) -> None:
        self.total = self.longest = 0.0


class Stalls:
    """A heartbeat on the event loop: the longest gap between two beats is the longest time the UI was
    unable to react (a handler running, a frame being rendered)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(HEARTBEAT_S)
            self.longest = max(self.longest, time.perf_counter() - start - HEARTBEAT_S)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._beat())

    def reset(self) -> None:
        self.longest = 0.0


def child(path: str, profile: str | None, pace: float, with_matrix: bool) -> None:
    import vpcsim  # noqa: F401  (the CLI has it in memory before the explorer is imported)

    t0 = time.perf_counter()
    network = _load(path)
    t1 = time.perf_counter()
    from vpcsim.tui.app import ExplorerApp

    t2 = time.perf_counter()
    from vpcsim.tui.facts import TraceQuery
    from vpcsim.tui.refs import Ref
    from vpcsim.tui.widgets.details_pane import DetailsPane

    net = network.compiled
    timings: dict[str, Any] = {"load_s": t1 - t0, "import_s": t2 - t1, "enis": len(net.enis), "actions": {}}
    vpcs = list(net.vpcs)
    big_vpc = max(vpcs, key=lambda v: len(net.vpcs[v].subnets))
    groups = [sg for eni in net.enis.values() if eni.vpc == big_vpc for sg in eni.security_groups]
    big_sg = max(set(groups), key=groups.count) if groups else None
    tgw = next(iter(net.transit_gateways), None)
    tgw_table = max(net.tgw_route_tables, key=lambda t: len(net.tgw_route_tables[t].routes), default=None)
    instances = list(net.instances)
    profiler = cProfile.Profile() if profile else None

    async def run() -> None:
        stalls = Stalls()
        stalls.start()
        collections = Collections()
        start = time.perf_counter()
        app = ExplorerApp(network)
        display = app._display

        def painted(screen: Any, renderable: Any) -> None:
            """Note the first frame that shows the first VPC's details (Textual draws in ``App._display``)."""
            if renderable is not None and not app._batch_count and "first_paint_s" not in timings:
                panes = screen.query(DetailsPane)
                pane = panes.first() if panes else None
                if pane is not None and pane.details is not None and all(t.is_mounted for t in pane.tables.values()):
                    timings["first_paint_s"] = time.perf_counter() - start
            display(screen, renderable)

        app._display = painted  # type: ignore[method-assign]
        if profiler is not None and profile == "startup":
            profiler.enable()
        async with app.run_test(size=SIZE) as pilot:
            timings["app_ready_s"] = time.perf_counter() - start
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            timings["settled_s"] = time.perf_counter() - start
            timings["startup_blocked_s"] = stalls.longest
            timings["startup_gc_s"] = collections.total
            if profiler is not None and profile == "startup":
                profiler.disable()
            screen: Any = app.screen

            async def timed(name: str, act: Callable[[], Awaitable[None] | None]) -> None:
                await pilot.pause()
                await asyncio.sleep(pace)          # a person reads before pressing the next key
                stalls.reset()
                collections.reset()
                if profiler is not None and profile == name:
                    profiler.enable()
                began = time.perf_counter()
                result = act()
                if result is not None:
                    await result
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                done = time.perf_counter() - began
                if profiler is not None and profile == name:
                    profiler.disable()
                timings["actions"][name] = {"blocked_s": stalls.longest, "done_s": done, "gc_s": collections.total,
                                            "gc_longest_s": collections.longest}

            def keys(*names: str) -> Callable[[], Awaitable[None]]:
                return lambda: pilot.press(*names)

            def select(ref: Ref) -> Callable[[], None]:
                def act() -> None:
                    heap = getattr(app, "heap", None)
                    if heap is not None:
                        heap.touched()        # stands for the click that would select it: someone is there
                    screen.select(ref)

                return act

            await timed("next VPC (down)", keys("down"))
            await timed("open VPC (enter)", keys("enter"))
            await timed("next line (down)", keys("down"))
            await timed("open subnets (enter)", keys("enter"))
            await timed("select a big VPC", select(Ref("vpc", big_vpc)))
            subnet = max(net.vpcs[big_vpc].subnets, key=lambda s: sum(e.subnet == s for e in net.enis.values()))
            await timed("select a subnet", select(Ref("subnet", subnet)))
            await timed("open the subnet (enter)", keys("enter"))
            await timed("interface + probes (down)", keys("down"))
            if big_sg is not None:
                await timed("select a security group", select(Ref("security_group", big_sg)))
            if tgw is not None:
                await timed("select the transit gateway", select(Ref("transit_gateway", tgw)))
            if tgw_table is not None:
                await timed("select its biggest route table", select(Ref("tgw_route_table", tgw_table)))
            await timed("select the internet", select(Ref("internet", "internet")))
            await timed("focus the filter (/)", keys("slash"))
            for i, key in enumerate(vpcs[len(vpcs) // 2][:5]):
                await timed(f"filter: type {key!r} ({i + 1})", keys(key))
            await timed("clear the filter (escape)", keys("escape"))
            await timed("map (m)", keys("m"))
            await timed("map: next page (])", keys("right_square_bracket"))
            await timed("trace view (t)", keys("t"))
            await timed("trace: type in 'to'", keys(*instances[-1][:2]))
            src, dst = instances[0], instances[len(instances) // 2]

            async def trace() -> None:
                form = screen.query_one("TraceForm")
                form.fill(TraceQuery(src, dst, "tcp", 443))
                form.query_one("#dst").focus()
                await pilot.press("enter")

            await timed("trace: run (enter)", trace)
            await timed("trace on the map (ctrl+g)", keys("ctrl+g"))
            await timed("back to details (escape)", keys("escape"))
            await timed("help (?)", keys("question_mark"))
            await timed("close help (escape)", keys("escape"))
            if with_matrix:
                await timed("matrix (x), computed in a worker", keys("x"))
                await timed("back to details (escape) again", keys("escape"))

    asyncio.run(run())
    if profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats(os.environ.get("TUI_PROFILE_SORT", "cumulative")).print_stats(
            os.environ.get("TUI_PROFILE_FILTER", ""), int(os.environ.get("TUI_PROFILE_TOP", "40")))
    print(json.dumps(timings))


def _median(runs: list[dict[str, Any]], *keys: str) -> float:
    values = []
    for run in runs:
        value: Any = run
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.median(values)


def report(label: str, runs: list[dict[str, Any]], top: int) -> None:
    load = os.getloadavg()
    print(f"\n{label}: {int(runs[0]['enis'])} ENIs, median of {len(runs)} run(s), "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for name, key in (("load (parse + validate + compile)", "load_s"), ("import vpcsim.tui.app", "import_s"),
                      ("app ready", "app_ready_s"), ("first paint", "first_paint_s"), ("settled", "settled_s"),
                      ("longest block during start", "startup_blocked_s"), ("gc during start", "startup_gc_s")):
        print(f"  {name:<36} {_median(runs, key) * 1000:>8.0f} ms")
    actions = list(runs[0]["actions"])
    rows = [(name, *(_median(runs, "actions", name, key) for key in ("blocked_s", "done_s", "gc_s")))
            for name in actions]
    rows.sort(key=lambda r: -r[1])
    print(f"  {'key action (slowest first)':<36} {'blocked':>8} {'done':>8} {'in gc':>8}")
    for name, blocked, done, in_gc in rows[:top]:
        print(f"  {name:<36} {blocked * 1000:>5.0f} ms {done * 1000:>5.0f} ms {in_gc * 1000:>5.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tui_startup", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100", help="VPC counts to generate, comma-separated (default 100)")
    parser.add_argument("--topology", action="append", default=[],
                        help="measure this topology file (or pickle) instead of generating one; repeatable")
    parser.add_argument("--repeat", type=int, default=1, help="processes per topology; medians are reported")
    parser.add_argument("--top", type=int, default=8, help="how many key actions to list")
    parser.add_argument("--profile", metavar="ACTION",
                        help="cProfile 'startup' or one key action by name (printed to stderr, one run)")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="seconds between key actions, as a person reads (default 1; the explorer collects "
                             "garbage when left alone for half a second)")
    parser.add_argument("--matrix", action="store_true",
                        help="also open the all-pairs matrix (computed in a worker; as slow as `vpcsim matrix`)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON lines too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.profile, args.pace, args.matrix)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[tuple[str, str]] = [(p, p) for p in args.topology]
        if not args.topology:
            for size in (int(s) for s in args.sizes.split(",")):
                path = Path(tmp) / f"synthetic-{size}.yaml"
                dump(generate(size), path)
                targets.append((f"{size} VPCs", str(path)))
        for label, path in targets:
            runs = []
            for _ in range(1 if args.profile else args.repeat):
                command = [sys.executable, "-m", "benchmarks.tui_startup", "--child", path, "--pace", str(args.pace)]
                if args.matrix:
                    command.append("--matrix")
                if args.profile:
                    command += ["--profile", args.profile]
                done = subprocess.run(command, stdout=subprocess.PIPE, stderr=None if args.profile else subprocess.PIPE,
                                      text=True, check=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
                if args.json:
                    print(json.dumps(runs[-1]))
            report(label, runs, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
