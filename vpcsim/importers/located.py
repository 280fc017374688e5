"""Importer building blocks: input values that know where they were read, and a topology under construction
that records, for every model path it is given, the input position it came from.

Importers read vendor files with ``read_yaml`` (which also reads JSON and keeps every value's position), walk
them as ``Element``s, and write ``Res``ources into an ``Out``. The ``Out``'s positions map model paths
(``("vpcs", "vpc-1", "subnets", "subnet-2", "cidr")``) onto the input, so a diagnostic about an imported value
points at the line of the vendor file it came from.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from vpcsim.errors import SourcePos
from vpcsim.load.positions import Path, Positions


class Malformed(Exception):
    """An input element (or one of its fields) is not what the vendor's format promises."""

    def __init__(self, message: str, pos: SourcePos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: how to show it, where each of its values is, and what its location in the folder
    tells about it (the account and Region of a ``accounts/<id>/<region>/…`` layout)."""

    display: str
    positions: Positions
    name: str = ""
    account: str | None = None
    region: str | None = None
    folder: str = ""


@dataclass(frozen=True, slots=True)
class Element:
    """A value inside an input file, with its path there; ``pos`` finds the position of it or of a field."""

    data: Any
    src: SourceFile
    path: Path = ()

    def pos(self, *keys: str | int) -> SourcePos:
        return self.src.positions.of_value((*self.path, *keys))

    def key_pos(self, *keys: str | int) -> SourcePos:
        return self.src.positions.of_key((*self.path, *keys))

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def str_at(self, key: str) -> str | None:
        """A text field without complaint: None when absent or not text (for lookups across elements)."""
        value = self.get(key)
        return value if isinstance(value, str) and value else None

    def list_at(self, key: str) -> list[Any]:
        """A list field without complaint: empty when absent or not a list."""
        value = self.get(key)
        return value if isinstance(value, list) else []

    def sub(self, key: str) -> Element:
        """The element under ``key`` (its data is None when the key is absent)."""
        return Element(self.get(key), self.src, (*self.path, key))

    def items(self, key: str) -> list[Element]:
        """The items of the list under ``key``: none when it is absent or empty; a non-list is malformed."""
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise Malformed(f"'{key}' must be a list", self.pos(key))
        return [Element(item, self.src, (*self.path, key, i)) for i, item in enumerate(value)]

    def require_mapping(self, what: str) -> None:
        if not isinstance(self.data, dict):
            raise Malformed(f"{what} must be a JSON object, not {_kind(self.data)}", self.pos())

    def text(self, key: str) -> str:
        """A required, non-empty text field."""
        self.require_mapping("the element")
        value = self.data.get(key)
        if value is None or value == "":
            raise Malformed(f"missing '{key}'", self.pos())
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise Malformed(f"'{key}' must be text, not {_kind(value)}", self.pos(key))
        return str(value)

    def opt_text(self, key: str) -> str | None:
        value = self.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise Malformed(f"'{key}' must be text, not {_kind(value)}", self.pos(key))
        return str(value)

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise Malformed(f"'{key}' must be a number, not {_kind(value)}", self.pos(key))
        try:
            return int(str(value).strip())
        except ValueError:
            raise Malformed(f"'{key}' must be a whole number, not {value!r}", self.pos(key)) from None

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean field; AWS writes some as strings ("true", "enable")."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "enable", "enabled", "yes"):
            return True
        if text in ("false", "disable", "disabled", "no"):
            return False
        raise Malformed(f"'{key}' must be true or false, not {value!r}", self.pos(key))

    def cidr(self, key: str, version: int | None = None) -> str:
        """A CIDR field, checked and canonicalised (host bits cleared)."""
        text = self.text(key)
        try:
            net = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            raise Malformed(f"'{key}' is not a CIDR block: {text!r}", self.pos(key)) from None
        if version is not None and net.version != version:
            raise Malformed(f"'{key}' must be an IPv{version} CIDR block, not {text!r}", self.pos(key))
        return str(net)

    def address(self, key: str, version: int | None = None) -> str:
        text = self.text(key)
        try:
            addr = ipaddress.ip_address(text.strip())
        except ValueError:
            raise Malformed(f"'{key}' is not an IP address: {text!r}", self.pos(key)) from None
        if version is not None and addr.version != version:
            raise Malformed(f"'{key}' must be an IPv{version} address, not {text!r}", self.pos(key))
        return str(addr)

    def tags(self, key: str = "Tags") -> dict[str, str]:
        """AWS's ``[{"Key": k, "Value": v}]`` as a mapping (malformed entries are left out)."""
        value = self.get(key)
        result: dict[str, str] = {}
        if isinstance(value, list):
            for tag in value:
                if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
                    result[tag["Key"]] = "" if tag.get("Value") is None else str(tag.get("Value"))
        return result


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


@dataclass(slots=True)
class Res:
    """A model resource being built from ``el``: its fields, and the input position of each."""

    el: Element
    id_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    pos: dict[Path, SourcePos] = field(default_factory=dict)

    @property
    def at(self) -> SourcePos:
        return self.el.pos()

    @property
    def key_at(self) -> SourcePos:
        return self.el.pos(self.id_key) if self.id_key else self.el.pos()

    def set(self, name: str, value: Any, *src: str | int, at: SourcePos | None = None) -> None:
        """Set field ``name``; it was read at ``src`` inside the element (or ``at``, or the element itself)."""
        self.data[name] = value
        self.pos[(name,)] = at if at is not None else self.el.pos(*src)

    def add(self, name: str, value: Any, at: SourcePos) -> None:
        """Append ``value`` to the list field ``name``."""
        items = self.data.setdefault(name, [])
        self.pos.setdefault((name,), at)
        self.pos[(name, len(items))] = at
        items.append(value)

    def put(self, name: str, key: str, value: Any, at: SourcePos) -> None:
        """Set ``key`` in the mapping field ``name``."""
        mapping = self.data.setdefault(name, {})
        self.pos.setdefault((name,), at)
        self.pos[(name, key)] = at
        mapping[key] = value

    def add_res(self, name: str, child: Res) -> None:
        """Append a nested resource (a route, a rule) to the list field ``name``."""
        items = self.data.setdefault(name, [])
        index = len(items)
        items.append(child.data)
        self.pos.setdefault((name,), child.at)
        self.pos[(name, index)] = child.at
        for sub, where in child.pos.items():
            self.pos[(name, index, *sub)] = where


@dataclass(slots=True)
class Out:
    """The topology being built as plain data, with a position for every path placed in it."""

    default: SourcePos
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[Path, SourcePos] = field(default_factory=dict)
    keys: dict[Path, SourcePos] = field(default_factory=dict)

    def container(self, path: Path) -> Any:
        node: Any = self.data
        for part in path:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        return node

    def put(self, path: Path, value: Any, at: SourcePos, key_at: SourcePos | None = None) -> None:
        self.container(path[:-1])[path[-1]] = value
        self.values[path] = at
        self.keys[path] = key_at or at
        for end in range(1, len(path)):          # every enclosing section has a position too ("vpcs", …)
            self.values.setdefault(path[:end], at)

    def place(self, path: Path, res: Res) -> None:
        """Put a built resource at ``path`` (a name in a section: ``("vpcs", name)``, …)."""
        self.put(path, res.data, res.at, res.key_at)
        for sub, where in res.pos.items():
            self.values[(*path, *sub)] = where

    def get(self, path: Path) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def positions(self) -> Positions:
        return Positions(dict(self.values), dict(self.keys), self.default)
