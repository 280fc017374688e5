"""What the details pane shows, as plain data (no Textual): a title and ``Section``s of ``Row``s.

A section is a small table whose rows may point somewhere (a route's target, a member interface, a probe to
trace). ``details.details(catalog, ref, trace)`` builds them for any component; the builders live by
family (``facts_vpc``, ``facts_gateways``) and format routes and rules with ``rule_rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from vpcsim.protocols import ICMPS, protocol_number
from vpcsim.tui.catalog_search import address_text
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog


@dataclass(frozen=True, slots=True)
class TraceQuery:
    """A conversation to trace when a row is chosen (the "who can reach it" probes)."""

    src: str
    dst: str
    protocol: str = "tcp"
    port: int | None = None

    def describe(self) -> str:
        port = f"/{self.port}" if self.port is not None and self.protocol in ("tcp", "udp") else ""
        return f"{self.src} -> {self.dst} {self.protocol}{port}"

    @property
    def icmp_type(self) -> int | None:
        """The form and the matrix give an ICMP question's type in ``port``: ``Network.trace`` takes it here."""
        return self.port if _is_icmp(self.protocol) else None

    @property
    def trace_port(self) -> int | None:
        return None if _is_icmp(self.protocol) else self.port


def _is_icmp(protocol: str) -> bool:
    try:
        return protocol_number(protocol) in ICMPS
    except ValueError:
        return False           # not a protocol: Network.trace says so


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a section. ``target`` is where choosing it leads; ``mark`` how it is highlighted:
    ``win`` (a route that wins for some addresses), ``path`` (used by the trace on screen), ``drop`` (where
    the trace was dropped), ``muted`` (never used), ``ok`` / ``bad`` (a probe's verdict)."""

    cells: tuple[str, ...]
    target: Ref | TraceQuery | None = None
    mark: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    note: str = ""
    header: bool = True


@dataclass(frozen=True, slots=True)
class Details:
    ref: Ref
    title: str
    sections: tuple[Section, ...] = field(default=())


#: What each kind of component shows: its sections, given the catalog, its name and the trace on screen.
Builder: TypeAlias = "Callable[[Catalog, str, Trace | None], list[Section]]"


def facts_section(key: str, title: str, items: list[tuple[str, str, Ref | None]], note: str = "") -> Section:
    """A headerless two-column section of facts; a fact with no value is left out."""
    return Section(key, title, ("", ""), tuple(Row((k, v), target) for k, v, target in items if v != ""),
                   note=note, header=False)


def address_or_blank(family: int, value: int | None) -> str:
    return "" if value is None else address_text(family, value)
