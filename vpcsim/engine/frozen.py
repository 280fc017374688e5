"""A quicker ``__init__`` for the frozen, slotted dataclasses a trace creates by the dozen.

A frozen dataclass's generated ``__init__`` stores each field with ``object.__setattr__(self, name, value)``:
a global look-up, an attribute look-up and a name search per field, about a microsecond for a ``Hop``. A
conversation creates some twenty hops, packets and other results (the engine's own per-event structures,
``Arrival`` and ``Context``, are named tuples built in C: engine/events.py), so that matters. The
``__init__`` written here stores each field through the slot's own descriptor, bound once when the class is
made. The class stays exactly the dataclass it was — frozen, slotted, same fields, defaults, ``__eq__``,
``__hash__``, ``__repr__``, ``replace`` and pickling — only its ``__init__`` is faster.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen, slotted dataclass ``cls`` an ``__init__`` that stores through the slot descriptors.

    Apply it above ``@dataclass(frozen=True, slots=True)``; a subclass of such a class is made the same way.
    Fields with a ``default_factory`` or ``init=False`` and ``InitVar`` pseudo-fields are not supported (none
    of the engine's classes has them): refused here."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    namespace: dict[str, Any] = {}
    arguments: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for f in dataclasses.fields(cls):     # type: ignore[arg-type]
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: quick_init supports plain fields only")
        slot = next(klass.__dict__[f.name] for klass in cls.__mro__ if f.name in klass.__dict__)
        namespace[f"_set_{f.name}"] = slot.__set__
        listed = keywords if f.kw_only else arguments
        if f.default is dataclasses.MISSING:
            listed.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            listed.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    if keywords:
        arguments += ["*", *keywords]
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)          # the way dataclasses itself writes __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init              # type: ignore[method-assign]
    return cls
