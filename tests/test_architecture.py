"""The pipeline's arrows (docs/architecture.md): each stage looks only downstream, and `import vpcsim` is cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import vpcsim

PACKAGE = Path(vpcsim.__file__).parent

NEVER = {
    "vpcsim.model": ("vpcsim.load", "vpcsim.compile", "vpcsim.engine", "vpcsim.render", "vpcsim.cli"),
    "vpcsim.load": ("vpcsim.compile", "vpcsim.engine", "vpcsim.render", "vpcsim.cli"),
    "vpcsim.compile": ("vpcsim.engine", "vpcsim.render", "vpcsim.cli"),
    "vpcsim.engine": ("vpcsim.render", "vpcsim.tui", "vpcsim.cli", "vpcsim.importers", "vpcsim.load",
                      "vpcsim.analysis"),
    "vpcsim.analysis": ("vpcsim.render", "vpcsim.tui", "vpcsim.cli", "vpcsim.importers"),
    "vpcsim.render": ("vpcsim.tui", "vpcsim.cli"),
}


def imports_under(package: str) -> Iterator[tuple[str, str]]:
    folder = PACKAGE.parent.joinpath(*package.split("."))
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield str(path.relative_to(PACKAGE.parent)), node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield str(path.relative_to(PACKAGE.parent)), alias.name


@pytest.mark.parametrize("package", sorted(NEVER))
def test_package_never_imports_upstream(package: str) -> None:
    for module, target in imports_under(package):
        assert not target.startswith(NEVER[package]), f"{module} imports {target}"


def test_import_vpcsim_does_not_load_scapy_textual_or_networkx() -> None:
    code = "import sys, vpcsim; print(sorted(m for m in ('scapy', 'textual', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_are_exported_and_documented() -> None:
    for name in vpcsim.__all__:
        obj = getattr(vpcsim, name)
        assert obj.__doc__, f"vpcsim.{name} has no docstring"
    assert sorted(vpcsim.__all__) == vpcsim.__all__
