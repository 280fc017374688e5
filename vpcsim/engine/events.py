"""Events: a packet arriving at a component, with what the walk knows at that moment — and the one door behind
which the engine keeps its speed tricks.

A walk makes an ``Arrival`` and a ``Context`` at almost every hop, and DESIGN §8 gives a whole conversation
50 µs. Both are named tuples, and the hot paths build them with ``tuple.__new__`` (in C, about 0.26 µs for a
``Context``) rather than through the generated ``__new__`` (about 0.66 µs) — which means building them by
field position. That happens here and nowhere else: other modules call the named constructors below
(``arrive``, ``forward_context``, ``into_subnet``, ``out_of_subnet`` …) or ``Context.but``, so no other module
depends on the order of ``Context``'s twelve fields (tests/unit/engine/test_one_door.py keeps it so). The enum
members the handlers read on every hop are read once, at the end of this module, for the same reason: a class
attribute look-up on an Enum costs about 0.1 µs in Python 3.11, a module global a tenth of that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from vpcsim.compile.components import EniKind, TargetKind
from vpcsim.engine.ends import EndKind
from vpcsim.engine.frozen import quick_init
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import ComponentKind, Decision, Direction, Hop, Side


class At(StrEnum):
    """Where a packet arrives. One handler per member (``engine.simulate.HANDLERS``)."""

    ENI_OUT = "eni_out"                  # leaving an ENI (source, appliance, TGW or endpoint ENI sending)
    ENI_IN = "eni_in"                    # arriving at an ENI
    NACL_OUT = "nacl_out"                # leaving a subnet
    NACL_IN = "nacl_in"                  # entering a subnet
    ROUTE_TABLE = "route_table"
    NAT_GATEWAY = "nat_gateway"          # through its ENI, named by the gateway
    IGW_OUT = "igw_out"
    IGW_IN = "igw_in"
    EIGW_OUT = "eigw_out"
    EIGW_IN = "eigw_in"
    PEERING = "peering"
    TGW = "tgw"
    VGW_OUT = "vgw_out"
    VGW_IN = "vgw_in"
    ENDPOINT_OUT = "endpoint_out"        # gateway endpoint, towards the service
    ENDPOINT_IN = "endpoint_in"          # gateway endpoint, answer from the service
    GWLB_ENDPOINT = "gwlb_endpoint"


class EnteredVia(StrEnum):
    """How the packet came into the VPC it is in: what decides the rules about where it may go next (edge
    to edge, R9.5, R10.2; NAT sources, R6.10; SG references, R3.8)."""

    HERE = ""                            # it was sent in this VPC
    IGW = "igw"
    PEERING = "peering"
    TGW = "tgw"
    VGW = "vgw"
    ENDPOINT = "endpoint"


class Ending(StrEnum):
    """How a walk ended."""

    DELIVERED = "delivered"              # to an ENI that owns the destination
    EXITED = "exited"                    # out of the modelled network (internet, a site, a service)
    DROPPED = "dropped"


class Context(NamedTuple):
    """What travels with a packet besides its headers.

    A named tuple rather than a frozen dataclass: a walk makes one at almost every hop, and a tuple is built
    in C (``tuple.__new__``, about 0.1 µs) where a twelve-field frozen dataclass costs about 0.65 µs. It is
    just as immutable. Derive one with ``but`` or, on the hot paths, the named constructors of this module."""

    direction: Direction = Direction.FORWARD
    vpc: str = ""
    subnet: str = ""                     # the subnet whose route table decides next (or that was left)
    az: str = ""                         # where the flow entered this VPC (TGW AZ affinity, R8.9)
    target_eni: str = ""                 # NACL_IN -> ENI_IN
    table: str = ""                      # NACL_OUT -> ROUTE_TABLE
    attachment: str = ""                 # TGW: the attachment the packet came from
    entered_via: EnteredVia = EnteredVia.HERE
    sg_references: bool = True           # SG-id rules can still match the source (R3.8)
    gateway: str = ""                    # connection or gateway the packet came in through
    sender: str = ""                     # the ENI that last sent the packet (its NACL egress is logged there)
    link_local: bool = False             # an answer from a link-local service (R11.1): never filtered

    def but(self, *, direction: Direction | None = None, vpc: str | None = None, subnet: str | None = None,
            az: str | None = None, target_eni: str | None = None, table: str | None = None,
            attachment: str | None = None, entered_via: EnteredVia | None = None,
            sg_references: bool | None = None, gateway: str | None = None, sender: str | None = None,
            link_local: bool | None = None) -> Context:
        """A copy with the fields given changed (None: kept). Spelt out: ``_replace`` goes through a dict."""
        return _new(Context, (self.direction if direction is None else direction,
                              self.vpc if vpc is None else vpc,
                              self.subnet if subnet is None else subnet,
                              self.az if az is None else az,
                              self.target_eni if target_eni is None else target_eni,
                              self.table if table is None else table,
                              self.attachment if attachment is None else attachment,
                              self.entered_via if entered_via is None else entered_via,
                              self.sg_references if sg_references is None else sg_references,
                              self.gateway if gateway is None else gateway,
                              self.sender if sender is None else sender,
                              self.link_local if link_local is None else link_local))


class Arrival(NamedTuple):
    """A packet arriving at a component: the one thing a handler is given and (or an ``End``) hands on.

    A named tuple for the reason ``Context`` is one; handlers build it with ``arrive(at, name, packet,
    context)``."""

    at: At
    name: str
    packet: Packet
    context: Context


@quick_init
@dataclass(frozen=True, slots=True)
class End:
    """How a walk ended: delivered to an ENI, left the network, or dropped."""

    how: Ending
    packet: Packet
    eni: str = ""
    reply_from: Arrival | None = None    # exits: where the answer comes back in


@quick_init
@dataclass(frozen=True, slots=True)
class Step:
    """One handler's work seen alone: its hops and where the packet goes next (or how it ended). The walk does
    not make these (handlers append to the walk's hop list and return the next ``Arrival`` or the ``End``);
    the entry points analyses call (``forwarding.leave_eni``, ``eni.handle_out``/``handle_in``,
    ``simulate.injection``) hand them out."""

    hops: tuple[Hop, ...] = ()
    next: Arrival | None = None
    end: End | None = None


# -- the named constructors: the only places a Context or an Arrival is built by position ------------------

_new = tuple.__new__
"""``_new(Arrival, (...))``: a named tuple built in C, without the generated ``__new__``'s Python frame."""


def arrive(at: At, name: str, packet: Packet, context: Context) -> Arrival:
    """``Arrival(at, name, packet, context)``, built in C."""
    return _new(Arrival, (at, name, packet, context))


def forward_context(vpc: str, az: str) -> Context:
    """A request sent from an interface in ``vpc`` and ``az``: ``Context(vpc=vpc, az=az)``, built in C."""
    return _new(Context, (FORWARD_PATH, vpc, "", az, "", "", "", VIA_HERE, True, "", "", False))


def return_context(vpc: str, az: str) -> Context:
    """A reply sent from an interface in ``vpc`` and ``az``."""
    return _new(Context, (RETURN_PATH, vpc, "", az, "", "", "", VIA_HERE, True, "", "", False))


def out_of_subnet(subnet: str, packet: Packet, context: Context, vpc: str, az: str, sender: str, table: str
                  ) -> Arrival:
    """ENI ``sender`` sends the packet out of ``subnet`` (through its NACL, to route ``table``):
    ``Arrival(At.NACL_OUT, subnet, packet, context.but(vpc=, subnet=, az=, sender=, table=))``, built in C."""
    direction, _, _, _, target_eni, _, attachment, entered_via, sg_references, gateway, _, link_local = context
    return _new(Arrival, (AT_NACL_OUT, subnet, packet, _new(Context, (
        direction, vpc, subnet, az, target_eni, table, attachment, entered_via, sg_references, gateway, sender,
        link_local))))


def to_neighbour(at: At, name: str, packet: Packet, context: Context, vpc: str, subnet: str, az: str,
                 sender: str, target_eni: str) -> Arrival:
    """ENI ``sender`` reaches ``target_eni`` of its own ``subnet`` directly (no NACL, no routes):
    ``Arrival(at, name, packet, context.but(vpc=, subnet=, az=, sender=, target_eni=))``, built in C."""
    direction, _, _, _, _, table, attachment, entered_via, sg_references, gateway, _, link_local = context
    return _new(Arrival, (at, name, packet, _new(Context, (
        direction, vpc, subnet, az, target_eni, table, attachment, entered_via, sg_references, gateway, sender,
        link_local))))


def into_subnet(subnet: str, packet: Packet, context: Context, vpc: str, target_eni: str, az: str) -> Arrival:
    """The packet goes into ``subnet`` (through its NACL) towards ``target_eni`` in ``vpc`` (``az``: the flow's
    AZ from here on): ``Arrival(At.NACL_IN, subnet, packet, context.but(vpc=, target_eni=, az=))``, built in C."""
    direction, _, kept, _, _, table, attachment, entered_via, sg_references, gateway, sender, link_local = context
    return _new(Arrival, (AT_NACL_IN, subnet, packet, _new(Context, (
        direction, vpc, kept, az, target_eni, table, attachment, entered_via, sg_references, gateway, sender,
        link_local))))


def through_attachment(context: Context, vpc: str, az: str, attachment: str, sg_references: bool) -> Context:
    """The packet leaves a transit gateway into ``vpc`` through ``attachment``'s ENI in ``az``:
    ``context.but(vpc=, az=, attachment=, entered_via=EnteredVia.TGW, sg_references=)``, built in C."""
    direction, _, subnet, _, target_eni, table, _, _, _, gateway, sender, link_local = context
    return _new(Context, (direction, vpc, subnet, az, target_eni, table, attachment, VIA_TGW, sg_references,
                          gateway, sender, link_local))


# -- enum members read once (handlers read these on every hop) ----------------------------------------------

AT_ENI_OUT, AT_ENI_IN, AT_NACL_OUT, AT_NACL_IN = At.ENI_OUT, At.ENI_IN, At.NACL_OUT, At.NACL_IN
AT_ROUTE_TABLE, AT_NAT_GATEWAY, AT_TGW, AT_GWLB_ENDPOINT = At.ROUTE_TABLE, At.NAT_GATEWAY, At.TGW, At.GWLB_ENDPOINT
FORWARD_PATH, RETURN_PATH = Direction.FORWARD, Direction.RETURN
VIA_HERE, VIA_IGW, VIA_PEERING, VIA_TGW, VIA_VGW, VIA_ENDPOINT = (
    EnteredVia.HERE, EnteredVia.IGW, EnteredVia.PEERING, EnteredVia.TGW, EnteredVia.VGW, EnteredVia.ENDPOINT)
DELIVERED, EXITED, DROPPED = Ending.DELIVERED, Ending.EXITED, Ending.DROPPED
INGRESS, EGRESS = Side.INGRESS, Side.EGRESS
SEND, ROUTE, FORWARD, DELIVER = Decision.SEND, Decision.ROUTE, Decision.FORWARD, Decision.DELIVER
SG_EGRESS_ALLOW, SG_INGRESS_ALLOW = Decision.SECURITY_GROUP_EGRESS_ALLOW, Decision.SECURITY_GROUP_INGRESS_ALLOW
SG_ESTABLISHED, NACL_ALLOW = Decision.SECURITY_GROUP_ESTABLISHED, Decision.NETWORK_ACL_ALLOW
ENI_COMPONENT = ComponentKind.ENI
END_INTERNET, END_SITE = EndKind.INTERNET, EndKind.SITE
NAT_GATEWAY_ENI, TGW_ATTACHMENT_ENI = EniKind.NAT_GATEWAY, EniKind.TGW_ATTACHMENT
INTERFACE_ENDPOINT_ENI, GWLB_ENDPOINT_ENI = EniKind.INTERFACE_ENDPOINT, EniKind.GWLB_ENDPOINT
TO_LOCAL, TO_TRANSIT_GATEWAY, TO_NETWORK_INTERFACE = TargetKind.LOCAL, TargetKind.TRANSIT_GATEWAY, \
    TargetKind.NETWORK_INTERFACE
TO_PEERING, TO_BLACKHOLE = TargetKind.PEERING, TargetKind.BLACKHOLE
