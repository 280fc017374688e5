"""``vpcsim check --junit FILE``: one JUnit test case per intent; a failure carries the deciding trace.

The shape is the one CI servers read (Jenkins, GitLab, GitHub test reporters): ``<testsuites>`` holding one
``<testsuite>`` per intents file, ``<testcase name classname file line time>``, and for a failed intent a
``<failure message type>`` whose text is the trace that decided it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.analysis.check import Review


def render_junit(review: Review, seconds: float = 0.0) -> str:
    from vpcsim.render.review import flows_of, rule_text
    from vpcsim.render.text import render_trace

    failures = len(review.failures)
    total = len(review.results)
    suites = ET.Element("testsuites", name="vpcsim check", tests=str(total), failures=str(failures), errors="0",
                        time=f"{seconds:.3f}")
    suite = ET.SubElement(suites, "testsuite", name=review.intents_file, tests=str(total), failures=str(failures),
                          errors="0", skipped="0", time=f"{seconds:.3f}")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="topology", value=review.topology)
    ET.SubElement(properties, "property", name="network", value=review.network)
    per_case = seconds / total if total else 0.0
    for result in review.results:
        case = ET.SubElement(suite, "testcase", name=result.intent.name, classname=f"vpcsim.{review.network}",
                             file=result.intent.pos.file, line=str(result.intent.pos.line), time=f"{per_case:.3f}")
        if result.passed:
            continue
        message = f"{result.reason} — fails for: {flows_of(result)}"
        if result.hop is not None:
            message += f" — deciding rule: {rule_text(result.hop)}"
            if result.rule_pos is not None:
                message += f" ({result.rule_pos})"
        failure = ET.SubElement(case, "failure", message=message, type=result.code or "FAILED")
        body = [f"{result.intent.pos}: {result.reason}"]
        if result.trace is not None:
            body.append(render_trace(result.trace, 120).rstrip())
        failure.text = "\n".join(body)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
