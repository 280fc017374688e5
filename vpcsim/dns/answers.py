"""What the Resolver answers: a response code and records (plain data, light to import: the engine's results
name ``Rcode``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Record:
    name: str
    type: str                 # A | AAAA | CNAME
    value: str
    source: str               # which rule answered: "private hosted zone corp", "EC2 private hostname", …


class Rcode(StrEnum):
    """The response code of a lookup, as DNS names them (NO_ANSWER: the query or its answer never arrived)."""

    NOERROR = "NOERROR"
    NXDOMAIN = "NXDOMAIN"
    SERVFAIL = "SERVFAIL"
    REFUSED = "REFUSED"
    NO_ANSWER = "NO_ANSWER"


@dataclass(frozen=True, slots=True)
class Answer:
    """The Resolver's answer: NOERROR with records, NXDOMAIN, or no answer at all (support disabled)."""

    name: str
    rcode: Rcode
    records: tuple[Record, ...] = ()
    reason: str = ""

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(r.value for r in self.records if r.type in ("A", "AAAA"))
