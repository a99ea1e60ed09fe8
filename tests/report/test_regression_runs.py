"""Whole runs with --baseline, --fail-on new-failures and --waivers; xdist gives the same set.

Each compares with the session's failing run (conftest `failing_run`: the mock's PO answers 202).
"""

import re
import xml.etree.ElementTree as ET

import pytest
from run_support import FAILING_ARGS, RULE, conformance_run, output_of, rule_of, summary_of

from conformance.summary import comparable

pytestmark = pytest.mark.slow
EXPIRED, STALE = "PO-ERRORS-SHAPE", "PO-ECHOES-PRESENT"
WAIVERS = f"""\
target = "reference mock"

[[waiver]]
rule = "{RULE}"
reason = "answers 202; fix promised in release 7.2"
owner = "jane.doe@example.com"
expires = 2099-12-31

[[waiver]]
rule = "{EXPIRED}"
reason = "an old deviation"
owner = "ops"
expires = 2020-01-01

[[waiver]]
rule = "{STALE}"
reason = "fixed since"
owner = "ops"
expires = 2099-12-31
"""


def test_baseline_and_waivers_report_apart_and_only_new_failures_fail(failing_run, tmp_path):
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    report_dir = tmp_path / "report"
    done = conformance_run(
        *FAILING_ARGS,
        "--report-dir",
        str(report_dir),
        "--waivers",
        str(waivers),
        "--baseline",
        str(failing_run.dir / "summary.json"),
        "--fail-on",
        "new-failures",
    )
    assert done.returncode == 0, output_of(done)  # non-conformant, but nothing new
    document = summary_of(report_dir)
    assert document["verdict"] == "non-conformant" and document["fail_on"] == "new-failures"
    assert rule_of(document, RULE)["status"] == "waived"
    assert rule_of(document, EXPIRED)["status"] == "failed"
    assert document["counts"]["rules"]["waived"] == 1
    states = {e["rule"]: e["state"] for e in document["waivers"]["entries"]}
    assert states == {RULE: "applied", EXPIRED: "expired", STALE: "stale"}
    base = document["baseline"]
    assert base["new_failures"] == [] and base["fixed"] == [] and base["newly_skipped"] == []
    assert EXPIRED in {item["id"] for item in base["still_failing"]}
    assert RULE not in {item["id"] for item in base["still_failing"]}

    assert "0 new failures · 0 fixed" in done.stdout
    assert re.search(rf"WAIVED +{RULE} +until 2099-12-31", done.stdout)
    assert re.search(rf"WAIVER EXPIRED +{EXPIRED} +expired 2020-01-01", done.stdout)
    assert re.search(rf"STALE WAIVER +{STALE} +the rule passes now", done.stdout)
    assert "1 waived" in done.stdout and "(exit 0)" in done.stdout

    cases = {
        c.get("name"): c for c in ET.parse(report_dir / "junit.xml").getroot().iter("testcase")
    }
    waived_case = cases["test_scenario[po-modify-of-authorised-po-is-accepted]"].find("skipped")
    assert waived_case.get("message").startswith(f"waived: {RULE} until 2099-12-31")
    assert cases["test_scenario[po-unknown-po-is-rejected]"].find("failure") is not None

    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert f'<tr class="rule-row status-waived" id="rule-{RULE}">' in page
    assert '<div class="report-section" id="baseline">' in page
    assert '<div class="report-section" id="waivers">' in page
    waived_section = page.split('<div class="report-section" id="waived">')[1]
    assert f'<h3 id="evidence-{RULE}">' in waived_section


def test_a_bad_waiver_file_stops_the_run_before_any_request(tmp_path):
    waivers = tmp_path / "waivers.toml"
    waivers.write_text('[[waiver]]\nrule = "NOPE"\n', encoding="utf-8")
    done = conformance_run(*FAILING_ARGS, "--report-dir", str(tmp_path), "--waivers", str(waivers))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"conformance: {waivers}: waiver #1 (rule NOPE): reason is missing or empty — give a"
        " non-empty string"
    ]
    # refused before any request; the named report directory says why (CI publishes it)
    document = summary_of(tmp_path)
    assert document["exit_code"] == 2 and "reason is missing" in document["suite_errors"][0]
    assert not document["counts"]["outcomes"]


def _comparable(report_dir) -> dict:
    """summary.json without what differs between any two runs: times, ports, directories."""
    return comparable(summary_of(report_dir))


def test_under_xdist_the_reports_are_one_set_equal_to_a_serial_run(failing_run, tmp_path):
    done = conformance_run(*FAILING_ARGS, "--report-dir", str(tmp_path), "-n", "2")
    assert done.returncode == 1, output_of(done)
    assert _comparable(tmp_path) == _comparable(failing_run.dir)
    names = {c.get("name") for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert names == {c.get("name") for c in failing_run.junit.iter("testcase")}
    matrix = re.compile(r'<table id="rule-matrix">.*?</table>', re.S)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert matrix.search(page).group(0) == matrix.search(failing_run.html).group(0)
