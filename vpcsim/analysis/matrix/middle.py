"""The middle of a conversation: all of it but the two end security groups, the same for every member pair
of two net classes (``classes.py``). ``middles.py`` finds it, ``verdicts.py`` and ``rows.py`` read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from vpcsim.analysis.matrix.outcomes import Outcome
from vpcsim.analysis.matrix.rule_matching import Fields, fields_of
from vpcsim.engine.events import Arrival
from vpcsim.engine.results import Disposition

REPLY_OK = Outcome(Disposition.ACCEPTED)


@dataclass(frozen=True, slots=True)
class Middle:
    """What happens between the two end security groups. ``end``: the conversation is settled before the
    destination's security group. Else the request arrives with ``fields`` and these context flags, from
    ``source`` (None: the source member's own private address), and ``reply`` is the outcome once the
    destination's security group admits it; ``arrival`` is one such arrival (for the engine's denial codes)."""

    end: Outcome | None = None
    reply: Outcome | None = None
    fields: Fields | None = None
    sg_references: bool = True
    entered_via: str = ""
    source: int | None = None
    arrival: Arrival | None = field(default=None, compare=False, hash=False)


def arriving_as(arrival: Arrival, reply: Outcome, source: int | None = None) -> Middle:
    """The middle of a request that reaches the destination's security group as ``arrival`` and whose reply,
    once that group admits it, comes to ``reply``."""
    context = arrival.context
    return Middle(reply=reply, fields=fields_of(arrival.packet), sg_references=context.sg_references,
                  entered_via=context.entered_via, source=source, arrival=arrival)
