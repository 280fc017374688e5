"""aws-semantics §11: DNS — the Route 53 Resolver as the VPC sees it (R11.1–R11.9, R10.13, R9.9, trap 6, 14).

A name given to ``trace`` is first resolved by a real UDP/53 packet from the source to its VPC's Resolver;
the data packets then go to the answer. Not simulated: Resolver rules and endpoints (R11.10), DNS64
(R11.11), the 1,024 packets/s limit (R11.7), custom DHCP option sets (R11.6), TGW DNS support (R8.16).
"""

from __future__ import annotations

import pytest
from conftest import components, decisions, load

from vpcsim import Disposition
from vpcsim.engine.results import DnsExchange
from vpcsim.ip import parse_address
from vpcsim.render.text import render_trace

# A query answered on the host: sent, answered by the Resolver, delivered back — nothing else on the way.
ANSWERED = ["SEND", "EXIT"]


def _answers(exchange: DnsExchange) -> list[tuple[str, str]]:
    return [(r.type, r.value) for r in exchange.records]


# -- R11.1 link-local services: where the Resolver answers, and that nothing filters it --------------------


def test_R11_1a_resolver_answers_at_the_primary_cidr_base_plus_2() -> None:
    net = load("R11_1_resolver_addresses")
    # app-2 lives in a subnet of the SECONDARY CIDR; its Resolver is still 10.0.0.2 (primary base + 2).
    exchange = net.resolve("app-2", "ip-10-0-1-10.ec2.internal")
    assert exchange.server == "10.0.0.2"
    assert components(exchange.query) == ["eni-app-2", "route53-resolver"]
    assert decisions(exchange.query) == ANSWERED
    assert components(exchange.response) == ["eni-app-2"]
    assert exchange.response[0].packet.source == "10.0.0.2"
    assert exchange.response[0].packet.src_port == 53
    assert _answers(exchange) == [("A", "10.0.1.10")]

    trace = net.trace("app-2", "10.0.0.2", protocol="udp", port=53)
    assert components(trace.forward) == ["eni-app-2", "route53-resolver"]
    assert components(trace.reply) == ["eni-app-2"]
    assert trace.reachable


@pytest.mark.parametrize(("source", "server"), [("app-2", "169.254.169.253"), ("app-1", "fd00:ec2::253")])
def test_R11_1a_resolver_answers_at_its_link_local_addresses(source: str, server: str) -> None:
    net = load("R11_1_resolver_addresses")
    trace = net.trace(source, server, protocol="udp", port=53)
    assert components(trace.forward) == [f"eni-{source}", "route53-resolver"]
    assert decisions(trace.forward) == ANSWERED
    assert components(trace.reply) == [f"eni-{source}"]
    assert trace.reply[0].packet.source == server


@pytest.mark.parametrize(("destination", "protocol", "port", "service"), [
    ("10.0.0.2", "udp", 53, "route53-resolver"),
    ("169.254.169.254", "tcp", 80, "instance-metadata"),
    ("169.254.169.123", "udp", 123, "time-sync"),
    ("10.0.1.1", "udp", 67, "vpc-router"),
])
def test_R11_1_R3_13_R4_9_link_local_services_pass_a_deny_all_sg_and_nacl(destination: str, protocol: str,
                                                                            port: int, service: str) -> None:
    trace = load("R11_1_resolver_addresses").trace("app-1", destination, protocol=protocol, port=port)
    assert components(trace.forward) == ["eni-app-1", service]
    assert decisions(trace.forward) == ANSWERED
    assert decisions(trace.reply) == ["DELIVER"]
    assert trace.explanations == ()


