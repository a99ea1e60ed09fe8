"""Verdict folding: MUST fails, SHOULD warns, a pass is earned on the breaking side, untested
skips, transport never fails a rule, and a product that stops answering is inconclusive."""

import pytest

from conformance.catalog import load_rules
from conformance.outcomes import (
    STOPPED_ANSWERING,
    Exchange,
    Outcome,
    SourceKind,
    Status,
    TransportFailure,
)
from conformance.verdict import (
    CONFORMANT,
    EXIT_UNTESTED,
    INCONCLUSIVE,
    NON_CONFORMANT,
    UNTESTED,
    fold_verdict,
    judge_rules,
    outcome_from_dict,
    settle_answers,
    unknown_rule_ids,
    untested_must,
    verdict_exit_code,
    verdict_line,
)

RULES = load_rules()


def outcome(rule: str, status: Status, source: str = "s1", message: str = "",
            breaking: bool = True) -> Outcome:
    return Outcome(rule, status, SourceKind.SCENARIO, source, "op", message, breaking=breaking)


def status_of(results, rule_id: str):
    return next(r for r in results if r.rule.id == rule_id)


def all_passed() -> list[Outcome]:
    return [outcome(rule_id, Status.PASSED) for rule_id in RULES]


def test_every_rule_passed_is_conformant():
    results = judge_rules(RULES, all_passed(), {})
    assert {r.status for r in results} == {"passed"}
    assert fold_verdict(results, {}) == CONFORMANT


def test_a_must_failure_is_non_conformant_and_keeps_its_evidence():
    failed = outcome("GEP-ENVELOPE-SHAPE", Status.FAILED, "op:gep_envelope_shape", "Received: x")
    results = judge_rules(RULES, [*all_passed(), failed], {})
    rule = status_of(results, "GEP-ENVELOPE-SHAPE")
    assert rule.status == "failed" and rule.failures == [failed]
    assert rule.sources == {"s1": {"passed": 1}, "op:gep_envelope_shape": {"failed": 1}}
    assert fold_verdict(results, {}) == NON_CONFORMANT


def test_a_should_failure_only_warns():
    results = judge_rules(RULES, [*all_passed(), outcome("POR-MESSAGES", Status.FAILED)], {})
    assert status_of(results, "POR-MESSAGES").status == "warning"
    assert fold_verdict(results, {}) == CONFORMANT


def test_an_untested_rule_is_skipped_with_what_would_enable_it():
    tested = [o for o in all_passed() if o.rule_id != "PO-ONLY-AUTHORISED-PO"]
    rule = status_of(judge_rules(RULES, tested, {}), "PO-ONLY-AUTHORISED-PO")
    assert rule.status == "skipped" and "po.data.unauthorised_po" in rule.reason


def test_a_skipped_outcome_gives_its_own_reason():
    tested = [o for o in all_passed() if o.rule_id != "SMAT-PRIVILEGE-REQUIRED"]
    skipped = outcome(
        "SMAT-PRIVILEGE-REQUIRED", Status.SKIPPED, message="needs smat.low_privilege_auth"
    )
    rule = status_of(judge_rules(RULES, [*tested, skipped], {}), "SMAT-PRIVILEGE-REQUIRED")
    assert rule.status == "skipped" and rule.reason == "needs smat.low_privilege_auth"


def test_a_product_left_out_skips_its_rules_and_says_why():
    tested = [o for o in all_passed() if "smat" not in RULES[o.rule_id].products]
    results = judge_rules(RULES, tested, {"smat": "not in the target file"})
    rule = status_of(results, "SMAT-UPSERT")
    assert rule.status == "skipped" and rule.reason == "smat: not in the target file"
    assert fold_verdict(results, {}) == CONFORMANT


def test_transport_failures_are_inconclusive_never_failures():
    tested = [o for o in all_passed() if o.rule_id != "SMAT-UPSERT"]
    refused = outcome("SMAT-UPSERT", Status.INCONCLUSIVE, message="connection refused")
    results = judge_rules(RULES, [*tested, refused], {})
    assert status_of(results, "SMAT-UPSERT").status == "inconclusive"
    assert fold_verdict(results, {}) == INCONCLUSIVE


def test_an_inconclusive_outcome_is_never_outweighed_by_passes():
    extra = outcome("SMAT-UPSERT", Status.INCONCLUSIVE, "s2", "no answer within the timeout")
    results = judge_rules(RULES, [*all_passed(), extra], {})
    rule = status_of(results, "SMAT-UPSERT")
    assert rule.status == "inconclusive" and "timeout" in rule.reason
    assert fold_verdict(results, {}) == INCONCLUSIVE


