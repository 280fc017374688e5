"""aws-semantics §12: VPC Flow Logs — the record every ENI on a traced path would write (R12.1–R12.10, trap 15).

Every record of a trace falls in one fixed aggregation interval (``start``/``end``), one packet each, so
outputs are deterministic. Not simulated: NODATA/SKIPDATA (R12.10), BPA's reject-reason (R12.11), delivery
delays (R12.12), TGW flow logs (v6 fields) and the version 7+ fields (ECS, reject-reason, …).
"""

from __future__ import annotations

import pytest
from conftest import load

from vpcsim import Disposition
from vpcsim.flowlogs.formats import DEFAULT_FORMAT, FIELD_VERSIONS, FormatError, fields_of, version_of

V2_FIELDS = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
             "packets", "bytes", "start", "end", "action", "log-status"]
V5_FIELDS = [*V2_FIELDS, "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
             "region", "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service",
             "flow-direction", "traffic-path"]
EVERY_FIELD = " ".join(f"${{{name}}}" for name in V5_FIELDS)
ADDRESSES = "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}"


def _rows(lines: list[str]) -> list[dict[str, str]]:
    """Lines printed in EVERY_FIELD format, as field -> value."""
    return [dict(zip(V5_FIELDS, line.split(), strict=True)) for line in lines]


# -- R12.2 record format -----------------------------------------------------------------------------------


def test_R12_2_default_format_is_the_v2_fields_in_aws_order() -> None:
    assert fields_of(DEFAULT_FORMAT) == V2_FIELDS
    trace = load("R12_2_flow_log_fields").trace("app-1", "web-1", port=443)
    assert trace.flow_logs() == [
        "2 123456789010 eni-0a1a1a1a1a1a1a1a1 10.0.1.10 10.0.2.20 49152 443 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 123456789010 eni-0b2b2b2b2b2b2b2b2 10.0.1.10 10.0.2.20 49152 443 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 123456789010 eni-0b2b2b2b2b2b2b2b2 10.0.2.20 10.0.1.10 443 49152 6 1 60 1700000000 1700000060 ACCEPT OK",
        "2 123456789010 eni-0a1a1a1a1a1a1a1a1 10.0.2.20 10.0.1.10 443 49152 6 1 60 1700000000 1700000060 ACCEPT OK",
    ]


@pytest.mark.parametrize(("format_string", "version"), [
    ("${srcaddr} ${dstaddr} ${action}", 2),
    ("${version} ${interface-id} ${tcp-flags}", 3),
    ("${az-id} ${version} ${srcaddr}", 4),                   # any order
    ("${version} ${traffic-path} ${vpc-id} ${region}", 5),
])
def test_R12_2_custom_format_version_is_its_highest_field_version(format_string: str, version: int) -> None:
    assert version_of(format_string) == version
    trace = load("R12_2_flow_log_fields").trace("app-1", "web-1", port=443)
    if "${version}" in format_string:
        position = fields_of(format_string).index("version")
        assert {line.split()[position] for line in trace.flow_logs(format_string)} == {str(version)}


def test_R12_2_every_v2_to_v5_field_is_known_with_its_version() -> None:
    assert list(FIELD_VERSIONS) == V5_FIELDS
    assert {FIELD_VERSIONS[f] for f in V5_FIELDS[14:21]} == {3}
    assert {FIELD_VERSIONS[f] for f in V5_FIELDS[21:25]} == {4}
    assert {FIELD_VERSIONS[f] for f in V5_FIELDS[25:]} == {5}
    with pytest.raises(FormatError, match=r"unknown flow log field \$\{src-addr\}"):
        fields_of("${src-addr}")


