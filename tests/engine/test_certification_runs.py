"""Whole certification runs, as CI calls them: exit codes 0/1/2/3, reports, redaction, xdist.

Each run is a subprocess (`python -m conformance.cli run ...` or plain pytest with the plugin),
so that the run's pytest session is a real one; the mock it certifies listens on 127.0.0.1.
"""

import os
import socket
import subprocess
import sys

import pytest
from run_helpers import conformance_run, summary_of

from conformance import mock
from conformance.mock.server import start_in_thread
from conformance.plugin import main_args

pytestmark = pytest.mark.slow
SECRETS = [value for value in mock.DEMO_CREDENTIALS.values() if len(value) >= 4]


def failed_rules(document: dict) -> set[str]:
    return {r["id"] for r in document["rules"] if r["status"] == "failed"}


def assert_no_secret_in(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_the_mock_is_certified_conformant_with_valid_reports(tmp_path):
    done = conformance_run("--profile", "smoke", "--seed", "11", "--report-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = summary_of(tmp_path)
    assert document["verdict"] == "conformant" and document["seed"] == 11
    assert "conformance: seed 11" in done.stdout and "verdict: CONFORMANT" in done.stdout
    # smoke leaves some breaking sides to `standard`: those rules are "untested", not passed
    assert {r["status"] for r in document["rules"]} <= {"passed", "warning", "skipped", "untested"}
    assert document["verdict_line"].startswith("conformant")
    assert document["target"]["products"]["po"]["credentials_from"]
    junit, html = tmp_path / "junit.xml", tmp_path / "report.html"
    assert junit.is_file() and html.is_file()
    assert_no_secret_in(
        done.stdout,
        done.stderr,
        (tmp_path / "summary.json").read_text(),
        junit.read_text(),
        html.read_text(),
    )


def test_a_planted_fault_is_non_conformant_naming_its_rule(tmp_path):
    done = conformance_run(
        "--mock-fault",
        "gep-statuscode-as-number",
        "--api",
        "gep",
        "--profile",
        "smoke",
        "--report-dir",
        str(tmp_path),
    )
    assert done.returncode == 1, done.stdout[-3000:]
    document = summary_of(tmp_path)
    assert document["verdict"] == "non-conformant"
    assert "GEP-STATUSCODE-IS-STRING" in failed_rules(document)
    assert "FAILED (MUST)     GEP-STATUSCODE-IS-STRING" in done.stdout
    assert set(document["target"]["products"]) == {"gep"}
    rule = next(r for r in document["rules"] if r["id"] == "SMAT-UPSERT")
    assert rule["status"] == "skipped" and "not selected" in rule["reason"]
    evidence = next(r for r in document["rules"] if r["id"] == "GEP-STATUSCODE-IS-STRING")
    exchange = evidence["failures"][0]["exchanges"][0]
    assert exchange["request_headers"].get("Authorization") == "***"
    assert "$CONFORMANCE_GEP_TOKEN" in exchange["curl"]
    assert_no_secret_in(
        done.stdout, (tmp_path / "summary.json").read_text(), (tmp_path / "junit.xml").read_text()
    )


def test_an_unreachable_target_is_inconclusive_with_a_one_line_cause(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, **mock.DEMO_CREDENTIALS}
    done = conformance_run(
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--api",
        "po",
        "--report-dir",
        str(tmp_path),
        env=env,
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stdout + done.stderr
    cause = [line for line in done.stdout.splitlines() if "UNREACHABLE" in line]
    assert cause == [f"  UNREACHABLE [po] http://127.0.0.1:{port}: connection refused"
                     " — is the target running there?"]
    for name in ("summary.json", "junit.xml", "report.html"):  # all three, with the cause
        assert (tmp_path / name).is_file()
    document = summary_of(tmp_path)
    assert document["verdict"] == "inconclusive" and "po" in document["unreachable"]


def test_a_bad_option_is_a_usage_error_before_any_request(tmp_path):
    done = conformance_run("--base-url", "not-a-url", "--report-dir", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "conformance: --base-url: 'not-a-url' is not an http(s) URL"
        " — write it as https://host[:port][/prefix]"
    ]


def test_plain_pytest_under_xdist_gives_the_same_verdict(tmp_path):
    """The plugin's run with -n 2 folds the workers' outcomes into the verdict of a serial run."""
    env = {**os.environ, **mock.DEMO_CREDENTIALS}
    verdicts = []
    with start_in_thread(faults=("po-echo-swaps-po-numbers",)) as running:
        for workers in ([], ["-n", "2"]):
            report_dir = tmp_path / (workers[-1] if workers else "serial")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    *main_args(),
                    "--conformance-base-url",
                    running.base_url,
                    "--conformance-api",
                    "po",
                    "--conformance-profile",
                    "smoke",  # the items the workers share out; the CLI's -n test fuzzes
                    "--conformance-seed",
                    "3",
                    "--conformance-report-dir",
                    str(report_dir),
                    *workers,
                ],
                capture_output=True,
                text=True,
                timeout=180,
                env=env,
            )
            document = summary_of(report_dir)
            verdicts.append((done.returncode, document["verdict"], failed_rules(document)))
    assert verdicts[0] == verdicts[1]
    assert verdicts[0][:2] == (1, "non-conformant")
    assert "PO-ECHOES-IDENTIFIERS" in verdicts[0][2]


@pytest.mark.parametrize("variant", ["reference", "alternate"])
def test_both_latitude_variants_are_conformant_with_every_must_rule_tested(tmp_path, variant):
    """The mock's other reasonable choices (where the documents leave one) fail no rule, and
    every MUST rule is tested on its breaking side (--require-all would exit 6 otherwise)."""
    done = conformance_run(
        "--mock-variant", variant, "--seed", "5", "--require-all", "--report-dir", str(tmp_path)
    )
    document = summary_of(tmp_path)
    assert (done.returncode, document["verdict"]) == (0, "conformant"), failed_rules(document)
    assert document["untested_must"] == [] and document["verdict_line"] == "conformant"
    must = [r for r in document["rules"] if r["level"] == "MUST"]
    assert {r["status"] for r in must} == {"passed"}
