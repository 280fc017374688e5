"""What a trace returns: plain frozen data that renderers only read (DESIGN §4, STYLE §2.4)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import Any

from vpcsim.dns.answers import Rcode
from vpcsim.engine.frozen import quick_init
from vpcsim.engine.packet import Packet


class Direction(StrEnum):
    """Which way a packet of a conversation goes: the request (forward) or the reply (return)."""

    FORWARD = "forward"
    RETURN = "return"


class Side(StrEnum):
    """Which side of an ENI or a subnet's NACL a decision is taken on."""

    INGRESS = "ingress"
    EGRESS = "egress"


class Disposition(StrEnum):
    """How a conversation ended (docs/semantics.md defines each in one row)."""

    ACCEPTED = "ACCEPTED"
    EXITS_NETWORK = "EXITS_NETWORK"
    DENIED = "DENIED"
    NO_ROUTE = "NO_ROUTE"
    BLACKHOLE = "BLACKHOLE"
    LOOP = "LOOP"
    REPLY_DENIED = "REPLY_DENIED"
    REPLY_MISMATCH = "REPLY_MISMATCH"     # the reply reached the requester rewritten (docs/semantics.md)
    NAME_NOT_RESOLVED = "NAME_NOT_RESOLVED"   # --to was a DNS name the source's Resolver did not answer

    @property
    def reachable(self) -> bool:
        return self in (Disposition.ACCEPTED, Disposition.EXITS_NETWORK)


class Decision(StrEnum):
    """What one component did with the packet."""

    SEND = "SEND"
    SOURCE_DEST_CHECK_PASS = "SOURCE_DEST_CHECK_PASS"
    SECURITY_GROUP_EGRESS_ALLOW = "SECURITY_GROUP_EGRESS_ALLOW"
    SECURITY_GROUP_INGRESS_ALLOW = "SECURITY_GROUP_INGRESS_ALLOW"
    SECURITY_GROUP_ESTABLISHED = "SECURITY_GROUP_ESTABLISHED"
    NETWORK_ACL_ALLOW = "NETWORK_ACL_ALLOW"
    SAME_SUBNET = "SAME_SUBNET"
    ROUTE = "ROUTE"
    TRANSLATE = "TRANSLATE"
    FORWARD = "FORWARD"
    DELIVER = "DELIVER"
    EXIT = "EXIT"
    SECURITY_GROUP_DENY = "SECURITY_GROUP_DENY"
    NETWORK_ACL_DENY = "NETWORK_ACL_DENY"
    POLICY_DENY = "POLICY_DENY"
    NO_ROUTE = "NO_ROUTE"
    BLACKHOLE = "BLACKHOLE"
    DROP = "DROP"
    LOOP = "LOOP"


class ComponentKind(StrEnum):
    ENI = "eni"
    NETWORK_ACL = "network_acl"
    ROUTE_TABLE = "route_table"
    INTERNET_GATEWAY = "internet_gateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "egress_only_internet_gateway"
    NAT_GATEWAY = "nat_gateway"
    PEERING = "peering"
    TRANSIT_GATEWAY = "transit_gateway"
    TRANSIT_GATEWAY_ROUTE_TABLE = "transit_gateway_route_table"
    VPN_GATEWAY = "vpn_gateway"
    GATEWAY_ENDPOINT = "gateway_endpoint"
    GWLB_ENDPOINT = "gwlb_endpoint"
    INTERNET = "internet"
    EXTERNAL_SITE = "external_site"
    AWS_SERVICE = "aws_service"
    LINK_LOCAL_SERVICE = "link_local_service"


ENDS_IN: dict[Decision, Disposition] = {
    Decision.SECURITY_GROUP_DENY: Disposition.DENIED,
    Decision.NETWORK_ACL_DENY: Disposition.DENIED,
    Decision.POLICY_DENY: Disposition.DENIED,
    Decision.NO_ROUTE: Disposition.NO_ROUTE,
    Decision.BLACKHOLE: Disposition.BLACKHOLE,
    Decision.DROP: Disposition.NO_ROUTE,
    Decision.LOOP: Disposition.LOOP,
}
"""Which decisions end a packet's walk, and as what (a policy drop with code VPCE_POLICY_DENY is DENIED)."""

