"""What vpcsim makes of every input in the real-world corpus (issue #14): one line per input.

Run from the repository root::

    python -m tests.realworld.report            # the table, then a summary of refusals and warnings
    python -m tests.realworld.report --warnings # each input's warnings too
    python -m tests.realworld.report --jsonl    # one JSON object per input (what test_corpus.py reads)
    python -m tests.realworld.report terraform/juice-shop-tf-plan.json   # only these inputs

Each input goes through ``vpcsim.importers.load_source``, the loader every command uses. An input either
*loads* (the counts come from the topology it gave), is *refused* (a ``TopologyError``: the first
problem is shown), *crashes* (any other exception: a bug) or *times out* (``--timeout`` seconds, a bug too).
The counts are what vpcsim read, not what the file holds: see SOURCES.md for the latter.

The columns: vpc, subnet, rtb (route tables), routes[…] (by the kind of their target: local, blackhole, igw,
eigw, vgw, nat, vpce, eni, instance, tgw, pcx; "unresolved" when the name resolves to nothing), prop (VGW route
propagations), igw, nat, vpce (endpoints), sg, acl (network ACLs), i (instances), eni (interfaces besides
instances' own), tgw, pcx (peerings), vpn (VPN connections), warnings.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):           # run as a script: make ``vpcsim`` (the repository root) importable
    sys.path.insert(0, str(HERE.parents[1]))

from vpcsim.errors import TopologyError  # noqa: E402
from vpcsim.importers import load_source  # noqa: E402
from vpcsim.model.index import Kind, TopologyIndex, index_topology  # noqa: E402
from vpcsim.model.topology import Topology  # noqa: E402

# Route targets by the kind of resource they name, in a short word each.
TARGET_WORDS = {
    Kind.INTERNET_GATEWAY: "igw", Kind.EGRESS_ONLY_INTERNET_GATEWAY: "eigw", Kind.VPN_GATEWAY: "vgw",
    Kind.NAT_GATEWAY: "nat", Kind.ENDPOINT: "vpce", Kind.NETWORK_INTERFACE: "eni", Kind.INSTANCE: "instance",
    Kind.TRANSIT_GATEWAY: "tgw", Kind.PEERING: "pcx",
}


def inputs() -> list[str]:
    """Every input of the corpus, as a path relative to this folder: Terraform files, then AWS folders."""
    terraform = sorted(f"terraform/{p.name}" for p in (HERE / "terraform").glob("*.json"))
    aws = sorted(f"aws/{p.name}/" for p in (HERE / "aws").iterdir() if p.is_dir())
    return terraform + aws


class _TimedOut(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _TimedOut


def summarise(rel: str, timeout: float = 30.0) -> dict[str, Any]:
    """Load one input and say what came of it, as a flat dict (JSON-ready)."""
    started = time.perf_counter()
    result: dict[str, Any] = {"input": rel}
    use_alarm = timeout > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        loaded = load_source(HERE / rel)
    except TopologyError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        result.update(status="refused", problems=len(exc.diagnostics),
                      error=_clean(first.message if first else str(exc)),
                      hint=(_clean(first.hint) if first and first.hint else None))
    except _TimedOut:
        result.update(status="timeout", error=f"no answer in {timeout:g} s")
    except Exception as exc:  # a crash is what this report is here to catch
        result.update(status="crashed", error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                      traceback=traceback.format_exc())
    else:
        result.update(status="loaded", **counts(loaded.topology),
                      warnings=len(loaded.warnings),
                      warning_messages=[_clean(w.message) for w in loaded.warnings])
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def _clean(message: str) -> str:
    """The first line of a message, without this machine's path to the corpus (the report is committed)."""
    lines = message.splitlines()
    return (lines[0] if lines else "").replace(f"{HERE}/", "")


def counts(topo: Topology) -> dict[str, Any]:
    """What a loaded topology holds: resources by kind and routes by the kind of their target."""
    index = index_topology(topo)
    vpcs = list(topo.vpcs.values())
    targets: Counter[str] = Counter()
    for vpc in vpcs:
        for table in vpc.route_tables.values():
            for route in table.routes:
                targets[_target_word(index, route.target)] += 1
    return {
        "vpcs": len(vpcs),
        "subnets": sum(len(v.subnets) for v in vpcs),
        "route_tables": sum(len(v.route_tables) for v in vpcs),
        "routes": dict(sorted(targets.items())),
        "propagations": sum(len(t.propagate) for v in vpcs for t in v.route_tables.values()),
        "igws": sum(v.internet_gateway is not None for v in vpcs),
        "nat_gateways": sum(len(v.nat_gateways) for v in vpcs),
        "endpoints": sum(len(v.endpoints) for v in vpcs),
        "security_groups": sum(len(v.security_groups) for v in vpcs),
        "network_acls": sum(len(v.network_acls) for v in vpcs),
        "instances": sum(len(v.instances) for v in vpcs),
        "interfaces": sum(len(v.network_interfaces) for v in vpcs),
        "transit_gateways": len(topo.transit_gateways),
        "peering": len(topo.peering),
        "vpn_connections": len(topo.vpn_connections),
    }


