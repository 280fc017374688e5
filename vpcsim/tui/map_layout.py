"""The network drawn with box-drawing characters, as plain data the map widget only paints.

Layout, top to bottom::

    ┌──────────┐ ┌─────────┐            the internet and the external sites
    └────┬─────┘ └────┬────┘
         │            └──────────┐      one row per VPN / Direct Connect link
    ┌───┐│                       │
    │tgw├┼──────────┬────────────│─┐    one bus per transit gateway, dropping to its attachments
    └───┘│          │            │ │
    ┌────┴┐    ┌────┴─────┐  ┌───┴─┴┐   gateways sit on the top edge of their VPC
    ┤ igw ├────┤ att-prod ├  ┤ vgw  ├
    │ shop 10.20.0.0/16  …              VPC boxes side by side, subnets stacked inside,
    │ ┌ public-a ───────┐               members (NAT gateways, instances…) listed in the subnet
    └─┬─────────────────┘
      └──── pcx-a-b ────┘               one row per peering connection under the VPCs

Every cell remembers which component drew it, so the widget can colour a trace's path and map a
click back to a component. Lines are stored as direction masks and merged, so a line that ends on a
border becomes ``┴`` and two lines of different components that merely cross stay a crossing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from vpcsim.compile.components import EniKind
from vpcsim.tui.refs import INTERNET, Ref

if TYPE_CHECKING:
    from vpcsim.compile.components import Connection
    from vpcsim.engine.results import Hop, Trace
    from vpcsim.tui.catalog import Catalog

UP, RIGHT, DOWN, LEFT = 1, 2, 4, 8
_CHARS = {
    UP: "│", DOWN: "│", UP | DOWN: "│", LEFT: "─", RIGHT: "─", LEFT | RIGHT: "─",
    RIGHT | DOWN: "┌", LEFT | DOWN: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", LEFT | RIGHT | DOWN: "┬", LEFT | RIGHT | UP: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
}
PAGE_SIZE = 6
SUBNETS_FOR_TWO_COLUMNS = 4
MIN_SUBNET_WIDTH = 20
MAX_SUBNET_WIDTH = 34
DROP_MARK = "✗"


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


# -- which VPCs, and what is on the path ---------------------------------------------------------------

def pages(catalog: Catalog, size: int = PAGE_SIZE) -> list[tuple[str, ...]]:
    """The VPCs in file order, ``size`` to a page (a 1,000-VPC network is drawn a page at a time)."""
    names = list(catalog.net.vpcs)
    return [tuple(names[i:i + size]) for i in range(0, len(names), size)] or [()]


def page_of(catalog: Catalog, vpc: str, size: int = PAGE_SIZE) -> int:
    names = list(catalog.net.vpcs)
    return names.index(vpc) // size if vpc in names else 0


def trace_vpcs(catalog: Catalog, trace: Trace, size: int = PAGE_SIZE) -> tuple[str, ...]:
    """The VPCs a trace passes through and the ones its ends live in, in file order (at most ``size``)."""
    seen: set[str] = {v for v in (_endpoint_vpc(catalog, trace.query.src), _endpoint_vpc(catalog, trace.query.dst))
                      if v}
    for hop in (*trace.forward, *trace.reply):
        ref = catalog.hop_ref(hop)
        if ref is not None:
            vpc = catalog.vpc_of(ref)
            if vpc:
                seen.add(vpc)
    return tuple(v for v in catalog.net.vpcs if v in seen)[:size]


def _endpoint_vpc(catalog: Catalog, text: str) -> str | None:
    """The VPC of a ``--from``/``--to`` given by name or private address, if it has one."""
    net = catalog.net
    for ref in (Ref("instance", text), Ref("eni", text), Ref("nat_gateway", text), Ref("endpoint", text)):
        ref = catalog.canonical(ref)
        if ref.kind != "instance" and catalog.exists(ref):
            return catalog.vpc_of(ref)
    from vpcsim.ip import is_address, parse_address

    if is_address(text):
        family, value = parse_address(text)
        vpcs = net.vpc_containing(family, value)
        return vpcs[0].name if vpcs else None
    return None


def path_refs(catalog: Catalog, hops: Iterable[Hop]) -> set[Ref]:
    """The components a trace touched, plus the things that own them (a NAT gateway for its interface,
    an attachment for its ENI, the subnet of each interface), for highlighting."""
    found: set[Ref] = set()
    net = catalog.net
    for hop in hops:
        ref = catalog.hop_ref(hop)
        if ref is None:
            continue
        found.add(ref)
        if ref.kind == "eni":
            eni = net.enis[ref.name]
            found.add(Ref("subnet", eni.subnet))
            owner = _owner_ref(eni.kind, eni.owner)
            if owner is not None:
                found.add(owner)
        elif ref.kind == "nat_gateway":
            found.add(Ref("subnet", net.nat_gateways[ref.name].subnet))
        elif ref.kind == "tgw_route_table":
            found.add(Ref("transit_gateway", net.tgw_route_tables[ref.name].tgw))
    return found


def _owner_ref(kind: EniKind, owner: str) -> Ref | None:
    return {EniKind.NAT_GATEWAY: Ref("nat_gateway", owner), EniKind.TGW_ATTACHMENT: Ref("tgw_attachment", owner),
            EniKind.INTERFACE_ENDPOINT: Ref("endpoint", owner), EniKind.GWLB_ENDPOINT: Ref("endpoint", owner)}.get(kind)


def anchors(catalog: Catalog, hops: tuple[Hop, ...], picture: Picture) -> list[Ref | None]:
    """For each hop, the box on the map where it happened (route tables and NACLs have no box of their
    own: they are shown at the subnet the packet is leaving or entering)."""
    net = catalog.net
    drawn = {ref for ref, _ in picture.boxes}
    refs = [catalog.hop_ref(h) for h in hops]

    def subnet_near(i: int, step: int) -> Ref | None:
        """The subnet of the nearest interface before (step -1) or after (step 1) hop ``i``."""
        j = i + step
        while 0 <= j < len(refs):
            r = refs[j]
            if r is not None and r.kind == "eni":
                return Ref("subnet", net.enis[r.name].subnet)
            if r is not None and r.kind == "nat_gateway":
                return Ref("subnet", net.nat_gateways[r.name].subnet)
            if r is not None and r.kind not in ("route_table", "network_acl"):
                return None
            j += step
        return None

    def subnet_holding(vpc: str, family: int, address: int) -> Ref | None:
        if vpc not in net.vpcs:
            return None
        subnet = net.subnet_of(vpc, family, address)
        return Ref("subnet", subnet.name) if subnet is not None else None

    found: list[Ref | None] = []
    for i, (hop, ref) in enumerate(zip(hops, refs, strict=True)):
        candidates: list[Ref | None] = []
        if ref is None:
            found.append(None)
            continue
        if ref.kind == "eni":
            eni = net.enis[ref.name]
            candidates = [ref, _owner_ref(eni.kind, eni.owner), Ref("subnet", eni.subnet), Ref("vpc", eni.vpc)]
        elif ref.kind == "nat_gateway":
            candidates = [ref, Ref("subnet", net.nat_gateways[ref.name].subnet)]
        elif ref.kind in ("route_table", "network_acl"):
            # a NACL acts where the packet enters (its destination's subnet) or leaves (its source's);
            # a route table where the packet leaves, or at its gateway for an edge table
            p = hop.packet
            vpc = net.route_tables[ref.name].vpc if ref.kind == "route_table" else net.network_acls[ref.name].vpc
            gateway = net.route_tables[ref.name].gateway if ref.kind == "route_table" else None
            entering = ref.kind == "network_acl" and hop.direction == "ingress"
            near = subnet_holding(vpc, p.family, p.dst if entering else p.src) or subnet_near(i, 1 if entering else -1)
            candidates = [_gateway(catalog, gateway), near, Ref("vpc", vpc)]
        elif ref.kind == "tgw_route_table":
            candidates = [Ref("transit_gateway", net.tgw_route_tables[ref.name].tgw)]
        elif ref.kind == "endpoint":
            candidates = [ref, Ref("vpc", net.endpoints[ref.name].vpc)]
        else:
            candidates = [ref]
        found.append(next((c for c in candidates if c is not None and c in drawn), None))
    return found


def _gateway(catalog: Catalog, name: str | None) -> Ref | None:
    if not name:
        return None
    kind = catalog.gateway_kind(name)
    return Ref(kind, name)


# -- drawing -------------------------------------------------------------------------------------------

@dataclass
class _Vpc:
    name: str
    title: str
    gateways: list[tuple[Ref, str]]
    subnets: list[tuple[Ref, str, str, list[tuple[Ref, str]]]]    # ref, title, line, members
    endpoints: list[tuple[Ref, str]]
    width: int = 0
    subnet_width: int = 0
    columns: int = 1
    x: int = 0
    region: Region = field(default_factory=lambda: Region(0, 0, 0, 0))
    gateway_regions: dict[Ref, Region] = field(default_factory=dict)


def draw(catalog: Catalog, vpcs: tuple[str, ...], path: set[Ref] | None = None, drop: Ref | None = None
         ) -> Picture:
    """Draw ``vpcs`` with everything that connects them; ``path`` members are listed first in their subnets,
    and ``drop`` is marked with ✗."""
    net = catalog.net
    path = path or set()
    canvas = Canvas()
    boxes: list[tuple[Ref, Region]] = []

    def mark(ref: Ref, label: str) -> str:
        return f"{DROP_MARK}{label}" if ref == drop else label

    # -- measure the VPCs
    layouts: list[_Vpc] = []
    for name in vpcs:
        vpc = net.vpcs[name]
        gateways: list[tuple[Ref, str]] = []
        if vpc.internet_gateway:
            gateways.append((Ref("internet_gateway", vpc.internet_gateway), vpc.internet_gateway))
        if vpc.egress_only_internet_gateway:
            gateways.append((Ref("egress_only_internet_gateway", vpc.egress_only_internet_gateway),
                             vpc.egress_only_internet_gateway))
        if vpc.vpn_gateway:
            gateways.append((Ref("vpn_gateway", vpc.vpn_gateway), vpc.vpn_gateway))
        gateways += [(Ref("tgw_attachment", a.name), a.name) for a in net.tgw_attachments.values()
                     if a.kind == "vpc" and a.resource == name]
        subnets = []
        for sname in vpc.subnets:
            s = net.subnets[sname]
            line = f"{s.cidr or s.ipv6_cidr or ''} {s.az}".strip()
            subnets.append((Ref("subnet", sname), sname, line, _members(catalog, sname, path, drop)))
        endpoints = [(Ref("endpoint", e.name), e.name) for e in net.endpoints.values()
                     if e.vpc == name and e.type == "gateway"]
        title = f"{name} {vpc.cidrs[0] if vpc.cidrs else ''}".strip()
        inner = max([MIN_SUBNET_WIDTH, len(title) + 1] + [max(len(t) + 4, len(line) + 2) for _, t, line, _ in subnets])
        inner = min(inner, MAX_SUBNET_WIDTH)
        # terminals are wider than tall: with one or two VPCs on the page, their subnets go side by side
        columns = 2 if len(subnets) >= SUBNETS_FOR_TWO_COLUMNS and len(vpcs) <= 2 else 1
        width = columns * inner + (columns - 1) + 4
        gateway_width = sum(len(label) + 4 for _, label in gateways) + max(0, len(gateways) - 1) + 4
        layouts.append(_Vpc(name, title, gateways, subnets, endpoints, max(width, gateway_width), inner, columns))

    # -- what sits above: the internet, sites and their links, transit gateways
    gateway_refs = {ref for v in layouts for ref, _ in v.gateways}
    has_internet = any(ref.kind in ("internet_gateway", "egress_only_internet_gateway") for ref in gateway_refs)
    vgws = {ref.name for ref in gateway_refs if ref.kind == "vpn_gateway"}
    attachments = {ref.name for ref in gateway_refs if ref.kind == "tgw_attachment"}
    tgws = [t for t in net.transit_gateways.values()
            if any(a in attachments for a in t.attachments)]
    tgw_names = {t.name for t in tgws}
    links = [c for c in net.connections.values()
             if (c.gateway in vgws and c.gateway_kind == "vpn_gateway")
             or (c.gateway in tgw_names and c.gateway_kind == "transit_gateway")]
    sites = [s for s in net.external.values() if any(v in {c.name for c in links} for v in s.via)]

    x = max((len(t.name) + 6 for t in tgws), default=0)    # sites' links must not cross the TGW boxes
    top = 0
    internet_region: Region | None = None
    if has_internet:
        internet_region = Region(0, 0, 12, 3)
        x = max(x, 14)
    site_regions: dict[str, Region] = {}
    for site in sites:
        label = mark(Ref("external", site.name), site.name)
        own = [c for c in links if c.name in site.via]
        width = max(len(label) + 4, 3 * len(own) + 3)
        site_regions[site.name] = Region(x, 0, width, 3)
        x += width + 2
    if internet_region or site_regions:
        top = 3

    y = top
    link_rows: dict[str, int] = {}
    for conn in links:
        if conn.gateway_kind == "vpn_gateway":
            link_rows[conn.name] = y + 1
            y += 1
    if internet_region is not None:
        internet_row = y + 1
        y += 1
    tgw_rows: dict[str, int] = {}
    for tgw in tgws:
        tgw_rows[tgw.name] = y + 2      # the bus is the middle row of the TGW's box
        y += 4
    gateway_top = y + 1 if y > 0 else 0
    vpc_top = gateway_top + 1 if gateway_refs else gateway_top

    # -- place the VPCs side by side
    x = 0
    for layout in layouts:
        layout.x = x
        x += layout.width + 3

    # -- VPC boxes, their gateways and subnets
    bottoms: dict[str, int] = {}
    for layout in layouts:
        vx = layout.x
        gx = vx + 2
        for ref, label in layout.gateways:
            shown = mark(ref, label)
            feeds = sum(1 for c in links if c.gateway == ref.name and c.gateway_kind == "vpn_gateway") \
                if ref.kind == "vpn_gateway" else 0
            region = Region(gx, gateway_top, max(len(shown) + 4, 2 * feeds + 3), 3)
            layout.gateway_regions[ref] = region
            gx += region.width + 1
        row = vpc_top + (2 if layout.gateways else 1)
        content: list[tuple[Ref, Region, str, str, list[list[tuple[Ref, str]]]]] = []
        inner_width = layout.subnet_width if layout.columns > 1 else layout.width - 4
        for start in range(0, len(layout.subnets), layout.columns):    # subnets row by row, side by side
            bottom_of_row = row
            for column, (ref, title, line, members) in enumerate(layout.subnets[start:start + layout.columns]):
                lines = _wrap_members(members, inner_width - 2)
                region = Region(vx + 2 + column * (inner_width + 1), row + 1, inner_width, 3 + len(lines))
                content.append((ref, region, title, line, lines))
                bottom_of_row = max(bottom_of_row, region.y + region.height - 1)
            row = bottom_of_row
        endpoint_row = row + 1 if layout.endpoints else row
        bottom = endpoint_row + 1
        layout.region = Region(vx, vpc_top, layout.width, bottom - vpc_top + 1)
        bottoms[layout.name] = bottom
        vpc_ref = Ref("vpc", layout.name)
        # top edge in pieces, so gateway boxes sitting on it join as ┤ ├
        edges = [vx] + [p for r in layout.gateway_regions.values() for p in (r.x, r.x + r.width - 1)] + [
            vx + layout.width - 1]
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            canvas.hline(a, b, vpc_top, vpc_ref)
        canvas.box(layout.region, vpc_ref, top=False)
        boxes.append((vpc_ref, layout.region))
        canvas.text(vx + 2, vpc_top + (2 if layout.gateways else 1), mark(vpc_ref, layout.title)[:layout.width - 3],
                    vpc_ref)
        for ref, region in layout.gateway_regions.items():
            canvas.box(region, ref)
            label = next(lbl for r, lbl in layout.gateways if r == ref)
            canvas.text(region.x + 2, region.y + 1, mark(ref, label), ref)
            boxes.append((ref, region))
        for ref, region, title, line, lines in content:
            canvas.box(region, ref)
            canvas.text(region.x + 1, region.y, f" {mark(ref, title)} "[:region.width - 2], ref)
            canvas.text(region.x + 1, region.y + 1, line[:region.width - 2], ref)
            boxes.append((ref, region))
            for i, member_line in enumerate(lines):
                mx = region.x + 1
                for member_ref, shown in member_line:
                    owner = member_ref if member_ref.kind != "more" else ref
                    canvas.text(mx, region.y + 2 + i, shown, owner)
                    if member_ref.kind != "more":
                        boxes.append((member_ref, Region(mx, region.y + 2 + i, len(shown), 1)))
                    mx += len(shown) + 1
        if layout.endpoints:
            ex = vx + 2
            canvas.text(ex, endpoint_row, "vpce", vpc_ref)
            ex += 5
            for ref, label in layout.endpoints:
                shown = mark(ref, label)
                canvas.text(ex, endpoint_row, shown, ref)
                boxes.append((ref, Region(ex, endpoint_row, len(shown), 1)))
                ex += len(shown) + 1

    gateway_regions = {ref: region for layout in layouts for ref, region in layout.gateway_regions.items()}

    # -- the internet and its drops to IGWs / EIGWs
    if internet_region is not None:
        canvas.box(internet_region, INTERNET)
        canvas.text(2, 1, mark(INTERNET, "internet"), INTERNET)
        boxes.append((INTERNET, internet_region))
        cx = internet_region.x + internet_region.width // 2
        drops = [(ref, region) for ref, region in gateway_regions.items()
                 if ref.kind in ("internet_gateway", "egress_only_internet_gateway")]
        first = drops[0][1].x + drops[0][1].width // 2 if drops else cx
        if internet_region.x < first < internet_region.x + internet_region.width - 1:
            cx = first          # straight down when the first gateway sits under the box
        canvas.vline(cx, internet_region.y + 2, internet_row, INTERNET)
        xs = [region.x + region.width // 2 for _, region in drops]
        canvas.hline(min([cx, *xs]), max([cx, *xs]), internet_row, INTERNET)
        for (ref, region), dx in zip(drops, xs, strict=True):
            canvas.vline(dx, internet_row, region.y, ref)

    # -- transit gateways: a box at the left and a bus to each attachment on the page
    for tgw in tgws:
        ref = Ref("transit_gateway", tgw.name)
        bus = tgw_rows[tgw.name]
        label = mark(ref, tgw.name)
        region = Region(0, bus - 1, len(label) + 4, 3)
        drops = [(r, reg) for r, reg in gateway_regions.items()
                 if r.kind == "tgw_attachment" and r.name in tgw.attachments]
        drop_xs = [reg.x + reg.width // 2 for _, reg in drops]
        site_xs = [site_regions[s.name].x + 2 + 3 * _slot(s.via, c.name, links)
                 for c in links if c.gateway == tgw.name and c.gateway_kind == "transit_gateway"
                 for s in sites if c.name in s.via]
        right = max([region.x + region.width - 1, *drop_xs, *site_xs])
        canvas.box(region, ref)
        canvas.text(region.x + 2, region.y + 1, label, ref)
        boxes.append((ref, region))
        canvas.hline(region.x + region.width - 1, right, bus, ref)
        for (att_ref, reg), dx in zip(drops, drop_xs, strict=True):
            canvas.vline(dx, bus, reg.y, att_ref)

    # -- sites and their VPN / Direct Connect links
    for site in sites:
        ref = Ref("external", site.name)
        region = site_regions[site.name]
        canvas.box(region, ref)
        canvas.text(region.x + 2, 1, mark(ref, site.name), ref)
        boxes.append((ref, region))
    vgw_slots: dict[str, int] = {}
    labels: list[tuple[int, int, str, Ref]] = []
    for conn in links:
        conn_ref = Ref("connection", conn.name)
        xs = [site_regions[site.name].x + 2 + 3 * _slot(site.via, conn.name, links)
              for site in sites if conn.name in site.via]
        if not xs:
            continue
        if conn.gateway_kind == "vpn_gateway":
            target = gateway_regions.get(Ref("vpn_gateway", conn.gateway))
            if target is None:
                continue
            slot = vgw_slots.get(conn.gateway, 0)
            vgw_slots[conn.gateway] = slot + 1
            tx = min(target.x + 1 + slot * 2, target.x + target.width - 2)
            row = link_rows[conn.name]
            for sx in xs:
                canvas.vline(sx, 2, row, conn_ref)
            canvas.hline(min([*xs, tx]), max([*xs, tx]), row, conn_ref)
            canvas.vline(tx, row, target.y, conn_ref)
            labels.append((row, max([*xs, tx]) + 2, conn.name, conn_ref))
        else:
            for sx in xs:
                canvas.vline(sx, 2, tgw_rows[conn.gateway], conn_ref)
            labels.append((3, max(xs) + 2, conn.name, conn_ref))
    for row, lx, text, conn_ref in labels:     # after every line, so a label never cuts one
        start = canvas.place_label(row, lx, text, conn_ref)
        boxes.append((conn_ref, Region(start, row, len(text), 1)))

    # -- peering connections under the VPCs
    on_page = {layout.name: layout for layout in layouts}
    row = max(bottoms.values(), default=vpc_top) + 1
    slots: dict[str, int] = {}
    for peering in net.peerings.values():
        sides = [v for v in (peering.requester, peering.accepter) if v in on_page]
        if not sides:
            continue
        ref = Ref("peering", peering.name)
        xs = []
        for v in sides:
            k = slots.get(v, 0)
            slots[v] = k + 1
            layout = on_page[v]
            px = layout.x + 3 + 3 * k
            xs.append(px)
            canvas.vline(px, bottoms[v], row, ref)
        label = mark(ref, peering.name)
        if len(xs) == 2:
            canvas.hline(xs[0], xs[1], row, ref)
            middle = (min(xs) + max(xs) - len(label)) // 2
            start = canvas.place_label(row, max(middle, min(xs) + 2), label, ref) if max(xs) - min(xs) > \
                len(label) + 3 else canvas.place_label(row, max(xs) + 2, label, ref)
            if max(xs) - min(xs) > len(label) + 3:
                canvas.text(start - 1, row, " ", ref)
                canvas.text(start + len(label), row, " ", ref)
        else:
            other = peering.far_side(sides[0])
            label = f"{label} -> {other} (not on this page)"
            start = canvas.place_label(row, xs[0] + 2, label, ref)
        boxes.append((ref, Region(start, row, len(label), 1)))
        row += 1

    drawn, owners, width, height = canvas.render()
    boxes.sort(key=lambda item: (item[1].y, item[1].x, -item[1].width))
    return Picture(drawn, owners, boxes, vpcs, width, height)


def _slot(via: tuple[str, ...], name: str, links: Sequence[Connection]) -> int:
    """Which of a site's link slots (along its bottom edge) a connection uses."""
    shown = [v for v in via if any(c.name == v for c in links)]
    return shown.index(name) if name in shown else 0


