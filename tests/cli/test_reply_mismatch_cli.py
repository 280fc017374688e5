"""A reply that comes back rewritten, seen from the shell: `trace`, `check` (text, JUnit, SARIF) and `matrix`
all say REPLY_MISMATCH and name the NAT gateway that rewrote the reply (docs/semantics.md, "Replies must
match")."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = str(ROOT / "tests" / "semantics" / "topologies" / "R6_4_reply_through_nat_gateway.yaml")
ASK = ["--from", "internet:192.0.2.80", "--to", "web-1", "--port", "22"]
INTENTS = """\
intents:
  - name: ssh to web-1 from the internet
    from: internet:192.0.2.80
    to: web-1
    protocol: tcp
    port: 22
    expect: reachable
"""


def test_trace_of_a_rewritten_reply_exits_1_and_names_the_nat_gateway() -> None:
    result = subprocess.run([sys.executable, "-m", "vpcsim", "trace", TOPOLOGY, *ASK], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["REPLY_MISMATCH", "internet:192.0.2.80", "->", "web-1", "tcp/22", "(not",
                                "reachable)"]
    assert "NGW_REWROTE_REPLY at nat-a (reply): nat-a rewrote the reply's source 10.0.1.10:22 to " \
           "10.0.0.10:1024" in " ".join(result.stdout.split())


def test_trace_json_says_not_reachable_with_the_return_path_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", TOPOLOGY, *ASK, "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["reachable"], result["disposition"]) == (False, "REPLY_MISMATCH")
    [why] = result["explanations"]
    assert (why["code"], why["component"], why["path"]) == ("NGW_REWROTE_REPLY", "nat-a", "return")
    last = result["return"][-1]["packet"]
    assert (last["src"], last["src_port"]) == ("203.0.113.60", 1024)


def test_check_fails_the_intent_in_text_junit_and_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text(INTENTS)
    junit, sarif = tmp_path / "j.xml", tmp_path / "s.sarif"
    assert main(["check", TOPOLOGY, "--intents", str(intents), "--junit", str(junit), "--sarif", str(sarif)]) == 1
    out = capsys.readouterr().out
    assert "expected reachable, but internet:192.0.2.80 -> web-1 tcp/22 is REPLY_MISMATCH " \
           "(NGW_REWROTE_REPLY at nat-a)" in out
    # The rule to change: the route that sends the reply into the NAT gateway, with its place in the file.
    assert "deciding rule: 0.0.0.0/0 -> nat-a at to-nat (" in out
    failure = ET.parse(junit).getroot().find(".//failure")
    assert failure is not None and "REPLY_MISMATCH" in (failure.get("message") or "")
    [finding] = json.loads(sarif.read_text())["runs"][0]["results"]
    assert "REPLY_MISMATCH (NGW_REWROTE_REPLY at nat-a)" in finding["message"]["text"]


def test_matrix_marks_the_pair_m_and_says_what_m_means(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", TOPOLOGY, "--port", "22"]) == 0
    out = capsys.readouterr().out
    grid = {line.split()[1]: line.split()[2:] for line in out.splitlines() if line[:1].isdigit()}
    assert grid["internet"] == ["-", "m", "n"]
    assert "1 REPLY_MISMATCH (NGW_REWROTE_REPLY)" in out
    assert "m reply mismatch" in out
