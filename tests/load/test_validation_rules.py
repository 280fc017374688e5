"""One test per check of ``vpcsim/load/validate.py`` (the checks live in ``vpcsim/load/checks/``), named after
the AWS rule it enforces (aws-semantics.md).

Each test loads the smallest topology that breaks the rule and pins the one diagnostic it must produce:
the message, the hint where it matters, and the line and column of the value at fault. The positive
tests at the end show what loads: includes, R1.2 canonical CIDRs, and AWS's defaults once compiled.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import vpcsim
from vpcsim.errors import Diagnostic, TopologyError
from vpcsim.load import load_topology

# Lines 1-8; whatever `vpc()` appends starts at line 9, indented under 'prod'.
BASE = """\
region: us-east-1
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: igw
    subnets:
      public-a: {cidr: 10.0.1.0/24, az: us-east-1a}
      private-a: {cidr: 10.0.2.0/24, az: us-east-1a}
"""


def unindent(text: str) -> str:
    """Drop the 8 spaces of source indentation the YAML literals below carry (and nothing more)."""
    return "".join(line[8:] if line.startswith(" " * 8) else line for line in text.splitlines(keepends=True))


def vpc(extra: str = "") -> str:
    """BASE followed by ``extra``, written 8 spaces deeper than its YAML depth (4 under 'prod')."""
    return BASE + unindent(extra)


def write(tmp_path: Path, text: str, name: str = "topology.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[Diagnostic, ...]:
    with pytest.raises(TopologyError) as info:
        load_topology(write(tmp_path, text))
    return info.value.diagnostics


def the_problem(tmp_path: Path, text: str) -> Diagnostic:
    """The one diagnostic ``text`` must produce (a second one would be noise in front of a user)."""
    found = problems(tmp_path, text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def at(d: Diagnostic) -> tuple[int, int, str]:
    return d.pos.line, d.pos.col, d.message


# --- names ----------------------------------------------------------------------------------------


def test_names_are_unique_within_a_kind_across_vpcs(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            security_groups:
              web: {}
          dev:
            cidr: 10.1.0.0/16
            security_groups:
              web: {}
        """))
    assert at(d) == (14, 7, "security group name 'web' is used twice")
    assert d.hint == (f"first defined at {tmp_path / 'topology.yaml'}:10:7; "
                      "names must be unique within their kind across the topology")


# --- §1 addressing --------------------------------------------------------------------------------


def secondary(primary: str, secondaries: str) -> str:
    """A VPC with a primary CIDR (line 3, column 11) and secondary CIDRs (line 4, the first at column 23)."""
    return f"vpcs:\n  prod:\n    cidr: {primary}\n    secondary_cidrs: [{secondaries}]\n"


def test_R1_1_vpc_cidr_larger_than_a_16_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/15\n")
    assert at(d) == (3, 11, "VPC CIDR 10.0.0.0/15 is a /15; VPC IPv4 blocks are /16 to /28 (R1.1)")


def test_R1_1_vpc_cidr_smaller_than_a_28_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/29\n")
    assert at(d) == (3, 11, "VPC CIDR 10.0.0.0/29 is a /29; VPC IPv4 blocks are /16 to /28 (R1.1)")
    assert d.hint == "use a prefix length between 16 and 28"


def test_R1_5_link_local_vpc_cidr_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, "vpcs:\n  prod:\n    cidr: 169.254.0.0/16\n")
    assert at(d) == (3, 11, "VPC CIDR 169.254.0.0/16 is in 169.254.0.0/16, which AWS never allows (R1.5)")


def test_R1_3_secondary_cidr_overlapping_the_primary_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, secondary("10.0.0.0/16", "10.0.128.0/17"))
    assert at(d) == (4, 23, "CIDR 10.0.128.0/17 overlaps 10.0.0.0/16 of the same VPC (R1.3)")
    assert d.hint == f"10.0.0.0/16 is at {tmp_path / 'topology.yaml'}:3:11"


def test_R1_5_secondary_cidr_from_another_private_range_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, secondary("10.0.0.0/16", "192.168.0.0/16"))
    assert at(d) == (4, 23, "secondary CIDR 192.168.0.0/16 is in 192.168.0.0/16 but the VPC's primary CIDR "
                     "is in 10.0.0.0/8 (R1.5)")
    assert d.hint == "pick the secondary CIDR from 10.0.0.0/8 or a public range"


def test_R1_5_secondary_cidr_in_198_19_is_rejected_unless_the_primary_is_there(tmp_path: Path) -> None:
    d = the_problem(tmp_path, secondary("100.64.0.0/16", "198.19.0.0/16"))
    assert at(d) == (4, 23, "secondary CIDR 198.19.0.0/16 is in 198.19.0.0/16, which is not allowed with the "
                            "primary CIDR 100.64.0.0/16 (R1.5)")
    ok = write(tmp_path, secondary("198.19.0.0/20", "198.19.16.0/20"), "ok.yaml")
    assert load_topology(ok).topology.vpcs["prod"].secondary_cidrs == ("198.19.16.0/20",)


def test_R1_5_private_secondary_cidr_with_a_public_primary_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, secondary("100.64.0.0/16", "10.0.0.0/16"))
    assert at(d) == (4, 23, "secondary CIDR 10.0.0.0/16 is private (RFC 1918) but the primary 100.64.0.0/16 "
                     "is not (R1.5)")


def test_R1_3_more_than_five_cidrs_is_a_warning_not_an_error(tmp_path: Path) -> None:
    five = ", ".join(f"10.{i}.0.0/16" for i in range(1, 6))
    path = write(tmp_path, secondary("10.0.0.0/16", five))
    loaded = load_topology(path)
    assert [(w.pos.line, w.pos.col, w.severity, w.message) for w in loaded.warnings] == [
        (4, 22, "warning", "6 IPv4 CIDRs exceed the default quota of 5 per VPC (R1.3); AWS raises it to 50 "
         "on request")]


