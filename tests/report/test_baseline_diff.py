"""Baseline diff: rules that newly fail, were fixed, still fail or became skipped; the gate."""

import json

import pytest

from conformance.errors import UsageError
from conformance.report import baseline


def _summary(statuses: dict[str, str], verdict: str = "non-conformant") -> dict:
    levels = {"R-SHOULD": "SHOULD"}
    return {
        "verdict": verdict,
        "started_at": "2026-11-20T10:00:00Z",
        "seed": 7,
        "rules": [
            {"id": rule, "level": levels.get(rule, "MUST"), "status": status}
            for rule, status in statuses.items()
        ],
    }


def _ids(section, category):
    return [item["id"] for item in section[category]]


def test_each_change_lands_in_its_category():
    old = _summary(
        {"NEW": "passed", "FIXED": "failed", "STILL": "failed", "SKIP": "passed", "SAME": "passed"}
    )
    new = _summary(
        {"NEW": "failed", "FIXED": "passed", "STILL": "failed", "SKIP": "skipped", "SAME": "passed"}
    )
    section = baseline.diff(old, new, "old/summary.json")
    assert _ids(section, "new_failures") == ["NEW"]
    assert _ids(section, "fixed") == ["FIXED"]
    assert _ids(section, "still_failing") == ["STILL"]
    assert _ids(section, "newly_skipped") == ["SKIP"]
    assert section["file"] == "old/summary.json"
    assert section["new_failures"][0] == {
        "id": "NEW",
        "level": "MUST",
        "was": "passed",
        "now": "failed",
    }


def test_a_rule_missing_from_the_baseline_that_fails_is_new():
    section = baseline.diff(_summary({}), _summary({"ADDED": "failed"}))
    assert section["new_failures"][0]["was"] is None


def test_a_waived_rule_that_now_passes_is_fixed_and_a_warning_counts_as_failing():
    old = _summary({"W": "waived", "R-SHOULD": "warning"})
    new = _summary({"W": "passed", "R-SHOULD": "warning"})
    section = baseline.diff(old, new)
    assert _ids(section, "fixed") == ["W"]
    assert _ids(section, "still_failing") == ["R-SHOULD"]


def test_an_expired_waiver_makes_the_failure_new_again():
    section = baseline.diff(_summary({"R": "waived"}), _summary({"R": "failed"}))
    assert _ids(section, "new_failures") == ["R"]


def test_unchanged_rules_and_skipped_to_skipped_are_not_reported():
    section = baseline.diff(
        _summary({"A": "passed", "B": "skipped"}), _summary({"A": "passed", "B": "skipped"})
    )
    assert all(section[c] == [] for c in baseline.CATEGORIES)


@pytest.mark.parametrize(
    ("verdict", "new", "fail_on", "code"),
    [
        ("non-conformant", {"R": "failed"}, "failures", 1),
        ("conformant", {"R": "passed"}, "failures", 0),
        ("non-conformant", {"R": "failed"}, "new-failures", 1),  # R was passing: new
        ("non-conformant", {"OLD": "failed"}, "new-failures", 0),  # only still failing
        ("conformant", {"R-SHOULD": "warning"}, "new-failures", 0),  # SHOULD never fails
        ("inconclusive", {"R": "failed"}, "new-failures", 3),
    ],
)
def test_exit_code_with_and_without_the_new_failures_gate(verdict, new, fail_on, code):
    old = _summary({"R": "passed", "OLD": "failed", "R-SHOULD": "passed"})
    section = baseline.diff(old, _summary(new, verdict))
    assert baseline.exit_code(verdict, section, fail_on) == code


def test_the_new_failures_gate_needs_a_baseline():
    with pytest.raises(UsageError, match="--fail-on new-failures needs --baseline"):
        baseline.exit_code("non-conformant", None, "new-failures")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ('{"verdict": "conformant"}', "not a summary.json"),
        ('{"rules": [{"id": "X"}]}', "not a summary.json"),
    ],
)
def test_a_bad_baseline_file_is_one_line_naming_the_option(tmp_path, content, fragment):
    path = tmp_path / "summary.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as error:
        baseline.load(path)
    message = str(error.value)
    assert message.startswith(f"--baseline {path}:") and fragment in message
    assert "\n" not in message


def test_a_summary_from_a_real_run_loads(tmp_path, make_document):
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(make_document({"PO-SUCCESS-ANSWER": "failed"})), encoding="utf-8")
    old = baseline.load(path)
    section = baseline.diff(old, make_document({"PO-SUCCESS-ANSWER": "passed"}), str(path))
    assert _ids(section, "fixed") == ["PO-SUCCESS-ANSWER"]
