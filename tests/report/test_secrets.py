"""Secrets never leave the process: a run with known secret values leaves none of them behind.

A target file of our own points at a mock this test starts (with a planted fault, so that the
reports carry failures and their evidence); the credentials' environment variables hold the
mock's demo values, the only ones it accepts. Every file of the report directory and the whole
terminal output are scanned for each value.
"""

import os

import pytest
from run_support import SECRETS, conformance_run, output_of, secrets_in, summary_of

from conformance.contract_files import targets_dir
from conformance.mock import DEMO_CREDENTIALS
from conformance.mock.server import start_in_thread
from conformance.redaction import MASK

pytestmark = pytest.mark.slow


def _target_file(tmp_path, base_url: str):
    text = (targets_dir() / "reference.toml").read_text(encoding="utf-8")
    text = text.replace('name = "reference mock"', 'name = "secret scan"')
    text = text.replace('base_url = ""', f'base_url = "{base_url}"')
    path = tmp_path / "secret-scan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_secret_value_in_any_report_file_or_on_the_terminal(tmp_path):
    env = {**os.environ, **DEMO_CREDENTIALS}
    report_dir = tmp_path / "report"
    with start_in_thread(faults=("po-success-http-202", "smat-odata-context-not-a-url")) as mock:
        done = conformance_run(
            "--target",
            str(_target_file(tmp_path, mock.base_url)),
            "--profile",
            "smoke",
            "--seed",
            "9",
            "--report-dir",
            str(report_dir),
            env=env,
        )
    assert done.returncode == 1, output_of(done)
    document = summary_of(report_dir)
    assert document["target"]["name"] == "secret scan"
    assert document["counts"]["rules"]["passed"] > 0, "the credentials were accepted"
    files = sorted(p for p in report_dir.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"summary.json", "junit.xml", "report.html"}
    assert len(SECRETS) == len(DEMO_CREDENTIALS)
    found = {p.name: secrets_in(p.read_bytes()) for p in files}
    found["terminal"] = secrets_in(done.stdout, done.stderr)
    assert all(hits == [] for hits in found.values()), found
    assert f"Authorization: {MASK}" in (report_dir / "report.html").read_text(encoding="utf-8")
