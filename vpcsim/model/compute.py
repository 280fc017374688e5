"""Instances and network interfaces (R1.14, R2.20, S35), and an instance's metadata options (R11.1b)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from vpcsim.ip import address_text
from vpcsim.model.common import Address4, Address6, Model, Name, no_entries


class NetworkInterface(Model):
    """An ENI. Attached to an instance when ``instance`` is given (then ``device_index`` orders them)."""

    id: str | None = None
    subnet: Name
    private_ip: Address4 | None = None
    secondary_private_ips: tuple[Address4, ...] = ()
    public_ip: Address4 | None = None
    elastic_ip: Address4 | None = None
    ipv6_addresses: tuple[Address6, ...] = ()
    security_groups: tuple[Name, ...] | None = None
    source_dest_check: bool = True
    instance: Name | None = None
    device_index: int = 1
    description: str | None = None

    @model_validator(mode="after")
    def _one_public_address(self) -> NetworkInterface:
        if self.public_ip is not None and self.elastic_ip is not None:
            raise ValueError("an ENI has either an auto-assigned 'public_ip' or an 'elastic_ip', not both (R1.14)")
        return self

    @property
    def public_address(self) -> str | None:
        """The auto-assigned public IPv4 address (an ENI gets none from ``map_public_ip``: R1.14)."""
        return self.public_ip


NO_PUBLIC_IP = "none"
"""``public_ip: none``: the instance has no public IPv4 address even in a subnet that maps one at launch
(``AssociatePublicIpAddress=false``, R1.14)."""


def _public_ip(value: str) -> str:
    if value == NO_PUBLIC_IP:
        return value
    found = address_text(value)
    if found is None or found[0] != 4:
        raise ValueError(f"{value!r} is neither an IPv4 address nor 'none'")
    return found[1]


PublicIp = Annotated[str, AfterValidator(_public_ip), Field(description="an IPv4 address, or 'none' for no public "
                                                            "address in a subnet with map_public_ip")]


class MetadataOptions(Model):
    """The instance metadata service as ``MetadataOptions`` sets it (EC2 API), with AWS's defaults (R11.1b)."""

    http_endpoint: Literal["enabled", "disabled"] = Field(
        "enabled", description="HttpEndpoint: with 'disabled', 169.254.169.254 (and fd00:ec2::254) do not answer")
    http_protocol_ipv6: Literal["enabled", "disabled"] = Field(
        "disabled", description="HttpProtocolIpv6: fd00:ec2::254 answers only when 'enabled' (Nitro instances)")
    http_tokens: Literal["optional", "required"] | None = Field(
        None, description="HttpTokens (IMDSv2), kept for the record; unset: AWS's default, which depends on "
        "the AMI's ImdsSupport and the account's default")


class Instance(Model):
    """An EC2 instance; its primary ENI (device 0) is described inline and named ``eni`` or ``eni-<name>``.

    ``public_ip``: the auto-assigned public IPv4 address; ``none`` for no public address in a subnet with
    ``map_public_ip`` (left out there, the instance gets a stand-in from a documentation range)."""

    id: str | None = None
    subnet: Name
    eni: Name | None = None
    private_ip: Address4 | None = None
    secondary_private_ips: tuple[Address4, ...] = ()
    public_ip: PublicIp | None = None
    elastic_ip: Address4 | None = None
    ipv6_addresses: tuple[Address6, ...] = ()
    security_groups: tuple[Name, ...] | None = None
    source_dest_check: bool = True
    state: str = "running"
    metadata: MetadataOptions = MetadataOptions()
    nitro: bool = Field(True, description="built on the Nitro System (the IPv6 metadata endpoint exists only there)")
    tags: dict[str, str] = no_entries()

    @model_validator(mode="after")
    def _one_public_address(self) -> Instance:
        if self.public_address is not None and self.elastic_ip is not None:
            raise ValueError("an instance has either an auto-assigned 'public_ip' or an 'elastic_ip', not both")
        return self

    @property
    def public_address(self) -> str | None:
        """The auto-assigned public IPv4 address, None when there is none (``public_ip`` unset or ``none``)."""
        return None if self.public_ip == NO_PUBLIC_IP else self.public_ip

    def primary_eni_name(self, name: str) -> str:
        return self.eni or f"eni-{name}"
