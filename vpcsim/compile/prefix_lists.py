"""Prefix lists as the compiled network holds them: every list of the file by name (and by id), and the
AWS-managed lists of S3 and DynamoDB (R10.1) for every region the topology uses, so a gateway endpoint, a
route or a security group rule that names one finds its CIDRs."""

from __future__ import annotations

from vpcsim.ip import Prefix, parse_prefix
from vpcsim.model import Topology
from vpcsim.model.services import managed_prefix_list, service_name

PrefixLists = dict[str, tuple[Prefix, ...]]


def compile_prefix_lists(topo: Topology) -> PrefixLists:
    """The file's lists, then the managed ones the file does not define (a list of the file wins)."""
    prefix_lists: PrefixLists = {}
    for name, plist in topo.prefix_lists.items():
        prefixes = tuple(parse_prefix(e) for e in plist.entries)
        prefix_lists[name] = prefixes
        if plist.id:
            prefix_lists.setdefault(plist.id, prefixes)
    regions = {topo.region} | {v.region for v in topo.vpcs.values() if v.region}
    for region in sorted(regions):      # a stable order, whatever the string hash seed
        for service in ("s3", "dynamodb"):
            full = service_name(service, region)
            managed = managed_prefix_list(service, region)
            if full not in prefix_lists:
                entries = tuple(parse_prefix(p) for p in managed[1]) if managed else ()
                prefix_lists[full] = entries
                if managed:
                    prefix_lists.setdefault(managed[0], entries)
    return prefix_lists


def service_ranges(prefix_lists: PrefixLists) -> list[tuple[Prefix, str]]:
    """AWS service ranges for flow logs' ``pkt-*-aws-service`` (v5): each prefix once, first service wins."""
    ranges: dict[Prefix, str] = {}
    for name, prefixes in sorted(prefix_lists.items()):
        if name.startswith("com.amazonaws."):
            for prefix in prefixes:
                ranges.setdefault(prefix, name.rsplit(".", 1)[-1].upper())
    return list(ranges.items())
