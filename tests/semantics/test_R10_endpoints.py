"""aws-semantics §10: VPC endpoints — gateway endpoints, endpoint policies, interface endpoints and
Gateway Load Balancer endpoints (R10.1-R10.14, R2.10, the endpoint part of trap 13).

Not simulated here: DNS (R10.2's DNS attributes, R10.13 private DNS) and IPv6 endpoints (R10.6).
"""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, drop_of, hop_at, load

import vpcsim
from vpcsim import Disposition, TopologyError

S3 = "com.amazonaws.us-east-1.s3"




# -- R10.1 / R2.10 gateway endpoint routes ------------------------------------------------------------


def test_R10_1_gateway_endpoint_adds_a_route_from_the_service_prefix_list() -> None:
    net = load("R10_1_gateway_endpoint_route")
    trace = net.trace("app-1", "s3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "endpoint-rt", "s3-gw", S3]
    # The route comes from the AWS-managed list pl-63a5400a (first entry 3.5.0.0/19), target the endpoint.
    assert trace.forward[2].rule == f"{S3} (3.5.0.0/19) -> s3-gw"
    assert trace.forward[3].rule == "default policy: full access"
    assert components(trace.reply) == ["s3-gw", "vpc-default-acl", "eni-app-1"]


def test_R10_1_subnets_whose_table_is_not_associated_do_not_use_the_endpoint() -> None:
    net = load("R10_1_gateway_endpoint_route")
    trace = net.trace("app-2", "s3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-app-2", "vpc-default-acl", "plain-rt"]
    assert drop_of(trace).code == "NO_ROUTE_TO_DESTINATION"


def test_R2_10_more_specific_or_identical_static_routes_beat_the_endpoint_route() -> None:
    net = load("R10_1_gateway_endpoint_route")
    # 52.216.1.1: inside the list's 52.216.0.0/15, but 52.216.0.0/16 -> nat-a is more specific.
    specific = net.trace("app-1", "52.216.1.1", protocol="tcp", port=443)
    assert specific.forward[2].rule == "52.216.0.0/16 -> nat-a"
    assert "nat-a" in components(specific.forward) and "s3-gw" not in components(specific.forward)
    # 52.217.1.1: only the endpoint route covers it.
    rest = net.trace("app-1", "52.217.1.1", protocol="tcp", port=443)
    assert rest.forward[2].rule == f"{S3} (52.216.0.0/15) -> s3-gw"
    assert components(rest.forward)[-2:] == ["s3-gw", S3]
    # 54.231.1.1: 54.231.0.0/16 is both a list entry and a static route; the static route wins.
    identical = net.trace("app-1", "54.231.1.1", protocol="tcp", port=443)
    assert identical.forward[2].rule == "54.231.0.0/16 -> nat-a"
    assert identical.disposition is Disposition.EXITS_NETWORK
    assert identical.forward[-1].component == "internet"


# -- R10.2 / trap 13 only from the endpoint's own VPC ------------------------------------------------


def test_R10_2_gateway_endpoint_is_not_reachable_over_a_peering() -> None:
    net = load("R10_2_gateway_endpoint_not_from_other_vpcs")
    trace = net.trace("peer-1", "s3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-peer-1", "peer-default-acl", "peer-rt", "pcx"]
    assert trace.forward[2].rule == f"{S3} (3.5.0.0/19) -> pcx"
    assert drop_of(trace).code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"


def test_R10_2_gateway_endpoint_is_not_usable_from_a_transit_gateway() -> None:
    net = load("R10_2_gateway_endpoint_not_from_other_vpcs")
    trace = net.trace("spoke-1", "s3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    # The hub's attachment subnet table does route S3 to the endpoint; the endpoint refuses the packet.
    assert components(trace.forward)[-3:] == ["hub-default-acl", "hub-rt", "s3-gw"]
    assert drop_of(trace).code == "NO_POSSIBLE_DESTINATION"
    # The hub's own instance, through the same table, gets there.
    own = net.trace("app-1", "s3", protocol="tcp", port=443)
    assert own.disposition is Disposition.EXITS_NETWORK
    assert components(own.forward) == ["eni-app-1", "hub-default-acl", "hub-rt", "s3-gw", S3]


# -- R10.3 protocols ----------------------------------------------------------------------------------


def test_R10_3_gateway_endpoint_carries_tcp_and_icmp_echo_only() -> None:
    net = load("R10_1_gateway_endpoint_route")
    udp = net.trace("app-1", "s3", protocol="udp", port=443)
    assert udp.disposition is Disposition.NO_ROUTE
    assert components(udp.forward) == ["eni-app-1", "vpc-default-acl", "endpoint-rt", "s3-gw"]
    assert drop_of(udp).code == "VPCE_GATEWAY_PROTOCOL_RESTRICTION"

    ping = net.trace("app-1", "s3", protocol="icmp")
    assert ping.disposition is Disposition.EXITS_NETWORK
    assert components(ping.forward) == ["eni-app-1", "vpc-default-acl", "endpoint-rt", "s3-gw", S3]
    assert ping.reply[0].packet.icmp_type == 0          # the echo reply comes back through the endpoint


# -- R10.4 security groups and NACLs ------------------------------------------------------------------


def test_R10_4_security_group_egress_must_allow_the_service() -> None:
    net = load("R10_4_sg_egress_to_service_prefix_list")
    s3 = net.trace("app-1", "s3", protocol="tcp", port=443)
    assert s3.disposition is Disposition.EXITS_NETWORK
    assert s3.forward[0].rule == "app egress #1"               # the rule naming S3's prefix list
    # DynamoDB is routed to its endpoint too, but the security group has no rule for it.
    dynamodb = net.trace("app-1", "dynamodb", protocol="tcp", port=443)
    assert dynamodb.disposition is Disposition.DENIED
    assert components(dynamodb.forward) == ["eni-app-1"]
    drop = drop_of(dynamodb)
    assert (drop.code, drop.direction) == ("ENI_SG_RULES_MISMATCH", "egress")


def test_R10_4_nacl_rules_cannot_name_a_prefix_list() -> None:
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / "R10_4_nacl_rejects_prefix_list.yaml")
    [problem] = error.value.diagnostics
    assert problem.message == f"'{S3}' is not a valid CIDR block"


# -- R10.5 the service sees the private IP ------------------------------------------------------------


def test_R10_5_service_sees_the_private_ip_through_the_endpoint() -> None:
    net = load("R10_5_service_sees_private_ip")
    s3 = net.trace("web-1", "s3", protocol="tcp", port=443)
    assert components(s3.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "s3-gw", S3]
    assert s3.forward[-1].packet.source == "10.0.1.10"
    # The same instance reaching the internet is seen from its public IP.
    internet = net.trace("web-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert internet.forward[-1].packet.source == "203.0.113.10"


# -- R10.7-R10.9 endpoint policies --------------------------------------------------------------------


def test_R10_7_default_policy_allows_and_an_explicit_deny_denies() -> None:
    net = load("R10_7_endpoint_policies")
    default = net.trace("default-1", "s3", protocol="tcp", port=443)
    assert default.disposition is Disposition.EXITS_NETWORK
    assert hop_at(default.forward, "s3-default").rule == "default policy: full access"

    denied = net.trace("denied-1", "s3", protocol="tcp", port=443)
    assert denied.disposition is Disposition.DENIED
    assert components(denied.forward) == ["eni-denied-1", "vpc-default-acl", "denied-rt", "s3-deny-all"]
    drop = drop_of(denied)
    assert (drop.decision.value, drop.code, drop.rule) == ("POLICY_DENY", "VPCE_POLICY_DENY",
                                                           "s3-deny-all endpoint policy")
    assert drop.message is not None and "DenyAll" in drop.message
    assert denied.explanations[0].code == "VPCE_POLICY_DENY"


def test_R10_8_account_principal_means_the_root_user_only() -> None:
    net = load("R10_7_endpoint_policies")
    # Principal {"AWS": "111122223333"} is the account's root user, not the instance's role.
    trace = net.trace("root-1", "s3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.DENIED
    assert drop_of(trace).code == "VPCE_POLICY_DENY"


@pytest.mark.parametrize(("instance", "endpoint", "expected", "why"), [
    ("bucket-1", "s3-one-bucket", Disposition.EXITS_NETWORK, "OnlyTheDataBucket"),
    ("put-1", "s3-no-put", Disposition.EXITS_NETWORK, "AllowAll"),
    ("othervpc-1", "s3-other-vpc", Disposition.DENIED, "implicit deny"),
    ("samevpc-1", "s3-this-vpc", Disposition.EXITS_NETWORK, "AllowAll"),
    ("sourceip-1", "s3-source-ip", Disposition.DENIED, "implicit deny"),
    ("vpcip-1", "s3-vpc-ip", Disposition.EXITS_NETWORK, "FromThisSubnet"),
])
def test_R10_9_endpoint_policy_evaluation(instance: str, endpoint: str, expected: Disposition,
                                          why: str) -> None:
    net = load("R10_7_endpoint_policies")
    trace = net.trace(instance, "s3", protocol="tcp", port=443)
    assert trace.disposition is expected
    hop = hop_at(trace.forward, endpoint)
    said = hop.rule if expected is Disposition.EXITS_NETWORK else hop.message
    assert said is not None and why in said


# -- R10.10-R10.12 interface endpoints ----------------------------------------------------------------


def test_R10_10_interface_endpoint_has_one_eni_per_subnet() -> None:
    net = load("R10_10_interface_endpoint_enis")
    # The endpoint's name stands for its first ENI, with the address given for vpce-a.
    first = net.trace("app-1", "sqs-vpce", protocol="tcp", port=443)
    assert first.disposition is Disposition.ACCEPTED
    assert components(first.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                         "eni-sqs-vpce-vpce-a"]
    assert first.forward[-1].packet.destination == "10.0.100.10"
    # The second ENI got a private IP from its own subnet: the first usable one (R1.8).
    second = net.trace("app-1", "eni-sqs-vpce-vpce-b", protocol="tcp", port=443)
    assert second.disposition is Disposition.ACCEPTED
    assert second.forward[-1].component == "eni-sqs-vpce-vpce-b"
    assert second.forward[-1].packet.destination == "10.0.101.4"


def test_R10_11_endpoint_security_group_and_subnet_nacl_filter_clients() -> None:
    net = load("R10_10_interface_endpoint_enis")
    allowed = net.trace("app-1", "sqs-vpce", protocol="tcp", port=443)
    assert allowed.forward[-1].rule == "vpce ingress #1"            # tcp/443 from the app group
    # Another port: the endpoint's security group has no rule.
    port = net.trace("app-1", "sqs-vpce", protocol="tcp", port=8443)
    assert port.disposition is Disposition.DENIED
    assert (drop_of(port).component, drop_of(port).code) == ("eni-sqs-vpce-vpce-a", "ENI_SG_RULES_MISMATCH")
    # No security group named: the VPC's default group, which admits only its own members.
    default = net.trace("app-1", "ec2-vpce", protocol="tcp", port=443)
    assert default.disposition is Disposition.DENIED
    assert (drop_of(default).component, drop_of(default).code) == ("eni-ec2-vpce", "ENI_SG_RULES_MISMATCH")
    # The endpoint subnet's NACL applies like any other subnet's.
    nacl = net.trace("app-1", "kms-vpce", protocol="tcp", port=443)
    assert nacl.disposition is Disposition.DENIED
    assert components(nacl.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "deny-all"]
    assert drop_of(nacl).code == "SUBNET_ACL_RESTRICTION"


def test_R10_12_interface_endpoint_accepts_tcp_only() -> None:
    net = load("R10_10_interface_endpoint_enis")
    # The security group admits udp/443 from the app group; the endpoint itself does not.
    trace = net.trace("app-1", "sqs-vpce", protocol="udp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                         "eni-sqs-vpce-vpce-a"]
    assert drop_of(trace).code == "PROTOCOL_RESTRICTION"


@pytest.mark.parametrize("source", ["sqs-vpce", "10.0.100.10"])
def test_R10_12_interface_endpoint_does_not_initiate_connections(source: str) -> None:
    net = load("R10_10_interface_endpoint_enis")
    trace = net.trace(source, "app-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["sqs-vpce"]
    assert drop_of(trace).code == "VPCE_INTRA_VPC_TRAFFIC"


def test_R10_12_interface_endpoint_is_reachable_from_a_peered_vpc() -> None:
    net = load("R10_10_interface_endpoint_enis")
    trace = net.trace("peer-1", "sqs-vpce", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-peer-1", "peer-default-acl", "peer-rt", "pcx",
                                         "vpc-default-acl", "eni-sqs-vpce-vpce-a"]
    assert trace.forward[-1].rule == "vpce ingress #2"              # tcp/443 from 10.1.0.0/16
    assert components(trace.reply) == ["eni-sqs-vpce-vpce-a", "vpc-default-acl", "app-rt", "pcx",
                                       "peer-default-acl", "eni-peer-1"]


# -- R10.14 Gateway Load Balancer endpoints -----------------------------------------------------------


def test_R10_14_gwlb_endpoint_is_a_transparent_symmetric_bump_in_the_wire() -> None:
    net = load("R10_14_gwlb_endpoint_bump_in_the_wire")
    inbound = net.trace("internet:192.0.2.80", "web-1", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.ACCEPTED
    # IGW -> edge table -> the endpoint's ENI (no security group) -> the fleet -> the endpoint subnet's table.
    assert components(inbound.forward) == ["igw", "edge-rt", "vpc-default-acl", "eni-gwlbe", "gwlbe",
                                           "inspect-rt", "vpc-default-acl", "eni-web-1"]
    assert inbound.forward[1].rule == "10.0.1.0/24 -> gwlbe"
    eni = inbound.forward[3]
    assert eni.decision.value == "FORWARD" and eni.rule is None         # no security group applies
    gwlbe = inbound.forward[4]
    assert (gwlbe.kind.value, gwlbe.decision.value) == ("gwlb_endpoint", "FORWARD")
    assert gwlbe.packet == inbound.forward[3].packet                    # returned unchanged
    assert inbound.forward[5].rule == "10.0.0.0/16 local"
    # The answer takes the same endpoint on its way out (symmetric).
    assert components(inbound.reply) == ["eni-web-1", "vpc-default-acl", "web-rt", "vpc-default-acl",
                                         "eni-gwlbe", "gwlbe", "inspect-rt", "igw", "internet"]
    assert inbound.reply[-1].packet.source == "203.0.113.10"