@pytest.mark.parametrize("address", ["10.1.0.2", "10.1.1.2"])
def test_R11_1a_resolver_does_not_answer_at_secondary_or_subnet_base_plus_2(address: str) -> None:
    # [E] (open point 6): base + 2 of a secondary CIDR or of a subnet is reserved (R1.8) but AWS does not say
    # the Resolver listens there; vpcsim answers only at the primary CIDR's base + 2 and the link-local ones.
    net = load("R11_1_resolver_addresses")
    trace = net.trace("app-2", address, protocol="udp", port=53)
    assert trace.disposition is Disposition.NO_ROUTE
    assert "route53-resolver" not in components(trace.forward)
    assert trace.explanations[0].code == "NO_POSSIBLE_DESTINATION"
    assert trace.reply == ()


def test_R3_13_R4_9_resolver_query_passes_a_deny_all_sg_and_nacl_but_the_data_does_not() -> None:
    net = load("R11_1_resolver_addresses")
    # app-1: a security group without a single rule and a NACL denying everything, both ways.
    exchange = net.resolve("app-1", "ip-10-1-1-10.ec2.internal")
    assert decisions(exchange.query) == ANSWERED
    assert "R3.13" in (exchange.query[0].message or "")
    assert decisions(exchange.response) == ["DELIVER"]
    assert exchange.rcode == "NOERROR" and exchange.address == "10.1.1.10"
    # The data packets follow the answer — and are filtered as usual.
    trace = net.trace("app-1", "ip-10-1-1-10.ec2.internal", port=443)
    assert trace.dns is not None and trace.dns.address == "10.1.1.10"
    assert trace.disposition is Disposition.DENIED
    assert components(trace.forward) == ["eni-app-1"]
    assert trace.forward[0].packet.destination == "10.1.1.10"
    assert trace.explanations[0].code == "SG_HAS_NO_RULES"


# -- R11.2 / R11.3 VPC DNS attributes ---------------------------------------------------------------------


def test_R11_2_dns_support_off_the_resolver_does_not_answer() -> None:
    net = load("R11_2_dns_support_disabled")
    exchange = net.resolve("app-1", "db-a.corp.internal")
    # [E]: the query is dropped at the Resolver (no response packet); vpcsim reports it as REFUSED.
    assert exchange.rcode == "REFUSED"
    assert exchange.records == () and exchange.address is None
    assert components(exchange.query) == ["eni-app-1", "route53-resolver"]
    assert exchange.query[-1].code == "DNS_SUPPORT_DISABLED"
    assert exchange.response == ()

    trace = net.trace("app-1", "db-a.corp.internal", port=443)
    assert trace.disposition is Disposition.NAME_NOT_RESOLVED
    assert trace.forward == () and trace.reply == ()            # no data packet is ever sent
    assert [e.code for e in trace.explanations] == ["DNS_SUPPORT_DISABLED"]
    assert trace.explanations[0].fix is not None and "enableDnsSupport" in trace.explanations[0].fix


def test_R11_2_dns_support_on_the_same_query_is_answered() -> None:
    exchange = load("R11_2_dns_support_disabled").resolve("app-2", "db-b.corp.internal")
    assert exchange.rcode == "NOERROR"
    assert _answers(exchange) == [("A", "10.1.1.20")]


@pytest.mark.parametrize("name", ["ip-10-0-1-20.ec2.internal", "db-1.corp.internal"])
def test_R11_3_dns_hostnames_off_no_private_hostnames_and_no_private_zones(name: str) -> None:
    exchange = load("R11_3_dns_hostnames_disabled").resolve("app-1", name)
    assert exchange.rcode == "NXDOMAIN"
    assert exchange.records == ()
    assert "R11.3" in exchange.reason
    assert decisions(exchange.query) == ANSWERED            # the Resolver answers — with NXDOMAIN


@pytest.mark.parametrize("name", ["ip-10-1-1-20.ec2.internal", "db-2.corp.internal"])
def test_R11_3_dns_hostnames_and_support_on_both_resolve(name: str) -> None:
    exchange = load("R11_3_dns_hostnames_disabled").resolve("app-2", name)
    assert exchange.rcode == "NOERROR"
    assert _answers(exchange) == [("A", "10.1.1.20")]


