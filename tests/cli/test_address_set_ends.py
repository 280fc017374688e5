"""`internet`, sites and CIDRs as sets of addresses, end to end through the CLI (issue #13, docs/semantics.md
"Address sets as question ends")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_WEB = ROOT / "topologies" / "public-web.yaml"
BASTION = ROOT / "tests" / "semantics" / "topologies" / "sets_bastion_ssh_from_one_address.yaml"

INTENTS = """intents:
  - name: nothing on the internet reaches the bastion
    from: internet
    to: bastion
    port: 22
    expect: unreachable
"""


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    status = main([*argv, "--format", "json", "--no-cache"])
    return status, json.loads(capsys.readouterr().out)


def test_unreachable_from_internet_fails_when_one_internet_address_is_admitted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The SG admits SSH only from 203.0.113.200/32: the one-host internet (198.51.100.10) used to pass this.
    intents = tmp_path / "i.yaml"
    intents.write_text(INTENTS)
    status = main(["check", str(BASTION), "--intents", str(intents), "--no-cache"])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL  nothing on the internet reaches the bastion" in out
    assert "ACCEPTED from 203.0.113.200/32" in out and "[PATH_FOUND]" in out
    assert "request: 203.0.113.200:49152 -> 198.51.100.7:22 tcp" in out       # the reaching trace, shown


def test_reachable_for_all_fails_and_for_any_passes_when_only_part_of_the_internet_reaches(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "i.yaml"
    intents.write_text(INTENTS.replace("unreachable", "reachable").replace("nothing on", "all of")
                       + "  - {name: some of the internet, from: internet, to: bastion, port: 22, "
                       "expect: reachable, for: any}\n")
    status, data = _json(capsys, "check", str(BASTION), "--intents", str(intents))
    assert status == 1
    results = {r["name"]: r for r in data["results"]}  # type: ignore[attr-defined]
    assert not results["all of the internet reaches the bastion"]["passed"]
    assert "only part of internet" in results["all of the internet reaches the bastion"]["reason"]
    assert results["some of the internet"]["passed"]


def test_trace_from_internet_to_web_1_port_22_reaches_only_from_the_admin_range(
        capsys: pytest.CaptureFixture[str]) -> None:
    # The stand-in 198.51.100.10 fell in the admin range: the old answer was a bare ACCEPTED.
    status, data = _json(capsys, "trace", str(PUBLIC_WEB), "--from", "internet", "--to", "web-1", "--port", "22")
    assert status == 0 and data["reachable"] is True and data["reachable_for"] == "some"
    groups = data["groups"]
    assert isinstance(groups, list)
    reaching = [g for g in groups if g["reachable"]]
    assert [g["cidrs"] for g in reaching] == [["198.51.100.0/24"]]
    others = [g for g in groups if not g["reachable"]]
    assert others and all(g["explanation"]["code"] == "ENI_SG_RULES_MISMATCH" for g in others)
    assert data["packet"]["src"] == "198.51.100.0"         # the representative: the reaching group's first
    assert data["forward"] and data["return"]              # in full, with the existing top-level keys


def test_trace_text_lists_each_group_then_the_representative(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["trace", str(PUBLIC_WEB), "--from", "internet", "--to", "web-1", "--port", "22", "--no-cache"])
    words = capsys.readouterr().out.split()
    text = " ".join(words)
    assert status == 0
    assert "reachable from 198.51.100.0/24 via igw, web-default-acl, eni-web-1: ACCEPTED" in text
    assert "not reachable from every other address of internet: DENIED ENI_SG_RULES_MISMATCH at eni-web-1" in text


def test_a_single_internet_address_answers_as_before_without_groups(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = _json(capsys, "trace", str(PUBLIC_WEB), "--from", "internet:203.0.113.200", "--to", "web-1",
                         "--port", "22")
    assert status == 1 and "groups" not in data and data["disposition"] == "DENIED"
    status, data = _json(capsys, "trace", str(PUBLIC_WEB), "--from", "internet:198.51.100.20/32", "--to", "web-1",
                         "--port", "22")
    assert status == 0 and "groups" not in data and data["packet"]["src"] == "198.51.100.20"


def test_a_cidr_narrows_the_set(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = _json(capsys, "trace", str(PUBLIC_WEB), "--from", "198.51.100.128/25", "--to", "web-1",
                         "--port", "22")
    assert status == 0 and data["reachable_for"] == "all"
    assert [g["cidrs"] for g in data["groups"]] == [["198.51.100.128/25"]]  # type: ignore[union-attr]
    status, data = _json(capsys, "trace", str(PUBLIC_WEB), "--from", "internet:192.0.2.0/24", "--to", "web-1",
                         "--port", "22")
    assert status == 1 and data["reachable_for"] == "none"


def test_a_cidr_the_network_owns_entirely_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["trace", str(PUBLIC_WEB), "--from", "internet:10.0.0.0/24", "--to", "web-1", "--no-cache"])
    err = capsys.readouterr().err
    assert status == 2 and "belongs to the modelled network" in err and "Traceback" not in err


def test_the_pcap_of_a_set_trace_is_its_representative(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("scapy")
    from scapy.all import rdpcap  # type: ignore[import-untyped]

    path = tmp_path / "t.pcap"
    status = main(["trace", str(PUBLIC_WEB), "--from", "internet", "--to", "web-1", "--port", "22",
                   "--pcap", str(path), "--no-cache"])
    capsys.readouterr()
    assert status == 0
    sources = {p["IP"].src for p in rdpcap(str(path)) if p.haslayer("IP")}
    assert "198.51.100.0" in sources and "1.0.0.0" not in sources
