"""Address blocks (aws-semantics §1): the CIDRs of a VPC and of its subnets, and the entries of prefix lists."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.ip import LINK_LOCAL_V4, Prefix, parse_prefix
from vpcsim.load.checks.cidrs import prefixes
from vpcsim.load.checks.context import Context, vpc_path
from vpcsim.load.positions import Path
from vpcsim.model import Vpc

_RFC1918 = [parse_prefix(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
_P198_19 = parse_prefix("198.19.0.0/16")


def check_vpc_cidrs(ctx: Context) -> Iterator[Diagnostic]:
    """R1.1 sizes /16 to /28; R1.3 no overlap between a VPC's CIDRs; R1.5 169.254/16 never, range families;
    R1.10 IPv6 blocks."""
    for name, vpc in ctx.topo.vpcs.items():
        base = vpc_path(name)
        cidrs: list[tuple[Path, str]] = [(("cidr",), vpc.cidr)]
        cidrs += [(("secondary_cidrs", i), c) for i, c in enumerate(vpc.secondary_cidrs)]
        seen: list[tuple[Prefix, Path]] = []
        for sub, cidr in cidrs:
            prefix = parse_prefix(cidr)
            path = (*base, *sub)
            if not 16 <= prefix.length <= 28:
                yield ctx.error(path, f"VPC CIDR {cidr} is a /{prefix.length}; VPC IPv4 blocks are /16 to "
                                "/28 (R1.1)",
                                hint="use a prefix length between 16 and 28")
            if LINK_LOCAL_V4.overlaps(prefix):
                yield ctx.error(path, f"VPC CIDR {cidr} is in 169.254.0.0/16, which AWS never allows (R1.5)",
                                hint="pick a private range such as 10.0.0.0/16")
            for other, other_path in seen:
                if other.overlaps(prefix):
                    yield ctx.error(path, f"CIDR {cidr} overlaps {other} of the same VPC (R1.3)",
                                    hint=f"{other} is at {ctx.pos.of_value(other_path)}")
            seen.append((prefix, path))
        yield from _secondary_range_rules(ctx, name, vpc)
        if len(cidrs) > 5:
            yield ctx.warning((*base, "secondary_cidrs"), f"{len(cidrs)} IPv4 CIDRs exceed the default "
                              "quota of 5 per VPC (R1.3); AWS raises it to 50 on request",
                              hint="ask AWS for a quota increase, or use fewer CIDRs")
        for i, cidr6 in enumerate(vpc.ipv6_cidrs):
            length = parse_prefix(cidr6).length
            if not 44 <= length <= 60:
                yield ctx.error((*base, "ipv6_cidrs", i), f"IPv6 VPC CIDR {cidr6} is a /{length}; "
                                "Amazon-provided blocks are /56 (R1.10)", hint="use a /56")


def _secondary_range_rules(ctx: Context, name: str, vpc: Vpc) -> Iterator[Diagnostic]:
    """R1.5: which ranges a secondary CIDR may come from, given the primary's range."""
    primary = parse_prefix(vpc.cidr)
    for i, cidr in enumerate(vpc.secondary_cidrs):
        second = parse_prefix(cidr)
        path = (*vpc_path(name), "secondary_cidrs", i)
        home = next((r for r in _RFC1918 if r.covers(primary)), None)
        other = next((r for r in _RFC1918 if r.covers(second)), None)
        if home is not None and other is not None and home != other:
            yield ctx.error(path, f"secondary CIDR {cidr} is in {other} but the VPC's primary CIDR is in "
                            f"{home} (R1.5)", hint=f"pick the secondary CIDR from {home} or a public range")
        elif _P198_19.covers(second) and not _P198_19.covers(primary):
            yield ctx.error(path, f"secondary CIDR {cidr} is in 198.19.0.0/16, which is not allowed with "
                            f"the primary CIDR {vpc.cidr} (R1.5)",
                            hint="pick the secondary CIDR from another range")
        elif home is None and other is not None:
            yield ctx.error(path, f"secondary CIDR {cidr} is private (RFC 1918) but the primary {vpc.cidr} "
                            "is not (R1.5)",
                            hint="pick a secondary CIDR outside 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16")


def check_subnets(ctx: Context) -> Iterator[Diagnostic]:
    """R1.7 size /16 to /28 inside one VPC CIDR, no overlap; R1.9 IPv6 subnets are /64 in the VPC block."""
    for name, vpc in ctx.topo.vpcs.items():
        vpc_prefixes = prefixes([vpc.cidr, *vpc.secondary_cidrs])
        vpc6 = prefixes(list(vpc.ipv6_cidrs))
        seen: list[tuple[Prefix, str]] = []
        for subnet_name, subnet in vpc.subnets.items():
            path = (*vpc_path(name), "subnets", subnet_name)
            if subnet.cidr is None and subnet.ipv6_cidr is None:
                yield ctx.error_at_name(path, f"subnet {subnet_name!r} has no CIDR",
                                        hint="add 'cidr:' (and/or 'ipv6_cidr:')")
            if subnet.cidr is not None:
                prefix = parse_prefix(subnet.cidr)
                if not 16 <= prefix.length <= 28:
                    yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} is a /{prefix.length}; "
                                    "subnets are /16 to /28 (R1.7)",
                                    hint="a /28 is the smallest subnet (11 usable addresses)")
                if not any(v.covers(prefix) for v in vpc_prefixes):
                    yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} is outside the CIDRs of "
                                    f"VPC {name!r} ({', '.join(map(str, vpc_prefixes))}) (R1.7)",
                                    hint="pick a block inside the VPC CIDR, or add a secondary CIDR")
                for other, other_name in seen:
                    if other.overlaps(prefix):
                        yield ctx.error((*path, "cidr"), f"subnet CIDR {subnet.cidr} overlaps subnet "
                                        f"{other_name!r} ({other}) (R1.7)",
                                        hint="subnets of a VPC must not overlap")
                seen.append((prefix, subnet_name))
            if subnet.ipv6_cidr is not None:
                prefix6 = parse_prefix(subnet.ipv6_cidr)
                if prefix6.length != 64:
                    yield ctx.error((*path, "ipv6_cidr"), f"IPv6 subnet CIDR {subnet.ipv6_cidr} must be a "
                                    "/64 (R1.9)",
                                    hint="IPv6 subnets are always /64, e.g. the first /64 of the VPC's /56")
                if not any(v.covers(prefix6) for v in vpc6):
                    yield ctx.error((*path, "ipv6_cidr"), f"IPv6 subnet CIDR {subnet.ipv6_cidr} is outside "
                                    f"the IPv6 CIDRs of VPC {name!r}",
                                    hint="add 'ipv6_cidrs:' to the VPC or fix the block")


def check_prefix_lists(ctx: Context) -> Iterator[Diagnostic]:
    """R3.4 a prefix list holds at most max_entries entries, all of one address family."""
    for name, plist in ctx.topo.prefix_lists.items():
        if plist.max_entries is not None and len(plist.entries) > plist.max_entries:
            yield ctx.error(("prefix_lists", name, "entries"), f"prefix list {name!r} has "
                            f"{len(plist.entries)} entries but max_entries is {plist.max_entries} (R3.4)",
                            hint="raise max_entries or remove entries")
        families = {parse_prefix(e).family for e in plist.entries}
        if len(families) > 1:
            yield ctx.error(("prefix_lists", name, "entries"), "a prefix list holds one address family only",
                            hint="put IPv4 and IPv6 entries in separate prefix lists")