def _target_word(index: TopologyIndex, target: str) -> str:
    if target in ("local", "blackhole"):
        return target
    found = index.find(target, tuple(TARGET_WORDS))
    return TARGET_WORDS[found[0].kind] if found else "unresolved"


def line(result: dict[str, Any]) -> str:
    """One human line for one input."""
    name = str(result["input"])
    status = result["status"]
    if status != "loaded":
        more = f" (+{int(result['problems']) - 1} more)" if int(result.get("problems", 1) or 1) > 1 else ""
        return f"{name:55} {status:8} {result['error']}{more}"
    routes = result["routes"]
    route_text = " ".join(f"{k}={v}" for k, v in routes.items()) if routes else "-"
    counted = [("vpc", "vpcs"), ("subnet", "subnets"), ("rtb", "route_tables")]
    counted_after = [("prop", "propagations"), ("igw", "igws"), ("nat", "nat_gateways"), ("vpce", "endpoints"),
                     ("sg", "security_groups"), ("acl", "network_acls"), ("i", "instances"), ("eni", "interfaces"),
                     ("tgw", "transit_gateways"), ("pcx", "peering"), ("vpn", "vpn_connections"),
                     ("warnings", "warnings")]
    fields = " ".join([*(f"{short}={result[key]}" for short, key in counted), f"routes[{route_text}]",
                       *(f"{short}={result[key]}" for short, key in counted_after)])
    return f"{name:55} {status:8} {fields}"


def summary(results: list[dict[str, Any]]) -> Iterator[str]:
    """The closing lines: how many loaded, the commonest refusals and warnings."""
    by_status = Counter(str(r["status"]) for r in results)
    terraform = [r for r in results if str(r["input"]).startswith("terraform/")]
    aws = [r for r in results if str(r["input"]).startswith("aws/")]
    yield ""
    yield (f"{len(results)} inputs ({len(terraform)} Terraform, {len(aws)} describe-* folders): "
           + ", ".join(f"{n} {s}" for s, n in by_status.most_common()))
    for label, group in (("Terraform", terraform), ("describe-*", aws)):
        yield f"  {label}: " + ", ".join(f"{n} {s}" for s, n in Counter(str(r['status']) for r in group).most_common())
    refusals = Counter(_generic(str(r["error"])) for r in results if r["status"] != "loaded")
    if refusals:
        yield "Refusals, commonest first:"
        for text, n in refusals.most_common():
            yield f"  {n:3} × {text}"
    warned = Counter(_generic(str(w)) for r in results for w in r.get("warning_messages", []))
    if warned:
        yield "Warnings, commonest first (addresses, ids, names and numbers blurred):"
        for text, n in warned.most_common(25):
            yield f"  {n:3} × {text}"


ADDRESS = re.compile(r"(module\.[\w-]+(\[[^\]]*\])?\.)*(data\.)?(aws|awscc)_\w+\.[\w-]+(\[[^\]]*\])?")


def _generic(message: str) -> str:
    """A message with its particulars (resource addresses, AWS ids, quoted names, file names, numbers) blurred,
    so that alike messages count together."""
    message = ADDRESS.sub("<address>", message)
    message = re.sub(r"\b[a-z]+(-[a-z]+)?-[0-9a-f]{8,17}\b", "<id>", message)
    message = re.sub(r"'[^']*'", "'…'", message)
    message = re.sub(r"\baws/[^ ]+\.json\b", "<file>", message)
    message = re.sub(r"\b\d+(\.\d+)*(/\d+)?\b", "N", message)
    return message[:170]


def _commit() -> str:
    """The commit of the checkout this runs in, when git can tell (the report is saved with it)."""
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(HERE.parents[1]), "log", "-1", "--format=%h %cs", "--", "vpcsim"],
                              capture_output=True, text=True, timeout=10, cwd=HERE.parents[1])
    except (OSError, subprocess.SubprocessError):
        return "unknown commit"
    return done.stdout.strip() or "unknown commit"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", help="inputs to load (relative to tests/realworld/); default all")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per input instead of the table")
    parser.add_argument("--warnings", action="store_true", help="list each input's warnings under its line")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one input may take (0: no limit)")
    args = parser.parse_args(argv)
    results = []
    if not args.jsonl:
        print(f"# {' '.join(['python -m tests.realworld.report', *(argv if argv is not None else sys.argv[1:])])}"
              f"   (vpcsim at {_commit()})")
    for rel in args.inputs or inputs():
        result = summarise(rel, args.timeout)
        results.append(result)
        print(json.dumps(result) if args.jsonl else line(result), flush=True)
        if args.warnings and not args.jsonl:
            for message in result.get("warning_messages", []):
                print(f"    warning: {message}")
    if not args.jsonl:
        for text in summary(results):
            print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
