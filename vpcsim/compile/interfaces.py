"""Network interfaces before their security-group tables: instances' primary ENIs and standalone ENIs with
the addresses the file gives them, every private address the file does not give (R1.8), the instances with
their ENIs, and the indexes from an address to its ENI.

An ENI's security-group tables need every ENI's addresses (a rule may name a group, R3.4), so interfaces are
first ``EniSpec``s; ``security.compile_enis`` turns them all into ``Eni``s at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from vpcsim.compile import components as c
from vpcsim.compile.components import EniKind, Path
from vpcsim.compile.references import References, SgKeys
from vpcsim.ip import parse_address
from vpcsim.model import Topology
from vpcsim.model.index import Kind


class EniSpec(NamedTuple):
    """An ENI before its security-group tables exist: they need every ENI's addresses (SG references, R3.4)."""

    name: str
    id: str
    kind: EniKind
    vpc: str
    subnet: str
    owner: str                          # instance, NAT gateway, endpoint or attachment name ('' if none)
    private_ips: tuple[int, ...]        # IPv4, primary first; empty until ``addressed`` when the file gives none
    ipv6_ips: tuple[int, ...]
    public_ip: int | None
    security_groups: tuple[str, ...]    # keys (``References.sg_key``)
    source_dest_check: bool
    elastic: bool = False
    device_index: int = 0
    path: Path = ()


def interface_specs(topo: Topology, refs: References) -> tuple[EniSpec, ...]:
    """Instances' primary ENIs and standalone ENIs, in the file's order, with the addresses it gives them."""
    keys_of = cache(refs.sg_keys)          # ENIs with the same list of groups share one tuple of keys
    specs: list[EniSpec] = []
    for vpc_name, vpc in topo.vpcs.items():
        for name, inst in vpc.instances.items():
            specs.append(_eni_spec(refs, keys_of, vpc_name, inst.primary_eni_name(name), EniKind.INSTANCE, name,
                                   inst, ("vpcs", vpc_name, "instances", name), 0))
        for name, eni in vpc.network_interfaces.items():
            owner = refs.name_of(Kind.INSTANCE, eni.instance) if eni.instance else ""
            specs.append(_eni_spec(refs, keys_of, vpc_name, name, EniKind.INTERFACE, owner, eni,
                                   ("vpcs", vpc_name, "network_interfaces", name), eni.device_index))
    return tuple(specs)


def _eni_spec(refs: References, keys_of: SgKeys, vpc: str, name: str, kind: EniKind, owner: str, item: Any,
              path: Path, device_index: int) -> EniSpec:
    """``item`` is an instance or a network interface of the model: both spell addresses and groups alike."""
    subnet = refs.name_of(Kind.SUBNET, item.subnet)
    private: tuple[int, ...] = (parse_address(item.private_ip)[1],) if item.private_ip else ()
    if item.secondary_private_ips:
        private += tuple(parse_address(a)[1] for a in item.secondary_private_ips)
    public = item.elastic_ip or item.public_address
    return EniSpec(name, item.id if kind is EniKind.INTERFACE and item.id else name, kind, vpc, subnet, owner,
                   private, tuple(parse_address(a)[1] for a in item.ipv6_addresses) if item.ipv6_addresses else (),
                   parse_address(public)[1] if public else None, keys_of(item.security_groups, vpc),
                   item.source_dest_check, item.elastic_ip is not None, device_index, path)


@dataclass(frozen=True, slots=True)
class Addresses:
    """The private IPv4 address of every interface AWS places, keyed by the model path of what it belongs to."""

    nat_gateways: dict[Path, int]                   # NAT gateway -> its address (given or drawn)
    endpoints: dict[Path, tuple[int, ...]]          # endpoint -> one address per subnet, in the file's order
    attachments: dict[Path, tuple[int, ...]]        # TGW attachment -> one address per subnet, in order
    interfaces: dict[Path, int]                     # instance or ENI the file gives no address -> the one drawn