def _members(catalog: Catalog, subnet: str, path: set[Ref], drop: Ref | None) -> list[tuple[Ref, str]]:
    """What a subnet box lists: components on the path first, then NAT gateways, endpoints, instances
    (the one that dropped a trace marked ✗)."""
    net = catalog.net
    found: list[tuple[int, int, Ref, str]] = []
    for i, eni_name in enumerate(catalog.subnet_enis.get(subnet, ())):
        eni = net.enis[eni_name]
        if eni.kind is EniKind.NAT_GATEWAY:
            ref, label, rank = Ref("nat_gateway", eni.owner), eni.owner, 1
        elif eni.kind in (EniKind.INTERFACE_ENDPOINT, EniKind.GWLB_ENDPOINT):
            ref, label, rank = Ref("eni", eni_name), eni.owner, 2
        elif eni.kind is EniKind.TGW_ATTACHMENT:
            ref, label, rank = Ref("eni", eni_name), f"{eni.owner}@{eni.az[-1:]}", 4
        elif eni.kind is EniKind.INSTANCE and eni.owner:
            ref, label, rank = Ref("eni", eni_name), eni.owner, 3
        else:
            ref, label, rank = Ref("eni", eni_name), eni_name, 3
        on_path = ref in path or Ref("eni", eni_name) in path
        if on_path:
            ref = Ref("eni", eni_name) if ref.kind == "eni" else ref
        found.append((0 if on_path else rank, i, ref, label))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(ref, f"{DROP_MARK}{label}" if ref == drop else label) for _, _, ref, label in found]


def _wrap_members(members: list[tuple[Ref, str]], width: int, max_lines: int = 2) -> list[list[tuple[Ref, str]]]:
    """At most ``max_lines`` lines of member names, the last ending with ``+N`` when some do not fit."""
    lines: list[list[tuple[Ref, str]]] = []
    current: list[tuple[Ref, str]] = []
    used = 0
    for i, (ref, label) in enumerate(members):
        label = label[:width - 4] if len(label) > width - 4 else label
        need = len(label) + (1 if current else 0)
        last_line = len(lines) == max_lines - 1
        reserve = 4 if last_line and i < len(members) - 1 else 0
        if used + need + reserve > width:
            if last_line:
                current.append((Ref("more", ""), f"+{len(members) - i}"))
                lines.append(current)
                return lines
            lines.append(current)
            current, used = [], 0
            need = len(label)
        current.append((ref, label))
        used += need
    if current:
        lines.append(current)
    return lines
