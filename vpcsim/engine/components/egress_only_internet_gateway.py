"""Egress-only internet gateways: IPv6 out, and only answers back in (R5.9; always tracked, R3.12)."""

from __future__ import annotations

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import EXITED, RETURN_PATH, VIA_IGW, Arrival, At, End
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """EIGW_OUT: IPv6 only, out to the internet, the flow remembered for its answers (R5.9, tracked R3.12)."""
    gateway, packet, context = arrival.name, arrival.packet, arrival.context
    if packet.family != 6:
        return drop(hops, gateway, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                    "an egress-only internet gateway carries IPv6 only (R5.9)")
    state.eigw_out(gateway, packet)
    hops.append(Hop(gateway, KIND, Decision.FORWARD, packet, rule="IPv6 outbound (stateful, R5.9)"))
    hops.append(Hop("internet", ComponentKind.INTERNET, Decision.EXIT, packet,
                    message=f"left AWS through {gateway}"))
    reply_from = Arrival(At.EIGW_IN, gateway, packet.reply(),
                         context.but(direction=RETURN_PATH, subnet="", entered_via=VIA_IGW, sg_references=False))
    return End(EXITED, packet, reply_from=reply_from)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """EIGW_IN: only answers to flows it carried out get in (R5.9)."""
    gateway, packet, context = arrival.name, arrival.packet, arrival.context
    if not state.eigw_admits(gateway, packet):
        return drop(hops, gateway, KIND, Decision.DROP, packet, "EIGW_INBOUND_NOT_ALLOWED",
                    f"{gateway} is egress-only: it admits only answers to connections started inside (R5.9)")
    hops.append(Hop(gateway, KIND, Decision.FORWARD, packet, rule="answer to a tracked outbound flow (R5.9)"))
    vpc = net.gateway_vpc[gateway]
    return deliver_in_vpc(net, vpc, packet, context.but(vpc=vpc), gateway, KIND, hops)
