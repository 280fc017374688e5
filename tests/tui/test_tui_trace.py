"""Traces in the explorer: the form, the hop table, the explanation, the tabs, recent traces, the map."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import press, screen_text, settle

import vpcsim
from vpcsim.tui.app import ExplorerApp
from vpcsim.tui.facts import TraceQuery
from vpcsim.tui.refs import Ref
from vpcsim.tui.screens.main import MainScreen
from vpcsim.tui.widgets.explanation_panel import ExplanationPanel
from vpcsim.tui.widgets.hop_table import HopTable
from vpcsim.tui.widgets.network_map import NetworkMap
from vpcsim.tui.widgets.recent_traces import RecentTraces
from vpcsim.tui.widgets.topology_tree import TopologyTree
from vpcsim.tui.widgets.trace_form import TraceForm

Loader = Callable[[str], vpcsim.Network]


async def run_trace(pilot: Pilot[object], src: str, dst: str, port: int | None = None) -> None:
    """Open the trace view, fill the form in and press enter in it (typing is slow under the pilot: only
    ``test_names_complete_as_you_type`` and the tmux test type letter by letter)."""
    await press(pilot, "t")
    form = pilot.app.screen.query_one(TraceForm)
    form.fill(TraceQuery(src, dst, "tcp", port))
    form.query_one("#dst", Input).focus()
    await press(pilot, "enter")


def test_a_reachable_trace_fills_the_hop_table_with_nat_visible(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "app-1", "internet:192.0.2.80", 443)
            table = app.screen.query_one(HopTable)
            assert table.trace is not None and table.trace.disposition.value == "EXITS_NETWORK"
            body = [r for r in table.rows_text if r[0]]
            assert table.rows_text[0][2:] == ("request", "", "", "10.20.10.10:49152 -> 192.0.2.80:443 tcp")
            assert body[0] == ("1", "→", "eni-app-1", "SG out allow", "app egress #1", "same")
            assert body[4] == ("5", "→", "nat-a", "NAT", "SNAT 10.20.10.10:49152 -> 10.20.0.10:1024",
                               "10.20.0.10:1024 -> 192.0.2.80:443 tcp")      # the packet after translation
            assert body[7][2:4] == ("igw", "NAT")
            assert ("7", "←", "eni-app-1", "SG in established", "connection tracking", "same") in body
            assert [r[2] for r in table.rows_text if not r[0]] == ["request", "reply"]
            assert app.screen.query_one(ExplanationPanel).text == ""
            assert "EXITS_NETWORK  app-1 -> internet:192.0.2.80  tcp/443  (reachable)" in screen_text(app)
            app.screen.query_one("TabbedContent").active = "flowlogs-pane"
            await settle(pilot)
            assert "eni-app-1 10.20.10.10 192.0.2.80 49152 443 6" in screen_text(app)

    asyncio.run(scenario())


def test_an_unreachable_trace_marks_the_dropping_hop_with_its_code_and_fix(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "bastion", "db-1", 5432)
            table = app.screen.query_one(HopTable)
            body = [r for r in table.rows_text if r[0]]
            assert [r[2] for r in body] == ["eni-bastion", "shop-default-acl", "public-rt", "db-nacl"]
            assert body[-1][:5] == ("4", "✗", "db-nacl", "NACL in DENY", "ingress 90 deny [SUBNET_ACL_RESTRICTION]")
            explanation = app.screen.query_one(ExplanationPanel)
            assert explanation.has_class("-drop")
            assert explanation.text.startswith("✗ SUBNET_ACL_RESTRICTION at db-nacl (request, ingress)")
            assert "fix to consider: add an inbound allow rule to network ACL db-nacl, numbered below 90" in \
                explanation.text
            tree = app.screen.query_one(TopologyTree)        # the path is marked in the tree too, opened
            assert tree.drop == Ref("network_acl", "db-nacl")
            assert Ref("eni", "eni-bastion") in tree.path and Ref("eni", "eni-bastion") in tree.visible_refs()

    asyncio.run(scenario())


def test_an_unknown_name_is_answered_with_a_suggestion_not_a_crash(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "app-1", "db1")
            explanation = app.screen.query_one(ExplanationPanel)
            assert explanation.has_class("-error")
            assert "'db1'" in explanation.text and "db-1" in explanation.text

    asyncio.run(scenario())


def test_names_complete_as_you_type(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "t", "=bas", "right", "tab", "=10.20.2", "right", "enter")
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.trace is not None
            assert (screen.trace.query.src, screen.trace.query.dst) == ("bastion", "10.20.20.10")

    asyncio.run(scenario())


def test_the_dns_tab_shows_the_lookup_of_a_name(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("private-endpoints"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "app-1", "sqs.us-east-1.amazonaws.com", 443)
            app.screen.query_one("TabbedContent").active = "dns-pane"
            await settle(pilot)
            text = screen_text(app)
            assert "sqs.us-east-1.amazonaws.com? sent to 10.80.0.2:53" in text
            assert "A 10.80.100.10" in text

    asyncio.run(scenario())


def test_recent_traces_can_be_opened_again(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "bastion", "db-1", 5432)
            await press(pilot, "escape", "t", "ctrl+u", "=app-1", "enter")   # edit the source, run again
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.trace is not None
            assert screen.trace.query.src == "app-1" and screen.trace.disposition.value == "ACCEPTED"
            recent = screen.query_one(RecentTraces)
            assert [t.query.src for t in recent.traces] == ["app-1", "bastion"]
            screen.query_one("TabbedContent").active = "recent-pane"
            await settle(pilot)
            recent.focus()
            recent.highlighted = 1
            await press(pilot, "enter")
            assert screen.trace.query.src == "bastion" and screen.trace.disposition.value == "DENIED"

    asyncio.run(scenario())


def test_the_map_marks_the_path_and_the_dropping_hop_and_steps_hop_by_hop(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "bastion", "db-1", 5432)
            await press(pilot, "m")
            network_map = app.screen.query_one(NetworkMap)
            assert app.screen.focused is network_map
            assert {Ref("eni", "eni-bastion"), Ref("subnet", "public-a"), Ref("subnet", "db-a")} <= network_map.path
            assert network_map.drop == Ref("subnet", "db-a")    # the NACL of db-a dropped the request
            assert "┌ ✗db-a ─" in screen_text(app)
            await press(pilot, "n")
            assert "request hop 1: eni-bastion SECURITY_GROUP_EGRESS_ALLOW" in screen_text(app)
            await press(pilot, "n", "n", "n")
            assert "request hop 4: db-nacl NETWORK_ACL_DENY ✗" in screen_text(app)
            assert network_map.anchors[network_map.step or 0] == Ref("subnet", "db-a")

    asyncio.run(scenario())


def test_choosing_a_box_on_the_map_selects_it_in_the_tree(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("hub-spoke-tgw"))
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot)
            await press(pilot, "m")
            network_map = app.screen.query_one(NetworkMap)
            assert network_map.select(Ref("transit_gateway", "tgw"))
            await press(pilot, "enter")
            assert app.screen.query_one(TopologyTree).selected_ref == Ref("transit_gateway", "tgw")
            await press(pilot, "down")                           # the arrow keys move between boxes
            moved = network_map.selected
            assert moved is not None and moved != Ref("transit_gateway", "tgw")
            region = network_map.picture.region_of(Ref("tgw_attachment", "att-dev"))
            assert region is not None
            await pilot.click(NetworkMap, offset=(region.x + 1, region.y + 1))   # and so does the mouse
            await settle(pilot)
            assert app.screen.query_one(TopologyTree).selected_ref == Ref("tgw_attachment", "att-dev")

    asyncio.run(scenario())


def test_a_large_network_loads_lazily_and_is_drawn_a_page_at_a_time(tmp_path: Path) -> None:
    from benchmarks.generate import dump, generate

    path = tmp_path / "s.yaml"
    dump(generate(14), path)
    network = vpcsim.load(path)

    async def scenario() -> None:
        app = ExplorerApp(network)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            tree = app.screen.query_one(TopologyTree)
            assert len(tree._loaded) == 2                        # the root and the account: VPCs are closed
            await press(pilot, "m")
            network_map = app.screen.query_one(NetworkMap)
            assert len(network_map.pages) == 3 and len(network_map.vpcs) == 6
            await press(pilot, "right_square_bracket")
            assert network_map.vpcs == network_map.pages[1]
            assert "page 2/3 of 14 VPCs" in screen_text(app)

    asyncio.run(scenario())


def test_enter_on_a_hop_shows_it_on_the_map(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_trace(pilot, "app-1", "internet:192.0.2.80", 443)
            await press(pilot, "down", "down", "down", "down", "down", "enter")     # hop 5: nat-a
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.view == "map"
            network_map = screen.query_one(NetworkMap)
            assert network_map.step == 4 and network_map.anchors[4] == Ref("nat_gateway", "nat-a")
            assert "request hop 5: nat-a TRANSLATE" in screen_text(app)

    asyncio.run(scenario())


def test_the_form_asks_icmp_by_type_in_its_port_box_and_refills_it(load: Loader) -> None:
    async def scenario() -> None:
        app = ExplorerApp(load("nat-per-az"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "t")
            form = app.screen.query_one(TraceForm)
            form.fill(TraceQuery("app-1", "db-1", "icmp", 13))      # a port box value with ICMP is its type
            form.query_one("#dst", Input).focus()
            await press(pilot, "enter")
            table = app.screen.query_one(HopTable)
            assert table.trace is not None and table.trace.sent is not None
            assert (table.trace.sent.icmp_type, table.trace.query.icmp_type) == (13, 13)
            assert form.query_one("#port", Input).value == "13"     # filled back from the trace's query
            assert "app-1 -> db-1  icmp type 13  (not reachable)" in screen_text(app)

    asyncio.run(scenario())
