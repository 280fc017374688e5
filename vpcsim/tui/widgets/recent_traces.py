"""The traces run in this session, newest first; choosing one shows it again."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from vpcsim.engine.results import Trace
from vpcsim.render.styles import DISPOSITION_STYLES

LIMIT = 30


class RecentTraces(OptionList):
    class Reopened(Message):
        def __init__(self, trace: Trace) -> None:
            super().__init__()
            self.trace = trace

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.traces: list[Trace] = []

    def remember(self, trace: Trace) -> None:
        self.traces = [trace, *(t for t in self.traces if t.query != trace.query)][:LIMIT]
        self.clear_options()
        for t in self.traces:
            q = t.query
            self.add_option(Option(Text.assemble((f"{t.disposition.value:<13}", DISPOSITION_STYLES.get(
                t.disposition.value, "")), f" {q.src} -> {q.dst} {q.flow}")))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Reopened(self.traces[event.option_index]))
