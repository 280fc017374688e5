"""The right-hand pane: the details of the selected component, one titled table per section."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vpcsim.tui.facts import Details, Section
from vpcsim.tui.widgets.section_table import SectionTable


def _shape(details: Details) -> tuple[tuple[str, bool, bool], ...]:
    """What decides the widgets of a details pane: per section its key, whether it has a title line, and
    whether its table has a header."""
    return tuple((section.key, bool(section.title) and section.key != "facts", section.header)
                 for section in details.sections)


class DetailsPane(VerticalScroll):
    """Shows a ``facts.Details``; a section computed later (who can reach an interface) is swapped in
    with ``update_section`` without rebuilding the rest.

    Walking from a component to another of the same kind keeps the widgets and refills them (mounting a
    dozen widgets for every move of the cursor was most of what a move cost)."""

    DEFAULT_CSS = """
    DetailsPane { padding: 0 1; }
    DetailsPane > .details--title { text-style: bold; color: $accent; margin: 0 0 1 0; }
    DetailsPane > .details--section { text-style: bold; }
    DetailsPane > .details--note { color: $text-muted; }
    """

    def __init__(self, details: Details | None = None, **kwargs: str | None) -> None:
        """``details``: what to show from the first frame on."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.details = details
        self.tables: dict[str, SectionTable] = {}
        self._notes: dict[str, Static] = {}
        self._titles: dict[str, Static] = {}
        self._title: Static | None = None

    def compose(self) -> ComposeResult:
        if self.details is not None:
            yield from self._widgets(self.details)

    def show(self, details: Details) -> None:
        shown = self.details
        self.details = details
        if shown is not None and self._title is not None and _shape(shown) == _shape(details) and \
                all(table.is_mounted for table in self.tables.values()):
            self._refill(details)
        else:
            self._rebuild(details)
        self.scroll_home(animate=False)

    def _rebuild(self, details: Details) -> None:
        self.remove_children()
        self.mount_all(self._widgets(details))

    def _widgets(self, details: Details) -> list[Static | SectionTable]:
        self.tables, self._notes, self._titles = {}, {}, {}
        self._title = Static(Text(details.title), classes="details--title")
        widgets: list[Static | SectionTable] = [self._title]
        for section in details.sections:
            if section.title and section.key != "facts":
                self._titles[section.key] = Static(Text(section.title), classes="details--section")
                widgets.append(self._titles[section.key])
            note = Static(Text(section.note), classes="details--note")
            note.display = bool(section.note)
            self._notes[section.key] = note
            table = SectionTable(section)
            self.tables[section.key] = table
            widgets += [note, table]
        return widgets

    def _refill(self, details: Details) -> None:
        assert self._title is not None
        self._title.update(Text(details.title))
        for section in details.sections:
            title = self._titles.get(section.key)
            if title is not None:
                title.update(Text(section.title))
            note = self._notes[section.key]
            note.update(Text(section.note))
            note.display = bool(section.note)
            self.tables[section.key].fill(section)

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
