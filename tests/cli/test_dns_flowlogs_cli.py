"""`vpcsim dns`, `vpcsim flowlogs` and the DNS / flow-log parts of `vpcsim trace`, from the shell's point of view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = str(ROOT / "topologies" / "private-endpoints.yaml")
NAT = str(ROOT / "topologies" / "nat-per-az.yaml")
NO_DNS = str(ROOT / "tests" / "semantics" / "topologies" / "R11_2_dns_support_disabled.yaml")


# -- vpcsim dns ------------------------------------------------------------------------------------------------


def test_dns_prints_the_answers_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns", ENDPOINTS, "--from", "app-1", "jobs.backend.internal"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "dns: jobs.backend.internal? sent to 10.80.0.2:53 (eni-app-1 -> route53-resolver)"
    assert lines[1].split() == ["CNAME", "api.backend.internal", "(private", "hosted", "zone", "backend-internal",
                                "(backend.internal))"]
    assert lines[2].split()[:2] == ["A", "10.80.1.10"]


def test_dns_nxdomain_is_shown_as_such_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns", ENDPOINTS, "--from", "app-1", "missing.backend.internal"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "NXDOMAIN private hosted zone backend-internal (backend.internal) has no A record for " \
           "missing.backend.internal; a matching private zone never falls back to public DNS (R11.8)" in out


def test_dns_support_off_is_refused_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns", NO_DNS, "--from", "app-1", "db-a.corp.internal"]) == 1
    assert "REFUSED" in capsys.readouterr().out


def test_dns_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns", ENDPOINTS, "--from", "app-2", "queue.backend.internal", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["name"], data["server"], data["rcode"]) == ("queue.backend.internal", "10.80.0.2", "NOERROR")
    assert [(a["type"], a["value"]) for a in data["answers"]] == [("A", "10.80.100.10"), ("A", "10.80.101.10")]
    assert [h["component"] for h in data["query"]] == ["eni-app-2", "route53-resolver"]
    assert data["query"][0]["packet"]["dst"] == "10.80.0.2" and data["query"][0]["packet"]["dst_port"] == 53
    assert [h["component"] for h in data["response"]] == ["eni-app-2"]


def test_dns_from_something_that_cannot_ask_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns", ENDPOINTS, "--from", "internet", "api.backend.internal"]) == 2
    err = capsys.readouterr().err
    assert "cannot resolve 'api.backend.internal'" in err and "Traceback" not in err


# -- vpcsim flowlogs -------------------------------------------------------------------------------------------


def test_flowlogs_default_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flowlogs", NAT, "--from", "app-1", "--to", "db-1", "--port", "5432"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2 111122223333 eni-app-1 10.20.10.10 10.20.20.10 49152 5432 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 111122223333 eni-db-1 10.20.10.10 10.20.20.10 49152 5432 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 111122223333 eni-db-1 10.20.20.10 10.20.10.10 5432 49152 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 111122223333 eni-app-1 10.20.20.10 10.20.10.10 5432 49152 6 1 60 1700000000 1700000060 ACCEPT OK",
    ]


def test_flowlogs_custom_format_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    fmt = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${flow-direction}"
    assert main(["flowlogs", NAT, "--from", "bastion", "--to", "db-1", "--port", "5432", "--format", fmt]) == 1
    # Rejected by db-nacl on its way into the db subnet: the REJECT is db-1's record (R12.4).
    assert capsys.readouterr().out.splitlines() == [
        "5 eni-bastion 10.20.0.20 10.20.20.10 ACCEPT egress",
        "5 eni-db-1 10.20.0.20 10.20.20.10 REJECT ingress",
    ]


def test_flowlogs_default_keyword(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flowlogs", NAT, "--from", "app-1", "--to", "db-1", "--port", "5432", "--format", "default"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("2 111122223333 eni-app-1 ")


@pytest.mark.parametrize(("fmt", "message"), [
    ("${srcaddr} ${src-port}", "unknown flow log field ${src-port} (did you mean ${srcport}?)"),
    ("srcaddr dstaddr", "a flow log format lists at least one ${field}"),
])
def test_flowlogs_bad_format_exits_2_with_a_hint(fmt: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flowlogs", NAT, "--from", "app-1", "--to", "db-1", "--format", fmt]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "hint: write fields as ${name}" in captured.err and "Traceback" not in captured.err


def test_trace_bad_flow_log_format_exits_2_before_printing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--flow-log-format", "${bogus}"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown flow log field ${bogus}" in captured.err


# -- vpcsim trace: flow logs and DNS in the output -------------------------------------------------------------


def test_trace_text_with_flow_log_format(capsys: pytest.CaptureFixture[str]) -> None:
    fmt = "${interface-id} ${srcaddr} ${pkt-srcaddr} ${action}"
    assert main(["trace", NAT, "--from", "app-1", "--to", "internet:192.0.2.80", "--flow-log-format", fmt]) == 0
    out = capsys.readouterr().out
    logs = out[out.index("flow logs:\n"):].splitlines()[1:]
    assert [line.split() for line in logs] == [
        ["eni-app-1", "10.20.10.10", "10.20.10.10", "ACCEPT"],
        ["eni-nat-a", "10.20.10.10", "10.20.10.10", "ACCEPT"],
        ["eni-nat-a", "10.20.0.10", "10.20.0.10", "ACCEPT"],
        ["eni-nat-a", "192.0.2.80", "192.0.2.80", "ACCEPT"],
        ["eni-nat-a", "10.20.0.10", "192.0.2.80", "ACCEPT"],      # NAT -> inside: srcaddr its own IP (R12.8)
        ["eni-app-1", "192.0.2.80", "192.0.2.80", "ACCEPT"],
    ]


def test_trace_json_includes_flow_logs_and_dns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", ENDPOINTS, "--from", "app-2", "--to", "queue.backend.internal", "--port", "443",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["disposition"] == "ACCEPTED"
    assert data["dns"]["rcode"] == "NOERROR"
    assert data["dns"]["answers"][0]["value"] == "10.80.100.10"
    assert data["forward"][0]["packet"]["dst"] == "10.80.100.10"       # the data went to the answer
    assert data["flow_logs"][0] == \
        "2 111122223333 eni-app-2 10.80.2.10 10.80.100.10 49152 443 6 1 60 1700000000 1700000060 ACCEPT OK"
    assert len(data["flow_logs"]) == 4
    assert not any("10.80.0.2" in line for line in data["flow_logs"])   # the DNS query is never logged (R12.3)


def test_trace_json_with_custom_flow_log_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--port", "5432", "--format", "json",
                 "--flow-log-format", "${interface-id} ${tcp-flags}"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["flow_logs"] == ["eni-app-1 2", "eni-db-1 2", "eni-db-1 18", "eni-app-1 18"]
    assert "dns" not in data                     # --to was not a name


def test_trace_json_unresolved_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", ENDPOINTS, "--from", "app-1", "--to", "missing.backend.internal", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["disposition"], data["forward"], data["flow_logs"]) == ("NAME_NOT_RESOLVED", [], [])
    assert data["dns"]["rcode"] == "NXDOMAIN"
    assert data["explanations"][0]["code"] == "DNS_NXDOMAIN"
