"""Hypothesis strategies shared by the property tests: prefixes, addresses, and whole valid topologies.

``topologies()`` draws plain dicts in the YAML shape of DESIGN §2 that ``vpcsim.load`` must accept: every
name unique within its kind, every CIDR where AWS allows it, every reference resolvable. A topology it draws
that does not load is a bug in vpcsim (or in this generator: fix whichever is wrong).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import strategies as st

from vpcsim.ip import Prefix

BITS = {4: 32, 6: 128}
AZS = ("us-east-1a", "us-east-1b", "us-east-1c")
PUBLIC_POOL = "198.51.100."          # public IPs and Elastic IPs (RFC 5737 TEST-NET-2), each used once


# -- prefixes and addresses ----------------------------------------------------------------------------


def masked(family: int, address: int, length: int) -> Prefix:
    """The prefix of ``length`` bits that contains ``address``."""
    bits = BITS[family]
    mask = ((1 << length) - 1) << (bits - length)
    return Prefix(family, address & mask, length)


@st.composite
def prefix_sets(draw: st.DrawFn, max_size: int = 40) -> list[Prefix]:
    """Unique IPv4 and IPv6 prefixes, drawn around a few seed addresses so that many of them nest."""
    seeds = {family: draw(st.lists(st.integers(0, (1 << BITS[family]) - 1), min_size=1, max_size=4))
             for family in (4, 6)}
    items = draw(st.lists(st.tuples(st.sampled_from((4, 6)), st.integers(0, 3), st.integers(0, 128)),
                          max_size=max_size))
    result: dict[Prefix, None] = {}
    for family, seed, length in items:
        address = seeds[family][seed % len(seeds[family])]
        result[masked(family, address, length % (BITS[family] + 1))] = None
    return list(result)


def boundaries(prefixes: list[Prefix]) -> list[tuple[int, int]]:
    """(family, address) at and just outside both ends of every prefix, within the address space."""
    points: set[tuple[int, int]] = set()
    for p in prefixes:
        top = (1 << BITS[p.family]) - 1
        for address in (p.start - 1, p.start, p.end, p.end + 1):
            if 0 <= address <= top:
                points.add((p.family, address))
    return sorted(points)


def addresses(family: int) -> st.SearchStrategy[int]:
    return st.integers(0, (1 << BITS[family]) - 1)


def longest_match(prefixes: list[Prefix], family: int, address: int) -> Prefix | None:
    """The brute-force answer: the longest prefix that contains the address."""
    containing = [p for p in prefixes if p.contains(family, address)]
    return max(containing, key=lambda p: p.length, default=None)


# -- topologies ------------------------------------------------------------------------------------------


def _v4(address: int) -> str:
    return str(ipaddress.IPv4Address(address))


def _v6(address: int) -> str:
    return str(ipaddress.IPv6Address(address))


def _cidr(p: Prefix) -> str:
    return str(p)


class _Public:
    """Hands out public addresses from 198.51.100.0/24, never twice."""

    def __init__(self) -> None:
        self.next = 10

    def take(self, draw: st.DrawFn) -> str | None:
        if self.next > 250:
            return None
        self.next += draw(st.integers(1, 3))
        return f"{PUBLIC_POOL}{self.next}"


class _Ids:
    """Gives some resources an AWS ``id`` and refers to them by id or by name at random (both are valid:
    an id is an alias of the name, DESIGN §2)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def give(self, draw: st.DrawFn, prefix: str, name: str, spec: dict[str, Any]) -> None:
        if draw(st.integers(0, 2)) == 0:
            self.ids[name] = spec["id"] = f"{prefix}-{len(self.ids) + 1:08x}"

    def ref(self, draw: st.DrawFn, name: str) -> str:
        return self.ids[name] if name in self.ids and draw(st.booleans()) else name

    def target(self, draw: st.DrawFn, name: str, instances: list[str]) -> str:
        """A route target, by name or by AWS id."""
        return self.ref(draw, name)


PROTOCOLS = ("tcp", "udp", "icmp", "all", 6, 17, -1)
PORTS = st.one_of(st.sampled_from(["443", "22", "1024-65535", "all", "0-65535"]),
                  st.integers(0, 65535).map(str),
                  st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(lambda t: f"{min(t)}-{max(t)}"))


