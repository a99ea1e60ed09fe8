"""Verdict folding: MUST fails, SHOULD warns, untested skips, transport never fails a rule."""

import pytest

from conformance.catalog import load_rules
from conformance.outcomes import Outcome, SourceKind, Status
from conformance.verdict import (
    CONFORMANT,
    INCONCLUSIVE,
    NON_CONFORMANT,
    fold_verdict,
    judge_rules,
    outcome_from_dict,
    unknown_rule_ids,
)

RULES = load_rules()


def outcome(rule: str, status: Status, source: str = "s1", message: str = "") -> Outcome:
    return Outcome(rule, status, SourceKind.SCENARIO, source, "op", message)


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


def test_an_inconclusive_outcome_next_to_a_pass_does_not_spoil_the_rule():
    extra = outcome("SMAT-UPSERT", Status.INCONCLUSIVE, "s2", "timeout")
    results = judge_rules(RULES, [*all_passed(), extra], {})
    assert status_of(results, "SMAT-UPSERT").status == "passed"
    assert fold_verdict(results, {}) == CONFORMANT


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
