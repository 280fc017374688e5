"""Security groups and network ACLs compiled into the rule tables of ``compile/rules.py`` (§3, §4), and every
ENI with its security-group tables.

Sharing keeps a large network small in memory and in its pickle: each security group is compiled once, and
only if some ENI it applies to uses it (imported accounts hold many unused groups); ENIs with the same groups
share one table per direction; rules that name the same peer share one ``Peer``, across every group or NACL.
"""

from __future__ import annotations

from collections import defaultdict

from vpcsim.compile import components as c
from vpcsim.compile.components import EniKind, Path
from vpcsim.compile.interfaces import EniSpec
from vpcsim.compile.prefix_lists import PrefixLists
from vpcsim.compile.references import References, default_sg_key
from vpcsim.compile.rules import NetworkAclTable, Peer, Rule, SecurityGroupTable
from vpcsim.ip import Prefix, cidr_or_none, parse_prefix
from vpcsim.model import Topology
from vpcsim.model import Vpc as VpcModel
from vpcsim.model.common import port_range, protocol_number
from vpcsim.model.index import Kind
from vpcsim.model.security import NetworkAclRule, SecurityGroupRule
from vpcsim.protocols import ICMPS, ICMPV6

EVERYWHERE = (parse_prefix("0.0.0.0/0"), parse_prefix("::/0"))
NO_SECURITY_GROUP = (EniKind.NAT_GATEWAY, EniKind.GWLB_ENDPOINT, EniKind.TGW_ATTACHMENT)     # R3.14

Members = dict[str, frozenset[tuple[int, int]]]          # security group key -> (family, address) of its ENIs
GroupRules = dict[tuple[str, str], list[Rule]]           # (security group key, direction) -> rules, in order


def compile_enis(topo: Topology, refs: References, prefix_lists: PrefixLists, subnets: dict[str, c.Subnet],
                 specs: tuple[EniSpec, ...]) -> dict[str, c.Eni]:
    """Every ENI with its security-group tables: the union of its groups' rules per direction (R3.1)."""
    members = _members(specs)
    applied = {sg for spec in specs if spec.kind not in NO_SECURITY_GROUP for sg in spec.security_groups}
    rules = security_group_rules(topo, refs, prefix_lists, members, applied)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}      # one tuple of keys per distinct list of groups
    tables: dict[tuple[str, ...], tuple[SecurityGroupTable, SecurityGroupTable]] = {}   # groups -> both ways
    enis: dict[str, c.Eni] = {}
    for spec in specs:
        sgs = shared.setdefault(spec.security_groups, spec.security_groups)
        ingress: SecurityGroupTable | None = None
        egress: SecurityGroupTable | None = None
        if spec.kind not in NO_SECURITY_GROUP:
            pair = tables.get(sgs)
            if pair is None:
                pair = tables[sgs] = (
                    SecurityGroupTable.of([r for sg in sgs for r in rules.get((sg, "ingress"), ())]),
                    SecurityGroupTable.of([r for sg in sgs for r in rules.get((sg, "egress"), ())]))
            ingress, egress = pair
        enis[spec.name] = c.Eni(
            spec.name, spec.id, spec.kind, spec.vpc, spec.subnet, subnets[spec.subnet].az, spec.owner,
            spec.private_ips, spec.ipv6_ips, spec.public_ip, sgs, ingress, egress,
            spec.source_dest_check, spec.elastic, spec.device_index, spec.path)
    return enis


def _members(specs: tuple[EniSpec, ...]) -> Members:
    """The addresses of each security group's ENIs: what a rule naming the group matches (R3.4)."""
    members: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for spec in specs:
        if spec.security_groups:
            addresses = [(4, a) for a in spec.private_ips]       # one tuple per address, shared by its groups
            if spec.ipv6_ips:
                addresses += [(6, a) for a in spec.ipv6_ips]
            for sg in spec.security_groups:
                members[sg].update(addresses)
    return {k: frozenset(v) for k, v in members.items()}


def security_group_rules(topo: Topology, refs: References, prefix_lists: PrefixLists, members: Members,
                         applied: set[str]) -> GroupRules:
    """(security group key, direction) -> its rules, in console order, for the groups in ``applied``. Rules
    that name the same peer share one ``Peer``; each spelling of protocol and ports is parsed once."""
    sg_rules: GroupRules = {}
    cidr_peers: dict[str, Peer] = {}                    # by the CIDR's text
    named_peers: dict[tuple[str, str], Peer] = {}       # a group or prefix list, by its text and the rule's VPC
    fields: dict[tuple[str, str | None, int | None, int | None], tuple[int, int, int, int, int]] = {}

    def compiled(rules: tuple[SecurityGroupRule, ...], vpc: str, label: str, base: Path) -> list[Rule]:
        result = []
        for i, rule in enumerate(rules):
            key = (rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code)
            match = fields.get(key)
            if match is None:
                protocol = protocol_number(rule.protocol)
                match = fields[key] = (protocol, *port_range(rule.ports),
                                       *_icmp_fields(protocol, rule.icmp_type, rule.icmp_code))
            text = rule.peer
            peer = cidr_peers.get(text)
            if peer is None:
                peer = named_peers.get((text, vpc))
                if peer is None:
                    peer = _cidr_peer(text)
                    if peer is not None:
                        cidr_peers[text] = peer
                    else:
                        peer = named_peers[(text, vpc)] = _named_peer(refs, prefix_lists, members, text, vpc)
            result.append(Rule(*match, peer, f"{label} #{i + 1}", path=(*base, i)))
        return result

    for vpc_name, vpc in topo.vpcs.items():
        default = default_sg_key(vpc_name)
        for name, sg in vpc.security_groups.items():
            key = refs.sg_key(name, vpc_name)
            if key not in applied:
                continue
            label = "default" if key == default else name
            base = ("vpcs", vpc_name, "security_groups", name)
            sg_rules[(key, "ingress")] = compiled(sg.ingress, vpc_name, f"{label} ingress", (*base, "ingress"))
            if sg.egress is None:    # R3.2: a new SG allows all outbound IPv4 (and ::/0 with IPv6, [E])
                sg_rules[(key, "egress")] = _allow_all(f"{label} egress #1", bool(vpc.ipv6_cidrs), base)
            else:
                sg_rules[(key, "egress")] = compiled(sg.egress, vpc_name, f"{label} egress", (*base, "egress"))
        if default in applied and (default, "ingress") not in sg_rules:     # R3.3: the default security group
            self_peer = Peer(members=members.get(default, frozenset()), security_group=default)
            sg_rules[(default, "ingress")] = [Rule(-1, 0, 65535, -1, -1, self_peer, "default ingress #1")]
            sg_rules[(default, "egress")] = _allow_all("default egress #1", bool(vpc.ipv6_cidrs), ("vpcs", vpc_name))
    return sg_rules


