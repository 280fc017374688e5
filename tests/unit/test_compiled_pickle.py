"""The compiled network pickles (batches over processes, the content-hash cache), and its parts pickle as
``(class, field values)`` through ``compile.compact.Compact``: that only works when every field is an
``__init__`` parameter in declaration order, which these tests hold every subclass to."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

import vpcsim
from vpcsim.compile import components, lpm, rules
from vpcsim.compile.compact import Compact

REFERENCE = sorted((Path(__file__).resolve().parents[2] / "topologies").glob("*.yaml"))
REFERENCE = [p for p in REFERENCE if not p.name.endswith(".intents.yaml")]

COMPACT = sorted({cls for module in (components, lpm, rules) for cls in vars(module).values()
                  if isinstance(cls, type) and issubclass(cls, Compact) and cls is not Compact},
                 key=lambda cls: cls.__name__)


@pytest.mark.parametrize("cls", COMPACT, ids=lambda cls: cls.__name__)
def test_compact_classes_rebuild_from_their_fields(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    fields = dataclasses.fields(cls)
    assert all(f.init for f in fields), cls
    assert tuple(f.name for f in fields) == cls.__slots__, cls
    assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_compiled_network_survives_pickle(path: Path) -> None:
    compiled = vpcsim.load(path).compiled
    again = pickle.loads(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == compiled
    for name, eni in compiled.enis.items():
        assert again.enis[name] == eni and type(again.enis[name]) is type(eni)
