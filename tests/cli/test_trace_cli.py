"""`vpcsim trace` from the shell's point of view: exit statuses, errors without tracebacks, both formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vpcsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
NAT = str(ROOT / "topologies" / "nat-per-az.yaml")


def test_reachable_exits_0_and_prints_the_verdict_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--port", "5432"]) == 0
    assert capsys.readouterr().out.startswith("ACCEPTED  app-1 -> db-1  tcp/5432")


def test_unreachable_exits_1_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, "--from", "bastion", "--to", "db-1", "--port", "5432"]) == 1
    out = capsys.readouterr().out
    assert "SUBNET_ACL_RESTRICTION at db-nacl" in out
    assert "fix to consider:" in out


def test_json_is_the_documented_object(capsys: pytest.CaptureFixture[str]) -> None:
    main(["trace", NAT, "--from", "bastion", "--to", "db-1", "--port", "5432", "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"query", "reachable", "disposition", "forward", "return", "explanations", "flow_logs"}
    assert result["query"] == {"from": "bastion", "to": "db-1", "protocol": "tcp", "port": 5432}
    assert result["reachable"] is False and result["disposition"] == "DENIED"
    assert result["forward"][0] == {
        "component": "eni-bastion", "kind": "eni", "decision": "SECURITY_GROUP_EGRESS_ALLOW", "direction": "egress",
        "rule": "bastion egress #1",
        "packet": {"src": "10.20.0.20", "dst": "10.20.20.10", "protocol": "tcp", "src_port": 49152,
                   "dst_port": 5432, "tcp_flags": "S", "ttl": 64}}
    assert result["explanations"][0]["code"] == "SUBNET_ACL_RESTRICTION"
    assert result["explanations"][0]["component"] == "db-nacl"


@pytest.mark.parametrize(("argv", "message"), [
    (["--from", "app-9", "--to", "db-1"], "did you mean 'app-"),
    (["--from", "app-1", "--to", "internet:999.1.1.1"], "is not an IP address"),
    (["--from", "app-1", "--to", "db-1", "--protocol", "tcpp"], "is not a protocol"),
    (["--from", "app-1", "--to", "internet:2001:db8::1"], "has no IPv6 address"),
])
def test_bad_query_exits_2_with_a_hint(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", NAT, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_topology_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("vpcs:\n  x: {cidr: 10.0.0.0/33}\n")
    assert main(["trace", str(bad), "--from", "a", "--to", "b"]) == 2
    assert f"{bad}:2:13: error:" in capsys.readouterr().err


def test_console_script_runs_from_a_shell() -> None:
    result = subprocess.run([sys.executable, "-m", "vpcsim", "trace", NAT, "--from", "app-1", "--to", "db-1",
                             "--port", "5432"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("ACCEPTED")


SEMANTICS = ROOT / "tests" / "semantics" / "topologies"


def test_map_public_ip_stand_in_is_reachable_from_the_internet_and_announced_by_validate(
        capsys: pytest.CaptureFixture[str]) -> None:
    topology = str(SEMANTICS / "R1_14_map_public_ip_on_launch.yaml")
    assert main(["trace", topology, "--from", "internet", "--to", "bastion", "--port", "22"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ACCEPTED  internet -> bastion  tcp/22  (reachable from all of internet)")
    assert "1.0.0.0:49152 -> 203.0.113.222:22 tcp" in out          # the representative of the internet set
    assert main(["validate", "--strict", topology]) == 0          # a note, not a warning
    captured = capsys.readouterr()
    assert captured.out.rstrip().endswith("1 note")
    assert "note: 1 instance in subnets with map_public_ip got a stand-in public IP" in captured.err
    assert main(["trace", topology, "--from", "internet", "--to", "quiet", "--port", "22"]) == 1


def test_metadata_endpoint_disabled_is_not_reachable_and_ipv6_endpoint_is_printed(
        capsys: pytest.CaptureFixture[str]) -> None:
    topology = str(SEMANTICS / "R11_1b_instance_metadata_options.yaml")
    assert main(["trace", topology, "--from", "closed", "--to", "169.254.169.254", "--port", "80"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NO_ROUTE  closed -> 169.254.169.254  tcp/80")
    assert "IMDS_ENDPOINT_DISABLED at instance-metadata" in out
    assert main(["trace", topology, "--from", "dual", "--to", "fd00:ec2::254", "--port", "80"]) == 0
    out = capsys.readouterr().out
    assert "-> [fd00:ec2::254]:80 tcp" in out and "-> :80" not in out


def test_ipv6_addresses_are_printed_as_written_not_as_emoji_codes(capsys: pytest.CaptureFixture[str]) -> None:
    # Rich read ":100:" in 2600:1f18:1:100::10 as the emoji code for 💯 in the trace tables.
    topology = str(SEMANTICS / "R7_3_vgw_known_prefixes_only.yaml")
    main(["trace", topology, "--from", "dc6", "--to", "app-1", "--port", "22"])
    out = capsys.readouterr().out
    assert "[2600:1f18:1:100::10]:22 tcp" in out and "💯" not in out
