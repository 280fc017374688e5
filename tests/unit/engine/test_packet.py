"""Packets convert to real scapy packets and back without losing a field."""

from __future__ import annotations

import pytest

from vpcsim.engine.packet import Packet
from vpcsim.ip import parse_address
from vpcsim.protocols import ICMP, ICMPV6, TCP, UDP


def _ip(text: str) -> int:
    return parse_address(text)[1]


PACKETS = [
    Packet(4, _ip("10.0.1.10"), _ip("10.0.2.20"), TCP, 49152, 5432, tcp_flags="S", ttl=63),
    Packet(4, _ip("10.0.1.10"), _ip("10.0.0.2"), UDP, 53000, 53, ttl=64),
    Packet(4, _ip("10.0.1.10"), _ip("8.8.8.8"), ICMP, 7, 0, 8, 0, ttl=64),
    Packet(6, _ip("2600:1f18::10"), _ip("2001:db8::1"), TCP, 40000, 443, tcp_flags="SA", ttl=60),
    Packet(6, _ip("2600:1f18::10"), _ip("2001:db8::1"), ICMPV6, 9, 0, 128, 0, ttl=64),
    Packet(4, _ip("10.0.1.10"), _ip("10.0.2.20"), 47, ttl=64),
    Packet(4, _ip("10.0.1.10"), _ip("10.0.2.20"), ICMP, 0, 0, 3, 4, ttl=64),       # --icmp-type 3 --icmp-code 4
    Packet(6, _ip("2600:1f18::10"), _ip("2001:db8::1"), ICMPV6, 0, 0, 135, 0, ttl=64),   # not an echo
]


@pytest.mark.parametrize("packet", PACKETS, ids=lambda p: p.describe())
def test_packet_round_trips_through_scapy(packet: Packet) -> None:
    wire = packet.to_scapy()
    assert bytes(wire)                                  # scapy can build it
    back = Packet.from_scapy(type(wire)(bytes(wire)))   # and parse it again from bytes
    assert back == packet


def test_reply_swaps_addresses_and_answers_a_syn() -> None:
    request = PACKETS[0]
    reply = request.reply()
    assert (reply.src, reply.dst, reply.src_port, reply.dst_port) == (request.dst, request.src, 5432, 49152)
    assert reply.tcp_flags == "SA"


def test_reply_to_an_echo_request_is_an_echo_reply() -> None:
    assert PACKETS[2].reply().icmp_type == 0
    assert PACKETS[4].reply().icmp_type == 129


def test_answers_is_the_request_reversed_and_nothing_else() -> None:
    syn = Packet(4, 10, 20, TCP, 49152, 22, tcp_flags="S")
    assert syn.reply().answers(syn)
    assert not syn.reply().with_source(30).answers(syn)                  # another address (a NAT's)
    assert not syn.reply().with_source(20, 1024).answers(syn)            # another port
    assert not syn.answers(syn)                                          # not reversed
    ping = Packet(4, 10, 20, ICMP, 7, 0, 8, 0)
    assert ping.reply().answers(ping)                                    # the echo identifier is kept
    assert not ping.reply().with_source(20, 8).answers(ping)

def test_an_icmp_query_is_answered_by_its_reply_type_and_another_message_by_its_own_type() -> None:
    timestamp = Packet(4, _ip("10.0.1.10"), _ip("10.0.2.20"), ICMP, 1, 0, 13, 0)
    assert [timestamp.reply().icmp_type, PACKETS[6].reply().icmp_type, PACKETS[7].reply().icmp_type] == [14, 3, 135]
