"""The plugin: inert outside a certification run; an item's outcomes decide its pytest result."""

import subprocess
import sys
from types import SimpleNamespace

from conformance.outcomes import Outcome, SourceKind, Status
from conformance.suite.certification import settle_report


def test_the_plugin_is_inert_in_an_ordinary_pytest_run(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_one():\n    assert True\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_plain.py"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout
    assert "1 passed" in done.stdout and "verdict" not in done.stdout
    assert not (tmp_path / "reports").exists()


def _report():
    return SimpleNamespace(passed=True, outcome="passed", longrepr=None)


def _run():
    from conformance.redaction import Redactor

    return SimpleNamespace(target=SimpleNamespace(redactor=lambda: Redactor({"tok-secret"})))


def _item():
    return SimpleNamespace(location=("test_certification.py", 9, "test_scenario[x]"))


def outcome(rule: str, status: Status, message: str = "") -> Outcome:
    return Outcome(rule, status, SourceKind.SCENARIO, "x", "op", message)


def test_a_must_failure_fails_the_item_with_its_redacted_message():
    report = _report()
    outcomes = [
        outcome("GEP-ENVELOPE-SHAPE", Status.FAILED, "Received: tok-secret"),
        outcome("POR-MESSAGES", Status.FAILED, "should only"),
    ]
    settle_report(report, outcomes, _run(), _item())
    assert report.outcome == "failed"  # the JUnit text: rule, citation, redacted message
    assert report.longrepr.startswith("GEP-ENVELOPE-SHAPE (MUST) ")
    assert "\n  Received: ***\n" in report.longrepr and "POR-MESSAGES" not in report.longrepr
    assert report.conformance_outcomes[0]["status"] == "failed"  # plain JSON for xdist
    assert "tok-secret" not in str(report.conformance_outcomes)


def test_a_should_failure_leaves_the_item_passed():
    report = _report()
    settle_report(report, [outcome("POR-MESSAGES", Status.FAILED)], _run(), _item())
    assert report.outcome == "passed"


def test_all_skipped_skips_the_item_with_the_reason():
    report = _report()
    settle_report(
        report, [outcome("PO-NOT-AUTHORIZED", Status.SKIPPED, "needs po.low")], _run(), _item()
    )
    assert report.outcome == "skipped"
    assert report.longrepr == ("test_certification.py", 10, "Skipped: needs po.low")


def test_only_inconclusive_skips_the_item_saying_so():
    report = _report()
    settle_report(
        report, [outcome("SMAT-UPSERT", Status.INCONCLUSIVE, "connection refused")], _run(), _item()
    )
    assert report.outcome == "skipped" and "inconclusive: connection refused" in report.longrepr[2]
