"""IP protocol words and numbers as security groups, NACLs and queries spell them (R3.2, R4.2).

A plain module: the schema reads topologies with it and the engine reads queries with it, and a network that
comes from the load cache runs its traces without importing the schema (pydantic) at all.
"""

from __future__ import annotations

PROTOCOL_NUMBERS = {"all": -1, "-1": -1, "icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58, "icmp6": 58}
PROTOCOL_NAMES = {-1: "all", 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}
