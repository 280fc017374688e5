"""Security groups and network ACLs (aws-semantics §3, §4): the peers a rule may name, and the shape of rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.cidrs import is_cidr, names_prefix_list
from vpcsim.load.checks.context import Context, vpc_path
from vpcsim.load.hints import cidr_hint
from vpcsim.load.positions import Path
from vpcsim.model.index import Kind


def check_security_groups(ctx: Context) -> Iterator[Diagnostic]:
    """R3.4 peers: CIDR, SG (own VPC or an active same-Region peer, R3.7) or prefix list; R3.5 ICMP shape."""
    peers_of = _peered_vpcs(ctx)
    for name, vpc in ctx.topo.vpcs.items():
        fine: set[str] = set()      # peers already found usable from this VPC: the verdict depends on nothing else
        for sg_name, sg in vpc.security_groups.items():
            base = (*vpc_path(name), "security_groups", sg_name)
            for direction, wrong in (("ingress", "destination"), ("egress", "source")):
                for i, rule in enumerate(getattr(sg, direction) or ()):
                    if getattr(rule, wrong) is not None:
                        right = "source" if direction == "ingress" else "destination"
                        yield ctx.error((*base, direction, i, wrong), f"{direction} rules name a {right!r}, "
                                        f"not a {wrong!r}",
                                        hint=f"rename the key to '{right}'")
                    peer = rule.source if rule.source is not None else rule.destination
                    if peer is not None and peer not in fine:
                        problems = list(_check_sg_peer(ctx, name, (*base, direction, i, "source" if rule.source
                                                                    else "destination"), peer, peers_of))
                        if problems:
                            yield from problems
                        else:
                            fine.add(peer)
                    all_types = rule.icmp_type == -1 and rule.protocol in ("icmp", "icmpv6")
                    if all_types and rule.icmp_code not in (None, -1):
                        yield ctx.error((*base, direction, i, "icmp_code"), "'all ICMP types' requires 'all "
                                        "codes' (R3.5)",
                                        hint="set icmp_code: -1 or remove it")


def _peered_vpcs(ctx: Context) -> dict[str, set[str]]:
    """Per VPC, the VPCs it has an active peering with (R3.7: their groups may be named)."""
    peers: dict[str, set[str]] = defaultdict(set)
    for p in ctx.topo.peering.values():
        if p.status == "active":
            a, b = ctx.vpc_name(p.requester), ctx.vpc_name(p.accepter)
            peers[a].add(b)
            peers[b].add(a)
    return peers


def _check_sg_peer(ctx: Context, vpc: str, path: Path, peer: str,
                   peers_of: dict[str, set[str]]) -> Iterator[Diagnostic]:
    """R3.4 a peer is a CIDR, a security group (R3.7, R8.15 of a VPC it may reach) or a prefix list."""
    if is_cidr(peer):
        return
    if "/" in peer or peer.replace(".", "").replace(":", "").isdigit():
        yield ctx.error(path, f"{peer!r} is not a valid CIDR block", hint=cidr_hint(peer))
        return
    sg = ctx.index.get(Kind.SECURITY_GROUP, peer.split("/")[-1])
    if sg is not None:
        neighbour = sg.owner in peers_of.get(vpc, set()) or _share_tgw(ctx, vpc, sg.owner)
        if sg.owner != vpc and not neighbour:
            yield ctx.error(path, f"security group {peer!r} belongs to VPC {sg.owner!r}, which is neither "
                            "this VPC nor an active peer or a TGW neighbour (R3.7)",
                            hint="reference a CIDR instead")
        return
    if names_prefix_list(ctx, peer):
        return
    yield ctx.unknown(path, "security group or prefix list", peer, Kind.SECURITY_GROUP, Kind.PREFIX_LIST)


def _share_tgw(ctx: Context, a: str, b: str | None) -> bool:
    """Both VPCs are attached to one transit gateway (R8.15)."""
    return any({a, b} <= members for members in ctx.tgw_vpcs().values())


def check_network_acls(ctx: Context) -> Iterator[Diagnostic]:
    """R4.2 one default NACL per VPC; R4.3 rule numbers unique per direction; ingress matches sources, egress
    destinations."""
    for name, vpc in ctx.topo.vpcs.items():
        defaults = [n for n, acl in vpc.network_acls.items() if acl.default]
        for extra in defaults[1:]:
            yield ctx.error((*vpc_path(name), "network_acls", extra, "default"), f"VPC {name!r} has two "
                            f"default network ACLs: {defaults[0]!r} and {extra!r} (R4.2)",
                            hint="a VPC has exactly one default network ACL")
        for acl_name, acl in vpc.network_acls.items():
            base = (*vpc_path(name), "network_acls", acl_name)
            for direction in ("ingress", "egress"):
                numbers: dict[int, int] = {}
                for i, rule in enumerate(getattr(acl, direction)):
                    path = (*base, direction, i)
                    wrong = "destination" if direction == "ingress" else "source"
                    if getattr(rule, wrong) is not None:
                        right = "source" if direction == "ingress" else "destination"
                        yield ctx.error((*path, wrong), f"{direction} NACL rules match a {right!r}, not a "
                                        f"{wrong!r}",
                                        hint=f"rename the key to '{right}'")
                    if rule.rule in numbers:
                        first = ctx.pos.of_value((*base, direction, numbers[rule.rule], "rule"))
                        yield ctx.error((*path, "rule"), f"{direction} rule number {rule.rule} is used "
                                        f"twice in network ACL {acl_name!r} (R4.3)",
                                        hint=f"it is also used at {first}; rule numbers are unique per "
                                        "direction")
                    numbers.setdefault(rule.rule, i)
