"""NAT gateways: source NAT to their private address and a port in 1024-65535 (R6.4), answers translated
back, nothing initiated from outside (R6.8), only for sources in their own VPC or a TGW (R6.10),
TCP/UDP/ICMP only (R6.6), NAT64 for ``64:ff9b::/96`` (R6.11). No security group (R6.9); the NACL of its
subnet applies both ways (the walk enters and leaves the subnet through it)."""

from __future__ import annotations

from dataclasses import replace

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import VIA_HERE, VIA_PEERING, VIA_VGW, Arrival, End
from vpcsim.engine.forwarding import drop, leave
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State
from vpcsim.ip import parse_prefix
from vpcsim.protocols import ICMP, ICMPS, ICMPV6, PORTED, TCP, UDP

KIND = ComponentKind.NAT_GATEWAY
NAT64_PREFIX = parse_prefix("64:ff9b::/96")
ECHO_V6_TO_V4 = {128: 8, 129: 0}


def _nat64(packet: Packet) -> Packet | None:
    """R6.11: the IPv4 form of an IPv6 packet to ``64:ff9b::a.b.c.d`` (destination = its last 32 bits);
    None for what NAT64 cannot carry (ICMPv6 other than echo, protocols other than TCP/UDP/ICMPv6)."""
    destination = packet.dst & 0xFFFFFFFF
    if packet.protocol in PORTED:
        return replace(packet, family=4, dst=destination)
    if packet.protocol == ICMPV6 and packet.icmp_type in ECHO_V6_TO_V4:
        return replace(packet, family=4, dst=destination, protocol=ICMP,
                       icmp_type=ECHO_V6_TO_V4[packet.icmp_type])
    return None


def _socket(packet: Packet, address: str, port: int) -> str:
    """``10.0.0.10:1024``, ``[2600:…::10]:49152``; ICMP shows its echo identifier instead of a port."""
    if packet.protocol in ICMPS:
        return f"{address} (id {port})"
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def handle(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """NAT gateway: source NAT (R6.4, R6.6, R6.10, R6.11) or a mapping's answer back (R6.8); tracked (R3.12)."""
    nat = net.nat_gateways[arrival.name]
    eni = net.enis[nat.eni]
    packet, context = arrival.packet, arrival.context
    state.force_tracking()
    if packet.family == 4 and packet.dst == nat.private_ip:
        original = state.translate_back(nat.name, packet)
        if original is None:
            return drop(hops, nat.name, KIND, Decision.DROP, packet, "NGW_NO_INBOUND_INITIATION",
                        f"{nat.name} accepts no connection initiated from outside (R6.8)")
        port, inside_port = (packet.src_port, original.src_port) if packet.protocol == ICMP else \
            (packet.dst_port, original.dst_port)
        rule = f"reverse NAT {_socket(packet, packet.destination, port)} -> " \
               f"{_socket(original, original.destination, inside_port)}"
        if original.family != packet.family:
            rule = f"reverse NAT64 {_socket(packet, packet.destination, port)} -> " \
                   f"{_socket(original, original.destination, inside_port)}, " \
                   f"{packet.source} -> {original.source}"
        hops.append(Hop(nat.name, KIND, Decision.TRANSLATE, original, rule=rule))
        return leave(net, eni, original, context, hops)
    else:
        if context.entered_via in (VIA_PEERING, VIA_VGW):
            via = "a peering connection" if context.entered_via == VIA_PEERING else "a VPN or Direct Connect"
            return drop(hops, nat.name, KIND, Decision.DROP, packet, "NGW_REQUIRES_SOURCE_IN_VPC",
                        f"{nat.name} translates only traffic from its own VPC; this packet came through "
                        f"{via} (R6.10)")
        outside: Packet | None = None
        if packet.family == 6 and NAT64_PREFIX.contains(6, packet.dst):
            outside = _nat64(packet)
            if outside is None:
                return drop(hops, nat.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                            f"{nat.name} translates IPv6 to IPv4 (NAT64) only for TCP, UDP and ICMPv6 echo "
                            "(R6.11)")
        elif packet.protocol not in (TCP, UDP, ICMP) or packet.family != 4:
            return drop(hops, nat.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                        f"{nat.name} translates IPv4 TCP, UDP and ICMP only, and IPv6 only to 64:ff9b::/96 "
                        "(R6.6, R6.11)")
        translated = state.translate_out(nat.name, packet, nat.private_ip, outside)
        rule = f"SNAT {_socket(packet, packet.source, packet.src_port)} -> " \
               f"{_socket(translated, translated.source, translated.src_port)}"
        if outside is not None:
            rule = f"NAT64 {_socket(packet, packet.source, packet.src_port)} -> " \
                   f"{_socket(translated, translated.source, translated.src_port)}, " \
                   f"{packet.destination} -> {translated.destination}"
        hops.append(Hop(nat.name, KIND, Decision.TRANSLATE, translated, rule=rule))
        return leave(net, eni, translated, context.but(sg_references=False, entered_via=VIA_HERE), hops)
