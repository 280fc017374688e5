"""The map's second phase, place: where every measured box and line goes, as shapes the painter draws.

Top to bottom: the internet and the sites in a band of boxes; one row per VPN link to a virtual private
gateway; the internet's row, from which it drops to the internet gateways; one bus per transit gateway;
the gateways on the VPCs' top edges; the VPCs side by side with their subnets row by row; one row per
peering connection under them.

The shapes come out in the order they are painted, which matters: a label is written where the cells
are still free, and where two lines meet the one drawn last owns the cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from vpcsim.tui.map_canvas import Region
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.compile.components import Connection
    from vpcsim.tui.map_measure import Label, Measures, SiteShape, Surroundings, TransitGatewayShape, VpcShape

BAND_HEIGHT = 3                 #: the boxes of the internet and the sites, at the very top
INTERNET_WIDTH = 12
TGW_HEIGHT = 4                  #: a transit gateway's box and the gap under it; its bus is the box's middle row
VPC_GAP = 3
LINK_SLOT = 3                   #: columns between two links leaving a site, or two peerings leaving a VPC


class VpcFrame(NamedTuple):
    """A VPC's box, its top edge drawn in pieces so the gateways sitting on it join as ``┤ ├``."""

    ref: Ref
    region: Region
    top_edges: tuple[tuple[int, int], ...]
    title: str
    title_row: int


class GatewayBox(NamedTuple):
    ref: Ref
    region: Region
    label: str


class SubnetBox(NamedTuple):
    ref: Ref
    region: Region
    title: str
    line: str
    members: tuple[tuple[Label, ...], ...]


class EndpointRow(NamedTuple):
    """The gateway endpoints of a VPC, on one row along its bottom: ``vpce s3-ep dynamodb-ep``."""

    vpc: Ref
    x: int
    y: int
    endpoints: tuple[Label, ...]


class Drop(NamedTuple):
    """A line down from a bus to the top of a gateway box."""

    ref: Ref
    x: int
    bottom: int


class InternetBox(NamedTuple):
    region: Region
    label: str
    column: int                 #: where its line leaves the box
    row: int                    #: the row the drops hang from
    drops: tuple[Drop, ...]


class TransitGatewayBox(NamedTuple):
    ref: Ref
    region: Region
    label: str
    bus: int
    right: int                  #: where the bus ends
    drops: tuple[Drop, ...]


class SiteBox(NamedTuple):
    ref: Ref
    region: Region
    label: str


class Link(NamedTuple):
    """A VPN or Direct Connect link: down from each site to ``row``, then across to its gateway when that is a
    virtual private gateway (a transit gateway's bus is on ``row`` itself)."""

    ref: Ref
    xs: tuple[int, ...]
    top: int
    row: int
    gateway: tuple[int, int] | None          #: (x, y) of the top of the virtual private gateway


class LinkLabel(NamedTuple):
    """A link's name, placed after every link is drawn so that it never cuts one."""

    ref: Ref
    row: int
    x: int
    text: str


class PeeringLine(NamedTuple):
    """A peering connection's row under the VPCs: a drop from each side on the page, and its label, centred
    between two sides when it fits (``padded`` with a blank either side)."""

    ref: Ref
    drops: tuple[tuple[int, int], ...]      #: (x, the VPC's bottom)
    row: int
    label: str
    label_x: int
    padded: bool


Shape = (VpcFrame | GatewayBox | SubnetBox | EndpointRow | InternetBox | TransitGatewayBox | SiteBox | Link | LinkLabel
         | PeeringLine)


class Rows(NamedTuple):
    """What sits above the VPCs: the band of boxes, then the rows of links, the internet and the buses."""

    internet: Region | None
    sites: Mapping[str, Region]
    link_rows: Mapping[str, int]
    internet_row: int
    tgw_rows: Mapping[str, int]
    gateway_top: int
    vpc_top: int


class PlacedVpc(NamedTuple):
    name: str
    x: int
    bottom: int
    gateways: Mapping[Ref, Region]
    shapes: tuple[Shape, ...]


