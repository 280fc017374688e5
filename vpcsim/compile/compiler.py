"""Validated ``Topology`` -> ``CompiledNetwork`` (``vpcsim.compile.network``).

Route selection among equal prefixes (R2.5–R2.10), default resources (main route table, default NACL,
default security group), addresses for requester-managed ENIs (NAT gateways, endpoints, TGW attachments),
and the address indexes are all settled here, so the engine only follows references.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from vpcsim.compile import components as c
from vpcsim.compile.components import EniKind, TargetKind
from vpcsim.compile.lpm import PrefixSet, PrefixTable
from vpcsim.compile.network import CompiledNetwork, default_sg_key
from vpcsim.compile.rules import ICMP, ICMPV6, NetworkAclTable, Peer, Rule, SecurityGroupTable
from vpcsim.errors import Diagnostic
from vpcsim.ip import Prefix, cidr_or_none, parse_address, parse_prefix
from vpcsim.load.positions import Positions
from vpcsim.model import Topology
from vpcsim.model import Vpc as VpcModel
from vpcsim.model.common import port_range, protocol_number
from vpcsim.model.index import ROUTE_TARGET_KINDS, Kind, TopologyIndex, index_topology
from vpcsim.model.security import NetworkAclRule, SecurityGroupRule
from vpcsim.model.services import managed_prefix_list, service_name

EVERYWHERE = (parse_prefix("0.0.0.0/0"), parse_prefix("::/0"))


class Compiler:
    def __init__(self, topo: Topology, positions: Positions) -> None:
        self.topo = topo
        self.positions = positions
        self.index: TopologyIndex = index_topology(topo)
        self.subnets: dict[str, c.Subnet] = {}
        self.enis: dict[str, c.Eni] = {}
        self.used: dict[str, set[int]] = defaultdict(set)        # subnet -> used IPv4 addresses
        self.eni_specs: list[_EniSpec] = []
        self.interfaces: list[_EniSpec] = []                        # instances' and standalone ENIs
        self.extra_enis: dict[str, list[tuple[int, str]]] = defaultdict(list)   # instance -> (device, ENI)
        self.sg_sets: dict[tuple[str, tuple[str, ...] | None], tuple[str, ...]] = {}   # (VPC, listed) -> keys
        self.sg_set_of: dict[tuple[str, ...], tuple[str, ...]] = {}     # one shared tuple per distinct key set
        self.prefix_lists: dict[str, tuple[Prefix, ...]] = {}
        self.route_tables: dict[str, c.RouteTable] = {}
        self.vpn_gateways: dict[str, c.VpnGateway] = {}
        self.connections: dict[str, c.Connection] = {}
        self.acl_peers: dict[Prefix, Peer] = {}                  # one Peer per CIDR across every NACL
        self.route_warnings: list[Diagnostic] = []              # R2.9 [E]: prefix-list ties settled here

    # -- helpers -----------------------------------------------------------------------------------

    def name_of(self, kind: Kind, name: str) -> str:
        entry = self.index.get(kind, name)
        return entry.name if entry is not None else name

    def sg_key(self, name: str, vpc: str) -> str:
        if name == "default" or name == f"default@{vpc}":
            return default_sg_key(vpc)
        return self.name_of(Kind.SECURITY_GROUP, name)

    def region_of(self, vpc: VpcModel) -> str:
        return vpc.region or self.topo.region

    def allocate(self, subnet: str) -> int:
        """The lowest free usable address of a subnet (R1.8: skip base..base+3 and the last)."""
        cidr = self.subnets[subnet].cidr
        if cidr is None:
            return 0
        used = self.used[subnet]
        for address in range(cidr.start + 4, cidr.end):
            if address not in used:
                used.add(address)
                return address
        return 0

    # -- build -------------------------------------------------------------------------------------

    def build(self, warnings: tuple[Any, ...], source: str) -> CompiledNetwork:
        topo = self.topo
        self._prefix_lists()
        self._subnets()
        self._interface_specs()
        self._reserve_explicit_addresses()
        self._connections()
        vpcs = {name: self._vpc(name, vpc) for name, vpc in topo.vpcs.items()}
        nats = self._nat_gateways()
        endpoints = self._endpoints()
        attachments = self._tgw_attachments()
        instances = self._instances()
        self._enis()
        acls = {acl.name: acl for name, vpc in topo.vpcs.items() for acl in self._network_acls(name, vpc)}
        for name, vpc in topo.vpcs.items():
            for table in self._route_tables(name, vpc, endpoints):
                self.route_tables[table.name] = table
        tgw_tables, tgws = self._transit_gateways(attachments, vpcs)
        peerings = {
            name: c.Peering(name, p.id or name, self.name_of(Kind.VPC, p.requester), self.name_of(Kind.VPC, p.accepter),
                            p.status == "active",
                            self.region_of(topo.vpcs[self.name_of(Kind.VPC, p.requester)])
                            != self.region_of(topo.vpcs[self.name_of(Kind.VPC, p.accepter)]),
                            p.allow_dns_resolution, ("peering", name))
            for name, p in topo.peering.items()
        }
        private_index: dict[tuple[str, int, int], str] = {}
        public_index: dict[tuple[int, int], tuple[str, int]] = {}
        for eni in self.enis.values():
            for address in eni.private_ips:
                private_index[(eni.vpc, 4, address)] = eni.name
            for address in eni.ipv6_ips:
                private_index[(eni.vpc, 6, address)] = eni.name
                public_index[(6, address)] = (eni.name, address)
            if eni.public_ip is not None and eni.primary_ip is not None:
                public_index[(4, eni.public_ip)] = (eni.name, eni.primary_ip)
        gateway_vpc = {g: v.name for v in vpcs.values()
                       for g in (v.internet_gateway, v.egress_only_internet_gateway, v.vpn_gateway) if g}
        external = {name: c.ExternalSite(name, tuple(parse_prefix(p) for p in site.cidrs),
                                         tuple(self._connection_name(v) for v in site.via), ("external", name))
                    for name, site in topo.external.items()}
        zones = {
            name: c.HostedZone(name, zone.domain.rstrip(".").lower(), zone.private,
                               tuple(self.name_of(Kind.VPC, v) for v in zone.vpcs),
                               tuple((_fqdn(r.name, zone.domain), r.type, r.values or ((r.target,) if r.target else ()))
                                     for r in zone.records), ("hosted_zones", name))
            for name, zone in topo.hosted_zones.items()
        }
        return CompiledNetwork(
            name=topo.name, region=topo.region, account=topo.account, vpcs=vpcs, subnets=self.subnets,
            route_tables=self.route_tables, network_acls=acls, enis=self.enis, instances=instances,
            nat_gateways=nats, endpoints=endpoints, peerings=peerings, transit_gateways=tgws,
            tgw_route_tables=tgw_tables, tgw_attachments=attachments, vpn_gateways=self.vpn_gateways,
            connections=self.connections, external=external, hosted_zones=zones, prefix_lists=self.prefix_lists,
            private_index=private_index, public_index=public_index, gateway_vpc=gateway_vpc,
            vpc_attachments={(a.tgw, a.resource): a.name for a in attachments.values() if a.kind == "vpc"},
            instance_of={eni: i.id for i in instances.values() for eni in i.enis},
            service_table=PrefixTable.build(_service_ranges(self.prefix_lists)),
            positions=self.positions, warnings=warnings + tuple(self.route_warnings), source=source)

    def _connection_name(self, ref: str) -> str:
        """A site's ``via`` entry: a VPN connection or a Direct Connect VIF, by name or id."""
        if self.index.get(Kind.VPN_CONNECTION, ref) is not None:
            return self.name_of(Kind.VPN_CONNECTION, ref)
        return self.name_of(Kind.DIRECT_CONNECT, ref)

    def _prefix_lists(self) -> None:
        for name, plist in self.topo.prefix_lists.items():
            prefixes = tuple(parse_prefix(e) for e in plist.entries)
            self.prefix_lists[name] = prefixes
            if plist.id:
                self.prefix_lists.setdefault(plist.id, prefixes)
        regions = {self.topo.region} | {v.region for v in self.topo.vpcs.values() if v.region}
        for region in sorted(regions):      # a stable order, whatever the string hash seed
            for service in ("s3", "dynamodb"):
                full = service_name(service, region)
                managed = managed_prefix_list(service, region)
                if full not in self.prefix_lists:
                    entries = tuple(parse_prefix(p) for p in managed[1]) if managed else ()
                    self.prefix_lists[full] = entries
                    if managed:
                        self.prefix_lists.setdefault(managed[0], entries)

    def _subnets(self) -> None:
        for vpc_name, vpc in self.topo.vpcs.items():
            main = next((t for t, table in vpc.route_tables.items() if table.main), f"{vpc_name}-main")
            default_acl = next((a for a, acl in vpc.network_acls.items() if acl.default), f"{vpc_name}-default-acl")
            explicit: dict[str, str] = {}
            for table_name, route_table in vpc.route_tables.items():
                for listed in route_table.subnets:
                    explicit[self.name_of(Kind.SUBNET, listed)] = table_name
            for name, subnet in vpc.subnets.items():      # R2.1: explicit association, else the main table
                table = self.name_of(Kind.ROUTE_TABLE, subnet.route_table) if subnet.route_table else \
                    explicit.get(name, main)
                acl = self.name_of(Kind.NETWORK_ACL, subnet.network_acl) if subnet.network_acl else default_acl
                self.subnets[name] = c.Subnet(
                    name, subnet.id or name, vpc_name, parse_prefix(subnet.cidr) if subnet.cidr else None,
                    parse_prefix(subnet.ipv6_cidr) if subnet.ipv6_cidr else None, subnet.az or f"{self.topo.region}a",
                    table, acl, ("vpcs", vpc_name, "subnets", name), subnet.az_id or "")

    def _reserve_explicit_addresses(self) -> None:
        """Addresses given in the file are taken first, so automatic ones (NAT, endpoints, TGW) never collide.
        (Instances' and ENIs' own addresses were reserved by ``_interface_specs``.)"""
        for vpc in self.topo.vpcs.values():
            items: list[tuple[str, tuple[str | None, ...]]] = []
            items += [(n.subnet, (n.private_ip,)) for n in vpc.nat_gateways.values()]
            items += [(s, (a,)) for ep in vpc.endpoints.values() for s, a in ep.addresses.items()]
            for subnet, addresses in items:
                for address in addresses:
                    if address:
                        self.used[self.name_of(Kind.SUBNET, subnet)].add(parse_address(address)[1])

    def _vpc(self, name: str, vpc: VpcModel) -> c.Vpc:
        cidrs = tuple(parse_prefix(p) for p in (vpc.cidr, *vpc.secondary_cidrs, *vpc.ipv6_cidrs))
        main = next((t for t, table in vpc.route_tables.items() if table.main), f"{name}-main")
        edges = {self.name_of(Kind.INTERNET_GATEWAY, t.gateway) if self.index.get(Kind.INTERNET_GATEWAY, t.gateway)
                 else self.name_of(Kind.VPN_GATEWAY, t.gateway): tname
                 for tname, t in vpc.route_tables.items() if t.gateway}
        subnet_items = []
        for sname in vpc.subnets:
            s = self.subnets[sname]
            subnet_items += [(p, sname) for p in (s.cidr, s.ipv6_cidr) if p is not None]
        if vpc.vpn_gateway:
            self._vpn_gateway(vpc.vpn_gateway, name, vpc.vpn_gateway_asn)
        return c.Vpc(name, vpc.id or name, self.region_of(vpc), vpc.account or self.topo.account, cidrs,
                     vpc.dns.support, vpc.dns.hostnames, main, vpc.internet_gateway, vpc.egress_only_internet_gateway,
                     vpc.vpn_gateway, edges, tuple(vpc.subnets), PrefixTable.build(subnet_items), vpc.flow_logs,
                     ("vpcs", name))

    # -- ENIs and security groups --------------------------------------------------------------------

    def _add_eni(self, spec: _EniSpec) -> None:
        for address in spec.private_ips:
            self.used[spec.subnet].add(address)
        self.eni_specs.append(spec)

    def _interface_specs(self) -> None:
        """Instances' primary ENIs and standalone ENIs, with the addresses the file gives them, reserved at once."""
        pending = self.interfaces
        extra = self.extra_enis
        for vpc_name, vpc in self.topo.vpcs.items():
            for name, inst in vpc.instances.items():
                pending.append(self._eni_spec(vpc_name, inst.primary_eni_name(name), EniKind.INSTANCE, name, inst,
                                              ("vpcs", vpc_name, "instances", name), 0))
            for name, eni in vpc.network_interfaces.items():
                owner = self.name_of(Kind.INSTANCE, eni.instance) if eni.instance else ""
                pending.append(self._eni_spec(vpc_name, name, EniKind.INTERFACE, owner, eni,
                                              ("vpcs", vpc_name, "network_interfaces", name), eni.device_index))
                if owner:
                    extra[owner].append((eni.device_index, name))
        used = self.used
        for spec in pending:
            if spec.private_ips:
                used[spec.subnet].update(spec.private_ips)

    def _instances(self) -> dict[str, c.Instance]:
        """Addresses for the ENIs the file gives none (after NAT gateways, endpoints and TGW attachments took
        theirs), then the instances with their ENIs by device index."""
        for spec in self.interfaces:
            if not spec.private_ips and self.subnets[spec.subnet].cidr is not None:
                spec.private_ips = (self.allocate(spec.subnet),)
        self.eni_specs += self.interfaces
        instances: dict[str, c.Instance] = {}
        extra = self.extra_enis
        vpcs = self.topo.vpcs
        for spec in self.interfaces:     # an instance's primary ENI shares its name and path strings with it
            if spec.kind is EniKind.INSTANCE:
                name = spec.owner
                inst = vpcs[spec.vpc].instances[name]
                enis = (spec.name, *(n for _, n in sorted(extra[name]))) if name in extra else (spec.name,)
                instances[name] = c.Instance(name, inst.id or name, spec.vpc, enis, inst.state, dict(inst.tags),
                                             spec.path)
        return instances

    def _eni_spec(self, vpc: str, name: str, kind: EniKind, owner: str, item: Any, path: tuple[str | int, ...],
                  device_index: int) -> _EniSpec:
        subnet = self.name_of(Kind.SUBNET, item.subnet)
        private: tuple[int, ...] = (parse_address(item.private_ip)[1],) if item.private_ip else ()
        if item.secondary_private_ips:
            private += tuple(parse_address(a)[1] for a in item.secondary_private_ips)
        public = item.elastic_ip or item.public_ip
        sgs = self._sg_set(item.security_groups, vpc)
        return _EniSpec(name, item.id if kind is EniKind.INTERFACE and item.id else name, kind, vpc, subnet, owner,
                        private, tuple(parse_address(a)[1] for a in item.ipv6_addresses) if item.ipv6_addresses
                        else (), parse_address(public)[1] if public else None, sgs, item.source_dest_check,
                        item.elastic_ip is not None, device_index, path)

    def _sg_set(self, names: tuple[str, ...] | None, vpc: str) -> tuple[str, ...]:
        """An ENI's security-group keys (none listed: the VPC's default group), one shared tuple per distinct
        list, so ENIs with the same groups share their tables and pickle them once."""
        key = (vpc, names)
        found = self.sg_sets.get(key)
        if found is None:
            keys = tuple(self.sg_key(s, vpc) for s in names) if names is not None else (default_sg_key(vpc),)
            found = self.sg_sets[key] = self.sg_set_of.setdefault(keys, keys)
        return found

    def _nat_gateways(self) -> dict[str, c.NatGateway]:
        nats: dict[str, c.NatGateway] = {}
        specs = []
        for vpc_name, vpc in self.topo.vpcs.items():
            for name, nat in vpc.nat_gateways.items():
                subnet = self.name_of(Kind.SUBNET, nat.subnet)
                if nat.private_ip:
                    self.used[subnet].add(parse_address(nat.private_ip)[1])
                specs.append((vpc_name, name, nat, subnet))
        for vpc_name, name, nat, subnet in specs:
            address = parse_address(nat.private_ip)[1] if nat.private_ip else self.allocate(subnet)
            eip = parse_address(nat.elastic_ip)[1] if nat.elastic_ip else None
            eni = nat.eni_name(name)
            path = ("vpcs", vpc_name, "nat_gateways", name)
            self._add_eni(_EniSpec(eni, eni, EniKind.NAT_GATEWAY, vpc_name, subnet, name, (address,), (), eip, (),
                                   source_dest_check=False, elastic=True, path=path))
            nats[name] = c.NatGateway(name, nat.id or name, vpc_name, subnet, eni, address, eip, nat.connectivity, path)
        return nats

    def _endpoints(self) -> dict[str, c.Endpoint]:
        endpoints: dict[str, c.Endpoint] = {}
        for vpc_name, vpc in self.topo.vpcs.items():
            region = self.region_of(vpc)
            for name, ep in vpc.endpoints.items():
                path = ("vpcs", vpc_name, "endpoints", name)
                full = service_name(ep.service, region)
                enis: list[str] = []
                for sname in ep.subnets:
                    subnet = self.name_of(Kind.SUBNET, sname)
                    given = ep.addresses.get(sname)
                    if given:
                        self.used[subnet].add(parse_address(given)[1])
                    address = parse_address(given)[1] if given else self.allocate(subnet)
                    eni = f"eni-{name}-{subnet}" if len(ep.subnets) > 1 else f"eni-{name}"
                    interface = ep.type == "interface"
                    sgs = self._sg_set(ep.security_groups, vpc_name) if ep.security_groups else \
                        (self._sg_set(None, vpc_name) if interface else ())
                    self._add_eni(_EniSpec(eni, eni, EniKind.INTERFACE_ENDPOINT if interface else EniKind.GWLB_ENDPOINT,
                                           vpc_name, subnet, name, (address,), (), None, sgs,
                                           source_dest_check=interface, path=path))
                    enis.append(eni)
                prefixes = self.prefix_lists.get(full, ()) if ep.type == "gateway" else ()
                endpoints[name] = c.Endpoint(name, ep.id or name, vpc_name, ep.type, full, prefixes, tuple(enis),
                                             ep.private_dns, dict(ep.policy) if ep.policy else None, path)
        return endpoints

    def _tgw_attachments(self) -> dict[str, c.TgwAttachment]:
        result: dict[str, c.TgwAttachment] = {}
        for tgw_name, tgw in self.topo.transit_gateways.items():
            default_table = tgw.default_route_table or (next(iter(tgw.route_tables)) if tgw.route_tables
                                                        else f"{tgw_name}-default")
            for name, att in tgw.attachments.items():
                path = ("transit_gateways", tgw_name, "attachments", name)
                subnets: dict[str, str] = {}
                enis: dict[str, str] = {}
                vpc = self.name_of(Kind.VPC, att.vpc) if att.vpc else ""
                for sname in att.subnets:
                    subnet = self.subnets[self.name_of(Kind.SUBNET, sname)]
                    subnets[subnet.az] = subnet.name
                    eni = f"eni-{name}-{subnet.az}"
                    enis[subnet.az] = eni
                    self._add_eni(_EniSpec(eni, eni, EniKind.TGW_ATTACHMENT, vpc, subnet.name, name,
                                           (self.allocate(subnet.name),), (), None, (), source_dest_check=False,
                                           path=path))
                resource = vpc or (self.name_of(Kind.VPN_CONNECTION, att.vpn) if att.vpn else "") or (
                    self.name_of(Kind.DIRECT_CONNECT, att.direct_connect) if att.direct_connect else "") or (
                    self.name_of(Kind.TRANSIT_GATEWAY_ATTACHMENT, att.peer) if att.peer else "")
                # R8.2 one association per attachment; R8.14 the default table when none is named
                table = att.route_table or (default_table if tgw.default_association else None)
                if table is not None:
                    table = self.name_of(Kind.TRANSIT_GATEWAY_ROUTE_TABLE, table)
                result[name] = c.TgwAttachment(
                    name, att.id or name, tgw_name, att.kind, resource, table, att.appliance_mode,
                    att.sg_referencing and tgw.sg_referencing, subnets, enis, path)
        return result

    def _enis(self) -> None:
        """Every ENI with its security-group tables: each group's rules are compiled once (``_group_rules``),
        and ENIs with the same groups in the same order share one table per direction."""
        members: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for spec in self.eni_specs:
            if spec.security_groups:
                addresses = [(4, a) for a in spec.private_ips]       # one tuple per address, shared by its groups
                if spec.ipv6_ips:
                    addresses += [(6, a) for a in spec.ipv6_ips]
                for sg in spec.security_groups:
                    members[sg].update(addresses)
        frozen = {k: frozenset(v) for k, v in members.items()}
        filtered = (EniKind.NAT_GATEWAY, EniKind.GWLB_ENDPOINT, EniKind.TGW_ATTACHMENT)   # no SG applies (R3.14)
        applied = {sg for spec in self.eni_specs if spec.kind not in filtered for sg in spec.security_groups}
        sg_rules = self._group_rules(frozen, applied)
        tables: dict[tuple[str, ...], tuple[SecurityGroupTable, SecurityGroupTable]] = {}   # groups -> both ways
        subnets = self.subnets
        enis = self.enis
        for spec in self.eni_specs:
            sgs = spec.security_groups
            ingress: SecurityGroupTable | None = None
            egress: SecurityGroupTable | None = None
            if spec.kind not in filtered:
                pair = tables.get(sgs)
                if pair is None:
                    pair = tables[sgs] = (
                        SecurityGroupTable.of([r for sg in sgs for r in sg_rules.get((sg, "ingress"), ())]),
                        SecurityGroupTable.of([r for sg in sgs for r in sg_rules.get((sg, "egress"), ())]))
                ingress, egress = pair
            enis[spec.name] = c.Eni(
                spec.name, spec.id, spec.kind, spec.vpc, spec.subnet, subnets[spec.subnet].az, spec.owner,
                spec.private_ips, spec.ipv6_ips, spec.public_ip, sgs, ingress, egress,
                spec.source_dest_check, spec.elastic, spec.device_index, spec.path)

    def _group_rules(self, members: dict[str, frozenset[tuple[int, int]]],
                     applied: set[str]) -> dict[tuple[str, str], list[Rule]]:
        """(security group key, direction) -> its rules, in console order, each group compiled once, and only
        if some ENI uses it (imported accounts hold many unused groups). Rules that name the same peer share
        one ``Peer``; each spelling of protocol and ports is parsed once."""
        sg_rules: dict[tuple[str, str], list[Rule]] = {}
        cidr_peers: dict[str, Peer] = {}
        named_peers: dict[tuple[str, str], Peer] = {}
        matches: dict[tuple[str, str | None, int | None, int | None], tuple[int, int, int, int, int]] = {}

        def compiled(rules: tuple[SecurityGroupRule, ...], vpc: str, label: str,
                     base: tuple[str | int, ...]) -> list[Rule]:
            result = []
            for i, rule in enumerate(rules):
                key = (rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code)
                match = matches.get(key)
                if match is None:
                    protocol = protocol_number(rule.protocol)
                    match = matches[key] = (protocol, *port_range(rule.ports),
                                            *_icmp(rule.icmp_type, rule.icmp_code, rule.ports, protocol))
                text = rule.peer
                peer = cidr_peers.get(text)
                if peer is None:
                    peer = named_peers.get((text, vpc))
                    if peer is None:
                        peer = self._peer(text, vpc, members, cidr_peers, named_peers)
                result.append(Rule(*match, peer, f"{label} #{i + 1}", path=(*base, i)))
            return result

        for vpc_name, vpc in self.topo.vpcs.items():
            default = default_sg_key(vpc_name)
            for name, sg in vpc.security_groups.items():
                key = self.sg_key(name, vpc_name)
                if key not in applied:
                    continue
                label = "default" if key == default else name
                base = ("vpcs", vpc_name, "security_groups", name)
                sg_rules[(key, "ingress")] = compiled(sg.ingress, vpc_name, f"{label} ingress", (*base, "ingress"))
                if sg.egress is None:    # R3.2: a new SG allows all outbound IPv4 (and ::/0 with IPv6, [E])
                    sg_rules[(key, "egress")] = self._allow_all(f"{label} egress #1", bool(vpc.ipv6_cidrs), base)
                else:
                    sg_rules[(key, "egress")] = compiled(sg.egress, vpc_name, f"{label} egress", (*base, "egress"))
            if default in applied and (default, "ingress") not in sg_rules:     # R3.3: the default security group
                self_peer = Peer(members=members.get(default, frozenset()), security_group=default)
                sg_rules[(default, "ingress")] = [Rule(-1, 0, 65535, -1, -1, self_peer, "default ingress #1")]
                sg_rules[(default, "egress")] = self._allow_all("default egress #1", bool(vpc.ipv6_cidrs),
                                                                ("vpcs", vpc_name))
        return sg_rules

    def _allow_all(self, label: str, ipv6: bool, path: tuple[str | int, ...]) -> list[Rule]:
        ranges: tuple[tuple[int, int, int], ...] = ((4, EVERYWHERE[0].start, EVERYWHERE[0].end),)
        if ipv6:
            ranges += ((6, EVERYWHERE[1].start, EVERYWHERE[1].end),)
        return [Rule(-1, 0, 65535, -1, -1, Peer(ranges=ranges, cidr_everywhere=True), label, path=path)]

    def _peer(self, text: str, vpc: str, members: dict[str, frozenset[tuple[int, int]]],
              cidr_peers: dict[str, Peer], named_peers: dict[tuple[str, str], Peer]) -> Peer:
        """A rule's peer (R3.4), remembered: a CIDR by its text alone, a group or prefix list with the VPC."""
        if "/" in text and text.replace("/", "").replace(".", "").replace(":", "").isalnum():
            prefix = cidr_or_none(text)
            if prefix is not None:
                peer = cidr_peers[text] = Peer(ranges=((prefix.family, prefix.start, prefix.end),),
                                               cidr_everywhere=prefix.length == 0)
                return peer
        sg_entry = self.index.get(Kind.SECURITY_GROUP, text.split("/")[-1])
        if sg_entry is not None or text == "default":
            key = self.sg_key(text.split("/")[-1], vpc if sg_entry is None else (sg_entry.owner or vpc))
            peer = Peer(members=members.get(key, frozenset()), security_group=key)
        else:
            plist = self.prefix_lists.get(self.name_of(Kind.PREFIX_LIST, text), ())
            peer = Peer(ranges=tuple((p.family, p.start, p.end) for p in plist))
        named_peers[(text, vpc)] = peer
        return peer

    # -- NACLs -------------------------------------------------------------------------------------

    def _network_acls(self, vpc_name: str, vpc: VpcModel) -> list[c.NetworkAcl]:
        acls: list[c.NetworkAcl] = []
        has_default = any(acl.default for acl in vpc.network_acls.values())
        ipv6 = bool(vpc.ipv6_cidrs)
        for name, acl in vpc.network_acls.items():
            path: tuple[str | int, ...] = ("vpcs", vpc_name, "network_acls", name)
            acls.append(c.NetworkAcl(name, acl.id or name, vpc_name,
                                     self._acl_direction(name, "ingress", acl.ingress, path),
                                     self._acl_direction(name, "egress", acl.egress, path), path))
        if not has_default:      # R4.5: the default NACL allows everything both ways
            name = f"{vpc_name}-default-acl"
            rules = [NetworkAclRule(rule=100, protocol="all", source="0.0.0.0/0", action="allow")]
            if ipv6:
                rules.append(NetworkAclRule(rule=101, protocol="all", source="::/0", action="allow"))
            out = [NetworkAclRule(rule=r.rule, protocol="all", destination=r.source, action="allow") for r in rules]
            path = ("vpcs", vpc_name)
            acls.append(c.NetworkAcl(name, name, vpc_name, self._acl_direction(name, "ingress", tuple(rules), path),
                                     self._acl_direction(name, "egress", tuple(out), path), path))
        return acls

    def _acl_direction(self, name: str, direction: str, rules: tuple[NetworkAclRule, ...],
                       path: tuple[str | int, ...]) -> dict[int, NetworkAclTable]:
        by_family: dict[int, list[Rule]] = {4: [], 6: []}
        peers = self.acl_peers
        for i, rule in sorted(enumerate(rules), key=lambda item: item[1].rule):
            prefix = parse_prefix(rule.cidr)
            protocol = protocol_number(rule.protocol)
            low, high = port_range(rule.ports)
            icmp_type, icmp_code = _icmp(rule.icmp_type, rule.icmp_code, rule.ports, protocol)
            if protocol == ICMPV6 and prefix.family == 4:      # R4.7
                icmp_type, icmp_code = -1, -1
            peer = peers.get(prefix)
            if peer is None:
                peer = peers[prefix] = Peer(ranges=((prefix.family, prefix.start, prefix.end),))
            by_family[prefix.family].append(Rule(
                protocol, low, high, icmp_type, icmp_code, peer,
                f"{name} {direction} {rule.rule} {rule.action}", allow=rule.action == "allow", number=rule.rule,
                path=(*path, direction, i)))
        return {family: NetworkAclTable(tuple(items), f"{name} {direction} * deny")
                for family, items in by_family.items()}

    # -- routing -------------------------------------------------------------------------------------

    def _connections(self) -> None:
        for kind, attr in (("vpn", "vpn_connections"), ("direct_connect", "direct_connect")):
            for name, conn in getattr(self.topo, attr).items():
                on_tgw = self.index.get(Kind.TRANSIT_GATEWAY, conn.gateway) is not None
                gateway_kind = "transit_gateway" if on_tgw else "vpn_gateway"
                gateway = self.name_of(Kind.TRANSIT_GATEWAY if gateway_kind == "transit_gateway" else Kind.VPN_GATEWAY,
                                       conn.gateway)
                statics = tuple(parse_prefix(p) for p in getattr(conn, "static_routes", ()))
                prefixes = statics + tuple(parse_prefix(r.prefix) for r in conn.bgp_routes)
                self.connections[name] = c.Connection(name, conn.id or name, kind, gateway, gateway_kind, prefixes,
                                                      conn.state == "available", (attr, name))

    def _vpn_gateway(self, name: str, vpc: str, asn: int) -> None:
        """R7.4: for one prefix, DX BGP > VPN static > VPN BGP, then (R7.9) DX local preference, then the
        shortest AS_PATH, then the lowest MED among paths whose first AS is the same (``_vgw_choice``)."""
        candidates: list[_VgwCandidate] = []
        connections = []
        for cname, conn in self.topo.direct_connect.items():
            if self.name_of(Kind.VPN_GATEWAY, conn.gateway) == name and conn.state == "available":
                connections.append(cname)
                pref = {"high": 0, "medium": 1, "low": 2}
                for r in conn.bgp_routes:
                    p = parse_prefix(r.prefix)
                    label = f"{p} via {cname} (Direct Connect BGP)"
                    route = c.VgwRoute(p, cname, "dx-bgp", label)
                    candidates.append(_VgwCandidate((0, pref[r.local_preference], len(r.as_path)),
                                                    r.as_path[:1], r.med, route))
        for cname, vpn in self.topo.vpn_connections.items():
            if self.name_of(Kind.VPN_GATEWAY, vpn.gateway) == name and vpn.state == "available":
                connections.append(cname)
                for text in vpn.static_routes:
                    p = parse_prefix(text)
                    label = f"{p} via {cname} (VPN static)"
                    route = c.VgwRoute(p, cname, "vpn-static", label)
                    candidates.append(_VgwCandidate((1, 0, 0), (), 0, route))
                for r in vpn.bgp_routes:
                    p = parse_prefix(r.prefix)
                    label = f"{p} via {cname} (VPN BGP)"
                    candidates.append(_VgwCandidate((2, 0, len(r.as_path)), r.as_path[:1], r.med,
                                                    c.VgwRoute(p, cname, "vpn-bgp", label)))
        by_prefix: dict[Prefix, list[_VgwCandidate]] = defaultdict(list)
        for candidate in candidates:
            by_prefix[candidate.route.prefix].append(candidate)
        self.vpn_gateways[name] = c.VpnGateway(
            name, vpc, asn, tuple(connections), tuple(x.route for x in candidates),
            PrefixTable.build((p, _vgw_choice(items)) for p, items in by_prefix.items()),
            ("vpcs", vpc, "vpn_gateway"))

    def _route_tables(self, vpc_name: str, vpc: VpcModel, endpoints: dict[str, c.Endpoint]) -> list[c.RouteTable]:
        tables = dict(vpc.route_tables)
        names = list(tables)
        main_name = f"{vpc_name}-main"
        if not any(t.main for t in tables.values()):
            names.append(main_name)
        local = [parse_prefix(p) for p in vpc.all_cidrs()]
        result = []
        for name in names:
            table = tables.get(name)
            path: tuple[str | int, ...] = ("vpcs", vpc_name, "route_tables", name) if table else ("vpcs", vpc_name)
            candidates: list[tuple[int, str, c.Route]] = []    # (rank, tie-break, route)
            for prefix in local:          # R1.6: a local route per VPC CIDR
                candidates.append((1, "", c.Route(prefix, TargetKind.LOCAL, "local", "local", f"{prefix} local", path)))
            for i, route in enumerate(table.routes if table else ()):
                rpath = (*path, "routes", i)
                kind, target = self._target(route.target)
                static = cidr_or_none(route.destination)
                if static is not None:
                    candidates.append((0, "", c.Route(static, kind, target, "static",
                                                      f"{static} -> {target}", rpath)))
                else:
                    plist = self.name_of(Kind.PREFIX_LIST, route.destination)
                    plist_model = self.topo.prefix_lists.get(plist)
                    plist_id = (plist_model.id if plist_model is not None else None) or plist
                    for prefix in self.prefix_lists.get(plist, ()):
                        candidates.append((2, plist_id, c.Route(prefix, kind, target, "prefix_list",
                                                                f"{plist} ({prefix}) -> {target}", rpath)))
            for ep in endpoints.values():     # R10.1: gateway endpoint routes via the service's prefix list
                if ep.type == "gateway" and ep.vpc == vpc_name and table is not None and any(
                        self.name_of(Kind.ROUTE_TABLE, t) == name for t in vpc.endpoints[ep.name].route_tables):
                    for prefix in ep.prefixes:
                        candidates.append((2, ep.service, c.Route(prefix, TargetKind.GATEWAY_ENDPOINT, ep.name,
                                                                  "endpoint", f"{ep.service} ({prefix}) -> {ep.name}",
                                                                  ep.path)))
            for vgw_ref in table.propagate if table else ():
                vgw = self.vpn_gateways.get(self.name_of(Kind.VPN_GATEWAY, vgw_ref))
                if vgw is None:
                    continue
                for vroute in vgw.routes:
                    if any(p.covers(vroute.prefix) for p in local):
                        continue      # R2.6: local wins over a propagated route, even a more specific one
                    candidates.append((3, "", c.Route(vroute.prefix, TargetKind.VPN_GATEWAY, vgw.name, "propagated",
                                                      f"{vroute.prefix} -> {vgw.name} (propagated)", path)))
            chosen: dict[Prefix, tuple[int, str, c.Route]] = {}
            ties: dict[Prefix, set[str]] = defaultdict(set)
            for candidate in candidates:     # R2.8, R2.9: static > local > prefix list > propagated
                prefix = candidate[2].prefix
                kept = chosen.get(prefix)
                if kept is not None and _prefix_list_tie(kept, candidate):
                    ties[prefix] |= {kept[1], candidate[1]}
                if kept is None or candidate[:2] < kept[:2]:
                    chosen[prefix] = candidate
            for prefix, ids in ties.items():
                self.route_warnings.append(self._prefix_list_tie_warning(name, prefix, ids, chosen[prefix]))
            routes = tuple(sorted((r for _, _, r in chosen.values()),
                                  key=lambda r: (r.prefix.family, -r.prefix.length, r.prefix.start)))
            gateway = None
            if table and table.gateway:
                gateway = self.name_of(Kind.INTERNET_GATEWAY, table.gateway) if self.index.get(
                    Kind.INTERNET_GATEWAY, table.gateway) else self.name_of(Kind.VPN_GATEWAY, table.gateway)
            result.append(c.RouteTable(name, (table.id if table else None) or name, vpc_name, routes,
                                       PrefixTable.build((r.prefix, r) for r in routes), gateway, path))
        return result

    def _prefix_list_tie_warning(self, table: str, prefix: Prefix, ids: set[str],
                                 winner: tuple[int, str, c.Route]) -> Diagnostic:
        """R2.9 [E]: AWS "randomly chooses" between prefix lists that send one entry to different targets
        and then keeps its choice; vpcsim takes the lowest prefix-list id and says so."""
        return Diagnostic(self.positions.of_value(winner[2].path),
                          f"route table {table!r}: prefix lists {' and '.join(sorted(ids))} hold the same "
                          f"entry {prefix} with different targets; AWS picks one at random, vpcsim uses the "
                          f"lowest id, {winner[1]} ({winner[2].label}) (R2.9)",
                          hint="remove the overlapping entry from all but one of the prefix lists",
                          severity="warning")

    def _target(self, target: str) -> tuple[TargetKind, str]:
        if target == "local":
            return TargetKind.LOCAL, "local"
        if target == "blackhole":
            return TargetKind.BLACKHOLE, "blackhole"
        found = self.index.find(target, ROUTE_TARGET_KINDS)
        if not found:
            return TargetKind.BLACKHOLE, target
        entry = found[0]
        if entry.kind is Kind.INSTANCE:
            return TargetKind.NETWORK_INTERFACE, entry.obj.primary_eni_name(entry.name)
        if entry.kind is Kind.ENDPOINT:
            if entry.obj.type == "gateway_load_balancer":
                return TargetKind.GWLB_ENDPOINT, entry.name
            return TargetKind.GATEWAY_ENDPOINT, entry.name
        kinds = {Kind.INTERNET_GATEWAY: TargetKind.INTERNET_GATEWAY,
                 Kind.EGRESS_ONLY_INTERNET_GATEWAY: TargetKind.EGRESS_ONLY_INTERNET_GATEWAY,
                 Kind.VPN_GATEWAY: TargetKind.VPN_GATEWAY, Kind.NAT_GATEWAY: TargetKind.NAT_GATEWAY,
                 Kind.NETWORK_INTERFACE: TargetKind.NETWORK_INTERFACE, Kind.TRANSIT_GATEWAY: TargetKind.TRANSIT_GATEWAY,
                 Kind.PEERING: TargetKind.PEERING}
        return kinds[entry.kind], entry.name

    def _transit_gateways(self, attachments: dict[str, c.TgwAttachment], vpcs: dict[str, c.Vpc]
                          ) -> tuple[dict[str, c.TgwRouteTable], dict[str, c.TransitGateway]]:
        """R8.3 propagation, R8.4 static/blackhole, R8.5 priority, R8.12 overlapping VPCs not propagated."""
        tables: dict[str, c.TgwRouteTable] = {}
        tgws: dict[str, c.TransitGateway] = {}
        for tgw_name, tgw in self.topo.transit_gateways.items():
            table_names = list(tgw.route_tables) or [f"{tgw_name}-default"]
            default_table = tgw.default_route_table or table_names[0]
            candidates: dict[str, list[tuple[int, c.TgwRoute]]] = {t: [] for t in table_names}
            for tname, table in tgw.route_tables.items():
                for i, route in enumerate(table.routes):
                    path = ("transit_gateways", tgw_name, "route_tables", tname, "routes", i)
                    target = (self.name_of(Kind.TRANSIT_GATEWAY_ATTACHMENT, route.attachment)
                              if route.attachment else None)
                    shown = target or "blackhole"
                    static = cidr_or_none(route.destination)
                    if static is not None:
                        candidates[tname].append((0, c.TgwRoute(static, target, "static",
                                                                f"{static} -> {shown} (static)", path)))
                    else:
                        plist = self.name_of(Kind.PREFIX_LIST, route.destination)
                        for p in self.prefix_lists.get(plist, ()):
                            candidates[tname].append((1, c.TgwRoute(p, target, "prefix_list",
                                                                    f"{plist} ({p}) -> {shown}", path)))
            seen_vpc_prefixes: dict[str, PrefixSet] = defaultdict(PrefixSet)     # table -> VPC CIDRs propagated
            for name, att in self.topo.transit_gateways[tgw_name].attachments.items():
                compiled = attachments[name]
                targets = att.propagations if att.propagations is not None else (
                    (default_table,) if tgw.default_propagation else ())
                prefixes: list[tuple[Prefix, int, str]] = []
                if compiled.kind == "vpc":
                    prefixes = [(p, 2, "propagated-vpc") for p in vpcs[compiled.resource].cidrs]
                elif compiled.kind == "vpn":
                    vpn = self.topo.vpn_connections.get(compiled.resource)
                    if vpn is not None:     # R8.5: VPN static routes rank with static routes; BGP ones last
                        prefixes = [(parse_prefix(p), 0, "static-vpn") for p in vpn.static_routes]
                        if vpn.state == "available":
                            prefixes += [(parse_prefix(r.prefix), 5, "propagated-vpn")
                                         for r in vpn.bgp_routes]
                elif compiled.kind == "direct_connect":
                    dx = self.topo.direct_connect.get(compiled.resource)
                    if dx is not None and dx.state == "available":
                        prefixes = [(parse_prefix(r.prefix), 3, "propagated-dx") for r in dx.bgp_routes]
                for tname in targets:
                    tname = self.name_of(Kind.TRANSIT_GATEWAY_ROUTE_TABLE, tname)
                    if compiled.kind == "vpc":
                        seen = seen_vpc_prefixes[tname]
                        if any(seen.overlaps(p) for p, _, _ in prefixes):
                            continue      # R8.12: an overlapping VPC attached later is not propagated here
                        for p, _, _ in prefixes:
                            seen.add(p)
                    for p, rank, origin in prefixes:
                        candidates.setdefault(tname, []).append(
                            (rank, c.TgwRoute(p, name, origin, f"{p} -> {name} ({origin.replace('-', ' ')})",
                                              compiled.path)))
            for tname, items in candidates.items():
                chosen: dict[Prefix, tuple[int, c.TgwRoute]] = {}
                for rank, tgw_route in items:
                    if tgw_route.prefix not in chosen or rank < chosen[tgw_route.prefix][0]:
                        chosen[tgw_route.prefix] = (rank, tgw_route)
                routes = tuple(r for _, r in sorted(chosen.values(), key=lambda x: (x[1].prefix.family,
                                                                                    -x[1].prefix.length)))
                table_model = tgw.route_tables.get(tname)
                tables[tname] = c.TgwRouteTable(tname, (table_model.id if table_model else None) or tname, tgw_name,
                                                routes, PrefixTable.build((r.prefix, r) for r in routes),
                                                ("transit_gateways", tgw_name, "route_tables", tname))
            tgws[tgw_name] = c.TransitGateway(tgw_name, tgw.id or tgw_name, tgw.asn, tgw.sg_referencing,
                                              tgw.dns_support, tuple(table_names), tuple(tgw.attachments),
                                              ("transit_gateways", tgw_name))
        return tables, tgws


