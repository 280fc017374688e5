"""An account built with boto3 against moto's offline EC2 mock, dumped as `aws ec2 describe-*` would print it,
imports, and traces through it agree with the same network written by hand in YAML (DESIGN §7: moto is a source
of the real API's *shapes*, not of its behaviour).

The account: VPC ``shop`` (public, app and db subnets; internet, egress-only internet and NAT gateways; Elastic
IPs; security groups that reference groups and a customer-managed prefix list; a custom network ACL; a secondary
ENI; a gateway and an interface endpoint), VPC ``partner`` (peered with shop; a virtual private gateway with a
static Site-to-Site VPN to a customer gateway) and VPC ``shared`` (with shop on a transit gateway that has its own
route table, associations, propagations and static routes). moto also keeps its default VPC in us-east-1: it is
imported too and takes no part in the traces.

Where moto does not behave like AWS, the test says so next to what it changes (``QUIRK``):

- QUIRK default-sg: moto's default security group has no inbound self rule (AWS: R3.3). No instance uses it; its
  imported shape is checked as moto prints it.
- QUIRK nacl-deny: moto's custom network ACLs list no ``*`` (32767) deny entries, its default ones do. The importer
  never imports the ``*`` rule (the schema's implicit deny, R4.6), so both read the same.
- QUIRK service-eni: moto gives NAT gateway and interface endpoint interfaces addresses outside their subnet. The
  importer leaves such an address out with a warning, and vpcsim assigns the first free address of the subnet —
  as the hand-written YAML does by giving none.
- QUIRK tgw-propagation: moto records propagations but creates no propagated routes, and never turns a route into
  a blackhole. The importer reads propagations from get-transit-gateway-route-table-propagations and vpcsim
  derives the routes itself; this account routes over the transit gateway with static routes.
- QUIRK vgw: moto does not implement VGW route propagation, so ``partner`` routes on-premises prefixes to the VGW
  with a static route.

And where moto prints wrong values, ``_as_aws_prints_it`` sets what AWS prints, in moto's shapes, each with the API
reference data type it follows: QUIRK vpn-options (Options of CreateVpnConnection dropped), QUIRK vpn-route
(CreateVpnConnectionRoute not implemented), QUIRK tgw-association (attachments shown on the default table, which
moto also creates when default association is disabled: it stays, empty), QUIRK tgw-route-attachment (static
routes printed without their attachment).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpcsim import Disposition, Network
from vpcsim.compile.compiler import compile_network
from vpcsim.importers import import_aws
from vpcsim.load import LoadedTopology, load_topology

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

REGION = "us-east-1"
EXAMPLE = "internet:93.184.216.34"

# describe-* commands that take no parent id: file name -> boto3 method
DESCRIBE = ("describe-vpcs", "describe-subnets", "describe-route-tables", "describe-internet-gateways",
            "describe-egress-only-internet-gateways", "describe-nat-gateways", "describe-security-groups",
            "describe-network-acls", "describe-network-interfaces", "describe-instances", "describe-addresses",
            "describe-vpc-peering-connections", "describe-vpc-endpoints", "describe-transit-gateways",
            "describe-transit-gateway-attachments", "describe-transit-gateway-vpc-attachments",
            "describe-transit-gateway-route-tables", "describe-vpn-gateways", "describe-vpn-connections",
            "describe-customer-gateways", "describe-managed-prefix-lists")


def _dump(folder: Path, name: str, response: dict[str, Any]) -> None:
    """Save a response as the AWS CLI prints it: no ResponseMetadata, timestamps as text."""
    data = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    (folder / f"{name}.json").write_text(json.dumps(data, indent=4, default=str) + "\n")


def build_account(folder: Path) -> dict[str, Any]:
    """Create the account in moto and dump every describe-* output into ``folder``; return the ids and the
    addresses moto chose (the Elastic IPs)."""
    from moto import mock_aws
    from moto.moto_api._internal import mock_random

    with mock_aws():
        mock_random.seed(20250115)
        ec2 = boto3.client("ec2", region_name=REGION)
        ids = _create(ec2)
        for command in DESCRIBE:
            _dump(folder, command, _as_aws_prints_it(command, getattr(ec2, command.replace("-", "_"))(), ids))
        for table in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]:
            rtb = table["TransitGatewayRouteTableId"]
            routes = ec2.search_transit_gateway_routes(
                TransitGatewayRouteTableId=rtb, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])
            _dump(folder, f"search-transit-gateway-routes-{rtb}",
                  _as_aws_prints_it("search-transit-gateway-routes", routes, ids))
            _dump(folder, f"get-transit-gateway-route-table-propagations-{rtb}",
                  ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rtb))
        _dump(folder, f"get-managed-prefix-list-entries-{ids['corp']}",
              ec2.get_managed_prefix_list_entries(PrefixListId=ids["corp"]))
        for vpc in (ids["shop"], ids["partner"], ids["shared"]):
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                _dump(folder, f"describe-vpc-attribute-{vpc}-{attribute}",
                      ec2.describe_vpc_attribute(VpcId=vpc, Attribute=attribute))
    return ids


def _as_aws_prints_it(command: str, response: dict[str, Any], ids: dict[str, Any]) -> dict[str, Any]:
    """moto's output with the values it gets wrong set as AWS would print them; the shapes stay moto's."""
    if command == "describe-vpn-connections":
        for connection in response["VpnConnections"]:
            # QUIRK vpn-options: moto drops the Options given to CreateVpnConnection (API reference data type
            # "VpnConnectionOptions": StaticRoutesOnly).
            connection.setdefault("Options", {})["StaticRoutesOnly"] = True
            # QUIRK vpn-route: moto lacks CreateVpnConnectionRoute; the route as the API reference's "VpnStaticRoute"
            # data type (the Routes of a VpnConnection) shows it.
            connection["Routes"] = [{"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static",
                                     "State": "available"}]
    if command == "describe-transit-gateway-attachments":
        for attachment in response["TransitGatewayAttachments"]:
            # QUIRK tgw-association: moto shows every attachment associated with the TGW's default table, even with
            # default association disabled and after AssociateTransitGatewayRouteTable.
            attachment["Association"] = {"TransitGatewayRouteTableId": ids["hub-rt"], "State": "associated"}
    if command == "search-transit-gateway-routes":
        by_prefix = {"10.10.0.0/16": ("shop-att", "shop"), "10.30.0.0/16": ("shared-att", "shared")}
        for route in response["Routes"]:
            # QUIRK tgw-route-attachment: moto lists static routes without their attachment (API reference data
            # type "TransitGatewayRouteAttachment").
            if route.get("Type") == "static" and not route.get("TransitGatewayAttachments"):
                attachment, vpc = by_prefix[route["DestinationCidrBlock"]]
                route["TransitGatewayAttachments"] = [{"ResourceId": ids[vpc], "ResourceType": "vpc",
                                                       "TransitGatewayAttachmentId": ids[attachment]}]
    return response


def _create(ec2: Any) -> dict[str, Any]:
    ids: dict[str, Any] = {}

    def vpc(name: str, cidr: str, **extra: Any) -> str:
        ids[name] = ec2.create_vpc(CidrBlock=cidr, **extra)["Vpc"]["VpcId"]
        return str(ids[name])

    def subnet(name: str, vpc_id: str, cidr: str, public: bool = False) -> str:
        ids[name] = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"][
            "SubnetId"]
        if public:
            ec2.modify_subnet_attribute(SubnetId=ids[name], MapPublicIpOnLaunch={"Value": True})
        return str(ids[name])

    def group(name: str, vpc_id: str, ingress: list[dict[str, Any]]) -> str:
        ids[name] = ec2.create_security_group(GroupName=name, Description=f"{name} tier", VpcId=vpc_id)["GroupId"]
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=ids[name], IpPermissions=ingress)
        return str(ids[name])

    def instance(name: str, subnet_id: str, address: str, sg: str, **options: Any) -> str:
        made = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SubnetId=subnet_id, PrivateIpAddress=address, SecurityGroupIds=[sg], **options)
        ids[name] = made["Instances"][0]["InstanceId"]
        return str(ids[name])

    def table(name: str, vpc_id: str, subnets: list[str]) -> str:
        ids[name] = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        for subnet_id in subnets:
            ec2.associate_route_table(RouteTableId=ids[name], SubnetId=subnet_id)
        return str(ids[name])

    def tcp(port: int, **peer: Any) -> dict[str, Any]:
        return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **peer}

    shop = vpc("shop", "10.10.0.0/16", AmazonProvidedIpv6CidrBlock=True)
    ec2.modify_vpc_attribute(VpcId=shop, EnableDnsHostnames={"Value": True})
    partner, shared = vpc("partner", "10.20.0.0/16"), vpc("shared", "10.30.0.0/16")
    public, app, db = subnet("public-a", shop, "10.10.1.0/24", public=True), subnet("app-a", shop, "10.10.2.0/24"), \
        subnet("db-a", shop, "10.10.3.0/24")
    partner_sub, shared_sub = subnet("partner-a", partner, "10.20.1.0/24"), subnet("shared-a", shared, "10.30.1.0/24")

    ids["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=shop)
    ids["eigw"] = ec2.create_egress_only_internet_gateway(VpcId=shop)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"]
    nat_eip = ec2.allocate_address(Domain="vpc")
    ids["nat_eip"] = nat_eip["PublicIp"]
    ids["nat-a"] = ec2.create_nat_gateway(SubnetId=public, AllocationId=nat_eip["AllocationId"])["NatGateway"][
        "NatGatewayId"]

    ids["corp"] = ec2.create_managed_prefix_list(
        PrefixListName="corp", AddressFamily="IPv4", MaxEntries=5,
        Entries=[{"Cidr": "192.168.0.0/16", "Description": "offices"}])["PrefixList"]["PrefixListId"]
    web_sg = group("web", shop, [tcp(443, IpRanges=[{"CidrIp": "0.0.0.0/0"}])])
    app_sg = group("app", shop, [])
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[
        tcp(8080, UserIdGroupPairs=[{"GroupId": web_sg}, {"GroupId": app_sg}]),
        tcp(22, PrefixListIds=[{"PrefixListId": ids["corp"]}])])
    db_sg = group("db", shop, [tcp(3306, UserIdGroupPairs=[{"GroupId": app_sg}]),
                               tcp(5432, UserIdGroupPairs=[{"GroupId": app_sg}])])
    partner_sg = group("partner-ssh", partner, [tcp(22, IpRanges=[{"CidrIp": "10.10.0.0/16"}])])
    shared_sg = group("shared-ssh", shared, [tcp(22, IpRanges=[{"CidrIp": "10.10.0.0/16"}])])

    ids["db-nacl"] = ec2.create_network_acl(VpcId=shop)["NetworkAcl"]["NetworkAclId"]
    for number, egress, action, port, cidr in ((90, False, "deny", (3306, 3306), "10.10.2.0/24"),
                                               (100, False, "allow", (5432, 5432), "10.10.0.0/16"),
                                               (110, False, "allow", (1024, 65535), "0.0.0.0/0"),
                                               (100, True, "allow", (0, 65535), "0.0.0.0/0")):
        ec2.create_network_acl_entry(NetworkAclId=ids["db-nacl"], RuleNumber=number, Protocol="6",
                                     RuleAction=action, Egress=egress, CidrBlock=cidr,
                                     PortRange={"From": port[0], "To": port[1]})
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [db]}])[
        "NetworkAcls"][0]
    association = next(a for a in default_acl["Associations"] if a["SubnetId"] == db)
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                        NetworkAclId=ids["db-nacl"])

    instance("web-1", public, "10.10.1.10", web_sg)
    web_eip = ec2.allocate_address(Domain="vpc")
    ids["web_eip"] = web_eip["PublicIp"]
    ec2.associate_address(AllocationId=web_eip["AllocationId"], InstanceId=ids["web-1"])
    instance("app-1", app, "10.10.2.10", app_sg)
    instance("app-2", app, "10.10.2.11", app_sg)
    instance("db-1", db, "10.10.3.10", db_sg, MetadataOptions={"HttpEndpoint": "disabled", "HttpTokens": "required"})
    instance("partner-1", partner_sub, "10.20.1.10", partner_sg)
    instance("shared-1", shared_sub, "10.30.1.10", shared_sg)
    ids["app-1-data"] = ec2.create_network_interface(SubnetId=app, PrivateIpAddress="10.10.2.50", Groups=[app_sg],
                                                     Description="app-1 data")["NetworkInterface"][
        "NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=ids["app-1-data"], InstanceId=ids["app-1"], DeviceIndex=1)

    pcx = ec2.create_vpc_peering_connection(VpcId=shop, PeerVpcId=partner)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ids["pcx"] = pcx

    ids["tgw"] = ec2.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable",
                                                     "DefaultRouteTablePropagation": "disable"})[
        "TransitGateway"]["TransitGatewayId"]
    ids["hub-rt"] = ec2.create_transit_gateway_route_table(TransitGatewayId=ids["tgw"])[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    for name, vpc_id, subnet_id, cidr in (("shop-att", shop, app, "10.10.0.0/16"),
                                          ("shared-att", shared, shared_sub, "10.30.0.0/16")):
        ids[name] = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=ids["tgw"], VpcId=vpc_id,
                                                              SubnetIds=[subnet_id])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=ids["hub-rt"],
                                                  TransitGatewayAttachmentId=ids[name])
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=ids["hub-rt"],
                                                           TransitGatewayAttachmentId=ids[name])
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=ids["hub-rt"], DestinationCidrBlock=cidr,
                                         TransitGatewayAttachmentId=ids[name])

    ids["vgw"] = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=ids["vgw"], VpcId=partner)
    ids["cgw"] = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.77", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    ids["vpn"] = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=ids["cgw"], VpnGatewayId=ids["vgw"],
                                           Options={"StaticRoutesOnly": True})["VpnConnection"]["VpnConnectionId"]
    # CreateVpnConnectionRoute is not implemented by moto: the route is written into the dump (see build_account).

    public_rt = table("public-rt", shop, [public])
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    private_rt = table("private-rt", shop, [app, db])
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat-a"])
    ec2.create_route(RouteTableId=private_rt, DestinationIpv6CidrBlock="::/0",
                     EgressOnlyInternetGatewayId=ids["eigw"])
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="10.30.0.0/16", TransitGatewayId=ids["tgw"])
    partner_rt = table("partner-rt", partner, [partner_sub])
    ec2.create_route(RouteTableId=partner_rt, DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=partner_rt, DestinationCidrBlock="192.168.0.0/16", GatewayId=ids["vgw"])
    shared_rt = table("shared-rt", shared, [shared_sub])
    ec2.create_route(RouteTableId=shared_rt, DestinationCidrBlock="10.10.0.0/16", TransitGatewayId=ids["tgw"])

    ids["s3"] = ec2.create_vpc_endpoint(VpcId=shop, ServiceName=f"com.amazonaws.{REGION}.s3",
                                        VpcEndpointType="Gateway", RouteTableIds=[private_rt])["VpcEndpoint"][
        "VpcEndpointId"]
    ids["ssm"] = ec2.create_vpc_endpoint(VpcId=shop, ServiceName=f"com.amazonaws.{REGION}.ssm",
                                         VpcEndpointType="Interface", SubnetIds=[app], SecurityGroupIds=[app_sg],
                                         PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
    return ids


# The same network, written by hand. Names are ours; the Elastic IPs are moto's (it chooses them).
HAND_WRITTEN = """\
name: moto-account-by-hand
region: us-east-1
vpcs:
  shop:
    cidr: 10.10.0.0/16
    dns: {{support: true, hostnames: true}}
    internet_gateway: igw
    egress_only_internet_gateway: eigw
    subnets:
      public-a: {{cidr: 10.10.1.0/24, az: us-east-1a, route_table: public-rt, map_public_ip: true}}
      app-a: {{cidr: 10.10.2.0/24, az: us-east-1a, route_table: private-rt}}
      db-a: {{cidr: 10.10.3.0/24, az: us-east-1a, route_table: private-rt, network_acl: db-nacl}}
    route_tables:
      public-rt:
        routes: [{{destination: 0.0.0.0/0, target: igw}}]
      private-rt:
        routes:
          - {{destination: 0.0.0.0/0, target: nat-a}}
          - {{destination: 10.20.0.0/16, target: shop-partner}}
          - {{destination: 10.30.0.0/16, target: hub}}
    nat_gateways:
      nat-a: {{subnet: public-a, elastic_ip: {nat_eip}}}
    endpoints:
      s3: {{type: gateway, service: s3, route_tables: [private-rt]}}
      ssm: {{type: interface, service: ssm, subnets: [app-a], security_groups: [app]}}
    security_groups:
      web:
        ingress: [{{protocol: tcp, ports: 443, source: 0.0.0.0/0}}]
      app:
        ingress:
          - {{protocol: tcp, ports: 8080, source: web}}
          - {{protocol: tcp, ports: 8080, source: app}}
          - {{protocol: tcp, ports: 22, source: corp}}
      db:
        ingress:
          - {{protocol: tcp, ports: 3306, source: app}}
          - {{protocol: tcp, ports: 5432, source: app}}
    network_acls:
      db-nacl:
        ingress:
          - {{rule: 90, protocol: tcp, ports: 3306, source: 10.10.2.0/24, action: deny}}
          - {{rule: 100, protocol: tcp, ports: 5432, source: 10.10.0.0/16, action: allow}}
          - {{rule: 110, protocol: tcp, ports: 1024-65535, source: 0.0.0.0/0, action: allow}}
        egress:
          - {{rule: 100, protocol: tcp, ports: 0-65535, destination: 0.0.0.0/0, action: allow}}
    instances:
      web-1: {{subnet: public-a, private_ip: 10.10.1.10, elastic_ip: {web_eip}, security_groups: [web]}}
      app-1: {{subnet: app-a, private_ip: 10.10.2.10, security_groups: [app]}}
      app-2: {{subnet: app-a, private_ip: 10.10.2.11, security_groups: [app]}}
      db-1:
        subnet: db-a
        private_ip: 10.10.3.10
        security_groups: [db]
        metadata: {{http_endpoint: disabled, http_tokens: required}}
    network_interfaces:
      app-1-data: {{subnet: app-a, private_ip: 10.10.2.50, security_groups: [app], instance: app-1, device_index: 1}}
  partner:
    cidr: 10.20.0.0/16
    vpn_gateway: vgw
    subnets:
      partner-a: {{cidr: 10.20.1.0/24, az: us-east-1a, route_table: partner-rt}}
    route_tables:
      partner-rt:
        routes:
          - {{destination: 10.10.0.0/16, target: shop-partner}}
          - {{destination: 192.168.0.0/16, target: vgw}}
    security_groups:
      partner-ssh:
        ingress: [{{protocol: tcp, ports: 22, source: 10.10.0.0/16}}]
    instances:
      partner-1: {{subnet: partner-a, private_ip: 10.20.1.10, security_groups: [partner-ssh]}}
  shared:
    cidr: 10.30.0.0/16
    subnets:
      shared-a: {{cidr: 10.30.1.0/24, az: us-east-1a, route_table: shared-rt}}
    route_tables:
      shared-rt:
        routes: [{{destination: 10.10.0.0/16, target: hub}}]
    security_groups:
      shared-ssh:
        ingress: [{{protocol: tcp, ports: 22, source: 10.10.0.0/16}}]
    instances:
      shared-1: {{subnet: shared-a, private_ip: 10.30.1.10, security_groups: [shared-ssh]}}
