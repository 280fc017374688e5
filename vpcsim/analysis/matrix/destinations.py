"""The destinations of a matrix as bit positions, so a set of destinations is one ``int`` (a mask).

A matrix row — one group of sources to every destination — is a handful of masks, one per outcome, built
with ``&``, ``|`` and ``~`` (C speed over all destinations at once) and counted with ``int.bit_count``.
Positions follow the net classes in address order (``NetClasses.ordered``), members of a class
consecutive, so the destinations inside any CIDR of the network (every CIDR is a union of address atoms,
``classes.AddressAtoms``) are one run of classes and one run of bits. ``Destinations.of_order`` keeps an
order given by the caller instead (``diff`` uses one order for two versions of a network); masks are then
built bit by bit, which is slower but the same.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from vpcsim.analysis.matrix.classes import Member, NetClass, NetClasses


def bits(mask: int) -> Iterator[int]:
    """Positions of the set bits of ``mask``, lowest first."""
    if mask.bit_count() < 64:
        while mask:
            low = mask & -mask
            yield low.bit_length() - 1
            mask ^= low
        return
    text = bin(mask)[:1:-1]
    i = text.find("1")
    while i >= 0:
        yield i
        i = text.find("1", i + 1)


def runs(mask: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each run of consecutive set bits of ``mask``, lowest first."""
    position = 0
    while mask:
        low = (mask & -mask).bit_length() - 1
        mask >>= low
        position += low
        length = ((mask + 1) & ~mask).bit_length() - 1
        yield position, position + length
        mask >>= length
        position += length


RECENT = 64             # class masks kept (each as large as a row: one bit per destination)
SHIFTED_RUNS = 8       # more runs than this: set them in a byte buffer (each shift costs a pass over the int)


def _spans_mask(spans: list[tuple[int, int]], size: int) -> int:
    """The mask with the bits ``[low, high)`` of every span set."""
    buffer = bytearray((size + 8) // 8)
    for low, high in spans:
        first, last = low >> 3, high >> 3
        if first == last:
            buffer[first] |= ((1 << (high - low)) - 1) << (low & 7)
            continue
        buffer[first] |= (0xFF << (low & 7)) & 0xFF
        if last > first + 1:
            buffer[first + 1:last] = b"\xff" * (last - first - 1)
        if high & 7:
            buffer[last] |= (1 << (high & 7)) - 1
    return int.from_bytes(buffer, "little")


def mask_of_positions(positions: Iterable[int], size: int) -> int:
    """The mask with the bits at ``positions`` set (built in a byte buffer: one pass, not one shift each)."""
    buffer = bytearray((size + 8) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


class Destinations:
    """Bit positions of the destination members, and masks of classes, address ranges and addresses."""

    def __init__(self, grouping: NetClasses, order: Sequence[Member] | None = None) -> None:
        self.grouping = grouping
        self.ranked: list[NetClass] = grouping.ordered
        self.rank = {cls.index: i for i, cls in enumerate(self.ranked)}
        if order is None:
            order = [e for cls in self.ranked for e in cls.members]
        self.members: tuple[Member, ...] = tuple(order)
        self.names = tuple(e.name for e in self.members)
        self.position = {name: i for i, name in enumerate(self.names)}
        self.size = len(self.names)
        self.all = (1 << self.size) - 1
        # Contiguous: class by class in rank order, members in class order — masks of runs are one shift.
        self._starts = [0]
        for cls in self.ranked:
            self._starts.append(self._starts[-1] + len(cls.members))
        self.contiguous = self.size == self._starts[-1] and all(
            self.position.get(name) == self._starts[rank] + i
            for rank, cls in enumerate(self.ranked) for i, name in enumerate(cls.names))
        self._class_masks: list[int] = [self._build_class_mask(i) for i in range(len(self.ranked))]
        self.addresses = [cls.address for cls in self.ranked if cls.address is not None]
        self.by_address = {cls.address: cls for cls in self.ranked if cls.address is not None}
        self._names: dict[int, tuple[str, ...]] = {}
        self._recent: dict[int, int] = {}

    def _build_class_mask(self, rank: int) -> int:
        cls = self.ranked[rank]
        if self.contiguous:
            return ((1 << len(cls.members)) - 1) << self._starts[rank]
        return mask_of_positions((self.position[name] for name in cls.names if name in self.position), self.size)

    # -- classes ----------------------------------------------------------------------------------------

    def class_mask(self, rank: int) -> int:
        return self._class_masks[rank]

    def classes_mask(self, ranks: int) -> int:
        """The destinations of the classes whose ranks are the set bits of ``ranks``. (Sources of one VPC
        come one after the other and mostly ask for the same ranks: the last few answers are kept.)"""
        found = self._recent.get(ranks)
        if found is None:
            if len(self._recent) >= RECENT:
                self._recent.clear()
            found = self._recent[ranks] = self._classes_mask(ranks)
        return found

    def _classes_mask(self, ranks: int) -> int:
        if self.contiguous:
            starts = self._starts
            spans = [(starts[start], starts[stop]) for start, stop in runs(ranks)]
            if len(spans) <= SHIFTED_RUNS:
                mask = 0
                for low, high in spans:
                    mask |= ((1 << (high - low)) - 1) << low
                return mask
            return _spans_mask(spans, self.size)
        masks = self._class_masks
        mask = 0
        for rank in bits(ranks):
            mask |= masks[rank]
        return mask

    def ranks_between(self, start: int, end: int) -> tuple[int, int]:
        """Ranks ``[i, j)`` of the classes whose IPv4 address lies in ``start``-``end``."""
        return bisect_left(self.addresses, start), bisect_right(self.addresses, end)

    def ranks_mask_between(self, start: int, end: int) -> int:
        i, j = self.ranks_between(start, end)
        return ((1 << (j - i)) - 1) << i

    def range_mask(self, start: int, end: int) -> int:
        """The destinations whose IPv4 address lies in ``start``-``end``."""
        i, j = self.ranks_between(start, end)
        if i >= j:
            return 0
        if self.contiguous:
            starts = self._starts
            return ((1 << (starts[j] - starts[i])) - 1) << starts[i]
        return self.classes_mask(((1 << (j - i)) - 1) << i)

    # -- members -----------------------------------------------------------------------------------------

    def mask_of(self, names: Iterable[str]) -> int:
        position = self.position
        return mask_of_positions((position[n] for n in names if n in position), self.size)

    def names_of(self, mask: int) -> tuple[str, ...]:
        found = self._names.get(mask)
        if found is None:
            names = self.names
            found = self._names[mask] = tuple(names[i] for i in bits(mask))
        return found

    def member_at(self, position: int) -> Member:
        return self.members[position]
