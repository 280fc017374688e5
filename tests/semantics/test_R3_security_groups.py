"""aws-semantics §3: security groups — one test per rule (R3.1-R3.16), on the smallest topology showing it.

Most topologies put client and server in one subnet, so the only hops are the two ENIs' security groups
(R2.19, R4.4). R3.13 (Resolver, IMDS, ... never filtered) belongs to the DNS tests.
"""

from __future__ import annotations

import pytest
from conftest import components, decisions, load

from vpcsim import Disposition, Hop

ESTABLISHED = "SECURITY_GROUP_ESTABLISHED"


def _rules(hops: tuple[Hop, ...]) -> list[str | None]:
    return [hop.rule for hop in hops]


# -- R3.1 union of allow rules -------------------------------------------------------------------------


def test_R3_1_rules_of_all_groups_on_an_eni_form_one_allow_set() -> None:
    net = load("R3_1_union_of_security_groups")
    ssh = net.trace("client", "server", port=22)
    https = net.trace("client", "server", port=443)
    # server carries `ssh` and `web`: each group opens its own port, together they open both.
    assert ssh.disposition is Disposition.ACCEPTED
    assert components(ssh.forward) == ["eni-client", "eni-server"]
    assert _rules(ssh.forward) == ["default egress #1", "ssh ingress #1"]
    assert https.disposition is Disposition.ACCEPTED
    # Two web rules match 10.0.1.10 (a /32 and the VPC CIDR): overlap is harmless, any match allows.
    assert _rules(https.forward) == ["default egress #1", "web ingress #1"]


def test_R3_1_a_port_no_rule_of_any_group_allows_is_denied() -> None:
    trace = load("R3_1_union_of_security_groups").trace("client", "server", port=8080)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-client", "eni-server"]
    assert decisions(trace.forward) == ["SECURITY_GROUP_EGRESS_ALLOW", "SECURITY_GROUP_DENY"]
    (why,) = trace.explanations
    assert (why.code, why.component, why.direction) == ("ENI_SG_RULES_MISMATCH", "eni-server", "ingress")


# -- R3.2 a new security group -------------------------------------------------------------------------


