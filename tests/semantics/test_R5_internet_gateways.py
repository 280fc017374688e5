"""aws-semantics §5: internet gateways and egress-only internet gateways (R5.1-R5.9, R1.14, trap 8).

R5.10 (VPC Block Public Access) is not in the topology schema and is not simulated.
"""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, drop_of, hop_at, load

import vpcsim
from vpcsim import Disposition, TopologyError

# -- R5.1 what internet access needs ------------------------------------------------------------------


def test_R5_1_internet_access_needs_a_route_to_the_igw() -> None:
    net = load("R5_1_public_subnet_needs_igw_route")
    # web-1: IGW attached, 0.0.0.0/0 -> igw in its subnet's table, a public IP, default SG egress.
    web = net.trace("web-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert web.disposition is Disposition.EXITS_NETWORK
    assert components(web.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw", "internet"]

    # stranded-1 has a public IP too, but its subnet's table has no route to the IGW: not a public subnet.
    stranded = net.trace("stranded-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert stranded.disposition is Disposition.NO_ROUTE
    assert components(stranded.forward) == ["eni-stranded-1", "vpc-default-acl", "vpc-main"]
    assert drop_of(stranded).code == "NO_ROUTE_TO_DESTINATION"

    # Inbound, the IGW still translates its public IP and delivers; the answer has no way back out.
    inbound = net.trace("internet", "stranded-1", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.REPLY_DENIED
    assert components(inbound.forward) == ["igw", "vpc-default-acl", "eni-stranded-1"]
    assert components(inbound.reply) == ["eni-stranded-1", "vpc-default-acl", "vpc-main"]
    assert inbound.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


# -- R5.2 / R5.4 1:1 NAT ------------------------------------------------------------------------------


def test_R5_2_igw_translates_the_source_to_the_public_ip() -> None:
    net = load("R5_2_igw_one_to_one_nat")
    trace = net.trace("web-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw", "internet"]
    # The instance sends from its private IP; what leaves the IGW carries the public IP mapped to it.
    assert trace.forward[0].packet.source == "10.0.1.10"
    igw = hop_at(trace.forward, "igw")
    assert igw.decision.value == "TRANSLATE" and igw.rule == "1:1 NAT 10.0.1.10 -> 203.0.113.10"
    assert (igw.packet.source, igw.packet.destination) == ("203.0.113.10", "192.0.2.80")
    assert trace.forward[-1].packet.source == "203.0.113.10"
    # The answer is addressed to the public IP and translated back before it reaches the instance.
    assert components(trace.reply) == ["igw", "vpc-default-acl", "eni-web-1"]
    assert trace.reply[0].packet.destination == "10.0.1.10"

    # An Elastic IP is mapped the same way.
    elastic = net.trace("web-2", "internet:192.0.2.80", protocol="tcp", port=443)
    assert hop_at(elastic.forward, "igw").packet.source == "203.0.113.20"


def test_R5_4_inbound_to_a_public_ip_is_translated_to_the_private_ip() -> None:
    net = load("R5_2_igw_one_to_one_nat")
    trace = net.trace("internet:192.0.2.80", "web-2", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["igw", "vpc-default-acl", "eni-web-2"]
    igw = trace.forward[0]
    assert igw.rule == "1:1 NAT 203.0.113.20 -> 10.0.1.20"
    assert (igw.packet.source, igw.packet.destination) == ("192.0.2.80", "10.0.1.20")
    assert trace.forward[-1].packet.destination == "10.0.1.20"     # the instance never sees its EIP
    # The answer leaves from the Elastic IP again.
    assert components(trace.reply) == ["eni-web-2", "vpc-default-acl", "public-rt", "igw", "internet"]
    assert trace.reply[-1].packet.source == "203.0.113.20"


def test_R5_4_inbound_to_an_address_without_a_public_mapping_is_dropped() -> None:
    net = load("R5_3_no_public_ip")
    trace = net.trace("internet:192.0.2.80", "worker-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["igw"]
    assert drop_of(trace).code == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"


# -- R5.3 no public address, no IPv4 internet --------------------------------------------------------


def test_R5_3_instance_without_public_ip_cannot_reach_the_internet() -> None:
    net = load("R5_3_no_public_ip")
    trace = net.trace("worker-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    # Security group, NACL and route all say yes; the IGW has no public IP to map 10.0.1.20 to.
    assert components(trace.forward) == ["eni-worker-1", "vpc-default-acl", "public-rt", "igw"]
    assert drop_of(trace).code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
    assert trace.explanations[0].code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"

    # Same subnet, same table, with a public IP: out it goes.
    assert net.trace("web-1", "internet:192.0.2.80", protocol="tcp", port=443).disposition \
        is Disposition.EXITS_NETWORK


def test_R5_3_igw_drops_sources_that_are_not_interfaces_of_its_vpc() -> None:
    net = load("R5_3_igw_rejects_foreign_source")
    # A spoke's packet forwarded to the IGW by an appliance (with an EIP of its own) keeps the spoke's
    # source address; only a NAT gateway would have made it an address of this VPC.
    trace = net.trace("spoke-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-6:] == ["router-eni", "router-eni", "router-eni", "egress-default-acl",
                                              "public-rt", "igw"]
    drop = drop_of(trace)
    assert (drop.code, drop.packet.source) == ("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "10.1.0.10")
    assert drop.message is not None and "not a private IP of an interface in this VPC" in drop.message


def test_R1_14_public_ip_maps_only_the_primary_private_ip_of_eth0() -> None:
    net = load("R5_2_public_ip_maps_primary_private_ip")
    # From the primary private IP: translated to the auto-assigned public IP.
    primary = net.trace("10.0.1.10", "internet:192.0.2.80", protocol="tcp", port=443)
    assert primary.disposition is Disposition.EXITS_NETWORK
    assert hop_at(primary.forward, "igw").packet.source == "203.0.113.10"

    # From the secondary private IP of the same ENI: nothing is mapped to it.
    secondary = net.trace("10.0.1.11", "internet:192.0.2.80", protocol="tcp", port=443)
    assert secondary.disposition is Disposition.NO_ROUTE
    assert components(secondary.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw"]
    drop = drop_of(secondary)
    assert drop.code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
    assert drop.message is not None and "primary private IP 10.0.1.10" in drop.message

    # An Elastic IP can sit on any ENI, here the instance's second interface (device 1).
    second = net.trace("eni-web-1-b", "internet:192.0.2.80", protocol="tcp", port=443)
    assert second.disposition is Disposition.EXITS_NETWORK
    assert hop_at(second.forward, "igw").packet.source == "203.0.113.30"


# -- R5.5 private and shared address space never crosses an IGW ---------------------------------------


@pytest.mark.parametrize(("src", "dst", "code"), [
    ("web-1", "172.16.5.5", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"),
    ("web-1", "100.64.1.1", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"),
    ("internet:192.168.7.7", "web-1", "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"),
    ("internet:100.100.1.1", "web-1", "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS"),
])
def test_R5_5_igw_rejects_rfc1918_and_rfc6598_peers(src: str, dst: str, code: str) -> None:
    net = load("R5_5_igw_rejects_private_and_shared_peers")
    trace = net.trace(src, dst, protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert trace.forward[-1].component == "igw"
    assert drop_of(trace).code == code
    # Everything before the IGW allowed it: the route 0.0.0.0/0 -> igw covers these addresses.
    if src == "web-1":
        assert components(trace.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw"]


def test_R5_5_public_peers_pass() -> None:
    net = load("R5_5_igw_rejects_private_and_shared_peers")
    assert net.trace("web-1", "192.0.2.80", protocol="tcp", port=443).disposition is Disposition.EXITS_NETWORK
    assert net.trace("internet:100.128.0.1", "web-1", protocol="tcp", port=443).disposition \
        is Disposition.ACCEPTED       # just above 100.64.0.0/10


# -- R5.6 IPv6 ----------------------------------------------------------------------------------------


def test_R5_6_ipv6_crosses_the_igw_untranslated_both_ways() -> None:
    net = load("R5_6_igw_ipv6_no_translation")
    out = net.trace("web-1", "internet:2001:db8::80", protocol="tcp", port=443)
    assert out.disposition is Disposition.EXITS_NETWORK
    assert components(out.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw", "internet"]
    igw = hop_at(out.forward, "igw")
    assert igw.decision.value == "FORWARD" and igw.rule == "IPv6: no translation (R5.6)"
    assert out.forward[-1].packet.source == "2600:1f18:aaaa:ab01::10"

    # Unlike an egress-only IGW, the IGW admits IPv6 connections from the internet.
    inbound = net.trace("internet:2001:db8::80", "web-1", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.ACCEPTED
    assert components(inbound.forward) == ["igw", "vpc-default-acl", "eni-web-1"]
    assert inbound.forward[-1].packet.destination == "2600:1f18:aaaa:ab01::10"


# -- R5.7 private NAT gateway -------------------------------------------------------------------------


def test_R5_7_igw_drops_traffic_of_a_private_nat_gateway() -> None:
    net = load("R6_3_private_nat_gateway")
    trace = net.trace("app-2", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-3:] == ["vpc-default-acl", "to-igw-rt", "igw"]
    drop = drop_of(trace)
    assert drop.code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
    assert drop.packet.source == "10.0.2.10"                    # the NAT gateway's private IP
    assert drop.message is not None and "private NAT gateway" in drop.message


# -- R5.8 hairpin -------------------------------------------------------------------------------------


def test_R5_8_hairpin_to_a_public_ip_goes_out_and_back_in_through_the_igw() -> None:
    net = load("R5_8_hairpin_through_igw")
    trace = net.trace("client-1", "203.0.113.22", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    # Out through the IGW (source -> client's public IP), straight back in (destination -> api-2's
    # private IP).
    assert components(trace.forward) == ["eni-client-1", "vpc-default-acl", "public-rt", "igw", "igw",
                                         "vpc-default-acl", "eni-api-2"]
    out_nat, in_nat = trace.forward[3], trace.forward[4]
    assert (out_nat.packet.source, out_nat.packet.destination) == ("203.0.113.10", "203.0.113.22")
    assert (in_nat.packet.source, in_nat.packet.destination) == ("203.0.113.10", "10.0.2.20")
    # api-2 sees client-1's PUBLIC address: its rule for 203.0.113.10/32 is what admits it.
    assert trace.forward[-1].rule == "by-public-ip ingress #1"
    assert trace.forward[-1].packet.source == "203.0.113.10"
    assert components(trace.reply) == ["eni-api-2", "vpc-default-acl", "public-rt", "igw", "igw",
                                       "vpc-default-acl", "eni-client-1"]


def test_R5_8_hairpin_source_does_not_match_security_group_references() -> None:
    net = load("R5_8_hairpin_through_igw")
    # api-1 admits members of the `client` group; through the IGW the source is a public IP (R3.6).
    hairpin = net.trace("client-1", "203.0.113.21", protocol="tcp", port=443)
    assert hairpin.disposition is Disposition.DENIED
    assert components(hairpin.forward)[-3:] == ["igw", "vpc-default-acl", "eni-api-1"]
    assert drop_of(hairpin).code == "ENI_SG_RULES_MISMATCH"
    # Addressed by its private IP, the same flow stays inside the VPC and the reference matches.
    direct = net.trace("client-1", "api-1", protocol="tcp", port=443)
    assert direct.disposition is Disposition.ACCEPTED
    assert "igw" not in components(direct.forward)
    assert direct.forward[-1].rule == "by-group ingress #1"


# -- R5.9 egress-only internet gateway ---------------------------------------------------------------


def test_R5_9_egress_only_igw_carries_outbound_ipv6_and_its_answers() -> None:
    net = load("R5_9_egress_only_igw")
    trace = net.trace("app-1", "internet:2001:db8::80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "private-rt", "eigw", "internet"]
    assert trace.forward[-1].packet.source == "2600:1f18:aaaa:ab01::10"      # no translation
    assert components(trace.reply) == ["eigw", "vpc-default-acl", "eni-app-1"]
    assert trace.reply[0].rule == "answer to a tracked outbound flow (R5.9)"


def test_R5_9_egress_only_igw_refuses_connections_from_the_internet() -> None:
    net = load("R5_9_egress_only_igw")
    # The SG admits 443 from ::/0, but the gateway itself is stateful and outbound-only.
    trace = net.trace("internet:2001:db8::80", "app-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eigw"]
    assert drop_of(trace).code == "EIGW_INBOUND_NOT_ALLOWED"


def test_R5_9_egress_only_igw_is_ipv6_only() -> None:
    net = load("R5_9_egress_only_igw")
    # IPv4 has no route out of this subnet: ::/0 -> eigw does not cover it.
    trace = net.trace("app-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "private-rt"]
    # And an IPv4 route to the egress-only IGW is refused at load time.
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / "R5_9_egress_only_igw_ipv4_route.yaml")
    [problem] = error.value.diagnostics
    assert problem.message == "an egress-only internet gateway carries IPv6 only (R5.9)"


# -- replies must match: the IGW's 1:1 NAT on a way back the request did not take (docs/semantics.md) -------


def test_R5_2_reply_mapped_to_a_public_ip_by_an_igw_the_request_did_not_cross() -> None:
    net = load("R5_2_reply_through_another_gateway")
    trace = net.trace("office", "10.0.1.10", protocol="tcp", port=22)
    assert trace.disposition is Disposition.REPLY_MISMATCH
    assert components(trace.forward) == ["vgw", "vpc-default-acl", "eni-web-1"]
    assert components(trace.reply) == ["eni-web-1", "vpc-default-acl", "web-rt", "igw", "internet"]
    heard = trace.reply[-1].packet
    assert (heard.source, heard.src_port, heard.destination) == ("198.51.100.7", 22, "203.0.113.0")
    [why] = trace.explanations
    assert (why.code, why.component) == ("IGW_REWROTE_REPLY", "igw")
    assert why.message.startswith("igw rewrote the reply's source 10.0.1.10:22 to 198.51.100.7:22: ")
    assert why.fix is not None and why.fix.endswith("or call the replier at its public address 198.51.100.7")
    # app-1's subnet propagates the VGW's routes: its answer goes back over the VPN, unchanged.
    ok = net.trace("office", "10.0.2.10", protocol="tcp", port=22)
    assert ok.disposition is Disposition.ACCEPTED
    assert components(ok.reply)[-2:] == ["vgw", "office"]


def test_R5_4_reply_that_skips_the_igw_comes_back_untranslated() -> None:
    net = load("R5_2_reply_through_another_gateway")
    trace = net.trace("internet:203.0.113.10", "app-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.REPLY_MISMATCH
    assert components(trace.forward) == ["igw", "vpc-default-acl", "eni-app-1"]
    assert components(trace.reply) == ["eni-app-1", "vpc-default-acl", "app-rt", "vgw", "office"]
    heard = trace.reply[-1].packet
    assert (heard.source, heard.src_port) == ("10.0.2.10", 22)           # never mapped back to 198.51.100.8
    [why] = trace.explanations
    assert (why.code, why.component) == ("REPLY_NOT_TRANSLATED_BACK", "igw")
    assert "without passing igw, which translated the request (1:1 NAT 198.51.100.8 -> 10.0.2.10)" in why.message
