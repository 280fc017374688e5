"""The right-hand pane: the details of the selected component, one titled table per section."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from vpcsim.tui.facts import Details, Section
from vpcsim.tui.widgets.section_table import SectionTable


class DetailsPane(VerticalScroll):
    """Shows a ``facts.Details``; a section computed later (who can reach an interface) is swapped in
    with ``update_section`` without rebuilding the rest."""

    DEFAULT_CSS = """
    DetailsPane { padding: 0 1; }
    DetailsPane > .details--title { text-style: bold; color: $accent; margin: 0 0 1 0; }
    DetailsPane > .details--section { text-style: bold; }
    DetailsPane > .details--note { color: $text-muted; }
    """

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.details: Details | None = None
        self.tables: dict[str, SectionTable] = {}
        self._notes: dict[str, Static] = {}

    def show(self, details: Details) -> None:
        self.details = details
        self.remove_children()
        self.tables, self._notes = {}, {}
        widgets: list[Static | SectionTable] = [Static(Text(details.title), classes="details--title")]
        for section in details.sections:
            if section.title and section.key != "facts":
                widgets.append(Static(Text(section.title), classes="details--section"))
            note = Static(Text(section.note), classes="details--note")
            note.display = bool(section.note)
            self._notes[section.key] = note
            table = SectionTable(section)
            self.tables[section.key] = table
            widgets += [note, table]
        self.mount_all(widgets)
        self.scroll_home(animate=False)

    def update_section(self, section: Section) -> None:
        """Replace one section's rows and note (if that section is still on screen)."""
        table = self.tables.get(section.key)
        if table is None:
            return
        if table.is_mounted:
            table.fill(section)
        else:
            table.section = section          # filled when it mounts
        note = self._notes[section.key]
        note.update(Text(section.note))
        note.display = bool(section.note)
