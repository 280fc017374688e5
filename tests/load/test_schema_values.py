"""How the schema reads single values: names, protocols and ports written as numbers, CIDRs and addresses
in their many spellings. Pinned because these fields are read natively by pydantic or by fast paths
(model/common.py, model/addresses.py), and each must keep answering as the straightforward reading did.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsim.errors import TopologyError
from vpcsim.load import load_topology
from vpcsim.model import Topology

RULES = """\
region: us-east-1
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      app-a: {cidr: 10.0.1.0/24, az: us-east-1a}
    security_groups:
      web:
        ingress:
"""


def load(tmp_path: Path, text: str) -> Topology:
    path = tmp_path / "topology.yaml"
    path.write_text(text)
    return load_topology(path).topology


def problem(tmp_path: Path, text: str) -> str:
    """The one diagnostic, as printed, with the file name left out."""
    with pytest.raises(TopologyError) as raised:
        load(tmp_path, text)
    assert len(raised.value.diagnostics) == 1, raised.value.render()
    return str(raised.value.diagnostics[0]).split(":", 1)[1]


def rule(text: str) -> str:
    """The topology above with one ingress rule, written on line 10 from column 9."""
    return f"{RULES}        - {text}\n"


def test_numbers_are_read_as_names_protocols_and_ports(tmp_path: Path) -> None:
    topo = load(tmp_path, rule("{protocol: 17, ports: 53, source: 10.0.0.0/8}") +
                "    instances:\n      7: {subnet: app-a, private_ip: 10.0.1.10, security_groups: [web]}\n")
    vpc = topo.vpcs["prod"]
    assert list(vpc.instances) == ["7"]
    only = vpc.security_groups["web"].ingress[0]
    assert (only.protocol, only.ports, only.source) == ("udp", "53", "10.0.0.0/8")


@pytest.mark.parametrize(("written", "protocol", "ports"), [
    ("{protocol: ' TCP ', ports: 443, source: 10.0.0.0/8}", "tcp", "443"),
    ("{protocol: -1, source: 10.0.0.0/8}", "all", None),
    ("{protocol: '47', source: 10.0.0.0/8}", "47", None),
    ("{protocol: tcp, ports: '*', source: 10.0.0.0/8}", "tcp", "all"),
    ("{protocol: tcp, ports: 80-80, source: 10.0.0.0/8}", "tcp", "80"),
])
def test_protocols_and_ports_are_canonical(tmp_path: Path, written: str, protocol: str, ports: str | None) -> None:
    only = load(tmp_path, rule(written)).vpcs["prod"].security_groups["web"].ingress[0]
    assert (only.protocol, only.ports) == (protocol, ports)


@pytest.mark.parametrize(("written", "diagnostic"), [
    ("{protocol: tcp, ports: 443, source: true}",
     "10:47: error: 'source' must be text, not true\n  hint: put the value in quotes"),
    ("{protocol: tcp, ports: 443, source: ''}",
     "10:47: error: 'source' must not be empty\n  hint: give it a name"),
    ("{protocol: tcp, ports: 443, source: " + "x" * 256 + "}",
     "10:47: error: 'source' is too long (256 characters)\n  hint: names have at most 255 characters"),
    ("{protocol: all, source: 1.5}",
     "10:35: error: '1.5' is not a valid CIDR block\n  hint: write an address such as 10.0.1.10 or 2600:1f18::10"),
    ("{protocol: true, source: 10.0.0.0/8}",
     "10:22: error: 'protocol' must be text, not true\n  hint: put the value in quotes"),
    ("{protocol: 300, source: 10.0.0.0/8}",
     "10:22: error: '300' is not a protocol\n  hint: use tcp, udp, icmp, icmpv6, all (-1) or a number 0-255"),
    ("{protocol: tcp, ports: false, source: 10.0.0.0/8}",
     "10:34: error: 'ports' must be text, not false\n  hint: put the value in quotes"),
    ("{protocol: tcp, ports: 44.5, source: 10.0.0.0/8}",
     "10:34: error: '44.5' is not a port or range\n  hint: expected 443, 1024-65535 or all"),
])
def test_wrong_names_protocols_and_ports(tmp_path: Path, written: str, diagnostic: str) -> None:
    assert problem(tmp_path, rule(written)) == diagnostic


@pytest.mark.parametrize(("written", "canonical"), [
    ("10.0.7.9/16", "10.0.0.0/16"),           # R1.2: host bits cleared
    ("10.0.0.0/255.255.0.0", "10.0.0.0/16"),  # a netmask
    ("10.0.0.0/016", "10.0.0.0/16"),          # a prefix length with a leading zero
    ("' 10.0.0.0/16 '", "10.0.0.0/16"),       # spaces around it
])
def test_cidr_spellings_are_canonical(tmp_path: Path, written: str, canonical: str) -> None:
    assert load(tmp_path, f"vpcs:\n  prod:\n    cidr: {written}\n").vpcs["prod"].cidr == canonical


def test_ipv6_spellings_are_canonical(tmp_path: Path) -> None:
    vpc = load(tmp_path, "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    ipv6_cidrs: ['2600:1F18:0000::/56']\n"
               "    subnets:\n      a: {cidr: 10.0.1.0/24, ipv6_cidr: '2600:1f18:0:0:0:0:0:0/64'}\n"
               "    instances:\n      i: {subnet: a, private_ip: 10.0.1.10, ipv6_addresses: ['2600:1F18::0010']}\n"
               ).vpcs["prod"]
    assert vpc.ipv6_cidrs == ("2600:1f18::/56",)
    assert vpc.subnets["a"].ipv6_cidr == "2600:1f18::/64"
    assert vpc.instances["i"].ipv6_addresses == ("2600:1f18::10",)


@pytest.mark.parametrize(("cidr", "diagnostic"), [
    ("010.0.0.0/16", "'010.0.0.0/16' is not a valid CIDR block\n"
                     "  hint: each of the four numbers of an IPv4 address is 0 to 255"),
    ("10.0.0.0/33", "'10.0.0.0/33' is not a valid CIDR block\n  hint: an IPv4 prefix length is at most /32"),
    ("'2600:1f18::/56'", "'2600:1f18::/56' is an IPv6 CIDR, but IPv4 is expected here\n"
                         "  hint: IPv6 goes in 'ipv6_cidrs'"),
])
def test_wrong_cidrs(tmp_path: Path, cidr: str, diagnostic: str) -> None:
    assert problem(tmp_path, f"vpcs:\n  prod:\n    cidr: {cidr}\n") == f"3:11: error: {diagnostic}"


@pytest.mark.parametrize(("address", "diagnostic"), [
    ("10.0.1.010", "'10.0.1.010' is not a valid IP address\n"
                   "  hint: each of the four numbers of an IPv4 address is 0 to 255"),
    ("10.0.1.256", "'10.0.1.256' is not a valid IP address\n"
                   "  hint: each of the four numbers of an IPv4 address is 0 to 255"),
    ("10.0.1.10/32", "'10.0.1.10/32' is not a valid IP address\n"
                     "  hint: write a single address such as 10.0.1.10 (no prefix length)"),
    ("'2600::1'", "'2600::1' is an IPv6 address, but IPv4 is expected here\n  hint: IPv6 goes in 'ipv6_addresses'"),
])
def test_wrong_addresses(tmp_path: Path, address: str, diagnostic: str) -> None:
    text = ("vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: {cidr: 10.0.1.0/24}\n"
            f"    instances:\n      i: {{subnet: a, private_ip: {address}}}\n")
    assert problem(tmp_path, text) == f"7:34: error: {diagnostic}"


INSTANCE = """\
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      app-a: {cidr: 10.0.1.0/24, map_public_ip: true}
    instances:
"""


@pytest.mark.parametrize(("written", "expected"), [
    ("{subnet: app-a, public_ip: nothing}", "7:39: error: 'nothing' is neither an IPv4 address nor 'none'"),
    ("{subnet: app-a, public_ip: 2001:db8::1}", "7:39: error: '2001:db8::1' is neither an IPv4 address nor 'none'"),
    ("{subnet: app-a, metadata: {http_endpoint: off}}",
     "7:54: error: 'http_endpoint' must be 'enabled' or 'disabled', not false\n"
     "  hint: write one of these values exactly"),
])
def test_public_ip_and_metadata_options_say_what_they_accept(tmp_path: Path, written: str, expected: str) -> None:
    assert problem(tmp_path, f"{INSTANCE}      i-1: {written}\n") == expected


def test_public_ip_none_reads_as_no_public_address(tmp_path: Path) -> None:
    topology = load(tmp_path, f"{INSTANCE}      i-1: {{subnet: app-a, public_ip: none}}\n")
    instance = topology.vpcs["prod"].instances["i-1"]
    assert (instance.public_ip, instance.public_address) == ("none", None)
