"""aws-semantics §6: NAT gateways (R6.1-R6.14, trap 7).

Not simulated: capacity and bandwidth limits (R6.5, R6.12), the 350 s idle timeout (R6.7) and regional
NAT gateways (R6.13, R6.15) — the schema has zonal NAT gateways only.
"""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, drop_of, hop_at, load

import vpcsim
from vpcsim import Disposition, TopologyError
from vpcsim.engine.events import Arrival, At, Context
from vpcsim.engine.packet import Packet
from vpcsim.engine.simulate import walk
from vpcsim.engine.state import State
from vpcsim.ip import parse_address
from vpcsim.protocols import TCP

# app-1 -> NAT (private subnet side) -> NAT -> NAT subnet -> IGW: the request's hops in R6_4.
THROUGH_NAT = ["eni-app-1", "vpc-default-acl", "private-rt", "vpc-default-acl", "nat-a", "vpc-default-acl",
               "public-rt", "igw", "internet"]
TO_NAT = ["eni-app-1", "vpc-default-acl", "private-rt", "vpc-default-acl", "nat-a"]
BACK_THROUGH_NAT = ["igw", "vpc-default-acl", "nat-a", "vpc-default-acl", "public-rt", "vpc-default-acl",
                    "eni-app-1"]




# -- R6.1-R6.3 connectivity types --------------------------------------------------------------------


def test_R6_2_public_nat_gateway_needs_an_elastic_ip_and_a_private_one_has_none() -> None:
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / "R6_2_nat_gateway_addresses_invalid.yaml")
    messages = [d.message for d in error.value.diagnostics]
    assert any("public NAT gateway needs an 'elastic_ip' (R6.2)" in m for m in messages)
    assert any("private NAT gateway has no Elastic IP (R6.3)" in m for m in messages)


def test_R6_3_private_nat_gateway_translates_towards_a_vgw() -> None:
    net = load("R6_3_private_nat_gateway")
    trace = net.trace("app-1", "dc", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "private-a-rt", "vpc-default-acl",
                                         "nat-vpn", "vpc-default-acl", "to-vgw-rt", "vgw", "dc"]
    # On-premises sees the private NAT gateway's address, not the instance's.
    assert trace.forward[-1].packet.source == "10.0.0.10"
    assert components(trace.reply) == ["vgw", "vpc-default-acl", "nat-vpn", "vpc-default-acl", "to-vgw-rt",
                                       "vpc-default-acl", "eni-app-1"]
    assert trace.reply[-1].packet.destination == "10.0.1.10"


def test_R6_3_private_nat_gateway_routed_to_an_igw_is_dropped() -> None:
    net = load("R6_3_private_nat_gateway")
    trace = net.trace("app-2", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-app-2", "vpc-default-acl", "private-b-rt", "vpc-default-acl",
                                         "nat-igw", "vpc-default-acl", "to-igw-rt", "igw"]
    assert drop_of(trace).code == "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"


# -- R6.4 translation ---------------------------------------------------------------------------------


