"""Generated bodies made realistic: the target's own identifiers, faker text, sane numbers.

Without this nearly every generated request is refused for an unknown code, and neither the
success paths nor the one constraint a negative case breaks are ever reached. The spec places a
case breaks (`fuzz.judging.breaches_of`) are left alone, so a negative case stays negative and
the breach is the only reason left to refuse it. Seeded by the run's seed and the body itself.
Every write then carries the run marker (`records.mark`), as scripted scenarios do.
"""

import copy
import json
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from faker import Faker

from conformance.fuzz.breaches import Breach, body_breaches
from conformance.fuzz.judging import breaches_of, operation_of
from conformance.records import mark

_FAKER = Faker()  # one instance, reseeded per body: building one costs milliseconds
KEEP_RAW = 0.25  # this share of bodies is sent as generated, junk and all (the marker aside)
_FREE_TEXT = ("description", "Description", "ShortDesc", "ShortDescription", "buyerName", "city")


class _Item:
    """One object of the body, with the JSON path the breaches are written in."""

    def __init__(self, value: dict, path: str, breached: set[str], rng: random.Random):
        self.value, self.path, self.breached, self.rng = value, path, breached, rng

    def free(self, field: str) -> bool:
        """The field is there and no breach lies at or below it."""
        where = f"{self.path}[{field!r}]"
        return field in self.value and not any(
            b == where or b.startswith(where + "[") for b in self.breached
        )

    def code(self, field: str, choices) -> None:
        if self.free(field) and isinstance(self.value[field], str):
            self.value[field] = (
                self.rng.choice(list(choices)) if not isinstance(choices, str) else choices
            )

    def codes(self, field: str, choices) -> None:
        value = self.value.get(field)
        if self.free(field) and isinstance(value, list) and value:
            self.value[field] = [self.rng.choice(list(choices)) for _ in value]

    def identifier(self, field: str) -> None:
        """A fresh integer id in place of a generated one (Hypothesis favours 0 and 1): a
        generated event names a record of its own, so cases do not queue behind each other
        for one made-up record (`records.case_record_keys`), and a vendor's system gets
        records that do not collide with each other."""
        value = self.value.get(field)
        if self.free(field) and isinstance(value, int) and not isinstance(value, bool):
            self.value[field] = self.rng.randrange(10**10, 2**53)

    def number(self, field: str, low: float, high: float) -> None:
        value = self.value.get(field)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if self.free(field) and is_number and not low <= value <= high:
            self.value[field] = type(value)(low + abs(value) % (high - low + 1))


def _por(item: _Item, data: Mapping) -> None:
    item.code("key", data["order_numbers"])
    item.code("status", data["por_status"])


def _contact(item: _Item, data: Mapping) -> None:
    item.code("clientContactCode", data["contact_codes"])
    item.code("interfaceStatus", data["interface_status"])


def _org(item: _Item, data: Mapping) -> None:
    structure = item.rng.choice(data["structures"])
    members = structure["org_entities"]
    known = [m["entity_code"] for m in members if m["entity_code"] in data["entity_codes"]]
    item.code("entityCode", known or data["entity_codes"])
    item.codes("managerCode", data["manager_codes"])
    item.code("currencyCode", data["currency_codes"])
    item.code("structureName", structure["name"])
    entities = item.value.get("orgEntities")
    if item.free("orgEntities") and isinstance(entities, list):
        for entity, member in zip(entities, members * len(entities), strict=False):
            if isinstance(entity, dict):
                for field, key in (
                    ("entityCode", "entity_code"),
                    ("entityType", "entity_type"),
                    ("lobEntityCode", "lob_entity_code"),
                ):
                    if isinstance(entity.get(field), str):
                        entity[field] = member[key]


def _po(item: _Item, data: Mapping) -> None:
    po = data["authorised_po"]
    for field, key in (
        ("poInternalNumber", "internal_number"),
        ("poExternalNumber", "external_number"),
    ):
        if item.free(field) or field not in item.value:
            item.value[field] = po[key]
    item.code("buyerId", data["buyer_id"])
    item.code("currency", data["currency"])


