"""report.html's own parts: verdict and facts first, the rule matrix, failures with evidence."""

import html
import re
from types import SimpleNamespace

from report_support import KNOWN_SECRETS, failing_exchange

from conformance.catalog import load_rules
from conformance.redaction import MASK
from conformance.report import matrix
from conformance.report.html import (
    HtmlReport,
    page_postfix,
    page_prefix,
    stylesheet,
)

FAILED, SHOULD_RULE = "PO-SUCCESS-ANSWER", "POR-MESSAGES"


def _page(document) -> str:
    return "".join(page_prefix(document) + page_postfix(document))


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="rule-row status-[a-z]+" id="rule-([A-Z0-9-]+)">', page)


def test_the_matrix_has_one_row_per_catalog_rule(make_document):
    rows = _rows(matrix.matrix_html(make_document()["rules"]))
    assert sorted(rows) == sorted(load_rules())


def test_rows_are_grouped_by_the_endpoints_their_rule_applies_to(make_document):
    page = matrix.matrix_html(make_document()["rules"])
    chunks = page.split('<tbody class="endpoint-group">')[1:]
    rules = load_rules()
    assert len(chunks) == len({r.operations for r in rules.values()})
    for chunk in chunks:
        title = re.search(r'<th colspan="5">(.*?) <span', chunk).group(1)
        operations = {rules[rule_id].operations for rule_id in _rows(chunk)}
        assert len(operations) == 1, title
        assert all(op in title for op in operations.pop())
    assert "POST /service/v1/po/modify" in page


def test_each_status_colours_its_row_and_has_a_colour_of_its_own(make_document):
    document = make_document(
        {
            FAILED: "failed",
            SHOULD_RULE: "failed",
            "PO-XML-SUPPORTED": "skipped",
            "PO-JSON-SUPPORTED": "inconclusive",
        }
    )
    page = matrix.matrix_html(document["rules"])
    for rule_id, status in [
        (FAILED, "failed"),
        (SHOULD_RULE, "warning"),
        ("PO-XML-SUPPORTED", "skipped"),
        ("PO-JSON-SUPPORTED", "inconclusive"),
        ("PO-ERRORS-SHAPE", "passed"),
    ]:
        assert f'<tr class="rule-row status-{status}" id="rule-{rule_id}">' in page
    css = stylesheet()
    colours = {
        status: re.search(rf"\.rule-row\.status-{status} \{{ background: (#[0-9a-f]+)", css).group(
            1
        )
        for status in matrix.STATUS_LABELS
    }
    assert len(set(colours.values())) == len(colours), colours


def test_a_row_shows_level_citation_quote_and_what_decided_it(make_document):
    document = make_document({FAILED: "failed"})
    row = next(r for r in document["rules"] if r["id"] == "PO-ERRORS-SHAPE")
    html_row = matrix.row(row)
    rule = load_rules()["PO-ERRORS-SHAPE"]
    assert f'<td class="level level-must">{rule.level}</td>' in html_row
    assert html.escape(rule.source.section) in html_row
    assert html.escape(rule.source.quote) in html_row
    assert "1 scenario · 1 generated case" in html_row
    failed_row = matrix.row(next(r for r in document["rules"] if r["id"] == FAILED))
    assert f'<a href="#evidence-{FAILED}">1 failure</a>' in failed_row


def test_the_page_opens_on_verdict_target_profile_seed_version_and_hashes(make_document):
    document = make_document({FAILED: "failed"})
    head = "".join(page_prefix(document)[:3])
    assert '<div class="verdict verdict-non-conformant" id="verdict">' in head
    assert "NON-CONFORMANT" in head and f'<a href="#rule-{FAILED}">{FAILED}</a>' in head
    assert "gep, po, smat: http://127.0.0.1:9" in head
    assert "<dt>Profile</dt><dd>smoke</dd>" in head and "<dt>Seed</dt><dd>42 " in head
    assert f"<dt>Suite version</dt><dd>{document['suite_version']}</dd>" in head
    assert document["contract_sha256"]["specs"]["po-service.yaml"][:12] in head
    assert head.index('id="verdict"') < _page(document).index('id="rule-matrix"')


def test_every_failure_comes_with_message_request_response_curl_and_case_id(make_document):
    postfix = "".join(page_postfix(make_document({FAILED: "failed"})))
    assert f'<h3 id="evidence-{FAILED}">' in postfix
    assert "<b>Received: HTTP 202</b><br><b>Documented:</b> 200 or 201" in postfix
    assert "case <code>modifyPurchaseOrder-scenario:step 1</code>" in postfix
    assert "POST http://127.0.0.1:9/service/v1/po/modify</code> → <b>HTTP 202</b>" in postfix
    assert "Authorization: ***" in postfix
    curl = html.unescape(re.search(r'<pre class="curl">(.*?)</pre>', postfix).group(1))
    assert curl == failing_exchange().curl
    assert '"Authorization: Bearer $CONFORMANCE_PO_TOKEN"' in curl


