"""Sanity of the scenario catalog (specs/scenarios): format, ids, citations, coverage of every rule.

Every rule has a scenario where the request meets it and one where the request breaks it,
except the rules below, which only an answer can break (a response shape, a message text, a
behaviour no request can provoke): their broken side is a hand-made bad answer that the judge
catches (tests/scenarios/judge_cases.py, BAD).
"""

import json
import re

import jsonschema
import pytest
import yaml
from judge_cases import CAUGHT_BY

from conformance.catalog import (
    ANSWERED_RULE_OF_OPERATION,
    PRODUCT_OF_OPERATION,
    documents_dir,
    load_rules,
)
from conformance.contract_files import specs_dir
from conformance.judges import judge_names
from conformance.scenarios import load_scenarios
from conformance.scenarios.templating import placeholders

SCENARIO_DIR = specs_dir() / "scenarios"
FILES = sorted(SCENARIO_DIR.glob("*/*.yaml"))
SCENARIOS = load_scenarios()
RULES = load_rules()

# rule -> (the judge whose BAD cases show the broken side, why no request can break the rule)
ONE_SIDED = {
    "GEP-ENVELOPE-SHAPE": ("gep_envelope", "response shape"),
    "GEP-STATUSCODE-IS-STRING": ("gep_status_code_string", "response shape"),
    "GEP-ERROR-DETAIL-SHAPE": ("gep_error_details_shape", "response shape"),
    "GEP-SUCCESS-ANSWER": ("success_answer", "response shape of an accepted request"),
    "GEP-REJECTION-ANSWER": ("rejection_answer", "response shape of a rejected request"),
    "GEP-SUCCESS-KEYS-WERE-SENT": ("gep_success_keys_were_sent", "response content"),
    "GEP-NO-KEY-BOTH-SUCCEEDED-AND-FAILED": ("gep_no_key_both", "response content"),
    "GEP-JSON-RESPONSE": ("json_media_type", "response media type"),
    "POR-SUCCESS-LISTS-KEYS": ("gep_success_keys_equal_sent", "response content"),
    "CONTACT-SUCCESS-LISTS-CODES": ("gep_success_keys_equal_sent", "response content"),
    "ORG-SUCCESS-LISTS-ENTITIES": ("batch_outcome", "response content"),
    "POR-MESSAGES": ("message_mentions", "message text of a rejection"),
    "CONTACT-MESSAGES": ("message_mentions", "message text of a rejection"),
    "ORG-MESSAGES": ("message_mentions", "message text of a rejection"),
    "PO-SUCCESS-ANSWER": ("success_answer", "response shape of an accepted request"),
    "PO-REJECTION-ANSWER": ("rejection_answer", "response shape of a rejected request"),
    "PO-ECHOES-IDENTIFIERS": ("po_echoes_identifiers", "response content"),
    "PO-ECHOES-PRESENT": ("po_echoes_present", "response content"),
    "PO-ERRORS-SHAPE": ("po_errors_shape", "response shape"),
    "PO-ANSWER-FIELD-TYPES": ("po_answer_field_types", "response shape"),
    "SMAT-SUCCESS-ANSWER": ("value_holds_sent_events", "response content"),
    "SMAT-ODATA-RESPONSE": ("odata_response", "response shape"),
    "SMAT-JSON-RESPONSE": ("json_media_type", "response media type"),
    "SMAT-UPSERT": ("event_present_once", "behaviour: no request makes 'update or create' "
                    "wrong; a duplicate is the target's doing"),
}
# (doc, section) of every documented example; 002 has none: its success scenario is from the schema
EXAMPLES = {
    ("000_9d9b69b51a0de0a1.txt", "Success Scenario – Request"),
    ("000_9d9b69b51a0de0a1.txt", "Error Scenario – Request"),
    ("001_b5807dd04f6f0178.txt", "Success Scenario - Request"),
    ("001_b5807dd04f6f0178.txt", "Error Scenario – Request"),
    ("003_90eee2ba65329290.txt", "Success Scenario - Request"),
    ("003_90eee2ba65329290.txt", "Error Scenario - Request"),
    ("004_86f0d8f3ca14de21.txt", "Sample Body"),
}
# The documents' identifiers are the mock's seed data: a scenario never sends them itself.
DOCUMENT_IDENTIFIERS = {"48000061", "POR_INVALID", "CC-2017.023662", "GUBR", "GUCH",
                        "CC-2016.000071", "USD", "FOUND", "H-2", "PPE1", "RS", "PIPING",
                        "English", "8042", "10000143788", "10000144376", "5202", "string"}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_validates_against_the_scenario_schema(path):
    schema = json.loads((specs_dir() / "schemas" / "scenario.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


def test_schema_names_exactly_the_judges_that_exist():
    schema = json.loads((specs_dir() / "schemas" / "scenario.schema.json").read_text())
    assert set(schema["$defs"]["expectation"]["properties"]["judge"]["enum"]) == judge_names()


def test_ids_are_unique_file_stems_or_named_by_their_family():
    ids = [s.id for s in SCENARIOS]
    assert len(ids) == len(set(ids))
    files = [s for s in SCENARIOS if not s.family]
    assert len(files) == len(FILES)
    assert all(s.id == s.path.stem and s.path.parent.name == s.operation for s in files)
    assert all(s.path.name == "scenario-families.yaml" for s in SCENARIOS if s.family)


def test_rules_exist_and_apply_to_the_operation():
    for scenario in SCENARIOS:
        for rule_id in scenario.rules:
            assert scenario.operation in RULES[rule_id].operations, (scenario.id, rule_id)


def test_citations_name_an_existing_document():
    for scenario in SCENARIOS:
        assert (documents_dir() / scenario.source_doc).is_file(), scenario.id
        assert scenario.source_section, scenario.id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_title_is_a_present_tense_fact(scenario):
    assert not re.search(r"(?i)\b(should|must|shall|will|test|check|verify)\b", scenario.title)
    assert scenario.title[0].isupper() and not scenario.title.endswith(".")
    assert re.search(r"\b(is|are|gets|get|has|keeps|saves|updates|exists|comes|"
                     r"reports|lists|echoes|treats|never)\b", scenario.title), scenario.title


# judged on every request a scenario or a generated case sends, not by an expectation
ANSWERED = set(ANSWERED_RULE_OF_OPERATION.values())


def test_every_rule_is_met_by_a_scenario():
    met = {rule for s in SCENARIOS for rule in s.met}
    assert set(RULES) - met - ANSWERED == set()


def test_every_rule_is_broken_by_a_scenario_or_listed_one_sided():
    broken = {rule for s in SCENARIOS for rule in s.breaks}
    assert set(RULES) - broken - ANSWERED == set(ONE_SIDED)


def test_the_catalog_marks_exactly_the_one_sided_rules_as_about_answers():
    """`about: answers` in rules.yaml is what the verdict reads: it must be these rules."""
    assert {r.id for r in RULES.values() if r.about_answers} == set(ONE_SIDED) | ANSWERED


def test_one_sided_rules_are_broken_by_a_bad_answer_their_judge_catches():
    for rule_id, (judge, _why) in ONE_SIDED.items():
        assert all((judge, p) in CAUGHT_BY for p in RULES[rule_id].products), rule_id
        assert any(judge == e.judge and rule_id in e.rules
                   for s in SCENARIOS for step in s.steps for e in step.expect), rule_id


def test_every_documented_example_is_replayed():
    replayed = {(s.source_doc, s.source_section) for s in SCENARIOS if s.documented_example}
    assert replayed == EXAMPLES
    po_success = [s for s in SCENARIOS if s.operation == "modifyPurchaseOrder"
                  and "PO-SUCCESS-ANSWER" in s.met]
    assert po_success, "002 has no example: its success scenario is built from the schema"


def _strings(node):
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [str(node)] if node is not None else []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_no_identifier_of_the_documents_is_hard_coded(scenario):
    for step in scenario.steps:
        sent = set(_strings(step.request.get("body"))) | set(_strings(step.request.get(
            "path_params", {})))
        assert not sent & DOCUMENT_IDENTIFIERS, (scenario.id, sent & DOCUMENT_IDENTIFIERS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_needs_name_the_data_the_placeholders_use(scenario):
    """A missing key skips the scenario before its first request, never half-way."""
    needed = {n.removeprefix("data.").split("[")[0].split(".")[0] for n in scenario.needs
              if n.startswith("data.")}
    used = {e.removeprefix("data.").split("[")[0].split(".")[0]
            for step in scenario.steps for e in placeholders(step.request)
            if e.startswith("data.")}
    if PRODUCT_OF_OPERATION[scenario.operation] == "smat":
        used |= {"project", "discipline", "language", "po_id"}
    assert used <= needed, used - needed


def test_every_operation_has_smoke_scenarios():
    assert {s.operation for s in SCENARIOS if s.profile == "smoke"} == set(PRODUCT_OF_OPERATION)


def test_readme_documents_every_judge():
    readme = (SCENARIO_DIR / "README.md").read_text()
    assert {name for name in judge_names() if f"`{name}`" not in readme} == set()


def _sources():
    """Every scenario's source (the files' and the families', rows substituted)."""
    from conformance.scenarios.families import families_path, substitute

    for path in FILES:
        yield path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))["source"]
    families = yaml.safe_load(families_path().read_text(encoding="utf-8"))["families"]
    for family in families:
        if "source" in family:
            yield family["name"], family["source"]
        for row in family.get("rows", []):
            yield family["name"], substitute(family["template"]["source"], row)


@pytest.mark.parametrize(("where", "source"), list(_sources()), ids=lambda v: str(v)[:60])
def test_a_source_quote_is_text_of_its_document(where, source):
    """A quote is the document's own words (white space folded), never a paraphrase."""
    from conformance.catalog import fold_whitespace

    if source.get("quote"):
        text = (documents_dir() / source["doc"]).read_text(encoding="utf-8")
        assert fold_whitespace(source["quote"]) in fold_whitespace(text), where
