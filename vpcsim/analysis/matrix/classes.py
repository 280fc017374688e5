"""The members of a matrix, and the classes of members that no route or rule can tell apart.

The members of a network (the ends of its matrix pairs) are ``internet``, every external site, every
instance (through its primary ENI) and every standalone network interface. (They are not called endpoints:
that word is taken by VPC endpoints.) Two interfaces are *indistinguishable to the network* when they sit
in the same subnet (same route table, NACL, AZ, VPC), their addresses fall in the same *address atom* (no
prefix of any route, rule, prefix list, CIDR or endpoint policy separates them), they agree on having a
public address, and they belong to the same security groups among those that appliances' rules reference.
That is the *net class* (``net_key``). Adding the security groups themselves gives the *fine class*
(``fine_key``): members of one fine class get identical answers from every trace, with every peer.

Some interfaces are kept alone (``special``): appliances (source/destination check off — they forward other
people's packets), targets of a route (packets for their neighbours may be sent to them), interfaces with no
IPv4 address, and interfaces whose address another VPC also uses (a reply may reach the wrong one, R9.6).
Pairs that involve them are traced one by one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field

from vpcsim.compile.components import Eni, EniKind, TargetKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.address_atoms import prefix_ranges, shared_addresses
from vpcsim.engine.ends import resolve

MEMBER_ENI_KINDS = (EniKind.INSTANCE, EniKind.INTERFACE)


@dataclass(frozen=True, slots=True)
class Member:
    """One end of a matrix pair: a name ``Network.trace`` accepts, and its interface when it has one."""

    name: str
    kind: str                      # internet | site | eni
    eni: Eni | None = None


def members_of(net: CompiledNetwork) -> tuple[Member, ...]:
    """``internet``, the external sites, the instances, then the standalone interfaces (topology order)."""
    found: list[Member] = [Member("internet", "internet")]
    found += [Member(name, "site") for name in net.external]
    primary: set[str] = set()
    for name, instance in net.instances.items():
        if instance.enis and instance.enis[0] in net.enis:
            primary.add(instance.enis[0])
            found.append(Member(name, "eni", net.enis[instance.enis[0]]))
    taken = {e.name for e in found}
    for name, eni in net.enis.items():
        if eni.kind in MEMBER_ENI_KINDS and name not in primary and name not in taken:
            found.append(Member(name, "eni", eni))
    return tuple(found)


class AddressAtoms:
    """Cuts each address family at every prefix boundary the network knows (``engine.address_sets.prefix_ranges``,
    and the addresses two VPCs share, but not every interface's own address: members of one subnet stay
    together); ``of`` numbers the piece."""

    def __init__(self, net: CompiledNetwork) -> None:
        cuts: dict[int, set[int]] = {4: set(), 6: set()}
        for family, start, end in prefix_ranges(net):
            cuts[family].update((start, end + 1))
        for address in shared_addresses(net):     # an address two VPCs use is an atom of its own
            cuts[address[0]].update((address[1], address[1] + 1))
        self._cuts = {family: tuple(sorted(values)) for family, values in cuts.items()}

    def of(self, family: int, address: int | None) -> int | None:
        if address is None:
            return None
        return bisect_right(self._cuts[family], address)


class MemberClasses:
    """Net and fine classes of a network's members (module docstring), computed once per network."""

    def __init__(self, net: CompiledNetwork, members: tuple[Member, ...] | None = None) -> None:
        self.net = net
        self.members = members if members is not None else members_of(net)
        self.by_name = {e.name: e for e in self.members}
        self.atoms = AddressAtoms(net)
        self.shared = shared_addresses(net)
        self.appliance_groups = _appliance_referenced_groups(net)
        self.route_targets = frozenset(r.target for table in net.route_tables.values() for r in table.routes
                                       if r.target_kind is TargetKind.NETWORK_INTERFACE)

    def is_special(self, member: Member) -> bool:
        eni = member.eni
        if eni is None:
            return False
        return (not eni.source_dest_check or eni.primary_ip is None or eni.name in self.route_targets
                or any((4, a) in self.shared for a in eni.private_ips)
                or any((6, a) in self.shared for a in eni.ipv6_ips))

    def net_key(self, member: Member) -> Hashable:
        eni = member.eni
        if eni is None:
            return (member.kind, member.name)
        if self.is_special(member):
            return ("special", eni.name)
        atoms = self.atoms
        return ("eni", eni.subnet, tuple(atoms.of(4, a) for a in eni.private_ips),
                tuple(atoms.of(6, a) for a in eni.ipv6_ips), atoms.of(4, eni.public_ip),
                tuple(g for g in eni.security_groups if g in self.appliance_groups))

    def fine_key(self, member: Member) -> Hashable:
        eni = member.eni
        return (self.net_key(member), eni.security_groups if eni is not None else ())


def _appliance_referenced_groups(net: CompiledNetwork) -> frozenset[str]:
    """Security groups that rules of appliances (ENIs that forward, R2.21) reference by name."""
    groups: set[str] = set()
    for eni in net.enis.values():
        if eni.source_dest_check:
            continue
        for table in (eni.ingress, eni.egress):
            if table is None:
                continue
            for rules in table.by_protocol.values():
                groups.update(r.peer.security_group for r in rules if r.peer.security_group)
    return frozenset(groups)


@dataclass(slots=True)
class NetClass:
    """Members no route or NACL can tell apart (``MemberClasses.net_key``), split into fine classes."""

    index: int
    members: list[Member]
    special: bool                                                 # trace its pairs one by one
    fine: list[list[Member]] = field(default_factory=list)        # members split by security groups
    names: tuple[str, ...] = ()
    groups: frozenset[str] = frozenset()                          # every SG some member belongs to
    address: int | None = None                                    # its members' IPv4 address as a destination
    vpc: str | None = None                                        # its interfaces' VPC

    @property
    def eni(self) -> Eni | None:
        return self.members[0].eni


class NetClasses:
    """The net classes of a set of members, in topology order (``classes``) and in destination order
    (``ordered``: by address, so the members of any CIDR are consecutive)."""

    def __init__(self, classes: MemberClasses) -> None:
        by_key: dict[Hashable, NetClass] = {}
        fine: dict[int, dict[Hashable, list[Member]]] = {}
        for member in classes.members:
            key = classes.net_key(member)
            found = by_key.get(key)
            if found is None:
                special = classes.is_special(member) or _ipv6_site(classes.net, member)
                found = by_key[key] = NetClass(len(by_key), [], special)
            found.members.append(member)
            groups = member.eni.security_groups if member.eni is not None else ()
            fine.setdefault(found.index, {}).setdefault(groups, []).append(member)     # fine_key, given key
        for cls in by_key.values():
            cls.fine = list(fine[cls.index].values())
            cls.names = tuple(e.name for e in cls.members)
            cls.groups = frozenset(g for e in cls.members if e.eni is not None for g in e.eni.security_groups)
            first = cls.members[0]
            cls.vpc = first.eni.vpc if first.eni is not None else None
            if not cls.special:
                cls.address = resolve(classes.net, first.name, "to").address_for(4)
        self.classes = list(by_key.values())
        self.of = {e.name: cls for cls in self.classes for e in cls.members}
        self.ordered = sorted(self.classes, key=_destination_order)


def _destination_order(cls: NetClass) -> tuple[int, int, int]:
    return (cls.address is None, cls.address or 0, cls.index)


def _ipv6_site(net: CompiledNetwork, member: Member) -> bool:
    return member.kind == "site" and net.external[member.name].cidrs[0].family != 4
