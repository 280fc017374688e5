"""Why a conversation failed, in Reachability Analyzer's words, and the change to consider."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from vpcsim.engine.results import Trace
from vpcsim.errors import QueryError


class ExplanationPanel(Static):
    """Hidden for a reachable trace; ``-drop`` for an explanation, ``-error`` for a question the network
    cannot answer (an unknown name…)."""

    DEFAULT_CSS = """
    ExplanationPanel { height: auto; max-height: 8; padding: 0 1; display: none; }
    ExplanationPanel.-drop { display: block; border-left: thick $error; background: $error 15%; }
    ExplanationPanel.-error { display: block; border-left: thick $warning; background: $warning 15%; }
    """

    text = ""
    """What the panel says, as plain text (what the tests read)."""

    def show(self, trace: Trace | None) -> None:
        self.remove_class("-drop", "-error")
        if trace is None or not trace.explanations:
            self.text = ""
            self.update("")
            return
        parts = []
        for e in trace.explanations:
            where = "request" if e.path == "forward" else "reply"
            side = f", {e.direction}" if e.direction else ""
            parts.append(Text.assemble(("✗ ", "bold"), (e.code, "bold"), f" at {e.component} ({where}{side}): ",
                                       e.message))
            if e.fix:
                parts.append(Text.assemble(("fix to consider: ", "bold"), e.fix))
        self.text = "\n".join(p.plain for p in parts)
        self.update(Group(*parts))
        self.add_class("-drop")

    def show_error(self, error: QueryError) -> None:
        self.remove_class("-drop")
        text = Text.assemble(("error: ", "bold"), error.message)
        if error.hint:
            text.append(f"\nhint: {error.hint}")
        self.text = text.plain
        self.update(text)
        self.add_class("-error")
