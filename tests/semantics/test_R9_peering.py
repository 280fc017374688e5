"""aws-semantics §9: VPC peering on the data plane (R9.1, R9.2, R9.4-R9.8; trap 13).

R9.3 (no overlapping CIDRs) is a load-time check; R9.9 (DNS) and R9.10 (flow logs) are tested with their
own sections. R9.8's MTU of 1,500 bytes is not simulated (packets carry no size).
"""

from __future__ import annotations

import pytest
from conftest import components, decisions, drop_of, load

from vpcsim import Disposition


def test_R9_1_active_peering_carries_traffic() -> None:
    net = load("R9_1_only_active_peering_carries_traffic")
    trace = net.trace("a-1", "b-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-a-1", "vpc-a-default-acl", "a-rt", "pcx-active",
                                         "vpc-b-default-acl", "eni-b-1"]
    assert trace.forward[3].rule == "vpc-a -> vpc-b"
    assert components(trace.reply) == ["eni-b-1", "vpc-b-default-acl", "b-rt", "pcx-active",
                                       "vpc-a-default-acl", "eni-a-1"]
    # The peering forwards private addresses unchanged in both directions.
    assert trace.forward[-1].packet.source == "10.0.1.10"
    assert trace.reply[-1].packet.source == "10.1.1.10"


