"""``?``: every key, from ``keys.KEYS``."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vpcsim.tui.keys import KEYS


def key_table() -> Table:
    """The keys, grouped by where they act, descriptions wrapped to the width there is."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("does", overflow="fold", ratio=1)
    where = None
    for place, key, does in KEYS[1:]:
        if place != where:
            table.add_row(f"[u]{place}[/u]", "")
            where = place
        table.add_row(f"  {key}", does)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q,f1", "dismiss", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 96; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $accent; background: $surface; padding: 0 1; }
    HelpScreen .help--title { text-style: bold; margin: 0 0 1 0; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("vpcsim tui — keys (escape closes; letters act when no text field has focus)",
                         classes="help--title")
            yield Static(key_table())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
