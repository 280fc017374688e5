"""The component graph as Graphviz DOT, Mermaid or JSON (``vpcsim graph TOPO --format …``).

All three read ``compile.graph.component_graph`` and nothing else. Output is byte-stable: nodes, clusters
and edges are written in sorted order, so two runs over the same topology print the same text.
Each VPC is drawn as a cluster with its subnets nested inside; a relation stored both ways
(``attached``, ``peers``, internet <-> IGW) is drawn once, with arrows at both ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vpcsim.compile.graph import component_graph

if TYPE_CHECKING:
    from vpcsim.api import Network

DOT_SHAPES: dict[str, str] = {
    "vpc": "tab",
    "subnet": "folder",
    "route_table": "note",
    "network_acl": "octagon",
    "eni": "ellipse",
    "instance": "box",
    "internet_gateway": "invhouse",
    "egress_only_internet_gateway": "invtrapezium",
    "nat_gateway": "trapezium",
    "vpn_gateway": "cds",
    "vpn_connection": "parallelogram",
    "direct_connect": "parallelogram",
    "external": "box3d",
    "internet": "doublecircle",
    "transit_gateway": "hexagon",
    "tgw_route_table": "note",
    "tgw_attachment": "diamond",
    "peering": "Mdiamond",
    "endpoint": "component",
    "blackhole": "Msquare",
}

DOT_EDGES: dict[str, str] = {
    "contains": "style=dashed, arrowhead=none",
    "uses": "style=dotted",
    "owns": "style=dashed, arrowhead=odot",
    "route": "style=solid",
    "attached": "style=bold",
    "peers": "style=bold",
    "association": "style=dashed",
    "propagation": "style=dotted",
    "connects": "style=solid",
}

#: Mermaid node shapes as (open, close) around the quoted label.
MERMAID_SHAPES: dict[str, tuple[str, str]] = {
    "vpc": ("[[", "]]"),
    "subnet": ("[", "]"),
    "route_table": ("[(", ")]"),
    "network_acl": (">", "]"),
    "eni": ("(", ")"),
    "instance": ("[", "]"),
    "internet_gateway": ("[/", "\\]"),
    "egress_only_internet_gateway": ("[\\", "/]"),
    "nat_gateway": ("([", "])"),
    "vpn_gateway": ("[[", "]]"),
    "vpn_connection": ("[/", "/]"),
    "direct_connect": ("[/", "/]"),
    "external": ("[\\", "\\]"),
    "internet": ("((", "))"),
    "transit_gateway": ("{{", "}}"),
    "tgw_route_table": ("[(", ")]"),
    "tgw_attachment": ("{", "}"),
    "peering": ("{", "}"),
    "endpoint": ("([", "])"),
    "blackhole": (">", "]"),
}

#: Mermaid links as (one way, both ways).
MERMAID_LINKS: dict[str, tuple[str, str]] = {
    "contains": ("-.-", "-.-"),
    "uses": ("-.->", "<-.->"),
    "owns": ("---", "---"),
    "route": ("-->", "<-->"),
    "attached": ("==>", "<==>"),
    "peers": ("==>", "<==>"),
    "association": ("-.->", "<-.->"),
    "propagation": ("-.->", "<-.->"),
    "connects": ("-->", "<-->"),
}

#: Relations whose edges carry their relation's name when drawn (route edges carry the routes).
NAMED_RELATIONS = ("association", "propagation")


# -- JSON ------------------------------------------------------------------------------------------------


def to_json(network: Network) -> str:
    """``{"nodes": [{"id", "kind", "label", …}], "edges": [{"source", "target", "relation", …}]}``, sorted."""
    graph = component_graph(network.compiled)
    nodes = [{"id": key, **_plain(attrs)} for key, attrs in sorted(graph.nodes(data=True))]
    edges = [{"source": u, "target": v, **_plain(attrs)} for u, v, attrs in graph.edges(data=True)]
    edges.sort(key=lambda e: (e["source"], e["target"], e["relation"]))
    return json.dumps({"nodes": nodes, "edges": edges}, indent=2, sort_keys=True, ensure_ascii=False)


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()}


# -- layout shared by DOT and Mermaid -------------------------------------------------------------------


@dataclass(slots=True)
class _Cluster:
    key: str                     # the node the cluster is named after ("vpc:prod", "subnet:public-a")
    title: str
    nodes: list[str] = field(default_factory=list)
    children: list[_Cluster] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Edge:
    source: str
    target: str
    relation: str
    label: str
    both: bool


def _layout(graph: Any) -> tuple[list[_Cluster], list[str]]:
    """VPC clusters (subnet clusters inside), TGW clusters, and the nodes that belong to no cluster."""
    nodes: dict[str, dict[str, Any]] = dict(graph.nodes(data=True))
    vpcs = {attrs["name"]: _Cluster(key, f"VPC {attrs['label']}")
            for key, attrs in sorted(nodes.items()) if attrs["kind"] == "vpc"}
    tgws = {attrs["name"]: _Cluster(key, f"TGW {attrs['name']}")
            for key, attrs in sorted(nodes.items()) if attrs["kind"] == "transit_gateway"}
    subnets: dict[str, _Cluster] = {}
    for key, attrs in sorted(nodes.items()):
        if attrs["kind"] == "subnet" and attrs.get("vpc") in vpcs:
            cluster = _Cluster(key, f"subnet {attrs['label']}", [key])
            subnets[attrs["name"]] = cluster
            vpcs[attrs["vpc"]].children.append(cluster)
    loose: list[str] = []
    for key, attrs in sorted(nodes.items()):
        if attrs["kind"] == "subnet" and attrs["name"] in subnets:
            continue
        subnet = subnets.get(attrs.get("subnet", ""))
        vpc = vpcs.get(attrs.get("vpc", ""))
        tgw = tgws.get(attrs["name"] if attrs["kind"] == "transit_gateway" else attrs.get("tgw", ""))
        if subnet is not None and (vpc is None or subnet in vpc.children):
            subnet.nodes.append(key)
        elif vpc is not None:
            vpc.nodes.append(key)
        elif tgw is not None:
            tgw.nodes.append(key)
        else:
            loose.append(key)
    return [*vpcs.values(), *tgws.values()], loose


def _edges(graph: Any) -> list[_Edge]:
    """Every edge once, sorted; a pair stored both ways with the same relation and label becomes one edge."""
    seen: dict[tuple[str, str, str], str] = {}
    for u, v, attrs in graph.edges(data=True):
        seen[(u, v, attrs["relation"])] = str(attrs.get("label", ""))
    result: list[_Edge] = []
    for (u, v, relation), label in sorted(seen.items()):
        reverse = seen.get((v, u, relation))
        if reverse == label:
            if u > v:
                continue
            result.append(_Edge(u, v, relation, label, True))
        else:
            result.append(_Edge(u, v, relation, label, False))
    return result


def _edge_label(edge: _Edge) -> str:
    return edge.label or (edge.relation if edge.relation in NAMED_RELATIONS else "")


# -- DOT -------------------------------------------------------------------------------------------------


def to_dot(network: Network) -> str:
    """Graphviz DOT: ``vpcsim graph TOPO | dot -Tsvg > network.svg``."""
    graph = component_graph(network.compiled)
    nodes: dict[str, dict[str, Any]] = dict(graph.nodes(data=True))
    clusters, loose = _layout(graph)
    lines = [
        f"digraph {_dq(network.compiled.name)} {{",
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, newrank=true];",
        "  node [fontname=\"Helvetica\", fontsize=10];",
        "  edge [fontname=\"Helvetica\", fontsize=9];",
    ]
    for cluster in clusters:
        lines += _dot_cluster(cluster, nodes, "  ")
    lines += [_dot_node(key, nodes[key], "  ") for key in loose]
    for edge in _edges(graph):
        attrs = [DOT_EDGES.get(edge.relation, "style=solid"), f"tooltip={_dq(edge.relation)}"]
        label = _edge_label(edge)
        if label:
            attrs.append(f"label={_dq(label)}")
        if edge.both:
            attrs.append("dir=both")
        lines.append(f"  {_dq(edge.source)} -> {_dq(edge.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def _dot_cluster(cluster: _Cluster, nodes: dict[str, dict[str, Any]], indent: str) -> list[str]:
    lines = [f"{indent}subgraph {_dq('cluster_' + cluster.key)} {{",
             f"{indent}  label={_dq(cluster.title)};",
             f"{indent}  style=rounded;"]
    lines += [_dot_node(key, nodes[key], indent + "  ") for key in cluster.nodes]
    for child in cluster.children:
        lines += _dot_cluster(child, nodes, indent + "  ")
    lines.append(f"{indent}}}")
    return lines


def _dot_node(key: str, attrs: dict[str, Any], indent: str) -> str:
    shape = DOT_SHAPES.get(attrs["kind"], "box")
    extra = ", style=rounded" if attrs["kind"] == "instance" else ""
    return (f"{indent}{_dq(key)} [shape={shape}{extra}, label={_dq(attrs['label'])}, "
            f"tooltip={_dq(attrs['kind'])}];")


def _dq(text: str) -> str:
    """A DOT double-quoted ID: backslashes and quotes escaped, newlines as centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# -- Mermaid ---------------------------------------------------------------------------------------------