def test_R6_4_nat_gateway_rewrites_the_source_to_its_private_ip_and_a_high_port() -> None:
    net = load("R6_4_nat_gateway_translation")
    trace = net.trace("app-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    # No security group at the NAT gateway (R6.9): its subnet's NACL on the way in and out, nothing else.
    assert components(trace.forward) == THROUGH_NAT
    nat = hop_at(trace.forward, "nat-a")
    assert nat.decision.value == "TRANSLATE"
    assert nat.packet.source == "10.0.0.10"                       # the NAT's PRIVATE IP, not its EIP
    assert 1024 <= nat.packet.src_port <= 65535
    assert (nat.packet.destination, nat.packet.dst_port) == ("192.0.2.80", 443)   # destination unchanged
    assert nat.rule == f"SNAT 10.0.1.10:49152 -> 10.0.0.10:{nat.packet.src_port}"
    # The IGW then maps the NAT's private IP 1:1 to its Elastic IP (R5.2).
    igw = hop_at(trace.forward, "igw")
    assert igw.rule == "1:1 NAT 10.0.0.10 -> 203.0.113.50"
    assert (trace.forward[-1].packet.source, trace.forward[-1].packet.src_port) == ("203.0.113.50",
                                                                                     nat.packet.src_port)

    # The answer is translated back to app-1's address and port; app-1's SG has no ingress rule at all.
    assert components(trace.reply) == BACK_THROUGH_NAT
    back = hop_at(trace.reply, "nat-a")
    assert (back.packet.destination, back.packet.dst_port) == ("10.0.1.10", 49152)
    assert back.packet.source == "192.0.2.80"
    assert trace.reply[-1].decision.value == "SECURITY_GROUP_ESTABLISHED"


@pytest.mark.parametrize(("protocol", "port"), [("udp", 53), ("icmp", None)])
def test_R6_4_nat_gateway_translates_udp_and_icmp_echo(protocol: str, port: int | None) -> None:
    net = load("R6_4_nat_gateway_translation")
    trace = net.trace("app-1", "internet:192.0.2.80", protocol=protocol, port=port)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == THROUGH_NAT
    assert components(trace.reply) == BACK_THROUGH_NAT
    nat = hop_at(trace.forward, "nat-a")
    # UDP: source port remapped; ICMP: the echo identifier is remapped in the same range.
    assert nat.packet.source == "10.0.0.10" and 1024 <= nat.packet.src_port <= 65535
    assert trace.reply[-1].packet.destination == "10.0.1.10"
    assert trace.reply[-1].packet.dst_port == (49152 if protocol == "udp" else 0)


# -- R6.6 protocols -----------------------------------------------------------------------------------


def test_R6_6_nat_gateway_translates_tcp_udp_and_icmp_only() -> None:
    net = load("R6_4_nat_gateway_translation")
    trace = net.trace("app-1", "internet:192.0.2.80", protocol=47)      # GRE
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == TO_NAT
    assert drop_of(trace).code == "PROTOCOL_RESTRICTION"


# -- R6.8 no inbound ----------------------------------------------------------------------------------


def test_R6_8_nat_gateway_accepts_no_connection_from_outside() -> None:
    net = load("R6_4_nat_gateway_translation")
    # From the internet to the NAT gateway's Elastic IP: the IGW maps it to the private IP, the NAT drops it.
    inbound = net.trace("internet:192.0.2.80", "nat-a", protocol="tcp", port=443)
    assert inbound.disposition is Disposition.NO_ROUTE
    assert components(inbound.forward) == ["igw", "vpc-default-acl", "nat-a"]
    assert drop_of(inbound).code == "NGW_NO_INBOUND_INITIATION"
    # It does not answer a ping on its private IP either, even from inside the VPC.
    ping = net.trace("app-1", "nat-a", protocol="icmp")
    assert ping.disposition is Disposition.NO_ROUTE
    assert components(ping.forward) == TO_NAT
    assert drop_of(ping).code == "NGW_NO_INBOUND_INITIATION"


# -- R6.9 the NAT subnet's NACL -----------------------------------------------------------------------


def test_R6_9_nat_subnet_nacl_applies_to_the_answers_too() -> None:
    net = load("R6_9_nat_subnet_nacl")
    trace = net.trace("app-1", "internet:192.0.2.80", protocol="tcp", port=443)
    # The request is admitted by nat-acl ingress 100 and leaves by egress 100 ...
    assert trace.disposition is Disposition.REPLY_DENIED
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "private-rt", "nat-acl", "nat-a",
                                         "nat-acl", "public-rt", "igw", "internet"]
    assert trace.forward[3].rule == "nat-acl ingress 100 allow"
    # ... but the answer to the NAT's translated port (1024-65535) finds no inbound rule.
    assert components(trace.reply) == ["igw", "nat-acl"]
    drop = drop_of(trace)
    assert (drop.code, drop.rule, drop.direction) == ("SUBNET_ACL_RESTRICTION", "nat-acl ingress * deny",
                                                      "ingress")
    assert drop.packet.dst_port == hop_at(trace.forward, "nat-a").packet.src_port

    # With the ephemeral-port rule the conversation completes.
    fixed = load("R6_9_nat_subnet_nacl_with_ephemeral_ports").trace("app-1", "internet:192.0.2.80",
                                                                    protocol="tcp", port=443)
    assert fixed.disposition is Disposition.EXITS_NETWORK
    assert fixed.reply[1].rule == "nat-acl ingress 110 allow"


