"""Field types shared by the schema: CIDRs, addresses, protocols, ports — checked and canonicalised."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema


class Model(BaseModel):
    """Base of every schema model: immutable, and unknown keys are errors (a typo must not pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _cidr(version: int | None) -> Any:
    def check(value: str) -> str:
        try:
            net = ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid CIDR block (expected e.g. 10.0.0.0/16)") from None
        if version is not None and net.version != version:
            raise ValueError(f"{value!r} is an IPv{net.version} CIDR; IPv{version} is expected here")
        return str(net)  # R1.2: host bits cleared

    return check


def _address(version: int | None) -> Any:
    def check(value: str) -> str:
        try:
            addr = ipaddress.ip_address(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a valid IP address") from None
        if version is not None and addr.version != version:
            raise ValueError(f"{value!r} is an IPv{addr.version} address; IPv{version} is expected here")
        return str(addr)

    return check


def _as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Cidr = Annotated[str, AfterValidator(_cidr(None)), Field(json_schema_extra={"format": "cidr"})]
Cidr4 = Annotated[str, AfterValidator(_cidr(4)), Field(json_schema_extra={"format": "ipv4-cidr"})]
Cidr6 = Annotated[str, AfterValidator(_cidr(6)), Field(json_schema_extra={"format": "ipv6-cidr"})]
Address = Annotated[str, AfterValidator(_address(None))]
Address4 = Annotated[str, AfterValidator(_address(4))]
Address6 = Annotated[str, AfterValidator(_address(6))]
Name = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=255),
                 WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]})]

PROTOCOL_NUMBERS = {"all": -1, "-1": -1, "icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58, "icmp6": 58}
PROTOCOL_NAMES = {-1: "all", 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}


def _protocol(value: Any) -> str:
    text = str(value).strip().lower()
    if text in PROTOCOL_NUMBERS:
        return PROTOCOL_NAMES[PROTOCOL_NUMBERS[text]]
    if text.isdigit() and 0 <= int(text) <= 255:
        return PROTOCOL_NAMES.get(int(text), text)
    raise ValueError(f"{value!r} is not a protocol: use tcp, udp, icmp, icmpv6, all (-1) or a number 0-255")


Protocol = Annotated[str, BeforeValidator(_as_text), AfterValidator(_protocol),
                     WithJsonSchema({"anyOf": [{"enum": ["tcp", "udp", "icmp", "icmpv6", "all", "-1"]},
                                               {"type": "integer", "minimum": -1, "maximum": 255},
                                               {"type": "string", "pattern": "^[0-9]{1,3}$"}]})]


def protocol_number(protocol: str) -> int:
    return PROTOCOL_NUMBERS.get(protocol, -2) if protocol in PROTOCOL_NUMBERS else int(protocol)


def _ports(value: Any) -> str:
    text = str(value).strip().lower()
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


Ports = Annotated[str, BeforeValidator(_as_text), AfterValidator(_ports),
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 65535},
                                            {"type": "string", "pattern": "^(all|-1|\\*|[0-9]+(-[0-9]+)?)$"}]})]


def port_range(ports: str | None) -> tuple[int, int]:
    if ports is None or ports == "all":
        return 0, 65535
    low, _, high = ports.partition("-")
    return int(low), int(high or low)