def test_R1_10_ipv6_vpc_cidr_is_a_56(tmp_path: Path) -> None:
    d = the_problem(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    ipv6_cidrs: [2600:1f18::/64]\n")
    assert at(d) == (4, 18, "IPv6 VPC CIDR 2600:1f18::/64 is a /64; Amazon-provided blocks are /56 (R1.10)")


def test_R1_7_subnet_outside_vpc_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              public-b: {cidr: 10.9.1.0/24}
        """))
    assert at(d) == (9, 24, "subnet CIDR 10.9.1.0/24 is outside the CIDRs of VPC 'prod' (10.0.0.0/16) (R1.7)")
    assert d.hint == "pick a block inside the VPC CIDR, or add a secondary CIDR"


def test_R1_7_subnet_in_a_secondary_cidr_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    secondary_cidrs: [10.1.0.0/16]\n"
                           "    subnets:\n      a: {cidr: 10.1.0.0/16}\n")
    assert load_topology(path).topology.vpcs["prod"].subnets["a"].cidr == "10.1.0.0/16"


def test_R1_7_subnet_smaller_than_a_28_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              tiny: {cidr: 10.0.9.0/29}
        """))
    assert at(d) == (9, 20, "subnet CIDR 10.0.9.0/29 is a /29; subnets are /16 to /28 (R1.7)")


def test_R1_7_overlapping_subnets_are_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              private-b: {cidr: 10.0.2.64/26}
        """))
    assert at(d) == (9, 25, "subnet CIDR 10.0.2.64/26 overlaps subnet 'private-a' (10.0.2.0/24) (R1.7)")


def test_subnet_without_any_cidr_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              empty: {az: us-east-1b}
        """))
    assert at(d) == (9, 7, "subnet 'empty' has no CIDR")
    assert d.hint == "add 'cidr:' (and/or 'ipv6_cidr:')"


def test_R1_9_ipv6_subnet_is_a_64(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              v6: {ipv6_cidr: 2600:1f18:1234:5600::/60}
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
        """))
    assert at(d) == (9, 23, "IPv6 subnet CIDR 2600:1f18:1234:5600::/60 must be a /64 (R1.9)")


def test_R1_9_ipv6_subnet_outside_the_vpc_block_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
              v6: {ipv6_cidr: 2600:1f18:9999:5600::/64}
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
        """))
    assert at(d) == (9, 23, "IPv6 subnet CIDR 2600:1f18:9999:5600::/64 is outside the IPv6 CIDRs of VPC "
                     "'prod'")


# --- §2 route tables: associations and gateway tables ------------------------------------------------


def test_R2_1_two_main_route_tables(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              public: {main: true}
              private: {main: true}
        """))
    assert at(d) == (11, 23, "VPC 'prod' has two main route tables: 'public' and 'private' (R2.1)")


def test_R2_1_subnet_with_two_route_tables(tmp_path: Path) -> None:
    text = vpc("""\
            route_tables:
              public: {subnets: [public-a]}
              private: {subnets: [private-a, public-a]}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (11, 38, "subnet 'public-a' is associated with route tables 'public' and 'private'; a "
                     "subnet has exactly one route table (R2.1)")
    assert d.hint == f"the other association is at {tmp_path / 'topology.yaml'}:10:26"


def test_R2_1_subnet_route_table_and_table_subnets_must_agree(tmp_path: Path) -> None:
    text = vpc("""\
            route_tables:
              public: {}
              private: {subnets: [public-a]}
        """).replace("public-a: {cidr: 10.0.1.0/24,", "public-a: {route_table: public, cidr: 10.0.1.0/24,")
    d = the_problem(tmp_path, text)
    assert at(d) == (11, 27, "subnet 'public-a' is associated with route tables 'public' and 'private'; a "
                     "subnet has exactly one route table (R2.1)")


def test_subnet_route_table_must_exist_in_the_same_vpc(tmp_path: Path) -> None:
    text = vpc("""\
          dev:
            cidr: 10.1.0.0/16
            route_tables:
              dev-rt: {}
        """).replace("public-a: {cidr", "public-a: {route_table: dev-rt, cidr")
    d = the_problem(tmp_path, text)
    assert at(d) == (7, 31, "route table 'dev-rt' belongs to 'dev', not to 'prod'")
    assert d.hint == "reference a route table of 'prod'"


def test_subnet_network_acl_must_exist(tmp_path: Path) -> None:
    text = vpc("""\
            network_acls:
              private: {}
        """).replace("private-a: {cidr", "private-a: {network_acl: privat, cidr")
    d = the_problem(tmp_path, text)
    assert at(d) == (8, 32, "network ACL 'privat' does not exist")
    assert d.hint == "did you mean 'private'?"


def test_R2_2_gateway_table_for_an_unknown_gateway(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              edge: {gateway: igw-x}
        """))
    assert at(d) == (10, 23, "gateway 'igw-x' does not exist")
    assert d.hint == "did you mean 'igw'?"


def test_R2_2_gateway_table_for_the_gateway_of_another_vpc(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              edge: {gateway: igw-dev}
          dev:
            cidr: 10.1.0.0/16
            internet_gateway: igw-dev
        """))
    assert at(d) == (10, 23, "gateway 'igw-dev' is attached to VPC 'dev', not 'prod' (R2.2)")


def test_R2_1_gateway_table_cannot_be_the_main_table(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              edge: {gateway: igw, main: true}
        """))
    assert at(d) == (10, 34, "a gateway route table cannot be the main route table (R2.1)")


def test_R2_2_gateway_table_cannot_serve_subnets(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              edge: {gateway: igw, subnets: [public-a]}
        """))
    assert at(d) == (10, 37, "a gateway route table cannot also be associated with subnets (R2.2)")


