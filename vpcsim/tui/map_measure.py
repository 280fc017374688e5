"""The map's first phase, measure: what each box on a page says and how big it must be.

For each VPC on the page: its gateways (drawn on its top edge), its subnets with the members each lists
(wrapped to at most two lines), its gateway endpoints, and the widths that follow. Around the VPCs: the
internet when a gateway leads to it, the transit gateways and VPN / Direct Connect links that reach the
page, the sites at their far end, and the peering connections with a side on the page.

Every label is measured as it will be shown, with ``✗`` in front of the component a trace was dropped at
— except where the map has always measured the bare name (a VPC's title, a subnet's title, the row of
gateways on a VPC's edge): those keep their width, so marking a drop never moves a box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from vpcsim.compile.components import EniKind
from vpcsim.tui.refs import INTERNET, Ref

if TYPE_CHECKING:
    from vpcsim.compile.components import Connection
    from vpcsim.compile.network import CompiledNetwork
    from vpcsim.tui.catalog import Catalog

SUBNETS_FOR_TWO_COLUMNS = 4
MIN_SUBNET_WIDTH = 20
MAX_SUBNET_WIDTH = 34
MEMBER_LINES = 2
DROP_MARK = "✗"
MORE = Ref("more", "")          #: the ``+N`` closing a subnet's members when some do not fit


class Label(NamedTuple):
    """A component and the text that names it on the map."""

    ref: Ref
    text: str


class SubnetShape(NamedTuple):
    ref: Ref
    title: str
    line: str                                   #: CIDR and AZ
    members: tuple[tuple[Label, ...], ...]      #: wrapped, at most ``MEMBER_LINES`` lines


class VpcShape(NamedTuple):
    name: str
    title: str
    gateways: tuple[Label, ...]
    subnets: tuple[SubnetShape, ...]
    endpoints: tuple[Label, ...]
    width: int
    subnet_width: int                           #: of each subnet box
    columns: int                                #: subnets side by side


class TransitGatewayShape(NamedTuple):
    label: Label
    attachments: tuple[str, ...]


class SiteShape(NamedTuple):
    label: Label
    via: tuple[str, ...]


class PeeringShape(NamedTuple):
    label: Label
    sides: tuple[str, ...]                      #: the VPCs it joins that are on the page (one or two)
    far_side: str                               #: the other VPC, when only one side is on the page


class Surroundings(NamedTuple):
    """What the page's VPCs connect to: above them the internet, sites, their links and transit gateways;
    below them the peering connections."""

    internet: Label | None
    transit_gateways: tuple[TransitGatewayShape, ...]
    links: tuple[Connection, ...]
    sites: tuple[SiteShape, ...]
    peerings: tuple[PeeringShape, ...]


class Measures(NamedTuple):
    vpcs: tuple[VpcShape, ...]
    around: Surroundings


def measure(catalog: Catalog, vpcs: tuple[str, ...], path: set[Ref], drop: Ref | None) -> Measures:
    """Everything on the page of ``vpcs``, labelled and sized; ``path`` members come first in their subnets."""
    shapes = tuple(_measure_vpc(catalog, name, len(vpcs), path, drop) for name in vpcs)
    return Measures(shapes, _surroundings(catalog.net, shapes, drop))


def marked(ref: Ref, text: str, drop: Ref | None) -> str:
    return f"{DROP_MARK}{text}" if ref == drop else text


def _measure_vpc(catalog: Catalog, name: str, on_page: int, path: set[Ref], drop: Ref | None) -> VpcShape:
    """A VPC is as wide as its subnets need (their names and CIDRs, within bounds so one long name cannot
    widen the page) or as the row of gateways on its top edge, whichever is wider."""
    net = catalog.net
    vpc = net.vpcs[name]
    gateways = _gateways(net, name)
    subnets = []
    for subnet_name in vpc.subnets:
        s = net.subnets[subnet_name]
        line = f"{s.cidr or s.ipv6_cidr or ''} {s.az}".strip()
        subnets.append((Ref("subnet", subnet_name), subnet_name, line, _members(catalog, subnet_name, path, drop)))
    endpoints = tuple(_label("endpoint", e.name, drop) for e in net.endpoints.values()
                      if e.vpc == name and e.type == "gateway")
    title = f"{name} {vpc.cidrs[0] if vpc.cidrs else ''}".strip()
    inner = max([MIN_SUBNET_WIDTH, len(title) + 1] + [max(len(t) + 4, len(line) + 2) for _, t, line, _ in subnets])
    inner = min(inner, MAX_SUBNET_WIDTH)
    # terminals are wider than tall: with one or two VPCs on the page, their subnets go side by side
    columns = 2 if len(subnets) >= SUBNETS_FOR_TWO_COLUMNS and on_page <= 2 else 1
    width = columns * inner + (columns - 1) + 4
    gateway_width = sum(len(label.text) + 4 for label in gateways) + max(0, len(gateways) - 1) + 4
    width = max(width, gateway_width)
    subnet_width = inner if columns > 1 else width - 4
    shapes = tuple(SubnetShape(ref, marked(ref, t, drop), line, _wrap(members, subnet_width - 2))
                   for ref, t, line, members in subnets)
    shown_gateways = tuple(Label(g.ref, marked(g.ref, g.text, drop)) for g in gateways)
    return VpcShape(name, marked(Ref("vpc", name), title, drop), shown_gateways, shapes, endpoints, width, subnet_width,
                    columns)


def _gateways(net: CompiledNetwork, name: str) -> tuple[Label, ...]:
    """The gateways a VPC's top edge carries: internet, egress-only, virtual private, TGW attachments."""
    vpc = net.vpcs[name]
    found: list[Label] = []
    if vpc.internet_gateway:
        found.append(Label(Ref("internet_gateway", vpc.internet_gateway), vpc.internet_gateway))
    if vpc.egress_only_internet_gateway:
        found.append(Label(Ref("egress_only_internet_gateway", vpc.egress_only_internet_gateway),
                           vpc.egress_only_internet_gateway))
    if vpc.vpn_gateway:
        found.append(Label(Ref("vpn_gateway", vpc.vpn_gateway), vpc.vpn_gateway))
    found += [Label(Ref("tgw_attachment", a.name), a.name) for a in net.tgw_attachments.values()
              if a.kind == "vpc" and a.resource == name]
    return tuple(found)


