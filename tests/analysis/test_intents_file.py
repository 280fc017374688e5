"""Intents files: the published schema, and bad files reported at file:line:col (never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from reference import reference_topologies

import vpcsim
from vpcsim.analysis.intents import intents_schema, load_intents
from vpcsim.cli import main
from vpcsim.errors import IntentsError, TopologyError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "vpcsim" / "data" / "intents.schema.json"
NAT = ROOT / "topologies" / "nat-per-az.yaml"
INTENTS = sorted((ROOT / "topologies").glob("*.intents.yaml"))


def test_published_intents_schema_is_current() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == intents_schema(), \
        "regenerate with: vpcsim schema --intents > vpcsim/data/intents.schema.json"


def test_schema_command_prints_the_intents_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--intents"]) == 0
    assert json.loads(capsys.readouterr().out) == intents_schema()


def test_every_reference_topology_has_an_intents_file() -> None:
    topologies = {p.name for p in reference_topologies()}
    assert {p.name.replace(".intents", "") for p in INTENTS} == topologies


@pytest.mark.parametrize("path", INTENTS, ids=lambda p: p.name)
def test_reference_intents_validate_against_the_schema_and_document_the_design(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../vpcsim/data/intents.schema.json")
    data = yaml.safe_load(text)
    jsonschema.validate(data, intents_schema())
    expects = [i["expect"] for i in data["intents"]]
    assert len(expects) >= 4
    assert "reachable" in expects and "unreachable" in expects
    assert any(i.get("via") for i in data["intents"]), "show at least one path with via"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bad.intents.yaml"
    path.write_text(text)
    with pytest.raises(IntentsError) as caught:
        load_intents(path, vpcsim.load(NAT).compiled)
    assert isinstance(caught.value, TopologyError)
    return [f"{d.pos.line}:{d.pos.col} {d.message} | {d.hint}" for d in caught.value.diagnostics]


def test_unknown_key_is_positioned_with_a_suggestion(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "intents:\n  - name: x\n    from: app-1\n    to: db-1\n    prot: tcp\n"
                                   "    expect: reachable\n")
    assert problems == ["5:5 unknown key 'prot' | did you mean 'port'?"]


def test_bad_expect_and_missing_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "intents:\n  - name: x\n    from: app-1\n    to: db-1\n    expect: reachble\n"
                                   "  - name: y\n    from: app-1\n")
    assert problems[0].startswith("5:13 'expect' must be 'reachable' or 'unreachable', not 'reachble' | "
                                  "did you mean 'reachable'?")
    assert any(p.startswith("6:5 intent #2 is missing the required key 'to'") for p in problems)


def test_unknown_endpoint_via_and_group_are_positioned(tmp_path: Path) -> None:
    problems = _problems(tmp_path, """intents:
  - name: a
    from: app-9
    to: sg:dbb
    expect: unreachable
  - name: b
    from: app-1
    to: internet
    port: 443
    expect: reachable
    via: [nat-c]
  - name: c
    from: tag:role=nothing
    to: db-1
    expect: unreachable
""")
    assert problems[0].startswith("3:11 'from': 'app-9' is not an instance")
    assert "did you mean 'app-" in problems[0]
    assert problems[1].startswith("4:9 no interface belongs to a security group 'dbb' | did you mean 'db'?")
    assert problems[2].startswith("11:11 'via' names 'nat-c', which is not a component of the network")
    assert problems[3].startswith("13:11 no instance has the tag role=nothing")


def test_via_needs_a_reachable_intent(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "intents:\n  - name: x\n    from: app-1\n    to: db-1\n"
                                   "    expect: unreachable\n    via: [nat-a]\n")
    assert problems == ["2:5 'via' and 'not_via' describe a path, so they need expect: reachable | run "
                        "'vpcsim schema --intents' to see what is allowed"]


def test_duplicate_names_and_yaml_errors(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "intents:\n  - {name: x, from: app-1, to: db-1, expect: reachable, port: 5432}\n"
                                   "  - {name: x, from: app-2, to: db-1, expect: reachable, port: 5432}\n")
    assert problems[0].startswith("3:12 intent name 'x' is used twice")
    assert _problems(tmp_path, "intents: [\n")[0].startswith("2:1 YAML syntax error")


def test_bad_intents_file_exits_2_with_file_line_col(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.intents.yaml"
    path.write_text("intents:\n  - name: x\n    from: app-1\n    to: db-1\n    expect: maybe\n")
    assert main(["check", str(NAT), "--intents", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5:13: error: 'expect' must be" in err
    assert "1 problem in the intents file" in err and "Traceback" not in err


def test_missing_intents_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NAT), "--intents", str(tmp_path / "none.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
