"""Turn a dropping hop into an explanation with the change to consider (the fix)."""

from __future__ import annotations

from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import Direction, Explanation, Hop, Side
from vpcsim.protocols import PORTED


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
