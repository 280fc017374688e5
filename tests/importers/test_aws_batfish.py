"""Batfish's AWS snapshots (tests/importers/batfish, Apache-2.0) import, round-trip through YAML, and trace as
Batfish's scenario tests say they should (AwsConfiguration*Test.java: same scenario, same disposition)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsim import Network
from vpcsim.compile.compiler import compile_network
from vpcsim.compile.network import CompiledNetwork
from vpcsim.importers import import_aws, load_source
from vpcsim.importers.output import write_topology
from vpcsim.load import LoadedTopology, load_topology

BATFISH = Path(__file__).parent / "batfish"

# folder -> (VPCs, subnets, running instances) in the snapshot
COUNTS = {
    "pybatfish-hybrid-cloud": (4, 8, 4),
    "test-load-balancer": (1, 3, 3),
    "test-nat-gateway": (1, 3, 3),
    "test-public-private-subnet": (1, 2, 2),
    "test-public-subnet": (1, 1, 1),
    "test-subnet": (1, 1, 2),
    "test-transit-gateway": (2, 3, 3),                 # a fourth instance is terminated
    "test-transit-gateway-asymmetric-paths": (2, 2, 2),
    "test-transit-gateway-multi-account": (2, 4, 2),   # two more are terminated
    "test-transit-gateway-multi-table": (2, 3, 3),
    "test-transit-gateway-peering": (3, 3, 3),
    "test-vpc-endpoint-gateway": (1, 2, 2),
    "test-vpc-endpoint-interface": (1, 2, 2),
    "test-vpc-peering": (3, 3, 3),
    "test-vpc-peering-multi-account": (2, 2, 2),       # a third is terminated
}

_cache: dict[str, LoadedTopology] = {}


def imported(folder: str) -> LoadedTopology:
    if folder not in _cache:
        _cache[folder] = import_aws(BATFISH / folder)
    return _cache[folder]


def network(folder: str) -> Network:
    loaded = imported(folder)
    return Network(compile_network(loaded.topology, loaded.positions, loaded.warnings, loaded.source), loaded.topology)


def test_every_folder_is_covered() -> None:
    assert sorted(p.name for p in BATFISH.iterdir() if p.is_dir()) == sorted(COUNTS)
    assert (BATFISH / "LICENSE-batfish-Apache-2.0.txt").is_file()


@pytest.mark.parametrize("folder", sorted(COUNTS))
def test_snapshot_imports_with_expected_counts(folder: str) -> None:
    topology = imported(folder).topology
    vpcs, subnets, instances = COUNTS[folder]
    assert len(topology.vpcs) == vpcs
    assert sum(len(v.subnets) for v in topology.vpcs.values()) == subnets
    assert sum(len(v.instances) for v in topology.vpcs.values()) == instances


@pytest.mark.parametrize("folder", sorted(COUNTS))
def test_warnings_point_into_the_json_files(folder: str) -> None:
    for warning in imported(folder).warnings:
        assert warning.severity == "warning"
        assert warning.pos.file.endswith(".json"), warning
        assert warning.pos.line >= 1


def _routes(net: CompiledNetwork) -> dict[str, list[tuple[str, str, str, str]]]:
    return {name: [(str(r.prefix), str(r.target_kind), r.target, r.label) for r in table.routes]
            for name, table in net.route_tables.items()}


def _enis(net: CompiledNetwork) -> dict[str, tuple[object, ...]]:
    return {name: (str(e.kind), e.vpc, e.subnet, e.private_ips, e.ipv6_ips, e.public_ip, e.security_groups,
                   e.source_dest_check) for name, e in net.enis.items()}


def _tgw_routes(net: CompiledNetwork) -> dict[str, list[tuple[str, str | None]]]:
    return {name: [(str(r.prefix), r.attachment) for r in table.routes] for name, table in net.tgw_route_tables.items()}


@pytest.mark.parametrize("folder", sorted(COUNTS))
def test_round_trip_through_yaml_compiles_the_same(folder: str, tmp_path: Path) -> None:
    loaded = imported(folder)
    output = tmp_path / f"{folder}.yaml"
    write_topology(loaded, output, origin=f"vpcsim import aws {folder}")
    assert output.read_text().startswith("# yaml-language-server: $schema=")
    again = load_topology(output)
    assert again.topology == loaded.topology
    first = compile_network(loaded.topology, loaded.positions)
    second = compile_network(again.topology, again.positions)
    assert _routes(second) == _routes(first)
    assert _enis(second) == _enis(first)
    assert _tgw_routes(second) == _tgw_routes(first)


def test_a_folder_loads_through_the_public_api() -> None:
    import vpcsim

    net = vpcsim.load(BATFISH / "test-subnet")
    assert "i-08ef86e76fceabd8d" in net.compiled.instances
    assert load_source(BATFISH / "test-subnet").topology == imported("test-subnet").topology


def _components(trace: object) -> list[str]:
    return [hop.component for hop in trace.forward]  # type: ignore[attr-defined]


# --- test-subnet: one subnet, two instances; their SGs allow ssh only (AwsConfigurationSubnetTest) -----------

def test_subnet_instances_talk_over_ssh_directly() -> None:
    trace = network("test-subnet").trace("i-08ef86e76fceabd8d", "i-07519d6ba3f9497e4", port=22)
    assert trace.disposition == "ACCEPTED"
    assert _components(trace) == ["eni-010f649a7fc5c1e34", "eni-029bf1092de61fb40"]   # same subnet: no NACL


def test_subnet_instance_denies_what_its_sg_does_not_allow() -> None:
    trace = network("test-subnet").trace("i-08ef86e76fceabd8d", "i-07519d6ba3f9497e4", port=443)
    assert trace.disposition == "DENIED"
    assert trace.forward[-1].component == "eni-029bf1092de61fb40"


def test_subnet_unused_address_has_no_route() -> None:
    trace = network("test-subnet").trace("i-08ef86e76fceabd8d", "10.10.0.1", port=22)
    assert trace.disposition == "NO_ROUTE"


# --- test-public-subnet: an instance with a public IP behind an IGW (AwsConfigurationPublicSubnetTest) ------

def test_public_subnet_instance_reaches_the_internet_through_the_igw() -> None:
    trace = network("test-public-subnet").trace("i-06669a407b2ef3ae5", "internet:8.8.8.8")
    assert trace.disposition == "EXITS_NETWORK"
    assert "igw-0a409e562d251f766" in _components(trace)


def test_public_subnet_instance_is_denied_from_the_internet_by_its_sg() -> None:
    trace = network("test-public-subnet").trace("internet", "18.216.80.133", port=443)
    assert trace.disposition == "DENIED"
    assert _components(trace)[0] == "igw-0a409e562d251f766"


# --- test-nat-gateway: private subnet -> NAT gateway -> IGW (AwsConfigurationNatGatewayTest) -----------------

def test_private_instance_reaches_the_internet_through_the_nat_gateway() -> None:
    trace = network("test-nat-gateway").trace("i-0a128d26e59be60f3", "internet:8.8.8.8", port=80)
    assert trace.disposition == "EXITS_NETWORK"
    hops = _components(trace)
    assert hops.index("nat-07ab4846da51f4612") < hops.index("igw-071753b9c23d8a9b2")


def test_nat_gateway_refuses_connections_from_the_internet() -> None:
    trace = network("test-nat-gateway").trace("internet", "3.135.127.225", port=80)
    assert trace.disposition == "NO_ROUTE"
    assert _components(trace)[-1] == "nat-07ab4846da51f4612"


def test_nat_gateway_instances_talk_across_subnets() -> None:
    trace = network("test-nat-gateway").trace("i-0a128d26e59be60f3", "i-0b31b509174d7f5de", port=22)
    assert trace.disposition == "ACCEPTED"


# --- test-vpc-peering: A peers with B and C, which share 192.168.0.0/16 (AwsConfigurationVpcPeeringTest) ------

def test_peering_a_to_b_over_ssh() -> None:
    trace = network("test-vpc-peering").trace("i-06ba034d88c84ef07", "i-0b14080af811fda3d", port=22)
    assert trace.disposition == "ACCEPTED"
    assert "pcx-0b89b559e3319d6cf" in _components(trace)


def test_peering_a_to_c_takes_the_other_peering() -> None:
    trace = network("test-vpc-peering").trace("i-06ba034d88c84ef07", "i-04a292ff83b3aa833", port=22)
    assert trace.disposition == "ACCEPTED"
    assert "pcx-0b89b559e3319d6cf" not in _components(trace)


def test_peering_b_to_a_denied_by_sg_on_https() -> None:
    assert network("test-vpc-peering").trace("i-0b14080af811fda3d", "10.10.10.157", port=443).disposition == "DENIED"


def test_peering_unused_subnet_of_the_shared_block_has_no_route() -> None:
    trace = network("test-vpc-peering").trace("i-06ba034d88c84ef07", "192.168.100.1", port=22)
    assert trace.disposition == "NO_ROUTE"


# --- test-transit-gateway: A (two AZs, one attached) and B over a TGW (AwsConfigurationTransitGatewayTest) -----

def test_transit_gateway_a_to_b_over_ssh() -> None:
    trace = network("test-transit-gateway").trace("i-06ba034d88c84ef07", "i-0b14080af811fda3d", port=22)
    assert trace.disposition == "ACCEPTED"
    assert "tgw-rtb-0fa40c8df355dce6e" in _components(trace)


def test_transit_gateway_a_to_b_denied_by_sg_on_https() -> None:
    trace = network("test-transit-gateway").trace("i-06ba034d88c84ef07", "i-0b14080af811fda3d", port=443)
    assert trace.disposition == "DENIED"


def test_transit_gateway_subnet_in_an_unattached_az_cannot_reach_b() -> None:
    trace = network("test-transit-gateway").trace("i-075e846ed41670385", "i-0b14080af811fda3d", port=22)
    assert trace.disposition == "NO_ROUTE"


# --- test-transit-gateway-peering: two accounts, two Regions, peered TGWs (…TransitGatewayPeeringTest) ----------

def test_tgw_peering_bat_to_fish_stops_at_the_bat_tgw() -> None:
    trace = network("test-transit-gateway-peering").trace("i-08f3abb6471637c66", "i-0afb0a59f6bf36397", port=22)
    assert trace.disposition == "NO_ROUTE"


def test_tgw_peering_bat2_reaches_fish_across_the_peering() -> None:
    trace = network("test-transit-gateway-peering").trace("i-05e25e43074216229", "i-0afb0a59f6bf36397", port=22)
    fish = imported("test-transit-gateway-peering").topology.vpcs["vpc-0ecbcbd110fd839d1"].instances
    assert _components(trace)[-1] == fish["i-0afb0a59f6bf36397"].eni          # delivered to fish's interface
    assert trace.disposition == "REPLY_DENIED"    # fish has no route back to bat2 (testFishToBat2)


def test_tgw_peering_regions_and_accounts_come_from_the_folders() -> None:
    topology = imported("test-transit-gateway-peering").topology
    fish = topology.vpcs["vpc-0ecbcbd110fd839d1"]
    assert (fish.region or topology.region, fish.account or topology.account) == ("us-west-1", "804819755326")
    bat = topology.vpcs["vpc-065ea457071dd67bb"]
    assert (bat.region or topology.region, bat.account or topology.account) == ("us-east-1", "732168539940")
    sides = [a for t in topology.transit_gateways.values() for a in t.attachments.values() if a.peer]
    assert len(sides) == 2


def test_multi_account_vpc_peering_joins_the_two_accounts() -> None:
    trace = network("test-vpc-peering-multi-account").trace("i-066ce0b1efbb5602c", "i-07ae69cc808e8804e", port=22)
    assert trace.disposition == "ACCEPTED"