@st.composite
def _rule_shape(draw: st.DrawFn) -> dict[str, Any]:
    """Protocol, ports and ICMP type/code of one SG or NACL rule, in a shape the schema accepts."""
    protocol = draw(st.sampled_from(PROTOCOLS))
    rule: dict[str, Any] = {"protocol": protocol}
    if protocol in ("tcp", "udp", 6, 17):
        rule["ports"] = draw(PORTS)
    elif protocol == "icmp":
        icmp_type = draw(st.sampled_from([None, -1, 0, 3, 8]))
        if icmp_type is not None:
            rule["icmp_type"] = icmp_type
            code = draw(st.sampled_from([None, -1] if icmp_type == -1 else [None, -1, 0, 4]))
            if code is not None:
                rule["icmp_code"] = code
    return rule


@st.composite
def _any_cidr(draw: st.DrawFn, family: int = 4) -> str:
    length = draw(st.integers(0, BITS[family]))
    return _cidr(masked(family, draw(addresses(family)), length))


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid topology: 1 to 4 VPCs (non-overlapping /16s, some dual-stack), 1 to 4 /24 subnets each,
    route tables with random routes (internet, NAT, NAT64, peering, blackhole, middlebox, edge routing),
    security groups, numbered NACLs, instances and NAT gateways, and peerings between some VPC pairs.
    Some resources get an AWS ``id``, and references to them use the id or the name at random."""
    count = draw(st.integers(1, 4))
    octets = draw(st.lists(st.integers(0, 255), min_size=count, max_size=count, unique=True))
    names = [f"vpc{i}" for i in range(count)]
    dual = {name: draw(st.booleans()) for name in names}
    cidr = {name: f"10.{o}.0.0/16" for name, o in zip(names, octets, strict=True)}
    cidr6 = {name: f"2600:1f18:{o:x}::/56" for name, o in zip(names, octets, strict=True)}
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    peered = [pair for pair in pairs if draw(st.booleans())]
    ids = _Ids()
    vpcs: dict[str, dict[str, Any]] = {}
    for name in names:
        vpcs[name] = {"cidr": cidr[name]}
        ids.give(draw, "vpc", name, vpcs[name])
    peerings: dict[str, dict[str, Any]] = {}
    for a, b in peered:
        peerings[f"pcx-{a}-{b}"] = {"requester": ids.ref(draw, a), "accepter": ids.ref(draw, b)}
        ids.give(draw, "pcx", f"pcx-{a}-{b}", peerings[f"pcx-{a}-{b}"])
    peers_of: dict[str, list[tuple[str, str]]] = {n: [] for n in names}
    for a, b in peered:
        peers_of[a].append((b, f"pcx-{a}-{b}"))
        peers_of[b].append((a, f"pcx-{a}-{b}"))
    public = _Public()
    sg_names = {name: [f"{name}-sg{k}" for k in range(draw(st.integers(0, 3)))] for name in names}
    for index, name in enumerate(names):
        draw(_vpc(vpcs[name], name, octets[index], dual[name], cidr, cidr6, peers_of[name], sg_names, public,
                  ids))
    topology: dict[str, Any] = {"name": "generated", "vpcs": vpcs}
    if peerings:
        topology["peering"] = peerings
    return topology


@st.composite
def _vpc(draw: st.DrawFn, vpc: dict[str, Any], name: str, octet: int, dual: bool, cidr: dict[str, str],
         cidr6: dict[str, str], peers: list[tuple[str, str]], sg_names: dict[str, list[str]], public: _Public,
         ids: _Ids) -> None:
    """Fill in ``vpc`` (which already holds its CIDR and maybe its id)."""
    if dual:
        vpc["ipv6_cidrs"] = [cidr6[name]]
    igw = f"igw-{name}" if draw(st.booleans()) else None
    eigw = f"eigw-{name}" if dual and draw(st.booleans()) else None
    if igw:
        vpc["internet_gateway"] = igw
    if eigw:
        vpc["egress_only_internet_gateway"] = eigw

    # subnets: /24s (and /64s when dual-stack)
    thirds = draw(st.lists(st.integers(0, 255), min_size=1, max_size=4, unique=True))
    subnets: dict[str, dict[str, Any]] = {}
    subnet_cidrs: dict[str, str] = {}
    subnet_cidrs6: dict[str, str] = {}
    for k, third in enumerate(thirds):
        sname = f"{name}-s{k}"
        subnet_cidrs[sname] = f"10.{octet}.{third}.0/24"
        subnets[sname] = {"cidr": subnet_cidrs[sname], "az": draw(st.sampled_from(AZS))}
        ids.give(draw, "subnet", sname, subnets[sname])
        if dual and draw(st.booleans()):
            subnet_cidrs6[sname] = f"2600:1f18:{octet:x}:{third:x}::/64"
            subnets[sname]["ipv6_cidr"] = subnet_cidrs6[sname]
    vpc["subnets"] = subnets
    snames = list(subnets)

    # NAT gateway (public with an Elastic IP, or private), at most one per VPC
    nat = None
    if draw(st.booleans()):
        nat = f"nat-{name}"
        eip = public.take(draw) if draw(st.booleans()) else None
        spec: dict[str, Any] = {"subnet": ids.ref(draw, draw(st.sampled_from(snames)))}
        ids.give(draw, "nat", nat, spec)
        if eip:
            spec["elastic_ip"] = eip
        else:
            spec["connectivity"] = "private"
        vpc["nat_gateways"] = {nat: spec}

    # security groups: random rules; peers are CIDRs or SGs of this VPC or of a peered VPC
    visible_sgs = list(sg_names[name]) + [sg for other, _ in peers for sg in sg_names[other]]
    groups: dict[str, Any] = {}
    for sg in sg_names[name]:
        group: dict[str, Any] = {}
        ids.give(draw, "sg", sg, group)
        for direction, key in (("ingress", "source"), ("egress", "destination")):
            if direction == "egress" and draw(st.booleans()):
                continue                       # AWS's default egress (allow all)
            rules = []
            for _ in range(draw(st.integers(0, 4))):
                rule = draw(_rule_shape())
                families = [4, 6] if dual else [4]
                peer = draw(st.one_of(_any_cidr(draw(st.sampled_from(families))),
                                      st.sampled_from(visible_sgs) if visible_sgs else _any_cidr()))
                rule[key] = ids.ref(draw, peer)
                rules.append(rule)
            group[direction] = rules
        groups[sg] = group
    if groups:
        vpc["security_groups"] = groups

    # NACLs: numbered allow/deny rules, numbers unique per direction
    acls: dict[str, Any] = {}
    for k in range(draw(st.integers(0, 2))):
        acl: dict[str, Any] = {}
        ids.give(draw, "acl", f"{name}-acl{k}", acl)
        for direction, key in (("ingress", "source"), ("egress", "destination")):
            numbers = draw(st.lists(st.integers(1, 32766), max_size=5, unique=True))
            rules = []
            for number in numbers:
                rule = {"rule": number, **draw(_rule_shape()), key: draw(_any_cidr()),
                        "action": draw(st.sampled_from(["allow", "deny"]))}
                rules.append(rule)
            if dual and draw(st.booleans()):      # numbers are shared by both families (R4.3)
                number = draw(st.integers(1, 32766))
                while number in numbers:
                    number = number % 32766 + 1
                rules.append({"rule": number, "protocol": "all", key: "::/0", "action": "allow"})
            acl[direction] = rules
        if k == 0 and draw(st.booleans()):
            acl["default"] = True
        acls[f"{name}-acl{k}"] = acl
    if acls:
        vpc["network_acls"] = acls
        for sname in snames:
            if draw(st.booleans()):
                subnets[sname]["network_acl"] = ids.ref(draw, draw(st.sampled_from(sorted(acls))))

    # instances: addresses in their subnet, clear of the five reserved ones; public IPs unique
    instances: dict[str, Any] = {}
    for sname in snames:
        base = int(ipaddress.ip_network(subnet_cidrs[sname]).network_address)
        offsets = draw(st.lists(st.integers(4, 254), max_size=3, unique=True))
        for k, offset in enumerate(offsets):
            iname = f"{sname}-i{k}"
            inst: dict[str, Any] = {"subnet": ids.ref(draw, sname), "private_ip": _v4(base + offset)}
            ids.give(draw, "i", iname, inst)
            choice = draw(st.sampled_from(["none", "public_ip", "elastic_ip"]))
            if choice != "none":
                address = public.take(draw)
                if address:
                    inst[choice] = address
            if sname in subnet_cidrs6 and draw(st.booleans()):
                base6 = int(ipaddress.ip_network(subnet_cidrs6[sname]).network_address)
                inst["ipv6_addresses"] = [_v6(base6 + 4 + offset)]
            if bool(sg_names[name]) and draw(st.booleans()):
                chosen = draw(st.lists(st.sampled_from(sg_names[name]), min_size=1, max_size=2, unique=True))
                inst["security_groups"] = [ids.ref(draw, sg) for sg in chosen]
            if draw(st.booleans()):
                inst["source_dest_check"] = False
            instances[iname] = inst
    if instances:
        vpc["instances"] = instances

    # route tables
    vpc["route_tables"] = draw(_route_tables(name, octet, dual, igw, eigw, nat, peers, cidr, cidr6, snames,
                                             subnet_cidrs, subnet_cidrs6, list(instances), subnets, ids))


@st.composite
def _route_tables(draw: st.DrawFn, name: str, octet: int, dual: bool, igw: str | None, eigw: str | None,
                  nat: str | None, peers: list[tuple[str, str]], cidr: dict[str, str], cidr6: dict[str, str],
                  snames: list[str], subnet_cidrs: dict[str, str], subnet_cidrs6: dict[str, str],
                  instances: list[str], subnets: dict[str, dict[str, Any]], ids: _Ids) -> dict[str, Any]:
    own = ipaddress.ip_network(cidr[name])
    own6 = ipaddress.ip_network(cidr6[name])
    middleboxes = [t for t in (nat, *instances) if t]
    candidates: list[tuple[str, list[str]]] = []     # (destination, possible targets)
    internet = [t for t in (igw, nat) if t]
    if internet:
        candidates.append(("0.0.0.0/0", internet))
    if dual and [t for t in (igw, eigw) if t]:
        candidates.append(("::/0", [t for t in (igw, eigw) if t]))
    if dual and nat:
        candidates.append(("64:ff9b::/96", [nat]))                       # NAT64 (R6.11)
    for other, pcx in peers:
        peer_net = ipaddress.ip_network(cidr[other])
        candidates.append((str(peer_net), [pcx]))
        candidates.append((str(next(peer_net.subnets(new_prefix=24))), [pcx]))
        candidates.append((str(list(peer_net.subnets(new_prefix=20))[octet % 16]), [pcx]))
        if dual:
            candidates.append((cidr6[other], [pcx]))
    if middleboxes:                       # more specific than local: whole subnet CIDRs only (R2.7)
        for sname in snames:
            candidates.append((subnet_cidrs[sname], middleboxes))
    outside = draw(st.lists(_any_cidr(), max_size=4))
    for text in outside:
        net = ipaddress.ip_network(text)
        if net.overlaps(own) and net.prefixlen >= own.prefixlen:
            continue                                  # inside this VPC: only subnet CIDRs are allowed
        if net.overlaps(ipaddress.ip_network("169.254.168.0/22")):
            continue                                  # AWS's reserved range (R1.12)
        candidates.append((text, ["blackhole", *(t for t in (igw, nat) if t), *middleboxes]))
    if dual:
        for text in draw(st.lists(_any_cidr(6), max_size=2)):
            net6 = ipaddress.ip_network(text)
            if (net6.overlaps(own6) and net6.prefixlen >= own6.prefixlen) or \
                    net6.overlaps(ipaddress.ip_network("fd00:ec2::/32")):
                continue
            # no NAT: IPv6 routes to a NAT gateway are NAT64 only (R6.11)
            candidates.append((text, ["blackhole", *(t for t in (igw, eigw) if t), *instances]))

    count = draw(st.integers(1, 3))
    tables: dict[str, Any] = {}
    main = draw(st.sampled_from([None, *range(count)]))
    for k in range(count):
        table: dict[str, Any] = {}
        if k == main:
            table["main"] = True
        routes = []
        seen: set[str] = set()
        picked = draw(st.lists(st.sampled_from(candidates), max_size=8)) if candidates else []
        for destination, targets in picked:
            key = str(ipaddress.ip_network(destination))
            if key in seen:
                continue
            seen.add(key)
            routes.append({"destination": destination,
                           "target": ids.target(draw, draw(st.sampled_from(targets)), instances)})
        if routes:
            table["routes"] = routes
        tables[f"{name}-rt{k}"] = table
        ids.give(draw, "rtb", f"{name}-rt{k}", table)
    for sname in snames:                  # one table per subnet, said either way (or the main one)
        choice = draw(st.sampled_from([None, *range(count)]))
        if choice is None:
            continue
        tname = f"{name}-rt{choice}"
        if draw(st.booleans()):
            subnets[sname]["route_table"] = ids.ref(draw, tname)
        else:
            tables[tname].setdefault("subnets", []).append(ids.ref(draw, sname))
    if igw and instances and draw(st.booleans()):     # IGW ingress routing to a middlebox (R2.2, R2.13)
        sname = draw(st.sampled_from(snames))
        tables[f"{name}-edge"] = {"gateway": igw, "routes": [
            {"destination": subnet_cidrs[sname], "target": ids.target(draw, draw(st.sampled_from(instances)),
                                                                      instances)}]}
    return tables
