"""Pydantic's errors in the words of someone writing a topology, each at the position of the value at fault.

The schema reports a location (``loc``) and an error type; this module finds where that value was written,
says what is wrong the way the topology's author thinks of it ("'cidr' must be a CIDR block like 10.0.0.0/16,
not the number 10"), and offers the way out: the key that was meant, the keys allowed, the range of a number.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from vpcsim.errors import Diagnostic, SourcePos
from vpcsim.load.hints import CIDR_EXAMPLE, address_hint, cidr_hint, is_network
from vpcsim.load.positions import Path, Positions
from vpcsim.model import Topology
from vpcsim.protocols import RULE_PROTOCOLS
from vpcsim.suggestions import did_you_mean


def diagnostics_of(error: ValidationError, data: Any, positions: Positions) -> list[Diagnostic]:
    """Each of pydantic's errors about ``data`` as a positioned diagnostic, once per position and message."""
    items = error.errors(include_url=False)
    # An unknown key that is a misspelling of a missing required key is one problem, not two.
    suggested: set[tuple[Any, ...]] = set()
    for item in items:
        if item["type"] == "extra_forbidden":
            loc = tuple(item["loc"])
            close = _closest(str(loc[-1]), _allowed_keys(loc[:-1]))
            if close is not None:
                suggested.add((*loc[:-1], close))
    seen: set[tuple[SourcePos, str]] = set()
    result: list[Diagnostic] = []
    for item in items:
        loc = tuple(item["loc"])
        path = positions.closest_path(loc)
        kind = item["type"]
        hint: str | None = None
        if kind == "extra_forbidden":
            key = str(loc[-1])
            at_key = bool(path) and path[-1] == key
            pos = positions.of_key((*path[:-1], key)) if at_key else positions.of_value(path)
            allowed = _allowed_keys(loc[:-1])
            message = f"unknown key {key!r}"
            hint = _suggest(key, tuple(allowed)) or (f"allowed keys: {', '.join(allowed)}" if allowed else None)
            close = _closest(key, allowed)
            if close is not None and _is_required(loc[:-1], close) and (*loc[:-1], close) in suggested:
                hint = f"did you mean {close!r}? ({close!r} is required here)"
        elif kind == "missing":
            if loc in suggested:
                continue
            pos = positions.of_key(path)
            message = f"{_owner(loc[:-1], path)} is missing the required key {str(loc[-1])!r}"
            hint = f"add '{loc[-1]}:' to it"
        else:
            pos = positions.of_value(path)
            message, hint = _message(item, loc)
            value = _value_at(data, path)
            if value is None:
                pos = positions.of_key(path)      # an empty value has no text of its own: point at its key
            elif kind in ("value_error", "assertion_error") and isinstance(value, dict):
                pos = positions.of_key(path)      # a whole resource is wrong: point at its name
        if (pos, message) in seen:
            continue
        seen.add((pos, message))
        result.append(Diagnostic(pos, message, hint))
    return result


