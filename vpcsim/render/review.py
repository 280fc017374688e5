"""``vpcsim check`` and ``vpcsim diff`` as text and JSON (the CI formats are junit.py, sarif.py, github.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vpcsim.analysis.check import IntentResult, Review
    from vpcsim.analysis.diff import Change, Diff
    from vpcsim.engine.results import Hop
    from vpcsim.errors import SourcePos


def rule_text(hop: Hop | None) -> str:
    """How a deciding hop is named: ``db ingress #1 at eni-db-1``, ``0.0.0.0/0 -> igw at public-rt``."""
    if hop is None:
        return ""
    if hop.rule is None:
        what = {"SECURITY_GROUP_DENY": "no allowing security group rule", "NO_ROUTE": "no route"}
        return f"{what.get(hop.decision.value, hop.decision.value.lower().replace('_', ' '))} at {hop.component}"
    rule = hop.rule
    if rule.startswith(hop.component + " "):
        rule = rule[len(hop.component) + 1:]
    return f"{rule} at {hop.component}"


def flow_of(result: IntentResult) -> str:
    """The flow of the deciding conversation (the one its trace shows)."""
    deciding = result.deciding
    return deciding.flow.label if deciding is not None else result.intent.flow_text


def flows_of(result: IntentResult) -> str:
    """Every flow the verdict is about, merged (``all``, ``tcp/1024-65535``); else the deciding one."""
    return ", ".join(result.flows) if result.flows else flow_of(result)


def pair_of(result: IntentResult) -> str:
    deciding = result.deciding
    if deciding is not None:
        return f"{deciding.src} -> {deciding.dst}"
    return f"{result.intent.source} -> {result.intent.destination}"


def render_check(review: Review, width: int = 100) -> str:
    from vpcsim.render.text import render_trace

    lines = [f"vpcsim check {review.topology} --intents {review.intents_file}"]
    for result in review.results:
        verdict = "PASS" if result.passed else "FAIL"
        lines.append(f"{verdict}  {result.intent.name}")
        if result.passed:
            continue
        lines.append(f"      {result.reason}")
        lines.append(f"      fails for: {flows_of(result)}")
        where = f"      {result.intent.pos}: intent #{result.intent.index + 1} [{result.code}]"
        if result.hop is not None:
            where += f"; deciding rule: {rule_text(result.hop)}"
            if result.rule_pos is not None:
                where += f" ({result.rule_pos})"
        lines.append(where)
        if result.trace is not None:
            lines += [f"      {line}".rstrip() for line in render_trace(result.trace, width).splitlines()]
    failed = len(review.failures)
    lines.append(f"{len(review.results) - failed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def _pos(pos: SourcePos | None) -> dict[str, Any] | None:
    return None if pos is None else {"file": pos.file, "line": pos.line, "column": pos.col}


def check_to_dict(review: Review) -> dict[str, Any]:
    results = []
    for r in review.results:
        item: dict[str, Any] = {
            "name": r.intent.name, "passed": r.passed, "expect": r.intent.expect, "from": r.intent.source,
            "to": r.intent.destination, "flow": flow_of(r), "merged_flows": list(r.flows), "reason": r.reason,
            "code": r.code,
            "location": _pos(r.intent.pos), "pairs": r.pairs, "failed_pairs": r.failed_pairs,
            "conversations": r.conversations,
        }
        if r.hop is not None:
            item["deciding_rule"] = {"component": r.hop.component, "rule": r.hop.rule, "decision": r.hop.decision.value,
                                     "location": _pos(r.rule_pos)}
        if r.trace is not None:
            item["trace"] = r.trace.to_dict()
        results.append(item)
    return {"topology": review.topology, "network": review.network, "intents": review.intents_file,
            "passed": review.passed, "results": results}


def render_check_json(review: Review) -> str:
    return json.dumps(check_to_dict(review), indent=2)


# -- diff ---------------------------------------------------------------------------------------------


def _names(names: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _side(outcome_label: str, hop: Hop | None, pos: SourcePos | None) -> str:
    text = outcome_label
    if hop is not None and hop.is_drop:
        text += f" at {hop.component}" + (f": {hop.message}" if hop.message else "")
    elif hop is not None:
        text += f"; {rule_text(hop)}"
    if pos is not None:
        text += f" [{pos}]"
    return text


def render_change(change: Change) -> list[str]:
    flows = ", ".join(change.labels or [f.label for f in change.flows])
    return [f"{flows}  {_names(change.sources)} -> {_names(change.destinations)}"
            f"  ({change.pairs} pair{'s' if change.pairs != 1 else ''})",
            f"  before: {_side(change.old.label, change.old_hop, change.old_pos)}",
            f"  after:  {_side(change.new.label, change.new_hop, change.new_pos)}"]


def render_diff(diff: Diff) -> str:
    lines = [f"vpcsim diff {diff.old} {diff.new}"]
    if diff.intents is not None:
        for item in diff.intents:
            old = "PASS" if item.old.passed else "FAIL"
            new = "PASS" if item.new.passed else "FAIL"
            lines.append(f"{old} -> {new}  {item.name}")
            lines.append(f"  before: {item.old.reason}")
            lines.append(f"  after:  {item.new.reason}")
            if item.new.hop is not None:
                now = _side(item.new.code or "reachable", item.new.hop, item.new.rule_pos)
                lines.append(f"  deciding hop now: {now}")
        lines.append(f"{len(diff.intents)} intent{'s' if len(diff.intents) != 1 else ''} changed")
        return "\n".join(lines) + "\n"
    for name in diff.added:
        lines.append(f"added endpoint: {name}")
    for name in diff.removed:
        lines.append(f"removed endpoint: {name}")
    for change in diff.changes:
        lines += render_change(change)
    flows = ", ".join(diff.labels or [f.label for f in diff.flows])
    lines.append(f"{len(diff.changes)} change{'s' if len(diff.changes) != 1 else ''} "
                 f"({diff.changed_pairs} pair-flows) over {len(diff.endpoints)} endpoints and {flows}")
    return "\n".join(lines) + "\n"


def _hop_dict(hop: Hop | None, pos: SourcePos | None) -> dict[str, Any] | None:
    if hop is None:
        return None
    return {"component": hop.component, "decision": hop.decision.value, "rule": hop.rule, "code": hop.code,
            "message": hop.message, "location": _pos(pos)}


def diff_to_dict(diff: Diff) -> dict[str, Any]:
    data: dict[str, Any] = {"old": diff.old, "new": diff.new, "changed": diff.changed,
                            "flows": [f.label for f in diff.flows], "merged_flows": list(diff.labels),
                            "endpoints": list(diff.endpoints),
                            "added": list(diff.added), "removed": list(diff.removed)}
    data["changes"] = [{"flows": [f.label for f in c.flows], "merged_flows": list(c.labels),
                        "from": list(c.sources), "to": list(c.destinations),
                        "pairs": c.pairs,
                        "old": {**c.old.to_dict(), "cause": _hop_dict(c.old_hop, c.old_pos)},
                        "new": {**c.new.to_dict(), "cause": _hop_dict(c.new_hop, c.new_pos)}}
                       for c in diff.changes]
    if diff.intents is not None:
        data["intents"] = [{"name": i.name, "old": {"passed": i.old.passed, "reason": i.old.reason, "code": i.old.code},
                            "new": {"passed": i.new.passed, "reason": i.new.reason, "code": i.new.code}}
                           for i in diff.intents]
    return data


def render_diff_json(diff: Diff) -> str:
    return json.dumps(diff_to_dict(diff), indent=2)
