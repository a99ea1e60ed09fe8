"""Scripted scenarios (specs/scenarios): cases as data, harness as code.

`load_scenarios()` reads and validates every scenario file; `run_scenario()` sends its steps to
a target and returns one `Outcome` per rule judged. The plugin makes one pytest item of each.
"""

from conformance.scenarios.loader import load_scenarios
from conformance.scenarios.model import Expectation, Scenario, Step
from conformance.scenarios.runner import run_scenario

__all__ = ["Expectation", "Scenario", "Step", "load_scenarios", "run_scenario"]
