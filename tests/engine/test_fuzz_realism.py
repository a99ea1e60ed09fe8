"""Generated bodies get the target's identifiers, except where the case breaks the spec."""

from types import SimpleNamespace

from conformance.fuzz import BUDGETS, load_schema
from conformance.fuzz.judging import breaches_of
from conformance.fuzz.realism import realise
from conformance.target import load_target

DATA = {
    "structures": [
        {
            "name": "Corporate",
            "org_entities": [
                {"entity_code": "E100", "entity_type": "Company", "lob_entity_code": "LOB1"}
            ],
        }
    ],
    "entity_codes": ["E100"],
    "manager_codes": ["M-1"],
    "currency_codes": ["USD"],
    "order_numbers": ["4500001234"],
    "por_status": "Processed",
}


def case(operation: str, body):
    return SimpleNamespace(
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": operation})),
        body=body,
        media_type="application/json",
        path_parameters={},
    )


def realised(operation: str, body, tries: int = 20):
    """The first seed that does not keep the body raw."""
    for seed in range(tries):
        sent = case(operation, body)
        realise(sent, DATA, seed)
        if sent.body != body:
            return sent
    raise AssertionError("never realised")


def test_identifiers_become_the_targets_and_structures_stay_consistent():
    body = [
        {
            "entityCode": "zz",
            "managerCode": ["q", "r"],
            "structureName": "s",
            "currencyCode": "ab",
            "orgEntities": [{"entityCode": "", "entityType": "t", "lobEntityCode": "l"}],
        }
    ]
    item = realised("saveOrgEntityManagers", body).body[0]
    assert item["entityCode"] == "E100" and item["managerCode"] == ["M-1", "M-1"]
    assert item["structureName"] == "Corporate" and item["currencyCode"] == "USD"
    assert item["orgEntities"] == [
        {"entityCode": "E100", "entityType": "Company", "lobEntityCode": "LOB1"}
    ]


def test_the_breached_field_is_left_alone_so_the_case_stays_negative():
    body = [{"entityCode": "x" * 51, "managerCode": ["q"], "structureName": "s"}]
    sent = realised("saveOrgEntityManagers", body)
    assert sent.body[0]["entityCode"] == "x" * 51 and sent.body[0]["structureName"] == "Corporate"
    assert [b.rule_id for b in breaches_of(sent)] == ["ORG-ENTITY-CODE-MAX-50"]


def test_numbers_outside_sane_ranges_are_folded_in_unless_breached():
    body = {"PPE": [{"AttpId": -5, "OrderSeq": 100000, "PpeCode": "", "PaymentPercent": 250.0}]}
    event = realised("createUpdateProgressPayEvents", body).body["PPE"][0]
    assert event["AttpId"] > 0 and 0 <= event["PaymentPercent"] <= 100
    assert event["OrderSeq"] == 100000  # the breach of SMAT-ORDERSEQ-MAX-99999 stays
    assert event["PpeCode"].startswith("E") and len(event["PpeCode"]) <= 10


def test_profiles_set_the_schemathesis_budget(write_target):
    from engine_support import product_table

    smat = load_target(write_target(product_table("smat", "http://127.0.0.1:9"))).products["smat"]
    assert BUDGETS["smoke"].phases == ("examples",)
    assert BUDGETS["deep"].max_examples > BUDGETS["standard"].max_examples
    schema = load_schema(smat, "standard", 5)
    operations = [op.ok().label for op in schema.get_all_operations()]
    assert len(operations) == 1 and "CreateUpdateProgressPayEvents" in operations[0]
    assert schema.config.seed == 5
