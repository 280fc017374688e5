"""Network ACLs: stateless, numbered, first match wins, ``*`` denies (R4.1 to R4.3, R4.7).

Inbound rules match the packet's source as it enters a subnet, outbound rules its destination as it
leaves; ports are always the packet's destination port. Same-subnet traffic never gets here (R4.4).
"""

from __future__ import annotations

from vpcsim.compile.components import NetworkAcl
from vpcsim.compile.network import CompiledNetwork
from vpcsim.compile.rules import NetworkAclTable, Rule
from vpcsim.engine.events import (
    AT_ENI_IN,
    AT_NAT_GATEWAY,
    AT_ROUTE_TABLE,
    DROPPED,
    EGRESS,
    INGRESS,
    NACL_ALLOW,
    NAT_GATEWAY_ENI,
    Arrival,
    At,
    End,
    arrive,
)
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop, Side
from vpcsim.engine.state import State
from vpcsim.protocols import PORTED, rule_icmp_code

KIND = ComponentKind.NETWORK_ACL


def _deny(acl: NetworkAcl, subnet: str, table: NetworkAclTable, rule: Rule | None, packet: Packet,
          direction: Side, interface: str | None, hops: list[Hop]) -> End:
    label = rule.label if rule is not None else table.default_label
    side = "from" if direction is INGRESS else "to"
    flow = f"{packet.protocol_name}/{packet.dst_port}" if packet.protocol in PORTED else packet.protocol_name
    origin = (rule.path or None) if rule is not None else (acl.path or None)
    hops.append(Hop(acl.name, KIND, Decision.NETWORK_ACL_DENY, packet, rule=label, code="SUBNET_ACL_RESTRICTION",
                    direction=direction, interface=interface, origin=origin,
                    message=f"network ACL {acl.name} of subnet {subnet} denies {flow} "
                    f"{side} {peer_text(packet, direction)} ({label})"))
    return End(DROPPED, packet)


def peer_text(packet: Packet, direction: Side) -> str:
    """The address a rule of this direction matches: the source inbound, the destination outbound (R4.3)."""
    return packet.source if direction == INGRESS else packet.destination


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """NACL out: leaving the subnet, the outbound rules match the destination (R4.1-R4.3); on to its routes."""
    context = arrival.context
    return _judge(net, arrival, hops, EGRESS, context.sender, AT_ROUTE_TABLE, context.table)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """NACL in: entering the subnet, the inbound rules match the source (R4.1-R4.3); on to the interface."""
    target = arrival.context.target_eni
    eni = net.enis.get(target)
    if eni is not None and eni.kind is NAT_GATEWAY_ENI:
        return _judge(net, arrival, hops, INGRESS, target, AT_NAT_GATEWAY, eni.owner)
    return _judge(net, arrival, hops, INGRESS, target, AT_ENI_IN, target)


def _judge(net: CompiledNetwork, arrival: Arrival, hops: list[Hop], direction: Side, interface: str,
           next_at: At, next_name: str) -> Arrival | End:
    """The subnet's NACL in one direction: the first matching rule allows (on to ``next_at``) or denies."""
    _, name, packet, context = arrival
    subnet = net.subnets[name]
    acl = net.network_acls[subnet.network_acl]
    ingress = direction is INGRESS
    table = (acl.ingress if ingress else acl.egress)[packet.family]
    protocol = packet.protocol
    rule = table.first_match(protocol, packet.family, packet.dst_port, packet.icmp_type,
                             rule_icmp_code(protocol, packet.icmp_code),
                             packet.src if ingress else packet.dst)
    if rule is None or not rule.allow:
        return _deny(acl, subnet.name, table, rule, packet, direction, interface or None, hops)
    hops.append(Hop(acl.name, KIND, NACL_ALLOW, packet, rule.label, None, f"subnet {subnet.name}", direction,
                    interface or None, rule.path or None))
    return arrive(next_at, next_name, packet, context)