def test_R2_14_gateway_table_cannot_have_propagation(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            vpn_gateway: vgw
            route_tables:
              edge: {gateway: igw, propagate: [vgw]}
        """))
    assert at(d) == (11, 39, "a gateway route table cannot have route propagation (R2.14)")


def test_R2_13_gateway_table_cannot_target_a_nat_gateway(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            nat_gateways:
              nat-a: {subnet: public-a, elastic_ip: 203.0.113.10}
            route_tables:
              edge:
                gateway: igw
                routes: [{destination: 10.0.2.0/24, target: nat-a}]
        """))
    assert at(d) == (14, 53, "a gateway route table (associated with 'igw') cannot target NAT gateway "
                     "'nat-a' (R2.13)")
    assert d.hint == "target local, a network interface or a Gateway Load Balancer endpoint"


def test_R2_14_gateway_table_destination_is_a_whole_vpc_or_subnet_cidr(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              fw-1: {subnet: public-a, private_ip: 10.0.1.10, source_dest_check: false}
            route_tables:
              edge:
                gateway: igw
                routes: [{destination: 10.0.2.0/25, target: fw-1}]
        """))
    assert at(d) == (14, 32, "gateway route table destination 10.0.2.0/25 is neither a CIDR of the VPC nor "
                     "the whole CIDR of one of its subnets (R2.14)")


def test_R2_13_gateway_table_to_an_appliance_and_a_gwlb_endpoint_loads(tmp_path: Path) -> None:
    path = write(tmp_path, vpc("""\
            instances:
              fw-1: {subnet: public-a, private_ip: 10.0.1.10, source_dest_check: false}
            endpoints:
              gwlbe:
                type: gateway_load_balancer
                service: com.amazonaws.vpce.us-east-1.vpce-svc-1
                subnets: [public-a]
            route_tables:
              edge:
                gateway: igw
                routes:
                  - {destination: 10.0.2.0/24, target: fw-1}
                  - {destination: 10.0.1.9/24, target: gwlbe}
        """))
    routes = load_topology(path).topology.vpcs["prod"].route_tables["edge"].routes
    assert [r.target for r in routes] == ["fw-1", "gwlbe"]


def test_R7_1_propagation_from_an_unknown_virtual_private_gateway(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            vpn_gateway: vgw
            route_tables:
              private: {propagate: [vgw-1]}
        """))
    assert at(d) == (11, 29, "virtual private gateway 'vgw-1' does not exist")
    assert d.hint == "did you mean 'vgw'?"


# --- §2 routes ------------------------------------------------------------------------------------


def routes(*lines: str, extra: str = "") -> str:
    """A 'private' route table with the given flow-style routes; the first route is on line 14."""
    return vpc("""\
            nat_gateways:
              nat-a: {subnet: public-a, elastic_ip: 203.0.113.10}
            route_tables:
              private:
                routes:\n""" + "".join(f"{' ' * 16}- {line}\n" for line in lines) + extra)


def test_route_destination_must_be_a_cidr(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: 10.1.0.0/33, target: nat-a}"))
    assert at(d) == (14, 25, "'10.1.0.0/33' is not a valid CIDR block")
    assert d.hint == "an IPv4 prefix length is at most /32"


def test_route_destination_prefix_list_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: pl-corp, target: nat-a}"))
    assert at(d) == (14, 25, "prefix list 'pl-corp' does not exist")
    assert d.hint == "no prefix list is defined here to refer to"


def test_R1_2_two_routes_to_the_same_canonical_destination(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: 192.168.0.0/16, target: nat-a}",
                                     "{destination: 192.168.7.7/16, target: igw}"))
    assert at(d) == (15, 25, "route table 'private' has two routes to 192.168.0.0/16")
    assert d.hint == f"the first is route #1 (at {tmp_path / 'topology.yaml'}:14:25)"


def test_route_target_must_exist_and_the_hint_names_the_closest(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: 0.0.0.0/0, target: nat-b}"))
    assert at(d) == (14, 44, "route target 'nat-b' does not exist")
    assert d.hint == "did you mean 'nat-a'?"


def test_route_target_naming_two_kinds_is_ambiguous(tmp_path: Path) -> None:
    text = routes("{destination: 0.0.0.0/0, target: nat-a}", extra="""\
            instances:
              nat-a: {subnet: private-a}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 44, "route target 'nat-a' is ambiguous: it names a NAT gateway and instance")


def test_R9_route_to_a_peering_that_does_not_involve_the_vpc(tmp_path: Path) -> None:
    text = routes("{destination: 10.8.0.0/16, target: dev-test}", extra="""\
          dev: {cidr: 10.7.0.0/16}
          test: {cidr: 10.8.0.0/16}
        peering:
          dev-test: {requester: dev, accepter: test}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 46, "peering connection 'dev-test' does not involve VPC 'prod' (it joins 'dev' and "
                             "'test')")


def test_R8_6_route_to_a_transit_gateway_the_vpc_is_not_attached_to(tmp_path: Path) -> None:
    text = routes("{destination: 10.8.0.0/16, target: tgw}", extra="""\
        transit_gateways:
          tgw: {}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 46, "VPC 'prod' has no attachment to transit gateway 'tgw' (R8.6)")
    assert d.hint == "add an attachment with 'vpc: prod' under transit_gateways.tgw.attachments"


def test_R10_1_gateway_endpoint_is_not_a_route_target(tmp_path: Path) -> None:
    text = routes("{destination: 0.0.0.0/0, target: s3}", extra="""\
            endpoints:
              s3: {type: gateway, service: s3}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 44, "gateway endpoint 's3' cannot be a route target: its routes are created by "
                             "associating it with route tables (R10.1)")


