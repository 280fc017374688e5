"""Addresses as integers: parsed once at compile time, formatted only by renderers.

A prefix is ``(family, start, length)``; ``family`` is 4 or 6. Nothing past ``compile`` holds an
``ipaddress`` object (DESIGN §8).
"""

from __future__ import annotations

import ipaddress
import re
import socket
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


# Nearly every address and CIDR in a topology is IPv4 written the one way ``ipaddress`` writes it back
# (``10.0.1.10``, ``10.0.0.0/16``), and a large topology holds a hundred thousand of them: those are matched by
# one regular expression that accepts only what ``ipaddress`` accepts (octets 0-255 without leading zeros,
# lengths 0-32) and turned into integers directly. Every other spelling (IPv6, spaces, netmasks, host bits,
# nonsense) goes to ``ipaddress`` itself, so each answer is the one ``ipaddress`` gives
# (tests/unit/test_ip_text_properties.py).
_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_V4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_V4_CIDR = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")

_MEMO_LIMIT = 1 << 15          # distinct CIDR texts remembered (they repeat: SG peers, route destinations)
_CIDRS: dict[str, tuple[Prefix, str]] = {}


def parse_address(text: str) -> tuple[int, int]:
    """Parse one address into ``(family, int)``; ``ValueError`` (from ``ipaddress``) if it is none."""
    if _V4.fullmatch(text) is not None:
        return 4, int.from_bytes(socket.inet_aton(text), "big")      # exact for a canonical dotted quad
    return _parse_other_address(text)


@lru_cache(maxsize=1 << 12)
def _parse_other_address(text: str) -> tuple[int, int]:
    address = ipaddress.ip_address(text.strip())
    return address.version, int(address)


def read_address(text: str) -> tuple[int, int] | None:
    """``parse_address``, or None when ``text`` is no address."""
    try:
        return parse_address(text)
    except ValueError:
        return None


def address_text(text: str) -> tuple[int, str] | None:
    """``(family, canonical text)`` of an address, as ``ipaddress`` writes it; None when it is no address."""
    if _V4.fullmatch(text) is not None:
        return 4, text
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, str(address)


def read_cidr(text: str) -> tuple[Prefix, str] | None:
    """The prefix (host bits cleared, R1.2) and canonical text of ``ipaddress.ip_network(text.strip(),
    strict=False)``; None when ``text`` is not a CIDR block. A bare address counts, as a /32 or /128."""
    found = _CIDRS.get(text)
    if found is None:
        found = _read_cidr(text)
        if found is None:
            return None
        if len(_CIDRS) >= _MEMO_LIMIT:
            _CIDRS.clear()
        _CIDRS[text] = found
    return found


def _read_cidr(text: str) -> tuple[Prefix, str] | None:
    match = _V4_CIDR.fullmatch(text)
    if match is not None:
        a, b, c, d, bits = match.groups()
        value, length = (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d), int(bits)
        if not value & ((1 << (32 - length)) - 1):       # no host bits: the text is already canonical
            return Prefix(4, value, length), text
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return Prefix(network.version, int(network.network_address), network.prefixlen), str(network)


def parse_prefix(text: str) -> Prefix:
    """Parse a CIDR (or a bare address, as a /32 or /128), clearing host bits as AWS does (R1.2)."""
    found = read_cidr(text)
    if found is None:
        ipaddress.ip_network(text.strip(), strict=False)      # raises the ValueError that says why
        raise ValueError(f"{text!r} is not a CIDR block")
    return found[0]


def cidr_or_none(text: str) -> Prefix | None:
    """The prefix a text with a '/' names, or None: a security-group peer or a route destination that is a
    CIDR rather than a group or a prefix list."""
    found = read_cidr(text) if "/" in text else None
    return found[0] if found is not None else None


def format_address(family: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if family == 4 else ipaddress.IPv6Address(value))


def is_address(text: str) -> bool:
    return read_address(text) is not None


def is_cidr(text: str) -> bool:
    return cidr_or_none(text) is not None


RFC1918 = tuple(parse_prefix(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
RFC6598 = parse_prefix("100.64.0.0/10")
LINK_LOCAL_V4 = parse_prefix("169.254.0.0/16")
SERVICE_RANGE_V4 = parse_prefix("169.254.168.0/22")   # R1.12: IMDS, DNS, Time Sync …
SERVICE_RANGE_V6 = parse_prefix("fd00:ec2::/32")


def is_private_v4(address: int) -> bool:
    return any(p.contains(4, address) for p in RFC1918)


def is_shared_v4(address: int) -> bool:
    return RFC6598.contains(4, address)
