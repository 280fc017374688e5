"""Name resolution as the Route 53 Resolver answers a query from one VPC (R11.2–R11.9, R10.13).

Order (R11.8): private hosted zones associated with the VPC (most specific zone wins; a matching zone
without the record is NXDOMAIN, no fallback), interface-endpoint private DNS, then the autodefined names —
EC2 private hostnames (``ip-10-0-1-5.ec2.internal``), resource names (``i-0abc….ec2.internal``), public
hostnames (``ec2-203-0-113-25.compute-1.amazonaws.com``, private IP from inside the VPC, R11.5) — and, as
the "Internet Resolver" would find them, endpoint-specific names (``vpce-….sqs.us-east-1.vpce.amazonaws.com``,
R10.13), AWS service names (``s3.us-east-1.amazonaws.com``) and public hosted zones of the topology (R11.9).
Anything else is NXDOMAIN: vpcsim models no other public DNS.
"""

from __future__ import annotations

from vpcsim.compile.components import Eni, HostedZone, Vpc
from vpcsim.compile.network import CompiledNetwork
from vpcsim.dns.answers import Answer, Rcode, Record
from vpcsim.ip import format_address, is_address, is_private_v4, parse_address

MAX_CNAME_CHAIN = 8


def ec2_domain(region: str) -> str:
    """R11.6: the default DHCP domain: ec2.internal in us-east-1, <region>.compute.internal elsewhere."""
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def public_domain(region: str) -> str:
    return "compute-1.amazonaws.com" if region == "us-east-1" else f"{region}.compute.amazonaws.com"


def private_hostname(address: str, region: str) -> str:
    return f"ip-{address.replace('.', '-')}.{ec2_domain(region)}"


def public_hostname(address: str, region: str) -> str:
    return f"ec2-{address.replace('.', '-')}.{public_domain(region)}"


def resolve(net: CompiledNetwork, vpc_name: str, name: str, qtype: str = "A") -> Answer:
    vpc = net.vpcs[vpc_name]
    fqdn = name.rstrip(".").lower()
    if not vpc.dns_support:
        return Answer(fqdn, Rcode.REFUSED, reason=f"VPC {vpc.name} has enableDnsSupport off: the Amazon DNS server "
                      "does not answer (R11.2)")
    records: list[Record] = []
    current = fqdn
    for _ in range(MAX_CNAME_CHAIN):
        step = _lookup(net, vpc, current, qtype)
        if step.rcode != Rcode.NOERROR:
            if records:      # a CNAME led nowhere
                return Answer(fqdn, step.rcode, tuple(records), step.reason)
            return step
        records.extend(step.records)
        if not step.records or step.records[-1].type != "CNAME":     # an answer, or a name without that type
            return Answer(fqdn, Rcode.NOERROR, tuple(records), step.reason)
        current = step.records[-1].value.rstrip(".").lower()
    return Answer(fqdn, Rcode.SERVFAIL, tuple(records), f"CNAME chain longer than {MAX_CNAME_CHAIN} (a loop?)")


def _lookup(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str) -> Answer:
    names_on = vpc.dns_support and vpc.dns_hostnames
    zone_answer = _private_zones(net, vpc, name, qtype, names_on)
    if zone_answer is not None:
        return zone_answer
    for resolver in (_endpoint_private_dns, _ec2_names, _endpoint_names, _service_names, _public_zones):
        answer = resolver(net, vpc, name, qtype, names_on)
        if answer is not None:
            return answer
    return Answer(name, Rcode.NXDOMAIN, reason=f"no record for {name} in the modelled network (vpcsim has no public "
                  f"DNS){_unused_private_names(net, vpc, name, names_on)}")


def _unused_private_names(net: CompiledNetwork, vpc: Vpc, name: str, names_on: bool) -> str:
    """Why a private zone or an endpoint's private DNS that has the name did not answer (R11.3, R10.13)."""
    if not names_on and any(z.private and vpc.name in z.vpcs and (name == z.domain or name.endswith("." + z.domain))
                            for z in net.hosted_zones.values()):
        return f"; private hosted zones need enableDnsHostnames and enableDnsSupport, and VPC {vpc.name} has " \
               "DNS hostnames off (R11.3)"
    for endpoint in net.endpoints.values():
        if endpoint.vpc == vpc.name and endpoint.type == "interface" and name == _service_hostname(endpoint.service):
            if not endpoint.private_dns:
                return f"; interface endpoint {endpoint.name} has private DNS off: the name resolves publicly, " \
                       "not to the endpoint (R10.13)"
            return f"; the private DNS of interface endpoint {endpoint.name} needs enableDnsHostnames and " \
                   f"enableDnsSupport, and VPC {vpc.name} has DNS hostnames off (R10.13)"
    return ""