def test_route_target_of_another_vpc(tmp_path: Path) -> None:
    text = routes("{destination: 0.0.0.0/0, target: igw-dev}", extra="""\
          dev:
            cidr: 10.1.0.0/16
            internet_gateway: igw-dev
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 44, "route target 'igw-dev' (internet gateway) belongs to VPC 'dev', not 'prod'")


def test_R1_12_route_into_the_reserved_service_range(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: 169.254.169.0/24, target: nat-a}"))
    assert at(d) == (14, 25, "a route cannot have the destination 169.254.169.0/24: it is inside AWS's "
                     "reserved 169.254.168.0/22 / fd00:ec2::/32 (R1.12)")


def test_R5_9_egress_only_internet_gateway_carries_ipv6_only(tmp_path: Path) -> None:
    text = routes("{destination: 0.0.0.0/0, target: eigw}", extra="""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
            egress_only_internet_gateway: eigw
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 44, "an egress-only internet gateway carries IPv6 only (R5.9)")
    assert d.hint == "use a NAT gateway for IPv4 outbound-only traffic"


def test_R7_3_virtual_private_gateway_carries_ipv4_only(tmp_path: Path) -> None:
    text = routes("{destination: '2600:1f18::/32', target: vgw}", extra="""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
            vpn_gateway: vgw
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 51, "a virtual private gateway does not carry IPv6 (R7.3)")


def test_R6_11_ipv6_routes_to_a_nat_gateway_are_nat64_only(tmp_path: Path) -> None:
    text = routes("{destination: '::/0', target: nat-a}", "{destination: '64:ff9b::/96', target: nat-a}",
                  extra="""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 41, "IPv6 routes to a NAT gateway are only for NAT64 (64:ff9b::/96, R6.11)")


def test_R2_7_host_route_more_specific_than_local_is_rejected(tmp_path: Path) -> None:
    text = routes("{destination: 10.0.1.10/32, target: fw-1}", extra="""\
            instances:
              fw-1: {subnet: public-a, private_ip: 10.0.1.10, source_dest_check: false}
        """)
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 25, "route to 10.0.1.10/32 is more specific than the local route but is not the "
                     "whole CIDR of a subnet (R2.7)")
    assert d.hint == "route the whole subnet 'public-a' (10.0.1.0/24) instead"


def test_R2_7_whole_subnet_route_to_an_internet_gateway_is_rejected(tmp_path: Path) -> None:
    d = the_problem(tmp_path, routes("{destination: 10.0.1.0/24, target: igw}"))
    assert at(d) == (14, 46, "a route more specific than the local route can only target a NAT gateway, a "
                     "network interface or a GWLB endpoint, not 'igw' (R2.7)")


def test_R2_7_R1_2_whole_subnet_route_to_an_appliance_loads_in_any_spelling(tmp_path: Path) -> None:
    # 10.0.1.99/24 is 10.0.1.0/24 once its host bits are cleared (R1.2): the whole subnet, so allowed
    text = routes("{destination: 10.0.1.99/24, target: fw-1}", extra="""\
            instances:
              fw-1: {subnet: private-a, private_ip: 10.0.2.10, source_dest_check: false}
        """)
    loaded = load_topology(write(tmp_path, text))
    assert loaded.topology.vpcs["prod"].route_tables["private"].routes[0].target == "fw-1"


# --- gateways and endpoints -----------------------------------------------------------------------


def test_nat_gateway_subnet_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            nat_gateways:
              nat-a: {subnet: public-b, elastic_ip: 203.0.113.10}
        """))
    assert at(d) == (10, 23, "subnet 'public-b' does not exist")
    assert d.hint == "did you mean 'public-a'?"


def test_R1_8_nat_gateway_private_ip_is_not_reserved(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            nat_gateways:
              nat-a: {subnet: public-a, elastic_ip: 203.0.113.10, private_ip: 10.0.1.2}
        """))
    assert at(d) == (10, 71, "10.0.1.2 is a reserved address of subnet 'public-a' (10.0.1.0/24): reserved "
                     "by AWS (DNS) (R1.8)")


def test_R10_gateway_endpoints_exist_only_for_s3_and_dynamodb(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              sqs: {type: gateway, service: sqs}
        """))
    assert at(d) == (10, 37, "gateway endpoints exist only for s3 and dynamodb, not 'sqs'")
    assert d.hint == "use type: interface for other services"


def test_R10_1_gateway_endpoint_without_known_ranges_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, vpc("""\
            region: eu-west-3
            endpoints:
              s3: {type: gateway, service: s3}
        """))
    warning, = load_topology(path).warnings
    assert (warning.pos.line, warning.pos.col, warning.severity) == (11, 36, "warning")
    assert warning.message == ("vpcsim has no address ranges for com.amazonaws.eu-west-3.s3; "
                               "its endpoint route matches nothing")


def test_gateway_endpoint_route_table_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              s3: {type: gateway, service: s3, route_tables: [privat]}
        """))
    assert at(d) == (10, 55, "route table 'privat' does not exist")


def test_R10_1_one_endpoint_route_per_service_per_table(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            route_tables:
              private: {}
            endpoints:
              s3: {type: gateway, service: s3, route_tables: [private]}
              s3-bis: {type: gateway, service: com.amazonaws.us-east-1.s3, route_tables: [private]}
        """))
    assert at(d) == (13, 83, "route table 'private' already has an endpoint route for s3 (via 's3') (R10.1)")


def test_R10_10_interface_endpoint_has_one_subnet_per_az(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              sqs: {type: interface, service: sqs, subnets: [public-a, private-a]}
        """))
    assert at(d) == (10, 64, "endpoint 'sqs' already has subnet 'public-a' in us-east-1a; one subnet per "
                             "Availability Zone (R10.10)")


def test_endpoint_address_for_a_subnet_it_is_not_in(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              sqs:
                type: interface
                service: sqs
                subnets: [public-a]
                addresses: {private-a: 10.0.2.10}
        """))
    assert at(d) == (14, 32, "address given for 'private-a', which is not one of the endpoint's subnets")


def test_R1_8_endpoint_address_is_not_reserved(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              sqs: {type: interface, service: sqs, subnets: [public-a], addresses: {public-a: 10.0.1.0}}
        """))
    assert at(d) == (10, 87, "10.0.1.0 is a reserved address of subnet 'public-a' (10.0.1.0/24): the network "
                             "address (R1.8)")


