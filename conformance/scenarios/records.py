"""Which of the target's records a scenario touches: the key that keeps two scenarios apart.

Scenarios run concurrently (`--concurrency`) only when they share no record key, so that every
scenario sees the target's state a serial run would have shown it. A key is a value of the
target's own data that a step's request carries (`{{data.…}}` placeholders, Smart Materials path
parameters included): the PO a modify names, the order number a status update names, the
structure and entity codes an org-manager save names, the agreement (PO) a progress-pay event
is posted to. Conservative: every data value counts, attributes (currency, status) too, so two
scenarios that only share an attribute also wait for each other. Values a scenario makes up
itself (`{{unknown…}}`) are its own and never shared; a scenario that carries no target datum
cannot write a record another scenario reads.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from conformance.scenarios import wire
from conformance.scenarios.model import Scenario
from conformance.scenarios.templating import MissingData, lookup, placeholders


def _scalars(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [str(value)]


def _expressions(scenario: Scenario) -> list[str]:
    found = []
    for step in scenario.steps:
        found += placeholders(step.request)
        if scenario.product == "smat":
            found += placeholders(wire.path_params(step.request))
    return found


def record_keys(scenario: Scenario, data: Mapping[str, Any] | None) -> frozenset[str]:
    """"product:value" for every target datum the scenario's requests carry.

    `data` is the product's `[PRODUCT.data]` table (None when the target lacks the product: the
    scenario is skipped and touches nothing). A datum the table lacks keys on its path, so that
    scenarios needing the same missing key stay apart too.
    """
    if data is None:
        return frozenset()
    keys = set()
    for expression in _expressions(scenario):
        head = expression.partition(":")[0]
        if not head.startswith("data."):
            continue
        try:
            value = lookup(data, head.removeprefix("data."), scenario.product)
        except (MissingData, ValueError):
            keys.add(f"{scenario.product}:{head}")
            continue
        keys.update(f"{scenario.product}:{v}" for v in _scalars(value))
    return frozenset(keys)


def groups(scenarios: Iterable[Scenario], keys_of) -> list[list[Scenario]]:
    """Scenarios joined (transitively) by a shared record key, each group in the given order;
    groups ordered by their first scenario. `keys_of(scenario)` -> its record keys."""
    ordered = list(scenarios)
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, scenario in enumerate(ordered):
        for key in sorted(keys_of(scenario)):
            if key in owner:
                a, b = root(owner[key]), root(index)
                parent[max(a, b)] = min(a, b)
            else:
                owner[key] = index
    joined: dict[int, list[Scenario]] = {}
    for index, scenario in enumerate(ordered):
        joined.setdefault(root(index), []).append(scenario)
    return [joined[r] for r in sorted(joined)]


# Generated cases: the fields naming a record whose earlier writes change a later answer, by
# the documents. Only Smart Materials' events: the same event is created or updated (upsert),
# frozen once locked or once its agreement is approved (SMAT-UPSERT, SMAT-LOCKED-FIELDS-FROZEN,
# SMAT-APPROVED-AGREEMENT-FROZEN), and is matched by any of the three keys. A GEP status update
# or org-manager save and a PO modify are answered on what they send and on records no request
# creates (a known order, contact, entity or PO), so their order does not change an answer.
STATEFUL_FIELDS = {"createUpdateProgressPayEvents": ("PpeId", "AttpId", "PpeCode")}


def case_record_keys(operation: str, body: Any) -> frozenset[str]:
    """"operation:field=value" for each record-naming field of a generated body: cases sharing
    one are sent in generation order, one after the other."""
    fields = STATEFUL_FIELDS.get(operation)
    if not fields:
        return frozenset()
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for name, value in node.items():
                if name in fields and not isinstance(value, Mapping | list):
                    keys.add(f"{operation}:{name}={value}")
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return frozenset(keys)
