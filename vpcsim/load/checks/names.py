"""Names are unique within a kind across the whole topology (DESIGN §2): references are by name alone."""

from __future__ import annotations

from collections.abc import Iterator

from vpcsim.errors import Diagnostic
from vpcsim.load.checks.context import Context, kind_name


def check_unique_names(ctx: Context) -> Iterator[Diagnostic]:
    """Names are unique within a kind across the whole topology (DESIGN §2; no AWS rule: AWS uses ids)."""
    for first, second in ctx.index.duplicates:
        yield Diagnostic(ctx.pos.of_key(second.key), f"{kind_name(second.kind)} name {second.name!r} is "
                         "used twice", hint=f"first defined at {ctx.pos.of_key(first.key)}; "
                         "names must be unique within their kind across the topology")
