"""Security groups and network ACLs (aws-semantics §3, §4)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from vpcsim.model.common import Cidr, Model, Name, Ports, Protocol


class SecurityGroupRule(Model):
    """One allow rule. The peer is a CIDR, a security group name, or a prefix list name (R3.4).

    Ingress rules name a ``source``, egress rules a ``destination``; ``peer`` accepts either spelling.
    """

    protocol: Protocol = "all"
    ports: Ports | None = None
    icmp_type: int | None = Field(default=None, ge=-1, le=255)
    icmp_code: int | None = Field(default=None, ge=-1, le=255)
    source: Name | None = None
    destination: Name | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_peer(self) -> SecurityGroupRule:
        if self.source is not None and self.destination is not None:
            raise ValueError("a rule has one peer: give either 'source' or 'destination', not both")
        if self.source is None and self.destination is None:
            raise ValueError("a rule needs a peer: 'source' (ingress) or 'destination' (egress)")
        if self.protocol in ("tcp", "udp") and self.ports is None:
            raise ValueError(f"a {self.protocol} rule needs 'ports' (e.g. 443, 1024-65535 or all)")
        return self

    @property
    def peer(self) -> str:
        return self.source if self.source is not None else self.destination  # type: ignore[return-value]


class SecurityGroup(Model):
    """A stateful allow-list at the ENI (R3.1–R3.12). Omitted egress means AWS's default allow-all (R3.2)."""

    id: str | None = None
    description: str | None = None
    ingress: tuple[SecurityGroupRule, ...] = ()
    egress: tuple[SecurityGroupRule, ...] | None = None


class NetworkAclRule(Model):
    """A numbered, stateless allow or deny (R4.3, R4.7)."""

    rule: int = Field(ge=1, le=32766)
    protocol: Protocol = "all"
    ports: Ports | None = None
    icmp_type: int | None = Field(default=None, ge=-1, le=255)
    icmp_code: int | None = Field(default=None, ge=-1, le=255)
    source: Cidr | None = None
    destination: Cidr | None = None
    action: Literal["allow", "deny"]

    @model_validator(mode="after")
    def _one_cidr(self) -> NetworkAclRule:
        if (self.source is None) == (self.destination is None):
            raise ValueError("a NACL rule needs exactly one CIDR: 'source' (ingress) or 'destination' (egress)")
        if self.protocol in ("tcp", "udp") and self.ports is None:
            raise ValueError(f"a {self.protocol} NACL rule needs 'ports' (e.g. 443, 1024-65535 or all)")
        return self

    @property
    def cidr(self) -> str:
        return self.source if self.source is not None else self.destination  # type: ignore[return-value]


class NetworkAcl(Model):
    """A custom NACL denies everything until rules are added (R4.6); ``default: true`` makes it the VPC's default."""

    id: str | None = None
    default: bool = False
    ingress: tuple[NetworkAclRule, ...] = ()
    egress: tuple[NetworkAclRule, ...] = ()
