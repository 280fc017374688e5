"""aws-semantics §7: virtual private gateway, Site-to-Site VPN, Direct Connect (R7.1-R7.11, trap 10)."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGIES, components, load

import vpcsim
from vpcsim import Disposition, TopologyError, Trace


def _vgw_choice(trace: Trace) -> tuple[str, str]:
    """(the VGW's rule, the connection the packet left by) for a trace that exits through a VGW."""
    vgw = next(h for h in trace.forward if h.kind.value == "vpn_gateway")
    assert vgw.rule is not None and trace.forward[-1].decision.value == "EXIT"
    return vgw.rule, trace.forward[-1].component


def _problems(name: str) -> list[str]:
    with pytest.raises(TopologyError) as error:
        vpcsim.load(TOPOLOGIES / name)
    return [d.message for d in error.value.diagnostics]


# -- R7.1 propagation --------------------------------------------------------------------------------------


def test_R7_1_vgw_routes_propagate_only_into_tables_that_enable_it() -> None:
    net = load("R7_1_vgw_propagation")
    trace = net.trace("app-1", "192.168.1.10", protocol="tcp", port=22)
    # app-rt enables propagation from the VGW: the VPN's static route shows up there as propagated (R2.12).
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw", "dc"]
    assert trace.forward[2].rule == "192.168.0.0/16 -> vgw (propagated)"
    assert components(trace.reply) == ["vgw", "corp-default-acl", "eni-app-1"]

    # The main table has no propagation: nothing on-premises is routable from mgmt-a.
    isolated = net.trace("mgmt-1", "192.168.1.10", protocol="tcp", port=22)
    assert isolated.disposition is Disposition.NO_ROUTE
    assert components(isolated.forward) == ["eni-mgmt-1", "corp-default-acl", "corp-main"]
    assert isolated.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


def test_R7_1_inbound_from_site_needs_a_propagated_return_route() -> None:
    net = load("R7_1_vgw_propagation")
    # From on-premises the VGW delivers into the VPC (its own CIDR is always known, R7.3) ...
    accepted = net.trace("dc", "app-1", protocol="tcp", port=22)
    assert accepted.disposition is Disposition.ACCEPTED
    assert components(accepted.forward) == ["vgw", "corp-default-acl", "eni-app-1"]
    assert accepted.forward[0].rule == "from vpn-dc"
    assert components(accepted.reply) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw", "dc"]
    assert accepted.reply[-1].packet.destination == "192.168.0.0"     # the site is a set: its first address
    # ... but the reply of a host whose table does not propagate has no route back.
    one_way = net.trace("dc", "mgmt-1", protocol="tcp", port=22)
    assert one_way.disposition is Disposition.REPLY_DENIED
    assert components(one_way.reply) == ["eni-mgmt-1", "corp-default-acl", "corp-main"]
    assert one_way.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


def test_R7_1_propagating_table_cannot_be_a_gateway_route_table() -> None:
    # R2.14: no propagation into a gateway (edge) route table.
    assert any("cannot have route propagation" in m for m in _problems("R7_1_propagating_gateway_table.yaml"))


# -- R7.2 VPC-side precedence ------------------------------------------------------------------------------


def test_R7_2_local_route_beats_a_more_specific_propagated_route() -> None:
    net = load("R7_2_vpc_side_precedence")
    # The VPN advertises 10.0.2.0/24 (db-a's CIDR): R2.6 keeps the traffic on the local route.
    trace = net.trace("app-1", "db-1", protocol="tcp", port=5432)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == [
        "eni-app-1", "corp-default-acl", "app-rt", "corp-default-acl", "eni-db-1"]
    assert trace.forward[2].rule == "10.0.0.0/16 local"


def test_R7_2_static_route_beats_identical_propagated_route() -> None:
    net = load("R7_2_vpc_side_precedence")
    # 172.16.0.0/16 is both static (-> appliance) and propagated (-> vgw): the static one wins (R2.8).
    trace = net.trace("app-1", "172.16.1.1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == [
        "eni-app-1", "corp-default-acl", "app-rt", "corp-default-acl", "fw-eni", "fw-eni", "fw-eni",
        "corp-default-acl", "fw-rt", "vgw", "vpn-bgp"]
    assert trace.forward[2].rule == "172.16.0.0/16 -> fw-eni"
    # Negative: a prefix that is only propagated goes straight to the VGW.
    direct = net.trace("app-1", "192.168.1.1", protocol="tcp", port=22)
    assert components(direct.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw", "vpn-bgp"]
    assert direct.forward[2].rule == "192.168.0.0/16 -> vgw (propagated)"


# -- R7.3 only known prefixes, IPv4 only -------------------------------------------------------------------


def test_R7_3_vgw_drops_prefixes_it_has_not_learned() -> None:
    net = load("R7_3_vgw_known_prefixes_only")
    # The subnet routes 0.0.0.0/0 to the VGW, but the VGW knows only 192.168.0.0/16.
    dropped = net.trace("app-1", "10.99.0.10", protocol="tcp", port=22)
    assert dropped.disposition is Disposition.NO_ROUTE
    assert components(dropped.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw"]
    assert dropped.forward[-1].code == "NO_ROUTE_TO_DESTINATION"
    # A connection whose tunnels are down advertises nothing.
    down = net.trace("app-1", "172.16.0.10", protocol="tcp", port=22)
    assert components(down.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw"]
    assert down.forward[-1].code == "NO_ROUTE_TO_DESTINATION"
    known = net.trace("app-1", "192.168.1.1", protocol="tcp", port=22)
    assert known.disposition is Disposition.EXITS_NETWORK
    assert _vgw_choice(known) == ("192.168.0.0/16 via vpn-bgp (VPN BGP)", "dc")


def test_R7_3_vgw_carries_no_ipv6() -> None:
    # An IPv6 route to a VGW is refused at load ...
    assert any("does not carry IPv6" in m for m in _problems("R7_3_vgw_ipv6_route.yaml"))
    # ... and IPv6 arriving from a site is dropped at the VGW.
    trace = load("R7_3_vgw_known_prefixes_only").trace("dc6", "app-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["vgw"]
    assert trace.forward[0].code == "PROTOCOL_RESTRICTION"


# -- R7.4 path selection (trap 10) -------------------------------------------------------------------------


@pytest.mark.parametrize(("destination", "rule", "connection"), [
    ("192.168.1.1", "192.168.0.0/16 via wan-dx (Direct Connect BGP)", "wan-dx"),      # (1) DX over all VPNs
    ("172.16.1.1", "172.16.0.0/16 via vpn-static (VPN static)", "vpn-static"),        # (2) static over BGP
    ("172.20.1.1", "172.20.0.0/16 via vpn-bgp-b (VPN BGP)", "vpn-bgp-b"),             # (4) shorter AS_PATH
    ("172.30.1.1", "172.30.0.0/16 via vpn-bgp-c (VPN BGP)", "vpn-bgp-c"),             # (5) lower MED, same AS
])
def test_R7_4_vgw_same_prefix_order(destination: str, rule: str, connection: str) -> None:
    trace = load("R7_4_vgw_path_selection").trace("app-1", destination, protocol="tcp", port=22)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "corp-default-acl", "app-rt", "vgw", connection]
    assert _vgw_choice(trace) == (rule, connection)


def test_R7_4_longest_prefix_first_across_connections() -> None:
    # The /24 learned over a BGP VPN beats the Direct Connect /16: origin ranks only break equal prefixes.
    trace = load("R7_4_vgw_path_selection").trace("app-1", "192.168.50.1", protocol="tcp", port=22)
    assert trace.forward[2].rule == "192.168.50.0/24 -> vgw (propagated)"
    assert _vgw_choice(trace) == ("192.168.50.0/24 via vpn-bgp-a (VPN BGP)", "vpn-bgp-a")


def test_R7_4_med_compared_only_when_first_as_is_the_same() -> None:
    # [E] 172.31/16: equal AS_PATH length, first AS 65010 (MED 200) vs 65020 (MED 100) — MED is not
    # comparable (S18), so the tie goes to the connection whose name sorts first, not to the lower MED.
    trace = load("R7_4_vgw_path_selection").trace("app-1", "172.31.1.1", protocol="tcp", port=22)
    assert _vgw_choice(trace) == ("172.31.0.0/16 via vpn-bgp-a (VPN BGP)", "vpn-bgp-a")


# -- R7.5 one path -----------------------------------------------------------------------------------------


def test_R7_5_vgw_uses_one_connection_no_ecmp() -> None:
    # [E] Two BGP VPNs tie on every attribute (172.40/16): a VGW does no ECMP, vpcsim keeps the connection
    # whose name sorts first, the same on every run.
    net = load("R7_4_vgw_path_selection")
    choices = {_vgw_choice(net.trace("app-1", "172.40.1.1", protocol="tcp", port=22)) for _ in range(3)}
    assert choices == {("172.40.0.0/16 via vpn-bgp-a (VPN BGP)", "vpn-bgp-a")}


# -- R7.6 static vs dynamic --------------------------------------------------------------------------------


def test_R7_6_static_vpn_lists_routes_dynamic_vpn_advertises_them() -> None:
    problems = _problems("R7_6_static_vpn_with_bgp_routes.yaml")
    assert any("static VPN connection has no BGP routes" in m for m in problems)
    # A static VPN's prefixes are VPN static routes at the VGW; a dynamic VPN's are VPN BGP routes.
    routes = load("R7_4_vgw_path_selection").compiled.vpn_gateways["vgw"].routes
    assert {r.origin for r in routes if r.connection == "vpn-static"} == {"vpn-static"}
    assert {r.origin for r in routes if r.connection == "vpn-bgp-b"} == {"vpn-bgp"}


# -- R7.7 CloudHub -----------------------------------------------------------------------------------------


def test_R7_7_cloudhub_routes_between_remote_sites() -> None:
    net = load("R7_7_vpn_cloudhub")
    trace = net.trace("la", "miami", protocol="tcp", port=22)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["vgw", "miami"]
    assert trace.forward[0].rule == "172.16.2.0/24 via vpn-miami (VPN BGP)"
    assert components(trace.reply) == ["vgw", "la"]
    assert trace.reply[0].rule == "172.16.1.0/24 via vpn-la (VPN BGP)"
    # Direct Connect sites take part too (S18).
    to_hq = net.trace("la", "hq", protocol="tcp", port=22)
    assert components(to_hq.forward) == ["vgw", "hq"]
    assert to_hq.forward[0].rule == "192.168.0.0/16 via dx-hq (Direct Connect BGP)"


def test_R7_7_cloudhub_needs_the_far_site_prefix() -> None:
    # The lab's static VPN lists no route: the VGW never learned 172.16.9.0/24.
    net = load("R7_7_vpn_cloudhub")
    trace = net.trace("la", "lab", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward) == ["vgw"]
    assert trace.forward[0].code == "NO_ROUTE_TO_DESTINATION"
    # The lab can send to LA, but LA's reply has no way back.
    back = net.trace("lab", "la", protocol="tcp", port=22)
    assert back.disposition is Disposition.REPLY_DENIED
    assert components(back.reply) == ["vgw"]


# -- R7.8 private-IP association, edge routing -------------------------------------------------------------


def test_R7_8_vgw_egress_source_must_be_an_eni_of_its_vpc() -> None:
    net = load("R7_8_vgw_private_ip_association")
    # spoke -> TGW -> hub attachment subnet, whose table sends 192.168/16 to the VGW: the source is a spoke
    # address, not an ENI of the hub VPC, so the VGW refuses it.
    trace = net.trace("spoke-1", "192.168.1.10", protocol="tcp", port=22)
    assert trace.disposition is Disposition.NO_ROUTE
    assert components(trace.forward)[-3:] == ["hub-default-acl", "hub-rt", "vgw"]
    assert trace.forward[-1].code == "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS"
    assert trace.forward[-1].packet.source == "10.1.1.10"
    # Negative: the hub's own instance goes out through the same table.
    own = net.trace("hub-1", "dc", protocol="tcp", port=22)
    assert own.disposition is Disposition.EXITS_NETWORK
    assert components(own.forward) == ["eni-hub-1", "hub-default-acl", "hub-rt", "vgw", "dc"]


def test_R7_8_vgw_ingress_destination_must_be_an_eni_private_ip() -> None:
    net = load("R7_8_vgw_private_ip_association")
    nobody = net.trace("dc", "10.0.1.99", protocol="tcp", port=22)     # in the VPC CIDR, no interface
    assert nobody.disposition is Disposition.NO_ROUTE
    assert components(nobody.forward) == ["vgw"]
    assert nobody.forward[0].code == "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    # A spoke behind the hub's TGW is not reachable through the VGW either (no transit).
    spoke = net.trace("dc", "spoke-1", protocol="tcp", port=22)
    assert spoke.disposition is Disposition.NO_ROUTE
    assert components(spoke.forward) == ["vgw"]
    assert spoke.forward[0].code == "NO_ROUTE_TO_DESTINATION"


def test_R7_8_vgw_gateway_route_table_steers_inbound_traffic() -> None:
    trace = load("R7_8_vgw_edge_route_table").trace("dc", "app-1", protocol="tcp", port=22)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == [
        "vgw", "vgw-edge", "corp-default-acl", "fw-eni", "fw-eni", "fw-eni", "corp-default-acl", "fw-rt",
        "corp-default-acl", "eni-app-1"]
    assert trace.forward[1].rule == "10.0.1.0/24 -> fw-eni"
    assert components(trace.reply) == [
        "eni-app-1", "corp-default-acl", "app-rt", "corp-default-acl", "fw-eni", "fw-eni", "fw-eni",
        "corp-default-acl", "fw-rt", "vgw", "dc"]


# -- R7.9 Direct Connect local preference ------------------------------------------------------------------


def test_R7_9_dx_local_preference_before_as_path() -> None:
    net = load("R7_9_dx_local_preference")
    # dx-a: high local preference, 3-hop AS_PATH; dx-b: low, 1 hop -> local preference decides.
    preferred = net.trace("app-1", "192.168.1.1", protocol="tcp", port=22)
    assert _vgw_choice(preferred) == ("192.168.0.0/16 via dx-a (Direct Connect BGP)", "dx-a")
    # Negative: with equal (default medium) preference the shorter AS_PATH wins.
    by_path = net.trace("app-1", "172.16.1.1", protocol="tcp", port=22)
    assert _vgw_choice(by_path) == ("172.16.0.0/16 via dx-b (Direct Connect BGP)", "dx-b")


# -- R7.11 no VPN/DX for peered VPCs -----------------------------------------------------------------------


def test_R7_11_peered_vpc_cannot_use_the_vpn() -> None:
    net = load("R7_11_peered_vpc_cannot_use_vgw")
    out = net.trace("peer-1", "192.168.1.10", protocol="tcp", port=22)
    assert out.disposition is Disposition.NO_ROUTE
    assert components(out.forward) == ["eni-peer-1", "peer-default-acl", "peer-rt", "pcx"]
    assert out.forward[-1].code == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
    inbound = net.trace("dc", "peer-1", protocol="tcp", port=22)
    assert inbound.disposition is Disposition.NO_ROUTE
    assert components(inbound.forward) == ["vgw"]
    # Negative: the peering itself works for addresses inside the peer VPC.
    assert net.trace("peer-1", "corp-1", protocol="tcp", port=22).disposition is Disposition.ACCEPTED
