"""Route 53 private hosted zones (R11.8, R11.9)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from vpcsim.model.common import Model, Name


class DnsRecord(Model):
    """A record: A/AAAA with ``values``, CNAME with one value, or ALIAS to an endpoint/resource name."""

    name: Name
    type: Literal["A", "AAAA", "CNAME", "ALIAS"] = "A"
    values: tuple[str, ...] = ()
    target: Name | None = None
    ttl: int = 300

    @model_validator(mode="after")
    def _shape(self) -> DnsRecord:
        if self.type == "ALIAS" and self.target is None:
            raise ValueError("an ALIAS record needs a 'target' (an endpoint or instance name)")
        if self.type != "ALIAS" and not self.values:
            raise ValueError(f"a {self.type} record needs 'values'")
        if self.type == "CNAME" and len(self.values) != 1:
            raise ValueError("a CNAME record has exactly one value")
        return self


class HostedZone(Model):
    id: str | None = None
    domain: Name
    private: bool = True
    vpcs: tuple[Name, ...] = ()
    records: tuple[DnsRecord, ...] = ()
