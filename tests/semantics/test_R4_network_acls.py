"""aws-semantics §4: network ACLs — one test per rule (R4.1-R4.12), on the smallest topology showing it.

Not here: R4.9 (Resolver/IMDS never filtered) belongs to the DNS tests; R4.11 (PMTUD) needs ICMP errors the
engine does not generate; R4.12 is a quota; R4.13 (Classic Load Balancers) is not modelled by vpcsim.
"""

from __future__ import annotations

from conftest import components, decisions, load

from vpcsim import Disposition
from vpcsim.ip import parse_address
from vpcsim.protocols import ICMPV6

# -- R4.1 stateless; ports are destination ports --------------------------------------------------------


def test_R4_1_nacl_is_stateless_the_reply_needs_its_own_rule() -> None:
    trace = load("R4_1_stateless_nacl_reply").trace("client", "server-wrong", port=443)
    # The request is allowed in; the reply goes to the client's port 49152, and "tcp 443 out" is about
    # destination port 443: no egress rule matches, the `*` rule drops the reply.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.forward) == ["eni-client", "v-default-acl", "v-main", "port-443-both-ways",
                                         "eni-server-wrong"]
    assert components(trace.reply) == ["eni-server-wrong", "port-443-both-ways"]
    assert decisions(trace.reply) == ["SECURITY_GROUP_ESTABLISHED", "NETWORK_ACL_DENY"]
    dropped = trace.reply[-1]
    assert dropped.rule == "port-443-both-ways egress * deny"
    assert (dropped.packet.src_port, dropped.packet.dst_port) == (443, 49152)
    (why,) = trace.explanations
    assert (why.code, why.component, why.direction, why.path) == (
        "SUBNET_ACL_RESTRICTION", "port-443-both-ways", "egress", "return")


def test_R4_1_an_egress_rule_for_the_ephemeral_ports_completes_the_conversation() -> None:
    trace = load("R4_1_stateless_nacl_reply").trace("client", "server-right", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.reply) == ["eni-server-right", "ephemeral", "v-main", "v-default-acl",
                                       "eni-client"]
    assert trace.reply[1].rule == "ephemeral egress 100 allow"


# -- R4.2 one NACL per subnet, default unless associated -----------------------------------------------


def test_R4_2_unassociated_subnet_uses_the_default_nacl_and_one_nacl_serves_many() -> None:
    net = load("R4_2_nacl_association")
    to_b = net.trace("host-a", "host-b", port=443)
    to_c = net.trace("host-a", "host-c", port=443)
    assert to_b.disposition is Disposition.ACCEPTED and to_c.disposition is Disposition.ACCEPTED
    assert components(to_b.forward) == ["eni-host-a", "v-default-acl", "v-main", "web-only", "eni-host-b"]
    assert components(to_c.forward) == ["eni-host-a", "v-default-acl", "v-main", "web-only", "eni-host-c"]


def test_R4_2_the_shared_nacl_denies_in_every_subnet_it_serves() -> None:
    net = load("R4_2_nacl_association")
    for host in ("host-b", "host-c"):
        trace = net.trace("host-a", host, port=22)
        assert trace.disposition is Disposition.DENIED
        assert trace.forward[-1].rule == "web-only ingress * deny"


# -- R4.3 numbered, lowest first, first match, `*` deny ------------------------------------------------


def test_R4_3_lowest_numbered_matching_rule_decides() -> None:
    net = load("R4_3_rule_order")
    bad = net.trace("bad", "server", port=22)
    # Rule 100 (deny 10.0.1.128/25) is evaluated before rule 200 (allow ssh from 10.0.1.0/24), though
    # it is written after it.
    assert bad.disposition is Disposition.DENIED
    assert components(bad.forward) == ["eni-bad", "v-default-acl", "v-main", "ordered"]
    assert bad.forward[-1].rule == "ordered ingress 100 deny"
    assert bad.explanations[0].code == "SUBNET_ACL_RESTRICTION"


def test_R4_3_first_match_wins_later_rules_never_act() -> None:
    trace = load("R4_3_rule_order").trace("good", "server", port=22)
    # Rule 300 denies ssh from 10.0.1.10, but rule 200 matched first.
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[3].rule == "ordered ingress 200 allow"
    assert trace.reply[1].rule == "ordered egress 100 allow"          # outbound: matched on the destination


def test_R4_3_no_matching_rule_ends_at_the_star_deny() -> None:
    trace = load("R4_3_rule_order").trace("good", "server", port=80)
    assert trace.disposition is Disposition.DENIED
    assert trace.forward[-1].rule == "ordered ingress * deny"


# -- R4.4 not evaluated within a subnet ----------------------------------------------------------------


def test_R4_4_nacl_not_evaluated_within_a_subnet() -> None:
    trace = load("R4_4_one_subnet_deny_all_nacl").trace("app-1", "app-2", protocol="tcp", port=8080)
    assert trace.disposition is Disposition.ACCEPTED           # same subnet: delivered at layer 2
    assert components(trace.forward) == ["eni-app-1", "eni-app-2"]   # no NACL, no route table
    assert components(trace.reply) == ["eni-app-2", "eni-app-1"]