def test_R3_2_new_group_allows_all_outbound() -> None:
    trace = load("R3_2_new_security_group_egress").trace("fresh-1", "server", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert _rules(trace.forward) == ["fresh egress #1", "server ingress #1"]


def test_R3_2_group_without_outbound_rules_lets_nothing_out() -> None:
    trace = load("R3_2_new_security_group_egress").trace("closed-1", "server", port=443)
    # The default outbound rule was removed: the packet never leaves closed-1's ENI.
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-closed-1"]
    (why,) = trace.explanations
    assert (why.code, why.direction) == ("SG_HAS_NO_RULES", "egress")


def test_R3_2_new_group_has_no_inbound_rules() -> None:
    trace = load("R3_2_new_security_group_egress").trace("server", "fresh-1", port=443)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-server", "eni-fresh-1"]
    assert trace.explanations[0].code == "SG_HAS_NO_RULES"


# -- R3.3 the default security group -------------------------------------------------------------------


@pytest.mark.parametrize("destination", ["m2", "2600:1f18:1:100::20"])
def test_R3_3_default_group_admits_its_own_members_in_both_families(destination: str) -> None:
    trace = load("R3_3_default_security_group").trace("m1", destination, port=443)
    # No security_groups given: both get `default`, whose inbound rule's source is the group itself,
    # and whose outbound rules cover 0.0.0.0/0 and, in a VPC with IPv6, ::/0.
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-m1", "eni-m2"]
    assert _rules(trace.forward) == ["default egress #1", "default ingress #1"]


def test_R3_3_default_group_refuses_instances_outside_it() -> None:
    trace = load("R3_3_default_security_group").trace("outsider", "m1", port=443)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-outsider", "eni-m1"]
    assert trace.explanations[0].code == "ENI_SG_RULES_MISMATCH"


# -- R3.4 peers: prefix list, single address -----------------------------------------------------------


def test_R3_4_prefix_list_and_single_address_peers() -> None:
    net = load("R3_4_prefix_list_peer")
    admin = net.trace("admin", "server", port=22)          # 10.0.1.10, inside the list's 10.0.1.0/28
    helpdesk = net.trace("helpdesk", "server", port=22)    # 10.0.1.40, the /32 rule
    visitor = net.trace("visitor", "server", port=22)      # neither
    assert admin.disposition is Disposition.ACCEPTED
    assert admin.forward[-1].rule == "server ingress #1"
    assert helpdesk.disposition is Disposition.ACCEPTED
    assert helpdesk.forward[-1].rule == "server ingress #2"
    assert visitor.disposition is Disposition.DENIED
    assert components(visitor.forward) == ["eni-visitor", "eni-server"]


# -- R3.5 protocol semantics ---------------------------------------------------------------------------


@pytest.mark.parametrize(("protocol", "port"), [("tcp", 8443), ("udp", 5353), ("icmp", None), (47, None)])
def test_R3_5_protocol_all_matches_every_protocol_and_port(protocol: str | int, port: int | None) -> None:
    trace = load("R3_5_protocol_semantics").trace("trusted", "server", protocol=protocol, port=port)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[-1].rule == "server ingress #1"


def test_R3_5_protocol_other_than_tcp_udp_icmp_ignores_ports() -> None:
    net = load("R3_5_protocol_semantics")
    esp = net.trace("vpn-peer", "server", protocol=50)
    tcp_500 = net.trace("vpn-peer", "server", protocol="tcp", port=500)
    # The ESP rule says ports 500; for protocol 50 AWS ignores ports, and it does not open tcp/500.
    assert esp.disposition is Disposition.ACCEPTED
    assert esp.forward[-1].rule == "server ingress #2"
    assert tcp_500.disposition is Disposition.DENIED


def test_R3_5_icmp_rule_matches_its_type() -> None:
    net = load("R3_5_protocol_semantics")
    echo = net.trace("pinger", "server", protocol="icmp")              # type 8, code 0
    timestamp = net.trace("pinger", "server", protocol="icmp", icmp_type=13)  # type 13
    assert echo.disposition is Disposition.ACCEPTED
    assert echo.forward[-1].rule == "server ingress #3"
    assert echo.reply[-1].packet.icmp_type == 0                        # the echo reply, let in by state
    assert timestamp.disposition is Disposition.DENIED
    assert timestamp.explanations[0].code == "ENI_SG_RULES_MISMATCH"


# -- R3.6 SG references match private IPs --------------------------------------------------------------


@pytest.mark.parametrize(("source", "address"), [("app-1", "10.0.1.10"), ("10.0.1.11", "10.0.1.11")])
def test_R3_6_reference_matches_every_private_ip_of_a_member(source: str, address: str) -> None:
    trace = load("R3_6_sg_reference_private_ips").trace(source, "db", port=5432)
    # 10.0.1.11 is app-1's secondary private IP: it belongs to the same ENI, so it matches `app` too.
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-app-1", "eni-db"]
    assert trace.forward[-1].rule == "db ingress #1"
    assert trace.forward[-1].packet.source == address


def test_R3_6_reference_does_not_match_an_instance_outside_the_group() -> None:
    trace = load("R3_6_sg_reference_private_ips").trace("other", "db", port=5432)
    assert trace.disposition is Disposition.DENIED
    assert trace.explanations[0].code == "ENI_SG_RULES_MISMATCH"


def test_R3_6_reference_never_matches_a_public_ip_hairpin_through_the_igw() -> None:
    trace = load("R3_6_sg_reference_private_ips").trace("app-1", "203.0.113.20", port=5432)
    # Addressed to db's Elastic IP, the packet leaves through the IGW (source -> app-1's public IP) and
    # comes back in (destination -> db's private IP). It now comes from 203.0.113.10, not a private IP.
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1", "v-default-acl", "public", "igw", "igw",
                                         "v-default-acl", "eni-db"]
    arrived = trace.forward[-1].packet
    assert (arrived.source, arrived.destination) == ("203.0.113.10", "10.0.1.20")
    assert trace.explanations[0].code == "ENI_SG_RULES_MISMATCH"


def test_R3_6_hairpin_is_admitted_by_a_rule_naming_the_public_ip() -> None:
    trace = load("R3_6_sg_reference_private_ips").trace("app-1", "203.0.113.21", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[-1].rule == "db-open ingress #2"             # the /32 rule, not the reference
    assert trace.reply[-1].packet.source == "203.0.113.21"             # the answer comes back from the EIP


# -- R3.7 where references are valid -------------------------------------------------------------------


def test_R3_7_reference_to_a_group_of_a_same_region_peer() -> None:
    trace = load("R3_7_peering_sg_reference").trace("client-b", "server", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-client-b", "b-default-acl", "b-rt", "pcx-ab", "a-default-acl",
                                         "eni-server"]
    assert trace.forward[-1].rule == "server ingress #1"


def test_R3_7_reference_across_an_inter_region_peering_matches_nothing() -> None:
    trace = load("R3_7_peering_sg_reference").trace("client-c", "server", port=443)
    # client-c's VPC is peered but in us-west-2: SG identity does not cross Regions.
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward)[-1] == "eni-server"
    assert trace.explanations[0].code == "SG_REFERENCES_NOT_PRESERVED"


