"""Files -> validated ``Topology``: read YAML with positions, follow includes, check the schema (its errors
said in our words by ``schema_errors``), then the rules a schema cannot say (``validate``). Every problem is
collected and raised once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from vpcsim.errors import Diagnostic, TopologyError
from vpcsim.load.positions import Positions
from vpcsim.load.schema_errors import describe, diagnostics_of
from vpcsim.load.standins import fill
from vpcsim.load.yaml import read_yaml
from vpcsim.model import Topology

MAX_INCLUDES = 256


@dataclass(frozen=True, slots=True)
class LoadedTopology:
    """A validated topology, where each of its values came from, and the warnings found on the way."""

    topology: Topology
    positions: Positions
    warnings: tuple[Diagnostic, ...] = ()
    source: str = ""
    files: tuple[str, ...] = ()          # every file read (resolved paths): what a cached network depends on


def load_topology(path: str | FsPath) -> LoadedTopology:
    """Load, merge includes, validate. Raises ``TopologyError`` with every problem found."""
    root = FsPath(path)
    data, positions, files = _read_with_includes(root)
    topology = parse_topology(data, positions)
    from vpcsim.load.validate import validate

    problems = list(validate(topology, positions))
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise TopologyError(sorted(errors, key=_file_order))
    topology, notes = fill(topology, positions)         # R1.14: map_public_ip without an address written
    warnings = tuple(sorted((d for d in [*problems, *notes] if d.severity != "error"), key=_file_order))
    return LoadedTopology(topology, positions, warnings, str(root), files)


def _file_order(d: Diagnostic) -> tuple[str, int, int]:
    return d.pos.file, d.pos.line, d.pos.col


def parse_topology(data: Any, positions: Positions) -> Topology:
    """Check plain data against the schema; pydantic's errors come back positioned and in our words."""
    if not isinstance(data, dict):
        raise TopologyError([Diagnostic(positions.default, "a topology file must be a mapping of keys "
                                        f"(name:, vpcs:, …), not {describe(data)}",
                                        hint="start the file with 'vpcs:' at the beginning of a line")])
    try:
        return Topology.model_validate(data)
    except ValidationError as error:
        raise TopologyError(sorted(diagnostics_of(error, data, positions), key=_file_order)) from None


def _read_with_includes(root: FsPath, deferred: bool = True) -> tuple[Any, Positions, tuple[str, ...]]:
    """Read ``root`` and merge every file it includes (and they include), confined to root's folder.

    With ``deferred`` (the default), positions are read only when one is asked for (``Positions.deferred``).
    An include is relative to the file that names it. Sections (``vpcs``, ``peering``…) merge by name and a
    name defined twice is an error; other top-level keys may be given once, in any of the files.
    """
    data, positions = read_yaml(root, deferred=deferred)
    if not isinstance(data, dict) or "include" not in data:
        return data, positions, (str(root.resolve()),)
    folder = root.resolve().parent
    problems: list[Diagnostic] = []
    queue: list[tuple[Any, Positions, FsPath, str]] = [
        (data.get("include"), positions, root.resolve(), str(root))]
    seen = {root.resolve()}
    while queue:
        includes, where, including, shown = queue.pop(0)
        if not isinstance(includes, list):
            problems.append(Diagnostic(where.of_value(("include",)), "'include' must be a list of file names",
                                       hint="write include: [other.yaml]"))
            continue
        for index, name in enumerate(includes):
            at = ("include", index)      # looked up only for a problem: positions are read lazily
            if not isinstance(name, str) or not name.strip():
                problems.append(Diagnostic(where.of_value(at), "an include entry must be a file name",
                                           hint="write include: [other.yaml]"))
                continue
            target = (including.parent / name).resolve()
            if not target.is_relative_to(folder):
                problems.append(Diagnostic(where.of_value(at), f"include {name!r} leaves the topology's folder",
                                           hint="included files must live beside the topology or below it"))
                continue
            if not target.is_file():
                what = "is a folder, not a file" if target.is_dir() else "does not exist"
                problems.append(Diagnostic(where.of_value(at), f"included file {name!r} {what}",
                                           hint="include paths are relative to the file that names them"))
                continue
            if target in seen:
                continue
            if len(seen) > MAX_INCLUDES:
                problems.append(Diagnostic(where.of_value(at), "more than 256 included files",
                                           hint="merge some of the included files"))
                break
            seen.add(target)
            display = str(FsPath(shown).parent / name)
            try:
                extra, extra_positions = read_yaml(target, display=display, deferred=deferred)
            except TopologyError as error:
                problems.extend(error.diagnostics)
                continue
            if not isinstance(extra, dict):
                problems.append(Diagnostic(extra_positions.default, "an included file must be a mapping of "
                                           f"keys (vpcs:, peering:, …), not {describe(extra)}",
                                           hint="start the file with 'vpcs:' at the beginning of a line"))
                continue
            problems.extend(_merge_into(data, positions, extra, extra_positions))
            if "include" in extra:
                queue.append((extra["include"], extra_positions, target, display))
    if problems:
        raise TopologyError(sorted(problems, key=_file_order))
    data = {k: v for k, v in data.items() if k != "include"}
    return data, positions, tuple(sorted(str(path) for path in seen))


_SECTIONS = {"vpcs": "VPC", "transit_gateways": "transit gateway", "peering": "peering connection",
             "vpn_connections": "VPN connection", "direct_connect": "Direct Connect connection",
             "prefix_lists": "prefix list", "hosted_zones": "hosted zone", "external": "external site"}


def _merge_into(data: dict[str, Any], positions: Positions, extra: dict[str, Any],
                extra_positions: Positions) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for key, value in extra.items():
        if key == "include":
            continue
        if key not in _SECTIONS:
            if key not in data:           # given once, in an included file: take it (and its positions)
                data[key] = value
                positions.adopt(extra_positions, key)
            elif data[key] != value:
                problems.append(Diagnostic(extra_positions.of_key((key,)),
                                           f"{key!r} is already set by the including file",
                                           hint=f"it is set at {positions.of_key((key,))}; set top-level "
                                           "values once"))
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(Diagnostic(extra_positions.of_value((key,)), f"{key!r} must be a mapping of "
                                       f"names, not {describe(value)}",
                                       hint="write its entries as indented 'name: value' lines below it"))
            continue
        section = data.get(key)
        if section is None:
            section = data[key] = {}
        if not isinstance(section, dict):
            continue
        positions.adopt(extra_positions, key, exact=True)
        for name, item in value.items():
            if name in section:
                problems.append(Diagnostic(extra_positions.of_key((key, name)),
                                           f"{_SECTIONS[key]} {name!r} is defined twice",
                                           hint=f"it is also defined at {positions.of_key((key, name))}; "
                                           "an included file can add resources but not redefine them"))
                continue
            section[name] = item
            positions.adopt(extra_positions, key, name)
    return problems
