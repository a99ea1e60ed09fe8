"""One item per scripted scenario and one per fuzzed operation; each records its outcomes.

The items never raise for the target's behaviour: the plugin turns their outcomes into the
item's pass/fail/skip (`conformance.suite.certification.settle_report`) and into the verdict.
Requests go through the run's sending pool (`conformance.suite.concurrency`): a scenario item
reports what its scenario produced there, a fuzz item hands each generated case to it and the
plugin judges them, in generation order, when the item's test returns.
"""

import json
import random

from hypothesis import HealthCheck, settings

from conformance.plugin import current_run
from conformance.suite.selection import fuzz_schema_for

RUN = current_run()
_FUZZ_SETTINGS = settings(
    deadline=None, suppress_health_check=list(HealthCheck), database=None, print_blob=False
)


def test_scenario(conformance_scenario, conformance_sender, conformance_run,
                  conformance_recorder):
    if conformance_run.limits.dry_run:  # what it would send, from the scenario itself
        rng = random.Random(f"{conformance_run.seed}:{conformance_scenario.id}")
        plan(conformance_scenario, conformance_run.target, rng)
        return
    conformance_recorder(conformance_sender.scenario(conformance_scenario))


def plan(scenario, target, rng) -> None:
    from conformance.scenarios.runner import plan_scenario

    product = target.products.get(scenario.product)
    for request in plan_scenario(scenario, target, rng):
        body = json.dumps(request.body) if request.is_json else request.raw_body
        product.transport.plan({"method": request.method, "url": product.base_url + request.path,
                                "body": body, "source": scenario.id})


def _fuzzed(product: str):
    """schemathesis' parametrization for a fuzzed product; not collected when not fuzzed."""

    def decorate(test):
        schema = fuzz_schema_for(RUN, product)
        if schema is None:
            test.__test__ = False
            return test
        return schema.parametrize()(_FUZZ_SETTINGS(test))

    return decorate


@_fuzzed("gep")
def test_fuzz_gep(case, conformance_cases):
    conformance_cases("gep", case)


@_fuzzed("po")
def test_fuzz_po(case, conformance_cases):
    conformance_cases("po", case)


@_fuzzed("smat")
def test_fuzz_smat(case, conformance_cases):
    conformance_cases("smat", case)
