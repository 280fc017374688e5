"""The explorer: the topology tree on the left; details, map or trace on the right.

This screen is where things happen: it runs traces through ``Network.trace`` (the same call as
``vpcsim trace``), runs the "who can reach it" probes and the tree filter in workers, and keeps the tree,
the details, the map and the trace view looking at the same selection and the same trace.

Only the tree and the details are composed for the first frame. The other views (map, trace, matrix,
changes) are mounted one by one just after it, hidden (about half the widgets of the screen, so the first
frame comes twice as fast); until they are there, the screen keeps the view asked for and the trace on
screen, and hands them over when they arrive (``Opened`` says when that is done).
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Input, Tree
from textual.worker import get_current_worker

from vpcsim.api import Network
from vpcsim.errors import QueryError
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.catalog_search import endpoint_names
from vpcsim.tui.details import details
from vpcsim.tui.facts import Section, TraceQuery
from vpcsim.tui.facts_vpc import REACH_COLUMNS
from vpcsim.tui.refs import Ref
from vpcsim.tui.widgets.details_pane import DetailsPane
from vpcsim.tui.widgets.key_footer import KeyFooter
from vpcsim.tui.widgets.section_table import SectionTable
from vpcsim.tui.widgets.summary_header import SummaryHeader
from vpcsim.tui.widgets.topology_tree import TopologyTree

if TYPE_CHECKING:
    # The views mounted after the first frame are imported then too (``_new_view``), not with this module:
    # the first frame does not wait for their code. Their messages are handled by name (``on_<widget>_<message>``).
    from vpcsim.engine.results import Trace
    from vpcsim.tui.widgets.diff_panel import DiffPanel
    from vpcsim.tui.widgets.hop_table import HopTable
    from vpcsim.tui.widgets.matrix_panel import MatrixPanel
    from vpcsim.tui.widgets.network_map import NetworkMap
    from vpcsim.tui.widgets.recent_traces import RecentTraces
    from vpcsim.tui.widgets.trace_form import TraceForm
    from vpcsim.tui.widgets.trace_panel import TracePanel

WIDE = 150          # from this width the tree stays beside the map and the trace view
REACH_PROGRESS_S = 0.3      # how often the "who can reach it" table shows the probes done so far
LATER_VIEWS = ("map", "trace", "matrix", "diff")


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "show('details')", "Details"),
        Binding("m", "show('map')", "Map"),
        Binding("t", "show('trace')", "Trace"),
        Binding("ctrl+t", "show('trace')", "Trace", show=False, priority=True),
        Binding("ctrl+g", "show('map')", "Map", show=False, priority=True),
        Binding("x", "show('matrix')", "Matrix"),
        Binding("c", "show('diff')", "Changes"),
        Binding("slash", "filter", "Filter"),
        Binding("b", "toggle_sidebar", "Tree", show=False),
        Binding("escape", "leave", "Back", show=False),
    ]

    class Opened(Message):
        """The first frame is painted and every view is mounted: start-up is over."""

    def __init__(self, network: Network, catalog: Catalog | None = None, baseline: Network | None = None) -> None:
        super().__init__()
        self.network = network
        self.baseline = baseline          # with --diff: the old version the network is compared with
        self.catalog = catalog or Catalog(network.compiled, network.topology)
        self.view = "details"
        self.trace: Trace | None = None
        self.sidebar_toggled = False
        self._shown: Ref | None = None
        self._matrix_started = False
        self._later: list[str] = []           # views still to mount after the first frame
        self.views_ready = False
        self._asked: str | None = None        # a view asked for before it was mounted
        self._error: QueryError | None = None  # a trace that failed before the trace view was mounted

    def compose(self) -> ComposeResult:
        tree = TopologyTree(self.catalog, id="tree")
        self._shown = tree.start_ref()          # its details are in the first frame
        yield SummaryHeader(self.catalog)
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield Input(placeholder="/ filter: name, id, CIDR, address", id="filter")
                yield tree
            with ContentSwitcher(initial="details", id="views"):
                yield DetailsPane(details(self.catalog, self._shown) if self._shown else None, id="details")
        yield KeyFooter()

    def on_mount(self) -> None:
        tree = self.query_one(TopologyTree)
        tree.focus()
        self._arrange()
        if self._shown is not None and self._shown.kind == "eni":
            self._reach(self._shown.name)
        self.call_after_refresh(self._start_later_views)

    # -- the views mounted after the first frame ------------------------------------------------------

    def _start_later_views(self) -> None:
        """Called once the first frame is on its way to the screen: mount the other views after it."""
        if self.views_ready or self._later:
            return
        self._later = list(LATER_VIEWS)
        self.call_after_refresh(self._mount_next_view)

    def _new_view(self, name: str) -> Widget:
        if name == "map":
            from vpcsim.tui.widgets.map_panel import MapPanel

            return MapPanel(self.catalog, id="map")
        if name == "trace":
            from vpcsim.tui.widgets.trace_panel import TracePanel

            return TracePanel(partial(endpoint_names, self.catalog.net), id="trace")
        if name == "matrix":
            from vpcsim.tui.widgets.matrix_panel import MatrixPanel

            return MatrixPanel(id="matrix")
        from vpcsim.tui.widgets.diff_panel import DiffPanel

        return DiffPanel(id="diff")

    # the later views (and their parts), once mounted

    @property
    def _network_map(self) -> NetworkMap:
        from vpcsim.tui.widgets.network_map import NetworkMap

        return self.query_one(NetworkMap)

    @property
    def _trace_panel(self) -> TracePanel:
        from vpcsim.tui.widgets.trace_panel import TracePanel

        return self.query_one(TracePanel)

    @property
    def _trace_form(self) -> TraceForm:
        from vpcsim.tui.widgets.trace_form import TraceForm

        return self.query_one(TraceForm)

    @property
    def _hop_table(self) -> HopTable:
        from vpcsim.tui.widgets.hop_table import HopTable

        return self.query_one(HopTable)

    @property
    def _matrix_panel(self) -> MatrixPanel:
        from vpcsim.tui.widgets.matrix_panel import MatrixPanel

        return self.query_one(MatrixPanel)

    @property
    def _diff_panel(self) -> DiffPanel:
        from vpcsim.tui.widgets.diff_panel import DiffPanel

        return self.query_one(DiffPanel)

    async def _mount_next_view(self) -> None:
        """Mount one hidden view per frame, so no single step holds the screen for long."""
        view = self._new_view(self._later.pop(0))
        view.display = False
        await self.query_one(ContentSwitcher).mount(view)
        if self._later:
            self.call_after_refresh(self._mount_next_view)
            return
        self.views_ready = True
        if self.baseline is not None:
            self._compare()
        if self.trace is not None:
            self.show_trace(self.trace, focus=False)
        if self._error is not None:
            self._trace_panel.show_error(self._error)
        if self._asked is not None:
            self.action_show(self._asked)
        self.post_message(self.Opened())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``c`` (the changes) only exists when the explorer compares two versions."""
        return not (action == "show" and parameters == ("diff",) and self.baseline is None)

    def on_resize(self) -> None:
        self._arrange()

    # -- layout ----------------------------------------------------------------------------------------

    def _arrange(self) -> None:
        """The tree is shown with the details, and beside the map and the trace view when the terminal is
        wide; ``b`` flips that."""
        wide = self.size.width >= WIDE
        beside = self.view == "details" or (wide and self.view in ("map", "trace"))
        visible = beside != self.sidebar_toggled
        self.query_one("#sidebar").display = visible

    def action_show(self, view: str) -> None:
        if view != "details" and not self.views_ready:
            self._asked = view      # shown as soon as it is mounted (a moment after the first frame)
            return
        self._asked = None
        self.view = view
        self.query_one(ContentSwitcher).current = view
        self._arrange()
        if view == "details":
            self._show_details(self.query_one(TopologyTree).selected_ref, force=True)
            self.query_one(TopologyTree).focus()
        elif view == "matrix":
            panel = self._matrix_panel
            if panel.matrix is None and not self._matrix_started:
                self._matrix_started = True
                self._matrix()
            panel.query_one(DataTable).focus()
        elif view == "diff":
            self._diff_panel.query_one(DataTable).focus()
        elif view == "map":
            network_map = self._network_map
            selected = self.query_one(TopologyTree).selected_ref
            if self.trace is not None and network_map.trace is self.trace:
                network_map.reveal_path()
            elif selected is not None and network_map.selected != selected:
                network_map.select(selected)
            network_map.focus()
        else:
            form = self._trace_form
            src = form.query_one("#src", Input)
            selected = self.query_one(TopologyTree).selected_ref
            dst = form.query_one("#dst", Input)
            if not src.value and selected is not None and selected.kind == "eni":
                eni = self.network.compiled.enis[selected.name]
                src.value = eni.owner if eni.owner in self.network.compiled.instances else eni.name
            (dst if src.value and not dst.value else src).focus()

    def action_filter(self) -> None:
        self.query_one("#sidebar").display = True
        self.query_one("#filter", Input).focus()

    def action_toggle_sidebar(self) -> None:
        self.sidebar_toggled = not self.sidebar_toggled
        self._arrange()

    def action_leave(self) -> None:
        focused = self.focused
        filter_input = self.query_one("#filter", Input)
        if focused is filter_input:
            if filter_input.value:
                filter_input.value = ""
            self.query_one(TopologyTree).focus()
        elif isinstance(focused, Input):
            self._hop_table.focus()
        elif self.view != "details":
            self.action_show("details")
        elif filter_input.value:
            filter_input.value = ""

    # -- the selection ---------------------------------------------------------------------------------

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Ref]) -> None:
        ref = event.node.data
        if ref is None:
            return
        if self.view == "details":
            self._show_details(ref)
        elif self.view == "map":
            self._network_map.select(ref)

    def _show_details(self, ref: Ref | None, force: bool = False) -> None:
        if ref is None or (ref == self._shown and not force):
            return
        self._shown = ref
        self.query_one(DetailsPane).show(details(self.catalog, ref, self.trace))
        if ref.kind == "eni":
            self._reach(ref.name)

    def select(self, ref: Ref) -> None:
        """Select ``ref`` in the tree (clearing the filter if it hides it)."""
        tree = self.query_one(TopologyTree)
        if not tree.select_ref(ref) and tree.filter_text:
            self.query_one("#filter", Input).value = ""
            tree.show_matches("", [], 0)
            tree.select_ref(ref)
        if self.view == "details":
            self._show_details(tree.selected_ref)

    @on(SectionTable.Chosen)
    def _chosen(self, event: SectionTable.Chosen) -> None:
        target = event.target
        if isinstance(target, TraceQuery):
            self.action_show("trace")
            self.run_trace(target)
        else:
            self.select(target)
            self.query_one(TopologyTree).focus()

    def on_network_map_selected(self, event: NetworkMap.Selected) -> None:
        self.select(event.ref)

    # -- the filter ------------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(TopologyTree).focus()

    @work(thread=True, exclusive=True, group="filter")
    def _search(self, text: str) -> None:
        refs, total = self.catalog.search(text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(TopologyTree).show_matches, text, refs, total)

    # -- who can reach an interface ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="reach")
    def _reach(self, eni: str) -> None:
        from vpcsim.tui import reach

        worker = get_current_worker()
        probes = reach.probes(self.catalog, eni)
        pane = self.query_one(DetailsPane)
        if not probes:
            why = "no security group applies" if self.network.compiled.enis[eni].ingress is None else \
                "its security groups open no ports"
            self.app.call_from_thread(pane.update_section, Section("reach", "", REACH_COLUMNS, (), note=why))
            return
        rows = []
        shown = time.monotonic()
        for i, probe in enumerate(probes):
            if worker.is_cancelled:
                return
            rows.append(reach.row(probe, reach.run(self.network, probe)))
            if time.monotonic() - shown >= REACH_PROGRESS_S and i + 1 < len(probes):
                shown = time.monotonic()        # progress at this pace: each update lays the pane out again
                self.app.call_from_thread(pane.update_section, Section(
                    "reach", "", REACH_COLUMNS, tuple(rows), note=f"computing… {i + 1}/{len(probes)}"))
        note = f"{sum(r.mark == 'ok' for r in rows)} of {len(rows)} probes get through · enter opens the trace"
        if not worker.is_cancelled:
            self.app.call_from_thread(pane.update_section, Section("reach", "", REACH_COLUMNS, tuple(rows),
                                                                   note=note))

    # -- the matrix and the diff (vpcsim.analysis), computed in workers ---------------------------------

    @work(thread=True, exclusive=True, group="matrix")
    def _matrix(self) -> None:
        panel = self._matrix_panel
        try:
            result = self.network.matrix()
        except Exception as error:          # the explorer stays up; the panel says what went wrong
            self.app.call_from_thread(panel.show_error, f"the matrix could not be computed: {error}")
            return
        self.app.call_from_thread(panel.show, result)

    @work(thread=True, exclusive=True, group="diff")
    def _compare(self) -> None:
        from vpcsim.analysis.diff import diff

        assert self.baseline is not None
        panel = self._diff_panel
        old, new = self.baseline.compiled, self.network.compiled
        try:
            result = diff(old, new, old_name=old.source or old.name, new_name=new.source or new.name)
        except Exception as error:          # the explorer stays up; the panel says what went wrong
            self.app.call_from_thread(panel.show_error, f"the two versions could not be compared: {error}")
            return
        self.app.call_from_thread(panel.show, result)

    def on_matrix_panel_pair_chosen(self, event: MatrixPanel.PairChosen) -> None:
        self.action_show("trace")
        self.run_trace(event.query)

    def on_diff_panel_change_chosen(self, event: DiffPanel.ChangeChosen) -> None:
        change = event.change
        trace = change.old_trace if event.old else change.new_trace
        self.action_show("trace")
        if trace is None:
            flow = change.flows[0]
            network = self.baseline if event.old and self.baseline is not None else self.network
            try:
                trace = network.trace(change.sources[0], change.destinations[0], protocol=flow.protocol_name,
                                      port=flow.trace_port, icmp_type=flow.icmp_type)
            except QueryError as error:
                self._trace_panel.show_error(error)
                return
        self.show_trace(trace)

    # -- traces ----------------------------------------------------------------------------------------

    def on_trace_form_submitted(self, event: TraceForm.Submitted) -> None:
        self.run_trace(event.query)

    def run_trace(self, query: TraceQuery) -> None:
        """Trace one conversation through the API and show it everywhere: hop table, tree, map."""
        try:
            trace = self.network.trace(query.src, query.dst, protocol=query.protocol, port=query.trace_port,
                                       icmp_type=query.icmp_type)
        except QueryError as error:
            if self.views_ready:
                self._trace_panel.show_error(error)
            else:
                self._error = error
            return
        self.show_trace(trace)

    def show_trace(self, trace: Trace, focus: bool = True) -> None:
        from vpcsim.tui import map_layout

        self.trace = trace
        self._error = None
        hops = (*trace.forward, *trace.reply)
        drop = self.catalog.hop_ref(trace.drop) if trace.drop is not None else None
        self.query_one(TopologyTree).set_path(frozenset(map_layout.path_refs(self.catalog, hops)), drop)
        if not self.views_ready:
            return                  # the trace view and the map take it when they are mounted
        q = trace.query
        self._trace_form.fill(TraceQuery(q.src, q.dst, q.protocol, q.port if q.icmp_type is None else q.icmp_type))
        self._trace_panel.show(trace)
        self._network_map.set_trace(trace)
        if focus:
            self._hop_table.focus()

    def on_recent_traces_reopened(self, event: RecentTraces.Reopened) -> None:
        self.show_trace(event.trace)

    def on_hop_table_hop_highlighted(self, event: HopTable.HopHighlighted) -> None:
        self._network_map.step_to(event.index)

    def on_hop_table_hop_chosen(self, event: HopTable.HopChosen) -> None:
        self._network_map.step_to(event.index)
        self.action_show("map")
