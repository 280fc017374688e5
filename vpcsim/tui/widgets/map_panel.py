"""The map view: the drawing and a status line (the page of VPCs, the hop being stepped through)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from vpcsim.tui.catalog import Catalog
from vpcsim.tui.widgets.network_map import NetworkMap


class MapPanel(Vertical):
    DEFAULT_CSS = """
    MapPanel > NetworkMap { height: 1fr; }
    MapPanel > .map--status { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, catalog: Catalog, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        yield NetworkMap(self.catalog)
        yield Static("", classes="map--status")

    def on_network_map_changed(self, event: NetworkMap.Changed) -> None:
        self.query_one(".map--status", Static).update(event.status)
