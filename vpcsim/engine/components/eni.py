"""Network interfaces: source/destination check (R2.20), security groups with connection tracking
(R3.1–R3.9), delivery, and appliances that forward what is not theirs (R2.21)."""

from __future__ import annotations

from vpcsim.compile.components import Eni, EniKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import SecurityGroupTable
from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.forwarding import drop, leave_eni
from vpcsim.engine.packet import ICMP, ICMPV6, TCP, Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.ENI


def _match(table: SecurityGroupTable, packet: Packet, peer: int, sg_references: bool) -> str | None:
    rule = table.first_match(packet.protocol, packet.family, packet.dst_port, packet.icmp_type,
                             max(packet.icmp_code, 0) if packet.protocol in (ICMP, ICMPV6) else packet.icmp_code,
                             peer, sg_references)
    return rule.label if rule is not None else None


def _sg_names(eni: Eni) -> str:
    return ", ".join(sg.split("@")[0] for sg in eni.security_groups) or "(none)"


def _flow(packet: Packet) -> str:
    if packet.protocol in (ICMP, ICMPV6):
        return f"{packet.protocol_name} type {packet.icmp_type}"
    if packet.protocol in (6, 17):
        return f"{packet.protocol_name}/{packet.dst_port}"
    return f"protocol {packet.protocol}"


def egress_references_ok(net: CompiledNetwork, eni: Eni, packet: Packet) -> bool:
    """R3.7/R8.15: an outbound SG-id rule matches within the VPC or across an active same-Region peering,
    never across a transit gateway."""
    if net.vpcs[eni.vpc].contains(packet.family, packet.dst):
        return True
    for peering in net.peerings.values():
        if peering.active and not peering.inter_region and eni.vpc in (peering.requester, peering.accepter):
            if net.vpcs[peering.far_side(eni.vpc)].contains(packet.family, packet.dst):
                return True
    return False


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    eni = net.enis[arrival.name]
    packet, context = arrival.packet, arrival.context
    if eni.source_dest_check and not eni.owns(packet.family, packet.src):
        return drop(eni.name, KIND, Decision.DROP, packet, "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                    f"{eni.name} sends only from its own addresses; {packet.source} is not one of them (R2.20)",
                    direction="egress")
    hop: Hop
    if eni.egress is None:
        hop = Hop(eni.name, KIND, Decision.SEND, packet, message="no security group applies here (R3.14)",
                  direction="egress")
    elif state.is_reply(eni.name, packet):
        hop = Hop(eni.name, KIND, Decision.SECURITY_GROUP_ESTABLISHED, packet,
                  rule="connection tracking", message="reply to a tracked inbound flow (R3.9)", direction="egress")
    else:
        label = _match(eni.egress, packet, packet.dst, egress_references_ok(net, eni, packet))
        if label is None:
            code = "SG_HAS_NO_RULES" if eni.egress.count == 0 else "ENI_SG_RULES_MISMATCH"
            return drop(eni.name, KIND, Decision.SECURITY_GROUP_DENY, packet, code,
                        f"no outbound rule of security group(s) {_sg_names(eni)} allows {_flow(packet)} to "
                        f"{packet.destination}", direction="egress")
        state.track(eni.name, packet)
        hop = Hop(eni.name, KIND, Decision.SECURITY_GROUP_EGRESS_ALLOW, packet, rule=label, direction="egress")
    following = leave_eni(net, eni, packet, context)
    if isinstance(following, Step):
        return Step((hop, *following.hops), end=following.end)
    return Step((hop,), next=following)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    eni = net.enis[arrival.name]
    packet, context = arrival.packet, arrival.context
    if eni.kind is EniKind.NAT_GATEWAY:
        from vpcsim.engine.components import nat_gateway

        return nat_gateway.handle(net, state, arrival)
    if eni.kind is EniKind.TGW_ATTACHMENT:
        attachment = net.tgw_attachments[eni.owner]
        hop = Hop(eni.name, KIND, Decision.FORWARD, packet, direction="ingress",
                  message=f"into {attachment.tgw} through attachment {attachment.name} ({eni.az})")
        return Step((hop,), next=Arrival(At.TGW, attachment.tgw, packet,
                                         context.but(attachment=eni.owner, az=eni.az)))
    owned = eni.owns(packet.family, packet.dst)
    if not owned and eni.source_dest_check:
        return drop(eni.name, KIND, Decision.DROP, packet, "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                    f"{eni.name} accepts only packets addressed to it; {packet.destination} is not its address "
                    "(disable the source/destination check on appliances, R2.20)", direction="ingress")
    if eni.kind is EniKind.INTERFACE_ENDPOINT and packet.protocol != TCP and context.direction == "forward":
        return drop(eni.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                    f"interface endpoint {eni.owner} accepts TCP only (R10.12)", direction="ingress")
    if eni.ingress is None:
        hop = Hop(eni.name, KIND, Decision.DELIVER if owned else Decision.FORWARD, packet,
                  message="no security group applies here (R3.14)", direction="ingress")
    elif state.is_reply(eni.name, packet):
        hop = Hop(eni.name, KIND, Decision.SECURITY_GROUP_ESTABLISHED, packet, rule="connection tracking",
                  message="reply to a tracked outbound flow (R3.9)", direction="ingress")
    else:
        label = _match(eni.ingress, packet, packet.src, context.sg_references)
        if label is None:
            code = "SG_HAS_NO_RULES" if eni.ingress.count == 0 else "ENI_SG_RULES_MISMATCH"
            why = "" if context.sg_references else " (security group references do not match here: " \
                  "the source's identity was not preserved, R3.8)"
            return drop(eni.name, KIND, Decision.SECURITY_GROUP_DENY, packet, code,
                        f"no inbound rule of security group(s) {_sg_names(eni)} allows {_flow(packet)} from "
                        f"{packet.source}{why}", direction="ingress")
        state.track(eni.name, packet)
        hop = Hop(eni.name, KIND, Decision.SECURITY_GROUP_INGRESS_ALLOW, packet, rule=label, direction="ingress")
    if owned:
        return Step((hop,), end=End("delivered", packet, eni=eni.name))
    if eni.kind is EniKind.GWLB_ENDPOINT:
        return Step((hop,), next=Arrival(At.GWLB_ENDPOINT, eni.owner, packet, context))
    # An appliance (source/destination check off) forwards what is not addressed to it (R2.21).
    forwarded = Hop(eni.name, KIND, Decision.FORWARD, packet, message="appliance forwards the packet (R2.21)",
                    direction="ingress")
    return Step((hop, forwarded) if hop.decision is not Decision.FORWARD else (hop,),
                next=Arrival(At.ENI_OUT, eni.name, packet, context.but(entered_via=context.entered_via,
                                                                          sg_references=False)))
