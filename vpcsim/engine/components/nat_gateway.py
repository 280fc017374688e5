"""NAT gateways: source NAT to their private address and a port in 1024–65535 (R6.4), answers translated
back, nothing initiated from outside (R6.8), only for sources in their own VPC or a TGW (R6.10),
TCP/UDP/ICMP only (R6.6). No security group (R6.9); the NACL of its subnet applies both ways."""

from __future__ import annotations

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import Arrival, Step
from vpcsim.engine.forwarding import drop, leave_eni
from vpcsim.engine.packet import ICMP, TCP, UDP
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.NAT_GATEWAY


def handle(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    eni = net.enis[arrival.name]
    nat = net.nat_gateways[eni.owner]
    packet, context = arrival.packet, arrival.context
    if packet.family == 4 and packet.dst == nat.private_ip:
        original = state.translate_back(nat.name, packet)
        if original is None:
            return drop(nat.name, KIND, Decision.DROP, packet, "NGW_NO_INBOUND_INITIATION",
                        f"{nat.name} accepts no connection initiated from outside (R6.8)")
        hop = Hop(nat.name, KIND, Decision.TRANSLATE, original,
                  rule=f"reverse NAT {packet.destination}:{packet.dst_port} -> {original.destination}:"
                       f"{original.dst_port}")
        following = leave_eni(net, eni, original, context)
    else:
        if context.entered_via in ("peering", "vgw"):
            via = "a peering connection" if context.entered_via == "peering" else "a VPN or Direct Connect"
            return drop(nat.name, KIND, Decision.DROP, packet, "NGW_REQUIRES_SOURCE_IN_VPC",
                        f"{nat.name} translates only traffic from its own VPC; this packet came through {via} (R6.10)")
        if packet.protocol not in (TCP, UDP, ICMP) or packet.family != 4:
            return drop(nat.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                        f"{nat.name} translates IPv4 TCP, UDP and ICMP only (R6.6)")
        translated = state.translate_out(nat.name, packet, nat.private_ip)
        hop = Hop(nat.name, KIND, Decision.TRANSLATE, translated,
                  rule=f"SNAT {packet.source}:{packet.src_port} -> {translated.source}:{translated.src_port}")
        following = leave_eni(net, eni, translated, context.but(sg_references=False, entered_via=""))
    if isinstance(following, Step):
        return Step((hop, *following.hops), end=following.end)
    return Step((hop,), next=following)