def test_endpoint_security_group_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            endpoints:
              sqs: {type: interface, service: sqs, subnets: [public-a], security_groups: [sqs-sg]}
        """))
    assert at(d) == (10, 83, "security group 'sqs-sg' does not exist")


# --- §3 security groups ---------------------------------------------------------------------------


def sg(rule: str, extra: str = "") -> str:
    """A security group 'web' whose only ingress rule (line 12) is ``rule``."""
    return vpc(f"""\
            security_groups:
              web:
                ingress:
                  - {rule}\n""" + extra)


def test_sg_ingress_rule_names_a_source_not_a_destination(tmp_path: Path) -> None:
    d = the_problem(tmp_path, sg("{protocol: tcp, ports: 443, destination: 10.0.0.0/8}"))
    assert at(d) == (12, 54, "ingress rules name a 'source', not a 'destination'")
    assert d.hint == "rename the key to 'source'"


def test_R3_4_sg_peer_that_is_not_a_valid_cidr(tmp_path: Path) -> None:
    d = the_problem(tmp_path, sg("{protocol: tcp, ports: 443, source: 10.0.0.5}"))
    assert at(d) == (12, 49, "'10.0.0.5' is not a valid CIDR block")
    assert d.hint == "a single address is a /32 (IPv4) or /128 (IPv6) block: write 10.0.0.5/32"


def test_R3_4_sg_peer_must_be_a_cidr_a_security_group_or_a_prefix_list(tmp_path: Path) -> None:
    d = the_problem(tmp_path, sg("{protocol: tcp, ports: 443, source: wbe}", extra="""\
          dev:
            cidr: 10.1.0.0/16
            security_groups: {web-dev: {}}
        """))
    assert at(d) == (12, 49, "security group or prefix list 'wbe' does not exist")
    assert d.hint == "did you mean 'web'?"


def test_R3_7_sg_reference_to_a_vpc_that_is_not_a_peer(tmp_path: Path) -> None:
    d = the_problem(tmp_path, sg("{protocol: tcp, ports: 443, source: dev-web}", extra="""\
          dev:
            cidr: 10.1.0.0/16
            security_groups: {dev-web: {}}
        """))
    assert at(d) == (12, 49, "security group 'dev-web' belongs to VPC 'dev', which is neither this VPC nor "
                     "an active peer or a TGW neighbour (R3.7)")


def test_R3_7_sg_reference_across_an_active_peering_loads(tmp_path: Path) -> None:
    path = write(tmp_path, sg("{protocol: tcp, ports: 443, source: dev-web}", extra="""\
          dev:
            cidr: 10.1.0.0/16
            security_groups: {dev-web: {}}
        peering:
          prod-dev: {requester: prod, accepter: dev}
        """))
    assert load_topology(path).topology.peering["prod-dev"].status == "active"


def test_R3_5_all_icmp_types_requires_all_codes(tmp_path: Path) -> None:
    d = the_problem(tmp_path, sg("{protocol: icmp, icmp_type: -1, icmp_code: 3, source: 0.0.0.0/0}"))
    assert at(d) == (12, 56, "'all ICMP types' requires 'all codes' (R3.5)")


# --- §4 network ACLs ------------------------------------------------------------------------------


def test_R4_2_one_default_network_acl_per_vpc(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            network_acls:
              a: {default: true}
              b: {default: true}
        """))
    assert at(d) == (11, 20, "VPC 'prod' has two default network ACLs: 'a' and 'b' (R4.2)")


def test_nacl_egress_rule_matches_a_destination_not_a_source(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            network_acls:
              a:
                egress: [{rule: 100, source: 0.0.0.0/0, action: allow}]
        """))
    assert at(d) == (11, 38, "egress NACL rules match a 'destination', not a 'source'")


def test_R4_3_nacl_rule_numbers_are_unique_per_direction_whatever_the_family(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
            network_acls:
              a:
                ingress:
                  - {rule: 100, source: 0.0.0.0/0, action: allow}
                  - {rule: 100, source: "::/0", action: allow}
                egress:
                  - {rule: 100, destination: 0.0.0.0/0, action: allow}
        """))
    assert at(d) == (14, 20, "ingress rule number 100 is used twice in network ACL 'a' (R4.3)")


# --- instances and interfaces -----------------------------------------------------------------------


def test_instance_subnet_must_exist_in_its_vpc(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-b}
        """))
    assert at(d) == (10, 23, "subnet 'public-b' does not exist")


@pytest.mark.parametrize(("address", "why"), [
    ("10.0.1.0", "the network address"),
    ("10.0.1.1", "the VPC router"),
    ("10.0.1.2", "reserved by AWS (DNS)"),
    ("10.0.1.3", "reserved by AWS for future use"),
    ("10.0.1.255", "the last address"),
])
def test_R1_8_reserved_addresses_are_rejected(tmp_path: Path, address: str, why: str) -> None:
    d = the_problem(tmp_path, vpc(f"""\
            instances:
              web-1:
                subnet: public-a
                private_ip: {address}
        """))
    assert at(d) == (12, 21, f"{address} is a reserved address of subnet 'public-a' (10.0.1.0/24): {why} "
                     "(R1.8)")
    assert d.hint == "AWS reserves the first four addresses and the last; use 10.0.1.4 to 10.0.1.254"


def test_R1_8_first_and_last_usable_addresses_load(tmp_path: Path) -> None:
    path = write(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, private_ip: 10.0.1.4, secondary_private_ips: [10.0.1.254]}
        """))
    assert load_topology(path).topology.vpcs["prod"].instances["web-1"].private_ip == "10.0.1.4"


