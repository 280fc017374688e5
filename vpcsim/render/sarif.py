"""``vpcsim check --sarif FILE``: SARIF 2.1.0 for code scanning (GitHub uploads it with upload-sarif).

One result per failed intent, located at the intent in the intents file, with a related location at the
topology line of the rule that decided (the drop, or the rule that let a forbidden path through). ``ruleId``
is one of three stable ids (what kind of expectation broke) and ``partialFingerprints`` hash the intent's
name and rule, so a result keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vpcsim.analysis.check import IntentResult, Review
    from vpcsim.errors import SourcePos

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://vpcsim.dev"

RULES: tuple[dict[str, Any], ...] = (
    {"id": "vpcsim/expected-reachable", "name": "ExpectedReachable",
     "shortDescription": {"text": "A path an intent requires is blocked"},
     "fullDescription": {"text": "An intent expects a conversation to get through (request and reply), and the "
                                 "simulated network drops it: a security group, network ACL, missing route, "
                                 "blackhole or gateway rule."},
     "help": {"text": "Read the deciding trace: its explanation code says which rule dropped the packet and the "
                      "fix to consider."},
     "defaultConfiguration": {"level": "error"}},
    {"id": "vpcsim/expected-unreachable", "name": "ExpectedUnreachable",
     "shortDescription": {"text": "A path an intent forbids is open"},
     "fullDescription": {"text": "An intent expects no conversation to get through, and the simulated network "
                                 "delivers one. The related location is the rule that let it in."},
     "help": {"text": "Tighten the rule at the related location, or change the intent if the path is wanted."},
     "defaultConfiguration": {"level": "error"}},
    {"id": "vpcsim/path", "name": "PathViaComponents",
     "shortDescription": {"text": "A path does not pass the components an intent names"},
     "fullDescription": {"text": "The conversation gets through, but not through a 'via' component, or through a "
                                 "'not_via' one. The related location is the route that steered it."},
     "help": {"text": "Check the route tables on the path (the related location)."},
     "defaultConfiguration": {"level": "error"}},
)


def rule_id(result: IntentResult) -> str:
    from vpcsim.analysis.check import NOT_VIA_TRAVERSED, PATH_FOUND, VIA_NOT_TRAVERSED

    if result.code == PATH_FOUND:
        return "vpcsim/expected-unreachable"
    if result.code in (VIA_NOT_TRAVERSED, NOT_VIA_TRAVERSED):
        return "vpcsim/path"
    return "vpcsim/expected-reachable"


def uri(path: str) -> str:
    """A path as an artifact URI, relative to the working directory (the repository root in CI)."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return candidate.resolve().as_uri()
    return candidate.as_posix()


def _location(pos: SourcePos, message: str | None = None, index: int | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri(pos.file)},
                                                     "region": {"startLine": pos.line, "startColumn": pos.col}}}
    if index is not None:
        location["id"] = index
    if message:
        location["message"] = {"text": message}
    return location


def fingerprint(review: Review, result: IntentResult) -> str:
    text = "\0".join((uri(review.intents_file), result.intent.name, rule_id(result)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vpcsim")
    except PackageNotFoundError:
        return "0.0.0"


def sarif_log(review: Review) -> dict[str, Any]:
    from vpcsim.render.review import flows_of, rule_text

    version = _version()
    index = {rule["id"]: i for i, rule in enumerate(RULES)}
    results = []
    for result in review.failures:
        rid = rule_id(result)
        text = f"Intent '{result.intent.name}' fails: {result.reason}"
        if result.code:
            text += f" [{result.code}]"
        text += f"; fails for: {flows_of(result)}"
        item: dict[str, Any] = {
            "ruleId": rid, "ruleIndex": index[rid], "level": "error", "message": {"text": text},
            "locations": [_location(result.intent.pos)],
            "partialFingerprints": {"vpcsimIntent/v1": fingerprint(review, result)},
            "properties": {"intent": result.intent.name, "code": result.code, "expect": result.intent.expect,
                           "flows": list(result.flows)},
        }
        if result.rule_pos is not None and result.hop is not None:
            item["relatedLocations"] = [_location(result.rule_pos, f"deciding rule: {rule_text(result.hop)}", 1)]
        results.append(item)
    artifacts = sorted({uri(review.intents_file), uri(review.topology)})
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vpcsim", "version": version, "semanticVersion": version,
                                "informationUri": INFORMATION_URI, "rules": list(RULES)}},
            "invocations": [{"executionSuccessful": True}],
            "artifacts": [{"location": {"uri": a}} for a in artifacts],
            "results": results,
        }],
    }


def render_sarif(review: Review) -> str:
    return json.dumps(sarif_log(review), indent=2) + "\n"
