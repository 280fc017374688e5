"""The console examples of the README and docs/traces.md are run as written and must print what the README shows."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "docs/traces.md")
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def _examples() -> list[tuple[list[str], str]]:
    examples = []
    for block in [b for doc in DOCS for b in BLOCK.findall((ROOT / doc).read_text())]:
        lines = block.splitlines()
        assert lines[0].startswith("$ vpcsim "), lines[0]
        examples.append((shlex.split(lines[0][len("$ vpcsim "):]), "\n".join(lines[1:])))
    return examples


def _words(text: str) -> list[str]:
    return text.split()     # Rich wraps to the terminal width; compare the words, not the line breaks


@pytest.mark.parametrize(("argv", "expected"), _examples(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_readme_example_prints_what_the_readme_shows(argv: list[str], expected: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    os.chdir(ROOT)
    status = main(argv)
    out = capsys.readouterr()
    assert _words(out.out + out.err) == _words(expected), "outputs changed: run python docs/update_traces.py"
    assert status in (0, 1, 2)


def test_readme_names_the_two_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e . && vpcsim trace topologies/" in readme
    assert "pip install -e '.[dev]' && pytest" in readme
    assert "pip install -e '.[dev]' && pytest" in (ROOT / ".ci" / "run").read_text()
