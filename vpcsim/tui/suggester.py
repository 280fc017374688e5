"""Completion of ``--from``/``--to`` names for the trace form (a Textual ``Suggester`` over a sorted list)."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Callable, Iterable

from textual.suggester import Suggester


class NameSuggester(Suggester):
    """Suggests the first known name that starts with what was typed (case-insensitive; among names that
    differ only in case, the first in code-point order).

    The names are read and sorted on first use, in a thread (about 0.6 s for the 300,000 names and addresses
    of the 1,000-VPC benchmark), so typing never waits for them: the first suggestion comes when they are
    ready. ``preload()`` starts that early (when a name field gets focus).
    """

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self._source = names
        self._keys: tuple[str, ...] = ()         # tuples of strings: the cycle collector soon ignores them
        self._names: tuple[str, ...] = ()
        self._ready = False
        self._loading: asyncio.Future[None] | None = None

    def _load(self) -> None:
        names = sorted(set(self._source()))
        names.sort(key=str.casefold)         # stable: names equal but for case stay in code-point order
        self._keys = tuple(name.casefold() for name in names)
        self._names = tuple(names)
        self._ready = True

    def preload(self) -> None:
        """Start reading the names in a thread, if that has not started (call from the event loop)."""
        if self._loading is None and not self._ready:
            self._loading = asyncio.ensure_future(asyncio.to_thread(self._load))

    def suggest(self, value: str) -> str | None:
        """The suggestion for ``value`` (already case-folded), reading the names here if nothing has yet."""
        if not self._ready:
            self._load()
        if not value:
            return None
        i = bisect_left(self._keys, value)
        if i < len(self._keys) and self._keys[i].startswith(value):
            return self._names[i]
        return None

    async def get_suggestion(self, value: str) -> str | None:
        self.preload()
        if self._loading is not None:
            await asyncio.shield(self._loading)
        return self.suggest(value)
