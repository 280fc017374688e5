"""The matrix and diff views as plain data: rows of cells that open the trace that decided them.

Reads ``vpcsim.analysis`` results (``Matrix``, ``Diff``); decides nothing itself.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from vpcsim.tui.facts import Row, Section, TraceQuery

if TYPE_CHECKING:
    from vpcsim.analysis.diff import Diff
    from vpcsim.analysis.matrix import FlowMatrix, Outcome

#: Endpoints up to which the matrix is drawn as a grid; above, as blocks of pairs with one outcome.
GRID_LIMIT = 60

#: One short mark per outcome, so a grid cell stays three columns wide.
GLYPHS = {"ACCEPTED": "✓", "EXITS_NETWORK": "→", "NO_ROUTE": "nr", "BLACKHOLE": "bh", "LOOP": "lp",
          "REPLY_DENIED": "rd", "REPLY_MISMATCH": "rm", "NAME_NOT_RESOLVED": "un"}
DENIED_GLYPHS = {"SUBNET_ACL_RESTRICTION": "acl", "VPCE_POLICY_DENY": "pol"}
LEGEND = ("✓ accepted · → exits the network · sg security group · acl network ACL · pol endpoint policy · "
          "nr no route · bh blackhole · rd reply denied · rm reply mismatch · lp loop · enter opens the trace")


def glyph(outcome: Outcome) -> str:
    if outcome.disposition is None:
        return "·"
    value = outcome.disposition.value
    if value == "DENIED":
        return DENIED_GLYPHS.get(outcome.code or "", "sg")
    return GLYPHS.get(value, value[:2].lower())


def mark(outcome: Outcome) -> str:
    if outcome.disposition is None:
        return "muted"
    return "ok" if outcome.reachable else "bad"


def matrix_grid(flow_matrix: FlowMatrix, endpoints: tuple[str, ...]) -> Section:
    """Sources down, destinations across; each cell's row target is the trace of that pair."""
    outcomes = flow_matrix.outcomes()
    flow = flow_matrix.flow
    rows = []
    for src in endpoints:
        cells = [src]
        for dst in endpoints:
            outcome = outcomes.get((src, dst))
            cells.append("—" if src == dst else glyph(outcome) if outcome is not None else "·")
        rows.append(Row(tuple(cells), TraceQuery(src, "", flow.protocol_name, flow.port)))
    return Section("matrix", flow.label, ("from \\ to", *endpoints), tuple(rows), note=LEGEND)


def matrix_blocks(flow_matrix: FlowMatrix) -> Section:
    """Large networks: one row per block of pairs with the same outcome, opening a representative pair."""
    flow = flow_matrix.flow
    rows = []
    for block in sorted(flow_matrix.blocks, key=lambda b: (b.outcome.sort_key, b.sources, b.destinations)):
        pair = next(block.cells(), None)
        if pair is None:
            continue
        rows.append(Row((block.outcome.label, _names(block.sources), _names(block.destinations), str(block.pairs)),
                        TraceQuery(pair[0], pair[1], flow.protocol_name, flow.port), mark(block.outcome)))
    return Section("matrix", flow.label, ("outcome", "from", "to", "pairs"), tuple(rows),
                   note="pairs with one outcome, grouped · enter traces a representative pair")


def diff_rows(diff: Diff) -> Section:
    rows = []
    for change in diff.changes:
        cause = change.new_hop or change.old_hop
        where = ""
        if cause is not None:
            where = cause.component + (f" {cause.rule}" if cause.rule else "")   # the code is in "after"
            pos = change.new_pos if change.new_hop is not None else change.old_pos
            if pos is not None:
                where += f" ({PurePath(pos.file).name}:{pos.line}:{pos.col})"
        rows.append(Row((", ".join(change.labels or [f.label for f in change.flows]), _names(change.sources),
                         _names(change.destinations), change.old.label, change.new.label, where),
                        TraceQuery(change.sources[0], change.destinations[0], change.flows[0].protocol_name,
                                   change.flows[0].port), "ok" if change.new.reachable else "bad"))
    for name in diff.added:
        rows.append(Row(("", name, "", "", "added endpoint", ""), None, "ok"))
    for name in diff.removed:
        rows.append(Row(("", name, "", "removed endpoint", "", ""), None, "muted"))
    note = f"{len(diff.changes)} change{'s' if len(diff.changes) != 1 else ''} · {diff.old} -> {diff.new} · " \
           "enter opens the new trace, o the old one"
    return Section("diff", "reachability that changed", ("flows", "from", "to", "before", "after", "cause"),
                   tuple(rows), note=note if diff.changed else f"no reachability changed · {diff.old} -> {diff.new}")


def _names(names: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")
