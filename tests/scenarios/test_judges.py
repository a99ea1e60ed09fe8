"""The judges on hand-made answers: every latitude choice passes, every violation is caught."""

import pytest
from judge_cases import BAD, GOOD, NOT_APPLICABLE, Case

from conformance.judges import Context, NotApplicable, evaluate, judge_names


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


@pytest.mark.parametrize("case", NOT_APPLICABLE, ids=[c.id for c in NOT_APPLICABLE])
def test_nothing_to_judge_is_not_a_failure(case):
    result = _judge(case)
    assert isinstance(result, NotApplicable) and result.reason


def test_every_judge_is_seen_failing():
    assert {c.judge for c in BAD} == judge_names()


def test_every_judge_is_seen_passing():
    assert {c.judge for c in GOOD} == judge_names()
