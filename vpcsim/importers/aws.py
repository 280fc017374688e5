"""A folder of ``aws ec2 describe-*`` JSON outputs -> ``Topology`` (+ positions + warnings) (DESIGN §3).

Every ``*.json`` under the folder, at any depth, is read (``json_file.read_json``: JSON's values, with the
position of each) and recognised by its top-level key (``Vpcs``, ``RouteTables``, ``Reservations``, …) through
``READERS``, whatever the file is called; files of one kind merge and a kind that is missing means "none of
those". As in Batfish's ``Region.java``, reading is strict at the
door and forgiving of the rest: an unknown key with data is one warning naming the key and the file, an element
that cannot be read costs that element (a warning with its file:line), never the file, and resources that
carry no traffic (stopped instances, NAT gateways that are not ``available``, deleted peerings…) are filtered
out here with a warning. ``aws_build`` then maps what was read onto the schema, and ``settle`` validates it.

Outputs that do not name their parent take it from the file name: ``search-transit-gateway-routes`` and
``get-transit-gateway-route-table-associations`` / ``-propagations`` (``…tgw-rtb-0123abcd….json``),
``get-managed-prefix-list-entries`` (``…pl-0123abcd….json``). Batfish's layout
(``aws_configs/[accounts/<id>/][<region>/]Vpcs.json``) and its two wrappers (``TransitGatewayPropagations``,
``TransitGatewayStaticRoutes``) are read as well; ``accounts/<id>/`` and ``<region>/`` folders give each VPC
its account and Region.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.importers.json_file import read_json
from vpcsim.importers.located import Element, Malformed, SourceFile

Reader = Callable[["Snapshot", Element], None]

REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")
REGION_PREFIX = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+")
ACCOUNT = re.compile(r"^\d{12}$")
TGW_ROUTE_TABLE_ID = re.compile(r"tgw-rtb-[0-9a-f]+")
PREFIX_LIST_ID = re.compile(r"pl-[0-9a-f]+")

MAX_FILES = 10_000


@dataclass(slots=True)
class Snapshot:
    """What the files hold, by kind: the first element seen for each id (files of one kind merge), the
    elements whose parent is another resource, and the warnings found while reading."""

    resources: dict[str, dict[str, Element]] = field(default_factory=dict)
    children: dict[str, dict[str, list[Element]]] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)          # AZ name -> Region (AvailabilityZones)
    folder_regions: dict[str, str] = field(default_factory=dict)  # folder -> a Region its files reveal
    warnings: list[Diagnostic] = field(default_factory=list)

    def add(self, kind: str, resource_id: str, el: Element) -> None:
        self.resources.setdefault(kind, {}).setdefault(resource_id, el)
        self._hint_region(el)

    def add_child(self, kind: str, parent: str, el: Element) -> None:
        self.children.setdefault(kind, {}).setdefault(parent, []).append(el)

    def of(self, kind: str) -> dict[str, Element]:
        return self.resources.get(kind, {})

    def children_of(self, kind: str) -> dict[str, list[Element]]:
        return self.children.get(kind, {})

    def warn(self, pos: SourcePos, message: str, hint: str | None = None) -> None:
        self.warnings.append(Diagnostic(pos, message, hint, severity="warning"))

    def _hint_region(self, el: Element) -> None:
        if el.src.folder in self.folder_regions or not isinstance(el.data, dict):
            return
        for key in ("AvailabilityZone", "SubnetArn", "TransitGatewayArn", "ServiceName"):
            value = el.data.get(key)
            if isinstance(value, str):
                region = region_in(value)
                if region:
                    self.folder_regions[el.src.folder] = region
                    return


def region_in(text: str) -> str | None:
    """The Region named by an AZ ("us-east-2b"), an ARN or a service name ("com.amazonaws.us-east-1.s3")."""
    for part in re.split(r"[:.]", text):
        match = REGION_PREFIX.match(part)
        if match:
            return match.group(0)
    return None


# --- readers: one per top-level key ---------------------------------------------------------------------


def _collect(kind: str, id_key: str) -> Reader:
    def read(snap: Snapshot, el: Element) -> None:
        snap.add(kind, el.text(id_key), el)

    read.__doc__ = f"Collect {kind} by {id_key} (the first element seen for an id is kept)."
    return read


def _read_reservation(snap: Snapshot, el: Element) -> None:
    """``describe-instances``: instances are grouped in reservations (whose OwnerId is the account)."""
    el.require_mapping("a reservation")
    for instance in el.items("Instances"):
        try:
            instance.require_mapping("an instance")
            snap.add("instances", instance.text("InstanceId"), instance)
        except Malformed as bad:
            snap.warn(bad.pos, f"instance left out: {bad.message}")


def _read_address(snap: Snapshot, el: Element) -> None:
    snap.add("addresses", el.opt_text("AllocationId") or el.text("PublicIp"), el)


def _read_tgw_attachment(snap: Snapshot, el: Element) -> None:
    """Keyed by (TGW, attachment): a TGW peering attachment has one id, seen from both transit gateways."""
    snap.add("tgw_attachments", f"{el.text('TransitGatewayId')}/{el.text('TransitGatewayAttachmentId')}", el)


def _read_tgw_vpc_attachment(snap: Snapshot, el: Element) -> None:
    snap.add("tgw_vpc_attachments", el.text("TransitGatewayAttachmentId"), el)


def _parent_from_name(el: Element, pattern: re.Pattern[str], what: str) -> str:
    match = pattern.search(el.src.name)
    if match is None:
        raise Malformed(f"cannot tell which {what} this file belongs to: its name does not contain the "
                        f"{what}'s id", SourcePos(el.src.display, 1, 1))
    return match.group(0)


def _read_tgw_route(snap: Snapshot, el: Element) -> None:
    """``search-transit-gateway-routes``: the route table is named by the file."""
    el.require_mapping("a route")
    snap.add_child("tgw_routes", _parent_from_name(el, TGW_ROUTE_TABLE_ID, "transit gateway route table"), el)


def _read_tgw_association(snap: Snapshot, el: Element) -> None:
    """``get-transit-gateway-route-table-associations``: the route table is named by the file."""
    el.require_mapping("an association")
    table = _parent_from_name(el, TGW_ROUTE_TABLE_ID, "transit gateway route table")
    snap.add_child("tgw_associations", table, el)


def _read_tgw_propagation(snap: Snapshot, el: Element) -> None:
    """``get-transit-gateway-route-table-propagations``: the route table is named by the file."""
    el.require_mapping("a propagation")
    table = _parent_from_name(el, TGW_ROUTE_TABLE_ID, "transit gateway route table")
    snap.add_child("tgw_propagations", table, el)


def _read_batfish_propagations(snap: Snapshot, el: Element) -> None:
    """Batfish's wrapper: ``{"TransitGatewayRouteTableId": …, "TransitGatewayRouteTablePropagations": […]}``."""
    table = el.text("TransitGatewayRouteTableId")
    for item in el.items("TransitGatewayRouteTablePropagations"):
        snap.add_child("tgw_propagations", table, item)