def test_R9_1_route_to_a_pending_peering_is_a_blackhole() -> None:
    net = load("R9_1_only_active_peering_carries_traffic")
    trace = net.trace("a-1", "c-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.BLACKHOLE
    assert components(trace.forward) == ["eni-a-1", "vpc-a-default-acl", "a-rt"]
    hop = drop_of(trace)
    assert (hop.decision.value, hop.code) == ("BLACKHOLE", "BAD_STATE_ROUTE")
    assert hop.rule == "10.2.0.0/16 -> pcx-pending"
    assert "pcx-pending is not active" in (hop.message or "")


def test_R9_2_peering_is_not_transitive() -> None:
    net = load("R9_2_peering_not_transitive")
    trace = net.trace("b-1", "c-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    # b's route sends c's CIDR into pcx-a-b; the peering refuses what is not addressed into vpc-a.
    assert components(trace.forward) == ["eni-b-1", "vpc-b-default-acl", "b-rt", "pcx-a-b"]
    hop = drop_of(trace)
    assert (hop.component, hop.code) == ("pcx-a-b", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")
    assert trace.explanations[0].code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
    # Negative: vpc-a, which peers with both, reaches c.
    direct = net.trace("a-1", "c-1", protocol="tcp", port=443)
    assert direct.disposition is Disposition.ACCEPTED
    assert components(direct.forward)[2:4] == ["a-rt", "pcx-a-c"]


def test_R9_4_route_to_part_of_the_peer_cidr() -> None:
    net = load("R9_4_routes_on_both_sides")
    host = net.trace("a-app-1", "b-1", protocol="tcp", port=443)
    assert host.disposition is Disposition.ACCEPTED
    assert host.forward[2].rule == "10.1.1.10/32 -> pcx"          # a single peer IP is a valid destination
    assert host.reply[2].rule == "10.0.1.0/24 -> pcx"             # b routes only a's app subnet back
    other = net.trace("a-app-1", "b-2", protocol="tcp", port=443)
    assert other.disposition is Disposition.NO_ROUTE
    assert components(other.forward) == ["eni-a-app-1", "vpc-a-default-acl", "a-rt"]


def test_R9_4_both_sides_need_a_route() -> None:
    net = load("R9_4_routes_on_both_sides")
    trace = net.trace("a-db-1", "b-1", protocol="tcp", port=443)
    # The request crosses; b's table has no route back to a's db subnet.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.forward)[-1] == "eni-b-1"
    assert components(trace.reply) == ["eni-b-1", "vpc-b-default-acl", "b-rt"]
    assert (drop_of(trace).code, trace.explanations[0].path) == ("NO_ROUTE_TO_DESTINATION", "return")


@pytest.mark.parametrize("destination", ["internet:192.0.2.1", "s3"])
def test_R9_5_no_edge_to_edge_through_the_peer(destination: str) -> None:
    # vpc-a has an IGW, a NAT gateway and an S3 gateway endpoint; vpc-b sends 0.0.0.0/0 to the peering.
    net = load("R9_5_no_edge_to_edge")
    trace = net.trace("b-1", destination, protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-b-1", "vpc-b-default-acl", "b-rt", "pcx"]
    assert decisions(trace.forward)[-1] == "DROP"
    assert drop_of(trace).code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"


def test_R9_5_interface_endpoint_of_the_peer_is_reachable() -> None:
    # [D] an interface endpoint is an ENI with an address in vpc-a's CIDR: the peering carries it.
    net = load("R9_5_no_edge_to_edge")
    trace = net.trace("b-1", "sqs", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-b-1", "vpc-b-default-acl", "b-rt", "pcx", "vpc-a-default-acl",
                                         "eni-sqs"]
    assert trace.forward[-1].packet.destination == "10.0.1.50"


def test_R9_6_longest_prefix_selects_among_overlapping_peers() -> None:
    net = load("R9_6_overlapping_peers")
    to_b = net.trace("hub-1", "10.1.1.10", protocol="tcp", port=443)
    assert to_b.disposition is Disposition.ACCEPTED
    assert components(to_b.forward)[2:4] == ["hub-rt", "pcx-b"]
    assert components(to_b.forward)[-1] == "eni-b-1"
    to_c = net.trace("hub-1", "c-2", protocol="tcp", port=443)
    assert to_c.disposition is Disposition.ACCEPTED
    assert to_c.forward[2].rule == "10.1.1.30/32 -> pcx-c"
    assert components(to_c.forward)[-1] == "eni-c-2"


def test_R9_6_no_reverse_path_check_reply_goes_to_the_wrong_vpc() -> None:
    net = load("R9_6_overlapping_peers")
    trace = net.trace("c-1", "hub-1", protocol="tcp", port=443)
    # The request arrives over pcx-c (nothing checks that 10.1.1.20 is routed back that way) ...
    assert components(trace.forward) == ["eni-c-1", "vpc-c-default-acl", "c-rt", "pcx-c", "hub-default-acl",
                                         "eni-hub-1"]
    # ... and the hub's reply follows the hub's routes: 10.1.0.0/16 -> pcx-b, into vpc-b.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.reply) == ["eni-hub-1", "hub-default-acl", "hub-rt", "pcx-b"]
    assert trace.reply[2].rule == "10.1.0.0/16 -> pcx-b"
    assert (drop_of(trace).code, drop_of(trace).packet.destination) == ("NO_POSSIBLE_DESTINATION", "10.1.1.20")


def test_R9_6_reply_delivered_to_the_wrong_host_is_not_an_answer() -> None:
    net = load("R9_6_reply_to_wrong_host")
    trace = net.trace("c-1", "hub-1", protocol="tcp", port=443)
    # b-2 has c-1's address and admits the reply, but c-1, which asked, never hears back.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.reply) == ["eni-hub-1", "hub-default-acl", "hub-rt", "pcx-b", "vpc-b-default-acl",
                                       "eni-b-2"]
    explanation = trace.explanations[0]
    assert (explanation.code, explanation.component, explanation.path) == ("NO_POSSIBLE_DESTINATION", "eni-b-2",
                                                                           "return")


def test_R9_7_sg_references_work_across_a_same_region_peering() -> None:
    net = load("R9_7_same_region_sg_reference")
    trace = net.trace("b-analytics-1", "a-db-1", protocol="tcp", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-b-analytics-1", "vpc-b-default-acl", "b-rt", "pcx",
                                         "vpc-a-default-acl", "eni-a-db-1"]
    assert trace.forward[0].rule == "b-analytics egress #1"       # outbound rule naming the peer's group
    assert trace.forward[-1].rule == "a-db ingress #1"            # inbound rule naming the peer's group
    # Negative: a member of another group of vpc-b is not matched by the reference.
    other = net.trace("b-other-1", "a-db-1", protocol="tcp", port=5432)
    assert other.disposition is Disposition.DENIED
    assert (drop_of(other).component, drop_of(other).code) == ("eni-a-db-1", "ENI_SG_RULES_MISMATCH")


def test_R9_8_sg_references_do_not_cross_an_inter_region_peering() -> None:
    net = load("R9_8_inter_region_sg_reference")
    inbound = net.trace("b-analytics-1", "a-db-1", protocol="tcp", port=5432)
    assert inbound.disposition is Disposition.DENIED
    assert "pcx" in components(inbound.forward)
    hop = drop_of(inbound)
    assert (hop.component, hop.direction) == ("eni-a-db-1", "ingress")
    assert hop.decision.value == "SECURITY_GROUP_DENY"
    outbound = net.trace("b-to-db-1", "a-db-3", protocol="tcp", port=5432)
    assert outbound.disposition is Disposition.DENIED
    assert components(outbound.forward) == ["eni-b-to-db-1"]
    assert (drop_of(outbound).direction, drop_of(outbound).decision.value) == ("egress", "SECURITY_GROUP_DENY")
    # Negative: a CIDR rule works across Regions.
    cidr = net.trace("b-analytics-1", "a-db-2", protocol="tcp", port=5432)
    assert cidr.disposition is Disposition.ACCEPTED
    assert cidr.forward[-1].rule == "a-db-cidr ingress #1"


def test_R9_6_reply_routed_out_of_the_network_never_returns_to_the_requester() -> None:
    net = load("R9_6_reply_ends_on_the_other_side")
    trace = net.trace("b-1", "hub-1", protocol="tcp", port=443)
    # The request comes over pcx-b; the hub answers 10.1.0.20 by its routes, to the VGW and on to dc.
    assert components(trace.forward)[-1] == "eni-hub-1"
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.reply) == ["eni-hub-1", "hub-default-acl", "h1-rt", "vgw", "dc"]
    [why] = trace.explanations
    assert (why.code, why.component, why.path) == ("NO_POSSIBLE_DESTINATION", "dc", "return")
    assert why.message.startswith("the reply left the network at dc instead of coming back to eni-b-1")


def test_R9_6_reply_to_a_site_delivered_to_a_peer_interface_with_its_address() -> None:
    net = load("R9_6_reply_ends_on_the_other_side")
    answer = net.trace("dc", "hub-2", protocol="tcp", port=443)
    assert answer.disposition is Disposition.REPLY_DENIED and answer.reachable_for == "none"
    [group] = [g for g in answer.groups if g.cidrs == ("10.1.0.10/32",)]        # dc's address that b-2 has
    trace = group.trace
    assert components(trace.forward) == ["vgw", "hub-default-acl", "eni-hub-2"]
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.reply) == ["eni-hub-2", "hub-default-acl", "h2-rt", "pcx-b", "vpc-b-default-acl",
                                       "eni-b-2"]
    [why] = trace.explanations
    assert (why.code, why.component, why.path) == ("NO_POSSIBLE_DESTINATION", "eni-b-2", "return")
