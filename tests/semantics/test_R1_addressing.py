"""aws-semantics §1: the addressing rules that decide forwarding (R1.6, R1.11, R1.12, R1.14)."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, decisions, load

import vpcsim
from vpcsim import Disposition, TopologyError
from vpcsim.ip import parse_address


def test_R1_6_every_vpc_cidr_is_a_local_route_in_every_table() -> None:
    net = load("R1_6_local_route_per_cidr")
    trace = net.trace("app-1", "data-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    # The main table reaches the secondary CIDR, the custom table the primary one: both got a local route
    # for each VPC CIDR without any route written by hand.
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "vpc-main", "vpc-default-acl",
                                         "eni-data-1"]
    assert trace.forward[2].rule == "10.1.0.0/16 local"
    assert components(trace.reply)[2] == "data-rt"
    assert trace.reply[2].rule == "10.0.0.0/16 local"


def test_R1_11_default_route_of_one_family_never_matches_the_other() -> None:
    net = load("R1_11_ipv4_ipv6_routes_independent")
    # 0.0.0.0/0 -> igw carries IPv4 ...
    v4 = net.trace("a-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert v4.disposition is Disposition.EXITS_NETWORK
    assert components(v4.forward) == ["eni-a-1", "vpc-default-acl", "v4-only-rt", "igw", "internet"]
    # ... but not IPv6 from the same instance: the table has no ::/0.
    v6 = net.trace("a-1", "internet:2001:db8::1", protocol="tcp", port=443)
    assert v6.disposition is Disposition.NO_ROUTE
    assert components(v6.forward) == ["eni-a-1", "vpc-default-acl", "v4-only-rt"]
    assert v6.forward[-1].code == "NO_ROUTE_TO_DESTINATION"
    assert v6.forward[-1].packet.destination == "2001:db8::1"


def test_R1_11_ipv6_default_route_does_not_carry_ipv4() -> None:
    net = load("R1_11_ipv4_ipv6_routes_independent")
    v6 = net.trace("b-1", "internet:2001:db8::1", protocol="tcp", port=443)
    assert v6.disposition is Disposition.EXITS_NETWORK
    assert v6.forward[2].rule == "::/0 -> igw"
    v4 = net.trace("b-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert v4.disposition is Disposition.NO_ROUTE          # b-1's public IPv4 does not help: no 0.0.0.0/0
    assert components(v4.forward) == ["eni-b-1", "vpc-default-acl", "v6-only-rt"]
    assert v4.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


@pytest.mark.parametrize("destination", ["169.254.171.10", "fd00:ec2:0:1::10"])
def test_R1_12_reserved_link_local_ranges_are_never_forwarded(destination: str) -> None:
    net = load("R1_12_reserved_link_local_never_forwarded")
    trace = net.trace("web-1", destination, protocol="tcp", port=443)
    # 0.0.0.0/0 and ::/0 -> igw cover the address, yet the VPC router does not forward it.
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["eni-web-1", "vpc-default-acl", "public-rt"]
    assert decisions(trace.forward)[-1] == "NO_ROUTE"
    assert trace.forward[-1].code == "NO_ROUTE_TO_DESTINATION"
    assert "R1.12" in (trace.forward[-1].message or "")
    # Negative: the same covering route does carry an ordinary internet address.
    outside = net.trace("web-1", "internet:192.0.2.1", protocol="tcp", port=443)
    assert outside.disposition is Disposition.EXITS_NETWORK
    assert components(outside.forward) == ["eni-web-1", "vpc-default-acl", "public-rt", "igw", "internet"]


def test_R1_12_route_into_the_reserved_range_is_rejected() -> None:
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / "R1_12_route_into_reserved_range.yaml")
    assert any("R1.12" in d.message for d in error.value.diagnostics)


def test_R1_14_public_ip_maps_to_the_primary_private_ip() -> None:
    net = load("R1_14_inbound_to_primary_private_ip")
    trace = net.trace("internet", "web-1", protocol="tcp", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["igw", "vpc-default-acl", "eni-web-1"]
    assert trace.forward[0].rule == "1:1 NAT 203.0.113.10 -> 10.0.1.10"
    # The instance sees its primary private IP (not the secondary 10.0.1.11, never the public IP).
    assert trace.forward[-1].packet.destination == "10.0.1.10"
    assert trace.forward[-1].packet.source == "1.0.0.0"      # internet is a set: its first atom answers
    # The reply is mapped back to the public IP on its way out.
    assert trace.reply[-2].rule == "1:1 NAT 10.0.1.10 -> 203.0.113.10"
    assert trace.reply[-1].packet.source == "203.0.113.10"


# -- R1.14 map_public_ip: a public IPv4 address at launch, on eth0 only ----------------------------------------

def test_R1_14_map_public_ip_gives_an_instance_a_stand_in_public_ip_that_the_internet_reaches() -> None:
    net = load("R1_14_map_public_ip_on_launch")
    trace = net.trace("internet", "bastion", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["igw", "vpc-default-acl", "eni-bastion"]
    # 203.0.113.220 (the hash's first pick) is fixed's, 203.0.113.221 an SG rule's source: never reused.
    assert trace.forward[0].rule == "1:1 NAT 203.0.113.222 -> 10.0.1.10"
    assert trace.reply[-1].packet.source == "203.0.113.222"
    # Announced once, as a note that --strict does not count as a warning.
    notes = [w for w in net.warnings if "map_public_ip" in w.message]
    assert [(n.severity, n.message) for n in notes] == [
        ("note", "1 instance in subnets with map_public_ip got a stand-in public IP from a documentation range "
                 "(RFC 5737): bastion 203.0.113.222")]
    assert vpcsim.load(TOPOLOGIES / "R1_14_map_public_ip_on_launch.yaml", strict=True, cache=False) \
        .compiled.enis["eni-bastion"].public_ip == net.compiled.enis["eni-bastion"].public_ip


def test_R1_14_stand_in_public_ip_is_the_same_on_every_load() -> None:
    first = load("R1_14_map_public_ip_on_launch").compiled.enis["eni-bastion"].public_ip
    again = vpcsim.load(TOPOLOGIES / "R1_14_map_public_ip_on_launch.yaml", cache=False)
    assert again.compiled.enis["eni-bastion"].public_ip == first is not None


def test_R1_14_public_ip_none_opts_an_instance_out_of_map_public_ip() -> None:
    net = load("R1_14_map_public_ip_on_launch")
    assert net.compiled.enis["eni-quiet"].public_ip is None
    trace = net.trace("internet", "quiet", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert trace.explanations[0].code == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"


def test_R1_14_map_public_ip_leaves_secondary_and_standalone_interfaces_and_written_addresses_alone() -> None:
    enis = load("R1_14_map_public_ip_on_launch").compiled.enis
    assert enis["bastion-eth1"].public_ip is None         # device index 1: AWS maps eth0 only
    assert enis["loose"].public_ip is None                # created on its own, not at a launch
    assert (enis["eni-fixed"].public_ip, enis["eni-fixed"].elastic) == (parse_address("203.0.113.220")[1], False)
    assert (enis["eni-eip"].public_ip, enis["eni-eip"].elastic) == (parse_address("192.0.2.50")[1], True)
