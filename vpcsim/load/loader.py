"""Files -> validated ``Topology``: read YAML with positions, follow includes, check the schema, then the
rules a schema cannot say (``validate``). Every problem is collected and raised once."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.load.positions import Path, Positions
from vpcsim.load.yaml import read_yaml
from vpcsim.model import Topology
from vpcsim.suggestions import did_you_mean

MAX_INCLUDES = 256


@dataclass(frozen=True, slots=True)
class LoadedTopology:
    """A validated topology, where each of its values came from, and the warnings found on the way."""

    topology: Topology
    positions: Positions
    warnings: tuple[Diagnostic, ...] = ()
    source: str = ""


def load_topology(path: str | FsPath) -> LoadedTopology:
    """Load, merge includes, validate. Raises ``TopologyError`` with every problem found."""
    root = FsPath(path)
    data, positions = _read_with_includes(root)
    topology = parse_topology(data, positions)
    from vpcsim.load.validate import validate

    problems = list(validate(topology, positions))
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise TopologyError(sorted(errors, key=_file_order))
    warnings = tuple(sorted((d for d in problems if d.severity != "error"), key=_file_order))
    return LoadedTopology(topology, positions, warnings, str(root))


def _file_order(d: Diagnostic) -> tuple[str, int, int]:
    return d.pos.file, d.pos.line, d.pos.col


def parse_topology(data: Any, positions: Positions) -> Topology:
    """Check plain data against the schema; pydantic's errors come back positioned and in our words."""
    if not isinstance(data, dict):
        raise TopologyError([Diagnostic(positions.default, "a topology file must be a mapping of keys "
                                        "(name:, vpcs:, …), not a list or a single value")])
    try:
        return Topology.model_validate(data)
    except ValidationError as error:
        raise TopologyError(sorted(_diagnostics_of(error, positions), key=_file_order)) from None


def _diagnostics_of(error: ValidationError, positions: Positions) -> list[Diagnostic]:
    seen: set[tuple[SourcePos, str]] = set()
    result: list[Diagnostic] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path = positions.closest_path(loc)
        kind = item["type"]
        hint: str | None = None
        if kind == "extra_forbidden":
            key = str(loc[-1])
            pos = positions.of_key((*path[:-1], key)) if path and path[-1] == key else positions.of_value(path)
            model = _model_at(loc[:-1])
            allowed = sorted(model.model_fields) if model is not None else []
            message = f"unknown key {key!r}"
            hint = did_you_mean(key, allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else None)
        elif kind == "missing":
            pos = positions.of_value(path)
            message = f"missing required key {str(loc[-1])!r}"
            hint = f"add '{loc[-1]}:' here"
        else:
            pos = positions.of_value(path)
            message = _message(item, loc)
        if (pos, message) in seen:
            continue
        seen.add((pos, message))
        result.append(Diagnostic(pos, message, hint))
    return result


def _message(item: Any, loc: tuple[Any, ...]) -> str:
    msg = str(item["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    where = _field_name(loc)
    value = item.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if item["type"] in ("dict_type", "model_type"):
        return f"{where} must be a mapping (key: value lines), not {shown}"
    if item["type"] in ("list_type", "tuple_type"):
        return f"{where} must be a list, not {shown}"
    return f"{where}: {msg.lower()} (got {shown})"


def _field_name(loc: tuple[Any, ...]) -> str:
    names = [str(p) for p in loc if isinstance(p, str) and not p.startswith(("function-", "tagged-"))]
    return f"'{names[-1]}'" if names else "the value"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk the schema along ``loc`` to find which model a key was given to (for 'allowed keys' hints)."""
    state: Any = Topology
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(state, _DictOf):
            state = state.model
            continue
        if isinstance(state, type) and issubclass(state, BaseModel):
            field = state.model_fields.get(str(part))
            state = _inner_model(field.annotation) if field is not None else state
    return state if isinstance(state, type) and issubclass(state, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(typing.get_args(annotation)):
        found = _inner_model(arg)
        if found is not None:
            return _DictOf(found) if typing.get_origin(annotation) is dict else found
    return None


class _DictOf:
    """Marks a ``dict[name, Model]`` step: the next loc part is a user-chosen name."""

    def __init__(self, model: Any) -> None:
        self.model = model


def _read_with_includes(root: FsPath) -> tuple[Any, Positions]:
    data, positions = read_yaml(root)
    if not isinstance(data, dict) or "include" not in data:
        return data, positions
    folder = root.resolve().parent
    problems: list[Diagnostic] = []
    queue: list[tuple[Any, Path, Positions]] = [(data.get("include"), ("include",), positions)]
    seen = {root.resolve()}
    while queue:
        includes, at, where = queue.pop(0)
        if not isinstance(includes, list):
            problems.append(Diagnostic(where.of_value(at), "'include' must be a list of file names"))
            continue
        for index, name in enumerate(includes):
            pos = where.of_value((*at, index))
            if not isinstance(name, str):
                problems.append(Diagnostic(pos, "an include entry must be a file name"))
                continue
            target = (folder / name).resolve()
            if not target.is_relative_to(folder):
                problems.append(Diagnostic(pos, f"include {name!r} leaves the topology's folder",
                                           hint="included files must live beside the topology or below it"))
                continue
            if target in seen:
                continue
            if len(seen) > MAX_INCLUDES:
                problems.append(Diagnostic(pos, "more than 256 included files"))
                break
            seen.add(target)
            try:
                extra, extra_positions = read_yaml(target, display=str(FsPath(root.parent, name)))
            except TopologyError as error:
                problems.extend(error.diagnostics)
                continue
            if not isinstance(extra, dict):
                problems.append(Diagnostic(extra_positions.default, "an included file must be a mapping"))
                continue
            problems.extend(_merge_into(data, positions, extra, extra_positions))
            if "include" in extra:
                queue.append((extra["include"], ("include",), extra_positions))
    if problems:
        raise TopologyError(problems)
    data = {k: v for k, v in data.items() if k != "include"}
    return data, positions


_SECTIONS = ("vpcs", "transit_gateways", "peering", "vpn_connections", "direct_connect", "prefix_lists",
             "hosted_zones", "external")


def _merge_into(data: dict[str, Any], positions: Positions, extra: dict[str, Any],
                extra_positions: Positions) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for key, value in extra.items():
        if key == "include":
            continue
        if key not in _SECTIONS:
            if key in data and data[key] != value:
                problems.append(Diagnostic(extra_positions.of_key((key,)),
                                           f"{key!r} is already set by the including file",
                                           hint="set top-level values once, in the main file"))
            continue
        if not isinstance(value, dict):
            problems.append(Diagnostic(extra_positions.of_value((key,)), f"{key!r} must be a mapping of names"))
            continue
        section = data.setdefault(key, {})
        if not isinstance(section, dict):
            continue
        if (key,) not in positions.values:
            positions.values[(key,)] = extra_positions.of_value((key,))
        for name, item in value.items():
            if name in section:
                first = positions.of_key((key, name))
                problems.append(Diagnostic(extra_positions.of_key((key, name)),
                                           f"{key[:-1] if key.endswith('s') else key} {name!r} is defined twice",
                                           hint=f"it is also defined at {first}"))
                continue
            section[name] = item
    for path, pos in extra_positions.values.items():
        if path and path[0] in _SECTIONS:
            positions.values.setdefault(path, pos)
    for path, pos in extra_positions.keys.items():
        if path and path[0] in _SECTIONS:
            positions.keys.setdefault(path, pos)
    return problems
