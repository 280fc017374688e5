"""The protocol vocabulary has one home, ``vpcsim.protocols`` (issue #12): its readers, and a check that no other
module spells the vocabulary again (protocol numbers, the ported pair, the ICMP pair, the ICMP-code rule)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vpcsim
from vpcsim.protocols import (
    ALL,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    protocol_name,
    protocol_number,
    protocol_word,
    rule_icmp_code,
)

PACKAGE = Path(vpcsim.__file__).parent
HOME = PACKAGE / "protocols.py"
VOCABULARY = {"ALL", "ICMP", "TCP", "UDP", "ICMPV6", "PORTED", "ICMPS", "PROTOCOLS", "PROTOCOL_NAMES",
              "PROTOCOL_NUMBERS", "ECHO_REPLY", "ECHO_REQUEST"}
PAIRS = {(6, 17), (17, 6), (1, 58), (58, 1)}
NAME_PAIRS = {("TCP", "UDP"), ("ICMP", "ICMPV6")}


@pytest.mark.parametrize(("text", "number", "word"), [
    ("tcp", TCP, "tcp"), (" TCP ", TCP, "tcp"), ("6", TCP, "tcp"), (17, UDP, "udp"), ("icmp6", ICMPV6, "icmpv6"),
    ("58", ICMPV6, "icmpv6"), ("-1", ALL, "all"), ("all", ALL, "all"), ("47", 47, "47"), ("1", ICMP, "icmp"),
])
def test_protocols_read_as_rules_and_questions_write_them(text: str | int, number: int, word: str) -> None:
    assert protocol_number(text) == number
    assert protocol_word(text) == word


@pytest.mark.parametrize("text", ["256", "x", "", "-2", "tcp/443"])
def test_anything_else_is_not_a_protocol(text: str) -> None:
    with pytest.raises(ValueError):
        protocol_number(text)


def test_names_of_numbers_without_a_word_stay_numbers() -> None:
    assert [protocol_name(n) for n in (ALL, ICMP, TCP, UDP, ICMPV6, 47)] == ["all", "icmp", "tcp", "udp", "icmpv6",
                                                                               "47"]


def test_a_left_out_icmp_code_reads_as_zero_and_other_protocols_keep_theirs() -> None:
    assert [rule_icmp_code(ICMP, -1), rule_icmp_code(ICMPV6, -1), rule_icmp_code(ICMP, 3)] == [0, 0, 3]
    assert [rule_icmp_code(TCP, -1), rule_icmp_code(47, -1)] == [-1, -1]


def _spellings(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.Set) and len(node.elts) == 2:
            values = tuple(e.value for e in node.elts if isinstance(e, ast.Constant))
            names = tuple(e.id for e in node.elts if isinstance(e, ast.Name))
            if values in PAIRS or names in NAME_PAIRS:
                found.append((node.lineno, f"the pair {ast.unparse(node)} (use PORTED or ICMPS)"))
        elif isinstance(node, ast.Assign) and node.col_offset == 0:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in VOCABULARY:
                    found.append((node.lineno, f"{target.id} defined again"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "max"
              and any(isinstance(a, ast.Attribute) and a.attr == "icmp_code" for a in node.args)):
            found.append((node.lineno, "an ICMP code normalised by hand (use rule_icmp_code)"))
    return found


def test_the_vocabulary_is_spelled_only_in_its_home() -> None:
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != HOME
             for line, what in _spellings(ast.parse(path.read_text()))]
    assert not wrong, "\n".join(wrong)