def test_R4_4_security_groups_still_apply_within_a_subnet() -> None:
    trace = load("R4_4_one_subnet_deny_all_nacl").trace("app-1", "app-3", port=8080)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1", "eni-app-3"]
    assert trace.explanations[0].component == "eni-app-3"


def test_R4_4_leaving_the_subnet_meets_its_nacl() -> None:
    trace = load("R4_4_one_subnet_deny_all_nacl").trace("app-1", "elsewhere", port=8080)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1", "locked"]
    assert trace.forward[-1].rule == "locked egress * deny"


# -- R4.5 the default NACL ------------------------------------------------------------------------------


def test_R4_5_default_nacl_allows_ipv4_by_rule_100_and_ipv6_by_rule_101() -> None:
    net = load("R4_5_default_nacl_dual_stack")
    v4 = net.trace("host-a", "host-b", port=443)
    v6 = net.trace("host-a", "2600:1f18:1:102::10", port=443)
    assert v4.disposition is Disposition.ACCEPTED
    assert [h.rule for h in v4.forward if h.component == "v-default-acl"] == [
        "v-default-acl egress 100 allow", "v-default-acl ingress 100 allow"]
    assert v6.disposition is Disposition.ACCEPTED
    assert [h.rule for h in v6.forward + v6.reply if h.component == "v-default-acl"] == [
        "v-default-acl egress 101 allow", "v-default-acl ingress 101 allow",
        "v-default-acl egress 101 allow", "v-default-acl ingress 101 allow"]


def test_R4_5_edited_default_nacl_gets_no_ipv6_rule() -> None:
    net = load("R4_5_modified_default_nacl")
    assert net.trace("host-a", "host-b", port=443).disposition is Disposition.ACCEPTED
    v6 = net.trace("host-a", "2600:1f18:1:102::10", port=443)
    assert v6.disposition is Disposition.DENIED
    assert components(v6.forward) == ["eni-host-a", "edited-default"]
    assert v6.forward[-1].rule == "edited-default egress * deny"


# -- R4.6 a new custom NACL ----------------------------------------------------------------------------


def test_R4_6_new_custom_nacl_denies_everything_in_and_out() -> None:
    net = load("R4_6_new_custom_nacl")
    inbound = net.trace("host-a", "host-b", port=443)
    outbound = net.trace("host-b", "host-a", port=443)
    assert inbound.disposition is Disposition.DENIED
    assert components(inbound.forward) == ["eni-host-a", "v-default-acl", "v-main", "fresh"]
    assert inbound.forward[-1].rule == "fresh ingress * deny"
    assert outbound.disposition is Disposition.DENIED
    assert components(outbound.forward) == ["eni-host-b", "fresh"]
    assert outbound.forward[-1].rule == "fresh egress * deny"


