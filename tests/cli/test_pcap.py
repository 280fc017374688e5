"""`vpcsim trace --pcap FILE`: the conversation's packets as seen at each hop, read back with scapy and tshark.

The DNS exchange comes first, as real DNS query and response frames; then one frame per hop of the request
and of the reply, with the addresses as they are at that hop (after NAT).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import vpcsim
from vpcsim.cli import main
from vpcsim.engine.results import Hop
from vpcsim.render.pcap import mac_of

ROOT = Path(__file__).resolve().parents[2]
NAT = str(ROOT / "topologies" / "nat-per-az.yaml")
ZONES = str(ROOT / "tests" / "semantics" / "topologies" / "R11_8_private_hosted_zones.yaml")
# app-1 -> a name that resolves into S3's public ranges; no gateway endpoint, so via nat-a and the IGW.
S3_VIA_NAT = ["--from", "app-1", "--to", "s3.us-east-1.amazonaws.com", "--port", "443"]


def _read(path: Path) -> list[Any]:
    # rdpcap dissects only with the layers imported: load them first.
    import scapy.layers.dns
    import scapy.layers.inet
    import scapy.layers.l2  # noqa: F401
    from scapy.utils import rdpcap

    return list(rdpcap(str(path)))


def _write(tmp_path: Path, topology: str, argv: list[str], name: str = "trace.pcap") -> Path:
    path = tmp_path / name
    status = main(["trace", topology, *argv, "--pcap", str(path)])
    assert status in (0, 1)
    assert path.is_file() and path.stat().st_size > 0
    return path


def _addresses(frame: Any) -> tuple[str, str, int, int]:
    from scapy.layers.inet import IP, TCP, UDP

    layer = frame[TCP] if frame.haslayer(TCP) else frame[UDP]
    return frame[IP].src, frame[IP].dst, int(layer.sport), int(layer.dport)


def _expected(hop: Hop) -> tuple[str, str, int, int]:
    return hop.packet.source, hop.packet.destination, hop.packet.src_port, hop.packet.dst_port


def test_pcap_has_one_frame_per_hop_with_the_addresses_there(tmp_path: Path) -> None:
    from scapy.layers.inet import TCP
    from scapy.layers.l2 import Ether

    frames = _read(_write(tmp_path, NAT, S3_VIA_NAT))
    trace = vpcsim.load(NAT).trace("app-1", "s3.us-east-1.amazonaws.com", port=443)
    assert trace.dns is not None
    # The reply as S3 put it on the wire, to the Elastic IP — the IGW's hop already shows it mapped back.
    from_s3 = ("3.5.0.10", "203.0.113.31", 443, 1024)
    expected = [*map(_expected, (*trace.dns.query, *trace.dns.response, *trace.forward)), from_s3,
                *map(_expected, trace.reply)]
    receivers = [h.component for h in (*trace.dns.query, *trace.dns.response, *trace.forward)] + ["igw"] + \
        [h.component for h in trace.reply]
    assert [_addresses(f) for f in frames] == expected
    assert [f[Ether].dst for f in frames] == [mac_of(c) for c in receivers]      # each frame goes to its hop
    # Fixed clock, 1 ms per frame.
    assert [round(float(f.time) - float(frames[0].time), 3) for f in frames] == \
        [round(i * 0.001, 3) for i in range(len(frames))]
    data = frames[len(trace.dns.query) + len(trace.dns.response):]
    assert str(data[0][TCP].flags) == "S" and str(data[-1][TCP].flags) == "SA"


def test_pcap_from_the_internet_starts_with_the_packet_to_the_public_ip(tmp_path: Path) -> None:
    frames = _read(_write(tmp_path, NAT, ["--from", "internet:198.51.100.9", "--to", "bastion", "--port", "22"]))
    pairs = list(dict.fromkeys((src, dst) for src, dst, _, _ in map(_addresses, frames)))
    # In through the IGW's 1:1 NAT (public -> private), out again (private -> public).
    assert pairs == [("198.51.100.9", "203.0.113.30"), ("198.51.100.9", "10.20.0.20"),
                     ("10.20.0.20", "198.51.100.9"), ("203.0.113.30", "198.51.100.9")]


def test_pcap_shows_the_nat_translations_hop_by_hop(tmp_path: Path) -> None:
    frames = _read(_write(tmp_path, NAT, S3_VIA_NAT))
    data = [_addresses(f) for f in frames[3:]]          # after the DNS query (2 hops) and response (1 hop)
    sources = list(dict.fromkeys(src for src, dst, _, _ in data if dst == "3.5.0.10"))
    # Private address -> the NAT gateway's private address (R6.4) -> its Elastic IP at the IGW (R5.2) …
    assert sources == ["10.20.10.10", "10.20.0.10", "203.0.113.31"]
    assert list(dict.fromkeys(sport for src, dst, sport, _ in data if dst == "3.5.0.10")) == [49152, 1024]
    # … and back: Elastic IP -> NAT private address -> the instance, with its own port again.
    destinations = list(dict.fromkeys((dst, dport) for src, dst, _, dport in data if src == "3.5.0.10"))
    assert destinations == [("203.0.113.31", 1024), ("10.20.0.10", 1024), ("10.20.10.10", 49152)]


def test_pcap_dns_query_and_response_frames(tmp_path: Path) -> None:
    from scapy.layers.dns import DNS
    from scapy.layers.inet import IP, UDP

    frames = _read(_write(tmp_path, NAT, S3_VIA_NAT))
    queries = [f for f in frames if f.haslayer(DNS) and f[DNS].qr == 0]
    responses = [f for f in frames if f.haslayer(DNS) and f[DNS].qr == 1]
    assert len(queries) == 2 and len(responses) == 1         # eni-app-1, the Resolver; back to eni-app-1
    for query in queries:
        assert (query[IP].src, query[IP].dst, query[UDP].dport) == ("10.20.10.10", "10.20.0.2", 53)
        assert query[DNS].qd[0].qname == b"s3.us-east-1.amazonaws.com."
    response = responses[0]
    assert (response[IP].src, response[IP].dst, response[UDP].sport) == ("10.20.0.2", "10.20.10.10", 53)
    assert response[DNS].rcode == 0 and response[DNS].ancount == 1
    assert response[DNS].an[0].rdata == "3.5.0.10"
    assert frames.index(response) == 2 and not any(f.haslayer(DNS) for f in frames[3:])   # then the data


def test_pcap_cname_chain_and_nxdomain(tmp_path: Path) -> None:
    from scapy.layers.dns import DNS

    chain = _read(_write(tmp_path, ZONES, ["--from", "app-1", "--to", "www.corp.internal"], "chain.pcap"))
    answer = next(f for f in chain if f.haslayer(DNS) and f[DNS].qr == 1)[DNS]
    assert [(rr.rrname, rr.type, rr.rdata) for rr in answer.an] == [
        (b"www.corp.internal.", 5, b"web.corp.internal."),
        (b"web.corp.internal.", 5, b"api.corp.internal."),
        (b"api.corp.internal.", 1, "10.0.2.10"),
    ]
    missing = _read(_write(tmp_path, ZONES, ["--from", "app-1", "--to", "missing.corp.internal"], "nx.pcap"))
    assert all(f.haslayer(DNS) for f in missing)          # nothing resolved: no data packet is sent
    assert [f[DNS].rcode for f in missing if f[DNS].qr == 1] == [3]     # NXDOMAIN
    assert missing[-1][DNS].ancount == 0


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_tshark_reads_the_pcap(tmp_path: Path) -> None:
    path = _write(tmp_path, NAT, S3_VIA_NAT)
    tshark = shutil.which("tshark")
    assert tshark is not None
    result = subprocess.run([tshark, "-r", str(path), "-T", "fields", "-e", "ip.src", "-e", "ip.dst",
                             "-e", "dns.qry.name"], capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[:3] == [["10.20.10.10", "10.20.0.2", "s3.us-east-1.amazonaws.com"],
                        ["10.20.10.10", "10.20.0.2", "s3.us-east-1.amazonaws.com"],
                        ["10.20.0.2", "10.20.10.10", "s3.us-east-1.amazonaws.com"]]
    sources = list(dict.fromkeys(row[0] for row in rows[3:] if row[1] == "3.5.0.10"))
    assert sources == ["10.20.10.10", "10.20.0.10", "203.0.113.31"]
    destinations = list(dict.fromkeys(row[1] for row in rows[3:] if row[0] == "3.5.0.10"))
    assert destinations == ["203.0.113.31", "10.20.0.10", "10.20.10.10"]
    assert all(row[2] == "" for row in rows[3:])             # the data frames carry no DNS
    assert len(rows) == len(_read(path))


def test_pcap_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first = _write(tmp_path, NAT, S3_VIA_NAT, "first.pcap")
    second = _write(tmp_path, NAT, S3_VIA_NAT, "second.pcap")
    assert first.read_bytes() == second.read_bytes()


def test_pcap_to_an_unwritable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["trace", NAT, "--from", "app-1", "--to", "db-1", "--port", "5432",
                   "--pcap", str(tmp_path / "missing-dir" / "x.pcap")])
    assert status == 2
    err = capsys.readouterr().err
    assert "cannot write the pcap file" in err and "Traceback" not in err