def _read_batfish_static_routes(snap: Snapshot, el: Element) -> None:
    """Batfish's wrapper: ``{"TransitGatewayRouteTableId": …, "Routes": […]}`` (static routes)."""
    table = el.text("TransitGatewayRouteTableId")
    for item in el.items("Routes"):
        snap.add_child("tgw_routes", table, item)


def _read_prefix_list(snap: Snapshot, el: Element) -> None:
    """``describe-managed-prefix-lists`` (metadata) and ``describe-prefix-lists`` (AWS lists with ``Cidrs``)
    share the key: every element of an id is kept, and merged when mapped."""
    snap.add_child("prefix_lists", el.text("PrefixListId"), el)


def _read_prefix_list_entry(snap: Snapshot, el: Element) -> None:
    """``get-managed-prefix-list-entries``: the prefix list is named by the file."""
    el.require_mapping("a prefix list entry")
    snap.add_child("prefix_list_entries", _parent_from_name(el, PREFIX_LIST_ID, "prefix list"), el)


def _read_zone(snap: Snapshot, el: Element) -> None:
    """``describe-availability-zones``: tells the Region of a folder whose path does not."""
    name = el.text("ZoneName")
    region = el.opt_text("RegionName") or region_in(name)
    if region:
        snap.zones[name] = region
        snap.folder_regions.setdefault(el.src.folder, region)


