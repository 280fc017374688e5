"""Property tests: the readers of address and CIDR text in ``vpcsim.ip`` (integer arithmetic for plain IPv4)
give exactly the answers of ``ipaddress``, on canonical text, on near misses (leading zeros, octets past 255,
prefix lengths past 32, netmasks, spaces, non-ASCII digits) and on arbitrary text."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vpcsim.ip import (
    Prefix,
    address_text,
    cidr_or_none,
    is_address,
    is_cidr,
    parse_address,
    parse_prefix,
    read_address,
    read_cidr,
)

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


#: Octet and length spellings around every edge: leading zeros, 255/256, signs, spaces, non-ASCII digits.
PIECES = st.one_of(st.integers(0, 300).map(str), st.sampled_from(
    ["0", "00", "01", "001", "010", "255", "256", "999", "1000", "", " 1", "1 ", "+1", "-1", "٣", "0x1", "a"]))
LENGTHS = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["00", "08", "032", "", " 8", "-0", "٣"]))


def expected_cidr(text: str) -> Prefix | None:
    """What a security-group peer or route destination names: a CIDR only when it has a '/'."""
    found = reference_cidr(text) if "/" in text else None
    return found[0] if found is not None else None


def expected_address(text: str) -> tuple[int, int] | None:
    found = reference_address(text)
    return found[:2] if found is not None else None


@st.composite
def dotted(draw: st.DrawFn) -> str:
    return ".".join(draw(st.lists(PIECES, min_size=3, max_size=5)))


@st.composite
def spelled_cidrs(draw: st.DrawFn) -> str:
    return f"{draw(dotted())}/{draw(LENGTHS)}"


@MANY
@given(text=st.one_of(spelled_cidrs(), dotted(), st.text(max_size=20)))
@example("10.0.0.0/8")
@example("10.1.2.3/16")
@example("0.0.0.0/0")
@example("255.255.255.255/32")
@example("10.0.0.0/33")
@example("10.0.0.0/08")
@example("10.0.0.0/255.0.0.0")
@example(" 10.0.0.0/8")
@example("::/0")
@example("2001:db8::/32")
@example("web-sg")
def test_cidr_or_none_agrees_with_ipaddress(text: str) -> None:
    assert cidr_or_none(text) == expected_cidr(text), text
    assert is_cidr(text) == (expected_cidr(text) is not None)
    reference = reference_cidr(text)
    if reference is None:
        with pytest.raises(ValueError):
            parse_prefix(text)
    else:
        assert parse_prefix(text) == reference[0]


@MANY
@given(text=st.one_of(dotted(), st.text(max_size=20)))
@example("10.0.0.1")
@example("0.0.0.0")
@example("255.255.255.255")
@example("256.0.0.1")
@example("010.0.0.1")
@example("2001:db8::1")
def test_parse_address_agrees_with_ipaddress(text: str) -> None:
    assert read_address(text) == expected_address(text), text
    assert is_address(text) == (expected_address(text) is not None)
    if expected_address(text) is None:
        with pytest.raises(ValueError):
            parse_address(text)


@MANY
@given(address=st.integers(0, 2**32 - 1), length=st.integers(0, 32))
def test_every_canonical_ipv4_cidr(address: int, length: int) -> None:
    text = f"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}"
    assert parse_address(text) == (4, address)
    assert cidr_or_none(f"{text}/{length}") == expected_cidr(f"{text}/{length}")
