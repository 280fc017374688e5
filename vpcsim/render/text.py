"""Human-readable text: topology summaries, diagnostics and traces (the trace table uses Rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.load import LoadedTopology


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s"


def render_summary(loaded: LoadedTopology) -> str:
    """One line a person can check at a glance: the topology is valid and holds what they expect."""
    topo = loaded.topology
    counts = {
        "VPC": len(topo.vpcs),
        "subnet": sum(len(v.subnets) for v in topo.vpcs.values()),
        "route table": sum(len(v.route_tables) for v in topo.vpcs.values()),
        "instance": sum(len(v.instances) for v in topo.vpcs.values()),
        "ENI": sum(len(v.network_interfaces) for v in topo.vpcs.values()),
        "NAT gateway": sum(len(v.nat_gateways) for v in topo.vpcs.values()),
        "endpoint": sum(len(v.endpoints) for v in topo.vpcs.values()),
        "security group": sum(len(v.security_groups) for v in topo.vpcs.values()),
        "transit gateway": len(topo.transit_gateways),
        "peering": len(topo.peering),
        "VPN connection": len(topo.vpn_connections),
        "external site": len(topo.external),
    }
    parts = [f"{n} {what if n == 1 else _plural(what)}" for what, n in counts.items() if n]
    notes = sum(d.severity == "note" for d in loaded.warnings)
    said = [f"{n} {what}{'s' if n != 1 else ''}" for what, n in
            (("warning", len(loaded.warnings) - notes), ("note", notes)) if n]
    return f"{loaded.source}: ok — {topo.name}: {', '.join(parts) or 'empty'}{''.join(', ' + s for s in said)}"


# --- traces ------------------------------------------------------------------------------------------

from vpcsim.ip import format_address  # noqa: E402
from vpcsim.render.styles import DECISION_STYLES, DISPOSITION_STYLES  # noqa: E402

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from vpcsim.engine.packet import Packet
    from vpcsim.engine.results import DnsExchange, Hop, Trace


_DECISION_WORDS = {
    "SEND": "send", "SOURCE_DEST_CHECK_PASS": "src/dst check", "SECURITY_GROUP_EGRESS_ALLOW": "SG allow",
    "SECURITY_GROUP_INGRESS_ALLOW": "SG allow", "SECURITY_GROUP_ESTABLISHED": "SG established",
    "NETWORK_ACL_ALLOW": "NACL allow", "SAME_SUBNET": "same subnet", "ROUTE": "route", "TRANSLATE": "NAT",
    "FORWARD": "forward", "DELIVER": "deliver", "EXIT": "exit", "SECURITY_GROUP_DENY": "SG DENY",
    "NETWORK_ACL_DENY": "NACL DENY", "POLICY_DENY": "POLICY DENY", "NO_ROUTE": "NO ROUTE",
    "BLACKHOLE": "BLACKHOLE", "DROP": "DROP", "LOOP": "LOOP",
}
_ARROW = {"ingress": " in", "egress": " out"}


def _decision_text(hop: Hop) -> str:
    words = _DECISION_WORDS.get(hop.decision.value, hop.decision.value.lower())
    if hop.direction and hop.kind.value in ("eni", "network_acl"):
        head, _, tail = words.partition(" ")
        words = f"{head}{_ARROW[hop.direction]} {tail}".rstrip()
    return words


def _rule_text(hop: Hop) -> str:
    rule = hop.rule or ""
    if rule.startswith(hop.component + " "):
        rule = rule[len(hop.component) + 1:]
    if not rule and hop.message and not hop.code:
        rule = hop.message
    if hop.code:
        rule = f"{rule} [{hop.code}]".strip()
    return rule


def hop_decision(hop: Hop) -> str:
    """What a hop did, in the words of the trace table (``SG out allow``, ``NACL in DENY``, ``NAT``)."""
    return _decision_text(hop)


def hop_rule(hop: Hop) -> str:
    """The rule or reason a hop names, with its explanation code when it dropped the packet."""
    return _rule_text(hop)


def _packet_changes(hops: tuple[Hop, ...], first: Packet | None) -> list[str]:
    """The packet is shown wherever it changed (NAT), so translations stand out."""
    shown: list[str] = []
    previous = (first or hops[0].packet).describe()
    for hop in hops:
        now = hop.packet.describe()
        shown.append(now if now != previous else "")
        previous = now
    return shown


def trace_renderables(trace: Trace) -> list[RenderableType]:
    """The trace as Rich renderables: a verdict line, the request and reply hop tables, the explanation."""
    from rich.table import Table
    from rich.text import Text

    q = trace.query
    reach = "  (reachable)" if trace.reachable else "  (not reachable)"
    if trace.groups:
        side = trace.groups[0].side
        reach = f"  (reachable {side} {trace.reachable_for} of {q.src if side == 'from' else q.dst})"
    verdict = Text.assemble(
        (trace.disposition.value, DISPOSITION_STYLES[trace.disposition.value]),
        f"  {q.src} -> {q.dst}  {q.flow}",
        (reach, "bold" if trace.reachable else "dim"),
    )
    parts: list[RenderableType] = [verdict]
    if trace.groups:
        parts.extend(group_lines(trace))
    if trace.dns is not None:
        parts.extend(dns_renderables(trace.dns))
    for title, hops, first in (("request", trace.forward, trace.sent), ("reply", trace.reply, trace.answered)):
        if not hops:
            continue
        # Every cell is a Text, never markup: "[fd00:ec2::254]:80" would read as a style tag and vanish.
        table = Table(title=Text(f"{title}: {(first or hops[0].packet).describe()}"), title_justify="left",
                      show_edge=False, pad_edge=False, box=None, header_style="bold", title_style="bold")
        table.add_column("#", justify="right")
        table.add_column("component", no_wrap=True)
        table.add_column("decision", no_wrap=True)
        table.add_column("rule / reason", overflow="fold", min_width=24)
        for i, (hop, packet) in enumerate(zip(hops, _packet_changes(hops, first), strict=True), 1):
            table.add_row(str(i), Text(hop.component), Text(_decision_text(hop)), Text(_rule_text(hop)),
                          style=DECISION_STYLES.get(hop.decision.value, ""))
            if packet:
                table.add_row("", "", "", Text(f"now {packet}"), style="cyan")
        parts.append(table)
    for explanation in trace.explanations:
        where = "request" if explanation.path == "forward" else "reply"
        side = f", {explanation.direction}" if explanation.direction else ""
        parts.append(Text.assemble((explanation.code, "bold" if trace.reachable else "bold red"),
                                   f" at {explanation.component} "
                                   f"({where}{side}): {explanation.message}"))
        if explanation.fix:
            parts.append(Text.assemble(("fix to consider: ", "bold"), explanation.fix))
    return parts


SHOWN_CIDRS = 4


def group_lines(trace: Trace) -> list[RenderableType]:
    """One line per group of address atoms that share an outcome, then which address the trace below is."""
    from rich.text import Text

    q = trace.query
    lines: list[RenderableType] = []
    last = len(trace.groups) - 1
    for i, group in enumerate(trace.groups):
        result = group.trace
        word = "reachable" if result.reachable else "not reachable"
        name = q.src if group.side == "from" else q.dst
        if i == last:
            where = f"every {'other ' if i else ''}address of {name}"
        else:
            shown = ", ".join(group.cidrs[:SHOWN_CIDRS])
            more = f" and {len(group.cidrs) - SHOWN_CIDRS} more CIDRs" if len(group.cidrs) > SHOWN_CIDRS else ""
            where = shown + more
        path = list(dict.fromkeys(h.component for h in result.forward if not h.is_drop))
        how = f" via {', '.join(path)}" if result.reachable and path else ""
        why = "; ".join(f"{e.code} at {e.component}" for e in result.explanations)
        lines.append(Text.assemble(f"  {word} {group.side} {where}{how}: ",
                                   (result.disposition.value, DISPOSITION_STYLES[result.disposition.value]),
                                   f" {why}" if why else "",
                                   (f"  ({group.addresses} addresses)", "dim")))
    sent = trace.sent
    if sent is not None:
        first = sent.src if trace.groups[0].side == "from" else sent.dst
        lines.append(Text(f"below: the first group's conversation, {trace.groups[0].side} "
                          f"{format_address(sent.family, first)}", style="dim"))
    return lines


def print_trace(trace: Trace, console: Console | None = None) -> None:
    from rich.console import Console

    if console is None:
        console = Console(highlight=False)
        console.on_broken_pipe = _reader_left  # type: ignore[method-assign]
    for part in trace_renderables(trace):
        console.print(part)


def _reader_left() -> None:
    """Rich exits with status 1 when stdout closes (``| head``); we keep the trace's own exit status instead and
    send the rest of the output nowhere."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def render_trace(trace: Trace, width: int = 120) -> str:
    """The trace as plain text at a fixed width, colour off (tests and files)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, force_terminal=False)
    print_trace(trace, console)
    return buffer.getvalue()


def dns_renderables(exchange: DnsExchange) -> list[RenderableType]:
    """The lookup in two lines: the query's fate, and the answer with the rule that gave it."""
    from rich.text import Text

    lines: list[RenderableType] = []
    path = " -> ".join(h.component for h in exchange.query)
    lines.append(Text.assemble(("dns: ", "bold"), f"{exchange.name}? sent to {exchange.server}:53 ({path})"))
    if exchange.records:
        for record in exchange.records:
            lines.append(Text.assemble("     ", (f"{record.type} {record.value}", "bold"), f"  ({record.source})"))
    else:
        lines.append(Text.assemble("     ", (exchange.rcode, "bold red"), f"  {exchange.reason}"))
    return lines


def render_dns(exchange: DnsExchange, width: int = 100) -> str:
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for part in dns_renderables(exchange):
        console.print(part)
    return buffer.getvalue()
