"""A synthetic, deterministic topology of ``n`` VPCs on one transit gateway (DESIGN §8 sizes).

    python -m benchmarks.generate 100 -o /tmp/m.yaml

Shape (everything is named after its VPC, because names are unique per kind across a topology):

* VPC ``i`` gets a /20 out of 10.0.0.0/8 (4,096 fit), then out of 172.16.0.0/12 (256 more).
  VPC 0 is the shared egress VPC (IGW + NAT gateway); the others belong to an environment
  (prod / staging / dev / shared) chosen round-robin.
* 2 or 3 AZs per VPC; per AZ a private /24, a public /24 and a /28 for the TGW attachment.
* One TGW with a route table per environment. Each attachment is associated with its environment's
  table and propagates into it and into ``tgw-rt-shared``; shared VPCs propagate everywhere. Every
  table sends 0.0.0.0/0 to the egress VPC and blackholes 10.0.0.0/8 (cross-environment isolation,
  longest prefix keeps the propagated /20s reachable).
* Private route tables: 0.0.0.0/0 -> tgw; one VPC in ten has its own IGW + NAT instead
  (0.0.0.0/0 -> nat, 10.0.0.0/8 -> tgw).
* 4–6 security groups per VPC with 20–60 ingress rules each (CIDRs of other VPCs, /24s, 10/8, SG
  references in the same VPC and a few across the TGW, single ports and ranges, udp, icmp, all);
  half of them with explicit egress rules.
* A custom NACL on the private subnets with 12–20 numbered rules per direction (denies first).
* ~100 ENIs per VPC: 95 instances with explicit addresses plus 5 secondary interfaces.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("prod", "staging", "dev", "shared")
AZ_LETTERS = "abc"
INSTANCES_PER_VPC = 95
EXTRA_ENIS_PER_VPC = 5
SG_ROLES = ("web", "app", "db", "cache", "mgmt", "batch")
REGION = "us-east-1"

_BLOCKS = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("172.16.0.0/12"))
_PER_BLOCK = tuple(1 << (20 - b.prefixlen) for b in _BLOCKS)     # /20s per block: 4096, 256
MAX_VPCS = sum(_PER_BLOCK)


def vpc_base(i: int) -> int:
    """The first address (as int) of VPC ``i``'s /20."""
    for block, count in zip(_BLOCKS, _PER_BLOCK, strict=True):
        if i < count:
            return int(block.network_address) + (i << 12)
        i -= count
    raise ValueError(f"at most {MAX_VPCS} VPCs fit in 10.0.0.0/8 and 172.16.0.0/12 as /20s")


