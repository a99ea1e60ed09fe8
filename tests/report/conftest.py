"""Fixtures of the report tests: a run of the reference target file and synthetic summaries.

Summaries are built by the real pipeline (verdict.judge_rules -> waivers -> summary.build) from
hand-made outcomes, so the reports are tested on the same documents a run writes.
"""

import datetime
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from report_support import KNOWN_SECRETS, outcomes_for
from run_support import FAILING_ARGS, conformance_run, output_of, summary_of

from conformance import summary
from conformance.catalog import load_rules
from conformance.report import waivers as waiver_module
from conformance.suite import settings as run_settings
from conformance.verdict import fold_verdict, judge_rules


@pytest.fixture
def run(tmp_path, monkeypatch):
    """RunSettings of targets/reference.toml on an address nothing listens on; demo secrets set."""
    for name, value in KNOWN_SECRETS.items():
        monkeypatch.setenv(name, value)
    return run_settings.build(
        target=None,
        base_url="http://127.0.0.1:9",
        api=None,
        profile="smoke",
        seed=42,
        report_dir=str(tmp_path / "reports"),
        default_report_dir=False,
    )


@pytest.fixture
def make_document(run):
    """make_document({rule id: status}, waivers=None, today=None) -> a summary.json document."""

    def make(statuses=None, waivers=None, today=None):
        outcomes = outcomes_for(load_rules(), statuses or {})
        results = judge_rules(load_rules(), outcomes, {})
        results, section = waiver_module.apply(
            results, waivers, today or datetime.date(2026, 11, 21)
        )
        verdict = fold_verdict(results, {})
        document = summary.build(
            run=run,
            results=results,
            verdict=verdict,
            outcomes=outcomes,
            unreachable={},
            suite_errors=[],
            started=0.0,
            item_seconds={},
        )
        if section is not None:
            document["waivers"] = section
        return document

    return make


@pytest.fixture(scope="session")
def failing_run(tmp_path_factory):
    """One CLI run against the embedded mock with a planted fault (PO answers 202), read back."""
    report_dir = tmp_path_factory.mktemp("failing-run")
    done = conformance_run(*FAILING_ARGS, "--report-dir", str(report_dir))
    assert done.returncode == 1, output_of(done)
    return SimpleNamespace(
        dir=report_dir,
        done=done,
        summary=summary_of(report_dir),
        html=(report_dir / "report.html").read_text(encoding="utf-8"),
        junit=ET.parse(report_dir / "junit.xml").getroot(),
    )
