"""The map: boxes and links drawn by ``map_layout``, painted with the trace's path, its dropping hop and
the selection; keyboard and mouse select boxes, and the trace can be stepped through hop by hop."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region as ScreenRegion
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vpcsim.tui import map_layout
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.map_canvas import Picture
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Hop, Trace


LINE_CHARS = frozenset("─│┌┐└┘├┤┬┴┼")
NOT_REVERSED = Style(reverse=False)


class NetworkMap(ScrollView, can_focus=True):
    """| key | does |
    |---|---|
    | arrows | move to the nearest box that way |
    | enter | select the box (the tree follows) |
    | n / p | next / previous hop of the trace |
    | [ / ] | previous / next page of VPCs |

    | class | marks |
    |---|---|
    | `network-map--path` | components the trace passed through |
    | `network-map--drop` | the one that dropped it (also marked ✗ in its label) |
    | `network-map--current` | the hop being stepped through |
    | `network-map--selected` | the selected box |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("enter", "choose", "Select"),
        Binding("n", "step(1)", "Next hop"),
        Binding("p", "step(-1)", "Prev hop"),
        Binding("left_square_bracket", "page(-1)", "Prev page", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"network-map--path", "network-map--drop", "network-map--current",
                                             "network-map--selected"}

    DEFAULT_CSS = """
    NetworkMap { background: $surface; }
    NetworkMap > .network-map--path { color: $success; text-style: bold; }
    NetworkMap > .network-map--drop { color: $error; text-style: bold reverse; }
    NetworkMap > .network-map--current { background: $warning 40%; text-style: bold underline; }
    NetworkMap > .network-map--selected { text-style: reverse; }
    """

    class Selected(Message):
        """A box was chosen on the map (enter or click)."""

        def __init__(self, ref: Ref) -> None:
            super().__init__()
            self.ref = ref

    class Changed(Message):
        """What the status line under the map should say."""

        def __init__(self, status: str) -> None:
            super().__init__()
            self.status = status

    def __init__(self, catalog: Catalog, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.pages = map_layout.pages(catalog)
        self.page = 0
        self.trace: Trace | None = None
        self.hops: tuple[Hop, ...] = ()
        self.anchors: list[Ref | None] = []
        self.path: set[Ref] = set()
        self.drop: Ref | None = None
        self.step: int | None = None
        self.selected: Ref | None = None
        self.vpcs: tuple[str, ...] = self.pages[0]
        self._picture: Picture | None = None

    def on_mount(self) -> None:
        self._redraw()

    # -- what is drawn ---------------------------------------------------------------------------------

    @property
    def picture(self) -> Picture:
        """The drawing of the VPCs on the page, with the trace's path; drawn when first looked at after a
        change, so a map nobody has opened (or that is hidden while traces run) costs nothing."""
        if self._picture is None:
            self._draw()
        assert self._picture is not None
        return self._picture

    def _draw(self) -> None:
        hops = self.hops
        self.path = map_layout.path_refs(self.catalog, hops)
        first = map_layout.draw(self.catalog, self.vpcs, self.path)
        self.anchors = map_layout.anchors(self.catalog, hops, first)
        self.drop = None
        if self.trace is not None and self.trace.drop is not None:
            index = hops.index(self.trace.drop)
            self.drop = self.anchors[index]
        picture = map_layout.draw(self.catalog, self.vpcs, self.path, self.drop) if self.drop else first
        self.anchors = map_layout.anchors(self.catalog, hops, picture)
        self.path |= {a for a in self.anchors if a is not None}
        self._picture = picture
        self.virtual_size = Size(picture.width, picture.height)

    def _redraw(self) -> None:
        self._picture = None
        if self.is_mounted and self.screen.is_current and self.parent is not None and self.parent.display:
            self._draw()          # on screen: draw now, so the size is known before the next frame
        self.refresh()
        self._announce()

    def on_show(self) -> None:
        if self._picture is None:
            self._draw()

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, len(self.pages) - 1))
        self.vpcs = self.pages[self.page]
        self._redraw()

    def set_trace(self, trace: Trace | None) -> None:
        """Draw ``trace`` on the map: the VPCs it passes through, its path and where it was dropped."""
        self.trace = trace
        self.hops = (*trace.forward, *trace.reply) if trace is not None else ()
        self.step = None
        if trace is not None:
            vpcs = map_layout.trace_vpcs(self.catalog, trace)
            if vpcs:
                self.vpcs = vpcs
        self._redraw()

    def select(self, ref: Ref, announce: bool = False) -> bool:
        """Select the box of ``ref`` (turning to the page that shows it); returns whether it is drawn."""
        if self.picture.region_of(ref) is None:
            vpc = self.catalog.vpc_of(ref) if ref.kind not in ("group", "account") else None
            if vpc is not None and vpc not in self.vpcs:
                self.show_page(map_layout.page_of(self.catalog, vpc))
        region = self.picture.region_of(ref)
        if region is None:
            return False
        self.selected = ref
        self.scroll_to_region(ScreenRegion(*region), animate=False, force=True)
        self.refresh()
        self._announce()
        if announce:
            self.post_message(self.Selected(ref))
        return True

    def reveal_path(self) -> None:
        """Scroll so the hop being stepped through is in view, else the start of the path (and its drop,
        when there is room)."""
        if self.step is not None:
            self.step_to(self.step)
            return
        picture = self.picture
        regions = [picture.region_of(a) for a in self.anchors if a is not None]
        shown = [r for r in regions if r is not None]
        if not shown:
            return
        target = picture.region_of(self.drop) if self.drop is not None else None
        self.scroll_to_region(ScreenRegion(*(target or shown[0])), animate=False, force=True)
        top = min(r.y for r in shown)
        if target is None or target.y - top < self.size.height - 2:
            self.scroll_to(y=max(0, top - 4), animate=False, force=True)

    def step_to(self, index: int | None) -> None:
        """Highlight hop ``index`` (forward hops first, then the reply's)."""
        picture = self.picture
        if index is None or not self.hops:
            self.step = None
        else:
            self.step = max(0, min(index, len(self.hops) - 1))
            anchor = self.anchors[self.step]
            if anchor is not None:
                region = picture.region_of(anchor)
                if region is not None:
                    self.scroll_to_region(ScreenRegion(*region), animate=False, force=True)
        self.refresh()
        self._announce()

    def status(self) -> str:
        total = len(self.catalog.net.vpcs)
        off_pages = self.trace is not None and self.vpcs != self.pages[self.page]
        page = f"VPCs {', '.join(self.vpcs)}" if len(self.pages) == 1 or off_pages else \
            f"page {self.page + 1}/{len(self.pages)} of {total} VPCs ([ ])"
        if self.step is not None and self.hops:
            hop = self.hops[self.step]
            forward = len(self.trace.forward) if self.trace is not None else 0
            where = "request" if self.step < forward else "reply"
            n = self.step + 1 if self.step < forward else self.step - forward + 1
            mark = " ✗" if hop.is_drop else ""
            return f"{where} hop {n}: {hop.component} {hop.decision.value}{mark} · {hop.packet.describe()}"
        if self.trace is not None:
            q = self.trace.query
            return f"{self.trace.disposition.value} {q.src} -> {q.dst} · {len(self.hops)} hops (n/p to step) · {page}"
        if self.selected is not None:
            return f"{self.selected.kind.replace('_', ' ')} {self.selected.name} · enter: select in tree · {page}"
        return page

    def _announce(self) -> None:
        self.post_message(self.Changed(self.status()))

    # -- painting --------------------------------------------------------------------------------------

    def _role_styles(self) -> dict[str, Style]:
        return {name: self.get_component_rich_style(f"network-map--{name}", partial=True)
                for name in ("path", "drop", "current", "selected")}

    def render_line(self, y: int) -> Strip:
        picture = self.picture
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        base = self.rich_style
        width = self.size.width
        if row >= picture.height:
            return Strip.blank(width, base)
        line = picture.lines[row]
        owners = picture.owners[row]
        styles = self._role_styles()
        current = self.anchors[self.step] if self.step is not None and self.anchors else None
        segments: list[Segment] = []
        run_start = 0
        run_style: Style | None = None
        for x in range(len(line) + 1):
            style = self._style_of(owners[x], styles, current, base) if x < len(line) else None
            if style is not None and line[x] in LINE_CHARS:
                style += NOT_REVERSED          # reverse marks names; on lines it would paint solid bars
            if x == len(line) or style != run_style:
                if run_style is not None and x > run_start:
                    segments.append(Segment(line[run_start:x], run_style))
                run_start, run_style = x, style
        strip = Strip(segments, len(line)).crop_extend(scroll_x, scroll_x + width, base)
        return strip

    def _style_of(self, owner: Ref | None, styles: dict[str, Style], current: Ref | None, base: Style) -> Style:
        if owner is None:
            return base
        if owner == current:
            return base + styles["current"]
        if owner == self.drop:
            return base + styles["drop"]
        if owner == self.selected:
            return base + styles["selected"]
        if owner in self.path:
            return base + styles["path"]
        return base

    # -- keys and mouse --------------------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        boxes = self.picture.boxes
        if not boxes:
            return
        here = self.picture.region_of(self.selected) if self.selected is not None else None
        if here is None:
            self.select(boxes[0][0])
            return
        cx, cy = here.center
        best: tuple[int, Ref] | None = None
        for ref, region in boxes:
            if ref == self.selected:
                continue
            x, y = region.center
            ddx, ddy = x - cx, y - cy
            if (dx and ddx * dx <= 0) or (dy and ddy * dy <= 0):
                continue
            along, across = (abs(ddx), abs(ddy)) if dx else (abs(ddy), abs(ddx))
            score = along + 3 * across
            if best is None or score < best[0]:
                best = (score, ref)
        if best is not None:
            self.select(best[1])

    def action_choose(self) -> None:
        if self.selected is not None:
            self.post_message(self.Selected(self.selected))

    def action_step(self, delta: int) -> None:
        if not self.hops:
            return
        self.step_to(0 if self.step is None else self.step + delta)

    def action_page(self, delta: int) -> None:
        self.show_page(self.page + delta if self.vpcs == self.pages[self.page] else self.page)

    def on_click(self, event: events.Click) -> None:
        scroll_x, scroll_y = self.scroll_offset
        ref = self.picture.box_at(event.x + scroll_x, event.y + scroll_y)
        if ref is not None:
            self.select(ref, announce=True)
