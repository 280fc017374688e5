"""Stand-in public addresses: the one allocator of documentation addresses for public IPs nobody wrote down.

AWS assigns an instance a public IPv4 address at launch when its subnet maps one (``MapPublicIpOnLaunch``) or
the launch asks for one, and only to a *new* primary interface (device index 0); the address is AWS's choice
(R1.14). A design file cannot know it, and a Terraform plan knows it only after apply. Both get a stand-in from
the documentation ranges (RFC 5737), chosen by a hash of the owner's name so that the same topology always
gets the same addresses and adding an instance does not move the others'. A stand-in never collides with an
address the topology writes anywhere (a public IP, an Elastic IP, a rule's or route's host or small range): a
prefix that covers a whole pool or more says nothing about single addresses and does not count.

``fill`` gives the instances of ``map_public_ip`` subnets their stand-ins after validation (YAML files and
imports alike: importers write ``public_ip: none`` where the input says there is no public address) and
announces them in one note.
"""

from __future__ import annotations

import zlib
from collections.abc import Container, Iterator
from typing import Any

from pydantic import BaseModel

from vpcsim.errors import Diagnostic
from vpcsim.ip import Prefix, format_address, parse_prefix, read_cidr
from vpcsim.load.positions import Path, Positions
from vpcsim.model import Topology
from vpcsim.model.index import Kind, index_topology

PLACEHOLDER_POOLS = ("203.0.113.0/24", "192.0.2.0/24")      # RFC 5737 documentation ranges (TEST-NET-3, -1)
_POOLS: tuple[Prefix, ...] = tuple(parse_prefix(pool) for pool in PLACEHOLDER_POOLS)


def stand_in(owner: str, taken: Container[str]) -> str | None:
    """A documentation address for ``owner`` that is not in ``taken``, stable for the same owner and ``taken``
    (None when every address of every pool is taken). The caller adds it to ``taken``."""
    for pool in _POOLS:
        hosts = pool.size - 2                                  # neither the pool's first nor its last address
        start = zlib.crc32(owner.encode()) % hosts
        for step in range(hosts):
            candidate = format_address(4, pool.start + 1 + (start + step) % hosts)
            if candidate not in taken:
                return candidate
    return None


def addresses_in_use(topology: Topology) -> set[str]:
    """Every pool address the topology writes: addresses, and CIDRs smaller than a whole pool, anywhere."""
    taken: set[str] = set()
    for text in _strings(topology):
        if "." not in text or not text[:1].isdigit():
            continue
        found = read_cidr(text)
        if found is None or found[0].family != 4:
            continue
        prefix = found[0]
        for pool in _POOLS:
            if prefix.overlaps(pool) and pool.covers(prefix):
                taken.update(format_address(4, a) for a in range(prefix.start, prefix.end + 1))
    return taken


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)


def _candidates(topology: Topology) -> list[tuple[str, str]]:
    """(VPC, instance) of each instance that AWS gives a public address at launch and the file gives none:
    its subnet maps public IPs, and neither ``public_ip`` (an address or ``none``) nor ``elastic_ip`` is set."""
    index = index_topology(topology)
    found = []
    for vpc_name, vpc in topology.vpcs.items():
        for name, inst in vpc.instances.items():
            if inst.public_ip is not None or inst.elastic_ip is not None:
                continue
            subnet = index.get(Kind.SUBNET, inst.subnet)
            if subnet is not None and subnet.obj.map_public_ip and subnet.obj.cidr is not None:   # IPv6-only: none
                found.append((vpc_name, name))
    return found


def fill(topology: Topology, positions: Positions) -> tuple[Topology, tuple[Diagnostic, ...]]:
    """The topology with a stand-in public IPv4 address on each instance of a ``map_public_ip`` subnet that
    has none (R1.14), and the one note that says so; the topology itself when there is none to give."""
    candidates = _candidates(topology)
    if not candidates:
        return topology, ()
    taken = addresses_in_use(topology)
    given: dict[str, dict[str, str]] = {}
    short: list[tuple[str, str]] = []
    for vpc_name, name in candidates:
        address = stand_in(name, taken)
        if address is None:
            short.append((vpc_name, name))
            continue
        taken.add(address)
        given.setdefault(vpc_name, {})[name] = address
    vpcs = dict(topology.vpcs)
    for vpc_name, addresses in given.items():
        vpc = vpcs[vpc_name]
        instances = dict(vpc.instances)
        for name, address in addresses.items():
            instances[name] = instances[name].model_copy(update={"public_ip": address})
        vpcs[vpc_name] = vpc.model_copy(update={"instances": instances})
    filled = topology.model_copy(update={"vpcs": vpcs})
    return filled, tuple(_notes(positions, given, short))


def _notes(positions: Positions, given: dict[str, dict[str, str]], short: list[tuple[str, str]]) -> list[Diagnostic]:
    """One note for every stand-in given (at the first one's subnet), one warning for those left without."""
    notes = []
    pairs = [(vpc, name, address) for vpc, addresses in given.items() for name, address in addresses.items()]
    if pairs:
        count = len(pairs)
        shown = ", ".join(f"{name} {address}" for _, name, address in pairs[:5])
        more = f" and {count - 5} more" if count > 5 else ""
        first: Path = ("vpcs", pairs[0][0], "instances", pairs[0][1])
        notes.append(Diagnostic(positions.of_key(first), f"{count} instance{'s' if count != 1 else ''} in subnets "
                                f"with map_public_ip got a stand-in public IP from a documentation range (RFC 5737): "
                                f"{shown}{more}",
                                hint="AWS picks the real address at launch (R1.14); write public_ip: <address> for "
                                "the real one, or public_ip: none for an instance launched without one",
                                severity="note"))
    if short:
        notes.append(Diagnostic(positions.of_key(("vpcs", short[0][0], "instances", short[0][1])),
                                "no documentation address is left for a stand-in public IP of "
                                f"{', '.join(name for _, name in short)}: they have none",
                                hint="write public_ip: <address> for each of them", severity="warning"))
    return notes
