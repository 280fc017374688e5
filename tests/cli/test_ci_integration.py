"""The pre-commit hooks and the GitHub Actions workflow of docs/ci.md are well formed and run `vpcsim check`;
`vpcsim check` works on a Terraform plan too."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from vpcsim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "importers" / "terraform" / "public_private_nat.plan.json"


def test_pre_commit_hooks_run_vpcsim() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"vpcsim-check", "vpcsim-validate"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
        assert hook["pass_filenames"] is False
        re.compile(hook["files"])
    assert by_id["vpcsim-check"]["entry"] == "vpcsim check"
    args = ["topologies/nat-per-az.yaml", "--intents", "topologies/nat-per-az.intents.yaml"]
    parsed = build_parser().parse_args([*by_id["vpcsim-check"]["entry"].split()[1:], *args])
    assert parsed.command == "check"


def _workflows() -> list[dict[str, object]]:
    text = (ROOT / "docs" / "ci.md").read_text()
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)
            if block.lstrip().startswith("# .github/workflows/")]


def test_the_documented_workflow_checks_and_uploads_sarif() -> None:
    workflows = _workflows()
    assert len(workflows) == 1
    workflow = workflows[0]
    steps = workflow["jobs"]["vpcsim"]["steps"]                       # type: ignore[index]
    runs = " ".join(str(step.get("run", "")) for step in steps)
    assert "vpcsim check" in runs and "--sarif vpcsim.sarif" in runs and "--github" in runs
    upload = next(step for step in steps if "upload-sarif" in str(step.get("uses", "")))
    assert upload["with"]["sarif_file"] == "vpcsim.sarif" and upload["if"] == "always()"
    assert workflow["permissions"]["security-events"] == "write"     # type: ignore[index]
    command = next(str(step["run"]) for step in steps if "vpcsim check" in str(step.get("run", "")))
    argv = shlex.split(command.replace("\n", " "))
    assert build_parser().parse_args(argv[1:]).command == "check"


def test_check_on_a_terraform_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "plan.intents.yaml"
    intents.write_text("""intents:
  - name: web is public on 443
    from: internet
    to: aws_instance.web
    port: 443
    expect: reachable
  - name: the app tier leaves through the NAT gateway
    from: module.app.aws_instance.this
    to: internet:192.0.2.80
    port: 443
    expect: reachable
    via: [aws_nat_gateway.nat_a]
  - name: ssh to web from anywhere
    from: internet
    to: aws_instance.web
    port: 22
    expect: reachable
""")
    monkeypatch.chdir(ROOT)
    sarif = tmp_path / "plan.sarif"
    assert main(["check", str(PLAN.relative_to(ROOT)), "--intents", str(intents), "--sarif", str(sarif)]) == 1
    out = capsys.readouterr().out
    assert "PASS  web is public on 443" in out and "PASS  the app tier leaves through the NAT gateway" in out
    result = json.loads(sarif.read_text())["runs"][0]["results"][0]
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "tests/importers/terraform/public_private_nat.plan.json"
    assert related["region"]["startLine"] > 1                          # a line inside the plan JSON
