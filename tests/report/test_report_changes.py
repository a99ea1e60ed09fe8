"""Baseline and waiver sections, shown apart in the HTML and on the terminal."""

import datetime

from conformance.catalog import load_rules
from conformance.report import baseline, matrix, terminal, waivers
from conformance.report.html import page_postfix, page_prefix

FAILED, WAIVED, STALE = "PO-SUCCESS-ANSWER", "PO-XML-SUPPORTED", "PO-ERRORS-SHAPE"


def _waiver_file(tmp_path):
    path = tmp_path / "waivers.toml"
    path.write_text(
        "".join(
            f'[[waiver]]\nrule = "{rule}"\nreason = "known {rule}"\nowner = "ops"\n'
            f"expires = {expires}\n"
            for rule, expires in [
                (WAIVED, "2027-01-31"),
                (FAILED, "2026-01-01"),
                (STALE, "2027-01-31"),
            ]
        ),
        encoding="utf-8",
    )
    return waivers.load(path, load_rules())


def _document(tmp_path, make_document):
    old = make_document({"PO-JSON-SUPPORTED": "failed", "PO-ECHOES-PRESENT": "failed"})
    new = make_document(
        {
            FAILED: "failed",
            WAIVED: "failed",
            "PO-ECHOES-PRESENT": "failed",
            "PO-NOT-AUTHORIZED": "skipped",
        },
        waivers=_waiver_file(tmp_path),
        today=datetime.date(2026, 11, 21),
    )
    new["baseline"] = baseline.diff(old, new, "old/summary.json")
    return new


def test_waived_rules_read_waived_with_their_own_colour_and_section(tmp_path, make_document):
    document = _document(tmp_path, make_document)
    statuses = {r["id"]: r["status"] for r in document["rules"]}
    assert statuses[WAIVED] == "waived" and statuses[FAILED] == "failed"
    assert document["verdict"] == "non-conformant"  # the expired waiver's failure counts
    page = "".join(page_prefix(document) + page_postfix(document))
    assert f'<tr class="rule-row status-waived" id="rule-{WAIVED}">' in page
    assert "waived until 2027-01-31 (ops): known" in page
    waived = page.split('<div class="report-section" id="waived">')[1]
    assert f'<h3 id="evidence-{WAIVED}">' in waived and f'id="evidence-{FAILED}"' not in waived
    failures = page.split('id="failures"')[1].split('id="waived"')[0]
    assert f'id="evidence-{FAILED}"' in failures and f'id="evidence-{WAIVED}"' not in failures
    assert matrix.STATUS_LABELS["waived"] == "WAIVED"


def test_the_banner_counts_regressions_and_waivers_and_links_their_sections(
    tmp_path, make_document
):
    document = _document(tmp_path, make_document)
    banner = page_prefix(document)[1]
    assert '<a href="#baseline">Since the baseline</a>' in banner
    assert "1 new failure · 1 fixed · 1 still failing · 1 newly skipped" in banner
    assert '<a href="#waivers">Waivers</a>: 1 applied · 1 expired · 1 stale' in banner
    postfix = "".join(page_postfix(document))
    assert '<tr class="change-new_failures"><td>new failures</td>' in postfix
    assert '<tr class="waiver-expired"><td>PO-SUCCESS-ANSWER</td>' in postfix
    assert "stale: the rule passes, remove the waiver" in postfix


def test_the_terminal_names_each_change_and_each_waiver(tmp_path, make_document):
    lines = terminal.lines(_document(tmp_path, make_document))
    text = "\n".join(lines)
    assert "since baseline old/summary.json" in lines[0]
    assert f"NEW FAILURE       {FAILED}" in text
    assert "FIXED             PO-JSON-SUPPORTED" in text
    assert "NEWLY SKIPPED     PO-NOT-AUTHORIZED" in text
    assert f"WAIVED            {WAIVED:38} until 2027-01-31 (ops): known" in text
    assert f"WAIVER EXPIRED    {FAILED:38} expired 2026-01-01 (ops): the failure counts" in text
    assert f"STALE WAIVER      {STALE:38} the rule passes now: remove the waiver" in text


def test_no_baseline_and_no_waivers_add_nothing(make_document):
    document = make_document()
    assert terminal.lines(document) == []
    assert 'id="baseline"' not in "".join(page_postfix(document))