def place(measures: Measures) -> tuple[Shape, ...]:
    """Every shape of the page, in the order it is painted."""
    vpcs, around = measures
    rows = _place_rows(around, any(v.gateways for v in vpcs))
    placed: list[PlacedVpc] = []
    x = 0
    for vpc in vpcs:
        placed.append(_place_vpc(vpc, x, rows, around.links))
        x += vpc.width + VPC_GAP
    gateways = {ref: region for p in placed for ref, region in p.gateways.items()}
    shapes: list[Shape] = [shape for p in placed for shape in p.shapes]
    if rows.internet is not None and around.internet is not None:
        shapes.append(_place_internet(rows.internet, around.internet.text, rows.internet_row, gateways))
    shapes += [_place_transit_gateway(tgw, rows, gateways, around) for tgw in around.transit_gateways]
    shapes += [SiteBox(site.label.ref, rows.sites[site.label.ref.name], site.label.text) for site in around.sites]
    shapes += _place_links(around, rows, gateways)
    shapes += _place_peerings(around, placed, rows.vpc_top)
    return tuple(shapes)


def _place_rows(around: Surroundings, has_gateways: bool) -> Rows:
    # the band: the internet at the left, then the sites, right of the TGW boxes (their links must not cross them)
    x = max((len(t.label.ref.name) + 6 for t in around.transit_gateways), default=0)
    internet = None
    if around.internet is not None:
        internet = Region(0, 0, INTERNET_WIDTH, BAND_HEIGHT)
        x = max(x, INTERNET_WIDTH + 2)
    sites: dict[str, Region] = {}
    for site in around.sites:
        own = [c for c in around.links if c.name in site.via]
        width = max(len(site.label.text) + 4, LINK_SLOT * len(own) + 3)
        sites[site.label.ref.name] = Region(x, 0, width, BAND_HEIGHT)
        x += width + 2
    y = BAND_HEIGHT if internet or sites else 0
    link_rows: dict[str, int] = {}
    for conn in around.links:
        if conn.gateway_kind == "vpn_gateway":
            link_rows[conn.name] = y + 1
            y += 1
    internet_row = 0
    if internet is not None:
        internet_row = y + 1
        y += 1
    tgw_rows: dict[str, int] = {}
    for tgw in around.transit_gateways:
        tgw_rows[tgw.label.ref.name] = y + 2
        y += TGW_HEIGHT
    gateway_top = y + 1 if y > 0 else 0
    vpc_top = gateway_top + 1 if has_gateways else gateway_top
    return Rows(internet, sites, link_rows, internet_row, tgw_rows, gateway_top, vpc_top)


def _place_vpc(vpc: VpcShape, vx: int, rows: Rows, links: Sequence[Connection]) -> PlacedVpc:
    """The VPC's box at column ``vx``: its gateways on the top edge, its subnets row by row (side by side when
    it has columns), its endpoints on the last row."""
    vpc_top = rows.vpc_top
    gateways: dict[Ref, Region] = {}
    gx = vx + 2
    for ref, label in vpc.gateways:
        feeds = sum(1 for c in links if c.gateway == ref.name and c.gateway_kind == "vpn_gateway") \
            if ref.kind == "vpn_gateway" else 0
        region = gateways[ref] = Region(gx, rows.gateway_top, max(len(label) + 4, 2 * feeds + 3), 3)
        gx += region.width + 1
    title_row = vpc_top + (2 if vpc.gateways else 1)
    row = title_row
    subnets: list[SubnetBox] = []
    width = vpc.subnet_width
    for start in range(0, len(vpc.subnets), vpc.columns):
        bottom_of_row = row
        for column, subnet in enumerate(vpc.subnets[start:start + vpc.columns]):
            region = Region(vx + 2 + column * (width + 1), row + 1, width, 3 + len(subnet.members))
            subnets.append(SubnetBox(subnet.ref, region, subnet.title, subnet.line, subnet.members))
            bottom_of_row = max(bottom_of_row, region.y + region.height - 1)
        row = bottom_of_row
    endpoint_row = row + 1 if vpc.endpoints else row
    bottom = endpoint_row + 1
    ref = Ref("vpc", vpc.name)
    edges = [vx] + [p for r in gateways.values() for p in (r.x, r.x + r.width - 1)] + [vx + vpc.width - 1]
    frame = VpcFrame(ref, Region(vx, vpc_top, vpc.width, bottom - vpc_top + 1),
                     tuple(zip(edges[::2], edges[1::2], strict=True)), vpc.title[:vpc.width - 3], title_row)
    labels = dict(vpc.gateways)
    shapes: list[Shape] = [frame, *(GatewayBox(r, region, labels[r]) for r, region in gateways.items()), *subnets]
    if vpc.endpoints:
        shapes.append(EndpointRow(ref, vx + 2, endpoint_row, vpc.endpoints))
    return PlacedVpc(vpc.name, vx, bottom, gateways, tuple(shapes))


