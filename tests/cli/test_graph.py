"""`vpcsim graph TOPO --format dot|mermaid|json`: the component graph of a small topology written here and
of every reference topology in topologies/ (DESIGN §3)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from reference import reference_topologies

import vpcsim
from vpcsim.cli import main
from vpcsim.compile.graph import component_graph

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = reference_topologies()
FORMATS = ("dot", "mermaid", "json")

SMALL = """\
name: graph-small
vpcs:
  shop:
    cidr: 10.0.0.0/16
    ipv6_cidrs: ["2600:1f18:1234:5600::/56"]
    internet_gateway: igw
    egress_only_internet_gateway: eigw
    subnets:
      public-a: {cidr: 10.0.1.0/24, az: us-east-1a, route_table: public}
      app-a: {cidr: 10.0.2.0/24, ipv6_cidr: "2600:1f18:1234:5601::/64", az: us-east-1a, route_table: private,
              network_acl: app}
    route_tables:
      public:
        routes: [{destination: 0.0.0.0/0, target: igw}]
      private:
        routes:
          - {destination: 0.0.0.0/0, target: nat-a}
          - {destination: "::/0", target: eigw}
          - {destination: 10.1.0.0/16, target: shop-to-ops}
          - {destination: 172.16.0.0/12, target: tgw}
          - {destination: 192.0.2.0/24, target: blackhole}
    nat_gateways:
      nat-a: {subnet: public-a, elastic_ip: 198.51.100.9}
    endpoints:
      s3: {type: gateway, service: s3, route_tables: [private]}
    network_acls:
      app:
        ingress: [{rule: 100, protocol: all, source: 0.0.0.0/0, action: allow}]
        egress: [{rule: 100, protocol: all, destination: 0.0.0.0/0, action: allow}]
    security_groups:
      web:
        ingress: [{protocol: tcp, ports: 443, source: 0.0.0.0/0}]
    instances:
      'web "1"': {subnet: public-a, private_ip: 10.0.1.10, public_ip: 198.51.100.10, security_groups: [web]}
      app-1: {subnet: app-a, private_ip: 10.0.2.10}
  ops:
    cidr: 10.1.0.0/16
    vpn_gateway: vgw
    subnets:
      end: {cidr: 10.1.1.0/24, az: us-east-1a}
    route_tables:
      ops-rt: {main: true, propagate: [vgw], routes: [{destination: 10.0.0.0/16, target: shop-to-ops}]}
    instances:
      ops-1: {subnet: end, private_ip: 10.1.1.10}
peering:
  shop-to-ops: {requester: shop, accepter: ops}
transit_gateways:
  tgw:
    route_tables:
      main-rt:
        routes: [{destination: 10.99.0.0/16, blackhole: true}]
    attachments:
      shop-att: {vpc: shop, subnets: [app-a]}
      office-att: {vpn: office-vpn}
vpn_connections:
  office-vpn: {gateway: tgw, static_routes: [172.16.0.0/12]}
direct_connect:
  dx-1: {gateway: vgw, bgp_routes: [{prefix: 192.168.0.0/16}]}
external:
  office: {cidrs: [172.16.0.0/12], via: [office-vpn]}
  dc: {cidrs: [192.168.0.0/16], via: [dx-1]}
