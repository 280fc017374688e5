"""Instances and network interfaces (aws-semantics §1, §3): where their addresses lie, that each address is
claimed once, and the security groups they name. NAT gateways and endpoints claim addresses too."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.ip import is_private_v4, parse_address
from vpcsim.load.checks.context import Context, vpc_path
from vpcsim.load.checks.subnet_placement import check_address_in_subnet, usable_in
from vpcsim.load.positions import Path
from vpcsim.model import Instance, NetworkInterface
from vpcsim.model.index import Kind, Named

_WHAT = {"instances": "instance", "network_interfaces": "network interface", "nat_gateways": "NAT gateway",
         "endpoints": "endpoint"}


def _user(path: Path) -> str:
    """Who holds the address at ``path``: "instance 'web-1'", "NAT gateway 'nat-a'"."""
    return f"{_WHAT.get(str(path[2]), str(path[2]))} {path[3]!r}" if len(path) > 3 else "another resource"


def _claim_public(ctx: Context, public: dict[str, Path], path: Path, address: str,
                  what: str) -> Iterator[Diagnostic]:
    """R1.14 a public or Elastic IP is public, and maps to one interface."""
    if is_private_v4(parse_address(address)[1]):
        yield ctx.error(path, f"{what} {address} is a private (RFC 1918) address",
                        hint="public addresses come from public ranges (e.g. 203.0.113.0/24 in examples)")
    if address in public:
        yield ctx.error(path, f"public address {address} is already used by {_user(public[address])}",
                        hint=f"first used at {ctx.pos.of_value(public[address])}; a public or Elastic IP "
                        "maps to one interface")
    public.setdefault(address, path)


def _claim_private(ctx: Context, private: dict[str, Path], path: Path, address: str) -> Iterator[Diagnostic]:
    """A private IP belongs to one interface in a VPC (R1.8: it is assigned to one resource)."""
    if address in private:
        yield ctx.error(path, f"private IP {address} is already used by {_user(private[address])}",
                        hint=f"first used at {ctx.pos.of_value(private[address])}; each private IP "
                        "belongs to one interface in a VPC")
    private.setdefault(address, path)


def check_interfaces(ctx: Context) -> Iterator[Diagnostic]:
    """Addresses in their subnet and not reserved (R1.8, R1.9), unique; SGs of the same VPC; public IPs
    unique (R1.14).

    Every item of a large topology passes through here, so each check asks the cheap question first and
    builds a diagnostic's path only when there is a problem to report."""
    public: dict[str, Path] = {}
    for name, vpc in ctx.topo.vpcs.items():
        private: dict[str, Path] = {}
        subnets: dict[str, Named | None] = {}      # subnet reference -> the subnet, when it is one of this VPC's
        fine_groups: set[str] = set()               # security group references found to be this VPC's
        for attr, members in (("instances", vpc.instances), ("network_interfaces", vpc.network_interfaces)):
            item: Instance | NetworkInterface
            for item_name, item in members.items():
                path: Path = ("vpcs", name, attr, item_name)
                if item.subnet in subnets:
                    subnet = subnets[item.subnet]
                else:
                    subnet = subnets[item.subnet] = ctx.owned(Kind.SUBNET, item.subnet, name)
                if subnet is None:
                    yield from ctx.check_reference((*path, "subnet"), "subnet", item.subnet, Kind.SUBNET, name)
                addresses: list[tuple[Path, str]] = [(("private_ip",), item.private_ip)] if item.private_ip \
                    else []
                if item.secondary_private_ips:
                    addresses += [(("secondary_private_ips", i), a) for i, a in enumerate(item.secondary_private_ips)]
                if item.ipv6_addresses:
                    addresses += [(("ipv6_addresses", i), a) for i, a in enumerate(item.ipv6_addresses)]
                for key, address in addresses:
                    apath = (*path, *key)
                    if subnet is not None and not usable_in(address, subnet):
                        yield from check_address_in_subnet(ctx, apath, address, subnet)
                    if address in private:
                        yield from _claim_private(ctx, private, apath, address)
                    else:
                        private[address] = apath
                if item.public_address is not None:
                    yield from _claim_public(ctx, public, (*path, "public_ip"), item.public_address, "public IP")
                if item.elastic_ip is not None:
                    yield from _claim_public(ctx, public, (*path, "elastic_ip"), item.elastic_ip, "Elastic IP")
                for i, sg in enumerate(item.security_groups or ()):
                    if sg in fine_groups:
                        continue
                    if ctx.owned(Kind.SECURITY_GROUP, sg, name) is not None:
                        fine_groups.add(sg)
                    else:
                        yield from ctx.check_reference((*path, "security_groups", i), "security group", sg,
                                                       Kind.SECURITY_GROUP, name)
                if isinstance(item, NetworkInterface) and item.instance is not None:
                    yield from ctx.check_reference((*path, "instance"), "instance", item.instance, Kind.INSTANCE,
                                                   name)
        for nat_name, nat in vpc.nat_gateways.items():
            path = (*vpc_path(name), "nat_gateways", nat_name)
            if nat.elastic_ip is not None:
                yield from _claim_public(ctx, public, (*path, "elastic_ip"), nat.elastic_ip, "Elastic IP")
            if nat.private_ip is not None:
                yield from _claim_private(ctx, private, (*path, "private_ip"), nat.private_ip)
        for ep_name, ep in vpc.endpoints.items():
            for subnet_name, address in ep.addresses.items():
                path = (*vpc_path(name), "endpoints", ep_name, "addresses", subnet_name)
                yield from _claim_private(ctx, private, path, address)
