"""Outcomes + rule catalog -> one status per rule -> the verdict. Pure functions, no I/O.

A MUST failure makes the target non-conformant, a SHOULD failure only warns; a rule nothing
tested is skipped with what would enable it; transport failures never count as conformance
failures: they leave a rule inconclusive, and an unreachable product makes the run inconclusive.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from conformance.catalog import Rule
from conformance.outcomes import Outcome, Status

CONFORMANT, NON_CONFORMANT, INCONCLUSIVE = "conformant", "non-conformant", "inconclusive"
EXIT_CODES = {CONFORMANT: 0, NON_CONFORMANT: 1, INCONCLUSIVE: 3}
# rule statuses, in the order a reader wants them
RULE_STATUSES = ("failed", "warning", "inconclusive", "skipped", "passed")


@dataclass
class RuleResult:
    rule: Rule
    status: str  # one of RULE_STATUSES
    reason: str = ""  # why skipped or inconclusive
    # source id ("scenario id" or "operationId:check") -> outcome status -> count
    sources: dict[str, Counter] = field(default_factory=dict)
    failures: list[Outcome] = field(default_factory=list)  # the failed outcomes (evidence)


def _skip_reason(rule: Rule, outcomes: list[Outcome], not_run: Mapping[str, str]) -> str:
    missing = [f"{p}: {not_run[p]}" for p in rule.products if p in not_run]
    if missing and len(missing) == len(rule.products):
        return "; ".join(missing)
    messages = list(dict.fromkeys(o.message for o in outcomes if o.message))
    if messages:
        return "; ".join(messages)
    if rule.needs:
        return f"needs {rule.needs}"
    return "no scenario or check exercised it in this profile"


def judge_rule(rule: Rule, outcomes: list[Outcome], not_run: Mapping[str, str]) -> RuleResult:
    """Fold the outcomes of one rule; `not_run` maps a product left out to why."""
    sources: dict[str, Counter] = {}
    for outcome in outcomes:
        sources.setdefault(outcome.source_id, Counter())[str(outcome.status)] += 1
    statuses = {o.status for o in outcomes}
    failures = [o for o in outcomes if o.status == Status.FAILED]
    if failures:
        status = "failed" if rule.level == "MUST" else "warning"
        return RuleResult(rule, status, sources=sources, failures=failures)
    if Status.PASSED in statuses:
        return RuleResult(rule, "passed", sources=sources)
    if Status.INCONCLUSIVE in statuses:
        inconclusive = [o for o in outcomes if o.status == Status.INCONCLUSIVE]
        reason = "; ".join(dict.fromkeys(o.message for o in inconclusive if o.message))
        return RuleResult(rule, "inconclusive", reason or "no answer", sources)
    return RuleResult(rule, "skipped", _skip_reason(rule, outcomes, not_run), sources)


def judge_rules(
    rules: Mapping[str, Rule], outcomes: Iterable[Outcome], not_run: Mapping[str, str]
) -> list[RuleResult]:
    """One result per catalog rule, in catalog order; outcomes of unknown rules are ignored."""
    by_rule: dict[str, list[Outcome]] = {rule_id: [] for rule_id in rules}
    for outcome in outcomes:
        if outcome.rule_id in by_rule:
            by_rule[outcome.rule_id].append(outcome)
    return [judge_rule(rule, by_rule[rule.id], not_run) for rule in rules.values()]


def unknown_rule_ids(rules: Mapping[str, Rule], outcomes: Iterable[Outcome]) -> list[str]:
    """Rule ids some outcome names that the catalog does not know (a bug in a scenario/check)."""
    return sorted({o.rule_id for o in outcomes} - set(rules))


def fold_verdict(results: Iterable[RuleResult], unreachable: Mapping[str, str]) -> str:
    """The run's verdict from the rule results and the products that could not be reached."""
    results = list(results)
    if unreachable:
        return INCONCLUSIVE
    if any(r.status == "failed" for r in results):
        return NON_CONFORMANT
    if any(r.status == "inconclusive" and r.rule.level == "MUST" for r in results):
        return INCONCLUSIVE
    if not any(r.status in ("passed", "warning") for r in results):
        return INCONCLUSIVE
    return CONFORMANT


def counts(results: Iterable[RuleResult]) -> dict[str, int]:
    tally = Counter(r.status for r in results)
    return {status: tally.get(status, 0) for status in RULE_STATUSES}


def outcome_from_dict(data: Mapping) -> Outcome:
    """An Outcome back from `Outcome.to_dict()` (outcomes travel as JSON from xdist workers)."""
    from conformance.outcomes import Exchange, SourceKind

    fields = dict(data)
    fields["status"] = Status(fields["status"])
    fields["source_kind"] = SourceKind(fields["source_kind"])
    fields["exchanges"] = [Exchange(**e) for e in fields.get("exchanges") or []]
    return Outcome(**fields)