"""

ALL_KINDS = {"vpc", "subnet", "route_table", "network_acl", "eni", "instance", "internet_gateway",
             "egress_only_internet_gateway", "nat_gateway", "vpn_gateway", "vpn_connection", "direct_connect",
             "external", "internet", "transit_gateway", "tgw_route_table", "tgw_attachment", "peering",
             "endpoint", "blackhole"}
ID = "[A-Za-z0-9_]+"
LINK = "(-\\.-|-\\.->|<-\\.->|---|-->|<-->|==>|<==>)"
RELATIONS = {"contains", "uses", "owns", "route", "attached", "peers", "association", "propagation",
             "connects"}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def run_graph(path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    status = main(["graph", str(path), "--format", fmt])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def edges_of(doc: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(e["source"], e["target"], e["relation"]): e for e in doc["edges"]}


# -- the small topology ------------------------------------------------------------------------------


def test_small_topology_has_every_kind_of_node(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(run_graph(small, "json", capsys))
    kinds = Counter(n["kind"] for n in doc["nodes"])
    assert set(kinds) == ALL_KINDS
    assert kinds["vpc"] == 2 and kinds["subnet"] == 3 and kinds["internet"] == 1 and kinds["blackhole"] == 1
    ids = [n["id"] for n in doc["nodes"]]
    assert ids == sorted(set(ids))
    assert {"subnet:public-a", "eni:eni-app-1", 'instance:web "1"', "internet"} <= set(ids)
    by_id = {n["id"]: n for n in doc["nodes"]}
    assert by_id["eni:eni-nat-a"]["eni_kind"] == "nat_gateway"
    assert by_id["eni:eni-nat-a"]["vpc"] == "shop"
    assert by_id["route_table:ops-rt"]["vpc"] == "ops"
    assert "vpc" not in by_id["peering:shop-to-ops"]
    assert by_id["tgw_route_table:main-rt"]["tgw"] == "tgw"


def test_small_topology_edges(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edges = edges_of(json.loads(run_graph(small, "json", capsys)))
    assert {e["relation"] for e in edges.values()} == RELATIONS
    assert ("vpc:shop", "subnet:public-a", "contains") in edges
    assert ("subnet:public-a", "eni:eni-nat-a", "contains") in edges
    assert ("subnet:app-a", "route_table:private", "uses") in edges
    assert ("subnet:app-a", "network_acl:app", "uses") in edges
    assert ("subnet:public-a", "network_acl:shop-default-acl", "uses") in edges
    assert edges[("route_table:public", "internet_gateway:igw", "route")]["label"] == "0.0.0.0/0 -> igw"
    local = edges[("route_table:private", "vpc:shop", "route")]
    assert local["routes"] == ["10.0.0.0/16 local", "2600:1f18:1234:5600::/56 local"]
    assert len(edges[("route_table:private", "endpoint:s3", "route")]["routes"]) == 6   # 1 edge, 6 prefixes
    assert ("route_table:private", "blackhole", "route") in edges
    assert ("route_table:ops-rt", "vpn_gateway:vgw", "route") in edges             # propagated
    for a, b, relation in [("internet_gateway:igw", "vpc:shop", "attached"),
                           ("vpn_gateway:vgw", "vpc:ops", "attached"),
                           ("peering:shop-to-ops", "vpc:shop", "peers"),
                           ("peering:shop-to-ops", "vpc:ops", "peers"),
                           ("tgw_attachment:shop-att", "vpc:shop", "attached"),
                           ("tgw_attachment:shop-att", "transit_gateway:tgw", "attached"),
                           ("internet", "internet_gateway:igw", "connects")]:
        assert (a, b, relation) in edges and (b, a, relation) in edges
    assert ("egress_only_internet_gateway:eigw", "internet", "connects") in edges
    assert ("internet", "egress_only_internet_gateway:eigw", "connects") not in edges
    assert ("vpn_connection:office-vpn", "external:office", "connects") in edges
    assert ("direct_connect:dx-1", "external:dc", "connects") in edges
    assert ("tgw_attachment:shop-att", "tgw_route_table:main-rt", "association") in edges
    assert ("tgw_attachment:office-att", "tgw_route_table:main-rt", "propagation") in edges
    assert ("instance:ops-1", "eni:eni-ops-1", "owns") in edges
    assert ("tgw_attachment:shop-att", "eni:eni-shop-att-us-east-1a", "owns") in edges


def test_small_topology_dot_clusters(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot = run_graph(small, "dot", capsys)
    assert dot.startswith('digraph "graph-small" {')
    shop = dot.index('subgraph "cluster_vpc:shop" {')
    public = dot.index('subgraph "cluster_subnet:public-a" {')
    assert shop < public < dot.index('"eni:eni-nat-a" [shape=ellipse')
    assert '"instance:web \\"1\\"" [shape=box, style=rounded, label="web \\"1\\""' in dot
    assert ('"route_table:public" -> "internet_gateway:igw" [style=solid, tooltip="route", '
            'label="0.0.0.0/0 -> igw"]') in dot
    assert dot.count('"peering:shop-to-ops" -> "vpc:shop"') == 1        # a two-way relation is drawn once
    assert '"peering:shop-to-ops" -> "vpc:shop" [style=bold, tooltip="peers", dir=both]' in dot


def test_small_topology_mermaid_ids(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = run_graph(small, "mermaid", capsys)
    assert text.startswith("flowchart LR\n")
    assert '  subgraph cluster_vpc_shop ["VPC shop<br/>10.0.0.0/16<br/>2600:1f18:1234:5600::/56"]' in text
    assert '      instance_web_1["web #quot;1#quot;"]' in text
    assert "  route_table_public -->|\"0.0.0.0/0 -#gt; igw\"| internet_gateway_igw" in text
    for line in text.splitlines()[1:]:
        bare = re.sub(r'"[^"]*"', "", line).strip()          # labels out: what is left is ids and syntax
        assert (re.fullmatch(rf"{ID}[\[\](){{}}>/\\]+", bare)             # a node and its shape
                or re.fullmatch(rf"{ID} {LINK}(\|\|)? {ID}", bare)        # an edge
                or re.fullmatch(rf"subgraph {ID} \[\]", bare) or bare == "end"), line


def test_output_is_byte_stable(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in FORMATS:
        assert run_graph(small, fmt, capsys) == run_graph(small, fmt, capsys)


def test_graph_of_a_broken_topology_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("vpcs: {a: {cidr: 10.0.0.0/16, subnets: {s: {cidr: 10.9.0.0/24}}}}\n")
    assert main(["graph", str(path), "--format", "dot"]) == 2
    assert "outside the CIDRs" in capsys.readouterr().err


def test_import_vpcsim_does_not_import_networkx() -> None:
    code = "import sys, vpcsim, vpcsim.render.graph; sys.exit('networkx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# -- every format, on the small topology and on every reference topology ----------------------------


CASES = [pytest.param("small", id="small")] + [pytest.param(p, id=p.stem) for p in REFERENCE]


def _path(case: str | Path, small: Path) -> Path:
    return small if case == "small" else Path(case)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exits_0(case: str | Path, fmt: str, small: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = run_graph(_path(case, small), fmt, capsys)
    if fmt == "mermaid":
        assert out.startswith("flowchart")
    elif fmt == "dot":
        assert out.startswith("digraph ") and out.rstrip().endswith("}")


@pytest.mark.parametrize("case", CASES)
def test_json_matches_the_compiled_network(case: str | Path, small: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(case, small)
    doc = json.loads(run_graph(path, "json", capsys))
    net = vpcsim.load(path).compiled
    kinds = Counter(n["kind"] for n in doc["nodes"])
    expected = {"vpc": len(net.vpcs), "subnet": len(net.subnets), "route_table": len(net.route_tables),
                "network_acl": len(net.network_acls), "eni": len(net.enis), "instance": len(net.instances),
                "nat_gateway": len(net.nat_gateways), "endpoint": len(net.endpoints),
                "peering": len(net.peerings),
                "transit_gateway": len(net.transit_gateways), "tgw_route_table": len(net.tgw_route_tables),
                "tgw_attachment": len(net.tgw_attachments), "vpn_gateway": len(net.vpn_gateways),
                "external": len(net.external),
                "internet_gateway": sum(1 for v in net.vpcs.values() if v.internet_gateway),
                "vpn_connection": sum(1 for c in net.connections.values() if c.kind == "vpn"),
                "direct_connect": sum(1 for c in net.connections.values() if c.kind == "direct_connect")}
    assert {k: kinds.get(k, 0) for k in expected} == expected
    assert set(kinds) <= ALL_KINDS
    ids = {n["id"] for n in doc["nodes"]}
    assert len(ids) == len(doc["nodes"])
    for node in doc["nodes"]:
        assert node["label"] and node["kind"]
        assert node.get("vpc") is None or f"vpc:{node['vpc']}" in ids
    for edge in doc["edges"]:
        assert edge["source"] in ids and edge["target"] in ids and edge["relation"] in RELATIONS
    edges = edges_of(doc)
    for subnet in net.subnets.values():      # every subnet is in its VPC and uses one table and one NACL
        assert (f"vpc:{subnet.vpc}", f"subnet:{subnet.name}", "contains") in edges
        assert (f"subnet:{subnet.name}", f"route_table:{subnet.route_table}", "uses") in edges
        assert (f"subnet:{subnet.name}", f"network_acl:{subnet.network_acl}", "uses") in edges
    for table in net.route_tables.values():  # one route edge per distinct target, carrying every route
        source = f"route_table:{table.name}"
        labels = sorted(label for (u, _, r), e in edges.items() if u == source and r == "route"
                        for label in e["routes"])
        assert labels == sorted(route.label for route in table.routes)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
@pytest.mark.parametrize("case", CASES)
def test_dot_renders_with_graphviz(case: str | Path, small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot = run_graph(_path(case, small), "dot", capsys)
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "<svg" in result.stdout


def test_component_graph_is_a_multidigraph(small: Path) -> None:
    graph = component_graph(vpcsim.load(small).compiled)
    assert graph.is_multigraph() and graph.is_directed()
    assert graph.nodes["subnet:app-a"] == {"kind": "subnet", "name": "app-a", "vpc": "shop",
                                           "az": "us-east-1a", "aws_id": "app-a",
                                           "label": "app-a\n10.0.2.0/24\n2600:1f18:1234:5601::/64"}
    # association and propagation between the same two nodes are two edges
    assert set(graph["tgw_attachment:shop-att"]["tgw_route_table:main-rt"]) == {"association", "propagation"}
