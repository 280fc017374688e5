""""Who can reach this interface?" — answered by tracing, never by reading rules in the UI.

``probes(catalog, eni)`` picks the ports the interface's security groups open and a handful of
representative sources (the internet, one interface per subnet of its VPC, one per VPC connected by
peering or transit gateway, the external sites); ``run(network, probe)`` traces one of them through
the same API as ``vpcsim trace``. The explorer runs them in a worker, so a large network stays responsive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcsim.compile.components import EniKind
from vpcsim.errors import QueryError
from vpcsim.protocols import ALL, PORTED, protocol_name
from vpcsim.tui.facts import Row, TraceQuery

if TYPE_CHECKING:
    from vpcsim.api import Network
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog

MAX_PORTS = 4
MAX_SOURCES = 12


def ports(catalog: Catalog, eni_name: str) -> list[tuple[str, int | None]]:
    """(protocol, port) pairs the interface's inbound rules open, in rule order, at most ``MAX_PORTS``."""
    eni = catalog.net.enis[eni_name]
    if eni.ingress is None:
        return []
    found: list[tuple[str, int | None]] = []
    rules = sorted((r for rs in eni.ingress.by_protocol.values() for r in rs), key=lambda r: _label_order(r.label))
    for rule in rules:
        if rule.protocol in PORTED:
            port = rule.port_low if (rule.port_low, rule.port_high) != (0, 65535) else 443
            pair: tuple[str, int | None] = (protocol_name(rule.protocol), port)
        elif rule.protocol == ALL:
            pair = ("tcp", 443)
        else:
            pair = (protocol_name(rule.protocol), None)
        if pair not in found:
            found.append(pair)
    return found[:MAX_PORTS]


def _label_order(label: str) -> tuple[str, int]:
    head, _, number = label.rpartition("#")
    return head, int(number) if number.isdigit() else 0


def sources(catalog: Catalog, eni_name: str) -> list[str]:
    """Representative sources, nearest first: the internet, the VPC's subnets, connected VPCs, sites."""
    net = catalog.net
    eni = net.enis[eni_name]
    vpc = net.vpcs[eni.vpc]
    found: list[str] = []
    if vpc.internet_gateway or vpc.egress_only_internet_gateway:
        found.append("internet")
    for subnet in vpc.subnets:
        name = _representative(catalog, subnet, exclude=eni_name)
        if name:
            found.append(name)
    neighbours = [p.far_side(vpc.name) for p in net.peerings.values() if vpc.name in (p.requester, p.accepter)]
    tgws = {a.tgw for a in net.tgw_attachments.values() if a.kind == "vpc" and a.resource == vpc.name}
    neighbours += [a.resource for a in net.tgw_attachments.values()
                   if a.tgw in tgws and a.kind == "vpc" and a.resource != vpc.name]
    for other in dict.fromkeys(neighbours):
        for subnet in net.vpcs[other].subnets:
            name = _representative(catalog, subnet, exclude=eni_name)
            if name:
                found.append(name)
                break
    found += list(net.external)[:3]
    return found[:MAX_SOURCES]


def _representative(catalog: Catalog, subnet: str, exclude: str) -> str | None:
    """An instance in the subnet (by instance name, as people ask), else another interface that can open
    connections (not a NAT gateway's, an endpoint's or an attachment's)."""
    net = catalog.net
    candidates = [e for e in catalog.subnet_enis.get(subnet, ()) if e != exclude
                  and net.enis[e].kind in (EniKind.INSTANCE, EniKind.INTERFACE)]
    for name in candidates:
        eni = net.enis[name]
        if eni.kind is EniKind.INSTANCE and eni.owner in net.instances:
            return eni.owner
    return candidates[0] if candidates else None


def probes(catalog: Catalog, eni_name: str) -> list[TraceQuery]:
    eni = catalog.net.enis[eni_name]
    target = eni.owner if eni.kind is EniKind.INSTANCE and eni.owner in catalog.net.instances else eni_name
    return [TraceQuery(src, target, protocol, port)
            for src in sources(catalog, eni_name) for protocol, port in ports(catalog, eni_name)]


def run(network: Network, probe: TraceQuery) -> Trace | str:
    """Trace one probe; a question the network cannot answer comes back as its message."""
    try:
        return network.trace(probe.src, probe.dst, protocol=probe.protocol, port=probe.trace_port,
                             icmp_type=probe.icmp_type)
    except QueryError as error:
        return error.message


def row(probe: TraceQuery, outcome: Trace | str) -> Row:
    """One line of the "who can reach it" table: source, port, verdict, and where it was decided."""
    port = f"{probe.protocol}/{probe.port}" if probe.port is not None else probe.protocol
    if isinstance(outcome, str):
        return Row((probe.src, port, "-", outcome), None, "muted")
    drop = outcome.drop
    where = f"{drop.component} {drop.code or drop.decision.value}" if drop is not None else "delivered"
    return Row((probe.src, port, outcome.disposition.value, where), probe, "ok" if outcome.reachable else "bad")
