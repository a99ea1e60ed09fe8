"""Every planted fault of the mock changes the verdict, through the same verdict code a run uses.

For each fault, every scenario of the fault's product up to the standard profile (what
`conformance run --api <product>` sends as scripted scenarios, including those expanded from
specs/scenario-families.yaml) runs against a mock with only that fault planted, and the
outcomes are folded by `conformance.verdict` over the whole catalog. A fault on a MUST rule
must make the target non-conformant with that rule failed; a fault on a SHOULD rule
(documented message texts, echo fields) must leave a warning on that rule and, by the
catalog's design, no MUST failure of its own making. Full `conformance run` invocations with a
fault are in tests/engine/test_certification_runs.py; this keeps all faults lean.
"""

import random

import pytest

from conformance.catalog import load_rules
from conformance.contract_files import targets_dir
from conformance.mock import DEMO_CREDENTIALS
from conformance.mock.faults import FAULTS
from conformance.mock.server import start_in_thread
from conformance.scenarios import load_scenarios, run_scenario
from conformance.target import load_target
from conformance.verdict import NON_CONFORMANT, fold_verdict, judge_rules

RULES = load_rules()
SCENARIOS = [s for s in load_scenarios() if s.profile in ("smoke", "standard")]


def _certify_scenarios(fault_name: str, monkeypatch) -> dict[str, str]:
    """Rule id -> status after every scenario of the fault's product ran against the faulty mock."""
    product = RULES[next(f.rule for f in FAULTS if f.name == fault_name)].products[0]
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with start_in_thread("127.0.0.1", 0, faults=(fault_name,)) as mock:
        target = load_target(
            targets_dir() / "reference.toml", base_url=mock.base_url, products=[product]
        )
        outcomes = [
            outcome
            for scenario in SCENARIOS
            if scenario.product == product
            for outcome in run_scenario(scenario, target, random.Random(7))
        ]
    not_run = {p: "not in this run" for p in ("gep", "po", "smat") if p != product}
    results = judge_rules(RULES, outcomes, not_run)
    return {r.rule.id: r.status for r in results} | {"__verdict__": fold_verdict(results, {})}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_changes_the_verdict_on_its_rule(fault, monkeypatch):
    statuses = _certify_scenarios(fault.name, monkeypatch)
    if RULES[fault.rule].level == "MUST":
        assert statuses["__verdict__"] == NON_CONFORMANT
        assert statuses[fault.rule] == "failed"
    else:
        assert statuses[fault.rule] == "warning"


def test_the_same_code_certifies_the_mock_without_faults(monkeypatch):
    """The control: without a planted fault, every rule passes and the verdict is conformant."""
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with start_in_thread("127.0.0.1", 0) as mock:
        target = load_target(targets_dir() / "reference.toml", base_url=mock.base_url)
        outcomes = [o for s in SCENARIOS for o in run_scenario(s, target, random.Random(7))]
    results = judge_rules(RULES, outcomes, {})
    assert [r.rule.id for r in results if r.status != "passed"] == []
    assert fold_verdict(results, {}) == "conformant"


@pytest.mark.parametrize(
    ("fault_name", "may_fail"),
    [
        # An envelope defect is the envelope rules' failure, not every field rule's.
        (
            "gep-statuscode-as-number",
            {"GEP-STATUSCODE-IS-STRING", "GEP-SUCCESS-ANSWER", "GEP-REJECTION-ANSWER"},
        ),
        ("gep-success-http-202", {"GEP-SUCCESS-ANSWER"}),
        ("po-success-http-202", {"PO-SUCCESS-ANSWER"}),
        # A target that accepts what it must refuse fails that rule, not the rejection's form.
        ("por-key-not-mandatory", {"POR-KEY-MANDATORY"}),
        ("contact-code-not-mandatory", {"CONTACT-CODE-MANDATORY"}),
        ("org-accepts-unknown-currency", {"ORG-CURRENCY-KNOWN"}),
        ("po-accepts-unknown-po", {"PO-ONLY-EXISTING-PO"}),
        # Defects only targeted cases reach (a later list position, one field of a group, one
        # media type, the right object) fail their own rule, and only it.
        ("por-checks-first-item-only", {"POR-UNKNOWN-ORDER-REJECTED"}),
        ("smat-locked-dates-unprotected", {"SMAT-LOCKED-FIELDS-FROZEN"}),
        ("po-xml-numbers-not-checked", {"PO-TYPES-ENFORCED"}),
        ("smat-update-lands-on-next-event", {"SMAT-UPSERT"}),
    ],
)
def test_a_fault_fails_its_own_rules_and_not_its_neighbours(fault_name, may_fail, monkeypatch):
    statuses = _certify_scenarios(fault_name, monkeypatch)
    failed = {rule for rule, status in statuses.items() if status in ("failed", "warning")}
    assert failed and failed <= may_fail, f"{fault_name} also fails {sorted(failed - may_fail)}"