def _place_internet(region: Region, label: str, row: int, gateways: Mapping[Ref, Region]) -> InternetBox:
    """The internet's line leaves its box straight down when the first gateway sits under it, and hangs a drop
    to every internet and egress-only gateway on the page."""
    drops = [(ref, r) for ref, r in gateways.items()
             if ref.kind in ("internet_gateway", "egress_only_internet_gateway")]
    column = region.x + region.width // 2
    first = drops[0][1].x + drops[0][1].width // 2 if drops else column
    if region.x < first < region.x + region.width - 1:
        column = first
    return InternetBox(region, label, column, row, tuple(Drop(ref, r.x + r.width // 2, r.y) for ref, r in drops))


def _place_transit_gateway(tgw: TransitGatewayShape, rows: Rows, gateways: Mapping[Ref, Region],
                           around: Surroundings) -> TransitGatewayBox:
    """A box at the left and a bus to the right, as far as its last attachment or the last link that reaches it."""
    ref, label = tgw.label
    bus = rows.tgw_rows[ref.name]
    region = Region(0, bus - 1, len(label) + 4, 3)
    drops = tuple(Drop(r, reg.x + reg.width // 2, reg.y) for r, reg in gateways.items()
                  if r.kind == "tgw_attachment" and r.name in tgw.attachments)
    site_xs = [_site_x(rows.sites, site, c.name, around.links) for c in around.links
               if c.gateway == ref.name and c.gateway_kind == "transit_gateway"
               for site in around.sites if c.name in site.via]
    right = max([region.x + region.width - 1, *(d.x for d in drops), *site_xs])
    return TransitGatewayBox(ref, region, label, bus, right, drops)


def _place_links(around: Surroundings, rows: Rows, gateways: Mapping[Ref, Region]) -> list[Shape]:
    """Each link from its sites' bottom edges: to its row and across to a virtual private gateway (the gateway's
    links land side by side on its top edge), or down to a transit gateway's bus. Labels come last."""
    lines: list[Shape] = []
    labels: list[Shape] = []
    vgw_slots: dict[str, int] = {}
    for conn in around.links:
        ref = Ref("connection", conn.name)
        xs = tuple(_site_x(rows.sites, site, conn.name, around.links) for site in around.sites
                   if conn.name in site.via)
        if not xs:
            continue
        if conn.gateway_kind == "vpn_gateway":
            target = gateways.get(Ref("vpn_gateway", conn.gateway))
            if target is None:
                continue
            slot = vgw_slots.get(conn.gateway, 0)
            vgw_slots[conn.gateway] = slot + 1
            tx = min(target.x + 1 + slot * 2, target.x + target.width - 2)
            row = rows.link_rows[conn.name]
            lines.append(Link(ref, xs, BAND_HEIGHT - 1, row, (tx, target.y)))
            labels.append(LinkLabel(ref, row, max([*xs, tx]) + 2, conn.name))
        else:
            lines.append(Link(ref, xs, BAND_HEIGHT - 1, rows.tgw_rows[conn.gateway], None))
            labels.append(LinkLabel(ref, BAND_HEIGHT, max(xs) + 2, conn.name))
    return lines + labels


def _site_x(sites: Mapping[str, Region], site: SiteShape, link: str, links: Sequence[Connection]) -> int:
    """The column a link leaves a site from: one slot per link along the site's bottom edge."""
    shown = [v for v in site.via if any(c.name == v for c in links)]
    slot = shown.index(link) if link in shown else 0
    return sites[site.label.ref.name].x + 2 + LINK_SLOT * slot


def _place_peerings(around: Surroundings, placed: Sequence[PlacedVpc], vpc_top: int) -> list[Shape]:
    """One row per peering connection under the VPCs; each VPC's peerings leave its bottom edge side by side."""
    on_page = {p.name: p for p in placed}
    row = max((p.bottom for p in placed), default=vpc_top) + 1
    slots: dict[str, int] = {}
    lines: list[Shape] = []
    for peering in around.peerings:
        ref, label = peering.label
        drops = []
        for side in peering.sides:
            k = slots.get(side, 0)
            slots[side] = k + 1
            drops.append((on_page[side].x + 3 + LINK_SLOT * k, on_page[side].bottom))
        xs = [x for x, _ in drops]
        padded = False
        if len(xs) == 2:
            padded = max(xs) - min(xs) > len(label) + 3
            middle = (min(xs) + max(xs) - len(label)) // 2
            label_x = max(middle, min(xs) + 2) if padded else max(xs) + 2
        else:
            label = f"{label} -> {peering.far_side} (not on this page)"
            label_x = xs[0] + 2
        lines.append(PeeringLine(ref, tuple(drops), row, label, label_x, padded))
        row += 1
    return lines
