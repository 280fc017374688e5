"""Random topologies of VPCs on a transit gateway: where the matrix shares legs of walks
(analysis/matrix/legs.py, middles.py).

Every VPC is attached (in a random set of AZs, through its own subnets or dedicated /28s); route tables send
random prefixes to the transit gateway or to blackholes; the gateway has several route tables with random
associations, propagations, static routes and blackholes, appliance mode and SG referencing switched at
random; network ACLs deny and allow random prefixes and ports; security groups name prefixes and groups
of their own VPC and of others. Sometimes one VPC is an egress VPC with a NAT gateway (walked whole).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

AZS = ("us-east-1a", "us-east-1b", "us-east-1c")
PORTS = (22, 443, "1024-65535", "0-1023", "440-450")


@st.composite
def tgw_topologies(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 4))
    octets = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True))
    names = [f"v{i}" for i in range(count)]
    cidrs = {name: f"10.{o}.0.0/16" for name, o in zip(names, octets, strict=True)}
    groups = {name: [f"{name}-sg{k}" for k in range(draw(st.integers(1, 3)))] for name in names}
    pool = ["10.0.0.0/8", "0.0.0.0/0", *cidrs.values(),
            *(f"10.{o}.{k}.0/24" for o in octets for k in range(2))]
    egress_vpc = names[0] if draw(st.booleans()) else None
    vpcs: dict[str, Any] = {}
    attachments: dict[str, Any] = {}
    table_names = [f"tgw-rt{k}" for k in range(draw(st.integers(1, 3)))]
    for name, octet in zip(names, octets, strict=True):
        vpcs[name], attachments[f"att-{name}"] = draw(_vpc(name, octet, cidrs, groups, pool, table_names,
                                                           egress=name == egress_vpc))
    tables: dict[str, Any] = {}
    for table in table_names:
        routes = []
        for _ in range(draw(st.integers(0, 3))):
            destination = draw(st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", *cidrs.values()]))
            if any(r["destination"] == destination for r in routes):
                continue
            if draw(st.integers(0, 2)) == 0:
                routes.append({"destination": destination, "blackhole": True})
            else:
                routes.append({"destination": destination, "attachment": f"att-{draw(st.sampled_from(names))}"})
        tables[table] = {"routes": routes}
    return {"name": "tgw-generated", "vpcs": vpcs,
            "transit_gateways": {"tgw": {"default_association": False, "default_propagation": False,
                                         "sg_referencing": draw(st.booleans()), "route_tables": tables,
                                         "attachments": attachments}}}


@st.composite
def _vpc(draw: st.DrawFn, name: str, octet: int, cidrs: dict[str, str], groups: dict[str, list[str]],
         pool: list[str], table_names: list[str], egress: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    azs = draw(st.lists(st.sampled_from(AZS), min_size=1, max_size=3, unique=True))
    subnets: dict[str, Any] = {}
    for k in range(draw(st.integers(1, 3))):
        subnets[f"{name}-s{k}"] = {"cidr": f"10.{octet}.{k}.0/24", "az": draw(st.sampled_from(azs))}
    dedicated = draw(st.booleans())
    attach_subnets: list[str] = []
    for j, az in enumerate(azs):
        if dedicated:
            subnets[f"{name}-tgw{j}"] = {"cidr": f"10.{octet}.200.{16 * j}/28", "az": az}
            attach_subnets.append(f"{name}-tgw{j}")
        else:
            mine = [s for s, spec in subnets.items() if spec["az"] == az]
            if mine and draw(st.booleans()):
                attach_subnets.append(draw(st.sampled_from(mine)))
    if not attach_subnets:
        first = next(iter(subnets))
        attach_subnets.append(first)
    vpc: dict[str, Any] = {"cidr": cidrs[name], "subnets": subnets}
    routes: list[dict[str, Any]] = []
    if draw(st.integers(0, 3)) > 0:
        routes.append({"destination": "0.0.0.0/0", "target": "tgw"})
    for other, cidr in cidrs.items():
        if other != name and draw(st.integers(0, 2)) == 0:
            routes.append({"destination": cidr, "target": "tgw"})
    if draw(st.booleans()) and not any(r["destination"] == "10.0.0.0/8" for r in routes):
        routes.append({"destination": "10.0.0.0/8", "target": "tgw"})
    if egress:
        vpc["internet_gateway"] = f"{name}-igw"
        subnets[f"{name}-pub"] = {"cidr": f"10.{octet}.100.0/24", "az": azs[0], "route_table": f"{name}-pub-rt"}
        vpc["nat_gateways"] = {f"{name}-nat": {"subnet": f"{name}-pub", "elastic_ip": f"198.51.100.{octet + 1}"}}
        routes = [r for r in routes if r["destination"] != "0.0.0.0/0"]
        routes.append({"destination": "0.0.0.0/0", "target": f"{name}-nat"})
    vpc["route_tables"] = {f"{name}-rt": {"main": True, "routes": routes}}
    if egress:
        vpc["route_tables"][f"{name}-pub-rt"] = {"routes": [{"destination": "0.0.0.0/0", "target": f"{name}-igw"},
                                                            {"destination": "10.0.0.0/8", "target": "tgw"}]}
    if draw(st.booleans()):
        vpc["network_acls"] = {f"{name}-acl": {direction: draw(_acl_rules(key, pool))
                                               for direction, key in (("ingress", "source"),
                                                                      ("egress", "destination"))}}
        for subnet in subnets:
            if draw(st.booleans()):
                subnets[subnet]["network_acl"] = f"{name}-acl"
    every_group = [g for gs in groups.values() for g in gs]
    vpc["security_groups"] = {group: draw(_security_group(pool, groups[name], every_group)) for group in groups[name]}
    instances: dict[str, Any] = {}
    for subnet, spec in subnets.items():
        if "tgw" in subnet or "pub" in subnet:
            continue
        base = spec["cidr"].rsplit(".", 1)[0]
        for j in range(draw(st.integers(0, 3))):
            instances[f"{subnet}-i{j}"] = {
                "subnet": subnet, "private_ip": f"{base}.{10 + j}",
                "security_groups": draw(st.lists(st.sampled_from(groups[name]), min_size=1, max_size=2, unique=True))}
    vpc["instances"] = instances
    propagations = [t for t in table_names if draw(st.integers(0, 3)) > 0]
    attachment: dict[str, Any] = {"vpc": name, "subnets": attach_subnets, "propagations": propagations}
    if draw(st.integers(0, 3)) > 0:
        attachment["route_table"] = draw(st.sampled_from(table_names))
    if draw(st.integers(0, 2)) == 0:
        attachment["appliance_mode"] = True
    if draw(st.integers(0, 3)) == 0:
        attachment["sg_referencing"] = False
    return vpc, attachment


@st.composite
def _acl_rules(draw: st.DrawFn, key: str, pool: list[str]) -> list[dict[str, Any]]:
    rules = []
    for number in range(10, 10 + 10 * draw(st.integers(0, 5)), 10):
        protocol = draw(st.sampled_from(["tcp", "all", "udp", "icmp"]))
        rule: dict[str, Any] = {"rule": number, "protocol": protocol, key: draw(st.sampled_from(pool)),
                                "action": draw(st.sampled_from(["allow", "allow", "deny"]))}
        if protocol in ("tcp", "udp"):
            rule["ports"] = draw(st.sampled_from(PORTS))
        rules.append(rule)
    return rules


@st.composite
def _security_group(draw: st.DrawFn, pool: list[str], own: list[str], every: list[str]) -> dict[str, Any]:
    def rules(key: str) -> list[dict[str, Any]]:
        found = []
        for _ in range(draw(st.integers(0, 4))):
            protocol = draw(st.sampled_from(["tcp", "tcp", "all", "icmp"]))
            peer = draw(st.sampled_from([*pool, *pool[:2], *own, *every]))
            rule: dict[str, Any] = {"protocol": protocol, key: peer}
            if protocol == "tcp":
                rule["ports"] = draw(st.sampled_from(PORTS))
            found.append(rule)
        return found

    group: dict[str, Any] = {"ingress": rules("source")}
    if draw(st.booleans()):
        group["egress"] = rules("destination")
    return group
