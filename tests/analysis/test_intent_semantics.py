"""How an intent is checked (docs/semantics.md, "Intents"): groups, open protocols and ports, both address
families, via / not_via, and the hop that decided."""

from __future__ import annotations

from pathlib import Path

import pytest

import vpcsim
from vpcsim.analysis.check import NOT_VIA_TRAVERSED, PATH_FOUND, VIA_NOT_TRAVERSED, IntentResult

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path: Path, topology: str, intent: str) -> IntentResult:
    path = tmp_path / "i.intents.yaml"
    path.write_text("intents:\n  - name: it\n" + "".join(f"    {line}\n" for line in intent.strip().splitlines()))
    review = vpcsim.load(ROOT / "topologies" / topology).check(path)
    assert len(review.results) == 1
    return review.results[0]


def test_a_group_checks_each_member(tmp_path: Path) -> None:
    result = _check(tmp_path, "nat-per-az.yaml", "from: sg:app\nto: db-1\nport: 5432\nexpect: reachable")
    assert result.passed and result.pairs == 2
    result = _check(tmp_path, "nat-per-az.yaml", "from: vpc:shop\nto: db-1\nport: 5432\nexpect: reachable")
    assert not result.passed and result.pairs == 4 and result.failed_pairs == 1     # the bastion (db-nacl)
    assert "(1 of 4 member pairs fail)" in result.reason


def test_unreachable_without_a_port_means_every_protocol_and_port(tmp_path: Path) -> None:
    result = _check(tmp_path, "nat-per-az.yaml", "from: internet\nto: db-1\nexpect: unreachable")
    assert result.passed
    flows = {c.flow.protocol for c in [result.deciding] if c is not None}
    assert flows and result.conversations >= 8          # TCP and UDP atoms, ICMP types, another protocol


def test_unreachable_any_also_checks_ipv6(tmp_path: Path) -> None:
    # The app group admits ICMPv6 "packet too big" from ::/0 on purpose: "unreachable on anything" is false.
    result = _check(tmp_path, "dual-stack.yaml", "from: internet\nto: app-1\nexpect: unreachable")
    assert not result.passed and result.code == PATH_FOUND
    # internet is a set of both families' addresses: the reaching ones are IPv6 (the pair is not split by family)
    assert result.deciding is not None and result.deciding.dst == "app-1"
    assert result.deciding.trace is not None and result.deciding.trace.sent is not None
    assert result.deciding.trace.sent.family == 6 and result.deciding.addresses is not None
    assert result.deciding.flow.protocol == 1 and result.hop is not None
    assert result.hop.rule == "app ingress #2"
    assert result.rule_pos is not None and result.rule_pos.file.endswith("dual-stack.yaml")


def test_reachable_without_a_port_means_some_flow(tmp_path: Path) -> None:
    assert _check(tmp_path, "nat-per-az.yaml", "from: app-1\nto: db-1\nexpect: reachable").passed
    result = _check(tmp_path, "nat-per-az.yaml", "from: bastion\nto: db-1\nexpect: reachable")
    assert not result.passed and result.code == "SUBNET_ACL_RESTRICTION"
    assert "no flow of any protocol gets through" in result.reason


def test_a_port_range_must_hold_for_every_port(tmp_path: Path) -> None:
    result = _check(tmp_path, "nat-per-az.yaml", "from: app-1\nto: db-1\nport: 5430-5433\nexpect: reachable")
    assert not result.passed and result.code in ("SUBNET_ACL_RESTRICTION", "ENI_SG_RULES_MISMATCH")
    assert result.deciding is not None and result.deciding.flow.label == "tcp/5430-5431"


def test_a_failing_intent_names_the_explanation_code_and_the_rule(tmp_path: Path) -> None:
    result = _check(tmp_path, "public-web.yaml", "from: internet:192.0.2.50\nto: web-1\nport: 22\nexpect: reachable")
    assert not result.passed and result.code == "ENI_SG_RULES_MISMATCH"
    assert result.trace is not None and result.trace.explanations[0].code == "ENI_SG_RULES_MISMATCH"
    assert result.hop is not None and result.hop.component == "eni-web-1"
    assert result.rule_pos is not None
    line = (ROOT / "topologies" / "public-web.yaml").read_text().splitlines()[result.rule_pos.line - 1]
    assert line.strip() == "web:"                      # the security group a rule is missing from


@pytest.mark.parametrize(("extra", "code", "rule"), [
    ("via: [nat-b]", VIA_NOT_TRAVERSED, "0.0.0.0/0 -> nat-a"),
    ("not_via: [nat-a]", NOT_VIA_TRAVERSED, "0.0.0.0/0 -> nat-a"),
])
def test_via_and_not_via(tmp_path: Path, extra: str, code: str, rule: str) -> None:
    result = _check(tmp_path, "nat-per-az.yaml",
                    f"from: app-1\nto: internet:192.0.2.80\nport: 443\nexpect: reachable\n{extra}")
    assert not result.passed and result.code == code
    assert result.hop is not None and result.hop.rule == rule and result.rule_pos is not None


def test_via_a_vpn_connection_and_a_vpc(tmp_path: Path) -> None:
    assert _check(tmp_path, "hybrid-vpn-dx.yaml", "from: app-1\nto: 192.168.10.20\nport: 443\nexpect: reachable\n"
                  "via: [dx-vif]\nnot_via: [vpn-static, vpn-bgp]").passed
    assert _check(tmp_path, "hub-spoke-tgw.yaml", "from: prod-app-1\nto: internet:192.0.2.80\nport: 443\n"
                  "expect: reachable\nvia: [inspection, tgw, fw-a]").passed
