"""The mock is the scenarios' first customer: every scenario passes against both correct variants.

A scenario may be skipped only for data the variant's target file leaves out, and the skip
message names that key, or where the variant's latitude shows nothing to judge ("not judged:",
e.g. a value holding only the sent events shows no sibling).
"""

import random

import pytest

from conformance.outcomes import Status
from conformance.scenarios import load_scenarios, run_scenario

SCENARIOS = load_scenarios()


@pytest.mark.parametrize("variant", ["reference", "alternate"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_passes_against_correct_mock(scenario, variant, mock_targets):
    outcomes = run_scenario(scenario, mock_targets[variant], random.Random(scenario.id))
    assert outcomes, "a scenario always reports on its rules"
    bad = [f"{o.rule_id} {o.status}: {o.message}" for o in outcomes
           if o.status not in (Status.PASSED, Status.SKIPPED)]
    assert not bad, "\n".join(bad)
    for outcome in outcomes:
        assert outcome.source_id == scenario.id
        if outcome.status is Status.SKIPPED:  # missing data, or a latitude that shows nothing
            assert ("needs " in outcome.message and ".data." in outcome.message) or (
                outcome.message.startswith("not judged: ")), outcome.message
