"""The ``vpcsim`` command: a thin skin over the Python API (DESIGN §3, §6).

Parses arguments, calls the API, hands results to a renderer, and turns them into an exit status.
Bad input of any kind is a ``VpcsimError``: positioned lines on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vpcsim import cache as caching
from vpcsim.errors import QueryError, TopologyError, VpcsimError
from vpcsim.load.strict import strict

if TYPE_CHECKING:
    from vpcsim.load import LoadedTopology


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vpcsim", description="Packet-level simulator of AWS VPC networks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a topology; print every problem with its position")
    validate.add_argument("topology", metavar="TOPO")
    validate.set_defaults(run=run_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of topology files")
    schema.add_argument("--intents", action="store_true", help="the JSON Schema of intents files instead")
    schema.set_defaults(run=run_schema)

    graph = commands.add_parser("graph", help="draw the component graph (dot, mermaid or json)")
    graph.add_argument("topology", metavar="TOPO")
    graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot")
    graph.set_defaults(run=run_graph)

    trace = commands.add_parser("trace", help="one conversation from SRC to DST, hop by hop")
    trace.add_argument("topology", metavar="TOPO")
    trace.add_argument("--from", dest="src", required=True, metavar="SRC",
                       help="instance, ENI, NAT gateway, IP, 'internet', 'internet:IP' or an external site")
    trace.add_argument("--to", dest="dst", required=True, metavar="DST")
    trace.add_argument("--protocol", default="tcp", help="tcp, udp, icmp, icmpv6 or a protocol number")
    trace.add_argument("--port", type=int, default=None, help="destination port (default 443 for tcp, 53 for udp)")
    trace.add_argument("--src-port", type=int, default=None, help="source port (default 49152)")
    _add_icmp_options(trace)
    trace.add_argument("--format", choices=("text", "json"), default="text")
    trace.add_argument("--flow-log-format", metavar="FORMAT", default=None,
                       help="print flow log records in this ${field} format after the trace")
    trace.add_argument("--pcap", metavar="FILE", help="write the conversation's packets, hop by hop, as a pcap")
    trace.set_defaults(run=run_trace)

    flowlogs = commands.add_parser("flowlogs", help="the VPC flow log records of one traced conversation")
    flowlogs.add_argument("topology", metavar="TOPO")
    flowlogs.add_argument("--from", dest="src", required=True, metavar="SRC")
    flowlogs.add_argument("--to", dest="dst", required=True, metavar="DST")
    flowlogs.add_argument("--protocol", default="tcp")
    flowlogs.add_argument("--port", type=int, default=None)
    flowlogs.add_argument("--src-port", type=int, default=None)
    _add_icmp_options(flowlogs)
    flowlogs.add_argument("--format", dest="log_format", default=None, metavar="FORMAT",
                          help="custom record format, e.g. '${interface-id} ${srcaddr} ${pkt-srcaddr} ${action}'")
    flowlogs.set_defaults(run=run_flowlogs)

    dns = commands.add_parser("dns", help="resolve a name as the source's VPC Resolver would")
    dns.add_argument("topology", metavar="TOPO")
    dns.add_argument("--from", dest="src", required=True, metavar="SRC")
    dns.add_argument("name", metavar="NAME")
    dns.add_argument("--format", choices=("text", "json"), default="text")
    dns.set_defaults(run=run_dns)

    imports = commands.add_parser("import", help="write a real network as a YAML topology file")
    sources = imports.add_subparsers(dest="source", required=True, metavar="SOURCE")
    aws = sources.add_parser("aws", help="a folder of 'aws ec2 describe-*' JSON outputs")
    aws.add_argument("folder", metavar="DIR")
    aws.add_argument("-o", "--output", metavar="FILE", help="the YAML file to write (default: standard output)")
    aws.set_defaults(run=run_import_aws)
    terraform = sources.add_parser("terraform", help="'terraform show -json' output of a plan or a state")
    terraform.add_argument("plan", metavar="PLAN.json")
    terraform.add_argument("-o", "--output", metavar="FILE", help="the YAML file to write (default: standard output)")
    terraform.set_defaults(run=run_import_terraform)

    tui = commands.add_parser("tui", help="explore the network in the terminal: tree, details, map, traces")
    tui.add_argument("topology", metavar="TOPO")
    tui.add_argument("--theme", choices=("dark", "light"), default="dark")
    tui.add_argument("--diff", metavar="NEW", help="explore NEW and list the reachability that changed since TOPO")
    tui.set_defaults(run=run_tui)
    _add_review_commands(commands)
    _add_strict(parser)
    return parser


def _add_icmp_options(command: argparse.ArgumentParser) -> None:
    """ICMP has a type and a code, not ports: ``--port`` with ICMP is refused and points here."""
    command.add_argument("--icmp-type", type=int, default=None, metavar="N",
                         help="ICMP message type 0-255 (default: echo request, 8; 128 for icmpv6)")
    command.add_argument("--icmp-code", type=int, default=None, metavar="N", help="ICMP message code 0-255 (default 0)")


def _add_strict(parser: argparse.ArgumentParser, seen: set[int] | None = None) -> None:
    """``--strict`` on every command that reads a topology (all but ``schema``): warnings become exit 2. The
    loading path honours it (``vpcsim.load.strict``), so no command has to."""
    seen = set() if seen is None else seen
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if name != "schema" and id(sub) not in seen:
                    seen.add(id(sub))
                    _add_strict(sub, seen)
            return
    options = {o for a in parser._actions for o in a.option_strings}
    if any(not a.option_strings for a in parser._actions) and "--strict" not in options:
        parser.add_argument("--strict", action="store_true",
                            help="treat warnings (what the import left out, what is not modelled) as errors: exit 2")
        parser.add_argument("--no-cache", action="store_true",
                            help="build the network from its files even if a cached copy is up to date "
                            "(also VPCSIM_NO_CACHE=1; see vpcsim.cache)")


def _add_review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """check, diff and matrix: design review over the whole network (vpcsim.analysis)."""
    check = commands.add_parser("check", help="check intents (expected reachability) against a topology")
    check.add_argument("topology", metavar="TOPO")
    check.add_argument("--intents", required=True, metavar="FILE", help="the intents YAML file")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    check.add_argument("--sarif", metavar="FILE", help="also write a SARIF 2.1.0 report")
    check.add_argument("--github", action="store_true",
                       help="print GitHub Actions annotations; append a table to $GITHUB_STEP_SUMMARY")
    check.set_defaults(run=run_check)

    diff = commands.add_parser("diff", help="the reachability that changed between two versions of a topology")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--intents", metavar="FILE", help="compare only these intents")
    diff.add_argument("--protocol", default=None, help="only this protocol (default: every protocol and port)")
    diff.add_argument("--port", type=int, default=None, help="only this port")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(run=run_diff)

    matrix = commands.add_parser("matrix", help="all-pairs reachability between endpoints")
    matrix.add_argument("topology", metavar="TOPO")
    matrix.add_argument("--protocol", default=None, help="tcp, udp, icmp or a number (default: what the SGs mention)")
    matrix.add_argument("--port", type=int, default=None, help="one port (default: the ports the SGs mention)")
    matrix.add_argument("--format", choices=("text", "csv", "json"), default="text")
    matrix.add_argument("--processes", type=int, default=1, metavar="N", help="share the work out to N processes")
    matrix.set_defaults(run=run_matrix)


def run_check(args: argparse.Namespace) -> int:
    import time

    import vpcsim
    from vpcsim.render import review as render

    start = time.perf_counter()
    review = vpcsim.load(args.topology).check(args.intents)
    seconds = time.perf_counter() - start
    if args.junit:
        from vpcsim.render.junit import render_junit

        _write(args.junit, render_junit(review, seconds))
    if args.sarif:
        from vpcsim.render.sarif import render_sarif

        _write(args.sarif, render_sarif(review))
    print(render.render_check_json(review) if args.format == "json" else render.render_check(review), end="")
    if args.github:
        from vpcsim.render import github

        print(github.workflow_commands(review), end="")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(github.step_summary(review))
    return 0 if review.passed else 1


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise QueryError(f"cannot write {path}: {error.strerror}", "check the path and its permissions") from None


def run_diff(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.analysis import diff
    from vpcsim.render import review as render

    old, new = vpcsim.load(args.old).compiled, vpcsim.load(args.new).compiled
    if args.intents:
        result = diff.diff_intents(old, new, args.intents, args.old, args.new)
    else:
        result = diff.diff(old, new, diff.flows_asked(old, new, args.protocol, args.port), args.old, args.new)
    print(render.render_diff_json(result) if args.format == "json" else render.render_diff(result), end="")
    return 1 if result.changed else 0


def run_matrix(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.render import matrix as render

    network = vpcsim.load(args.topology)
    result = network.matrix(args.protocol, args.port, processes=args.processes,
                            keep_blocks=render.needs_blocks(args.format, network.compiled))
    renderers = {"text": render.render_text, "csv": render.render_csv, "json": render.render_json}
    print(renderers[args.format](result), end="" if args.format != "json" else "\n")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from vpcsim.importers import load_source
    from vpcsim.render.text import render_summary

    loaded = load_source(args.topology)
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    print(render_summary(loaded))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    if args.intents:
        from vpcsim.analysis.intents import intents_schema

        print(json.dumps(intents_schema(), indent=2))
        return 0
    from vpcsim.schema import topology_schema

    print(json.dumps(topology_schema(), indent=2))
    return 0


def run_graph(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.render import graph

    network = vpcsim.load(args.topology)
    renderers = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "json": graph.to_json}
    print(renderers[args.format](network))
    return 0


def run_trace(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.render import text

    log_format = _flow_log_format(args.flow_log_format) if args.flow_log_format else None   # bad: exit 2 first
    network = vpcsim.load(args.topology)
    trace = network.trace(args.src, args.dst, protocol=args.protocol, port=args.port, src_port=args.src_port,
                          icmp_type=args.icmp_type, icmp_code=args.icmp_code)
    if args.pcap:
        from vpcsim.render import pcap

        pcap.write(trace, args.pcap)
    if args.format == "json":
        data = trace.to_dict()
        if log_format:
            data["flow_logs"] = trace.flow_logs(log_format)
        print(json.dumps(data, indent=2))
    else:
        text.print_trace(trace)
        if log_format:
            print("flow logs:")
            for line in trace.flow_logs(log_format):
                print(f"  {line}")
    return 0 if trace.reachable else 1


def _flow_log_format(text: str) -> str:
    from vpcsim.flowlogs.formats import DEFAULT_FORMAT, FormatError, fields_of

    if text == "default":
        return DEFAULT_FORMAT
    try:
        fields_of(text)
    except FormatError as error:
        raise QueryError(str(error), "write fields as ${name}, e.g. '${srcaddr} ${dstaddr} ${action}'") from None
    return text


def run_flowlogs(args: argparse.Namespace) -> int:
    import vpcsim

    log_format = _flow_log_format(args.log_format) if args.log_format else None
    trace = vpcsim.load(args.topology).trace(args.src, args.dst, protocol=args.protocol, port=args.port,
                                             src_port=args.src_port, icmp_type=args.icmp_type,
                                             icmp_code=args.icmp_code)
    for line in trace.flow_logs(log_format):
        print(line)
    return 0 if trace.reachable else 1


def run_dns(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.render import text

    exchange = vpcsim.load(args.topology).resolve(args.src, args.name)
    if args.format == "json":
        print(json.dumps(exchange.to_dict(), indent=2))
    else:
        print(text.render_dns(exchange), end="")
    return 0 if exchange.address is not None else 1


def run_import_aws(args: argparse.Namespace) -> int:
    from vpcsim.importers import import_aws

    return _write_import(import_aws(args.folder), args.output, f"vpcsim import aws {args.folder}")


def run_import_terraform(args: argparse.Namespace) -> int:
    from vpcsim.importers import import_terraform

    return _write_import(import_terraform(args.plan), args.output, f"vpcsim import terraform {args.plan}")


def _write_import(loaded: LoadedTopology, output: str | None, origin: str) -> int:
    """Warnings on stderr, the YAML topology to ``output`` (or stdout)."""
    from vpcsim.importers.output import write_topology

    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    text = write_topology(loaded, output, origin=origin)
    if output is None:
        print(text, end="")
    return 0


def run_tui(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.tui import run

    network = vpcsim.load(args.topology)     # a bad topology exits 2 here, before the UI opens
    if args.diff:
        return run(vpcsim.load(args.diff), theme=args.theme, baseline=network)
    return run(network, theme=args.theme)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with strict(getattr(args, "strict", False)), caching.used(not getattr(args, "no_cache", False)):
            status = int(args.run(args))
        sys.stdout.flush()
        return status
    except TopologyError as error:
        print(error.render(), file=sys.stderr)
        return 2
    except QueryError as error:
        print(error.render(), file=sys.stderr)
        return 2
    except VpcsimError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:       # `vpcsim trace … | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
