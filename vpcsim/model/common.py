"""Field types shared by the schema: CIDRs, addresses, protocols, ports — checked and canonicalised."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from vpcsim.ip import address_text, read_cidr
from vpcsim.protocols import protocol_number as number_of
from vpcsim.protocols import protocol_word


class Model(BaseModel):
    """Base of every schema model: immutable, and unknown keys are errors (a typo must not pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def no_entries(description: str | None = None) -> Any:
    """The default of a mapping field: empty. Pydantic deep-copies an unhashable default (``= {}``) for every
    model that omits the key (9,500 instances at M, ~1 µs each); calling ``dict`` is thirty times cheaper.
    The JSON schema still shows ``"default": {}``."""
    return Field(default_factory=dict, description=description, json_schema_extra={"default": {}})


def _cidr(version: int | None) -> Any:
    def check(value: str) -> str:
        found = read_cidr(value)
        if found is None:
            raise ValueError(f"{value!r} is not a valid CIDR block (expected e.g. 10.0.0.0/16)")
        prefix, text = found
        if version is not None and prefix.family != version:
            raise ValueError(f"{value!r} is an IPv{prefix.family} CIDR; IPv{version} is expected here")
        return text  # R1.2: host bits cleared

    return check


def _address(version: int | None) -> Any:
    def check(value: str) -> str:
        found = address_text(value)
        if found is None:
            raise ValueError(f"{value!r} is not a valid IP address")
        family, text = found
        if version is not None and family != version:
            raise ValueError(f"{value!r} is an IPv{family} address; IPv{version} is expected here")
        return text

    return check


Cidr = Annotated[str, AfterValidator(_cidr(None)), Field(json_schema_extra={"format": "cidr"})]
Cidr4 = Annotated[str, AfterValidator(_cidr(4)), Field(json_schema_extra={"format": "ipv4-cidr"})]
Cidr6 = Annotated[str, AfterValidator(_cidr(6)), Field(json_schema_extra={"format": "ipv6-cidr"})]
Address = Annotated[str, AfterValidator(_address(None))]
Address4 = Annotated[str, AfterValidator(_address(4))]
Address6 = Annotated[str, AfterValidator(_address(6))]
# Numbers are read as text where a name, protocol or port is expected (``name: 42``, ``ports: 443``): pydantic
# does it natively (``coerce_numbers_to_str``; booleans stay errors), so a name calls no Python at all.
Name = Annotated[str, Field(min_length=1, max_length=255, coerce_numbers_to_str=True),
                 WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]})]

_MEMO_LIMIT = 4096
_PROTOCOLS_READ: dict[str, str] = {}
_PORTS_READ: dict[str, str] = {}


def _remember(memo: dict[str, str], text: str, canonical: str) -> str:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[text] = canonical
    return canonical




def _protocol(value: str) -> str:
    """The protocol's canonical word; few distinct values are ever written, so each is read once."""
    found = _PROTOCOLS_READ.get(value)
    if found is None:
        found = _remember(_PROTOCOLS_READ, value, _read_protocol(value))
    return found


def _read_protocol(value: str) -> str:
    try:
        return protocol_word(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a protocol: use tcp, udp, icmp, icmpv6, all (-1) or a number 0-255"
                         ) from None


Protocol = Annotated[str, Field(coerce_numbers_to_str=True), AfterValidator(_protocol),
                     WithJsonSchema({"anyOf": [{"enum": ["tcp", "udp", "icmp", "icmpv6", "all", "-1"]},
                                               {"type": "integer", "minimum": -1, "maximum": 255},
                                               {"type": "string", "pattern": "^[0-9]{1,3}$"}]})]


def protocol_number(protocol: str) -> int:
    """The number of a protocol the schema has read (``tcp`` -> 6, ``all`` -> -1)."""
    return number_of(protocol)


def _ports(value: str) -> str:
    """A port or range as ``443`` / ``1024-65535`` / ``all``; read once per distinct text, like protocols."""
    found = _PORTS_READ.get(value)
    if found is None:
        found = _remember(_PORTS_READ, value, _read_ports(value))
    return found


def _read_ports(value: str) -> str:
    text = value.strip().lower()
    if text in ("all", "-1", "*"):
        return "all"
    low, sep, high = text.partition("-")
    try:
        first, last = int(low), int(high) if sep else int(low)
    except ValueError:
        raise ValueError(f"{value!r} is not a port or range (expected 443, 1024-65535 or all)") from None
    if not (0 <= first <= last <= 65535):
        raise ValueError(f"port range {value!r} must lie within 0-65535, low to high")
    return str(first) if first == last else f"{first}-{last}"


Ports = Annotated[str, Field(coerce_numbers_to_str=True), AfterValidator(_ports),
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 65535},
                                            {"type": "string", "pattern": "^(all|-1|\\*|[0-9]+(-[0-9]+)?)$"}]})]


def port_range(ports: str | None) -> tuple[int, int]:
    if ports is None or ports == "all":
        return 0, 65535
    low, _, high = ports.partition("-")
    return int(low), int(high or low)
