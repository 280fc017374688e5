"""How fast ``vpcsim tui`` opens and answers on the synthetic topologies (benchmarks/generate.py).

    python -m benchmarks.tui_startup --sizes 100,1000

For each size a fresh Python process (so Textual's import is paid, as it is by ``vpcsim tui``) loads the
topology, starts the explorer headless at 120x40 and waits until the first screen is composed and
painted (the tree shows its top, the details pane the first VPC). Then it times what a person does first:
open a VPC, filter the tree, open the map, run a trace and look at an interface (whose "who can reach it"
probes run in a worker). ``load`` (parse + validate + compile) is reported apart from ``ui ready``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import dump, generate


def child(path: str) -> None:
    t0 = time.perf_counter()
    import vpcsim

    network = vpcsim.load(path)
    t1 = time.perf_counter()
    from vpcsim.tui.app import ExplorerApp
    from vpcsim.tui.facts import TraceQuery
    from vpcsim.tui.refs import Ref
    from vpcsim.tui.screens.main import MainScreen

    timings: dict[str, float] = {"load_s": t1 - t0, "enis": len(network.compiled.enis)}

    async def run() -> None:
        app = ExplorerApp(network)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            timings["ui_ready_s"] = time.perf_counter() - t1
            screen = app.screen
            assert isinstance(screen, MainScreen)

            async def timed(name: str, *keys: str) -> None:
                start = time.perf_counter()
                await pilot.press(*keys)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                timings[name] = time.perf_counter() - start

            await timed("open_vpc_s", "enter")
            screen.query_one("#filter").focus()
            await timed("filter_s", *"i050")
            await timed("map_s", "escape", "m")
            names = list(network.compiled.instances)
            start = time.perf_counter()
            screen.run_trace(TraceQuery(names[0], names[-1], "tcp", 443))
            await pilot.pause()
            timings["trace_s"] = time.perf_counter() - start
            start = time.perf_counter()
            screen.action_show("details")
            screen.select(Ref("instance", names[1]))
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            timings["interface_with_probes_s"] = time.perf_counter() - start

    asyncio.run(run())
    print(json.dumps(timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tui_startup", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="VPC counts, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'VPCs':>6} {'ENIs':>7} {'load':>7} {'ui ready':>9} {'open VPC':>9} {'filter':>7} {'map':>6} "
              f"{'trace':>6} {'ENI+probes':>11}")
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"{size}.yaml"
            dump(generate(size), path)
            out = subprocess.run([sys.executable, "-m", "benchmarks.tui_startup", "--child", str(path)],
                                 capture_output=True, text=True, check=True).stdout
            t = json.loads(out.strip().splitlines()[-1])
            print(f"{size:>6} {int(t['enis']):>7} {t['load_s']:>6.2f}s {t['ui_ready_s']:>8.2f}s "
                  f"{t['open_vpc_s']:>8.2f}s {t['filter_s']:>6.2f}s {t['map_s']:>5.2f}s {t['trace_s']:>5.2f}s "
                  f"{t['interface_with_probes_s']:>10.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
