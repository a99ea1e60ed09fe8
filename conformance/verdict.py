"""Outcomes + rule catalog -> one status per rule -> the verdict. Pure functions, no I/O.

A status is earned: a rule is `passed` only when a source able to see it broken ran and held
(`Outcome.breaking`, or any judged answer of a rule about answers); a rule that ran only on its
accepting side is `untested` ("not tested"), with the target file key that would enable its
breaking side. A MUST failure makes the target non-conformant, a SHOULD failure only warns; a rule
nothing tested is skipped with what would enable it, except a rule a request the `--max-requests`
budget kept back would have judged: that one is not tested, so it counts in the verdict line's "N
MUST rules not tested" (and in `--require-all`'s exit 6). Transport failures never count as
contract failures, and an inconclusive outcome is never outweighed by a passed one: it leaves the
rule inconclusive. A product that could not be reached, or stopped answering mid-run, makes the run
inconclusive; a request left unanswered by a product that answers the others (a sporadic silence,
not one of several in a row that stop it) fails that operation's "every request gets one of the
documented answers" rule.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from conformance.catalog import ANSWERED_RULE_OF_OPERATION, PRODUCT_OF_OPERATION, Rule
from conformance.outcomes import STOPPED_ANSWERING, Outcome, Status, TransportFailure

CONFORMANT, NON_CONFORMANT, INCONCLUSIVE = "conformant", "non-conformant", "inconclusive"
REASON_CHARS = 400  # an inconclusive rule's reason: one line of its distinct causes
EXIT_CODES = {CONFORMANT: 0, NON_CONFORMANT: 1, INCONCLUSIVE: 3}
# --require-all: a conformant run with MUST rules not tested exits with this code
EXIT_UNTESTED = 6  # not 4 or 5: pytest uses them (usage error, no tests) for plain pytest runs
# rule statuses, in the order a reader wants them. "untested" (shown as "not tested"): the rule
# held wherever it was judged, but no source that could have seen it broken ran
UNTESTED = "untested"
RULE_STATUSES = ("failed", "warning", "inconclusive", UNTESTED, "skipped", "passed")


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


def _untested_reason(rule: Rule, outcomes: list[Outcome]) -> str:
    """Why only the accepting side ran: the breaking sources' skip reasons, or the rule's needs."""
    skipped = [o.message for o in outcomes
               if o.breaking and o.status == Status.SKIPPED and o.message]
    if skipped:
        why = "; ".join(dict.fromkeys(skipped))
    elif rule.needs:
        why = f"needs {rule.needs}"
    else:
        why = "no scenario or generated case that could break it ran in this profile"
    return f"only its accepting side ran; breaking side: {why}"


def judge_rule(rule: Rule, outcomes: list[Outcome], not_run: Mapping[str, str]) -> RuleResult:
    """Fold the outcomes of one rule; `not_run` maps a product left out to why.

    failed (warning for SHOULD) > inconclusive > passed (breaking side held) > untested
    (accepting side only) > skipped.
    """
    sources: dict[str, Counter] = {}
    for outcome in outcomes:
        sources.setdefault(outcome.source_id, Counter())[str(outcome.status)] += 1
    statuses = {o.status for o in outcomes}
    failures = [o for o in outcomes if o.status == Status.FAILED]
    if failures:
        status = "failed" if rule.level == "MUST" else "warning"
        return RuleResult(rule, status, sources=sources, failures=failures)
    if Status.INCONCLUSIVE in statuses:
        inconclusive = [o for o in outcomes if o.status == Status.INCONCLUSIVE]
        causes = list(dict.fromkeys(o.message for o in inconclusive if o.message))
        reason = "; ".join(causes)
        if len(reason) > REASON_CHARS:  # one line: the first cause, the others counted
            reason = (f"{causes[0][:REASON_CHARS]}; and {len(causes) - 1} other cause(s)"
                      " (summary.json outcomes)")
        return RuleResult(rule, "inconclusive", reason or "no answer", sources)
    if any(o.status == Status.PASSED and (o.breaking or rule.about_answers) for o in outcomes):
        return RuleResult(rule, "passed", sources=sources)
    if Status.PASSED in statuses:
        return RuleResult(rule, UNTESTED, _untested_reason(rule, outcomes), sources)
    kept_back = [o for o in outcomes if o.status == Status.SKIPPED and _kept_back(o)]
    if kept_back:  # the data was there: a bigger budget tests it
        reason = "; ".join(dict.fromkeys(o.message for o in kept_back if o.message))
        return RuleResult(rule, UNTESTED, reason or "not sent: the request budget is spent",
                          sources)
    return RuleResult(rule, "skipped", _skip_reason(rule, outcomes, not_run), sources)


def _kept_back(outcome: Outcome) -> bool:
    """The outcome's request was never sent because the request budget was spent."""
    return _failure_of(outcome) == TransportFailure.BUDGET


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