_DROPPING = frozenset(ENDS_IN)
_decision = attrgetter("decision")

DENIED_CODES = frozenset({"ENI_SG_RULES_MISMATCH", "SG_HAS_NO_RULES", "SUBNET_ACL_RESTRICTION",
                          "VPCE_POLICY_DENY", "FIREWALL_RULES_RESTRICTION"})


@quick_init
@dataclass(frozen=True, slots=True)
class Hop:
    """One decision at one component, with the packet as it is there (after any translation)."""

    component: str
    kind: ComponentKind
    decision: Decision
    packet: Packet
    rule: str | None = None
    code: str | None = None
    message: str | None = None
    direction: Side | None = None         # at ENIs and NACLs
    interface: str | None = None          # NACL hops: the ENI whose flow log records this decision (R12.4)
    origin: tuple[str | int, ...] | None = None   # model path of the deciding rule (SG/NACL rule, route), if any

    @property
    def is_drop(self) -> bool:
        return self.decision in ENDS_IN

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"component": self.component, "kind": self.kind.value,
                                "decision": self.decision.value}
        if self.direction:
            data["direction"] = self.direction
        if self.rule:
            data["rule"] = self.rule
        if self.code:
            data["code"] = self.code
        if self.message:
            data["message"] = self.message
        data["packet"] = self.packet.to_dict()
        return data


@quick_init
@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a packet was dropped, in Reachability Analyzer's words, and what to change."""

    code: str
    component: str
    direction: str                       # a Side where the component has sides, else ''
    message: str
    fix: str | None = None
    path: Direction = Direction.FORWARD  # the request's path or the reply's

    def to_dict(self) -> dict[str, Any]:
        data = {"code": self.code, "component": self.component, "direction": self.direction,
                "path": self.path, "message": self.message}
        if self.fix:
            data["fix"] = self.fix
        return data


@quick_init
@dataclass(frozen=True, slots=True)
class Query:
    src: str
    dst: str
    protocol: str
    port: int | None
    src_port: int | None = None
    icmp_type: int | None = None          # ICMP: the message asked, when not the default echo request
    icmp_code: int | None = None

    @property
    def flow(self) -> str:
        """What was asked, as the verdict lines write it: ``tcp/443``, ``icmp``, ``icmp type 3 code 4``."""
        if self.port is not None and self.protocol in ("tcp", "udp"):
            return f"{self.protocol}/{self.port}"
        icmp = (f" type {self.icmp_type}" if self.icmp_type is not None else "") + \
            (f" code {self.icmp_code}" if self.icmp_code is not None else "")
        return f"{self.protocol}{icmp}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.src, "to": self.dst, "protocol": self.protocol}
        if self.port is not None:
            data["port"] = self.port
        if self.src_port is not None:
            data["src_port"] = self.src_port
        if self.icmp_type is not None:
            data["icmp_type"] = self.icmp_type
        if self.icmp_code is not None:
            data["icmp_code"] = self.icmp_code
        return data


@quick_init
@dataclass(frozen=True, slots=True)
class DnsRecord:
    name: str
    type: str
    value: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "value": self.value, "source": self.source}


@quick_init
@dataclass(frozen=True, slots=True)
class DnsExchange:
    """The lookup that preceded the data packets when the destination was a DNS name (R11.1, R11.8)."""

    name: str
    server: str                          # the address the query went to (VPC base+2)
    rcode: Rcode
    records: tuple[DnsRecord, ...]
    query: tuple[Hop, ...]
    response: tuple[Hop, ...]
    reason: str = ""
    query_packet: Packet | None = None

    @property
    def address(self) -> str | None:
        return next((r.value for r in self.records if r.type in ("A", "AAAA")), None)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "server": self.server, "rcode": self.rcode,
                                "answers": [r.to_dict() for r in self.records],
                                "query": [h.to_dict() for h in self.query],
                                "response": [h.to_dict() for h in self.response]}
        if self.reason:
            data["reason"] = self.reason
        return data