# -- R11.4 / R11.6 EC2 hostnames ---------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "name", "address"), [
    ("east-1", "ip-10-0-1-20.ec2.internal", "10.0.1.20"),                     # us-east-1: ec2.internal
    ("east-1", "i-0e2e2e2e2e2e2e2e2.ec2.internal", "10.0.1.20"),              # resource name
    ("west-1", "ip-10-1-1-10.eu-west-1.compute.internal", "10.1.1.10"),       # elsewhere: <region>.compute.internal
    ("west-1", "i-0f1f1f1f1f1f1f1f1.eu-west-1.compute.internal", "10.1.1.10"),
])
def test_R11_4_R11_6_ec2_hostnames_in_the_regions_dhcp_domain(source: str, name: str, address: str) -> None:
    exchange = load("R11_4_ec2_hostnames").resolve(source, name)
    assert exchange.rcode == "NOERROR"
    assert _answers(exchange) == [("A", address)]


@pytest.mark.parametrize(("source", "name"), [
    ("west-1", "ip-10-1-1-10.ec2.internal"),                  # us-east-1's domain does not exist in eu-west-1
    ("east-1", "ip-10-0-1-20.us-east-1.compute.internal"),    # nor <region>.compute.internal in us-east-1
    ("east-1", "ip-10-0-1-99.ec2.internal"),                  # no interface has the address
])
def test_R11_4_R11_6_wrong_domain_or_unknown_address_is_nxdomain(source: str, name: str) -> None:
    assert load("R11_4_ec2_hostnames").resolve(source, name).rcode == "NXDOMAIN"


def test_R11_5_private_ip_name_of_another_vpc_resolves_only_in_the_same_region() -> None:
    net = load("R11_4_ec2_hostnames")
    # east-2-1 is in another VPC of us-east-1: its RFC 1918 IP name resolves.
    assert _answers(net.resolve("east-1", "ip-10-2-1-10.ec2.internal")) == [("A", "10.2.1.10")]
    # east-1 is in us-east-1: from eu-west-1 its address dressed in eu-west-1's domain does not.
    assert net.resolve("west-1", "ip-10-0-1-10.eu-west-1.compute.internal").rcode == "NXDOMAIN"


# -- R11.5 / R9.9 public hostnames -------------------------------------------------------------------------

PUBLIC_NAME = "ec2-203-0-113-25.compute-1.amazonaws.com"


@pytest.mark.parametrize(("source", "address"), [
    ("app-1", "10.0.1.25"),             # inside web-1's own VPC: the private IP
    ("peer-dns-1", "10.0.1.25"),        # a peer with DNS resolution enabled: the private IP (R9.9)
    ("peer-plain-1", "203.0.113.25"),   # a peer without it: the public IP
    ("elsewhere-1", "203.0.113.25"),    # an unrelated VPC: the public IP
])
def test_R11_5_R9_9_public_hostname_answer_depends_on_who_asks(source: str, address: str) -> None:
    exchange = load("R11_5_public_hostnames").resolve(source, PUBLIC_NAME)
    assert _answers(exchange) == [("A", address)]


def test_R11_5_data_follows_the_private_answer_inside_the_vpc() -> None:
    trace = load("R11_5_public_hostnames").trace("app-1", PUBLIC_NAME, port=443)
    assert trace.disposition is Disposition.ACCEPTED
    # The local route, never the internet gateway: the name gave the private IP.
    assert components(trace.forward) == ["eni-app-1", "web-default-acl", "web-main", "web-default-acl", "eni-web-1"]
    assert trace.forward[0].packet.destination == "10.0.1.25"


def test_R9_9_data_follows_the_private_answer_across_the_dns_peering() -> None:
    trace = load("R11_5_public_hostnames").trace("peer-dns-1", PUBLIC_NAME, port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward) == ["eni-peer-dns-1", "peer-dns-default-acl", "peer-dns-rt", "pcx-dns",
                                         "web-default-acl", "eni-web-1"]


