"""An imported topology must load: validate it, and leave out what AWS data cannot make valid, with a warning.

Real accounts hold things the schema or the validator refuse (a security group rule that names a group across
an inactive peering, two addresses claimed twice after a resource moved, a route to a target that no longer
exists). Refusing the whole import over one of them would make real snapshots unusable, so each error is
mapped back to the smallest piece of the topology that carries it — a route, a rule, a reference, a resource —
and that piece is left out (a route whose target is unusable becomes a blackhole, as AWS shows it). The loop
runs until the topology validates; what still fails then is reported as positioned errors.

To know which model path an error is about, validation first runs against *probe* positions: every path gets a
position of its own, so an error's position names its path. The final pass runs against the real positions,
so every warning left points into the input files.
"""

from __future__ import annotations

import re
from typing import Any

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.load.loader import LoadedTopology, parse_topology
from vpcsim.load.positions import Path, Positions
from vpcsim.load.standins import fill
from vpcsim.load.validate import validate
from vpcsim.model import Topology

MAX_ROUNDS = 25

# Resource collections of a VPC (``vpcs.<vpc>.<collection>.<name>``) and of a transit gateway.
_VPC_COLLECTIONS = {"subnets": "subnet", "route_tables": "route table", "nat_gateways": "NAT gateway",
                    "endpoints": "endpoint", "security_groups": "security group", "network_acls": "network ACL",
                    "instances": "instance", "network_interfaces": "network interface"}
_TGW_COLLECTIONS = {"route_tables": "transit gateway route table", "attachments": "transit gateway attachment"}
_SECTIONS = {"vpcs": "VPC", "transit_gateways": "transit gateway", "peering": "peering connection",
             "vpn_connections": "VPN connection", "direct_connect": "Direct Connect connection",
             "prefix_lists": "prefix list", "hosted_zones": "hosted zone", "external": "external site"}
# Fields that can be left out on their own: the resource stays, with the AWS default in their place.
_OPTIONAL_RESOURCE_FIELDS = {"route_table", "network_acl", "instance", "public_ip", "elastic_ip", "main", "default",
                             "eni", "az_id", "private_ip"}
_OPTIONAL_VPC_FIELDS = {"internet_gateway", "egress_only_internet_gateway", "vpn_gateway", "dns", "flow_logs"}
_OPTIONAL_TGW_FIELDS = {"default_route_table"}


def settle(data: dict[str, Any], positions: Positions, warnings: list[Diagnostic], source: str) -> LoadedTopology:
    """Validate imported ``data``; leave out what cannot be valid (warning each); return the loaded topology.

    Raises ``TopologyError`` (positioned in the input files) only for what no repair can fix.
    """
    notes: list[Diagnostic] = []
    errors: list[Diagnostic] = []
    for _ in range(MAX_ROUNDS):
        topology, problems = _check(data, positions)
        errors = [d for d in problems if d.severity == "error"]
        if topology is not None and not errors:
            topology, stand_ins = fill(topology, positions)     # R1.14: only where the input gave no answer
            found = [*warnings, *notes, *stand_ins, *(d for d in problems if d.severity != "error")]
            return LoadedTopology(topology, positions, tuple(sorted(_unique(found), key=_order)), source)
        probe, paths = _probe(positions)
        _, probed = _check(data, probe)
        if not _repair(data, positions, [d for d in probed if d.severity == "error"], paths, notes):
            break
    raise TopologyError(sorted(errors, key=_order))


def _check(data: dict[str, Any], positions: Positions) -> tuple[Topology | None, list[Diagnostic]]:
    """The topology (None when the schema refuses it) and every diagnostic of the schema or the validator."""
    try:
        topology = parse_topology(data, positions)
    except TopologyError as error:
        return None, list(error.diagnostics)
    return topology, list(validate(topology, positions))


