"""The matrix view: one tab per flow, a grid of outcomes (or blocks of pairs on large networks); choosing
a cell opens the trace that decided it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static, Tab, Tabs

from vpcsim.render.styles import ROW_MARK_STYLES
from vpcsim.tui import review
from vpcsim.tui.facts import Section, TraceQuery

if TYPE_CHECKING:
    from vpcsim.analysis.matrix import Matrix


class MatrixPanel(Vertical):
    """Shows a ``Matrix`` handed to it (the screen computes it, in a worker)."""

    DEFAULT_CSS = """
    MatrixPanel { padding: 0 1; }
    MatrixPanel > .matrix--note { color: $text-muted; height: auto; }
    MatrixPanel > DataTable { height: 1fr; }
    """

    class PairChosen(Message):
        def __init__(self, query: TraceQuery) -> None:
            super().__init__()
            self.query = query

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.matrix: Matrix | None = None
        self.section: Section | None = None
        self.flow_index = 0

    def compose(self) -> ComposeResult:
        yield Tabs()
        yield Static(Text("computing the all-pairs matrix…"), classes="matrix--note")
        yield DataTable(cursor_type="cell", zebra_stripes=False)

    def show_error(self, message: str) -> None:
        self.query_one(".matrix--note", Static).update(Text(message, "bold"))

    def show(self, matrix: Matrix) -> None:
        self.matrix = matrix
        tabs = self.query_one(Tabs)
        tabs.clear()
        for i, flow_matrix in enumerate(matrix.flows):
            tabs.add_tab(Tab(flow_matrix.flow.label, id=f"flow-{i}"))
        if not matrix.flows:
            self.query_one(".matrix--note", Static).update("no flows: the security groups allow nothing")
            return
        self._show_flow(0)

    def _show_flow(self, index: int) -> None:
        assert self.matrix is not None
        self.flow_index = index
        flow_matrix = self.matrix.flows[index]
        grid = len(self.matrix.endpoints) <= review.GRID_LIMIT
        section = review.matrix_grid(flow_matrix, self.matrix.endpoints) if grid else \
            review.matrix_blocks(flow_matrix)
        self.section = section
        summary = flow_matrix.summary()
        reachable = sum(n for o, n in summary.items() if o.reachable)
        self.query_one(".matrix--note", Static).update(Text(
            f"{flow_matrix.flow.label}: {reachable} of {sum(summary.values())} pairs reachable · "
            f"{len(self.matrix.endpoints)} endpoints · {self.matrix.classes} classes · {section.note}"))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.cursor_type = "cell" if grid else "row"
        table.add_columns(*section.columns)
        for i, row in enumerate(section.rows):
            cells = [Text(row.cells[0], "bold")] if grid else []
            values = row.cells[1:] if grid else row.cells
            for value in values:
                style = ROW_MARK_STYLES["ok"] if value in ("✓", "→") else ROW_MARK_STYLES["muted"] if value in (
                    "·", "—") else ROW_MARK_STYLES["bad"] if grid else ROW_MARK_STYLES.get(row.mark, "")
                cells.append(Text(value, style, justify="center" if grid else "left"))
            table.add_row(*cells, key=str(i))

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if self.matrix is not None and event.tab is not None and event.tab.id:
            index = int(event.tab.id.rsplit("-", 1)[1])
            if index != self.flow_index or self.section is None:
                self._show_flow(index)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if self.matrix is None or self.section is None:
            return
        row, column = event.coordinate
        target = self.section.rows[row].target
        if not isinstance(target, TraceQuery) or column == 0:
            return
        self.post_message(self.PairChosen(TraceQuery(target.src, self.matrix.endpoints[column - 1],
                                                     target.protocol, target.port)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.section is None:
            return
        target = self.section.rows[event.cursor_row].target
        if isinstance(target, TraceQuery):
            self.post_message(self.PairChosen(target))

    def pair_at(self, source: str, destination: str) -> str:
        """The mark in the grid for one pair (what the tests read)."""
        assert self.matrix is not None and self.section is not None
        row = self.matrix.endpoints.index(source)
        return self.section.rows[row].cells[1 + self.matrix.endpoints.index(destination)]
