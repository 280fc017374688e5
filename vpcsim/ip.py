"""Addresses as integers: parsed once at compile time, formatted only by renderers.

A prefix is ``(family, start, length)``; ``family`` is 4 or 6. Nothing past ``compile`` holds an
``ipaddress`` object (DESIGN §8).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import NamedTuple

V4_BITS = 32
V6_BITS = 128


class Prefix(NamedTuple):
    family: int
    start: int
    length: int

    @property
    def bits(self) -> int:
        return V4_BITS if self.family == 4 else V6_BITS

    @property
    def end(self) -> int:
        return self.start + (1 << (self.bits - self.length)) - 1

    @property
    def size(self) -> int:
        return 1 << (self.bits - self.length)

    def contains(self, family: int, address: int) -> bool:
        return family == self.family and self.start <= address <= self.end

    def covers(self, other: Prefix) -> bool:
        return other.family == self.family and self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Prefix) -> bool:
        return other.family == self.family and self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        return f"{format_address(self.family, self.start)}/{self.length}"


@lru_cache(maxsize=1 << 16)
def parse_prefix(text: str) -> Prefix:
    """Parse a CIDR, clearing host bits as AWS does (R1.2)."""
    net = ipaddress.ip_network(text.strip(), strict=False)
    return Prefix(net.version, int(net.network_address), net.prefixlen)


@lru_cache(maxsize=1 << 16)
def parse_address(text: str) -> tuple[int, int]:
    """Parse one address into ``(family, int)``."""
    addr = ipaddress.ip_address(text.strip())
    return addr.version, int(addr)


def format_address(family: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if family == 4 else ipaddress.IPv6Address(value))


def is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


def is_cidr(text: str) -> bool:
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False
    return True


RFC1918 = tuple(parse_prefix(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
RFC6598 = parse_prefix("100.64.0.0/10")
LINK_LOCAL_V4 = parse_prefix("169.254.0.0/16")
SERVICE_RANGE_V4 = parse_prefix("169.254.168.0/22")   # R1.12: IMDS, DNS, Time Sync …
SERVICE_RANGE_V6 = parse_prefix("fd00:ec2::/32")


def is_private_v4(address: int) -> bool:
    return any(p.contains(4, address) for p in RFC1918)


def is_shared_v4(address: int) -> bool:
    return RFC6598.contains(4, address)
