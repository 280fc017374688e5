"""Property tests: the fast readers of address and CIDR text (model/addresses.py) give exactly the answers of
``ipaddress``, on canonical text, on near misses (leading zeros, octets past 255, prefix lengths past 32,
netmasks, spaces) and on arbitrary text."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.ip import Prefix
from vpcsim.model.addresses import address_text, read_address, read_cidr

MANY = settings(max_examples=400, deadline=None)

_OCTET = st.one_of(st.integers(0, 255).map(str), st.integers(0, 255).map(str),
                   st.integers(0, 99).map(lambda n: f"0{n}"), st.integers(256, 999).map(str),
                   st.sampled_from(["", "00", "-1", "+1", "1_0", "٣", " 1", "0x1", "1 "]))
_DOTTED = st.one_of(st.lists(_OCTET, min_size=4, max_size=4), st.lists(_OCTET, min_size=3, max_size=5)).map(".".join)
_V4 = st.integers(0, 2**32 - 1).map(lambda a: str(ipaddress.IPv4Address(a)))
_V6 = st.integers(0, 2**128 - 1).map(lambda a: str(ipaddress.IPv6Address(a)))
_V6_LONG = st.integers(0, 2**128 - 1).map(lambda a: ipaddress.IPv6Address(a).exploded)
_ADDRESS = st.one_of(_V4, _DOTTED, _DOTTED, _V6, _V6_LONG,
                     st.text(alphabet="0123456789abcdefABCDEF.:/% x", max_size=24))
_LENGTH = st.one_of(st.integers(0, 32).map(str), st.integers(0, 140).map(str),
                    st.integers(0, 40).map(lambda n: f"0{n}"),
                    st.sampled_from(["", "x", "-1", "+8", "255.255.0.0", "0.0.255.255", "255.0.255.0"]))
_SPACE = st.one_of(st.just(""), st.sampled_from(["", " ", "\t", "\n"]))


@st.composite
def cidr_texts(draw: st.DrawFn) -> str:
    text = f"{draw(_ADDRESS)}/{draw(_LENGTH)}" if draw(st.integers(0, 9)) else draw(_ADDRESS)
    return f"{draw(_SPACE)}{text}{draw(_SPACE)}"


@st.composite
def address_texts(draw: st.DrawFn) -> str:
    return f"{draw(_SPACE)}{draw(_ADDRESS)}{draw(_SPACE)}"


def reference_address(text: str) -> tuple[int, int, str] | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, int(address), str(address)


def reference_cidr(text: str) -> tuple[Prefix, str] | None:
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return Prefix(network.version, int(network.network_address), network.prefixlen), str(network)


@MANY
@given(address_texts())
def test_addresses_read_as_ipaddress_reads_them(text: str) -> None:
    expected = reference_address(text)
    assert read_address(text) == (expected[:2] if expected else None)
    assert address_text(text) == ((expected[0], expected[2]) if expected else None)


@MANY
@given(cidr_texts())
def test_cidrs_read_as_ipaddress_reads_them(text: str) -> None:
    expected = reference_cidr(text)
    assert read_cidr(text) == expected
    assert read_cidr(text) == expected        # and again, from the memo


@MANY
@given(st.integers(0, 2**32 - 1), st.integers(0, 40))
def test_ipv4_cidrs_with_or_without_host_bits(address: int, length: int) -> None:
    text = f"{ipaddress.IPv4Address(address)}/{length}"
    assert read_cidr(text) == reference_cidr(text)
