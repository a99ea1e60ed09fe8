"""Smart Materials rules (document 004) on both variants: auth, fields, upsert, frozen data."""

import pytest
from mock_support import smat_event, smat_events


def _rejected(response) -> bool:
    return 400 <= response.status_code < 500


def _stored_attp_ids(client) -> set[int]:
    agreement = client.bodies.open_agreement()
    stored = client.store.agreement(agreement.project, agreement.discipline, agreement.language,
                                    agreement.po_id)
    return {e["AttpId"] for e in stored.events}


def test_no_or_wrong_bearer_token_gets_401(any_variant):
    for auth in ({}, {"Authorization": "Bearer nope"}):
        assert any_variant.smat([any_variant.bodies.new_event()], auth=auth).status_code == 401


def test_token_without_api_agreement_gets_403_and_changes_nothing(any_variant):
    new = any_variant.bodies.new_event()
    assert any_variant.smat([new], auth=any_variant.smat_no_agreement).status_code == 403
    assert new["AttpId"] not in _stored_attp_ids(any_variant)


def test_success_is_odata_with_an_absolute_or_relative_context(any_variant):
    response = any_variant.smat([any_variant.bodies.existing_event()])
    assert response.status_code == any_variant.variant.smat_success_http
    body = response.json()
    if any_variant.variant.smat_relative_context:  # OData JSON Format v4.0 §4.5.1
        assert body["@odata.context"] == "$metadata#bindingParamater"
    else:
        assert body["@odata.context"].startswith("http://127.0.0.1:")
    assert isinstance(body["value"], list)


@pytest.mark.parametrize("field", ["AttpId", "OrderSeq", "PpeCode"])
def test_event_without_a_required_field_is_rejected(any_variant, field):
    event = any_variant.bodies.new_event()
    del event[field]
    assert _rejected(any_variant.smat([event]))


@pytest.mark.parametrize("field,value,ok", [
    ("OrderSeq", 99999, True), ("OrderSeq", 100000, False), ("OrderSeq", "5", False),
    ("PpeCode", "A" * 10, True), ("PpeCode", "A" * 11, False), ("PpeCode", 1234567890, True),
    ("Description", "d" * 500, True), ("Description", "d" * 501, False),
    ("LockedInd", "X", False), ("PaidInd", "y", False), ("DeliveryInd", None, False),
    ("AttpId", "10000143788", False), ("PaymentPercent", "10", False),
    ("PaymentWeeks", "2", False), ("PaymentWeeks", 4, True),
    ("PlanCompletionDate", "2024-02-30", False),
    ("PlanCompletionDate", "2024-02-01T00:00:00Z", True),
    ("ShortDescription", "table spelling", True), ("CostValue", 170.4, True),
])
def test_event_field_rules(any_variant, field, value, ok):
    event = any_variant.bodies.new_event()
    event[field] = value
    response = any_variant.smat([event])
    assert (response.status_code in (200, 201)) == ok, response.text


def test_new_event_gets_defaults_and_an_assigned_ppe_id(any_variant):
    event = {"AttpId": 30000000099, "OrderSeq": 9, "PpeCode": "DEF"}
    created = smat_event(any_variant.smat([event]), 30000000099)
    assert {created[k] for k in ("LockedInd", "DeliveryInd", "ManualInd", "PaidInd")} == {"N"}
    assert created["PaymentPercent"] == 0
    assert isinstance(created["PpeId"], int)


def test_upsert_updates_existing_and_creates_new_in_one_call(any_variant):
    existing = any_variant.bodies.existing_event()
    existing["PaymentWeeks"] = 3
    new = any_variant.bodies.new_event()
    response = any_variant.smat([existing, new])
    assert smat_event(response, existing["AttpId"])["PaymentWeeks"] == 3
    assert smat_event(response, new["AttpId"])["PpeCode"] == new["PpeCode"]
    again = any_variant.smat([new])
    assert [e["AttpId"] for e in smat_events(again)].count(new["AttpId"]) == 1


def test_event_sent_twice_in_one_call_exists_once(any_variant):
    first, second = any_variant.bodies.new_event(), any_variant.bodies.new_event()
    second["PaymentWeeks"] = 8
    response = any_variant.smat([first, second])
    matching = [e for e in smat_events(response) if e["AttpId"] == first["AttpId"]]
    assert len(matching) == 1 and matching[0]["PaymentWeeks"] == 8


def test_approved_agreement_events_are_not_updated(any_variant):
    agreement = any_variant.bodies.approved_agreement()
    event = dict(agreement.events[0], Description="changed after approval", OrderSeq=77)
    response = any_variant.smat([event], agreement=agreement)
    if any_variant.variant.smat_frozen_as_2xx:
        kept = smat_event(response, event["AttpId"])
        assert kept["Description"] == agreement.events[0]["Description"]
        assert kept["OrderSeq"] == agreement.events[0]["OrderSeq"]
    else:
        assert response.status_code == 409


def test_locked_event_protected_fields_do_not_change(any_variant):
    locked = any_variant.bodies.locked_event()
    changed = dict(locked, Description="new text", PaymentPercent=99, OrderSeq=500)
    response = any_variant.smat([changed])
    if any_variant.variant.smat_frozen_as_2xx:
        kept = smat_event(response, locked["AttpId"])
        assert (kept["Description"], kept["PaymentPercent"], kept["OrderSeq"]) == (
            locked["Description"], locked["PaymentPercent"], locked["OrderSeq"])
    else:
        assert response.status_code == 409
    check = any_variant.smat([any_variant.bodies.locked_event()])
    assert smat_event(check, locked["AttpId"])["Description"] == locked["Description"]


def test_locked_event_unprotected_field_may_change(any_variant):
    locked = dict(any_variant.bodies.locked_event(), PaidInd="Y")
    response = any_variant.smat([locked])
    assert smat_event(response, locked["AttpId"])["PaidInd"] == "Y"


@pytest.mark.parametrize("where", ["po", "project"])
def test_unknown_po_or_environment_is_404(any_variant, where):
    event = any_variant.bodies.new_event()
    if where == "po":
        response = any_variant.smat([event], po_id=999999)
    else:
        agreement = any_variant.bodies.open_agreement()
        from dataclasses import replace
        response = any_variant.smat([event], agreement=replace(agreement, project="NOPE"))
    assert response.status_code == 404


def test_rejected_call_changes_nothing(any_variant):
    new, bad = any_variant.bodies.new_event(), any_variant.bodies.new_event(30000000002, "BAD")
    bad["OrderSeq"] = 123456
    before = _stored_attp_ids(any_variant)
    assert _rejected(any_variant.smat([new, bad]))
    assert _stored_attp_ids(any_variant) == before


def test_error_body_shape_follows_the_variant(any_variant):
    body = any_variant.smat({"PPE": "nope"}).json()
    if any_variant.variant.smat_error_shape == "odata":
        assert set(body["error"]) == {"code", "message"}
    else:
        assert isinstance(body["value"], str)


def test_value_holds_all_or_only_sent_events_per_variant(any_variant):
    response = any_variant.smat([any_variant.bodies.existing_event()])
    count = len(any_variant.bodies.open_agreement().events)
    expected = count if any_variant.variant.smat_value_all_events else 1
    assert len(smat_events(response)) == expected
