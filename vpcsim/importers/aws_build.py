"""What an AWS folder holds (``aws.Snapshot``) -> the schema's plain data, with the input position of every value.

Resource ids become names (and ``id``), so ``vpc-0abc…``, ``subnet-…``, ``i-…``, ``sg-…`` work wherever a name is
expected; an instance's primary interface keeps its ``eni-…`` id as its name. What AWS manages for a resource
is produced by the schema's own resource, not imported twice: the ENIs of NAT gateways, interface/GWLB endpoints
and TGW attachments come from ``nat_gateways``, ``endpoints`` and ``transit_gateways``; local routes, routes
propagated from a VGW and gateway-endpoint routes are generated from the VPC CIDRs, the VGW's connections and
the endpoint's route tables. Other requester-managed interfaces (load balancers, RDS, Lambda, …) become
``network_interfaces``, so their addresses are reachable. What the schema cannot hold is one warning naming it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path as FsPath
from typing import Any

from vpcsim.errors import Diagnostic, SourcePos
from vpcsim.importers.aws import Snapshot, region_in
from vpcsim.importers.located import Element, Malformed, Out, Res
from vpcsim.protocols import protocol_word

SERVICE_OWNED_INTERFACES = {"nat_gateway", "vpc_endpoint", "gateway_load_balancer_endpoint", "transit_gateway"}
SERVICE_OWNED_DESCRIPTIONS = ("Interface for NAT Gateway", "VPC Endpoint Interface",
                              "Network Interface for Transit Gateway")
PEERING_STATUSES = {"active", "pending-acceptance", "rejected", "expired", "failed"}
ENDPOINT_TYPES = {"gateway": "gateway", "interface": "interface", "gatewayloadbalancer": "gateway_load_balancer"}
UNSUPPORTED_TARGETS = {"CarrierGatewayId": "carrier gateway", "LocalGatewayId": "local gateway",
                       "CoreNetworkArn": "Cloud WAN core network", "OdbNetworkArn": "ODB network"}
DEFAULT_REGION = "us-east-1"


def build(snap: Snapshot, root: FsPath) -> Out:
    return _Builder(snap, root).run()


class _Builder:
    def __init__(self, snap: Snapshot, root: FsPath) -> None:
        self.snap = snap
        self.root = root
        self.out = Out(SourcePos(str(root), 1, 1))
        self.vpcs: dict[str, Element] = {}                 # included VPC id -> its element
        self.vpc_cidrs: dict[str, set[str]] = {}
        self.vpc_region: dict[str, str | None] = {}
        self.vpc_account: dict[str, str | None] = {}
        self.subnets: dict[str, str] = {}                  # subnet -> VPC
        self.subnet_az: dict[str, str] = {}
        self.mapping_public: set[str] = set()               # subnets with MapPublicIpOnLaunch
        self.gateway_vpc: dict[str, str] = {}              # IGW / EIGW / VGW -> VPC
        self.route_tables: dict[str, str] = {}             # route table -> VPC
        self.security_groups: dict[str, str] = {}          # SG -> VPC
        self.nat_gateways: dict[str, str] = {}
        self.endpoints: dict[str, tuple[str, str]] = {}    # endpoint -> (VPC, type)
        self.enis: dict[str, str] = {}                     # ENI name -> VPC (instance primaries, network_interfaces)
        self.instance_eni: dict[str, str] = {}             # instance -> primary ENI name
        self.skipped_instances: set[str] = set()
        self.peerings: dict[str, tuple[str, str]] = {}
        self.transit_gateways: set[str] = set()
        self.tgw_tables: dict[str, str] = {}               # TGW route table -> TGW
        self.tgw_attachment: dict[tuple[str, str], str] = {}   # (TGW, attachment id) -> attachment name
        self.vpc_tgws: dict[str, set[str]] = defaultdict(set)
        self.vpn_gateway_of: dict[str, str] = {}            # kept VPN connection -> its VGW or TGW
        self.prefix_lists: dict[str, str] = {}             # prefix list id -> name
        self.public_eips: dict[str, Element] = {}          # Elastic IP -> its Addresses element
        self.eip_of: dict[tuple[str, str | None], Element] = {}   # (ENI or instance, private IP) -> Addresses el
        self.vgw_learned: dict[str, dict[str, SourcePos]] = defaultdict(dict)   # VGW -> propagated prefixes
        self.tgw_vpn_learned: dict[str, dict[str, SourcePos]] = defaultdict(dict)  # VPN -> TGW-propagated prefixes
        self.orphans: dict[str, list[tuple[str, str, SourcePos]]] = defaultdict(list)  # VPC -> (kind, id, pos)
        self.interfaces = self._interface_elements()
        self.interfaces_of: dict[str, dict[str, Element]] = defaultdict(dict)     # instance -> its ENIs
        for eni_id, eni in self.interfaces.items():
            owner = eni.sub("Attachment").str_at("InstanceId")
            if owner is not None:
                self.interfaces_of[owner][eni_id] = eni
        self.service_owned = self._service_owned_interfaces()
        self.missing_groups: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------------

    def warn(self, pos: SourcePos, message: str, hint: str | None = None) -> None:
        self.snap.warnings.append(Diagnostic(pos, message, hint, severity="warning"))

    def each(self, kind: str, what: str, convert: Callable[[str, Element], None]) -> None:
        """Convert every element of ``kind``; what is wrong with one costs that one, with a warning."""
        for resource_id, el in sorted(self.snap.of(kind).items()):
            self.guard(el, f"{what} {resource_id}", partial(convert, resource_id, el))

    def guard(self, el: Element, what: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except Malformed as bad:
            self.warn(bad.pos, f"{what} left out: {bad.message}")
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            self.warn(el.pos(), f"{what} left out: unexpected shape ({type(error).__name__}: {error})")
        return None

    def vpc_of(self, el: Element, what: str, resource_id: str, key: str = "VpcId") -> str | None:
        """The element's VPC if it was imported; otherwise remember an orphan (one warning per VPC later)."""
        vpc = el.text(key)
        if vpc not in self.vpcs:
            self.orphans[vpc].append((what, resource_id, el.pos(key)))
            return None
        return vpc

    def subnet_in(self, el: Element, key: str, vpc: str) -> str:
        subnet = el.text(key)
        if subnet not in self.subnets:
            raise Malformed(f"subnet {subnet} is not in the snapshot (describe-subnets)", el.pos(key))
        if self.subnets[subnet] != vpc:
            raise Malformed(f"subnet {subnet} belongs to {self.subnets[subnet]}, not {vpc}", el.pos(key))
        return subnet

    def vpc_field(self, vpc: str, name: str, value: Any, at: SourcePos) -> None:
        self.out.put(("vpcs", vpc, name), value, at)

    # -- run ---------------------------------------------------------------------------------------

    def run(self) -> Out:
        each = self.each
        steps: list[Callable[[], None]] = [
            self._prefix_lists,
            partial(each, "vpcs", "VPC", self._vpc),
            partial(each, "internet_gateways", "internet gateway", self._internet_gateway),
            partial(each, "egress_only_internet_gateways", "egress-only internet gateway", self._egress_only_gateway),
            partial(each, "vpn_gateways", "virtual private gateway", self._vpn_gateway),
            partial(each, "subnets", "subnet", self._subnet),
            self._vpc_regions, self._route_table_ids, self._security_group_ids,
            partial(each, "security_groups", "security group", self._security_group),
            partial(each, "network_acls", "network ACL", self._network_acl),
            partial(each, "addresses", "Elastic IP", self._address),
            partial(each, "nat_gateways", "NAT gateway", self._nat_gateway),
            partial(each, "endpoints", "VPC endpoint", self._endpoint),
            partial(each, "instances", "instance", self._instance),
            self._standalone_interfaces, self._peerings, self._transit_gateway_ids, self._vpn_connection_ids,
            partial(each, "transit_gateways", "transit gateway", self._transit_gateway),
            partial(each, "tgw_route_tables", "transit gateway route table", self._tgw_route_table),
            self._tgw_attachments,
            partial(each, "route_tables", "route table", self._route_table),
            partial(each, "vpn_connections", "VPN connection", self._vpn_connection),
            self._unexplained_vgw_routes, self._vpc_attributes, self._orphans, self._topology,
        ]
        for step in steps:
            try:
                step()
            except (Malformed, KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
                # Last resort: a shape no reader expected. What was built stays; validation checks the rest.
                self.warn(self.out.default, f"part of the snapshot could not be read: {type(error).__name__}: "
                          f"{error}", hint="please report this with the file that caused it")
        return self.out

    # -- prefix lists ----------------------------------------------------------------------------------

    def _prefix_lists(self) -> None:
        """Customer lists keep their id as name; AWS-managed ones are named for their service
        (``com.amazonaws.us-east-2.s3``), as the schema's gateway endpoints expect."""
        entries = self.snap.children_of("prefix_list_entries")
        for pl_id, elements in sorted(self.snap.children_of("prefix_lists").items()):
            self.guard(elements[0], f"prefix list {pl_id}",
                       partial(self._prefix_list, pl_id, elements, entries.get(pl_id, [])))
        for pl_id, items in sorted(entries.items()):
            if pl_id not in self.prefix_lists and pl_id not in self.snap.children_of("prefix_lists"):
                self.guard(items[0], f"prefix list {pl_id}", partial(self._prefix_list, pl_id, [], items))

    def _prefix_list(self, pl_id: str, elements: list[Element], entries: list[Element]) -> None:
        el = elements[0] if elements else entries[0]
        names = [n for e in elements if (n := e.opt_text("PrefixListName"))]
        owners = [o for e in elements if (o := e.opt_text("OwnerId"))]
        name = names[0] if names else pl_id
        aws_managed = name.startswith("com.amazonaws.") or "AWS" in owners
        state = next((s for e in elements if (s := e.opt_text("State"))), None)
        if state is not None and state.startswith("delete"):
            self.warn(el.pos("State"), f"prefix list {pl_id} is {state}: not imported")
            return
        res = Res(el, "PrefixListId" if elements else None)
        res.set("id", pl_id, at=el.pos("PrefixListId") if elements else el.pos())
        cidrs: list[tuple[str, SourcePos]] = []
        for e in elements:
            for i, item in enumerate(e.items("Cidrs")):
                cidrs.append((_canonical_cidr(item.data, item.pos()), e.pos("Cidrs", i)))
        for entry in entries:
            got = self.guard(entry, f"entry of prefix list {pl_id}", partial(_entry, entry))
            if got is not None:
                cidrs.append(got)
        if not cidrs and not entries:
            if aws_managed and name.rsplit(".", 1)[-1] in ("s3", "dynamodb"):
                self.prefix_lists[pl_id] = name       # the schema's built-in ranges, where it has them
                return
            self.warn(el.pos(), f"prefix list {pl_id} ({name}) has no entries in the snapshot: it matches nothing",
                      hint=f"add the output of aws ec2 get-managed-prefix-list-entries --prefix-list-id {pl_id} "
                      f"as a file named …-{pl_id}.json")
        seen: set[str] = set()
        for cidr, at in cidrs:
            if cidr not in seen:
                seen.add(cidr)
                res.add("entries", cidr, at)
        max_entries = next((m for e in elements if (m := e.integer("MaxEntries")) is not None), None)
        if max_entries is not None and max_entries >= len(seen):
            res.set("max_entries", max_entries, at=elements[0].pos("MaxEntries"))
        if aws_managed:
            res.set("aws_managed", True, at=el.pos())
        key = name if aws_managed else pl_id
        self.out.place(("prefix_lists", key), res)
        self.prefix_lists[pl_id] = key

    def prefix_list(self, el: Element, key: str) -> str | None:
        pl_id = el.text(key)
        name = self.prefix_lists.get(pl_id)
        if name is None:
            self.warn(el.pos(key), f"prefix list {pl_id} is not in the snapshot (describe-managed-prefix-lists + "
                      "get-managed-prefix-list-entries); what refers to it is left out")
        return name

    # -- VPCs and their gateways ------------------------------------------------------------------------

    def _vpc(self, vpc_id: str, el: Element) -> None:
        state = el.opt_text("State")
        if state not in (None, "available", "pending"):
            self.warn(el.pos("State"), f"VPC {vpc_id} is {state}: not imported")
            return
        res = Res(el, "VpcId")
        res.set("id", vpc_id, "VpcId")
        cidr = el.cidr("CidrBlock", 4)
        res.set("cidr", cidr, "CidrBlock")
        cidrs = {cidr}
        for assoc in el.items("CidrBlockAssociationSet"):
            block = assoc.opt_text("CidrBlock")
            if block is None or _state(assoc, "CidrBlockState") not in (None, "associated"):
                continue
            block = assoc.cidr("CidrBlock", 4)
            if block not in cidrs:
                cidrs.add(block)
                res.add("secondary_cidrs", block, assoc.pos("CidrBlock"))
        for assoc in el.items("Ipv6CidrBlockAssociationSet"):
            if assoc.opt_text("Ipv6CidrBlock") and _state(assoc, "Ipv6CidrBlockState") in (None, "associated"):
                block = assoc.cidr("Ipv6CidrBlock", 6)
                if block not in cidrs:
                    cidrs.add(block)
                    res.add("ipv6_cidrs", block, assoc.pos("Ipv6CidrBlock"))
        if el.flag("IsDefault"):
            res.set("dns", {"support": True, "hostnames": True}, "IsDefault")   # default VPCs (R11.2)
        tags = el.tags()
        if tags:
            res.set("tags", tags, "Tags")
        account = el.src.account or el.opt_text("OwnerId")
        self.out.place(("vpcs", vpc_id), res)
        self.vpcs[vpc_id] = el
        self.vpc_cidrs[vpc_id] = cidrs
        self.vpc_account[vpc_id] = account
        self.vpc_region[vpc_id] = el.src.region

    def _attach_gateway(self, gateway: str, el: Element, attachments_key: str, field: str, what: str) -> str | None:
        attached = [a for a in el.items(attachments_key)
                    if (a.opt_text("State") or "attached") in ("attached", "available") and a.opt_text("VpcId")]
        for att in attached:
            vpc = att.text("VpcId")
            if vpc not in self.vpcs:
                self.orphans[vpc].append((what, gateway, att.pos("VpcId")))
                continue
            current = self.out.get(("vpcs", vpc, field))
            if current is not None:
                self.warn(att.pos("VpcId"), f"{what} {gateway}: VPC {vpc} already has {current}; not imported")
                continue
            self.vpc_field(vpc, field, gateway, att.pos("VpcId"))
            self.out.keys[("vpcs", vpc, field)] = el.pos()
            self.gateway_vpc[gateway] = vpc
            return vpc
        return None

    def _internet_gateway(self, igw: str, el: Element) -> None:
        self._attach_gateway(igw, el, "Attachments", "internet_gateway", "internet gateway")

    def _egress_only_gateway(self, eigw: str, el: Element) -> None:
        self._attach_gateway(eigw, el, "Attachments", "egress_only_internet_gateway", "egress-only internet gateway")

    def _vpn_gateway(self, vgw: str, el: Element) -> None:
        state = el.opt_text("State") or "available"
        if state != "available":
            self.warn(el.pos("State"), f"virtual private gateway {vgw} is {state}: not imported")
            return
        asn = el.integer("AmazonSideAsn")
        vpc = self._attach_gateway(vgw, el, "VpcAttachments", "vpn_gateway", "virtual private gateway")
        if vpc is not None and asn is not None and asn != 64512:
            self.vpc_field(vpc, "vpn_gateway_asn", asn, el.pos("AmazonSideAsn"))

    def _subnet(self, subnet_id: str, el: Element) -> None:
        vpc = self.vpc_of(el, "subnet", subnet_id)
        if vpc is None:
            return
        res = Res(el, "SubnetId")
        res.set("id", subnet_id, "SubnetId")
        if el.opt_text("CidrBlock"):
            res.set("cidr", el.cidr("CidrBlock", 4), "CidrBlock")
        for assoc in el.items("Ipv6CidrBlockAssociationSet"):
            if assoc.opt_text("Ipv6CidrBlock") and _state(assoc, "Ipv6CidrBlockState") in (None, "associated"):
                res.set("ipv6_cidr", assoc.cidr("Ipv6CidrBlock", 6), at=assoc.pos("Ipv6CidrBlock"))
                break
        az = el.opt_text("AvailabilityZone")
        if az:
            res.set("az", az, "AvailabilityZone")
            self.subnet_az[subnet_id] = az
        if el.opt_text("AvailabilityZoneId"):
            res.set("az_id", el.text("AvailabilityZoneId"), "AvailabilityZoneId")
        if el.flag("MapPublicIpOnLaunch"):
            res.set("map_public_ip", True, "MapPublicIpOnLaunch")
            self.mapping_public.add(subnet_id)
        tags = el.tags()
        if tags:
            res.set("tags", tags, "Tags")
        self.out.place(("vpcs", vpc, "subnets", subnet_id), res)
        self.subnets[subnet_id] = vpc

    def _vpc_regions(self) -> None:
        """A VPC's Region: its folder's (``…/us-east-2/…``), else its subnets' AZs, else what its folder tells."""
        for vpc, el in self.vpcs.items():
            if self.vpc_region[vpc]:
                continue
            zones = [self.subnet_az[s] for s, v in self.subnets.items() if v == vpc and s in self.subnet_az]
            regions = [r for z in zones if (r := self.snap.zones.get(z) or region_in(z))]
            self.vpc_region[vpc] = regions[0] if regions else self.snap.folder_regions.get(el.src.folder)

    # -- security groups and network ACLs ----------------------------------------------------------------

    def _route_table_ids(self) -> None:
        for table, el in self.snap.of("route_tables").items():
            vpc = el.str_at("VpcId")
            if vpc in self.vpcs:
                self.route_tables[table] = vpc

    def _security_group_ids(self) -> None:
        for sg, el in self.snap.of("security_groups").items():
            vpc = el.str_at("VpcId")
            if vpc in self.vpcs:
                self.security_groups[sg] = vpc

    def _security_group(self, sg: str, el: Element) -> None:
        vpc = self.vpc_of(el, "security group", sg)
        if vpc is None:
            return
        res = Res(el, "GroupId")
        res.set("id", sg, "GroupId")
        description = el.opt_text("Description")
        name = el.opt_text("GroupName")
        if description or name:
            res.set("description", f"{name}: {description}" if name and description else (name or description),
                    "Description" if description else "GroupName")
        res.set("ingress", [], "IpPermissions")
        for perm in el.items("IpPermissions"):
            for rule in self.guard(perm, f"ingress rule of security group {sg}",
                                   partial(self._permission, sg, vpc, perm, "source")) or []:
                res.add_res("ingress", rule)
        if "IpPermissionsEgress" in el.data:
            res.set("egress", [], "IpPermissionsEgress")
            for perm in el.items("IpPermissionsEgress"):
                for rule in self.guard(perm, f"egress rule of security group {sg}",
                                       partial(self._permission, sg, vpc, perm, "destination")) or []:
                    res.add_res("egress", rule)
        self.out.place(("vpcs", vpc, "security_groups", sg), res)

    def _permission(self, sg: str, vpc: str, perm: Element, side: str) -> list[Res]:
        """One IpPermission -> one rule per peer (CIDR, IPv6 CIDR, prefix list, security group)."""
        protocol = _protocol(perm, "IpProtocol")
        fields: dict[str, tuple[Any, SourcePos]] = {"protocol": (protocol, perm.pos("IpProtocol"))}
        low, high = perm.integer("FromPort"), perm.integer("ToPort")
        if protocol in ("tcp", "udp"):
            if low is None or low < 0 or high is None or high < 0:
                fields["ports"] = ("all", perm.pos("FromPort"))
            else:
                fields["ports"] = (_port_range(low, high, perm.pos("FromPort")), perm.pos("FromPort"))
        elif protocol in ("icmp", "icmpv6"):
            fields["icmp_type"] = (-1 if low is None else low, perm.pos("FromPort"))
            fields["icmp_code"] = (-1 if high is None or (low is not None and low < 0) else high, perm.pos("ToPort"))
        peers: list[tuple[str, Element, str, str | None]] = []
        for item in perm.items("IpRanges"):
            peers.append((item.cidr("CidrIp", 4), item, "CidrIp", item.opt_text("Description")))
        for item in perm.items("Ipv6Ranges"):
            peers.append((item.cidr("CidrIpv6", 6), item, "CidrIpv6", item.opt_text("Description")))
        for item in perm.items("PrefixListIds"):
            name = self.prefix_list(item, "PrefixListId")
            if name is not None:
                peers.append((name, item, "PrefixListId", item.opt_text("Description")))
        for item in perm.items("UserIdGroupPairs"):
            group = item.opt_text("GroupId")
            if group is None:
                self.warn(item.pos(), f"security group {sg}: a rule names a group without its id "
                          f"({item.opt_text('GroupName')}); left out")
                continue
            if group not in self.security_groups:
                owner = item.opt_text("UserId")
                self.warn(item.pos("GroupId"), f"security group {sg}: a rule references security group {group}"
                          f"{f' of account {owner}' if owner else ''}, which is not in the snapshot; rule left out",
                          hint="import that account's describe-security-groups too, or the rule matches nothing")
                continue
            peers.append((group, item, "GroupId", item.opt_text("Description")))
        rules = []
        for peer, item, key, description in peers:
            rule = Res(item)
            for name, (value, at) in fields.items():
                rule.set(name, value, at=at)
            rule.set(side, peer, key)
            if description:
                rule.set("description", description, "Description")
            rules.append(rule)
        return rules

    def _network_acl(self, acl: str, el: Element) -> None:
        vpc = self.vpc_of(el, "network ACL", acl)
        if vpc is None:
            return
        res = Res(el, "NetworkAclId")
        res.set("id", acl, "NetworkAclId")
        if el.flag("IsDefault"):
            res.set("default", True, "IsDefault")
        res.set("ingress", [], "Entries")
        res.set("egress", [], "Entries")
        for entry in el.items("Entries"):
            rule = self.guard(entry, f"entry of network ACL {acl}", partial(_acl_entry, entry))
            if rule is not None:
                res.add_res("egress" if entry.flag("Egress") else "ingress", rule)
        associations = el.items("Associations")
        self.out.place(("vpcs", vpc, "network_acls", acl), res)
        for assoc in associations:
            self.guard(assoc, f"association of network ACL {acl}", partial(self._acl_association, acl, vpc, assoc))

    def _acl_association(self, acl: str, vpc: str, assoc: Element) -> None:
        subnet = assoc.opt_text("SubnetId")
        if subnet is None:
            return
        if self.subnets.get(subnet) != vpc:
            self.warn(assoc.pos("SubnetId"), f"network ACL {acl} is associated with subnet {subnet}, which is "
                      "not in the snapshot; association left out")
            return
        self.out.put(("vpcs", vpc, "subnets", subnet, "network_acl"), acl, assoc.pos("SubnetId"))

    # -- interfaces, NAT gateways, endpoints, instances ------------------------------------------------------

    def _interface_elements(self) -> dict[str, Element]:
        """Every ENI by id: describe-network-interfaces first, else the copy inside describe-instances."""
        found = dict(self.snap.of("network_interfaces"))
        for el in self.snap.of("instances").values():
            for i, item in enumerate(el.list_at("NetworkInterfaces")):
                eni = Element(item, el.src, (*el.path, "NetworkInterfaces", i))
                eni_id = eni.str_at("NetworkInterfaceId")
                if eni_id is not None and eni_id not in found:
                    found[eni_id] = eni
        return found

    def _service_owned_interfaces(self) -> set[str]:
        """ENIs that NAT gateways, endpoints and TGW attachments own (their owner produces them), also in
        older outputs where their ``InterfaceType`` is plain ``interface``."""
        owned = {eni_id for eni_id, el in self.snap.of("network_interfaces").items()
                 if el.str_at("InterfaceType") in SERVICE_OWNED_INTERFACES
                 or (el.str_at("Description") or "").startswith(SERVICE_OWNED_DESCRIPTIONS)}
        for el in self.snap.of("nat_gateways").values():
            for address in el.list_at("NatGatewayAddresses"):
                if isinstance(address, dict) and isinstance(address.get("NetworkInterfaceId"), str):
                    owned.add(address["NetworkInterfaceId"])
        for el in self.snap.of("endpoints").values():
            owned |= {e for e in el.list_at("NetworkInterfaceIds") if isinstance(e, str)}
        return owned

    def _address(self, key: str, el: Element) -> None:
        public = el.address("PublicIp", 4)
        self.public_eips[public] = el
        eni = el.opt_text("NetworkInterfaceId")
        instance = el.opt_text("InstanceId")
        private = el.opt_text("PrivateIpAddress")
        if eni:
            self.eip_of[(eni, private)] = el
        elif instance:
            self.eip_of[(instance, private)] = el

    def _nat_gateway(self, nat: str, el: Element) -> None:
        state = el.opt_text("State") or "available"
        if state != "available":
            self.warn(el.pos("State"), f"NAT gateway {nat} is {state}: not imported (routes to it are blackholes)")
            return
        vpc = self.vpc_of(el, "NAT gateway", nat)
        if vpc is None:
            return
        res = Res(el, "NatGatewayId")
        res.set("id", nat, "NatGatewayId")
        res.set("subnet", self.subnet_in(el, "SubnetId", vpc), "SubnetId")
        connectivity = (el.opt_text("ConnectivityType") or "public").lower()
        addresses = el.items("NatGatewayAddresses")
        primary = next((a for a in addresses if a.get("IsPrimary") is True), addresses[0] if addresses else None)
        if connectivity == "private":
            res.set("connectivity", "private", "ConnectivityType")
        elif primary is None or not primary.opt_text("PublicIp"):
            raise Malformed("a public NAT gateway without an Elastic IP in 'NatGatewayAddresses'", el.pos())
        else:
            res.set("elastic_ip", primary.address("PublicIp", 4), at=primary.pos("PublicIp"))
        if primary is not None and primary.opt_text("PrivateIp"):
            res.set("private_ip", primary.address("PrivateIp", 4), at=primary.pos("PrivateIp"))
        if primary is not None and primary.opt_text("NetworkInterfaceId"):
            res.set("eni", primary.text("NetworkInterfaceId"), at=primary.pos("NetworkInterfaceId"))
        if len(addresses) > 1:
            self.warn(addresses[1].pos(), f"NAT gateway {nat}: {len(addresses) - 1} secondary address(es) are not "
                      "modelled; it translates to its primary address only")
        self.out.place(("vpcs", vpc, "nat_gateways", nat), res)
        self.nat_gateways[nat] = vpc

    def _endpoint(self, endpoint: str, el: Element) -> None:
        state = (el.opt_text("State") or "available").lower()
        if state != "available":
            self.warn(el.pos("State"), f"VPC endpoint {endpoint} is {state}: not imported")
            return
        kind = ENDPOINT_TYPES.get((el.opt_text("VpcEndpointType") or "").lower().replace("_", ""))
        if kind is None:
            self.warn(el.pos("VpcEndpointType"), f"VPC endpoint {endpoint} of type "
                      f"{el.opt_text('VpcEndpointType')!r} is not modelled")
            return
        vpc = self.vpc_of(el, "VPC endpoint", endpoint)
        if vpc is None:
            return
        res = Res(el, "VpcEndpointId")
        res.set("id", endpoint, "VpcEndpointId")
        res.set("type", kind, "VpcEndpointType")
        res.set("service", el.text("ServiceName"), "ServiceName")
        if kind == "gateway":
            res.set("route_tables", [], "RouteTableIds")
            for i, table in enumerate(el.get("RouteTableIds") or []):
                if self.route_tables.get(str(table)) == vpc:
                    res.add("route_tables", str(table), el.pos("RouteTableIds", i))
                else:
                    self.warn(el.pos("RouteTableIds", i), f"VPC endpoint {endpoint}: route table {table} is not in "
                              "the snapshot; left out")
        else:
            res.set("subnets", [], "SubnetIds")
            for i, subnet in enumerate(el.get("SubnetIds") or []):
                if self.subnets.get(str(subnet)) == vpc:
                    res.add("subnets", str(subnet), el.pos("SubnetIds", i))
                else:
                    self.warn(el.pos("SubnetIds", i), f"VPC endpoint {endpoint}: subnet {subnet} is not in the "
                              "snapshot; left out")
            for eni_id in el.get("NetworkInterfaceIds") or []:
                eni = self.interfaces.get(str(eni_id))
                if eni is not None and eni.opt_text("PrivateIpAddress") and eni.opt_text("SubnetId") in \
                        res.data["subnets"]:
                    res.put("addresses", eni.text("SubnetId"), eni.address("PrivateIpAddress", 4),
                            eni.pos("PrivateIpAddress"))
            if kind == "interface":
                res.set("security_groups", [], "Groups")
                for group in el.items("Groups"):
                    sg = group.text("GroupId")
                    if self.security_groups.get(sg) == vpc:
                        res.add("security_groups", sg, group.pos("GroupId"))
                    else:
                        self.warn(group.pos("GroupId"), f"VPC endpoint {endpoint}: security group {sg} is not in "
                                  "the snapshot; left out")
                if not el.flag("PrivateDnsEnabled", True):
                    res.set("private_dns", False, "PrivateDnsEnabled")
        policy = el.get("PolicyDocument")
        if policy and kind != "gateway_load_balancer":
            parsed = _policy(policy)
            if parsed is None:
                self.warn(el.pos("PolicyDocument"), f"VPC endpoint {endpoint}: its policy is not valid JSON; "
                          "imported without a policy (allows everything)")
            elif not _full_access(parsed):
                res.set("policy", parsed, "PolicyDocument")
        self.out.place(("vpcs", vpc, "endpoints", endpoint), res)
        self.endpoints[endpoint] = (vpc, kind)

    def _instance(self, instance: str, el: Element) -> None:
        state = el.sub("State").opt_text("Name") or "running"
        if state != "running":
            self.skipped_instances.add(instance)
            self.warn(el.pos("State"), f"instance {instance} is {state}: not imported (only running instances "
                      "carry traffic)")
            return
        if not el.opt_text("VpcId"):
            self.skipped_instances.add(instance)
            self.warn(el.pos(), f"instance {instance} is not in a VPC (EC2-Classic): not imported")
            return
        vpc = self.vpc_of(el, "instance", instance)
        if vpc is None:
            self.skipped_instances.add(instance)
            return
        attached = sorted(((_device_index(e), eni_id, e) for eni_id, e in self.interfaces_of.get(instance, {}).items()),
                          key=lambda item: (item[0], item[1]))
        primary = next((item for item in attached if item[0] == 0), None)
        res = Res(el, "InstanceId")
        res.set("id", instance, "InstanceId")
        if primary is not None:
            eni_id, eni = primary[1], primary[2]
            res.set("eni", eni_id, at=eni.pos("NetworkInterfaceId"))
            self._interface_fields(res, eni, vpc, instance)
            self.instance_eni[instance] = eni_id
            self.enis[eni_id] = vpc
        else:
            res.set("subnet", self.subnet_in(el, "SubnetId", vpc), "SubnetId")
            if el.opt_text("PrivateIpAddress"):
                res.set("private_ip", el.address("PrivateIpAddress", 4), "PrivateIpAddress")
            public = el.opt_text("PublicIpAddress")
            if public:
                kind = "elastic_ip" if public in self.public_eips else "public_ip"
                res.set(kind, el.address("PublicIpAddress", 4), "PublicIpAddress")
            res.set("security_groups", self._groups(el, "SecurityGroups", vpc, f"instance {instance}"),
                    "SecurityGroups")
            if not el.flag("SourceDestCheck", True):
                res.set("source_dest_check", False, "SourceDestCheck")
            self.instance_eni[instance] = f"eni-{instance}"
            self.enis[f"eni-{instance}"] = vpc
        if res.data.get("subnet") in self.mapping_public and "public_ip" not in res.data \
                and "elastic_ip" not in res.data:
            # describe-instances shows every public address: none here means the launch asked for none (R1.14),
            # and vpcsim must not give the instance a stand-in.
            res.set("public_ip", "none", "InstanceId")
        self._metadata_options(res, el)
        tags = el.tags()
        if tags:
            res.set("tags", tags, "Tags")
        self.out.place(("vpcs", vpc, "instances", instance), res)
        for index, eni_id, eni in attached:
            if primary is not None and eni_id == primary[1]:
                continue
            self.guard(eni, f"network interface {eni_id}",
                       partial(self._interface, eni_id, eni, instance, index))

    @staticmethod
    def _metadata_options(res: Res, el: Element) -> None:
        """``MetadataOptions`` of describe-instances (R11.1b): endpoint, IPv6 endpoint, tokens as AWS reports them."""
        options = el.sub("MetadataOptions")
        found: dict[str, str] = {}
        for key, field, values in (("HttpEndpoint", "http_endpoint", ("enabled", "disabled")),
                                   ("HttpProtocolIpv6", "http_protocol_ipv6", ("enabled", "disabled")),
                                   ("HttpTokens", "http_tokens", ("optional", "required"))):
            value = options.opt_text(key)
            if value in values:
                found[field] = value
        if found:
            res.set("metadata", found, "MetadataOptions")

    def _standalone_interfaces(self) -> None:
        """ENIs not attached to an imported instance: requester-managed ones (load balancers, RDS, Lambda…)
        become network interfaces; those of NAT gateways, endpoints and TGW attachments are their owner's."""
        for eni_id, el in sorted(self.snap.of("network_interfaces").items()):
            if eni_id in self.enis:
                continue
            instance = el.sub("Attachment").str_at("InstanceId")
            if eni_id in self.service_owned or instance in self.skipped_instances:
                continue
            if instance in self.snap.of("instances"):
                continue      # attached to an instance that was left out for another reason (warned there)
            if (el.opt_text("Status") or "in-use") == "available":
                self.warn(el.pos("Status"), f"network interface {eni_id} is not attached to anything: not imported")
                continue
            if isinstance(instance, str):
                self.warn(el.pos("Attachment", "InstanceId"), f"network interface {eni_id} is attached to instance "
                          f"{instance}, which is not in the snapshot (describe-instances): imported on its own")
            self.guard(el, f"network interface {eni_id}", partial(self._interface, eni_id, el, None, 1))

    def _interface(self, eni_id: str, el: Element, instance: str | None, device_index: int) -> None:
        vpc = self.vpc_of(el, "network interface", eni_id)
        if vpc is None:
            return
        res = Res(el, "NetworkInterfaceId")
        res.set("id", eni_id, "NetworkInterfaceId")
        self._interface_fields(res, el, vpc, instance or eni_id)
        if instance is not None:
            if self.out.get(("vpcs", vpc, "instances", instance)) is None:
                self.warn(el.pos("VpcId"), f"network interface {eni_id} of instance {instance} is in another VPC "
                          f"({vpc}); imported without its instance (multi-VPC attachments are not modelled)")
            else:
                res.set("instance", instance, "Attachment", "InstanceId")
                res.set("device_index", device_index, "Attachment", "DeviceIndex")
        kind = el.opt_text("InterfaceType") or "interface"
        description = el.opt_text("Description") or (kind if kind != "interface" else None)
        if description:
            res.set("description", description, "Description")
        if not res.data.get("security_groups") and (el.get("RequesterManaged") or
                                                    kind not in ("interface", "efa", "branch", "trunk")):
            self.warn(el.pos("Groups"), f"network interface {eni_id} ({description or kind}) has no security group; "
                      "vpcsim filters it as an interface whose security groups allow nothing",
                      hint="AWS does not filter some requester-managed interfaces (e.g. a network load balancer "
                      "without security groups); vpcsim cannot express that")
        self.out.place(("vpcs", vpc, "network_interfaces", eni_id), res)
        self.enis[eni_id] = vpc

    def _interface_fields(self, res: Res, eni: Element, vpc: str, owner: str) -> None:
        """Subnet, addresses, security groups and source/dest check of an ENI (for an instance or an ENI)."""
        res.set("subnet", self.subnet_in(eni, "SubnetId", vpc), at=eni.pos("SubnetId"))
        primary = eni.opt_text("PrivateIpAddress")
        if primary:
            primary = eni.address("PrivateIpAddress", 4)
            res.set("private_ip", primary, at=eni.pos("PrivateIpAddress"))
        for item in eni.items("PrivateIpAddresses"):
            address = item.opt_text("PrivateIpAddress")
            if address is None or address == primary or item.get("Primary") is True:
                continue
            res.add("secondary_private_ips", item.address("PrivateIpAddress", 4), item.pos("PrivateIpAddress"))
            if item.sub("Association").opt_text("PublicIp"):
                self.warn(item.pos("Association"), f"network interface {eni.get('NetworkInterfaceId')}: the public "
                          f"address of secondary private IP {address} is not modelled (only the primary IP's is)")
        eni_id = eni.opt_text("NetworkInterfaceId") or owner
        association = eni.sub("Association")
        public = association.opt_text("PublicIp")
        if public:
            elastic = bool(association.opt_text("AllocationId")) or public in self.public_eips
            res.set("elastic_ip" if elastic else "public_ip", association.address("PublicIp", 4),
                    at=association.pos("PublicIp"))
        else:
            eip = self.eip_of.get((eni_id, primary)) or self.eip_of.get((eni_id, None)) or \
                self.eip_of.get((owner, primary)) or self.eip_of.get((owner, None))
            if eip is not None:
                res.set("elastic_ip", eip.address("PublicIp", 4), at=eip.pos("PublicIp"))
        for item in eni.items("Ipv6Addresses"):
            if item.opt_text("Ipv6Address"):
                res.add("ipv6_addresses", item.address("Ipv6Address", 6), item.pos("Ipv6Address"))
        groups = self._groups(eni, "Groups", vpc, f"network interface {eni_id}")
        res.set("security_groups", groups, at=eni.pos("Groups"))
        for index, group in enumerate(res.data["security_groups"]):
            res.pos[("security_groups", index)] = _group_pos(eni, "Groups", group)
        if not eni.flag("SourceDestCheck", True):
            res.set("source_dest_check", False, at=eni.pos("SourceDestCheck"))
        for key in ("Ipv4Prefixes", "Ipv6Prefixes"):
            if eni.get(key):
                self.warn(eni.pos(key), f"network interface {eni_id}: delegated prefixes ({key}) are not modelled")

    def _groups(self, el: Element, key: str, vpc: str, what: str) -> list[str]:
        groups = []
        for item in el.items(key):
            sg = item.text("GroupId")
            if self.security_groups.get(sg) == vpc:
                groups.append(sg)
            elif sg not in self.missing_groups:       # once per group: a missing file would repeat it per ENI
                self.missing_groups.add(sg)
                self.warn(item.pos("GroupId"), f"{what}: security group {sg} is not in the snapshot "
                          "(describe-security-groups); every interface is imported without it")
        return groups

    # -- peering, transit gateways, VPN ----------------------------------------------------------------------

    def _peerings(self) -> None:
        """Active peerings first: a rejected or expired one between the same VPCs lingers for days, and two
        VPCs have at most one peering (R9.1), so the active one is the one to keep."""
        items = sorted(self.snap.of("peerings").items(),
                       key=lambda item: (str(item[1].sub("Status").get("Code") or "active") != "active", item[0]))
        for pcx, el in items:
            self.guard(el, f"peering connection {pcx}", partial(self._peering, pcx, el))

    def _peering(self, pcx: str, el: Element) -> None:
        status = (el.sub("Status").opt_text("Code") or "active").lower()
        if status not in PEERING_STATUSES:
            self.warn(el.pos("Status"), f"peering connection {pcx} is {status}: not imported")
            return
        sides = []
        for key in ("RequesterVpcInfo", "AccepterVpcInfo"):
            info = el.sub(key)
            vpc = info.text("VpcId")
            if vpc not in self.vpcs:
                owner, region = info.opt_text("OwnerId"), info.opt_text("Region")
                where = ", ".join(x for x in (f"account {owner}" if owner else "", region or "") if x)
                self.warn(info.pos("VpcId"), f"peering connection {pcx}: VPC {vpc}{f' ({where})' if where else ''} "
                          "is not in the snapshot; the peering is not imported (routes to it are blackholes)",
                          hint="import the other side's account/Region into the same folder")
                return
            sides.append(vpc)
        other = next((p for p, pair in self.peerings.items() if set(pair) == set(sides)), None)
        if other is not None:
            self.warn(el.pos("Status"), f"peering connection {pcx} ({status}) joins the same VPCs as {other}: not "
                      "imported (two VPCs have one peering connection)")
            return
        res = Res(el, "VpcPeeringConnectionId")
        res.set("id", pcx, "VpcPeeringConnectionId")
        res.set("requester", sides[0], "RequesterVpcInfo", "VpcId")
        res.set("accepter", sides[1], "AccepterVpcInfo", "VpcId")
        if status != "active":
            res.set("status", status, "Status", "Code")
        dns = [el.sub(k).sub("PeeringOptions").flag("AllowDnsResolutionFromRemoteVpc")
               for k in ("RequesterVpcInfo", "AccepterVpcInfo")]
        if any(dns):
            res.set("allow_dns_resolution", True, "AccepterVpcInfo", "PeeringOptions")
        self.out.place(("peering", pcx), res)
        self.peerings[pcx] = (sides[0], sides[1])

    def _transit_gateway_ids(self) -> None:
        for tgw, el in self.snap.of("transit_gateways").items():
            if (el.str_at("State") or "available") == "available":
                self.transit_gateways.add(tgw)
        for table, el in self.snap.of("tgw_route_tables").items():
            owner = el.str_at("TransitGatewayId")
            if owner in self.transit_gateways and (el.str_at("State") or "available") == "available":
                self.tgw_tables[table] = str(owner)

    def _vpn_connection_ids(self) -> None:
        for vpn, el in self.snap.of("vpn_connections").items():
            state = el.str_at("State") or "available"
            if state in ("deleted", "deleting"):
                continue
            gateway = el.str_at("VpnGatewayId") or el.str_at("TransitGatewayId")
            if gateway in self.gateway_vpc or gateway in self.transit_gateways:
                self.vpn_gateway_of[vpn] = str(gateway)

    def _transit_gateway(self, tgw: str, el: Element) -> None:
        state = el.opt_text("State") or "available"
        if state != "available":
            self.warn(el.pos("State"), f"transit gateway {tgw} is {state}: not imported")
            return
        options = el.sub("Options")
        res = Res(el, "TransitGatewayId")
        res.set("id", tgw, "TransitGatewayId")
        asn = options.integer("AmazonSideAsn")
        if asn is not None and asn != 64512:
            res.set("asn", asn, at=options.pos("AmazonSideAsn"))
        # Associations and propagations are imported as they are: the defaults only shape future attachments.
        res.set("default_association", False, at=options.pos("DefaultRouteTableAssociation"))
        res.set("default_propagation", False, at=options.pos("DefaultRouteTablePropagation"))
        default_table = options.opt_text("AssociationDefaultRouteTableId")
        if default_table in self.tgw_tables:
            res.set("default_route_table", default_table, at=options.pos("AssociationDefaultRouteTableId"))
        if options.flag("SecurityGroupReferencingSupport"):
            res.set("sg_referencing", True, at=options.pos("SecurityGroupReferencingSupport"))
        if not options.flag("DnsSupport", True):
            res.set("dns_support", False, at=options.pos("DnsSupport"))
        res.set("route_tables", {}, at=el.pos())
        res.set("attachments", {}, at=el.pos())
        self.out.place(("transit_gateways", tgw), res)

    def _tgw_route_table(self, table: str, el: Element) -> None:
        tgw = el.text("TransitGatewayId")
        if table not in self.tgw_tables:
            state = el.opt_text("State") or "available"
            if state != "available":
                self.warn(el.pos("State"), f"transit gateway route table {table} is {state}: not imported")
            else:
                self.warn(el.pos("TransitGatewayId"), f"transit gateway route table {table}: transit gateway {tgw} "
                          "is not in the snapshot; not imported")
            return
        res = Res(el, "TransitGatewayRouteTableId")
        res.set("id", table, "TransitGatewayRouteTableId")
        self.out.place(("transit_gateways", tgw, "route_tables", table), res)

    def _tgw_attachments(self) -> None:
        """Attachments (merged with their VPC details), their association and propagations, then the static
        routes of every TGW route table (which name attachments)."""
        vpc_details = self.snap.of("tgw_vpc_attachments")
        kept: dict[tuple[str, str], Element] = {}
        for key, el in sorted(self.snap.of("tgw_attachments").items()):
            tgw, att = key.split("/", 1)
            state = el.str_at("State") or "available"
            if tgw not in self.transit_gateways:
                self.warn(el.pos("TransitGatewayId"), f"transit gateway attachment {att}: transit gateway {tgw} is "
                          "not in the snapshot; not imported")
                continue
            if state not in ("available", "modifying"):
                self.warn(el.pos("State"), f"transit gateway attachment {att} is {state}: not imported")
                continue
            kept[(tgw, att)] = el
        for att, el in sorted(vpc_details.items()):      # VPC attachments only listed in the VPC details
            tgw = el.str_at("TransitGatewayId") or ""
            if (tgw, att) not in kept and tgw in self.transit_gateways and \
                    (el.str_at("State") or "available") in ("available", "modifying") and \
                    f"{tgw}/{att}" not in self.snap.of("tgw_attachments"):
                kept[(tgw, att)] = el
        names = self._attachment_names(kept)
        propagations = self._propagations(kept)
        for (tgw, att), el in sorted(kept.items()):
            self.guard(el, f"transit gateway attachment {att}",
                       partial(self._tgw_attachment, tgw, att, el, vpc_details.get(att), names,
                               propagations.get((tgw, att), [])))
        for table, routes in sorted(self.snap.children_of("tgw_routes").items()):
            owner = self.tgw_tables.get(table)
            if owner is None:
                if routes:
                    self.warn(routes[0].pos(), f"routes of transit gateway route table {table}: the table is not in "
                              "the snapshot (describe-transit-gateway-route-tables); not imported")
                continue
            for route in routes:
                self.guard(route, f"route of transit gateway route table {table}",
                           partial(self._tgw_route, owner, table, route))

    def _attachment_names(self, kept: dict[tuple[str, str], Element]) -> dict[tuple[str, str], str]:
        """Attachment ids are names, except that a TGW peering attachment (one id, seen from both TGWs) is
        ``<id>`` on the TGW whose id sorts first and ``<id>@<tgw>`` on the other."""
        by_id: dict[str, list[str]] = defaultdict(list)
        for tgw, att in kept:
            by_id[att].append(tgw)
        names = {}
        for (tgw, att) in kept:
            first = sorted(by_id[att])[0]
            names[(tgw, att)] = att if tgw == first else f"{att}@{tgw}"
        return names

    def _propagations(self, kept: dict[tuple[str, str], Element]) -> dict[tuple[str, str], list[tuple[str, SourcePos]]]:
        """(TGW, attachment) -> the route tables it propagates to: from propagation outputs, else (for a table
        without any) from the propagated routes of search-transit-gateway-routes."""
        result: dict[tuple[str, str], list[tuple[str, SourcePos]]] = defaultdict(list)
        explicit = self.snap.children_of("tgw_propagations")
        tables_with_data: set[str] = set()
        for table, items in explicit.items():
            tgw = self.tgw_tables.get(table)
            if tgw is None:
                continue
            tables_with_data.add(table)
            for item in items:
                att = item.str_at("TransitGatewayAttachmentId")
                if att and (item.str_at("State") or "enabled") == "enabled" and (tgw, att) in kept:
                    result[(tgw, att)].append((table, item.pos("TransitGatewayAttachmentId")))
        for table, routes in self.snap.children_of("tgw_routes").items():
            tgw = self.tgw_tables.get(table)
            if tgw is None or table in tables_with_data:
                continue
            for route in routes:
                if (route.str_at("Type") or "static") != "propagated":
                    continue
                tables_with_data.add(table)
                for i, data in enumerate(route.list_at("TransitGatewayAttachments")):
                    item = Element(data, route.src, (*route.path, "TransitGatewayAttachments", i))
                    att = item.str_at("TransitGatewayAttachmentId")
                    if att and (tgw, att) in kept and table not in [t for t, _ in result[(tgw, att)]]:
                        result[(tgw, att)].append((table, item.pos("TransitGatewayAttachmentId")))
        for tgw in sorted(self.transit_gateways):
            tables = [t for t, g in self.tgw_tables.items() if g == tgw]
            if tables and not any(t in tables_with_data for t in tables):
                self.warn(self.snap.of("transit_gateways")[tgw].pos(), f"transit gateway {tgw}: no propagation data "
                          "in the snapshot, so its route tables hold static routes only",
                          hint="add aws ec2 get-transit-gateway-route-table-propagations for each route table "
                          "(file name …-tgw-rtb-….json)")
        return result

    def _tgw_attachment(self, tgw: str, att: str, el: Element, details: Element | None,
                        names: dict[tuple[str, str], str], propagations: list[tuple[str, SourcePos]]) -> None:
        kind = (el.opt_text("ResourceType") or ("vpc" if details is not None else "")).lower()
        name = names[(tgw, att)]
        res = Res(el, "TransitGatewayAttachmentId")
        res.set("id", att, "TransitGatewayAttachmentId")
        if kind == "vpc":
            vpc = el.opt_text("ResourceId") or (details.text("VpcId") if details is not None else None)
            if vpc is None or vpc not in self.vpcs:
                self.warn(el.pos("ResourceId"), f"transit gateway attachment {att}: VPC {vpc} is not in the "
                          "snapshot; not imported (TGW routes to it are blackholes)")
                return
            res.set("vpc", vpc, "ResourceId")
            subnets = self._attachment_subnets(att, vpc, details)
            if not subnets:
                self.warn(el.pos(), f"transit gateway attachment {att}: its subnets are not in the snapshot "
                          "(describe-transit-gateway-vpc-attachments); not imported")
                return
            for subnet, at in subnets:
                res.add("subnets", subnet, at)
            if details is not None:
                options = details.sub("Options")
                if options.flag("ApplianceModeSupport"):
                    res.set("appliance_mode", True, at=options.pos("ApplianceModeSupport"))
                if not options.flag("SecurityGroupReferencingSupport", True):
                    res.set("sg_referencing", False, at=options.pos("SecurityGroupReferencingSupport"))
            self.vpc_tgws[vpc].add(tgw)
        elif kind == "vpn":
            vpn = el.text("ResourceId")
            if self.vpn_gateway_of.get(vpn) != tgw:
                self.warn(el.pos("ResourceId"), f"transit gateway attachment {att}: VPN connection {vpn} is not in "
                          "the snapshot (describe-vpn-connections); not imported")
                return
            res.set("vpn", vpn, "ResourceId")
        elif kind in ("peering", "tgw-peering"):
            peer_tgw = el.text("ResourceId")
            peer = names.get((peer_tgw, att))
            if peer is None:
                self.warn(el.pos("ResourceId"), f"transit gateway peering attachment {att}: the peer transit gateway "
                          f"{peer_tgw} is not in the snapshot; not imported",
                          hint="import the peer's account/Region into the same folder")
                return
            res.set("peer", peer, "ResourceId")
        else:
            self.warn(el.pos("ResourceType"), f"transit gateway attachment {att} of type {kind!r} is not modelled")
            return
        association = el.sub("Association")
        table = association.opt_text("TransitGatewayRouteTableId")
        if table and (association.opt_text("State") or "associated") == "associated" and \
                self.tgw_tables.get(table) == tgw:
            res.set("route_table", table, at=association.pos("TransitGatewayRouteTableId"))
        for table, items in self.snap.children_of("tgw_associations").items():
            for item in items:
                if item.get("TransitGatewayAttachmentId") == att and self.tgw_tables.get(table) == tgw and \
                        (item.opt_text("State") or "associated") == "associated" and "route_table" not in res.data:
                    res.set("route_table", table, at=item.pos("TransitGatewayAttachmentId"))
        res.set("propagations", [], at=el.pos())
        for table, at in propagations:
            res.add("propagations", table, at)
        self.out.place(("transit_gateways", tgw, "attachments", name), res)
        self.tgw_attachment[(tgw, att)] = name

    def _attachment_subnets(self, att: str, vpc: str, details: Element | None) -> list[tuple[str, SourcePos]]:
        found: list[tuple[str, SourcePos]] = []
        if details is not None:
            for i, subnet in enumerate(details.get("SubnetIds") or []):
                if self.subnets.get(str(subnet)) == vpc:
                    found.append((str(subnet), details.pos("SubnetIds", i)))
                else:
                    self.warn(details.pos("SubnetIds", i), f"transit gateway attachment {att}: subnet {subnet} is "
                              "not in the snapshot; left out")
            return found
        for eni in self.snap.of("network_interfaces").values():      # the attachment's ENIs tell its subnets
            subnet = eni.str_at("SubnetId")
            if eni.str_at("InterfaceType") == "transit_gateway" and att in (eni.str_at("Description") or "") and \
                    subnet is not None and self.subnets.get(subnet) == vpc:
                found.append((subnet, eni.pos("SubnetId")))
        return sorted(set(found), key=lambda item: item[0])

    def _tgw_route(self, tgw: str, table: str, route: Element) -> None:
        kind = (route.opt_text("Type") or "static").lower()
        state = (route.opt_text("State") or "active").lower()
        if kind == "propagated":
            for item in route.items("TransitGatewayAttachments"):
                if item.get("ResourceType") == "vpn" and route.opt_text("DestinationCidrBlock"):
                    self.tgw_vpn_learned[item.text("ResourceId")].setdefault(route.cidr("DestinationCidrBlock"),
                                                                             route.pos("DestinationCidrBlock"))
            return
        if state in ("deleted", "deleting", "pending"):
            return
        res = Res(route)
        if route.opt_text("DestinationCidrBlock"):
            res.set("destination", route.cidr("DestinationCidrBlock"), "DestinationCidrBlock")
        else:
            name = self.prefix_list(route, "PrefixListId")
            if name is None:
                return
            res.set("destination", name, "PrefixListId")
        attachments = route.items("TransitGatewayAttachments")
        if state == "blackhole" or not attachments:
            res.set("blackhole", True, "State")
        else:
            first = attachments[0]
            att = first.text("TransitGatewayAttachmentId")
            name = self.tgw_attachment.get((tgw, att))
            if name is None:
                self.warn(first.pos("TransitGatewayAttachmentId"), f"transit gateway route table {table}: route to "
                          f"{res.data['destination']} uses attachment {att}, which is not imported; imported as a "
                          "blackhole route")
                res.set("blackhole", True, at=first.pos("TransitGatewayAttachmentId"))
            else:
                res.set("attachment", name, at=first.pos("TransitGatewayAttachmentId"))
            if len(attachments) > 1:
                self.warn(attachments[1].pos(), f"transit gateway route table {table}: route to "
                          f"{res.data['destination']} has {len(attachments)} attachments (ECMP); vpcsim uses the "
                          "first")
        path = ("transit_gateways", tgw, "route_tables", table)
        table_res = self.out.get(path)
        if table_res is None:
            return
        routes = table_res.setdefault("routes", [])
        index = len(routes)
        routes.append(res.data)
        self.out.values.setdefault((*path, "routes"), res.at)
        self.out.values[(*path, "routes", index)] = res.at
        for sub, at in res.pos.items():
            self.out.values[(*path, "routes", index, *sub)] = at

    def _vpn_connection(self, vpn: str, el: Element) -> None:
        state = el.opt_text("State") or "available"
        gateway = self.vpn_gateway_of.get(vpn)
        if gateway is None:
            if state in ("deleted", "deleting"):
                self.warn(el.pos("State"), f"VPN connection {vpn} is {state}: not imported")
            else:
                named = el.opt_text("VpnGatewayId") or el.opt_text("TransitGatewayId")
                self.warn(el.pos("VpnGatewayId" if el.opt_text("VpnGatewayId") else "TransitGatewayId"),
                          f"VPN connection {vpn}: its gateway {named} is not in the snapshot; not imported")
            return
        res = Res(el, "VpnConnectionId")
        res.set("id", vpn, "VpnConnectionId")
        res.set("gateway", gateway, "VpnGatewayId" if el.opt_text("VpnGatewayId") else "TransitGatewayId")
        prefixes: list[str] = []
        if el.sub("Options").flag("StaticRoutesOnly"):
            res.set("routing", "static", "Options", "StaticRoutesOnly")
            for route in el.items("Routes"):
                if (route.opt_text("State") or "available") in ("available", "pending") and \
                        route.opt_text("DestinationCidrBlock"):
                    cidr = route.cidr("DestinationCidrBlock", 4)
                    if cidr not in prefixes:
                        prefixes.append(cidr)
                        res.add("static_routes", cidr, route.pos("DestinationCidrBlock"))
        else:
            res.set("routing", "dynamic", "Options")
            learned = dict(self.tgw_vpn_learned.get(vpn, {}))
            if gateway in self.gateway_vpc:
                learned.update(self._vgw_bgp_share(vpn, gateway))
            for cidr, at in learned.items():
                prefixes.append(cidr)
                res.add("bgp_routes", {"prefix": cidr}, at)
            if not learned:
                self.warn(el.pos("Options"), f"VPN connection {vpn} uses BGP, and no route it advertised is in the "
                          "snapshot: nothing is routed over it",
                          hint="the prefixes are read from routes propagated into VPC route tables (VGW) or from "
                          "search-transit-gateway-routes (TGW)")
        if state != "available":
            res.set("state", state, "State")
        customer = self.snap.of("customer_gateways").get(el.opt_text("CustomerGatewayId") or "")
        if customer is not None:
            ip = customer.opt_text("IpAddress")
            if ip:
                self.guard(customer, f"customer gateway of {vpn}", lambda: res.set(
                    "customer_gateway_ip", customer.address("IpAddress", 4), at=customer.pos("IpAddress")))
            asn = self.guard(customer, f"customer gateway of {vpn}", lambda: customer.integer("BgpAsn"))
            if asn is not None:
                res.set("customer_gateway_asn", asn, at=customer.pos("BgpAsn"))
        self.out.place(("vpn_connections", vpn), res)
        if prefixes:
            site = el.opt_text("CustomerGatewayId") or f"site-{vpn}"
            path = ("external", site)
            existing = self.out.get(path)
            if existing is None:
                self.out.put(path, {"cidrs": [], "via": []}, el.pos("CustomerGatewayId"))
                existing = self.out.get(path)
            for cidr in prefixes:
                if cidr not in existing["cidrs"]:
                    self.out.values[(*path, "cidrs", len(existing["cidrs"]))] = el.pos("Routes")
                    existing["cidrs"].append(cidr)
            self.out.values[(*path, "via", len(existing["via"]))] = el.pos("VpnConnectionId")
            existing["via"].append(vpn)

    def _vgw_bgp_share(self, vpn: str, vgw: str) -> dict[str, SourcePos]:
        """The prefixes propagated into route tables from ``vgw`` that its static connections do not explain:
        learned over BGP by its dynamic connection(s). With several, each gets them all (a warning says so)."""
        static: set[str] = set()
        dynamic: list[str] = []
        for other, gateway in sorted(self.vpn_gateway_of.items()):
            if gateway != vgw:
                continue
            el = self.snap.of("vpn_connections")[other]
            if el.sub("Options").flag("StaticRoutesOnly"):
                static |= {str(r.get("DestinationCidrBlock")) for r in el.list_at("Routes") if isinstance(r, dict)}
            else:
                dynamic.append(other)
        learned = {c: at for c, at in self.vgw_learned.get(vgw, {}).items() if c not in static}
        if len(dynamic) > 1 and learned and vpn == dynamic[0]:
            self.warn(next(iter(learned.values())), f"virtual private gateway {vgw} learned {len(learned)} prefixes "
                      f"over BGP from {len(dynamic)} connections ({', '.join(dynamic)}); the snapshot does not say "
                      "which from which, so every one of them advertises all")
        return learned

    def _unexplained_vgw_routes(self) -> None:
        """Routes propagated from a VGW that no imported connection advertises (Direct Connect, or VPN
        connections missing from the snapshot): the VGW cannot forward them, so say so."""
        for vgw, learned in sorted(self.vgw_learned.items()):
            connections = [v for v, g in self.vpn_gateway_of.items() if g == vgw]
            explained: set[str] = set()
            for vpn in connections:
                el = self.snap.of("vpn_connections")[vpn]
                if el.sub("Options").flag("StaticRoutesOnly"):
                    explained |= {str(r.get("DestinationCidrBlock")) for r in el.list_at("Routes")
                                  if isinstance(r, dict)}
                else:
                    explained |= set(learned)
            missing = [c for c in learned if c not in explained]
            if missing:
                self.warn(learned[missing[0]], f"routes propagated from {vgw} to {', '.join(missing)} come from a "
                          "connection that is not in the snapshot (Direct Connect is not read): not modelled",
                          hint="add describe-vpn-connections, or declare the site in YAML (direct_connect:)")

    # -- route tables ---------------------------------------------------------------------------------------

    def _route_table(self, table: str, el: Element) -> None:
        vpc = self.vpc_of(el, "route table", table)
        if vpc is None:
            return
        res = Res(el, "RouteTableId")
        res.set("id", table, "RouteTableId")
        for assoc in el.items("Associations"):
            if _state(assoc, "AssociationState") not in (None, "associated"):
                continue
            if assoc.flag("Main"):
                res.set("main", True, at=assoc.pos("Main"))
            subnet = assoc.opt_text("SubnetId")
            gateway = assoc.opt_text("GatewayId")
            if subnet:
                if self.subnets.get(subnet) == vpc:
                    self.out.put(("vpcs", vpc, "subnets", subnet, "route_table"), table, assoc.pos("SubnetId"))
                else:
                    self.warn(assoc.pos("SubnetId"), f"route table {table} is associated with subnet {subnet}, which "
                              "is not in the snapshot; association left out")
            if gateway:
                if self.gateway_vpc.get(gateway) == vpc:
                    res.set("gateway", gateway, at=assoc.pos("GatewayId"))
                else:
                    self.warn(assoc.pos("GatewayId"), f"route table {table} is associated with gateway {gateway}, "
                              "which is not attached to its VPC in the snapshot; the table is not imported")
                    return
        for item in el.items("PropagatingVgws"):
            vgw = item.text("GatewayId")
            if self.gateway_vpc.get(vgw) == vpc:
                res.add("propagate", vgw, item.pos("GatewayId"))
        res.set("routes", [], "Routes")
        for route in el.items("Routes"):
            made = self.guard(route, f"route of route table {table}", partial(self._route, table, vpc, route))
            if made is not None:
                res.add_res("routes", made)
        self.out.place(("vpcs", vpc, "route_tables", table), res)

    def _route(self, table: str, vpc: str, route: Element) -> Res | None:
        res = Res(route)
        if route.opt_text("DestinationCidrBlock"):
            destination, key = route.cidr("DestinationCidrBlock", 4), "DestinationCidrBlock"
        elif route.opt_text("DestinationIpv6CidrBlock"):
            destination, key = route.cidr("DestinationIpv6CidrBlock", 6), "DestinationIpv6CidrBlock"
        elif route.opt_text("DestinationPrefixListId"):
            key = "DestinationPrefixListId"
            gateway = route.opt_text("GatewayId") or ""
            if gateway.startswith("vpce-") and self.endpoints.get(gateway, ("", ""))[1] == "gateway":
                return None       # the endpoint's own route: produced from endpoints.<id>.route_tables
            if gateway.startswith("vpce-"):
                self.warn(route.pos("GatewayId"), f"route table {table}: route via gateway endpoint {gateway}, which "
                          "is not in the snapshot (describe-vpc-endpoints); left out")
                return None
            plist = self.prefix_list(route, key)
            if plist is None:
                return None
            destination = plist
        else:
            raise Malformed("a route without a destination", route.pos())
        res.set("destination", destination, key)
        origin = route.opt_text("Origin") or "CreateRoute"
        via = route.opt_text("GatewayId")
        if origin == "EnableVgwRoutePropagation":
            if via and key != "DestinationPrefixListId":
                self.vgw_learned[via].setdefault(destination, route.pos(key))
            return None       # generated from the VGW's connections (R7.1)
        if via == "local":
            if destination in self.vpc_cidrs.get(vpc, set()):
                return None   # generated for every VPC CIDR (R1.6)
            res.set("target", "local", "GatewayId")
            return res
        for unsupported, what in UNSUPPORTED_TARGETS.items():
            if route.opt_text(unsupported):
                self.warn(route.pos(unsupported), f"route table {table}: route to {destination} via a {what} "
                          f"({route.opt_text(unsupported)}) is not modelled; left out")
                return None
        target, target_key = self._target(route, vpc)
        if target is None:
            raise Malformed("a route without a target", route.pos())
        if (route.opt_text("State") or "active").lower() == "blackhole":
            res.set("target", "blackhole", "State")
            return res
        if not self._usable(target, vpc):
            self.warn(route.pos(target_key), f"route table {table}: the target of the route to {destination}, "
                      f"{target}, is not in the snapshot; imported as a blackhole route",
                      hint="an AWS Network Firewall endpoint is not listed by describe-vpc-endpoints and is not "
                      "modelled" if target.startswith("vpce-") else None)
            res.set("target", "blackhole", target_key)
            return res
        res.set("target", self.instance_eni.get(target, target), target_key)
        return res

    def _target(self, route: Element, vpc: str) -> tuple[str | None, str]:
        for key in ("NatGatewayId", "TransitGatewayId", "VpcPeeringConnectionId", "NetworkInterfaceId", "InstanceId",
                    "VpcEndpointId", "EgressOnlyInternetGatewayId", "GatewayId"):
            value = route.opt_text(key)
            if value:
                return value, key
        return None, "GatewayId"

    def _usable(self, target: str, vpc: str) -> bool:
        if target.startswith("pcx-"):
            return vpc in self.peerings.get(target, ())
        if target.startswith("tgw-"):
            return target in self.vpc_tgws.get(vpc, set())
        if target.startswith("vpce-"):
            return self.endpoints.get(target, ("", ""))[0] == vpc
        if target.startswith("nat-"):
            return self.nat_gateways.get(target) == vpc
        if target.startswith("i-"):
            return target in self.instance_eni and self.enis.get(self.instance_eni[target]) == vpc
        if target.startswith("eni-"):
            return self.enis.get(target) == vpc
        return self.gateway_vpc.get(target) == vpc

    # -- the rest ---------------------------------------------------------------------------------------------

    def _vpc_attributes(self) -> None:
        """``describe-vpc-attribute`` objects: DNS support and hostnames (R11.2)."""
        for vpc, items in sorted(self.snap.children_of("vpc_attributes").items()):
            if vpc not in self.vpcs:
                self.warn(items[0].pos("VpcId"), f"DNS attributes of VPC {vpc}, which is not in the snapshot; ignored")
                continue
            dns = dict(self.out.get(("vpcs", vpc, "dns")) or {"support": True, "hostnames": False})
            where = items[0].pos()
            for el in items:
                for key, field in (("EnableDnsSupport", "support"), ("EnableDnsHostnames", "hostnames")):
                    if key in el.data:
                        value = self.guard(el, f"DNS attribute of VPC {vpc}", partial(_attribute, el, key))
                        if value is not None:
                            dns[field] = value
                            where = el.pos(key)
                            self.out.values[("vpcs", vpc, "dns", field)] = el.pos(key, "Value")
            self.out.put(("vpcs", vpc, "dns"), dns, where)

    def _orphans(self) -> None:
        for vpc, items in sorted(self.orphans.items()):
            counts = Counter(kind for kind, _, _ in items)
            listed = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in sorted(counts.items()))
            self.warn(items[0][2], f"VPC {vpc} is not in the snapshot (describe-vpcs): {listed} in it not imported",
                      hint="add that VPC's describe-vpcs output, or this is another account's VPC")

    def _topology(self) -> None:
        name = self.root.resolve().name
        if name == "aws_configs" and self.root.resolve().parent.name:
            name = self.root.resolve().parent.name
        self.out.put(("name",), name or "aws", self.out.default)
        regions = Counter(r for r in self.vpc_region.values() if r)
        region = regions.most_common(1)[0][0] if regions else next(iter(sorted(self.snap.folder_regions.values())),
                                                                    DEFAULT_REGION)
        accounts = Counter(a for a in self.vpc_account.values() if a)
        account = accounts.most_common(1)[0][0] if accounts else None
        self.out.put(("region",), region, self.out.default)
        if account is not None:
            self.out.put(("account",), account, self.out.default)
        for vpc, el in self.vpcs.items():
            if self.vpc_region[vpc] and self.vpc_region[vpc] != region:
                self.vpc_field(vpc, "region", self.vpc_region[vpc], el.pos())
            if self.vpc_account[vpc] and self.vpc_account[vpc] != account:
                self.vpc_field(vpc, "account", self.vpc_account[vpc], el.pos("OwnerId"))


