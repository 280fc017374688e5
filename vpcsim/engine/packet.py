"""The packet: small, immutable, integer-addressed; convertible to and from scapy (imported lazily)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vpcsim.engine.frozen import quick_init
from vpcsim.ip import format_address, parse_address
from vpcsim.protocols import ICMP, ICMP_REPLY, ICMPS, ICMPV6, PORTED, TCP, UDP, protocol_name, rule_icmp_code

ANSWER_FLAGS = {"S": "SA", "SA": "A"}          # a SYN is answered by a SYN-ACK, a SYN-ACK by an ACK

_text = lru_cache(maxsize=1 << 16)(format_address)   # drop messages name the same few addresses over and over


@quick_init
@dataclass(frozen=True, slots=True)
class Packet:
    family: int
    src: int
    dst: int
    protocol: int
    src_port: int = 0          # for ICMP: the echo identifier
    dst_port: int = 0
    icmp_type: int = -1
    icmp_code: int = -1
    tcp_flags: str = ""
    ttl: int = 64
    length: int = 60

    @property
    def protocol_name(self) -> str:
        return protocol_name(self.protocol)

    @property
    def source(self) -> str:
        return _text(self.family, self.src)

    @property
    def destination(self) -> str:
        return _text(self.family, self.dst)

    def with_source(self, address: int, port: int | None = None) -> Packet:
        return Packet(self.family, address, self.dst, self.protocol, self.src_port if port is None else port,
                      self.dst_port, self.icmp_type, self.icmp_code, self.tcp_flags, self.ttl, self.length)

    def with_destination(self, address: int, port: int | None = None) -> Packet:
        return Packet(self.family, self.src, address, self.protocol, self.src_port,
                      self.dst_port if port is None else port, self.icmp_type, self.icmp_code, self.tcp_flags,
                      self.ttl, self.length)

    def hop(self) -> Packet:
        """One router hop: TTL / hop limit minus one."""
        return Packet(self.family, self.src, self.dst, self.protocol, self.src_port, self.dst_port, self.icmp_type,
                      self.icmp_code, self.tcp_flags, self.ttl - 1, self.length)

    def reply(self) -> Packet:
        """The answer a destination sends back: addresses and ports swapped, SYN answered by SYN-ACK."""
        protocol = self.protocol
        if protocol in PORTED:
            flags = ANSWER_FLAGS.get(self.tcp_flags, self.tcp_flags) if protocol == TCP else ""
            return Packet(self.family, self.dst, self.src, protocol, self.dst_port, self.src_port, -1, self.icmp_code,
                          flags, 64, self.length)
        icmp_type = ICMP_REPLY.get(self.icmp_type, self.icmp_type) if protocol in ICMPS else -1
        return Packet(self.family, self.dst, self.src, protocol, self.src_port, self.dst_port, icmp_type,
                      self.icmp_code, "", 64, self.length)

    def answers(self, request: Packet) -> bool:
        """This packet carries ``request``'s 5-tuple reversed: addresses swapped, ports swapped (TCP, UDP),
        the echo identifier kept (ICMP) — what the requester's stack takes as the answer to what it sent."""
        if self.family != request.family or self.protocol != request.protocol or self.src != request.dst \
                or self.dst != request.src:
            return False
        if self.protocol in ICMPS:
            return self.src_port == request.src_port
        return self.src_port == request.dst_port and self.dst_port == request.src_port

    def describe(self) -> str:
        """``10.0.1.10:49152 -> 10.0.2.20:5432 tcp`` — the way engineers write a flow."""
        if self.protocol in PORTED:
            return f"{self._host(self.source)}:{self.src_port} -> {self._host(self.destination)}:{self.dst_port} " \
                   f"{self.protocol_name}"
        if self.protocol in ICMPS:
            code = f" code {self.icmp_code}" if self.icmp_code > 0 else ""
            return f"{self.source} -> {self.destination} {self.protocol_name} type {self.icmp_type}{code}"
        return f"{self.source} -> {self.destination} proto {self.protocol}"

    def _host(self, text: str) -> str:
        return f"[{text}]" if self.family == 6 else text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"src": self.source, "dst": self.destination, "protocol": self.protocol_name}
        if self.protocol in PORTED:
            data["src_port"] = self.src_port
            data["dst_port"] = self.dst_port
        if self.protocol == TCP and self.tcp_flags:
            data["tcp_flags"] = self.tcp_flags
        if self.protocol in ICMPS:
            data["icmp_type"] = self.icmp_type
            data["icmp_code"] = rule_icmp_code(self.protocol, self.icmp_code)
        data["ttl"] = self.ttl
        return data

    def to_scapy(self) -> Any:
        """A real scapy packet (IP/IPv6 + TCP/UDP/ICMP)."""
        from scapy.layers.inet import ICMP as ScapyICMP
        from scapy.layers.inet import IP
        from scapy.layers.inet import TCP as ScapyTCP
        from scapy.layers.inet import UDP as ScapyUDP
        from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6Unknown, IPv6
        from scapy.packet import Raw

        if self.family == 4:
            ip: Any = IP(src=self.source, dst=self.destination, ttl=self.ttl, proto=self.protocol)
        else:
            ip = IPv6(src=self.source, dst=self.destination, hlim=self.ttl, nh=self.protocol)
        if self.protocol == TCP:
            return ip / ScapyTCP(sport=self.src_port, dport=self.dst_port, flags=self.tcp_flags or "S")
        if self.protocol == UDP:
            return ip / ScapyUDP(sport=self.src_port, dport=self.dst_port)
        if self.protocol == ICMP:
            code = rule_icmp_code(ICMP, self.icmp_code)
            return ip / ScapyICMP(type=max(self.icmp_type, 0), code=code, id=self.src_port)
        if self.protocol == ICMPV6:
            if self.icmp_type in (-1, 128, 129):
                layer = ICMPv6EchoReply if self.icmp_type == 129 else ICMPv6EchoRequest
                return ip / layer(id=self.src_port)
            return ip / ICMPv6Unknown(type=self.icmp_type, code=rule_icmp_code(ICMPV6, self.icmp_code))
        return ip / Raw(b"")

    @classmethod
    def from_scapy(cls, pkt: Any) -> Packet:
        from scapy.layers.inet import ICMP as ScapyICMP
        from scapy.layers.inet import IP
        from scapy.layers.inet import TCP as ScapyTCP
        from scapy.layers.inet import UDP as ScapyUDP
        from scapy.layers.inet6 import IPv6

        if pkt.haslayer(IP):
            ip = pkt[IP]
            family, ttl, proto = 4, ip.ttl, ip.proto
        elif pkt.haslayer(IPv6):
            ip = pkt[IPv6]
            family, ttl, proto = 6, ip.hlim, ip.nh
        else:
            raise ValueError("not an IP packet")
        src, dst = parse_address(ip.src)[1], parse_address(ip.dst)[1]
        if pkt.haslayer(ScapyTCP):
            t = pkt[ScapyTCP]
            return cls(family, src, dst, TCP, t.sport, t.dport, tcp_flags=str(t.flags), ttl=ttl)
        if pkt.haslayer(ScapyUDP):
            u = pkt[ScapyUDP]
            return cls(family, src, dst, UDP, u.sport, u.dport, ttl=ttl)
        if pkt.haslayer(ScapyICMP):
            i = pkt[ScapyICMP]
            return cls(family, src, dst, ICMP, i.id or 0, 0, i.type, i.code, ttl=ttl)   # id: echo-like types only
        if family == 6 and proto == 58:
            layer = ip.payload
            if not hasattr(layer, "type"):          # a type scapy has no class for: read the header's two bytes
                header = bytes(layer)
                return cls(family, src, dst, ICMPV6, 0, 0, header[0], header[1], ttl=ttl)
            return cls(family, src, dst, ICMPV6, getattr(layer, "id", 0), 0, layer.type, layer.code, ttl=ttl)
        return cls(family, src, dst, proto, ttl=ttl)
