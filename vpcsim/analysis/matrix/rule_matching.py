"""What a security group rule reads of a packet besides its peer: the matrix's *fields* of a packet.

The end security groups of every pair are decided over all destinations at once (``verdicts.py``), so the
matrix asks a table for the rules that admit a packet's fields — protocol, destination port, ICMP type and code
— from some peer (``SecurityGroupTable.admitting``, which matches through compile's one predicate,
``compile.rules.matching``) and then looks at their peers as masks.
"""

from __future__ import annotations

from vpcsim.engine.packet import Packet
from vpcsim.protocols import rule_icmp_code

Fields = tuple[int, int, int, int]            # protocol, destination port, ICMP type, ICMP code


def fields_of(packet: Packet) -> Fields:
    """What a security group rule reads of ``packet`` besides its peer. An ICMP code the packet leaves out
    (-1) reads as 0, as the engine's ENI handler passes it."""
    protocol = packet.protocol
    return protocol, packet.dst_port, packet.icmp_type, rule_icmp_code(protocol, packet.icmp_code)
