"""Completion of ``--from``/``--to`` names for the trace form (a Textual ``Suggester`` over sorted runs)."""

from __future__ import annotations

import asyncio
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable

from textual.suggester import Suggester

RUN = 8_192             # names per sorted run: sorting one holds the GIL ~5 ms, not the ~300 ms of one big sort


class NameSuggester(Suggester):
    """Suggests the first known name that starts with what was typed, in case-insensitive order (among names
    that differ only in case, the first in code-point order).

    The names (300,000 names and addresses on the 1,000-VPC benchmark) are read on first use in a thread, so
    typing never waits for them: the first suggestion comes when they are ready; ``load()`` may be called
    from a worker beforehand (the trace form does, when a name field gets focus). They are kept as sorted
    runs of ``RUN`` names rather than one sorted list: a sort is one call that never lets go of the GIL,
    and one big sort would freeze the screen while the thread runs. A suggestion looks in every run and
    keeps the first.
    """

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self._source = names
        self._runs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()   # (case-folded keys, names)
        self._ready = False
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read and sort the names, once (from any thread; a second caller waits for the first)."""
        with self._lock:
            if not self._ready:
                self._load()

    def _load(self) -> None:
        unique = list(set(self._source()))
        runs = []
        for start in range(0, len(unique), RUN):
            names = sorted(unique[start:start + RUN])
            names.sort(key=str.casefold)       # stable: names equal but for case stay in code-point order
            # tuples of strings: the cycle collector stops looking at them after one pass
            runs.append((tuple(name.casefold() for name in names), tuple(names)))
        self._runs = tuple(runs)
        self._ready = True

    def suggest(self, value: str) -> str | None:
        """The suggestion for ``value`` (already case-folded), reading the names here if nothing has yet."""
        if not self._ready:
            self.load()
        if not value:
            return None
        best: tuple[str, str] | None = None
        for keys, names in self._runs:
            i = bisect_left(keys, value)
            if i < len(keys) and keys[i].startswith(value) and (best is None or (keys[i], names[i]) < best):
                best = (keys[i], names[i])
        return best[1] if best is not None else None

    async def get_suggestion(self, value: str) -> str | None:
        if not self._ready:
            await asyncio.to_thread(self.load)
        return self.suggest(value)