def test_R1_8_secondary_private_ips_are_checked_too(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, secondary_private_ips: [10.0.2.5]}
        """))
    assert at(d) == (10, 57, "10.0.2.5 is outside subnet 'public-a' (10.0.1.0/24)")


def test_ipv6_address_in_a_subnet_without_ipv6(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, ipv6_addresses: ['2600:1f18::10']}
        """))
    assert at(d) == (10, 50, "2600:1f18::10 is IPv6 but subnet 'public-a' has no IPv6 CIDR")


def test_R1_9_reserved_ipv6_addresses_are_rejected(tmp_path: Path) -> None:
    text = vpc("""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
            instances:
              web-1: {subnet: public-a, ipv6_addresses: ['2600:1f18:1234:5601::1']}
        """).replace("10.0.1.0/24,", "10.0.1.0/24, ipv6_cidr: 2600:1f18:1234:5601::/64,")
    d = the_problem(tmp_path, text)
    assert at(d) == (11, 50, "2600:1f18:1234:5601::1 is one of the reserved addresses of "
                     "2600:1f18:1234:5601::/64 (R1.9)")


def test_private_ip_is_unique_in_a_vpc(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, private_ip: 10.0.1.10}
            network_interfaces:
              eni-x: {subnet: public-a, secondary_private_ips: [10.0.1.10]}
        """))
    assert at(d) == (12, 57, "private IP 10.0.1.10 is already used by instance 'web-1'")
    assert d.hint == f"first used at {tmp_path / 'topology.yaml'}:10:45; each private IP belongs to one " \
                     "interface in a VPC"


def test_public_ip_must_be_public(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, public_ip: 192.168.1.1}
        """))
    assert at(d) == (10, 44, "public IP 192.168.1.1 is a private (RFC 1918) address")


def test_public_ip_is_used_once(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, public_ip: 203.0.113.10}
              web-2: {subnet: public-a, elastic_ip: 203.0.113.10}
        """))
    assert at(d) == (11, 45, "public address 203.0.113.10 is already used by instance 'web-1'")


def test_instance_security_group_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, security_groups: [web]}
        """))
    assert at(d) == (10, 51, "security group 'web' does not exist")
    assert d.hint == "no security group is defined here to refer to"


def test_network_interface_instance_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a}
            network_interfaces:
              eni-2: {subnet: public-a, instance: web-2}
        """))
    assert at(d) == (12, 43, "instance 'web-2' does not exist")
    assert d.hint == "did you mean 'web-1'?"


def test_nat_gateway_elastic_ip_is_used_once(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, elastic_ip: 203.0.113.10}
            nat_gateways:
              nat-a: {subnet: public-a, elastic_ip: 203.0.113.10}
        """))
    assert at(d) == (12, 45, "public address 203.0.113.10 is already used by instance 'web-1'")


def test_nat_gateway_private_ip_is_unique(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, private_ip: 10.0.1.10}
            nat_gateways:
              nat-a: {subnet: public-a, elastic_ip: 203.0.113.10, private_ip: 10.0.1.10}
        """))
    assert at(d) == (12, 71, "private IP 10.0.1.10 is already used by instance 'web-1'")


def test_endpoint_address_is_unique(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            instances:
              web-1: {subnet: public-a, private_ip: 10.0.1.10}
            endpoints:
              sqs: {type: interface, service: sqs, subnets: [public-a], addresses: {public-a: 10.0.1.10}}
        """))
    assert at(d) == (12, 87, "private IP 10.0.1.10 is already used by instance 'web-1'")


# --- §9 peering -----------------------------------------------------------------------------------


def test_peering_names_existing_vpcs(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        peering:
          p: {requester: prod, accepter: dve}
        """))
    assert at(d) == (10, 34, "VPC 'dve' does not exist")


def test_a_vpc_cannot_peer_with_itself(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        peering:
          p: {requester: prod, accepter: prod}
        """))
    assert at(d) == (10, 34, "a VPC cannot peer with itself")


def test_R9_1_one_peering_per_pair_of_vpcs(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
          dev: {cidr: 10.1.0.0/16}
        peering:
          p1: {requester: prod, accepter: dev}
          p2: {requester: dev, accepter: prod}
        """))
    assert at(d) == (12, 3, "VPCs 'dev' and 'prod' are already peered by 'p1' (R9.1)")


def test_R9_3_peering_between_overlapping_vpcs(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
          dev: {cidr: 10.5.0.0/16, secondary_cidrs: [10.0.128.0/17]}
        peering:
          p: {requester: prod, accepter: dev}
        """))
    assert at(d) == (11, 3, "cannot peer 'prod' and 'dev': their CIDRs 10.0.0.0/16 and 10.0.128.0/17 overlap "
                            "(R9.3)")


# --- §8 transit gateways --------------------------------------------------------------------------


def tgw(body: str) -> str:
    """A transit gateway 'tgw' (line 10) with ``body`` under it."""
    return vpc() + "transit_gateways:\n  tgw:\n" + textwrap.indent(textwrap.dedent(body), "    ")


def test_tgw_default_route_table_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("default_route_table: main\nroute_tables: {spokes: {}}\n"))
    assert at(d) == (11, 26, "TGW route table 'main' does not exist")


def test_R8_2_attachment_route_table_must_be_on_its_tgw(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("""\
        route_tables: {spokes: {}}
        attachments:
          prod-att: {vpc: prod, subnets: [public-a], route_table: spoke}
        """))
    assert at(d) == (13, 63, "TGW route table 'spoke' does not exist")
    assert d.hint == "did you mean 'spokes'?"


def test_R8_3_propagation_to_an_unknown_table(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("""\
        route_tables: {spokes: {}}
        attachments:
          prod-att: {vpc: prod, subnets: [public-a], propagations: [spokes, hub]}
        """))
    assert at(d) == (13, 73, "TGW route table 'hub' does not exist")


