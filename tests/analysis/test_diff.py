"""`diff` finds what two versions of a topology reach differently, and the rule that made the difference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import topologies
from tgw_topologies import tgw_topologies

import vpcsim
from vpcsim.analysis.diff import diff, diff_intents
from vpcsim.compile.network import CompiledNetwork
from vpcsim.errors import TopologyError

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_WEB = ROOT / "topologies" / "public-web.yaml"
NAT = ROOT / "topologies" / "nat-per-az.yaml"


def _variant(tmp_path: Path, source: Path, change: Any) -> CompiledNetwork:
    data = yaml.safe_load(source.read_text())
    change(data)
    path = tmp_path / f"new-{source.name}"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return vpcsim.load(path).compiled


def test_an_sg_rule_opened_to_the_internet(tmp_path: Path) -> None:
    def open_mysql(data: dict[str, Any]) -> None:
        data["vpcs"]["web"]["security_groups"]["web"]["ingress"].append(
            {"protocol": "tcp", "ports": 3306, "source": "0.0.0.0/0"})

    old, new = vpcsim.load(PUBLIC_WEB).compiled, _variant(tmp_path, PUBLIC_WEB, open_mysql)
    result = diff(old, new)
    assert result.changed
    changes = [c for c in result.changes if "internet" in c.sources]
    assert len(changes) == 1
    change = changes[0]
    assert [f.label for f in change.flows] == ["tcp/3306"]
    assert change.destinations == ("web-1", "web-2")
    assert change.old.label == "DENIED (ENI_SG_RULES_MISMATCH)" and change.new.label == "ACCEPTED"
    assert change.old_hop is not None and change.old_hop.code == "ENI_SG_RULES_MISMATCH"
    assert change.new_hop is not None and change.new_hop.rule == "web ingress #4"
    assert change.new_pos is not None and change.new_pos.file.endswith("new-public-web.yaml")
    line = (tmp_path / "new-public-web.yaml").read_text().splitlines()[change.new_pos.line - 1]
    assert "3306" in line or "protocol: tcp" in line
    # the worker has no public IP: opening its group changes nothing from the internet
    assert "worker-1" not in change.destinations


def test_a_removed_route(tmp_path: Path) -> None:
    def drop_default_route(data: dict[str, Any]) -> None:
        routes = data["vpcs"]["shop"]["route_tables"]["app-a-rt"]["routes"]
        routes[:] = [r for r in routes if r["destination"] != "0.0.0.0/0"]

    old, new = vpcsim.load(NAT).compiled, _variant(tmp_path, NAT, drop_default_route)
    result = diff(old, new)
    to_internet = [c for c in result.changes if c.destinations == ("internet",)]
    assert len(to_internet) == 1
    change = to_internet[0]
    assert change.sources == ("app-1",)
    assert change.old.label == "EXITS_NETWORK" and change.new.label == "NO_ROUTE (NO_ROUTE_TO_DESTINATION)"
    assert change.old_hop is not None and change.old_hop.rule == "0.0.0.0/0 -> nat-a"
    assert change.old_pos is not None and change.old_pos.file == str(NAT)
    assert "nat-a" in NAT.read_text().splitlines()[change.old_pos.line - 1]
    assert change.new_hop is not None and change.new_hop.component == "app-a-rt"
    assert change.new_hop.code == "NO_ROUTE_TO_DESTINATION"
    # every flow the NAT gateway carries (TCP, UDP, ICMP: R6.6), one change; other protocols never left
    assert change.labels == ("tcp", "udp", "icmp")
    assert {f.label for f in change.flows} == {f.label for f in result.flows if f.protocol in (1, 6, 17)}


def test_the_same_topology_has_no_changes() -> None:
    net = vpcsim.load(NAT).compiled
    result = diff(net, vpcsim.load(NAT).compiled)
    assert not result.changed and result.changes == ()


def test_added_and_removed_endpoints(tmp_path: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        instances = data["vpcs"]["web"]["instances"]
        instances["worker-2"] = instances.pop("worker-1")

    result = diff(vpcsim.load(PUBLIC_WEB).compiled, _variant(tmp_path, PUBLIC_WEB, rename))
    assert result.added == ("worker-2",) and result.removed == ("worker-1",) and result.changed


def test_diff_limited_to_intents(tmp_path: Path) -> None:
    def drop_nat_b(data: dict[str, Any]) -> None:
        data["vpcs"]["shop"]["route_tables"]["app-b-rt"]["routes"] = [{"destination": "0.0.0.0/0",
                                                                      "target": "nat-a"}]

    old, new = vpcsim.load(NAT).compiled, _variant(tmp_path, NAT, drop_nat_b)
    result = diff_intents(old, new, ROOT / "topologies" / "nat-per-az.intents.yaml")
    assert [c.name for c in result.intents or ()] == ["app-2 leaves through the NAT gateway of its own AZ"]
    change = (result.intents or ())[0]
    assert change.old.passed and not change.new.passed and change.new.code == "VIA_NOT_TRAVERSED"


def _without_some_rules(topology: dict[str, Any], seed: int) -> dict[str, Any]:
    """A second version: some security group rules and routes removed."""
    import random

    variant: dict[str, Any] = yaml.safe_load(yaml.safe_dump(topology))
    chance = random.Random(seed)
    for vpc in variant["vpcs"].values():
        for group in (vpc.get("security_groups") or {}).values():
            for key in ("ingress", "egress"):
                if group.get(key) and chance.random() < 0.4:
                    group[key].pop(chance.randrange(len(group[key])))
        for table in (vpc.get("route_tables") or {}).values():
            if table.get("routes") and chance.random() < 0.3:
                table["routes"].pop(chance.randrange(len(table["routes"])))
    return variant


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=st.one_of(topologies(), tgw_topologies()), seed=st.integers(0, 1000))
def test_changed_cells_equal_group_pair_by_group_pair(tmp_path_factory: pytest.TempPathFactory,
                                                      topology: dict[str, Any], seed: int) -> None:
    """``diff._changed`` reads rows with masks; the straightforward way traces one pair per group pair."""
    from vpcsim.analysis.diff import _changed, _Version
    from vpcsim.analysis.flows import mentioned_flows
    from vpcsim.analysis.matrix import MemberClasses, members_of, trace_outcome

    folder = tmp_path_factory.mktemp("versions")
    nets = []
    for i, version in enumerate((topology, _without_some_rules(topology, seed))):
        (folder / f"v{i}.yaml").write_text(yaml.safe_dump(version))
        try:
            nets.append(vpcsim.load(folder / f"v{i}.yaml").compiled)
        except TopologyError:
            return                                 # removing a route can leave a topology that must not load
    old, new = nets
    names = [e.name for e in members_of(old)]
    old_classes, new_classes = MemberClasses(old), MemberClasses(new)
    groups: dict[Any, list[str]] = {}
    for name in names:
        key = (old_classes.fine_key(old_classes.by_name[name]), new_classes.fine_key(new_classes.by_name[name]))
        groups.setdefault(key, []).append(name)
    members = list(groups.values())
    before = _Version(old, old_classes)
    after = _Version(new, new_classes, before.destinations.names)
    for flow in mentioned_flows([old, new])[:2]:
        want: dict[Any, dict[int, tuple[list[str], list[list[str]]]]] = {}
        for a_group in members:
            for d_group in members:
                if a_group is d_group and len(a_group) < 2:
                    continue
                a, d = (a_group[0], a_group[1]) if a_group is d_group else (a_group[0], d_group[0])
                was, now = trace_outcome(old, a, d, flow), trace_outcome(new, a, d, flow)
                if was.disposition != now.disposition:
                    want.setdefault((was, now), {}).setdefault(id(a_group), (a_group, []))[1].append(d_group)
        got = _changed(members, before.rows(flow), after.rows(flow))
        assert list(got) == list(want) and got == want, flow.label


def _cells(result: Any) -> set[tuple[str, str, Any, str, str]]:
    return {(s, d, flow, str(c.old.disposition), str(c.new.disposition))
            for c in result.changes for flow in c.flows for s in c.sources for d in c.destinations if s != d}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=topologies(), seed=st.integers(0, 1000))
def test_atoms_no_rule_tells_apart_change_alike(tmp_path_factory: pytest.TempPathFactory,
                                                topology: dict[str, Any], seed: int) -> None:
    """``diff`` traces one atom of each class ``flows.alike`` makes; diffing each flow on its own agrees."""
    folder = tmp_path_factory.mktemp("versions")
    nets = []
    for i, version in enumerate((topology, _without_some_rules(topology, seed))):
        (folder / f"v{i}.yaml").write_text(yaml.safe_dump(version))
        try:
            nets.append(vpcsim.load(folder / f"v{i}.yaml").compiled)
        except TopologyError:
            return
    old, new = nets
    whole = diff(old, new)
    one_by_one: set[tuple[str, str, Any, str, str]] = set()
    for flow in whole.flows:
        one_by_one |= _cells(diff(old, new, [flow]))
    assert _cells(whole) == one_by_one


def test_a_group_that_opens_everything_is_one_change_of_every_flow() -> None:
    """The security groups mention tcp/22, 5432 and 8080 only; the new rule opens every protocol and port."""
    folder = ROOT / "tests" / "cli" / "topologies"
    result = diff(vpcsim.load(folder / "db-before.yaml").compiled, vpcsim.load(folder / "db-after.yaml").compiled)
    assert [(c.sources, c.destinations, c.labels) for c in result.changes] == [(("bastion",), ("db-1",), ("all",))]
    assert set(result.changes[0].flows) == set(result.flows)
    assert result.changes[0].new_hop is not None and result.changes[0].new_hop.rule == "db ingress #2"
