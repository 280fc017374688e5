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

``draw`` runs three phases, each handing plain data to the next: ``map_measure`` (what each box says and
how big it is), ``map_place`` (where each box and line goes) and ``map_paint`` (one painter per kind of
shape, on the ``map_canvas`` grid). This module also chooses the VPCs of a page and relates a trace to the
picture: what it touched, and where on the map each of its hops happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vpcsim.compile.components import EniKind
from vpcsim.ip import is_address, parse_address
from vpcsim.tui.map_measure import measure
from vpcsim.tui.map_paint import paint
from vpcsim.tui.map_place import place
from vpcsim.tui.refs import Ref

if TYPE_CHECKING:
    from vpcsim.engine.results import Hop, Trace
    from vpcsim.tui.catalog import Catalog
    from vpcsim.tui.map_canvas import Picture

PAGE_SIZE = 6


def draw(catalog: Catalog, vpcs: tuple[str, ...], path: set[Ref] | None = None, drop: Ref | None = None
         ) -> Picture:
    """Draw ``vpcs`` with everything that connects them; ``path`` members are listed first in their subnets,
    and ``drop`` is marked with ✗."""
    return paint(place(measure(catalog, vpcs, path or set(), drop)), vpcs)


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