def test_R12_2_v3_to_v5_fields_of_an_ipv4_conversation() -> None:
    trace = load("R12_2_flow_log_fields").trace("app-1", "web-1", port=443)
    request_out, request_in, reply_out, reply_in = _rows(trace.flow_logs(EVERY_FIELD))
    for row in (request_out, request_in, reply_out, reply_in):
        assert row["version"] == "5"
        assert row["vpc-id"] == "vpc-0f1e2d3c4b5a69788"
        assert row["type"] == "IPv4"
        assert row["region"] == "us-east-1"
        assert (row["sublocation-type"], row["sublocation-id"]) == ("-", "-")
        assert (row["pkt-src-aws-service"], row["pkt-dst-aws-service"]) == ("-", "-")   # private addresses
    # Each ENI's own subnet, instance and AZ id.
    assert (request_out["subnet-id"], request_out["instance-id"], request_out["az-id"]) == \
        ("subnet-0aaa1111bbbb2222c", "i-0123456789abcdef0", "use1-az4")
    assert (request_in["subnet-id"], request_in["instance-id"], request_in["az-id"]) == \
        ("subnet-0ddd3333eeee4444f", "i-0fedcba9876543210", "use1-az6")
    # tcp-flags: SYN = 2 on the request, SYN-ACK = 18 on the reply.
    assert [r["tcp-flags"] for r in (request_out, request_in, reply_out, reply_in)] == ["2", "2", "18", "18"]
    # flow-direction relative to the recording ENI; traffic-path only on egress (1: same VPC).
    assert [r["flow-direction"] for r in (request_out, request_in, reply_out, reply_in)] == \
        ["egress", "ingress", "egress", "ingress"]
    assert [r["traffic-path"] for r in (request_out, request_in, reply_out, reply_in)] == ["1", "-", "1", "-"]
    # No translation on the way: the packet's addresses are the record's.
    assert all(r["pkt-srcaddr"] == r["srcaddr"] and r["pkt-dstaddr"] == r["dstaddr"]
               for r in (request_out, request_in, reply_out, reply_in))


def test_R12_2_type_ipv6_for_an_ipv6_conversation() -> None:
    trace = load("R12_2_flow_log_fields").trace("app-1", "2600:1f18:aaaa:ab02::20", port=443)
    rows = _rows(trace.flow_logs(EVERY_FIELD))
    assert [r["type"] for r in rows] == ["IPv6"] * 4
    assert (rows[0]["srcaddr"], rows[0]["dstaddr"]) == ("2600:1f18:aaaa:ab01::10", "2600:1f18:aaaa:ab02::20")


def test_R12_2_aws_service_address_and_gateway_endpoint_path() -> None:
    trace = load("R12_2_flow_log_fields").trace("app-1", "s3", port=443)
    out, back = _rows(trace.flow_logs(EVERY_FIELD))
    # pkt-*-aws-service names the service whose public ranges hold the address (v5).
    assert (out["pkt-src-aws-service"], out["pkt-dst-aws-service"]) == ("-", "S3")
    assert (back["pkt-src-aws-service"], back["pkt-dst-aws-service"]) == ("S3", "-")
    # traffic-path 2: through an internet gateway or a gateway endpoint — on the egress record only.
    assert (out["traffic-path"], back["traffic-path"]) == ("2", "-")


# -- R12.4 / R12.5 ACCEPT and REJECT -------------------------------------------------------------------------


def test_R12_5_aws_worked_example_nacl_outbound_missing_rejects_the_reply() -> None:
    trace = load("R12_5_ping_from_the_internet").trace("internet:203.0.113.12", "web-1", protocol="icmp")
    assert trace.disposition is Disposition.REPLY_DENIED
    # The two records of the AWS example, on the instance's ENI: request in ACCEPT, reply out REJECT.
    assert trace.flow_logs() == [
        "2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 1 60 1700000000 1700000060 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 1 60 1700000000 1700000060 REJECT OK",
    ]
    assert trace.explanations[0].code == "SUBNET_ACL_RESTRICTION"
    assert trace.explanations[0].path == "return"


def test_R12_5_reject_at_the_destination_sg_is_one_record_and_no_reply() -> None:
    trace = load("R12_5_ping_from_the_internet").trace("internet:203.0.113.12", "web-2", protocol="icmp")
    assert trace.disposition is Disposition.DENIED
    assert trace.reply == ()
    assert trace.flow_logs() == [
        "2 123456789010 eni-web-2 203.0.113.12 172.31.32.20 0 0 1 1 60 1700000000 1700000060 REJECT OK",
    ]


def test_R12_5_both_allowed_two_accept_records() -> None:
    trace = load("R12_5_ping_from_the_internet").trace("internet:203.0.113.12", "web-3", protocol="icmp")
    assert trace.disposition is Disposition.ACCEPTED
    assert [(r.interface_id, r.srcaddr, r.dstaddr, r.action) for r in trace.flow_log_records] == [
        ("eni-web-3", "203.0.113.12", "172.31.32.30", "ACCEPT"),
        ("eni-web-3", "172.31.32.30", "203.0.113.12", "ACCEPT"),
    ]