def _read_vpc_attribute(snap: Snapshot, el: Element) -> None:
    """``describe-vpc-attribute``: ``{"VpcId": …, "EnableDnsSupport": {"Value": true}}`` (or several merged)."""
    snap.add_child("vpc_attributes", el.text("VpcId"), el)


READERS: dict[str, Reader] = {
    "Vpcs": _collect("vpcs", "VpcId"),
    "Subnets": _collect("subnets", "SubnetId"),
    "RouteTables": _collect("route_tables", "RouteTableId"),
    "InternetGateways": _collect("internet_gateways", "InternetGatewayId"),
    "EgressOnlyInternetGateways": _collect("egress_only_internet_gateways", "EgressOnlyInternetGatewayId"),
    "NatGateways": _collect("nat_gateways", "NatGatewayId"),
    "SecurityGroups": _collect("security_groups", "GroupId"),
    "NetworkAcls": _collect("network_acls", "NetworkAclId"),
    "NetworkInterfaces": _collect("network_interfaces", "NetworkInterfaceId"),
    "Reservations": _read_reservation,
    "Instances": _collect("instances", "InstanceId"),
    "Addresses": _read_address,
    "VpcPeeringConnections": _collect("peerings", "VpcPeeringConnectionId"),
    "VpcEndpoints": _collect("endpoints", "VpcEndpointId"),
    "TransitGateways": _collect("transit_gateways", "TransitGatewayId"),
    "TransitGatewayAttachments": _read_tgw_attachment,
    "TransitGatewayVpcAttachments": _read_tgw_vpc_attachment,
    "TransitGatewayRouteTables": _collect("tgw_route_tables", "TransitGatewayRouteTableId"),
    "Routes": _read_tgw_route,
    "Associations": _read_tgw_association,
    "TransitGatewayRouteTablePropagations": _read_tgw_propagation,
    "Propagations": _read_tgw_propagation,
    "TransitGatewayPropagations": _read_batfish_propagations,
    "TransitGatewayStaticRoutes": _read_batfish_static_routes,
    "VpnGateways": _collect("vpn_gateways", "VpnGatewayId"),
    "VpnConnections": _collect("vpn_connections", "VpnConnectionId"),
    "CustomerGateways": _collect("customer_gateways", "CustomerGatewayId"),
    "PrefixLists": _read_prefix_list,
    "Entries": _read_prefix_list_entry,
    "AvailabilityZones": _read_zone,
    "VpcId": _read_vpc_attribute,       # describe-vpc-attribute: the object itself, alone or in a list
}

# Outputs that do not name their parent: the file name must (``…-tgw-rtb-0123abcd.json``).
PARENT_IN_NAME: dict[str, tuple[re.Pattern[str], str]] = {
    "Routes": (TGW_ROUTE_TABLE_ID, "transit gateway route table"),
    "Associations": (TGW_ROUTE_TABLE_ID, "transit gateway route table"),
    "TransitGatewayRouteTablePropagations": (TGW_ROUTE_TABLE_ID, "transit gateway route table"),
    "Propagations": (TGW_ROUTE_TABLE_ID, "transit gateway route table"),
    "Entries": (PREFIX_LIST_ID, "prefix list"),
}

VPC_ATTRIBUTES = ("EnableDnsSupport", "EnableDnsHostnames", "EnableNetworkAddressUsageMetrics")

# Keys that carry nothing that decides reachability (paging, metadata, catalogues).
IGNORED = {"NextToken", "ResponseMetadata", "AdditionalRoutesAvailable", "ServiceNames", "ServiceDetails",
           "Regions", "InstanceStatuses", "PlacementGroups", "Tags", "KeyPairs", "Images", "Volumes",
           "Snapshots", "MaxResults"}