def test_R4_6_a_nacl_no_subnet_names_has_no_effect() -> None:
    trace = load("R4_6_new_custom_nacl").trace("host-a", "host-c", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert "unused" not in components(trace.forward + trace.reply)


# -- R4.7 protocols ------------------------------------------------------------------------------------


def test_R4_7_protocol_all_ignores_the_ports_written() -> None:
    trace = load("R4_7_nacl_protocols").trace("trusted", "server", protocol="udp", port=53)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[3].rule == "protocols ingress 100 allow"     # written with ports 443


def test_R4_7_protocol_other_than_tcp_udp_icmp_ignores_ports() -> None:
    trace = load("R4_7_nacl_protocols").trace("vpn-peer", "server", protocol=50)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[3].rule == "protocols ingress 110 allow"     # ESP, written with port 500


def test_R4_7_icmp_rule_matches_type_and_code() -> None:
    net = load("R4_7_nacl_protocols")
    echo = net.trace("pinger", "server", protocol="icmp")
    timestamp = net.trace("pinger", "server", protocol="icmp", icmp_type=13)
    assert echo.disposition is Disposition.ACCEPTED
    assert echo.forward[3].rule == "protocols ingress 120 allow"
    assert timestamp.disposition is Disposition.DENIED
    assert timestamp.forward[-1].rule == "protocols ingress * deny"


def test_R4_7_icmpv6_rule_with_an_ipv6_cidr_matches_its_type() -> None:
    net = load("R4_7_nacl_protocols")
    echo = net.trace("pinger", "2600:1f18:1:102::10", protocol="icmpv6")            # type 128
    other = net.trace("pinger", "2600:1f18:1:102::10", protocol="icmpv6", icmp_type=135)
    assert echo.disposition is Disposition.ACCEPTED
    assert echo.forward[3].rule == "protocols ingress 140 allow"
    assert other.disposition is Disposition.DENIED
    assert other.forward[-1].rule == "protocols ingress * deny"


def test_R4_7_icmpv6_rule_with_an_ipv4_cidr_covers_every_type() -> None:
    net = load("R4_7_nacl_protocols")
    ipv4_rules = net.compiled.network_acls["protocols"].ingress[4].rules
    rule = next(r for r in ipv4_rules if r.number == 130)
    # Written as type 135 code 0; AWS applies a protocol-58 rule with an IPv4 CIDR to all types/codes.
    source = parse_address("10.0.1.13")[1]
    assert (rule.protocol, rule.icmp_type, rule.icmp_code) == (ICMPV6, -1, -1)
    assert rule.matches(ICMPV6, 4, 0, 1, 4, source) and rule.matches(ICMPV6, 4, 0, 135, 0, source)
    assert not rule.matches(ICMPV6, 6, 0, 135, 0, source)             # and it is an IPv4 rule only (R1.11)


# -- R4.8 ephemeral ports ------------------------------------------------------------------------------


def test_R4_8_nat_gateway_ports_start_at_1024() -> None:
    trace = load("R4_8_ephemeral_ports").trace("app-a-1", "internet:192.0.2.80", port=443)
    # nat-linux translated the source port to 1024; linux-range admits only 32768-65535 back.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert trace.forward[4].component == "nat-linux"
    assert trace.forward[4].packet.src_port == 1024
    assert components(trace.reply) == ["igw", "linux-range"]
    dropped = trace.reply[-1]
    assert (dropped.packet.destination, dropped.packet.dst_port) == ("10.0.0.10", 1024)
    assert dropped.rule == "linux-range ingress * deny"
    assert trace.explanations[0].path == "return"


def test_R4_8_allowing_1024_to_65535_lets_nat_gateway_replies_in() -> None:
    trace = load("R4_8_ephemeral_ports").trace("app-b-1", "internet:192.0.2.80", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.reply) == ["igw", "wide-range", "nat-wide", "wide-range", "public-rt",
                                       "v-default-acl", "eni-app-b-1"]
    assert trace.reply[1].rule == "wide-range ingress 110 allow"
    assert (trace.reply[-1].packet.destination, trace.reply[-1].packet.dst_port) == ("10.0.11.10", 49152)


def test_R4_8_the_client_chooses_the_reply_port() -> None:
    net = load("R4_8_ephemeral_ports")
    linux = net.trace("app-a-1", "server", port=443)                       # source port 49152
    windows_2003 = net.trace("app-a-1", "server", port=443, src_port=1025)  # 1025-5000
    assert linux.disposition is Disposition.ACCEPTED
    assert windows_2003.disposition is Disposition.REPLY_DENIED
    assert windows_2003.reply[-1].rule == "server-linux-range egress * deny"
    assert windows_2003.reply[-1].packet.dst_port == 1025


# -- R4.10 / R8.11 NACLs around a transit gateway ENI (trap 12) ----------------------------------------


def test_R4_10_tgw_to_instance_in_the_tgw_subnet_meets_no_nacl() -> None:
    trace = load("R4_10_tgw_eni_nacl").trace("client", "app-1", port=443)
    # shared-acl denies all of VPC b inbound (rule 50), but TGW -> instance in the same subnet never
    # crosses it; app-1 -> TGW crosses it out (destination) and in (source, app-1: allowed).
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward)[-2:] == ["eni-att-a-us-east-1a", "eni-app-1"]
    assert components(trace.reply)[:5] == ["eni-app-1", "shared-acl", "a-rt", "shared-acl",
                                           "eni-att-a-us-east-1a"]
    assert [h.direction for h in trace.reply if h.component == "shared-acl"] == ["egress", "ingress"]


def test_R4_10_instance_to_tgw_in_the_same_subnet_is_checked_inbound_on_its_source() -> None:
    trace = load("R4_10_tgw_eni_nacl").trace("client", "app-2", port=443)
    # Rule 60 denies app-2's own address inbound: its reply, entering the subnet toward the TGW ENI,
    # is dropped there.
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.reply) == ["eni-app-2", "shared-acl", "a-rt", "shared-acl"]
    assert trace.reply[-1].rule == "shared-acl ingress 60 deny"


def test_R4_10_tgw_eni_in_its_own_subnet_meets_both_nacls() -> None:
    trace = load("R4_10_tgw_eni_nacl").trace("client", "app-c", port=443)
    # TGW -> instance in another subnet: outbound of c-tgw (default NACL), then inbound of c-app.
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward)[-4:] == ["eni-att-c-us-east-1a", "c-default-acl", "c-rt", "app-acl"]
    assert [h.direction for h in trace.forward[-4:] if h.kind.value == "network_acl"] == ["egress", "ingress"]
    assert trace.forward[-1].rule == "app-acl ingress 50 deny"


# -- R1.11 for NACLs -----------------------------------------------------------------------------------


def test_R1_11_nacl_ipv4_rules_never_match_ipv6() -> None:
    net = load("R4_R1_11_nacl_rules_per_family")
    assert net.trace("host-a", "host-b", port=443).disposition is Disposition.ACCEPTED
    v6 = net.trace("host-a", "2600:1f18:1:102::10", port=443)
    assert v6.disposition is Disposition.DENIED
    assert components(v6.forward) == ["eni-host-a", "v-default-acl", "v-main", "v4-only-acl"]
    assert v6.forward[-1].rule == "v4-only-acl ingress * deny"
