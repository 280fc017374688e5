"""The event loop: a deterministic queue of arrivals, one handler per place a packet can be.

A conversation is the request, then the reply the destination sends, judged by the state the request
left (connection tracking, NAT). Each handler hands on at most one arrival, so the queue holds one arrival
at a time and two runs give byte-identical traces. TTL and an event budget bound every walk: a cycle ends
as ``LOOP``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar, overload

from vpcsim.compile.components import Eni
from vpcsim.compile.network import CompiledNetwork
from vpcsim.dns.answers import Rcode
from vpcsim.dns.resolver import resolve as resolve_name
from vpcsim.engine import questions
from vpcsim.engine.address_atoms import atoms_of
from vpcsim.engine.address_sets import AddressSet
from vpcsim.engine.components import (
    egress_only_internet_gateway,
    endpoint,
    eni,
    internet_gateway,
    nat_gateway,
    network_acl,
    peering,
    route_table,
    transit_gateway,
    vpn_gateway,
)
from vpcsim.engine.ends import QueryEnd, SetEnd, resolve, resolve_set
from vpcsim.engine.events import (
    AT_ENI_OUT,
    DELIVERED,
    DROPPED,
    END_INTERNET,
    END_SITE,
    EXITED,
    VIA_IGW,
    VIA_VGW,
    Arrival,
    At,
    Context,
    End,
    Step,
    arrive,
    forward_context,
    return_context,
)
from vpcsim.engine.explain import explain, explain_mismatch
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import (
    ENDS_IN,
    AtomGroup,
    ComponentKind,
    Decision,
    Direction,
    Disposition,
    DnsExchange,
    DnsRecord,
    Explanation,
    Hop,
    Query,
    Trace,
)
from vpcsim.engine.state import State
from vpcsim.errors import QueryError
from vpcsim.ip import is_address
from vpcsim.protocols import ALL, ECHO_REQUEST, ICMP, ICMPS, ICMPV6, PORTED, TCP, UDP, protocol_name, protocol_number

T = TypeVar("T", bound=Trace)

Handler = Callable[[CompiledNetwork, State, Arrival, list[Hop]], Arrival | End]
"""Appends the hops it decides to the list and returns where the packet arrives next, or how the walk ended."""

HANDLERS: Mapping[At, Handler] = {
    At.ENI_OUT: eni.send,
    At.ENI_IN: eni.receive,
    At.NACL_OUT: network_acl.handle_out,
    At.NACL_IN: network_acl.handle_in,
    At.ROUTE_TABLE: route_table.handle,
    At.NAT_GATEWAY: nat_gateway.handle,
    At.IGW_OUT: internet_gateway.handle_out,
    At.IGW_IN: internet_gateway.handle_in,
    At.EIGW_OUT: egress_only_internet_gateway.handle_out,
    At.EIGW_IN: egress_only_internet_gateway.handle_in,
    At.PEERING: peering.handle,
    At.TGW: transit_gateway.handle,
    At.VGW_OUT: vpn_gateway.handle_out,
    At.VGW_IN: vpn_gateway.handle_in,
    At.ENDPOINT_OUT: endpoint.handle_out,
    At.ENDPOINT_IN: endpoint.handle_in,
    At.GWLB_ENDPOINT: endpoint.handle_gwlb,
}

EVENT_BUDGET = 256


def walk(net: CompiledNetwork, state: State, first: Arrival | Step, budget: int = EVENT_BUDGET
         ) -> tuple[list[Hop], End]:
    """Carry one packet until it is delivered, leaves the network, or is dropped."""
    hops, end, _ = walk_until(net, state, first, budget=budget)
    assert end is not None
    return hops, end


def walk_until(net: CompiledNetwork, state: State, first: Arrival | Step,
               pause: Callable[[Arrival], bool] | None = None, events: int = 0, budget: int = EVENT_BUDGET
               ) -> tuple[list[Hop], End | None, Arrival | None]:
    """``walk``, which also hands back (unhandled) the first arrival ``pause`` says to stop at — so analyses can
    reuse a path's shared middle. ``events`` counts steps already taken, so the budget runs out exactly where
    one whole walk's would."""
    hops: list[Hop] = []
    if isinstance(first, Step):
        hops.extend(first.hops)
        if first.end is not None:
            return hops, first.end, None
        if first.next is None:
            raise AssertionError("a step without an end must name the next arrival")
        first = first.next
    # A handler hands on at most one arrival, so the queue of arrivals holds one at a time and the walk is
    # deterministic by construction: the loop carries the next arrival itself. Handlers append their hops to
    # ``hops`` and return the next arrival or the ``End``: nothing else is made per event.
    arrival: Arrival = first
    handlers = HANDLERS
    if pause is None:                    # a trace: the same loop without asking ``pause`` at every event
        for _ in range(events, budget):  # events + 1 .. budget: the events still in the budget
            following = handlers[arrival[0]](net, state, arrival, hops)
            if isinstance(following, End):
                return hops, following, None
            arrival = following
        return hops, _out_of_budget(arrival, budget, hops), None
    for _ in range(events, budget):
        if pause(arrival):
            return hops, None, arrival
        following = handlers[arrival[0]](net, state, arrival, hops)
        if isinstance(following, End):
            return hops, following, None
        arrival = following
    return hops, _out_of_budget(arrival, budget, hops), None


