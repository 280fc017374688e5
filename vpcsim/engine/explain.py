"""Turn a dropping hop, or a reply that came back rewritten, into an explanation with the change to consider
(the fix)."""

from __future__ import annotations

from collections.abc import Sequence

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Direction, Explanation, Hop, Side
from vpcsim.protocols import ICMPS, PORTED


def _flow(packet: Packet) -> str:
    if packet.protocol in PORTED:
        return f"{packet.protocol_name} port {packet.dst_port}"
    return packet.protocol_name


def _cidr(family: int, text: str) -> str:
    return f"{text}/{32 if family == 4 else 128}"


def fix_for(net: CompiledNetwork, hop: Hop, path: Direction = Direction.FORWARD) -> str | None:
    p = hop.packet
    code = hop.code or ""
    if code in ("ENI_SG_RULES_MISMATCH", "SG_HAS_NO_RULES", "SG_REFERENCES_NOT_PRESERVED",
                "SG_REFERENCING_SUPPORT"):
        eni = net.enis.get(hop.component)
        groups = ", ".join(s.split("@")[0] for s in eni.security_groups) if eni else "its security group"
        if hop.direction == Side.INGRESS:
            return f"add an inbound rule to {groups} allowing {_flow(p)} from {_cidr(p.family, p.source)} " \
                   "(or from the source's security group, within the VPC or a same-Region peer)"
        return f"add an outbound rule to {groups} allowing {_flow(p)} to {_cidr(p.family, p.destination)}"
    if code == "SUBNET_ACL_RESTRICTION":
        side, peer = ("inbound", p.source) if hop.direction == Side.INGRESS else ("outbound", p.destination)
        number = hop.rule.split()[-2] if hop.rule and hop.rule.split()[-2].isdigit() else None
        where = f", numbered below {number}" if number else ""
        extra = " (replies go to the client's ephemeral ports: allow 1024-65535, R4.8)" \
            if path == Direction.RETURN and p.protocol in PORTED else ""
        return f"add an {side} allow rule to network ACL {hop.component}{where} for {_flow(p)} " \
               f"{'from' if side == 'inbound' else 'to'} {_cidr(p.family, peer)}{extra}"
    if code == "NO_ROUTE_TO_DESTINATION":
        return f"add a route to {p.destination} (or a covering CIDR) in {hop.component}"
    if code == "TGW_RTB_CANNOT_ROUTE":
        return f"add a static route or a propagation for {p.destination} to TGW route table {hop.component}"
    if code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS":
        return "give the instance a public IP or Elastic IP, or route 0.0.0.0/0 through a NAT gateway"
    if code == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS":
        return "associate an Elastic IP (or public IP) with the destination and address the traffic to it"
    if code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR":
        return "peering is not transitive: peer the two VPCs directly, or connect them through a transit gateway"
    if code == "TGW_ROUTE_AZ_RESTRICTION":
        return "add a subnet in this Availability Zone to the transit gateway attachment"
    if code == "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION":
        return "associate the attachment with a transit gateway route table"
    if code in ("BAD_STATE_ROUTE", "TGW_RTB_BAD_STATE_ROUTE"):
        return "remove the blackhole route or restore its target"
    if code == "ENI_SOURCE_DEST_CHECK_RESTRICTION":
        return "disable the source/destination check on the appliance's network interface"
    if code == "NGW_NO_INBOUND_INITIATION":
        return "a NAT gateway is outbound only: use an Elastic IP on the instance or a load balancer for inbound"
    if code == "NGW_REQUIRES_SOURCE_IN_VPC":
        return "give the peer VPC (or the on-premises network) its own NAT gateway"
    if code == "VPCE_POLICY_DENY":
        return "change the endpoint policy to allow the request"
    if code == "LOOP":
        return "break the routing cycle: check the routes of the tables on this path"
    if code == "INGRESS_RTB_TRAFFIC_REDIRECTION":
        return "route the subnet's 0.0.0.0/0 through the same appliance the gateway route table sends it to"
    return None


def explain(net: CompiledNetwork, hop: Hop, path: Direction) -> Explanation:
    return Explanation(hop.code or "UNKNOWN", hop.component, hop.direction or "", hop.message or "",
                       fix_for(net, hop, path), path)


