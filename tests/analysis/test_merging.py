"""``merging.merge``: the fewest labels that cover exactly the given flows, and nothing else.

The property reads the labels back with a small parser of its own (what a reader of the labels understands)
and compares the flows they name with the flows given.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.analysis.flows import Flow, FlowSpace
from vpcsim.analysis.merging import merge

TCP, UDP, ICMP = 6, 17, 1


def space_of(tcp_cuts: set[int], udp_cuts: set[int], icmp_named: set[int], other_named: set[int]) -> FlowSpace:
    """A space like ``flows.flow_space`` makes: port atoms between cuts, echo and the named ICMP types plus one
    type that stands for the rest, the named protocols plus one that stands for the rest."""
    flows: list[Flow] = []
    for protocol, cuts in ((TCP, tcp_cuts), (UDP, udp_cuts)):
        edges = sorted({0, 65536, *cuts})
        flows += [Flow(protocol, a, b - 1) for a, b in itertools.pairwise(edges)]
    types = sorted({8, *icmp_named})
    icmp_rest = next(t for t in range(256) if t not in types)
    flows += [Flow(ICMP, t, t) for t in sorted({*types, icmp_rest})]
    other_rest = next(p for p in (47, 50, 51, 132, *range(256)) if p not in other_named and p not in (1, 6, 17, 58))
    flows += [Flow(p) for p in sorted({*other_named, other_rest})]
    return FlowSpace(tuple(flows), Flow(ICMP, icmp_rest, icmp_rest), Flow(other_rest))


def covered(label: str, space: FlowSpace) -> set[Flow]:
    """The flows of ``space`` one label names, as a reader takes it."""
    every = set(space.flows)
    if label == "all":
        return every
    if label.startswith("all except "):
        missing = set().union(*(covered(part, space) for part in label[len("all except "):].split(", ")))
        assert missing and missing < every, label
        return every - missing
    others = {f for f in every if f.protocol not in (TCP, UDP, ICMP)}
    if label == "other protocols":
        return others
    if match := re.fullmatch(r"other protocols except ([\d, and]+)", label):
        named = {Flow(int(n)) for n in re.findall(r"\d+", match[1])}
        assert space.other_rest not in named, f"{label} names the stand-in"
        return others - named
    if match := re.fullmatch(r"protocol (\d+)", label):
        assert Flow(int(match[1])) != space.other_rest, f"{label}: that one stands for every unnamed protocol"
        return {Flow(int(match[1]))}
    icmp = {f for f in every if f.protocol == ICMP}
    if label == "icmp":
        return icmp
    if match := re.fullmatch(r"icmp except types? ([\d, and]+)", label):
        named = {Flow(ICMP, int(n), int(n)) for n in re.findall(r"\d+", match[1])}
        assert space.icmp_rest not in named, f"{label} names the type that stands for every unnamed type"
        return icmp - named
    if match := re.fullmatch(r"icmp/(\d+)", label):
        assert Flow(ICMP, int(match[1]), int(match[1])) != space.icmp_rest, f"{label} stands for more types"
        return {Flow(ICMP, int(match[1]), int(match[1]))}
    match = re.fullmatch(r"(tcp|udp)(?:/(\d+)(?:-(\d+))?)?", label)
    assert match, f"unknown label {label!r}"
    protocol = TCP if match[1] == "tcp" else UDP
    low = int(match[2]) if match[2] else 0
    high = int(match[3]) if match[3] else (low if match[2] else 65535)
    atoms = {f for f in every if f.protocol == protocol and low <= f.low and f.high <= high}
    assert all(f.high < low or f.low > high or f in atoms for f in every if f.protocol == protocol), \
        f"{label} cuts an atom"
    assert atoms and min(f.low for f in atoms) == low and max(f.high for f in atoms) == high, label
    return atoms


def read_back(labels: tuple[str, ...], space: FlowSpace) -> set[Flow]:
    parts = [covered(label, space) for label in labels]
    for a, b in itertools.combinations(parts, 2):
        assert not a & b, f"labels overlap: {labels}"
    return set().union(*parts)


@st.composite
def spaces_and_subsets(draw: st.DrawFn) -> tuple[FlowSpace, set[Flow]]:
    cuts = st.sets(st.sampled_from([1, 22, 23, 80, 81, 443, 444, 1024, 5432, 5433, 8080, 65535]), max_size=6)
    space = space_of(draw(cuts), draw(cuts), draw(st.sets(st.integers(0, 20), max_size=3)),
                     draw(st.sets(st.sampled_from([2, 47, 50, 99, 132]), max_size=3)))
    chosen = draw(st.sets(st.sampled_from(space.flows)))
    if draw(st.booleans()):                                  # most of the space: the complement form
        chosen = set(space.flows) - chosen
    return space, chosen


@settings(max_examples=300, deadline=None)
@given(case=spaces_and_subsets())
def test_merged_labels_cover_exactly_the_flows_given(case: tuple[FlowSpace, set[Flow]]) -> None:
    space, chosen = case
    labels = merge(chosen, space)
    assert read_back(labels, space) == chosen, labels
    assert len(labels) <= len(chosen) or (not chosen and labels == ())


@settings(max_examples=100, deadline=None)
@given(case=spaces_and_subsets())
def test_touching_port_atoms_are_never_two_labels(case: tuple[FlowSpace, set[Flow]]) -> None:
    space, chosen = case
    for label in merge(chosen, space):
        for part in label.removeprefix("all except ").split(", "):
            if match := re.fullmatch(r"(tcp|udp)/(\d+)(?:-(\d+))?", part):
                protocol = TCP if match[1] == "tcp" else UDP
                low, high = int(match[2]), int(match[3] or match[2])
                inside = chosen if not label.startswith("all except") else set(space.flows) - chosen
                assert not any(f.protocol == protocol and f in inside and (f.high == low - 1 or f.low == high + 1)
                               for f in space.flows), label


SPACE = space_of({22, 23, 5432, 5433}, set(), {3}, {50})
EVERY = set(SPACE.flows)


def test_every_flow_is_all() -> None:
    assert merge(EVERY, SPACE) == ("all",)


def test_every_port_of_a_protocol_is_the_protocol_and_touching_atoms_one_range() -> None:
    tcp = {f for f in EVERY if f.protocol == TCP}
    assert merge(tcp, SPACE) == ("tcp",)
    assert merge({f for f in tcp if f.low >= 23}, SPACE) == ("tcp/23-65535",)
    assert merge({f for f in tcp if f.low != 22}, SPACE) == ("tcp/0-21", "tcp/23-65535")


def test_everything_but_one_port_is_said_as_what_is_missing() -> None:
    assert merge(EVERY - {Flow(TCP, 5432, 5432)}, SPACE) == ("all except tcp/5432",)


def test_a_short_list_stays_a_list() -> None:
    assert merge({f for f in EVERY if f.protocol in (TCP, UDP, ICMP)}, SPACE) == ("tcp", "udp", "icmp")


def test_icmp_types_and_the_type_that_stands_for_the_rest() -> None:
    assert merge({Flow(ICMP, 8, 8)}, SPACE) == ("icmp/8",)
    rest = SPACE.icmp_rest
    assert merge({rest, Flow(ICMP, 3, 3)}, SPACE) == ("icmp except type 8",)
    assert merge({rest}, SPACE) == ("icmp except types 3 and 8",)


def test_other_protocols_and_the_protocol_that_stands_for_the_rest() -> None:
    assert merge({Flow(50)}, SPACE) == ("protocol 50",)
    assert merge({Flow(50), SPACE.other_rest}, SPACE) == ("other protocols",)
    assert merge({SPACE.other_rest}, SPACE) == ("other protocols except 50",)


def test_no_flow_is_no_label() -> None:
    assert merge(set(), SPACE) == ()


def test_a_port_outside_the_space_is_still_said() -> None:
    assert merge({Flow(TCP, 3306, 3306)}, SPACE) == ("tcp/3306",)
