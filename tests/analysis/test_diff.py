"""`diff` finds what two versions of a topology reach differently, and the rule that made the difference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import vpcsim
from vpcsim.analysis.diff import diff, diff_intents
from vpcsim.compile.network import CompiledNetwork

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
    assert {f.label for f in change.flows} == {f.label for f in result.flows}   # every flow, one change


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
