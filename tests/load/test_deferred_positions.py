"""Positions read only when asked for (DESIGN §8): the quick read gives the same data as the full walk, and
a deferred table, once consulted, holds exactly what the full walk would have recorded — includes too."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_topologies

from vpcsim.errors import TopologyError
from vpcsim.load.loader import _read_with_includes, load_topology
from vpcsim.load.positions import Positions
from vpcsim.load.yaml import read_yaml

TOPOLOGIES = Path(__file__).parents[2] / "topologies"


def settled(positions: Positions) -> tuple[dict[Any, Any], dict[Any, Any]]:
    return dict(positions.values), dict(positions.keys)


@pytest.mark.parametrize("path", reference_topologies(), ids=lambda p: p.stem)
def test_a_reference_topology_reads_the_same_either_way(path: Path) -> None:
    quick, deferred = read_yaml(path, deferred=True)
    full, eager = read_yaml(path)
    assert quick == full
    assert "deferred" in repr(deferred)                 # nothing was walked for positions yet
    assert settled(deferred) == settled(eager)


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), names,
                    st.sampled_from(["10.0.0.0/16", "::/0", "yes", "off", "0x1F", "1_000", "0777", "1e3",
                                     "2026-11-24", "~", "", " spaced ", "a: b", "#hash", "it's"]))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(names, inner, max_size=4)),
                         max_leaves=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(names, documents, min_size=1, max_size=5), flow=st.sampled_from([None, True, False]))
def test_random_documents_read_the_same_either_way(tmp_path: Path, data: dict[str, Any], flow: bool | None) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data, default_flow_style=flow, sort_keys=False))
    quick, deferred = read_yaml(path, deferred=True)
    full, eager = read_yaml(path)
    assert quick == full == yaml.safe_load(path.read_text())
    assert settled(deferred) == settled(eager)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                               # duplicate key: only the full walk words it
    "a: &x [1]\nb: *x\n",                         # an alias: the full walk bounds its expansion
    "<<: {a: 1}\n",                               # merge key
    "1: one\n",                                   # a number as a key
    "a: !!binary aGk=\n",                         # a tag the quick read does not build
])
def test_what_the_quick_read_does_not_expect_goes_down_the_full_walk(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    try:
        expected: Any = read_yaml(path)
    except TopologyError as error:
        with pytest.raises(TopologyError) as quick_error:
            read_yaml(path, deferred=True)
        assert [str(d) for d in quick_error.value.diagnostics] == [str(d) for d in error.diagnostics]
        return
    data, positions = read_yaml(path, deferred=True)
    assert data == expected[0]
    assert "deferred" not in repr(positions)      # the full walk already knew them
    assert settled(positions) == settled(expected[1])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_positions_of_included_files_are_the_same_deferred_or_not(tmp_path: Path) -> None:
    root = write(tmp_path / "topology.yaml", "name: parts\ninclude: [net/a.yaml, b.yaml]\nvpcs:\n"
                 "  prod:\n    cidr: 10.0.0.0/16\n")
    write(tmp_path / "net/a.yaml", "region: eu-west-1\nvpcs:\n  dev:\n    cidr: 10.1.0.0/16\n"
          "include: [../c.yaml]\n")
    write(tmp_path / "b.yaml", "peering:\n  p1: {requester: prod, accepter: dev}\n")
    write(tmp_path / "c.yaml", "vpcs:\n  test:\n    cidr: 10.2.0.0/16\n")
    quick, deferred, files = _read_with_includes(root)
    full, eager, _ = _read_with_includes(root, deferred=False)
    assert quick == full
    assert files == tuple(sorted(str(p.resolve()) for p in (root, tmp_path / "net/a.yaml", tmp_path / "b.yaml",
                                                          tmp_path / "c.yaml")))
    assert settled(deferred) == settled(eager)
    assert str(deferred.of_key(("vpcs", "test"))) == f"{tmp_path / 'net' / '..' / 'c.yaml'}:2:3"
    assert str(deferred.of_value(("region",))) == f"{tmp_path / 'net' / 'a.yaml'}:1:9"


def test_a_deferred_table_survives_pickling_and_reads_its_file_when_consulted(tmp_path: Path) -> None:
    root = write(tmp_path / "topology.yaml", "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n")
    loaded = load_topology(root)
    copy = pickle.loads(pickle.dumps(loaded.positions))
    assert str(copy.of_value(("vpcs", "prod", "cidr"))) == f"{root}:3:11"


def test_a_deferred_table_whose_file_is_gone_falls_back_to_the_file_start(tmp_path: Path) -> None:
    root = write(tmp_path / "topology.yaml", "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n")
    positions = load_topology(root).positions
    root.unlink()
    assert str(positions.of_value(("vpcs", "prod", "cidr"))) == f"{root}:1:1"
