"""``quick_init`` changes only how fast a frozen dataclass is built: the engine's classes behave exactly as the
dataclasses they were (frozen, defaults, keywords, equality, hashing, ``replace``, pickling, ``__post_init__``)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from vpcsim.engine.events import Arrival, At, Context, End, Step
from vpcsim.engine.frozen import quick_init
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Disposition, Hop, Query, Trace
from vpcsim.protocols import TCP


def test_fields_defaults_and_keywords_are_those_of_the_dataclass() -> None:
    packet = Packet(4, 1, 2, TCP, dst_port=443)
    assert (packet.src_port, packet.icmp_type, packet.tcp_flags, packet.ttl, packet.length) == (0, -1, "", 64, 60)
    assert packet == Packet(4, 1, 2, TCP, 0, 443) and hash(packet) == hash(Packet(4, 1, 2, TCP, 0, 443))
    hop = Hop("eni-a", ComponentKind.ENI, Decision.SEND, packet, message="m")
    assert (hop.rule, hop.code, hop.message, hop.direction, hop.interface, hop.origin) == (None, None, "m", None,
                                                                                           None, None)
    assert Context(vpc="v").but(az="a") == Context("forward", "v", "", "a")
    with pytest.raises(TypeError):
        Packet(4, 1)                                             # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Hop("eni-a", ComponentKind.ENI, Decision.SEND, packet, colour="red")   # type: ignore[call-arg]


def test_instances_stay_frozen_and_round_trip() -> None:
    packet = Packet(6, 10, 20, TCP, 49152, 443, tcp_flags="S")
    arrival = Arrival(At.ENI_OUT, "eni-a", packet, Context(vpc="v"))
    step = Step((Hop("eni-a", ComponentKind.ENI, Decision.SEND, packet),), next=arrival)
    for value in (packet, step, End("dropped", packet)):
        first = dataclasses.fields(value)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, first, None)
        assert pickle.loads(pickle.dumps(value)) == value
    # Arrival and Context are named tuples (built in C on the hot path): just as immutable, and they pickle.
    for value in (arrival, arrival.context):
        with pytest.raises(AttributeError):
            setattr(value, value._fields[0], None)
        assert pickle.loads(pickle.dumps(value)) == value
    assert dataclasses.replace(packet, ttl=3) == Packet(6, 10, 20, TCP, 49152, 443, tcp_flags="S", ttl=3)


def test_post_init_still_runs() -> None:
    packet = Packet(4, 1, 2, TCP)
    drop = Hop("eni-a", ComponentKind.ENI, Decision.SECURITY_GROUP_DENY, packet)
    send = Hop("eni-a", ComponentKind.ENI, Decision.SEND, packet)
    query = Query("a", "b", "tcp", 443)
    assert Trace(query, Disposition.DENIED, (send, drop)).drop is drop
    with pytest.raises(ValueError, match="must be the last"):
        Trace(query, Disposition.DENIED, (drop, send))


def test_only_plain_frozen_slotted_dataclasses_are_accepted() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        x: list[int] = dataclasses.field(default_factory=list)

    for cls in (NoSlots, Factory):
        with pytest.raises(TypeError):
            quick_init(cls)
