"""The map's last phase, paint: each placed shape drawn on the canvas by the painter of its kind.

A painter draws one kind of shape and returns the selectable boxes it made (what a click on the map, or a
hop of a trace, lands on). ``PAINTERS`` dispatches on the shape's type; ``paint`` runs them in the order the
shapes were placed and renders the picture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vpcsim.tui.map_canvas import Canvas, Picture, Region
from vpcsim.tui.map_measure import MORE
from vpcsim.tui.map_place import (
    EndpointRow,
    GatewayBox,
    InternetBox,
    Link,
    LinkLabel,
    PeeringLine,
    Shape,
    SiteBox,
    SubnetBox,
    TransitGatewayBox,
    VpcFrame,
)
from vpcsim.tui.refs import INTERNET, Ref

Box = tuple[Ref, Region]


def paint(shapes: tuple[Shape, ...], vpcs: tuple[str, ...]) -> Picture:
    """The picture of ``shapes``; its boxes sorted top to bottom, left to right, the wider first."""
    canvas = Canvas()
    boxes: list[Box] = []
    for shape in shapes:
        boxes += PAINTERS[type(shape)](canvas, shape)
    drawn, owners, width, height = canvas.render()
    boxes.sort(key=lambda item: (item[1].y, item[1].x, -item[1].width))
    return Picture(drawn, owners, boxes, vpcs, width, height)


def paint_vpc(canvas: Canvas, vpc: VpcFrame) -> list[Box]:
    region = vpc.region
    for a, b in vpc.top_edges:
        canvas.hline(a, b, region.y, vpc.ref)
    canvas.box(region, vpc.ref, top=False)
    canvas.text(region.x + 2, vpc.title_row, vpc.title, vpc.ref)
    return [(vpc.ref, region)]


def paint_gateway(canvas: Canvas, gateway: GatewayBox) -> list[Box]:
    return _labelled_box(canvas, gateway.ref, gateway.region, gateway.label)


def paint_subnet(canvas: Canvas, subnet: SubnetBox) -> list[Box]:
    """The subnet's box with its name in the top edge, its CIDR and AZ, and its members (each a box of its own;
    the ``+N`` of those that do not fit belongs to the subnet)."""
    ref, region = subnet.ref, subnet.region
    canvas.box(region, ref)
    canvas.text(region.x + 1, region.y, f" {subnet.title} "[:region.width - 2], ref)
    canvas.text(region.x + 1, region.y + 1, subnet.line[:region.width - 2], ref)
    boxes = [(ref, region)]
    for i, line in enumerate(subnet.members):
        x, y = region.x + 1, region.y + 2 + i
        for member, text in line:
            canvas.text(x, y, text, member if member != MORE else ref)
            if member != MORE:
                boxes.append((member, Region(x, y, len(text), 1)))
            x += len(text) + 1
    return boxes


def paint_endpoints(canvas: Canvas, row: EndpointRow) -> list[Box]:
    canvas.text(row.x, row.y, "vpce", row.vpc)
    x = row.x + 5
    boxes: list[Box] = []
    for ref, text in row.endpoints:
        canvas.text(x, row.y, text, ref)
        boxes.append((ref, Region(x, row.y, len(text), 1)))
        x += len(text) + 1
    return boxes


def paint_internet(canvas: Canvas, internet: InternetBox) -> list[Box]:
    region, row = internet.region, internet.row
    boxes = _labelled_box(canvas, INTERNET, region, internet.label)
    canvas.vline(internet.column, region.y + 2, row, INTERNET)
    xs = [drop.x for drop in internet.drops]
    canvas.hline(min([internet.column, *xs]), max([internet.column, *xs]), row, INTERNET)
    for drop in internet.drops:
        canvas.vline(drop.x, row, drop.bottom, drop.ref)
    return boxes


def paint_transit_gateway(canvas: Canvas, tgw: TransitGatewayBox) -> list[Box]:
    region = tgw.region
    boxes = _labelled_box(canvas, tgw.ref, region, tgw.label)
    canvas.hline(region.x + region.width - 1, tgw.right, tgw.bus, tgw.ref)
    for drop in tgw.drops:
        canvas.vline(drop.x, tgw.bus, drop.bottom, drop.ref)
    return boxes


def paint_site(canvas: Canvas, site: SiteBox) -> list[Box]:
    return _labelled_box(canvas, site.ref, site.region, site.label)


def paint_link(canvas: Canvas, link: Link) -> list[Box]:
    for x in link.xs:
        canvas.vline(x, link.top, link.row, link.ref)
    if link.gateway is not None:
        tx, ty = link.gateway
        canvas.hline(min([*link.xs, tx]), max([*link.xs, tx]), link.row, link.ref)
        canvas.vline(tx, link.row, ty, link.ref)
    return []


def paint_link_label(canvas: Canvas, label: LinkLabel) -> list[Box]:
    start = canvas.place_label(label.row, label.x, label.text, label.ref)
    return [(label.ref, Region(start, label.row, len(label.text), 1))]


def paint_peering(canvas: Canvas, peering: PeeringLine) -> list[Box]:
    ref, row, label = peering.ref, peering.row, peering.label
    for x, bottom in peering.drops:
        canvas.vline(x, bottom, row, ref)
    if len(peering.drops) == 2:
        canvas.hline(peering.drops[0][0], peering.drops[1][0], row, ref)
    start = canvas.place_label(row, peering.label_x, label, ref)
    if peering.padded:
        canvas.text(start - 1, row, " ", ref)
        canvas.text(start + len(label), row, " ", ref)
    return [(ref, Region(start, row, len(label), 1))]


def _labelled_box(canvas: Canvas, ref: Ref, region: Region, label: str) -> list[Box]:
    canvas.box(region, ref)
    canvas.text(region.x + 2, region.y + 1, label, ref)
    return [(ref, region)]


#: Shape type -> its painter (each takes the canvas and a shape of that type).
PAINTERS: dict[type, Callable[[Canvas, Any], list[Box]]] = {
    VpcFrame: paint_vpc, GatewayBox: paint_gateway, SubnetBox: paint_subnet, EndpointRow: paint_endpoints,
    InternetBox: paint_internet, TransitGatewayBox: paint_transit_gateway, SiteBox: paint_site, Link: paint_link,
    LinkLabel: paint_link_label, PeeringLine: paint_peering,
}
