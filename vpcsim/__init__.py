"""vpcsim: simulate AWS VPC networks packet by packet.

    >>> import vpcsim
    >>> network = vpcsim.load("topologies/public-web.yaml")
    >>> network.trace("internet", "web-1", port=443).disposition

``import vpcsim`` stays cheap: scapy, textual and networkx load only in the commands that need them.
"""

from __future__ import annotations

from vpcsim.api import Network, NetworkTrace, load
from vpcsim.engine.packet import Packet
from vpcsim.engine.results import Decision, Disposition, Explanation, Hop, Trace
from vpcsim.errors import Diagnostic, QueryError, SourcePos, TopologyError, VpcsimError

__all__ = ["Decision", "Diagnostic", "Disposition", "Explanation", "Hop", "Network", "NetworkTrace", "Packet",
           "QueryError", "SourcePos", "TopologyError", "Trace", "VpcsimError", "load"]