# -- replies that come back rewritten (REPLY_MISMATCH, docs/semantics.md "Replies must match") ----------------

_KIND_WORDS = {ComponentKind.NAT_GATEWAY: "NAT gateway", ComponentKind.INTERNET_GATEWAY: "internet gateway"}
FiveTuple = tuple[int, int, int, int, int, int]   # family, protocol, src, src port, dst, dst port


def _answered(reply: Packet, request_tuples: set[FiveTuple]) -> bool:
    """``reply`` answers one of the forms the request took on its way (before or after a translation)."""
    if reply.protocol in ICMPS:
        key = (reply.family, reply.protocol, reply.dst, reply.src_port, reply.src, reply.dst_port)
    else:
        key = (reply.family, reply.protocol, reply.dst, reply.dst_port, reply.src, reply.src_port)
    return key in request_tuples


def explain_mismatch(forward: Sequence[Hop], reply: Sequence[Hop], sent: Packet, got: Packet) -> Explanation:
    """Why the reply reached the requester as ``got`` rather than as ``sent`` reversed: the first hop of the
    reply that rewrote it into something the request never was (a NAT gateway or an internet gateway the
    request did not cross: asymmetric routing), or, if none did, the translation of the request the reply
    missed on its different way back."""
    forms: set[FiveTuple] = {(p.family, p.protocol, p.src, p.src_port, p.dst, p.dst_port)
                             for p in (sent, *(h.packet for h in forward))}
    expected = sent.reply()
    heard = f"the requester called {_socket_of(sent, destination=True)} and hears from {_socket_of(got)}, " \
            "so its connection cannot complete"
    before = reply[0].packet if reply else got
    for hop in reply:
        if not _answered(hop.packet, forms):
            what = _KIND_WORDS.get(hop.kind, hop.kind.value.replace("_", " "))
            if hop.kind is ComponentKind.NAT_GATEWAY:
                code = "NGW_REWROTE_REPLY"
                why = f"the reply's route leads through {what} {hop.component}, which the request did not " \
                      "cross, so it translated the reply as a new outbound connection (asymmetric routing, R6.4)"
            elif hop.kind is ComponentKind.INTERNET_GATEWAY:
                code = "IGW_REWROTE_REPLY"
                why = f"the reply left through {what} {hop.component}, which maps the replier's private address " \
                      "1:1 to its public address (R5.2), not the way the request came in (asymmetric routing)"
            else:
                code = "REPLY_REWRITTEN"
                why = f"{what} {hop.component} rewrote it on a way back the request did not take"
            after = hop.packet
            if (after.src, after.src_port) != (before.src, before.src_port):
                rewrite = f"the reply's source {_socket_of(before)} to {_socket_of(after)}"
            else:
                rewrite = f"the reply's destination {_socket_of(before, destination=True)} to " \
                          f"{_socket_of(after, destination=True)}"
            message = f"{hop.component} rewrote {rewrite}: {why}; {heard}"
            fix = f"route the reply back the way the request came: in the replier's subnet route table, a route " \
                  f"for {expected.destination} that avoids {hop.component}"
            if hop.kind is ComponentKind.INTERNET_GATEWAY:
                fix += f", or call the replier at its public address {after.source}"
            return Explanation(code, hop.component, "", message, fix, Direction.RETURN)
        before = hop.packet
    missed = next((h for h in forward if h.decision is Decision.TRANSLATE and
                   all(r.component != h.component for r in reply)), None)
    component = missed.component if missed is not None else (reply[-1].component if reply else "")
    skipped = f"without passing {missed.component}, which translated the request ({missed.rule})" \
        if missed is not None else "by another way than the request's"
    message = f"the reply reached the requester as {got.describe()}, not {expected.describe()}: it came back " \
              f"{skipped} — an asymmetric path; {heard}"
    fix = f"route the reply to {expected.destination} back through {component}" if missed is not None else \
        "route the reply back the way the request came"
    return Explanation("REPLY_NOT_TRANSLATED_BACK", component, "", message, fix, Direction.RETURN)


def _socket_of(packet: Packet, destination: bool = False) -> str:
    address = packet.destination if destination else packet.source
    host = f"[{address}]" if packet.family == 6 else address
    if packet.protocol in PORTED:
        return f"{host}:{packet.dst_port if destination else packet.src_port}"
    return address
