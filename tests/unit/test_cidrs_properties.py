"""Property tests: the fast IPv4 parsing of compile/cidrs.py gives the same answer as ``vpcsim.ip`` (ipaddress)
for every text, plain dotted quads and the spellings that must fall back alike."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vpcsim.compile.cidrs import address_of, cidr_or_none
from vpcsim.ip import Prefix, is_cidr, parse_address, parse_prefix

FAST = settings(max_examples=400, deadline=None)

#: Octet and length spellings around every edge: leading zeros, 255/256, signs, spaces, non-ASCII digits.
PIECES = st.one_of(st.integers(0, 300).map(str), st.sampled_from(
    ["0", "00", "01", "001", "010", "255", "256", "999", "1000", "", " 1", "1 ", "+1", "-1", "٣", "0x1", "a"]))
LENGTHS = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["00", "08", "032", "", " 8", "-0", "٣"]))


def expected_cidr(text: str) -> Prefix | None:
    return parse_prefix(text) if is_cidr(text) else None


def expected_address(text: str) -> tuple[int, int] | None:
    try:
        return parse_address(text)
    except ValueError:
        return None


def parsed_address(text: str) -> tuple[int, int] | None:
    try:
        return address_of(text)
    except ValueError:
        return None


@st.composite
def dotted(draw: st.DrawFn) -> str:
    return ".".join(draw(st.lists(PIECES, min_size=3, max_size=5)))


@st.composite
def cidr_texts(draw: st.DrawFn) -> str:
    return f"{draw(dotted())}/{draw(LENGTHS)}"


@FAST
@given(text=st.one_of(cidr_texts(), dotted(), st.text(max_size=20)))
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


@FAST
@given(text=st.one_of(dotted(), st.text(max_size=20)))
@example("10.0.0.1")
@example("0.0.0.0")
@example("255.255.255.255")
@example("256.0.0.1")
@example("010.0.0.1")
@example("2001:db8::1")
def test_address_of_agrees_with_ipaddress(text: str) -> None:
    assert parsed_address(text) == expected_address(text), text


@FAST
@given(address=st.integers(0, 2**32 - 1), length=st.integers(0, 32))
def test_every_canonical_ipv4_cidr(address: int, length: int) -> None:
    text = f"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}"
    assert address_of(text) == (4, address)
    assert cidr_or_none(f"{text}/{length}") == parse_prefix(f"{text}/{length}")