# -- R6.10 who may use it -----------------------------------------------------------------------------


def test_R6_10_nat_gateway_serves_traffic_from_a_transit_gateway_attachment() -> None:
    net = load("R6_10_nat_gateway_source_must_be_in_vpc")
    trace = net.trace("spoke-tgw-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == [
        "eni-spoke-tgw-1", "spoke-tgw-default-acl", "spoke-rt", "spoke-tgw-default-acl",
        "eni-att-spoke-us-east-1a", "tgw-rt", "eni-att-egress-us-east-1a", "egress-default-acl", "attach-rt",
        "egress-default-acl", "nat-a", "egress-default-acl", "public-rt", "igw", "internet"]
    assert hop_at(trace.forward, "nat-a").packet.source == "10.0.0.10"
    assert trace.forward[-1].packet.source == "203.0.113.50"
    # The answer goes back through the NAT gateway and the TGW to the spoke.
    assert components(trace.reply)[:4] == ["igw", "egress-default-acl", "nat-a", "egress-default-acl"]
    assert trace.reply[-1].component == "eni-spoke-tgw-1"


def test_R6_10_peered_vpc_cannot_use_the_nat_gateway() -> None:
    net = load("R6_10_nat_gateway_source_must_be_in_vpc")
    trace = net.trace("spoke-peer-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    # The peering refuses a packet not addressed into the egress VPC: it never gets near nat-a.
    assert components(trace.forward) == ["eni-spoke-peer-1", "spoke-peer-default-acl", "peer-rt", "pcx"]
    assert drop_of(trace).code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"


@pytest.mark.parametrize("entered_via", ["peering", "vgw"])
def test_R6_10_nat_gateway_refuses_packets_from_peering_vpn_or_direct_connect(entered_via: str) -> None:
    # Defence in depth: should such a packet ever reach the NAT gateway, it is not translated.
    net = load("R6_10_nat_gateway_source_must_be_in_vpc").compiled
    packet = Packet(4, parse_address("10.2.0.10")[1], parse_address("192.0.2.80")[1], TCP, 49152, 443,
                    tcp_flags="S")
    arrival = Arrival(At.ENI_IN, "eni-nat-a", packet, Context(vpc="egress", entered_via=entered_via))
    hops, end = walk(net, State(), arrival)
    assert end.how == "dropped"
    assert [(h.component, h.code) for h in hops] == [("nat-a", "NGW_REQUIRES_SOURCE_IN_VPC")]


# -- R6.11 NAT64 --------------------------------------------------------------------------------------


def test_R6_11_nat64_translates_ipv6_to_ipv4_and_back() -> None:
    net = load("R6_11_nat64")
    trace = net.trace("app-1", "internet:64:ff9b::c000:250", protocol="tcp", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == THROUGH_NAT
    assert trace.forward[2].rule == "64:ff9b::/96 -> nat-a"
    nat = hop_at(trace.forward, "nat-a")
    # IPv6 in, IPv4 out: source -> the NAT's private IPv4, destination -> the last 32 bits.
    assert (nat.packet.family, nat.packet.source, nat.packet.destination) == (4, "10.0.0.10", "192.0.2.80")
    assert 1024 <= nat.packet.src_port <= 65535
    assert trace.forward[-1].packet.source == "203.0.113.50"
    # The answer becomes IPv6 again, from the 64:ff9b:: address app-1 talked to.
    assert components(trace.reply) == BACK_THROUGH_NAT
    back = hop_at(trace.reply, "nat-a")
    assert (back.packet.family, back.packet.source, back.packet.destination, back.packet.dst_port) == \
        (6, "64:ff9b::c000:250", "2600:1f18:aaaa:ab01::10", 49152)

    ping = net.trace("app-1", "internet:64:ff9b::c000:250", protocol="icmp")
    assert ping.disposition is Disposition.EXITS_NETWORK
    assert hop_at(ping.forward, "nat-a").packet.protocol_name == "icmp"
    assert hop_at(ping.reply, "nat-a").packet.icmp_type == 129      # ICMPv6 echo reply


# -- R6.14 the NAT subnet must not route back to the NAT ---------------------------------------------


def test_R6_14_nat_subnet_routing_back_to_its_nat_gateway_loops() -> None:
    net = load("R6_14_nat_subnet_routes_to_itself")
    trace = net.trace("app-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert trace.disposition is Disposition.LOOP
    # The translated packet leaves nat-a, meets 0.0.0.0/0 -> nat-a again, and again ...
    assert components(trace.forward)[:7] == ["eni-app-1", "vpc-default-acl", "nat-rt", "vpc-default-acl",
                                             "nat-a", "vpc-default-acl", "nat-rt"]
    assert components(trace.forward).count("nat-a") > 2
    assert drop_of(trace).code == "LOOP"
    assert trace.explanations[0].code == "LOOP"


# -- replies must match: a NAT gateway on the return path only (docs/semantics.md) -------------------------


def test_R6_4_reply_leaving_through_a_nat_gateway_reaches_the_client_from_another_address() -> None:
    net = load("R6_4_reply_through_nat_gateway")
    trace = net.trace("internet:192.0.2.80", "web-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.REPLY_MISMATCH
    assert not trace.reachable
    assert components(trace.forward) == ["igw", "vpc-default-acl", "eni-web-1"]
    assert components(trace.reply) == ["eni-web-1", "vpc-default-acl", "to-nat", "vpc-default-acl", "nat-a",
                                       "vpc-default-acl", "to-igw", "igw", "internet"]
    # The client called 198.51.100.7:22 and hears from the NAT's Elastic IP and a port of its own.
    heard = trace.reply[-1].packet
    assert (heard.source, heard.src_port, heard.destination, heard.dst_port) == \
        ("203.0.113.60", 1024, "192.0.2.80", 49152)
    [why] = trace.explanations
    assert (why.code, why.component, why.path.value) == ("NGW_REWROTE_REPLY", "nat-a", "return")
    assert why.message.startswith("nat-a rewrote the reply's source 10.0.1.10:22 to 10.0.0.10:1024: ")
    assert "asymmetric routing" in why.message
    assert "called 198.51.100.7:22 and hears from 203.0.113.60:1024" in why.message
    # The NAT gateway still does its job for what it is there for: app-1's own connections out.
    out = net.trace("app-1", "internet:192.0.2.80", protocol="tcp", port=443)
    assert out.disposition is Disposition.EXITS_NETWORK


def test_R6_3_private_nat_gateway_on_the_return_path_rewrites_the_reply() -> None:
    net = load("R6_3_reply_through_private_nat_gateway")
    trace = net.trace("app-1", "web-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.REPLY_MISMATCH
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "vpc-main", "vpc-default-acl",
                                         "eni-web-1"]
    assert components(trace.reply) == ["eni-web-1", "vpc-default-acl", "web-rt", "vpc-default-acl", "nat-p",
                                       "vpc-default-acl", "vpc-main", "vpc-default-acl", "eni-app-1"]
    # Delivered to app-1 (its group admits 100.64.0.0/16), but not as the answer to what it sent.
    assert trace.reply[-1].decision.value == "SECURITY_GROUP_INGRESS_ALLOW"
    assert hop_at(trace.reply, "nat-p").rule == "SNAT 10.0.1.10:22 -> 100.64.1.5:1024"
    [why] = trace.explanations
    assert (why.code, why.component) == ("NGW_REWROTE_REPLY", "nat-p")
    assert why.message.startswith("nat-p rewrote the reply's source 10.0.1.10:22 to 100.64.1.5:1024: ")
    assert why.fix == "route the reply back the way the request came: in the replier's subnet route table, " \
                      "a route for 10.0.2.20 that avoids nat-p"
    # db-1's subnet answers by the local route: the reply is the request reversed.
    assert net.trace("app-1", "db-1", protocol="tcp", port=22).disposition is Disposition.ACCEPTED


def test_R6_11_nat64_reply_comes_back_as_the_request_reversed() -> None:
    net = load("R6_11_nat64")
    for protocol in ("tcp", "udp", "icmp"):
        trace = net.trace("app-1", "internet:64:ff9b::c000:250", protocol=protocol)
        assert trace.disposition is Disposition.EXITS_NETWORK, protocol
        sent, heard = trace.sent, trace.reply[-1].packet
        assert sent is not None and heard.family == sent.family == 6
        assert (heard.src, heard.dst, heard.protocol) == (sent.dst, sent.src, sent.protocol)