def _allow_all(label: str, ipv6: bool, path: Path) -> list[Rule]:
    ranges: tuple[tuple[int, int, int], ...] = ((4, EVERYWHERE[0].start, EVERYWHERE[0].end),)
    if ipv6:
        ranges += ((6, EVERYWHERE[1].start, EVERYWHERE[1].end),)
    return [Rule(-1, 0, 65535, -1, -1, Peer(ranges=ranges, cidr_everywhere=True), label, path=path)]


def _cidr_peer(text: str) -> Peer | None:
    """A rule's peer when it is a CIDR (R3.4), else None."""
    if "/" in text and text.replace("/", "").replace(".", "").replace(":", "").isalnum():
        prefix = cidr_or_none(text)
        if prefix is not None:
            return Peer(ranges=((prefix.family, prefix.start, prefix.end),), cidr_everywhere=prefix.length == 0)
    return None


def _named_peer(refs: References, prefix_lists: PrefixLists, members: Members, text: str, vpc: str) -> Peer:
    """A rule's peer that names a security group (its members' addresses) or a prefix list (R3.4)."""
    sg_entry = refs.index.get(Kind.SECURITY_GROUP, text.split("/")[-1])
    if sg_entry is not None or text == "default":
        key = refs.sg_key(text.split("/")[-1], vpc if sg_entry is None else (sg_entry.owner or vpc))
        return Peer(members=members.get(key, frozenset()), security_group=key)
    plist = prefix_lists.get(refs.name_of(Kind.PREFIX_LIST, text), ())
    return Peer(ranges=tuple((p.family, p.start, p.end) for p in plist))


def _icmp_fields(protocol: int, icmp_type: int | None, icmp_code: int | None) -> tuple[int, int]:
    """A rule's ICMP type and code, -1 for any: only ICMP and ICMPv6 rules have them."""
    if protocol not in ICMPS:
        return -1, -1
    return (-1 if icmp_type is None else icmp_type), (-1 if icmp_code is None else icmp_code)


# -- network ACLs -----------------------------------------------------------------------------------------


def compile_network_acls(topo: Topology) -> dict[str, c.NetworkAcl]:
    """Every VPC's NACLs, the default one made up when the file has none (R4.5)."""
    peers: dict[Prefix, Peer] = {}                  # one Peer per CIDR across every NACL
    return {acl.name: acl for name, vpc in topo.vpcs.items() for acl in _network_acls(name, vpc, peers)}


def _network_acls(vpc_name: str, vpc: VpcModel, peers: dict[Prefix, Peer]) -> list[c.NetworkAcl]:
    acls: list[c.NetworkAcl] = []
    for name, acl in vpc.network_acls.items():
        path: Path = ("vpcs", vpc_name, "network_acls", name)
        acls.append(c.NetworkAcl(name, acl.id or name, vpc_name,
                                 _acl_direction(name, "ingress", acl.ingress, path, peers),
                                 _acl_direction(name, "egress", acl.egress, path, peers), path))
    if not any(acl.default for acl in vpc.network_acls.values()):      # R4.5: allows everything both ways
        name = f"{vpc_name}-default-acl"
        rules = [NetworkAclRule(rule=100, protocol="all", source="0.0.0.0/0", action="allow")]
        if vpc.ipv6_cidrs:
            rules.append(NetworkAclRule(rule=101, protocol="all", source="::/0", action="allow"))
        out = [NetworkAclRule(rule=r.rule, protocol="all", destination=r.source, action="allow") for r in rules]
        path = ("vpcs", vpc_name)
        acls.append(c.NetworkAcl(name, name, vpc_name, _acl_direction(name, "ingress", tuple(rules), path, peers),
                                 _acl_direction(name, "egress", tuple(out), path, peers), path))
    return acls


def _acl_direction(name: str, direction: str, rules: tuple[NetworkAclRule, ...], path: Path,
                   peers: dict[Prefix, Peer]) -> dict[int, NetworkAclTable]:
    """One direction of a NACL: per family, its rules by number, lowest first (R4.3)."""
    by_family: dict[int, list[Rule]] = {4: [], 6: []}
    for i, rule in sorted(enumerate(rules), key=lambda item: item[1].rule):
        prefix = parse_prefix(rule.cidr)
        protocol = protocol_number(rule.protocol)
        low, high = port_range(rule.ports)
        icmp_type, icmp_code = _icmp_fields(protocol, rule.icmp_type, rule.icmp_code)
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
