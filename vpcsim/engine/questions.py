"""What a question may ask beyond its ends: ports, an ICMP type and code. An impossible question — a port no
packet can carry, a port on a protocol that has none — is refused with a ``QueryError`` and a hint (exit
status 2 in the CLI), never traced: an answer to it would be advice about a packet that cannot exist."""

from __future__ import annotations

from vpcsim.errors import QueryError
from vpcsim.protocols import ECHO_REQUEST, ICMP, ICMPS, PORTED, protocol_name

PORTS = range(0, 65536)          # a TCP or UDP port: 16 bits
ICMP_FIELDS = range(0, 256)      # an ICMP type or code: 8 bits


def check(protocol: int, port: int | None, src_port: int | None, icmp_type: int | None,
          icmp_code: int | None) -> None:
    """Refuse what no packet of ``protocol`` can carry (``protocol`` as a number: ``protocols.ICMP`` …)."""
    if protocol in PORTED and icmp_type is None and icmp_code is None and (port is None or 0 <= port <= 65535) \
            and (src_port is None or 0 <= src_port <= 65535):
        return                   # the common question (tcp/443): every trace asks it, so it costs two comparisons
    name = protocol_name(protocol)
    for option, value in (("--port", port), ("--src-port", src_port)):
        if value is not None and value not in PORTS:
            raise QueryError(f"{option} {value} is not a port", "a port is a number from 0 to 65535")
    for option, value in (("--icmp-type", icmp_type), ("--icmp-code", icmp_code)):
        if value is None:
            continue
        if protocol not in ICMPS:
            raise QueryError(f"{option} applies to icmp and icmpv6, not to {name}",
                             "add --protocol icmp (or icmpv6), or leave the option out")
        if value not in ICMP_FIELDS:
            raise QueryError(f"{option} {value} is not an ICMP {option[7:]}",
                             "ICMP types and codes are numbers from 0 to 255")
    if port is None or protocol in PORTED:
        return
    if protocol in ICMPS:
        echo = ECHO_REQUEST[4 if protocol == ICMP else 6]
        instead = f"--icmp-type {port}" if port in ICMP_FIELDS else "--icmp-type N"
        raise QueryError(f"--port {port} does not apply to {name}: an ICMP message has a type and a code, "
                         "not ports",
                         f"use {instead} (and --icmp-code N) for another message; without them the question is "
                         f"an echo request (type {echo})")
    raise QueryError(f"--port {port} does not apply to protocol {name}: only tcp and udp have ports",
                     "leave --port out, or ask --protocol tcp or udp")
