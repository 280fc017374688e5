"""``--strict``: a topology that loads with warnings is refused, as if the warnings were errors (exit 2).

The CLI turns strictness on for the one command it runs (``strict(True)``); the loading path — every importer and
``vpcsim.load`` — asks ``check`` once it knows the warnings, so each command that reads a topology honours
``--strict`` without doing anything itself. ``vpcsim.load(path, strict=True)`` asks for it directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from vpcsim.errors import Diagnostic, WarningsAsErrors

STRICT: ContextVar[bool] = ContextVar("vpcsim_strict", default=False)


@contextmanager
def strict(enabled: bool = True) -> Iterator[None]:
    """Within the block, loading a topology with warnings raises ``WarningsAsErrors``."""
    token = STRICT.set(enabled)
    try:
        yield
    finally:
        STRICT.reset(token)


def check(warnings: Sequence[Diagnostic], enabled: bool | None = None) -> None:
    """Raise ``WarningsAsErrors`` when strictness is on (``enabled``, else the ambient setting) and there are
    warnings. Notes (severity ``note``: what vpcsim chose where the file leaves AWS the choice, such as a
    stand-in public IP) are not warnings."""
    if not (STRICT.get() if enabled is None else enabled):
        return
    found = [d for d in warnings if d.severity != "note"]
    if found:
        raise WarningsAsErrors(found)
