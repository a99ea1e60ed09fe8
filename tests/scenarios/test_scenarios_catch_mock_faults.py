"""Every planted fault of the mock makes a scenario fail with the fault's rule.

The mock's faults (conformance/mock/faults.py) are one realistic defect per rule family; a
scenario catalog that lets one of them pass has a hole. Only the scenarios naming the fault's
rule are run against the faulty mock, which keeps this under a few seconds per variant.
"""

import random

import pytest

from conformance.contract_files import targets_dir
from conformance.mock.faults import FAULTS
from conformance.outcomes import Status
from conformance.scenarios import load_scenarios, run_scenario
from conformance.target import load_target

SCENARIOS = load_scenarios()


@pytest.fixture(scope="module")
def faulty_mocks(mock_targets):  # mock_targets sets the demo credentials in the environment
    """One mock per variant serving every fault at once is not possible: one per fault instead."""
    from conformance.mock.server import start_in_thread, stop_all

    started = {}

    def start(fault: str, variant: str):
        mock = start_in_thread("127.0.0.1", 0, faults=(fault,), variant=variant)
        started[(fault, variant)] = mock
        file_name = "reference.toml" if variant == "reference" else "mock-alternate.toml"
        return load_target(targets_dir() / file_name, base_url=mock.base_url)

    yield start
    stop_all(started.values())


@pytest.mark.parametrize("variant", ["reference", "alternate"])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_fails_its_rule(fault, variant, faulty_mocks):
    target = faulty_mocks(fault.name, variant)
    failed = set()
    for scenario in (s for s in SCENARIOS if fault.rule in s.rules):
        outcomes = run_scenario(scenario, target, random.Random(scenario.id))
        failed |= {o.rule_id for o in outcomes if o.status is Status.FAILED}
        if fault.rule in failed:
            break
    assert fault.rule in failed, f"no scenario fails {fault.rule} with {fault.name} planted"
