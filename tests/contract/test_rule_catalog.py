"""The rule catalog is complete, cited and traceable to the documents' own words."""

import pytest
import yaml

from conformance.catalog import (
    PRODUCT_OF_OPERATION,
    CatalogError,
    documents_dir,
    fold_whitespace,
    load_contradictions,
    load_rules,
)
from conformance.contract_files import specs_dir

RULES = load_rules()


def test_catalog_holds_every_documented_rule_family():
    assert len(RULES) >= 40
    prefixes = {rule_id.split("-")[0] for rule_id in RULES}
    assert prefixes == {"GEP", "POR", "CONTACT", "ORG", "PO", "SMAT"}


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.id)
def test_rule_cites_an_existing_document(rule):
    assert (documents_dir() / rule.source.doc).is_file()


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.source.quote], ids=lambda r: r.id)
def test_rule_quote_appears_in_its_document(rule):
    text = (documents_dir() / rule.source.doc).read_text(encoding="utf-8")
    assert fold_whitespace(rule.source.quote) in fold_whitespace(text)


def test_every_operation_has_rules():
    covered = {op for rule in RULES.values() for op in rule.operations}
    assert covered == set(PRODUCT_OF_OPERATION)


def test_message_texts_are_should_and_everything_else_is_must():
    message_rules = {r.id for r in RULES.values() if r.id.endswith("-MESSAGES")}
    assert message_rules == {"POR-MESSAGES", "CONTACT-MESSAGES", "ORG-MESSAGES"}
    for rule in RULES.values():
        if rule.id in message_rules:
            assert rule.level == "SHOULD", rule.id


def test_every_contradiction_records_a_decision():
    contradictions = load_contradictions()
    assert {c["doc"] for c in contradictions} == {p.name for p in documents_dir().glob("*.txt")}
    for entry in contradictions:
        assert entry["decision"].strip() and entry["why"].strip()


def _write_catalog(tmp_path, rules):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": rules, "contradictions": []}))
    load_rules.cache_clear()
    return path


@pytest.fixture
def first_rule_entry():
    raw = yaml.safe_load((specs_dir() / "rules.yaml").read_text())
    yield raw["rules"][0]
    load_rules.cache_clear()


def test_duplicate_rule_id_is_refused(tmp_path, first_rule_entry):
    path = _write_catalog(tmp_path, [first_rule_entry, first_rule_entry])
    with pytest.raises(CatalogError, match="defined twice"):
        load_rules(path)


def test_rule_without_citation_is_refused(tmp_path, first_rule_entry):
    broken = {k: v for k, v in first_rule_entry.items() if k != "source"}
    path = _write_catalog(tmp_path, [broken])
    with pytest.raises(CatalogError, match="'source' is a required property"):
        load_rules(path)


def test_statement_saying_should_is_refused(tmp_path, first_rule_entry):
    broken = dict(first_rule_entry, statement="The envelope should have a statusCode.")
    path = _write_catalog(tmp_path, [broken])
    with pytest.raises(CatalogError, match="statement"):
        load_rules(path)
