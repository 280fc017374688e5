"""The top line: the topology's name, what it holds, and how many diagnostics loading produced."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from vpcsim.tui.catalog import Catalog


class SummaryHeader(Static):
    """``vpcsim · nat-per-az · 1 VPC · 6 subnets · 7 ENIs · 0 diagnostics`` — no clock, so screenshots are stable."""

    DEFAULT_CSS = """
    SummaryHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, catalog: Catalog, **kwargs: str) -> None:
        super().__init__(self.summary(catalog), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def summary(catalog: Catalog) -> Text:
        parts = [f"{n} {what}{'' if n == 1 else 's'}" for what, n in catalog.counts().items()
                 if n or what in ("VPC", "subnet", "ENI")]
        diagnostics = len(catalog.diagnostics)
        return Text.assemble(("vpcsim", "bold"), " · ", (catalog.net.name, "bold"), " · ",
                             (f"{diagnostics} diagnostic{'' if diagnostics == 1 else 's'}",
                              "bold" if diagnostics else ""), " · ", " · ".join(parts))
