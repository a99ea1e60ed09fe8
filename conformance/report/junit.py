"""What a JUnit test case says when it fails: the rule, its citation, the evidence to rerun.

CI tools (GitLab, GitHub, Jenkins) show a failed test case's message and text, nothing else of
ours, so each failed judgement names its rule id, level and document sentence, the
`Received / Documented` message, the case id and a curl line with credentials as $ENV_VARS.
Nothing goes into per-test-case <properties>: the xunit2 schema has none, and strict readers
(Jenkins' xUnit plugin) reject such a file.
"""

from collections.abc import Iterator, Mapping

from conformance.catalog import Rule
from conformance.outcomes import Outcome
from conformance.redaction import Redactor
from conformance.report.waivers import Waiver

SHOWN = 5  # failed judgements written per test case; the rest are counted
__all__ = ["failure_text", "rule_line", "verdict_properties", "waived_text"]


def verdict_properties(document: Mapping) -> Iterator[tuple[str, str]]:
    """The verdict line, and each MUST rule not tested with the key that would enable its
    breaking side, as <testsuite> properties of junit.xml."""
    yield "conformance.verdict", document.get("verdict_line") or document["verdict"]
    yield "conformance.exit_code", str(document["exit_code"])
    for rule in document["rules"]:
        if rule["status"] == "untested" and rule["level"] == "MUST":
            yield f"conformance.not-tested.{rule['id']}", rule.get("reason", "")
    for product, checks in (document.get("preflight") or {}).items():
        for problem in checks["problems"]:
            yield f"conformance.pre-flight.{product}", problem


def rule_line(rule_id: str, rules: Mapping[str, Rule]) -> str:
    """ "RULE-ID (MUST) doc § section: “quote”" — the citation a vendor can look up."""
    rule = rules.get(rule_id)
    if rule is None:
        return rule_id
    quote = f": “{rule.source.quote}”" if rule.source.quote else ""
    return f"{rule_id} ({rule.level}) {rule.source.citation()}{quote}"


def failure_text(outcomes: list[Outcome], rules: Mapping[str, Rule], redactor: Redactor) -> str:
    """The failure text of a test case whose judgements failed (masked again, to be sure)."""
    lines = []
    for outcome in outcomes[:SHOWN]:
        lines.append(rule_line(outcome.rule_id, rules))
        if outcome.message:
            lines.append(f"  {outcome.message}")
        lines.append(f"  case: {outcome.case_id or outcome.source_id}")
        curls = [e.curl for e in outcome.exchanges if e.curl]
        if curls:
            lines.append(f"  reproduce: {curls[-1]}")
    if len(outcomes) > SHOWN:
        lines.append(f"... and {len(outcomes) - SHOWN} more")
    return redactor.text("\n".join(lines)) or ""


def waived_text(outcomes: list[Outcome], waived: Mapping[str, Waiver]) -> str:
    """The skip reason of a test case whose failed rules are all waived: rule, owner, expiry."""
    rules = dict.fromkeys(o.rule_id for o in outcomes)
    return "waived: " + "; ".join(
        f"{r} until {waived[r].expires.isoformat()} ({waived[r].owner}): {waived[r].reason}"
        for r in rules
    )
