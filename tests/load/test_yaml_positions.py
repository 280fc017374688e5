"""``read_yaml``: plain data plus the (line, col) of every key and value, and duplicate keys caught.

Lines and columns are 1-based, as editors show them; a value's position is where its text starts
(the first key of a block mapping, the '{' or '[' of a flow collection, the '-' item's content).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsim.errors import SourcePos, TopologyError
from vpcsim.load.positions import Positions
from vpcsim.load.yaml import read_yaml


def read(tmp_path: Path, text: str | bytes) -> tuple[object, Positions]:
    path = tmp_path / "t.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return read_yaml(path, display="t.yaml")


def lc(pos: SourcePos) -> tuple[int, int]:
    return pos.line, pos.col


def test_nested_mapping_values_and_keys(tmp_path: Path) -> None:
    text = "name: demo\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    dns:\n      support: true\n"
    data, pos = read(tmp_path, text)
    assert data == {"name": "demo", "vpcs": {"prod": {"cidr": "10.0.0.0/16", "dns": {"support": True}}}}
    assert lc(pos.of_value(("name",))) == (1, 7)
    assert lc(pos.of_key(("vpcs",))) == (2, 1)
    assert lc(pos.of_value(("vpcs",))) == (3, 3)                 # a block mapping starts at its first key
    assert lc(pos.of_key(("vpcs", "prod"))) == (3, 3)
    assert lc(pos.of_value(("vpcs", "prod", "cidr"))) == (4, 11)
    assert lc(pos.of_key(("vpcs", "prod", "dns", "support"))) == (6, 7)
    assert lc(pos.of_value(("vpcs", "prod", "dns", "support"))) == (6, 16)
    assert pos.of_value(("vpcs", "prod", "cidr")).file == "t.yaml"


def test_block_list_items(tmp_path: Path) -> None:
    data, pos = read(tmp_path, "cidrs:\n  - 10.0.0.0/16\n  -   10.1.0.0/16\n  - cidr: 10.2.0.0/16\n"
                               "    az: a\n")
    assert data == {"cidrs": ["10.0.0.0/16", "10.1.0.0/16", {"cidr": "10.2.0.0/16", "az": "a"}]}
    assert lc(pos.of_value(("cidrs", 0))) == (2, 5)
    assert lc(pos.of_value(("cidrs", 1))) == (3, 7)
    assert lc(pos.of_value(("cidrs", 2))) == (4, 5)        # the item's mapping starts at its first key
    assert lc(pos.of_value(("cidrs", 2, "az"))) == (5, 9)
    assert lc(pos.of_key(("cidrs", 2, "az"))) == (5, 5)


def test_flow_style_items(tmp_path: Path) -> None:
    text = ("routes: [{destination: 0.0.0.0/0, target: igw}, {destination: pl-s3, target: s3}]\n"
            "ports: [22, 443]\n")
    data, pos = read(tmp_path, text)
    assert data == {"routes": [{"destination": "0.0.0.0/0", "target": "igw"},
                               {"destination": "pl-s3", "target": "s3"}],
                    "ports": [22, 443]}
    assert lc(pos.of_value(("routes",))) == (1, 9)
    assert lc(pos.of_value(("routes", 0))) == (1, 10)
    assert lc(pos.of_key(("routes", 0, "target"))) == (1, 35)
    assert lc(pos.of_value(("routes", 0, "target"))) == (1, 43)
    assert lc(pos.of_value(("routes", 1))) == (1, 49)
    assert lc(pos.of_value(("routes", 1, "destination"))) == (1, 63)
    assert lc(pos.of_value(("ports", 1))) == (2, 13)


def test_flow_mapping_inside_a_block_list(tmp_path: Path) -> None:
    _, pos = read(tmp_path, "rules:\n  - {rule: 100, action: allow}\n  - {rule: 200, action: deny}\n")
    assert lc(pos.of_value(("rules", 1))) == (3, 5)
    assert lc(pos.of_value(("rules", 1, "action"))) == (3, 25)


def test_json_is_read_with_positions(tmp_path: Path) -> None:
    data, pos = read(tmp_path, '{\n  "vpcs": {\n    "prod": {"cidr": "10.0.0.0/16"}\n  }\n}\n')
    assert data == {"vpcs": {"prod": {"cidr": "10.0.0.0/16"}}}
    assert lc(pos.of_value(("vpcs", "prod", "cidr"))) == (3, 22)


def test_positions_are_not_shifted_by_a_bom_or_crlf(tmp_path: Path) -> None:
    _, pos = read(tmp_path, "\ufeffvpcs:\r\n  prod:\r\n    cidr: 10.0.0.0/16\r\n".encode())
    assert lc(pos.of_value(("vpcs", "prod", "cidr"))) == (3, 11)


def test_block_scalar_and_empty_value(tmp_path: Path) -> None:
    data, pos = read(tmp_path, "description: |\n  two\n  lines\nsubnets:\nname: x\n")
    assert data == {"description": "two\nlines\n", "subnets": None, "name": "x"}
    assert lc(pos.of_value(("description",))) == (1, 14)
    assert lc(pos.of_key(("subnets",))) == (4, 1)


def test_an_alias_value_is_positioned_at_its_anchor(tmp_path: Path) -> None:
    data, pos = read(tmp_path, "a: &web {ports: 443}\nb: *web\n")
    assert data == {"a": {"ports": 443}, "b": {"ports": 443}}
    assert lc(pos.of_value(("b",))) == (1, 4)
    assert lc(pos.of_value(("b", "ports"))) == (1, 17)
    assert lc(pos.of_key(("b",))) == (2, 1)


def test_keys_are_text(tmp_path: Path) -> None:
    data, pos = read(tmp_path, "vpcs:\n  10: {cidr: 10.0.0.0/16}\n  true: {cidr: 10.1.0.0/16}\n")
    assert data == {"vpcs": {"10": {"cidr": "10.0.0.0/16"}, "true": {"cidr": "10.1.0.0/16"}}}
    assert lc(pos.of_key(("vpcs", "10"))) == (2, 3)


def test_lookups_fall_back_to_the_nearest_enclosing_value(tmp_path: Path) -> None:
    _, pos = read(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n")
    assert lc(pos.of_value(("vpcs", "prod", "subnets", "a", "cidr"))) == (3, 5)
    assert lc(pos.of_key(("vpcs", "prod", "nothing"))) == (3, 5)
    assert lc(pos.of_value(("elsewhere",))) == (1, 1)


def test_closest_path_keeps_only_data_keys_of_a_pydantic_loc(tmp_path: Path) -> None:
    _, pos = read(tmp_path, "vpcs:\n  prod:\n    subnets:\n      a: {cidr: x}\n")
    loc = ("vpcs", "prod", "subnets", "a", "function-after[check(), str]", "cidr", "[key]")
    assert pos.closest_path(loc) == ("vpcs", "prod", "subnets", "a", "cidr")
    assert pos.closest_path(("vpcs", "prod", "cidr")) == ("vpcs", "prod")


def test_duplicate_key_in_a_nested_mapping(tmp_path: Path) -> None:
    with pytest.raises(TopologyError) as info:
        read(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets: {}\n    cidr: 10.1.0.0/16\n")
    d, = info.value.diagnostics
    assert (d.pos.file, d.pos.line, d.pos.col, d.message) == ("t.yaml", 5, 5, "duplicate key 'cidr'")
    assert d.hint == ("'cidr' is already given at line 3, column 5; YAML keeps only one of them, "
                      "so remove or rename one")


def test_duplicate_key_in_a_flow_mapping(tmp_path: Path) -> None:
    with pytest.raises(TopologyError) as info:
        read(tmp_path, "routes:\n  - {destination: 0.0.0.0/0, target: igw, target: nat-a}\n")
    d, = info.value.diagnostics
    assert (d.pos.line, d.pos.col, d.message) == (2, 43, "duplicate key 'target'")


def test_duplicate_resource_names_and_keys_are_all_reported_in_line_order(tmp_path: Path) -> None:
    text = "vpcs:\n  prod: {cidr: 10.0.0.0/16}\n  dev: {cidr: 10.1.0.0/16, cidr: 10.2.0.0/16}\n  prod: {}\n"
    with pytest.raises(TopologyError) as info:
        read(tmp_path, text)
    assert [(d.pos.line, d.pos.col, d.message) for d in info.value.diagnostics] == [
        (3, 28, "duplicate key 'cidr'"),
        (4, 3, "duplicate key 'prod'"),
    ]


def test_the_same_key_in_different_mappings_is_fine(tmp_path: Path) -> None:
    data, _ = read(tmp_path, "a: {cidr: 10.0.0.0/16}\nb: {cidr: 10.0.0.0/16}\n")
    assert data == {"a": {"cidr": "10.0.0.0/16"}, "b": {"cidr": "10.0.0.0/16"}}


def test_keys_that_read_the_same_are_duplicates(tmp_path: Path) -> None:
    with pytest.raises(TopologyError) as info:
        read(tmp_path, "vpcs:\n  10: {}\n  '10': {}\n")
    assert [(d.pos.line, d.message) for d in info.value.diagnostics] == [(3, "duplicate key '10'")]


def test_timestamps_and_binary_stay_text(tmp_path: Path) -> None:
    data, _ = read(tmp_path, "created: 2024-01-02\nblob: !!binary aGVsbG8=\n")
    assert data == {"created": "2024-01-02", "blob": "aGVsbG8="}
