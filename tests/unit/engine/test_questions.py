"""Impossible questions through the API (issue #13, "Why" 5): ``Network.trace`` refuses what no packet can carry
with a ``QueryError`` and a hint, exactly as the CLI does; ICMP is asked by type and code; a CIDR end is never
a DNS name; a conversation with the sender itself never reaches the network (docs/semantics.md, "Questions")."""

from __future__ import annotations

from pathlib import Path

import pytest

import vpcsim
from vpcsim import Disposition, QueryError
from vpcsim.analysis.flows import Flow
from vpcsim.engine.packet import Packet
from vpcsim.protocols import ICMP, TCP
from vpcsim.tui.facts import TraceQuery
from vpcsim.tui.reach import run

TOPOLOGY = Path(__file__).parents[2] / "semantics" / "topologies" / "questions_impossible_and_local.yaml"


@pytest.fixture(scope="module")
def net() -> vpcsim.Network:
    return vpcsim.load(TOPOLOGY)


@pytest.mark.parametrize(("options", "message", "hint"), [
    ({"port": 99999}, "--port 99999 is not a port", "a port is a number from 0 to 65535"),
    ({"port": -1}, "--port -1 is not a port", "a port is a number from 0 to 65535"),
    ({"src_port": 65536}, "--src-port 65536 is not a port", "a port is a number from 0 to 65535"),
    ({"protocol": "icmp", "port": 80},
     "--port 80 does not apply to icmp: an ICMP message has a type and a code, not ports",
     "use --icmp-type 80 (and --icmp-code N) for another message; without them the question is an echo request "
     "(type 8)"),
    ({"protocol": "icmpv6", "port": 300},
     "--port 300 does not apply to icmpv6: an ICMP message has a type and a code, not ports",
     "use --icmp-type N (and --icmp-code N) for another message; without them the question is an echo request "
     "(type 128)"),
    ({"protocol": "icmp", "icmp_type": 256}, "--icmp-type 256 is not an ICMP type",
     "ICMP types and codes are numbers from 0 to 255"),
    ({"protocol": "udp", "icmp_code": 1}, "--icmp-code applies to icmp and icmpv6, not to udp",
     "add --protocol icmp (or icmpv6), or leave the option out"),
    ({"protocol": 50, "port": 500}, "--port 500 does not apply to protocol 50: only tcp and udp have ports",
     "leave --port out, or ask --protocol tcp or udp"),
])
def test_network_trace_refuses_impossible_questions_with_a_hint(net: vpcsim.Network, options: dict[str, object],
                                                                message: str, hint: str) -> None:
    with pytest.raises(QueryError) as raised:
        net.trace("pinger", "server", **options)  # type: ignore[arg-type]
    assert (raised.value.message, raised.value.hint) == (message, hint)


def test_ports_at_the_ends_of_the_range_are_asked(net: vpcsim.Network) -> None:
    assert net.trace("pinger", "server", port=0, src_port=65535).sent == Packet(
        4, 0x0A00010C, 0x0A000114, TCP, 65535, 0, tcp_flags="S")


def test_an_icmp_type_and_code_are_sent_as_asked_and_a_query_is_answered_by_its_reply_type(
        net: vpcsim.Network) -> None:
    timestamp = net.trace("pinger", "server", protocol="icmp", icmp_type=13)
    assert timestamp.disposition is Disposition.ACCEPTED
    assert (timestamp.sent.icmp_type, timestamp.sent.icmp_code) == (13, 0)            # type: ignore[union-attr]
    assert timestamp.answered is not None and timestamp.answered.icmp_type == 14    # timestamp reply
    assert (timestamp.query.icmp_type, timestamp.query.icmp_code, timestamp.query.port) == (13, None, None)
    unreachable = net.trace("pinger", "server", protocol="icmp", icmp_type=3, icmp_code=4)
    assert unreachable.forward[-1].packet.icmp_type == 3 and unreachable.forward[-1].packet.icmp_code == 4
    echo = net.trace("pinger", "server", protocol="icmp")                              # the default
    assert (echo.sent.icmp_type, echo.answered.icmp_type) == (8, 0)                   # type: ignore[union-attr]


def test_the_explorer_and_the_analyses_ask_an_icmp_flow_by_its_type(net: vpcsim.Network) -> None:
    probe = TraceQuery("pinger", "server", "icmp", 13)            # the form's "port" box holds the type for ICMP
    assert (probe.trace_port, probe.icmp_type) == (None, 13)
    trace = run(net, probe)
    assert not isinstance(trace, str) and trace.sent is not None and trace.sent.icmp_type == 13
    assert (Flow(ICMP, 13, 13).trace_port, Flow(ICMP, 13, 13).icmp_type) == (None, 13)
    assert (Flow(TCP, 22, 22).trace_port, Flow(TCP, 22, 22).icmp_type) == (22, None)


@pytest.mark.parametrize("cidr", ["10.0.1.20/24", "10.0.0.0/16"])
def test_a_cidr_the_network_owns_is_refused_and_never_looked_up_as_a_name(net: vpcsim.Network, cidr: str) -> None:
    with pytest.raises(QueryError, match="belongs to the modelled network") as raised:
        net.trace("pinger", cidr)
    assert raised.value.hint is not None and raised.value.hint.startswith("name the instances or interfaces")


def test_a_cidr_outside_the_network_is_a_set_end_answered_for_every_address(net: vpcsim.Network) -> None:
    trace = net.trace("pinger", "198.51.100.0/24", port=443)
    assert trace.groups and sum(g.addresses for g in trace.groups) == 256


@pytest.mark.parametrize(("source", "destination"), [("lonely", "lonely"), ("lonely", "10.0.2.10"),
                                                     ("lonely-eth1", "10.0.2.11")])
def test_a_conversation_with_the_sender_itself_is_accepted_without_a_hop(net: vpcsim.Network, source: str,
                                                                           destination: str) -> None:
    # lonely's security group admits nothing inbound and its subnet's NACL denies everything: a packet that
    # reached the VPC would be DENIED. A packet to the interface's own address is delivered by the OS.
    trace = net.trace(source, destination, port=22)
    assert trace.disposition is Disposition.ACCEPTED and trace.reachable
    assert (trace.forward, trace.reply, trace.flow_logs()) == ((), (), [])
    assert [e.code for e in trace.explanations] == ["TRAFFIC_STAYS_IN_INSTANCE"]
    assert trace.explanations[0].component == "lonely"


@pytest.mark.parametrize(("source", "destination"), [("lonely", "lonely-eth1"), ("lonely-eth1", "10.0.2.10"),
                                                     ("pinger", "lonely")])
def test_another_interface_even_of_the_same_instance_is_judged_by_the_network(
        net: vpcsim.Network, source: str, destination: str) -> None:
    # docs/semantics.md: whether the OS hands such a packet to the other interface itself depends on its routing
    # (weak or strong host model): vpcsim keeps tracing it through the VPC, as `matrix` does.
    trace = net.trace(source, destination, port=22)
    assert trace.disposition is Disposition.DENIED and trace.forward
