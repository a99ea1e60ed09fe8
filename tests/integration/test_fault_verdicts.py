"""Every planted fault of the mock changes the verdict, through the same verdict code a run uses.

For each fault, every scenario of the fault's product up to the standard profile (what
`conformance run --api <product>` sends as scripted scenarios, including those expanded from
specs/scenario-families.yaml) runs against a mock with only that fault planted, and the
outcomes are folded by `conformance.verdict` over the whole catalog. A fault on a MUST rule
must make the target non-conformant with that rule failed; a fault on a SHOULD rule
(documented message texts, echo fields) must leave a warning on that rule and, by the
catalog's design, no MUST failure of its own making. Generated cases are judged by the same
judges: each fault in an answer they judge fails its rule on generated cases alone, and none of
them fails a neighbour. Full `conformance run` invocations with a fault are in
tests/engine/test_certification_runs.py.
"""

import random
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.internal.conjecture import providers
from schemathesis.generation import GenerationMode

from conformance import fuzz
from conformance.catalog import NO_SERVER_ERROR_RULE, PRODUCTS, load_rules
from conformance.contract_files import targets_dir
from conformance.fuzz.judging import ANSWER_JUDGES
from conformance.mock import DEMO_CREDENTIALS
from conformance.mock.faults import FAULTS
from conformance.mock.server import start_in_thread
from conformance.scenarios import load_scenarios, run_scenario
from conformance.target import load_target
from conformance.verdict import NON_CONFORMANT, fold_verdict, judge_rules

RULES = load_rules()
ANSWER_RULES = {rule for pairs in ANSWER_JUDGES.values() for _judge, rule in pairs} | set(
    NO_SERVER_ERROR_RULE.values())
ANSWER_FAULTS = [f for f in FAULTS if f.rule in ANSWER_RULES]
# faults that only a particular input shows (a null item in the body's list, a negative amount,
# an accepted new event): whether a small generation budget draws it is luck, so here only "no
# neighbour" is asserted; scenarios prove each (test_fault_changes_the_verdict_on_its_rule)
NEEDS_A_PARTICULAR_INPUT = {"gep-500-on-null-item", "gep-500-on-negative-threshold",
                            "po-500-on-odd-input", "smat-500-on-null-event",
                            "smat-value-omits-new-events",
                            # SMAT-INDICATORS-Y-OR-N is also judged in answers (the events value
                            # returns): these faults show only once an indicator other than Y or
                            # N is sent and accepted
                            "smat-indicators-any-value", "smat-indicators-first-event-only"}
SCENARIOS = [s for s in load_scenarios() if s.profile in ("smoke", "standard")]


# cases per generation mode and operation: Smart Materials has one operation, whose success
# path (the target's own PO, realistic events) needs more draws to be reached; a PO rejection
# with errors needs more than five draws in some generation orders
PER_MODE = {"gep": 5, "po": 10, "smat": 12}


def _generated_cases(product_target, seed: int = 7) -> list:
    """Positive and negative generated cases of every operation of the product (deterministic).

    Hypothesis also draws from the literals of the local modules loaded (its "local constants":
    here conformance/'s own source), so an edit anywhere in the suite, or the modules an earlier
    test happened to load, changed which cases these are and whether a fault was drawn. They
    are left out: the cases depend on the spec, the seed and this function only."""
    per_mode = PER_MODE[product_target.product]
    schema = fuzz.load_schema(product_target, "standard", seed)
    cases: list = []
    with patch.object(providers, "_get_local_constants", providers.Constants):
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(max_examples=per_mode, database=None, derandomize=True,
                          deadline=None, suppress_health_check=list(HealthCheck))
                @given(operation.as_strategy(generation_mode=mode))
                def collect(case):
                    cases.append(case)

                collect()
    # a run's `[parameters]` overrides: the target's own PO in the Smart Materials path
    for case in cases if product_target.product == "smat" else []:
        case.path_parameters = fuzz.path_parameters(product_target)
    return cases


def _certify_scenarios(fault_name: str, monkeypatch, generated: bool = False) -> dict[str, str]:
    """Rule id -> status after every scenario of the fault's product (and, with `generated`,
    generated cases judged by the fuzz side) ran against the faulty mock."""
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
        generated_failed = set()
        if generated:
            product_target = target.products[product]
            from_cases = [o for case in _generated_cases(product_target)
                          for o in fuzz.run_case(case, product_target, 7)]
            generated_failed = {o.rule_id for o in from_cases if o.status == "failed"}
            outcomes += from_cases
    not_run = {p: "not in this run" for p in PRODUCTS if p != product}
    results = judge_rules(RULES, outcomes, not_run)
    return {r.rule.id: r.status for r in results} | {
        "__verdict__": fold_verdict(results, {}), "__generated_failed__": generated_failed}


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
        ("org-batch-first-item-only", {"ORG-ENTITY-CODE-KNOWN"}),
        ("smat-locked-dates-unprotected", {"SMAT-LOCKED-FIELDS-FROZEN"}),
        ("po-xml-numbers-not-checked", {"PO-TYPES-ENFORCED"}),
        ("smat-update-lands-on-next-event", {"SMAT-UPSERT"}),
    ],
)
def test_a_fault_fails_its_own_rules_and_not_its_neighbours(fault_name, may_fail, monkeypatch):
    """Scenarios and generated cases together: the judges are the same on both paths."""
    statuses = _certify_scenarios(fault_name, monkeypatch, generated=True)
    generated_failed = statuses.pop("__generated_failed__")
    assert generated_failed <= may_fail, f"generated cases also fail {generated_failed - may_fail}"
    failed = {rule for rule, status in statuses.items() if status in ("failed", "warning")}
    assert failed and failed <= may_fail, f"{fault_name} also fails {sorted(failed - may_fail)}"


def _generated_failures(fault, monkeypatch) -> set[str]:
    product = RULES[fault.rule].products[0]
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with start_in_thread("127.0.0.1", 0, faults=(fault.name,)) as mock:
        target = load_target(
            targets_dir() / "reference.toml", base_url=mock.base_url, products=[product]
        )
        product_target = target.products[product]
        return {o.rule_id for case in _generated_cases(product_target)
                for o in fuzz.run_case(case, product_target, 7) if o.status == "failed"}


@pytest.mark.parametrize("fault", ANSWER_FAULTS, ids=[f.name for f in ANSWER_FAULTS])
def test_generated_cases_fail_an_answer_fault_on_its_rule_and_not_its_neighbours(
    fault, monkeypatch
):
    failed = _generated_failures(fault, monkeypatch)
    # a numeric statusCode also leaves success and rejection without their documented form
    shares = {"gep-statuscode-as-number": {"GEP-SUCCESS-ANSWER", "GEP-REJECTION-ANSWER"}}
    assert failed <= {fault.rule} | shares.get(fault.name, set()), sorted(failed)
    if fault.name not in NEEDS_A_PARTICULAR_INPUT:
        assert fault.rule in failed
