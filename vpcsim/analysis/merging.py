"""Flows said the short way: port atoms merged back into the largest ranges, protocols into ``all``.

Analyses cut "every protocol and port" into flows no rule tells apart (``flows.py``); a result that holds for
many of them is read in the fewest labels that cover exactly those flows:

* TCP and UDP atoms that touch are one range (``tcp/1024-65535``); all of 0-65535 is the protocol (``tcp``).
* ICMP types are listed (``icmp/8``); every type of the space is ``icmp``; the type that stands for every type
  no rule names, with some named types missing, is ``icmp except type 8`` (``… except types 3 and 8``).
* Other protocols: ``protocol 50``; all of them (the named ones and the one that stands for the rest) are
  ``other protocols``; the rest without some named ones ``other protocols except 50``. Within a label,
  numbers are joined with "and" (``0, 3 and 8``); labels are joined with ", ".
* Every flow of the space is ``all``; when what is missing says it in at least three labels fewer,
  ``all except tcp/5432`` (``tcp/0-5431, tcp/5433-65535, udp, icmp, other protocols``).
"""

from __future__ import annotations

from collections.abc import Iterable

from vpcsim.analysis.flows import Flow, FlowSpace
from vpcsim.protocols import ICMP, ICMPS, PORTED, protocol_name

ALL_LABEL = "all"
OTHERS_LABEL = "other protocols"


def merge(flows: Iterable[Flow], space: FlowSpace) -> tuple[str, ...]:
    """The fewest labels that cover exactly ``flows`` (module docstring); ``()`` for no flow."""
    chosen = set(flows)
    labels, full = _labels(chosen, space)
    if full:
        return (ALL_LABEL,)
    if chosen and chosen <= set(space.flows):
        missing, _ = _labels(set(space.flows) - chosen, space)
        plain = not any(" except " in label for label in missing)       # never "all except icmp except …"
        if plain and len(missing) + 2 < len(labels):    # only when it says it in at least three labels fewer
            return (f"{ALL_LABEL} except {', '.join(missing)}",)
    return tuple(labels)


def _labels(chosen: set[Flow], space: FlowSpace) -> tuple[list[str], bool]:
    """The labels of ``chosen`` part by part, and whether they cover every flow of ``space``."""
    labels: list[str] = []
    full = True
    for protocol in PORTED:
        runs = _runs(sorted(f for f in chosen if f.protocol == protocol))
        if runs == [(0, 65535)]:
            labels.append(protocol_name(protocol))
            continue
        full = False
        labels += [f"{protocol_name(protocol)}/{low}" if low == high else f"{protocol_name(protocol)}/{low}-{high}"
                   for low, high in runs]
    for protocol in ICMPS:
        part, whole = _icmp(chosen, space, protocol)
        labels += part
        full = full and (whole or protocol != ICMP)
    part, whole = _others(chosen, space)
    return labels + part, full and whole


def _runs(atoms: list[Flow]) -> list[tuple[int, int]]:
    """Sorted atoms as maximal ranges of ports: atoms that touch or overlap are one range."""
    runs: list[tuple[int, int]] = []
    for atom in atoms:
        if runs and atom.low <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], atom.high))
        else:
            runs.append((atom.low, atom.high))
    return runs


def _icmp(chosen: set[Flow], space: FlowSpace, protocol: int) -> tuple[list[str], bool]:
    name = protocol_name(protocol)
    mine = sorted(f.low for f in chosen if f.protocol == protocol)
    every = {f.low for f in space.flows if f.protocol == ICMP}
    rest = space.icmp_rest.low
    if every and every <= set(mine):
        return [name], True
    if mine and rest in mine and every:
        missing = sorted(every - set(mine))
        return [f"{name} except type{'s' if len(missing) > 1 else ''} {_words(missing)}"], False
    return [f"{name}/{t}" if t >= 0 else name for t in mine], False


def _others(chosen: set[Flow], space: FlowSpace) -> tuple[list[str], bool]:
    mine = sorted(f.protocol for f in chosen if f.protocol not in (*PORTED, *ICMPS))
    every = {f.protocol for f in space.flows if f.protocol not in (*PORTED, *ICMPS)}
    rest = space.other_rest.protocol
    if every <= set(mine):
        return ([OTHERS_LABEL] if every else []), True
    if rest in mine:
        missing = sorted(every - set(mine))
        return [f"{OTHERS_LABEL} except {_words(missing)}"], False
    return [f"protocol {p}" for p in mine], False


def _words(numbers: list[int]) -> str:
    """``[8]`` -> ``8``; ``[3, 8]`` -> ``3 and 8``; ``[0, 3, 8]`` -> ``0, 3 and 8``."""
    text = [str(n) for n in numbers]
    return text[0] if len(text) == 1 else f"{', '.join(text[:-1])} and {text[-1]}"