@quick_init
@dataclass(frozen=True, slots=True)
class Trace:
    """A conversation: the request's hops, the reply's hops, how it ended and why.

    Plain data: it knows no network and never changes. What needs the network as well — the flow log records
    every ENI on the path would write — is worked out downstream from both (``vpcsim.api.NetworkTrace``)."""

    query: Query
    disposition: Disposition
    forward: tuple[Hop, ...]
    reply: tuple[Hop, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    sent: Packet | None = None            # the request as the source sent it
    answered: Packet | None = None        # the reply as the destination sent it
    dns: DnsExchange | None = None        # when --to was a name: the lookup that came first
    groups: tuple[AtomGroup, ...] = ()    # an end that is a set: every outcome and its addresses (this trace
                                          # is the first group's representative)

    def __post_init__(self) -> None:
        for hops in (self.forward, self.reply):
            if not _DROPPING.isdisjoint(map(_decision, hops[:-1])):     # checked in C: every trace pays it
                hop = next(h for h in hops[:-1] if h.is_drop)
                raise ValueError(f"a dropping hop ({hop.component}) must be the last of its path")

    @property
    def reachable(self) -> bool:
        return self.disposition.reachable

    @property
    def drop(self) -> Hop | None:
        for hops in (self.forward, self.reply):
            if hops and hops[-1].is_drop:
                return hops[-1]
        return None

    def to_dict(self, flow_logs: Sequence[str] = ()) -> dict[str, Any]:
        """The trace as DESIGN §4's JSON object. ``flow_logs``: the records' lines, worked out downstream from
        the trace and its network (``vpcsim.flowlogs``); a trace alone has none to give."""
        return {
            "query": self.query.to_dict(),
            "packet": self.sent.to_dict() if self.sent is not None else None,
            "reachable": self.reachable,
            "disposition": self.disposition.value,
            "forward": [h.to_dict() for h in self.forward],
            "return": [h.to_dict() for h in self.reply],
            "explanations": [e.to_dict() for e in self.explanations],
            "flow_logs": list(flow_logs),
            **({"dns": self.dns.to_dict()} if self.dns is not None else {}),
            **({"reachable_for": self.reachable_for, "groups": [g.to_dict() for g in self.groups]}
               if self.groups else {}),
        }

    @property
    def reachable_for(self) -> str:
        """For a set end: ``all``, ``some`` or ``none`` of its addresses reach; a single conversation's is
        ``all`` or ``none``."""
        if not self.groups:
            return "all" if self.reachable else "none"
        reached = [g.trace.reachable for g in self.groups]
        return "all" if all(reached) else "some" if any(reached) else "none"

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


@dataclass(frozen=True, slots=True)
class AtomGroup:
    """The address atoms of a set end (``engine.address_sets``) whose conversations share one outcome, with
    the conversation of the first as the representative (its packets carry that atom's first address)."""

    cidrs: tuple[str, ...]               # the fewest CIDRs covering exactly the group's addresses
    addresses: int                       # how many addresses
    trace: Trace
    side: str = "from"                   # which end of the question is the set: "from" or "to"

    @property
    def reachable(self) -> bool:
        return self.trace.reachable

    def to_dict(self) -> dict[str, Any]:
        drop = self.trace.explanations[0] if self.trace.explanations else None
        return {"reachable": self.trace.reachable, "disposition": self.trace.disposition.value,
                "cidrs": list(self.cidrs), "addresses": self.addresses,
                "packet": self.trace.sent.to_dict() if self.trace.sent is not None else None,
                "explanation": drop.to_dict() if drop is not None else None}
