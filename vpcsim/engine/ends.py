"""The ends of a question: what ``--from``/``--to`` name — an interface, the internet, an on-premises site or
an AWS service. (A VPC endpoint is something else: ``compile.components.Endpoint``.)"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from vpcsim.compile.components import Eni, EniKind
from vpcsim.compile.network import CompiledNetwork
from vpcsim.engine.address_sets import AddressSet, internet, owned
from vpcsim.errors import QueryError
from vpcsim.ip import format_address, is_address, parse_address, read_cidr
from vpcsim.model.services import service_name
from vpcsim.suggestions import did_you_mean

INTERNET_V4 = parse_address("198.51.100.10")[1]
INTERNET_V6 = parse_address("2001:db8:ffff::10")[1]


class EndKind(StrEnum):
    """What kind of thing one end of a question is."""

    ENI = "eni"
    INTERNET = "internet"
    SITE = "site"
    SERVICE = "service"


class QueryEnd(NamedTuple):
    """What one side of a question names."""

    kind: EndKind
    name: str
    eni: Eni | None = None
    site: str = ""
    address: int | None = None   # fixed (internet:IP, a site's, a literal IP), else chosen per family
    family: int | None = None

    def address_for(self, family: int, public: bool = False) -> int | None:
        if self.address is not None:
            return self.address if self.family == family else None
        if self.eni is not None:
            if family == 6:
                return self.eni.ipv6_ips[0] if self.eni.ipv6_ips else None
            if public and self.eni.public_ip is not None:
                return self.eni.public_ip
            ips = self.eni.private_ips                  # eni.primary_ip, inlined
            return ips[0] if ips else None
        if self.kind == EndKind.INTERNET:
            return INTERNET_V4 if family == 4 else INTERNET_V6
        return None


class SetEnd(NamedTuple):
    """One side of a question that names a set of addresses (``internet``, a site, ``internet:CIDR``, a
    CIDR): each atom of ``addresses`` is asked as its own ``QueryEnd`` (``at``)."""

    name: str
    addresses: AddressSet
    kind: EndKind                  # INTERNET or SITE; for a bare CIDR, decided per atom
    site: str = ""

    def at(self, net: CompiledNetwork, family: int, address: int) -> QueryEnd:
        """The end an atom's representative address stands for."""
        if self.kind == EndKind.SITE:
            return QueryEnd(EndKind.SITE, self.name, site=self.site, address=address, family=family)
        for site in net.external.values():
            if site.contains(family, address):
                return QueryEnd(EndKind.SITE, self.name, site=site.name, address=address, family=family)
        return QueryEnd(EndKind.INTERNET, self.name, address=address, family=family)


def resolve_set(net: CompiledNetwork, text: str, role: str) -> SetEnd | None:
    """The set ``text`` names, or None when it names one thing (an interface, one address, a service…):
    ``internet`` (every address the network does not own, docs/semantics.md), an external site (all its
    CIDRs), ``internet:CIDR`` and a bare CIDR (its addresses the network does not own; a site's addresses in
    it are that site's). A CIDR of one address (``/32``, ``/128``) is that address, as before."""
    text = text.strip()
    if text == "internet":
        return SetEnd(text, internet(net), EndKind.INTERNET)
    if text in net.external:
        site = net.external[text]
        return SetEnd(text, AddressSet.of_prefixes(site.cidrs), EndKind.SITE, site=text)
    cidr_text = text.split(":", 1)[1] if text.startswith("internet:") else text
    if "/" not in cidr_text:
        return None
    found = read_cidr(cidr_text)
    if found is None:
        raise QueryError(f"--{role} {text!r}: {cidr_text!r} is not a CIDR block", "write e.g. 203.0.113.0/24")
    prefix = found[0]
    if prefix.size == 1:
        return None
    mine = owned(net)
    if cidr_text is text:           # a bare CIDR: its sites' addresses stay in (as those sites)
        mine = mine.minus(AddressSet.of_prefixes(p for site in net.external.values() for p in site.cidrs))
    addresses = AddressSet.of_prefixes([prefix]).minus(mine)
    if not addresses:
        raise QueryError(f"--{role} {text!r}: every address of {prefix} belongs to the modelled network",
                         "name the instances or interfaces inside it instead")
    return SetEnd(text, addresses, EndKind.INTERNET)


