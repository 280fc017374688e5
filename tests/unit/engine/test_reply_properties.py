"""Replies must match (docs/semantics.md): whatever the network and the question, a conversation the engine
calls reachable has a reply that ends at the requester carrying the request's 5-tuple reversed — read here
from the trace's own hops, not from the engine's check."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_topologies
from strategies import topologies

import vpcsim
from vpcsim import Disposition, Network, QueryError, Trace
from vpcsim.engine.results import ComponentKind
from vpcsim.protocols import ICMPS

PROTOCOLS = st.sampled_from(["tcp", "udp", "icmp"])
REFERENCE = reference_topologies()
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _reference(path: Path) -> Network:
    return vpcsim.load(path)


def assert_reply_matches(net: Network, src: str, trace: Trace) -> None:
    """A reachable trace with a reply: the reply's last hop is at the requester, and its packet is the request
    as sent, reversed (addresses; ports for TCP and UDP; the echo identifier for ICMP)."""
    if not trace.reachable or not trace.reply:
        return
    sent, last = trace.sent, trace.reply[-1]
    assert sent is not None
    heard = last.packet
    assert (heard.family, heard.protocol, heard.src, heard.dst) == (sent.family, sent.protocol, sent.dst, sent.src)
    if sent.protocol in ICMPS:
        assert heard.src_port == sent.src_port                   # the echo identifier, unswapped
    else:
        assert (heard.src_port, heard.dst_port) == (sent.dst_port, sent.src_port)
    instance = net.compiled.instances.get(src)
    if instance is not None:
        assert last.kind is ComponentKind.ENI and last.component in instance.enis
    elif src.startswith("internet"):
        assert last.kind is ComponentKind.INTERNET


def _ask(net: Network, data: st.DataObject, questions: int) -> None:
    names = [*sorted(net.compiled.instances), "internet", "internet:203.0.113.9"]
    for _ in range(questions):
        src = data.draw(st.sampled_from(names))
        dst = data.draw(st.sampled_from(names))
        protocol = data.draw(PROTOCOLS)
        port = None if protocol == "icmp" else data.draw(st.integers(0, 65535))
        try:
            trace = net.trace(src, dst, protocol=protocol, port=port)
        except QueryError:
            continue
        assert_reply_matches(net, src, trace)


def _random_network(topology: dict[str, Any]) -> Network:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        return vpcsim.load(path)


def _reference_check(data: st.DataObject) -> None:
    _ask(_reference(data.draw(st.sampled_from(REFERENCE))), data, 8)


@FEW
@given(data=st.data())
def test_a_reachable_reply_ends_at_the_requester_reversed_on_the_reference_topologies(data: st.DataObject) -> None:
    _reference_check(data)


@FEW
@given(topology=topologies(), data=st.data())
def test_a_reachable_reply_ends_at_the_requester_reversed_on_random_networks(topology: dict[str, Any],
                                                                              data: st.DataObject) -> None:
    _ask(_random_network(topology), data, 5)


@pytest.mark.slow
@MANY
@given(data=st.data())
def test_a_reachable_reply_ends_at_the_requester_reversed_on_the_reference_topologies_long(
        data: st.DataObject) -> None:
    _reference_check(data)


@pytest.mark.slow
@MANY
@given(topology=topologies(), data=st.data())
def test_a_reachable_reply_ends_at_the_requester_reversed_on_random_networks_long(topology: dict[str, Any],
                                                                                   data: st.DataObject) -> None:
    _ask(_random_network(topology), data, 5)


def test_the_property_catches_a_rewritten_reply() -> None:
    """The check above fails on the answer the engine gave before replies had to match."""
    net = vpcsim.load(Path(__file__).parents[2] / "semantics" / "topologies" / "R6_4_reply_through_nat_gateway.yaml")
    trace = net.trace("internet:192.0.2.80", "web-1", protocol="tcp", port=22)
    assert not trace.reachable
    with pytest.raises(AssertionError):
        assert_reply_matches(net, "internet:192.0.2.80", replace(trace, disposition=Disposition.ACCEPTED))
