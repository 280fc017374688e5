"""Rows of the reachability matrix: one fine class of sources to every destination, as masks.

A row maps each outcome to the mask (``destinations.py``) of the destinations a source of the fine class
gets it with. For an ordinary net class it is put together from the class's middles (``middles.py``: one per
destination class, from shared walks) and the two end security groups (``verdicts.py``: masks over all
destinations at once), in the order a conversation meets them: the source's egress rules deny → that
denial; else the middle's end, if the request never reaches the destination; else the destination's
ingress rules deny → that denial; else the middle's reply. Pairs the middles cannot settle, and every pair
with a special member (``classes.py``), are traced by the engine: one member pair per pair of fine classes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from vpcsim.analysis.flows import Flow
from vpcsim.analysis.matrix.classes import Member, NetClass, NetClasses
from vpcsim.analysis.matrix.destinations import Destinations, bits
from vpcsim.analysis.matrix.middle import Middle
from vpcsim.analysis.matrix.middles import Middles
from vpcsim.analysis.matrix.outcomes import Outcome, trace_outcome
from vpcsim.analysis.matrix.verdicts import Verdicts
from vpcsim.compile.network import CompiledNetwork

Row = dict[Outcome, int]


class Rows:
    """The rows of one network's matrix for one flow, source net class by source net class."""

    def __init__(self, net: CompiledNetwork, grouping: NetClasses, flow: Flow,
                 destinations: Destinations | None = None) -> None:
        self.net = net
        self.grouping = grouping
        self.flow = flow
        self.destinations = destinations if destinations is not None else Destinations(grouping)
        self.middles = Middles(net, self.destinations, flow)
        self.verdicts = Verdicts(net, self.destinations, flow)
        self.traced = 0
        self._traces: dict[tuple[int, int], Outcome] = {}
        self._group_masks: dict[int, int] = {}
        self._special = [cls for cls in self.destinations.ranked if cls.special]

    @property
    def walks(self) -> int:
        """Conversations (or parts of them) the engine walked so far."""
        return self.middles.walks + self.traced

    def prepare(self) -> None:
        """Build what every row reads (before forking workers, so they inherit it)."""
        self.verdicts.ingress_tables(self.verdicts.fields)

    def of(self, source: NetClass) -> Iterator[tuple[list[Member], Row]]:
        """Each fine class of ``source`` with its row."""
        destinations = self.destinations
        if source.special:
            for group in source.fine:
                row: Row = {}
                for cls in destinations.ranked:
                    self._trace_into(row, group, cls)
                yield group, row
            return
        found = self.middles.of(source)
        masks = [(middle, destinations.classes_mask(ranks)) for middle, ranks in found.items() if middle is not None]
        regular = 0
        for _, mask in masks:
            regular |= mask
        traced = [destinations.ranked[i] for i in bits(found.get(None, 0))] + self._special
        for group in source.fine:
            row = self._row(group, source, masks, regular)
            for cls in traced:
                self._trace_into(row, group, cls)
            yield group, row

    def _row(self, group: list[Member], source: NetClass, masks: list[tuple[Middle, int]], regular: int) -> Row:
        a = group[0]
        row: Row = {}
        allowed = self.destinations.all
        if a.eni is not None and a.eni.egress is not None:
            allowed, denials = self.verdicts.egress(a, regular)
            for part, outcome in denials:
                _add(row, outcome, part)
        for middle, mask in masks:
            mask &= allowed
            if not mask:
                continue
            if middle.end is not None:
                _add(row, middle.end, mask)
                continue
            assert middle.reply is not None
            admitted, denials = self.verdicts.ingress(a, source, middle, mask)
            _add(row, middle.reply, mask & admitted)
            for part, outcome in denials:
                _add(row, outcome, part)
        return row

    def _trace_into(self, row: Row, group: list[Member], cls: NetClass) -> None:
        for d_group in cls.fine:
            a, d = _representatives(group, d_group)
            if a is None or d is None:
                continue
            key = (id(group), id(d_group))
            outcome = self._traces.get(key)
            if outcome is None:
                self.traced += 1
                outcome = self._traces[key] = trace_outcome(self.net, a.name, d.name, self.flow)
            _add(row, outcome, self.group_mask(d_group))

    def group_mask(self, group: list[Member]) -> int:
        found = self._group_masks.get(id(group))
        if found is None:
            found = self._group_masks[id(group)] = self.destinations.mask_of(e.name for e in group)
        return found


def counts(row: Row, own: int, size: int) -> Counter[Outcome]:
    """Pairs by outcome of a row whose sources are ``size`` members at the bits of ``own`` (each of them
    paired with every destination but itself)."""
    found: Counter[Outcome] = Counter()
    for outcome, mask in row.items():
        n = size * mask.bit_count() - (mask & own).bit_count()
        if n:
            found[outcome] += n
    return found


def outcome_at(row: Row, position: int) -> Outcome | None:
    for outcome, mask in row.items():
        if (mask >> position) & 1:
            return outcome
    return None


def _add(row: Row, outcome: Outcome, mask: int) -> None:
    if mask:
        row[outcome] = row.get(outcome, 0) | mask


def _representatives(a_group: list[Member], d_group: list[Member]) -> tuple[Member | None, Member | None]:
    if a_group is d_group:
        return (a_group[0], a_group[1]) if len(a_group) > 1 else (None, None)
    return a_group[0], d_group[0]
