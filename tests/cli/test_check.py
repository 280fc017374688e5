"""`vpcsim check`: exit statuses, and the CI formats (JUnit XML, SARIF 2.1.0, GitHub workflow commands)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGIES = ROOT / "topologies"
NAT = TOPOLOGIES / "nat-per-az.yaml"
INTENTS = sorted(TOPOLOGIES.glob("*.intents.yaml"))

FAILING = """intents:
  - name: the public tier reaches the database
    from: bastion
    to: db-1
    port: 5432
    expect: reachable
  - name: the app tier never reaches the database
    from: app-1
    to: db-1
    expect: unreachable
  - name: app-1 leaves through nat-b
    from: app-1
    to: internet:192.0.2.80
    port: 443
    expect: reachable
    via: [nat-b]
  - name: the app tier reaches the database
    from: sg:app
    to: db-1
    port: 5432
    expect: reachable
"""


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    path = tmp_path / "failing.intents.yaml"
    path.write_text(FAILING)
    return path


@pytest.mark.parametrize("intents", INTENTS, ids=lambda p: p.name)
def test_every_reference_intents_file_passes(intents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    topology = intents.with_name(intents.name.replace(".intents.yaml", ".yaml"))
    assert main(["check", str(topology), "--intents", str(intents)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "FAIL" not in out and out.rstrip().endswith(" 0 failed")


def test_a_failing_intent_exits_1_and_shows_the_deciding_trace(failing: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NAT), "--intents", str(failing)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  the public tier reaches the database" in out
    assert "[SUBNET_ACL_RESTRICTION]; deciding rule: ingress 90 deny at db-nacl" in out
    assert "SUBNET_ACL_RESTRICTION at db-nacl (request, ingress)" in out          # the trace's explanation
    assert f"{failing}:2:5: intent #1" in out
    assert "[PATH_FOUND]; deciding rule: db ingress #1 at eni-db-1" in out
    assert "[VIA_NOT_TRAVERSED]" in out and "PASS  the app tier reaches the database" in out
    assert out.rstrip().endswith("1 passed, 3 failed")


def test_json_output(failing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NAT), "--intents", str(failing), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    first = data["results"][0]
    assert data["passed"] is False and first["code"] == "SUBNET_ACL_RESTRICTION"
    assert first["location"] == {"file": str(failing), "line": 2, "column": 5}
    assert first["deciding_rule"]["location"]["file"] == str(NAT)
    assert first["trace"]["explanations"][0]["code"] == "SUBNET_ACL_RESTRICTION"


def test_junit_has_one_testcase_per_intent_and_the_trace_in_each_failure(failing: Path, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    main(["check", str(NAT), "--intents", str(failing), "--junit", str(report)])
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert {"name", "tests", "failures", "errors", "time"} <= set(suite.attrib)
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["the public tier reaches the database",
                                              "the app tier never reaches the database",
                                              "app-1 leaves through nat-b", "the app tier reaches the database"]
    for case in cases:
        assert {"name", "classname", "time"} <= set(case.attrib)
        float(case.get("time", "x"))
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "SUBNET_ACL_RESTRICTION"
    assert "deciding rule: ingress 90 deny at db-nacl" in (failure.get("message") or "")
    assert "NACL in DENY" in (failure.text or "") and "fix to consider" in (failure.text or "")
    assert cases[3].find("failure") is None
    assert cases[0].get("file") == str(failing) and cases[0].get("line") == "2"


def _sarif(failing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "out.sarif"
    relative = tmp_path / "rel.intents.yaml"
    relative.write_text(failing.read_text())
    main(["check", "topologies/nat-per-az.yaml", "--intents", str(relative), "--sarif", str(report)])
    data: dict[str, object] = json.loads(report.read_text())
    return data


def test_sarif_has_the_required_fields(failing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _sarif(failing, tmp_path, monkeypatch)
    assert log["version"] == "2.1.0" and str(log["$schema"]).endswith("sarif-2.1.0.json")
    runs = log["runs"]
    assert isinstance(runs, list) and len(runs) == 1
    driver = runs[0]["tool"]["driver"]
    assert driver["name"] == "vpcsim"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(set(rule_ids)) == len(rule_ids) == 3
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] == "error"
    results = runs[0]["results"]
    assert len(results) == 3
    for result in results:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] == "error" and result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("rel.intents.yaml")
        assert physical["region"]["startLine"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["vpcsimIntent/v1"])
    assert [r["ruleId"] for r in results] == ["vpcsim/expected-reachable", "vpcsim/expected-unreachable",
                                              "vpcsim/path"]
    related = results[0]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "topologies/nat-per-az.yaml"      # relative to the repository
    line = (ROOT / "topologies" / "nat-per-az.yaml").read_text().splitlines()[related["region"]["startLine"] - 1]
    assert "rule: 90" in line and "deny" in line                                 # the deciding NACL rule
    admitting = results[1]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"]
    assert "ports: 5432, source: app" in (ROOT / "topologies" / "nat-per-az.yaml").read_text().splitlines()[
        admitting - 1]


def test_sarif_fingerprints_survive_moved_lines(failing: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = _sarif(failing, tmp_path, monkeypatch)
    failing.write_text("# a comment that moves every line\n\n" + failing.read_text())
    second = _sarif(failing, tmp_path, monkeypatch)

    def prints(log: dict[str, object]) -> list[str]:
        return [r["partialFingerprints"]["vpcsimIntent/v1"] for r in log["runs"][0]["results"]]  # type: ignore[index]

    assert prints(first) == prints(second)


def test_github_annotations_and_step_summary(failing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", str(NAT), "--intents", str(failing), "--github"]) == 1
    commands = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert len(commands) == 3
    pattern = re.compile(r"::error file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),title=(?P<title>[^:]+)"
                         r"::(?P<message>.+)")
    for command in commands:
        match = pattern.fullmatch(command)
        assert match, command
        assert "\n" not in match["message"] and "%3A" in match["title"]
    first = pattern.fullmatch(commands[0])
    assert first is not None and first["line"] == "2" and first["file"].endswith("failing.intents.yaml")
    assert "%0Adeciding rule: ingress 90 deny at db-nacl" in first["message"]
    text = summary.read_text()
    assert text.startswith("earlier steps\n### vpcsim check: 1 of 4 intents pass")
    assert "| ❌ | the public tier reaches the database | bastion -> db-1 | tcp/5432 |" in text
    assert "`SUBNET_ACL_RESTRICTION`" in text and "| ✅ |" in text


def test_passing_check_writes_reports_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, sarif = tmp_path / "j.xml", tmp_path / "s.sarif"
    intents = TOPOLOGIES / "nat-per-az.intents.yaml"
    assert main(["check", str(NAT), "--intents", str(intents), "--junit", str(junit), "--sarif", str(sarif),
                 "--github"]) == 0
    assert "::error" not in capsys.readouterr().out
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert json.loads(sarif.read_text())["runs"][0]["results"] == []


def test_unwritable_report_exits_2(failing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NAT), "--intents", str(failing), "--junit", str(tmp_path / "no" / "j.xml")]) == 2
    assert "cannot write" in capsys.readouterr().err
