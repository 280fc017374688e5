"""The explorer driven through Textual's pilot: the tree, its filter, and the details of every kind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from tui_helpers import press, screen_text, settle

import vpcsim
from vpcsim.tui.app import ExplorerApp
from vpcsim.tui.facts import TraceQuery
from vpcsim.tui.refs import Ref
from vpcsim.tui.screens.help import HelpScreen
from vpcsim.tui.screens.main import MainScreen
from vpcsim.tui.widgets.details_pane import DetailsPane
from vpcsim.tui.widgets.section_table import SectionTable
from vpcsim.tui.widgets.topology_tree import TopologyTree

Loader = Callable[[str], vpcsim.Network]


def rows(table: SectionTable) -> list[tuple[str, ...]]:
    return [tuple(str(cell).rstrip(" ›") for cell in table.get_row_at(i)) for i in range(table.row_count)]


def test_it_opens_on_the_first_vpc_with_counts_and_diagnostics_in_the_header(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "nat-per-az · 0 diagnostics · 1 VPC · 6 subnets · 7 ENIs" in text
            tree = app.screen.query_one(TopologyTree)
            assert tree.selected_ref == Ref("vpc", "shop")
            pane = app.screen.query_one(DetailsPane)
            assert pane.details is not None and pane.details.title == "VPC shop"
            assert ("public-a", "10.20.0.0/24", "us-east-1a", "public-rt", "shop-default-acl") in \
                rows(pane.tables["subnets"])

    asyncio.run(scenario())


def test_branches_load_when_opened_and_the_cursor_shows_each_node(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            tree = app.screen.query_one(TopologyTree)
            vpc = tree.cursor_node
            assert vpc is not None and not vpc.children            # nothing under the VPC until it opens
            await press(pilot, "enter")                            # open shop
            assert [c.data.name for c in vpc.children if c.data] == [
                "vpc:shop:subnets", "vpc:shop:route_tables", "vpc:shop:network_acls", "vpc:shop:security_groups",
                "vpc:shop:gateways"]
            await press(pilot, "down", "enter", "down")            # subnets, open, public-a
            assert tree.selected_ref == Ref("subnet", "public-a")
            pane = app.screen.query_one(DetailsPane)
            assert pane.details is not None and pane.details.title == "subnet public-a"
            await press(pilot, "enter", "down")                    # open public-a, its first interface
            assert tree.selected_ref == Ref("eni", "eni-nat-a")
            assert pane.details.title.startswith("ENI eni-nat-a")

    asyncio.run(scenario())


def test_typing_a_filter_keeps_only_matches_under_their_ancestors(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            tree = app.screen.query_one(TopologyTree)
            await press(pilot, "slash", "=10.20.2")               # by address: the db tier
            shown = set(tree.visible_refs())
            assert {Ref("subnet", "db-a"), Ref("subnet", "db-b"), Ref("eni", "eni-db-1"),
                    Ref("eni", "eni-db-2")} <= shown
            assert Ref("subnet", "app-a") not in shown
            assert tree.match_count == 4
            assert tree.selected_ref == Ref("subnet", "db-a")      # the cursor is on the first match
            await press(pilot, "escape")                          # clears the filter, back to the tree
            assert tree.filter_text == ""
            assert app.screen.focused is tree

    asyncio.run(scenario())


def test_choosing_a_route_target_jumps_to_it_in_the_tree(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.select(Ref("subnet", "app-a"))
            await settle(pilot)
            pane = screen.query_one(DetailsPane)
            routes = pane.tables["routes"]
            assert rows(routes) == [("★", "10.20.0.0/16", "local", "local", "all of it"),
                                    ("★", "0.0.0.0/0", "nat-a", "static", "all but 1 more specific")]
            routes.focus()
            await press(pilot, "down", "enter")
            assert screen.query_one(TopologyTree).selected_ref == Ref("nat_gateway", "nat-a")
            assert pane.details is not None and pane.details.title == "NAT gateway nat-a"
            assert ("app-a-rt", "0.0.0.0/0 -> nat-a") in rows(pane.tables["routes-to"])

    asyncio.run(scenario())


def test_an_interface_shows_its_addresses_groups_and_who_can_reach_it(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.select(Ref("instance", "db-1"))                 # an instance is shown as its primary ENI
            await settle(pilot)
            pane = screen.query_one(DetailsPane)
            facts = dict(r[:2] for r in rows(pane.tables["facts"]))
            assert facts["private IPv4"] == "10.20.20.10" and facts["subnet"] == "db-a"
            assert ("db", "in", "tcp", "5432", "app", "postgres from app servers") in rows(pane.tables["sgs"])
            reach = rows(pane.tables["reach"])
            assert ("app-1", "tcp/5432", "ACCEPTED", "delivered") in reach
            assert ("bastion", "tcp/5432", "DENIED", "db-nacl SUBNET_ACL_RESTRICTION") in reach
            pane.tables["reach"].focus()
            index = reach.index(("bastion", "tcp/5432", "DENIED", "db-nacl SUBNET_ACL_RESTRICTION"))
            await press(pilot, *["down"] * index, "enter")          # a probe opens its trace
            assert screen.view == "trace" and screen.trace is not None
            assert screen.trace.query.src == "bastion" and screen.trace.disposition.value == "DENIED"

    asyncio.run(scenario())


KINDS = [
    ("nat-per-az", Ref("route_table", "app-a-rt"), "route table app-a-rt", ("routes", "associations")),
    ("nat-per-az", Ref("network_acl", "db-nacl"), "network ACL db-nacl", ("nacl-in", "nacl-out", "associations")),
    ("nat-per-az", Ref("security_group", "app"), "security group app", ("sg-in", "sg-out", "members")),
    ("nat-per-az", Ref("security_group", "default@shop"), "security group default", ("sg-in", "sg-out")),
    ("nat-per-az", Ref("internet_gateway", "igw"), "internet gateway igw", ("routes-to",)),
    ("nat-per-az", Ref("internet", "internet"), "internet", ("gateways", "public")),
    ("hub-spoke-tgw", Ref("transit_gateway", "tgw"), "transit gateway tgw", ("tables", "attachments")),
    ("hub-spoke-tgw", Ref("tgw_route_table", "tgw-rt-spokes"), "TGW route table tgw-rt-spokes",
     ("routes", "associations")),
    ("hub-spoke-tgw", Ref("tgw_attachment", "att-prod"), "TGW attachment att-prod", ("subnets", "routes-to")),
    ("hybrid-vpn-dx", Ref("vpn_gateway", "vgw"), "virtual private gateway vgw", ("connections", "learned")),
    ("hybrid-vpn-dx", Ref("connection", "dx-vif"), "VPN / Direct Connect dx-vif", ("sites",)),
    ("hybrid-vpn-dx", Ref("external", "dc-east"), "external site dc-east", ("via",)),
    ("peering-triangle", Ref("peering", "pcx-a-b"), "peering connection pcx-a-b", ("routes-to",)),
    ("private-endpoints", Ref("endpoint", "sqs-vpce"), "VPC endpoint sqs-vpce", ("members",)),
    ("private-endpoints", Ref("endpoint", "s3-gw"), "VPC endpoint s3-gw", ("routes-to",)),
    ("dual-stack", Ref("egress_only_internet_gateway", "eigw"), "egress-only internet gateway eigw", ("routes-to",)),
]


@pytest.mark.parametrize("topology", sorted({k[0] for k in KINDS}))
def test_every_kind_has_its_details(load: Loader, topology: str) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load(topology))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            tree = screen.query_one(TopologyTree)
            pane = screen.query_one(DetailsPane)
            for _, ref, title, sections in (k for k in KINDS if k[0] == topology):
                screen.select(ref)
                await settle(pilot)
                assert tree.selected_ref == ref
                assert pane.details is not None and pane.details.title == title
                assert set(sections) <= set(pane.tables), (ref, list(pane.tables))
                assert all(pane.tables[s].row_count for s in sections), ref

    asyncio.run(scenario())


def test_nacl_rules_are_listed_in_rule_order_with_the_implicit_deny_last(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.select(Ref("subnet", "db-a"))
            await settle(pilot)
            inbound = rows(screen.query_one(DetailsPane).tables["nacl-in"])
            assert [r[0] for r in inbound] == ["90", "100", "110", "120", "200", "*"]
            assert inbound[0] == ("90", "all", "all", "10.20.0.0/23", "deny")

    asyncio.run(scenario())


def test_help_theme_and_quit(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("public-web"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert "ctrl+t" in screen_text(app)
            await press(pilot, "escape")
            assert isinstance(app.screen, MainScreen)
            assert app.theme == "textual-dark"
            await press(pilot, "l")
            assert app.theme == "textual-light"
            await press(pilot, "q")
        assert app.return_code == 0

    asyncio.run(scenario())


def test_ctrl_c_quits_even_from_a_text_field(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("public-web"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "t", "=qqq")                      # letters go to the field, not to quit
            assert app.is_running
            await pilot.press("ctrl+c")
            await pilot.pause()
        assert app.return_code == 0

    asyncio.run(scenario())


def test_no_color_turns_the_screen_grey_but_keeps_the_marks(load: Loader, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setenv("NO_COLOR", "1")

    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert app.no_color
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.run_trace(TraceQuery("bastion", "db-1", "tcp", 5432))
            await press(pilot, "t")
            svg = app.export_screenshot()
            colours = set(re.findall(r"(?:fill|background-color): ?#([0-9a-f]{6})", svg))
            coloured = {c for c in colours if len({c[0:2], c[2:4], c[4:6]}) > 1}
            assert coloured <= {"ff5f57", "febc2e", "28c840", "c5c8c6"}     # only the SVG frame's own
            assert "✗" in screen_text(app)                        # the dropping hop is still marked

    asyncio.run(scenario())
