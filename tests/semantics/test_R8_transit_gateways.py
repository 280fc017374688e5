"""aws-semantics §8: transit gateways, data plane (R8.1-R8.19; traps 10, 11, 12)."""

from __future__ import annotations

from conftest import components, load

from vpcsim import Disposition, Hop


def _tgw_rules(hops: tuple[Hop, ...]) -> list[str]:
    """The TGW route-table decisions of a path, in order."""
    return [h.rule or "" for h in hops if h.kind.value == "transit_gateway_route_table"]


def _nacls(hops: tuple[Hop, ...]) -> list[str]:
    """Every NACL evaluation of a path as 'acl direction'."""
    return [f"{h.component} {h.direction}" for h in hops if h.kind.value == "network_acl"]


def _firewalls(hops: tuple[Hop, ...]) -> set[str]:
    return {h.component for h in hops if h.component.startswith("fw-")}


# -- R8.1 attachment kinds ---------------------------------------------------------------------------------


def test_R8_1_vpn_attachment_reaches_the_site_both_ways() -> None:
    net = load("R8_1_vpn_and_dx_attachments")
    out = net.trace("app-1", "dc", protocol="tcp", port=22)
    assert out.disposition is Disposition.EXITS_NETWORK
    assert components(out.forward) == [
        "eni-app-1", "app-default-acl", "app-rt", "app-default-acl", "eni-att-app-us-east-1a", "tgw-default",
        "dc"]
    assert _tgw_rules(out.forward) == ["192.168.0.0/16 -> att-vpn (propagated vpn)"]
    assert components(out.reply) == ["tgw-default", "eni-att-app-us-east-1a", "eni-app-1"]
    # From the site in: the VPN attachment's table (the default one) routes to the VPC, and the reply goes
    # back out through the same VPN attachment.
    inbound = net.trace("dc", "app-1", protocol="tcp", port=22)
    assert inbound.disposition is Disposition.ACCEPTED
    assert components(inbound.forward) == ["tgw-default", "eni-att-app-us-east-1a", "eni-app-1"]
    assert inbound.forward[0].packet.source == "192.168.0.0"        # the site is a set: its first address
    assert components(inbound.reply)[-2:] == ["tgw-default", "dc"]


def test_R8_1_direct_connect_attachment() -> None:
    trace = load("R8_1_vpn_and_dx_attachments").trace("app-1", "branch", protocol="tcp", port=22)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert _tgw_rules(trace.forward) == ["172.16.0.0/12 -> att-dx (propagated dx)"]
    assert trace.forward[-1].component == "branch"


def test_R8_1_vpn_attachment_that_is_down_carries_nothing() -> None:
    trace = load("R8_1_vpn_and_dx_attachments").trace("app-1", "10.50.0.10", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-2:] == ["tgw-default", "att-lab"]
    assert trace.forward[-2].rule == "10.50.0.0/16 -> att-lab (static vpn)"
    assert trace.explanations[0].code == "TGW_BAD_STATE_VPN"


# -- R8.2 association --------------------------------------------------------------------------------------


def test_R8_2_association_decides_the_table() -> None:
    net = load("R8_2_association")
    ok = net.trace("a-1", "b-1", protocol="tcp", port=22)
    assert ok.disposition is Disposition.ACCEPTED
    assert _tgw_rules(ok.forward) == ["10.2.0.0/16 -> att-b (propagated vpc)"]
    assert _tgw_rules(ok.reply) == ["10.1.0.0/16 -> att-a (propagated vpc)"]
    # Same destination from c: c's associated table blackholes b, whatever rt-main holds.
    quarantined = net.trace("c-1", "b-1", protocol="tcp", port=22)
    assert quarantined.disposition is Disposition.BLACKHOLE
    assert quarantined.forward[-1].component == "rt-quarantine"


