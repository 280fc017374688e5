"""Every `vpcsim trace` example written in a reference topology's header runs, and ends as the comment says.

The examples are the documentation users read first, so they are executed as they are written:
`# vpcsim trace FILE --from A --to B [--port N] [--protocol P]   -> DISPOSITION (note)`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from reference import reference_topologies

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGIES = ROOT / "topologies"
EXAMPLE = re.compile(r"#\s+vpcsim trace (?P<file>\S+)\s+(?P<args>--from.*?)\s*->\s*(?P<expect>[A-Z_]{4,})")
EXIT_STATUS = {"ACCEPTED": 0, "EXITS_NETWORK": 0}


def _examples() -> list[tuple[Path, list[str], str]]:
    found = []
    for path in reference_topologies():
        for line in path.read_text().splitlines():
            match = EXAMPLE.search(line)
            if match:
                found.append((path, shlex.split(match["args"]), match["expect"]))
    return found


EXAMPLES = _examples()


def test_every_reference_topology_has_trace_examples() -> None:
    with_examples = {path for path, _, _ in EXAMPLES}
    assert with_examples == set(reference_topologies())


@pytest.mark.parametrize(("path", "args", "expect"), EXAMPLES,
                         ids=[f"{p.stem}:{' '.join(a)}" for p, a, _ in EXAMPLES])
def test_trace_example(path: Path, args: list[str], expect: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["trace", str(path), *args, "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    import json

    result = json.loads(out.out)
    assert result["disposition"] == expect, result["explanations"]
    assert status == EXIT_STATUS.get(expect, 1)
    if expect not in EXIT_STATUS:
        assert result["explanations"], "a drop always carries an explanation"
        assert all(e["code"] for e in result["explanations"])
