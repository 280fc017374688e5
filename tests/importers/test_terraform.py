"""`terraform show -json` of a plan or a state imports, traces as the network it describes, and round-trips
through YAML.

The fixtures in tests/importers/terraform/ are written by hand in Terraform's documented JSON output format
(https://developer.hashicorp.com/terraform/internals/json-format, format_version 1.x), with the shapes of the AWS
provider's resources:

- ``public_private_nat.plan.json``: a plan (everything is created) of a VPC with a public subnet (web instance,
  NAT gateway, internet gateway) and a private subnet (an app instance made by ``module.app``, whose subnet and
  security group arrive through module variables). Ids and most addresses are known only after apply.
- ``public_private_nat.state.json``: the same network after apply (``terraform show -json`` of the state).
- ``unsupported.plan.json``: resources vpcsim does not model (Network Firewall, a load balancer, RDS), ``count``
  instances that refer to each other by ``count.index``, and a subnet read by a data source.
- ``every_kind.state.json``: a state with every resource type the importer reads — three VPCs (one with a
  secondary CIDR and IPv6), the ``aws_default_*`` resources, standalone routes, rules and associations, a
  peering, a transit gateway with a VPN attachment, prefix list references and a blackhole, a VGW with route
  propagation and a static VPN, interfaces attached to instances, Elastic IPs and endpoints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import vpcsim
from vpcsim import Disposition, Network, TopologyError
from vpcsim.cli import main
from vpcsim.compile.compiler import compile_network
from vpcsim.compile.network import CompiledNetwork
from vpcsim.errors import WarningsAsErrors
from vpcsim.importers import import_terraform, load_source
from vpcsim.importers.output import write_topology
from vpcsim.importers.terraform import is_terraform_file, read_plan
from vpcsim.load import LoadedTopology, load_topology

FIXTURES = Path(__file__).parent / "terraform"
PLAN = FIXTURES / "public_private_nat.plan.json"
STATE = FIXTURES / "public_private_nat.state.json"
UNSUPPORTED = FIXTURES / "unsupported.plan.json"
EVERY_KIND = FIXTURES / "every_kind.state.json"

WEB, APP = "aws_instance.web", "module.app.aws_instance.this"
EXAMPLE = "internet:93.184.216.34"

_cache: dict[Path, LoadedTopology] = {}


def imported(path: Path) -> LoadedTopology:
    if path not in _cache:
        _cache[path] = import_terraform(path)
    return _cache[path]


def network(path: Path) -> Network:
    loaded = imported(path)
    return Network(compile_network(loaded.topology, loaded.positions, loaded.warnings, loaded.source), loaded.topology)


def components(trace: vpcsim.Trace) -> list[str]:
    return [hop.component for hop in trace.forward]


def messages(loaded: LoadedTopology) -> list[str]:
    return [w.message for w in loaded.warnings]


# --- the plan: what a CI review sees before apply --------------------------------------------------------------


@pytest.mark.parametrize("path", [PLAN, STATE], ids=["plan", "state"])
def test_private_instance_reaches_the_internet_through_the_nat_gateway(path: Path) -> None:
    trace = network(path).trace(APP, EXAMPLE, port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace) == [
        "eni-module.app.aws_instance.this", "aws_vpc.main-default-acl", "aws_route_table.private",
        "aws_vpc.main-default-acl", "aws_nat_gateway.nat_a", "aws_vpc.main-default-acl", "aws_route_table.public",
        "aws_internet_gateway.igw", "internet"]


@pytest.mark.parametrize("path", [PLAN, STATE], ids=["plan", "state"])
def test_the_internet_cannot_reach_the_private_instance(path: Path) -> None:
    # It has no public address: the internet gateway has nothing to translate to (R5.2).
    trace = network(path).trace("internet", APP, port=443)
    assert not trace.reachable
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace) == ["aws_internet_gateway.igw"]


@pytest.mark.parametrize("path", [PLAN, STATE], ids=["plan", "state"])
def test_the_public_web_instance_is_reachable_on_443_only(path: Path) -> None:
    net = network(path)
    https = net.trace("internet", WEB, port=443)
    assert https.disposition is Disposition.ACCEPTED
    assert components(https) == ["aws_internet_gateway.igw", "aws_vpc.main-default-acl", "eni-aws_instance.web"]
    ssh = net.trace("internet", WEB, port=22)
    assert ssh.disposition is Disposition.DENIED         # the web group allows 443 from anywhere, nothing else
    assert ssh.forward[-1].component == "eni-aws_instance.web"


@pytest.mark.parametrize("path", [PLAN, STATE], ids=["plan", "state"])
def test_web_reaches_app_through_the_security_group_reference(path: Path) -> None:
    # aws_vpc_security_group_ingress_rule.app_from_web: 8080 from the web group (referenced_security_group_id).
    net = network(path)
    assert net.trace(WEB, APP, port=8080).disposition is Disposition.ACCEPTED
    assert net.trace(WEB, APP, port=9090).disposition is Disposition.DENIED


def test_module_variables_are_followed_to_the_resources_they_name() -> None:
    # module.app's instance has subnet_id = var.subnet_id and vpc_security_group_ids = [var.security_group_id];
    # the root module passes aws_subnet.private_a.id and aws_security_group.app.id, unknown until apply.
    instance = imported(PLAN).topology.vpcs["aws_vpc.main"].instances[APP]
    assert instance.subnet == "aws_subnet.private_a"
    assert instance.security_groups == ("aws_security_group.app",)
    assert instance.private_ip == "10.0.2.10"


def test_security_groups_keep_terraforms_egress_rules_only() -> None:
    # aws_security_group removes AWS's default allow-all egress: the app group's only egress is its own rule.
    groups = imported(PLAN).topology.vpcs["aws_vpc.main"].security_groups
    assert [r.destination for r in groups["aws_security_group.app"].egress or ()] == ["0.0.0.0/0"]
    assert [r.source for r in groups["aws_security_group.app"].ingress] == ["aws_security_group.web"]


def test_unknown_values_that_matter_to_a_trace_are_one_warning_each() -> None:
    loaded = imported(PLAN)
    eip = loaded.topology.vpcs["aws_vpc.main"].nat_gateways["aws_nat_gateway.nat_a"].elastic_ip
    web = loaded.topology.vpcs["aws_vpc.main"].instances[WEB]
    assert web.private_ip is None                  # vpcsim assigns it when compiling
    assert messages(loaded) == [
        f"aws_eip.nat_a: its public IP is known only after apply; vpcsim uses {eip} in its place",
        "aws_instance.web: its private IP is known only after apply; vpcsim assigns the first free address of "
        "aws_subnet.public_a",
        f"aws_instance.web: its public IP is known only after apply; vpcsim uses {web.public_ip} in its place",
    ]
    assert all(w.pos.file == str(PLAN) and w.pos.line > 1 for w in loaded.warnings)


def test_placeholders_are_documentation_addresses_stable_across_runs() -> None:
    first = imported(PLAN).topology
    again = import_terraform(PLAN).topology
    assert again == first
    eip = first.vpcs["aws_vpc.main"].nat_gateways["aws_nat_gateway.nat_a"].elastic_ip
    assert eip is not None and eip.startswith("203.0.113.")


def test_the_state_has_every_value_and_no_warning() -> None:
    loaded = imported(STATE)
    assert loaded.warnings == ()
    vpc = loaded.topology.vpcs["aws_vpc.main"]
    assert vpc.id == "vpc-0a1b2c3d4e5f60001"
    assert vpc.nat_gateways["aws_nat_gateway.nat_a"].elastic_ip == "54.210.10.20"
    # The refreshed route table and group also list what aws_route / the rule resources manage: imported once.
    assert len(vpc.route_tables["aws_route_table.private"].routes) == 1
    assert len(vpc.security_groups["aws_security_group.app"].ingress) == 1


def test_aws_ids_of_a_state_work_as_names() -> None:
    trace = network(STATE).trace("i-0a1b2c3d4e5f60082", EXAMPLE, port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    nat = next(h for h in trace.forward if h.component == "aws_nat_gateway.nat_a")
    assert nat.packet.source == "10.0.1.200"                 # the NAT gateway's address from the state


# --- every resource type ---------------------------------------------------------------------------------------

# (source, destination, port, disposition, the component that decided last)
EVERY_KIND_QUERIES = [
    # a1's subnet routes 0/0 to the NAT gateway, whose subnet uses the main table (aws_default_route_table)
    ("aws_instance.a1", EXAMPLE, 443, Disposition.EXITS_NETWORK, "internet"),
    # same subnet; aws_instance.a2's primary interface is aws_network_interface.a2_primary (device_index 0)
    ("aws_instance.a1", "aws_instance.a2", 8080, Disposition.ACCEPTED, "aws_network_interface.a2_primary"),
    ("aws_instance.a1", "aws_instance.spoke1", 22, Disposition.ACCEPTED, "eni-aws_instance.spoke1"),   # peering
    ("aws_instance.spoke1", "aws_instance.a1", 443, Disposition.ACCEPTED, "eni-aws_instance.a1"),  # SG rule resource
    # aws_network_acl.a denies 3389 inbound (rule 90, inline)
    ("aws_instance.spoke1", "aws_instance.a1", 3389, Disposition.DENIED, "aws_network_acl.a"),
    ("aws_instance.a1", "aws_instance.shared1", 22, Disposition.ACCEPTED, "eni-aws_instance.shared1"),  # TGW
    # TGW static route to the VPN attachment of aws_vpn_connection.office; the site is its customer gateway
    ("aws_instance.a1", "192.168.1.10", 443, Disposition.EXITS_NETWORK, "aws_customer_gateway.office"),
    # aws_vpn_gateway_route_propagation: the branch VPN's static route propagates into spoke's main table
    ("aws_instance.spoke1", "172.16.1.10", 443, Disposition.EXITS_NETWORK, "aws_customer_gateway.branch"),
    ("aws_instance.a1", "s3", 443, Disposition.EXITS_NETWORK, "com.amazonaws.us-east-1.s3"),   # gateway endpoint
    # aws_default_security_group.hub: 22 from the VPC only, and (as Terraform leaves it) no egress at all
    ("aws_instance.a1", "aws_instance.b1", 22, Disposition.ACCEPTED, "eni-aws_instance.b1"),
    ("internet", "aws_instance.b1", 22, Disposition.DENIED, "eni-aws_instance.b1"),
    ("aws_instance.b1", EXAMPLE, 443, Disposition.DENIED, "eni-aws_instance.b1"),
    ("aws_instance.a1", "10.0.1.50", 443, Disposition.ACCEPTED, "aws_network_interface.a1_data"),  # attached ENI
]


@pytest.mark.parametrize(("src", "dst", "port", "expected", "last"), EVERY_KIND_QUERIES,
                         ids=[f"{s}->{d}:{p}" for s, d, p, _, _ in EVERY_KIND_QUERIES])
def test_every_kind_state_traces(src: str, dst: str, port: int, expected: Disposition, last: str) -> None:
    trace = network(EVERY_KIND).trace(src, dst, port=port)
    assert trace.disposition is expected
    assert trace.forward[-1].component == last


def test_every_kind_state_imports_without_warnings() -> None:
    loaded = imported(EVERY_KIND)
    assert loaded.warnings == ()
    topology = loaded.topology
    hub = topology.vpcs["aws_vpc.hub"]
    assert hub.secondary_cidrs == ("10.100.0.0/16",)
    assert hub.internet_gateway == "aws_internet_gateway.hub"            # by aws_internet_gateway_attachment
    assert hub.route_tables["aws_default_route_table.hub"].main
    assert topology.vpcs["aws_vpc.spoke"].route_tables["aws_route_table.spoke_main"].main   # main association
    assert hub.endpoints["aws_vpc_endpoint.s3"].route_tables == ("aws_route_table.a", "aws_default_route_table.hub")
    assert hub.endpoints["aws_vpc_endpoint.s3"].policy is None           # the full-access policy is no policy
    assert hub.network_interfaces["aws_network_interface.a1_data"].security_groups == (
        "aws_security_group.app", "aws_default_security_group.hub")     # + aws_network_interface_sg_attachment
    assert hub.instances["aws_instance.a1"].elastic_ip == "54.0.0.20"
    assert topology.prefix_lists["aws_ec2_managed_prefix_list.admins"].entries == ("198.51.100.0/24",
                                                                                    "203.0.113.128/25")
    core = topology.transit_gateways["aws_ec2_transit_gateway.core"]
    assert core.attachments["aws_vpn_connection.office-attachment"].vpn == "aws_vpn_connection.office"
    assert core.attachments["aws_ec2_transit_gateway_vpc_attachment.hub"].propagations == (
        "aws_ec2_transit_gateway.core-default", "aws_ec2_transit_gateway_route_table.audit")
    assert [r.blackhole for r in core.route_tables["aws_ec2_transit_gateway.core-default"].routes] == [False, True]
    assert core.route_tables["aws_ec2_transit_gateway_route_table.audit"].routes[0].destination == \
        "aws_ec2_managed_prefix_list.admins"


# --- what is not modelled ---------------------------------------------------------------------------------------


def test_unsupported_resources_are_one_warning_each_naming_them() -> None:
    found = messages(imported(UNSUPPORTED))
    assert "aws_networkfirewall_firewall.inspect: AWS Network Firewall is not modelled: traffic routed to its " \
           "endpoints is not inspected" in found
    assert "aws_lb.front: load balancers are not modelled: their listeners, targets and network interfaces are " \
           "not imported" in found
    assert any(m.startswith("aws_db_instance.orders: aws_db_instance puts network interfaces in the VPC")
               for m in found)
    assert not any("aws_s3_bucket" in m for m in found)          # not a network resource: nothing to say


def test_a_reference_to_what_the_plan_does_not_manage_is_a_warning() -> None:
    loaded = imported(UNSUPPORTED)
    assert "aws_instance.legacy: subnet subnet-0feedfacecafe0001 is not managed in this plan; what refers to it " \
           "is left out" in messages(loaded)
    assert "aws_instance.legacy" not in loaded.topology.vpcs["aws_vpc.main"].instances


def test_count_instances_follow_count_index() -> None:
    # subnet_id = aws_subnet.app[count.index].id: each instance lands in the subnet with its own index.
    instances = imported(UNSUPPORTED).topology.vpcs["aws_vpc.main"].instances
    assert {name: i.subnet for name, i in instances.items()} == {
        "aws_instance.app[0]": "aws_subnet.app[0]", "aws_instance.app[1]": "aws_subnet.app[1]"}
    assert imported(UNSUPPORTED).topology.region == "eu-west-1"        # from the provider configuration


def test_module_outputs_and_for_each_keys_are_followed(tmp_path: Path) -> None:
    # A root route uses module.net.nat_id (an output of a module instantiated with for_each); names keep the key
    # without its quotes.
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_route.out", "mode": "managed", "type": "aws_route", "name": "out",
             "values": {"destination_cidr_block": "0.0.0.0/0"}}],
            "child_modules": [{"address": 'module.net["prod"]', "resources": [
                {"address": 'module.net["prod"].aws_nat_gateway.this', "mode": "managed",
                 "type": "aws_nat_gateway", "name": "this", "values": {"connectivity_type": "private"}}]}]}},
        "resource_changes": [{"address": "aws_route.out", "change": {
            "actions": ["create"], "after": {}, "after_unknown": {"nat_gateway_id": True}}}],
        "configuration": {"root_module": {
            "resources": [{"address": "aws_route.out", "mode": "managed", "type": "aws_route", "name": "out",
                           "expressions": {"nat_gateway_id": {"references": ['module.net["prod"].nat_id',
                                                                             'module.net["prod"]']}}}],
            "module_calls": {"net": {"for_each_expression": {"constant_value": {"prod": 1}}, "module": {
                "resources": [{"address": "aws_nat_gateway.this", "mode": "managed", "type": "aws_nat_gateway",
                               "name": "this", "expressions": {}}],
                "outputs": {"nat_id": {"expression": {"references": ["aws_nat_gateway.this.id",
                                                                     "aws_nat_gateway.this"]}}}}}}}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    read = read_plan(path)
    route = next(r for r in read.resources if r.address == "aws_route.out")
    targets = read.targets(route, route.block.expression("nat_gateway_id"))
    assert [(t.name, attribute) for t, attribute in targets] == [("module.net[prod].aws_nat_gateway.this", "id")]


# --- round trip and the commands -----------------------------------------------------------------------------


def _tables(net: CompiledNetwork) -> dict[str, list[tuple[str, str]]]:
    return {name: sorted((str(r.prefix), str(r.target)) for r in table.routes)
            for name, table in net.route_tables.items()}


@pytest.mark.parametrize("path", [PLAN, STATE, UNSUPPORTED, EVERY_KIND], ids=["plan", "state", "unsupported",
                                                                          "every-kind"])
def test_round_trip_through_yaml_compiles_the_same_route_tables(path: Path, tmp_path: Path) -> None:
    loaded = imported(path)
    output = tmp_path / "network.yaml"
    write_topology(loaded, output, origin=f"vpcsim import terraform {path.name}")
    again = load_topology(output)
    assert again.topology == loaded.topology
    first = compile_network(loaded.topology, loaded.positions)
    second = compile_network(again.topology, again.positions)
    assert _tables(second) == _tables(first)
    assert sorted((e.name, e.primary_ip) for e in second.enis.values()) == \
        sorted((e.name, e.primary_ip) for e in first.enis.values())


def test_a_terraform_file_is_detected_by_its_content(tmp_path: Path) -> None:
    assert is_terraform_file(PLAN) and is_terraform_file(STATE)
    resorted = tmp_path / "sorted.json"            # jq -S: format_version comes after the configuration
    resorted.write_text(json.dumps(json.loads(PLAN.read_text()), sort_keys=True))
    assert resorted.read_text().index('"format_version"') > 4096 and is_terraform_file(resorted)
    assert not is_terraform_file(FIXTURES)
    assert not is_terraform_file(Path(__file__).parents[2] / "topologies" / "public-web.yaml")
    assert load_source(PLAN).topology == imported(PLAN).topology
    assert vpcsim.load(STATE).trace(APP, EXAMPLE).disposition is Disposition.EXITS_NETWORK


def test_import_terraform_writes_yaml_that_traces_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "plan.yaml"
    assert main(["import", "terraform", str(PLAN), "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert "aws_instance.web: its public IP is known only after apply" in captured.err
    assert captured.out == ""
    assert output.read_text().startswith("# yaml-language-server: $schema=")
    query = ["--from", APP, "--to", EXAMPLE, "--port", "443", "--format", "json"]
    assert main(["trace", str(PLAN), *query]) == 0
    from_plan = json.loads(capsys.readouterr().out)
    assert main(["trace", str(output), *query]) == 0
    from_yaml = json.loads(capsys.readouterr().out)
    assert from_plan["disposition"] == from_yaml["disposition"] == "EXITS_NETWORK"
    assert from_plan["forward"] == from_yaml["forward"]
    assert from_plan["return"] == from_yaml["return"]


# --- --strict ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["validate", str(PLAN)],
    ["trace", str(PLAN), "--from", APP, "--to", EXAMPLE],
    ["import", "terraform", str(PLAN)],
    ["graph", str(PLAN)],
], ids=["validate", "trace", "import", "graph"])
def test_strict_turns_warnings_into_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--strict"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "warning: aws_instance.web: its public IP is known only after apply" in captured.err
    assert captured.err.rstrip().endswith("3 warnings, and --strict makes warnings errors")
    assert "Traceback" not in captured.err
    assert main(argv) in (0, 1)                   # without --strict the same command runs
    capsys.readouterr()


def test_strict_accepts_a_topology_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(STATE), "--from", APP, "--to", EXAMPLE, "--strict"]) == 0
    assert capsys.readouterr().out.startswith("EXITS_NETWORK")


def test_strict_in_the_python_api() -> None:
    with pytest.raises(WarningsAsErrors) as raised:
        vpcsim.load(PLAN, strict=True)
    assert len(raised.value.diagnostics) == 3
    assert isinstance(raised.value, TopologyError)
    assert vpcsim.load(PLAN).warnings                 # not strict by default


# --- bad files ------------------------------------------------------------------------------------------------


def test_a_truncated_plan_is_file_line_col_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = PLAN.read_text()
    cut = tmp_path / "plan.json"
    cut.write_text(text[: len(text) // 2])
    lines = cut.read_text().splitlines()
    for argv in (["trace", str(cut), "--from", APP, "--to", EXAMPLE], ["import", "terraform", str(cut)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert err.splitlines()[0] == (f"{cut}:{len(lines)}:{len(lines[-1]) + 1}: error: invalid JSON: the file "
                                       "ends in the middle of the document (truncated?)")


def test_malformed_plan_json_points_at_the_mistake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{\n  "format_version": "1.2",\n  "planned_values": {"root_module": {"resources": [,]}}\n}\n')
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"{bad}:3:52: error: invalid JSON: expected a value"   # at the ","
    assert "Traceback" not in err


def test_json_that_is_not_terraform_output_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"format_version": "2.0", "values": {}}')
    with pytest.raises(TopologyError) as raised:
        import_terraform(other)
    assert raised.value.diagnostics[0].message == "Terraform JSON format_version 2.0 is not one vpcsim knows (it " \
                                                  "reads 0.1, 0.2 and 1.x)"


def test_an_empty_state_is_an_empty_topology_with_a_warning(tmp_path: Path) -> None:
    empty = tmp_path / "state.json"
    empty.write_text('{"format_version":"1.0"}')
    loaded = import_terraform(empty)
    assert loaded.topology.vpcs == {}
    assert messages(loaded) == ["the state holds no resources: the topology is empty"]


# --- small plans written inline: one behaviour each ------------------------------------------------------------


def _ref(*addresses: str) -> dict[str, list[str]]:
    """A configuration expression referring to ``addresses`` (and, as Terraform lists them, their resources)."""
    references: list[str] = []
    for address in addresses:
        references += [address, address.rsplit(".", 1)[0]] if address.count(".") >= 2 else [address]
    return {"references": references}


def _plan(tmp_path: Path, resources: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]]) -> Path:
    """A root-module plan creating ``resources``: (address, known values, after_unknown, config expressions)."""
    planned, changes, config = [], [], []
    for address, values, unknown, expressions in resources:
        kind, name = address.split(".")
        planned.append({"address": address, "mode": "managed", "type": kind, "name": name, "values": values})
        changes.append({"address": address, "mode": "managed", "type": kind, "name": name,
                        "change": {"actions": ["create"], "before": None, "after": values,
                                   "after_unknown": unknown}})
        config.append({"address": address, "mode": "managed", "type": kind, "name": name,
                       "expressions": expressions})
    document = {"format_version": "1.2", "planned_values": {"root_module": {"resources": planned}},
                "resource_changes": changes, "configuration": {"root_module": {"resources": config}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def _vpc(name: str, cidr: str) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (f"aws_vpc.{name}", {"cidr_block": cidr}, {"id": True, "default_route_table_id": True,
                                                      "main_route_table_id": True, "default_security_group_id": True,
                                                      "default_network_acl_id": True}, {})


def _subnet(name: str, vpc: str, cidr: str) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (f"aws_subnet.{name}", {"cidr_block": cidr, "availability_zone": "us-east-1a"},
            {"id": True, "vpc_id": True}, {"vpc_id": _ref(f"aws_vpc.{vpc}.id")})


def _instance(name: str, subnet: str, address: str,
              **config: Any) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (f"aws_instance.{name}", {"private_ip": address}, {"id": True, "subnet_id": True,
                                                             "vpc_security_group_ids": True},
            {"subnet_id": _ref(f"aws_subnet.{subnet}.id"), **config})


def test_transit_gateway_peering_across_two_gateways(tmp_path: Path) -> None:
    # east and west each have a TGW; a peering attachment (accepted on west) joins them, with static routes.
    resources = [_vpc("east", "10.1.0.0/16"), _vpc("west", "10.2.0.0/16"),
                 _subnet("east", "east", "10.1.1.0/24"), _subnet("west", "west", "10.2.1.0/24"),
                 _instance("east", "east", "10.1.1.10"),
                 _instance("west", "west", "10.2.1.10", vpc_security_group_ids=_ref("aws_security_group.west.id")),
                 ("aws_security_group.west", {"ingress": [{"cidr_blocks": ["10.1.0.0/16"], "protocol": "tcp",
                                                           "from_port": 443, "to_port": 443}],
                                              "egress": [{"cidr_blocks": ["0.0.0.0/0"], "protocol": "-1"}]},
                  {"id": True}, {"vpc_id": _ref("aws_vpc.west.id")})]
    for side, other in (("east", "10.2.0.0/16"), ("west", "10.1.0.0/16")):
        resources += [
            (f"aws_ec2_transit_gateway.{side}", {"default_route_table_association": "enable",
                                                 "default_route_table_propagation": "enable"},
             {"id": True, "association_default_route_table_id": True}, {}),
            (f"aws_ec2_transit_gateway_vpc_attachment.{side}", {}, {"id": True, "subnet_ids": True},
             {"transit_gateway_id": _ref(f"aws_ec2_transit_gateway.{side}.id"),
              "vpc_id": _ref(f"aws_vpc.{side}.id"), "subnet_ids": _ref(f"aws_subnet.{side}.id")}),
            (f"aws_route_table.{side}", {"route": [{"cidr_block": other}]}, {"route": [{"transit_gateway_id": True}]},
             {"vpc_id": _ref(f"aws_vpc.{side}.id"),
              "route": [{"cidr_block": {"constant_value": other},
                         "transit_gateway_id": _ref(f"aws_ec2_transit_gateway.{side}.id")}]}),
            (f"aws_main_route_table_association.{side}", {}, {"id": True},
             {"vpc_id": _ref(f"aws_vpc.{side}.id"), "route_table_id": _ref(f"aws_route_table.{side}.id")}),
            (f"aws_ec2_transit_gateway_route.{side}", {"destination_cidr_block": other}, {"id": True},
             {"transit_gateway_route_table_id": _ref(
                 f"aws_ec2_transit_gateway.{side}.association_default_route_table_id"),
              "transit_gateway_attachment_id": _ref("aws_ec2_transit_gateway_peering_attachment.link.id"
                                                    if side == "east" else
                                                    "aws_ec2_transit_gateway_peering_attachment_accepter.link.id")}),
        ]
    resources += [
        ("aws_ec2_transit_gateway_peering_attachment.link", {"peer_region": "us-east-1"}, {"id": True},
         {"transit_gateway_id": _ref("aws_ec2_transit_gateway.east.id"),
          "peer_transit_gateway_id": _ref("aws_ec2_transit_gateway.west.id")}),
        ("aws_ec2_transit_gateway_peering_attachment_accepter.link", {}, {"id": True, "transit_gateway_id": True},
         {"transit_gateway_attachment_id": _ref("aws_ec2_transit_gateway_peering_attachment.link.id")}),
    ]
    for side in ("east", "west"):      # one attachment id, seen from both gateways: each side is its own
        table = _ref(f"aws_ec2_transit_gateway.{side}.association_default_route_table_id")
        resources.append((f"aws_ec2_transit_gateway_route_table_association.{side}_peer", {}, {"id": True}, {
            "transit_gateway_route_table_id": table,
            "transit_gateway_attachment_id": _ref("aws_ec2_transit_gateway_peering_attachment.link.id")}))
    loaded = import_terraform(_plan(tmp_path, resources))
    east = loaded.topology.transit_gateways["aws_ec2_transit_gateway.east"]
    assert east.attachments["aws_ec2_transit_gateway_peering_attachment.link"].peer == \
        "aws_ec2_transit_gateway_peering_attachment_accepter.link"
    assert east.attachments["aws_ec2_transit_gateway_peering_attachment.link"].route_table == \
        "aws_ec2_transit_gateway.east-default"
    net = Network(compile_network(loaded.topology, loaded.positions), loaded.topology)
    trace = net.trace("aws_instance.east", "aws_instance.west", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert "aws_ec2_transit_gateway.west-default" in components(trace)


def test_default_resources_and_accepted_peering_in_a_plan(tmp_path: Path) -> None:
    # aws_default_route_table / aws_default_security_group name their VPC through references known after apply;
    # an aws_vpc_peering_connection_accepter with auto_accept makes the peering active; an aws_eip_association
    # gives the instance a placeholder Elastic IP, and its public subnet's auto-assigned IP is not one more.
    resources = [_vpc("a", "10.1.0.0/16"), _vpc("b", "10.2.0.0/16"), _subnet("a", "a", "10.1.1.0/24"),
                 _subnet("b", "b", "10.2.1.0/24"),
                 ("aws_default_route_table.a", {"route": [{"cidr_block": "10.2.0.0/16"}]},
                  {"id": True, "vpc_id": True, "route": [{"vpc_peering_connection_id": True}]},
                  {"default_route_table_id": _ref("aws_vpc.a.default_route_table_id"),
                   "route": [{"cidr_block": {"constant_value": "10.2.0.0/16"},
                              "vpc_peering_connection_id": _ref("aws_vpc_peering_connection.ab.id")}]}),
                 ("aws_route.b_to_a", {"destination_cidr_block": "10.1.0.0/16"}, {"id": True},
                  {"route_table_id": _ref("aws_vpc.b.main_route_table_id"),
                   "vpc_peering_connection_id": _ref("aws_vpc_peering_connection.ab.id")}),
                 ("aws_default_security_group.a", {"ingress": [], "egress": [{
                     "cidr_blocks": ["0.0.0.0/0"], "protocol": "-1", "from_port": 0, "to_port": 0}]},
                  {"id": True}, {"vpc_id": _ref("aws_vpc.a.id")}),
                 ("aws_vpc_peering_connection.ab", {}, {"id": True, "accept_status": True},
                  {"vpc_id": _ref("aws_vpc.a.id"), "peer_vpc_id": _ref("aws_vpc.b.id")}),
                 ("aws_vpc_peering_connection_accepter.ab", {"auto_accept": True}, {"id": True},
                  {"vpc_peering_connection_id": _ref("aws_vpc_peering_connection.ab.id")}),
                 ("aws_vpc_peering_connection_options.ab", {"accepter": [{"allow_remote_vpc_dns_resolution": True}]},
                  {"id": True}, {"vpc_peering_connection_id": _ref("aws_vpc_peering_connection.ab.id")}),
                 ("aws_security_group.b", {"ingress": [{"cidr_blocks": ["10.1.0.0/16"], "protocol": "tcp",
                                                        "from_port": 22, "to_port": 22}], "egress": []},
                  {"id": True}, {"vpc_id": _ref("aws_vpc.b.id")}),
                 _instance("a1", "a", "10.1.1.10", associate_public_ip_address={"constant_value": True}),
                 _instance("b1", "b", "10.2.1.10", vpc_security_group_ids=_ref("aws_security_group.b.id")),
                 ("aws_eip.a1", {"domain": "vpc"}, {"id": True, "public_ip": True}, {}),
                 ("aws_eip_association.a1", {}, {"id": True},
                  {"allocation_id": _ref("aws_eip.a1.id"), "instance_id": _ref("aws_instance.a1.id")})]
    loaded = import_terraform(_plan(tmp_path, resources))
    a, b = loaded.topology.vpcs["aws_vpc.a"], loaded.topology.vpcs["aws_vpc.b"]
    assert a.route_tables["aws_default_route_table.a"].main
    assert [r.target for r in b.route_tables["aws_vpc.b-main"].routes] == ["aws_vpc_peering_connection.ab"]
    assert a.instances["aws_instance.a1"].security_groups == ("aws_default_security_group.a",)
    assert a.instances["aws_instance.a1"].elastic_ip is not None
    assert a.instances["aws_instance.a1"].public_ip is None
    peering = loaded.topology.peering["aws_vpc_peering_connection.ab"]
    assert (peering.status, peering.allow_dns_resolution) == ("active", True)
    assert messages(loaded) == [
        "aws_eip.a1: its public IP is known only after apply; vpcsim uses "
        f"{a.instances['aws_instance.a1'].elastic_ip} in its place"]
    net = Network(compile_network(loaded.topology, loaded.positions), loaded.topology)
    assert net.trace("aws_instance.a1", "aws_instance.b1", port=22).disposition is Disposition.ACCEPTED
    assert net.trace("aws_instance.b1", "aws_instance.a1", port=22).disposition is Disposition.DENIED  # b: no egress


def test_an_unaccepted_peering_carries_no_traffic(tmp_path: Path) -> None:
    resources = [_vpc("a", "10.1.0.0/16"), _vpc("b", "10.2.0.0/16"),
                 ("aws_vpc_peering_connection.ab", {"peer_owner_id": "444455556666"},
                  {"id": True, "accept_status": True},
                  {"vpc_id": _ref("aws_vpc.a.id"), "peer_vpc_id": _ref("aws_vpc.b.id")})]
    loaded = import_terraform(_plan(tmp_path, resources))
    assert loaded.topology.peering["aws_vpc_peering_connection.ab"].status == "pending-acceptance"
    assert messages(loaded) == ["aws_vpc_peering_connection.ab is not accepted in this plan (no auto_accept, no "
                                "aws_vpc_peering_connection_accepter): it carries no traffic"]


def test_rules_known_only_after_apply_are_read_from_the_configuration(tmp_path: Path) -> None:
    # A set whose items refer to resources created by the same plan can be unknown as a whole: the rules then come
    # from the configuration blocks, their constants and their references.
    resources = [_vpc("a", "10.1.0.0/16"),
                 ("aws_security_group.lb", {"ingress": [], "egress": []}, {"id": True},
                  {"vpc_id": _ref("aws_vpc.a.id")}),
                 ("aws_security_group.app", {}, {"id": True, "ingress": True, "egress": True},
                  {"vpc_id": _ref("aws_vpc.a.id"),
                   "ingress": [{"from_port": {"constant_value": 8080}, "to_port": {"constant_value": 8080},
                                "protocol": {"constant_value": "tcp"},
                                "security_groups": _ref("aws_security_group.lb.id")}],
                   "egress": [{"from_port": {"constant_value": 0}, "to_port": {"constant_value": 0},
                               "protocol": {"constant_value": "-1"},
                               "cidr_blocks": {"constant_value": ["0.0.0.0/0"]}}]})]
    app = import_terraform(_plan(tmp_path, resources)).topology.vpcs["aws_vpc.a"].security_groups[
        "aws_security_group.app"]
    assert [(r.protocol, r.ports, r.source) for r in app.ingress] == [("tcp", "8080", "aws_security_group.lb")]
    assert [(r.protocol, r.destination) for r in app.egress or ()] == [("all", "0.0.0.0/0")]


def test_a_terraform_file_in_a_describe_folder_says_how_to_use_it(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(PLAN.read_text())
    (tmp_path / "vpcs.json").write_text('{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}')
    warning = next(w for w in load_source(tmp_path).warnings if w.pos.file == str(tmp_path / "plan.json"))
    assert warning.message == "'terraform show -json' output in a describe-* folder; skipped"
    assert warning.hint == f"give it on its own: vpcsim trace {tmp_path / 'plan.json'} …"


def test_instances_in_a_map_public_ip_subnet_get_a_stand_in_unless_launched_without_and_metadata_options_are_read(
        tmp_path: Path) -> None:
    subnet = _subnet("pub", "v", "10.9.1.0/24")
    subnet[1]["map_public_ip_on_launch"] = True
    quiet = _instance("quiet", "pub", "10.9.1.11")
    quiet[1].update(associate_public_ip_address=False,
                    metadata_options=[{"http_endpoint": "disabled", "http_protocol_ipv6": "enabled",
                                       "http_tokens": "required", "http_put_response_hop_limit": 2}])
    loaded = import_terraform(_plan(tmp_path, [_vpc("v", "10.9.0.0/16"), subnet,
                                               _instance("web", "pub", "10.9.1.10"), quiet]))
    instances = loaded.topology.vpcs["aws_vpc.v"].instances
    web, silent = instances["aws_instance.web"], instances["aws_instance.quiet"]
    assert web.public_ip is not None and web.public_ip.startswith("203.0.113.")    # the importer's placeholder
    assert silent.public_ip == "none"                                # AssociatePublicIpAddress=false (R1.14)
    assert (silent.metadata.http_endpoint, silent.metadata.http_protocol_ipv6, silent.metadata.http_tokens) == \
        ("disabled", "enabled", "required")
    assert web.metadata.http_endpoint == "enabled" and web.metadata.http_tokens is None
    assert not any("map_public_ip" in w.message for w in loaded.warnings)      # no second stand-in at load
