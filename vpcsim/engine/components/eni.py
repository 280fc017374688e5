"""Network interfaces: source/destination check (R2.20), security groups with connection tracking
(R3.1 to R3.12), delivery, and appliances that forward what is not theirs (R2.21)."""

from __future__ import annotations

from vpcsim.compile.components import Eni, EniKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import Rule, SecurityGroupTable
from vpcsim.engine.components import nat_gateway
from vpcsim.engine.events import (
    AT_ENI_OUT,
    AT_GWLB_ENDPOINT,
    AT_NAT_GATEWAY,
    AT_TGW,
    DELIVER,
    DELIVERED,
    DROPPED,
    EGRESS,
    EXITED,
    FORWARD,
    FORWARD_PATH,
    GWLB_ENDPOINT_ENI,
    INGRESS,
    INTERFACE_ENDPOINT_ENI,
    NAT_GATEWAY_ENI,
    RETURN_PATH,
    SG_EGRESS_ALLOW,
    SG_ESTABLISHED,
    SG_INGRESS_ALLOW,
    TGW_ATTACHMENT_ENI,
    VIA_TGW,
    Arrival,
    At,
    Context,
    End,
    Step,
    arrive,
)
from vpcsim.engine.forwarding import as_step, drop, leave
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State
from vpcsim.ip import parse_address
from vpcsim.protocols import ICMPS, PORTED, TCP, rule_icmp_code

KIND = ComponentKind.ENI
RESOLVER = "route53-resolver"
METADATA = "instance-metadata"
LINK_LOCAL_SERVICES: dict[tuple[int, int], str] = {
    parse_address("169.254.169.253"): RESOLVER,
    parse_address("fd00:ec2::253"): RESOLVER,
    parse_address("169.254.169.254"): METADATA,
    parse_address("fd00:ec2::254"): METADATA,
    parse_address("169.254.169.123"): "time-sync",
    parse_address("fd00:ec2::123"): "time-sync",
}

_LINK_LOCAL_V4 = parse_address("169.254.0.0")[1] >> 16
assert all(address >> 16 == _LINK_LOCAL_V4 for family, address in LINK_LOCAL_SERVICES if family == 4)

AUTO_TRACKED = frozenset({EniKind.NAT_GATEWAY, EniKind.TGW_ATTACHMENT, EniKind.GWLB_ENDPOINT,
                          EniKind.INTERFACE_ENDPOINT})
"""R3.12: a conversation crossing one of these ENIs is tracked by every security group on its path."""


def _icmp_code(packet: Packet) -> int:
    return rule_icmp_code(packet.protocol, packet.icmp_code)


def _match(table: SecurityGroupTable, packet: Packet, peer: int, sg_references: bool) -> Rule | None:
    protocol = packet.protocol
    return table.first_match(protocol, packet.family, packet.dst_port, packet.icmp_type,
                             rule_icmp_code(protocol, packet.icmp_code), peer,
                             sg_references)


def _untracked(eni: Eni, allowing: SecurityGroupTable, other: SecurityGroupTable | None, packet: Packet,
               rule: Rule, peer: int) -> bool:
    """R3.10: a TCP/UDP flow allowed from/to 0.0.0.0/0 (or ::/0), with a rule in the other direction
    allowing all traffic to/from everywhere on all ports, is not tracked. ICMP is always tracked, and so
    is everything at an interface endpoint (R3.12)."""
    if packet.protocol not in PORTED or eni.kind is INTERFACE_ENDPOINT_ENI:
        return False
    if other is None or not other.opens_everything(packet.protocol, packet.family):
        return False
    return rule.peer.is_everywhere(packet.family) or allowing.admits_from_everywhere(
        packet.protocol, packet.family, packet.dst_port, packet.icmp_type, _icmp_code(packet), peer)


def _reference_code(table: SecurityGroupTable, packet: Packet, peer: int, context: Context) -> str | None:
    """R3.8: a rule naming a security group would match if the packet had kept its SG identity."""
    if _match(table, packet, peer, True) is None:
        return None
    return "SG_REFERENCING_SUPPORT" if context.entered_via == VIA_TGW else "SG_REFERENCES_NOT_PRESERVED"


_BY_RULE = "untracked flow: the reply is admitted by a rule, not by connection tracking (R3.10)"
"""The message of a hop that admits, by a rule, the reply to an untracked flow (``State.is_untracked_reply``)."""


