"""The details of any component: ``details(catalog, ref, trace)`` picks the builder of its kind.

Rules are listed in console words and order; when a trace is on screen the rules it used are marked, the
one that dropped it too. The tree's own nodes (accounts, groups, diagnostics) are built here; components
by their family (``facts_vpc``, ``facts_gateways``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcsim.tui.catalog_tree import children, entry
from vpcsim.tui.facts import Details, Row, Section
from vpcsim.tui.facts_gateways import GATEWAY_FACTS
from vpcsim.tui.facts_vpc import VPC_FACTS
from vpcsim.tui.refs import NOUNS, Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Trace
    from vpcsim.tui.catalog import Catalog
    from vpcsim.tui.facts import Builder


def details(catalog: Catalog, ref: Ref, trace: Trace | None = None) -> Details:
    """The details of ``ref`` (with the rules ``trace`` used marked, when given)."""
    ref = catalog.canonical(ref)
    builder = BUILDERS.get(ref.kind)
    if builder is None or not catalog.exists(ref):
        return Details(ref, ref.name, (Section("empty", "nothing to show", ("",), header=False),))
    label = entry(catalog, ref).label
    noun = NOUNS.get(ref.kind, ref.kind)
    title = label if noun in ("", label) else f"{noun} {label}"
    return Details(ref, title, tuple(builder(catalog, ref.name, trace)))


def _account(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    net = catalog.net
    rows = []
    for vpc_name in catalog.accounts.get(name, []):
        vpc = net.vpcs[vpc_name]
        rows.append(Row((vpc_name, " ".join(str(p) for p in vpc.cidrs[:2]), str(len(vpc.subnets))),
                        Ref("vpc", vpc_name)))
    return [Section("vpcs", "VPCs", ("name", "CIDR", "subnets"), tuple(rows))]


def _group(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    rows = tuple(Row((e.label, e.detail), e.ref) for e in children(catalog, Ref("group", name)))
    return [Section("members", "members", ("name", ""), rows)]


def _diagnostics(catalog: Catalog, name: str, trace: Trace | None) -> list[Section]:
    rows = []
    for d in catalog.diagnostics:
        pos, message = getattr(d, "pos", ""), getattr(d, "message", str(d))
        rows.append(Row((str(pos), getattr(d, "severity", "warning"), message, getattr(d, "hint", "") or "")))
    return [Section("diagnostics", "warnings from validation and import", ("where", "severity", "message", "hint"),
                    tuple(rows))]


BUILDERS: dict[str, Builder] = {"account": _account, "group": _group, "diagnostics": _diagnostics, **VPC_FACTS,
                                **GATEWAY_FACTS}
