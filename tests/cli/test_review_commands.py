"""`vpcsim diff` and `vpcsim matrix` from the shell's point of view."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
NAT = str(ROOT / "topologies" / "nat-per-az.yaml")
PUBLIC_WEB = ROOT / "topologies" / "public-web.yaml"


@pytest.fixture
def opened(tmp_path: Path) -> Path:
    data = yaml.safe_load(PUBLIC_WEB.read_text())
    data["vpcs"]["web"]["security_groups"]["web"]["ingress"].append(
        {"protocol": "tcp", "ports": 3306, "source": "0.0.0.0/0"})
    path = tmp_path / "opened.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_diff_exits_0_without_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", NAT, NAT]) == 0
    assert capsys.readouterr().out.rstrip().endswith("over 6 endpoints and all")     # every protocol and port


def test_diff_exits_1_and_names_the_rule(opened: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(PUBLIC_WEB), str(opened)]) == 1
    out = capsys.readouterr().out
    assert "tcp/3306  internet -> web-1, web-2  (2 pairs)" in out
    assert "before: DENIED (ENI_SG_RULES_MISMATCH) at eni-web-1" in out
    assert f"after:  ACCEPTED; web ingress #4 at eni-web-1 [{opened}:" in out


def test_diff_json(opened: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(PUBLIC_WEB), str(opened), "--format", "json", "--port", "3306"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] is True and data["flows"] == ["tcp/3306"]
    change = next(c for c in data["changes"] if c["from"] == ["internet"])
    assert change["old"]["disposition"] == "DENIED" and change["new"]["reachable"] is True
    assert change["new"]["cause"]["rule"] == "web ingress #4"
    assert change["new"]["cause"]["location"]["file"] == str(opened)


def test_diff_with_intents(opened: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intents = str(ROOT / "topologies" / "public-web.intents.yaml")
    assert main(["diff", str(PUBLIC_WEB), str(opened), "--intents", intents]) == 0   # no intent is about 3306
    assert capsys.readouterr().out.rstrip().endswith("0 intents changed")


def test_diff_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", NAT, str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_matrix_text_grid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", NAT, "--port", "5432"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "nat-per-az: 6 endpoints in 6 classes, 30 conversations walked"
    assert lines[2].startswith("tcp/5432: 9 of 30 pairs reachable")
    grid = {line.split()[1]: line.split()[2:] for line in lines[4:10]}
    assert grid["app-1"] == ["E", "d", "-", "d", "A", "A"]          # to the internet, both dbs ACCEPTED
    assert grid["bastion"][4] == "d"                                 # db-nacl rule 90
    assert lines[-1].startswith("A accepted, E exits the network")


def test_matrix_csv_has_one_row_per_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", NAT, "--protocol", "tcp", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 * 30
    row = next(r for r in rows if r["source"] == "bastion" and r["destination"] == "db-1" and r["ports"] == "5432")
    assert row == {"protocol": "tcp", "ports": "5432", "source": "bastion", "destination": "db-1",
                   "disposition": "DENIED", "reachable": "false", "code": "SUBNET_ACL_RESTRICTION"}


def test_matrix_json_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", NAT, "--port", "5432", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    flow = data["flows"][0]
    assert flow["flow"] == "tcp/5432" and flow["pairs"] == 30 and flow["reachable"] == 9
    assert sum(b["count"] for b in flow["summary"]) == 30
    assert all({"from", "to", "disposition", "code", "reachable"} <= set(b) for b in flow["blocks"])


def test_matrix_bad_protocol_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", NAT, "--protocol", "tcpp"]) == 2
    assert "is not a protocol" in capsys.readouterr().err