# --- small readers ------------------------------------------------------------------------------------------


def _entry(entry: Element) -> tuple[str, SourcePos]:
    return entry.cidr("Cidr"), entry.pos("Cidr")


def _attribute(el: Element, key: str) -> bool:
    """``{"EnableDnsSupport": {"Value": true}}`` -> True."""
    return el.sub(key).flag("Value")


def _state(el: Element, key: str) -> str | None:
    state = el.sub(key).get("State")
    return str(state) if state is not None else None


def _device_index(eni: Element) -> int:
    value = eni.sub("Attachment").get("DeviceIndex")
    card = eni.sub("Attachment").get("NetworkCardIndex")
    try:
        return int(value) + (1000 * int(card) if card else 0)
    except (TypeError, ValueError):
        return 999


def _group_pos(eni: Element, key: str, group: str) -> SourcePos:
    for item in eni.items(key):
        if item.get("GroupId") == group:
            return item.pos("GroupId")
    return eni.pos(key)


def _port_range(low: int, high: int, at: SourcePos) -> str:
    if not 0 <= low <= high <= 65535:
        raise Malformed(f"port range {low}-{high} is not within 0-65535, low to high", at)
    return str(low) if low == high else f"{low}-{high}"


def _protocol(el: Element, key: str) -> str:
    text = el.text(key).strip().lower()
    try:
        return protocol_word(text)
    except ValueError:
        raise Malformed(f"'{key}' is not a protocol: {text!r}", el.pos(key)) from None


