"""Address and CIDR texts from the topology, parsed with integer arithmetic when they are plain IPv4.

A security-group peer or a route destination is a CIDR, a security group or a prefix list; telling them
apart used to cost an ``ipaddress`` parse per rule (~15 µs), thousands of times per topology, and every ENI
address is parsed too (100k at L, more than ``vpcsim.ip``'s cache holds). Plain ``a.b.c.d`` and
``a.b.c.d/n`` are matched by one regular expression that only accepts what ``ipaddress`` accepts (octets
0-255 without leading zeros, lengths 0-32); every other spelling (IPv6, netmask forms, leading zeros, stray
spaces, nonsense) goes to ``vpcsim.ip``, so the answer is the same for every text
(tests/unit/test_cidrs_properties.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from vpcsim.ip import Prefix, is_cidr, parse_address, parse_prefix

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_V4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_V4_CIDR = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")


def address_of(text: str) -> tuple[int, int]:
    """``(family, address)`` of an address text: the same as ``vpcsim.ip.parse_address``."""
    match = _V4.fullmatch(text)
    if match is None:
        return parse_address(text)
    a, b, c, d = match.groups()
    return 4, (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


@lru_cache(maxsize=1 << 16)
def cidr_or_none(text: str) -> Prefix | None:
    """The prefix ``text`` names, host bits cleared (R1.2), or None when ``text`` is not a CIDR.

    The same as ``parse_prefix(text) if is_cidr(text) else None``."""
    match = _V4_CIDR.fullmatch(text)
    if match is None:
        return parse_prefix(text) if is_cidr(text) else None
    a, b, c, d, length = match.groups()
    bits = int(length)
    address = (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
    return Prefix(4, address & (((1 << bits) - 1) << (32 - bits)), bits)
