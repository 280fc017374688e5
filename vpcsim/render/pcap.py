"""A trace as a pcap file: every packet as it is at each hop (after NAT), readable by Wireshark/tshark.

Each frame is wrapped in Ethernet with a stable, locally administered MAC derived from the component
names, so IPv4 and IPv6 frames share one link type (DESIGN §7), and timestamps are fixed (1 ms apart) so
two runs write byte-identical files. scapy is imported here and nowhere on the CLI's common path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from vpcsim.engine.packet import Packet
from vpcsim.engine.results import Hop, Trace

EPOCH = 1_700_000_000.0
STEP = 0.001


def mac_of(component: str) -> str:
    digest = hashlib.sha256(component.encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest[:5])


def frames(hops: Iterable[tuple[Hop, Hop | None]], start: float) -> Iterator[tuple[float, Any]]:
    from scapy.layers.l2 import Ether

    time = start
    for hop, previous in hops:
        src = mac_of(previous.component if previous is not None else "source")
        frame = Ether(src=src, dst=mac_of(hop.component)) / hop.packet.to_scapy()
        yield time, frame
        time += STEP


def _pairs(hops: tuple[Hop, ...]) -> list[tuple[Hop, Hop | None]]:
    return [(hop, hops[i - 1] if i else None) for i, hop in enumerate(hops)]


def packets_of(trace: Trace, extra: Iterable[tuple[str, Packet]] = ()) -> list[Any]:
    """The frames of a conversation: ``extra`` first (e.g. the DNS exchange), then request and reply hops."""
    from scapy.layers.l2 import Ether

    out = []
    time = EPOCH
    for component, packet in extra:
        frame = Ether(src=mac_of("source"), dst=mac_of(component)) / packet.to_scapy()
        frame.time = time
        out.append(frame)
        time += STEP
    for hops in (trace.forward, trace.reply):
        for stamp, frame in frames(_pairs(hops), time):
            frame.time = stamp
            out.append(frame)
            time = stamp + STEP
    return out


def write(trace: Trace, path: str | Path, extra: Iterable[tuple[str, Packet]] = ()) -> int:
    """Write the pcap; returns the number of frames."""
    from scapy.utils import wrpcap

    frames_out = packets_of(trace, extra)
    wrpcap(str(path), frames_out, linktype=1)
    return len(frames_out)
