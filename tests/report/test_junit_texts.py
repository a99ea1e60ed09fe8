"""JUnit failure texts: rule id, level, citation with its sentence, message, case, curl."""

from report_support import KNOWN_SECRETS, failing_exchange

from conformance.catalog import load_rules
from conformance.outcomes import Outcome, SourceKind, Status
from conformance.redaction import MASK
from conformance.report import junit


def _failed(rule_id="PO-SUCCESS-ANSWER", message="Received: HTTP 202 / Documented: 200 or 201"):
    return Outcome(
        rule_id=rule_id,
        status=Status.FAILED,
        source_kind=SourceKind.SCENARIO,
        source_id="po-modify-of-authorised-po-is-accepted",
        operation="modifyPurchaseOrder",
        message=message,
        exchanges=[failing_exchange()],
        case_id="po-modify-of-authorised-po-is-accepted:step 1",
    )


def test_the_failure_text_opens_on_the_rule_and_its_citation(run):
    rules = load_rules()
    rule = rules["PO-SUCCESS-ANSWER"]
    text = junit.failure_text([_failed()], rules, run.target.redactor())
    lines = text.splitlines()
    assert lines[0] == (f"PO-SUCCESS-ANSWER (MUST) {rule.source.citation()}: “{rule.source.quote}”")
    assert lines[1] == "  Received: HTTP 202 / Documented: 200 or 201"
    assert lines[2] == "  case: po-modify-of-authorised-po-is-accepted:step 1"
    assert lines[3] == f"  reproduce: {failing_exchange().curl}"


def test_the_text_is_masked_and_cut_after_a_few_failures(run):
    secret = KNOWN_SECRETS["CONFORMANCE_GEP_TOKEN"]
    outcomes = [_failed(message=f"Received: {secret} / Documented: x")] * (junit.SHOWN + 2)
    text = junit.failure_text(outcomes, load_rules(), run.target.redactor())
    assert secret not in text and f"Received: {MASK}" in text
    assert text.endswith("... and 2 more")


def test_an_unknown_rule_is_named_as_it_is():
    assert junit.rule_line("NOT-IN-CATALOG", load_rules()) == "NOT-IN-CATALOG"


def test_a_test_case_whose_failures_are_all_waived_says_so(tmp_path):
    import datetime

    from conformance.report import waivers

    path = tmp_path / "w.toml"
    path.write_text(
        '[[waiver]]\nrule = "PO-SUCCESS-ANSWER"\nreason = "202 known"\nowner = "ops"\n'
        'expires = 2026-12-31\n[[waiver]]\nrule = "PO-ERRORS-SHAPE"\nreason = "old"\n'
        'owner = "ops"\nexpires = 2026-01-01\n',
        encoding="utf-8",
    )
    active = waivers.active(waivers.load(path, load_rules()), datetime.date(2026, 11, 21))
    assert list(active) == ["PO-SUCCESS-ANSWER"]  # the expired one is not active
    text = junit.waived_text([_failed(), _failed()], active)
    assert text == "waived: PO-SUCCESS-ANSWER until 2026-12-31 (ops): 202 known"
