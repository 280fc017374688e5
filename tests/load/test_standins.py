"""The one allocator of stand-in public addresses (R1.14): stable, documentation ranges only, never an address
the topology writes, a covering prefix (0.0.0.0/0) taking nothing."""

from __future__ import annotations

from vpcsim.load.standins import addresses_in_use, stand_in
from vpcsim.model import Topology


def _topology(*sources: str) -> Topology:
    return Topology.model_validate({"vpcs": {"v": {"cidr": "10.0.0.0/16", "security_groups": {"g": {"ingress": [
        {"protocol": "tcp", "ports": 22, "source": source} for source in sources]}}}}})


def test_a_stand_in_depends_only_on_the_owner_and_what_is_taken() -> None:
    assert stand_in("bastion", set()) == stand_in("bastion", set()) == "203.0.113.220"
    assert stand_in("bastion", {"203.0.113.220"}) == "203.0.113.221"
    assert stand_in("web", set()) != stand_in("bastion", set())


def test_a_full_first_pool_moves_on_to_the_second_and_a_full_second_gives_none() -> None:
    first = {f"203.0.113.{i}" for i in range(256)}
    assert stand_in("bastion", first).startswith("192.0.2.")              # type: ignore[union-attr]
    assert stand_in("bastion", first | {f"192.0.2.{i}" for i in range(256)}) is None


def test_addresses_in_use_are_the_pool_addresses_written_not_the_prefixes_that_cover_a_pool() -> None:
    assert addresses_in_use(_topology("0.0.0.0/0", "192.0.0.0/8", "198.51.100.0/24")) == set()
    assert addresses_in_use(_topology("203.0.113.4/30", "192.0.2.7")) == \
        {"203.0.113.4", "203.0.113.5", "203.0.113.6", "203.0.113.7", "192.0.2.7"}
    assert len(addresses_in_use(_topology("203.0.113.0/24"))) == 256      # a whole pool written: all of it