_EVENT_DATES = ("PlanCompletionDate", "PlanCompletiondate", "PaymentDate", "ActualPaymentDate")


def _event(item: _Item, data: Mapping) -> None:
    item.code("PpeCode", [f"E{item.rng.randrange(10**6)}"])
    item.identifier("AttpId")
    item.identifier("PpeId")
    moment = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=item.rng.randrange(3650))
    for field in _EVENT_DATES:
        item.code(field, [moment.isoformat()])
    item.number("OrderSeq", 0, 99_999)
    item.number("PaymentPercent", 0, 100)
    item.number("CostValue", 0, 1_000_000)
    item.number("PaymentWeeks", 0, 520)


def _items(operation: str, body) -> list[tuple[dict, str]]:
    """The objects a realiser works on, with their JSON paths."""
    if operation == "updateProcessedPorStatus" and isinstance(body, dict):
        body, prefix = body.get("model"), "$['model']"
    elif operation == "modifyPurchaseOrder" and isinstance(body, dict):
        body, prefix = body.get("data"), "$['data']"
    elif operation == "createUpdateProgressPayEvents" and isinstance(body, dict):
        body, prefix = body.get("PPE"), "$['PPE']"
    else:
        prefix = "$"
    if not isinstance(body, list):
        return []
    return [(item, f"{prefix}[{i}]") for i, item in enumerate(body) if isinstance(item, dict)]


REALISERS: dict[str, Callable[[_Item, Mapping], None]] = {
    "updateProcessedPorStatus": _por,
    "updateContactInterfaceStatus": _contact,
    "saveOrgEntityManagers": _org,
    "modifyPurchaseOrder": _po,
    "createUpdateProgressPayEvents": _event,
}


def _free_text(node, rng: random.Random, fake: Faker, breached: set[str], path: str = "$"):
    """Faker text, of the generated length, in description-like fields (not where breached)."""
    if isinstance(node, list):
        for i, value in enumerate(node):
            _free_text(value, rng, fake, breached, f"{path}[{i}]")
    elif isinstance(node, dict):
        for field, value in node.items():
            where = f"{path}[{field!r}]"
            if field in _FREE_TEXT and isinstance(value, str) and value and where not in breached:
                node[field] = fake.text(max_nb_chars=max(5, len(value)))[: len(value)].ljust(
                    len(value), "x"
                )
            else:
                _free_text(value, rng, fake, breached, where)


def realise(case, data: Mapping, seed: int, marker: str | None = None) -> list[Breach] | None:
    """Make the case's body realistic in place (three bodies in four; the rest stay raw), and
    put the run's `marker` in a free-text field of every write (`records.mark`), raw or not,
    outside the places the case breaks and within the documented maximum lengths; an event or
    POR item without one gets one (a null there is the generator's, not the case's point).

    Returns the case's breaches (`judging.breaches_of`), found before the body changed: the
    changes stay off the breached places and within the documented limits, so they are the
    realised case's too and its answer is judged by them without validating the body again
    (None when the body is no JSON value: nothing was looked at)."""
    if not isinstance(case.body, dict | list):
        return None
    rng = random.Random(f"{seed}:{json.dumps(case.body, sort_keys=True, default=str)}")
    operation = operation_of(case)
    found = breaches_of(case)
    breached = _breached(case, operation, found)
    body = copy.deepcopy(case.body)
    if rng.random() >= KEEP_RAW:
        realiser = REALISERS.get(operation)
        for value, path in _items(operation, body) if realiser else []:
            realiser(_Item(value, path, breached, rng), data)
        _FAKER.seed_instance(rng.getrandbits(32))
        _free_text(body, rng, _FAKER, breached)
    case.body = mark(operation, body, marker, breached=breached, add="absent-or-null")
    return found


def _breached(case, operation: str, found: list[Breach]) -> set[str]:
    """Where the body breaks the spec: an XML body is the same object as a JSON one (it is not
    judged field by field, but its breaking places are kept all the same)."""
    if "json" in (case.media_type or ""):
        return {b.where for b in found}
    return {b.where for b in body_breaches(operation, "application/json", case.body)}
