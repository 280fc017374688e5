"""Files -> validated Topology, with positions for every value."""

from vpcsim.load.loader import LoadedTopology, load_topology

__all__ = ["LoadedTopology", "load_topology"]
