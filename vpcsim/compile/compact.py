"""A base for the compiled network's frozen, slotted dataclasses that makes them quick to unpickle.

The compiled network is pickled (batches over processes, DESIGN §8, and a cache keyed by the topology's
content), so ``pickle.loads`` is part of start-up. A frozen slots dataclass otherwise unpickles through
``dataclasses``' generic ``__setstate__``, which looks up ``fields()`` and calls ``object.__setattr__`` for
every attribute of every object; pickled as ``(class, field values)`` it is rebuilt by its own ``__init__``,
about twice as fast and a little smaller.

Only for dataclasses whose every field is an ``__init__`` parameter, in declaration order (no
``init=False``, no ``InitVar``): ``tests/unit/test_compiled_pickle.py`` checks each subclass.
"""

from __future__ import annotations

from typing import Any


class Compact:
    """Pickles as ``(type(self), field values)``: subclasses must be ``@dataclass(frozen=True, slots=True)``."""

    __slots__: tuple[str, ...] = ()     # a dataclass subclass's are its field names, in order

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__slots__])
