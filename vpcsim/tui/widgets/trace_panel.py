"""The trace view: the form, the verdict, and tabs for the hops, the flow logs, the DNS exchange and the
traces run so far."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from vpcsim.api import NetworkTrace
from vpcsim.engine.results import Trace
from vpcsim.errors import QueryError
from vpcsim.render.text import dns_renderables
from vpcsim.tui.widgets.explanation_panel import ExplanationPanel
from vpcsim.tui.widgets.hop_table import HopTable
from vpcsim.tui.widgets.recent_traces import RecentTraces
from vpcsim.tui.widgets.trace_form import TraceForm


class TracePanel(Vertical):
    """Shows a ``Trace`` it is handed; it never runs one (the screen does, through the API)."""

    DEFAULT_CSS = """
    TracePanel { padding: 0 1; }
    TracePanel > .trace--verdict { height: 1; }
    TracePanel TabbedContent { height: 1fr; }
    TracePanel TabPane { padding: 0; }
    TracePanel #hops-pane > Vertical { height: 1fr; }
    TracePanel .trace--text { padding: 0 1; }
    """

    def __init__(self, names: Callable[[], Iterable[str]], **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._names = names
        self.trace: Trace | None = None

    def compose(self) -> ComposeResult:
        yield TraceForm(self._names)
        yield Static(Text("enter from and to, then press enter", "dim"), classes="trace--verdict")
        with TabbedContent(initial="hops-pane"):
            with TabPane("Hops", id="hops-pane"), Vertical():
                yield HopTable()
                yield ExplanationPanel()
            with TabPane("Flow logs", id="flowlogs-pane"), VerticalScroll():
                yield Static("", classes="trace--text", id="flowlogs")
            with TabPane("DNS", id="dns-pane"), VerticalScroll():
                yield Static("", classes="trace--text", id="dns")
            with TabPane("Recent", id="recent-pane"):
                yield RecentTraces()

    def show(self, trace: Trace) -> None:
        self.trace = trace
        q = trace.query
        verdict = self.query_one(".trace--verdict", Static)
        verdict.update(Text.assemble((trace.disposition.value, "bold"), f"  {q.src} -> {q.dst}  {q.flow}  ",
                                     ("(reachable)" if trace.reachable else "(not reachable)",
                                      "" if trace.reachable else "bold")))
        for name in [c for c in verdict.classes if c.startswith("-")]:
            verdict.remove_class(name)
        verdict.add_class(f"-{trace.disposition.value.lower().replace('_', '-')}")
        self.query_one(HopTable).show(trace)
        self.query_one(ExplanationPanel).show(trace)
        logs = trace.flow_logs() if isinstance(trace, NetworkTrace) else []     # an analysis's trace has none
        self.query_one("#flowlogs", Static).update(Text("\n".join(logs) if logs else "no flow log records"))
        if trace.dns is not None:
            self.query_one("#dns", Static).update(Text("\n").join(
                r if isinstance(r, Text) else Text(str(r)) for r in dns_renderables(trace.dns)))
        else:
            self.query_one("#dns", Static).update(Text("the destination was not a DNS name: no lookup", "dim"))
        self.query_one(RecentTraces).remember(trace)

    def show_error(self, error: QueryError) -> None:
        verdict = self.query_one(".trace--verdict", Static)
        verdict.update(Text("the network cannot answer this question", "bold"))
        self.query_one(HopTable).show(None)
        self.query_one(ExplanationPanel).show_error(error)
