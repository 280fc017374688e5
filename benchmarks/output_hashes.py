"""Hash what users see, so a refactoring can show it changed nothing (issue #12: "hashes of all outputs are
unchanged").

    python -m benchmarks.output_hashes > before.txt      # on the old commit
    python -m benchmarks.output_hashes > after.txt       # on the new one
    diff before.txt after.txt                            # empty: every output is byte-identical

One line per input and command family: the SHA-256 of every output the CLI prints, run in-process exactly as
``vpcsim`` runs it (text and JSON traces with flow logs, ``flowlogs``, ``check`` in every format, ``matrix``
in every format, ``validate``, ``graph``, ``import``), over the reference topologies, the semantics
topologies, Batfish's snapshots and the Terraform fixtures; then the benchmark's M (``--size``, 100 VPCs by
default): a seeded sample of conversations by name, by address and from ``internet:``, and the matrix. The
exit status is what the command returned, so a changed status changes the hash too.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import itertools
import json
import os
import random
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS: tuple[tuple[str, str | None], ...] = (("tcp", "22"), ("tcp", "443"), ("udp", "53"), ("icmp", None))


def run_cli(argv: Sequence[str]) -> str:
    """What ``vpcsim ARGV`` prints on both streams, and its exit status, as one text."""
    from vpcsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([*argv, "--no-cache"] if _takes_cache_flag(argv) else list(argv))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
    return f"{status}\n{out.getvalue()}\n--\n{err.getvalue()}"


def _takes_cache_flag(argv: Sequence[str]) -> bool:
    return argv[0] in {"trace", "flowlogs", "check", "matrix", "graph", "diff", "dns"}


def ends_of(topology: str) -> list[str]:
    """Every instance, the first address of each ENI, a few internet addresses and every external site."""
    import vpcsim
    from vpcsim.ip import format_address

    compiled = vpcsim.load(topology, cache=False).compiled
    names = sorted(compiled.instances)
    addresses = sorted({format_address(4, eni.private_ips[0]) for eni in compiled.enis.values() if eni.private_ips})[:6]
    sites = sorted(compiled.external)
    return [*names, *addresses, *sites, "internet", "internet:203.0.113.200", "internet:198.51.100.10"]


def trace_outputs(topology: str, limit: int) -> Iterable[str]:
    ends = ends_of(topology)
    pairs = [(a, b) for a, b in itertools.product(ends, ends) if a != b]
    random.Random(0).shuffle(pairs)
    for (src, dst), (protocol, port) in itertools.islice(itertools.product(pairs, PORTS), limit):
        port_args = ["--port", port] if port else []
        base = [topology, "--from", src, "--to", dst, "--protocol", protocol, *port_args]
        yield run_cli(["trace", *base])
        yield run_cli(["trace", *base, "--format", "json", "--flow-log-format", "default"])


def review_outputs(topology: str) -> Iterable[str]:
    intents = Path(topology).with_suffix(".intents.yaml")
    if intents.exists():
        with tempfile.TemporaryDirectory() as folder:
            junit, sarif = Path(folder, "r.xml"), Path(folder, "r.sarif")
            text = run_cli(["check", topology, "--intents", str(intents), "--junit", str(junit),
                            "--sarif", str(sarif), "--github"])
            yield _without_timings(text)
            yield _without_timings(junit.read_text())
            yield sarif.read_text()
            yield run_cli(["check", topology, "--intents", str(intents), "--format", "json"])
    for fmt in ("text", "csv", "json"):
        yield run_cli(["matrix", topology, "--format", fmt])
    yield run_cli(["matrix", topology, "--port", "443"])
    yield run_cli(["validate", topology])
    yield run_cli(["graph", topology, "--format", "json"])


def _without_timings(text: str) -> str:
    import re

    return re.sub(r'time="[0-9.]+"', 'time=""', text)


def digest(outputs: Iterable[str]) -> tuple[str, int]:
    """The hash of the outputs, with this checkout's path written as ``<root>`` (outputs name their files, and
    the two versions compared live in two folders)."""
    h = hashlib.sha256()
    count = 0
    for text in outputs:
        h.update(text.replace(str(ROOT), "<root>").encode())
        h.update(b"\0")
        count += 1
    return h.hexdigest()[:20], count


def small_inputs() -> list[tuple[str, str]]:
    reference = sorted(p for p in (ROOT / "topologies").glob("*.yaml") if not p.name.endswith(".intents.yaml"))
    semantics = sorted((ROOT / "tests/semantics/topologies").glob("*.yaml"))
    batfish = sorted(p for p in (ROOT / "tests/importers/batfish").iterdir() if p.is_dir())
    terraform = sorted((ROOT / "tests/importers/terraform").glob("*.json"))
    return ([("reference", str(p)) for p in reference] + [("semantics", str(p)) for p in semantics]
            + [("batfish", str(p)) for p in batfish] + [("terraform", str(p)) for p in terraform])


def report_small(limit: int) -> None:
    for family, topology in small_inputs():
        name = os.path.relpath(topology, ROOT)
        if family in {"batfish", "terraform"}:
            kind = "aws" if family == "batfish" else "terraform"
            print(name, "import", *digest([run_cli(["import", kind, topology])]), flush=True)
        first = run_cli(["validate", topology])
        if not first.startswith("0\n"):
            print(name, "invalid", *digest([first]), flush=True)
            continue
        print(name, "traces", *digest(trace_outputs(topology, limit)), flush=True)
        print(name, "review", *digest(review_outputs(topology)), flush=True)


def report_benchmark(size: int, queries: int) -> None:
    import vpcsim
    from benchmarks.generate import dump, generate
    from vpcsim.ip import format_address
    from vpcsim.render import matrix as render_matrix
    from vpcsim.render import text

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, f"bench-{size}.yaml")
        dump(generate(size, seed=0), path)
        network = vpcsim.load(path, cache=False)
        compiled = network.compiled
        rng = random.Random(1)
        instances = sorted(compiled.instances)
        enis = sorted(compiled.enis)
        addresses = [format_address(4, compiled.enis[e].private_ips[0]) for e in enis if compiled.enis[e].private_ips]
        publics = [format_address(4, p) for p in sorted(e.public_ip for e in compiled.enis.values() if e.public_ip)]
        ends = instances + addresses + ["internet"] + [f"internet:{p}" for p in publics[:50]]
        outputs = []
        for _ in range(queries):
            src, dst = rng.choice(ends), rng.choice(ends)
            protocol, port = rng.choice(PORTS)
            trace = network.trace(src, dst, protocol=protocol, port=int(port) if port else None)
            console_text = io.StringIO()
            with contextlib.redirect_stdout(console_text):
                text.print_trace(trace)
            outputs.append(console_text.getvalue())
            outputs.append(json.dumps(trace.to_dict(), sort_keys=True))
            outputs.append("\n".join(trace.flow_logs(None)))
        print(f"bench-{size}", "traces", *digest(outputs), flush=True)
        result = network.matrix(None, 443, keep_blocks=True)
        rendered = [render_matrix.render_text(result), render_matrix.render_json(result)]
        print(f"bench-{size}", "matrix", *digest(rendered), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=120, help="conversations per small topology")
    parser.add_argument("--size", type=int, default=100, help="VPCs of the benchmark network (0: skip)")
    parser.add_argument("--queries", type=int, default=3000, help="conversations on the benchmark network")
    args = parser.parse_args(argv)
    os.environ["COLUMNS"] = "160"
    report_small(args.limit)
    if args.size:
        report_benchmark(args.size, args.queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
