"""``vpcsim check --github``: GitHub Actions workflow commands and a job-summary table.

``::error file=…,line=…,col=…,title=…::message`` puts a failed intent on the intents file's line in the pull
request (GitHub shows about ten annotations of a kind per step, so there is one per failed intent);
``step_summary`` is Markdown the CLI appends to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.analysis.check import Review


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(review: Review) -> str:
    from vpcsim.render.review import flows_of, rule_text
    from vpcsim.render.sarif import uri

    lines = []
    for result in review.failures:
        pos = result.intent.pos
        message = f"{result.reason} [{result.code}]\nfails for: {flows_of(result)}"
        if result.hop is not None:
            message += f"\ndeciding rule: {rule_text(result.hop)}"
            if result.rule_pos is not None:
                message += f" ({uri(result.rule_pos.file)}:{result.rule_pos.line})"
        props = f"file={escape_property(uri(pos.file))},line={pos.line},col={pos.col}," \
                f"title={escape_property('vpcsim intent failed: ' + result.intent.name)}"
        lines.append(f"::error {props}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(review: Review) -> str:
    from vpcsim.render.review import flows_of, pair_of

    passed = len(review.results) - len(review.failures)
    lines = [f"### vpcsim check: {passed} of {len(review.results)} intents pass", "",
             f"`{review.topology}` against `{review.intents_file}`", "",
             "| | intent | conversation | flow | result |", "|---|---|---|---|---|"]
    for result in review.results:
        mark = "✅" if result.passed else "❌"
        outcome = result.reason + (f" `{result.code}`" if result.code else "")
        lines.append(f"| {mark} | {_cell(result.intent.name)} | {_cell(pair_of(result))} | "
                     f"{_cell(flows_of(result))} | {_cell(outcome)} |")
    return "\n".join(lines) + "\n\n"
