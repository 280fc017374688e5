"""The one place that picks the closest existing name for a misspelt reference."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, names: Iterable[str]) -> str | None:
    """Return a hint naming the closest candidate, or None when nothing is close."""
    candidates = sorted(set(names))
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]!r}?"
    if candidates and len(candidates) <= 8:
        return "existing names: " + ", ".join(repr(c) for c in candidates)
    return None
