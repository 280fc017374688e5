"""Gateway endpoints (R10.1–R10.3, policies R10.7–R10.9) and Gateway Load Balancer endpoints (R10.14).

A gateway endpoint accepts TCP and ICMP echo only and hands the packet to the AWS service if the
endpoint policy allows it. A GWLB endpoint is a transparent, symmetric bump in the wire [E]: the
appliance fleet returns the packet, which the endpoint's subnet route table then routes on.
"""

from __future__ import annotations

from typing import Any

from vpcsim.compile.components import Endpoint
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.events import Arrival, At, End, Step
from vpcsim.engine.forwarding import deliver_in_vpc, drop
from vpcsim.engine.packet import ICMP, TCP
from vpcsim.engine.results import ComponentKind, Decision, Hop
from vpcsim.engine.state import State

KIND = ComponentKind.GATEWAY_ENDPOINT


def policy_allows(endpoint: Endpoint, vpc_id: str) -> tuple[bool, str]:
    """R10.7/R10.9 for network traffic: explicit Deny wins, else an Allow is needed (default policy allows).

    Only what a packet can tell is evaluated: principal ``*``, actions on the endpoint's service, and the
    conditions ``aws:SourceVpc`` / ``aws:SourceVpce`` (StringEquals / StringNotEquals).
    """
    if endpoint.policy is None:
        return True, "default policy: full access"
    statements = endpoint.policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    service = endpoint.service.rsplit(".", 1)[-1]
    allowed = False
    for i, statement in enumerate(statements):
        if not isinstance(statement, dict) or not _applies(statement, service, endpoint, vpc_id):
            continue
        label = statement.get("Sid") or f"statement #{i + 1}"
        if statement.get("Effect") == "Deny":
            return False, f"endpoint policy {label} denies it"
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed, "endpoint policy allows it" if allowed else "no statement of the endpoint policy allows it"


def _applies(statement: dict[str, Any], service: str, endpoint: Endpoint, vpc_id: str) -> bool:
    principal = statement.get("Principal", "*")
    if principal not in ("*", {"AWS": "*"}):
        return False
    actions = statement.get("Action", "*")
    actions = [actions] if isinstance(actions, str) else list(actions)
    if not any(a == "*" or a.lower().startswith(f"{service}:") for a in actions):
        return False
    for operator, conditions in (statement.get("Condition") or {}).items():
        for key, wanted in conditions.items():
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            actual = {"aws:sourcevpc": vpc_id, "aws:sourcevpce": endpoint.id}.get(key.lower())
            if actual is None:
                continue
            matched = actual in values
            if (operator == "StringEquals" and not matched) or (operator == "StringNotEquals" and matched):
                return False
    return True


def handle_out(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    endpoint = net.endpoints[arrival.name]
    packet, context = arrival.packet, arrival.context
    if not (packet.protocol == TCP or (packet.protocol == ICMP and packet.icmp_type == 8)):
        return drop(endpoint.name, KIND, Decision.DROP, packet, "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
                    f"gateway endpoint {endpoint.name} accepts only TCP and ICMP echo (R10.3)")
    if context.entered_via in ("peering", "vgw", "tgw"):
        return drop(endpoint.name, KIND, Decision.DROP, packet, "NO_POSSIBLE_DESTINATION",
                    f"gateway endpoint {endpoint.name} serves only its own VPC, not traffic from a "
                    f"{context.entered_via} (R10.2)")
    allowed, why = policy_allows(endpoint, net.vpcs[endpoint.vpc].id)
    if not allowed:
        return drop(endpoint.name, KIND, Decision.POLICY_DENY, packet, "VPCE_POLICY_DENY",
                    f"{why} (R10.7)", rule="endpoint policy")
    hop = Hop(endpoint.name, KIND, Decision.FORWARD, packet, rule=why)
    exit_hop = Hop(endpoint.service, ComponentKind.AWS_SERVICE, Decision.EXIT, packet,
                   message=f"reached {endpoint.service} through gateway endpoint {endpoint.name}")
    reply_from = Arrival(At.ENDPOINT_IN, endpoint.name, packet.reply(),
                         context.but(direction="return", subnet="", entered_via="endpoint", sg_references=False))
    return Step((hop, exit_hop), end=End("exited", packet, reply_from=reply_from))


def handle_in(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    endpoint = net.endpoints[arrival.name]
    packet, context = arrival.packet, arrival.context
    hop = Hop(endpoint.name, KIND, Decision.FORWARD, packet, rule=f"answer from {endpoint.service}")
    following = deliver_in_vpc(net, endpoint.vpc, packet, context.but(vpc=endpoint.vpc), endpoint.name, KIND)
    if isinstance(following, Step):
        return Step((hop, *following.hops), end=following.end)
    return Step((hop,), next=following)


def handle_gwlb(net: CompiledNetwork, state: State, arrival: Arrival) -> Step:
    endpoint = net.endpoints[arrival.name]
    eni = net.enis[endpoint.enis[0]]
    subnet = net.subnets[eni.subnet]
    hop = Hop(endpoint.name, ComponentKind.GWLB_ENDPOINT, Decision.FORWARD, arrival.packet,
              rule="inspected by the Gateway Load Balancer fleet and returned (R10.14, vpcsim model)",
              message="PATH_THROUGH_GWLB_NOT_CHECKED")
    return Step((hop,), next=Arrival(At.ROUTE_TABLE, subnet.route_table, arrival.packet,
                                     arrival.context.but(subnet=subnet.name, vpc=eni.vpc)))