def test_a_rule_held_only_on_its_accepting_side_is_not_tested_naming_the_enabling_key():
    """Case 1 of issue 9: PO-NOT-AUTHORIZED decided by the accepting scenario alone."""
    others = [o for o in all_passed() if o.rule_id != "PO-NOT-AUTHORIZED"]
    accepting = outcome("PO-NOT-AUTHORIZED", Status.PASSED,
                        "po-declared-credentials-are-accepted", breaking=False)
    breaking_skipped = outcome(
        "PO-NOT-AUTHORIZED", Status.SKIPPED, "po-low-privilege-credentials-are-refused",
        "needs po.low_privilege_auth in the target file (refused not sent)")
    results = judge_rules(RULES, [*others, accepting, breaking_skipped], {})
    rule = status_of(results, "PO-NOT-AUTHORIZED")
    assert rule.status == UNTESTED
    assert "accepting side" in rule.reason and "po.low_privilege_auth" in rule.reason
    assert untested_must(results) == ["PO-NOT-AUTHORIZED"]
    assert fold_verdict(results, {}) == CONFORMANT
    assert verdict_line(CONFORMANT, 1) == "conformant, 1 MUST rule not tested"
    assert verdict_line(NON_CONFORMANT, 2) == "non-conformant, 2 MUST rules not tested"
    assert verdict_line(CONFORMANT, 0) == "conformant"
    assert verdict_exit_code(CONFORMANT, 1, require_all=False) == 0
    assert verdict_exit_code(CONFORMANT, 1, require_all=True) == EXIT_UNTESTED == 6
    assert verdict_exit_code(NON_CONFORMANT, 1, require_all=True) == 1


def test_a_rule_the_request_budget_kept_from_being_judged_is_not_tested_never_skipped():
    """--max-requests: the data was there, the budget kept the request back. The rule is not
    tested (a bigger budget tests it), so the verdict line counts it and --require-all exits 6."""
    spent = "not sent: the request budget (--max-requests 20) is spent"
    kept_back = Exchange("PUT", "http://127.0.0.1:1/x", {}, None, transport_error=spent,
                         failure=TransportFailure.BUDGET)
    others = [o for o in all_passed() if o.rule_id != "POR-UNKNOWN-ORDER-REJECTED"]
    skipped = Outcome("POR-UNKNOWN-ORDER-REJECTED", Status.SKIPPED, SourceKind.SCENARIO,
                      "por-unknown-order-is-rejected", "updateProcessedPorStatus", spent,
                      exchanges=[kept_back], breaking=True)
    results = judge_rules(RULES, [*others, skipped], {})
    rule = status_of(results, "POR-UNKNOWN-ORDER-REJECTED")
    assert rule.status == UNTESTED and rule.reason == spent
    assert untested_must(results) == ["POR-UNKNOWN-ORDER-REJECTED"]
    assert fold_verdict(results, {}) == CONFORMANT
    assert verdict_exit_code(CONFORMANT, len(untested_must(results)), require_all=True) == 6


def test_a_rule_about_answers_passes_on_any_judged_answer():
    assert RULES["GEP-STATUSCODE-IS-STRING"].about_answers
    assert not RULES["PO-NOT-AUTHORIZED"].about_answers
    accepting = outcome("GEP-STATUSCODE-IS-STRING", Status.PASSED, breaking=False)
    others = [o for o in all_passed() if o.rule_id != "GEP-STATUSCODE-IS-STRING"]
    assert status_of(judge_rules(RULES, [*others, accepting], {}),
                     "GEP-STATUSCODE-IS-STRING").status == "passed"


def _answer(status: Status, failure: str | None = None, at: str = "2026-01-01T00:00:01.000Z",
            operation: str = "modifyPurchaseOrder") -> Outcome:
    exchange = Exchange("POST", "http://127.0.0.1:1/service/v1/po/modify", {}, None,
                        failure=failure, sent_at=at, transport_error=failure)
    return Outcome("PO-EVERY-REQUEST-ANSWERED", status, SourceKind.SCENARIO, "s", operation,
                   exchanges=[exchange] if failure else [], breaking=True)


def test_an_unanswered_request_of_a_product_that_answers_others_fails_the_answer_rule():
    outcomes = [_answer(Status.PASSED)] * 3 + [_answer(Status.FAILED, TransportFailure.NO_ANSWER)]
    settled, lost = settle_answers(outcomes)
    assert lost == {}
    results = judge_rules(RULES, [*all_passed(), *settled], {})
    assert status_of(results, "PO-EVERY-REQUEST-ANSWERED").status == "failed"
    assert fold_verdict(results, lost) == NON_CONFORMANT


def test_a_product_that_answered_only_the_pre_flight_stopped_answering_it_was_reachable():
    """Every item's request unanswered, the pre-flight's answered: "stopped answering after 1
    answered requests", not "answered no request" (it was reached: second fresh review)."""
    outcomes = [_answer(Status.FAILED, TransportFailure.NO_ANSWER),
                _stopping("2026-01-01T00:00:02.000Z")]
    _, lost = settle_answers(outcomes)
    assert lost["po"].startswith("answered no request")
    _, lost = settle_answers(outcomes, {"po": 1})
    assert lost == {"po": "stopped answering at 2026-01-01T00:00:01.000Z after 1 answered"
                          " requests: 2 requests lost"}