def test_tgw_attachment_vpc_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("attachments:\n  dev-att: {vpc: dev, subnets: [a]}\n"))
    assert at(d) == (12, 22, "VPC 'dev' does not exist")


def test_tgw_attaches_a_vpc_once(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("""\
        attachments:
          att-1: {vpc: prod, subnets: [public-a]}
          att-2: {vpc: prod, subnets: [private-a]}
        """))
    assert at(d) == (13, 20, "VPC 'prod' is already attached by 'att-1'")


def test_R8_7_one_attachment_subnet_per_availability_zone(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("attachments:\n  att: {vpc: prod, subnets: [public-a, private-a]}\n"))
    assert at(d) == (12, 44, "attachment 'att' already uses subnet 'public-a' in us-east-1a; one subnet per "
                             "Availability Zone (R8.7)")


def test_R8_7_ipv6_only_subnets_cannot_host_an_attachment(tmp_path: Path) -> None:
    text = tgw("attachments:\n  att: {vpc: prod, subnets: [v6]}\n").replace(
        "    subnets:\n", "    ipv6_cidrs: [2600:1f18:1234:5600::/56]\n    subnets:\n      v6: {ipv6_cidr: "
        "2600:1f18:1234:5601::/64}\n")
    d = the_problem(tmp_path, text)
    assert at(d) == (14, 34, "IPv6-only subnets cannot host a TGW attachment (R8.7)")


def test_tgw_vpn_attachment_must_terminate_on_this_tgw(tmp_path: Path) -> None:
    text = tgw("attachments:\n  vpn-att: {vpn: vpn-1}\n") + """\
  other: {}
vpn_connections:
  vpn-1: {gateway: other}
"""
    d = the_problem(tmp_path, text)
    assert at(d) == (12, 22, "VPN connection 'vpn-1' terminates on 'other', not on 'tgw'")
    assert d.hint == "set vpn_connections.vpn-1.gateway: tgw"


def test_tgw_direct_connect_attachment_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("attachments:\n  dx-att: {direct_connect: dx-1}\n"))
    assert at(d) == (12, 32, "Direct Connect 'dx-1' does not exist")


def test_R8_17_peering_attachments_name_each_other(tmp_path: Path) -> None:
    text = tgw("attachments:\n  to-west: {peer: to-east}\n") + """\
  west:
    attachments:
      to-east: {peer: somewhere-else}
"""
    found = problems(tmp_path, text)
    assert [at(d) for d in found] == [
        (12, 23, "peering attachment 'to-east' must be on another transit gateway and name 'to-west' as its "
         "peer (R8.17)"),
        (15, 23, "TGW attachment 'somewhere-else' does not exist"),
    ]


def test_tgw_route_destination_is_a_cidr_or_prefix_list(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("route_tables: {rt: {routes: [{destination: 10.0.0.0/99, blackhole: "
                                  "true}]}}"))
    assert at(d) == (11, 48, "'10.0.0.0/99' is not a valid CIDR block")


def test_R8_4_tgw_route_attachment_must_exist_on_this_tgw(tmp_path: Path) -> None:
    d = the_problem(tmp_path, tgw("""\
        route_tables:
          rt:
            routes: [{destination: 10.9.0.0/16, attachment: prod-at}]
        attachments:
          prod-att: {vpc: prod, subnets: [public-a]}
        """))
    assert at(d) == (13, 57, "TGW attachment 'prod-at' does not exist")
    assert d.hint == "did you mean 'prod-att'?"


# --- §7 VPN and Direct Connect --------------------------------------------------------------------


def test_R7_1_vpn_connection_ends_on_an_existing_gateway(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            vpn_gateway: vgw
        vpn_connections:
          vpn-1: {gateway: vgw-x}
        """))
    assert at(d) == (11, 20, "gateway 'vgw-x' does not exist")
    assert d.hint == "did you mean 'vgw'?"


def test_R7_6_static_vpn_has_no_bgp_routes(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            vpn_gateway: vgw
        vpn_connections:
          vpn-1: {gateway: vgw, bgp_routes: [{prefix: 192.168.0.0/16}]}
        """))
    assert at(d) == (11, 37, "a static VPN connection has no BGP routes (R7.6)")
    assert d.hint == "set routing: dynamic, or list the prefixes in static_routes"


def test_R7_6_dynamic_vpn_learns_routes_over_bgp(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
            vpn_gateway: vgw
        vpn_connections:
          vpn-1: {gateway: vgw, routing: dynamic, static_routes: [192.168.0.0/16]}
        """))
    assert at(d) == (11, 58, "a dynamic (BGP) VPN connection learns its routes over BGP (R7.6)")


def test_external_site_is_reached_through_an_existing_connection(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        external:
          office: {cidrs: [192.168.0.0/16], via: [vpn-1]}
        """))
    assert at(d) == (10, 43, "VPN connection or Direct Connect 'vpn-1' does not exist")


# --- §11 DNS and prefix lists -----------------------------------------------------------------------


def test_hosted_zone_vpc_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        hosted_zones:
          corp: {domain: corp.internal, vpcs: [prd]}
        """))
    assert at(d) == (10, 40, "VPC 'prd' does not exist")
    assert d.hint == "did you mean 'prod'?"


def test_hosted_zone_alias_target_must_exist(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        hosted_zones:
          corp:
            domain: corp.internal
            records: [{name: api, type: ALIAS, target: api-endpoint}]
        """))
    assert at(d) == (12, 48, "alias target 'api-endpoint' does not exist")


