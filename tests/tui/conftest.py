"""Fixtures for the explorer's tests: the reference topologies, loaded once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import vpcsim

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGIES = ROOT / "topologies"


@pytest.fixture(scope="session")
def load() -> Callable[[str], vpcsim.Network]:
    cache: dict[str, vpcsim.Network] = {}

    def loader(name: str) -> vpcsim.Network:
        if name not in cache:
            cache[name] = vpcsim.load(TOPOLOGIES / f"{name}.yaml")
        return cache[name]

    return loader