@dataclass(slots=True)
class _EniSpec:
    """An ENI before its security-group tables exist: they need every ENI's addresses (SG references, R3.4)."""

    name: str
    id: str
    kind: EniKind
    vpc: str
    subnet: str
    owner: str
    private_ips: tuple[int, ...]
    ipv6_ips: tuple[int, ...]
    public_ip: int | None
    security_groups: tuple[str, ...]
    source_dest_check: bool
    elastic: bool = False
    device_index: int = 0
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True, slots=True)
class _VgwCandidate:
    """One advertisement of a prefix to a VGW, with what R7.4 compares."""

    rank: tuple[int, int, int]      # (origin tier, DX local preference, AS_PATH length)
    first_as: tuple[int, ...]       # the first AS of the AS_SEQUENCE (empty for static routes)
    med: int
    route: c.VgwRoute


def _vgw_choice(items: list[_VgwCandidate]) -> c.VgwRoute:
    """R7.4 for one prefix: best (tier, local preference, AS_PATH length); MED is compared only between
    paths whose first AS is the same (S18). [E] What is still tied — different first ASes, or equal MEDs —
    goes to the connection whose name sorts first: AWS keeps one path (no ECMP on a VGW, R7.5) without
    saying which."""
    best = min(x.rank for x in items)
    tied = [x for x in items if x.rank == best]
    winners: dict[tuple[int, ...], _VgwCandidate] = {}
    for x in tied:
        kept = winners.get(x.first_as)
        if kept is None or (x.med, x.route.connection) < (kept.med, kept.route.connection):
            winners[x.first_as] = x
    return min(winners.values(), key=lambda x: x.route.connection).route


