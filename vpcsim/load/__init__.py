"""Files -> validated Topology, with positions for every value.

The loader (and pydantic's schema behind it) is imported on first use: a network that comes from the load
cache never needs it, and its submodules (``positions``, ``strict``) are imported by code that runs then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vpcsim.load.loader import LoadedTopology, load_topology

__all__ = ["LoadedTopology", "load_topology"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from vpcsim.load import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
