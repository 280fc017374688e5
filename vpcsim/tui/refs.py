"""What the explorer points at: a ``Ref`` names one component of the compiled network by kind and name.

Refs are the currency between the tree, the details pane, the map and the trace view: selecting a box on
the map, a route's target or a hop all come down to "select this ref". Kinds follow the compiled network's
names (``compile/components.py``), plus ``group`` nodes that only organise the tree.
"""

from __future__ import annotations

from typing import NamedTuple


class Ref(NamedTuple):
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


#: The noun shown for each kind (tree badges, details titles).
NOUNS: dict[str, str] = {
    "account": "account",
    "vpc": "VPC",
    "group": "",
    "subnet": "subnet",
    "eni": "ENI",
    "route_table": "route table",
    "network_acl": "network ACL",
    "security_group": "security group",
    "internet_gateway": "internet gateway",
    "egress_only_internet_gateway": "egress-only internet gateway",
    "nat_gateway": "NAT gateway",
    "vpn_gateway": "virtual private gateway",
    "endpoint": "VPC endpoint",
    "peering": "peering connection",
    "transit_gateway": "transit gateway",
    "tgw_route_table": "TGW route table",
    "tgw_attachment": "TGW attachment",
    "connection": "VPN / Direct Connect",
    "external": "external site",
    "internet": "internet",
    "diagnostics": "diagnostics",
}

#: Short tags shown before a name in the tree and on the map.
TAGS: dict[str, str] = {
    "account": "acct",
    "vpc": "vpc",
    "subnet": "subnet",
    "eni": "eni",
    "route_table": "rtb",
    "network_acl": "acl",
    "security_group": "sg",
    "internet_gateway": "igw",
    "egress_only_internet_gateway": "eigw",
    "nat_gateway": "nat",
    "vpn_gateway": "vgw",
    "endpoint": "vpce",
    "peering": "pcx",
    "transit_gateway": "tgw",
    "tgw_route_table": "tgw-rtb",
    "tgw_attachment": "tgw-att",
    "connection": "conn",
    "external": "site",
    "internet": "net",
    "diagnostics": "diag",
}

#: A hop's component kind (``engine.results.ComponentKind`` values) -> the kind of ref it names.
HOP_KINDS: dict[str, str] = {
    "eni": "eni",
    "network_acl": "network_acl",
    "route_table": "route_table",
    "internet_gateway": "internet_gateway",
    "egress_only_internet_gateway": "egress_only_internet_gateway",
    "nat_gateway": "nat_gateway",
    "peering": "peering",
    "transit_gateway": "transit_gateway",
    "transit_gateway_route_table": "tgw_route_table",
    "vpn_gateway": "vpn_gateway",
    "gateway_endpoint": "endpoint",
    "gwlb_endpoint": "endpoint",
    "internet": "internet",
    "external_site": "external",
}

INTERNET = Ref("internet", "internet")
DIAGNOSTICS = Ref("diagnostics", "diagnostics")


def group(owner: Ref, what: str) -> Ref:
    """The tree group ``what`` under ``owner``: ``group(Ref("vpc", "shop"), "subnets")`` is
    ``group:vpc:shop:subnets``."""
    return Ref("group", f"{owner.kind}:{owner.name}:{what}")


def top_group(what: str) -> Ref:
    return Ref("group", f"top::{what}")


def split_group(name: str) -> tuple[str, str, str]:
    """``"vpc:shop:subnets"`` -> ``("vpc", "shop", "subnets")`` (the owner's name may hold colons)."""
    kind, rest = name.split(":", 1)
    owner, what = rest.rsplit(":", 1)
    return kind, owner, what
