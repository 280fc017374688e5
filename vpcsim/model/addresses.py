"""Address and CIDR text read fast: the answers of ``ipaddress``, without building ``ipaddress`` objects.

A topology holds tens of thousands of addresses and CIDR blocks, and nearly all of them are IPv4 written the
one way ``ipaddress`` writes them back (``10.0.1.10``, ``10.0.0.0/16``). Those are recognised by a regular
expression and turned into integers directly; anything else (IPv6, surrounding spaces, ``/255.255.0.0``
netmasks, host bits set, text that is no address at all) goes to ``ipaddress`` itself, so every answer is the
one ``ipaddress`` gives. CIDR text repeats a lot (security group peers, route destinations), so CIDR answers
are also remembered by text.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from vpcsim.ip import Prefix

# One octet as ipaddress accepts it: 0-255, ASCII digits, no leading zero. Text this matches is canonical.
_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_V4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_V4_CIDR = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")

_MEMO_LIMIT = 1 << 15          # distinct CIDR texts remembered: ~9,000 at L
_CIDRS: dict[str, tuple[Prefix, str]] = {}


def _v4_value(a: str, b: str, c: str, d: str) -> int:
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


def address_text(text: str) -> tuple[int, str] | None:
    """``(family, canonical text)`` of ``ipaddress.ip_address(text.strip())``; None when it is no address."""
    if _V4.fullmatch(text) is not None:
        return 4, text
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, str(address)


def read_address(text: str) -> tuple[int, int] | None:
    """``(family, value)`` of ``ipaddress.ip_address(text.strip())``; None when it is no address."""
    if _V4.fullmatch(text) is not None:
        return 4, int.from_bytes(socket.inet_aton(text), "big")      # exact for a canonical dotted quad
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, int(address)


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
        value, length = _v4_value(a, b, c, d), int(bits)
        if not value & ((1 << (32 - length)) - 1):       # no host bits: the text is already canonical
            return Prefix(4, value, length), text
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return Prefix(network.version, int(network.network_address), network.prefixlen), str(network)
