"""The oracle for set ends: the answer for ``internet`` equals the union of single-address traces.

For random valid topologies (tests/strategies.py: random SG and NACL CIDRs, routes, public IPs), a trace from
(or to) ``internet`` is split into groups of addresses; any address of a group, traced alone as
``internet:ADDRESS``, must end exactly as its group says — the first, the last and random addresses of random
CIDRs of every group, and the first and last address of every prefix the network holds that falls in the set
(where a wrongly merged atom would show). An atom that held two addresses the network treats differently
fails here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import topologies

import vpcsim
from vpcsim import QueryError
from vpcsim.engine.address_atoms import prefix_ranges
from vpcsim.engine.address_sets import internet
from vpcsim.ip import format_address, parse_prefix


@st.composite
def _public_cidrs(draw: st.DrawFn) -> str:
    """A CIDR in or around the documentation and public ranges, so it cuts the internet where addresses
    reach (length 8 to 32)."""
    first = draw(st.sampled_from([198, 203, 8, 52]))
    length = draw(st.integers(8, 32))
    address = (first << 24) | draw(st.integers(0, (1 << 24) - 1))
    address &= ((1 << 32) - 1) ^ ((1 << (32 - length)) - 1)
    return f"{format_address(4, address)}/{length}"


@st.composite
def open_networks(draw: st.DrawFn) -> dict[str, Any]:
    """One VPC whose instances have public addresses behind an internet gateway, with random SG, NACL and route
    CIDRs (allow and deny, to the IGW and to a blackhole): the internet reaches some of them, so the atoms
    the rules and routes cut decide."""
    ports = st.sampled_from([22, 443, "0-65535", "1024-65535"])
    sg_rules = {direction: [{"protocol": draw(st.sampled_from(["tcp", "all"])), "ports": draw(ports),
                             key: draw(_public_cidrs())} for _ in range(draw(st.integers(0, 4)))]
                for direction, key in (("ingress", "source"), ("egress", "destination"))}
    for rules in sg_rules.values():
        for rule in rules:
            if rule["protocol"] == "all":
                del rule["ports"]
    if draw(st.booleans()):
        sg_rules["ingress"].append({"protocol": "tcp", "ports": 443, "source": "0.0.0.0/0"})
    if draw(st.booleans()):
        sg_rules["egress"] = [{"protocol": "all", "destination": "0.0.0.0/0"}, *sg_rules["egress"]]
    numbers = draw(st.lists(st.integers(1, 200), max_size=4, unique=True))
    acl = {direction: [{"rule": n, "protocol": "all", key: draw(_public_cidrs()),
                        "action": draw(st.sampled_from(["allow", "deny"]))} for n in numbers]
           + [{"rule": 1000, "protocol": "all", key: "0.0.0.0/0", "action": draw(st.sampled_from(["allow", "deny"]))}]
           for direction, key in (("ingress", "source"), ("egress", "destination"))}
    routes = [{"destination": "0.0.0.0/0", "target": "igw"}]
    for cidr in draw(st.lists(_public_cidrs(), max_size=3, unique=True)):
        routes.append({"destination": cidr, "target": "igw"} if draw(st.booleans()) else
                      {"destination": cidr, "target": "blackhole"})
    return {"name": "open", "vpcs": {"vpc": {
        "cidr": "10.0.0.0/16", "internet_gateway": "igw",
        "subnets": {"public": {"cidr": "10.0.1.0/24", "az": "us-east-1a", "route_table": "rt",
                               "network_acl": "acl"}},
        "route_tables": {"rt": {"routes": routes}},
        "network_acls": {"acl": acl},
        "security_groups": {"sg": sg_rules},
        "instances": {"web": {"subnet": "public", "private_ip": "10.0.1.10", "public_ip": "100.24.0.10",
                              "security_groups": ["sg"]}}}}}


def _check_set_equals_singles(topology: dict[str, Any], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        net = vpcsim.load(path, cache=False)
    instances = sorted(net.compiled.instances)
    if not instances:
        return
    member = data.draw(st.sampled_from(instances))
    protocol = data.draw(st.sampled_from(["tcp", "udp", "icmp"]))
    port = data.draw(st.sampled_from([22, 80, 443, 1024, 8080, 65535])) if protocol != "icmp" else None
    inbound = data.draw(st.booleans())
    src, dst = ("internet", member) if inbound else (member, "internet")
    try:
        whole = net.trace(src, dst, protocol=protocol, port=port)
    except QueryError:
        return                     # e.g. an IPv6-only instance: no IPv4 address to ask from
    assert whole.groups, "a set end answers with groups"
    assert whole.reachable == any(g.reachable for g in whole.groups)
    asked: list[tuple[int, int, Any]] = []
    for group in whole.groups:
        for _ in range(2):
            prefix = parse_prefix(data.draw(st.sampled_from(group.cidrs)))
            for address in (prefix.start, prefix.end, data.draw(st.integers(prefix.start, prefix.end))):
                asked.append((prefix.family, address, group))
    families = {g.trace.sent.family for g in whole.groups if g.trace.sent is not None}
    the_internet = internet(net.compiled)
    cidrs = [(parse_prefix(c), g) for g in whole.groups for c in g.cidrs]
    held = [*prefix_ranges(net.compiled), *(r for rule in net.compiled.rules() for r in rule.peer.ranges)]
    for family, start, end in held:       # the rules' peers again, as the engine reads them
        for address in (start, end, start - 1, end + 1):
            if family in families and any(f == family and lo <= address <= hi for f, lo, hi in the_internet.ranges):
                asked.append((family, address, next(g for p, g in cidrs if p.contains(family, address))))
    for family, address, group in asked:
        one = f"internet:{format_address(family, address)}"
        single = net.trace(one, dst, protocol=protocol, port=port) if inbound else \
            net.trace(src, one, protocol=protocol, port=port)
        assert single.disposition == group.trace.disposition, (one, group.cidrs[:4])
        assert [e.code for e in single.explanations] == [e.code for e in group.trace.explanations]
        assert [(h.component, h.decision, h.rule) for h in single.forward] == \
            [(h.component, h.decision, h.rule) for h in group.trace.forward]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=topologies(), data=st.data())
def test_internet_as_a_set_equals_the_union_of_single_address_traces(topology: dict[str, Any],
                                                                      data: st.DataObject) -> None:
    _check_set_equals_singles(topology, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=open_networks(), data=st.data())
def test_internet_as_a_set_equals_single_address_traces_where_rules_and_routes_cut(topology: dict[str, Any],
                                                                                    data: st.DataObject) -> None:
    _check_set_equals_singles(topology, data)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=topologies(), data=st.data())
def test_internet_as_a_set_equals_the_union_of_single_address_traces_long(topology: dict[str, Any],
                                                                           data: st.DataObject) -> None:
    _check_set_equals_singles(topology, data)