def allocate_addresses(topo: Topology, refs: References, subnets: dict[str, c.Subnet],
                       interfaces: tuple[EniSpec, ...]) -> Addresses:
    """R1.8: each subnet's lowest free usable address (base..base+3 and the last are reserved).

    Every address the file gives is taken first, so a drawn one never collides with it; then addresses are
    drawn for NAT gateways, endpoints, TGW attachments and last the interfaces the file gives none, each in
    the file's order, so the same file always gets the same addresses."""
    used: dict[str, set[int]] = defaultdict(set)         # subnet -> addresses taken

    def draw(subnet: str) -> int:
        cidr = subnets[subnet].cidr
        if cidr is None:
            return 0
        taken = used[subnet]
        for address in range(cidr.start + 4, cidr.end):
            if address not in taken:
                taken.add(address)
                return address
        return 0

    for spec in interfaces:
        if spec.private_ips:
            used[spec.subnet].update(spec.private_ips)
    for vpc in topo.vpcs.values():
        for nat in vpc.nat_gateways.values():
            if nat.private_ip:
                used[refs.name_of(Kind.SUBNET, nat.subnet)].add(parse_address(nat.private_ip)[1])
        for ep in vpc.endpoints.values():
            for subnet, given in ep.addresses.items():
                if given:
                    used[refs.name_of(Kind.SUBNET, subnet)].add(parse_address(given)[1])
    nat_gateways: dict[Path, int] = {}
    endpoints: dict[Path, tuple[int, ...]] = {}
    for vpc_name, vpc in topo.vpcs.items():
        for name, nat in vpc.nat_gateways.items():
            nat_gateways[("vpcs", vpc_name, "nat_gateways", name)] = parse_address(nat.private_ip)[1] \
                if nat.private_ip else draw(refs.name_of(Kind.SUBNET, nat.subnet))
    for vpc_name, vpc in topo.vpcs.items():
        for name, ep in vpc.endpoints.items():
            endpoints[("vpcs", vpc_name, "endpoints", name)] = tuple(
                parse_address(text)[1] if (text := ep.addresses.get(sname))
                else draw(refs.name_of(Kind.SUBNET, sname)) for sname in ep.subnets)
    attachments: dict[Path, tuple[int, ...]] = {}
    for tgw_name, tgw in topo.transit_gateways.items():
        for name, att in tgw.attachments.items():
            attachments[("transit_gateways", tgw_name, "attachments", name)] = tuple(
                draw(refs.name_of(Kind.SUBNET, sname)) for sname in att.subnets)
    drawn: dict[Path, int] = {spec.path: draw(spec.subnet) for spec in interfaces
                              if not spec.private_ips and subnets[spec.subnet].cidr is not None}
    return Addresses(nat_gateways, endpoints, attachments, drawn)


def addressed(interfaces: tuple[EniSpec, ...], addresses: Addresses) -> tuple[EniSpec, ...]:
    """The interfaces with the addresses drawn for those the file gives none."""
    drawn = addresses.interfaces
    if not drawn:
        return interfaces
    return tuple(spec._replace(private_ips=(drawn[spec.path],)) if spec.path in drawn else spec
                 for spec in interfaces)


def compile_instances(topo: Topology, interfaces: tuple[EniSpec, ...]) -> dict[str, c.Instance]:
    """Each instance with its ENIs: the primary, then those attached to it by device index."""
    extra: dict[str, list[tuple[int, str]]] = defaultdict(list)        # instance -> (device index, ENI)
    for spec in interfaces:
        if spec.kind is EniKind.INTERFACE and spec.owner:
            extra[spec.owner].append((spec.device_index, spec.name))
    instances: dict[str, c.Instance] = {}
    vpcs = topo.vpcs
    for spec in interfaces:     # an instance's primary ENI shares its name and path strings with it
        if spec.kind is EniKind.INSTANCE:
            name = spec.owner
            inst = vpcs[spec.vpc].instances[name]
            enis = (spec.name, *(n for _, n in sorted(extra[name]))) if name in extra else (spec.name,)
            metadata = inst.metadata
            instances[name] = c.Instance(name, inst.id or name, spec.vpc, enis, inst.state, dict(inst.tags),
                                         spec.path, metadata.http_endpoint == "enabled",
                                         metadata.http_protocol_ipv6 == "enabled", metadata.http_tokens,
                                         inst.nitro)
    return instances


class AddressIndexes(NamedTuple):
    private: dict[tuple[str, int, int], str]            # (VPC, family, address) -> ENI
    public: dict[tuple[int, int], tuple[str, int]]      # (family, public address) -> (ENI, private IPv4)


def address_indexes(enis: dict[str, c.Eni]) -> AddressIndexes:
    """Where each private address is (per VPC) and which ENI a public address (or an IPv6 one) reaches."""
    private: dict[tuple[str, int, int], str] = {}
    public: dict[tuple[int, int], tuple[str, int]] = {}
    for eni in enis.values():
        for address in eni.private_ips:
            private[(eni.vpc, 4, address)] = eni.name
        for address in eni.ipv6_ips:
            private[(eni.vpc, 6, address)] = eni.name
            public[(6, address)] = (eni.name, address)
        if eni.public_ip is not None and eni.primary_ip is not None:
            public[(4, eni.public_ip)] = (eni.name, eni.primary_ip)
    return AddressIndexes(private, public)
