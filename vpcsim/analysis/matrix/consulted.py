"""The intervals a leg consults about the far end's address, as ``Cuts`` (``regions.py``), kept per what it met.

A leg (``legs.py``) decides the same for every far-end address with the same *profile* in the intervals of
the components it met: a network ACL's rule peers, a route table's prefixes with its VPC's CIDRs and the AWS
service range, a transit gateway route table's prefixes, and the containment tests around them (a subnet's
or an attachment's subnets' CIDRs, passed as ``extra``). Many legs meet the same components, and a rank set
is kept per ``Cuts`` object (``ranks.py``), so each distinct set of intervals is cut once and shared.
"""

from __future__ import annotations

from enum import StrEnum

from vpcsim.analysis.matrix.regions import Cuts, Interval, intervals_of
from vpcsim.compile.components import RouteTable
from vpcsim.compile.network import CompiledNetwork
from vpcsim.ip import SERVICE_RANGE_V4


class Met(StrEnum):
    """What a leg met that reads the far end's address."""

    SUBNET = "subnet"                  # the home subnet's containment test (its CIDR comes as ``extra``)
    ACL_EGRESS = "acl-egress"          # the subnet's network ACL, one direction
    ACL_INGRESS = "acl-ingress"
    ROUTES = "routes"                  # a VPC route table
    TGW_ROUTES = "tgw-routes"          # a transit gateway route table
    ATTACHMENT = "attachment"          # a transit gateway attachment's subnets (their CIDRs come as ``extra``)


Part = tuple[Met, str | None]          # what was met, and its name (subnet, route table, attachment …)


class ConsultedCuts:
    """The cuts of what legs consulted, in three caches: by the parts a leg met (and the extra intervals of
    its containment tests), by transit gateway route table (every hop from an attachment reads its table,
    R8.2) and by VPC (every leg inside a VPC consults a part of its intervals)."""

    def __init__(self, net: CompiledNetwork) -> None:
        self.net = net
        self._by_parts: dict[tuple[tuple[Part, ...], tuple[Interval, ...]], Cuts] = {}
        self._by_tgw_table: dict[str | None, Cuts] = {}
        self._by_vpc: dict[str, Cuts] = {}
        self._route_tables_of: dict[str, list[RouteTable]] = {}       # VPC -> its route tables (an index)
        for table in net.route_tables.values():
            self._route_tables_of.setdefault(table.vpc, []).append(table)

    def of(self, parts: tuple[Part, ...], extra: list[Interval]) -> Cuts:
        """The intervals of the components a leg met (``parts``) and of the containment tests around them."""
        key = (parts, tuple(extra))
        found = self._by_parts.get(key)
        if found is None:
            net = self.net
            intervals = list(extra)
            for met, name in parts:
                if (met is Met.ACL_EGRESS or met is Met.ACL_INGRESS) and name is not None:
                    acl = net.network_acls[net.subnets[name].network_acl]
                    rules = (acl.egress if met is Met.ACL_EGRESS else acl.ingress).get(4)
                    if rules is not None:
                        intervals += ((s, e) for r in rules.rules for f, s, e in r.peer.ranges if f == 4)
                elif met is Met.ROUTES and name is not None:
                    routes = net.route_tables[name]
                    intervals += intervals_of((r.prefix for r in routes.routes), 4)
                    intervals += intervals_of(net.vpcs[routes.vpc].cidrs, 4)
                    intervals.append((SERVICE_RANGE_V4.start, SERVICE_RANGE_V4.end))
                elif met is Met.TGW_ROUTES and name is not None:
                    intervals += intervals_of((r.prefix for r in net.tgw_route_tables[name].routes), 4)
            found = self._by_parts[key] = Cuts.of(intervals)
        return found

    def of_tgw_table(self, name: str | None) -> Cuts:
        """The transit gateway route table ``name`` (None: the attachment has none)."""
        found = self._by_tgw_table.get(name)
        if found is None:
            found = self._by_tgw_table[name] = self.of(((Met.TGW_ROUTES, name),), [])
        return found

    def of_vpc(self, vpc: str) -> Cuts:
        """Every interval a leg inside ``vpc`` may consult about the far end's address: its CIDRs, its
        subnets, their network ACLs (both directions), its route tables, the AWS service range."""
        found = self._by_vpc.get(vpc)
        if found is None:
            net = self.net
            intervals: list[Interval] = list(intervals_of(net.vpcs[vpc].cidrs, 4))
            intervals.append((SERVICE_RANGE_V4.start, SERVICE_RANGE_V4.end))
            for name in net.vpcs[vpc].subnets:
                subnet = net.subnets[name]
                intervals += intervals_of([subnet.cidr] if subnet.cidr is not None else [], 4)
                acl = net.network_acls[subnet.network_acl]
                for direction in (acl.ingress, acl.egress):
                    rules = direction.get(4)
                    if rules is not None:
                        intervals += ((s, e) for r in rules.rules for f, s, e in r.peer.ranges if f == 4)
            for table in self._route_tables_of.get(vpc, ()):
                intervals += intervals_of((r.prefix for r in table.routes), 4)
            found = self._by_vpc[vpc] = Cuts.of(intervals)
        return found