def _out_of_budget(arrival: Arrival, budget: int, hops: list[Hop]) -> End:
    hops.append(Hop(arrival.name, ComponentKind.ROUTE_TABLE, Decision.LOOP, arrival.packet, code="LOOP",
                    message=f"more than {budget} events: the packet is going round in circles"))
    return End(DROPPED, arrival.packet)


def first_packet(protocol: int, family: int, src: int, dst: int, port: int | None, src_port: int | None,
                 icmp_code: int = 0) -> Packet:
    """The first packet of a question: a TCP SYN, a UDP datagram or an ICMP message (an echo request unless
    ``port`` names another type; ``icmp_code`` its code), with the defaults a query leaves out (destination
    port 443 for TCP, 53 for UDP; source port 49152). Analyses ask it too, so their probes are the packets
    ``trace`` would send. (For ICMP ``port`` carries the type: ``trace`` takes it as ``icmp_type``.)"""
    if protocol == TCP:
        return Packet(family, src, dst, TCP, src_port or 49152, 443 if port is None else port, tcp_flags="S")
    if protocol == UDP:
        return Packet(family, src, dst, UDP, src_port or 49152, 53 if port is None else port)
    if protocol in ICMPS:
        number = ICMP if family == 4 else ICMPV6
        return Packet(family, src, dst, number, src_port or 1, 0, ECHO_REQUEST[family] if port is None else port,
                      icmp_code)
    return Packet(family, src, dst, protocol)


@lru_cache(maxsize=256, typed=True)      # a batch asks the same few protocols over and over
def _protocol_number(protocol: str | int) -> int:
    try:
        number = protocol_number(protocol)
    except ValueError:
        number = ALL
    if number != ALL:                   # a packet has one protocol: "all" is a rule's word, not a question's
        return number
    raise QueryError(f"--protocol {protocol!r} is not a protocol", "use tcp, udp, icmp, icmpv6 or a number 0-255")


def choose_family(src: QueryEnd, dst: QueryEnd) -> int:
    """IPv4 or IPv6 for a question: what an end given as an address says, else IPv6 only for an IPv6-only
    source interface."""
    if dst.family is not None:
        return dst.family
    if src.family is not None:
        return src.family
    if src.eni is not None and src.eni.primary_ip is None and src.eni.ipv6_ips:
        return 6
    return 4


def injection(net: CompiledNetwork, src: QueryEnd, packet: Packet, dst: QueryEnd) -> Arrival | Step:
    """Where the first packet enters the simulation: the source interface, the internet gateway that owns the
    destination's public address, the VPN or Direct Connect of a site, or a drop for an AWS service."""
    if src.eni is not None:
        return arrive(AT_ENI_OUT, src.eni.name, packet, forward_context(src.eni.vpc, src.eni.az))
    if src.kind == END_INTERNET:
        return _from_internet(net, packet, dst)
    if src.kind == END_SITE:
        return _from_site(net, src.site, packet)
    return Step((Hop(src.name, ComponentKind.AWS_SERVICE, Decision.DROP, packet, code="VPCE_INTRA_VPC_TRAFFIC",
                     message="an AWS service does not initiate connections into a VPC"),),
                end=End(DROPPED, packet))