def test_R9_9_without_dns_resolution_the_public_answer_has_no_route() -> None:
    trace = load("R11_5_public_hostnames").trace("peer-plain-1", PUBLIC_NAME, port=443)
    assert trace.dns is not None and trace.dns.address == "203.0.113.25"
    assert trace.disposition is Disposition.NO_ROUTE
    assert trace.forward[0].packet.destination == "203.0.113.25"
    assert trace.explanations[0].code == "NO_ROUTE_TO_DESTINATION"


# -- R11.8 / R11.9 private hosted zones ---------------------------------------------------------------------


def test_R11_8_associated_private_zone_answers_and_data_follows() -> None:
    net = load("R11_8_private_hosted_zones")
    exchange = net.resolve("app-1", "api.corp.internal")
    assert _answers(exchange) == [("A", "10.0.2.10")]
    assert "private hosted zone corp" in exchange.records[0].source
    trace = net.trace("app-1", "api.corp.internal", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward)[-1] == "eni-api-1"


def test_R11_8_R11_9_zone_not_associated_is_not_used() -> None:
    net = load("R11_8_private_hosted_zones")
    # VPC `other` is not associated with the private zone: the public zone of the same name answers.
    exchange = net.resolve("other-1", "api.corp.internal")
    assert _answers(exchange) == [("A", "198.51.100.10")]
    assert "public hosted zone public-corp" in exchange.records[0].source
    # … and a name only the private zone has does not exist for it.
    assert net.resolve("other-1", "www.corp.internal").rcode == "NXDOMAIN"


def test_R11_9_split_view_private_zone_wins_inside_the_associated_vpc() -> None:
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", "API.Corp.Internal.")   # names are case-blind
    assert _answers(exchange) == [("A", "10.0.2.10")]


def test_R11_8_most_specific_zone_wins() -> None:
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", "api.dev.corp.internal")
    # corp.internal also holds api.dev (10.0.2.99); dev.corp.internal is more specific and answers.
    assert _answers(exchange) == [("A", "10.0.2.20")]
    assert "dev-corp" in exchange.records[0].source


@pytest.mark.parametrize(("name", "zone"), [("missing.corp.internal", "corp"), ("db.dev.corp.internal", "dev-corp")])
def test_R11_8_matching_zone_without_the_record_is_nxdomain_no_fallback(name: str, zone: str) -> None:
    # Trap 14: db.dev exists in corp.internal, but dev.corp.internal matches and lacks it; and the public
    # corp.internal zone is never asked either.
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", name)
    assert exchange.rcode == "NXDOMAIN"
    assert exchange.records == ()
    assert f"private hosted zone {zone} " in exchange.reason and "R11.8" in exchange.reason


def test_R11_8_nxdomain_trace_sends_no_data_and_says_so_in_text() -> None:
    trace = load("R11_8_private_hosted_zones").trace("app-1", "missing.corp.internal", port=443)
    assert trace.disposition is Disposition.NAME_NOT_RESOLVED
    assert trace.forward == ()
    assert [e.code for e in trace.explanations] == ["DNS_NXDOMAIN"]
    assert trace.dns is not None and trace.dns.rcode == "NXDOMAIN"
    text = render_trace(trace)
    assert "dns: missing.corp.internal? sent to 10.0.0.2:53 (eni-app-1 -> route53-resolver)" in text
    assert "NXDOMAIN private hosted zone corp (corp.internal) has no A record" in " ".join(text.split())
    assert "DNS_NXDOMAIN at route53-resolver" in text


