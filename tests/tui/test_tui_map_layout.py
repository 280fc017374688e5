"""The map as characters (vpcsim.tui.map_layout): joins, crossings, and what each topology shows."""

from __future__ import annotations

from collections.abc import Callable

import vpcsim
from vpcsim.tui import map_layout
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.map_canvas import Canvas, Region
from vpcsim.tui.refs import Ref

Loader = Callable[[str], vpcsim.Network]
A, B = Ref("vpc", "a"), Ref("vpc", "b")


def test_a_line_ending_on_a_border_joins_it_and_two_lines_that_cross_do_not() -> None:
    canvas = Canvas()
    canvas.box(Region(0, 2, 7, 3), A)
    canvas.vline(3, 0, 2, B)              # ends on A's top edge
    canvas.hline(0, 6, 6, A)
    canvas.vline(5, 5, 7, B)              # passes through A's line
    lines, owners, _, _ = canvas.render()
    assert lines[2] == "┌──┴──┐"
    assert lines[6][5] == "│" and owners[6][5] == B
    assert lines[6][:5] == "─────"


def test_the_map_shows_gateways_on_their_vpc_and_links_to_the_internet_and_sites(load: Loader) -> None:
    net = load("hybrid-vpn-dx")
    picture = map_layout.draw(Catalog(net.compiled, net.topology), ("corp",))
    text = "\n".join(picture.lines)
    assert "┤ vgw" in text and "corp 10.40.0.0/16" in text
    for ref in (Ref("external", "dc-east"), Ref("connection", "dx-vif"), Ref("vpn_gateway", "vgw"),
                Ref("subnet", "app-a"), Ref("eni", "eni-app-1")):
        assert picture.region_of(ref) is not None, ref


def test_peering_connections_are_drawn_under_the_vpcs_they_join(load: Loader) -> None:
    net = load("peering-triangle")
    catalog = Catalog(net.compiled, net.topology)
    picture = map_layout.draw(catalog, map_layout.pages(catalog)[0])
    labels = {ref.name for ref, _ in picture.boxes if ref.kind == "peering"}
    assert labels == set(net.compiled.peerings)
    member = picture.region_of(Ref("eni", "eni-a-app-1"))
    assert member is not None
    assert picture.box_at(member.x, member.y) == Ref("eni", "eni-a-app-1")     # the member, not its subnet


def test_a_trace_is_anchored_hop_by_hop_and_its_drop_marked(load: Loader) -> None:
    net = load("nat-per-az")
    catalog = Catalog(net.compiled, net.topology)
    trace = net.trace("app-1", "internet:192.0.2.80", port=443)
    hops = (*trace.forward, *trace.reply)
    picture = map_layout.draw(catalog, map_layout.trace_vpcs(catalog, trace), map_layout.path_refs(catalog, hops))
    anchors = map_layout.anchors(catalog, hops, picture)
    assert [str(a) for a in anchors[:9]] == [
        "eni:eni-app-1", "subnet:app-a", "subnet:app-a", "subnet:public-a", "nat_gateway:nat-a", "subnet:public-a",
        "subnet:public-a", "internet_gateway:igw", "internet:internet"]
    denied = net.trace("bastion", "db-1", port=5432)
    picture = map_layout.draw(catalog, ("shop",), drop=Ref("subnet", "db-a"))
    assert "┌ ✗db-a " in "\n".join(picture.lines)
    assert map_layout.anchors(catalog, denied.forward, picture)[-1] == Ref("subnet", "db-a")
