"""Waiver files: strict one-line errors; applied, expired, stale and unused waivers."""

import datetime

import pytest

from conformance.catalog import load_rules
from conformance.errors import UsageError
from conformance.report import waivers
from conformance.verdict import fold_verdict, judge_rules

TODAY = datetime.date(2026, 11, 21)
VALID = """\
target = "reference mock"

[[waiver]]
rule = "PO-SUCCESS-ANSWER"
reason = "vendor answers 202; fix promised in release 7.2 (ticket ACME-118)"
owner = "jane.doe@example.com"
expires = 2026-12-31

[[waiver]]
rule = "POR-MESSAGES"
reason = "texts localised"
owner = "ops"
expires = "2026-11-21"
"""


def _write(tmp_path, text):
    path = tmp_path / "waivers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path, target_name=None):
    return waivers.load(path, load_rules(), target_name)


def _entry(**overrides):
    fields = {
        "rule": '"PO-SUCCESS-ANSWER"',
        "reason": '"r"',
        "owner": '"o"',
        "expires": "2026-12-31",
    }
    fields.update(overrides)
    body = "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)
    return f"[[waiver]]\n{body}"


def test_a_valid_file_loads_with_dates_as_toml_dates_or_strings(tmp_path):
    loaded = _load(_write(tmp_path, VALID), "reference mock")
    assert loaded.target == "reference mock"
    assert [w.rule for w in loaded.waivers] == ["PO-SUCCESS-ANSWER", "POR-MESSAGES"]
    assert loaded.waivers[0].expires == datetime.date(2026, 12, 31)
    assert loaded.waivers[1].expires == TODAY
    assert not loaded.waivers[1].expired(TODAY)  # valid through its expiry day


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[waiver]\n", "not valid TOML"),
        ('owner = "x"\n', "unknown top-level key 'owner'"),
        ("waiver = 3\n", "waiver must be a list of [[waiver]] tables"),
        ('target = ""\n', "target must be the target's name"),
        (_entry(team='"x"'), "waiver #1 (rule PO-SUCCESS-ANSWER): unknown key 'team'"),
        (_entry(reason=None), "waiver #1 (rule PO-SUCCESS-ANSWER): reason is missing or empty"),
        (_entry(owner='"  "'), "owner is missing or empty"),
        (_entry(rule=None), "waiver #1: rule is missing or empty"),
        (_entry(expires=None), "expires is missing — add expires = 2026-12-31"),
        (_entry(expires='"next year"'), "expires = 'next year' is not a date"),
        (_entry(expires="2026-12-31T10:00:00"), "is not a date"),
        (_entry(rule='"NO-SUCH-RULE"'), "rule 'NO-SUCH-RULE' is not in the rule catalog"),
        (
            _entry() + _entry(),
            "waiver #2 (rule PO-SUCCESS-ANSWER): rule PO-SUCCESS-ANSWER is"
            " already waived by waiver #1",
        ),
    ],
)
def test_every_mistake_is_one_line_naming_file_entry_key_and_fix(tmp_path, text, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(UsageError) as error:
        _load(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and fragment in message, message
    assert "\n" not in message


def test_a_missing_file_names_the_option(tmp_path):
    with pytest.raises(UsageError, match="no such waiver file — check the path given to --waivers"):
        _load(tmp_path / "absent.toml")


def test_a_waiver_file_of_another_target_is_refused(tmp_path):
    with pytest.raises(
        UsageError,
        match="waivers are for target 'reference mock', this run certifies 'ACME staging'",
    ):
        _load(_write(tmp_path, VALID), "ACME staging")


def _results(statuses):
    from report_support import outcomes_for

    rules = load_rules()
    return judge_rules(rules, outcomes_for(rules, statuses), {})


def _file(tmp_path, *entries):
    return _load(_write(tmp_path, "".join(entries)))


def _status(results, rule_id):
    return next(r for r in results if r.rule.id == rule_id).status


def test_a_valid_waiver_turns_the_failure_into_waived_and_the_verdict_conformant(tmp_path):
    results = _results({"PO-SUCCESS-ANSWER": "failed"})
    assert fold_verdict(results, {}) == "non-conformant"
    waived, section = waivers.apply(results, _file(tmp_path, _entry()), TODAY)
    assert _status(waived, "PO-SUCCESS-ANSWER") == "waived"
    result = next(r for r in waived if r.rule.id == "PO-SUCCESS-ANSWER")
    assert result.failures, "the evidence stays with the waived rule"
    assert result.reason == "waived until 2026-12-31 (o): r"
    assert fold_verdict(waived, {}) == "conformant"
    assert section["entries"][0]["state"] == "applied"
    assert section["entries"][0]["rule_status"] == "failed"


def test_a_waived_should_warning_reads_waived_too(tmp_path):
    results = _results({"POR-MESSAGES": "failed"})
    assert _status(results, "POR-MESSAGES") == "warning"
    waived, _ = waivers.apply(results, _file(tmp_path, _entry(rule='"POR-MESSAGES"')), TODAY)
    assert _status(waived, "POR-MESSAGES") == "waived"


def test_an_expired_waiver_counts_as_a_failure_again(tmp_path):
    results = _results({"PO-SUCCESS-ANSWER": "failed"})
    waived, section = waivers.apply(results, _file(tmp_path, _entry(expires="2026-11-20")), TODAY)
    assert _status(waived, "PO-SUCCESS-ANSWER") == "failed"
    assert fold_verdict(waived, {}) == "non-conformant"
    assert section["entries"][0]["state"] == "expired"


def test_a_waiver_whose_rule_passes_is_reported_stale(tmp_path):
    waived, section = waivers.apply(_results({}), _file(tmp_path, _entry()), TODAY)
    assert _status(waived, "PO-SUCCESS-ANSWER") == "passed"
    assert section["entries"][0]["state"] == "stale"


def test_a_waiver_of_a_skipped_rule_is_unused_and_changes_nothing(tmp_path):
    results = _results({"PO-SUCCESS-ANSWER": "skipped"})
    waived, section = waivers.apply(results, _file(tmp_path, _entry()), TODAY)
    assert _status(waived, "PO-SUCCESS-ANSWER") == "skipped"
    assert section["entries"][0]["state"] == "unused"


def test_no_waiver_file_changes_nothing():
    results = _results({"PO-SUCCESS-ANSWER": "failed"})
    assert waivers.apply(results, None, TODAY) == (results, None)
