"""The matrix view and ``vpcsim tui OLD --diff NEW``, over vpcsim.analysis: cells and changes open traces."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_helpers import press, screen_text, settle

import vpcsim
import vpcsim.tui
from vpcsim.cli import main
from vpcsim.tui.app import ExplorerApp
from vpcsim.tui.screens.main import MainScreen
from vpcsim.tui.widgets.diff_panel import DiffPanel
from vpcsim.tui.widgets.hop_table import HopTable
from vpcsim.tui.widgets.matrix_panel import MatrixPanel

Loader = Callable[[str], vpcsim.Network]
ROOT = Path(__file__).resolve().parents[2]


def test_the_matrix_shows_every_pair_and_a_cell_opens_its_trace(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "x")
            panel = app.screen.query_one(MatrixPanel)
            assert panel.matrix is not None
            assert [f.flow.label for f in panel.matrix.flows] == ["tcp/22", "tcp/5432", "tcp/8080"]
            assert panel.pair_at("internet", "bastion") == "✓"       # ssh from the admin office
            assert panel.pair_at("bastion", "db-1") == "acl"          # NACL rule 90
            assert "6 of 30 pairs reachable" in screen_text(app)
            panel.query_one("Tabs").action_next_tab()                # tcp/5432
            await settle(pilot)
            assert panel.pair_at("app-1", "db-1") == "✓"
            table = panel.query_one(DataTable)
            table.move_cursor(row=2, column=5)                       # app-1 -> db-1
            await press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.view == "trace" and screen.trace is not None
            q = screen.trace.query
            assert (q.src, q.dst, q.protocol, q.port) == ("app-1", "db-1", "tcp", 5432)
            assert screen.trace.disposition.value == "ACCEPTED"
            assert screen.query_one(HopTable).row_count > 0

    asyncio.run(scenario())


def _changed_copy(tmp_path: Path) -> Path:
    """nat-per-az with the db security group narrowed to app-b only: app-1 loses PostgreSQL."""
    text = (ROOT / "topologies" / "nat-per-az.yaml").read_text()
    old = "- {protocol: tcp, ports: 5432, source: app, description: postgres from app servers}"
    assert old in text
    path = tmp_path / "nat-per-az-new.yaml"
    path.write_text(text.replace(old, "- {protocol: tcp, ports: 5432, source: 10.20.11.0/24, description: app-b}"))
    return path


def test_the_diff_lists_each_change_with_its_cause_and_opens_both_traces(load: Loader, tmp_path: Path) -> None:
    new = vpcsim.load(_changed_copy(tmp_path))

    async def scenario() -> None:
        app = ExplorerApp(new, baseline=load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "c")
            panel = app.screen.query_one(DiffPanel)
            assert panel.diff is not None and len(panel.diff.changes) == 1
            text = screen_text(app)
            assert "tcp/5432  app-1  db-1, db-2  ACCEPTED  DENIED (ENI_SG_RULES_MISMATCH)  eni-db-1 " \
                "(nat-per-az-new.yaml:102:7)" in text                 # the hop, and where its rule is written
            await press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.trace is not None
            assert screen.trace.disposition.value == "DENIED"
            await press(pilot, "c", "o")                             # the same pair in the old version
            assert screen.trace.disposition.value == "ACCEPTED"

    asyncio.run(scenario())


def test_vpcsim_tui_diff_loads_both_versions_before_the_ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    opened: list[tuple[str, str]] = []

    def fake_run(network: vpcsim.Network, *, theme: str = "dark", baseline: vpcsim.Network | None = None) -> int:
        assert baseline is not None
        opened.append((network.compiled.source, baseline.compiled.source))
        return 0

    monkeypatch.setattr(vpcsim.tui, "run", fake_run)
    old = str(ROOT / "topologies" / "nat-per-az.yaml")
    new = str(_changed_copy(tmp_path))
    assert main(["tui", old, "--diff", new]) == 0
    assert opened == [(new, old)]
    assert main(["tui", old, "--diff", str(ROOT / "docs" / "examples" / "broken.yaml")]) == 2
    assert "broken.yaml:9:61: error" in capsys.readouterr().err


def test_the_diff_says_a_group_that_opens_everything_as_all() -> None:
    """The security groups mention tcp/22, 5432 and 8080; the new rule `{protocol: all}` opens every flow."""
    topologies = ROOT / "tests" / "cli" / "topologies"

    async def scenario() -> None:
        app = ExplorerApp(vpcsim.load(topologies / "db-after.yaml"),
                          baseline=vpcsim.load(topologies / "db-before.yaml"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "c")
            rows = [line.split() for line in screen_text(app).splitlines() if "bastion" in line]
            assert ["all", "bastion", "db-1", "DENIED", "(ENI_SG_RULES_MISMATCH)", "ACCEPTED", "eni-db-1", "db",
                    "ingress", "#2", "(db-after.yaml:26:13)"] in rows

    asyncio.run(scenario())
