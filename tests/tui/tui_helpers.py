"""Driving the explorer in tests: settle the app, read its screen as text, type into it, compare SVGs."""

from __future__ import annotations

import io
import os
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("VPCSIM_UPDATE_SNAPSHOTS") == "1"


async def settle(pilot: Pilot[object]) -> None:
    """Wait until messages are handled and workers (probes, the tree filter) are done."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press keys; a key longer than one character that is not a key name is typed letter by letter."""
    for key in keys:
        if key.startswith("="):
            await pilot.press(*key[1:])
        else:
            await pilot.press(key)
        await settle(pilot)


def screen_text(app: App[object]) -> str:
    """The screen as plain text, the way a terminal would show it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None,
                      force_terminal=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def check_snapshot(app: App[object], name: str, tmp_path: Path) -> None:
    """Compare the app's SVG screenshot with ``snapshots/<name>.svg`` byte for byte.

    Regenerate with ``VPCSIM_UPDATE_SNAPSHOTS=1 pytest tests/tui`` (and look at the diff before committing).
    """
    svg = app.export_screenshot(title="vpcsim")
    stored = SNAPSHOTS / f"{name}.svg"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        stored.write_text(svg)
        return
    if not stored.exists():
        raise AssertionError(f"no snapshot {stored}: run VPCSIM_UPDATE_SNAPSHOTS=1 pytest tests/tui")
    if stored.read_text() != svg:
        actual = tmp_path / f"{name}.svg"
        actual.write_text(svg)
        raise AssertionError(f"screen {name} changed: compare {actual} with {stored} "
                             "(VPCSIM_UPDATE_SNAPSHOTS=1 rewrites the stored one)")
