"""Completion of ``--from``/``--to`` names for the trace form (a Textual ``Suggester`` over a sorted list)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from textual.suggester import Suggester


class NameSuggester(Suggester):
    """Suggests the first known name that starts with what was typed (case-insensitive).

    The names are read on first use, so a 100,000-interface network costs nothing until someone types.
    """

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self._source = names
        self._keys: list[str] = []
        self._names: list[str] = []
        self._ready = False

    def _load(self) -> None:
        pairs = sorted({(name.casefold(), name) for name in self._source()})
        self._keys = [k for k, _ in pairs]
        self._names = [n for _, n in pairs]
        self._ready = True

    def suggest(self, value: str) -> str | None:
        if not self._ready:
            self._load()
        if not value:
            return None
        i = bisect_left(self._keys, value)
        if i < len(self._keys) and self._keys[i].startswith(value):
            return self._names[i]
        return None

    async def get_suggestion(self, value: str) -> str | None:
        return self.suggest(value)