def _from_internet(net: CompiledNetwork, packet: Packet, dst: QueryEnd) -> Arrival | Step:
    context = Context(entered_via=VIA_IGW, sg_references=False)
    owner = net.public_index.get((packet.family, packet.dst))
    vpc = net.vpcs[net.enis[owner[0]].vpc] if owner is not None else None
    if vpc is None and dst.eni is not None:
        vpc = net.vpcs[dst.eni.vpc]
    if vpc is None:
        vpcs = net.vpc_containing(packet.family, packet.dst)
        vpc = vpcs[0] if vpcs else None
    if vpc is None:
        return Step((Hop("internet", ComponentKind.INTERNET, Decision.EXIT, packet,
                         message="the destination is on the internet, outside the modelled network"),),
                    end=End(EXITED, packet))
    if vpc.internet_gateway:
        return Arrival(At.IGW_IN, vpc.internet_gateway, packet, context.but(vpc=vpc.name))
    if packet.family == 6 and vpc.egress_only_internet_gateway:
        return Arrival(At.EIGW_IN, vpc.egress_only_internet_gateway, packet, context.but(vpc=vpc.name))
    return Step((Hop("internet", ComponentKind.INTERNET, Decision.NO_ROUTE, packet, code="NO_POSSIBLE_DESTINATION",
                     message=f"VPC {vpc.name} has no internet gateway: nothing on the internet can reach it"),),
                end=End(DROPPED, packet))


def _from_site(net: CompiledNetwork, site_name: str, packet: Packet) -> Arrival | Step:
    site = net.external[site_name]
    for via in site.via:
        connection = net.connections.get(via)
        if connection is None or not connection.up:
            continue
        context = Context(entered_via=VIA_VGW, sg_references=False, gateway=connection.name)
        if connection.gateway_kind == "vpn_gateway":
            return Arrival(At.VGW_IN, connection.gateway, packet, context)
        attachment = next((a for a in net.tgw_attachments.values() if a.resource == connection.name), None)
        if attachment is not None:
            return Arrival(At.TGW, attachment.tgw, packet, context.but(attachment=attachment.name))
    return Step((Hop(site_name, ComponentKind.EXTERNAL_SITE, Decision.NO_ROUTE, packet, code="NO_POSSIBLE_DESTINATION",
                     message=f"site {site_name} has no working VPN or Direct Connect into AWS"),),
                end=End(DROPPED, packet))


def _disposition_of(hops: list[Hop]) -> Disposition:
    last = hops[-1]
    return ENDS_IN.get(last.decision, Disposition.NO_ROUTE)


def _looks_like_a_name(net: CompiledNetwork, text: str) -> bool:
    return "." in text and "/" not in text and not is_address(text) and not text.startswith("internet:") \
        and text not in net.external


def lookup(net: CompiledNetwork, src_text: str, name: str) -> DnsExchange:
    """Send the DNS query to the source VPC's Resolver as a real packet, then its answer back (R11.1–R11.8)."""
    src = resolve(net, src_text, "from")
    eni = src.eni
    address = eni.primary_ip if eni is not None else None
    if eni is None or address is None:
        raise QueryError(f"cannot resolve {name!r} from {src_text!r}",
                         "DNS names are resolved by the Resolver of the source's VPC: trace from an instance")
    vpc = net.vpcs[eni.vpc]
    query = Packet(4, address, vpc.resolver, UDP, DNS_SOURCE_PORT, 53, length=60)
    state = State()
    query_hops, end = walk(net, state, arrive(AT_ENI_OUT, eni.name, query, forward_context(eni.vpc, eni.az)))
    server = query.destination
    if end.how != EXITED or end.reply_from is None:
        reason = query_hops[-1].message or "the query was dropped"
        # R11.2 [E]: with DNS support off no answer comes back; vpcsim names that REFUSED.
        rcode = Rcode.REFUSED if query_hops[-1].code == "DNS_SUPPORT_DISABLED" else Rcode.NO_ANSWER
        return DnsExchange(name, server, rcode, (), tuple(query_hops), (), reason, query)
    answer = resolve_name(net, vpc.name, name)
    response_hops, _ = walk(net, state, end.reply_from)
    records = tuple(DnsRecord(r.name, r.type, r.value, r.source) for r in answer.records)
    return DnsExchange(answer.name, server, answer.rcode, records, tuple(query_hops), tuple(response_hops),
                       answer.reason, query)


