"""Which scenarios and fuzzed products a run has: its products and its profile decide."""

from conformance.fuzz import load_schema
from conformance.scenarios import load_scenarios


def scenarios_for(run) -> list:
    """Scenarios of the products in the run, up to the run's profile, in a stable order."""
    chosen = [
        s
        for s in load_scenarios()
        if s.product in run.target.products and run.includes_profile(s.profile)
    ]
    return sorted(chosen, key=lambda s: s.id)


def fuzz_schema_for(run, product: str):
    """The product's schemathesis schema, or None when the run does not fuzz it."""
    if run is None or product not in run.target.products:
        return None
    return load_schema(run.target.products[product], run.profile, run.seed)
