"""A run interrupted by Ctrl-C keeps its reports, and its verdict says it is no verdict."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import mock
from conformance.mock.server import start_in_thread
from conformance.plugin import main_args

pytestmark = pytest.mark.slow


def test_interrupted_run_is_inconclusive_and_keeps_what_ran(tmp_path):
    env = {
        **os.environ,
        **mock.DEMO_CREDENTIALS,
        "INTERRUPT_AFTER": "5",
        "PYTHONPATH": str(Path(__file__).parent),
    }
    with start_in_thread() as running:
        done = subprocess.run(
            [
                sys.executable, "-m", "pytest", *main_args(),
                "--conformance-base-url", running.base_url,
                "--conformance-profile", "smoke",
                "--conformance-report-dir", str(tmp_path),
                "-p", "interrupt_after_items",
            ],
            capture_output=True, text=True, timeout=180, env=env,
        )  # fmt: skip
    assert done.returncode == 3, done.stdout[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["verdict"] == "inconclusive"
    (error,) = summary["suite_errors"]
    assert error.startswith("interrupted after 5 of ")
    assert summary["counts"]["outcomes"]  # what ran before the interrupt is kept
    assert (tmp_path / "junit.xml").is_file() and (tmp_path / "report.html").is_file()
    assert "verdict: INCONCLUSIVE" in done.stdout
