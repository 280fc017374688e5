"""The trace form: from, to, protocol, port — names and addresses complete as you type."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from vpcsim.protocols import QUERY_PROTOCOLS
from vpcsim.tui.facts import TraceQuery
from vpcsim.tui.suggester import NameSuggester


class TraceForm(Horizontal):
    """Posts ``Submitted`` when enter is pressed in any field and both ends are filled in."""

    DEFAULT_CSS = """
    TraceForm { height: 1; margin: 0 0 1 0; }
    TraceForm > Label { padding: 0 1 0 0; color: $text-muted; }
    TraceForm > Input { border: none; height: 1; padding: 0 1; margin: 0 1 0 0; background: $boost; }
    TraceForm > Input:focus { border: none; background: $primary 30%; }
    TraceForm > #src, TraceForm > #dst { width: 1fr; }
    TraceForm > #protocol { width: 9; }
    TraceForm > #port { width: 8; }
    """

    class Submitted(Message):
        def __init__(self, query: TraceQuery) -> None:
            super().__init__()
            self.query = query

    def __init__(self, names: Callable[[], Iterable[str]], **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._suggester = NameSuggester(names)

    def compose(self) -> ComposeResult:
        yield Label("from")
        yield Input(placeholder="instance, ENI, IP, internet…", id="src", suggester=self._suggester)
        yield Label("to")
        yield Input(placeholder="db-1, internet:IP, site, s3…", id="dst", suggester=self._suggester)
        yield Label("proto")
        yield Input(value="tcp", id="protocol", suggester=SuggestFromList(QUERY_PROTOCOLS, case_sensitive=False))
        yield Label("port")
        yield Input(placeholder="443", id="port", type="integer", max_length=5)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless     # steady cursor in tests and screenshots

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id in ("src", "dst"):
            self._read_names()

    @work(thread=True, exclusive=True, group="names")
    def _read_names(self) -> None:
        """Read the names to complete while the person starts typing."""
        self._suggester.load()

    @property
    def query_value(self) -> TraceQuery:
        src = self.query_one("#src", Input).value.strip()
        dst = self.query_one("#dst", Input).value.strip()
        protocol = self.query_one("#protocol", Input).value.strip() or "tcp"
        port = self.query_one("#port", Input).value.strip()
        return TraceQuery(src, dst, protocol, int(port) if port else None)

    def fill(self, query: TraceQuery) -> None:
        self.query_one("#src", Input).value = query.src
        self.query_one("#dst", Input).value = query.dst
        self.query_one("#protocol", Input).value = query.protocol
        self.query_one("#port", Input).value = "" if query.port is None else str(query.port)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = self.query_value
        for field, value in (("#src", query.src), ("#dst", query.dst)):
            if not value:
                self.query_one(field, Input).focus()
                return
        self.post_message(self.Submitted(query))