def _value_at(data: Any, path: Path) -> Any:
    """The plain value at ``path``; ``_ABSENT`` when there is none (``None`` is YAML's empty value)."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return data


_ABSENT = object()


def _closest(name: str, names: list[str]) -> str | None:
    """The name ``did_you_mean`` would suggest, or None (it stays the one place that picks names)."""
    match = re.fullmatch(r"did you mean (['\"])(.*)\1\?", _suggest(name, tuple(names)) or "")
    return match[2] if match else None


@lru_cache(maxsize=4096)
def _suggest(name: str, names: tuple[str, ...]) -> str | None:
    """``did_you_mean``, once per name and choice: a typo repeated in 20,000 rules is looked up once (difflib
    took 8 s for them at M)."""
    return did_you_mean(name, list(names))


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(loc)
    return sorted(model.model_fields) if model is not None else []


def _is_required(loc: tuple[Any, ...], key: str) -> bool:
    model = _model_at(loc)
    return model is not None and key in model.model_fields and model.model_fields[key].is_required()


_ACRONYMS = {"vpc": "VPC", "nat": "NAT", "vpn": "VPN", "dns": "DNS", "acl": "ACL", "bgp": "BGP"}


def _owner(loc: tuple[Any, ...], path: Path) -> str:
    """How to name the mapping a key is missing from: "VPC 'prod'", "network ACL rule #2", "the topology"."""
    model = _model_at(loc)
    if model is None or not loc:
        return "the topology"
    words = re.findall(r"[A-Z][a-z]*", model.__name__)
    thing = " ".join(_ACRONYMS.get(w.lower(), w.lower()) for w in words)
    last = path[-1] if path else None
    if isinstance(last, int):
        return f"{thing} #{last + 1}"
    if isinstance(last, str) and last in loc:
        return f"{thing} {last!r}"
    return thing


def describe(value: Any) -> str:
    """A value as a message names it: "empty", "a mapping", "the number 3", "'abc'"."""
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


def _message(item: Any, loc: tuple[Any, ...]) -> tuple[str, str | None]:
    """Pydantic's error in the words of someone writing a topology, and a hint when one helps."""
    kind = item["type"]
    msg = str(item["msg"])
    value = item.get("input")
    where = _field_name(loc)
    field_kind = _field_kind(loc)
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return _split_remedy(msg[len(prefix):], value, field_kind, loc)
    mapping = kind in ("dict_type", "model_type", "model_attributes_type")
    if value is None and (mapping or kind in ("list_type", "tuple_type")):
        empty = "{}" if mapping else "[]"
        if loc and isinstance(loc[-1], int):
            return f"{where} is empty", "give the item a value, or remove its '-' line"
        return f"{where} is empty", f"give it a value (or {empty} for none), or remove the key"
    if mapping:
        return (f"{where} must be a mapping of keys, not {describe(value)}",
                "write its entries as indented 'key: value' lines below it, or as {key: value, …}")
    if kind in ("list_type", "tuple_type"):
        return f"{where} must be a list, not {describe(value)}", "write one '- item' per line, or [a, b, …]"
    if kind == "string_type":
        if field_kind == "cidr":
            return f"{where} must be a CIDR block like 10.0.0.0/16, not {describe(value)}", CIDR_EXAMPLE
        if field_kind == "address":
            return f"{where} must be an IP address like 10.0.1.10, not {describe(value)}", None
        if isinstance(value, dict | list):
            return f"{where} must be a single value, not {describe(value)}", "give one name or value here"
        return f"{where} must be text, not {describe(value)}", "put the value in quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        hint = _range_hint(loc) or "write digits only"
        return f"{where} must be a whole number, not {describe(value)}", hint
    if kind in ("bool_type", "bool_parsing"):
        return f"{where} must be true or false, not {describe(value)}", "write true or false"
    if kind == "literal_error":
        expected = str(item.get("ctx", {}).get("expected", ""))
        close = _closest(str(value), re.findall(r"'([^']*)'", expected)) if isinstance(value, str) else None
        hint = f"did you mean {close!r}?" if close is not None else "write one of these values exactly"
        return f"{where} must be {expected}, not {describe(value)}", hint
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        ctx = item.get("ctx", {})
        bound = {"greater_than_equal": f"at least {ctx.get('ge')}",
                 "greater_than": f"more than {ctx.get('gt')}",
                 "less_than_equal": f"at most {ctx.get('le')}",
                 "less_than": f"less than {ctx.get('lt')}"}[kind]
        return f"{where} must be {bound}, not {describe(value)}", _range_hint(loc)
    if kind in ("too_short", "string_too_short") and isinstance(value, str):
        return f"{where} must not be empty", "give it a name"
    if kind in ("too_long", "string_too_long") and isinstance(value, str):
        return f"{where} is too long ({len(value)} characters)", "names have at most 255 characters"
    return (f"{where}: {msg[:1].lower()}{msg[1:]} (got {describe(value)})",
            "run 'vpcsim schema' to see what is allowed")


# Remedies the schema's messages leave implicit, keyed by how the message starts.
_MODEL_HINTS = (
    ("a CNAME record has exactly one value", "list one name in 'values'"),
    ("a Gateway Load Balancer endpoint lives in exactly one subnet", "list one subnet in 'subnets'"),
    ("a NACL rule needs exactly one CIDR", "ingress rules take 'source', egress rules take 'destination'"),
    ("a TGW route has either", "give 'attachment: <name>' or 'blackhole: true', not both"),
    ("a VPC attachment needs 'subnets'", "list one subnet per Availability Zone the attachment serves"),
    ("a rule needs a peer", "ingress rules take 'source', egress rules take 'destination'"),
    ("an ALIAS record needs a 'target'", "add 'target: <endpoint or instance name>'"),
    ("an ENI has either", "keep one of them"),
    ("an instance has either", "keep one of them"),
    ("an attachment names exactly one of", "keep exactly one of these keys"),
    ("security groups apply only to interface endpoints", "remove 'security_groups'"),
    ("port range", "ports go from 0 to 65535, e.g. 443 or 1024-65535"),
    ("a tcp rule needs 'ports'", "add 'ports:' with a port (443), a range (1024-65535) or all"),
    ("a udp rule needs 'ports'", "add 'ports:' with a port (53), a range (1024-65535) or all"),
    ("a tcp NACL rule needs 'ports'", "add 'ports:' with a port (443), a range (1024-65535) or all"),
    ("a udp NACL rule needs 'ports'", "add 'ports:' with a port (53), a range (1024-65535) or all"),
)


# Schema messages that read better said another way: (how the message starts, message, hint).
_MODEL_REWRITES = (
    ("a rule has one peer", "a security group rule has both a 'source' and a 'destination'",
     "ingress rules take 'source', egress rules take 'destination': keep one"),
)

