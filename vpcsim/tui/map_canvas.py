"""The grid the map is drawn on, and the picture that comes out of it.

A ``Canvas`` is sparse: a cell holds either a character (text) or the line masks of the components whose
lines pass through it. Lines are stored as direction masks and merged when the picture is rendered, so a
line that ends on a border becomes ``┴`` and two lines of different components that merely cross stay a
crossing. Every cell remembers which component drew it, so the widget can colour a trace's path and map
a click back to a component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from vpcsim.tui.refs import Ref

UP, RIGHT, DOWN, LEFT = 1, 2, 4, 8
_CHARS = {
    UP: "│", DOWN: "│", UP | DOWN: "│", LEFT: "─", RIGHT: "─", LEFT | RIGHT: "─",
    RIGHT | DOWN: "┌", LEFT | DOWN: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", LEFT | RIGHT | DOWN: "┬", LEFT | RIGHT | UP: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
}


class Region(NamedTuple):
    x: int
    y: int
    width: int
    height: int

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


@dataclass
class Picture:
    """The drawn map: characters, the component behind each cell, and the selectable boxes."""

    lines: list[str]
    owners: list[list[Ref | None]]
    boxes: list[tuple[Ref, Region]]
    vpcs: tuple[str, ...]
    width: int
    height: int

    def region_of(self, ref: Ref) -> Region | None:
        return next((region for r, region in self.boxes if r == ref), None)

    def box_at(self, x: int, y: int) -> Ref | None:
        """The innermost box under a cell (a member label before its subnet, a subnet before its VPC)."""
        hits = [(r.width * r.height, ref) for ref, r in self.boxes if r.contains(x, y)]
        return min(hits, key=lambda h: h[0])[1] if hits else None


class _Cell:
    __slots__ = ("char", "masks", "owner")

    def __init__(self) -> None:
        self.char: str | None = None
        self.masks: list[tuple[int, Ref | None]] = []
        self.owner: Ref | None = None


class Canvas:
    """A sparse grid of text and line masks."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], _Cell] = {}

    def _cell(self, x: int, y: int) -> _Cell:
        cell = self.cells.get((x, y))
        if cell is None:
            cell = self.cells[(x, y)] = _Cell()
        return cell

    def is_free(self, x: int, y: int) -> bool:
        cell = self.cells.get((x, y))
        return cell is None or (cell.char is None and not cell.masks)

    def line_mask(self, x: int, y: int, mask: int, owner: Ref | None) -> None:
        cell = self._cell(x, y)
        for i, (m, o) in enumerate(cell.masks):
            if o == owner:
                cell.masks[i] = (m | mask, o)
                break
        else:
            cell.masks.append((mask, owner))

    def hline(self, x1: int, x2: int, y: int, owner: Ref | None) -> None:
        if x1 > x2:
            x1, x2 = x2, x1
        if x1 == x2:
            return
        for x in range(x1, x2 + 1):
            self.line_mask(x, y, (RIGHT if x < x2 else 0) | (LEFT if x > x1 else 0), owner)

    def vline(self, x: int, y1: int, y2: int, owner: Ref | None) -> None:
        if y1 > y2:
            y1, y2 = y2, y1
        if y1 == y2:
            return
        for y in range(y1, y2 + 1):
            self.line_mask(x, y, (DOWN if y < y2 else 0) | (UP if y > y1 else 0), owner)

    def box(self, region: Region, owner: Ref | None, top: bool = True) -> None:
        x, y, w, h = region
        if top:
            self.hline(x, x + w - 1, y, owner)
        self.hline(x, x + w - 1, y + h - 1, owner)
        self.vline(x, y, y + h - 1, owner)
        self.vline(x + w - 1, y, y + h - 1, owner)

    def text(self, x: int, y: int, text: str, owner: Ref | None) -> None:
        for i, char in enumerate(text):
            cell = self._cell(x + i, y)
            cell.char = char
            cell.owner = owner

    def place_label(self, y: int, x: int, text: str, owner: Ref | None, limit: int = 400) -> int:
        """Write ``text`` on row ``y`` at the first free run at or right of ``x``; returns where."""
        for start in range(x, x + limit):
            if all(self.is_free(start + i, y) for i in range(-1, len(text) + 1)):
                self.text(start, y, text, owner)
                return start
        self.text(x, y, text, owner)
        return x

    def render(self) -> tuple[list[str], list[list[Ref | None]], int, int]:
        if not self.cells:
            return [], [], 0, 0
        width = max(x for x, _ in self.cells) + 1
        height = max(y for _, y in self.cells) + 1
        lines = [[" "] * width for _ in range(height)]
        owners: list[list[Ref | None]] = [[None] * width for _ in range(height)]
        for (x, y), cell in self.cells.items():
            if cell.char is not None:
                lines[y][x], owners[y][x] = cell.char, cell.owner
                continue
            lines[y][x], owners[y][x] = _merge(cell.masks)
        return ["".join(line) for line in lines], owners, width, height


def _merge(masks: list[tuple[int, Ref | None]]) -> tuple[str, Ref | None]:
    """Lines of one component join; a vertical and a horizontal of two components that pass straight
    through each other cross (the vertical is drawn), anything else joins."""
    if len(masks) == 1:
        return _CHARS.get(masks[0][0], " "), masks[0][1]
    through = [(m, o) for m, o in masks if m in (UP | DOWN, LEFT | RIGHT)]
    if len(through) == len(masks) and {m for m, _ in masks} == {UP | DOWN, LEFT | RIGHT}:
        vertical = next(o for m, o in masks if m == UP | DOWN)
        return "│", vertical
    combined = 0
    for m, _ in masks:
        combined |= m
    owner = masks[-1][1]
    return _CHARS.get(combined, "┼"), owner
