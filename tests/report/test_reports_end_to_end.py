"""The three artifacts of a failing run against a faulty mock, as a vendor and CI receive them.

One run of the CLI against the embedded mock with a planted fault; its summary.json, junit.xml
and report.html are read back, and the curl line printed in the report is run against a fresh
mock with the same fault (and one without) to show that it reproduces the failure.
"""

import html
import re
import subprocess

import pytest
from run_support import FAULTS, RULE, rule_of, secrets_in

from conformance.catalog import load_rules
from conformance.mock import DEMO_CREDENTIALS
from conformance.mock.server import start_in_thread
from conformance.suite import settings as run_settings
from conformance.suite.selection import has_examples, scenarios_for

pytestmark = pytest.mark.slow
SCENARIO = "po-modify-of-authorised-po-is-accepted"


def test_summary_names_the_broken_rule_with_its_citation_and_evidence(failing_run):
    document = failing_run.summary
    assert document["verdict"] == "non-conformant" and document["exit_code"] == 1
    rule = rule_of(document, RULE)
    assert rule["status"] == "failed" and rule["level"] == "MUST"
    assert rule["citation"]["quote"] == load_rules()[RULE].source.quote
    failure = rule["failures"][0]
    assert failure["case_id"] == f"{SCENARIO}:step 1"
    assert (
        failure["message"].startswith("Received: HTTP 202")
        and "/ Documented: " in (failure["message"])
    )
    exchange = failure["exchanges"][-1]
    assert exchange["status_code"] == 202 and exchange["request_headers"]["Authorization"] == "***"
    assert "$CONFORMANCE_PO_TOKEN" in exchange["curl"]


def _expected_items(monkeypatch) -> set[str]:
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    run = run_settings.build(
        target=None,
        base_url="http://127.0.0.1:9",
        api="po",
        profile="smoke",
        seed=0,
        report_dir="unused",
        default_report_dir=False,
    )
    scenarios = {f"test_scenario[{s.id}]" for s in scenarios_for(run)}
    # smoke only replays documented examples, and the PO document has none: no fuzz item
    assert not has_examples("po")
    return scenarios


def test_junit_has_one_case_per_scenario_and_fuzzed_operation_failing_with_rule_and_citation(
    failing_run, monkeypatch
):
    cases = {case.get("name"): case for case in failing_run.junit.iter("testcase")}
    assert set(cases) == _expected_items(monkeypatch)
    failure = cases[f"test_scenario[{SCENARIO}]"].find("failure")
    rule = load_rules()[RULE]
    assert f"{RULE} (MUST) {rule.source.citation()}: “{rule.source.quote}”" in failure.get(
        "message"
    )
    assert f"case: {SCENARIO}:step 1" in failure.text and "reproduce: curl " in failure.text
    for case in cases.values():
        for element in case.findall("failure"):
            # "RULE (MUST) <document title>, § <section> (<file>.txt)"
            assert re.match(
                r"[A-Z][A-Z0-9-]+ \(MUST\) [^§]+, § .+ \(\d{3}_[0-9a-f]+\.txt\)",
                element.get("message"),
            )


def test_report_html_opens_on_verdict_and_matrix_then_shows_every_failure(failing_run):
    page = failing_run.html
    verdict = page.index('<div class="verdict verdict-non-conformant" id="verdict">')
    assert verdict < page.index('id="rule-matrix"') < page.index('id="failures"')
    rows = re.findall(r'<tr class="rule-row status-([a-z]+)" id="rule-([A-Z0-9-]+)">', page)
    assert sorted(rule_id for _, rule_id in rows) == sorted(load_rules())
    assert ("failed", RULE) in rows
    failed = {r["id"] for r in failing_run.summary["rules"] if r["status"] == "failed"}
    assert {rule_id for status, rule_id in rows if status == "failed"} == failed
    for rule_id in failed:
        assert f'<h3 id="evidence-{rule_id}">' in page
    assert f"case <code>{SCENARIO}:step 1</code>" in page
    assert "<dt>Seed</dt><dd>5 " in page and "<dt>Profile</dt><dd>smoke</dd>" in page
    assert '<link href="assets' not in page and "<script src=" not in page  # self-contained


def _report_curl(page: str) -> str:
    section = page.split(f'<h3 id="evidence-{RULE}">')[1]
    return html.unescape(re.search(r'<pre class="curl">(.*?)</pre>', section, re.S).group(1))


def _http_code(curl: str, env: dict) -> str:
    done = subprocess.run(
        ["bash", "-c", curl + " -o /dev/null -w '%{http_code}'"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_curl_line_in_the_report_reproduces_the_failure(failing_run):
    curl = _report_curl(failing_run.html)
    assert not secrets_in(curl)
    old_base = failing_run.summary["target"]["products"]["po"]["base_url"]
    path_env = {"PATH": "/usr/bin:/bin"}
    with start_in_thread(faults=FAULTS) as faulty, start_in_thread() as healthy:
        on_faulty = curl.replace(old_base, faulty.base_url)
        on_healthy = curl.replace(old_base, healthy.base_url)
        assert _http_code(on_faulty, {**path_env, **DEMO_CREDENTIALS}) == "202"  # the failure
        assert _http_code(on_healthy, {**path_env, **DEMO_CREDENTIALS}) in ("200", "201")
        assert _http_code(on_faulty, path_env) == "401"  # credentials come from the environment


def test_no_artifact_and_no_terminal_line_holds_a_secret(failing_run):
    files = [p.read_bytes() for p in failing_run.dir.rglob("*") if p.is_file()]
    assert len(files) >= 3
    assert secrets_in(failing_run.done.stdout, failing_run.done.stderr, *files) == []
