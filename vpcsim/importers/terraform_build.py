"""What a Terraform plan or state holds (``terraform.Plan``) -> the schema's plain data, with the position of every
value in the JSON file.

``CONVERTERS`` maps each supported resource type to the method that places it; they run in the order of the
table, so what a resource refers to (a VPC, a subnet, a security group…) is already placed. A reference — an
attribute holding an id — is followed through the id when it is known (state, resources that already exist),
else through the configuration's ``references``; ``ATTRIBUTE_KINDS`` says what the attributes that are not ``id``
name (``aws_vpc.x.default_route_table_id`` is the VPC's main route table).

Terraform manages some things differently from the console, and the import follows Terraform:
``aws_security_group`` removes AWS's default allow-all egress rule, so a group without egress rules allows no
outbound traffic; ``aws_default_route_table`` / ``aws_default_network_acl`` / ``aws_default_security_group`` hold
exactly the rules written in them. A VPC's default resources that the plan does not declare keep AWS's defaults.

Values known only after apply: a private address is left to vpcsim, which assigns the first free address of the
subnet; a public address (Elastic IP, auto-assigned public IP) gets a placeholder from the documentation ranges
(203.0.113.0/24, then 192.0.2.0/24), chosen from the resource's address so that it is stable across runs. Each is
one warning. Resources that change reachability and are not modelled (Network Firewall, load balancers, …) are one
warning each.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vpcsim.errors import Diagnostic, SourcePos
from vpcsim.importers.aws import region_in
from vpcsim.importers.located import Element, Malformed, Out, Res
from vpcsim.importers.terraform import Block, Plan, Resource
from vpcsim.load.standins import stand_in
from vpcsim.model.services import MANAGED_PREFIXES
from vpcsim.protocols import protocol_word

DEFAULT_REGION = "us-east-1"
PEERING_STATUSES = {"active": "active", "pending-acceptance": "pending-acceptance", "rejected": "rejected",
                    "deleted": "deleted", "expired": "expired", "failed": "failed",
                    "initiating-request": "pending-acceptance", "provisioning": "active"}
ENDPOINT_TYPES = {"gateway": "gateway", "interface": "interface", "gatewayloadbalancer": "gateway_load_balancer"}

# Resource type -> the kind of thing its id names.
TYPE_KIND = {
    "aws_vpc": "vpc", "aws_default_vpc": "vpc",
    "aws_subnet": "subnet", "aws_default_subnet": "subnet",
    "aws_route_table": "route_table", "aws_default_route_table": "route_table",
    "aws_internet_gateway": "internet_gateway", "aws_egress_only_internet_gateway": "egress_only_internet_gateway",
    "aws_vpn_gateway": "vpn_gateway", "aws_customer_gateway": "customer_gateway",
    "aws_nat_gateway": "nat_gateway", "aws_eip": "eip",
    "aws_security_group": "security_group", "aws_default_security_group": "security_group",
    "aws_network_acl": "network_acl", "aws_default_network_acl": "network_acl",
    "aws_instance": "instance", "aws_network_interface": "eni",
    "aws_vpc_peering_connection": "peering", "aws_vpc_peering_connection_accepter": "peering",
    "aws_vpc_endpoint": "endpoint",
    "aws_vpn_connection": "vpn_connection",
    "aws_ec2_transit_gateway": "transit_gateway",
    "aws_ec2_transit_gateway_route_table": "tgw_route_table",
    "aws_ec2_transit_gateway_vpc_attachment": "tgw_attachment",
    "aws_ec2_transit_gateway_peering_attachment": "tgw_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter": "tgw_attachment",
    "aws_ec2_managed_prefix_list": "prefix_list",
}

# Route targets: the attribute, and the kinds it may name.
ROUTE_TARGETS: tuple[tuple[str, frozenset[str]], ...] = (
    ("nat_gateway_id", frozenset({"nat_gateway"})),
    ("transit_gateway_id", frozenset({"transit_gateway"})),
    ("vpc_peering_connection_id", frozenset({"peering"})),
    ("network_interface_id", frozenset({"eni"})),
    ("instance_id", frozenset({"instance"})),
    ("vpc_endpoint_id", frozenset({"endpoint"})),
    ("egress_only_gateway_id", frozenset({"egress_only_internet_gateway"})),
    ("gateway_id", frozenset({"internet_gateway", "vpn_gateway"})),
)
UNSUPPORTED_TARGETS = {"carrier_gateway_id": "carrier gateway", "local_gateway_id": "local gateway",
                       "core_network_arn": "Cloud WAN core network"}

# Resources that change reachability and are not modelled: one warning each (longest prefix wins).
NOT_MODELLED = {
    "aws_networkfirewall_": "AWS Network Firewall is not modelled: traffic routed to its endpoints is not inspected",
    "aws_lb": "load balancers are not modelled: their listeners, targets and network interfaces are not imported",
    "aws_alb": "load balancers are not modelled: their listeners, targets and network interfaces are not imported",
    "aws_elb": "classic load balancers are not modelled: their listeners and network interfaces are not imported",
    "aws_vpc_endpoint_service": "endpoint services (PrivateLink, Gateway Load Balancer) are not modelled: traffic "
                                "sent to their endpoints does not reach the service behind them",
    "aws_ec2_transit_gateway_connect": "transit gateway Connect attachments are not modelled",
    "aws_ec2_transit_gateway_multicast": "transit gateway multicast is not modelled",
    "aws_ec2_transit_gateway_policy_table": "transit gateway policy tables are not modelled",
    "aws_ec2_transit_gateway_vpc_attachment_accepter": "a cross-account attachment accepted here is not modelled "
                                                       "(import the plan of the account that owns it)",
    "aws_ec2_transit_gateway_default_route_table_": "changing a transit gateway's default route table is not "
                                                    "modelled: the table created with it stays the default",
    "aws_dx_": "Direct Connect is not imported from Terraform: declare it under direct_connect in YAML",
    "aws_globalaccelerator_": "Global Accelerator is not modelled",
    "aws_route53_resolver_": "Route 53 Resolver endpoints, rules and DNS Firewall are not modelled",
    "aws_route53_zone": "Route 53 hosted zones are not imported from Terraform: declare them under hosted_zones in "
                        "YAML",
    "aws_vpc_dhcp_options": "DHCP option sets are not modelled: every VPC uses the Amazon-provided DNS server",
    "aws_ec2_carrier_gateway": "carrier gateways are not modelled",
    "aws_ec2_local_gateway": "local gateways (Outposts) are not modelled",
    "aws_vpclattice_": "VPC Lattice is not modelled",
    "aws_ec2_client_vpn_": "Client VPN is not modelled",
    "aws_verifiedaccess_": "Verified Access is not modelled",
    "aws_vpc_block_public_access_": "VPC Block Public Access is not modelled: vpcsim lets through the internet "
                                    "traffic it would block",
    "aws_ec2_instance_state": "instance state changes are not modelled: the instance is imported as running",
    "aws_ec2_instance_connect_endpoint": "EC2 Instance Connect endpoints are not modelled",
    "aws_autoscaling_group": "instances launched by an Auto Scaling group are not in the plan: they are not "
                             "imported",
    "aws_vpc_security_group_vpc_association": "security group VPC associations are not modelled",
}
# Resources that put network interfaces in a VPC (their addresses are not imported).
MAKES_INTERFACES = ("aws_db_instance", "aws_rds_cluster_instance", "aws_eks_cluster", "aws_elasticache_cluster",
                    "aws_elasticache_replication_group", "aws_efs_mount_target", "aws_ecs_service", "aws_mq_broker",
                    "aws_msk_cluster", "aws_opensearch_domain", "aws_elasticsearch_domain", "aws_redshift_cluster",
                    "aws_memorydb_cluster", "aws_directory_service_directory", "aws_fsx_", "aws_lambda_function",
                    "aws_sagemaker_notebook_instance", "aws_eks_node_group")
# Network resource families: a type of these that is not handled is a warning rather than silence.
NETWORK_PREFIXES = ("aws_vpc", "aws_subnet", "aws_route", "aws_internet_gateway", "aws_nat_", "aws_eip",
                    "aws_network_", "aws_security_group", "aws_vpn_", "aws_customer_gateway", "aws_ec2_transit_",
                    "aws_egress_only", "aws_default_", "aws_ec2_managed_prefix", "aws_main_route")
# Network types that do not change reachability.
HARMLESS = ("aws_vpc_ipam", "aws_ec2_tag", "aws_flow_log", "aws_ec2_subnet_cidr_reservation",
            "aws_ec2_traffic_mirror", "aws_ec2_network_insights", "aws_vpc_network_performance_metric",
            "aws_network_interface_permission", "aws_default_tags", "aws_route53_record",
            "aws_vpn_connection_route")


def build(plan: Plan) -> Out:
    return _Builder(plan).run()


@dataclass(slots=True)
class _Vpc:
    res: Res
    cidrs: set[str] = field(default_factory=set)
    ipv6: bool = False
    main_table: str = ""
    default_acl: str = ""
    default_sg: str = ""


class _Builder:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.out = Out(SourcePos(plan.source.display, 1, 1))
        self.ids: dict[str, tuple[str, str]] = {}              # known AWS id -> (kind, name)
        self.alias: dict[str, str] = {}                        # address -> name, when not its own
        self.vpcs: dict[str, _Vpc] = {}
        self.resource_vpc: dict[tuple[str, str], str] = {}     # (kind, name) -> VPC
        self.subnet_az: dict[str, str] = {}
        self.subnet_public: dict[str, bool] = {}
        self.tables: dict[str, tuple[str, Res]] = {}           # route table -> (VPC, resource)
        self.acls: dict[str, tuple[str, Res]] = {}
        self.groups: dict[str, tuple[str, Res]] = {}
        self.enis: dict[str, tuple[str, Res]] = {}             # network interfaces placed on their own
        self.instances: dict[str, tuple[str, Res]] = {}
        self.primary_enis: dict[str, str] = {}                 # ENI resource used as an instance's primary -> inst
        self.eips: dict[str, Resource] = {}
        self.eip_address: dict[str, str] = {}                  # EIP name -> its address (known or placeholder)
        self.used_public: set[str] = set()
        self.endpoints: dict[str, tuple[str, Res]] = {}
        self.peerings: dict[str, Res] = {}
        self.tgws: dict[str, tuple[Resource, Res]] = {}
        self.tgw_tables: dict[str, str] = {}                   # TGW route table -> TGW
        self.attachments: dict[str, tuple[str, Res, Resource]] = {}   # attachment -> (TGW, resource, source)
        self.attachment_sides: dict[tuple[str, str], str] = {}  # (attachment as referenced, TGW) -> attachment
        self.associations: dict[str, tuple[str, SourcePos]] = {}
        self.propagations: dict[str, list[tuple[str, SourcePos]]] = {}
        self.vpns: dict[str, tuple[Resource, Res]] = {}
        self.sites: dict[str, dict[str, Any]] = {}
        self.warned: set[tuple[str, str]] = set()
        self.with_eip: set[str] = set()                        # instances an Elastic IP is associated with

    # -- helpers -----------------------------------------------------------------------------------

    def warn(self, pos: SourcePos, message: str, hint: str | None = None) -> None:
        self.plan.warnings.append(Diagnostic(pos, message, hint, severity="warning"))

    def each(self, convert: Callable[[_Builder, Resource], None], *types: str) -> None:
        """Convert every resource of ``types``; what is wrong with one costs that one, with a warning."""
        for res in self.plan.of_type(*types):
            try:
                convert(self, res)
            except Malformed as bad:
                self.warn(bad.pos, f"{res.address} left out: {bad.message}")
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
                self.warn(res.pos(), f"{res.address} left out: unexpected shape ({type(error).__name__}: {error})")

    def name_of(self, target: Resource, attribute: str | None) -> tuple[str, str] | None:
        """What ``target.attribute`` names: (kind, name), or None when it names nothing the schema holds."""
        special = ATTRIBUTE_KINDS.get((target.type, attribute or "id"))
        if special is not None:
            return special(self, target)
        kind = TYPE_KIND.get(target.type)
        if kind is None or attribute not in (None, "id", "arn", "allocation_id"):
            return None
        return kind, self.alias.get(target.address, target.name)

    def ref(self, res: Resource, block: Block, key: str, kinds: frozenset[str] | set[str], what: str,
            quiet: bool = False) -> str | None:
        """The name the attribute ``key`` refers to: through its id when known, else the configuration."""
        value = block.get(key)
        if isinstance(value, str):
            return self.materialize(self.by_id(res, block, key, value, kinds, what, quiet))
        for kind, name in self.targets(res, block.expression(key)):
            if kind in kinds:
                return self.materialize(name)
        if block.is_unknown(key) and not quiet:
            self.warn(block.el.pos(), f"{res.address}: {what} ({key}) is known only after apply, and the "
                      "configuration does not name a resource of this plan for it",
                      hint="vpcsim follows references to resources in the plan (also through modules and "
                      "variables); data sources and locals cannot be followed")
        return None

    def refs(self, res: Resource, block: Block, key: str, kinds: frozenset[str] | set[str],
             what: str) -> list[tuple[str, SourcePos]]:
        """The names a list attribute refers to (known ids, then what unknown items reference), with positions."""
        found: list[tuple[str, SourcePos]] = []
        values = block.get(key)
        unknown_items = block.is_unknown(key)
        for i, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, str) and value:
                name = self.by_id(res, block, key, value, kinds, what, False, index=i)
                if name is not None and name not in [n for n, _ in found]:
                    found.append((name, block.el.pos(key, i)))
            else:
                unknown_items = True
        if unknown_items or not isinstance(values, list):
            for kind, name in self.targets(res, block.expression(key)):
                if kind in kinds and name not in [n for n, _ in found]:
                    found.append((name, block.el.pos(key)))
        for name, _ in found:
            self.materialize(name)
        return found

    def materialize(self, name: str | None) -> str | None:
        """A VPC's default route table, network ACL or security group that something refers to but the plan does
        not declare: made explicit, with AWS's defaults."""
        if name is not None and self.vpcs:
            self._implicit_default_group(name)
            self._implicit_default_acl(name)
            self.table(name)
        return name

    def targets(self, res: Resource, expression: dict[str, Any] | None) -> list[tuple[str, str]]:
        found = []
        for target, attribute in self.plan.targets(res, expression):
            named = self.name_of(target, attribute)
            if named is not None and named not in found:
                found.append(named)
        return found

    def by_id(self, res: Resource, block: Block, key: str, value: str, kinds: frozenset[str] | set[str], what: str,
              quiet: bool, index: int | None = None) -> str | None:
        found = self.ids.get(value)
        if found is not None and found[0] in kinds:
            return found[1]
        if "prefix_list" in kinds and value in MANAGED_LIST_IDS:
            return MANAGED_LIST_IDS[value]
        for kind, name in self.targets(res, block.expression(key)):   # an id Terraform knows, a resource we have
            if kind in kinds and index is None:
                return name
        if not quiet and (res.address, value) not in self.warned:
            self.warned.add((res.address, value))
            where = block.el.pos(key) if index is None else block.el.pos(key, index)
            self.warn(where, f"{res.address}: {what} {value} is not managed in this "
                      f"{self.plan.kind}; what refers to it is left out",
                      hint="import a plan or state that holds it, or add it to the YAML by hand")
        return None

    def ref_values(self, res: Resource, block: Block, key: str) -> list[tuple[str, SourcePos]]:
        """Text values of an attribute (or list attribute); unknown ones read through references when the
        referenced attribute is known (``cidr_blocks = [aws_vpc.main.cidr_block]``)."""
        value = block.get(key)
        found: list[tuple[str, SourcePos]] = []
        unknown = block.is_unknown(key) or (value is None and block.expression(key) is not None)
        if isinstance(value, str):
            found.append((value, block.el.pos(key)))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str) and item:
                    found.append((item, block.el.pos(key, i)))
                elif item is None:
                    unknown = True
        if unknown:
            for target, attribute in self.plan.targets(res, block.expression(key)):
                known = target.block.get(attribute) if attribute else None
                for item in known if isinstance(known, list) else [known]:
                    if isinstance(item, str) and item and item not in [v for v, _ in found]:
                        found.append((item, block.el.pos(key)))
        return found

    def vpc_of(self, res: Resource, block: Block | None = None, key: str = "vpc_id") -> str | None:
        vpc = self.ref(res, block or res.block, key, {"vpc"}, "VPC")
        if vpc is None and (block or res.block).get(key) is None and not (block or res.block).is_unknown(key) \
                and (block or res.block).expression(key) is None:
            self.warn(res.pos(), f"{res.address} names no VPC ({key}): left out (the default VPC is not in the "
                      f"{self.plan.kind})")
        return vpc if vpc in self.vpcs else None

    def subnet_of(self, res: Resource, block: Block, key: str = "subnet_id") -> tuple[str, str] | None:
        """(subnet, VPC) of a resource placed in a subnet; None (warned) when it cannot be told."""
        subnet = self.ref(res, block, key, {"subnet"}, "subnet")
        if subnet is None:
            if block.get(key) is None and not block.is_unknown(key) and block.expression(key) is None:
                self.warn(res.pos(), f"{res.address} names no subnet ({key}): left out")
            return None
        vpc = self.resource_vpc.get(("subnet", subnet))
        return (subnet, vpc) if vpc is not None else None

    def public_address(self, owner: str, at: SourcePos, what: str) -> str:
        """A stable placeholder for a public address known only after apply (one warning): the one allocator
        of stand-ins (``vpcsim.load.standins``), keyed by the resource address."""
        candidate = stand_in(owner, self.used_public)
        if candidate is not None:
            self.used_public.add(candidate)
            self.warn(at, f"{owner}: {what} is known only after apply; vpcsim uses {candidate} in its place",
                      hint="a documentation address (RFC 5737) that stands for the one AWS will assign")
            return candidate
        raise Malformed(f"no placeholder address left for {what}", at)

    def _metadata_options(self, block: Block, out: Res) -> None:
        """``metadata_options`` of an ``aws_instance`` (R11.1b): the endpoint, IPv6 endpoint and tokens it sets."""
        options = next(iter(block.blocks("metadata_options")), None)
        if options is None:
            return
        fields = {"http_endpoint": ("enabled", "disabled"), "http_protocol_ipv6": ("enabled", "disabled"),
                  "http_tokens": ("optional", "required")}
        found = {key: value for key in fields if (value := options.get(key)) in fields[key]}
        if found:
            out.set("metadata", found, at=options.el.pos())

    def tags(self, res: Res, block: Block) -> None:
        tags = block.get("tags")
        if isinstance(tags, dict) and tags and all(isinstance(v, str) for v in tags.values()):
            res.set("tags", dict(tags), "tags")

    # -- run ---------------------------------------------------------------------------------------

    def run(self) -> Out:
        self._names()
        for types, convert in CONVERTERS:
            self.each(convert, *types)
        self._place()
        self._unsupported()
        self._topology()
        return self.out

    def _names(self) -> None:
        """Known ids -> names, the names of the VPCs' default resources, and who answers for whom."""
        for res in self.plan.of_type("aws_vpc", "aws_default_vpc"):
            if isinstance(res.block.get("id"), str):
                self.ids[res.block.get("id")] = ("vpc", res.name)
        defaults: dict[tuple[str, str], str] = {}
        for kind, tf_type, key in (("route_table", "aws_default_route_table", "default_route_table_id"),
                                   ("network_acl", "aws_default_network_acl", "default_network_acl_id"),
                                   ("security_group", "aws_default_security_group", "vpc_id")):
            for res in self.plan.of_type(tf_type):
                vpc = self._default_owner(res, key)
                if vpc is not None:
                    defaults.setdefault((kind, vpc), res.name)
        for res in self.plan.of_type("aws_vpc", "aws_default_vpc"):
            self.vpcs.setdefault(res.name, _Vpc(Res(res.el), main_table=defaults.get(
                ("route_table", res.name), f"{res.name}-main"), default_acl=defaults.get(
                ("network_acl", res.name), f"{res.name}-default-acl"), default_sg=defaults.get(
                ("security_group", res.name), f"{res.name}-default-sg")))
        for res in self.plan.resources:
            named = self.name_of(res, None)
            if named is not None and isinstance(res.block.get("id"), str) and not res.type.endswith("_accepter"):
                self.ids.setdefault(res.block.get("id"), named)
            for (tf_type, attribute), special in ATTRIBUTE_KINDS.items():
                value = res.block.get(attribute)
                if tf_type == res.type and attribute != "id" and isinstance(value, str):
                    found = special(self, res)
                    if found is not None:
                        self.ids.setdefault(value, found)
        for accepter in self.plan.of_type("aws_vpc_peering_connection_accepter"):
            peering = self.ref(accepter, accepter.block, "vpc_peering_connection_id", {"peering"}, "peering",
                               quiet=True)
            if peering is not None:
                self.alias[accepter.address] = peering
        for res in self.plan.of_type("aws_eip", "aws_instance"):
            value = res.block.get("public_ip")
            if isinstance(value, str):
                self.used_public.add(value)
        for res in self.plan.of_type("aws_eip", "aws_eip_association"):
            key = "instance" if res.type == "aws_eip" else "instance_id"
            instance = self.ref(res, res.block, key, {"instance"}, "instance", quiet=True)
            if instance is not None:
                self.with_eip.add(instance)

    def _default_owner(self, res: Resource, key: str) -> str | None:
        """The VPC of an ``aws_default_*`` resource: its vpc_id when known, else what its key refers to."""
        vpc = res.block.get("vpc_id")
        if isinstance(vpc, str) and self.ids.get(vpc, ("", ""))[0] == "vpc":
            return self.ids[vpc][1]
        value = res.block.get(key)
        for owner in self.plan.of_type("aws_vpc", "aws_default_vpc"):
            if isinstance(value, str) and value in (owner.block.get(key), owner.block.get("main_route_table_id"),
                                                    owner.block.get("id")):
                return owner.name
        for target, _ in self.plan.targets(res, res.block.expression(key)):
            if target.type in ("aws_vpc", "aws_default_vpc"):
                return target.name
        return None

    # -- VPCs, gateways, subnets -----------------------------------------------------------------------

    def _vpc(self, res: Resource) -> None:
        vpc = self.vpcs[res.name]
        block = res.block
        out = vpc.res
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        cidr = block.get("cidr_block")
        if not isinstance(cidr, str):
            del self.vpcs[res.name]
            raise Malformed("its IPv4 CIDR (cidr_block) is known only after apply (IPAM?); the VPC and what is in "
                            "it cannot be placed", res.pos())
        out.set("cidr", _cidr(cidr, res.pos("cidr_block")), "cidr_block")
        vpc.cidrs.add(out.data["cidr"])
        ipv6 = block.get("ipv6_cidr_block")
        if isinstance(ipv6, str):
            out.add("ipv6_cidrs", _cidr(ipv6, res.pos("ipv6_cidr_block")), res.pos("ipv6_cidr_block"))
            vpc.ipv6 = True
        elif block.is_unknown("ipv6_cidr_block") and (block.get("assign_generated_ipv6_cidr_block") or
                                                      block.get("ipv6_ipam_pool_id")):
            self.warn(res.pos(), f"{res.address}: its IPv6 CIDR is known only after apply: IPv6 is not modelled "
                      "for this VPC")
        default_hostnames = res.type == "aws_default_vpc"
        support = block.get("enable_dns_support")
        hostnames = block.get("enable_dns_hostnames")
        dns = {"support": support is not False, "hostnames": bool(hostnames) if hostnames is not None
               else default_hostnames}
        if dns != {"support": True, "hostnames": False}:
            out.set("dns", dns, "enable_dns_support")
        self.tags(out, block)
        self.out.place(("vpcs", res.name), out)

    def _vpc_cidr(self, res: Resource) -> None:
        """``aws_vpc_ipv4_cidr_block_association`` / ``…ipv6…``: secondary CIDRs."""
        vpc = self.vpc_of(res)
        if vpc is None:
            return
        six = res.type.startswith("aws_vpc_ipv6")
        key = "ipv6_cidr_block" if six else "cidr_block"
        value = res.block.get(key)
        if not isinstance(value, str):
            self.warn(res.pos(), f"{res.address}: the CIDR is known only after apply (IPAM?); not imported")
            return
        cidr = _cidr(value, res.pos(key))
        if cidr not in self.vpcs[vpc].cidrs:
            self.vpcs[vpc].res.add("ipv6_cidrs" if six else "secondary_cidrs", cidr, res.pos(key))
            self.vpcs[vpc].cidrs.add(cidr)
            self.vpcs[vpc].ipv6 |= six

    def _gateway(self, res: Resource) -> None:
        """Internet, egress-only internet and virtual private gateways: one of each per VPC."""
        field_name = {"aws_internet_gateway": "internet_gateway",
                      "aws_egress_only_internet_gateway": "egress_only_internet_gateway",
                      "aws_vpn_gateway": "vpn_gateway"}[res.type]
        if res.block.get("vpc_id") is None and not res.block.is_unknown("vpc_id") and \
                res.block.expression("vpc_id") is None:
            return        # attached by aws_internet_gateway_attachment / aws_vpn_gateway_attachment
        vpc = self.vpc_of(res)
        if vpc is not None:
            self._attach(res, vpc, field_name, res.name, res.pos("vpc_id"))
            asn = _int(res.block.get("amazon_side_asn"))
            if res.type == "aws_vpn_gateway" and asn is not None and asn != 64512:
                self.out.put(("vpcs", vpc, "vpn_gateway_asn"), asn, res.pos("amazon_side_asn"))

    def _gateway_attachment(self, res: Resource) -> None:
        """``aws_internet_gateway_attachment`` / ``aws_vpn_gateway_attachment``."""
        igw = res.type == "aws_internet_gateway_attachment"
        key = "internet_gateway_id" if igw else "vpn_gateway_id"
        kind = "internet_gateway" if igw else "vpn_gateway"
        gateway = self.ref(res, res.block, key, {kind}, kind.replace("_", " "))
        vpc = self.vpc_of(res)
        if gateway is not None and vpc is not None:
            self._attach(res, vpc, kind, gateway, res.pos("vpc_id"))
            source = next((r for r in self.plan.of_type("aws_vpn_gateway") if r.name == gateway), None)
            asn = _int(source.block.get("amazon_side_asn")) if source is not None else None
            if asn is not None and asn != 64512:
                self.out.put(("vpcs", vpc, "vpn_gateway_asn"), asn, res.pos())

    def _attach(self, res: Resource, vpc: str, field_name: str, gateway: str, at: SourcePos) -> None:
        current = self.out.get(("vpcs", vpc, field_name))
        if current is not None and current != gateway:
            self.warn(at, f"{res.address}: VPC {vpc} already has {current}; not attached")
            return
        self.out.put(("vpcs", vpc, field_name), gateway, at)
        self.resource_vpc[(TYPE_KIND.get(res.type, field_name), gateway)] = vpc
        self.resource_vpc[(field_name, gateway)] = vpc

    def _subnet(self, res: Resource) -> None:
        vpc = self.vpc_of(res)
        if vpc is None:
            return
        block = res.block
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        cidr = block.get("cidr_block")
        if not isinstance(cidr, str):
            raise Malformed("its IPv4 CIDR (cidr_block) is known only after apply; vpcsim needs it", res.pos())
        out.set("cidr", _cidr(cidr, res.pos("cidr_block")), "cidr_block")
        ipv6 = block.get("ipv6_cidr_block")
        if isinstance(ipv6, str):
            out.set("ipv6_cidr", _cidr(ipv6, res.pos("ipv6_cidr_block")), "ipv6_cidr_block")
        elif block.is_unknown("ipv6_cidr_block"):
            self.warn(res.pos("ipv6_cidr_block"), f"{res.address}: its IPv6 CIDR is known only after apply: IPv6 is "
                      "not modelled for this subnet")
        az = block.get("availability_zone")
        if isinstance(az, str):
            out.set("az", az, "availability_zone")
            self.subnet_az[res.name] = az
        if isinstance(block.get("availability_zone_id"), str):
            out.set("az_id", block.get("availability_zone_id"), "availability_zone_id")
        public = block.get("map_public_ip_on_launch")
        if public is True or (public is None and res.type == "aws_default_subnet"):
            out.set("map_public_ip", True, "map_public_ip_on_launch")
        self.subnet_public[res.name] = out.data.get("map_public_ip", False)
        self.tags(out, block)
        self.out.place(("vpcs", vpc, "subnets", res.name), out)
        self.resource_vpc[("subnet", res.name)] = vpc

    # -- prefix lists --------------------------------------------------------------------------------------

    def _prefix_list(self, res: Resource) -> None:
        out = Res(res.el)
        if isinstance(res.block.get("id"), str):
            out.set("id", res.block.get("id"), "id")
        out.set("entries", [], "entry")
        for entry in res.block.blocks("entry"):
            cidr = entry.get("cidr")
            if isinstance(cidr, str):
                out.add("entries", _cidr(cidr, entry.el.pos("cidr")), entry.el.pos("cidr"))
        max_entries = _int(res.block.get("max_entries"))
        if max_entries is not None:
            out.set("max_entries", max_entries, "max_entries")
        self.out.place(("prefix_lists", res.name), out)

    def _prefix_list_entry(self, res: Resource) -> None:
        plist = self.ref(res, res.block, "prefix_list_id", {"prefix_list"}, "prefix list")
        cidr = res.block.get("cidr")
        entries = self.out.get(("prefix_lists", plist, "entries")) if plist is not None else None
        if isinstance(entries, list) and isinstance(cidr, str):
            value = _cidr(cidr, res.pos("cidr"))
            if value not in entries:
                self.out.values[("prefix_lists", str(plist), "entries", len(entries))] = res.pos("cidr")
                entries.append(value)

    # -- security groups -------------------------------------------------------------------------------------

    def _security_group(self, res: Resource) -> None:
        vpc = self.vpc_of(res)
        if vpc is None:
            return
        out = Res(res.el)
        block = res.block
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        name, description = block.get("name"), block.get("description")
        if isinstance(name, str) or isinstance(description, str):
            text = ": ".join(v for v in (name, description) if isinstance(v, str))
            out.set("description", text, "description" if isinstance(description, str) else "name")
        self.groups[res.name] = (vpc, out)
        self.resource_vpc[("security_group", res.name)] = vpc
        out.set("ingress", [], "ingress")
        out.set("egress", [], "egress")      # Terraform removes AWS's default allow-all egress rule
        for side, key in (("source", "ingress"), ("destination", "egress")):
            if block.is_unknown(key) and block.expression(key) is not None:
                self.warn(res.pos(key), f"{res.address}: its {key} rules are known only after apply; none imported")
            for rule in block.blocks(key):
                for made in self._guarded(rule.el, f"{key} rule of {res.address}", self._sg_rule, res, rule,
                                          res.name, side, "protocol"):
                    out.add_res(key, made)

    def _guarded(self, el: Element, what: str, action: Callable[..., list[Res]], *args: Any) -> list[Res]:
        """``action(*args)``; what is wrong with one rule or route costs that one, with a warning."""
        try:
            return action(*args)
        except Malformed as bad:
            self.warn(bad.pos, f"{what} left out: {bad.message}")
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            self.warn(el.pos(), f"{what} left out: unexpected shape ({type(error).__name__}: {error})")
        return []

    def _sg_rule(self, res: Resource, rule: Block, group: str, side: str, protocol_key: str) -> list[Res]:
        """One rule block (inline, ``aws_security_group_rule`` or ``aws_vpc_security_group_*_rule``) -> one schema
        rule per peer: each CIDR, prefix list and security group."""
        fields = _sg_fields(rule, protocol_key)
        peers: list[tuple[str, SourcePos]] = []
        for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"):
            for value, at in self.ref_values(res, rule, key):
                peers.append((_cidr(value, at), at))
        peers += self.refs(res, rule, "prefix_list_ids", {"prefix_list"}, "prefix list")
        peers += self.refs(res, rule, "security_groups", {"security_group"}, "security group")
        for key, kind, what in (("prefix_list_id", "prefix_list", "prefix list"),
                                ("source_security_group_id", "security_group", "security group"),
                                ("referenced_security_group_id", "security_group", "security group")):
            name = self.ref(res, rule, key, {kind}, what)
            if name is not None:
                peers.append((name, rule.el.pos(key)))
        if rule.get("self") is True:
            peers.append((group, rule.el.pos("self")))
        rules = []
        description = rule.get("description")
        for peer, at in peers:
            made = Res(rule.el)
            for name, (value, where) in fields.items():
                made.set(name, value, at=where)
            made.set(side, peer, at=at)
            if isinstance(description, str):
                made.set("description", description, "description")
            rules.append(made)
        if not peers and not any(rule.is_unknown(k) for k in ("cidr_blocks", "security_groups", "prefix_list_ids")):
            self.warn(rule.el.pos(), f"{res.address}: a rule without a peer (CIDR, prefix list or security group) "
                      "matches nothing; left out")
        return rules

    def _sg_rule_resource(self, res: Resource) -> None:
        """``aws_security_group_rule`` (type ingress/egress) and ``aws_vpc_security_group_ingress/egress_rule``."""
        if res.type == "aws_security_group_rule":
            kind = res.block.get("type")
            protocol_key = "protocol"
        else:
            kind = "ingress" if res.type.endswith("ingress_rule") else "egress"
            protocol_key = "ip_protocol"
        if kind not in ("ingress", "egress"):
            raise Malformed(f"'type' must be ingress or egress, not {kind!r}", res.pos("type"))
        group = self.ref(res, res.block, "security_group_id", {"security_group"}, "security group")
        if group is None:
            return
        if group not in self.groups:
            self._implicit_default_group(group)
        if group not in self.groups:
            self.warn(res.pos("security_group_id"), f"{res.address}: security group {group} is not imported; "
                      "rule left out")
            return
        side = "source" if kind == "ingress" else "destination"
        for made in self._sg_rule(res, res.block, group, side, protocol_key):
            _add_once(self.groups[group][1], kind, made)

    def _implicit_default_group(self, name: str) -> None:
        """A VPC's default security group, referenced but not declared: AWS's rules (R3.3), made explicit."""
        for vpc_name, vpc in self.vpcs.items():
            if vpc.default_sg == name and name not in self.groups:
                out = Res(vpc.res.el)
                out.set("description", "default VPC security group", at=vpc.res.at)
                out.add("ingress", {"protocol": "all", "source": name}, vpc.res.at)
                egress = [{"protocol": "all", "destination": "0.0.0.0/0"}]
                if vpc.ipv6:
                    egress.append({"protocol": "all", "destination": "::/0"})
                for rule in egress:
                    out.add("egress", rule, vpc.res.at)
                self.groups[name] = (vpc_name, out)
                self.resource_vpc[("security_group", name)] = vpc_name

    def default_group(self, vpc: str) -> str | None:
        """The group an interface without security groups gets: the declared or referenced default group."""
        name = self.vpcs[vpc].default_sg
        return name if name in self.groups else None

    # -- network ACLs --------------------------------------------------------------------------------------------

    def _network_acl(self, res: Resource) -> None:
        default = res.type == "aws_default_network_acl"
        vpc = self._default_owner(res, "default_network_acl_id") if default else self.vpc_of(res)
        if vpc is None or vpc not in self.vpcs:
            if default:
                self.warn(res.pos(), f"{res.address}: cannot tell which VPC's default network ACL it is; left out")
            return
        out = Res(res.el)
        if isinstance(res.block.get("id"), str):
            out.set("id", res.block.get("id"), "id")
        if default:
            out.set("default", True, "default_network_acl_id")
        out.set("ingress", [], "ingress")
        out.set("egress", [], "egress")
        for key in ("ingress", "egress"):
            for entry in res.block.blocks(key):
                for rule in self._guarded(entry.el, f"{key} rule of {res.address}", _acl_rule, entry, "rule_no",
                                          "action", key == "egress"):
                    out.add_res(key, rule)
        self.acls[res.name] = (vpc, out)
        self.resource_vpc[("network_acl", res.name)] = vpc
        for subnet, at in self.refs(res, res.block, "subnet_ids", {"subnet"}, "subnet"):
            self._associate_acl(res, subnet, res.name, vpc, at)

    def _implicit_default_acl(self, name: str) -> None:
        """A VPC's default network ACL, referenced but not declared: AWS's allow-all rules (R4.5), made explicit."""
        for vpc_name, vpc in self.vpcs.items():
            if vpc.default_acl == name and name not in self.acls:
                out = Res(vpc.res.el)
                out.set("default", True, at=vpc.res.at)
                for key, side in (("ingress", "source"), ("egress", "destination")):
                    out.add(key, {"rule": 100, "protocol": "all", side: "0.0.0.0/0", "action": "allow"}, vpc.res.at)
                    if vpc.ipv6:
                        out.add(key, {"rule": 101, "protocol": "all", side: "::/0", "action": "allow"}, vpc.res.at)
                self.acls[name] = (vpc_name, out)
                self.resource_vpc[("network_acl", name)] = vpc_name

    def _acl_rule_resource(self, res: Resource) -> None:
        acl = self.ref(res, res.block, "network_acl_id", {"network_acl"}, "network ACL")
        if acl is None:
            return
        self._implicit_default_acl(acl)
        if acl not in self.acls:
            self.warn(res.pos("network_acl_id"), f"{res.address}: network ACL {acl} is not imported; rule left out")
            return
        egress = res.block.get("egress") is True
        for rule in _acl_rule(res.block, "rule_number", "rule_action", egress):
            _add_once(self.acls[acl][1], "egress" if egress else "ingress", rule)

    def _acl_association(self, res: Resource) -> None:
        acl = self.ref(res, res.block, "network_acl_id", {"network_acl"}, "network ACL")
        subnet = self.ref(res, res.block, "subnet_id", {"subnet"}, "subnet")
        if acl is None or subnet is None:
            return
        self._implicit_default_acl(acl)
        vpc = self.resource_vpc.get(("network_acl", acl))
        if vpc is not None:
            self._associate_acl(res, subnet, acl, vpc, res.pos("subnet_id"))

    def _associate_acl(self, res: Resource, subnet: str, acl: str, vpc: str, at: SourcePos) -> None:
        if self.resource_vpc.get(("subnet", subnet)) != vpc:
            self.warn(at, f"{res.address}: subnet {subnet} is not in the ACL's VPC; association left out")
            return
        self.out.put(("vpcs", vpc, "subnets", subnet, "network_acl"), acl, at)

    # -- addresses, NAT gateways, interfaces, instances --------------------------------------------------------

    def _eip(self, res: Resource) -> None:
        self.eips[res.name] = res

    def eip(self, name: str, at: SourcePos) -> str:
        """An Elastic IP's address: known, or a placeholder (warned once)."""
        if name not in self.eip_address:
            res = self.eips[name]
            value = res.block.get("public_ip")
            self.eip_address[name] = value if isinstance(value, str) else \
                self.public_address(res.address, res.pos(), "its public IP")
        return self.eip_address[name]

    def _nat_gateway(self, res: Resource) -> None:
        placed = self.subnet_of(res, res.block)
        if placed is None:
            return
        subnet, vpc = placed
        out = Res(res.el)
        block = res.block
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        out.set("subnet", subnet, "subnet_id")
        connectivity = str(block.get("connectivity_type") or "public").lower()
        if connectivity == "private":
            out.set("connectivity", "private", "connectivity_type")
        else:
            eip = self.ref(res, block, "allocation_id", {"eip"}, "Elastic IP")
            if eip is not None:
                out.set("elastic_ip", self.eip(eip, res.pos("allocation_id")), "allocation_id")
            elif isinstance(block.get("public_ip"), str):
                out.set("elastic_ip", block.get("public_ip"), "public_ip")
            else:
                out.set("elastic_ip", self.public_address(res.address, res.pos(), "its Elastic IP"), at=res.pos())
        private = block.get("private_ip")
        if isinstance(private, str):
            out.set("private_ip", private, "private_ip")
        elif connectivity == "private":
            self.warn(res.pos(), f"{res.address}: its private IP (the address it translates to) is known only "
                      f"after apply; vpcsim assigns a free address of {subnet}")
        if block.get("secondary_allocation_ids") or block.get("secondary_private_ip_addresses"):
            self.warn(res.pos(), f"{res.address}: secondary addresses are not modelled; it translates to its "
                      "primary address only")
        self.out.place(("vpcs", vpc, "nat_gateways", res.name), out)
        self.resource_vpc[("nat_gateway", res.name)] = vpc

    def _network_interface(self, res: Resource) -> None:
        placed = self.subnet_of(res, res.block)
        if placed is None:
            return
        subnet, vpc = placed
        out = Res(res.el)
        if isinstance(res.block.get("id"), str):
            out.set("id", res.block.get("id"), "id")
        self._interface_fields(res, res.block, out, subnet, vpc, "security_groups")
        description = res.block.get("description")
        if isinstance(description, str):
            out.set("description", description, "description")
        self.enis[res.name] = (vpc, out)
        self.resource_vpc[("eni", res.name)] = vpc
        for attachment in res.block.blocks("attachment"):
            instance = self.ref(res, attachment, "instance", {"instance"}, "instance")
            if instance is not None:
                self._attach_eni(res, res.name, instance, _int(attachment.get("device_index")), attachment.el.pos())

    def _interface_fields(self, res: Resource, block: Block, out: Res, subnet: str, vpc: str, groups_key: str) -> None:
        """Subnet, addresses, security groups and source/dest check of an instance or an ENI."""
        out.set("subnet", subnet, "subnet_id")
        private = block.get("private_ip")
        privates = [p for p in block.get("private_ips") or [] if isinstance(p, str)] \
            if isinstance(block.get("private_ips"), list) else []
        if not isinstance(private, str) and privates:
            private = sorted(privates)[0]
        if isinstance(private, str):
            out.set("private_ip", private, "private_ip")
        else:
            self.warn(res.pos(), f"{res.address}: its private IP is known only after apply; vpcsim assigns the "
                      f"first free address of {subnet}",
                      hint="set private_ip in the configuration to trace with the real address")
        secondary = [p for p in privates if p != private]
        for value in block.get("secondary_private_ips") or [] if isinstance(block.get("secondary_private_ips"),
                                                                            list) else []:
            if isinstance(value, str) and value not in secondary:
                secondary.append(value)
        for value in secondary:
            out.add("secondary_private_ips", value, res.pos("private_ips"))
        for value in block.get("ipv6_addresses") or [] if isinstance(block.get("ipv6_addresses"), list) else []:
            if isinstance(value, str):
                out.add("ipv6_addresses", value, res.pos("ipv6_addresses"))
        if block.is_unknown("ipv6_addresses") and (_int(block.get("ipv6_address_count")) or 0) > 0:
            self.warn(res.pos("ipv6_address_count"), f"{res.address}: its IPv6 addresses are known only after "
                      "apply; IPv6 is not modelled for it")
        groups = self.refs(res, block, groups_key, {"security_group"}, "security group")
        if groups:
            out.set("security_groups", [g for g, _ in groups], groups_key)
        if block.get("source_dest_check") is False:
            out.set("source_dest_check", False, "source_dest_check")

    def _instance(self, res: Resource) -> None:
        block = res.block
        state = block.get("instance_state")
        if isinstance(state, str) and state not in ("running", "pending"):
            self.warn(res.pos("instance_state"), f"{res.address} is {state}: not imported (only running instances "
                      "carry traffic)")
            return
        primary = next((b for b in block.blocks("network_interface") if _int(b.get("device_index")) == 0), None)
        eni_name = self.ref(res, primary, "network_interface_id", {"eni"}, "network interface") \
            if primary is not None else None
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        if eni_name is not None and eni_name in self.enis:
            vpc, eni = self.enis.pop(eni_name)
            out.set("eni", eni_name, at=primary.el.pos() if primary else res.pos())
            for key in ("subnet", "private_ip", "secondary_private_ips", "ipv6_addresses", "security_groups",
                        "source_dest_check", "elastic_ip", "public_ip"):
                if key in eni.data:
                    out.data[key] = eni.data[key]
                    out.pos[(key,)] = eni.pos.get((key,), eni.at)
            self.primary_enis[eni_name] = res.name
            subnet = str(out.data["subnet"])
        else:
            placed = self.subnet_of(res, block)
            if placed is None:
                return
            subnet, vpc = placed
            self._interface_fields(res, block, out, subnet, vpc, "vpc_security_group_ids")
            if "security_groups" not in out.data and block.get("security_groups"):
                names = self._groups_by_name(vpc, block.get("security_groups"))
                if names:
                    out.set("security_groups", names, "security_groups")
        public = block.get("public_ip")
        associate = block.get("associate_public_ip_address")
        if isinstance(public, str) and public:
            out.set("public_ip", public, "public_ip")
        elif res.name in self.with_eip:
            pass                    # the Elastic IP is its public address
        elif associate is True or (associate is None and block.el.get("public_ip") != "" and
                                   self.subnet_public.get(subnet)):
            out.set("public_ip", self.public_address(res.address, res.pos(), "its public IP"), at=res.pos())
        elif self.subnet_public.get(subnet) and "public_ip" not in out.data and "elastic_ip" not in out.data:
            # launched without one (or known to have none), R1.14: no stand-in at load either
            out.set("public_ip", "none", "associate_public_ip_address" if associate is False else "public_ip")
        self._metadata_options(block, out)
        if "security_groups" not in out.data and self.default_group(vpc) is not None:
            out.set("security_groups", [self.default_group(vpc)], at=res.pos())
        self.tags(out, block)
        self.instances[res.name] = (vpc, out)
        self.resource_vpc[("instance", res.name)] = vpc
        for attached in block.blocks("network_interface"):
            index = _int(attached.get("device_index"))
            if index:
                other = self.ref(res, attached, "network_interface_id", {"eni"}, "network interface")
                if other is not None:
                    self._attach_eni(res, other, res.name, index, attached.el.pos())

    def _groups_by_name(self, vpc: str, names: Any) -> list[str]:
        """``security_groups`` of an instance lists group *names*: the groups of its VPC that have them."""
        wanted = {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
        found = []
        for res in self.plan.of_type("aws_security_group", "aws_default_security_group"):
            name = res.block.get("name") or ("default" if res.type == "aws_default_security_group" else None)
            if name in wanted and self.groups.get(res.name, ("", None))[0] == vpc:
                found.append(res.name)
        return found

    def _attach_eni(self, res: Resource, eni: str, instance: str, device_index: int | None, at: SourcePos) -> None:
        if eni not in self.enis:
            return
        vpc, out = self.enis[eni]
        if self.resource_vpc.get(("instance", instance)) not in (None, vpc):
            self.warn(at, f"{res.address}: interface {eni} is in another VPC than instance {instance}; attached "
                      "without its instance (multi-VPC attachments are not modelled)")
            return
        out.set("instance", instance, at=at)
        out.set("device_index", device_index if device_index is not None else 1, at=at)

    def _eni_attachment(self, res: Resource) -> None:
        """``aws_network_interface_attachment``."""
        eni = self.ref(res, res.block, "network_interface_id", {"eni"}, "network interface")
        instance = self.ref(res, res.block, "instance_id", {"instance"}, "instance")
        if eni is not None and instance is not None:
            self._attach_eni(res, eni, instance, _int(res.block.get("device_index")), res.pos())

    def _eni_sg_attachment(self, res: Resource) -> None:
        """``aws_network_interface_sg_attachment``: one more group on an interface."""
        eni = self.ref(res, res.block, "network_interface_id", {"eni"}, "network interface")
        group = self.ref(res, res.block, "security_group_id", {"security_group"}, "security group")
        if eni is None or group is None:
            return
        instance = self.primary_enis.get(eni) or (eni[4:] if eni.startswith("eni-") else "")
        target = self.enis.get(eni) or self.instances.get(instance)
        if target is None:
            self.warn(res.pos(), f"{res.address}: interface {eni} is not imported; left out")
            return
        groups = list(target[1].data.get("security_groups") or [])
        if group not in groups:
            groups.append(group)
            target[1].set("security_groups", groups, at=res.pos())

    def _eip_association(self, res: Resource) -> None:
        """``aws_eip`` with ``instance`` / ``network_interface``, and ``aws_eip_association``."""
        if res.type == "aws_eip":
            eip: str | None = res.name
            instance_key, eni_key = "instance", "network_interface"
        else:
            eip = self.ref(res, res.block, "allocation_id", {"eip"}, "Elastic IP")
            instance_key, eni_key = "instance_id", "network_interface_id"
        instance = self.ref(res, res.block, instance_key, {"instance"}, "instance", quiet=True)
        eni = self.ref(res, res.block, eni_key, {"eni"}, "network interface", quiet=True)
        if eip is None or (instance is None and eni is None):
            return
        if eni is not None and eni in self.primary_enis:
            instance, eni = self.primary_enis[eni], None
        if eni is None and instance is None:
            return
        target = self.instances.get(instance or "") if instance is not None else self.enis.get(eni or "")
        if target is None:
            self.warn(res.pos(), f"{res.address}: the instance or interface it is associated with is not imported")
            return
        private = res.block.get("associate_with_private_ip") or res.block.get("private_ip_address")
        if isinstance(private, str) and private != target[1].data.get("private_ip"):
            self.warn(res.pos(), f"{res.address}: an Elastic IP on a secondary private IP ({private}) is not "
                      "modelled; left out")
            return
        target[1].data.pop("public_ip", None)
        target[1].set("elastic_ip", self.eip(eip, res.pos()), at=res.pos())

    # -- endpoints and peering ---------------------------------------------------------------------------------

    def _endpoint(self, res: Resource) -> None:
        vpc = self.vpc_of(res)
        if vpc is None:
            return
        block = res.block
        kind = ENDPOINT_TYPES.get(str(block.get("vpc_endpoint_type") or "Gateway").lower())
        if kind is None:
            self.warn(res.pos("vpc_endpoint_type"), f"{res.address}: endpoints of type "
                      f"{block.get('vpc_endpoint_type')!r} are not modelled")
            return
        service = block.get("service_name")
        if not isinstance(service, str):
            raise Malformed("its service_name is not known", res.pos())
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        out.set("type", kind, "vpc_endpoint_type")
        out.set("service", service, "service_name")
        if kind == "gateway":
            out.set("route_tables", [t for t, _ in self.refs(res, block, "route_table_ids", {"route_table"},
                                                             "route table")], "route_table_ids")
        else:
            out.set("subnets", [s for s, _ in self.refs(res, block, "subnet_ids", {"subnet"}, "subnet")],
                    "subnet_ids")
            if kind == "interface":
                groups = [g for g, _ in self.refs(res, block, "security_group_ids", {"security_group"},
                                                  "security group")]
                if groups:
                    out.set("security_groups", groups, "security_group_ids")
                if block.get("private_dns_enabled") is False:
                    out.set("private_dns", False, "private_dns_enabled")
        policy = _policy(block.get("policy"))
        if policy is not None and kind != "gateway_load_balancer":
            out.set("policy", policy, "policy")
        self.endpoints[res.name] = (vpc, out)
        self.resource_vpc[("endpoint", res.name)] = vpc

    def _endpoint_association(self, res: Resource) -> None:
        """``aws_vpc_endpoint_route_table_association`` / ``_subnet_association`` / ``_security_group_association``
        / ``aws_vpc_endpoint_policy``."""
        endpoint = self.ref(res, res.block, "vpc_endpoint_id", {"endpoint"}, "VPC endpoint")
        if endpoint is None or endpoint not in self.endpoints:
            return
        out = self.endpoints[endpoint][1]
        if res.type == "aws_vpc_endpoint_policy":
            policy = _policy(res.block.get("policy"))
            if policy is not None:
                out.set("policy", policy, at=res.pos("policy"))
            return
        key, kind, field_name = {
            "aws_vpc_endpoint_route_table_association": ("route_table_id", "route_table", "route_tables"),
            "aws_vpc_endpoint_subnet_association": ("subnet_id", "subnet", "subnets"),
            "aws_vpc_endpoint_security_group_association": ("security_group_id", "security_group",
                                                            "security_groups")}[res.type]
        name = self.ref(res, res.block, key, {kind}, kind.replace("_", " "))
        if name is None:
            return
        items = list(out.data.get(field_name) or [])
        if name not in items:
            out.set(field_name, [*items, name], at=res.pos(key))

    def _peering(self, res: Resource) -> None:
        block = res.block
        requester = self.vpc_of(res)
        accepter = self.ref(res, block, "peer_vpc_id", {"vpc"}, "peer VPC")
        if requester is None or accepter is None:
            return
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        out.set("requester", requester, "vpc_id")
        out.set("accepter", accepter, "peer_vpc_id")
        status = block.get("accept_status")
        accepters = [a for a in self.plan.of_type("aws_vpc_peering_connection_accepter")
                     if self.alias.get(a.address) == res.name]
        if isinstance(status, str):
            out.set("status", PEERING_STATUSES.get(status, "failed"), "accept_status")
        elif block.get("auto_accept") is True or any(a.block.get("auto_accept") is True for a in accepters):
            out.set("status", "active", "auto_accept")
        else:
            out.set("status", "pending-acceptance", at=res.pos())
            self.warn(res.pos(), f"{res.address} is not accepted in this {self.plan.kind} (no auto_accept, no "
                      "aws_vpc_peering_connection_accepter): it carries no traffic")
        dns = any(b.get("allow_remote_vpc_dns_resolution") is True
                  for b in (*block.blocks("requester"), *block.blocks("accepter")))
        if dns:
            out.set("allow_dns_resolution", True, "requester")
        self.peerings[res.name] = out

    def _peering_options(self, res: Resource) -> None:
        """``aws_vpc_peering_connection_options`` (and the accepter's own option blocks): DNS resolution."""
        peering = self.alias.get(res.address) or self.ref(res, res.block, "vpc_peering_connection_id", {"peering"},
                                                          "peering connection")
        if peering is None or peering not in self.peerings:
            return
        if any(b.get("allow_remote_vpc_dns_resolution") is True
               for b in (*res.block.blocks("requester"), *res.block.blocks("accepter"))):
            self.peerings[peering].set("allow_dns_resolution", True, at=res.pos())

    # -- route tables ------------------------------------------------------------------------------------------

    def table(self, name: str) -> tuple[str, Res] | None:
        """A route table by name; a VPC's main table that the plan only refers to is made here."""
        if name not in self.tables:
            for vpc_name, vpc in self.vpcs.items():
                if vpc.main_table == name:
                    self.tables[name] = (vpc_name, Res(vpc.res.el))
                    self.resource_vpc[("route_table", name)] = vpc_name
        return self.tables.get(name)

    def _route_table(self, res: Resource) -> None:
        default = res.type == "aws_default_route_table"
        vpc = self._default_owner(res, "default_route_table_id") if default else self.vpc_of(res)
        if vpc is None or vpc not in self.vpcs:
            if default:
                self.warn(res.pos(), f"{res.address}: cannot tell which VPC's main route table it is; left out")
            return
        out = Res(res.el)
        if isinstance(res.block.get("id"), str):
            out.set("id", res.block.get("id"), "id")
        out.set("routes", [], "route")
        self.tables[res.name] = (vpc, out)
        self.resource_vpc[("route_table", res.name)] = vpc
        for route in res.block.blocks("route"):
            for made in self._guarded(route.el, f"route of {res.address}", self._route, res, route, res.name, vpc):
                out.add_res("routes", made)
        for vgw, at in self.refs(res, res.block, "propagating_vgws", {"vpn_gateway"}, "virtual private gateway"):
            out.add("propagate", vgw, at)

    def _route(self, res: Resource, route: Block, table: str, vpc: str) -> list[Res]:
        """One route (inline or ``aws_route``) -> a schema route; its target by name, or a blackhole."""
        made = Res(route.el)
        destination = None
        for key in ("cidr_block", "destination_cidr_block", "ipv6_cidr_block", "destination_ipv6_cidr_block"):
            if isinstance(route.get(key), str):
                destination = _cidr(route.get(key), route.el.pos(key))
                made.set("destination", destination, key)
                break
        if destination is None:
            for key in ("destination_prefix_list_id",):
                if route.get(key) is not None or route.is_unknown(key) or route.expression(key) is not None:
                    destination = self.ref(res, route, key, {"prefix_list"}, "prefix list")
                    if destination is None:
                        return []
                    made.set("destination", destination, key)
        if destination is None:
            if any(route.is_unknown(k) for k in ("cidr_block", "destination_cidr_block")):
                self.warn(route.el.pos(), f"{res.address}: a route's destination is known only after apply; left out")
                return []
            raise Malformed("a route without a destination", route.el.pos())
        for key, what in UNSUPPORTED_TARGETS.items():
            if route.get(key):
                self.warn(route.el.pos(key), f"{res.address}: the route to {destination} via a {what} is not "
                          "modelled; left out")
                return []
        gateway = route.get("gateway_id")
        if gateway == "local":
            if destination in self.vpcs[vpc].cidrs:
                return []           # the local route of a VPC CIDR: implicit (R1.6)
            made.set("target", "local", "gateway_id")
            return [made]
        if isinstance(gateway, str) and gateway.startswith("vpce-") and self.ids.get(gateway, ("", ""))[0] == \
                "endpoint":
            return []               # a gateway endpoint's route: from endpoints.<name>.route_tables
        holder, target = self._route_target(res, route, vpc, destination)
        if holder is None:
            raise Malformed(f"the route to {destination} has no target", route.el.pos())
        if target is None:
            self.warn(route.el.pos(holder), f"{res.address}: the target of the route to {destination} "
                      f"({holder} {route.get(holder) or '(known after apply)'}) is not in this {self.plan.kind}; "
                      "imported as a blackhole route")
            made.set("target", "blackhole", holder)
        else:
            made.set("target", target, holder)
        return [made]

    def _route_target(self, res: Resource, route: Block, vpc: str, destination: str
                      ) -> tuple[str | None, str | None]:
        """The attribute that holds a route's target, and the target's name (None: not in this plan).

        Decided by what the configuration sets, never by an attribute the provider computes: in a create plan
        ``nat_gateway_id``, ``network_interface_id`` and ``instance_id`` are "known after apply" on every
        ``aws_route`` whatever it targets. So: first an attribute with a known value; then one with its own
        configuration expression; then — for an inline ``route = [...]`` written as one expression, or an
        attribute unknown until apply — the attribute whose kind the references name. A route whose only clue is
        an unknown attribute (Terraform 0.12 plans leave inline blocks' expressions out) takes the VPC's one
        resource of that attribute's kinds, with a warning that says so; with none or several, it stays a
        blackhole with a warning."""
        for key, kinds in ROUTE_TARGETS:
            if isinstance(route.get(key), str):
                return key, self.ref(res, route, key, kinds, "route target", quiet=True)
        for key, kinds in ROUTE_TARGETS:
            if route.has_own_expression(key):
                return key, self.ref(res, route, key, kinds, "route target", quiet=True)
        candidates = [(key, kinds) for key, kinds in ROUTE_TARGETS
                      if route.is_unknown(key) or route.expression(key) is not None]
        for key, kinds in candidates:
            target = self.ref(res, route, key, kinds, "route target", quiet=True)
            if target is not None:
                return key, target
        for key, kinds in candidates:
            if route.expression(key) is None:
                alone = sorted(name for (kind, name), owner in self.resource_vpc.items()
                               if kind in kinds and owner == vpc)
                if len(alone) == 1:
                    self.warn(route.el.pos(key), f"{res.address}: the route to {destination} has its {key} known only "
                              f"after apply and the plan does not say what it refers to; taken as {alone[0]}, the "
                              "only one of its kind in the VPC", hint="check the route's target in the "
                              "configuration")
                    return key, alone[0]
        return (candidates[0][0], None) if candidates else (None, None)

    def _route_resource(self, res: Resource) -> None:
        """``aws_route``."""
        table = self.ref(res, res.block, "route_table_id", {"route_table"}, "route table")
        found = self.table(table) if table is not None else None
        if found is None:
            if table is not None:
                self.warn(res.pos(), f"{res.address}: route table {table} is not imported; route left out")
            return
        vpc, out = found
        for made in self._route(res, res.block, str(table), vpc):
            _add_once(out, "routes", made)

    def _table_association(self, res: Resource) -> None:
        """``aws_route_table_association`` (a subnet, or a gateway: ingress routing)."""
        table = self.ref(res, res.block, "route_table_id", {"route_table"}, "route table")
        found = self.table(table) if table is not None else None
        if found is None:
            return
        vpc, out = found
        block = res.block
        if block.get("gateway_id") is not None or block.is_unknown("gateway_id") or \
                block.expression("gateway_id") is not None:
            gateway = self.ref(res, block, "gateway_id", {"internet_gateway", "vpn_gateway"}, "gateway")
            if gateway is not None:
                out.set("gateway", gateway, at=res.pos("gateway_id"))
            return
        subnet = self.ref(res, block, "subnet_id", {"subnet"}, "subnet")
        if subnet is None:
            return
        if self.resource_vpc.get(("subnet", subnet)) != vpc:
            self.warn(res.pos("subnet_id"), f"{res.address}: subnet {subnet} is not in the table's VPC; association "
                      "left out")
            return
        self.out.put(("vpcs", vpc, "subnets", subnet, "route_table"), table, res.pos("subnet_id"))

    def _main_association(self, res: Resource) -> None:
        """``aws_main_route_table_association``: another table becomes the VPC's main table."""
        vpc = self.vpc_of(res)
        table = self.ref(res, res.block, "route_table_id", {"route_table"}, "route table")
        if vpc is None or table is None or self.table(table) is None:
            return
        self.vpcs[vpc].main_table = table
        self.table(table)[1].set("main", True, at=res.pos("route_table_id"))   # type: ignore[index]

    def _vgw_propagation(self, res: Resource) -> None:
        """``aws_vpn_gateway_route_propagation``."""
        table = self.ref(res, res.block, "route_table_id", {"route_table"}, "route table")
        vgw = self.ref(res, res.block, "vpn_gateway_id", {"vpn_gateway"}, "virtual private gateway")
        found = self.table(table) if table is not None else None
        if found is not None and vgw is not None and vgw not in (found[1].data.get("propagate") or []):
            found[1].add("propagate", vgw, res.pos())

    # -- transit gateways ---------------------------------------------------------------------------------------

    def _transit_gateway(self, res: Resource) -> None:
        block = res.block
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        asn = _int(block.get("amazon_side_asn"))
        if asn is not None and asn != 64512:
            out.set("asn", asn, "amazon_side_asn")
        association = str(block.get("default_route_table_association") or "enable") == "enable"
        propagation = str(block.get("default_route_table_propagation") or "enable") == "enable"
        out.set("default_association", association, "default_route_table_association")
        out.set("default_propagation", propagation, "default_route_table_propagation")
        if str(block.get("dns_support") or "enable") != "enable":
            out.set("dns_support", False, "dns_support")
        if str(block.get("security_group_referencing_support") or "disable") == "enable":
            out.set("sg_referencing", True, "security_group_referencing_support")
        if association or propagation:
            name = f"{res.name}-default"
            out.set("default_route_table", name, "association_default_route_table_id")
            out.put("route_tables", name, {}, res.pos())
            self.tgw_tables[name] = res.name
        self.tgws[res.name] = (res, out)

    def _tgw_route_table(self, res: Resource) -> None:
        tgw = self.ref(res, res.block, "transit_gateway_id", {"transit_gateway"}, "transit gateway")
        if tgw is None or tgw not in self.tgws:
            return
        table: dict[str, Any] = {}
        if isinstance(res.block.get("id"), str):
            table["id"] = res.block.get("id")
        self.tgws[tgw][1].put("route_tables", res.name, table, res.pos())
        self.tgw_tables[res.name] = tgw

    def _tgw_vpc_attachment(self, res: Resource) -> None:
        tgw = self.ref(res, res.block, "transit_gateway_id", {"transit_gateway"}, "transit gateway")
        vpc = self.vpc_of(res)
        if tgw is None or vpc is None or tgw not in self.tgws:
            return
        block = res.block
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        out.set("vpc", vpc, "vpc_id")
        subnets = self.refs(res, block, "subnet_ids", {"subnet"}, "subnet")
        if not subnets:
            raise Malformed("none of its subnets (subnet_ids) can be placed", res.pos("subnet_ids"))
        out.set("subnets", [s for s, _ in subnets], "subnet_ids")
        if str(block.get("appliance_mode_support") or "disable") == "enable":
            out.set("appliance_mode", True, "appliance_mode_support")
        if str(block.get("security_group_referencing_support") or "enable") == "disable":
            out.set("sg_referencing", False, "security_group_referencing_support")
        defaults = (block.get("transit_gateway_default_route_table_association") is not False,
                    block.get("transit_gateway_default_route_table_propagation") is not False)
        self._add_attachment(tgw, res.name, out, res, defaults)

    def _add_attachment(self, tgw: str, name: str, out: Res, source: Resource, defaults: tuple[bool, bool]) -> None:
        tgw_out = self.tgws[tgw][1]
        if tgw_out.data.get("default_association") and defaults[0]:
            self.associations.setdefault(name, (f"{tgw}-default", source.pos()))
        if tgw_out.data.get("default_propagation") and defaults[1]:
            self.propagations.setdefault(name, []).append((f"{tgw}-default", source.pos()))
        self.attachments[name] = (tgw, out, source)
        self.attachment_sides[(name, tgw)] = name

    def _tgw_peering_attachment(self, res: Resource) -> None:
        tgw = self.ref(res, res.block, "transit_gateway_id", {"transit_gateway"}, "transit gateway")
        peer_tgw = self.ref(res, res.block, "peer_transit_gateway_id", {"transit_gateway"}, "peer transit gateway")
        if tgw is None or peer_tgw is None or tgw not in self.tgws or peer_tgw not in self.tgws:
            return
        accepters = [a for a in self.plan.of_type("aws_ec2_transit_gateway_peering_attachment_accepter")
                     if self.ref(a, a.block, "transit_gateway_attachment_id", {"tgw_attachment"}, "attachment",
                                 quiet=True) == res.name]
        if not accepters:
            self.warn(res.pos(), f"{res.address} is not accepted in this {self.plan.kind} (no "
                      "aws_ec2_transit_gateway_peering_attachment_accepter): it carries no traffic; not imported")
            return
        other = accepters[0].name
        mine = Res(res.el)
        if isinstance(res.block.get("id"), str):
            mine.set("id", res.block.get("id"), "id")
        mine.set("peer", other, "peer_transit_gateway_id")
        theirs = Res(accepters[0].el)
        theirs.set("peer", res.name, "transit_gateway_attachment_id")
        self._add_attachment(tgw, res.name, mine, res, (False, False))
        self._add_attachment(peer_tgw, other, theirs, accepters[0], (False, False))
        self.attachment_sides[(res.name, peer_tgw)] = other
        self.attachment_sides[(other, tgw)] = res.name

    def attachment_for(self, res: Resource, block: Block, table_tgw: str) -> str | None:
        named = self.ref(res, block, "transit_gateway_attachment_id", {"tgw_attachment"}, "attachment")
        if named is None:
            return None
        side = self.attachment_sides.get((named, table_tgw))
        if side is None:
            self.warn(res.pos("transit_gateway_attachment_id"), f"{res.address}: attachment {named} is not an "
                      f"attachment of {table_tgw}; left out")
        return side

    def _tgw_association(self, res: Resource) -> None:
        """``aws_ec2_transit_gateway_route_table_association`` / ``_propagation``."""
        table = self.ref(res, res.block, "transit_gateway_route_table_id", {"tgw_route_table"}, "TGW route table")
        if table is None or table not in self.tgw_tables:
            return
        attachment = self.attachment_for(res, res.block, self.tgw_tables[table])
        if attachment is None:
            return
        if res.type.endswith("_association"):
            self.associations[attachment] = (table, res.pos())
        else:
            self.propagations.setdefault(attachment, []).append((table, res.pos()))

    def _tgw_route(self, res: Resource) -> None:
        """``aws_ec2_transit_gateway_route`` / ``aws_ec2_transit_gateway_prefix_list_reference``."""
        table = self.ref(res, res.block, "transit_gateway_route_table_id", {"tgw_route_table"}, "TGW route table")
        if table is None or table not in self.tgw_tables:
            return
        tgw = self.tgw_tables[table]
        if res.type.endswith("prefix_list_reference"):
            destination = self.ref(res, res.block, "prefix_list_id", {"prefix_list"}, "prefix list")
            key = "prefix_list_id"
        else:
            value = res.block.get("destination_cidr_block")
            destination = _cidr(value, res.pos("destination_cidr_block")) if isinstance(value, str) else None
            key = "destination_cidr_block"
        if destination is None:
            return
        route: dict[str, Any] = {"destination": destination}
        if res.block.get("blackhole") is True:
            route["blackhole"] = True
        else:
            attachment = self.attachment_for(res, res.block, tgw)
            if attachment is None:
                self.warn(res.pos(), f"{res.address}: its attachment is not imported; imported as a blackhole route")
                route["blackhole"] = True
            else:
                route["attachment"] = attachment
        tables = self.tgws[tgw][1].data["route_tables"]
        routes = tables[table].setdefault("routes", [])
        self.tgws[tgw][1].pos[("route_tables", table, "routes", len(routes))] = res.pos()
        self.tgws[tgw][1].pos[("route_tables", table, "routes", len(routes), "destination")] = res.pos(key)
        routes.append(route)

    # -- VPN ------------------------------------------------------------------------------------------------------

    def _vpn_connection(self, res: Resource) -> None:
        block = res.block
        out = Res(res.el)
        if isinstance(block.get("id"), str):
            out.set("id", block.get("id"), "id")
        vgw = self.ref(res, block, "vpn_gateway_id", {"vpn_gateway"}, "virtual private gateway", quiet=True) \
            if block.get("vpn_gateway_id") or block.expression("vpn_gateway_id") else None
        tgw = None if vgw else self.ref(res, block, "transit_gateway_id", {"transit_gateway"}, "transit gateway")
        if vgw is None and (tgw is None or tgw not in self.tgws):
            self.warn(res.pos(), f"{res.address}: its gateway (vpn_gateway_id / transit_gateway_id) is not in this "
                      f"{self.plan.kind}; not imported")
            return
        out.set("gateway", vgw or tgw, "vpn_gateway_id" if vgw else "transit_gateway_id")
        static = block.get("static_routes_only") is True
        out.set("routing", "static" if static else "dynamic", "static_routes_only")
        if static:
            for route in block.blocks("routes"):
                cidr = route.get("destination_cidr_block")
                if isinstance(cidr, str) and cidr not in (out.data.get("static_routes") or []):
                    out.add("static_routes", _cidr(cidr, route.el.pos()), route.el.pos())
        else:
            self.warn(res.pos("static_routes_only"), f"{res.address} uses BGP: the prefixes the customer gateway "
                      "advertises are not in Terraform, so nothing is routed over it",
                      hint="add them by hand as bgp_routes of the VPN connection in the YAML")
        customer = self.ref(res, block, "customer_gateway_id", {"customer_gateway"}, "customer gateway", quiet=True)
        source = next((c for c in self.plan.of_type("aws_customer_gateway") if c.name == customer), None)
        if source is not None:
            ip = source.block.get("ip_address")
            if isinstance(ip, str):
                out.set("customer_gateway_ip", ip, at=source.pos("ip_address"))
            asn = _int(source.block.get("bgp_asn"))
            if asn is not None:
                out.set("customer_gateway_asn", asn, at=source.pos("bgp_asn"))
        self.vpns[res.name] = (res, out)
        if tgw is not None:
            attachment = Res(res.el)
            attachment.set("vpn", res.name, "transit_gateway_id")
            if isinstance(block.get("transit_gateway_attachment_id"), str):
                attachment.set("id", block.get("transit_gateway_attachment_id"), "transit_gateway_attachment_id")
            self._add_attachment(tgw, f"{res.name}-attachment", attachment, res, (True, True))
        site = customer or f"{res.name}-site"
        self.sites.setdefault(site, {"cidrs": [], "via": [], "at": res.pos()})["via"].append(res.name)

    def _vpn_route(self, res: Resource) -> None:
        """``aws_vpn_connection_route``: a static route of a VGW connection."""
        vpn = self.ref(res, res.block, "vpn_connection_id", {"vpn_connection"}, "VPN connection")
        cidr = res.block.get("destination_cidr_block")
        if vpn is None or vpn not in self.vpns or not isinstance(cidr, str):
            return
        out = self.vpns[vpn][1]
        value = _cidr(cidr, res.pos("destination_cidr_block"))
        if value not in (out.data.get("static_routes") or []):
            out.add("static_routes", value, res.pos("destination_cidr_block"))

    # -- placing what was gathered ----------------------------------------------------------------------------

    def _place(self) -> None:
        for collection, items in (("security_groups", self.groups), ("network_acls", self.acls),
                                  ("route_tables", self.tables), ("network_interfaces", self.enis),
                                  ("instances", self.instances), ("endpoints", self.endpoints)):
            for name, (vpc, out) in items.items():
                if collection == "route_tables":
                    if self.vpcs[vpc].main_table == name:
                        out.set("main", True, at=out.pos.get(("main",), out.at))
                    elif out.data.get("main") and self.vpcs[vpc].main_table != name:
                        out.data.pop("main")
                self.out.place(("vpcs", vpc, collection, name), out)
        for name, out in self.peerings.items():
            self.out.place(("peering", name), out)
        for name, (tgw, out, _) in self.attachments.items():
            if name in self.associations:
                out.set("route_table", self.associations[name][0], at=self.associations[name][1])
            out.set("propagations", [t for t, _ in self.propagations.get(name, [])], at=out.at)
            tgw_out = self.tgws[tgw][1]
            if tgw_out.data.get("default_association") and name not in self.associations:
                tgw_out.set("default_association", False, at=tgw_out.at)   # explicit associations say it all
            tgw_out.put("attachments", name, out.data, out.at)
            for sub, at in out.pos.items():
                tgw_out.pos[("attachments", name, *sub)] = at
            if out.data.get("vpn") is not None:
                self._site_routes(name, out.data["vpn"], tgw)
        for name, (_, out) in self.tgws.items():
            self.out.place(("transit_gateways", name), out)
        for name, (_, out) in self.vpns.items():
            self.out.place(("vpn_connections", name), out)
            for site in self.sites.values():
                if name in site["via"]:
                    for cidr in out.data.get("static_routes") or []:
                        if cidr not in site["cidrs"]:
                            site["cidrs"].append(cidr)
        for name, site in self.sites.items():
            if site["cidrs"]:
                self.out.put(("external", name), {"cidrs": site["cidrs"], "via": site["via"]}, site["at"])

    def _site_routes(self, attachment: str, vpn: str, tgw: str) -> None:
        """The prefixes a TGW's static routes send to a VPN attachment are the site's."""
        for table in self.tgws[tgw][1].data.get("route_tables", {}).values():
            for route in table.get("routes", []):
                if route.get("attachment") == attachment and "/" in str(route["destination"]):
                    for site in self.sites.values():
                        if vpn in site["via"] and route["destination"] not in site["cidrs"]:
                            site["cidrs"].append(route["destination"])

    def _unsupported(self) -> None:
        handled = {t for types, _ in CONVERTERS for t in types} | set(IGNORED_HERE)
        for res in self.plan.resources:
            if res.type in handled:
                continue
            prefix = max((p for p in NOT_MODELLED if res.type.startswith(p)), key=len, default=None)
            if prefix is not None:
                self.warn(res.pos(), f"{res.address}: {NOT_MODELLED[prefix]}")
            elif res.type.startswith(MAKES_INTERFACES):
                if res.type == "aws_lambda_function" and not res.block.blocks("vpc_config"):
                    continue
                self.warn(res.pos(), f"{res.address}: {res.type} puts network interfaces in the VPC, and they are "
                          "not imported: its addresses are not reachable in vpcsim",
                          hint="add them as network_interfaces in the YAML if a trace needs them")
            elif res.type.startswith(NETWORK_PREFIXES) and not res.type.startswith(HARMLESS):
                self.warn(res.pos(), f"{res.address}: {res.type} is not modelled; if it changes reachability, "
                          "traces do not show it")

    def _topology(self) -> None:
        path = self.plan.source.display
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "terraform"
        self.out.put(("name",), stem, self.out.default)
        region = self.plan.region or next((r for z in self.subnet_az.values() if (r := region_in(z))), None)
        self.out.put(("region",), region or DEFAULT_REGION, self.out.default)
        owners = [o for r in self.plan.of_type("aws_vpc") if isinstance(o := r.block.get("owner_id"), str)]
        if owners:
            self.out.put(("account",), owners[0], self.out.default)


def _vpc_default(kind: str, field_name: str) -> Callable[[_Builder, Resource], tuple[str, str] | None]:
    """``aws_vpc.x.default_route_table_id`` and the like: the VPC's default resource of that kind."""
    def named(builder: _Builder, res: Resource) -> tuple[str, str] | None:
        vpc = builder.vpcs.get(res.name)
        return (kind, str(getattr(vpc, field_name))) if vpc is not None else None

    return named


# What attributes other than ``id`` name: (type, attribute) -> (kind, name).
ATTRIBUTE_KINDS: dict[tuple[str, str], Callable[[_Builder, Resource], tuple[str, str] | None]] = {
    **{(t, a): _vpc_default(k, f)
       for t in ("aws_vpc", "aws_default_vpc")
       for a, k, f in (("default_route_table_id", "route_table", "main_table"),
                       ("main_route_table_id", "route_table", "main_table"),
                       ("default_network_acl_id", "network_acl", "default_acl"),
                       ("default_security_group_id", "security_group", "default_sg"))},
    ("aws_ec2_transit_gateway", "association_default_route_table_id"):
        lambda b, r: ("tgw_route_table", f"{r.name}-default"),
    ("aws_ec2_transit_gateway", "propagation_default_route_table_id"):
        lambda b, r: ("tgw_route_table", f"{r.name}-default"),
    ("aws_vpn_connection", "transit_gateway_attachment_id"): lambda b, r: ("tgw_attachment", f"{r.name}-attachment"),
    ("aws_instance", "primary_network_interface_id"): lambda b, r: ("eni", f"eni-{r.name}"),
    ("aws_vpc_endpoint", "prefix_list_id"):
        lambda b, r: ("prefix_list", str(r.block.get("service_name"))) if isinstance(r.block.get("service_name"),
                                                                                     str) else None,
    ("aws_ec2_transit_gateway_peering_attachment_accepter", "transit_gateway_attachment_id"):
        lambda b, r: ("tgw_attachment", r.name),
    ("aws_vpc_peering_connection_accepter", "vpc_peering_connection_id"):
        lambda b, r: ("peering", b.alias.get(r.address, r.name)),
}

MANAGED_LIST_IDS = {pl_id: f"com.amazonaws.{region}.{service}"
                    for (region, service), (pl_id, _) in MANAGED_PREFIXES.items()}

# Types whose work is done while placing others (read where they are used).
IGNORED_HERE = ("aws_customer_gateway", "aws_ec2_transit_gateway_peering_attachment_accepter",
                "aws_vpc_peering_connection_accepter")

CONVERTERS: tuple[tuple[tuple[str, ...], Callable[[_Builder, Resource], None]], ...] = (
    (("aws_vpc", "aws_default_vpc"), _Builder._vpc),
    (("aws_vpc_ipv4_cidr_block_association", "aws_vpc_ipv6_cidr_block_association"), _Builder._vpc_cidr),
    (("aws_ec2_managed_prefix_list",), _Builder._prefix_list),
    (("aws_ec2_managed_prefix_list_entry",), _Builder._prefix_list_entry),
    (("aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_vpn_gateway"), _Builder._gateway),
    (("aws_internet_gateway_attachment", "aws_vpn_gateway_attachment"), _Builder._gateway_attachment),
    (("aws_subnet", "aws_default_subnet"), _Builder._subnet),
    (("aws_security_group", "aws_default_security_group"), _Builder._security_group),
    (("aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"),
     _Builder._sg_rule_resource),
    (("aws_network_acl", "aws_default_network_acl"), _Builder._network_acl),
    (("aws_network_acl_rule",), _Builder._acl_rule_resource),
    (("aws_network_acl_association",), _Builder._acl_association),
    (("aws_eip",), _Builder._eip),
    (("aws_nat_gateway",), _Builder._nat_gateway),
    (("aws_network_interface",), _Builder._network_interface),
    (("aws_instance",), _Builder._instance),
    (("aws_network_interface_attachment",), _Builder._eni_attachment),
    (("aws_network_interface_sg_attachment",), _Builder._eni_sg_attachment),
    (("aws_eip", "aws_eip_association"), _Builder._eip_association),
    (("aws_vpc_endpoint",), _Builder._endpoint),
    (("aws_vpc_endpoint_route_table_association", "aws_vpc_endpoint_subnet_association",
      "aws_vpc_endpoint_security_group_association", "aws_vpc_endpoint_policy"), _Builder._endpoint_association),
    (("aws_vpc_peering_connection",), _Builder._peering),
    (("aws_vpc_peering_connection_options", "aws_vpc_peering_connection_accepter"), _Builder._peering_options),
    (("aws_route_table", "aws_default_route_table"), _Builder._route_table),
    (("aws_route",), _Builder._route_resource),
    (("aws_route_table_association",), _Builder._table_association),
    (("aws_main_route_table_association",), _Builder._main_association),
    (("aws_vpn_gateway_route_propagation",), _Builder._vgw_propagation),
    (("aws_ec2_transit_gateway",), _Builder._transit_gateway),
    (("aws_ec2_transit_gateway_route_table",), _Builder._tgw_route_table),
    (("aws_ec2_transit_gateway_vpc_attachment",), _Builder._tgw_vpc_attachment),
    (("aws_ec2_transit_gateway_peering_attachment",), _Builder._tgw_peering_attachment),
    (("aws_vpn_connection",), _Builder._vpn_connection),
    (("aws_vpn_connection_route",), _Builder._vpn_route),
    (("aws_ec2_transit_gateway_route_table_association", "aws_ec2_transit_gateway_route_table_propagation"),
     _Builder._tgw_association),
    (("aws_ec2_transit_gateway_route", "aws_ec2_transit_gateway_prefix_list_reference"), _Builder._tgw_route),
)


# --- small readers ------------------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _cidr(value: Any, at: SourcePos) -> str:
    try:
        return str(ipaddress.ip_network(str(value).strip(), strict=False))
    except ValueError:
        raise Malformed(f"{value!r} is not a CIDR block", at) from None


def _protocol(value: Any, at: SourcePos) -> str:
    try:
        return protocol_word(str(value if value is not None else "-1"))
    except ValueError:
        raise Malformed(f"{value!r} is not a protocol", at) from None


def _sg_fields(rule: Block, protocol_key: str) -> dict[str, tuple[Any, SourcePos]]:
    """Protocol and ports (or ICMP type and code) of a security group rule: FromPort/ToPort as AWS reads them."""
    protocol = _protocol(rule.get(protocol_key), rule.el.pos(protocol_key))
    fields: dict[str, tuple[Any, SourcePos]] = {"protocol": (protocol, rule.el.pos(protocol_key))}
    low, high = _int(rule.get("from_port")), _int(rule.get("to_port"))
    if protocol in ("tcp", "udp"):
        if low is None or high is None or low < 0 or high < 0:
            fields["ports"] = ("all", rule.el.pos("from_port"))
        else:
            fields["ports"] = (str(low) if low == high else f"{low}-{high}", rule.el.pos("from_port"))
    elif protocol in ("icmp", "icmpv6"):
        fields["icmp_type"] = (-1 if low is None else low, rule.el.pos("from_port"))
        fields["icmp_code"] = (-1 if high is None or (low is not None and low < 0) else high, rule.el.pos("to_port"))
    return fields


def _acl_rule(entry: Block, number_key: str, action_key: str, egress: bool) -> list[Res]:
    """One NACL entry (inline block or ``aws_network_acl_rule``)."""
    number = _int(entry.get(number_key))
    if number is None or not 1 <= number <= 32766:
        raise Malformed(f"rule number {entry.get(number_key)!r} is not within 1-32766", entry.el.pos(number_key))
    res = Res(entry.el)
    res.set("rule", number, number_key)
    protocol = _protocol(entry.get("protocol"), entry.el.pos("protocol"))
    res.set("protocol", protocol, "protocol")
    low, high = _int(entry.get("from_port")), _int(entry.get("to_port"))
    if protocol in ("tcp", "udp"):
        text = "all" if low is None or high is None or (low == 0 and high == 0) else \
            str(low) if low == high else f"{low}-{high}"
        res.set("ports", text, "from_port")
    elif protocol in ("icmp", "icmpv6"):
        res.set("icmp_type", _int(entry.get("icmp_type")) if entry.get("icmp_type") is not None else -1, "icmp_type")
        res.set("icmp_code", _int(entry.get("icmp_code")) if entry.get("icmp_code") is not None else -1, "icmp_code")
    side = "destination" if egress else "source"
    cidr = entry.get("cidr_block") or entry.get("ipv6_cidr_block")
    if not isinstance(cidr, str):
        raise Malformed("a rule without a CIDR block", entry.el.pos())
    res.set(side, _cidr(cidr, entry.el.pos("cidr_block")), "cidr_block" if entry.get("cidr_block") else
            "ipv6_cidr_block")
    action = str(entry.get(action_key) or "").lower()
    if action not in ("allow", "deny"):
        raise Malformed(f"'{action_key}' must be allow or deny, not {entry.get(action_key)!r}",
                        entry.el.pos(action_key))
    res.set("action", action, action_key)
    return [res]


def _add_once(out: Res, field_name: str, item: Res) -> None:
    """Add a rule or route made by its own resource, unless the owner already lists it: after a refresh, the
    inline ``route`` / ``ingress`` / ``egress`` of a state also show what separate resources manage."""
    if item.data not in (out.data.get(field_name) or []):
        out.add_res(field_name, item)


def _policy(document: Any) -> dict[str, Any] | None:
    """An endpoint policy given as JSON text; None for AWS's default full-access policy (same as none)."""
    if isinstance(document, dict):
        parsed: Any = document
    elif isinstance(document, str) and document.strip():
        try:
            parsed = json.loads(document)
        except ValueError:
            return None
    else:
        return None
    if not isinstance(parsed, dict):
        return None
    statements = parsed.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list) and len(statements) == 1 and isinstance(statements[0], dict):
        s = statements[0]
        if s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and \
                s.get("Action") in ("*", ["*"]) and s.get("Resource") in ("*", ["*"]) and "Condition" not in s:
            return None
    return parsed


__all__ = ["build"]
