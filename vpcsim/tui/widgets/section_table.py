"""One section of the details pane as a table whose rows can be chosen (a route's target, a member…)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import DataTable

from vpcsim.render.styles import ROW_MARK_STYLES
from vpcsim.tui.facts import Section, TraceQuery
from vpcsim.tui.refs import Ref

FIRST_ROWS = 50         # rows added at once: more than the table shows (max-height 24)
MORE_ROWS = 150         # then this many per frame (a data table measures every cell: ~0.2 ms a row)


class SectionTable(DataTable[Text]):
    """Rows marked ``path``/``drop``/``win``/``muted``/``ok``/``bad`` take their look from
    ``render.styles.ROW_MARK_STYLES``; enter on a row that points somewhere posts ``Chosen``.

    A long section (the thousand attachments of a transit gateway, its routes) is added ``MORE_ROWS`` per
    frame after the first ``FIRST_ROWS``, so showing it never holds the screen for long."""

    DEFAULT_CSS = """
    SectionTable { height: auto; min-height: 1; max-height: 24; margin: 0 0 1 0; }
    SectionTable.-keyvalue { background: $background; }
    """

    class Chosen(Message):
        """A row pointing at a component (``Ref``) or at a conversation to trace (``TraceQuery``) was chosen."""

        def __init__(self, target: Ref | TraceQuery) -> None:
            super().__init__()
            self.target = target

    def __init__(self, section: Section, **kwargs: str | None) -> None:
        super().__init__(cursor_type="row", show_header=section.header, zebra_stripes=False,
                         show_cursor=True, **kwargs)  # type: ignore[arg-type]
        self.section = section
        self.set_class(not section.header, "-keyvalue")

    def on_mount(self) -> None:
        self.fill(self.section)

    def fill(self, section: Section) -> None:
        self.section = section
        self.clear(columns=True)
        self.add_columns(*section.columns)
        end = self._add_rows(0, FIRST_ROWS)
        if end < len(section.rows):
            self._add_the_rest(section, end)

    @work(exclusive=True, group="rows")
    async def _add_the_rest(self, section: Section, start: int) -> None:
        """The rest of a long section, ``MORE_ROWS`` a frame (a worker: a new fill cancels it, and the app
        knows the table is still busy)."""
        while start < len(section.rows):
            await self.wait_for_refresh()
            if self.section is not section:
                return
            start = self._add_rows(start, MORE_ROWS)

    def _add_rows(self, start: int, count: int) -> int:
        """Add rows ``start`` to ``start + count`` of the section; returns where it stopped."""
        section = self.section
        end = min(start + count, len(section.rows))
        for i in range(start, end):
            row = section.rows[i]
            style = ROW_MARK_STYLES.get(row.mark, "")
            cells = [Text(cell, style=style) for cell in row.cells]
            if row.mark == "drop" and cells and not cells[0].plain.startswith("✗"):
                cells[0] = Text.assemble(("✗ ", style), cells[0])
            if section.header is False and cells:
                cells[0].stylize("bold")
            if row.target is not None and isinstance(row.target, Ref) and cells:
                cells[-1].append(" ›", "dim")
            self.add_row(*cells, key=str(i))
        return end

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(event.row_key.value or 0)
        target = self.section.rows[index].target if index < len(self.section.rows) else None
        if target is not None:
            self.post_message(self.Chosen(target))