def to_mermaid(network: Network) -> str:
    """A Mermaid ``flowchart LR`` with one subgraph per VPC and per subnet."""
    graph = component_graph(network.compiled)
    nodes: dict[str, dict[str, Any]] = dict(graph.nodes(data=True))
    clusters, loose = _layout(graph)
    ids = _mermaid_ids([*nodes, *("cluster_" + c.key for c in _walk(clusters))])
    lines = ["flowchart LR"]
    for cluster in clusters:
        lines += _mermaid_cluster(cluster, nodes, ids, "  ")
    lines += [_mermaid_node(key, nodes[key], ids, "  ") for key in loose]
    for edge in _edges(graph):
        one_way, both_ways = MERMAID_LINKS.get(edge.relation, ("-->", "<-->"))
        link = both_ways if edge.both else one_way
        label = _edge_label(edge)
        shown = f'|"{_mq(label)}"|' if label else ""
        lines.append(f"  {ids[edge.source]} {link}{shown} {ids[edge.target]}")
    return "\n".join(lines)


def _walk(clusters: list[_Cluster]) -> Iterator[_Cluster]:
    for cluster in clusters:
        yield cluster
        yield from _walk(cluster.children)


def _mermaid_cluster(cluster: _Cluster, nodes: dict[str, dict[str, Any]], ids: dict[str, str],
                     indent: str) -> list[str]:
    lines = [f'{indent}subgraph {ids["cluster_" + cluster.key]} ["{_mq(cluster.title)}"]']
    lines += [_mermaid_node(key, nodes[key], ids, indent + "  ") for key in cluster.nodes]
    for child in cluster.children:
        lines += _mermaid_cluster(child, nodes, ids, indent + "  ")
    lines.append(f"{indent}end")
    return lines


def _mermaid_node(key: str, attrs: dict[str, Any], ids: dict[str, str], indent: str) -> str:
    start, end = MERMAID_SHAPES.get(attrs["kind"], ("[", "]"))
    return f'{indent}{ids[key]}{start}"{_mq(attrs["label"])}"{end}'


def _mermaid_ids(keys: list[str]) -> dict[str, str]:
    """Ids as ``[A-Za-z0-9_]+``, unique: collisions after sanitising get ``_2``, ``_3`` … in sorted order."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(set(keys)):
        base = re.sub(r"[^A-Za-z0-9_]+", "_", key).strip("_") or "node"
        if base[0].isdigit():
            base = "n_" + base
        candidate, n = base, 1
        while candidate in taken or candidate.lower() == "end":
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate)
        ids[key] = candidate
    return ids


def _mq(text: str) -> str:
    """Text inside a quoted Mermaid label: entity codes for the characters Mermaid would read as syntax."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    return text.replace("\n", "<br/>")