def test_R11_8_cname_chain_is_followed_to_the_address() -> None:
    net = load("R11_8_private_hosted_zones")
    exchange = net.resolve("app-1", "www.corp.internal")
    assert _answers(exchange) == [("CNAME", "web.corp.internal"), ("CNAME", "api.corp.internal"),
                                  ("A", "10.0.2.10")]
    trace = net.trace("app-1", "www.corp.internal", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.forward[0].packet.destination == "10.0.2.10"


def test_R11_8_cname_into_endpoint_private_dns() -> None:
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", "sqs.corp.internal")
    assert _answers(exchange) == [("CNAME", "sqs.us-east-1.amazonaws.com"), ("A", "10.0.100.10")]


def test_R11_8_cname_to_a_missing_name_is_nxdomain_with_the_cname() -> None:
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", "broken.corp.internal")
    assert exchange.rcode == "NXDOMAIN"
    assert _answers(exchange) == [("CNAME", "nowhere.corp.internal")]
    assert exchange.address is None


def test_R11_8_cname_loop_is_servfail() -> None:
    # [E]: a chain longer than 8 CNAMEs (here a loop) ends with SERVFAIL, as recursive resolvers answer.
    exchange = load("R11_8_private_hosted_zones").resolve("app-1", "loop-a.corp.internal")
    assert exchange.rcode == "SERVFAIL"
    assert exchange.address is None


def test_R11_8_alias_to_an_interface_endpoint_answers_its_eni_addresses() -> None:
    net = load("R11_8_private_hosted_zones")
    exchange = net.resolve("app-1", "queue.corp.internal")
    assert _answers(exchange) == [("A", "10.0.100.10")]
    assert "alias to sqs-vpce" in exchange.records[0].source
    trace = net.trace("app-1", "queue.corp.internal", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert components(trace.forward)[-1] == "eni-sqs-vpce"


# -- R11.8 (4) AWS service names ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "service"), [
    ("s3.us-east-1.amazonaws.com", "com.amazonaws.us-east-1.s3"),
    ("my-bucket.s3.us-east-1.amazonaws.com", "com.amazonaws.us-east-1.s3"),
    ("dynamodb.us-east-1.amazonaws.com", "com.amazonaws.us-east-1.dynamodb"),
])
def test_R11_8_aws_service_name_resolves_into_its_prefix_list(name: str, service: str) -> None:
    net = load("R11_8_aws_service_names")
    exchange = net.resolve("app-1", name)
    assert exchange.rcode == "NOERROR" and exchange.address is not None
    family, address = parse_address(exchange.address)
    assert any(p.contains(family, address) for p in net.compiled.prefix_lists[service])


def test_R10_1_data_to_a_service_name_follows_the_gateway_endpoint_route() -> None:
    net = load("R11_8_aws_service_names")
    trace = net.trace("app-1", "s3.us-east-1.amazonaws.com", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-app-1", "vpc-default-acl", "app-rt", "s3-gw",
                                         "com.amazonaws.us-east-1.s3"]
    # DynamoDB resolves as well, but no endpoint and no internet gateway carry it.
    other = net.trace("app-1", "dynamodb.us-east-1.amazonaws.com", port=443)
    assert other.disposition is Disposition.NO_ROUTE
    assert components(other.forward) == ["eni-app-1", "vpc-default-acl", "app-rt"]


# -- R10.13 interface endpoint private DNS -----------------------------------------------------------------


def test_R10_13_private_dns_on_service_name_resolves_to_the_endpoint() -> None:
    net = load("R10_13_interface_endpoint_private_dns")
    exchange = net.resolve("app-1", "sqs.us-east-1.amazonaws.com")
    assert _answers(exchange) == [("A", "10.0.100.10")]
    assert "private DNS of interface endpoint sqs-vpce" in exchange.records[0].source


