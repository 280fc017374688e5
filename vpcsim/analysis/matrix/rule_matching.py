"""Which security group rules match a packet, whatever its peer: the matrix's one copy of rule matching.

The end security groups of every pair are decided over all destinations at once (``verdicts.py``), so the
matrix asks a table for the rules that match a packet's *fields* — protocol, destination port, ICMP type
and code — and then looks at their peers as masks. ``matches_fields`` is ``Rule.matches`` without the peer
test (R3.1: the rule's protocol or all protocols, its port range for TCP and UDP, its ICMP type and code,
-1 meaning any). compile/ writes the same test three more times (``Rule.matches`` in ``compile/rules.py``,
``_ProtocolLookup.atom`` and ``_scan`` beside it); once compile/ offers one shared predicate, this module's
``matches_fields`` is the one line to point at it.
"""

from __future__ import annotations

from vpcsim.compile.rules import ALL, ICMP, ICMPV6, PORTED, Rule, SecurityGroupTable
from vpcsim.engine.packet import Packet

Fields = tuple[int, int, int, int]            # protocol, destination port, ICMP type, ICMP code


def fields_of(packet: Packet) -> Fields:
    """What a security group rule reads of ``packet`` besides its peer. An ICMP code the packet leaves out
    (-1) reads as 0, as the engine's ENI handler passes it."""
    protocol = packet.protocol
    code = max(packet.icmp_code, 0) if protocol in (ICMP, ICMPV6) else packet.icmp_code
    return protocol, packet.dst_port, packet.icmp_type, code


def matches_fields(rule: Rule, fields: Fields) -> bool:
    """Whether ``rule`` matches a packet with these fields, whatever the packet's peer."""
    protocol, port, icmp_type, icmp_code = fields
    if rule.protocol != ALL and rule.protocol != protocol:
        return False
    if rule.protocol in PORTED:
        return rule.port_low <= port <= rule.port_high
    if rule.protocol in (ICMP, ICMPV6):
        return rule.icmp_type in (-1, icmp_type) and rule.icmp_code in (-1, icmp_code)
    return True


def matching_rules(table: SecurityGroupTable, fields: Fields) -> tuple[Rule, ...]:
    """The rules of ``table`` that match a packet with these fields, whatever its peer: the protocol's own
    rules, then the all-protocol ones (the order ``SecurityGroupTable`` keeps)."""
    protocol = fields[0]
    return tuple(rule for kind in (protocol, ALL) for rule in table.by_protocol.get(kind, ())
                 if matches_fields(rule, fields))