def untested_must(results: Iterable[RuleResult]) -> list[str]:
    """Ids of the MUST rules that were not tested (accepting side only)."""
    return [r.rule.id for r in results if r.status == UNTESTED and r.rule.level == "MUST"]


def verdict_exit_code(verdict: str, untested: int, require_all: bool) -> int:
    """The verdict's exit code; with `require_all`, conformant with untested MUST rules is 6."""
    if verdict == CONFORMANT and untested and require_all:
        return EXIT_UNTESTED
    return EXIT_CODES[verdict]


def verdict_line(verdict: str, untested: int) -> str:
    """The verdict as a reader sees it, with how many MUST rules were not tested: never a clean
    pass while some were not."""
    if untested:
        return f"{verdict}, {untested} MUST rule{'s' * (untested != 1)} not tested"
    return verdict


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


def _failure_of(outcome: Outcome) -> str | None:
    return next((e.failure for e in reversed(outcome.exchanges) if e.failure), None)


def _first_sent(outcomes: list[Outcome]) -> str:
    times = sorted(e.sent_at for o in outcomes for e in o.exchanges if e.sent_at)
    return times[0] if times else "an unknown time"


def settle_answers(outcomes: Iterable[Outcome], answered_before: Mapping[str, int] | None = None,
                   ) -> tuple[list[Outcome], dict[str, str]]:
    """The outcomes with unanswered requests settled, and the products that stopped answering.

    The "every request gets one of the documented answers" rule fails a request left without an
    answer (`TransportFailure.NO_ANSWER`) only on a product that answered others, never
    refused a connection and was not stopped by the transport for leaving requests unanswered
    in a row (`STOPPED_ANSWERING`: hung, reset or trickled from some point on). A product
    refused or stopped from some point on (or that answered nothing) is
    lost: returned as product -> "stopped answering at <UTC time>: N requests lost", and its
    unanswered requests become inconclusive (who dropped them cannot be told apart).
    `answered_before`: per product, the pre-flight's requests it answered (they count as
    answered: a product that answered the pre-flight stopped answering, it was not unreachable).
    """
    outcomes = list(outcomes)
    answer_rules = set(ANSWERED_RULE_OF_OPERATION.values())
    mine: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.rule_id in answer_rules:
            product = PRODUCT_OF_OPERATION.get(outcome.operation, outcome.operation)
            mine.setdefault(product, []).append(outcome)
    lost: dict[str, str] = {}
    for product, answers in mine.items():
        answered = sum(o.status == Status.PASSED for o in answers) + (
            (answered_before or {}).get(product, 0))
        refused = [o for o in answers if _failure_of(o) == TransportFailure.REFUSED]
        unanswered = [o for o in answers if _failure_of(o) == TransportFailure.NO_ANSWER]
        # the transport stopped it: requests unanswered in a row (hung, reset, trickled)
        stopped = any(STOPPED_ANSWERING in (e.transport_error or "")
                      for o in unanswered for e in o.exchanges)
        if not refused and not stopped and (answered or not unanswered):
            continue
        count = len(refused) + len(unanswered)
        if answered:
            lost[product] = (f"stopped answering at {_first_sent(refused or unanswered)} after "
                             f"{answered} answered requests: {count} requests lost")
        else:
            lost[product] = f"answered no request: {count} requests lost"
    if not lost:
        return outcomes, lost
    settled = []
    for outcome in outcomes:
        product = PRODUCT_OF_OPERATION.get(outcome.operation, outcome.operation)
        if outcome.rule_id in answer_rules and product in lost and outcome.status == Status.FAILED:
            outcome = replace(outcome, status=Status.INCONCLUSIVE,
                              message=f"not judged: the product {lost[product]}")
        settled.append(outcome)
    return settled, lost
