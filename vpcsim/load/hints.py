"""Why an address or a CIDR block does not parse, said the way a network engineer would fix it."""

from __future__ import annotations

import ipaddress
from typing import Any

CIDR_EXAMPLE = "write an address and a prefix length, e.g. 10.0.0.0/16"


def is_network(value: Any) -> bool:
    """True when ``value`` reads as a CIDR block (a bare address counts: it is a /32 or /128)."""
    try:
        ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return False
    return True


def cidr_hint(value: Any) -> str:
    """The way out for a CIDR block that does not parse (or lacks its prefix length)."""
    text = str(value).strip()
    address, sep, length = text.partition("/")
    if not sep and address_hint(address) is None:
        return f"a single address is a /32 (IPv4) or /128 (IPv6) block: write {address}/" \
               f"{128 if ':' in address else 32}"
    if sep and not length.isdigit():
        return "the prefix length after '/' is a number, e.g. /16"
    if sep and int(length) > (limit := 128 if ":" in address else 32):
        return f"an IPv{6 if limit == 128 else 4} prefix length is at most /{limit}"
    return address_hint(address) or CIDR_EXAMPLE


def address_hint(value: Any) -> str | None:
    """The way out for an address that does not parse; None when it is a valid address."""
    text = str(value).strip()
    try:
        ipaddress.ip_address(text)
    except ValueError:
        parts = text.split(".")
        if len(parts) == 4 and all(p.isdigit() for p in parts):
            return "each of the four numbers of an IPv4 address is 0 to 255"
        if "/" in text:
            return "write a single address such as 10.0.1.10 (no prefix length)"
        return "write an address such as 10.0.1.10 or 2600:1f18::10"
    return None