def _private_zones(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """R11.8: the most specific associated private zone answers — or says NXDOMAIN; no public fallback."""
    zones = [z for z in net.hosted_zones.values() if z.private and vpc.name in z.vpcs
             and (name == z.domain or name.endswith("." + z.domain))]
    if not zones:
        return None
    if not names_on:
        return None   # R11.3: private hosted zones need enableDnsHostnames and enableDnsSupport
    zone = max(zones, key=lambda z: len(z.domain))
    return _zone_answer(net, zone, name, qtype, f"private hosted zone {zone.name} ({zone.domain})")


def _zone_answer(net: CompiledNetwork, zone: HostedZone, name: str, qtype: str, source: str) -> Answer:
    """The zone's record for the name (CNAME first, then the type, then an ALIAS), or NXDOMAIN (R11.8)."""
    matches = [(t, values) for fqdn, t, values in zone.records if fqdn == name]
    for rtype, values in matches:
        if rtype == "CNAME":
            return Answer(name, Rcode.NOERROR, (Record(name, "CNAME", values[0], source),))
    for rtype, values in matches:
        if rtype == qtype:
            return Answer(name, Rcode.NOERROR, tuple(Record(name, qtype, v, source) for v in values))
        if rtype == "ALIAS":
            addresses = _alias_addresses(net, values[0], qtype)
            if addresses:
                return Answer(name, Rcode.NOERROR, tuple(Record(name, qtype, a, f"{source}, alias to {values[0]}")
                                                     for a in addresses))
    if not zone.private:
        return Answer(name, Rcode.NXDOMAIN, reason=f"{source} has no {qtype} record for {name}")
    return Answer(name, Rcode.NXDOMAIN, reason=f"{source} has no {qtype} record for {name}; a matching private zone "
                  "never falls back to public DNS (R11.8)")


def _alias_addresses(net: CompiledNetwork, target: str, qtype: str) -> list[str]:
    family = 4 if qtype == "A" else 6
    enis: list[Eni] = []
    if target in net.endpoints:
        enis = [net.enis[e] for e in net.endpoints[target].enis]
    elif target in net.instances:
        enis = [net.enis[net.instances[target].enis[0]]]
    elif target in net.enis:
        enis = [net.enis[target]]
    elif target in net.nat_gateways:
        enis = [net.enis[net.nat_gateways[target].eni]]
    out: list[str] = []
    for eni in enis:
        addresses = eni.private_ips if family == 4 else eni.ipv6_ips
        out.extend(format_address(family, a) for a in addresses[:1])
    return out


def _endpoint_private_dns(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """R10.13: with private DNS, the service's default name resolves to the endpoint's ENIs in its VPC."""
    if not names_on:
        return None
    for endpoint in net.endpoints.values():
        if endpoint.vpc != vpc.name or endpoint.type != "interface" or not endpoint.private_dns:
            continue
        if name == _service_hostname(endpoint.service):
            addresses = _alias_addresses(net, endpoint.name, qtype)
            source = f"private DNS of interface endpoint {endpoint.name}"
            return Answer(name, Rcode.NOERROR, tuple(Record(name, qtype, a, source) for a in addresses)) if addresses \
                else Answer(name, Rcode.NOERROR, reason=f"{source}: no {qtype} address")
    return None


def _service_hostname(service: str) -> str:
    """``com.amazonaws.us-east-1.sqs`` -> ``sqs.us-east-1.amazonaws.com``."""
    parts = service.split(".")
    if len(parts) >= 4 and parts[0] == "com" and parts[1] == "amazonaws":
        region, short = parts[2], ".".join(parts[3:])
        return f"{short}.{region}.amazonaws.com"
    return service


def _ec2_names(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """R11.4/R11.5: private IP names, resource names and public names of instances."""
    region = vpc.region
    private_suffix = "." + ec2_domain(region)
    public_suffix = "." + public_domain(region)
    if name.endswith(private_suffix):
        label = name[: -len(private_suffix)]
        if not names_on:
            return Answer(name, Rcode.NXDOMAIN, reason=f"VPC {vpc.name} does not resolve Amazon-provided private "
                          "hostnames unless enableDnsHostnames and enableDnsSupport are on (R11.3)")
        if label.startswith("ip-"):
            address = label[3:].replace("-", ".")
            if is_address(address) and qtype == "A" and _known_private(net, vpc, address):
                return Answer(name, Rcode.NOERROR, (Record(name, "A", address, "EC2 private IP hostname"),))
        instance = next((i for i in net.instances.values() if i.id.lower() == label), None)
        if instance is not None:
            eni = net.enis[instance.enis[0]]
            addresses = eni.private_ips if qtype == "A" else eni.ipv6_ips
            family = 4 if qtype == "A" else 6
            return Answer(name, Rcode.NOERROR, tuple(Record(name, qtype, format_address(family, a),
                                                        "EC2 resource name") for a in addresses[:1]))
        return Answer(name, Rcode.NXDOMAIN, reason=f"no instance answers to {name}")
    if name.startswith("ec2-") and name.endswith(public_suffix):
        address = name[4: -len(public_suffix)].replace("-", ".")
        if not is_address(address):
            return None
        owner = net.public_index.get(parse_address(address))
        if owner is None:
            return Answer(name, Rcode.NXDOMAIN, reason=f"no interface has the public address {address}")
        eni = net.enis[owner[0]]
        if _sees_private(net, vpc, eni.vpc):
            return Answer(name, Rcode.NOERROR, (Record(name, "A", format_address(4, owner[1]),
                                                   "EC2 public hostname, private IP from inside (R11.5)"),))
        return Answer(name, Rcode.NOERROR, (Record(name, "A", address, "EC2 public hostname"),))
    return None


def _known_private(net: CompiledNetwork, vpc: Vpc, address: str) -> bool:
    """R11.5: an IP name answers for an address of this VPC, or an RFC 1918 address of a VPC in the same
    Region (the hostname's domain already names the Region)."""
    family, value = parse_address(address)
    if (vpc.name, family, value) in net.private_index:
        return True
    return is_private_v4(value) and any(key[1:] == (family, value) and net.vpcs[key[0]].region == vpc.region
                                        for key in net.private_index)


def _sees_private(net: CompiledNetwork, vpc: Vpc, owner_vpc: str) -> bool:
    """R11.5, R9.9: private answer inside the owner's VPC, or from a peer with DNS resolution enabled."""
    if owner_vpc == vpc.name:
        return vpc.dns_hostnames
    owner = net.vpcs[owner_vpc]
    for peering in net.peerings.values():
        if peering.active and peering.allow_dns_resolution and {peering.requester, peering.accepter} == {
                vpc.name, owner_vpc}:
            return vpc.dns_hostnames and owner.dns_hostnames and owner.dns_support
    return False


def _endpoint_names(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """R10.13: an endpoint-specific name (``<endpoint id>….sqs.us-east-1.vpce.amazonaws.com``) is public DNS:
    it resolves to the endpoint's ENI addresses from anywhere, whatever its private DNS setting."""
    parts = name.split(".")
    if len(parts) != 6 or parts[-3:] != ["vpce", "amazonaws", "com"]:
        return None
    service = f"{parts[1]}.{parts[2]}.amazonaws.com"          # sqs.us-east-1.amazonaws.com
    for endpoint in net.endpoints.values():
        if endpoint.type != "interface" or _service_hostname(endpoint.service) != service:
            continue
        if parts[0] == endpoint.id.lower() or parts[0].startswith(endpoint.id.lower() + "-"):
            source = f"endpoint-specific DNS name of {endpoint.name}"
            return Answer(name, Rcode.NOERROR, tuple(Record(name, qtype, a, source)
                                                 for a in _alias_addresses(net, endpoint.name, qtype)))
    return None


def _service_names(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """AWS service names (``s3.us-east-1.amazonaws.com``, ``bucket.s3.us-east-1.amazonaws.com``) resolve to an
    address of the service's ranges (its AWS-managed prefix list)."""
    parts = name.split(".")
    if len(parts) >= 4 and parts[-2:] == ["amazonaws", "com"]:
        short, region = parts[-4], parts[-3]
        prefixes = net.prefix_lists.get(f"com.amazonaws.{region}.{short}")
        if prefixes:
            first = prefixes[0]
            return Answer(name, Rcode.NOERROR, (Record(name, "A", format_address(first.family, first.start + 10),
                                                   f"AWS public range of {short} (prefix list)"),))
    return None


def _public_zones(net: CompiledNetwork, vpc: Vpc, name: str, qtype: str, names_on: bool) -> Answer | None:
    """R11.8 (4), R11.9: public hosted zones of the topology answer from anywhere — after any associated
    private zone of the same name, which always wins inside its VPCs."""
    zones = [z for z in net.hosted_zones.values() if not z.private
             and (name == z.domain or name.endswith("." + z.domain))]
    if not zones:
        return None
    zone = max(zones, key=lambda z: len(z.domain))
    return _zone_answer(net, zone, name, qtype, f"public hosted zone {zone.name} ({zone.domain})")
