"""Terraform plans written by others (tests/realworld/SOURCES.md) read right: issue #14's first two findings.

- Plans of ``format_version`` 0.1 and 0.2 (Terraform 0.12–1.0, most public plans) load: their shapes are those
  of 1.x that vpcsim reads.
- A route's target is the attribute the configuration sets, never one the AWS provider computes: in a create
  plan ``nat_gateway_id``, ``network_interface_id`` and ``instance_id`` are "known after apply" on every route,
  and taking them turned routes to an internet gateway into blackholes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vpcsim
from vpcsim.cli import main
from vpcsim.compile.components import TargetKind
from vpcsim.engine.results import Disposition

TERRAFORM = Path(__file__).parent / "terraform"
OLD_FORMATS = sorted(p for p in TERRAFORM.glob("*.json")
                     if json.loads(p.read_text()).get("format_version") in ("0.1", "0.2"))


def test_the_corpus_holds_plans_of_the_old_formats() -> None:
    assert len(OLD_FORMATS) >= 20


@pytest.mark.parametrize("plan", OLD_FORMATS, ids=lambda p: p.name)
def test_plans_of_format_0_1_and_0_2_load(plan: Path) -> None:
    vpcsim.load(plan, cache=False)


def _default_route_target(plan: str) -> TargetKind:
    compiled = vpcsim.load(TERRAFORM / plan, cache=False).compiled
    [route] = [r for t in compiled.route_tables.values() for r in t.routes if r.prefix.length == 0]
    return route.target_kind


@pytest.mark.parametrize("plan", ["nyaras-devsecops.json", "epam-task3-yevgene-dp.json", "checkov-runner-plan.json"])
def test_a_route_to_the_internet_gateway_is_not_a_blackhole(plan: str) -> None:
    """``aws_route``/inline routes with ``gateway_id = aws_internet_gateway.x.id`` (the provider still lists
    ``nat_gateway_id`` and ``network_interface_id`` as known after apply)."""
    assert _default_route_target(plan) is TargetKind.INTERNET_GATEWAY


def test_an_inline_route_without_its_expression_takes_the_vpcs_only_internet_gateway_and_says_so() -> None:
    """Terraform 0.12 left the inline ``route`` block's expressions out of this plan: the only clue is
    ``gateway_id`` known after apply, and the VPC has one internet gateway."""
    network = vpcsim.load(TERRAFORM / "tfcompliance-issue-171.json", cache=False)
    assert _default_route_target("tfcompliance-issue-171.json") is TargetKind.INTERNET_GATEWAY
    assert any("taken as aws_internet_gateway" in str(w) for w in network.warnings)


def test_the_internet_reaches_the_instance_through_its_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example: it used to answer REPLY_DENIED at a blackhole."""
    plan = str(TERRAFORM / "nyaras-devsecops.json")
    assert main(["trace", plan, "--from", "internet:198.51.100.7", "--to", "aws_instance.main", "--port", "22",
                 "--format", "json", "--no-cache"]) == 0
    trace = json.loads(capsys.readouterr().out)
    assert trace["disposition"] == Disposition.ACCEPTED
    assert trace["forward"][0]["component"] == "aws_internet_gateway.main"
