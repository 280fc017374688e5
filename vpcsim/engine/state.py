"""Connection tracking and address translation state: the only module that creates or reads it.

Rules this module keeps (h11's ``_state.py`` idea):
- A security-group flow is keyed by the 5-tuple as the ENI sees it; a packet is a reply when the reverse
  5-tuple was recorded on the same ENI (R3.9). ICMP is keyed by its echo identifier.
- An untracked flow (R3.10) is recorded apart: its reply is judged by the rules, not by state — unless
  the conversation crosses a component that forces tracking (NAT gateway, egress-only IGW, TGW
  attachment, GWLB or interface endpoint: R3.12), which makes every flow of it tracked.
- A NAT gateway maps (inside address, port) to (its private address, a port in 1024-65535) per
  destination (R6.4), NAT64 included (R6.11); only packets answering a mapping are translated back —
  nothing else gets in (R6.8).
- An egress-only internet gateway admits inbound IPv6 only in answer to a flow it carried out (R5.9).
- A transit gateway appliance-mode flow keeps the AZ it was first given (R8.10).
State lives in one ``State`` per conversation, so traces never leak into each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from vpcsim.engine.packet import Packet
from vpcsim.protocols import ICMPS

FlowKey = tuple[int, int, int, int, int, int, int]   # family, protocol, src, src_port, dst, dst_port, 0


def _key(packet: Packet) -> FlowKey:
    return (packet.family, packet.protocol, packet.src, packet.src_port, packet.dst, packet.dst_port, 0)


def _reverse(packet: Packet) -> FlowKey:
    if packet.protocol in ICMPS:    # an echo reply carries the request's identifier unswapped
        return (packet.family, packet.protocol, packet.dst, packet.src_port, packet.src, packet.dst_port, 0)
    return (packet.family, packet.protocol, packet.dst, packet.dst_port, packet.src, packet.src_port, 0)


NAT_FIRST_PORT = 1024


@dataclass(slots=True, init=False)
class State:
    tracked: dict[str, set[FlowKey]] = field(default_factory=dict)
    untracked: dict[str, set[FlowKey]] = field(default_factory=dict)
    auto_tracked: bool = False
    nat: dict[tuple[str, FlowKey], Packet] = field(default_factory=dict)   # translated key -> packet received
    nat_ports: dict[str, int] = field(default_factory=dict)
    eigw: set[tuple[str, FlowKey]] = field(default_factory=set)
    tgw_az: dict[tuple[str, frozenset[int]], str] = field(default_factory=dict)

    def __init__(self) -> None:
        """A fresh conversation's state, every conversation: written out because the generated ``__init__``
        calls a factory per field (about 0.4 µs; this is about a third)."""
        self.tracked = {}
        self.untracked = {}
        self.auto_tracked = False
        self.nat = {}
        self.nat_ports = {}
        self.eigw = set()
        self.tgw_az = {}

    # -- security groups (R3.9) ---------------------------------------------------------------------

    def track(self, eni: str, packet: Packet, untracked: bool = False) -> None:
        """Record a flow a security group allowed; ``untracked`` for R3.10 flows (no state kept)."""
        flows = self.untracked if untracked else self.tracked
        keys = flows.get(eni)
        if keys is None:
            keys = flows[eni] = set()
        keys.add((packet.family, packet.protocol, packet.src, packet.src_port, packet.dst, packet.dst_port, 0))  # _key

    def force_tracking(self) -> None:
        """R3.12: the conversation crosses a component that makes security groups track every flow."""
        self.auto_tracked = True

    def is_reply(self, eni: str, packet: Packet) -> bool:
        """The packet answers a flow tracked on ``eni`` (R3.9)."""
        tracked = self.tracked.get(eni)
        untracked = self.untracked.get(eni) if self.auto_tracked else None
        if tracked is None and untracked is None:       # nothing recorded here: most packets of a walk
            return False
        key = _reverse(packet)
        return (tracked is not None and key in tracked) or (untracked is not None and key in untracked)

    def is_untracked_reply(self, eni: str, packet: Packet) -> bool:
        """The packet answers an untracked flow of ``eni``: only a rule can admit it (R3.10)."""
        if self.auto_tracked:
            return False
        flows = self.untracked.get(eni)
        return flows is not None and _reverse(packet) in flows

    # -- NAT gateway (R6.4, R6.8) -------------------------------------------------------------------

    def translate_out(self, nat: str, packet: Packet, nat_address: int,
                      outside: Packet | None = None) -> Packet:
        """Source NAT: the NAT's private address and a fresh port (ICMP: echo identifier) in 1024-65535;
        the destination is unchanged. ``outside`` is the packet to send when it differs from the one
        received (NAT64, R6.11: its IPv4 form)."""
        port = self.nat_ports.get(nat, NAT_FIRST_PORT)
        self.nat_ports[nat] = port + 1
        translated = (outside or packet).with_source(nat_address, port)
        self.nat[(nat, _key(translated))] = packet
        return translated

    def translate_back(self, nat: str, packet: Packet) -> Packet | None:
        """The answer to a mapped flow, as the inside host expects it (for NAT64 back in IPv6); None when
        ``packet`` answers nothing this NAT gateway sent."""
        original = self.nat.get((nat, _reverse(packet)))
        if original is None:
            return None
        answer = original.reply()
        icmp_type = packet.icmp_type if original.family == packet.family else answer.icmp_type
        return replace(answer, tcp_flags=packet.tcp_flags, ttl=packet.ttl, length=packet.length,
                       icmp_type=icmp_type, icmp_code=packet.icmp_code)

    # -- egress-only internet gateway (R5.9) --------------------------------------------------------

    def eigw_out(self, gateway: str, packet: Packet) -> None:
        self.eigw.add((gateway, _key(packet)))
        self.auto_tracked = True      # R3.12: flows through an egress-only IGW are always tracked

    def eigw_admits(self, gateway: str, packet: Packet) -> bool:
        return (gateway, _reverse(packet)) in self.eigw

    # -- transit gateway appliance mode (R8.10) ------------------------------------------------------

    def pinned_az(self, attachment: str, packet: Packet) -> str | None:
        return self.tgw_az.get((attachment, frozenset((packet.src, packet.dst))))

    def pin_az(self, attachment: str, packet: Packet, az: str) -> None:
        self.tgw_az.setdefault((attachment, frozenset((packet.src, packet.dst))), az)