def _split_remedy(text: str, value: Any, field_kind: str | None,
                  loc: tuple[Any, ...] = ()) -> tuple[str, str | None]:
    """Our schema's messages often end with the way out ("…; remove 'elastic_ip'"): make that the hint."""
    for prefix, message, hint in _MODEL_REWRITES:
        if text.startswith(prefix):
            return message, hint
    if text.endswith("is not a protocol: use tcp, udp, icmp, icmpv6, all (-1) or a number 0-255"):
        close = _closest(str(value).lower(), list(RULE_PROTOCOLS))
        if close is not None:
            return (text.partition(": use")[0],
                    f"did you mean {close!r}? (protocols: tcp, udp, icmp, icmpv6, all or 0-255)")
    message, remedy = text, None
    match = re.fullmatch(r"(?P<msg>.*?)(?:; (?P<semi>.+)|: (?P<colon>(?:use|give|remove|set|add) .+)"
                         r"| \((?P<paren>(?:expected|e\.g\.) [^)]*)\))", text)
    if match is not None:
        message = match["msg"]
        remedy = match["semi"] or match["colon"] or match["paren"]
        if remedy.startswith("or "):
            remedy = "add it, " + remedy
    remedy = next((h for prefix, h in _MODEL_HINTS if message.startswith(prefix)), remedy)
    if field_kind == "cidr" and not is_network(value):
        remedy = cidr_hint(value)
    elif remedy in ("IPv4 is expected here", "IPv6 is expected here"):    # the other address family
        message = f"{message}, but {remedy}"
        home = next((k for k in ("ipv6_cidrs", "ipv6_cidr", "ipv6_addresses") if k in _allowed_keys(loc[:-1])),
                    None)
        example = {("cidr", "4"): "10.0.0.0/16", ("cidr", "6"): "2600:1f18:1234:5600::/56",
                   ("address", "4"): "10.0.1.10"}.get((field_kind or "", remedy[3]), "2600:1f18::10")
        remedy = f"IPv6 goes in '{home}'" if home and remedy.startswith("IPv4") else \
            f"write an IPv{remedy[3]} value here, e.g. {example}"
    elif field_kind == "address":
        remedy = address_hint(value) or remedy
    return message, remedy


def _field_name(loc: tuple[Any, ...]) -> str:
    """How a message names the value at ``loc``: "'cidr'", "item #2 of 'routes'"."""
    names = [p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "tagged-", "["))]
    if not names:
        return "the value"
    if isinstance(names[-1], int) and len(names) > 1:
        return f"item #{names[-1] + 1} of '{names[-2]}'"
    return f"'{names[-1]}'"


def _field_info(loc: tuple[Any, ...]) -> Any:
    """The pydantic FieldInfo of the last named key of ``loc`` (list indexes skipped), if there is one."""
    names = [i for i, p in enumerate(loc) if isinstance(p, str)]
    if not names:
        return None
    last = names[-1]
    model = _model_at(loc[:last])
    return model.model_fields.get(str(loc[last])) if model is not None else None


def _field_kind(loc: tuple[Any, ...]) -> str | None:
    """'cidr' or 'address' when the field at ``loc`` holds one (or a list of them), else None.

    Told by the validator the schema's ``Cidr``/``Address`` types carry (``model/common.py``)."""
    field = _field_info(loc)
    if field is None:
        return None
    for item in [*field.metadata, *_annotated_metadata(field.annotation)]:
        name = getattr(getattr(item, "func", None), "__qualname__", "")
        if name.startswith("_cidr."):
            return "cidr"
        if name.startswith("_address."):
            return "address"
    return None


def _annotated_metadata(annotation: Any) -> list[Any]:
    """Every ``Annotated[...]`` extra inside ``annotation`` (through Optional, tuple[...], dict[...])."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in typing.get_args(annotation):
        found += _annotated_metadata(arg)
    return found


def _range_hint(loc: tuple[Any, ...]) -> str | None:
    field = _field_info(loc)
    if field is None:
        return None
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    if low is not None and high is not None:
        return f"use a number from {low} to {high}"
    return None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk the schema along ``loc`` to find which model a key was given to (for 'allowed keys' hints)."""
    state: Any = Topology
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(state, _DictOf):
            state = state.model
            continue
        if isinstance(state, type) and issubclass(state, BaseModel):
            state = _step(state, str(part))
    return state if isinstance(state, type) and issubclass(state, BaseModel) else None


@lru_cache(maxsize=1024)
def _step(model: type[BaseModel], key: str) -> Any:
    """Where ``key`` of ``model`` leads in the schema (``_model_at``'s step, worked out once per model and key)."""
    field = model.model_fields.get(key)
    return _inner_model(field.annotation) if field is not None else model


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(typing.get_args(annotation)):
        found = _inner_model(arg)
        if found is not None:
            return _DictOf(found) if typing.get_origin(annotation) is dict else found
    return None


class _DictOf:
    """Marks a ``dict[name, Model]`` step: the next loc part is a user-chosen name."""

    def __init__(self, model: Any) -> None:
        self.model = model