def _prefix_list_tie(kept: tuple[int, str, c.Route], candidate: tuple[int, str, c.Route]) -> bool:
    """Two static prefix-list routes for one CIDR, from different lists, to different targets (R2.9)."""
    return (kept[2].origin == candidate[2].origin == "prefix_list" and kept[1] != candidate[1]
            and kept[2].target != candidate[2].target)


def _service_ranges(prefix_lists: dict[str, tuple[Prefix, ...]]) -> list[tuple[Prefix, str]]:
    """AWS service ranges for flow logs' ``pkt-*-aws-service`` (v5): each prefix once, first service wins."""
    ranges: dict[Prefix, str] = {}
    for name, prefixes in sorted(prefix_lists.items()):
        if name.startswith("com.amazonaws."):
            for prefix in prefixes:
                ranges.setdefault(prefix, name.rsplit(".", 1)[-1].upper())
    return list(ranges.items())


def _icmp(icmp_type: int | None, icmp_code: int | None, ports: str | None, protocol: int) -> tuple[int, int]:
    if protocol not in (ICMP, ICMPV6):
        return -1, -1
    return (-1 if icmp_type is None else icmp_type), (-1 if icmp_code is None else icmp_code)


def _fqdn(name: str, domain: str) -> str:
    name = name.rstrip(".").lower()
    domain = domain.rstrip(".").lower()
    if name in ("@", ""):
        return domain
    return name if name.endswith("." + domain) or name == domain else f"{name}.{domain}"
