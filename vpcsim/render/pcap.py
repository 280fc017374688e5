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


def _dns_frames(trace: Trace, start: float) -> list[Any]:
    """The lookup before the data packets, as real DNS query and response frames (R11.1)."""
    from scapy.layers.dns import DNS, DNSQR, DNSRR
    from scapy.layers.l2 import Ether

    exchange = trace.dns
    if exchange is None:
        return []
    out = []
    time = start
    question = DNSQR(qname=exchange.name + ".", qtype="A")
    for hop, previous in _pairs(exchange.query):
        frame = Ether(src=mac_of(previous.component if previous else "source"), dst=mac_of(hop.component)) \
            / hop.packet.to_scapy() / DNS(id=1, rd=1, qd=question)
        frame.time = time
        out.append(frame)
        time += STEP
    rcode = {"NOERROR": 0, "NXDOMAIN": 3, "REFUSED": 5}.get(exchange.rcode, 2)
    answers = [DNSRR(rrname=r.name + ".", type=r.type, rdata=r.value + ("." if r.type == "CNAME" else ""), ttl=300)
               for r in exchange.records]
    for hop, previous in _pairs(exchange.response):
        dns = DNS(id=1, qr=1, aa=0, rd=1, ra=1, rcode=rcode, qd=question)
        if answers:
            dns.an = answers[0] if len(answers) == 1 else answers
        frame = Ether(src=mac_of(previous.component if previous else "route53-resolver"),
                      dst=mac_of(hop.component)) / hop.packet.to_scapy() / dns
        frame.time = time
        out.append(frame)
        time += STEP
    return out


def packets_of(trace: Trace) -> list[Any]:
    """The frames of a conversation: the DNS exchange if any, then the request's and the reply's hops."""
    out = _dns_frames(trace, EPOCH)
    time = EPOCH + STEP * len(out)
    for hops in (trace.forward, trace.reply):
        for stamp, frame in frames(_pairs(hops), time):
            frame.time = stamp
            out.append(frame)
            time = stamp + STEP
    return out


def write(trace: Trace, path: str | Path) -> int:
    """Write the pcap; returns the number of frames."""
    from scapy.utils import wrpcap

    frames_out = packets_of(trace)
    wrpcap(str(path), frames_out, linktype=1)
    return len(frames_out)