def _ip(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


def _cidr(value: int, length: int) -> str:
    return f"{_ip(value)}/{length}"


def vpc_name(i: int) -> str:
    return f"v{i:04d}-egress" if i == 0 else f"v{i:04d}-{environment(i)}"


def environment(i: int) -> str:
    return "shared" if i == 0 else ENVIRONMENTS[(i - 1) % len(ENVIRONMENTS)]


def generate(n_vpcs: int, seed: int = 0) -> dict[str, Any]:
    """A topology dict of ``n_vpcs`` VPCs (≥ 1), identical for identical arguments."""
    if not 1 <= n_vpcs <= MAX_VPCS:
        raise ValueError(f"n_vpcs must be between 1 and {MAX_VPCS}")
    rng = random.Random(seed)
    names = [vpc_name(i) for i in range(n_vpcs)]
    bases = [vpc_base(i) for i in range(n_vpcs)]
    azs = [2 + (rng.random() < 0.5) for _ in range(n_vpcs)]
    sg_names = [[f"{names[i]}-{r}" for r in SG_ROLES[: 4 + rng.randrange(3)]] for i in range(n_vpcs)]
    by_env: dict[str, list[int]] = {e: [] for e in ENVIRONMENTS}
    for i in range(n_vpcs):
        by_env[environment(i)].append(i)

    vpcs: dict[str, Any] = {}
    attachments: dict[str, Any] = {}
    for i in range(n_vpcs):
        vpcs[names[i]], attachments[f"att-{names[i]}"] = _vpc(rng, i, names, bases, azs[i], sg_names, by_env)

    tables: dict[str, Any] = {}
    for env in ENVIRONMENTS:
        routes: list[dict[str, Any]] = [{"destination": "10.0.0.0/8", "blackhole": True}]
        if n_vpcs > 1:
            routes.insert(0, {"destination": "0.0.0.0/0", "attachment": f"att-{names[0]}"})
        tables[f"tgw-rt-{env}"] = {"routes": routes}
    return {
        "name": f"synthetic-{n_vpcs}",
        "description": f"benchmarks.generate({n_vpcs}, seed={seed}): {n_vpcs} VPCs on one transit gateway",
        "region": REGION,
        "vpcs": vpcs,
        "transit_gateways": {
            "tgw": {
                "asn": 64512,
                "default_association": False,
                "default_propagation": False,
                "route_tables": tables,
                "attachments": attachments,
            }
        },
    }


def _vpc(rng: random.Random, i: int, names: list[str], bases: list[int], n_az: int,
         sg_names: list[list[str]], by_env: dict[str, list[int]]) -> tuple[dict[str, Any], dict[str, Any]]:
    name, base, env = names[i], bases[i], environment(i)
    egress_hub = i == 0
    own_internet = egress_hub or i % 10 == 5
    letters = AZ_LETTERS[:n_az]
    subnets: dict[str, Any] = {}
    private, public, attach = [], [], []
    for k, letter in enumerate(letters):
        az = f"{REGION}{letter}"
        p, q, t = f"{name}-private-{letter}", f"{name}-public-{letter}", f"{name}-tgw-{letter}"
        subnets[p] = {"cidr": _cidr(base + (k << 8), 24), "az": az, "network_acl": f"{name}-private-acl",
                      "tags": {"tier": "private"}}
        subnets[q] = {"cidr": _cidr(base + ((4 + k) << 8), 24), "az": az, "tags": {"tier": "public"}}
        subnets[t] = {"cidr": _cidr(base + (15 << 8) + (k << 4), 28), "az": az, "tags": {"tier": "tgw"}}
        private.append(p)
        public.append(q)
        attach.append(t)

    vpc: dict[str, Any] = {"cidr": _cidr(base, 20), "tags": {"env": env}}
    route_tables: dict[str, Any] = {}
    nat = f"{name}-nat-a"
    if own_internet:
        vpc["internet_gateway"] = f"{name}-igw"
        vpc["nat_gateways"] = {nat: {"subnet": public[0], "elastic_ip": _ip(int(ipaddress.IPv4Address("198.18.0.0"))
                                                                             + i)}}
    if egress_hub:
        # Traffic arriving from the TGW (attachment subnets) leaves through the NAT gateway.
        route_tables[f"{name}-private-rt"] = {"main": True, "routes": [
            {"destination": "0.0.0.0/0", "target": nat},
            {"destination": "10.0.0.0/8", "target": "tgw"}]}
    elif own_internet:
        route_tables[f"{name}-private-rt"] = {"main": True, "routes": [
            {"destination": "10.0.0.0/8", "target": "tgw"},
            {"destination": "172.16.0.0/12", "target": "tgw"},
            {"destination": "0.0.0.0/0", "target": nat}]}
    else:
        route_tables[f"{name}-private-rt"] = {"main": True, "routes": [{"destination": "0.0.0.0/0", "target": "tgw"}]}
    if own_internet:
        route_tables[f"{name}-public-rt"] = {"subnets": public, "routes": [
            {"destination": "0.0.0.0/0", "target": f"{name}-igw"},
            {"destination": "10.0.0.0/8", "target": "tgw"},
            {"destination": "172.16.0.0/12", "target": "tgw"}]}
    vpc["subnets"] = subnets
    vpc["route_tables"] = route_tables

    same_env = by_env[env]
    vpc["security_groups"] = {sg: _security_group(rng, i, sg, sg_names, bases, same_env)
                              for sg in sg_names[i]}
    vpc["network_acls"] = {f"{name}-private-acl": _network_acl(rng, base)}

    instances: dict[str, Any] = {}
    per_subnet = [0] * n_az
    for j in range(INSTANCES_PER_VPC):
        k = j % n_az
        in_public = own_internet and j % 19 == 0
        subnet = public[k] if in_public else private[k]
        block = (4 + k) if in_public else k
        per_subnet[k] += 1
        host = 10 + per_subnet[k] if not in_public else 200 + j // 19
        groups = rng.sample(sg_names[i], 1 + (rng.random() < 0.4))
        instances[f"{name}-i{j:03d}"] = {"subnet": subnet, "private_ip": _ip(base + (block << 8) + host),
                                         "security_groups": groups}
    vpc["instances"] = instances
    vpc["network_interfaces"] = {
        f"{name}-eni{j}": {"subnet": private[j % n_az], "instance": f"{name}-i{j:03d}", "device_index": 1,
                           "private_ip": _ip(base + ((j % n_az) << 8) + 150 + j),
                           "security_groups": rng.sample(sg_names[i], 1)}
        for j in range(EXTRA_ENIS_PER_VPC)
    }

    propagations = [f"tgw-rt-{e}" for e in ENVIRONMENTS] if env == "shared" else sorted({f"tgw-rt-{env}",
                                                                                         "tgw-rt-shared"})
    attachment = {"vpc": name, "subnets": attach, "route_table": f"tgw-rt-{env}", "propagations": propagations}
    if egress_hub:
        attachment["appliance_mode"] = True
    return vpc, attachment


_PORTS = (22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9090, 9200, 11211, 27017)
_RANGES = ("8000-8099", "1024-65535", "30000-32767", "9000-9100", "7000-7010", "all")


def _peer_cidr(rng: random.Random, i: int, bases: list[int], same_env: list[int]) -> str:
    roll = rng.random()
    if roll < 0.15:
        return "10.0.0.0/8"
    if roll < 0.25:
        return _cidr(bases[i], 20)
    if roll < 0.45:
        return _cidr(bases[rng.choice(same_env)] + (rng.randrange(3) << 8), 24)
    if roll < 0.55:
        return f"{rng.choice(('203.0.113', '198.51.100', '192.0.2'))}.{rng.randrange(0, 256, 16)}/28"
    if roll < 0.60:
        return "0.0.0.0/0"
    return _cidr(bases[rng.choice(same_env)], 20)


def _peer(rng: random.Random, i: int, sg_names: list[list[str]], bases: list[int], same_env: list[int]) -> str:
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(sg_names[i])
    if roll < 0.28 and len(same_env) > 1:      # across the TGW: valid, but never matches (R8.15)
        return rng.choice(sg_names[rng.choice(same_env)])
    return _peer_cidr(rng, i, bases, same_env)


def _sg_rule(rng: random.Random, peer: str, key: str) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.55:
        rule: dict[str, Any] = {"protocol": "tcp", "ports": rng.choice(_PORTS)}
    elif roll < 0.75:
        rule = {"protocol": "tcp", "ports": rng.choice(_RANGES)}
    elif roll < 0.87:
        rule = {"protocol": "udp", "ports": rng.choice((53, 123, 161, "500-4500", "1024-65535"))}
    elif roll < 0.95:
        rule = {"protocol": "icmp"}
        if rng.random() < 0.5:
            rule["icmp_type"] = 8
            rule["icmp_code"] = -1
    else:
        rule = {"protocol": "all"}
    rule[key] = peer
    return rule


def _security_group(rng: random.Random, i: int, sg: str, sg_names: list[list[str]], bases: list[int],
                    same_env: list[int]) -> dict[str, Any]:
    ingress = [_sg_rule(rng, _peer(rng, i, sg_names, bases, same_env), "source")
               for _ in range(rng.randint(20, 60))]
    group: dict[str, Any] = {"description": f"{sg.rsplit('-', 1)[-1]} tier", "ingress": ingress}
    if rng.random() < 0.5:
        egress = [{"protocol": "tcp", "ports": 443, "destination": "0.0.0.0/0"},
                  {"protocol": "tcp", "ports": "1024-65535", "destination": "10.0.0.0/8"},
                  {"protocol": "udp", "ports": 53, "destination": "10.0.0.0/8"}]
        egress += [_sg_rule(rng, _peer(rng, i, sg_names, bases, same_env), "destination")
                   for _ in range(rng.randint(3, 12))]
        group["egress"] = egress
    return group


def _network_acl(rng: random.Random, base: int) -> dict[str, Any]:
    def direction(key: str) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = []
        number = 10
        for _ in range(rng.randint(2, 5)):          # denies of ranges no generated VPC uses
            rules.append({"rule": number, "protocol": rng.choice(("tcp", "all")),
                          "ports": rng.choice((22, 3389, "all")), key: f"192.168.{rng.randrange(256)}.0/24",
                          "action": "deny"})
            if rules[-1]["protocol"] == "all":
                del rules[-1]["ports"]
            number += 10
        allows = [
            {"protocol": "tcp", "ports": 443, key: "10.0.0.0/8"},
            {"protocol": "tcp", "ports": 22, key: "10.0.0.0/8"},
            {"protocol": "tcp", "ports": "8000-8999", key: "10.0.0.0/8"},
            {"protocol": "tcp", "ports": "3000-6999", key: _cidr(base, 20)},
            {"protocol": "udp", "ports": 53, key: "10.0.0.0/8"},
            {"protocol": "icmp", key: "10.0.0.0/8"},
            {"protocol": "tcp", "ports": "1024-65535", key: "0.0.0.0/0"},
            {"protocol": "udp", "ports": "1024-65535", key: "0.0.0.0/0"},
            {"protocol": "tcp", "ports": 80, key: "0.0.0.0/0"},
            {"protocol": "tcp", "ports": 443, key: "0.0.0.0/0"},
        ]
        for extra in range(rng.randint(0, 5)):
            allows.append({"protocol": "tcp", "ports": rng.choice(_PORTS), key: f"172.16.{extra * 16}.0/20"})
        number = 100
        for allow in allows:
            rules.append({"rule": number, **allow, "action": "allow"})
            number += 10
        return rules

    return {"ingress": direction("source"), "egress": direction("destination")}


def dump(topology: dict[str, Any], path: str | Path | None = None) -> str:
    """YAML text (flow style for leaves, block style above), written to ``path`` when given."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(topology, Dumper=dumper, sort_keys=False, default_flow_style=None, width=200)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("n_vpcs", type=int)
    parser.add_argument("-o", "--output", help="YAML file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text = dump(generate(args.n_vpcs, args.seed), args.output)
    if args.output is None:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
