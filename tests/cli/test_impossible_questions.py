"""Impossible questions (issue #13, "Why" 5) from the shell: a port no packet can carry, a port with ICMP, a CIDR
as an end are refused with one line and a hint, exit 2; a name that does not resolve is NAME_NOT_RESOLVED, exit
1; a conversation with the sender itself never reaches the network. Exact stderr, exact exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
NAT = str(ROOT / "topologies" / "nat-per-az.yaml")

PORT_HINT = "  hint: a port is a number from 0 to 65535\n"


@pytest.mark.parametrize(("command", "argv", "stderr"), [
    ("trace", ["--port", "99999"], "error: --port 99999 is not a port\n" + PORT_HINT),
    ("trace", ["--port", "-1"], "error: --port -1 is not a port\n" + PORT_HINT),
    ("trace", ["--port", "65536"], "error: --port 65536 is not a port\n" + PORT_HINT),
    ("trace", ["--src-port", "70000"], "error: --src-port 70000 is not a port\n" + PORT_HINT),
    ("flowlogs", ["--port", "99999"], "error: --port 99999 is not a port\n" + PORT_HINT),
    ("flowlogs", ["--src-port", "-5"], "error: --src-port -5 is not a port\n" + PORT_HINT),
])
def test_a_port_outside_0_to_65535_exits_2_and_is_never_traced(
        command: str, argv: list[str], stderr: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, NAT, "--from", "app-1", "--to", "db-1", *argv]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", stderr)          # no trace, so no "add an inbound allow rule … port 99999"


def test_a_port_with_icmp_exits_2_and_points_at_icmp_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--protocol", "icmp", "--port", "80"]) == 2
    assert capsys.readouterr() == ("", (
        "error: --port 80 does not apply to icmp: an ICMP message has a type and a code, not ports\n"
        "  hint: use --icmp-type 80 (and --icmp-code N) for another message; without them the question is an "
        "echo request (type 8)\n"))


@pytest.mark.parametrize(("argv", "stderr"), [
    (["--protocol", "icmp", "--icmp-type", "256"],
     "error: --icmp-type 256 is not an ICMP type\n  hint: ICMP types and codes are numbers from 0 to 255\n"),
    (["--protocol", "icmp", "--icmp-type", "3", "--icmp-code", "-1"],
     "error: --icmp-code -1 is not an ICMP code\n  hint: ICMP types and codes are numbers from 0 to 255\n"),
    (["--icmp-type", "3"],
     "error: --icmp-type applies to icmp and icmpv6, not to tcp\n"
     "  hint: add --protocol icmp (or icmpv6), or leave the option out\n"),
    (["--protocol", "47", "--port", "80"],
     "error: --port 80 does not apply to protocol 47: only tcp and udp have ports\n"
     "  hint: leave --port out, or ask --protocol tcp or udp\n"),
])
def test_an_icmp_type_or_code_outside_its_byte_or_on_another_protocol_exits_2(
        argv: list[str], stderr: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", *argv]) == 2
    assert capsys.readouterr() == ("", stderr)


def test_icmp_type_and_code_are_asked_and_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--protocol", "icmp", "--icmp-type", "3",
                 "--icmp-code", "4"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("DENIED  app-1 -> db-1  icmp type 3 code 4  (not reachable)\n")
    assert "request: 10.20.10.10 -> 10.20.20.10 icmp type 3 code 4" in out
    main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--protocol", "icmp", "--icmp-type", "13",
          "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == {"from": "app-1", "to": "db-1", "protocol": "icmp", "icmp_type": 13}
    assert (data["packet"]["icmp_type"], data["packet"]["icmp_code"]) == (13, 0)


def test_flowlogs_takes_the_icmp_type_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flowlogs", NAT, "--from", "app-1", "--to", "db-1", "--protocol", "icmp", "--icmp-type", "13",
                 "--format", "${protocol} ${action}"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "1 ACCEPT"     # leaves app-1; db-1's SG has no ICMP rule


def test_a_cidr_the_network_owns_exits_2_and_is_never_sent_to_dns(capsys: pytest.CaptureFixture[str]) -> None:
    """A CIDR is a set end (tests/cli/test_address_set_ends.py); one the network owns entirely names interfaces,
    not addresses outside it, and a malformed one is not looked up as a name."""
    assert main(["trace", NAT, "--from", "app-1", "--to", "10.20.20.10/24"]) == 2
    assert capsys.readouterr() == ("", (
        "error: --to '10.20.20.10/24': every address of 10.20.20.0/24 belongs to the modelled network\n"
        "  hint: name the instances or interfaces inside it instead\n"))
    assert main(["trace", NAT, "--from", "app-1", "--to", "10.20.20.0/33"]) == 2
    assert capsys.readouterr() == ("", (
        "error: --to '10.20.20.0/33': '10.20.20.0/33' is not a CIDR block\n"
        "  hint: write e.g. 203.0.113.0/24\n"))


def test_a_name_that_does_not_resolve_is_name_not_resolved_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "nope.corp.internal", "--port", "443"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NAME_NOT_RESOLVED  app-1 -> nope.corp.internal  tcp/443  (not reachable)\n")
    assert "DNS_NXDOMAIN at route53-resolver (request)" in out
    assert main(["trace", NAT, "--from", "app-1", "--to", "nope.corp.internal", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["disposition"], data["reachable"], data["forward"]) == ("NAME_NOT_RESOLVED", False, [])
    assert data["dns"]["rcode"] == "NXDOMAIN"


STAYS = ("TRAFFIC_STAYS_IN_INSTANCE at app-1 (request): 10.20.10.10 is an address of app-1 itself: its operating "
         "system delivers the packet locally, so it never reaches the VPC — no security group, network ACL or route "
         "table judges it, and no flow log records it")


@pytest.mark.parametrize("destination", ["app-1", "10.20.10.10"])
def test_a_conversation_with_the_sender_itself_never_reaches_the_network(
        destination: str, capsys: pytest.CaptureFixture[str]) -> None:
    # app-1's security group admits nothing on tcp/5432 from app-1 (only from the bastion's): today's DENIED
    # was the instance's own SG judging a packet that never leaves the instance.
    assert main(["trace", NAT, "--from", "app-1", "--to", destination, "--port", "5432"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ACCEPTED  app-1 -> {destination}  tcp/5432  (reachable)\n")
    assert " ".join(out.split()).endswith(STAYS)
    assert "request:" not in out and "reply:" not in out           # no hop: nothing on the wire
    assert main(["trace", NAT, "--from", "app-1", "--to", destination, "--port", "5432", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["disposition"], data["reachable"], data["forward"], data["return"], data["flow_logs"]) == (
        "ACCEPTED", True, [], [], [])
    assert [e["code"] for e in data["explanations"]] == ["TRAFFIC_STAYS_IN_INSTANCE"]
    assert data["packet"]["src"] == data["packet"]["dst"] == "10.20.10.10"


def test_intents_with_impossible_ports_are_refused_with_their_position(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text("intents:\n"
                       "  - {name: too big, from: app-1, to: db-1, port: 99999, expect: reachable}\n"
                       "  - {name: icmp port, from: app-1, to: db-1, protocol: icmp, port: 80, expect: reachable}\n")
    assert main(["check", NAT, "--intents", str(intents)]) == 2
    assert capsys.readouterr() == ("", (
        f"{intents}:2:50: error: 'port': port range '99999' must lie within 0-65535, low to high\n"
        "  hint: run 'vpcsim schema --intents' to see what is allowed\n"
        f"{intents}:3:5: error: a port needs protocol tcp or udp, not icmp: an ICMP message has a type and a "
        "code, not ports\n"
        "  hint: run 'vpcsim schema --intents' to see what is allowed\n"
        "2 problems in the intents file\n"))


def test_an_intent_to_a_cidr_is_refused_at_its_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text("intents:\n"
                       "  - {name: a block, from: app-1, to: 10.20.20.10/24, port: 5432, expect: reachable}\n")
    assert main(["check", NAT, "--intents", str(intents)]) == 2
    assert capsys.readouterr() == ("", (
        f"{intents}:2:38: error: 'to': '10.20.20.10/24': every address of 10.20.20.0/24 belongs to the modelled "
        "network\n"
        "  hint: name the instances or interfaces inside it instead\n"
        "1 problem in the intents file\n"))


def test_check_names_an_unresolved_name_in_text_junit_and_sarif(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text("intents:\n"
                       "  - {name: nx, from: app-1, to: nope.corp.internal, port: 443, expect: reachable}\n"
                       "  - {name: itself, from: app-1, to: app-1, port: 5432, expect: reachable}\n")
    junit, sarif = tmp_path / "r.xml", tmp_path / "r.sarif"
    assert main(["check", NAT, "--intents", str(intents), "--junit", str(junit), "--sarif", str(sarif)]) == 1
    out = capsys.readouterr().out
    why = "expected reachable, but app-1 -> nope.corp.internal tcp/443 is NAME_NOT_RESOLVED (DNS_NXDOMAIN at " \
          "route53-resolver)"
    assert out.splitlines()[1:3] == ["FAIL  nx", f"      {why}"]
    assert "PASS  itself" in out.splitlines()
    assert why.replace(">", "&gt;") in junit.read_text()
    result = json.loads(sarif.read_text())["runs"][0]["results"][0]
    assert result["message"]["text"] == f"Intent 'nx' fails: {why} [DNS_NXDOMAIN]; fails for: tcp/443"