# Known kinds that vpcsim does not model: one warning each, naming what is left out.
NOT_MODELLED = {
    "LoadBalancers": "load balancers are not modelled (their network interfaces are imported, so their addresses "
                     "are reachable; listeners and targets are not)",
    "LoadBalancerDescriptions": "classic load balancers are not modelled (their network interfaces are imported)",
    "LoadBalancerAttributes": "load balancer attributes are not modelled",
    "LoadBalancerListeners": "load balancer listeners are not modelled",
    "Listeners": "load balancer listeners are not modelled",
    "LoadBalancerTargetHealth": "load balancer target health is not modelled",
    "TargetHealthDescriptions": "load balancer target health is not modelled",
    "TargetGroups": "load balancer target groups are not modelled",
    "DBInstances": "RDS instances are not modelled as such (their network interfaces are imported)",
    "DomainStatusList": "OpenSearch/Elasticsearch domains are not modelled as such (their network interfaces are "
                        "imported)",
    "DhcpOptions": "DHCP option sets are not modelled: every VPC uses the Amazon-provided DNS server",
    "FlowLogs": "flow log configurations are not read: every VPC logs all traffic",
    "Firewalls": "AWS Network Firewall is not modelled: traffic through a firewall endpoint is not inspected",
    "FirewallPolicies": "AWS Network Firewall policies are not modelled",
    "DirectConnectGateways": "Direct Connect gateways are not read",
    "VirtualInterfaces": "Direct Connect virtual interfaces are not read",
    "Connections": "Direct Connect connections are not read",
    "TransitGatewayConnects": "transit gateway Connect attachments are not modelled",
    "TransitGatewayPeeringAttachments": "transit gateway peering attachments are read from "
                                        "describe-transit-gateway-attachments; this output is not needed",
    "CarrierGateways": "carrier gateways are not modelled",
    "LocalGateways": "local gateways (Outposts) are not modelled",
    "ManagedPrefixListEntries": "prefix list entries are read from get-managed-prefix-list-entries",
    "HostedZones": "Route 53 hosted zones are not read from describe output; declare them in YAML",
    "ResolverEndpoints": "Route 53 Resolver endpoints are not modelled",
    "ResolverRules": "Route 53 Resolver rules are not modelled",
}


# --- the folder -------------------------------------------------------------------------------------------