def _order(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.pos.file, d.pos.line, d.pos.col, d.message


def _unique(items: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[SourcePos, str]] = set()
    result = []
    for d in items:
        if (d.pos, d.message) not in seen:
            seen.add((d.pos, d.message))
            result.append(d)
    return result


_PROBE_FILE = "\x00probe"


def _probe(positions: Positions) -> tuple[Positions, dict[SourcePos, Path]]:
    """Positions in which every path has a position of its own, and the way back from position to path."""
    probe = Positions(default=SourcePos(_PROBE_FILE, 0, 0))
    paths: dict[SourcePos, Path] = {}
    for n, path in enumerate(sorted(set(positions.values) | set(positions.keys), key=_path_key)):
        where = SourcePos(_PROBE_FILE, n + 1, 1)
        probe.values[path] = where
        probe.keys[path] = where
        paths[where] = path
    return probe, paths


def _path_key(path: Path) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _repair(data: dict[str, Any], positions: Positions, errors: list[Diagnostic], paths: dict[SourcePos, Path],
            notes: list[Diagnostic]) -> bool:
    """Apply one round of repairs; False when none of the errors could be repaired."""
    removals: dict[Path, Diagnostic] = {}
    changed = False
    for error in errors:
        path = paths.get(error.pos)
        if path is None:
            continue
        message = _real(error.message, paths, positions)
        where = positions.of_value(path)
        if _blackhole_route(data, path):
            notes.append(Diagnostic(where, f"{_describe(path[:-1])}: {message}; imported as a blackhole route",
                                    severity="warning"))
            changed = True
            continue
        unit = _unit(path)
        if unit is not None and _exists(data, unit):
            removals.setdefault(unit, Diagnostic(where, f"{_describe(unit)} left out: {message}",
                                                 _real(error.hint, paths, positions), severity="warning"))
    units = [u for u in removals if not any(u[:n] in removals for n in range(1, len(u)))]
    for unit in sorted(units, key=_path_key, reverse=True):
        _remove(data, unit)
        notes.append(removals[unit])
    if units:
        _forget(positions, units)
    return changed or bool(units)


def _real(text: str | None, paths: dict[SourcePos, Path], positions: Positions) -> str | None:
    """A message or hint that quotes probe positions, with the real positions in their place."""
    if text is None or _PROBE_FILE not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        path = paths.get(SourcePos(_PROBE_FILE, int(match[1]), 1))
        return str(positions.of_value(path)) if path is not None else "?"

    return re.sub(re.escape(_PROBE_FILE) + r":(\d+):1", swap, text)


def _blackhole_route(data: dict[str, Any], path: Path) -> bool:
    """A route whose target (or TGW route whose attachment) is unusable becomes a blackhole, as in AWS."""
    if len(path) == 7 and path[0] == "vpcs" and path[2] == "route_tables" and path[4] == "routes" \
            and path[6] == "target":
        route = _get(data, path[:6])
        if isinstance(route, dict) and route.get("target") != "blackhole":
            route["target"] = "blackhole"
            return True
    if len(path) == 7 and path[0] == "transit_gateways" and path[2] == "route_tables" and path[4] == "routes" \
            and path[6] == "attachment":
        route = _get(data, path[:6])
        if isinstance(route, dict) and route.get("attachment") is not None:
            route.pop("attachment")
            route["blackhole"] = True
            return True
    return False


def _unit(path: Path) -> Path | None:
    """The smallest piece of the topology an error at ``path`` can be removed with."""
    if not path:
        return None
    section = path[0]
    if section == "vpcs" and len(path) >= 4 and path[2] in _VPC_COLLECTIONS:
        if len(path) >= 6 and isinstance(path[5], int | str) and path[4] in (
                "routes", "ingress", "egress", "subnets", "propagate", "security_groups", "route_tables",
                "secondary_private_ips", "ipv6_addresses", "addresses"):
            return path[:6]
        if len(path) >= 5 and path[4] in _OPTIONAL_RESOURCE_FIELDS:
            return path[:5]
        return path[:4]
    if section == "vpcs" and len(path) >= 3:
        if path[2] in _OPTIONAL_VPC_FIELDS:
            return path[:3]
        if path[2] in ("secondary_cidrs", "ipv6_cidrs") and len(path) >= 4:
            return path[:4]
        return path[:2]
    if section == "transit_gateways" and len(path) >= 4 and path[2] in _TGW_COLLECTIONS:
        if len(path) >= 6 and path[4] in ("routes", "propagations", "subnets"):
            return path[:6]
        if len(path) >= 5 and path[4] == "route_table":
            return path[:5]
        return path[:4]
    if section == "transit_gateways" and len(path) >= 3 and path[2] in _OPTIONAL_TGW_FIELDS:
        return path[:3]
    if section in _SECTIONS and len(path) >= 2:
        if section == "external" and len(path) >= 4 and path[2] == "via":
            return path[:4]
        return path[:2]
    return None


def _describe(path: Path) -> str:
    """A piece of the topology in words: "route #2 of route table 'rtb-1'", "instance 'i-1'"."""
    if path[0] == "vpcs":
        if len(path) == 2:
            return f"VPC {path[1]!r}"
        if len(path) == 3:
            return f"{str(path[2]).replace('_', ' ')} of VPC {path[1]!r}"
        if path[2] in _VPC_COLLECTIONS:
            owner = f"{_VPC_COLLECTIONS[str(path[2])]} {path[3]!r}"
            if len(path) == 4:
                return owner
            return _member(path[4:], owner)
        return f"{path[2]} #{path[3]} of VPC {path[1]!r}" if isinstance(path[3], int) else \
            f"{path[2]} {path[3]!r} of VPC {path[1]!r}"
    if path[0] == "transit_gateways":
        if len(path) == 2:
            return f"transit gateway {path[1]!r}"
        if len(path) == 3:
            return f"{str(path[2]).replace('_', ' ')} of transit gateway {path[1]!r}"
        owner = f"{_TGW_COLLECTIONS.get(str(path[2]), str(path[2]))} {path[3]!r}"
        return owner if len(path) == 4 else _member(path[4:], owner)
    owner = f"{_SECTIONS.get(str(path[0]), str(path[0]))} {path[1]!r}"
    return owner if len(path) == 2 else _member(path[2:], owner)


_MEMBER_WORDS = {"routes": "route", "ingress": "ingress rule", "egress": "egress rule", "subnets": "subnet",
                 "propagate": "propagating gateway", "security_groups": "security group",
                 "route_tables": "route table", "propagations": "propagation", "via": "connection",
                 "secondary_private_ips": "secondary private IP", "ipv6_addresses": "IPv6 address",
                 "addresses": "address"}


def _member(rest: Path, owner: str) -> str:
    head = str(rest[0])
    if len(rest) >= 2 and isinstance(rest[1], int):
        return f"{_MEMBER_WORDS.get(head, head)} #{rest[1] + 1} of {owner}"
    if len(rest) >= 2:
        return f"{_MEMBER_WORDS.get(head, head)} {rest[1]!r} of {owner}"
    return f"'{head}' of {owner}"


def _get(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _exists(data: Any, path: Path) -> bool:
    parent = _get(data, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        return last in parent
    return isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent)


def _remove(data: Any, path: Path) -> None:
    parent = _get(data, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent.pop(last)


def _forget(positions: Positions, removed: list[Path]) -> None:
    """Drop the positions under removed paths and renumber what follows a removed list item."""
    gone = set(removed)
    dropped_items: dict[Path, list[int]] = {}
    for path in removed:
        if isinstance(path[-1], int):
            dropped_items.setdefault(path[:-1], []).append(path[-1])
    for table in (positions.values, positions.keys):
        moved: dict[Path, SourcePos] = {}
        for path, where in table.items():
            if any(path[:n] in gone for n in range(1, len(path) + 1)):
                continue
            new = list(path)
            for n in range(1, len(path)):
                indexes = dropped_items.get(path[:n])
                index = path[n]
                if indexes is not None and isinstance(index, int):
                    new[n] = index - sum(1 for i in indexes if i < index)
            moved[tuple(new)] = where
        table.clear()
        table.update(moved)
