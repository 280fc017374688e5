"""Safe YAML reading that keeps every value's position (DESIGN §7: PyYAML's C composer + our own walk).

The walk also does what PyYAML does not: it rejects duplicate keys, and it bounds the number of nodes so
that alias bombs ("billion laughs") end in a diagnostic instead of eating the machine.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import yaml

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.load.positions import Path, Positions

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 64

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[assignment]
_SCALARS = yaml.SafeLoader("")


def _pos(file: str, mark: Any) -> SourcePos:
    return SourcePos(file, mark.line + 1, mark.column + 1)


class _Walk:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions(default=SourcePos(file, 1, 1))
        self.problems: list[Diagnostic] = []
        self.count = 0

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(_pos(self.file, node.start_mark))
        if len(path) > MAX_DEPTH:
            raise _TooBig(_pos(self.file, node.start_mark), "nesting is deeper than 64 levels")
        self.positions.values[path] = _pos(self.file, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:merge":
            return node.value
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return str(node.value)
        return _SCALARS.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Diagnostic(_pos(self.file, key_node.start_mark),
                                                "mapping keys must be plain names, not lists or mappings"))
                continue
            key = _SCALARS.construct_object(key_node)
            key = key if isinstance(key, str) else str(key).lower() if isinstance(key, bool) else str(key)
            if key == "<<":
                self.problems.append(Diagnostic(_pos(self.file, key_node.start_mark),
                                                "YAML merge keys ('<<') are not supported",
                                                hint="write the keys out, or use 'include:'"))
                continue
            if key in result:
                first = self.positions.keys[(*path, key)]
                self.problems.append(Diagnostic(
                    _pos(self.file, key_node.start_mark), f"duplicate key {key!r}",
                    hint=f"it was already given at line {first.line}; names must be unique"))
                continue
            self.positions.keys[(*path, key)] = _pos(self.file, key_node.start_mark)
            result[key] = self.value(value_node, (*path, key))
        return result


class _TooBig(Exception):
    def __init__(self, pos: SourcePos, why: str = "it expands to more than 2,000,000 values") -> None:
        self.pos, self.why = pos, why


def read_yaml(path: FsPath, display: str | None = None) -> tuple[Any, Positions]:
    """Read one YAML (or JSON) file into plain data plus the position of every value."""
    name = display or str(path)
    start = SourcePos(name, 1, 1)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TopologyError([Diagnostic(start, "no such file", hint="check the path")]) from None
    except IsADirectoryError:
        raise TopologyError([Diagnostic(start, "this is a folder, not a topology file")]) from None
    except OSError as error:
        raise TopologyError([Diagnostic(start, f"cannot read the file: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise TopologyError([Diagnostic(start, "the file is larger than 64 MiB", hint="split it with 'include:'")])
    if b"\x00" in raw[:8192]:
        raise TopologyError([Diagnostic(start, "this is a binary file, not YAML or JSON")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TopologyError([Diagnostic(SourcePos(name, line, 1), "the file is not valid UTF-8 text")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = _pos(name, mark) if mark is not None else start
        problem = error.problem or "invalid YAML"
        context = f" {error.context}" if error.context else ""
        raise TopologyError([Diagnostic(pos, f"YAML syntax error: {problem}{context}",
                                        hint="check indentation and quoting on this line")]) from None
    except yaml.YAMLError as error:
        raise TopologyError([Diagnostic(start, f"YAML error: {error}")]) from None
    if node is None:
        raise TopologyError([Diagnostic(start, "the file is empty", hint="a topology needs at least 'vpcs:'")])
    walk = _Walk(name)
    try:
        data = walk.value(node, ())
    except _TooBig as big:
        raise TopologyError([Diagnostic(big.pos, f"the document is too large: {big.why}",
                                        hint="YAML aliases may be expanding exponentially")]) from None
    except yaml.YAMLError as error:
        raise TopologyError([Diagnostic(start, f"YAML error: {error}")]) from None
    if walk.problems:
        raise TopologyError(walk.problems)
    return data, walk.positions
