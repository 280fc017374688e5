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

from vpcsim.errors import QueryError, TopologyError, VpcsimError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vpcsim", description="Packet-level simulator of AWS VPC networks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a topology; print every problem with its position")
    validate.add_argument("topology", metavar="TOPO")
    validate.set_defaults(run=run_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of topology files")
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

    tui = commands.add_parser("tui", help="explore the network in the terminal: tree, details, map, traces")
    tui.add_argument("topology", metavar="TOPO")
    tui.add_argument("--theme", choices=("dark", "light"), default="dark")
    tui.set_defaults(run=run_tui)
    return parser


def run_validate(args: argparse.Namespace) -> int:
    from vpcsim.importers import load_source
    from vpcsim.render.text import render_summary

    loaded = load_source(args.topology)
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    print(render_summary(loaded))
    return 0


def run_schema(args: argparse.Namespace) -> int:
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
    trace = network.trace(args.src, args.dst, protocol=args.protocol, port=args.port, src_port=args.src_port)
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
                                             src_port=args.src_port)
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
    from vpcsim.importers.output import write_topology

    loaded = import_aws(args.folder)
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    text = write_topology(loaded, args.output, origin=f"vpcsim import aws {args.folder}")
    if args.output is None:
        print(text, end="")
    return 0


def run_tui(args: argparse.Namespace) -> int:
    import vpcsim
    from vpcsim.tui import run

    network = vpcsim.load(args.topology)     # a bad topology exits 2 here, before the UI opens
    return run(network, theme=args.theme)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
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