def _sg_origin(eni: Eni) -> tuple[str | int, ...]:
    """Where a denying security group is defined (its first group): the place a missing rule would go."""
    first = eni.security_groups[0].split("@")[0] if eni.security_groups else "default"
    return ("vpcs", eni.vpc, "security_groups", first)


def _sg_names(eni: Eni) -> str:
    return ", ".join(sg.split("@")[0] for sg in eni.security_groups) or "(none)"


def _flow(packet: Packet) -> str:
    if packet.protocol in ICMPS:
        return f"{packet.protocol_name} type {packet.icmp_type}"
    if packet.protocol in PORTED:
        return f"{packet.protocol_name}/{packet.dst_port}"
    return f"protocol {packet.protocol}"


def egress_references_ok(net: CompiledNetwork, eni: Eni, packet: Packet) -> bool:
    """R3.7/R8.15: an outbound SG-id rule matches within the VPC or across an active same-Region peering,
    never across a transit gateway."""
    if net.vpcs[eni.vpc].contains(packet.family, packet.dst):
        return True
    for peering in net.peerings.values():
        if peering.active and not peering.inter_region and eni.vpc in (peering.requester, peering.accepter) \
                and net.vpcs[peering.far_side(eni.vpc)].contains(packet.family, packet.dst):
            return True
    return False