def test_R8_2_attachment_without_association_routes_nothing() -> None:
    net = load("R8_2_association")
    trace = net.trace("d-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == [
        "eni-d-1", "d-default-acl", "d-rt", "d-default-acl", "eni-att-d-us-east-1a", "att-d"]
    assert trace.explanations[0].code == "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
    # d propagates into rt-main, so b reaches it — but d's answer has no table either.
    reply = net.trace("b-1", "d-1", protocol="tcp", port=22)
    assert reply.disposition is Disposition.REPLY_DENIED
    assert reply.reply[-1].code == "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"


# -- R8.3 propagation --------------------------------------------------------------------------------------


def test_R8_3_propagation_installs_routes_only_in_listed_tables() -> None:
    net = load("R8_3_propagation")
    assert [r.label for r in net.compiled.tgw_route_tables["rt-spokes"].routes] == [
        "10.0.0.0/16 -> att-hub (propagated vpc)"]
    hub = net.trace("b-1", "hub-1", protocol="tcp", port=22)
    assert hub.disposition is Disposition.ACCEPTED
    spoke_to_spoke = net.trace("b-1", "c-1", protocol="tcp", port=22)
    assert spoke_to_spoke.disposition is Disposition.NO_ROUTE
    assert spoke_to_spoke.forward[-1].component == "rt-spokes"
    assert spoke_to_spoke.explanations[0].code == "TGW_RTB_CANNOT_ROUTE"


def test_R8_3_peering_attachment_propagates_nothing() -> None:
    # peer-east lists rt-east as a propagation target: only the static route and a's CIDR are there.
    net = load("R8_17_tgw_peering")
    assert [r.label for r in net.compiled.tgw_route_tables["rt-east"].routes] == [
        "10.2.0.0/16 -> peer-east (static)", "10.1.0.0/16 -> att-a (propagated vpc)"]


# -- R8.4 static routes, blackholes, prefix lists ----------------------------------------------------------