def test_R12_4_reject_at_the_destination_subnet_nacl_is_logged_on_the_destination_eni() -> None:
    trace = load("R12_5_ping_from_the_internet").trace("internet:203.0.113.12", "web-4", protocol="icmp")
    assert trace.disposition is Disposition.DENIED
    assert [h.component for h in trace.forward] == ["igw", "deny-all"]     # never reached the ENI itself
    assert trace.flow_logs() == [
        "2 123456789010 eni-web-4 203.0.113.12 172.31.48.40 0 0 1 1 60 1700000000 1700000060 REJECT OK",
    ]


def test_R12_4_R12_6_sender_logs_accept_receiver_logs_reject() -> None:
    trace = load("R12_1_flow_log_filters").trace("all-app", "all-db", port=5432)
    assert [(r.interface_id, r.flow_direction, r.action) for r in trace.flow_log_records] == [
        ("eni-all-app", "egress", "ACCEPT"),
        ("eni-all-db", "ingress", "REJECT"),
    ]


# -- R12.8 / R12.9 intermediates -----------------------------------------------------------------------------


def test_R12_8_nat_gateway_eni_logs_four_records() -> None:
    trace = load("R12_8_nat_gateway_records").trace("app", "internet:203.0.113.5", port=443)
    assert trace.disposition is Disposition.EXITS_NETWORK
    assert trace.flow_logs(ADDRESSES) == [
        "i-0123456789abcdef0 eni-app 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5",
        "- eni-nat 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5",          # inside -> NAT
        "- eni-nat 10.0.0.220 203.0.113.5 10.0.0.220 203.0.113.5",     # NAT -> internet
        "- eni-nat 203.0.113.5 10.0.0.220 203.0.113.5 10.0.0.220",     # internet -> NAT
        "- eni-nat 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5",          # NAT -> inside
        "i-0123456789abcdef0 eni-app 203.0.113.5 10.0.1.5 203.0.113.5 10.0.1.5",
    ]


def test_R12_8_nat_gateway_records_directions_and_paths() -> None:
    trace = load("R12_8_nat_gateway_records").trace("app", "internet:203.0.113.5", port=443)
    nat = [r for r in trace.flow_log_records if r.interface_id == "eni-nat"]
    assert [(r.flow_direction, r.traffic_path) for r in nat] == [
        ("ingress", "-"), ("egress", "2"), ("ingress", "-"), ("egress", "1")]
    # The translated source port shows on the NAT's outside records (R6.4).
    assert [r.srcport for r in nat] == ["49152", "1024", "443", "443"]


def test_R12_9_tgw_attachment_enis_log_their_own_ip_and_the_client_in_pkt_fields() -> None:
    trace = load("R12_9_tgw_attachment_records").trace("client-1", "web-1", port=443)
    assert trace.disposition is Disposition.ACCEPTED
    assert trace.flow_logs(f"{ADDRESSES} ${{flow-direction}}") == [
        "i-0c1c1c1c1c1c1c1c1 eni-client-1 10.1.1.10 10.2.1.10 10.1.1.10 10.2.1.10 egress",
        "- eni-att-client-us-east-1a 10.1.1.10 10.1.0.4 10.1.1.10 10.2.1.10 ingress",
        # Server side: the request leaves the TGW ENI with srcaddr = its own IP, pkt-srcaddr = the client.
        "- eni-att-server-us-east-1a 10.2.0.4 10.2.1.10 10.1.1.10 10.2.1.10 egress",
        "i-0d2d2d2d2d2d2d2d2 eni-web-1 10.1.1.10 10.2.1.10 10.1.1.10 10.2.1.10 ingress",
        "i-0d2d2d2d2d2d2d2d2 eni-web-1 10.2.1.10 10.1.1.10 10.2.1.10 10.1.1.10 egress",
        # The reply arrives with dstaddr = the TGW ENI's IP, pkt-dstaddr = the client.
        "- eni-att-server-us-east-1a 10.2.1.10 10.2.0.4 10.2.1.10 10.1.1.10 ingress",
        "- eni-att-client-us-east-1a 10.1.0.4 10.1.1.10 10.2.1.10 10.1.1.10 egress",
        "i-0c1c1c1c1c1c1c1c1 eni-client-1 10.2.1.10 10.1.1.10 10.2.1.10 10.1.1.10 ingress",
    ]


