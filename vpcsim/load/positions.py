"""Where every value of a topology was read: model path -> (file, line, col).

Paths are tuples of mapping keys and list indexes, the same as pydantic's ``loc`` once its union tags
are dropped. Lookups fall back to the nearest enclosing value, so a position always exists.

Positions are only needed when something is reported (an error, a warning, a SARIF location), and keeping
one for each of a large topology's values took longer than everything else in loading (DESIGN §8: "positions
looked up only when there is an error"). So a table can be *deferred*: it holds a recipe that reads its file
again, with positions, the first time a position is asked for. Copies from one table into another made before
that (``adopt``, when includes merge) are replayed in order once both sides are known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vpcsim.errors import SourcePos

Path = tuple[str | int, ...]

_NOWHERE = SourcePos("<topology>", 1, 1)


@dataclass(frozen=True, slots=True)
class _Adoption:
    """Take ``source``'s positions under ``prefix`` where this table has none (``exact``: that path only)."""

    source: Positions
    prefix: Path
    exact: bool


class Positions:
    __slots__ = ("_keys", "_pending", "_recipe", "_values", "default")

    def __init__(self, values: dict[Path, SourcePos] | None = None, keys: dict[Path, SourcePos] | None = None,
                 default: SourcePos = _NOWHERE) -> None:
        self._values: dict[Path, SourcePos] = values if values is not None else {}
        self._keys: dict[Path, SourcePos] = keys if keys is not None else {}
        self.default = default
        self._recipe: Callable[[], Positions] | None = None
        self._pending: list[_Adoption] = []

    @classmethod
    def deferred(cls, recipe: Callable[[], Positions], default: SourcePos) -> Positions:
        """A table filled in by ``recipe()`` when first consulted. The recipe must be picklable (a cached
        network keeps it) and must not raise: it returns an empty table when its file cannot be read again."""
        table = cls(default=default)
        table._recipe = recipe
        return table

    @property
    def values(self) -> dict[Path, SourcePos]:
        self._settle()
        return self._values

    @property
    def keys(self) -> dict[Path, SourcePos]:
        self._settle()
        return self._keys

    def _settle(self) -> None:
        if self._recipe is None and not self._pending:
            return
        recipe, pending = self._recipe, self._pending
        self._recipe, self._pending = None, []
        if recipe is not None:
            known = recipe()
            self._values, self._keys = known.values, known.keys
        for adoption in pending:
            self._adopt_now(adoption)

    def adopt(self, source: Positions, *prefix: str | int, exact: bool = False) -> None:
        """Copy ``source``'s positions under ``prefix`` (or of ``prefix`` alone) that this table lacks, now if
        both tables are known, else when this one is first consulted."""
        adoption = _Adoption(source, tuple(prefix), exact)
        if self._recipe is None and not self._pending and source._recipe is None and not source._pending:
            self._adopt_now(adoption)
        else:
            self._pending.append(adoption)

    def _adopt_now(self, adoption: _Adoption) -> None:
        source, prefix = adoption.source, adoption.prefix
        if adoption.exact:
            if prefix not in self._values:
                self._values[prefix] = source.of_value(prefix)
                self._keys[prefix] = source.of_key(prefix)
            return
        size = len(prefix)
        for path, pos in source.values.items():
            if path[:size] == prefix:
                self._values.setdefault(path, pos)
        for path, pos in source.keys.items():
            if path[:size] == prefix:
                self._keys.setdefault(path, pos)

    def __getitem__(self, path: Iterable[str | int]) -> SourcePos:
        return self.of_value(tuple(path))

    def of_value(self, path: Path) -> SourcePos:
        values = self.values
        for end in range(len(path), -1, -1):
            pos = values.get(path[:end])
            if pos is not None:
                return pos
        return self.default

    def of_key(self, path: Path) -> SourcePos:
        pos = self.keys.get(path)
        return pos if pos is not None else self.of_value(path)

    def closest_path(self, loc: Iterable[object]) -> Path:
        """Map a pydantic ``loc`` onto a path we know, skipping elements that are not data keys."""
        values, keys = self.values, self.keys
        path: list[str | int] = []
        for part in loc:
            candidate = (*path, part) if isinstance(part, str | int) else None
            if candidate is not None and (candidate in values or candidate in keys):
                path.append(part)  # type: ignore[arg-type]
        return tuple(path)

    def merge(self, other: Positions) -> None:
        self.values.update(other.values)
        self.keys.update(other.keys)

    def __getstate__(self) -> tuple[object, ...]:
        return self._values, self._keys, self.default, self._recipe, self._pending

    def __setstate__(self, state: tuple[object, ...]) -> None:
        self._values, self._keys, self.default, self._recipe, self._pending = state  # type: ignore[assignment]

    def __repr__(self) -> str:
        known = "deferred" if self._recipe is not None else f"{len(self._values)} values"
        return f"<Positions {self.default.file}: {known}>"
