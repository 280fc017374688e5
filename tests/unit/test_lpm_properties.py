"""Property tests: longest-prefix match (compile/lpm.py) against a brute-force scan, on random prefix sets and
on the route tables of random valid topologies (tests/strategies.py), which must load without a problem."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpcsim
from vpcsim.compile.components import RouteTable, TargetKind
from vpcsim.compile.lpm import PrefixSet, PrefixTable
from vpcsim.errors import TopologyError
from vpcsim.ip import Prefix, parse_prefix

TESTS = str(Path(__file__).resolve().parents[1])
if TESTS not in sys.path:            # tests/ holds the shared strategies module
    sys.path.insert(0, TESTS)

from strategies import addresses, boundaries, longest_match, prefix_sets, topologies  # noqa: E402

FAST = settings(max_examples=60, deadline=None)


def probes(data: st.DataObject, prefixes: list[Prefix]) -> list[tuple[int, int]]:
    """Every boundary of every prefix (start, end, start-1, end+1), the extremes, and random addresses."""
    points = boundaries(prefixes)
    points += [(4, 0), (4, 2**32 - 1), (6, 0), (6, 2**128 - 1)]
    points += [(4, a) for a in data.draw(st.lists(addresses(4), max_size=20), label="v4")]
    points += [(6, a) for a in data.draw(st.lists(addresses(6), max_size=20), label="v6")]
    return points


# -- PrefixTable on its own ------------------------------------------------------------------------------


@FAST
@given(prefixes=prefix_sets(), data=st.data())
def test_lookup_finds_the_longest_containing_prefix(prefixes: list[Prefix], data: st.DataObject) -> None:
    table = PrefixTable.build((p, p) for p in prefixes)
    for family, address in probes(data, prefixes):
        assert table.lookup(family, address) == longest_match(prefixes, family, address), (family, address)


@FAST
@given(prefixes=prefix_sets(), data=st.data())
def test_lookup_with_shared_values(prefixes: list[Prefix], data: st.DataObject) -> None:
    """Neighbouring intervals with the same value may merge; the answer must not change."""
    values = {p: data.draw(st.sampled_from(["a", "b", "c"]), label=str(p)) for p in prefixes}
    table = PrefixTable.build(values.items())
    for family, address in probes(data, prefixes):
        best = longest_match(prefixes, family, address)
        expected = values[best] if best is not None else None
        assert table.lookup(family, address) == expected, (family, address)


def test_empty_table_finds_nothing() -> None:
    table: PrefixTable[str] = PrefixTable.build([])
    assert table.lookup(4, 0) is None and table.lookup(6, 2**128 - 1) is None


def test_nested_prefixes_hand_picked() -> None:
    names = ["0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.255/32", "10.255.0.0/16"]
    prefixes = [parse_prefix(n) for n in names]
    table = PrefixTable.build((p, str(p)) for p in prefixes)
    for address, expected in [("9.255.255.255", "0.0.0.0/0"), ("10.0.0.0", "10.0.0.0/16"),
                              ("10.0.1.254", "10.0.1.0/24"), ("10.0.1.255", "10.0.1.255/32"),
                              ("10.0.2.0", "10.0.0.0/16"), ("10.1.0.0", "10.0.0.0/8"),
                              ("10.255.255.255", "10.255.0.0/16"), ("11.0.0.0", "0.0.0.0/0")]:
        assert table.lookup(4, parse_prefix(address + "/32").start) == expected, address
    assert table.lookup(6, 1) is None


# -- PrefixSet: "does this prefix overlap any added so far?" ---------------------------------------------


@FAST
@given(prefixes=prefix_sets(), data=st.data())
def test_prefix_set_overlap_matches_a_scan(prefixes: list[Prefix], data: st.DataObject) -> None:
    """Added in a random order, interleaved with questions, as TGW propagation does (R8.12)."""
    order = data.draw(st.permutations(prefixes), label="order")
    questions = data.draw(st.lists(st.sampled_from(prefixes), max_size=20), label="questions") if prefixes else []
    added: list[Prefix] = []
    claimed = PrefixSet()
    for i, prefix in enumerate(order):
        for q in [prefix, *questions[i % 3::3]]:
            assert claimed.overlaps(q) == any(q.overlaps(p) for p in added), (q, added)
        claimed.add(prefix)
        added.append(prefix)


# -- route tables of random valid topologies ------------------------------------------------------------


def load(topology: dict[str, Any]) -> vpcsim.Network:
    text = yaml.safe_dump(topology, sort_keys=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(text)
        try:
            return vpcsim.load(path)
        except TopologyError as error:
            pytest.fail(f"a valid topology was rejected:\n{error.render()}\n---\n{text}")


def check_table(table: RouteTable, data: st.DataObject) -> None:
    prefixes = [route.prefix for route in table.routes]
    assert len(set(prefixes)) == len(prefixes), f"{table.name}: two routes to one prefix"
    for family, address in probes(data, prefixes):
        found = table.lookup(family, address)
        best = longest_match(prefixes, family, address)
        assert (found.prefix if found is not None else None) == best, (table.name, family, address)


def check_addresses(net: Any) -> None:
    """Every ENI address (given or allocated) is usable in its subnet, unique, and indexed back to the ENI."""
    for eni in net.enis.values():
        subnet = net.subnets[eni.subnet]
        for address in eni.private_ips:
            assert subnet.cidr is not None and subnet.contains(4, address), (eni.name, address)
            assert subnet.cidr.start + 4 <= address < subnet.cidr.end, (eni.name, "reserved (R1.8)")
            assert net.subnet_of(eni.vpc, 4, address) is subnet
            assert net.eni_at(eni.vpc, 4, address) is eni, (eni.name, "address used twice")
        for address in eni.ipv6_ips:
            assert net.eni_at(eni.vpc, 6, address) is eni
            assert net.subnet_of(eni.vpc, 6, address) is subnet


SECTIONS = ("subnets", "route_tables", "nat_gateways", "security_groups", "network_acls", "instances")


def names_by_id(topology: dict[str, Any]) -> dict[str, str]:
    """AWS id -> name, for every resource the generator gave an id."""
    named: list[tuple[str, dict[str, Any]]] = list(topology.get("peering", {}).items())
    for name, vpc in topology["vpcs"].items():
        named.append((name, vpc))
        for section in SECTIONS:
            named += vpc.get(section, {}).items()
    return {spec["id"]: name for name, spec in named if "id" in spec}


def expected_target(target: str, vpc: dict[str, Any], names: dict[str, str]) -> str:
    target = names.get(target, target)
    return f"eni-{target}" if target in vpc.get("instances", {}) else target


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(topology=topologies(), data=st.data())
def test_generated_topologies_load_and_route_by_longest_prefix(topology: dict[str, Any],
                                                               data: st.DataObject) -> None:
    net = load(topology).compiled
    assert set(net.vpcs) == set(topology["vpcs"])
    check_addresses(net)
    for subnet in net.subnets.values():
        check_table(net.route_tables[subnet.route_table], data)
    names = names_by_id(topology)
    for name, vpc in topology["vpcs"].items():
        for table_name, spec in vpc["route_tables"].items():
            table = net.route_tables[table_name]
            if "gateway" not in spec:
                check_table(table, data)
            by_prefix = {route.prefix: route for route in table.routes}
            for cidr in (vpc["cidr"], *vpc.get("ipv6_cidrs", ())):          # R1.6: a local route per CIDR
                assert by_prefix[parse_prefix(cidr)].target_kind is TargetKind.LOCAL
            for route in spec.get("routes", ()):                              # every route written is there
                compiled = by_prefix[parse_prefix(route["destination"])]
                assert compiled.origin == "static", (table_name, route)
                assert compiled.target == expected_target(route["target"], vpc, names), (table_name, route)
        assert set(net.subnets) >= set(vpc["subnets"])
        for sname, subnet in vpc["subnets"].items():          # one table per subnet, as written
            explicit = names.get(subnet.get("route_table", ""), subnet.get("route_table"))
            expected = explicit or next(
                (t for t, spec in vpc["route_tables"].items()
                 if sname in [names.get(s, s) for s in spec.get("subnets", ())]),
                next((t for t, spec in vpc["route_tables"].items() if spec.get("main")), f"{name}-main"))
            assert net.subnets[sname].route_table == expected


# -- the smallest topologies the generator found vpcsim rejecting ----------------------------------------
# An AWS id is an alias of a resource's name (DESIGN §2), so a reference by id must behave like one by name.


def load_text(text: str, tmp_path: Path) -> vpcsim.Network:
    path = tmp_path / "topology.yaml"
    path.write_text(text)
    return vpcsim.load(path)


def test_route_target_may_be_an_instance_id(tmp_path: Path) -> None:
    net = load_text("""\
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets: {s: {cidr: 10.0.0.0/24}}
    route_tables: {rt: {main: true, routes: [{destination: 0.0.0.0/0, target: i-0123}]}}
    instances: {fw: {id: i-0123, subnet: s, private_ip: 10.0.0.10}}
""", tmp_path).compiled
    route = net.route_tables["rt"].lookup(4, parse_prefix("192.0.2.1/32").start)
    assert route is not None and route.target == "eni-fw"


def test_peering_may_name_vpcs_by_id(tmp_path: Path) -> None:
    net = load_text("""\
vpcs:
  a:
    id: vpc-0a
    cidr: 10.0.0.0/16
    route_tables: {rt: {main: true, routes: [{destination: 10.1.0.0/16, target: pcx}]}}
  b: {cidr: 10.1.0.0/16}
peering:
  pcx: {requester: vpc-0a, accepter: b}
""", tmp_path).compiled
    assert net.peerings["pcx"].requester == "a"
    route = net.route_tables["rt"].lookup(4, parse_prefix("10.1.2.3/32").start)
    assert route is not None and route.target == "pcx"
