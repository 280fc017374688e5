"""The structures that keep the explorer responsive on large networks agree with the straightforward
versions they replace: completions over sorted runs, the search index, the fast address text, tables
filled a frame at a time, views mounted after the first frame, and the collector run between key presses."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from tui_helpers import press, settle

import vpcsim
from vpcsim.ip import format_address
from vpcsim.tui import heap as heap_module
from vpcsim.tui import suggester as suggester_module
from vpcsim.tui.app import ExplorerApp
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.catalog_search import address_text
from vpcsim.tui.facts import Row, Section
from vpcsim.tui.heap import Heap
from vpcsim.tui.screens.main import MainScreen
from vpcsim.tui.suggester import NameSuggester
from vpcsim.tui.widgets.section_table import FIRST_ROWS, SectionTable
from vpcsim.tui.widgets.trace_form import TraceForm

Loader = Callable[[str], vpcsim.Network]

NAMES = st.lists(st.text(alphabet="abAB-1.", min_size=1, max_size=5), max_size=60)


def first_completion(names: list[str], typed: str) -> str | None:
    """The straightforward version: every name in case-insensitive order, then the first that fits."""
    value = typed.casefold()
    if not value:
        return None
    fitting = sorted((name.casefold(), name) for name in set(names) if name.casefold().startswith(value))
    return fitting[0][1] if fitting else None


@settings(max_examples=200, deadline=None)
@given(names=NAMES, typed=st.text(alphabet="abAB-1.", max_size=3), run=st.integers(1, 7))
def test_completions_over_sorted_runs_are_the_first_name_in_order(names: list[str], typed: str, run: int) -> None:
    original = suggester_module.RUN
    suggester_module.RUN = run              # many small runs: the answer must not depend on how names split
    try:
        suggester = NameSuggester(lambda: names)
        assert suggester.suggest(typed.casefold()) == first_completion(names, typed)
    finally:
        suggester_module.RUN = original


def test_completions_are_read_in_a_thread_and_then_answered() -> None:
    async def scenario() -> None:
        suggester = NameSuggester(lambda: ["db-1", "DB-2", "bastion", "10.20.1.5"])
        assert await suggester.get_suggestion("d") == "db-1"
        assert await suggester.get_suggestion("10.") == "10.20.1.5"
        assert await suggester.get_suggestion("x") is None

    asyncio.run(scenario())


@given(st.integers(0, (1 << 32) - 1))
def test_ipv4_text_is_format_address(value: int) -> None:
    assert address_text(4, value) == format_address(4, value)


@given(st.integers(0, (1 << 128) - 1))
def test_ipv6_text_is_format_address(value: int) -> None:
    assert address_text(6, value) == format_address(6, value)


@pytest.mark.parametrize("name", ["nat-per-az", "hub-spoke-tgw"])
def test_search_finds_what_a_scan_of_names_ids_and_addresses_finds(load: Loader, name: str) -> None:
    network = load(name)
    net = network.compiled
    catalog = Catalog(net, network.topology)
    for eni in net.enis.values():
        for text in (eni.name, eni.id, *(format_address(4, a) for a in eni.private_ips)):
            refs, total = catalog.search(text.upper())
            assert ("eni", eni.name) in refs
            assert total >= len(refs)
    for subnet in net.subnets.values():
        assert ("subnet", subnet.name) in catalog.search(subnet.name)[0]
    refs, total = catalog.search("e")
    assert len(refs) == min(total, 200)
    assert catalog.search("   ") == ([], 0)


class OneTable(App[None]):
    def __init__(self, section: Section) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        yield SectionTable(self.section)


def test_a_long_section_is_filled_a_frame_at_a_time_and_ends_complete() -> None:
    rows = tuple(Row((f"route {i}", str(i))) for i in range(1234))

    async def scenario() -> None:
        app = OneTable(Section("routes", "routes", ("destination", "n"), rows))
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(SectionTable)
            table.fill(app.section)
            assert table.row_count == FIRST_ROWS         # at once; the rest a frame at a time
            await settle(pilot)
            for _ in range(100):
                if table.row_count == len(rows):
                    break
                await pilot.pause()
            assert table.row_count == len(rows)
            assert [str(table.get_row_at(i)[0]) for i in (0, 617, 1233)] == ["route 0", "route 617", "route 1233"]
            table.fill(Section("routes", "routes", ("destination", "n"), rows[:3]))     # a refill drops the rest
            await settle(pilot)
            assert table.row_count == 3

    asyncio.run(scenario())


def test_views_asked_for_before_they_are_mounted_are_shown_when_they_are(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            if not screen.views_ready:                  # the first frame has only the tree and the details
                assert not screen.query(TraceForm)
            screen.action_show("trace")
            await settle(pilot)
            assert screen.views_ready
            assert screen.view == "trace"
            assert screen.query_one(TraceForm).display
            await press(pilot, "escape", "escape", "question_mark")
            assert app.screen is not screen             # the help screen
            await press(pilot, "escape")

    asyncio.run(scenario())


def test_the_collector_runs_only_when_the_app_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(heap_module.time, "monotonic", lambda: clock[0])
    enabled = gc.isenabled()
    heap = Heap()
    heap.hold()
    try:
        assert not gc.isenabled()
        garbage = [[] for _ in range(heap_module.MIN_WORTH + 10)]
        heap.tick()
        assert heap.passes == 0                          # the first screen is not up yet
        heap.settle()
        heap.touched()
        clock[0] += heap_module.TICK_S
        heap.tick()
        assert heap.passes == 0                          # a key was just pressed
        for _ in range(int(heap_module.IDLE_S / heap_module.TICK_S) + 1):
            clock[0] += heap_module.TICK_S
            heap.tick()
        assert heap.passes == 1                          # left alone: one pass (and the survivors frozen)
        clock[0] += 1.0                                  # a late tick: the loop was busy
        more = [[] for _ in range(heap_module.BACKLOG + 10)]
        heap.tick(busy=True)
        assert heap.passes == 1                          # busy: a young pass only
        assert gc.get_count()[0] < heap_module.BACKLOG
        del garbage, more
    finally:
        heap.release()
        gc.unfreeze()
    assert gc.isenabled() == enabled


def test_tree_lines_are_measured_as_they_are_rendered(load: Loader) -> None:
    """``TopologyTree.get_label_width`` skips rendering; it must agree with ``render_label``, marks included."""
    from rich.style import Style

    from vpcsim.tui.facts import TraceQuery
    from vpcsim.tui.widgets.topology_tree import TopologyTree

    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            tree = screen.query_one(TopologyTree)
            for trace in (None, TraceQuery("bastion", "db-1", "tcp", 5432), TraceQuery("app-1", "db-1", "tcp", 5432)):
                if trace is not None:
                    screen.run_trace(trace)
                    await settle(pilot)
                lines = [line.node for line in tree._tree_lines]
                assert lines
                assert [tree.get_label_width(n) for n in lines] == \
                    [tree.render_label(n, Style(), Style()).cell_len for n in lines]

    asyncio.run(scenario())


def test_the_footer_is_rebuilt_only_when_its_keys_change(load: Loader, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Footer

    from vpcsim.tui.widgets.key_footer import KeyFooter

    rebuilt: list[str] = []
    recompose = Footer.recompose

    async def counting(self: Footer) -> None:
        rebuilt.append("x")
        await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counting)

    def shown(app: ExplorerApp) -> list[str]:
        return [key.description for key in app.screen.query_one(KeyFooter).query("FooterKey").results()
                if key.description]

    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert shown(app)[:3] == ["Details", "Map", "Trace"]
            assert len(rebuilt) <= 2                  # Textual asks five times before the first frame
            before = len(rebuilt)
            await press(pilot, "down", "down")        # same keys: nothing to rebuild
            assert len(rebuilt) == before
            await press(pilot, "t")                   # a text field: the letters are gone from the footer
            assert "Details" not in shown(app)

    asyncio.run(scenario())
