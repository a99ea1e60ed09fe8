"""What a vendor reads: the report of a failing mock run (`--mock-fault`) cites documents by
title, carries no pytest-html boilerplate, shows each failure once, and every message of the
run is written in JSON notation without repeating its rule id."""

import html
import json
import re

from conformance.catalog import document_titles, load_rules
from conformance.notation import shown
from conformance.report.html import stylesheet

PYTHON_REPR = re.compile(r"\['|'\]|\bNone\b|\bTrue\b|\bFalse\b|: '")


def _blob(page: str) -> dict:
    """pytest-html's data: the test rows with their logs and extras, the environment."""
    found = re.search(r'data-jsonblob="([^"]*)"', page)
    assert found, "pytest-html's data blob"
    return json.loads(html.unescape(found.group(1)))


def test_documents_are_cited_by_title_with_the_file_name_second(failing_run):
    rule = load_rules()["PO-ERRORS-SHAPE"]
    title = document_titles()[rule.source.doc]
    cell = f"<b>{html.escape(title)}</b>, § {html.escape(rule.source.section)}"
    assert f'{cell} <span class="doc-file">({rule.source.doc})</span>' in failing_run.html
    entry = next(r for r in failing_run.summary["rules"] if r["id"] == "PO-ERRORS-SHAPE")
    assert entry["citation"]["title"] == title
    assert set(document_titles()) == {r.source.doc for r in load_rules().values()}


def test_no_pytest_html_boilerplate_is_shown(failing_run):
    css = stylesheet()
    assert _blob(failing_run.html)["environment"] == {}
    assert "#environment-header, #environment, #title + p { display: none; }" in css
    assert ".filters input[disabled], .filters input[disabled] + span { display: none; }" in css
    assert ".summary .run-count, .summary p.filter { display: none; }" in css
    assert "<th>Links</th>" not in failing_run.html


def test_each_failure_appears_once_as_its_evidence_card(failing_run):
    rows = [row for runs in _blob(failing_run.html)["tests"].values() for row in runs]
    failed = [row for row in rows if row["result"].lower() == "failed"]
    assert failed
    for row in failed:
        assert row["log"] == ""  # not the JUnit text again
        # a link to the rule's card, not the card again
        contents = " ".join(extra.get("content", "") for extra in row["extras"])
        assert 'href="#evidence-' in contents and 'class="failure"' not in contents
    page = failing_run.html
    for rule in failing_run.summary["rules"]:
        if rule["status"] == "failed":
            assert page.count(f'id="evidence-{rule["id"]}"') == 1


def test_every_message_is_json_notation_without_its_own_rule_id(failing_run):
    failures = [
        (rule["id"], failure["message"])
        for rule in failing_run.summary["rules"]
        for failure in rule.get("failures") or []
    ]
    assert len({rule_id for rule_id, _ in failures}) >= 2
    for rule_id, message in failures:
        assert message.startswith("Received: ") and " / Documented: " in message
        assert rule_id not in message, message
        assert not PYTHON_REPR.search(message), message
    errors = next(m for r, m in failures if r == "PO-ERRORS-SHAPE")
    assert '{"errorCode": "...", "errorDesc": "..."}' in errors


def test_a_long_value_keeps_the_field_after_it_in_view():
    event = {"Description": "D" * 600, "LockedInd": None, "PpeCode": "FOUND"}
    text = shown(event)
    assert text.endswith('"LockedInd": null, "PpeCode": "FOUND"}') and len(text) < 160
    assert "(600 characters)" in text
    assert shown(["EXT-1"]) == '["EXT-1"]' and shown("N") == '"N"'


def test_long_values_wrap_instead_of_widening_the_page():
    css = stylesheet()
    assert "table-layout: fixed" in css and "overflow-wrap: anywhere" in css
    assert "grid-template-columns: minmax(0, 1fr) minmax(0, 1fr)" in css
