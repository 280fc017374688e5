"""IP protocols as security groups, NACLs and queries spell them (R3.2, R4.2): the one home of the vocabulary.

A plain module below every stage: the schema reads topologies with it, the compiler builds rule tables with it,
the engine reads queries and matches packets with it, analyses and the explorer name flows with it — and a
network that comes from the load cache runs its traces without importing the schema (pydantic) at all.
"""

from __future__ import annotations

ALL = -1                         # a rule's "all protocols" (-1 in the EC2 API); never a packet's protocol
ICMP = 1
TCP = 6
UDP = 17
ICMPV6 = 58

PORTED = (TCP, UDP)              # rules of these protocols have a port range, packets ports
ICMPS = (ICMP, ICMPV6)           # and of these an ICMP type and code (-1: any)

PROTOCOL_NUMBERS = {"all": ALL, "-1": ALL, "icmp": ICMP, "tcp": TCP, "udp": UDP, "icmpv6": ICMPV6, "icmp6": ICMPV6}
PROTOCOL_NAMES = {ALL: "all", ICMP: "icmp", TCP: "tcp", UDP: "udp", ICMPV6: "icmpv6"}
QUERY_PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6")              # the words a question takes
RULE_PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6", "all")        # the words a rule takes

ECHO_REQUEST = {4: 8, 6: 128}    # ICMP / ICMPv6 echo request type, by IP family
ECHO_REPLY = {8: 0, 128: 129}    # echo request type -> echo reply type
ICMP_REPLY = {**ECHO_REPLY, 13: 14, 15: 16, 17: 18}   # and the other ICMP queries: timestamp, information, mask


def protocol_name(number: int) -> str:
    """``6`` -> ``tcp``; a number without a word stays a number (``47``)."""
    return PROTOCOL_NAMES.get(number, str(number))


def protocol_number(text: str | int) -> int:
    """``tcp`` -> 6, ``icmp6`` -> 58, ``all``/``-1`` -> ``ALL``, ``47`` -> 47. Raises ``ValueError`` for
    anything else, so each reader words its own error (a query's, a rule's, an intent's)."""
    value = str(text).strip().lower()
    if value in PROTOCOL_NUMBERS:
        return PROTOCOL_NUMBERS[value]
    if value.isdigit() and 0 <= int(value) <= 255:
        return int(value)
    raise ValueError(f"{text!r} is not a protocol")


def protocol_word(text: str | int) -> str:
    """How topologies write a protocol: ``6``, ``TCP`` -> ``tcp``; ``-1`` -> ``all``; a number without a word
    stays the number as written (``47``). Raises ``ValueError`` like ``protocol_number``."""
    number = protocol_number(text)
    return PROTOCOL_NAMES[number] if number in PROTOCOL_NAMES else str(text).strip().lower()


def rule_icmp_code(protocol: int, code: int) -> int:
    """The ICMP code a rule compares with a packet's: a packet of ICMP or ICMPv6 that leaves its code out (-1)
    carries code 0 on the wire (an echo request has no other), so it reads as 0; other protocols' -1 stays,
    as no rule of theirs looks at it."""
    return code if code >= 0 or protocol not in ICMPS else 0
