"""Generated bodies get the target's identifiers, except where the case breaks the spec."""

import copy
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


MARKER = "conformance-run-9"


def marked_case(operation: str, body, seed: int, media_type: str = "application/json"):
    sent = case(operation, copy.deepcopy(body))
    sent.media_type = media_type
    realise(sent, DATA, seed, MARKER)
    return sent


def test_every_generated_write_carries_the_run_marker_raw_or_realised():
    body = {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "ShortDesc": "abc"}]}
    kinds = set()
    for seed in range(16):
        event = marked_case("createUpdateProgressPayEvents", body, seed).body["PPE"][0]
        kinds.add("raw" if event["PpeCode"] == "A" else "realised")
        assert event["ShortDesc"].startswith(f"{MARKER} ")
    assert kinds == {"raw", "realised"}


def test_po_and_por_writes_are_marked_in_json_and_in_xml():
    po = {"sourceTxnId": "t-1", "data": [{"poInternalNumber": "x", "filler2": "junk"}]}
    for media_type in ("application/json", "application/xml"):
        sent = marked_case("modifyPurchaseOrder", po, 3, media_type).body
        assert sent["sourceTxnId"] == f"{MARKER} t-1"  # the value kept whole after the marker
        assert sent["data"][0]["filler2"] == f"{MARKER} junk"
    por = {"model": [{"key": "k", "description": "d", "sourceSystemName": "s"}]}
    item = marked_case("updateProcessedPorStatus", por, 3).body["model"][0]
    assert item["sourceSystemName"].startswith(MARKER)
    assert not item["description"].startswith(MARKER)  # one field per record is enough


def test_the_marker_never_touches_the_field_a_case_breaks_nor_a_value_that_is_not_text():
    too_long = {"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "Description": "x" * 501}
    for extra in ({}, {"ShortDesc": "s"}, {"ShortDesc": 5}):
        body = {"PPE": [{**too_long, **extra}]}
        for seed in range(4):
            sent = marked_case("createUpdateProgressPayEvents", body, seed)
            event = sent.body["PPE"][0]
            assert event["Description"] == "x" * 501
            assert "SMAT-DESCRIPTION-MAX-500" in [b.rule_id for b in breaches_of(sent)]
            if extra.get("ShortDesc") == "s":  # faker's text of one character, or "s" raw
                assert event["ShortDesc"].startswith(f"{MARKER} ")
            elif "ShortDesc" in extra:
                assert event["ShortDesc"] == 5  # a number in a text field: left as generated


def test_the_marker_keeps_a_value_within_its_documented_maximum():
    """A Description of exactly 500 characters (the accepting side of the boundary) stays 500
    characters and accepted: the marker never turns an accepted case into a rejected one."""
    body = {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "Description": "y" * 500}]}
    for seed in range(4):
        sent = marked_case("createUpdateProgressPayEvents", body, seed)
        description = sent.body["PPE"][0]["Description"]
        assert description.startswith(MARKER) and len(description) == 500
        assert breaches_of(sent) == []
