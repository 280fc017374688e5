"""``vpcsim tui TOPO``: a bad topology is reported like ``validate`` does, before any UI opens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vpcsim.tui
from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_a_bad_topology_exits_2_with_the_same_positioned_errors_as_validate(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> int:
        raise AssertionError("the UI must not open on a bad topology")

    monkeypatch.setattr(vpcsim.tui, "run", never)
    broken = str(ROOT / "docs" / "examples" / "broken.yaml")
    assert main(["validate", broken]) == 2
    validate = capsys.readouterr().err
    assert main(["tui", broken]) == 2
    tui = capsys.readouterr().err
    assert tui == validate
    assert "broken.yaml:9:61: error: route target 'nat-b' does not exist" in tui


def test_a_good_topology_opens_the_explorer_on_the_loaded_network(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str, str]] = []

    def fake_run(network: vpcsim.Network, *, theme: str = "dark") -> int:
        opened.append((network.name, theme))
        return 0

    monkeypatch.setattr(vpcsim.tui, "run", fake_run)
    assert main(["tui", str(ROOT / "topologies" / "public-web.yaml"), "--theme", "light"]) == 0
    assert opened == [("public-web", "light")]


def test_the_tui_package_is_the_only_one_that_imports_textual() -> None:
    code = "import sys, vpcsim.cli, vpcsim.tui; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"          # even the tui package waits until the explorer is run


def test_the_readme_lists_every_key_of_the_help_screen() -> None:
    from vpcsim.tui.keys import KEYS

    readme = (ROOT / "README.md").read_text()
    for _, key, does in KEYS[1:]:
        assert " ".join(f"`{k}`" for k in key.split("  ")) in readme, key
        assert does in readme, does
