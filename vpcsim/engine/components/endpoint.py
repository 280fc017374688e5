"""Gateway endpoints (R10.1-R10.3, policies R10.7-R10.9) and Gateway Load Balancer endpoints (R10.14).

A gateway endpoint accepts TCP and ICMP echo only and hands the packet to the AWS service if the
endpoint policy allows it. A GWLB endpoint is a transparent, symmetric bump in the wire [E]: the
appliance fleet returns the packet, which the endpoint's subnet route table then routes on.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from vpcsim.compile.components import Endpoint, Vpc
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import EXITED, RETURN_PATH, VIA_ENDPOINT, VIA_PEERING, VIA_TGW, VIA_VGW, Arrival, At, End
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State
from vpcsim.ip import parse_address, parse_prefix
from vpcsim.protocols import ICMP, TCP

KIND = ComponentKind.GATEWAY_ENDPOINT


# -- endpoint policies (R10.7-R10.9) ----------------------------------------------------------------
#
# A trace stands for "some request, by an IAM role or user of the VPC's account, through this endpoint".
# The path is open when some such request could be allowed [E, docs/semantics.md]: an Allow statement that
# could match it exists, and no Deny statement matches every such request. What a packet cannot tell
# (the action, the bucket, condition keys other than those below) is assumed to match for an Allow and
# not to match for a Deny.

Verdict = bool | None      # True / False / None = a packet cannot tell

NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
           "NotIpAddress")


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, str | dict) else list(value)


def _principal_verdict(principal: Any, account: str) -> Verdict:
    """True: every principal; None: some roles or users of ``account``; False: none of them (R10.8: a bare
    account id or ``…:root`` names the account's root user only, not its roles)."""
    values = _listed(principal.get("AWS")) if isinstance(principal, dict) else _listed(principal)
    if "*" in values:
        return True
    prefixes = (f"arn:aws:iam::{account}:role/", f"arn:aws:iam::{account}:user/",
                f"arn:aws:sts::{account}:assumed-role/")
    return None if any(isinstance(v, str) and v.startswith(prefixes) for v in values) else False


def _action_verdict(statement: dict[str, Any], service: str) -> Verdict:
    """True: every action of the service; None: some of them; False: none."""
    if "NotAction" in statement:
        excluded = [str(a).lower() for a in _listed(statement["NotAction"])]
        return False if "*" in excluded or f"{service}:*" in excluded else None
    actions = [str(a).lower() for a in _listed(statement.get("Action", "*"))]
    if "*" in actions or f"{service}:*" in actions:
        return True
    return None if any(fnmatchcase(service, a.split(":", 1)[0]) for a in actions) else False


def _condition_verdict(operator: str, key: str, wanted: Any, known: dict[str, str]) -> Verdict:
    """One condition. Known keys: aws:SourceVpc, aws:SourceVpce, aws:PrincipalAccount, aws:VpcSourceIp;
    aws:SourceIp is absent from requests through an endpoint (R10.5): an absent key fails a condition,
    except with a negated operator, ``…IfExists`` or ``Null: true`` (IAM condition rules)."""
    base = operator.removesuffix("IfExists")
    values = [str(v) for v in _listed(wanted)]
    key = key.lower()
    if key == "aws:sourceip":
        if base == "Null":
            return any(v.lower() == "true" for v in values)
        return base in NEGATED or operator.endswith("IfExists")
    actual = known.get(key)
    if actual is None:
        return None
    if base in ("IpAddress", "NotIpAddress"):
        family, address = parse_address(actual)
        inside = any(_cidr_contains(v, family, address) for v in values)
        return inside if base == "IpAddress" else not inside
    if base in ("StringEquals", "ArnEquals", "StringNotEquals", "ArnNotEquals"):
        matched = actual in values
    elif base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        matched = actual.lower() in (v.lower() for v in values)
    elif base in ("StringLike", "ArnLike", "StringNotLike", "ArnNotLike"):
        matched = any(fnmatchcase(actual, v) for v in values)
    else:
        return None
    return not matched if base in NEGATED else matched


def _cidr_contains(text: str, family: int, address: int) -> bool:
    try:
        return parse_prefix(text).contains(family, address)
    except ValueError:
        return False


def _statement_verdict(statement: dict[str, Any], service: str, known: dict[str, str]) -> Verdict:
    """Does the statement match every request of the trace (True), some (None) or none (False)?"""
    verdicts: list[Verdict] = [
        _principal_verdict(statement.get("Principal", "*"), known["aws:principalaccount"]),
        _action_verdict(statement, service),
    ]
    resources = _listed(statement.get("Resource", "*"))
    verdicts.append(True if "*" in resources and "NotResource" not in statement else None)
    for operator, conditions in (statement.get("Condition") or {}).items():
        for key, wanted in (conditions or {}).items():
            verdicts.append(_condition_verdict(operator, key, wanted, known))
    if False in verdicts:
        return False
    return True if all(v is True for v in verdicts) else None


def policy_allows(endpoint: Endpoint, vpc: Vpc, packet: Packet) -> tuple[bool, str]:
    """R10.7/R10.9: an explicit Deny that matches every request wins; otherwise an Allow that could match
    is needed (no policy = the default full-access policy). Returns (allowed, why)."""
    if endpoint.policy is None:
        return True, "default policy: full access"
    statements = endpoint.policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    known = {"aws:sourcevpc": vpc.id, "aws:sourcevpce": endpoint.id, "aws:principalaccount": vpc.account,
             "aws:vpcsourceip": packet.source}
    service = endpoint.service.rsplit(".", 1)[-1].lower()
    allowing: str | None = None
    for i, statement in enumerate(statements):
        if not isinstance(statement, dict):
            continue
        label = str(statement.get("Sid") or f"statement #{i + 1}")
        verdict = _statement_verdict(statement, service, known)
        if statement.get("Effect") == "Deny" and verdict is True:
            return False, f"endpoint policy statement {label} denies every request from {vpc.name} through it"
        if statement.get("Effect") == "Allow" and verdict is not False and allowing is None:
            allowing = label
    if allowing is None:
        return False, f"no statement of the endpoint policy allows requests from {vpc.name} (implicit deny)"
    return True, f"endpoint policy statement {allowing} allows it"


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """Gateway endpoint, out: TCP and ICMP echo only (R10.3), own VPC only (R10.2), policy (R10.7-R10.9)."""
    endpoint = net.endpoints[arrival.name]
    packet, context = arrival.packet, arrival.context
    if not (packet.protocol == TCP or (packet.protocol == ICMP and packet.icmp_type == 8)):
        return drop(hops, endpoint.name, KIND, Decision.DROP, packet, "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
                    f"gateway endpoint {endpoint.name} accepts only TCP and ICMP echo (R10.3)")
    if context.entered_via in (VIA_PEERING, VIA_VGW, VIA_TGW):
        return drop(hops, endpoint.name, KIND, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"gateway endpoint {endpoint.name} serves only its own VPC, not traffic from a "
                    f"{context.entered_via} (R10.2)")
    allowed, why = policy_allows(endpoint, net.vpcs[endpoint.vpc], packet)
    if not allowed:
        return drop(hops, endpoint.name, KIND, Decision.POLICY_DENY, packet, "VPCE_POLICY_DENY",
                    f"{why} (R10.7, R10.9)", rule=f"{endpoint.name} endpoint policy")
    hops.append(Hop(endpoint.name, KIND, Decision.FORWARD, packet, rule=why))
    hops.append(Hop(endpoint.service, ComponentKind.AWS_SERVICE, Decision.EXIT, packet,
                    message=f"reached {endpoint.service} through gateway endpoint {endpoint.name}"))
    reply_from = Arrival(At.ENDPOINT_IN, endpoint.name, packet.reply(),
                         context.but(direction=RETURN_PATH, subnet="", entered_via=VIA_ENDPOINT,
                                     sg_references=False))
    return End(EXITED, packet, reply_from=reply_from)


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """Gateway endpoint, in: the service's answer, delivered in the endpoint's VPC (R10.1)."""
    endpoint = net.endpoints[arrival.name]
    packet, context = arrival.packet, arrival.context
    hops.append(Hop(endpoint.name, KIND, Decision.FORWARD, packet, rule=f"answer from {endpoint.service}"))
    return deliver_in_vpc(net, endpoint.vpc, packet, context.but(vpc=endpoint.vpc), endpoint.name, KIND, hops)


def handle_gwlb(net: CompiledNetwork, state: State, arrival: Arrival, hops: list[Hop]) -> Arrival | End:
    """GWLB endpoint: a transparent bump in the wire, back to its subnet's route table (R10.14 [E])."""
    endpoint = net.endpoints[arrival.name]
    eni = net.enis[endpoint.enis[0]]
    subnet = net.subnets[eni.subnet]
    hops.append(Hop(endpoint.name, ComponentKind.GWLB_ENDPOINT, Decision.FORWARD, arrival.packet,
                    rule="inspected by the Gateway Load Balancer fleet and returned (R10.14, vpcsim model)",
                    message="PATH_THROUGH_GWLB_NOT_CHECKED"))
    return Arrival(At.ROUTE_TABLE, subnet.route_table, arrival.packet,
                   arrival.context.but(subnet=subnet.name, vpc=eni.vpc))
