"""Events: a packet arriving at a component, with what the walk knows at that moment."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from vpcsim.engine.frozen import quick_init
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import Hop

NEW = tuple.__new__
"""``NEW(Arrival, (...))``: a named tuple built in C, without the generated ``__new__``'s Python frame."""


class At(StrEnum):
    """Where a packet arrives. One handler per member (``engine.simulate.HANDLERS``)."""

    ENI_OUT = "eni_out"                  # leaving an ENI (source, appliance, NAT/TGW/endpoint sending)
    ENI_IN = "eni_in"                    # arriving at an ENI
    NACL_OUT = "nacl_out"                # leaving a subnet
    NACL_IN = "nacl_in"                  # entering a subnet
    ROUTE_TABLE = "route_table"
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
    INTERNET = "internet"
    SITE = "site"


class Context(NamedTuple):
    """What travels with a packet besides its headers.

    A named tuple rather than a frozen dataclass: a walk makes one at almost every hop, and a tuple is built
    in C (``tuple.__new__``, about 0.1 µs) where a twelve-field frozen dataclass costs about 0.65 µs. It is
    just as immutable; the hot paths build it positionally (``NEW``), everything else with ``but``."""

    direction: str = "forward"           # forward | return
    vpc: str = ""
    subnet: str = ""                     # the subnet whose route table decides next (or that was left)
    az: str = ""                         # where the flow entered this VPC (TGW AZ affinity, R8.9)
    target_eni: str = ""                 # NACL_IN -> ENI_IN
    table: str = ""                      # NACL_OUT -> ROUTE_TABLE
    attachment: str = ""                 # TGW: the attachment the packet came from
    entered_via: str = ""                # '' (originated here) | igw | peering | tgw | vgw | endpoint
    sg_references: bool = True           # SG-id rules can still match the source (R3.8)
    gateway: str = ""                    # connection or gateway the packet came in through
    sender: str = ""                     # the ENI that last sent the packet (its NACL egress is logged there)
    link_local: bool = False             # an answer from a link-local service (R11.1): never filtered

    def but(self, *, direction: str | None = None, vpc: str | None = None, subnet: str | None = None,
            az: str | None = None, target_eni: str | None = None, table: str | None = None,
            attachment: str | None = None, entered_via: str | None = None, sg_references: bool | None = None,
            gateway: str | None = None, sender: str | None = None, link_local: bool | None = None) -> Context:
        """A copy with the fields given changed (None: kept). Spelt out: ``_replace`` goes through a dict."""
        return NEW(Context, (self.direction if direction is None else direction,
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

    A named tuple for the reason ``Context`` is one; handlers build it as ``NEW(Arrival, (at, name, packet,
    context))``."""

    at: At
    name: str
    packet: Packet
    context: Context


@quick_init
@dataclass(frozen=True, slots=True)
class End:
    """How a walk ended: delivered to an ENI, left the network, or dropped."""

    how: str                             # delivered | exited | dropped
    packet: Packet
    eni: str = ""
    reply_from: Arrival | None = None    # exits: where the answer comes back in


@quick_init
@dataclass(frozen=True, slots=True)
class Step:
    """One handler's work seen alone: its hops and where the packet goes next (or how it ended). The walk does
    not make these (handlers append to the walk's hop list and return the next ``Arrival`` or the ``End``);
    the entry points analyses call (``forwarding.leave_eni``, ``eni.handle_out``/``handle_in``,
    ``simulate._injection``) hand them out."""

    hops: tuple[Hop, ...] = ()
    next: Arrival | None = None
    end: End | None = None
