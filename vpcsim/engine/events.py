"""Events: a packet arriving at a component, with what the walk knows at that moment."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vpcsim.engine.packet import Packet
from vpcsim.engine.results import Hop


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


@dataclass(frozen=True, slots=True)
class Context:
    """What travels with a packet besides its headers."""

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

    def but(self, **changes: Any) -> Context:
        """A copy with some fields changed (spelt out: ``dataclasses.replace`` is slow on the hot path)."""
        get = changes.get
        return Context(get("direction", self.direction),
                       get("vpc", self.vpc),
                       get("subnet", self.subnet),
                       get("az", self.az),
                       get("target_eni", self.target_eni),
                       get("table", self.table),
                       get("attachment", self.attachment),
                       get("entered_via", self.entered_via),
                       get("sg_references", self.sg_references),
                       get("gateway", self.gateway),
                       get("sender", self.sender),
                       get("link_local", self.link_local))


@dataclass(frozen=True, slots=True)
class Arrival:
    at: At
    name: str
    packet: Packet
    context: Context


@dataclass(frozen=True, slots=True)
class End:
    """How a walk ended: delivered to an ENI, left the network, or dropped."""

    how: str                             # delivered | exited | dropped
    packet: Packet
    eni: str = ""
    reply_from: Arrival | None = None    # exits: where the answer comes back in


@dataclass(frozen=True, slots=True)
class Step:
    hops: tuple[Hop, ...] = ()
    next: Arrival | None = None
    end: End | None = None