def _acl_entry(entry: Element) -> Res | None:
    """One NACL entry; the ``*`` rule (32767) is the schema's implicit deny, so it is not imported."""
    number = entry.integer("RuleNumber")
    if number is None:
        raise Malformed("missing 'RuleNumber'", entry.pos())
    if number == 32767:
        return None
    if not 1 <= number <= 32766:
        raise Malformed(f"rule number {number} is outside 1-32766", entry.pos("RuleNumber"))
    res = Res(entry)
    res.set("rule", number, "RuleNumber")
    protocol = _protocol(entry, "Protocol")
    res.set("protocol", protocol, "Protocol")
    if protocol in ("tcp", "udp"):
        ports = entry.sub("PortRange")
        low, high = ports.integer("From"), ports.integer("To")
        text = "all" if low is None or high is None else _port_range(low, high, entry.pos("PortRange"))
        res.set("ports", text, "PortRange")
    elif protocol in ("icmp", "icmpv6") and entry.get("IcmpTypeCode") is not None:
        icmp = entry.sub("IcmpTypeCode")
        res.set("icmp_type", icmp.integer("Type", -1), "IcmpTypeCode", "Type")
        res.set("icmp_code", icmp.integer("Code", -1), "IcmpTypeCode", "Code")
    side = "destination" if entry.flag("Egress") else "source"
    if entry.opt_text("CidrBlock"):
        res.set(side, entry.cidr("CidrBlock", 4), "CidrBlock")
    else:
        res.set(side, entry.cidr("Ipv6CidrBlock", 6), "Ipv6CidrBlock")
    action = entry.text("RuleAction").lower()
    if action not in ("allow", "deny"):
        raise Malformed(f"'RuleAction' must be allow or deny, not {action!r}", entry.pos("RuleAction"))
    res.set("action", action, "RuleAction")
    return res


def _canonical_cidr(value: Any, at: SourcePos) -> str:
    import ipaddress

    try:
        return str(ipaddress.ip_network(str(value).strip(), strict=False))
    except ValueError:
        raise Malformed(f"{value!r} is not a CIDR block", at) from None


def _policy(document: Any) -> dict[str, Any] | None:
    if isinstance(document, dict):
        return document
    try:
        parsed = json.loads(str(document))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _full_access(policy: dict[str, Any]) -> bool:
    """AWS's default endpoint policy (allow everything to everyone): the same as no policy."""
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or len(statements) != 1 or not isinstance(statements[0], dict):
        return False
    s = statements[0]
    return (s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"})
            and s.get("Action") in ("*", ["*"]) and s.get("Resource") in ("*", ["*"]) and "Condition" not in s)
