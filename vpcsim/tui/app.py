"""The explorer app: it wires the main screen and the help screen to the global keys, and runs the cycle
collector between key presses (``heap``), nothing more."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from vpcsim.api import Network
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.heap import TICK_S, Heap
from vpcsim.tui.screens.main import MainScreen

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class ExplorerApp(App[int]):
    """``ExplorerApp(vpcsim.load("topologies/nat-per-az.yaml")).run()``"""

    CSS_PATH = "app.tcss"
    TITLE = "vpcsim"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
        Binding("l", "toggle_theme", "Theme"),
    ]

    def __init__(self, network: Network, *, theme: str = "dark", baseline: Network | None = None) -> None:
        super().__init__()
        self.network = network
        self.baseline = baseline
        self.catalog = Catalog(network.compiled, network.topology)
        self.theme = THEMES.get(theme, theme)
        self.heap = Heap()

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.network, self.catalog, self.baseline)

    def on_load(self) -> None:
        self.heap.hold()

    def on_mount(self) -> None:
        self.set_interval(TICK_S, self._tick)

    def _tick(self) -> None:
        self.heap.tick(busy=bool(self.workers))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.heap.touched()
        await super().on_event(event)

    def on_main_screen_opened(self) -> None:
        self.heap.settle()

    def on_unmount(self) -> None:
        self.heap.release()

    def action_help(self) -> None:
        from vpcsim.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]