def read_folder(root: FsPath) -> Snapshot:
    """Every ``*.json`` under ``root`` (hidden folders skipped), read and dispatched by top-level key."""
    start = SourcePos(str(root), 1, 1)
    if not root.is_dir():
        raise TopologyError([Diagnostic(start, "not a folder", hint="give a folder of describe-* JSON files")])
    files = sorted(p for p in root.rglob("*.json")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not files:
        raise TopologyError([Diagnostic(start, "this is a folder, not a topology file",
                                        hint="a folder is read as an AWS snapshot, but this one holds no .json "
                                        "files: save each 'aws ec2 describe-…' output in it (aws ec2 describe-vpcs "
                                        "> vpcs.json), or give a .yaml topology")])
    if len(files) > MAX_FILES:
        raise TopologyError([Diagnostic(start, f"the folder holds more than {MAX_FILES:,} .json files",
                                        hint="import one account or Region at a time")])
    snap = Snapshot()
    errors: list[Diagnostic] = []
    for path in files:
        relative = path.relative_to(root)
        display = str(path)
        try:
            data, positions = read_json(path, display=display)
        except TopologyError as error:
            empty = [d for d in error.diagnostics if d.message == "the file is empty"]
            if empty:
                snap.warn(empty[0].pos, "empty file skipped", hint="an empty file often means the aws command "
                          "that wrote it failed; run it again")
                continue
            errors.extend(error.diagnostics)
            continue
        account, region = _location(relative)
        src = SourceFile(display, positions, path.name, account, region, str(relative.parent))
        read_document(snap, Element(data, src))
    if errors:
        raise TopologyError(errors)
    return snap


def _location(relative: FsPath) -> tuple[str | None, str | None]:
    """Account and Region told by the folders a file sits in (``accounts/<id>/<region>/…``)."""
    parts = relative.parts[:-1]
    account = None
    region = None
    for i, part in enumerate(parts):
        if ACCOUNT.match(part) and (i == 0 or parts[i - 1] == "accounts" or account is None):
            account = part
        if REGION.match(part):
            region = part
    return account, region


def read_document(snap: Snapshot, doc: Element) -> None:
    """Dispatch one file's content: by top-level key, or as VPC attribute objects (alone or a list)."""
    data = doc.data
    if isinstance(data, list):
        if not data:
            return
        if not all(_is_vpc_attribute(item) for item in data):
            snap.warn(doc.pos(), f"a JSON list of {len(data)} items is not a describe-* output; skipped",
                      hint="save the whole output of the aws command (without --query), so that it keeps its "
                      "top-level key ({\"Vpcs\": […]}); a list is read only of VPC attribute objects")
            return
        for i, item in enumerate(data):
            _dispatch_one(snap, "VpcId", READERS["VpcId"], Element(item, doc.src, (i,)))
        return
    if not isinstance(data, dict):
        snap.warn(doc.pos(), "not a describe-* output (expected a JSON object such as {\"Vpcs\": […]}); skipped")
        return
    if _is_vpc_attribute(data):
        _dispatch_one(snap, "VpcId", READERS["VpcId"], doc)
        return
    if "format_version" in data and ("planned_values" in data or "values" in data):
        snap.warn(doc.pos(), "'terraform show -json' output in a describe-* folder; skipped",
                  hint=f"give it on its own: vpcsim trace {doc.src.display} …")
        return
    if "VpcId" in data:
        snap.warn(doc.pos(), "a single resource object is not a describe-* output; skipped",
                  hint="save the whole output of the aws command (without --query), so that it keeps its "
                  "top-level key ({\"Vpcs\": […]})")
        return
    for key, value in data.items():
        if key in IGNORED or value is None or value == [] or value == {} or value == "":
            continue
        reader = READERS.get(key)
        if reader is None:
            what = NOT_MODELLED.get(key)
            if what is not None:
                snap.warn(doc.key_pos(key), f"'{key}' in {doc.src.display}: {what}")
            else:
                snap.warn(doc.key_pos(key), f"unrecognised element '{key}' in {doc.src.display}: not imported",
                          hint="vpcsim reads the outputs of aws ec2 describe-* (Vpcs, Subnets, RouteTables, …)")
            continue
        if not isinstance(value, list):
            snap.warn(doc.pos(key), f"'{key}' in {doc.src.display} must be a list; skipped")
            continue
        parent = PARENT_IN_NAME.get(key)
        if parent is not None and parent[0].search(doc.src.name) is None:
            example = "routes-tgw-rtb-0123abcd.json" if parent[0] is TGW_ROUTE_TABLE_ID else "entries-pl-0123abcd.json"
            snap.warn(doc.key_pos(key), f"'{key}' in {doc.src.display}: cannot tell which {parent[1]} these "
                      f"belong to; skipped", hint=f"put the {parent[1]}'s id in the file name, e.g. {example}")
            continue
        for i in range(len(value)):
            _dispatch_one(snap, key, reader, Element(value[i], doc.src, (key, i)))


def _is_vpc_attribute(value: object) -> bool:
    """``describe-vpc-attribute`` output: ``{"VpcId": …, "EnableDnsSupport": {"Value": …}}``."""
    return isinstance(value, dict) and "VpcId" in value and any(key in value for key in VPC_ATTRIBUTES)


def _dispatch_one(snap: Snapshot, key: str, reader: Reader, el: Element) -> None:
    """Run one reader on one element; what is wrong with the element costs that element only."""
    try:
        if not isinstance(el.data, dict):
            raise Malformed(f"must be a JSON object, not {type(el.data).__name__}", el.pos())
        reader(snap, el)
    except Malformed as bad:
        where = f"'{key}' item #{el.path[-1] + 1}" if el.path and isinstance(el.path[-1], int) else f"'{key}'"
        snap.warn(bad.pos, f"{where} skipped: {bad.message}")
