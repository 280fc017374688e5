"""Intents files: what a network is meant to allow and forbid, checked by ``vpcsim check`` (DESIGN §5).

    intents:
      - name: database never from the internet
        from: internet
        to: db-1
        expect: unreachable          # any protocol and port unless given

The schema is pydantic (published as ``vpcsim/data/intents.schema.json``); the file is read by
``load/yaml.py``, so every problem — schema or reference — is reported at its ``file:line:col``. Loading
resolves the names against the network: ``from``/``to`` take what ``vpcsim trace`` takes, or a group whose
members are each checked (``subnet:NAME``, ``sg:NAME``, ``vpc:NAME``, ``tag:Key=Value``); ``via`` and
``not_via`` name components of the path (an instance stands for its interfaces, a NAT gateway or endpoint for
itself and its interfaces, a transit gateway for its route tables and attachment interfaces, a subnet or VPC
for the interfaces in it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from vpcsim.analysis.flows import protocol_number
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.results import ComponentKind, Hop
from vpcsim.errors import Diagnostic, IntentsError, QueryError, SourcePos, TopologyError
from vpcsim.load.positions import Positions
from vpcsim.load.yaml import read_yaml
from vpcsim.model.common import Model, Name, Ports, Protocol, port_range
from vpcsim.protocols import PORTED
from vpcsim.suggestions import did_you_mean

SCHEMA_ID = "https://vpcsim.dev/schema/intents.schema.json"
GROUP_KINDS = ("subnet", "sg", "vpc", "tag")


class IntentModel(Model):
    """One expectation about the network, as written in the file."""

    name: str = Field(min_length=1, description="what the intent protects, in a few words (the test's name)")
    description: str | None = None
    from_: Name = Field(alias="from", description="instance, ENI, IP, internet[:IP], site, or a group: "
                        "subnet:NAME, sg:NAME, vpc:NAME, tag:Key=Value")
    to: Name = Field(description="as 'from'; also a DNS name or an AWS service")
    protocol: Protocol | None = Field(default=None, description="tcp, udp, icmp, icmpv6, all or a number; "
                                      "left out: any (tcp when a port is given)")
    port: Ports | None = Field(default=None, description="a port (443) or range (1024-65535); left out: any")
    expect: Literal["reachable", "unreachable"]
    for_: Literal["all", "any"] = Field(default="all", alias="for", description="when 'from' or 'to' is a set of "
                                        "addresses (internet, a site, a CIDR): the expectation must hold for "
                                        "all of its addresses (default) or for any one of them")
    via: tuple[Name, ...] = Field(default=(), description="components the request must pass, in any order")
    not_via: tuple[Name, ...] = Field(default=(), description="components neither the request nor the reply "
                                      "may pass")

    @model_validator(mode="after")
    def _consistent(self) -> IntentModel:
        if self.expect == "unreachable" and (self.via or self.not_via):
            raise ValueError("'via' and 'not_via' describe a path, so they need expect: reachable")
        if self.port is not None and self.protocol not in (None, "tcp", "udp"):
            why = ": an ICMP message has a type and a code, not ports" if self.protocol in ("icmp", "icmpv6") else ""
            raise ValueError(f"a port needs protocol tcp or udp, not {self.protocol}{why}")
        return self


class IntentsFile(Model):
    """A list of intents about one topology."""

    description: str | None = None
    topology: str | None = Field(default=None, description="the topology file these intents describe "
                                 "(informational)")
    intents: tuple[IntentModel, ...] = Field(min_length=1)


def intents_schema() -> dict[str, Any]:
    schema = IntentsFile.model_json_schema(mode="validation", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "vpcsim intents"
    return schema


# -- resolved intents ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Via:
    """A ``via``/``not_via`` name and the component names (as hops show them) that stand for it. A VPN or
    Direct Connect connection is not a hop of its own: it matches the gateway hop whose route sends the packet
    over it, and the hop where the packet reaches (or comes from) on-premises over it."""

    name: str
    components: frozenset[str]
    connection: bool = False

    def matches(self, hop: Hop) -> bool:
        if hop.component in self.components:
            return True
        if not self.connection or hop.kind not in _CONNECTION_HOPS:
            return False
        pattern = re.compile(rf"(?<![\w-]){re.escape(self.name)}(?![\w-])")
        return any(pattern.search(text) for text in (hop.rule or "", hop.message or ""))


_CONNECTION_HOPS = (ComponentKind.VPN_GATEWAY, ComponentKind.EXTERNAL_SITE, ComponentKind.TRANSIT_GATEWAY,
                    ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE)


_NOWHERE = SourcePos("<intents>", 1, 1)


@dataclass(frozen=True, slots=True)
class Intent:
    """One intent with its names resolved against a network and its place in the file."""

    name: str
    index: int
    source: str                     # as written
    destination: str
    sources: tuple[str, ...]        # members (one unless a group)
    destinations: tuple[str, ...]
    protocol: int | None            # None: any protocol
    ports: tuple[int, int] | None   # None: any port
    expect: str                     # reachable | unreachable
    via: tuple[Via, ...] = ()
    not_via: tuple[Via, ...] = ()
    pos: SourcePos = _NOWHERE
    description: str | None = None
    scope: str = "all"              # for: all | any (set ends: internet, sites, CIDRs)

    @property
    def expects_reachable(self) -> bool:
        return self.expect == "reachable"

    @property
    def is_pinned(self) -> bool:
        """The author named the flows exactly (a port, or a protocol without ports): each one must hold."""
        return self.ports is not None or (self.protocol is not None and self.protocol not in (1, 6, 17, 58))

    @property
    def flow_text(self) -> str:
        protocol = {None: "any protocol", 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}.get(
            self.protocol, f"protocol {self.protocol}")
        if self.ports is None:
            return protocol if self.protocol is None else f"{protocol}, any port" \
                if self.protocol in PORTED else protocol
        low, high = self.ports
        return f"{protocol}/{low}" if low == high else f"{protocol}/{low}-{high}"


@dataclass(frozen=True, slots=True)
class IntentSet:
    path: str
    intents: tuple[Intent, ...]
    description: str | None = None


def load_intents(path: str | Path, net: CompiledNetwork) -> IntentSet:
    """Read, validate and resolve an intents file. Raises ``IntentsError`` with every problem, positioned."""
    try:
        data, positions = read_yaml(Path(path), display=str(path))
    except TopologyError as error:           # the YAML reader speaks of topologies; this is an intents file
        raise IntentsError([Diagnostic(d.pos, d.message, "an intents file starts with 'intents:'"
                                       if d.message == "the file is empty" else d.hint, d.severity)
                            for d in error.diagnostics]) from None
    if not isinstance(data, dict):
        raise IntentsError([Diagnostic(positions.default, "an intents file must be a mapping with an "
                                       "'intents:' list", hint="start the file with 'intents:'")])
    try:
        model = IntentsFile.model_validate(data)
    except ValidationError as error:
        raise IntentsError(sorted(_diagnostics_of(error, positions), key=_order)) from None
    resolver = _Resolver(net, positions)
    intents = tuple(resolver.intent(i, item) for i, item in enumerate(model.intents))
    names: dict[str, int] = {}
    for intent in intents:
        if intent.name in names:
            resolver.problems.append(Diagnostic(positions.of_value(("intents", intent.index, "name")),
                                                f"intent name {intent.name!r} is used twice",
                                                hint=f"it also names intent #{names[intent.name] + 1}; names "
                                                "identify test cases and SARIF results, keep them unique"))
        names.setdefault(intent.name, intent.index)
    if resolver.problems:
        raise IntentsError(sorted(resolver.problems, key=_order))
    return IntentSet(str(path), intents, model.description)


def _order(d: Diagnostic) -> tuple[str, int, int]:
    return d.pos.file, d.pos.line, d.pos.col


class _Resolver:
    def __init__(self, net: CompiledNetwork, positions: Positions) -> None:
        self.net = net
        self.positions = positions
        self.problems: list[Diagnostic] = []
        self._components: dict[str, frozenset[str]] | None = None

    def intent(self, index: int, item: IntentModel) -> Intent:
        at = ("intents", index)
        sources = self.members(item.from_, (*at, "from"), "from")
        destinations = self.members(item.to, (*at, "to"), "to")
        protocol = protocol_number(item.protocol) if item.protocol is not None else None
        if protocol is None and item.port is not None:
            protocol = 6                       # DESIGN §5: a port without a protocol is TCP
        ports = port_range(item.port) if item.port is not None and item.port != "all" else None
        via = tuple(self.via(name, (*at, "via", i)) for i, name in enumerate(item.via))
        not_via = tuple(self.via(name, (*at, "not_via", i)) for i, name in enumerate(item.not_via))
        return Intent(item.name, index, item.from_, item.to, sources, destinations, protocol, ports, item.expect,
                      via, not_via, self.positions.of_key(at) if at in self.positions.keys
                      else self.positions.of_value(at), item.description, item.for_)

    # -- from / to ----------------------------------------------------------------------------------

    def members(self, text: str, path: tuple[str | int, ...], role: str) -> tuple[str, ...]:
        kind, sep, value = text.partition(":")
        if sep and kind in GROUP_KINDS:
            found = self.group(kind, value, path)
            return found
        from vpcsim.engine.ends import resolve, resolve_set

        try:
            if resolve_set(self.net, text, role) is None:
                resolve(self.net, text, role)
        except QueryError as error:
            if role == "to" and _looks_like_dns(text):
                return (text,)          # a DNS name: resolved by the source VPC's Resolver when traced
            self.problems.append(Diagnostic(self.positions.of_value(path), error.message.replace(
                f"--{role} ", f"'{role}': "), hint=error.hint or "groups: subnet:NAME, sg:NAME, vpc:NAME, "
                "tag:Key=Value"))
        return (text,)

    def group(self, kind: str, value: str, path: tuple[str | int, ...]) -> tuple[str, ...]:
        from vpcsim.analysis.matrix.classes import members_of

        net = self.net
        enis = [e for e in members_of(net) if e.eni is not None]
        where = self.positions.of_value(path)
        if kind == "tag":
            key, equals, wanted = value.partition("=")
            if not equals or not key:
                self.problems.append(Diagnostic(where, f"'{kind}:{value}' is not a tag group",
                                                hint="write tag:Key=Value, e.g. tag:role=web"))
                return ()
            members = tuple(e.name for e in enis if e.name in net.instances
                            and net.instances[e.name].tags.get(key) == wanted)
            if not members:
                known = sorted({f"{k}={v}" for i in net.instances.values() for k, v in i.tags.items()})
                self.problems.append(Diagnostic(where, f"no instance has the tag {key}={wanted}",
                                                hint=did_you_mean(f"{key}={wanted}", known)))
            return members
        if kind == "sg":
            groups = {g.split("@")[0] for e in net.enis.values() for g in e.security_groups}
            if value not in groups:
                self.problems.append(Diagnostic(where, f"no interface belongs to a security group {value!r}",
                                                hint=did_you_mean(value, groups)))
                return ()
            members = tuple(e.name for e in enis if e.eni is not None
                            and value in (g.split("@")[0] for g in e.eni.security_groups))
        else:
            names = list(net.subnets) if kind == "subnet" else list(net.vpcs)
            if value not in names:
                self.problems.append(Diagnostic(where, f"there is no {kind} {value!r}",
                                                hint=did_you_mean(value, names)))
                return ()
            members = tuple(e.name for e in enis if e.eni is not None
                            and (e.eni.subnet if kind == "subnet" else e.eni.vpc) == value)
        if not members:
            self.problems.append(Diagnostic(where, f"{kind} {value!r} has no instances or interfaces to check",
                                            hint="an intent about an empty group checks nothing; remove it"))
        return members

    # -- via ------------------------------------------------------------------------------------------

    def via(self, name: str, path: tuple[str | int, ...]) -> Via:
        table = self.components()
        found = table.get(name)
        if found is None:
            self.problems.append(Diagnostic(self.positions.of_value(path),
                                            f"'via' names {name!r}, which is not a component of the network",
                                            hint=did_you_mean(name, table)))
            return Via(name, frozenset({name}))
        return Via(name, found, name in self.net.connections)

    def components(self) -> dict[str, frozenset[str]]:
        if self._components is None:
            self._components = components_of(self.net)
        return self._components


def components_of(net: CompiledNetwork) -> dict[str, frozenset[str]]:
    """Every name ``via`` accepts -> the component names hops use for it (module docstring)."""
    table: dict[str, set[str]] = {}

    def add(name: str, *components: str) -> None:
        table.setdefault(name, set()).update(components or (name,))

    for name in (*net.enis, *net.route_tables, *net.network_acls, *net.peerings, *net.tgw_route_tables,
                 *net.vpn_gateways, *net.connections, *net.external, *net.gateway_vpc, "internet"):
        add(name)
    for name, instance in net.instances.items():
        add(name, *instance.enis)
    for name, nat in net.nat_gateways.items():
        add(name, name, nat.eni)
    for name, endpoint in net.endpoints.items():
        add(name, name, *endpoint.enis)
        add(endpoint.service)
    for name, attachment in net.tgw_attachments.items():
        add(name, name, *attachment.enis_by_az.values())
    for name, tgw in net.transit_gateways.items():
        add(name, name, *tgw.route_tables)
        for member in tgw.attachments:
            add(name, *net.tgw_attachments[member].enis_by_az.values())
    for eni in net.enis.values():
        add(eni.subnet, eni.name)
        add(eni.vpc, eni.name)
    for table_name, rt in net.route_tables.items():
        add(rt.vpc, table_name)
    for acl_name, acl in net.network_acls.items():
        add(acl.vpc, acl_name)
    for gateway, vpc in net.gateway_vpc.items():
        add(vpc, gateway)
    return {name: frozenset(components) for name, components in table.items()}


def _looks_like_dns(text: str) -> bool:
    from vpcsim.ip import is_address

    return "." in text and "/" not in text and not is_address(text) and not text.startswith("internet:")


# -- schema errors in our words --------------------------------------------------------------------------

def _allowed(loc: Sequence[Any]) -> list[str]:
    model = IntentModel if any(isinstance(p, int) for p in loc) else IntentsFile
    return sorted(f.alias or name for name, f in model.model_fields.items())


def _diagnostics_of(error: ValidationError, positions: Positions) -> Iterator[Diagnostic]:
    seen: set[tuple[SourcePos, str]] = set()
    items = error.errors(include_url=False)
    deeper = {tuple(item["loc"])[:n] for item in items for n in range(len(item["loc"]))}
    for item in items:
        loc = tuple(item["loc"])
        if item["type"] == "too_short" and loc in deeper:
            continue                 # pydantic also calls a list short when only its items failed
        path = positions.closest_path(loc)
        kind = item["type"]
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "the file")
        value = item.get("input")
        hint: str | None = None
        if kind == "extra_forbidden":
            pos = positions.of_key(path) if path and path[-1] == loc[-1] else positions.of_value(path)
            message = f"unknown key {loc[-1]!r}"
            allowed = _allowed(loc[:-1])
            hint = did_you_mean(str(loc[-1]), allowed) or f"allowed keys: {', '.join(allowed)}"
        elif kind == "missing":
            pos = positions.of_key(path) if path in positions.keys else positions.of_value(path)
            owner = f"intent #{loc[1] + 1}" if len(loc) > 1 and isinstance(loc[1], int) else "the file"
            message = f"{owner} is missing the required key {field!r}"
            hint = f"add '{field}:' to it"
        elif kind == "literal_error":
            pos = positions.of_value(path)
            expected = str(item.get("ctx", {}).get("expected", ""))
            message = f"{field!r} must be {expected}, not {value!r}"
            options = [w.strip("' ") for w in expected.replace(" or ", ",").split(",")]
            hint = did_you_mean(str(value), options) or "write one of these values exactly"
        elif kind == "too_short":
            pos = positions.of_value(path)
            message = f"{field!r} must not be empty"
            hint = "list at least one intent" if field == "intents" else "give it a value"
        else:
            pos = positions.of_value(path)
            text = str(item["msg"])
            for prefix in ("Value error, ", "Assertion failed, "):
                text = text.removeprefix(prefix)
            if isinstance(value, dict) and kind in ("value_error", "assertion_error"):
                pos = positions.of_key(path) if path in positions.keys else pos
                message = text
            else:
                message = f"{field!r}: {text[:1].lower()}{text[1:]}"
            hint = "run 'vpcsim schema --intents' to see what is allowed"
        if (pos, message) not in seen:
            seen.add((pos, message))
            yield Diagnostic(pos, message, hint)
