"""Instances and network interfaces (R1.14, R2.20, S35)."""

from __future__ import annotations

from pydantic import model_validator

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


class Instance(Model):
    """An EC2 instance; its primary ENI (device 0) is described inline and named ``eni`` or ``eni-<name>``."""

    id: str | None = None
    subnet: Name
    eni: Name | None = None
    private_ip: Address4 | None = None
    secondary_private_ips: tuple[Address4, ...] = ()
    public_ip: Address4 | None = None
    elastic_ip: Address4 | None = None
    ipv6_addresses: tuple[Address6, ...] = ()
    security_groups: tuple[Name, ...] | None = None
    source_dest_check: bool = True
    state: str = "running"
    tags: dict[str, str] = no_entries()

    @model_validator(mode="after")
    def _one_public_address(self) -> Instance:
        if self.public_ip is not None and self.elastic_ip is not None:
            raise ValueError("an instance has either an auto-assigned 'public_ip' or an 'elastic_ip', not both")
        return self

    def primary_eni_name(self, name: str) -> str:
        return self.eni or f"eni-{name}"
