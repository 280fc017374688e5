"""Reading a folder of describe-* JSON: recognition by key, merging, parents from file names, VPC attributes,
warnings for what is unknown or malformed (with file:line), filters at the door, and the mapping of each kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vpcsim.errors import TopologyError
from vpcsim.importers import aws, import_aws, settle
from vpcsim.load import LoadedTopology

VPC = {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333", "State": "available"}


def subnet(subnet_id: str, cidr: str, vpc: str = "vpc-1", az: str = "us-east-1a") -> dict[str, Any]:
    return {"SubnetId": subnet_id, "VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": az, "State": "available"}


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    return path


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` that contains ``text``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def messages(loaded: LoadedTopology) -> list[str]:
    return [w.message for w in loaded.warnings]


# --- recognition and merging ----------------------------------------------------------------------------------

def test_files_are_recognised_by_their_top_level_key_whatever_their_name(tmp_path: Path) -> None:
    write(tmp_path, "anything.json", {"Vpcs": [VPC]})
    write(tmp_path, "deep/er/still/describe-subnets-output.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24")]})
    loaded = import_aws(tmp_path)
    assert list(loaded.topology.vpcs) == ["vpc-1"]
    assert list(loaded.topology.vpcs["vpc-1"].subnets) == ["subnet-1"]
    assert loaded.topology.vpcs["vpc-1"].id == "vpc-1"
    assert loaded.warnings == ()


def test_readers_table_covers_the_describe_outputs() -> None:
    for key in ("Vpcs", "Subnets", "RouteTables", "InternetGateways", "EgressOnlyInternetGateways", "NatGateways",
                "SecurityGroups", "NetworkAcls", "NetworkInterfaces", "Reservations", "Addresses",
                "VpcPeeringConnections", "VpcEndpoints", "TransitGateways", "TransitGatewayAttachments",
                "TransitGatewayVpcAttachments", "TransitGatewayRouteTables", "Routes", "VpnGateways",
                "VpnConnections", "CustomerGateways", "PrefixLists", "Entries", "Associations", "Propagations",
                "TransitGatewayPropagations", "TransitGatewayStaticRoutes"):
        assert key in aws.READERS


def test_two_files_of_one_kind_merge(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "a.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24")]})
    write(tmp_path, "b.json", {"Subnets": [subnet("subnet-2", "10.0.2.0/24"), subnet("subnet-1", "10.0.1.0/24")]})
    subnets = import_aws(tmp_path).topology.vpcs["vpc-1"].subnets
    assert sorted(subnets) == ["subnet-1", "subnet-2"]


def test_a_missing_kind_means_none(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    loaded = import_aws(tmp_path)
    vpc = loaded.topology.vpcs["vpc-1"]
    assert (vpc.subnets, vpc.route_tables, vpc.instances, vpc.internet_gateway) == ({}, {}, {}, None)
    assert loaded.warnings == ()


def test_unknown_key_with_data_is_one_warning_naming_key_and_file(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    path = write(tmp_path, "odd.json", {"Widgets": [{"WidgetId": "w-1"}], "Gadgets": []})
    loaded = import_aws(tmp_path)
    [warning] = loaded.warnings
    assert "'Widgets'" in warning.message and str(path) in warning.message
    assert (warning.pos.file, warning.pos.line) == (str(path), line_of(path, '"Widgets"'))


def test_known_but_unmodelled_kinds_say_what_is_left_out(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "lb.json", {"LoadBalancers": [{"LoadBalancerArn": "arn:…"}]})
    write(tmp_path, "zones.json", {"AvailabilityZones": [{"ZoneName": "us-east-1a", "RegionName": "us-east-1"}]})
    [warning] = import_aws(tmp_path).warnings
    assert "load balancers are not modelled" in warning.message


# --- what is wrong costs only itself ---------------------------------------------------------------------------

def test_malformed_element_is_a_warning_with_file_and_line_and_the_rest_loads(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    path = write(tmp_path, "subnets.json", {"Subnets": [
        subnet("subnet-1", "10.0.1.0/24"),
        {"VpcId": "vpc-1", "CidrBlock": "10.0.9.0/24", "Note": "no id"},
        {"SubnetId": "subnet-3", "VpcId": "vpc-1", "CidrBlock": "10.0.300.0/24"},
        "not an object",
    ]})
    loaded = import_aws(tmp_path)
    assert list(loaded.topology.vpcs["vpc-1"].subnets) == ["subnet-1"]
    by_line = {w.pos.line: w for w in loaded.warnings}
    assert all(w.pos.file == str(path) for w in loaded.warnings)
    missing = by_line[line_of(path, '"Note": "no id"') - 3]       # the element's opening brace
    assert "missing 'SubnetId'" in missing.message
    assert "not a CIDR block" in by_line[line_of(path, "10.0.300.0/24")].message
    assert "must be a JSON object" in by_line[line_of(path, "not an object")].message


def test_a_bad_rule_costs_the_rule_not_the_security_group(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    path = write(tmp_path, "sgs.json", {"SecurityGroups": [{
        "GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
        "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "bogus", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    }]})
    loaded = import_aws(tmp_path)
    sg = loaded.topology.vpcs["vpc-1"].security_groups["sg-1"]
    assert [(r.protocol, r.ports, r.source) for r in sg.ingress] == [("tcp", "443", "0.0.0.0/0")]
    [warning] = loaded.warnings
    assert warning.pos.line == line_of(path, '"bogus"') and "not a protocol" in warning.message


def test_invalid_json_is_a_positioned_error(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    broken = tmp_path / "broken.json"
    broken.write_text('{"Subnets": [\n  {"SubnetId": "subnet-1",\n')
    with pytest.raises(TopologyError) as caught:
        import_aws(tmp_path)
    assert caught.value.diagnostics[0].pos.file == str(broken)


def test_output_cut_down_with_query_is_a_warning_not_a_guess(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "subnets-query.json", [subnet("subnet-1", "10.0.1.0/24")])     # aws … --query Subnets
    write(tmp_path, "one-vpc.json", {**VPC, "VpcId": "vpc-2"})                      # aws … --query Vpcs[0]
    loaded = import_aws(tmp_path)
    assert list(loaded.topology.vpcs) == ["vpc-1"] and loaded.topology.vpcs["vpc-1"].subnets == {}
    assert sorted(m.split(";")[0] for m in messages(loaded)) == [
        "a JSON list of 1 items is not a describe-* output", "a single resource object is not a describe-* output"]


def test_an_empty_file_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    (tmp_path / "empty.json").write_text("")
    assert "empty file skipped" in messages(import_aws(tmp_path))


def test_a_folder_without_json_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TopologyError, match="1 problem"):
        import_aws(tmp_path)


# --- parents from file names, VPC attributes --------------------------------------------------------------------

def _tgw_folder(folder: Path) -> None:
    write(folder, "vpcs.json", {"Vpcs": [VPC, {**VPC, "VpcId": "vpc-2", "CidrBlock": "10.2.0.0/16"}]})
    write(folder, "subnets.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24"),
                                               subnet("subnet-2", "10.2.1.0/24", vpc="vpc-2")]})
    write(folder, "tgw.json", {"TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available",
                                                    "Options": {"AmazonSideAsn": 64512}}]})
    write(folder, "tables.json", {"TransitGatewayRouteTables": [
        {"TransitGatewayRouteTableId": "tgw-rtb-0abc", "TransitGatewayId": "tgw-1", "State": "available"}]})
    write(folder, "atts.json", {"TransitGatewayVpcAttachments": [
        {"TransitGatewayAttachmentId": f"tgw-attach-{n}", "TransitGatewayId": "tgw-1", "VpcId": f"vpc-{n}",
         "SubnetIds": [f"subnet-{n}"], "State": "available"} for n in (1, 2)]})


def test_tgw_route_table_children_take_their_parent_from_the_file_name(tmp_path: Path) -> None:
    _tgw_folder(tmp_path)
    write(tmp_path, "search-transit-gateway-routes-tgw-rtb-0abc.json", {"Routes": [
        {"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "blackhole"},
        {"DestinationCidrBlock": "10.8.0.0/16", "Type": "static", "State": "active",
         "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceType": "vpc"}]},
        {"DestinationCidrBlock": "10.2.0.0/16", "Type": "propagated", "State": "active",
         "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceType": "vpc"}]},
    ], "AdditionalRoutesAvailable": False})
    write(tmp_path, "get-transit-gateway-route-table-associations-tgw-rtb-0abc.json", {"Associations": [
        {"TransitGatewayAttachmentId": "tgw-attach-1", "ResourceType": "vpc", "State": "associated"}]})
    write(tmp_path, "get-transit-gateway-route-table-propagations-tgw-rtb-0abc.json", {
        "TransitGatewayRouteTablePropagations": [{"TransitGatewayAttachmentId": "tgw-attach-1", "State": "enabled"}]})
    loaded = import_aws(tmp_path)
    tgw = loaded.topology.transit_gateways["tgw-1"]
    routes = {(r.destination, r.attachment, r.blackhole) for r in tgw.route_tables["tgw-rtb-0abc"].routes}
    assert routes == {("10.9.0.0/16", None, True), ("10.8.0.0/16", "tgw-attach-2", False)}
    assert tgw.attachments["tgw-attach-1"].route_table == "tgw-rtb-0abc"
    assert tgw.attachments["tgw-attach-1"].propagations == ("tgw-rtb-0abc",)
    assert tgw.attachments["tgw-attach-2"].propagations == ()


def test_propagations_are_inferred_from_propagated_routes_when_not_given(tmp_path: Path) -> None:
    _tgw_folder(tmp_path)
    write(tmp_path, "routes-tgw-rtb-0abc.json", {"Routes": [
        {"DestinationCidrBlock": "10.2.0.0/16", "Type": "propagated", "State": "active",
         "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceType": "vpc"}]}]})
    tgw = import_aws(tmp_path).topology.transit_gateways["tgw-1"]
    assert tgw.attachments["tgw-attach-2"].propagations == ("tgw-rtb-0abc",)


def test_a_child_file_without_its_parent_id_is_a_warning(tmp_path: Path) -> None:
    _tgw_folder(tmp_path)
    write(tmp_path, "routes.json", {"Routes": [{"DestinationCidrBlock": "10.9.0.0/16", "Type": "static"}]})
    loaded = import_aws(tmp_path)
    assert any("cannot tell which transit gateway route table" in m for m in messages(loaded))
    assert any("no propagation data" in m for m in messages(loaded))


def test_prefix_list_entries_take_their_list_from_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "describe-managed-prefix-lists.json", {"PrefixLists": [
        {"PrefixListId": "pl-0abc", "PrefixListName": "onprem", "AddressFamily": "IPv4", "State": "create-complete",
         "MaxEntries": 5, "OwnerId": "111122223333"}]})
    write(tmp_path, "get-managed-prefix-list-entries-pl-0abc.json", {"Entries": [
        {"Cidr": "192.168.0.0/16", "Description": "dc"}, {"Cidr": "172.16.0.0/12"}]})
    write(tmp_path, "sgs.json", {"SecurityGroups": [{
        "GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": "pl-0abc"}]}]}]})
    topology = import_aws(tmp_path).topology
    assert topology.prefix_lists["pl-0abc"].entries == ("192.168.0.0/16", "172.16.0.0/12")
    assert topology.prefix_lists["pl-0abc"].max_entries == 5
    assert topology.vpcs["vpc-1"].security_groups["sg-1"].ingress[0].source == "pl-0abc"


def test_vpc_dns_attributes_alone_merged_or_in_a_list(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC, {**VPC, "VpcId": "vpc-2", "CidrBlock": "10.2.0.0/16"},
                                           {**VPC, "VpcId": "vpc-3", "CidrBlock": "10.3.0.0/16"}]})
    write(tmp_path, "vpc-1-dns-support.json", {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": False}})
    write(tmp_path, "vpc-2-attributes.json", {"VpcId": "vpc-2", "EnableDnsSupport": {"Value": True},
                                              "EnableDnsHostnames": {"Value": True}})
    write(tmp_path, "attributes.json", [{"VpcId": "vpc-3", "EnableDnsHostnames": {"Value": True}},
                                        {"VpcId": "vpc-3", "EnableDnsSupport": {"Value": False}}])
    loaded = import_aws(tmp_path)
    dns = {name: (v.dns.support, v.dns.hostnames) for name, v in loaded.topology.vpcs.items()}
    assert dns == {"vpc-1": (False, False), "vpc-2": (True, True), "vpc-3": (False, True)}
    assert loaded.warnings == ()


def test_accounts_and_regions_come_from_the_folders(tmp_path: Path) -> None:
    write(tmp_path, "accounts/111111111111/us-west-2/Vpcs.json", {"Vpcs": [{**VPC, "OwnerId": "111111111111"}]})
    write(tmp_path, "accounts/222222222222/eu-west-1/Vpcs.json",
          {"Vpcs": [{**VPC, "VpcId": "vpc-2", "OwnerId": "222222222222", "CidrBlock": "10.2.0.0/16"}]})
    write(tmp_path, "accounts/222222222222/eu-west-1/Subnets.json",
          {"Subnets": [subnet("subnet-2", "10.2.1.0/24", vpc="vpc-2", az="eu-west-1b")]})
    topology = import_aws(tmp_path).topology
    where = {n: (v.region or topology.region, v.account or topology.account) for n, v in topology.vpcs.items()}
    assert where == {"vpc-1": ("us-west-2", "111111111111"), "vpc-2": ("eu-west-1", "222222222222")}


def test_region_comes_from_the_availability_zones_without_region_folders(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "subnets.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24", az="ap-south-1c")]})
    assert import_aws(tmp_path).topology.region == "ap-south-1"


# --- filters at the door -----------------------------------------------------------------------------------------

def _instance(instance_id: str, state: str, eni: str, address: str, **extra: Any) -> dict[str, Any]:
    return {"InstanceId": instance_id, "State": {"Code": 16, "Name": state}, "VpcId": "vpc-1",
            "SubnetId": "subnet-1", "PrivateIpAddress": address,
            "NetworkInterfaces": [{"NetworkInterfaceId": eni, "SubnetId": "subnet-1", "VpcId": "vpc-1",
                                   "PrivateIpAddress": address, "Groups": [{"GroupId": "sg-1"}],
                                   "Attachment": {"DeviceIndex": 0, "InstanceId": instance_id}, **extra}]}


def _public_vpc(folder: Path) -> None:
    write(folder, "vpcs.json", {"Vpcs": [VPC]})
    write(folder, "subnets.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24"), subnet("subnet-2", "10.0.2.0/24")]})
    write(folder, "igw.json", {"InternetGateways": [{"InternetGatewayId": "igw-1",
                                                    "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]})
    write(folder, "sgs.json", {"SecurityGroups": [{
        "GroupId": "sg-1", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})


def test_instances_that_are_not_running_are_filtered_with_a_warning(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "instances.json", {"Reservations": [{"OwnerId": "111122223333", "Instances": [
        _instance("i-1", "running", "eni-1", "10.0.1.10"), _instance("i-2", "stopped", "eni-2", "10.0.1.11")]}]})
    loaded = import_aws(tmp_path)
    instances = loaded.topology.vpcs["vpc-1"].instances
    assert list(instances) == ["i-1"]
    assert instances["i-1"].eni == "eni-1" and instances["i-1"].security_groups == ("sg-1",)
    assert ["instance i-2 is stopped" in m for m in messages(loaded)] == [True]


def test_unavailable_nat_gateway_is_filtered_and_routes_to_it_are_blackholes(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "nat.json", {"NatGateways": [
        {"NatGatewayId": "nat-1", "State": "pending", "SubnetId": "subnet-1", "VpcId": "vpc-1",
         "NatGatewayAddresses": [{"PublicIp": "203.0.113.5", "PrivateIp": "10.0.1.5"}]}]})
    write(tmp_path, "rtb.json", {"RouteTables": [{
        "RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-2", "Main": False}],
        "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
                   {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}]}]})
    loaded = import_aws(tmp_path)
    vpc = loaded.topology.vpcs["vpc-1"]
    assert vpc.nat_gateways == {}
    assert [(r.destination, r.target) for r in vpc.route_tables["rtb-1"].routes] == [("0.0.0.0/0", "blackhole")]
    assert vpc.subnets["subnet-2"].route_table == "rtb-1"
    assert any("NAT gateway nat-1 is pending" in m for m in messages(loaded))


def test_deleted_peering_is_filtered(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC, {**VPC, "VpcId": "vpc-2", "CidrBlock": "10.2.0.0/16"}]})
    write(tmp_path, "pcx.json", {"VpcPeeringConnections": [
        {"VpcPeeringConnectionId": f"pcx-{code}", "Status": {"Code": code},
         "RequesterVpcInfo": {"VpcId": "vpc-1"}, "AccepterVpcInfo": {"VpcId": "vpc-2"}}
        for code in ("deleted", "active", "expired")]})
    loaded = import_aws(tmp_path)
    assert list(loaded.topology.peering) == ["pcx-active"]
    assert any("pcx-deleted is deleted" in m for m in messages(loaded))
    assert any("pcx-expired (expired) joins the same VPCs as pcx-active" in m for m in messages(loaded))


# --- mapping ---------------------------------------------------------------------------------------------------------

def test_route_tables_map_associations_targets_and_states(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "vgw.json", {"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available",
                                                  "VpcAttachments": [{"State": "attached", "VpcId": "vpc-1"}]}]})
    write(tmp_path, "eigw.json", {"EgressOnlyInternetGateways": [
        {"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]}]})
    write(tmp_path, "vpce.json", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-1", "State": "available",
         "ServiceName": "com.amazonaws.us-east-1.s3", "RouteTableIds": ["rtb-main"]}]})
    write(tmp_path, "rtb.json", {"RouteTables": [
        {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "PropagatingVgws": [{"GatewayId": "vgw-1"}],
         "Associations": [{"Main": True, "RouteTableId": "rtb-main"},
                          {"Main": False, "SubnetId": "subnet-1", "AssociationState": {"State": "associated"}}],
         "Routes": [
             {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
             {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute"},
             {"DestinationCidrBlock": "10.50.0.0/16", "GatewayId": "igw-1", "State": "blackhole"},
             {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},
             {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-s3", "Origin": "CreateRoute"},
             {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"},
             {"DestinationCidrBlock": "10.60.0.0/16", "CarrierGatewayId": "cagw-1"},
         ]},
        {"RouteTableId": "rtb-edge", "VpcId": "vpc-1", "Associations": [{"GatewayId": "igw-1", "Main": False}],
         "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]},
    ]})
    loaded = import_aws(tmp_path)
    vpc = loaded.topology.vpcs["vpc-1"]
    main = vpc.route_tables["rtb-main"]
    assert main.main and main.propagate == ("vgw-1",)
    assert [(r.destination, r.target) for r in main.routes] == [
        ("0.0.0.0/0", "igw-1"), ("10.50.0.0/16", "blackhole"), ("::/0", "eigw-1")]
    assert vpc.subnets["subnet-1"].route_table == "rtb-main"    # explicitly associated with the main table
    assert vpc.route_tables["rtb-edge"].gateway == "igw-1"
    assert vpc.endpoints["vpce-s3"].route_tables == ("rtb-main",)
    assert any("carrier gateway" in m for m in messages(loaded))
    assert any("172.16.0.0/12" in m and "not in the snapshot" in m for m in messages(loaded))


def test_network_acl_entries(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "acl.json", {"NetworkAcls": [{
        "NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": False,
        "Associations": [{"SubnetId": "subnet-1", "NetworkAclId": "acl-1"}],
        "Entries": [
            {"RuleNumber": 100, "Protocol": "6", "PortRange": {"From": 443, "To": 443}, "Egress": False,
             "CidrBlock": "0.0.0.0/0", "RuleAction": "allow"},
            {"RuleNumber": 110, "Protocol": "1", "IcmpTypeCode": {"Type": 8, "Code": -1}, "Egress": False,
             "CidrBlock": "10.0.0.0/8", "RuleAction": "allow"},
            {"RuleNumber": 120, "Protocol": "-1", "Egress": False, "Ipv6CidrBlock": "::/0", "RuleAction": "deny"},
            {"RuleNumber": 100, "Protocol": "17", "PortRange": {"From": 1024, "To": 65535}, "Egress": True,
             "CidrBlock": "0.0.0.0/0", "RuleAction": "allow"},
            {"RuleNumber": 32767, "Protocol": "-1", "Egress": True, "CidrBlock": "0.0.0.0/0", "RuleAction": "deny"},
            {"RuleNumber": 32767, "Protocol": "-1", "Egress": False, "CidrBlock": "0.0.0.0/0", "RuleAction": "deny"},
        ]}]})
    loaded = import_aws(tmp_path)
    acl = loaded.topology.vpcs["vpc-1"].network_acls["acl-1"]
    assert [(r.rule, r.protocol, r.ports, r.icmp_type, r.icmp_code, r.source, r.action) for r in acl.ingress] == [
        (100, "tcp", "443", None, None, "0.0.0.0/0", "allow"), (110, "icmp", None, 8, -1, "10.0.0.0/8", "allow"),
        (120, "all", None, None, None, "::/0", "deny")]
    assert [(r.rule, r.protocol, r.ports, r.destination) for r in acl.egress] == [
        (100, "udp", "1024-65535", "0.0.0.0/0")]
    assert loaded.topology.vpcs["vpc-1"].subnets["subnet-1"].network_acl == "acl-1"


def test_security_group_peers_and_missing_references(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "more-sgs.json", {"SecurityGroups": [{
        "GroupId": "sg-2", "VpcId": "vpc-1",
        "IpPermissions": [
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53,
             "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111122223333"},
                                  {"GroupId": "sg-elsewhere", "UserId": "999999999999"}]}],
        "IpPermissionsEgress": []}]})
    loaded = import_aws(tmp_path)
    sg = loaded.topology.vpcs["vpc-1"].security_groups["sg-2"]
    assert [(r.protocol, r.ports, r.icmp_type, r.icmp_code, r.source) for r in sg.ingress] == [
        ("icmp", None, -1, -1, "::/0"), ("udp", "53", None, None, "sg-1")]
    assert sg.egress == ()                                            # given, and empty: nothing goes out
    [warning] = loaded.warnings
    assert "sg-elsewhere of account 999999999999" in warning.message


def test_requester_managed_interfaces_and_elastic_ips(tmp_path: Path) -> None:
    _public_vpc(tmp_path)
    write(tmp_path, "nat.json", {"NatGateways": [
        {"NatGatewayId": "nat-1", "State": "available", "SubnetId": "subnet-1", "VpcId": "vpc-1",
         "NatGatewayAddresses": [{"PublicIp": "203.0.113.5", "PrivateIp": "10.0.1.5",
                                  "NetworkInterfaceId": "eni-nat", "AllocationId": "eipalloc-1"}]}]})
    write(tmp_path, "instances.json", {"Reservations": [{"Instances": [
        _instance("i-1", "running", "eni-1", "10.0.1.10")]}]})
    write(tmp_path, "enis.json", {"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-nat", "InterfaceType": "nat_gateway", "SubnetId": "subnet-1", "VpcId": "vpc-1",
         "PrivateIpAddress": "10.0.1.5", "RequesterManaged": True, "Groups": [], "Status": "in-use"},
        {"NetworkInterfaceId": "eni-rds", "InterfaceType": "interface", "Description": "RDSNetworkInterface",
         "SubnetId": "subnet-2", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.2.20", "RequesterManaged": True,
         "Groups": [{"GroupId": "sg-1"}], "Status": "in-use", "Attachment": {"InstanceOwnerId": "amazon-rds"}},
        {"NetworkInterfaceId": "eni-spare", "InterfaceType": "interface", "SubnetId": "subnet-2", "VpcId": "vpc-1",
         "PrivateIpAddress": "10.0.2.30", "Groups": [{"GroupId": "sg-1"}], "Status": "available"},
    ]})
    write(tmp_path, "eips.json", {"Addresses": [
        {"PublicIp": "198.51.100.7", "AllocationId": "eipalloc-2", "NetworkInterfaceId": "eni-1",
         "PrivateIpAddress": "10.0.1.10", "Domain": "vpc"}]})
    loaded = import_aws(tmp_path)
    vpc = loaded.topology.vpcs["vpc-1"]
    assert vpc.nat_gateways["nat-1"].eni == "eni-nat" and vpc.nat_gateways["nat-1"].elastic_ip == "203.0.113.5"
    assert list(vpc.network_interfaces) == ["eni-rds"]
    assert vpc.network_interfaces["eni-rds"].description == "RDSNetworkInterface"
    assert vpc.instances["i-1"].elastic_ip == "198.51.100.7"
    assert any("eni-spare is not attached" in m for m in messages(loaded))


# --- validation of the mapped topology ----------------------------------------------------------------------------

def test_what_validation_refuses_is_left_out_with_the_json_position(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    path = write(tmp_path, "subnets.json", {"Subnets": [subnet("subnet-1", "10.0.1.0/24"),
                                                        subnet("subnet-x", "10.9.1.0/24")]})
    write(tmp_path, "instances.json", {"Reservations": [{"Instances": [
        {**_instance("i-x", "running", "eni-x", "10.9.1.10"), "SubnetId": "subnet-x"}]}]})
    (tmp_path / "instances.json").write_text((tmp_path / "instances.json").read_text().replace(
        '"SubnetId": "subnet-1"', '"SubnetId": "subnet-x"'))
    write(tmp_path, "sgs.json", {"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1"}]})
    loaded = import_aws(tmp_path)
    assert list(loaded.topology.vpcs["vpc-1"].subnets) == ["subnet-1"]
    assert loaded.topology.vpcs["vpc-1"].instances == {}
    dropped = next(w for w in loaded.warnings if w.message.startswith("subnet 'subnet-x' left out"))
    assert "outside the CIDRs of VPC" in dropped.message
    assert (dropped.pos.file, dropped.pos.line) == (str(path), line_of(path, "10.9.1.0/24"))


def test_errors_no_repair_can_fix_are_positioned_in_the_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    path = write(tmp_path, "subnets.json", {"Subnets": [subnet("subnet-x", "10.9.1.0/24")]})
    monkeypatch.setattr(settle, "_unit", lambda path: None)
    with pytest.raises(TopologyError) as caught:
        import_aws(tmp_path)
    [error] = caught.value.diagnostics
    assert (error.pos.file, error.pos.line) == (str(path), line_of(path, "10.9.1.0/24"))
    assert "outside the CIDRs" in error.message


def test_instances_keep_describe_instances_public_addresses_and_metadata_options(tmp_path: Path) -> None:
    # MapPublicIpOnLaunch subnet: describe-instances already shows every public address, so an instance without
    # one launched without one (public_ip: none) and gets no stand-in; MetadataOptions are read as reported.
    public = {**subnet("subnet-1", "10.0.1.0/24"), "MapPublicIpOnLaunch": True}
    write(tmp_path, "vpcs.json", {"Vpcs": [VPC]})
    write(tmp_path, "subnets.json", {"Subnets": [public]})
    write(tmp_path, "instances.json", {"Reservations": [{"Instances": [
        {"InstanceId": "i-1", "VpcId": "vpc-1", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.1.10",
         "PublicIpAddress": "54.1.2.3", "State": {"Name": "running"},
         "MetadataOptions": {"State": "applied", "HttpTokens": "required", "HttpEndpoint": "disabled",
                             "HttpPutResponseHopLimit": 2, "HttpProtocolIpv6": "enabled"}},
        {"InstanceId": "i-2", "VpcId": "vpc-1", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.1.11",
         "State": {"Name": "running"}, "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"}}]}]})
    loaded = import_aws(tmp_path)
    instances = loaded.topology.vpcs["vpc-1"].instances
    assert instances["i-1"].public_ip == "54.1.2.3"
    assert instances["i-2"].public_ip == "none" and instances["i-2"].public_address is None
    assert instances["i-1"].metadata.model_dump() == {"http_endpoint": "disabled", "http_protocol_ipv6": "enabled",
                                                      "http_tokens": "required"}
    assert instances["i-2"].metadata.model_dump() == {"http_endpoint": "enabled", "http_protocol_ipv6": "disabled",
                                                      "http_tokens": "optional"}
    assert not any("map_public_ip" in w.message for w in loaded.warnings)