peering:
  shop-partner: {{requester: shop, accepter: partner}}
transit_gateways:
  hub:
    default_association: false
    default_propagation: false
    route_tables:
      hub-rt:
        routes:
          - {{destination: 10.10.0.0/16, attachment: shop-att}}
          - {{destination: 10.30.0.0/16, attachment: shared-att}}
    attachments:
      shop-att: {{vpc: shop, subnets: [app-a], route_table: hub-rt, propagations: [hub-rt]}}
      shared-att: {{vpc: shared, subnets: [shared-a], route_table: hub-rt, propagations: [hub-rt]}}
vpn_connections:
  office-vpn: {{gateway: vgw, routing: static, static_routes: [192.168.0.0/16], customer_gateway_ip: 198.51.100.77}}
prefix_lists:
  corp: {{entries: [192.168.0.0/16], max_entries: 5}}
external:
  office: {{cidrs: [192.168.0.0/16], via: [office-vpn]}}
"""

# (source, destination, port, expected disposition): names as written by hand; the moto side uses their ids.
QUERIES = [
    ("app-1", "app-2", 8080, Disposition.ACCEPTED),          # same subnet: delivered without NACL or route table
    ("web-1", "app-1", 8080, Disposition.ACCEPTED),          # across subnets, SG references SG
    ("web-1", "app-1", 22, Disposition.DENIED),              # the app group does not allow 22 from web
    ("web-1", EXAMPLE, 443, Disposition.EXITS_NETWORK),      # internet through the IGW (Elastic IP)
    ("internet", "web-1", 443, Disposition.ACCEPTED),        # and back in on the Elastic IP
    ("app-1", EXAMPLE, 443, Disposition.EXITS_NETWORK),      # internet through the NAT gateway
    ("internet", "app-1", 8080, Disposition.NO_ROUTE),       # no public address
    ("app-1", "partner-1", 22, Disposition.ACCEPTED),        # over the peering
    ("app-1", "shared-1", 22, Disposition.ACCEPTED),         # over the transit gateway
    ("app-1", "db-1", 5432, Disposition.ACCEPTED),           # the db NACL allows 5432
    ("app-1", "db-1", 3306, Disposition.DENIED),             # the db NACL denies 3306 from app-a (rule 90)
    ("app-1", "s3", 443, Disposition.EXITS_NETWORK),         # the gateway endpoint
    ("partner-1", "192.168.1.10", 443, Disposition.EXITS_NETWORK),   # the VPN to the office
    ("web-1", "10.10.2.50", 8080, Disposition.ACCEPTED),     # app-1's second interface
    ("partner-1", "shared-1", 22, Disposition.NO_ROUTE),     # peering and TGW are not transitive
    ("app-1", "169.254.169.254", 80, Disposition.EXITS_NETWORK),    # instance metadata, answered on the host
    ("db-1", "169.254.169.254", 80, Disposition.NO_ROUTE),   # MetadataOptions.HttpEndpoint disabled (R11.1b)
]


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], Path]]:
    folder = tmp_path_factory.mktemp("moto-account")
    yield build_account(folder), folder


@pytest.fixture(scope="module")
def imported(account: tuple[dict[str, Any], Path]) -> LoadedTopology:
    return import_aws(account[1])


@pytest.fixture(scope="module")
def networks(account: tuple[dict[str, Any], Path], imported: LoadedTopology,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Network]:
    ids = account[0]
    path = tmp_path_factory.mktemp("hand") / "by-hand.yaml"
    path.write_text(HAND_WRITTEN.format(nat_eip=ids["nat_eip"], web_eip=ids["web_eip"]))
    by_hand = load_topology(path)
    assert by_hand.warnings == ()
    return (Network(compile_network(imported.topology, imported.positions, imported.warnings), imported.topology),
            Network(compile_network(by_hand.topology, by_hand.positions), by_hand.topology))


def _moto_name(ids: dict[str, Any], name: str) -> str:
    return str(ids.get(name, name))


def _walk(hops: tuple[Any, ...]) -> list[tuple[str, str, str, str]]:
    return [(hop.kind.value, hop.decision.value, hop.packet.source, hop.packet.destination) for hop in hops]


@pytest.mark.parametrize(("src", "dst", "port", "expected"), QUERIES,
                         ids=[f"{s}->{d}:{p}" for s, d, p, _ in QUERIES])
def test_traces_through_the_import_agree_with_the_hand_written_network(
        account: tuple[dict[str, Any], Path], networks: tuple[Network, Network], src: str, dst: str, port: int,
        expected: Disposition) -> None:
    ids = account[0]
    from_moto, by_hand = networks
    moto_trace = from_moto.trace(_moto_name(ids, src), _moto_name(ids, dst), port=port)
    hand_trace = by_hand.trace(src, dst, port=port)
    assert hand_trace.disposition is expected
    assert moto_trace.disposition is expected
    assert _walk(moto_trace.forward) == _walk(hand_trace.forward)
    assert _walk(moto_trace.reply) == _walk(hand_trace.reply)


def test_every_resource_kind_was_imported(account: tuple[dict[str, Any], Path], imported: LoadedTopology) -> None:
    ids, topology = account[0], imported.topology
    shop = topology.vpcs[ids["shop"]]
    assert shop.internet_gateway == ids["igw"] and shop.egress_only_internet_gateway == ids["eigw"]
    assert set(shop.nat_gateways) == {ids["nat-a"]}
    assert set(shop.endpoints) == {ids["s3"], ids["ssm"]}
    assert shop.dns.hostnames is True                           # from describe-vpc-attribute
    assert shop.ipv6_cidrs                                      # the Amazon-provided IPv6 block
    assert shop.subnets[ids["db-a"]].network_acl == ids["db-nacl"]
    assert ids["app-1-data"] in shop.network_interfaces
    assert shop.instances[ids["web-1"]].elastic_ip == ids["web_eip"]
    db = shop.instances[ids["db-1"]].metadata                 # describe-instances' MetadataOptions (R11.1b)
    assert (db.http_endpoint, db.http_protocol_ipv6, db.http_tokens) == ("disabled", "disabled", "required")
    assert topology.peering[ids["pcx"]].status == "active"
    assert topology.vpcs[ids["partner"]].vpn_gateway == ids["vgw"]
    assert topology.vpn_connections[ids["vpn"]].static_routes == ("192.168.0.0/16",)
    assert ids["corp"] in topology.prefix_lists
    hub = topology.transit_gateways[ids["tgw"]]
    assert set(hub.attachments) == {ids["shop-att"], ids["shared-att"]}
    assert hub.attachments[ids["shop-att"]].propagations == (ids["hub-rt"],)
    assert [r.destination for r in hub.route_tables[ids["hub-rt"]].routes] == ["10.10.0.0/16", "10.30.0.0/16"]
    assert topology.external[ids["cgw"]].cidrs == ("192.168.0.0/16",)


def test_moto_quirks_as_the_importer_sees_them(account: tuple[dict[str, Any], Path], imported: LoadedTopology) -> None:
    ids, topology = account[0], imported.topology
    shop = topology.vpcs[ids["shop"]]
    default = next(sg for sg in shop.security_groups.values() if (sg.description or "").startswith("default"))
    assert default.ingress == ()                                # QUIRK default-sg: AWS has an inbound self rule
    acl = shop.network_acls[ids["db-nacl"]]
    assert max(r.rule for r in acl.ingress) == 110              # QUIRK nacl-deny: no 32767 entry to leave out
    assert shop.nat_gateways[ids["nat-a"]].private_ip is None   # QUIRK service-eni: moto's was outside public-a
    assert shop.endpoints[ids["ssm"]].addresses == {}
    left_out = [w.message for w in imported.warnings if " left out: " in w.message]
    assert left_out == [
        f"'private_ip' of NAT gateway '{ids['nat-a']}' left out: {_nat_private_ip(account[1])} is outside subnet "
        f"'{ids['public-a']}' (10.10.1.0/24)",
        f"address '{ids['app-a']}' of endpoint '{ids['ssm']}' left out: {_endpoint_ip(account[1], ids['ssm'])} is "
        f"outside subnet '{ids['app-a']}' (10.10.2.0/24)"]


def test_the_other_warnings_name_what_the_snapshot_lacks(imported: LoadedTopology) -> None:
    # moto lists AWS-managed prefix lists (CloudFront, Ground Station, VPC Lattice) that the dump has no entries
    # for; s3 and dynamodb use vpcsim's own ranges. Nothing else is left out.
    others = [w.message for w in imported.warnings if " left out: " not in w.message]
    assert others and all(m.startswith("prefix list pl-") and m.endswith("has no entries in the snapshot: it "
                                                                         "matches nothing") for m in others)


def _nat_private_ip(folder: Path) -> str:
    nat = json.loads((folder / "describe-nat-gateways.json").read_text())["NatGateways"][0]
    return str(nat["NatGatewayAddresses"][0]["PrivateIp"])


def _endpoint_ip(folder: Path, endpoint: str) -> str:
    endpoints = json.loads((folder / "describe-vpc-endpoints.json").read_text())["VpcEndpoints"]
    eni = next(e["NetworkInterfaceIds"][0] for e in endpoints if e["VpcEndpointId"] == endpoint)
    enis = json.loads((folder / "describe-network-interfaces.json").read_text())["NetworkInterfaces"]
    return str(next(e["PrivateIpAddress"] for e in enis if e["NetworkInterfaceId"] == eni))