def send(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """ENI out: source/dest check (R2.20), link-local services (R11.1, R3.13), SG egress (R3.1-R3.12)."""
    eni = net.enis[arrival.name]
    _, _, packet, context = arrival
    if eni.source_dest_check and packet.src not in (eni.private_ips if packet.family == 4 else eni.ipv6_ips):
        return drop(hops, eni.name, KIND, Decision.DROP, packet, "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                    f"{eni.name} sends only from its own addresses; {packet.source} is not one of them "
                    "(R2.20)",
                    direction=EGRESS)
    service = link_local_service(net, eni, packet)
    if service is not None:
        return _to_link_local_service(net, eni, packet, context, service, hops)
    if eni.egress is None:
        hops.append(Hop(eni.name, KIND, Decision.SEND, packet, message="no security group applies here (R3.14)",
                        direction=EGRESS))
    elif state.is_reply(eni.name, packet):
        hops.append(Hop(eni.name, KIND, SG_ESTABLISHED, packet, "connection tracking", None,
                        "reply to a tracked inbound flow (R3.9)", EGRESS))
    else:
        # R3.7: an SG-id rule matches outbound only within reach (egress_references_ok). The reach is worked
        # out only when the first rule that matches does so through a group's members, not its CIDRs.
        egress = eni.egress
        protocol, family, destination = packet.protocol, packet.family, packet.dst
        fields = (protocol, family, packet.dst_port, packet.icmp_type,
                  rule_icmp_code(protocol, packet.icmp_code), destination)
        matched = egress.first_match(*fields, True)                         # _match, inlined (hot path)
        rule = matched
        references = True
        # (A rule whose peer has no SG members matched through its CIDRs: no need to ask again.)
        if matched is not None and matched.peer.members and not matched.peer.matches(family, destination, False):
            references = egress_references_ok(net, eni, packet)
            if not references:
                rule = egress.first_match(*fields, False)
        if rule is None:
            code = "SG_HAS_NO_RULES" if eni.egress.count == 0 else "ENI_SG_RULES_MISMATCH"
            why = ""
            if not references and matched is not None:
                code = "SG_REFERENCES_NOT_PRESERVED"
                why = " (an outbound rule naming a security group matches only inside the VPC or across a " \
                      "same-Region peering, R3.7)"
            return drop(hops, eni.name, KIND, Decision.SECURITY_GROUP_DENY, packet, code,
                        f"no outbound rule of security group(s) {_sg_names(eni)} allows {_flow(packet)} to "
                        f"{packet.destination}{why}", direction=EGRESS, origin=_sg_origin(eni))
        ingress = eni.ingress          # R3.10 can only apply when the other direction opens something to all
        state.track(eni.name, packet, ingress is not None and bool(ingress.wide_open)
                    and _untracked(eni, egress, ingress, packet, rule, destination))
        hops.append(Hop(eni.name, KIND, SG_EGRESS_ALLOW, packet, rule.label, None,
                        _BY_RULE if state.is_untracked_reply(eni.name, packet) else None, EGRESS, None,
                        rule.path or None))
    return leave(net, eni, packet, context, hops)


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    """``send`` alone, as a ``Step`` (R2.20, R3.1-R3.12): analyses ask an interface's egress verdict so."""
    hops: list[Hop] = []
    return as_step(hops, send(net, state, arrival, hops))


def link_local_service(net: CompiledNetwork, eni: Eni, packet: Packet) -> str | None:
    """R11.1: the services an instance reaches without leaving its host — never filtered, never logged."""
    family, destination = packet.family, packet.dst
    if family == 4:
        # The fixed IPv4 services are all in 169.254.0.0/16: most packets skip the table (asked per packet).
        if destination >> 16 == _LINK_LOCAL_V4:
            fixed = LINK_LOCAL_SERVICES.get((4, destination))
            if fixed is not None:
                return fixed
        if destination == net.vpcs[eni.vpc].resolver:
            return RESOLVER
        cidr = net.subnets[eni.subnet].cidr
    else:
        fixed = LINK_LOCAL_SERVICES.get((family, destination))
        if fixed is not None:
            return fixed
        cidr = net.subnets[eni.subnet].ipv6_cidr
    # The VPC router: the subnet's base + 1.
    return "vpc-router" if cidr is not None and destination == cidr.start + 1 else None


def _to_link_local_service(net: CompiledNetwork, eni: Eni, packet: Packet, context: Context, service: str,
                           hops: list[Hop]) -> End:
    hops.append(Hop(eni.name, KIND, Decision.SEND, packet, direction=EGRESS,
                    message=f"to {service}: not filtered by security groups or network ACLs (R3.13, R4.9)"))
    if service == RESOLVER and not net.vpcs[eni.vpc].dns_support:
        hops.append(Hop(service, ComponentKind.LINK_LOCAL_SERVICE, Decision.DROP, packet,
                        code="DNS_SUPPORT_DISABLED",
                        message=f"VPC {eni.vpc} has enableDnsSupport off: the Amazon DNS server does not "
                                "answer (R11.2)"))
        return End(DROPPED, packet)
    if service == METADATA:
        silent = _metadata_silent(net, eni, packet)
        if silent is not None:
            hops.append(Hop(service, ComponentKind.LINK_LOCAL_SERVICE, Decision.DROP, packet, code=silent[0],
                            message=silent[1]))
            return End(DROPPED, packet)
    answer = packet.reply()
    reply_from = Arrival(At.ENI_IN, eni.name, answer, context.but(direction=RETURN_PATH, link_local=True))
    hops.append(Hop(service, ComponentKind.LINK_LOCAL_SERVICE, Decision.EXIT, packet,
                    message=f"answered by {service} on the host (R11.1)"))
    return End(EXITED, packet, reply_from=reply_from)


_INSTANCE_KINDS = (EniKind.INSTANCE, EniKind.INTERFACE)


def _metadata_silent(net: CompiledNetwork, eni: Eni, packet: Packet) -> tuple[str, str] | None:
    """R11.1b: why the instance metadata service does not answer this instance (code, message), or None.

    The instance's ``MetadataOptions`` decide: ``HttpEndpoint`` disabled silences both addresses;
    ``fd00:ec2::254`` answers only with ``HttpProtocolIpv6`` enabled, on a Nitro instance. An interface
    that belongs to no instance keeps the service as before."""
    instance = net.instances.get(eni.owner) if eni.kind in _INSTANCE_KINDS else None
    if instance is None:
        return None
    if not instance.http_endpoint:
        return ("IMDS_ENDPOINT_DISABLED", f"instance {instance.name} has its metadata endpoint disabled "
                f"(http_endpoint: disabled): {packet.destination} does not answer (R11.1b)")
    if packet.family == 6 and not (instance.http_protocol_ipv6 and instance.nitro):
        why = "it is not a Nitro instance" if instance.http_protocol_ipv6 else \
            "http_protocol_ipv6 is disabled (AWS's default)"
        return ("IMDS_IPV6_DISABLED", f"instance {instance.name} has no IPv6 metadata endpoint: {why}; "
                f"{packet.destination} does not answer (R11.1b)")
    return None


def receive(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """ENI in: source/dest check (R2.20), SG ingress (R3.1-R3.12), delivery or an appliance forwarding (R2.21)."""
    eni = net.enis[arrival.name]
    _, _, packet, context = arrival
    if context.link_local:
        hops.append(Hop(eni.name, KIND, Decision.DELIVER, packet, direction=INGRESS,
                        message="answer from a link-local service: not filtered (R3.13)"))
        return End(DELIVERED, packet, eni=eni.name)
    kind = eni.kind
    if kind in AUTO_TRACKED or context.entered_via == VIA_TGW:
        state.force_tracking()
    if kind is NAT_GATEWAY_ENI:      # the walk sends a NAT gateway's packets to it directly; a caller may not
        return nat_gateway.handle(net, state, arrive(AT_NAT_GATEWAY, eni.owner, packet, context), hops)
    if kind is TGW_ATTACHMENT_ENI:
        attachment = net.tgw_attachments[eni.owner]
        hops.append(Hop(eni.name, KIND, Decision.FORWARD, packet, direction=INGRESS,
                        message=f"into {attachment.tgw} through attachment {attachment.name} ({eni.az})"))
        return arrive(AT_TGW, attachment.tgw, packet, context.but(attachment=eni.owner, az=eni.az))
    owned = packet.dst in (eni.private_ips if packet.family == 4 else eni.ipv6_ips)      # eni.owns
    if not owned and eni.source_dest_check:
        return drop(hops, eni.name, KIND, Decision.DROP, packet, "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                    f"{eni.name} accepts only packets addressed to it; {packet.destination} is not its "
                    "address (disable the source/destination check on appliances, R2.20)",
                    direction=INGRESS)
    if kind is INTERFACE_ENDPOINT_ENI and packet.protocol != TCP and context.direction == FORWARD_PATH:
        return drop(hops, eni.name, KIND, Decision.DROP, packet, "PROTOCOL_RESTRICTION",
                    f"interface endpoint {eni.owner} accepts TCP only (R10.12)", direction=INGRESS)
    hop: Hop
    if eni.ingress is None:
        hop = Hop(eni.name, KIND, DELIVER if owned else FORWARD, packet,
                  message="no security group applies here (R3.14)", direction=INGRESS)
    elif state.is_reply(eni.name, packet):
        hop = Hop(eni.name, KIND, SG_ESTABLISHED, packet, "connection tracking", None,
                  "reply to a tracked outbound flow (R3.9)", INGRESS)
    else:
        rule = _match(eni.ingress, packet, packet.src, context.sg_references)
        if rule is None:
            code = "SG_HAS_NO_RULES" if eni.ingress.count == 0 else "ENI_SG_RULES_MISMATCH"
            why = "" if context.sg_references else " (security group references do not match here: " \
                  "the source's identity was not preserved, R3.8)"
            if not context.sg_references:
                code = _reference_code(eni.ingress, packet, packet.src, context) or code
            return drop(hops, eni.name, KIND, Decision.SECURITY_GROUP_DENY, packet, code,
                        f"no inbound rule of security group(s) {_sg_names(eni)} allows {_flow(packet)} from "
                        f"{packet.source}{why}", direction=INGRESS, origin=_sg_origin(eni))
        egress = eni.egress            # R3.10 can only apply when the other direction opens something to all
        state.track(eni.name, packet, egress is not None and bool(egress.wide_open)
                    and _untracked(eni, eni.ingress, egress, packet, rule, packet.src))
        hop = Hop(eni.name, KIND, SG_INGRESS_ALLOW, packet, rule.label, None,
                  _BY_RULE if state.is_untracked_reply(eni.name, packet) else None, INGRESS, None,
                  rule.path or None)
    hops.append(hop)
    if owned:
        return End(DELIVERED, packet, eni.name)
    if kind is GWLB_ENDPOINT_ENI:
        return arrive(AT_GWLB_ENDPOINT, eni.owner, packet, context)
    # An appliance (source/destination check off) forwards what is not addressed to it (R2.21).
    if hop.decision is not FORWARD:
        hops.append(Hop(eni.name, KIND, Decision.FORWARD, packet, message="appliance forwards the packet (R2.21)",
                        direction=INGRESS))
    return arrive(AT_ENI_OUT, eni.name, packet, context.but(sg_references=False))


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    """``receive`` alone, as a ``Step`` (R2.20, R3.1-R3.12): analyses ask an interface's ingress verdict so."""
    hops: list[Hop] = []
    return as_step(hops, receive(net, state, arrival, hops))
