"""Connection tracking and address translation state: the only module that creates or reads it.

Rules this module keeps (h11's ``_state.py`` idea):
- A security-group flow is keyed by the 5-tuple as the ENI sees it; a packet is a reply when the reverse
  5-tuple was recorded on the same ENI (R3.9). ICMP is keyed by its echo identifier.
- A NAT gateway maps (inside address, port) to (its private address, a port in 1024–65535) per
  destination (R6.4); only packets answering a mapping are translated back — nothing else gets in (R6.8).
- An egress-only internet gateway admits inbound IPv6 only in answer to a flow it carried out (R5.9).
- A transit gateway appliance-mode flow keeps the AZ it was first given (R8.10).
State lives in one ``State`` per conversation, so traces never leak into each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpcsim.engine.packet import Packet

FlowKey = tuple[int, int, int, int, int, int, int]   # family, protocol, src, src_port, dst, dst_port, (unused)


def _key(packet: Packet) -> FlowKey:
    return (packet.family, packet.protocol, packet.src, packet.src_port, packet.dst, packet.dst_port, 0)


def _reverse(packet: Packet) -> FlowKey:
    return (packet.family, packet.protocol, packet.dst, packet.dst_port, packet.src, packet.src_port, 0)


NAT_FIRST_PORT = 1024


@dataclass(slots=True)
class State:
    tracked: dict[str, set[FlowKey]] = field(default_factory=dict)
    nat: dict[tuple[str, FlowKey], tuple[int, int]] = field(default_factory=dict)
    nat_ports: dict[str, int] = field(default_factory=dict)
    eigw: set[tuple[str, FlowKey]] = field(default_factory=set)
    tgw_az: dict[tuple[str, frozenset[int]], str] = field(default_factory=dict)

    # -- security groups (R3.9) ---------------------------------------------------------------------

    def track(self, eni: str, packet: Packet) -> None:
        self.tracked.setdefault(eni, set()).add(_key(packet))

    def is_reply(self, eni: str, packet: Packet) -> bool:
        flows = self.tracked.get(eni)
        return flows is not None and _reverse(packet) in flows

    # -- NAT gateway (R6.4, R6.8) -------------------------------------------------------------------

    def translate_out(self, nat: str, packet: Packet, nat_address: int) -> Packet:
        """Source NAT: the NAT's private address and a fresh port in 1024–65535."""
        port = self.nat_ports.get(nat, NAT_FIRST_PORT)
        self.nat_ports[nat] = port + 1
        translated = packet.with_source(nat_address, port)
        self.nat[(nat, _key(translated))] = (packet.src, packet.src_port)
        return translated

    def translate_back(self, nat: str, packet: Packet) -> Packet | None:
        original = self.nat.get((nat, _reverse(packet)))
        if original is None:
            return None
        return packet.with_destination(original[0], original[1])

    # -- egress-only internet gateway (R5.9) --------------------------------------------------------

    def eigw_out(self, gateway: str, packet: Packet) -> None:
        self.eigw.add((gateway, _key(packet)))

    def eigw_admits(self, gateway: str, packet: Packet) -> bool:
        return (gateway, _reverse(packet)) in self.eigw

    # -- transit gateway appliance mode (R8.10) ------------------------------------------------------

    def pinned_az(self, attachment: str, packet: Packet) -> str | None:
        return self.tgw_az.get((attachment, frozenset((packet.src, packet.dst))))

    def pin_az(self, attachment: str, packet: Packet, az: str) -> None:
        self.tgw_az.setdefault((attachment, frozenset((packet.src, packet.dst))), az)
