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
from vpcsim.errors import QueryError

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
    question = DNSQR(qname=exchange.name.rstrip(".") + ".", qtype="A")
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
    """The frames of a conversation: the DNS exchange if any, then the request's and the reply's hops.

    Each direction starts with the packet as its sender put it on the wire when the first hop already
    shows it translated (a request from the internet, a reply from outside: the IGW's 1:1 NAT)."""
    from scapy.layers.l2 import Ether

    out = _dns_frames(trace, EPOCH)
    time = EPOCH + STEP * len(out)
    sides = ((trace.forward, trace.sent, trace.query.src), (trace.reply, trace.answered, trace.query.dst))
    for hops, first, sender in sides:
        if hops and first is not None and _flow(first) != _flow(hops[0].packet):
            frame = Ether(src=mac_of(sender), dst=mac_of(hops[0].component)) / first.to_scapy()
            frame.time = time
            out.append(frame)
            time += STEP
        for stamp, frame in frames(_pairs(hops), time):
            frame.time = stamp
            out.append(frame)
            time = stamp + STEP
    return out


def _flow(packet: Packet) -> tuple[int, int, int, int]:
    return packet.src, packet.dst, packet.src_port, packet.dst_port


def write(trace: Trace, path: str | Path) -> int:
    """Write the pcap; returns the number of frames."""
    from scapy.utils import wrpcap

    frames_out = packets_of(trace)
    try:
        wrpcap(str(path), frames_out, linktype=1)
    except OSError as error:
        raise QueryError(f"cannot write the pcap file {str(path)!r}: {error.strerror}",
                         "give --pcap a path in a directory you can write") from None
    return len(frames_out)
