"""A malformed or truncated JSON file — in an AWS describe-* folder or as a Terraform file — is one line
`file:line:col: error: invalid JSON: what is wrong` (with a hint), exit status 2, and never a traceback.

The first line of stderr is pinned exactly: an editor jumps to the line and column where JSON stopped making sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from vpcsim.cli import main

GOOD_VPCS = '{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}\n'


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    line: int
    col: int
    message: str


CASES = [
    Case("truncated", '{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"', 1, 56,
         "invalid JSON: the file ends in the middle of the document (truncated?)"),
    Case("truncated-in-a-string", '{\n  "Subnets": [\n    {"SubnetId": "subn', 3, 23,
         "invalid JSON: the file ends in the middle of the document (truncated?)"),
    Case("trailing-comma", '{\n  "Subnets": [\n    {"SubnetId": "subnet-1",}\n  ]\n}\n', 3, 29,
         "invalid JSON: expected a key in double quotes"),
    Case("missing-comma", '{\n  "Subnets": [\n    {"SubnetId": "subnet-1"}\n    {"SubnetId": "subnet-2"}\n  ]\n}\n',
         4, 5, "invalid JSON: expected ',' or the end of the list or object"),
    Case("single-quotes", "{'Subnets': []}\n", 1, 2, "invalid JSON: expected a key in double quotes"),
    Case("two-documents", '{"Subnets": []}\n{"Subnets": []}\n', 2, 1,
         "invalid JSON: more data after the end of the JSON document"),
]


def _first_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status == 2, captured.out + captured.err
    lines = captured.err.splitlines()
    assert lines[1].startswith("  hint: ")
    return lines[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("command", ["validate", "trace", "import"])
def test_a_bad_file_in_an_aws_folder(case: Case, command: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "account"
    (folder / "us-east-1").mkdir(parents=True)
    (folder / "us-east-1" / "describe-vpcs.json").write_text(GOOD_VPCS)
    bad = folder / "us-east-1" / "describe-subnets.json"
    bad.write_text(case.text)
    argv = {"validate": ["validate", str(folder)],
            "trace": ["trace", str(folder), "--from", "10.0.0.10", "--to", "internet"],
            "import": ["import", "aws", str(folder), "-o", str(tmp_path / "out.yaml")]}[command]
    assert _first_error(argv, capsys) == f"{bad}:{case.line}:{case.col}: error: {case.message}"
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("command", ["validate", "trace", "import"])
def test_a_truncated_terraform_file(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":'
                    '{"resources":[{"address":"aws_vpc.main","mode":"managed","type":"aws_vpc","name":"main","val')
    argv = {"validate": ["validate", str(plan)],
            "trace": ["trace", str(plan), "--from", "10.0.0.10", "--to", "internet"],
            "import": ["import", "terraform", str(plan)]}[command]
    assert _first_error(argv, capsys) == (f"{plan}:1:177: error: invalid JSON: the file ends in the middle of the "
                                          "document (truncated?)")


def test_a_malformed_terraform_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{\n  "format_version": "1.2",\n  "values": {"root_module": {"resources": [}}\n}\n')
    assert _first_error(["validate", str(plan)], capsys) == f"{plan}:3:44: error: invalid JSON: expected a value"
