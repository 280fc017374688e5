"""SVG screenshots of the main screens, compared byte for byte with tests/tui/snapshots/.

Deterministic by construction: a fixed theme, no clock in the header, a steady cursor, workers awaited
before the picture is taken. After a deliberate change to the look, regenerate and review the diff:

    VPCSIM_UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_tui_snapshots.py
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import check_snapshot, press, settle

import vpcsim
from vpcsim.tui.app import ExplorerApp
from vpcsim.tui.facts import TraceQuery
from vpcsim.tui.refs import Ref
from vpcsim.tui.screens.main import MainScreen

Loader = Callable[[str], vpcsim.Network]

SIZES = [(80, 24), (120, 40)]


async def reach(app: ExplorerApp, name: str, pilot: object) -> None:
    """Bring the app into the state a snapshot shows."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    if name == "eni":
        screen.select(Ref("eni", "eni-db-1"))
    elif name in ("trace", "map"):
        screen.action_show("trace")
        screen.run_trace(TraceQuery("bastion", "db-1", "tcp", 5432))
        if name == "map":
            screen.action_show("map")
    elif name == "help":
        screen.action_show("details")
        app.action_help()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screens_look_as_stored(load: Loader, size: tuple[int, int], tmp_path: Path) -> None:
    """explorer, eni, trace and map, in that order in one session (help at 80x24 only)."""
    names = ["explorer", "eni", "trace", "map"] + (["help"] if size == (80, 24) else [])
    failures: list[str] = []

    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"), theme="dark")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for name in names:
                await reach(app, name, pilot)
                await settle(pilot)
                try:
                    check_snapshot(app, f"{name}-{size[0]}x{size[1]}", tmp_path)
                except AssertionError as error:
                    failures.append(str(error))

    asyncio.run(scenario())
    assert not failures, "\n".join(failures)


def test_wide_terminal_keeps_the_tree_beside_the_map(load: Loader, tmp_path: Path) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("hub-spoke-tgw"), theme="dark")
        async with app.run_test(size=(160, 44)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.action_show("trace")
            screen.run_trace(TraceQuery("dev-app-1", "prod-app-1", "tcp", 443))
            await press(pilot, "m")
            assert screen.query_one("#sidebar").display
            check_snapshot(app, "map-hub-spoke-160x44", tmp_path)

    asyncio.run(scenario())