def resolve(net: CompiledNetwork, text: str, role: str) -> QueryEnd:
    """The end ``text`` names (``role``: "from" or "to", for the messages); QueryError if it names nothing."""
    text = text.strip()
    if text == "internet":
        return QueryEnd(EndKind.INTERNET, "internet")
    if text.startswith("internet:"):
        address = text.split(":", 1)[1]
        address = _one_address(address)
        if not is_address(address):
            raise QueryError(f"--{role} {text!r}: {address!r} is not an IP address",
                             "write internet:203.0.113.5")
        family, value = parse_address(address)
        return QueryEnd(EndKind.INTERNET, text, address=value, family=family)
    if text in net.external:
        site = net.external[text]
        first = site.cidrs[0]
        return QueryEnd(EndKind.SITE, text, site=text, address=first.start + min(10, first.size - 1),
                        family=first.family)
    eni = net.enis.get(text) or _eni_named(net, text)      # an interface's own name: the commonest case
    if eni is not None:
        if role == "from" and eni.kind is EniKind.INTERFACE_ENDPOINT:
            return _endpoint_as_source(net, eni)
        return QueryEnd(EndKind.ENI, text, eni)
    text = _one_address(text)
    if is_address(text):
        found = _by_address(net, text)
        if role == "from" and found.eni is not None and found.eni.kind is EniKind.INTERFACE_ENDPOINT:
            return _endpoint_as_source(net, found.eni)
        return found
    gateway_endpoint = net.endpoints.get(text)
    if gateway_endpoint is not None and gateway_endpoint.type == "gateway":
        text = gateway_endpoint.service      # a gateway endpoint stands for its service's addresses
    service = _service(net, text)
    if service is not None:
        return service
    names = [*net.instances, *net.enis, *net.nat_gateways, *net.endpoints, *net.external, "internet"]
    raise QueryError(f"--{role} {text!r} is not an instance, interface, NAT gateway, endpoint, site or "
                     "address",
                     did_you_mean(text, names))


def _one_address(text: str) -> str:
    """A /32 or /128 is its one address."""
    found = read_cidr(text) if "/" in text else None
    return text.split("/")[0] if found is not None and found[0].size == 1 else text


def _endpoint_as_source(net: CompiledNetwork, eni: Eni) -> QueryEnd:
    """R10.12: an interface endpoint only answers; neither it nor the service behind it opens connections
    into the VPC (``VPCE_INTRA_VPC_TRAFFIC``). As a source it stands for its service, which the engine
    refuses to inject."""
    return QueryEnd(EndKind.SERVICE, eni.owner, address=eni.primary_ip, family=4)


def _eni_named(net: CompiledNetwork, text: str) -> Eni | None:
    if text in net.enis:
        return net.enis[text]
    instance = net.instances.get(text) or next((i for i in net.instances.values() if i.id == text), None)
    if instance is not None:
        return net.enis[instance.enis[0]]
    if text in net.nat_gateways:
        return net.enis[net.nat_gateways[text].eni]
    endpoint = net.endpoints.get(text)
    if endpoint is not None and endpoint.enis:
        return net.enis[endpoint.enis[0]]
    return next((e for e in net.enis.values() if e.id == text), None)


def _by_address(net: CompiledNetwork, text: str) -> QueryEnd:
    family, value = parse_address(text)
    owners = [name for (_, fam, address), name in net.private_index.items()
              if fam == family and address == value]
    if owners:
        return QueryEnd(EndKind.ENI, text, eni=net.enis[sorted(owners)[0]], address=value, family=family)
    public = net.public_index.get((family, value))
    if public is not None:
        return QueryEnd(EndKind.ENI, text, eni=net.enis[public[0]], address=value, family=family)
    for site in net.external.values():
        if site.contains(family, value):
            return QueryEnd(EndKind.SITE, text, site=site.name, address=value, family=family)
    for name, prefixes in net.prefix_lists.items():
        if name.startswith("com.amazonaws.") and any(p.contains(family, value) for p in prefixes):
            return QueryEnd(EndKind.SERVICE, name, address=value, family=family)
    return QueryEnd(EndKind.INTERNET, f"internet:{format_address(family, value)}", address=value, family=family)


def _service(net: CompiledNetwork, text: str) -> QueryEnd | None:
    full = service_name(text, net.region)
    prefixes = net.prefix_lists.get(full)
    if not prefixes:
        return None
    first = prefixes[0]
    return QueryEnd(EndKind.SERVICE, full, address=first.start + 10, family=first.family)
