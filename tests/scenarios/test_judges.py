"""The judges on hand-made answers: every latitude choice passes, every violation is caught."""

import pytest
from judge_cases import BAD, GOOD, Case

from conformance.scenarios.judges import Context, evaluate, judge_names


def _judge(case: Case):
    ctx = Context(case.product, case.operation, case.answer, case.sent, case.args, case.before)
    return evaluate(case.judge, ctx)


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_latitude_choice_is_accepted(case):
    assert _judge(case) is None


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_violation_is_caught_with_received_and_documented(case):
    failure = _judge(case)
    assert failure is not None
    assert failure.received and failure.documented


def test_every_judge_is_seen_failing():
    assert {c.judge for c in BAD} == judge_names()


def test_every_judge_is_seen_passing():
    assert {c.judge for c in GOOD} == judge_names()