@overload
def trace(net: CompiledNetwork, src_text: str, dst_text: str, protocol: str | int = "tcp", port: int | None = None,
          src_port: int | None = None, *, icmp_type: int | None = None, icmp_code: int | None = None) -> Trace: ...


@overload
def trace(net: CompiledNetwork, src_text: str, dst_text: str, protocol: str | int, port: int | None,
          src_port: int | None, make: Callable[..., T], *, icmp_type: int | None = None,
          icmp_code: int | None = None) -> T: ...


def trace(net: CompiledNetwork, src_text: str, dst_text: str, protocol: str | int = "tcp", port: int | None = None,
          src_port: int | None = None, make: Callable[..., Trace] = Trace, *, icmp_type: int | None = None,
          icmp_code: int | None = None) -> Trace:
    """One conversation: the request, then the reply judged by the state the request left.

    ``make`` builds the result from ``Trace``'s fields: ``Trace`` itself, or a subclass that carries more
    (``Network.trace`` passes ``NetworkTrace`` bound to its network), so the trace is made once, not copied.
    An impossible question (a port outside 0-65535, a port with ICMP, …) is a ``QueryError``
    (``engine.questions``); ICMP asks an echo request unless ``icmp_type`` names another message."""
    number = _protocol_number(protocol)
    if port is not None or src_port is not None or icmp_type is not None or icmp_code is not None:
        questions.check(number, port, src_port, icmp_type, icmp_code)
    src_set, dst_set = resolve_set(net, src_text, "from"), resolve_set(net, dst_text, "to")
    if (src_set is None) != (dst_set is None):    # both sets (site to site, site to internet): stand-ins, below
        return _set_trace(net, src_text, dst_text, number, port, src_port, src_set, dst_set, make, icmp_type,
                          icmp_code)
    try:
        dst = resolve(net, dst_text, "to")
        dns = None
    except QueryError:
        if not _looks_like_a_name(net, dst_text):
            raise
        dns = lookup(net, src_text, dst_text)
        if dns.address is None:
            query = Query(src_text, dst_text, protocol_name(number), port, src_port, icmp_type, icmp_code)
            code = _DNS_CODES.get(dns.rcode, "DNS_NO_ANSWER")
            message = f"{dst_text} did not resolve ({dns.rcode}): {dns.reason}"
            return make(query, Disposition.NAME_NOT_RESOLVED, (), (), (Explanation(
                code, "route53-resolver", "", message, _DNS_FIX.get(code), Direction.FORWARD),), dns=dns)
        dst = resolve(net, dns.address, "to")
    src = resolve(net, src_text, "from")
    result = _conversation(net, src_text, dst_text, number, port, src_port, src, dst, make, icmp_type, icmp_code)
    return replace(result, dns=dns) if dns is not None else result


def trace_ends(net: CompiledNetwork, src: QueryEnd, dst: QueryEnd, protocol: str | int = "tcp",
               port: int | None = None, icmp_type: int | None = None) -> Trace:
    """One conversation between two resolved ends, as given: ``internet`` and a site stay their stand-in
    hosts (``QueryEnd.address_for``) instead of the sets ``trace`` answers for. What the matrix asks while its
    classes are not yet exact over address sets (docs/semantics.md, "Address sets as question ends")."""
    number = _protocol_number(protocol)
    if port is not None or icmp_type is not None:
        questions.check(number, port, None, icmp_type, None)
    return _conversation(net, src.name, dst.name, number, port, None, src, dst, Trace, icmp_type, None)


def _elsewhere(src: QueryEnd, reply_end: End, last: Hop) -> Explanation:
    """The reply ended where the requester is not (R9.6: replies follow the replier's routes, unchecked)."""
    if src.eni is not None:
        return Explanation("NO_POSSIBLE_DESTINATION", last.component, "",
                           f"the reply left the network at {last.component} instead of coming back to "
                           f"{src.eni.name} that sent the request: the replier's routes lead its address "
                           "elsewhere (R9.6)",
                           "route the replier's table to the sender's VPC more specifically", Direction.RETURN)
    return Explanation("NO_POSSIBLE_DESTINATION", reply_end.eni, "ingress",
                       f"the reply was delivered to {reply_end.eni}, which has the requester's address, instead "
                       f"of going back to {src.name}: the replier's routes lead to another network with the "
                       "same address (R9.6)",
                       "route the replier's table to the requester's network more specifically", Direction.RETURN)


