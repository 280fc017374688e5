"""Damaged snapshots never crash the importer: keys removed, values of the wrong type, elements replaced by
scalars — each costs what it touches (a warning), or, when nothing can be saved, is a positioned TopologyError."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from vpcsim.compile.compiler import compile_network
from vpcsim.errors import TopologyError
from vpcsim.importers import import_aws

BATFISH = Path(__file__).parent / "batfish"
FOLDERS = sorted(p.name for p in BATFISH.iterdir() if p.is_dir())
ODD_VALUES: list[Any] = [None, 0, -1, "", "x", [], {}, True, "10.0.0.0/33", "999.1.1.1", [1, 2], {"a": 1}, 70000, "-1"]


def damage(value: Any, rnd: random.Random) -> None:
    """Remove or retype about one key in twelve and one list item in twenty, everywhere in ``value``."""
    if isinstance(value, dict):
        if value and rnd.random() < 0.08:
            key = rnd.choice(sorted(value))
            if rnd.random() < 0.5:
                del value[key]
            else:
                value[key] = rnd.choice(ODD_VALUES)
        for key in sorted(value):
            damage(value[key], rnd)
    elif isinstance(value, list):
        if value and rnd.random() < 0.05:
            value[rnd.randrange(len(value))] = rnd.choice(ODD_VALUES)
        for item in value:
            damage(item, rnd)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("folder", FOLDERS)
def test_a_damaged_snapshot_imports_or_fails_with_positions(folder: str, seed: int, tmp_path: Path) -> None:
    rnd = random.Random(f"{folder}/{seed}")
    target = tmp_path / folder
    shutil.copytree(BATFISH / folder, target)
    for path in sorted(target.rglob("*.json")):
        data = json.loads(path.read_text())
        damage(data, rnd)
        path.write_text(json.dumps(data, indent=1))
    try:
        loaded = import_aws(target)
    except TopologyError as error:
        assert all(d.pos.file.endswith(".json") for d in error.diagnostics), error.render()
        return
    compile_network(loaded.topology, loaded.positions)
    assert all(w.pos.file.endswith(".json") for w in loaded.warnings), [str(w) for w in loaded.warnings]