def test_R3_7_inbound_reference_across_a_tgw_with_sg_referencing() -> None:
    trace = load("R3_7_tgw_sg_referencing").trace("client-b", "server", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-client-b", "b-default-acl", "b-rt", "b-default-acl",
                                         "eni-att-b-us-east-1a", "tgw-default", "eni-att-a-us-east-1a",
                                         "eni-server"]
    assert trace.forward[-1].rule == "server ingress #1"


def test_R3_7_attachment_without_sg_referencing_discards_the_group() -> None:
    trace = load("R3_7_tgw_sg_referencing").trace("client-c", "server", port=443)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward)[-1] == "eni-server"
    assert trace.explanations[0].code == "SG_REFERENCING_SUPPORT"


def test_R3_7_outbound_reference_across_a_tgw_never_matches() -> None:
    trace = load("R3_7_tgw_sg_referencing").trace("strict-b", "server", port=443)
    # strict-b's only outbound rule names `server` (VPC a): outbound references do not cross a TGW.
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-strict-b"]
    (why,) = trace.explanations
    assert (why.code, why.direction) == ("SG_REFERENCES_NOT_PRESERVED", "egress")


# -- R3.8 what breaks references -----------------------------------------------------------------------


def test_R3_8_nat_gateway_rewrites_the_source_so_the_reference_fails() -> None:
    trace = load("R3_8_nat_gateway_breaks_sg_reference").trace("app-1", "db", port=5432)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1", "v-default-acl", "app-rt", "v-default-acl", "nat-1",
                                         "v-default-acl", "v-main", "v-default-acl", "eni-db"]
    arrived = trace.forward[-1].packet
    assert (arrived.source, arrived.src_port) == ("10.0.2.10", 1024)   # the NAT gateway's address and port
    assert trace.explanations[0].code == "ENI_SG_RULES_MISMATCH"


def test_R3_8_behind_a_nat_gateway_the_nat_address_is_what_rules_must_name() -> None:
    trace = load("R3_8_nat_gateway_breaks_sg_reference").trace("app-1", "db-cidr", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[-1].rule == "db-cidr ingress #1"
    assert trace.reply[-1].packet.destination == "10.0.1.10"          # translated back for app-1


def test_R3_8_middlebox_does_not_preserve_the_source_group() -> None:
    trace = load("R3_8_middlebox_breaks_sg_reference").trace("app-1", "db", port=5432)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1", "v-default-acl", "app-rt", "v-default-acl", "eni-fw",
                                         "eni-fw", "eni-fw", "v-default-acl", "v-main", "v-default-acl",
                                         "eni-db"]
    assert trace.forward[-1].packet.source == "10.0.1.10"              # the address survives, the group not
    assert trace.explanations[0].code == "SG_REFERENCES_NOT_PRESERVED"


def test_R3_8_through_a_middlebox_a_cidr_rule_still_matches() -> None:
    trace = load("R3_8_middlebox_breaks_sg_reference").trace("app-1", "db-cidr", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[-1].rule == "db-cidr ingress #1"


# -- R3.9 stateful -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("protocol", "port"), [("tcp", 443), ("udp", 53), ("icmp", None), (47, None)])
def test_R3_9_reply_is_admitted_by_connection_tracking(protocol: str | int, port: int | None) -> None:
    trace = load("R3_9_stateful_replies").trace("client", "server", protocol=protocol, port=port)
    # server has no outbound rule and client no inbound rule: only state lets the answer through.
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.reply) == ["eni-server", "eni-client"]
    assert decisions(trace.reply) == [ESTABLISHED, ESTABLISHED]
    assert trace.reply[0].direction == "egress" and trace.reply[1].direction == "ingress"


def test_R3_9_tracking_does_not_open_the_reverse_direction() -> None:
    trace = load("R3_9_stateful_replies").trace("server", "client", port=443)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-server"]
    assert trace.explanations[0].code == "SG_HAS_NO_RULES"


# -- R3.10 untracked flows [E: visible as the rule that admits the reply] ------------------------------