def _stays_inside(eni: Eni, packet: Packet) -> Explanation:
    """docs/semantics.md, "Questions": a packet to one of the host's own addresses is delivered by its
    operating system and never reaches the VPC, so no security group, network ACL or route judges it and no
    flow log records it."""
    host = eni.owner or eni.name
    return Explanation("TRAFFIC_STAYS_IN_INSTANCE", host, "",
                       f"{packet.destination} is an address of {host} itself: its operating system delivers the "
                       "packet locally, so it never reaches the VPC — no security group, network ACL or route "
                       "table judges it, and no flow log records it")


_DNS_CODES = {Rcode.NXDOMAIN: "DNS_NXDOMAIN", Rcode.REFUSED: "DNS_SUPPORT_DISABLED"}
_DNS_FIX = {
    "DNS_NXDOMAIN": "add the record to a private hosted zone associated with the VPC, or check the name",
    "DNS_SUPPORT_DISABLED": "enable DNS support (enableDnsSupport) on the source VPC",
}
DNS_SOURCE_PORT = 53000


def _conversation(net: CompiledNetwork, src_text: str, dst_text: str, number: int, port: int | None,
                  src_port: int | None, src: QueryEnd, dst: QueryEnd, make: Callable[..., Trace],
                  icmp_type: int | None = None, icmp_code: int | None = None) -> Trace:
    if src.kind == END_INTERNET and dst.kind == END_INTERNET:
        raise QueryError(f"both --from {src_text!r} and --to {dst_text!r} are on the internet",
                         "one end must be inside the modelled network or an on-premises site")
    family = choose_family(src, dst)
    if number == ICMP and family == 6:
        number = ICMPV6
    outside = src.kind == END_INTERNET or src.kind == END_SITE
    dst_address = dst.address_for(family, public=outside)
    src_address = src.address_for(family)
    if src_address is None:
        raise QueryError(f"--from {src_text!r} has no IPv{family} address", "pick a destination of its family")
    if dst_address is None:
        raise QueryError(f"--to {dst_text!r} has no IPv{family} address", "pick a source of its family")
    packet = first_packet(number, family, src_address, dst_address, port if icmp_type is None else icmp_type,
                          src_port, icmp_code or 0)     # a port with ICMP was refused: port is None there
    query = Query(src_text, dst_text, packet.protocol_name, packet.dst_port if number in PORTED else port,
                  src_port, icmp_type, icmp_code)
    if src.eni is not None and src.eni is dst.eni and src.eni.owns(family, dst_address):   # to its own address
        return make(query, Disposition.ACCEPTED, (), (), (_stays_inside(src.eni, packet),), packet)
    state = State()
    forward, end = walk(net, state, injection(net, src, packet, dst))
    how = end.how
    if how == DROPPED:
        return make(query, _disposition_of(forward), tuple(forward), (),        # positional: cheaper than keywords
                    (explain(net, forward[-1], Direction.FORWARD),), packet)
    if how == DELIVERED:
        reply_packet = end.packet.reply()
        replier = net.enis[end.eni]
        start: Arrival | Step = arrive(AT_ENI_OUT, replier.name, reply_packet,
                                       return_context(replier.vpc, replier.az))
    else:
        if end.reply_from is None:
            return make(query, Disposition.EXITS_NETWORK, tuple(forward), sent=packet)
        start = end.reply_from
    answered = start.packet if isinstance(start, Arrival) else None
    reply, reply_end = walk(net, state, start)
    if reply_end.how == DROPPED:
        return make(query, Disposition.REPLY_DENIED, tuple(forward), tuple(reply),
                    (explain(net, reply[-1], Direction.RETURN),), sent=packet, answered=answered)
    if src.eni is not None and reply_end.how == DELIVERED and reply_end.eni != src.eni.name:
        # R9.6: no reverse-path check; the reply followed the replier's routes to another interface with the
        # same address (an overlapping peer VPC), so the sender never hears back.
        wrong = Explanation("NO_POSSIBLE_DESTINATION", reply_end.eni, "ingress",
                            f"the reply was delivered to {reply_end.eni}, not to {src.eni.name} that sent "
                            "the request: the replier's routes lead to another network with the same address "
                            "(R9.6)",
                            "route the replier's table to the sender's VPC more specifically", Direction.RETURN)
        return make(query, Disposition.REPLY_DENIED, tuple(forward), tuple(reply), (wrong,), sent=packet,
                    answered=answered)
    if (reply_end.how == DELIVERED) != (src.eni is not None):
        # R9.6 too: the reply ended on the other side of the network — delivered to an interface that has an
        # outside requester's address, or sent out of the network when the requester is an interface.
        return make(query, Disposition.REPLY_DENIED, tuple(forward), tuple(reply),
                    (_elsewhere(src, reply_end, reply[-1]),), packet, answered)
    if not reply_end.packet.answers(packet):
        # Replies must match: the requester's stack takes only the request's 5-tuple reversed as its answer.
        return make(query, Disposition.REPLY_MISMATCH, tuple(forward), tuple(reply),
                    (explain_mismatch(forward, reply, packet, reply_end.packet),), packet, answered)
    disposition = Disposition.ACCEPTED if how == DELIVERED else Disposition.EXITS_NETWORK
    return make(query, disposition, tuple(forward), tuple(reply), (), packet, answered)


