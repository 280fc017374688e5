"""`matrix` by classes gives exactly the answers of tracing every pair, one by one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_topologies
from strategies import topologies
from tgw_topologies import tgw_topologies

import vpcsim
from vpcsim.analysis.flows import Flow, any_flows, mentioned_flows
from vpcsim.analysis.matrix import MemberClasses, PairOutcomes, iter_blocks, matrix, members_of, pairwise
from vpcsim.errors import TopologyError

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = reference_topologies()
SEMANTICS = sorted((ROOT / "tests" / "semantics" / "topologies").glob("*.yaml"))


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_matrix_equals_pair_by_pair_on_every_reference_topology(path: Path) -> None:
    net = vpcsim.load(path).compiled
    flows = any_flows([net])                 # every TCP/UDP port atom, ICMP types, other protocols
    result = matrix(net, flows)
    assert [f.flow for f in result.flows] == flows
    for flow_matrix in result.flows:
        assert flow_matrix.outcomes() == pairwise(net, flow_matrix.flow), flow_matrix.flow.label


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=topologies(), data=st.data())
def test_matrix_equals_pair_by_pair_on_random_topologies(topology: dict[str, Any], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        net = vpcsim.load(path).compiled
    flows = any_flows([net])
    flow = data.draw(st.sampled_from(flows))
    assert matrix(net, [flow]).flows[0].outcomes() == pairwise(net, flow)


@pytest.mark.parametrize("path", SEMANTICS, ids=lambda p: p.stem)
def test_matrix_equals_pair_by_pair_on_every_rule_topology(path: Path) -> None:
    """The smallest topology of each AWS rule: NAT, appliance mode, AZ restrictions, SG referencing across
    peerings and transit gateways, overlapping VPCs, replies to the wrong host …"""
    try:
        net = vpcsim.load(path).compiled
    except TopologyError:
        pytest.skip("a topology the rule says must not load")
    for flow_matrix in matrix(net, any_flows([net])).flows:
        assert flow_matrix.outcomes() == pairwise(net, flow_matrix.flow), flow_matrix.flow.label


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=tgw_topologies(), data=st.data())
def test_matrix_equals_pair_by_pair_on_random_transit_gateway_topologies(topology: dict[str, Any],
                                                                          data: st.DataObject) -> None:
    """Where legs of walks are shared between classes (analysis/matrix/legs.py, middles.py)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        net = vpcsim.load(path).compiled
    flow = data.draw(st.sampled_from([Flow(6, 443, 443), Flow(6, 22, 22), Flow(1, 8, 8), *any_flows([net])[:4]]))
    assert matrix(net, [flow]).flows[0].outcomes() == pairwise(net, flow)


def _crowded(folder: Path) -> Path:
    """Many instances per subnet sharing security groups (so classes really group), SG references, a NAT
    gateway, a peering and an appliance."""
    instances = {f"a-{i}": {"subnet": "a-app", "private_ip": f"10.0.1.{10 + i}",
                            "security_groups": [["app"], ["app", "ops"], ["ops"]][i % 3]} for i in range(9)}
    instances |= {f"w-{i}": {"subnet": "a-web", "private_ip": f"10.0.0.{10 + i}", "security_groups": ["web"],
                             **({"public_ip": f"203.0.113.{10 + i}"} if i % 2 else {})} for i in range(6)}
    instances["fw"] = {"subnet": "a-web", "private_ip": "10.0.0.99", "source_dest_check": False,
                       "security_groups": ["ops"]}
    b_instances = {f"b-{i}": {"subnet": "b-app", "private_ip": f"10.1.1.{10 + i}",
                              "security_groups": ["b-app"]} for i in range(5)}
    topology = {
        "name": "crowded",
        "vpcs": {
            "a": {"cidr": "10.0.0.0/16", "internet_gateway": "igw",
                  "subnets": {"a-web": {"cidr": "10.0.0.0/24", "route_table": "web-rt"},
                              "a-app": {"cidr": "10.0.1.0/24", "route_table": "app-rt"}},
                  "route_tables": {"web-rt": {"routes": [{"destination": "0.0.0.0/0", "target": "igw"},
                                                         {"destination": "10.1.0.0/16", "target": "pcx"}]},
                                   "app-rt": {"routes": [{"destination": "0.0.0.0/0", "target": "nat"},
                                                         {"destination": "10.1.0.0/16", "target": "pcx"}]}},
                  "nat_gateways": {"nat": {"subnet": "a-web", "elastic_ip": "203.0.113.200"}},
                  "security_groups": {
                      "web": {"ingress": [{"protocol": "tcp", "ports": 443, "source": "0.0.0.0/0"},
                                          {"protocol": "tcp", "ports": 22, "source": "ops"}]},
                      "app": {"ingress": [{"protocol": "tcp", "ports": 8080, "source": "web"},
                                          {"protocol": "tcp", "ports": 22, "source": "ops"},
                                          {"protocol": "tcp", "ports": 443, "source": "10.0.1.10/32"}],
                              "egress": [{"protocol": "tcp", "ports": "0-65535", "destination": "0.0.0.0/0"}]},
                      "ops": {"ingress": [{"protocol": "all", "source": "ops"}]}},
                  "instances": instances},
            "b": {"cidr": "10.1.0.0/16", "subnets": {"b-app": {"cidr": "10.1.1.0/24"}},
                  "route_tables": {"b-rt": {"main": True, "routes": [{"destination": "10.0.0.0/16",
                                                                       "target": "pcx"}]}},
                  "security_groups": {"b-app": {"ingress": [{"protocol": "tcp", "ports": 443,
                                                             "source": "10.0.1.0/24"}]}},
                  "instances": b_instances}},
        "peering": {"pcx": {"requester": "a", "accepter": "b", "status": "active"}},
    }
    path = folder / "crowded.yaml"
    path.write_text(yaml.safe_dump(topology))
    return path