@pytest.mark.parametrize(("source", "name", "why"), [
    ("app-1", "ec2.us-east-1.amazonaws.com", "ec2-vpce has private DNS off"),
    ("app-2", "sqs.us-east-1.amazonaws.com", "VPC no-hostnames has DNS hostnames off (R10.13)"),
])
def test_R10_13_private_dns_off_or_hostnames_off_service_name_is_not_the_endpoint(source: str, name: str,
                                                                                   why: str) -> None:
    exchange = load("R10_13_interface_endpoint_private_dns").resolve(source, name)
    # The name would resolve publicly; vpcsim models no public addresses for SQS or EC2.
    assert exchange.rcode == "NXDOMAIN"
    assert why in exchange.reason


@pytest.mark.parametrize(("source", "name", "address"), [
    ("app-1", "vpce-0bbb2222-1a2b3c4d.ec2.us-east-1.vpce.amazonaws.com", "10.0.100.11"),   # private DNS off
    ("app-2", "vpce-0ccc3333-5e6f7a8b.sqs.us-east-1.vpce.amazonaws.com", "10.1.100.10"),   # hostnames off
    ("app-2", "vpce-0aaa1111-9c0d1e2f.sqs.us-east-1.vpce.amazonaws.com", "10.0.100.10"),   # another VPC's
])
def test_R10_13_endpoint_specific_names_always_resolve(source: str, name: str, address: str) -> None:
    exchange = load("R10_13_interface_endpoint_private_dns").resolve(source, name)
    assert _answers(exchange) == [("A", address)]



# -- R11.1b instance metadata options ------------------------------------------------------------------------

IMDS = "R11_1b_instance_metadata_options"


def test_R11_1b_metadata_answers_by_default_over_ipv4_past_a_deny_all_sg_and_nacl_unlogged() -> None:
    trace = load(IMDS).trace("plain", "169.254.169.254", protocol="tcp", port=80)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert components(trace.forward) == ["eni-plain", "instance-metadata"]
    assert decisions(trace.forward) == ANSWERED
    assert trace.flow_logs() == []


def test_R11_1b_http_endpoint_disabled_silences_both_metadata_addresses() -> None:
    net = load(IMDS)
    for address in ("169.254.169.254", "fd00:ec2::254"):
        trace = net.trace("closed", address, protocol="tcp", port=80)
        assert trace.disposition is Disposition.NO_ROUTE
        assert components(trace.forward) == ["eni-closed", "instance-metadata"]
        assert decisions(trace.forward) == ["SEND", "DROP"]
        assert trace.explanations[0].code == "IMDS_ENDPOINT_DISABLED"
        assert "http_endpoint: disabled" in trace.explanations[0].message
        assert trace.reply == () and trace.flow_logs() == []       # never left the instance's host


@pytest.mark.parametrize(("source", "why"), [("plain", "http_protocol_ipv6 is disabled (AWS's default)"),
                                             ("xen", "it is not a Nitro instance")])
def test_R11_1b_ipv6_metadata_endpoint_needs_http_protocol_ipv6_on_a_nitro_instance(source: str, why: str) -> None:
    net = load(IMDS)
    trace = net.trace(source, "fd00:ec2::254", protocol="tcp", port=80)
    assert trace.disposition is Disposition.NO_ROUTE
    assert trace.explanations[0].code == "IMDS_IPV6_DISABLED"
    assert why in trace.explanations[0].message
    assert net.trace(source, "169.254.169.254", protocol="tcp", port=80).reachable


def test_R11_1b_ipv6_metadata_endpoint_answers_when_enabled_and_tokens_are_kept_for_the_record() -> None:
    net = load(IMDS)
    trace = net.trace("dual", "fd00:ec2::254", protocol="tcp", port=80)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert decisions(trace.forward) == ANSWERED
    assert trace.reply[0].packet.source == "fd00:ec2::254"
    assert "[fd00:ec2::254]:80" in render_trace(trace)          # not "-> :80": a Rich markup tag no more
    assert (net.compiled.instances["dual"].http_tokens, net.compiled.instances["plain"].http_tokens) == \
        ("required", None)
