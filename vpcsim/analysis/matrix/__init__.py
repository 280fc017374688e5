"""All-pairs reachability (``vpcsim matrix``): every member to every other, per flow, by classes.

A *member* is one end of a matrix pair: ``internet``, a site, an instance or a standalone interface.
Tracing every pair is n² conversations; walking one conversation per pair of classes is still quadratic in
the classes. Instead (DESIGN §8):

1. Members are grouped into *net classes* (``classes.py``): same subnet, same address atom, same public-IP
   presence … — indistinguishable to every route and NACL — and within them into *fine classes* (same
   security groups too). Destinations are bit positions, so a set of them is one ``int`` (``destinations.py``).
2. The *middle* of every conversation between two net classes — all of it but the two end security groups
   (``middle.py``) — comes from ``middles.py``: across VPCs from legs (``legs.py``) shared by every source
   and destination that the components on them cannot tell apart (``regions.py``, ``consulted.py``,
   ``ranks.py``); within a VPC, or with the internet or a site, from one whole walk per pair of classes
   (``whole.py``).
3. The end security groups are decided for all destinations at once (``verdicts.py``, with the one rule
   match of ``compile.rules.matching``), and each fine class of sources gets a *row*: outcome -> the mask of
   destinations that get it (``rows.py``). Counts are bit counts; blocks (rectangles of sources ×
   destinations with one outcome, ``results.py``) come from rows, never n² traces (``assembly.py``).

Pairs with a *special* member (appliances, IPv6-only or shared addresses, IPv6 sites), and pairs whose
middle no walk can settle, are traced one by one. ``pairwise`` is the naive reference tests compare against.
"""

from vpcsim.analysis.flows import Flow, mentioned_flows
from vpcsim.analysis.matrix.assembly import PairOutcomes, flows_for, iter_blocks, matrix, pairwise
from vpcsim.analysis.matrix.classes import Member, MemberClasses, members_of
from vpcsim.analysis.matrix.outcomes import NOT_APPLICABLE, Outcome, outcome_of, trace_outcome
from vpcsim.analysis.matrix.results import Block, FlowMatrix, Matrix

__all__ = ["NOT_APPLICABLE", "Block", "Flow", "FlowMatrix", "Matrix", "Member", "MemberClasses", "Outcome",
           "PairOutcomes", "flows_for", "iter_blocks", "matrix", "members_of", "mentioned_flows", "outcome_of",
           "pairwise", "trace_outcome"]