def _set_trace(net: CompiledNetwork, src_text: str, dst_text: str, number: int, port: int | None,
               src_port: int | None, src_set: SetEnd | None, dst_set: SetEnd | None,
               make: Callable[..., Trace], icmp_type: int | None = None, icmp_code: int | None = None) -> Trace:
    """A question with a set end (``internet``, a site, a CIDR): one conversation per address atom of the set
    (``engine.address_sets``), exact for every address of it; atoms whose conversations end alike are grouped.
    The result is the representative conversation of the first group — a reachable one if any address reaches
    — with every group in ``groups``. (When both ends are sets — site to site, site to internet — ``trace``
    still asks one stand-in address of each: not yet exact.)"""
    fixed = resolve(net, dst_text if src_set is not None else src_text, "to" if src_set is not None else "from")
    ends = src_set if src_set is not None else dst_set
    assert ends is not None
    if fixed.kind == END_INTERNET and ends.kind == END_INTERNET:
        raise QueryError(f"both --from {src_text!r} and --to {dst_text!r} are outside the modelled network",
                         "one end must be inside the modelled network")
    outside = src_set is not None
    families = [f for f in (4, 6) if fixed.address_for(f, public=outside) is not None or (fixed.address is None
                and fixed.eni is None)]
    if fixed.family is not None:
        families = [fixed.family]
    atoms = [a for a in atoms_of(net).split(ends.addresses) if a[0] in families]
    if not atoms:
        raise QueryError(f"{ends.name!r} has no address of the family of {fixed.name!r} "
                         f"(IPv{' or IPv'.join(map(str, families))})", "pick ends of one address family")
    groups: dict[tuple[object, ...], tuple[Trace, list[tuple[int, int, int]]]] = {}
    for family, start, end in atoms:
        one = ends.at(net, family, start)
        src, dst = (one, fixed) if src_set is not None else (fixed, one)
        result = _conversation(net, src_text, dst_text, number, port, src_port, src, dst, make, icmp_type,
                               icmp_code)
        key = _outcome(result)
        found = groups.get(key)
        if found is None:
            groups[key] = (result, [(family, start, end)])
        else:
            found[1].append((family, start, end))
    side = "from" if src_set is not None else "to"
    made = [_group(result, AddressSet.of(ranges), side) for result, ranges in groups.values()]
    made.sort(key=lambda g: not g.trace.reachable)        # stable: reachable first, else address order
    return replace(made[0].trace, groups=tuple(made))


def _group(result: Trace, addresses: AddressSet, side: str) -> AtomGroup:
    return AtomGroup(tuple(str(p) for p in addresses.cidrs()), addresses.size(), result, side)


def _outcome(result: Trace) -> tuple[object, ...]:
    """What makes two conversations of one question end alike: how they ended, why, and the components and
    rules on their way (not the packets, whose addresses differ)."""
    return (result.disposition,
            tuple((h.component, h.decision, h.rule, h.code) for h in result.forward),
            tuple((h.component, h.decision, h.rule, h.code) for h in result.reply),
            tuple((e.code, e.component, e.direction, e.path) for e in result.explanations))