def _members(catalog: Catalog, subnet: str, path: set[Ref], drop: Ref | None) -> list[Label]:
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
    return [Label(ref, marked(ref, label, drop)) for _, _, ref, label in found]


def _wrap(members: list[Label], width: int, max_lines: int = MEMBER_LINES) -> tuple[tuple[Label, ...], ...]:
    """At most ``max_lines`` lines of member names, the last ending with ``+N`` when some do not fit."""
    lines: list[tuple[Label, ...]] = []
    current: list[Label] = []
    used = 0
    for i, (ref, label) in enumerate(members):
        label = label[:width - 4] if len(label) > width - 4 else label
        need = len(label) + (1 if current else 0)
        last_line = len(lines) == max_lines - 1
        reserve = 4 if last_line and i < len(members) - 1 else 0
        if used + need + reserve > width:
            if last_line:
                current.append(Label(MORE, f"+{len(members) - i}"))
                lines.append(tuple(current))
                return tuple(lines)
            lines.append(tuple(current))
            current, used = [], 0
            need = len(label)
        current.append(Label(ref, label))
        used += need
    if current:
        lines.append(tuple(current))
    return tuple(lines)


def _surroundings(net: CompiledNetwork, vpcs: tuple[VpcShape, ...], drop: Ref | None) -> Surroundings:
    gateway_refs = {label.ref for v in vpcs for label in v.gateways}
    has_internet = any(ref.kind in ("internet_gateway", "egress_only_internet_gateway") for ref in gateway_refs)
    vgws = {ref.name for ref in gateway_refs if ref.kind == "vpn_gateway"}
    attachments = {ref.name for ref in gateway_refs if ref.kind == "tgw_attachment"}
    tgws = [t for t in net.transit_gateways.values() if any(a in attachments for a in t.attachments)]
    tgw_names = {t.name for t in tgws}
    links = tuple(c for c in net.connections.values()
                  if (c.gateway in vgws and c.gateway_kind == "vpn_gateway")
                  or (c.gateway in tgw_names and c.gateway_kind == "transit_gateway"))
    link_names = {c.name for c in links}
    sites = [s for s in net.external.values() if any(v in link_names for v in s.via)]
    on_page = {v.name for v in vpcs}
    peerings = []
    for peering in net.peerings.values():
        sides = tuple(v for v in (peering.requester, peering.accepter) if v in on_page)
        if sides:
            ref = Ref("peering", peering.name)
            peerings.append(PeeringShape(Label(ref, marked(ref, peering.name, drop)), sides,
                                         peering.far_side(sides[0])))
    return Surroundings(
        Label(INTERNET, marked(INTERNET, "internet", drop)) if has_internet else None,
        tuple(TransitGatewayShape(_label("transit_gateway", t.name, drop), t.attachments) for t in tgws),
        links, tuple(SiteShape(_label("external", s.name, drop), s.via) for s in sites), tuple(peerings))


def _label(kind: str, name: str, drop: Ref | None) -> Label:
    ref = Ref(kind, name)
    return Label(ref, marked(ref, name, drop))
