"""Where every value of a topology was read: model path -> (file, line, col).

Paths are tuples of mapping keys and list indexes, the same as pydantic's ``loc`` once its union tags
are dropped. Lookups fall back to the nearest enclosing value, so a position always exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from vpcsim.errors import SourcePos

Path = tuple[str | int, ...]

_NOWHERE = SourcePos("<topology>", 1, 1)


@dataclass(slots=True)
class Positions:
    values: dict[Path, SourcePos] = field(default_factory=dict)
    keys: dict[Path, SourcePos] = field(default_factory=dict)
    default: SourcePos = _NOWHERE

    def __getitem__(self, path: Iterable[str | int]) -> SourcePos:
        return self.of_value(tuple(path))

    def of_value(self, path: Path) -> SourcePos:
        for end in range(len(path), -1, -1):
            pos = self.values.get(path[:end])
            if pos is not None:
                return pos
        return self.default

    def of_key(self, path: Path) -> SourcePos:
        pos = self.keys.get(path)
        return pos if pos is not None else self.of_value(path)

    def closest_path(self, loc: Iterable[object]) -> Path:
        """Map a pydantic ``loc`` onto a path we know, skipping elements that are not data keys."""
        path: list[str | int] = []
        for part in loc:
            candidate = (*path, part) if isinstance(part, str | int) else None
            if candidate is not None and (candidate in self.values or candidate in self.keys):
                path.append(part)  # type: ignore[arg-type]
        return tuple(path)

    def merge(self, other: Positions) -> None:
        self.values.update(other.values)
        self.keys.update(other.keys)