def test_R8_4_static_route_to_an_attachment() -> None:
    trace = load("R8_4_static_blackhole_prefix_list").trace("a-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert _tgw_rules(trace.forward) == ["10.2.0.0/16 -> att-b (static)"]
    assert _tgw_rules(trace.reply) == ["10.1.0.0/16 -> att-a (static)"]


def test_R8_4_blackhole_route_drops() -> None:
    trace = load("R8_4_static_blackhole_prefix_list").trace("a-1", "b-2", protocol="tcp", port=22)
    assert trace.disposition is Disposition.BLACKHOLE
    assert components(trace.forward)[-2:] == ["eni-att-a-us-east-1a", "rt"]
    assert trace.forward[-1].rule == "10.2.99.0/24 -> blackhole (static)"
    assert trace.explanations[0].code == "TGW_RTB_BAD_STATE_ROUTE"


def test_R8_4_prefix_list_reference_expands_to_routes() -> None:
    trace = load("R8_4_static_blackhole_prefix_list").trace("a-1", "c-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert _tgw_rules(trace.forward) == ["pl-c (10.3.0.0/16) -> att-c"]


# -- R8.5 route priority (trap 10) -------------------------------------------------------------------------


def test_R8_5_static_route_hides_identical_propagated_route() -> None:
    net = load("R8_5_tgw_route_priority")
    hidden = net.trace("a-1", "b-1", protocol="tcp", port=22)
    assert hidden.disposition is Disposition.BLACKHOLE
    assert hidden.forward[-1].rule == "10.2.0.0/16 -> blackhole (static)"
    assert "10.2.0.0/16 -> att-b (propagated vpc)" not in [
        r.label for r in net.compiled.tgw_route_tables["rt-a"].routes]
    # Negative: rt-x has no static route, the propagated one routes.
    assert net.trace("x-1", "b-1", protocol="tcp", port=22).disposition is Disposition.ACCEPTED


def test_R8_5_prefix_list_beats_vpc_propagated() -> None:
    net = load("R8_5_tgw_route_priority")
    trace = net.trace("a-1", "c-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.BLACKHOLE
    assert trace.forward[-1].rule == "pl-c (10.3.0.0/16) -> blackhole"
    assert net.trace("x-1", "c-1", protocol="tcp", port=22).disposition is Disposition.ACCEPTED


def test_R8_5_vpc_beats_direct_connect_beats_vpn() -> None:
    net = load("R8_5_tgw_route_priority")
    vpc = net.trace("a-1", "d-1", protocol="tcp", port=22)
    assert vpc.disposition is Disposition.ACCEPTED
    assert _tgw_rules(vpc.forward) == ["10.4.0.0/16 -> att-d (propagated vpc)"]
    dx = net.trace("a-1", "dc", protocol="tcp", port=22)
    assert dx.disposition is Disposition.EXITS_NETWORK
    assert _tgw_rules(dx.forward) == ["192.168.0.0/16 -> att-dx (propagated dx)"]
    assert dx.forward[-1].message == "reached dc over direct connect dx"


def test_R8_5_vpn_static_route_beats_direct_connect() -> None:
    # VPN static routes rank with static routes (S20 "static routes, including Site-to-Site VPN static").
    trace = load("R8_5_tgw_route_priority").trace("a-1", "branch", protocol="tcp", port=22)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert _tgw_rules(trace.forward) == ["172.16.0.0/16 -> att-vpn-static (static vpn)"]
    assert trace.forward[-1].message == "reached branch over vpn vpn-static"


# -- R8.6 no VPC routes written ----------------------------------------------------------------------------


def test_R8_6_tgw_does_not_write_vpc_route_tables() -> None:
    net = load("R8_6_tgw_writes_no_vpc_routes")
    out = net.trace("a-1", "b-1", protocol="tcp", port=22)
    assert out.disposition is Disposition.NO_ROUTE
    assert components(out.forward) == ["eni-a-1", "a-default-acl", "a-main"]
    back = net.trace("b-1", "a-1", protocol="tcp", port=22)
    assert back.disposition is Disposition.REPLY_DENIED
    assert components(back.reply) == ["eni-a-1", "a-default-acl", "a-main"]


# -- R8.7 one subnet per AZ (trap 11) ----------------------------------------------------------------------


def test_R8_7_subnet_in_az_without_attachment_subnet() -> None:
    net = load("R8_7_attachment_az_restriction")
    blocked = net.trace("app-1b", "b-1", protocol="tcp", port=22)
    assert blocked.disposition is Disposition.NO_ROUTE
    assert components(blocked.forward) == ["eni-app-1b", "a-default-acl", "a-rt", "a-rt"]
    assert blocked.explanations[0].code == "TGW_ROUTE_AZ_RESTRICTION"
    # Negative: the same table in us-east-1a reaches the TGW through the attachment's ENI there.
    ok = net.trace("app-1a", "b-1", protocol="tcp", port=22)
    assert ok.disposition is Disposition.ACCEPTED
    assert "eni-att-a-us-east-1a" in components(ok.forward)


def test_R8_7_inbound_works_but_reply_from_the_other_az_cannot_return() -> None:
    trace = load("R8_7_attachment_az_restriction").trace("b-1", "app-1b", protocol="tcp", port=22)
    assert trace.disposition is Disposition.REPLY_DENIED
    # In: through the us-east-1a ENI and the attachment subnet's table, then local delivery to us-east-1b.
    assert components(trace.forward)[-5:] == [
        "eni-att-a-us-east-1a", "a-default-acl", "a-rt", "a-default-acl", "eni-app-1b"]
    assert trace.explanations[0].code == "TGW_ROUTE_AZ_RESTRICTION"


# -- R8.8 attachment subnet route table (trap 11) ----------------------------------------------------------


def test_R8_8_centralized_egress_through_the_attachment_subnet_table() -> None:
    net = load("R8_8_centralized_egress")
    trace = net.trace("spoke-1", "internet:198.51.100.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == [
        "eni-spoke-1", "spoke-default-acl", "spoke-rt", "spoke-default-acl", "eni-att-spoke-us-east-1a",
        "rt-spokes", "eni-att-egress-us-east-1a", "egress-default-acl", "egress-tgw-1a-rt",
        "egress-default-acl", "nat-1a", "egress-default-acl", "egress-public-rt", "igw", "internet"]
    # R6.10: the NAT gateway translates traffic that arrived from a TGW attachment ENI.
    nat = trace.forward[10]
    assert (nat.packet.source, nat.packet.src_port) == ("10.100.1.10", 1024)
    assert trace.forward[-1].packet.source == "203.0.113.10"
    assert components(trace.reply) == [
        "igw", "egress-default-acl", "nat-1a", "egress-default-acl", "egress-public-rt", "egress-default-acl",
        "eni-att-egress-us-east-1a", "rt-egress", "eni-att-spoke-us-east-1a", "eni-spoke-1"]
    assert trace.reply[-1].packet.destination == "10.1.0.10"


def test_R8_8_attachment_subnet_table_without_route_drops() -> None:
    # spoke-2 is in us-east-1b, so it enters the egress VPC through egress-tgw-1b, whose (main) table has
    # no default route — the NAT gateway's table elsewhere does not matter.
    net = load("R8_8_centralized_egress")
    trace = net.trace("spoke-2", "internet:198.51.100.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-4:] == [
        "rt-spokes", "eni-att-egress-us-east-1b", "egress-default-acl", "egress-main"]
    assert trace.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


# -- R8.9 / R8.10 AZ affinity and appliance mode (trap 11) -------------------------------------------------


def test_R8_9_without_appliance_mode_the_reply_crosses_to_the_other_az() -> None:
    trace = load("R8_9_inspection_without_appliance_mode").trace("a-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert "eni-att-insp-us-east-1a" in components(trace.forward)
    assert _firewalls(trace.forward) == {"fw-a-eni"}
    assert "eni-att-insp-us-east-1b" in components(trace.reply)
    assert _firewalls(trace.reply) == {"fw-b-eni"}
    # fw-b never saw the request: to it the reply is a new flow, not a tracked one.
    fw_b = next(h for h in trace.reply if h.component == "fw-b-eni")
    assert fw_b.decision.value == "SECURITY_GROUP_INGRESS_ALLOW"


def test_R8_10_appliance_mode_keeps_both_directions_in_one_az() -> None:
    trace = load("R8_10_inspection_with_appliance_mode").trace("a-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert _firewalls(trace.forward) == _firewalls(trace.reply) == {"fw-a-eni"}
    assert "eni-att-insp-us-east-1b" not in components(trace.reply)
    fw_a = next(h for h in trace.reply if h.component == "fw-a-eni")
    assert fw_a.decision.value == "SECURITY_GROUP_ESTABLISHED"


def test_R8_10_az_choice_falls_back_to_the_destination_az() -> None:
    # [E] c-1 is in us-east-1c, where the appliance VPC has no subnet: vpcsim takes the destination's AZ
    # (us-east-1b, one of the two AZs AWS would hash between), not the first AZ by name.
    trace = load("R8_10_inspection_with_appliance_mode").trace("c-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert "eni-att-insp-us-east-1b" in components(trace.forward)
    assert _firewalls(trace.forward) == _firewalls(trace.reply) == {"fw-b-eni"}


def test_R8_10_appliance_mode_applies_to_flows_from_a_vpn() -> None:
    # Current text: appliance mode holds for flows arriving from VPN attachments too. The site has no AZ:
    # [E] the destination's AZ is used, and kept for the reply.
    trace = load("R8_10_inspection_with_appliance_mode").trace("dc", "a-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward)[:2] == ["rt-spokes", "eni-att-insp-us-east-1a"]
    assert _firewalls(trace.forward) == _firewalls(trace.reply) == {"fw-a-eni"}
    assert trace.reply[-1].component == "dc"


# -- R8.11 NACLs around a TGW ENI (trap 12) ----------------------------------------------------------------


def test_R8_11_same_subnet_nacl_out_and_in_towards_tgw_none_back() -> None:
    trace = load("R8_11_nacl_with_tgw_eni").trace("app-1", "peer-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert _nacls(trace.forward) == ["acl-tgw egress", "acl-tgw ingress"]
    # TGW -> app-1 in the TGW ENI's own subnet: no NACL at all (acl-tgw egress would deny 10.1.0.0/24).
    assert components(trace.reply)[-3:] == ["tgw-default", "eni-att-app-us-east-1a", "eni-app-1"]
    assert [n for n in _nacls(trace.reply) if n.startswith("acl-")] == []


def test_R8_11_same_subnet_inbound_rule_applies_to_traffic_towards_tgw() -> None:
    # app-3 shares app-a with the TGW ENI; acl-tgw's inbound rule 50 denies its address on the way in.
    trace = load("R8_11_nacl_with_tgw_eni").trace("app-3", "peer-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-3", "acl-tgw", "app-rt", "acl-tgw"]
    assert trace.forward[-1].rule == "acl-tgw ingress 50 deny"
    assert trace.explanations[0].code == "SUBNET_ACL_RESTRICTION"


def test_R8_11_different_subnets_each_nacl_once_per_direction() -> None:
    trace = load("R8_11_nacl_with_tgw_eni").trace("app-2", "peer-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert _nacls(trace.forward)[:2] == ["acl-other egress", "acl-tgw ingress"]
    assert [n for n in _nacls(trace.reply) if n.startswith("acl-")] == ["acl-tgw egress", "acl-other ingress"]
    assert components(trace.reply)[-5:] == [
        "eni-att-app-us-east-1a", "acl-tgw", "app-rt", "acl-other", "eni-app-2"]


# -- R8.12 overlapping VPCs --------------------------------------------------------------------------------


def test_R8_12_overlapping_vpc_cidr_not_propagated() -> None:
    net = load("R8_12_overlapping_vpc_not_propagated")
    assert [r.label for r in net.compiled.tgw_route_tables["rt-shared"].routes] == [
        "10.1.0.0/16 -> att-a (propagated vpc)", "10.2.0.0/16 -> att-b (propagated vpc)",
        "10.3.0.0/16 -> att-c (propagated vpc)"]
    # 10.2.128.10 follows b's /16 into b, where nobody has it.
    trace = net.trace("a-1", "b2-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert _tgw_rules(trace.forward) == ["10.2.0.0/16 -> att-b (propagated vpc)"]
    assert components(trace.forward)[-4:] == ["eni-att-b-us-east-1a", "b-default-acl", "b-rt", "b-rt"]


def test_R8_12_overlap_is_checked_per_route_table() -> None:
    # [D] rt-iso holds no route of b, so b2's CIDR propagates there and c, associated with rt-iso, reaches b2.
    net = load("R8_12_overlapping_vpc_not_propagated")
    assert [r.label for r in net.compiled.tgw_route_tables["rt-iso"].routes] == [
        "10.2.128.0/17 -> att-b2 (propagated vpc)"]
    assert net.trace("c-1", "b2-1", protocol="tcp", port=22).disposition is Disposition.ACCEPTED


# -- R8.14 defaults ----------------------------------------------------------------------------------------


def test_R8_14_default_association_and_propagation() -> None:
    net = load("R8_14_tgw_defaults")
    trace = net.trace("a-1", "b-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert _tgw_rules(trace.forward) == ["10.2.0.0/16 -> att-b (propagated vpc)"]
    tables = [h.component for h in trace.forward if h.kind.value == "transit_gateway_route_table"]
    assert tables == ["tgw-default"]
    assert net.compiled.tgw_attachments["att-a"].route_table == "tgw-default"


def test_R8_14_sg_referencing_is_off_by_default() -> None:
    trace = load("R8_14_tgw_defaults").trace("a-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.DENIED
    assert trace.forward[-1].component == "eni-b-1"
    assert trace.explanations[0].code == "SG_REFERENCING_SUPPORT"


# -- R8.15 SG referencing across a TGW (trap 5) ------------------------------------------------------------


def test_R8_15_inbound_sg_reference_matches_when_enabled_on_tgw_and_attachments() -> None:
    trace = load("R8_15_sg_referencing").trace("a-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[-1].component == "eni-b-1"
    assert trace.forward[-1].rule == "b-app ingress #1"


def test_R8_15_attachment_without_sg_referencing_loses_the_identity() -> None:
    trace = load("R8_15_sg_referencing").trace("c-1", "b-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.DENIED
    assert trace.forward[-1].component == "eni-b-1"
    assert trace.explanations[0].code == "SG_REFERENCING_SUPPORT"


def test_R8_15_outbound_sg_reference_never_matches_across_tgw() -> None:
    trace = load("R8_15_sg_referencing").trace("a-1", "b-1", protocol="tcp", port=80)
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-a-1"]
    assert trace.forward[0].direction == "egress"


# -- R8.17 peering -----------------------------------------------------------------------------------------


def test_R8_17_tgw_peering_with_static_routes() -> None:
    net = load("R8_17_tgw_peering")
    trace = net.trace("a-1", "b-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert _tgw_rules(trace.forward) == [
        "10.2.0.0/16 -> peer-east (static)", "10.2.0.0/16 -> att-b (propagated vpc)"]
    assert _tgw_rules(trace.reply) == [
        "10.1.0.0/16 -> peer-west (static)", "10.1.0.0/16 -> att-a (propagated vpc)"]
    # c has no static route on tgw-east: peering propagates nothing.
    missing = net.trace("a-1", "c-1", protocol="tcp", port=443)
    assert missing.disposition is Disposition.NO_ROUTE
    assert missing.forward[-1].component == "rt-east"
    assert missing.explanations[0].code == "TGW_RTB_CANNOT_ROUTE"


# -- R8.19 return path -------------------------------------------------------------------------------------


def test_R8_19_tcp_through_a_tgw_is_analysed_both_ways() -> None:
    # Reachability Analyzer checks TCP through TGW route tables forward only; vpcsim walks the reply too,
    # through the table associated with the destination's attachment.
    trace = load("R8_2_association").trace("a-1", "b-1", protocol="tcp", port=22)
    assert [h.component for h in trace.reply if h.kind.value == "transit_gateway_route_table"] == ["rt-main"]
    assert trace.answered is not None and trace.answered.tcp_flags == "SA"


# -- replies must match: an asymmetric way back across the TGW, through a NAT gateway (docs/semantics.md) ----


def test_R8_8_reply_through_a_nat_gateway_across_the_tgw_reaches_the_client_rewritten() -> None:
    net = load("R8_8_reply_through_nat_across_tgw")
    trace = net.trace("app-1", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.REPLY_MISMATCH
    assert components(trace.reply) == ["eni-web-1", "b-default-acl", "web-rt", "b-default-acl", "nat-b",
                                       "b-default-acl", "nat-rt", "b-default-acl", "eni-att-b-us-east-1a",
                                       "tgw-default", "eni-att-a-us-east-1a", "eni-app-1"]
    heard = trace.reply[-1].packet
    assert (heard.source, heard.src_port, heard.destination, heard.dst_port) == \
        ("10.2.0.10", 1024, "10.1.0.10", 49152)
    [why] = trace.explanations
    assert (why.code, why.component) == ("NGW_REWROTE_REPLY", "nat-b")
    # api-1's subnet sends the reply straight to the TGW: symmetric, reachable.
    assert net.trace("app-1", "api-1", protocol="tcp", port=443).disposition is Disposition.ACCEPTED