# -- R12.3 unlogged traffic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("destination", "protocol", "port"), [
    ("10.0.0.2", "udp", 53),              # the Amazon DNS server at VPC base + 2
    ("169.254.169.253", "udp", 53),       # … and at its link-local address
    ("169.254.169.254", "tcp", 80),       # instance metadata
    ("169.254.169.123", "udp", 123),      # Amazon Time Sync
    ("10.0.1.1", "udp", 67),              # the VPC router (subnet base + 1)
])
def test_R12_3_link_local_services_are_never_logged(destination: str, protocol: str, port: int) -> None:
    trace = load("R12_3_unlogged_traffic").trace("app-1", destination, protocol=protocol, port=port)
    assert trace.reachable
    assert trace.reply != ()                  # answered …
    assert trace.flow_logs() == []            # … and not a single record


def test_R12_3_resolver_query_before_a_trace_is_not_logged() -> None:
    trace = load("R12_3_unlogged_traffic").trace("app-1", "ip-10-0-2-53.ec2.internal", protocol="udp", port=53)
    assert trace.dns is not None and trace.dns.address == "10.0.2.53"
    # Only the data packets to dns-1 are logged; nothing to or from 10.0.0.2.
    assert {(r.srcaddr, r.dstaddr) for r in trace.flow_log_records} == {("10.0.1.10", "10.0.2.53"),
                                                                         ("10.0.2.53", "10.0.1.10")}


def test_R12_3_traffic_to_your_own_dns_server_is_logged() -> None:
    trace = load("R12_3_unlogged_traffic").trace("app-1", "dns-1", protocol="udp", port=53)
    assert [(r.interface_id, r.dstport, r.protocol, r.action) for r in trace.flow_log_records] == [
        ("eni-app-1", "53", "17", "ACCEPT"), ("eni-dns-1", "53", "17", "ACCEPT"),
        ("eni-dns-1", "49152", "17", "ACCEPT"), ("eni-app-1", "49152", "17", "ACCEPT")]


# -- R12.1 capture filter --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("vpc", "logged"), [
    ("all", [("eni-all-app", "ACCEPT"), ("eni-all-db", "REJECT")]),
    ("accept", [("eni-accept-app", "ACCEPT")]),
    ("reject", [("eni-reject-db", "REJECT")]),
    ("off", []),
])
def test_R12_1_vpc_flow_log_filter(vpc: str, logged: list[tuple[str, str]]) -> None:
    trace = load("R12_1_flow_log_filters").trace(f"{vpc}-app", f"{vpc}-db", port=5432)
    assert trace.disposition is Disposition.DENIED
    assert [(r.interface_id, r.action) for r in trace.flow_log_records] == logged


# -- R12.6 [E] routing drops -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("destination", "disposition"), [
    ("internet:198.51.100.7", Disposition.NO_ROUTE),     # no route at all
    ("internet:192.0.2.7", Disposition.BLACKHOLE),       # blackhole route
])
def test_R12_6_packet_dropped_by_routing_leaves_no_record(destination: str, disposition: Disposition) -> None:
    trace = load("R12_6_routing_drops").trace("app-1", destination, port=443)
    assert trace.disposition is disposition
    assert trace.flow_logs() == []


def test_R12_6_routing_drop_after_a_nat_gateway_keeps_the_records_before_it() -> None:
    trace = load("R12_6_routing_drops").trace("app-2", "internet:198.51.100.7", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    assert trace.forward[-1].component == "nat-rt"
    # app-2's packet reached the NAT gateway: logged on both ENIs. The translated one went nowhere: not logged.
    assert [(r.interface_id, r.flow_direction, r.srcaddr, r.dstaddr, r.pkt_dstaddr)
            for r in trace.flow_log_records] == [
        ("eni-app-2", "egress", "10.0.2.10", "198.51.100.7", "198.51.100.7"),
        ("eni-nat-a", "ingress", "10.0.2.10", "10.0.0.10", "198.51.100.7"),
    ]
