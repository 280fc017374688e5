"""``vpcsim matrix`` as a text grid (or a summary, for many endpoints), CSV (one row per pair) or JSON
(blocks: rectangles of sources × destinations with one outcome)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.analysis.matrix import FlowMatrix, Matrix, Outcome
    from vpcsim.compile.network import CompiledNetwork

GRID_LIMIT = 40
# u: never drawn (a matrix asks no DNS names), so not in the legend
LETTERS = {"ACCEPTED": "A", "EXITS_NETWORK": "E", "DENIED": "d", "NO_ROUTE": "n", "BLACKHOLE": "b", "LOOP": "l",
           "REPLY_DENIED": "r", "REPLY_MISMATCH": "m", "NAME_NOT_RESOLVED": "u"}
LEGEND = ("A accepted, E exits the network (reachable); d denied, n no route, b blackhole, l loop, "
          "r reply denied, m reply mismatch; - itself, ? cannot be asked")


def needs_blocks(format: str, net: CompiledNetwork) -> bool:
    """CSV and JSON list pairs; text draws a grid only for a few endpoints, else prints counts."""
    from vpcsim.analysis.matrix import members_of

    return format != "text" or len(members_of(net)) <= GRID_LIMIT


def _letter(outcome: Outcome | None) -> str:
    if outcome is None or outcome.disposition is None:
        return "?"
    return LETTERS[outcome.disposition.value]


def _headline(flow_matrix: FlowMatrix) -> str:
    summary = flow_matrix.summary()
    total = sum(summary.values())
    reachable = sum(n for o, n in summary.items() if o.reachable)
    parts = ", ".join(f"{n} {o.label}" for o, n in sorted(summary.items(), key=lambda item: (-item[1],
                                                                                           item[0].sort_key)))
    return f"{flow_matrix.flow.label}: {reachable} of {total} pairs reachable ({parts})"


def render_text(matrix: Matrix) -> str:
    lines = [f"{matrix.network}: {len(matrix.endpoints)} endpoints in {matrix.classes} classes, "
             f"{matrix.walks} conversations walked"]
    grid = len(matrix.endpoints) <= GRID_LIMIT and all(f.totals is None for f in matrix.flows)
    for flow_matrix in matrix.flows:
        lines.append("")
        lines.append(_headline(flow_matrix))
        if grid:
            lines += list(_grid(matrix, flow_matrix))
    if grid and matrix.flows:
        lines += ["", LEGEND]
    return "\n".join(lines) + "\n"


def _grid(matrix: Matrix, flow_matrix: FlowMatrix) -> Iterator[str]:
    names = matrix.endpoints
    outcomes = flow_matrix.outcomes()
    number = len(str(len(names)))
    width = max(len(n) for n in names)
    head = " " * (number + 1 + width + 2) + " ".join(str(i + 1).rjust(number) for i in range(len(names)))
    yield head
    for i, src in enumerate(names):
        cells = ["-" if src == dst else _letter(outcomes.get((src, dst))) for dst in names]
        yield f"{str(i + 1).rjust(number)} {src.ljust(width)}  " + " ".join(c.rjust(number) for c in cells)


def render_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["protocol", "ports", "source", "destination", "disposition", "reachable", "code"])
    for flow_matrix in matrix.flows:
        flow = flow_matrix.flow
        ports = "" if flow.low < 0 else (str(flow.low) if flow.low == flow.high else f"{flow.low}-{flow.high}")
        for block in flow_matrix.blocks:
            outcome = block.outcome
            disposition = outcome.disposition.value if outcome.disposition else "n/a"
            for src, dst in block.cells():
                writer.writerow([flow.protocol_name, ports, src, dst, disposition,
                                 "true" if outcome.reachable else "false", outcome.code or ""])
    return buffer.getvalue()


def render_json(matrix: Matrix) -> str:
    return json.dumps(matrix.to_dict(), indent=2)
