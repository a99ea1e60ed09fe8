"""Which scenarios and fuzzed products a run has: its products and its profile decide."""

from functools import cache

from conformance.fuzz import BUDGETS, OPERATIONS_OF_PRODUCT, load_schema
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
    """The product's schemathesis schema, or None when the run does not fuzz it: the product
    is not in the run, or the profile only replays documented examples and the product's spec
    has none (the PO document gives no example), which would be an item that runs nothing."""
    if run is None or product not in run.target.products:
        return None
    if BUDGETS[run.profile].phases == ("examples",) and not has_examples(product):
        return None
    return load_schema(run.target.products[product], run.profile, run.seed)


@cache
def has_examples(product: str) -> bool:
    """Whether any operation of the product's spec carries an `example`/`examples` (following
    local $refs)."""
    from conformance.checks.contract import load_spec

    spec = load_spec(product)  # read only

    def walk(node, seen: frozenset) -> bool:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
                target = spec
                for part in ref[2:].split("/"):
                    target = target.get(part, {}) if isinstance(target, dict) else {}
                return walk(target, seen | {ref})
            if node.get("example") is not None or node.get("examples"):
                return True
            return any(walk(v, seen) for v in node.values())
        if isinstance(node, list):
            return any(walk(v, seen) for v in node)
        return False

    operations = [
        op
        for item in (spec.get("paths") or {}).values()
        for op in (item or {}).values()
        if isinstance(op, dict) and op.get("operationId") in OPERATIONS_OF_PRODUCT[product]
    ]
    return walk(operations, frozenset())
