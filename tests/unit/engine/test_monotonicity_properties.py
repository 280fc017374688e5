"""Monotonicity (issue #13, "Properties"): adding an allow rule anywhere never makes an address of the internet
unreachable that was reachable, on any port; adding a deny rule never makes an unreachable one reachable.

Security groups only allow (R3.1) and a NACL decides by its lowest matching rule (R4.3), so a new SG rule or a
NACL allow numbered below every other can only widen what passes, and a NACL deny numbered below every other can
only narrow it. The question is asked with ``internet`` as a set (every address the network does not own), so
the property holds for every address atom at once, and on several ports, not for one sample host.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_address_sets_properties import _public_cidrs, open_networks

import vpcsim
from vpcsim.engine.address_sets import AddressSet
from vpcsim.ip import parse_prefix

PORTS = (22, 443, 8080)


def _reachable(topology: dict[str, Any], inbound: bool, port: int) -> AddressSet:
    """The internet addresses that reach ``web`` (inbound) or that ``web`` reaches, on tcp/``port``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        net = vpcsim.load(path, cache=False)
    src, dst = ("internet", "web") if inbound else ("web", "internet")
    trace = net.trace(src, dst, protocol="tcp", port=port)
    ranges = [(p.family, p.start, p.end) for g in trace.groups if g.reachable for p in map(parse_prefix, g.cidrs)]
    return AddressSet.of(ranges)


def _below(vpc: dict[str, Any], direction: str) -> int:
    """A rule number below every numbered rule of that direction (the generator numbers from 1 up; 0 is not a
    valid number, so the others move up by one)."""
    for rule in vpc["network_acls"]["acl"][direction]:
        rule["rule"] += 1
    return 1


@st.composite
def _with_rule(draw: st.DrawFn, topology: dict[str, Any], action: str) -> dict[str, Any]:
    """The topology with one more rule: for ``allow`` an SG rule or a NACL allow numbered below every other;
    for ``deny`` a NACL deny numbered below every other."""
    changed = copy.deepcopy(topology)
    vpc: dict[str, Any] = changed["vpcs"]["vpc"]
    direction = draw(st.sampled_from(["ingress", "egress"]))
    key = "source" if direction == "ingress" else "destination"
    cidr = draw(st.one_of(_public_cidrs(), st.just("0.0.0.0/0")))
    if action == "allow" and draw(st.booleans()):
        rule: dict[str, Any] = {"protocol": "tcp", "ports": draw(st.sampled_from([22, 443, "0-65535"])), key: cidr}
        vpc["security_groups"]["sg"].setdefault(direction, []).append(rule)
    else:
        vpc["network_acls"]["acl"][direction].append({"rule": _below(vpc, direction), "protocol": "all", key: cidr,
                                                      "action": action})
    return changed


def _check(before: dict[str, Any], after: dict[str, Any], widening: bool) -> None:
    for inbound in (True, False):
        for port in PORTS:
            old, new = _reachable(before, inbound, port), _reachable(after, inbound, port)
            lost, gained = old.minus(new), new.minus(old)
            if widening:
                assert not lost.ranges, ("an allow removed reachability", inbound, port, lost.cidrs()[:4])
            else:
                assert not gained.ranges, ("a deny added reachability", inbound, port, gained.cidrs()[:4])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_adding_an_allow_never_removes_reachability(data: st.DataObject) -> None:
    topology = data.draw(open_networks())
    _check(topology, data.draw(_with_rule(topology, "allow")), widening=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_adding_a_deny_never_adds_reachability(data: st.DataObject) -> None:
    topology = data.draw(open_networks())
    _check(topology, data.draw(_with_rule(topology, "deny")), widening=False)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), widening=st.booleans())
def test_monotonicity_long(data: st.DataObject, widening: bool) -> None:
    topology = data.draw(open_networks())
    changed = data.draw(_with_rule(topology, "allow" if widening else "deny"))
    _check(topology, changed, widening)
