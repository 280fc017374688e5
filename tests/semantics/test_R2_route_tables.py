"""aws-semantics §2: route tables — association, route selection, gateway (edge) route tables and ingress
routing through an appliance, appliances between subnets (R2.1-R2.22; traps 1, 2, 3, 9)."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, decisions, drop_of, hop_at, load

import vpcsim
from vpcsim import Disposition, TopologyError


def _diagnostics(name: str) -> list[str]:
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / f"{name}.yaml")
    return [d.message for d in error.value.diagnostics]


# --- 2.1 association --------------------------------------------------------------------------------------


def test_R2_1_subnet_without_association_uses_the_main_table() -> None:
    net = load("R2_1_main_table_implicit_association")
    trace = net.trace("a-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-a-1", "vpc-default-acl", "public-rt", "igw", "internet"]
    assert trace.forward[2].rule == "0.0.0.0/0 -> igw"


@pytest.mark.parametrize(("source", "table"), [("b-1", "private-rt"), ("c-1", "listed-rt")])
def test_R2_1_explicit_association_replaces_the_main_table(source: str, table: str) -> None:
    # Associated on the subnet (b-1) or listed under the table's `subnets` (c-1): one table per subnet, and
    # it is not the main one, so the main table's internet route does not apply.
    net = load("R2_1_main_table_implicit_association")
    trace = net.trace(source, "internet:192.0.2.1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-1] == table
    assert drop_of(trace).code == "NO_ROUTE_TO_DESTINATION"


def test_R2_3_new_main_table_holds_only_the_local_route() -> None:
    net = load("R2_3_new_tables_hold_only_local")
    out = net.trace("a-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert out.disposition is Disposition.NO_ROUTE       # IGW attached, public IP, but no route to it
    assert components(out.forward) == ["eni-a-1", "vpc-default-acl", "vpc-main"]
    inside = net.trace("a-1", "b-1", protocol="tcp", port=443)
    assert inside.disposition is Disposition.ACCEPTED
    assert hop_at(inside.forward, "vpc-main").rule == "10.0.0.0/16 local"


# --- 2.2 route selection ----------------------------------------------------------------------------------


def test_R2_4_blackhole_route_stays_a_candidate_and_wins_lpm() -> None:
    net = load("R2_4_blackhole_route_wins_lpm")
    trace = net.trace("web-1", "internet:198.51.100.77", protocol="tcp", port=443)
    # The /24 to the pending peering is the longest match: dropped there, no fall-back to 0.0.0.0/0.
    assert trace.disposition is Disposition.BLACKHOLE
    assert components(trace.forward) == ["eni-web-1", "vpc-default-acl", "public-rt"]
    hop = drop_of(trace)
    assert (hop.decision.value, hop.code, hop.rule) == ("BLACKHOLE", "BAD_STATE_ROUTE",
                                                        "198.51.100.0/24 -> pcx-pending")
    elsewhere = net.trace("web-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert elsewhere.disposition is Disposition.EXITS_NETWORK


def test_R2_5_longest_prefix_wins() -> None:
    net = load("R2_5_longest_prefix_wins")
    direct = net.trace("app-1", "internet:198.51.100.7", protocol="tcp", port=443)
    assert direct.disposition is Disposition.EXITS_NETWORK
    assert components(direct.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "igw", "internet"]
    assert direct.forward[2].rule == "198.51.100.0/24 -> igw"
    assert direct.forward[-1].packet.source == "203.0.113.10"          # the instance's own public IP
    via_nat = net.trace("app-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert via_nat.disposition is Disposition.EXITS_NETWORK
    assert components(via_nat.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                           "nat-a", "vpc-default-acl", "public-rt", "igw", "internet"]
    assert via_nat.forward[2].rule == "0.0.0.0/0 -> nat-a"
    assert via_nat.forward[-1].packet.source == "203.0.113.50"         # the NAT gateway's Elastic IP


def test_R2_6_local_beats_a_more_specific_propagated_route() -> None:
    net = load("R2_6_local_beats_propagated")
    trace = net.trace("app-1", "db-1", protocol="tcp", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "corp-default-acl",
                                         "eni-db-1"]
    assert trace.forward[2].rule == "10.0.0.0/16 local"      # not 10.0.2.0/24 -> vgw (propagated)
    # Negative: a propagated route that does not overlap the VPC is installed and used.
    site = net.trace("app-1", "dc", protocol="tcp", port=443)
    assert site.disposition is Disposition.EXITS_NETWORK
    assert site.forward[2].rule == "192.168.0.0/16 -> vgw (propagated)"


def test_R2_7_host_route_inside_the_vpc_is_rejected() -> None:
    messages = _diagnostics("R2_7_host_route_inside_vpc")
    assert any("R2.7" in m and "10.0.2.10/32" in m for m in messages)


def test_R2_7_subnet_route_must_target_nat_eni_or_gwlbe() -> None:
    messages = _diagnostics("R2_7_subnet_route_to_igw")
    assert any("R2.7" in m and "'igw'" in m for m in messages)


def test_R2_8_static_beats_propagated_at_equal_prefix() -> None:
    net = load("R2_8_static_beats_propagated")
    static = net.trace("app-1", "peer-1", protocol="tcp", port=443)
    assert static.disposition is Disposition.ACCEPTED
    assert components(static.forward) == ["eni-app-1", "corp-default-acl", "static-rt", "pcx",
                                          "peer-default-acl", "eni-peer-1"]
    assert static.forward[2].rule == "10.50.0.0/16 -> pcx"
    # Negative: without the static route the propagated one carries the same destination to the VGW.
    propagated = net.trace("app-2", "peer-1", protocol="tcp", port=443)
    assert propagated.disposition is Disposition.EXITS_NETWORK
    assert components(propagated.forward) == ["eni-app-2", "corp-default-acl", "prop-rt", "vgw", "dc"]
    assert propagated.forward[2].rule == "10.50.0.0/16 -> vgw (propagated)"


def test_R2_9_static_cidr_beats_prefix_list_at_equal_prefix() -> None:
    net = load("R2_9_prefix_list_routes")
    trace = net.trace("a-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-a-1", "corp-default-acl", "cidr-vs-list-rt", "vgw", "dc"]
    assert trace.forward[2].rule == "10.50.0.0/16 -> vgw"


def test_R2_9_prefix_list_beats_propagated_at_equal_prefix() -> None:
    net = load("R2_9_prefix_list_routes")
    trace = net.trace("b-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-b-1", "corp-default-acl", "list-vs-propagated-rt", "pcx",
                                         "peer-default-acl", "eni-web-1"]
    assert trace.forward[2].rule == "peer-vpc (10.50.0.0/16) -> pcx"


def test_R2_9_more_specific_prefix_list_entry_beats_static_cidr() -> None:
    net = load("R2_9_prefix_list_routes")
    trace = net.trace("c-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[2].rule == "peer-web (10.50.1.0/24) -> pcx"


def test_R2_9_overlapping_prefix_lists_lowest_id_wins_with_a_warning() -> None:
    # [E] AWS picks one of two prefix lists holding the same entry at random; vpcsim takes the lowest
    # prefix-list id (zz-list, pl-0a…, listed second and named last) and warns at load.
    net = load("R2_9_prefix_list_routes")
    trace = net.trace("d-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-d-1", "corp-default-acl", "two-lists-rt", "vgw", "dc"]
    assert trace.forward[2].rule == "zz-list (10.50.0.0/16) -> vgw"
    warnings = [w for w in net.warnings if "R2.9" in w.message]
    assert len(warnings) == 1
    assert "two-lists-rt" in warnings[0].message
    assert warnings[0].severity == "warning"


def test_R2_10_gateway_endpoint_route_takes_part_in_lpm() -> None:
    net = load("R2_10_gateway_endpoint_route_in_lpm")
    specific = net.trace("app-1", "52.216.8.10", protocol="tcp", port=443)
    assert specific.disposition is Disposition.EXITS_NETWORK
    assert specific.forward[2].rule == "52.216.8.0/24 -> nat-a"
    assert "nat-a" in components(specific.forward)
    endpoint = net.trace("app-1", "52.216.9.10", protocol="tcp", port=443)
    assert endpoint.disposition is Disposition.EXITS_NETWORK
    assert components(endpoint.forward)[:4] == ["eni-app-1", "vpc-default-acl", "app-rt", "s3-gw"]
    assert endpoint.forward[2].rule == "com.amazonaws.us-east-1.s3 (52.216.0.0/15) -> s3-gw"


def test_R2_11_no_candidate_route_is_no_route_to_destination() -> None:
    net = load("R2_12_propagation_per_table")
    trace = net.trace("app-2", "dc", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-app-2", "corp-default-acl", "plain-rt"]
    assert decisions(trace.forward)[-1] == "NO_ROUTE"
    assert trace.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


@pytest.mark.parametrize(("destination", "rule", "why"), [
    ("o-1", "10.60.0.0/16 -> pcx-pending", "peering connection pcx-pending is not active"),
    ("internet:192.0.2.1", "0.0.0.0/0 -> eni-nat-instance", "instance nat-instance behind eni-nat-instance "
                                                            "is stopped"),
    ("10.70.0.5", "10.70.0.0/16 -> spare-eni", "network interface spare-eni is not attached to an instance"),
])
def test_R2_11_route_to_an_unavailable_target_is_a_blackhole(destination: str, rule: str, why: str) -> None:
    net = load("R2_11_unavailable_targets")
    trace = net.trace("app-1", destination, protocol="tcp", port=443)
    assert trace.disposition is Disposition.BLACKHOLE
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt"]
    hop = drop_of(trace)
    assert (hop.decision.value, hop.code, hop.rule) == ("BLACKHOLE", "BAD_STATE_ROUTE", rule)
    assert why in (hop.message or "")


def test_R2_12_propagated_routes_only_in_tables_that_propagate() -> None:
    net = load("R2_12_propagation_per_table")
    trace = net.trace("app-1", "dc", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "corp-default-acl", "prop-rt", "vgw", "dc"]
    assert trace.forward[2].rule == "192.168.0.0/16 -> vgw (propagated)"
    assert net.trace("app-2", "dc", protocol="tcp", port=443).disposition is Disposition.NO_ROUTE


# --- 2.3 gateway (edge) route tables ----------------------------------------------------------------------


def test_R2_13_edge_table_cannot_target_a_nat_gateway() -> None:
    messages = _diagnostics("R2_13_edge_table_to_nat_gateway")
    assert any("R2.13" in m and "nat-a" in m for m in messages)


def test_R2_13_vgw_edge_table_forwards_to_a_gwlb_endpoint() -> None:
    net = load("R2_13_vgw_edge_table_to_gwlb_endpoint")
    trace = net.trace("dc", "app-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["vgw", "vgw-edge", "corp-default-acl", "eni-gwlbe", "gwlbe",
                                         "inspect-rt", "corp-default-acl", "eni-app-1"]
    assert trace.forward[1].rule == "10.0.1.0/24 -> gwlbe"
    assert "gwlbe" in components(trace.reply)            # symmetric: app-rt sends the reply back through it


def test_R2_14_edge_table_destination_must_be_a_whole_cidr() -> None:
    messages = _diagnostics("R2_14_edge_host_route")
    assert any("R2.14" in m and "10.0.1.10/32" in m for m in messages)


def test_R2_14_edge_route_can_replace_the_local_target() -> None:
    net = load("R2_14_edge_route_replaces_local")
    inbound = net.trace("internet", "web-1", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.ACCEPTED
    assert components(inbound.forward)[:5] == ["igw", "edge-rt", "vpc-default-acl", "fw-data", "fw-data"]
    assert inbound.forward[1].rule == "10.0.0.0/16 -> fw-data"
    # Every subnet is now redirected, so one that routes straight to the IGW is cut off (R2.17) ...
    direct = net.trace("direct-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert direct.disposition is Disposition.NO_ROUTE
    assert (drop_of(direct).component, drop_of(direct).code) == ("igw", "INGRESS_RTB_TRAFFIC_REDIRECTION")
    # ... except the appliance's own subnet, which shares that table.
    own = net.trace("fw-data", "internet:192.0.2.1", protocol="tcp", port=443)
    assert own.disposition is Disposition.EXITS_NETWORK
    assert components(own.forward) == ["fw-data", "vpc-default-acl", "fw-rt", "igw", "internet"]


def test_R2_15_edge_table_does_not_steer_peering_traffic() -> None:
    net = load("R2_15_edge_table_ignores_peering")
    trace = net.trace("partner-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-partner-1", "partner-default-acl", "partner-rt", "pcx",
                                         "vpc-default-acl", "eni-web-1"]
    assert "edge-rt" not in components(trace.forward)


def test_R2_16_edge_target_without_public_ip_drops() -> None:
    net = load("R2_16_edge_target_needs_public_ip")
    trace = net.trace("internet", "web-2", protocol="tcp", port=443)
    assert components(trace.forward) == ["igw", "edge-rt"]
    hop = drop_of(trace)
    assert (hop.code, hop.rule) == ("INGRESS_RTB_NO_PUBLIC_IP", "10.0.2.0/24 -> fw-b-data")
    assert trace.explanations[0].code == "INGRESS_RTB_NO_PUBLIC_IP"
    # Negative: the same set-up with an Elastic IP on the appliance interface goes through.
    assert net.trace("internet", "web-1", protocol="tcp", port=443).disposition is Disposition.ACCEPTED


def test_R2_16_edge_target_on_a_stopped_instance_is_a_blackhole() -> None:
    net = load("R2_16_edge_target_needs_public_ip")
    trace = net.trace("internet", "web-3", protocol="tcp", port=443)
    assert trace.disposition is Disposition.BLACKHOLE
    assert components(trace.forward) == ["igw", "edge-rt"]
    assert (drop_of(trace).code, drop_of(trace).rule) == ("BAD_STATE_ROUTE", "10.0.3.0/24 -> fw-c-data")


def test_R2_17_redirected_subnet_routing_straight_to_the_igw_is_dropped() -> None:
    # [E] vpcsim drops, as Reachability Analyzer reports, a redirected subnet's direct route to the IGW.
    net = load("R2_17_redirected_subnet_bypasses_appliance")
    out = net.trace("bypass-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert out.disposition is Disposition.NO_ROUTE
    assert components(out.forward) == ["eni-bypass-1", "vpc-default-acl", "fw-rt", "igw"]
    assert drop_of(out).code == "INGRESS_RTB_TRAFFIC_REDIRECTION"
    # Inbound reaches bypass-1 through the appliance, but the reply takes the direct route: cut.
    inbound = net.trace("internet", "bypass-1", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.REPLY_DENIED
    assert "fw-data" in components(inbound.forward)
    assert components(inbound.reply)[-1] == "igw"
    assert inbound.explanations[0].code == "INGRESS_RTB_TRAFFIC_REDIRECTION"
    # Negative: web routes back through the appliance and leaves.
    symmetric = net.trace("web-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert symmetric.disposition is Disposition.EXITS_NETWORK
    assert components(symmetric.forward) == ["eni-web-1", "vpc-default-acl", "web-rt", "vpc-default-acl",
                                             "fw-data", "fw-data", "fw-data", "vpc-default-acl", "fw-rt",
                                             "igw", "internet"]


def test_R2_18_igw_translates_then_consults_its_edge_table() -> None:
    net = load("R2_18_igw_ingress_through_appliance")
    trace = net.trace("internet", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["igw", "edge-rt", "vpc-default-acl", "fw-data", "fw-data", "fw-data",
                                         "vpc-default-acl", "fw-rt", "vpc-default-acl", "eni-web-1"]
    assert decisions(trace.forward) == ["TRANSLATE", "ROUTE", "NETWORK_ACL_ALLOW",
                                        "SECURITY_GROUP_INGRESS_ALLOW", "FORWARD",
                                        "SECURITY_GROUP_EGRESS_ALLOW", "NETWORK_ACL_ALLOW", "ROUTE",
                                        "NETWORK_ACL_ALLOW", "SECURITY_GROUP_INGRESS_ALLOW"]
    # The edge table is looked up with the private destination, after the 1:1 NAT.
    assert trace.forward[0].rule == "1:1 NAT 203.0.113.10 -> 10.0.1.10"
    assert trace.forward[1].rule == "10.0.1.0/24 -> fw-data"
    assert trace.forward[1].packet.destination == "10.0.1.10"
    assert trace.forward[7].rule == "10.0.0.0/16 local"
    # The appliance does not NAT: web-1 sees the client's address.
    assert trace.forward[-1].packet.source == "1.0.0.0"      # internet is a set: its first atom answers
    # The reply goes back through the same appliance, then out of the appliance subnet to the IGW.
    assert components(trace.reply) == ["eni-web-1", "vpc-default-acl", "web-rt", "vpc-default-acl", "fw-data",
                                       "fw-data", "fw-data", "vpc-default-acl", "fw-rt", "igw", "internet"]
    assert trace.reply[-1].packet.source == "203.0.113.10"


# --- 2.4 scope of routing, appliances -------------------------------------------------------------------


def test_R2_19_same_subnet_traffic_skips_route_table_and_nacl() -> None:
    net = load("R2_19_same_subnet_skips_route_table")
    trace = net.trace("app-1", "app-2", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    # No route table (app-rt would send 10.0.1.0/24 to the appliance), no deny-all NACL.
    assert components(trace.forward) == ["eni-app-1", "eni-app-2"]
    assert components(trace.reply) == ["eni-app-2", "eni-app-1"]
    # Security groups still apply.
    denied = net.trace("app-1", "app-2", protocol="tcp", port=22)
    assert denied.disposition is Disposition.DENIED
    assert components(denied.forward) == ["eni-app-1", "eni-app-2"]
    assert drop_of(denied).code == "ENI_SG_RULES_MISMATCH"


def test_R2_20_appliance_with_source_dest_check_on_drops() -> None:
    net = load("R2_20_appliance_source_dest_check")
    trace = net.trace("app-1", "db-1", protocol="tcp", port=443)
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                         "eni-fw-on"]
    hop = drop_of(trace)
    assert (hop.component, hop.code, hop.direction) == ("eni-fw-on", "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                                                        "ingress")
    assert hop.packet.destination == "10.0.2.10"
    # Negative: the appliance with the check disabled forwards.
    through = net.trace("other-1", "db-1", protocol="tcp", port=443)
    assert through.disposition is Disposition.ACCEPTED
    assert decisions(through.forward)[4:6] == ["SECURITY_GROUP_INGRESS_ALLOW", "FORWARD"]


def test_R2_21_more_specific_route_sends_east_west_traffic_through_the_middlebox() -> None:
    net = load("R2_21_middlebox_between_subnets")
    trace = net.trace("app-1", "db-2", protocol="tcp", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                         "eni-fw", "eni-fw", "eni-fw", "vpc-default-acl", "vpc-main",
                                         "vpc-default-acl", "eni-db-2"]
    assert trace.forward[2].rule == "10.0.2.0/24 -> eni-fw"
    assert trace.forward[-1].rule == "db-by-cidr ingress #1"
    assert trace.forward[-1].packet.source == "10.0.1.10"             # no NAT on the way
    assert trace.reply[2].component == "db-rt"
    assert trace.reply[2].rule == "10.0.1.0/24 -> eni-fw"             # back through the same appliance


def test_R2_21_security_group_reference_does_not_match_through_the_middlebox() -> None:
    net = load("R2_21_middlebox_between_subnets")
    trace = net.trace("app-1", "db-1", protocol="tcp", port=5432)
    assert trace.disposition is Disposition.DENIED
    assert "eni-fw" in components(trace.forward)
    hop = drop_of(trace)
    assert (hop.component, hop.direction) == ("eni-db-1", "ingress")
    assert (hop.decision.value, hop.code) == ("SECURITY_GROUP_DENY", "SG_REFERENCES_NOT_PRESERVED")


def test_R2_22_subnet_local_route_target_replaced_by_an_appliance() -> None:
    net = load("R2_22_subnet_local_route_replaced")
    trace = net.trace("app-1", "db-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "vpc-default-acl",
                                         "eni-fw", "eni-fw", "eni-fw", "vpc-default-acl", "vpc-main",
                                         "vpc-default-acl", "eni-db-1"]
    assert trace.forward[2].rule == "10.0.0.0/16 -> eni-fw"
    # db's table (the main one) keeps the plain local route: the reply goes straight back.
    assert components(trace.reply) == ["eni-db-1", "vpc-default-acl", "vpc-main", "vpc-default-acl",
                                       "eni-app-1"]
