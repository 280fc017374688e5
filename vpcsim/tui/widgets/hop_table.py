"""The hops of a conversation: the request, then the reply, one row per decision, with the packet as it
is at that hop (translations stand out) and the dropping hop marked."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from vpcsim.engine.results import Hop, Trace
from vpcsim.render.styles import DECISION_STYLES, ROW_MARK_STYLES
from vpcsim.render.text import hop_decision, hop_rule

COLUMNS = ("#", "", "component", "decision", "rule / reason", "packet")


class HopTable(DataTable[Text]):
    """Row keys are hop indexes into ``forward + reply``; ``HopHighlighted`` follows the cursor."""

    DEFAULT_CSS = """
    HopTable { height: 1fr; }
    """

    class HopHighlighted(Message):
        """The cursor is on hop ``index`` (of ``forward + reply``)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class HopChosen(HopHighlighted):
        """Enter was pressed on hop ``index``."""

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.trace: Trace | None = None
        self.hops: tuple[Hop, ...] = ()

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show(self, trace: Trace | None) -> None:
        self.trace = trace
        self.clear()
        self.hops = (*trace.forward, *trace.reply) if trace is not None else ()
        if trace is None:
            return
        for part, hops, first, arrow in (("request", trace.forward, trace.sent, "→"),
                                         ("reply", trace.reply, trace.answered, "←")):
            if not hops:
                continue
            start = (first or hops[0].packet).describe()
            self.add_row(Text(""), Text(""), Text(part, "bold"), Text(""), Text(""), Text(start, "dim"),
                         key=f"{part}-head")
            previous = start
            offset = 0 if part == "request" else len(trace.forward)
            for i, hop in enumerate(hops):
                now = hop.packet.describe()
                changed = now != previous
                previous = now
                style = ROW_MARK_STYLES["drop"] if hop.is_drop else DECISION_STYLES.get(hop.decision.value, "")
                packet = Text(now, ROW_MARK_STYLES["nat"]) if changed else Text("same", "dim")
                self.add_row(Text(str(i + 1), style), Text("✗" if hop.is_drop else arrow, style),
                             Text(hop.component, style), Text(hop_decision(hop), style), Text(hop_rule(hop), style),
                             packet, key=str(offset + i))
        self.move_cursor(row=0, animate=False)      # the dropping row keeps its own look, not the cursor's

    @property
    def rows_text(self) -> list[tuple[str, ...]]:
        """The table as plain strings (what the tests read)."""
        return [tuple(str(cell) for cell in self.get_row_at(i)) for i in range(self.row_count)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        key = event.row_key.value or ""
        if key.isdigit():
            self.post_message(self.HopHighlighted(int(key)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value or ""
        if key.isdigit():
            self.post_message(self.HopChosen(int(key)))
