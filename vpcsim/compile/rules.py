"""Security group and network ACL rules, compiled into tables a packet is matched against (§3, §4).

Rules are grouped by protocol number (``-1`` holds the all-protocol rules), so a packet only looks at the
rules that can match it. Peers are integer ranges or frozen address sets; labels are built here once,
in console words ("web ingress #1", "private ingress 100").
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = -1
ICMP = 1
TCP = 6
UDP = 17
ICMPV6 = 58
PORTED = (TCP, UDP)


@dataclass(frozen=True, slots=True)
class Peer:
    """What a rule's other side matches: address ranges (CIDRs, prefix lists) and/or SG member addresses."""

    ranges: tuple[tuple[int, int, int], ...] = ()      # (family, start, end)
    members: frozenset[tuple[int, int]] = frozenset()  # (family, address): private IPs of an SG's ENIs
    security_group: str | None = None
    cidr_everywhere: bool = False                      # 0.0.0.0/0 or ::/0 (R3.10 untracked flows)

    def matches(self, family: int, address: int, sg_references: bool = True) -> bool:
        for fam, start, end in self.ranges:
            if fam == family and start <= address <= end:
                return True
        return sg_references and (family, address) in self.members

    def is_everywhere(self, family: int) -> bool:
        """0.0.0.0/0 (family 4) or ::/0 (family 6): the peer R3.10 asks about for untracked flows."""
        return self.cidr_everywhere and any(fam == family for fam, _, _ in self.ranges)


@dataclass(frozen=True, slots=True)
class Rule:
    protocol: int
    port_low: int
    port_high: int
    icmp_type: int           # -1 = any
    icmp_code: int           # -1 = any
    peer: Peer
    label: str
    allow: bool = True
    number: int = 0
    path: tuple[str | int, ...] = ()

    def matches(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                peer_address: int, sg_references: bool = True) -> bool:
        if self.protocol != ALL and self.protocol != protocol:
            return False
        if self.protocol in PORTED:
            if not self.port_low <= port <= self.port_high:
                return False
        elif self.protocol in (ICMP, ICMPV6):
            if self.icmp_type != -1 and self.icmp_type != icmp_type:
                return False
            if self.icmp_code != -1 and self.icmp_code != icmp_code:
                return False
        return self.peer.matches(family, peer_address, sg_references)

    def opens_everything(self, protocol: int, family: int) -> bool:
        """R3.10: the rule allows all ``protocol`` traffic to/from 0.0.0.0/0 (or ::/0) on every port."""
        if self.protocol != ALL and self.protocol != protocol:
            return False
        if self.protocol in PORTED and (self.port_low, self.port_high) != (0, 65535):
            return False
        return self.peer.is_everywhere(family)


@dataclass(frozen=True, slots=True)
class SecurityGroupTable:
    """The union of the rules of every SG on an ENI, one direction (R3.1: any match allows)."""

    by_protocol: dict[int, tuple[Rule, ...]]
    count: int
    wide_open: frozenset[tuple[int, int]] = frozenset()   # (protocol, family) allowed everywhere on all ports

    def first_match(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                    peer: int, sg_references: bool = True) -> Rule | None:
        for key in (protocol, ALL):
            for rule in self.by_protocol.get(key, ()):
                if rule.matches(protocol, family, port, icmp_type, icmp_code, peer, sg_references):
                    return rule
        return None

    def opens_everything(self, protocol: int, family: int) -> bool:
        """R3.10: some rule allows all ``protocol`` traffic to/from everywhere, on all ports (compiled once)."""
        if protocol in PORTED:
            return (protocol, family) in self.wide_open
        return any(rule.opens_everything(protocol, family)
                   for key in (protocol, ALL) for rule in self.by_protocol.get(key, ()))

    def admits_from_everywhere(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                               peer: int) -> bool:
        """R3.10: a rule whose peer is 0.0.0.0/0 (or ::/0) allows this packet (not only a narrower one)."""
        return any(rule.peer.is_everywhere(family)
                   and rule.matches(protocol, family, port, icmp_type, icmp_code, peer, False)
                   for key in (protocol, ALL) for rule in self.by_protocol.get(key, ()))

    @classmethod
    def of(cls, rules: list[Rule]) -> SecurityGroupTable:
        grouped: dict[int, list[Rule]] = {}
        for rule in rules:
            grouped.setdefault(rule.protocol, []).append(rule)
        wide_open = frozenset((protocol, family) for protocol in PORTED for family in (4, 6)
                              if any(rule.opens_everything(protocol, family) for rule in rules))
        return cls({k: tuple(v) for k, v in grouped.items()}, len(rules), wide_open)


@dataclass(frozen=True, slots=True)
class NetworkAclTable:
    """One direction of a NACL for one family: numbered rules, lowest first, first match wins (R4.3)."""

    rules: tuple[Rule, ...]
    default_label: str

    def first_match(self, protocol: int, family: int, port: int, icmp_type: int, icmp_code: int,
                    peer: int) -> Rule | None:
        for rule in self.rules:
            if rule.matches(protocol, family, port, icmp_type, icmp_code, peer):
                return rule
        return None
