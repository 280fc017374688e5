"""The diff view (``vpcsim tui OLD --diff NEW``): the reachability that changed, each with the hop that
changed it; enter opens the new trace, ``o`` the old one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from vpcsim.render.styles import ROW_MARK_STYLES
from vpcsim.tui import review

if TYPE_CHECKING:
    from vpcsim.analysis.diff import Change, Diff


class DiffPanel(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "old", "Old trace")]

    DEFAULT_CSS = """
    DiffPanel { padding: 0 1; }
    DiffPanel > .diff--note { color: $text-muted; height: auto; }
    DiffPanel > DataTable { height: 1fr; }
    """

    class ChangeChosen(Message):
        """A change was chosen: show its trace in the new version (or, with ``old``, in the old one)."""

        def __init__(self, change: Change, old: bool) -> None:
            super().__init__()
            self.change = change
            self.old = old

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.diff: Diff | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("comparing the two versions…"), classes="diff--note")
        yield DataTable(cursor_type="row", zebra_stripes=False)

    def show_error(self, message: str) -> None:
        self.query_one(".diff--note", Static).update(Text(message, "bold"))

    def show(self, diff: Diff) -> None:
        self.diff = diff
        section = review.diff_rows(diff)
        self.query_one(".diff--note", Static).update(Text(section.note))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(*section.columns)
        for i, row in enumerate(section.rows):
            table.add_row(*(Text(c, ROW_MARK_STYLES.get(row.mark, "")) for c in row.cells), key=str(i))

    def _chosen(self, old: bool) -> None:
        table = self.query_one(DataTable)
        if self.diff is None or not 0 <= table.cursor_row < len(self.diff.changes):
            return
        self.post_message(self.ChangeChosen(self.diff.changes[table.cursor_row], old))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._chosen(old=False)

    def action_old(self) -> None:
        self._chosen(old=True)
