"""Every command takes an AWS folder as TOPO, and `vpcsim import aws DIR -o FILE` writes a YAML topology that
traces the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpcsim.cli import main

BATFISH = Path(__file__).parent / "batfish"
NAT = str(BATFISH / "test-nat-gateway")
MULTI = str(BATFISH / "test-transit-gateway-multi-account")


def test_import_writes_yaml_that_loads_and_traces_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "multi.yaml"
    assert main(["import", "aws", MULTI, "-o", str(output)]) == 0
    captured = capsys.readouterr()
    assert "is terminated: not imported" in captured.err           # warnings on stderr
    assert captured.out == ""
    text = output.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert main(["validate", str(output)]) == 0
    capsys.readouterr()
    query = ["--from", "i-0bdf35d561be3d962", "--to", "i-03df168b3f73cc262", "--port", "22", "--format", "json"]
    assert main(["trace", MULTI, *query]) == 0
    from_folder = json.loads(capsys.readouterr().out)
    assert main(["trace", str(output), *query]) == 0
    from_yaml = json.loads(capsys.readouterr().out)
    assert from_folder["disposition"] == from_yaml["disposition"] == "ACCEPTED"
    assert from_folder["forward"] == from_yaml["forward"]
    assert from_folder["return"] == from_yaml["return"]


def test_import_without_output_prints_the_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "aws", NAT]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# yaml-language-server: $schema=")
    assert "nat-07ab4846da51f4612:" in out


def test_trace_and_validate_accept_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "i-0a128d26e59be60f3", "--to", "internet:8.8.8.8", "--port", "80"]) == 0
    assert capsys.readouterr().out.startswith("EXITS_NETWORK")
    assert main(["validate", NAT]) == 0
    assert "ok" in capsys.readouterr().out


def test_broken_json_exits_2_with_the_file_and_no_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "vpcs.json").write_text('{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}')
    assert main(["import", "aws", str(tmp_path), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'vpcs.json'}:" in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_a_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "aws", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_an_unwritable_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "aws", NAT, "-o", str(tmp_path / "no" / "such" / "dir.yaml")]) == 2
    assert "cannot write" in capsys.readouterr().err