def test_a_long_body_is_cut_in_the_page(make_document):
    document = make_document({FAILED: "failed"})
    failure = next(r for r in document["rules"] if r["id"] == FAILED)["failures"][0]
    failure["exchanges"][0]["response_body"] = "x" * 10_000
    postfix = "".join(page_postfix(document))
    assert "more characters cut]" in postfix and "x" * 5000 not in postfix


def _plugin(document, run):
    return HtmlReport(lambda session: document, run.target)


def test_the_plugin_fills_the_summary_and_masks_any_secret_that_slipped_in(make_document, run):
    document = make_document({FAILED: "failed"})
    failure = next(r for r in document["rules"] if r["id"] == FAILED)["failures"][0]
    secrets = [v for v in KNOWN_SECRETS.values()]
    failure["message"] = "Received: token " + " ".join(secrets) + " / Documented: none"
    prefix, postfix = [], []
    _plugin(document, run).pytest_html_results_summary(prefix, [], postfix, "session")
    written = "".join(prefix + postfix)
    assert 'id="rule-matrix"' in written and 'id="failures"' in written
    assert f"Received: token {MASK}" in written
    assert not [s for s in secrets if s in written]


def test_test_rows_name_their_failed_rules_and_carry_their_evidence(make_document, run):
    plugin = _plugin(make_document(), run)
    outcome = {
        "rule_id": FAILED,
        "status": "failed",
        "source_id": "po-scenario",
        "message": "Received: 202 / Documented: 200",
        "case_id": "po-scenario:step 2",
        "exchanges": [vars(failing_exchange(KNOWN_SECRETS["CONFORMANCE_PO_TOKEN"]))],
    }
    outcomes = [outcome, {**outcome, "status": "passed"}]
    report = SimpleNamespace(when="call", conformance_outcomes=outcomes, extras=["earlier"])
    header, cells = ["a", "b", "c"], ["a", "b", "c"]
    plugin.pytest_html_results_table_header(header)
    plugin.pytest_html_results_table_row(report, cells)
    plugin.pytest_runtest_logreport(report)
    assert header[2] == "<th>Failed rules</th>"
    assert cells[2] == f'<td class="col-rules">{FAILED}</td>'
    assert report.extras[0] == "earlier" and report.extras[1]["format_type"] == "html"
    reference = report.extras[1]["content"]
    rule = load_rules()[FAILED]
    # the row links the rule to its one evidence card under "Failures and evidence"
    assert f'<a href="#evidence-{FAILED}">{FAILED}</a> ({rule.level}) · 1 failed' in reference
    assert "Received: 202 / Documented: 200" in reference
    assert '<pre class="curl">' not in reference and 'class="failure"' not in reference
    assert KNOWN_SECRETS["CONFORMANCE_PO_TOKEN"] not in reference


def test_a_row_without_failures_gets_an_empty_cell_and_no_evidence(run, make_document):
    plugin = _plugin(make_document(), run)
    cells = ["a", "b"]
    plugin.pytest_html_results_table_row(SimpleNamespace(), cells)
    report = SimpleNamespace(when="call", conformance_outcomes=[])
    plugin.pytest_runtest_logreport(report)
    assert cells[2] == '<td class="col-rules"></td>' and not hasattr(report, "extras")


def test_the_title_names_the_target(run, make_document):
    report = SimpleNamespace(title="")
    _plugin(make_document(), run).pytest_html_report_title(report)
    # reference.toml's data on a URL of one's own: the title names the URL, not the mock
    assert report.title == "Conformance report · http://127.0.0.1:9 (reference data)"


def test_the_environment_table_is_emptied(run, make_document):
    """pytest-metadata's table (platform, plugins, variables) is boilerplate that may hold a
    secret: the page carries the run's own facts instead."""
    from pytest_metadata.plugin import metadata_key

    secret = KNOWN_SECRETS["CONFORMANCE_SMAT_TOKEN"]
    config = SimpleNamespace(stash={metadata_key: {"Python": "3.11", "ODD": f"x{secret}x"}})
    _plugin(make_document(), run).pytest_sessionstart(SimpleNamespace(config=config))
    assert config.stash[metadata_key] == {}


def test_a_json_fragment_quote_reads_as_code_and_a_sentence_as_a_quotation():
    assert matrix.quote_html('"statusCode": "200"') == (
        '<br><code class="quote">&quot;statusCode&quot;: &quot;200&quot;</code>'
    )
    assert matrix.quote_html("Key is mandatory") == "<br><q>Key is mandatory</q>"
    assert matrix.quote_html(None) == ""




def test_the_screen_names_a_selected_product_nothing_was_judged_for(make_document):
    """An interrupted run may select every product and send nothing: it says so."""
    from conformance import summary as summary_module

    document = make_document({"PO-ERRORS-SHAPE": "failed"})
    for rule in document["rules"]:
        if rule["operations"] != ["modifyPurchaseOrder"]:
            rule["decided_by"] = []  # nothing reached the other products
    line = next(x for x in summary_module.screen_lines(document) if "products run:" in x)
    selected = document["target"]["products"]
    assert line.startswith("  products run: po")
    for product in (p for p in selected if p != "po"):
        assert f"{product} (nothing judged)" in line