def test_a_product_refused_from_some_point_on_is_lost_and_the_run_inconclusive():
    outcomes = [_answer(Status.PASSED)] * 5 + [
        _answer(Status.FAILED, TransportFailure.NO_ANSWER, "2026-01-01T00:00:03.500Z"),
        _answer(Status.INCONCLUSIVE, TransportFailure.REFUSED, "2026-01-01T00:00:03.600Z"),
        _answer(Status.INCONCLUSIVE, TransportFailure.REFUSED, "2026-01-01T00:00:04.000Z"),
    ]
    _assert_lost(outcomes, "stopped answering at 2026-01-01T00:00:03.600Z after 5 answered"
                           " requests: 3 requests lost")


def _assert_lost(outcomes: list[Outcome], cause: str) -> None:
    """PO is lost with `cause`: no answer rule failed, it is inconclusive, and so is the run."""
    settled, lost = settle_answers(outcomes)
    assert lost == {"po": cause}
    assert Status.FAILED not in {o.status for o in settled}
    results = judge_rules(RULES, [*all_passed(), *settled], {})
    assert status_of(results, "PO-EVERY-REQUEST-ANSWERED").status == "inconclusive"
    assert fold_verdict(results, lost) == INCONCLUSIVE


def _stopping(at: str) -> Outcome:
    """The unanswered request whose message says the transport stopped the product."""
    stopping = _answer(Status.FAILED, TransportFailure.NO_ANSWER, at)
    stopping.exchanges[0].transport_error = (
        f"no answer within 1 s (read timeout), also when sent once more; [po] {STOPPED_ANSWERING}"
        " 9 (3 in a row): nothing more is sent to it")
    return stopping


@pytest.mark.parametrize("outcomes", [[], [outcome("POR-MESSAGES", Status.SKIPPED)]])
def test_nothing_judged_is_inconclusive(outcomes):
    assert fold_verdict(judge_rules(RULES, outcomes, {}), {}) == INCONCLUSIVE


def test_an_unreachable_product_makes_the_run_inconclusive():
    results = judge_rules(RULES, all_passed(), {})
    assert fold_verdict(results, {"po": "connection refused"}) == INCONCLUSIVE


def test_outcomes_survive_their_json_form_and_unknown_rules_are_reported():
    original = outcome("GEP-ENVELOPE-SHAPE", Status.FAILED)
    assert outcome_from_dict(original.to_dict()) == original
    assert unknown_rule_ids(RULES, [outcome("NOPE", Status.PASSED)]) == ["NOPE"]


def test_an_input_rules_answer_check_is_not_its_breaking_side():
    """SMAT-INDICATORS-Y-OR-N is also judged on the indicators an answer holds; that check on a
    case that sent valid indicators cannot show forbidden input refused, so it earns no pass.
    The input judge on a breaching case, and an answer rule's check, are breaking sides."""
    from conformance.fuzz import _on_breaking_side
    from conformance.fuzz.judging import INPUT_JUDGE, Verdict
    from conformance.judges import Judgement
    from conformance.outcomes import Status

    passed = Judgement(Status.PASSED, "")
    op = "createUpdateProgressPayEvents"
    assert not _on_breaking_side(op, Verdict("value_indicators_y_or_n", "SMAT-INDICATORS-Y-OR-N",
                                             passed))
    assert _on_breaking_side(op, Verdict(INPUT_JUDGE, "SMAT-INDICATORS-Y-OR-N", passed))
    assert _on_breaking_side(op, Verdict("odata_response", "SMAT-ODATA-RESPONSE", passed))


def test_a_product_the_transport_stopped_for_silence_is_lost_and_the_run_inconclusive():
    """Hung, reset or trickled from some point on: requests unanswered in a row stop the
    product (the message of the one that stops it says so); lost, not the answer rule failed."""
    outcomes = [_answer(Status.PASSED)] * 5 + [
        _answer(Status.FAILED, TransportFailure.NO_ANSWER, "2026-01-01T00:00:03.000Z"),
        _stopping("2026-01-01T00:00:03.500Z")]
    _assert_lost(outcomes, "stopped answering at 2026-01-01T00:00:03.000Z after 5 answered"
                           " requests: 2 requests lost")


def test_an_inconclusive_rule_gives_one_line_however_many_causes():
    """Distinct causes are joined, up to a line: a product stopped for rate limiting gave a
    676-character reason (CI); the first cause stays whole, the others are counted."""
    causes = [_answer(Status.INCONCLUSIVE, TransportFailure.OTHER) for _ in range(12)]
    for n, item in enumerate(causes):
        item.message = f"cause {n}: " + "x" * 80
    result = status_of(judge_rules(RULES, [*all_passed(), *causes], {}),
                       "PO-EVERY-REQUEST-ANSWERED")
    assert result.status == "inconclusive" and "\n" not in result.reason
    assert result.reason.startswith("cause 0: ") and len(result.reason) < 500
    assert result.reason.endswith("; and 11 other cause(s) (summary.json outcomes)")