def test_R11_a_record_values_are_ipv4_addresses(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        hosted_zones:
          corp:
            domain: corp.internal
            records: [{name: db, type: A, values: [db.corp.internal]}]
        """))
    assert at(d) == (12, 44, "A record value 'db.corp.internal' is not an IPv4 address")
    assert d.hint == "use a CNAME record for a name, an AAAA record for IPv6"


def test_R3_4_prefix_list_entries_fit_max_entries(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        prefix_lists:
          corp: {max_entries: 1, entries: [192.168.0.0/16, 172.16.0.0/12]}
        """))
    assert at(d) == (10, 35, "prefix list 'corp' has 2 entries but max_entries is 1 (R3.4)")


def test_prefix_list_holds_one_address_family(tmp_path: Path) -> None:
    d = the_problem(tmp_path, vpc("""\
        prefix_lists:
          corp: {entries: [192.168.0.0/16, '2600:1f18::/32']}
        """))
    assert at(d) == (10, 19, "a prefix list holds one address family only")


# --- what loads -------------------------------------------------------------------------------------


def test_includes_merge_a_topology_spanning_two_files(tmp_path: Path) -> None:
    main = write(tmp_path, "name: split\ninclude: [network/dev.yaml]\n" + vpc().split("\n", 1)[1])
    write(tmp_path, """\
region: us-east-1
vpcs:
  dev:
    cidr: 10.1.0.0/16
    subnets:
      dev-a: {cidr: 10.1.1.0/24}
peering:
  prod-dev: {requester: prod, accepter: dev}
""", "network/dev.yaml")
    loaded = load_topology(main)
    assert sorted(loaded.topology.vpcs) == ["dev", "prod"]
    assert loaded.topology.peering["prod-dev"].accepter == "dev"
    where = loaded.positions.of_value(("vpcs", "dev", "subnets", "dev-a", "cidr"))
    assert (where.file, where.line, where.col) == (str(tmp_path / "network" / "dev.yaml"), 6, 21)


def test_includes_are_relative_to_the_file_that_names_them(tmp_path: Path) -> None:
    main = write(tmp_path, "include: [parts/a.yaml]\nvpcs: {}\n")
    write(tmp_path, "include: [b.yaml]\nvpcs: {a: {cidr: 10.1.0.0/16}}\n", "parts/a.yaml")
    write(tmp_path, "region: eu-west-1\nvpcs: {b: {cidr: 10.2.0.0/16}}\n", "parts/b.yaml")
    loaded = load_topology(main)
    assert sorted(loaded.topology.vpcs) == ["a", "b"]
    assert loaded.topology.region == "eu-west-1"          # a top-level key given once, in an included file


def test_an_error_in_an_included_file_is_reported_with_its_name_and_line(tmp_path: Path) -> None:
    main = write(tmp_path, "include: [network/dev.yaml]\n" + vpc())
    write(tmp_path, "vpcs:\n  dev:\n    cidr: 10.1.0.0/16\n    subnets:\n      dev-a: {cidr: 10.2.1.0/24}\n",
          "network/dev.yaml")
    with pytest.raises(TopologyError) as info:
        load_topology(main)
    d, = info.value.diagnostics
    assert (d.pos.file, d.pos.line, d.pos.col) == (str(tmp_path / "network" / "dev.yaml"), 5, 21)
    assert d.message == "subnet CIDR 10.2.1.0/24 is outside the CIDRs of VPC 'dev' (10.1.0.0/16) (R1.7)"


def test_an_unknown_key_in_an_included_file_is_not_silently_dropped(tmp_path: Path) -> None:
    main = write(tmp_path, "include: [extra.yaml]\n" + vpc())
    write(tmp_path, "vpc:\n  dev: {cidr: 10.1.0.0/16}\n", "extra.yaml")
    with pytest.raises(TopologyError) as info:
        load_topology(main)
    d, = info.value.diagnostics
    assert (d.pos.file, d.pos.line, d.pos.col, d.message) == (str(tmp_path / "extra.yaml"), 1, 1,
                                                              "unknown key 'vpc'")
    assert d.hint == "did you mean 'vpcs'?"


def test_R1_2_cidrs_are_canonicalised(tmp_path: Path) -> None:
    path = write(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.7/16\n    subnets: {a: {cidr: 10.0.1.7/24}}\n")
    assert load_topology(path).topology.vpcs["prod"].subnets["a"].cidr == "10.0.1.0/24"
    network = vpcsim.load(path)
    assert str(network.compiled.subnets["a"].cidr) == "10.0.1.0/24"
    assert str(network.compiled.vpcs["prod"].cidrs[0]) == "10.0.0.0/16"


def test_defaults_a_bare_vpc_gets_aws_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets: {a: {cidr: 10.0.1.0/24}}\n"
                           "    instances: {web-1: {subnet: a, private_ip: 10.0.1.10}}\n")
    compiled = vpcsim.load(path).compiled
    # R2.1/R2.3: a main route table holding only the local route, used by every subnet without a table
    main = compiled.route_tables[compiled.vpcs["prod"].main_route_table]
    assert [r.label for r in main.routes] == ["10.0.0.0/16 local"]
    assert compiled.subnets["a"].route_table == main.name
    # R4.5: the default network ACL allows everything both ways, then the '*' rule denies
    acl = compiled.network_acls[compiled.subnets["a"].network_acl]
    for direction in (acl.ingress, acl.egress):
        rule, = direction[4].rules
        everywhere = ((4, 0, 2**32 - 1),)
        assert (rule.number, rule.allow, rule.protocol, rule.peer.ranges) == (100, True, -1, everywhere)
        assert direction[6].rules == ()
    # R3.3: an instance without security groups gets the VPC's default one: all from itself, all out
    eni = compiled.enis["eni-web-1"]
    assert eni.security_groups == ("default@prod",)
    assert eni.ingress is not None and eni.egress is not None
    (inbound,) = eni.ingress.by_protocol[-1]
    assert inbound.peer.security_group == "default@prod"
    assert (4, 0x0A00010A) in inbound.peer.members                      # 10.0.1.10, the instance itself
    (outbound,) = eni.egress.by_protocol[-1]
    assert outbound.peer.cidr_everywhere