def test_classes_group_endpoints_and_still_agree_with_pair_by_pair(tmp_path: Path) -> None:
    net = vpcsim.load(_crowded(tmp_path)).compiled
    endpoints = members_of(net)
    flows = mentioned_flows([net])
    result = matrix(net, flows)
    assert result.classes < len(endpoints) / 2          # same subnet and atom: one class
    pairs = len(endpoints) * (len(endpoints) - 1)
    assert result.walks < pairs * len(flows) / 4        # far fewer conversations than pairs
    for flow_matrix in result.flows:
        assert sum(flow_matrix.summary().values()) == pairs
        assert flow_matrix.outcomes() == pairwise(net, flow_matrix.flow), flow_matrix.flow.label


@pytest.mark.parametrize("path", [*REFERENCE, None], ids=lambda p: p.stem if p else "crowded")
def test_single_pair_outcomes_equal_their_traces(path: Path | None, tmp_path: Path) -> None:
    net = vpcsim.load(path or _crowded(tmp_path)).compiled
    classes = MemberClasses(net)
    for flow in mentioned_flows([net])[:3]:
        outcome_of = PairOutcomes(net, classes, flow)
        got = {(a.name, d.name): outcome_of(a, d) for a in classes.members for d in classes.members
               if a.name != d.name}
        assert got == pairwise(net, flow), flow.label


def test_appliances_are_kept_alone(tmp_path: Path) -> None:
    net = vpcsim.load(_crowded(tmp_path)).compiled
    classes = MemberClasses(net)
    fw = classes.by_name["fw"]
    assert classes.is_special(fw)
    assert not classes.is_special(classes.by_name["w-0"])


def test_iter_blocks_streams_the_same_blocks_in_processes(tmp_path: Path) -> None:
    net = vpcsim.load(_crowded(tmp_path)).compiled
    flow = Flow(6, 443, 443)
    one = sorted((b.sources, b.destinations, b.outcome.sort_key) for b in iter_blocks(net, flow))
    two = sorted((b.sources, b.destinations, b.outcome.sort_key) for b in iter_blocks(net, flow, processes=2))
    assert one == two


def test_network_matrix_api_picks_the_flows() -> None:
    network = vpcsim.load(ROOT / "topologies" / "nat-per-az.yaml")
    assert [f.flow.label for f in network.matrix().flows] == ["tcp/22", "tcp/5432", "tcp/8080"]
    assert [f.flow.label for f in network.matrix("tcp", 5432).flows] == ["tcp/5432"]
    assert [f.flow.label for f in network.matrix("icmp").flows] == ["icmp/8"]
    assert [f.flow.label for f in network.matrix("udp").flows] == ["udp/53"]
    assert [f.flow.label for f in network.matrix("47").flows] == ["protocol 47"]


@pytest.mark.slow
def test_matrix_equals_pair_by_pair_on_a_generated_topology(tmp_path: Path) -> None:
    from benchmarks.generate import dump, generate

    dump(generate(2), tmp_path / "g.yaml")
    net = vpcsim.load(tmp_path / "g.yaml").compiled
    flow = Flow(6, 443, 443)
    assert matrix(net, [flow]).flows[0].outcomes() == pairwise(net, flow)
