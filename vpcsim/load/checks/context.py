"""What every check is given: the topology, its index of names, the positions of its values, and the words to
report a problem with (an unknown name with the closest one, a name that belongs to another VPC)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from vpcsim.errors import Diagnostic
from vpcsim.load.positions import Path, Positions
from vpcsim.model import Topology
from vpcsim.model.index import Kind, Named, TopologyIndex
from vpcsim.suggestions import did_you_mean

Check = Callable[["Context"], Iterator[Diagnostic]]


@dataclass(slots=True)
class Context:
    topo: Topology
    pos: Positions
    index: TopologyIndex
    _tgw_vpcs: dict[str, set[str]] | None = None
    # The hint for a name that does not exist, per (what, name, kinds, owner): picking the closest of thousands
    # of names takes milliseconds, and a typo tends to be repeated in every rule that copies it.
    _hints: dict[tuple[str, str, tuple[Kind, ...], str | None], str] = field(default_factory=dict)

    def tgw_vpcs(self) -> dict[str, set[str]]:
        """Per transit gateway (by name), the names of the VPCs attached to it. Computed once: SG peers and
        every route to a TGW ask (scanning the attachments per route made the route checks quadratic)."""
        if self._tgw_vpcs is None:
            self._tgw_vpcs = {name: {self.vpc_name(x.vpc) for x in tgw.attachments.values() if x.vpc is not None}
                              for name, tgw in self.topo.transit_gateways.items()}
        return self._tgw_vpcs

    def vpc_name(self, ref: str) -> str:
        """A VPC reference (name or AWS id) as the VPC's name."""
        found = self.index.get(Kind.VPC, ref)
        return found.name if found is not None else ref

    def owned(self, kind: Kind, name: str, owner: str | None = None) -> Named | None:
        """``name`` of ``kind`` when it exists (and belongs to ``owner``): ``resolve`` without building the
        diagnostic's path on the way. None exactly when ``resolve`` would report a problem."""
        found = self.index.get(kind, name)
        return found if found is not None and (owner is None or found.owner == owner) else None

    def error(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(self.pos.of_value(path), message, hint)

    def error_at_name(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        """For a problem with a whole resource: point at its name (the key), not at its first value."""
        return Diagnostic(self.pos.of_key(path), message, hint)

    def warning(self, path: Path, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(self.pos.of_value(path), message, hint, severity="warning")

    def unknown(self, path: Path, what: str, name: str, *kinds: Kind, owner: str | None = None) -> Diagnostic:
        """``name`` names no resource of ``kinds`` (of ``owner``'s, when given): say so, with the closest name."""
        key = (what, name, kinds, owner)
        hint = self._hints.get(key)
        if hint is None:
            names = [n for kind in kinds for n, e in self.index.by_kind.get(kind, {}).items()
                     if owner is None or e.owner == owner]
            hint = self._hints[key] = did_you_mean(name, names) or (
                f"no {what} is defined here to refer to" if not names else "check the spelling: names are "
                "case-sensitive")
        return self.error(path, f"{what} {name!r} does not exist", hint)

    def resolve(self, path: Path, what: str, name: str, kind: Kind,
                owner: str | None = None) -> tuple[Named | None, Diagnostic | None]:
        """Find ``name`` of ``kind``; when ``owner`` is given it must belong to that VPC/TGW."""
        found = self.index.get(kind, name)
        if found is None:
            return None, self.unknown(path, what, name, kind, owner=owner)
        if owner is not None and found.owner != owner:
            return None, self.error(path, f"{what} {name!r} belongs to {found.owner!r}, not to {owner!r}",
                                    hint=f"reference a {kind_name(kind)} of {owner!r}")
        return found, None

    def check_reference(self, path: Path, what: str, name: str, kind: Kind,
                        owner: str | None = None) -> Iterator[Diagnostic]:
        """``resolve`` for a reference nothing else is asked of: only its problem, if it has one."""
        _, problem = self.resolve(path, what, name, kind, owner)
        if problem:
            yield problem


def vpc_path(name: str) -> Path:
    return ("vpcs", name)


_KIND_WORDS = {Kind.VPC: "VPC", Kind.NAT_GATEWAY: "NAT gateway", Kind.NETWORK_ACL: "network ACL",
               Kind.VPN_GATEWAY: "virtual private gateway", Kind.TRANSIT_GATEWAY: "transit gateway",
               Kind.TRANSIT_GATEWAY_ROUTE_TABLE: "transit gateway route table",
               Kind.TRANSIT_GATEWAY_ATTACHMENT: "transit gateway attachment", Kind.PEERING: "peering "
               "connection",
               Kind.VPN_CONNECTION: "VPN connection", Kind.DIRECT_CONNECT: "Direct Connect connection",
               Kind.EXTERNAL: "external site"}


def kind_name(kind: Kind) -> str:
    """A kind in AWS's words: "NAT gateway", "network ACL"."""
    return _KIND_WORDS.get(kind, kind.value.replace("_", " "))
