"""A change that opens everything reads as ``all`` in `vpcsim diff` and `vpcsim check` (issue #13, item 6).

db-before.yaml's security groups mention tcp/22, tcp/5432 and tcp/8080; db-after.yaml adds
``{protocol: all, source: bastion}`` to the database's group. Before, diff looked only at the ports the rules
mention and reported tcp/22, tcp/5432, tcp/8080; the step summary showed tcp/22 as the flow of an
every-protocol intent.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from vpcsim.cli import main

HERE = Path(__file__).resolve().parent / "topologies"
BEFORE, AFTER, INTENTS = HERE / "db-before.yaml", HERE / "db-after.yaml", HERE / "db.intents.yaml"


def test_diff_says_a_rule_that_opens_every_protocol_and_port_is_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BEFORE), str(AFTER)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "all  bastion -> db-1  (1 pair)"
    assert lines[2].startswith("  before: DENIED (ENI_SG_RULES_MISMATCH) at eni-db-1: no inbound rule of "
                               "security group(s) db allows tcp/22 from 10.0.1.10")
    assert lines[3] == f"  after:  ACCEPTED; db ingress #2 at eni-db-1 [{AFTER}:26:13]"
    assert lines[-1] == "1 change (11 pair-flows) over 4 endpoints and all"


def test_diff_json_carries_every_atom_and_the_merged_flows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BEFORE), str(AFTER), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["merged_flows"] == ["all"]
    (change,) = data["changes"]
    assert change["merged_flows"] == ["all"] and change["from"] == ["bastion"] and change["to"] == ["db-1"]
    assert change["flows"] == data["flows"]                 # every atom changed, not only tcp/22, 5432, 8080
    assert {"tcp/0-21", "tcp/8081-65535", "udp/0-65535", "icmp/8", "protocol 47"} <= set(change["flows"])


def test_diff_says_a_rule_that_opens_the_ephemeral_ports_as_one_range(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(BEFORE.read_text())
    data["vpcs"]["shop"]["security_groups"]["db"]["ingress"].append(
        {"protocol": "tcp", "ports": "1024-65535", "source": "bastion"})
    opened = tmp_path / "ephemeral.yaml"
    opened.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["diff", str(BEFORE), str(opened)]) == 1
    assert capsys.readouterr().out.splitlines()[1] == "tcp/1024-65535  bastion -> db-1  (1 pair)"


def test_diff_of_one_protocol_covers_all_its_ports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BEFORE), str(AFTER), "--protocol", "udp"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "udp  bastion -> db-1  (1 pair)" and lines[-1].endswith(" and udp")


def test_check_github_step_summary_shows_all_as_the_flow_of_an_every_protocol_intent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", str(AFTER), "--intents", str(INTENTS), "--github"]) == 1
    out = capsys.readouterr().out
    assert "      fails for: all\n" in out
    (command,) = [line for line in out.splitlines() if line.startswith("::error")]
    assert "[PATH_FOUND]%0Afails for: all%0Adeciding rule: db ingress #2 at eni-db-1" in command
    rows = [line for line in summary.read_text().splitlines() if line.startswith("| ")]
    assert rows[1].startswith("| ❌ | the bastion never reaches the database | bastion -> db-1 | all | ")
    assert rows[2].startswith("| ✅ | the internet never reaches the database | internet -> db-1 | all | ")
    assert rows[3].startswith("| ✅ | the app tier reaches the database | app-1 -> db-1 | tcp/5432 | ")


def test_check_json_junit_and_sarif_name_every_flow_that_breaks_the_intent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, sarif = tmp_path / "j.xml", tmp_path / "s.sarif"
    assert main(["check", str(AFTER), "--intents", str(INTENTS), "--format", "json", "--junit", str(junit),
                 "--sarif", str(sarif)]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["merged_flows"] for r in results] == [["all"], ["all"], ["tcp/5432"]]
    assert results[0]["flow"] == "tcp/22"                  # the flow of the trace shown
    failure = ET.parse(junit).getroot().find("./testsuite/testcase/failure")
    assert failure is not None and "fails for: all" in (failure.get("message") or "")
    (result,) = json.loads(sarif.read_text())["runs"][0]["results"]
    assert result["properties"]["flows"] == ["all"] and "fails for: all" in result["message"]["text"]


def test_a_failing_pinned_range_names_only_the_ports_that_fail(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "range.intents.yaml"
    intents.write_text("intents:\n  - name: the app tier reaches every high port of the database\n"
                       "    from: app-1\n    to: db-1\n    port: 1024-65535\n    expect: reachable\n")
    assert main(["check", str(AFTER), "--intents", str(intents), "--format", "json"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["merged_flows"] == ["tcp/1024-5431", "tcp/5433-65535"]      # 5432 is open to the app tier