def test_R3_10_flow_open_to_everywhere_both_ways_is_untracked() -> None:
    trace = load("R3_10_untracked_flows").trace("client", "web", port=80)
    # tcp/80 from 0.0.0.0/0 in, all traffic to 0.0.0.0/0 out: web keeps no state, its outbound rule lets
    # the reply out. client's own flow stays tracked (its inbound rule is not 0.0.0.0/0).
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.reply) == ["eni-web", "eni-client"]
    assert decisions(trace.reply) == ["SECURITY_GROUP_EGRESS_ALLOW", ESTABLISHED]
    assert trace.reply[0].rule == "web egress #1"
    assert "R3.10" in (trace.reply[0].message or "")


def test_R3_10_flow_from_a_narrower_source_is_tracked() -> None:
    trace = load("R3_10_untracked_flows").trace("client", "web", port=22)    # ssh from 10.0.1.10/32 only
    assert trace.disposition is Disposition.ACCEPTED
    assert decisions(trace.reply) == [ESTABLISHED, ESTABLISHED]


def test_R3_10_icmp_is_always_tracked() -> None:
    trace = load("R3_10_untracked_flows").trace("client", "web", protocol="icmp")
    assert trace.disposition is Disposition.ACCEPTED
    assert decisions(trace.reply) == [ESTABLISHED, ESTABLISHED]


def test_R3_10_without_an_all_ports_rule_back_the_flow_is_tracked() -> None:
    trace = load("R3_10_untracked_flows").trace("client", "narrow", port=80)
    # narrow's outbound rule (tcp 1024-65535) would let the reply out, but it is not "all ports":
    # the flow is tracked and the reply leaves by state.
    assert trace.disposition is Disposition.ACCEPTED
    assert decisions(trace.reply) == [ESTABLISHED, ESTABLISHED]


# -- R3.12 automatically tracked -----------------------------------------------------------------------


def test_R3_12_flow_through_a_nat_gateway_is_always_tracked() -> None:
    net = load("R3_12_nat_gateway_forces_tracking")
    via_nat = net.trace("app-1", "internet:192.0.2.80", port=443)
    direct = net.trace("app-1", "server", port=443)
    assert via_nat.disposition is Disposition.EXITS_NETWORK
    assert components(via_nat.reply)[-1] == "eni-app-1"
    assert via_nat.reply[-1].decision.value == ESTABLISHED
    # The same rules without a NAT gateway on the path: app-1's flow is untracked, its inbound
    # allow-all rule admits the answer.
    assert direct.disposition is Disposition.ACCEPTED
    assert direct.reply[-1].decision.value == "SECURITY_GROUP_INGRESS_ALLOW"
    assert direct.reply[-1].rule == "wide-open ingress #1"


# -- R3.14 where security groups apply -----------------------------------------------------------------


def test_R3_14_no_security_group_on_a_nat_gateway() -> None:
    trace = load("R3_12_nat_gateway_forces_tracking").trace("app-1", "internet:192.0.2.80", port=443)
    sg_hops = [hop.component for hop in trace.forward + trace.reply
               if hop.decision.value.startswith("SECURITY_GROUP")]
    assert sg_hops == ["eni-app-1", "eni-app-1"]                      # the NAT gateway's ENI never filters


# -- R3.15 conntrack capacity [E: not modelled; one table per conversation] ----------------------------


def test_R3_15_each_trace_starts_with_an_empty_connection_table() -> None:
    net = load("R3_9_stateful_replies")
    assert net.trace("client", "server", port=443).disposition is Disposition.ACCEPTED
    # A packet shaped like that conversation's reply, sent on its own, is judged by rules alone:
    # nothing the first trace tracked carries over (server has no outbound rule).
    reverse = net.trace("server", "client", port=49152, src_port=443)
    assert reverse.disposition is Disposition.DENIED
    assert reverse.explanations[0].code == "SG_HAS_NO_RULES"


# -- R1.11 for security groups -------------------------------------------------------------------------


def test_R1_11_sg_ipv4_rule_never_matches_ipv6() -> None:
    net = load("R3_R1_11_sg_rules_per_family")
    v4 = net.trace("client", "v4-only", port=443)
    v6 = net.trace("client", "2600:1f18:1:100::20", port=443)
    dual = net.trace("client", "2600:1f18:1:100::30", port=443)
    assert v4.disposition is Disposition.ACCEPTED
    assert v6.disposition is Disposition.DENIED
    assert components(v6.forward) == ["eni-client", "eni-v4-only"]
    assert dual.disposition is Disposition.ACCEPTED
    assert dual.forward[-1].rule == "dual ingress #2"                 # the ::/0 rule
