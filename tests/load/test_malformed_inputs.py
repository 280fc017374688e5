"""Bad input never ends in a traceback: `vpcsim validate` prints `file:line:col: error: …`, a hint, exits 2.

Each case is a small topology with one thing wrong. The first diagnostic line is pinned exactly: the
line and column must point at the offending key or value, so an editor can jump straight to it.
"""

from __future__ import annotations

import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from vpcsim.cli import main

VPC = """\
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      app-a: {cidr: 10.0.1.0/24, az: us-east-1a}
"""


def unindent(text: str) -> str:
    """Drop the 8 spaces of source indentation the YAML literals below carry (and nothing more)."""
    return "".join(line[8:] if line.startswith(" " * 8) else line for line in text.splitlines(keepends=True))


def with_vpc(extra: str) -> str:
    """The one-VPC topology above, followed by more lines (written, like every case, 8 spaces deeper)."""
    return textwrap.indent(VPC, " " * 8) + extra


@dataclass(frozen=True)
class Case:
    id: str
    text: str | bytes
    line: int
    col: int
    message: str
    hint: str | None


def run_validate(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run the CLI; it must exit 2 without a traceback. Returns the stderr lines."""
    status = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status == 2, captured.out + captured.err
    return captured.err.splitlines()


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(unindent(text), encoding="utf-8")
    return path


CASES = [
    # --- addresses and CIDRs ----------------------------------------------------------------------
    Case("invalid_cidr_prefix_33", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/33
        """, 3, 11, "'10.0.0.0/33' is not a valid CIDR block", "an IPv4 prefix length is at most /32"),
    Case("bad_ip_address", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.1.300}
        """), 7, 42, "'10.0.1.300' is not a valid IP address",
         "each of the four numbers of an IPv4 address is 0 to 255"),
    Case("overlapping_subnets", with_vpc("""\
              app-b: {cidr: 10.0.1.128/25, az: us-east-1b}
        """), 6, 21, "subnet CIDR 10.0.1.128/25 overlaps subnet 'app-a' (10.0.1.0/24) (R1.7)",
         "subnets of a VPC must not overlap"),
    Case("subnet_outside_vpc", with_vpc("""\
              app-b: {cidr: 10.1.1.0/24, az: us-east-1b}
        """), 6, 21, "subnet CIDR 10.1.1.0/24 is outside the CIDRs of VPC 'prod' (10.0.0.0/16) (R1.7)",
         "pick a block inside the VPC CIDR, or add a secondary CIDR"),
    Case("subnet_slash_29", with_vpc("""\
              tiny: {cidr: 10.0.9.0/29}
        """), 6, 20, "subnet CIDR 10.0.9.0/29 is a /29; subnets are /16 to /28 (R1.7)",
         "a /28 is the smallest subnet (11 usable addresses)"),
    Case("vpc_slash_15", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/15
        """, 3, 11, "VPC CIDR 10.0.0.0/15 is a /15; VPC IPv4 blocks are /16 to /28 (R1.1)",
         "use a prefix length between 16 and 28"),
    Case("instance_ip_outside_its_subnet", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.2.10}
        """), 7, 42, "10.0.2.10 is outside subnet 'app-a' (10.0.1.0/24)", "pick an address in 10.0.1.0/24"),
    Case("instance_ip_is_the_vpc_router_base_plus_1", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.1.1}
        """), 7, 42, "10.0.1.1 is a reserved address of subnet 'app-a' (10.0.1.0/24): the VPC router (R1.8)",
         "AWS reserves the first four addresses and the last; use 10.0.1.4 to 10.0.1.254"),
    Case("instance_ip_is_reserved_base_plus_3", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.1.3}
        """), 7, 42,
         "10.0.1.3 is a reserved address of subnet 'app-a' (10.0.1.0/24): reserved by AWS for future use "
         "(R1.8)",
         "AWS reserves the first four addresses and the last; use 10.0.1.4 to 10.0.1.254"),
    Case("instance_ip_is_the_last_address", with_vpc("""\
            instances:
              web-1:
                subnet: app-a
                private_ip: 10.0.1.255
        """), 9, 21,
         "10.0.1.255 is a reserved address of subnet 'app-a' (10.0.1.0/24): the last address (R1.8)",
         "AWS reserves the first four addresses and the last; use 10.0.1.4 to 10.0.1.254"),
    Case("duplicate_private_ip", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.1.10}
              web-2: {subnet: app-a, private_ip: 10.0.1.10}
        """), 8, 42, "private IP 10.0.1.10 is already used by instance 'web-1'",
         "first used at {path}:7:42; each private IP belongs to one interface in a VPC"),
    # --- names and references ---------------------------------------------------------------------
    Case("duplicate_subnet_names_across_two_vpcs", with_vpc("""\
          dev:
            cidr: 10.1.0.0/16
            subnets:
              app-a: {cidr: 10.1.1.0/24}
        """), 9, 7, "subnet name 'app-a' is used twice",
         "first defined at {path}:5:7; names must be unique within their kind across the topology"),
    Case("dangling_route_target", with_vpc("""\
            internet_gateway: igw
            nat_gateways:
              nat-a: {subnet: app-a, elastic_ip: 203.0.113.10}
            route_tables:
              private:
                routes:
                  - {destination: 0.0.0.0/0, target: nat-b}
        """), 12, 46, "route target 'nat-b' does not exist", "did you mean 'nat-a'?"),
    Case("route_to_a_nat_gateway_of_another_vpc", with_vpc("""\
            nat_gateways:
              nat-a: {subnet: app-a, elastic_ip: 203.0.113.10}
          dev:
            cidr: 10.1.0.0/16
            route_tables:
              private:
                routes:
                  - {destination: 0.0.0.0/0, target: nat-a}
        """), 13, 46, "route target 'nat-a' (NAT gateway) belongs to VPC 'prod', not 'dev'",
         "a route can only use gateways and interfaces of its own VPC"),
    Case("two_main_route_tables", with_vpc("""\
            route_tables:
              public: {main: true}
              private: {main: true}
        """), 8, 23, "VPC 'prod' has two main route tables: 'public' and 'private' (R2.1)",
         "a VPC has exactly one main route table"),
    # --- YAML itself ------------------------------------------------------------------------------
    Case("duplicate_yaml_key", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            cidr: 10.1.0.0/16
        """, 4, 5, "duplicate key 'cidr'",
         "'cidr' is already given at line 3, column 5; YAML keeps only one of them, so remove or rename one"),
    Case("yaml_syntax_error_unclosed_bracket", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            secondary_cidrs: [10.1.0.0/16
        """, 4, 22, "YAML syntax error: the '[' here is never closed",
         "add the closing ']' (items inside are separated by ',')"),
    Case("yaml_tab_indentation", "vpcs:\n\tprod:\n\t\tcidr: 10.0.0.0/16\n", 2, 1,
         "YAML syntax error: a tab character is used for indentation",
         "YAML indents with spaces only; replace the tabs with spaces"),
    Case("yaml_bad_indentation", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
           subnets: {}
        """, 4, 4, "YAML syntax error: this line is not indented like the other keys of its mapping",
         "the mapping starts at line 2, column 3; line its keys up, or fix the line above"),
    Case("yaml_two_documents", "vpcs: {}\n---\nvpcs: {}\n", 2, 1,
         "YAML syntax error: the file holds more than one YAML document",
         "a topology is one document: remove the '---', or split it into files joined with 'include:'"),
    Case("yaml_undefined_alias", "vpcs: *prod\n", 1, 7,
         "YAML syntax error: alias *prod is used but no anchor &prod is defined before it",
         "define the anchor on a value above, or write the value out"),
    Case("yaml_merge_key", """\
        base: &base {cidr: 10.0.0.0/16}
        vpcs:
          prod:
            <<: *base
        """, 4, 5, "YAML merge keys ('<<') are not supported", "write the keys out, or use 'include:'"),
    Case("yaml_python_tag", "vpcs: !!python/object/apply:os.system ['true']\n", 1, 7,
         "unsupported YAML tag '!!python/object/apply:os.system'",
         "vpcsim reads plain YAML values; remove the tag"),
    Case("yaml_ipv6_starting_with_a_colon_in_flow_style",
         "vpcs:\n  prod: {cidr: 10.0.0.0/16, ipv6_cidrs: [::/56]}\n", 2, 42,
         "YAML syntax error: inside { } or [ ], a value cannot start with ':'",
         'put it in quotes, e.g. "::/0"'),
    Case("yaml_recursive_alias", "vpcs: &loop\n  prod: *loop\n", 1, 7,
         "a YAML alias refers to a value that contains it",
         "an anchor (&name) cannot be used inside its own value"),
    # --- the shape of the file --------------------------------------------------------------------
    Case("string_where_a_mapping_is_expected", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            subnets: app-a
        """, 4, 14, "'subnets' must be a mapping of keys, not 'app-a'",
         "write its entries as indented 'key: value' lines below it, or as {key: value, …}"),
    Case("list_where_a_number_is_expected", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            vpn_gateway: vgw
            vpn_gateway_asn: [64512]
        """, 5, 22, "'vpn_gateway_asn' must be a whole number, not a list", "write digits only"),
    Case("empty_value_where_a_mapping_is_expected", """\
        vpcs:
          prod:
        """, 2, 3, "'prod' is empty", "give it a value (or {} for none), or remove the key"),
    Case("empty_list_item", with_vpc("""\
            route_tables:
              private:
                routes:
                  -
        """), 9, 11, "item #1 of 'routes' is empty", "give the item a value, or remove its '-' line"),
    Case("ipv6_value_where_ipv4_is_expected", with_vpc("""\
            instances:
              web-1: {subnet: app-a, private_ip: '2600:1f18::10'}
        """), 7, 42,
         "'2600:1f18::10' is an IPv6 address, but IPv4 is expected here", "IPv6 goes in 'ipv6_addresses'"),
    Case("unknown_key_with_a_close_match", """\
        vpcs:
          prod:
            cidrr: 10.0.0.0/16
        """, 3, 5, "unknown key 'cidrr'", "did you mean 'cidr'? ('cidr' is required here)"),
    Case("missing_required_key_cidr", """\
        vpcs:
          prod:
            subnets: {}
        """, 2, 3, "VPC 'prod' is missing the required key 'cidr'", "add 'cidr:' to it"),
    Case("value_not_in_the_allowed_set", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            network_acls:
              private:
                ingress:
                  - {rule: 100, protocol: all, source: 0.0.0.0/0, action: alow}
        """, 7, 67, "'action' must be 'allow' or 'deny', not 'alow'", "did you mean 'allow'?"),
    Case("wrong_boolean", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            dns: {support: maybe}
        """, 4, 20, "'support' must be true or false, not 'maybe'", "write true or false"),
    Case("empty_file", "", 1, 1, "the file is empty", "a topology needs at least 'vpcs:'"),
    Case("only_comments", "# a topology, one day\n", 1, 1,
         "the file is empty", "a topology needs at least 'vpcs:'"),
    Case("binary_file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, 1,
         "this is a binary file, not YAML or JSON",
         "give a topology written in YAML or JSON"),
    Case("non_utf8_file", b"name: caf\xe9\nvpcs: {}\n", 1, 10, "the file is not valid UTF-8 text (byte 0xe9)",
         "save the file as UTF-8"),
    Case("top_level_list", "- vpcs\n- prod\n", 1, 1,
         "a topology file must be a mapping of keys (name:, vpcs:, …), not a list",
         "start the file with 'vpcs:' at the beginning of a line"),
    # --- resources the schema rejects ------------------------------------------------------------
    Case("public_nat_gateway_without_elastic_ip", with_vpc("""\
            nat_gateways:
              nat-a: {subnet: app-a}
        """), 7, 7,
         "a public NAT gateway needs an 'elastic_ip' (R6.2)", "add it, or set connectivity: private"),
    Case("sg_rule_with_source_and_destination", with_vpc("""\
            security_groups:
              web:
                ingress:
                  - {protocol: tcp, ports: 443, source: 0.0.0.0/0, destination: 10.0.0.0/16}
        """), 9, 13, "a security group rule has both a 'source' and a 'destination'",
         "ingress rules take 'source', egress rules take 'destination': keep one"),
    Case("tcp_sg_rule_without_ports", with_vpc("""\
            security_groups:
              web:
                ingress:
                  - protocol: tcp
                    source: 0.0.0.0/0
        """), 9, 13,
         "a tcp rule needs 'ports'", "add 'ports:' with a port (443), a range (1024-65535) or all"),
    Case("nacl_rule_number_used_twice", with_vpc("""\
            network_acls:
              private:
                ingress:
                  - {rule: 100, protocol: tcp, ports: 443, source: 0.0.0.0/0, action: allow}
                  - {rule: 100, protocol: all, source: "::/0", action: deny}
        """), 10, 20, "ingress rule number 100 is used twice in network ACL 'private' (R4.3)",
         "it is also used at {path}:9:20; rule numbers are unique per direction"),
    # --- AWS placement rules ----------------------------------------------------------------------
    Case("R2_13_gateway_route_table_with_a_nat_target", with_vpc("""\
            internet_gateway: igw
            nat_gateways:
              nat-a: {subnet: app-a, elastic_ip: 203.0.113.10}
            route_tables:
              edge:
                gateway: igw
                routes:
                  - {destination: 10.0.1.0/24, target: nat-a}
        """), 13, 48,
         "a gateway route table (associated with 'igw') cannot target NAT gateway 'nat-a' (R2.13)",
         "target local, a network interface or a Gateway Load Balancer endpoint"),
    Case("R2_7_host_route_more_specific_than_local", with_vpc("""\
            instances:
              fw-1: {subnet: app-a, private_ip: 10.0.1.10, source_dest_check: false}
            route_tables:
              inspect:
                routes:
                  - {destination: 10.0.1.10/32, target: fw-1}
        """), 11, 27,
         "route to 10.0.1.10/32 is more specific than the local route but is not the whole CIDR of a subnet "
         "(R2.7)",
         "route the whole subnet 'app-a' (10.0.1.0/24) instead"),
    Case("R9_3_peering_between_overlapping_vpcs", """\
        vpcs:
          prod: {cidr: 10.0.0.0/16}
          dev: {cidr: 10.0.128.0/17}
        peering:
          prod-dev: {requester: prod, accepter: dev}
        """, 5, 3, "cannot peer 'prod' and 'dev': their CIDRs 10.0.0.0/16 and 10.0.128.0/17 overlap (R9.3)",
         "peered VPCs must not share any address, in any of their CIDRs"),
    Case("R8_7_tgw_attachment_with_two_subnets_in_one_az", with_vpc("""\
              app-b: {cidr: 10.0.2.0/24, az: us-east-1a}
        transit_gateways:
          tgw:
            attachments:
              prod-att: {vpc: prod, subnets: [app-a, app-b]}
        """), 10, 46, "attachment 'prod-att' already uses subnet 'app-a' in us-east-1a; one subnet per "
         "Availability Zone (R8.7)", "keep one subnet in us-east-1a"),
    Case("R5_9_egress_only_igw_route_for_ipv4_default", with_vpc("""\
            ipv6_cidrs: [2600:1f18:1234:5600::/56]
            egress_only_internet_gateway: eigw
            route_tables:
              private:
                routes:
                  - {destination: 0.0.0.0/0, target: eigw}
        """), 11, 46, "an egress-only internet gateway carries IPv6 only (R5.9)",
         "use a NAT gateway for IPv4 outbound-only traffic"),
    # --- includes ---------------------------------------------------------------------------------
    Case("include_escaping_the_folder", """\
        include: [../x.yaml]
        vpcs: {}
        """, 1, 11, "include '../x.yaml' leaves the topology's folder",
         "included files must live beside the topology or below it"),
    Case("include_of_a_missing_file", """\
        include: [network.yaml, missing.yaml]
        """, 1, 25, "included file 'missing.yaml' does not exist",
         "include paths are relative to the file that names them"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_gives_one_positioned_diagnostic(case: Case, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    if case.id == "include_of_a_missing_file":
        write(tmp_path / "network.yaml", "vpcs: {}\n")
    path = write(tmp_path / "topology.yaml", case.text)
    lines = run_validate(path, capsys)
    assert lines[0] == f"{path}:{case.line}:{case.col}: error: {case.message}"
    if case.hint is None:
        assert not lines[1].startswith("  hint:")
    else:
        assert lines[1] == "  hint: " + case.hint.replace("{path}", str(path))


def test_include_that_redefines_a_vpc_is_reported_in_the_included_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main_file = write(tmp_path / "topology.yaml", """\
        include: [more.yaml]
        vpcs:
          prod:
            cidr: 10.0.0.0/16
        """)
    write(tmp_path / "more.yaml", """\
        vpcs:
          dev:
            cidr: 10.1.0.0/16
          prod:
            cidr: 10.2.0.0/16
        """)
    lines = run_validate(main_file, capsys)
    assert lines[0] == f"{tmp_path / 'more.yaml'}:4:3: error: VPC 'prod' is defined twice"
    assert lines[1] == (f"  hint: it is also defined at {main_file}:3:3; "
                        "an included file can add resources but not redefine them")


def test_error_inside_an_included_file_names_that_file(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "parts").mkdir()
    main_file = write(tmp_path / "topology.yaml", "include: [parts/dev.yaml]\nvpcs: {}\n")
    write(tmp_path / "parts" / "dev.yaml", """\
        vpcs:
          dev:
            cidr: 10.1.0.0/16
            subnets:
              a: {cidr: 10.1.0.0/33}
        """)
    lines = run_validate(main_file, capsys)
    assert lines[0] == (f"{tmp_path / 'parts' / 'dev.yaml'}:5:17: error: '10.1.0.0/33' is not a valid CIDR "
                        "block")


def test_billion_laughs_ends_quickly_with_too_large(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path / "bomb.yaml", "\n".join(levels) + "\n")
    started = time.perf_counter()
    lines = run_validate(path, capsys)
    assert time.perf_counter() - started < 2.0
    # g expands to 9^7 ≈ 4.8 million values: the first anchor past the 2,000,000 limit is reported
    assert lines[0] == (f"{path}:7:4: error: the document is too large: this value expands to more than "
                        "2,000,000 values")
    assert lines[1] == "  hint: YAML aliases (*name) are expanding exponentially; write the values out"


def test_absurd_nesting_is_refused_before_the_yaml_parser_can_crash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "deep.yaml", "vpcs: " + "[" * 200_000 + "]" * 200_000 + "\n")
    lines = run_validate(path, capsys)
    assert lines[0] == f"{path}:1:1007: error: the document is nested deeper than 64 levels"


def test_deep_but_parseable_nesting_is_refused_at_level_65(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "deep.yaml", "vpcs: " + "[" * 100 + "]" * 100 + "\n")
    lines = run_validate(path, capsys)
    assert lines[0] == f"{path}:1:71: error: the document is nested deeper than 64 levels"
    assert lines[1] == "  hint: a topology needs far fewer levels; check for runaway brackets or indentation"


def test_missing_topology_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nowhere.yaml"
    lines = run_validate(path, capsys)
    assert lines[:2] == [f"{path}:1:1: error: no such file", "  hint: check the path"]


def test_folder_instead_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_validate(tmp_path, capsys)
    assert lines[0] == f"{tmp_path}:1:1: error: this is a folder, not a topology file"


def test_every_problem_in_a_file_is_reported_in_line_order(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # Instances come first in the file, subnets last: the checks run in another order than the lines.
    path = write(tmp_path / "topology.yaml", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/16
            instances:
              web-1: {subnet: app-a, private_ip: 10.0.1.1}
              web-2: {subnet: app-b, private_ip: 10.0.2.10}
            route_tables:
              private:
                routes:
                  - {destination: 0.0.0.0/0, target: nat-b}
            subnets:
              app-a: {cidr: 10.0.1.0/24}
              app-c: {cidr: 10.0.1.0/25}
        """)
    lines = run_validate(path, capsys)
    errors = [line for line in lines if ": error: " in line]
    assert errors == [
        f"{path}:5:42: error: 10.0.1.1 is a reserved address of subnet 'app-a' (10.0.1.0/24): the VPC router "
        "(R1.8)",
        f"{path}:6:23: error: subnet 'app-b' does not exist",
        f"{path}:10:46: error: route target 'nat-b' does not exist",
        f"{path}:13:21: error: subnet CIDR 10.0.1.0/25 overlaps subnet 'app-a' (10.0.1.0/24) (R1.7)",
    ]
    assert lines[-1] == "4 problems in the topology"


def test_every_schema_problem_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "topology.yaml", """\
        vpcs:
          prod:
            cidr: 10.0.0.0/33
            flow_logs: sometimes
            subnets:
              app-a: {cidr: 10.0.1.0/24, azz: us-east-1a}
        """)
    lines = run_validate(path, capsys)
    errors = [line for line in lines if ": error: " in line]
    assert [e.split(": error: ")[0] for e in errors] == [f"{path}:3:11", f"{path}:4:16", f"{path}:6:34"]
    assert lines[-1] == "3 problems in the topology"


def test_a_valid_topology_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "topology.yaml", "name: ok\n" + VPC)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: ok — ok: 1 VPC, 1 subnet")
