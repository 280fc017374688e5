"""The flow log records of a traced conversation: what each ENI on the path would log (R12.1–R12.10).

Each ENI logs what crosses it, from its own point of view (R12.6): the sender's ENI an egress record, the
receiver's an ingress record; NAT gateway and transit gateway attachment ENIs log both sides (R12.8,
R12.9). ``srcaddr``/``dstaddr`` show the ENI's primary private address in place of an address it does not
own; ``pkt-srcaddr``/``pkt-dstaddr`` always carry the packet's headers (R12.7). A packet dropped by an ENI's
security group or its subnet's NACL is a REJECT record on that ENI (R12.4). Traffic to link-local services
is never logged (R12.3), nor are packets dropped by routing [E, R12.6].
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vpcsim.compile.components import Eni, EniKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop, Trace
from vpcsim.flowlogs.formats import FlowLogRecord
from vpcsim.ip import format_address
from vpcsim.protocols import ICMPS, TCP

START = 1_700_000_000           # the interval every record of a trace falls in (deterministic output)
INTERVAL = 60
REJECTS = (Decision.SECURITY_GROUP_DENY, Decision.NETWORK_ACL_DENY)
ROUTING_DROPS = (Decision.NO_ROUTE, Decision.BLACKHOLE, Decision.LOOP)
ROUTING_CODES = frozenset({"NO_ROUTE_TO_DESTINATION", "NO_POSSIBLE_DESTINATION", "BAD_STATE_ROUTE"})
GATEWAY_PATHS = {ComponentKind.INTERNET_GATEWAY: "2", ComponentKind.GATEWAY_ENDPOINT: "2",
                 ComponentKind.VPN_GATEWAY: "3", ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY: "2"}
TCP_FLAGS = {"S": "2", "SA": "18", "F": "1", "R": "4", "FA": "1"}


@dataclass(frozen=True, slots=True)
class _Seen:
    """One ENI seeing one packet in one direction."""

    eni: Eni
    packet: Packet
    direction: str
    action: str
    traffic_path: str = "-"


def records_of(net: CompiledNetwork, trace: Trace) -> tuple[FlowLogRecord, ...]:
    if any(h.kind is ComponentKind.LINK_LOCAL_SERVICE for h in trace.forward):
        return ()                        # R12.3: a conversation with the Resolver, IMDS, … is never logged
    seen: list[_Seen] = []
    for walk in (trace.forward, trace.reply):
        seen.extend(_unrouted(list(_walk(net, walk)), walk))
    return tuple(record for item in seen if (record := _record(net, item)) is not None)


def _unrouted(seen: list[_Seen], hops: tuple[Hop, ...]) -> list[_Seen]:
    """[E] R12.6: a packet dropped by routing (no route, blackhole, no interface at the address, a loop)
    leaves no record: the egress records of its last leg — since it last entered an ENI — are taken back."""
    if not hops or not _routing_drop(hops[-1]):
        return seen
    while seen and seen[-1].direction == "egress" and seen[-1].action == "ACCEPT":
        seen.pop()
    return seen


def _routing_drop(hop: Hop) -> bool:
    return hop.decision in ROUTING_DROPS or (hop.is_drop and hop.code in ROUTING_CODES)


def _eni_of(net: CompiledNetwork, hop: Hop) -> Eni | None:
    if hop.kind is ComponentKind.ENI:
        return net.enis.get(hop.component)
    if hop.kind is ComponentKind.NAT_GATEWAY and hop.component in net.nat_gateways:
        return net.enis[net.nat_gateways[hop.component].eni]
    if hop.kind is ComponentKind.NETWORK_ACL and hop.interface:
        return net.enis.get(hop.interface)
    return None


def _walk(net: CompiledNetwork, hops: tuple[Hop, ...]) -> Iterator[_Seen]:
    pending: _Seen | None = None        # an egress record waiting to learn whether the NACL let it out
    previous: Packet | None = None
    for index, hop in enumerate(hops):
        eni = _eni_of(net, hop)
        if hop.kind is ComponentKind.NETWORK_ACL:
            if hop.direction == "egress" and pending is not None and eni is not None and eni.name == pending.eni.name:
                action = "REJECT" if hop.decision is Decision.NETWORK_ACL_DENY else "ACCEPT"
                yield _Seen(pending.eni, pending.packet, "egress", action, _path_after(net, hops, index, pending))
                pending = None
            elif hop.direction == "ingress" and hop.decision is Decision.NETWORK_ACL_DENY and eni is not None:
                yield _Seen(eni, hop.packet, "ingress", "REJECT")
        elif hop.kind is ComponentKind.NAT_GATEWAY and eni is not None and hop.decision is Decision.TRANSLATE:
            yield _Seen(eni, previous or hop.packet, "ingress", "ACCEPT")
            pending = _Seen(eni, hop.packet, "egress", "ACCEPT")
        elif hop.kind is ComponentKind.ENI and eni is not None:
            if hop.direction == "egress":
                if pending is not None:
                    yield _Seen(pending.eni, pending.packet, "egress", "ACCEPT",
                                _path_after(net, hops, index, pending))
                if hop.decision in REJECTS:
                    yield _Seen(eni, hop.packet, "egress", "REJECT")
                    pending = None
                else:
                    pending = _Seen(eni, hop.packet, "egress", "ACCEPT")
            elif hop.direction == "ingress":
                yield _Seen(eni, hop.packet, "ingress", "REJECT" if hop.decision in REJECTS else "ACCEPT")
                if hop.decision is Decision.FORWARD and eni.kind is EniKind.TGW_ATTACHMENT:
                    pending = None
        previous = hop.packet
    if pending is not None:              # sent, and nothing on the ENI's side stopped it
        yield _Seen(pending.eni, pending.packet, "egress", "ACCEPT", _path_after(net, hops, len(hops), pending))


def _path_after(net: CompiledNetwork, hops: tuple[Hop, ...], index: int, seen: _Seen) -> str:
    """``traffic-path`` of an egress record (v5): where the packet went after leaving the ENI."""
    for hop in hops[index:]:
        if hop.kind in GATEWAY_PATHS:
            return GATEWAY_PATHS[hop.kind]
        if hop.kind is ComponentKind.NAT_GATEWAY:
            return "1"
        if hop.kind is ComponentKind.PEERING:
            peering = net.peerings.get(hop.component)
            return "5" if peering is not None and peering.inter_region else "4"
        if hop.kind is ComponentKind.ENI and hop.direction == "ingress":
            return "1"
    return "1"


def _record(net: CompiledNetwork, seen: _Seen) -> FlowLogRecord | None:
    eni, packet = seen.eni, seen.packet
    vpc = net.vpcs.get(eni.vpc)
    if vpc is None or vpc.flow_logs == "off":
        return None
    if vpc.flow_logs in ("accept", "reject") and seen.action.lower() != vpc.flow_logs:
        return None
    primary = eni.primary_ip if packet.family == 4 else (eni.ipv6_ips[0] if eni.ipv6_ips else None)
    src, dst = packet.src, packet.dst
    if seen.direction == "egress" and not eni.owns(packet.family, src) and primary is not None:
        src = primary
    if seen.direction == "ingress" and not eni.owns(packet.family, dst) and primary is not None:
        dst = primary
    ported = packet.protocol not in ICMPS
    subnet = net.subnets[eni.subnet]
    instance = net.instance_of.get(eni.name, "-") if eni.kind in (EniKind.INSTANCE, EniKind.INTERFACE) else "-"
    return FlowLogRecord(
        account_id=vpc.account, interface_id=eni.id, srcaddr=format_address(packet.family, src),
        dstaddr=format_address(packet.family, dst), srcport=str(packet.src_port if ported else 0),
        dstport=str(packet.dst_port if ported else 0), protocol=str(packet.protocol), packets="1",
        bytes=str(packet.length), start=str(START), end=str(START + INTERVAL), action=seen.action,
        log_status="OK", vpc_id=vpc.id, subnet_id=subnet.id, instance_id=instance,
        tcp_flags=TCP_FLAGS.get(packet.tcp_flags, "0") if packet.protocol == TCP else "0",
        type=f"IPv{packet.family}", pkt_srcaddr=packet.source, pkt_dstaddr=packet.destination,
        region=vpc.region, az_id=subnet.az_id or "-", sublocation_type="-", sublocation_id="-",
        pkt_src_aws_service=_service(net, packet.family, packet.src),
        pkt_dst_aws_service=_service(net, packet.family, packet.dst), flow_direction=seen.direction,
        traffic_path=seen.traffic_path if seen.direction == "egress" else "-")


def _service(net: CompiledNetwork, family: int, address: int) -> str:
    """v5 ``pkt-src/dst-aws-service``: the AWS service whose public ranges hold the address, or '-'."""
    if net.service_table is None:
        return "-"
    return net.service_table.lookup(family, address) or "-"
