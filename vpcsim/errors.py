"""Every exception vpcsim raises on purpose.

    VpcsimError                 base: the CLI catches this and nothing else (exit status 2)
    ├── TopologyError           the topology could not be loaded or validated; carries every Diagnostic
    │   ├── WarningsAsErrors    it loaded, with warnings, and --strict refuses warnings
    │   └── IntentsError        the same for an intents file (``vpcsim check``)
    └── QueryError              a question the network cannot answer as asked (unknown --from/--to …)

Network outcomes (a dropped packet, a loop) are never exceptions: they are results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where a value was read: shown as ``file:line:col`` (1-based)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem with the input, positioned, with a way out when we know one."""

    pos: SourcePos
    message: str
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.pos}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class VpcsimError(Exception):
    """Base of every error vpcsim raises on purpose."""


class TopologyError(VpcsimError):
    """The topology is broken; ``diagnostics`` holds every problem found, in file order."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        count = len(self.diagnostics)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the topology")

    def render(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        lines.append(str(self))
        return "\n".join(lines)


class IntentsError(TopologyError):
    """An intents file could not be read, validated or resolved against the network; every problem, positioned."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(diagnostics)
        count = len(self.diagnostics)
        self.args = (f"{count} problem{'s' if count != 1 else ''} in the intents file",)


class WarningsAsErrors(TopologyError):
    """``--strict``: the topology loaded, but with warnings, and strictness counts each one as an error."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(diagnostics)
        count = len(self.diagnostics)
        self.args = (f"{count} warning{'s' if count != 1 else ''}, and --strict makes warnings errors",)


class QueryError(VpcsimError):
    """A trace question names something the network does not have."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")

    def render(self) -> str:
        return f"error: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")
