"""GEP SMART rules (documents 000, 001, 003) hold on both correct variants, from both sides."""

import pytest
from mock_support import gep_accepted, gep_error_texts, gep_rejected, gep_success_keys


# ------------------------------------------------------------------ envelope, auth, media types
def test_envelope_shape_on_success(any_variant):
    response = any_variant.por(any_variant.bodies.por())
    body = response.json()
    assert set(body) == {"data", "statusCode", "errorDetails", "successDetails"}
    assert body["data"] == any_variant.variant.gep_data
    assert isinstance(body["statusCode"], str)
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    "auth", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}])
def test_requests_without_the_bearer_token_get_401(any_variant, auth):
    response = any_variant.send("PUT", "/SmartInterfaceAPI/api/Order/PORStatus",
                                any_variant.bodies.por(), headers=auth)
    assert response.status_code == 401
    assert response.json()["statusCode"] == "401"


def test_wrong_content_type_gets_415(any_variant):
    response = any_variant.contact(any_variant.bodies.contact(), content_type="text/plain")
    assert response.status_code == 415


def test_malformed_json_is_rejected_in_the_envelope(any_variant):
    response = any_variant.org(None, raw=b"[{\"entityCode\": ")
    assert gep_rejected(response)


# ------------------------------------------------------------------ 000 UpdateProcessedPORStatus
@pytest.mark.parametrize("key", [None, "", "   ", 48000061, ["x"]])
def test_por_key_missing_empty_or_not_text_is_rejected(any_variant, key):
    body = any_variant.bodies.por()
    body["model"][0]["key"] = key
    if key is None:
        del body["model"][0]["key"]
    assert gep_rejected(any_variant.por(body))


def test_por_unknown_order_is_rejected_with_the_documented_text(any_variant):
    response = any_variant.por(any_variant.bodies.por("99999999"))
    assert gep_rejected(response)
    assert any_variant.variant.message("Invalid Order Number") in gep_error_texts(response)


def test_por_success_lists_each_order_number(any_variant):
    orders = any_variant.seed.gep.order_numbers
    body = {"model": [any_variant.bodies.por(o)["model"][0] for o in orders]}
    response = any_variant.por(body)
    assert gep_accepted(response)
    assert gep_success_keys(response) == list(orders)


@pytest.mark.parametrize("model", [{"key": "x"}, "x", 5, True])
def test_por_model_that_is_not_a_list_is_rejected(any_variant, model):
    assert gep_rejected(any_variant.por({"model": model}))


def test_por_status_may_be_a_string_or_an_object(any_variant):
    body = any_variant.bodies.por()
    body["model"][0]["status"] = {"errorCode": "E1", "errorDescription": "failed in ERP"}
    assert gep_accepted(any_variant.por(body))


def test_empty_batch_follows_the_variant(any_variant):
    response = any_variant.por({"model": []})
    if any_variant.variant.empty_batch_accepted:
        assert gep_accepted(response) and gep_success_keys(response) == []
    else:
        assert gep_rejected(response)


# ------------------------------------------------------------- 001 UpdateContactInterfaceStatus
@pytest.mark.parametrize("field", ["clientContactCode", "interfaceStatus"])
@pytest.mark.parametrize("value", [None, "", " "])
def test_contact_mandatory_fields(any_variant, field, value):
    body = any_variant.bodies.contact()
    body[0][field] = value
    if value is None:
        del body[0][field]
    assert gep_rejected(any_variant.contact(body))


def test_contact_unknown_code_is_rejected(any_variant):
    assert gep_rejected(any_variant.contact(any_variant.bodies.contact("CC-0000.000000")))


def test_contact_body_must_be_a_list(any_variant):
    assert gep_rejected(any_variant.contact(any_variant.bodies.contact()[0]))


def test_contact_success_lists_every_code(any_variant):
    codes = any_variant.seed.gep.contact_codes
    response = any_variant.contact([any_variant.bodies.contact(c)[0] for c in codes])
    assert gep_accepted(response)
    assert gep_success_keys(response) == list(codes)


# ------------------------------------------------------------------ 003 SaveOrgEntityManagers
def _broken(client, change):
    item = client.bodies.org_item()
    change(item, client)
    return client.org([item])


ORG_BREAKS = {
    "entityCode missing": lambda i, c: i.pop("entityCode"),
    "entityCode empty": lambda i, c: i.update(entityCode=""),
    "entityCode 51 characters": lambda i, c: i.update(entityCode="E" * 51),
    "entityCode unknown": lambda i, c: i.update(entityCode="UNKNOWN-ENTITY"),
    "managerCode missing": lambda i, c: i.pop("managerCode"),
    "managerCode empty list": lambda i, c: i.update(managerCode=[]),
    "managerCode unknown": lambda i, c: i.update(managerCode=["NO-SUCH-MANAGER"]),
    "managerCode a string": lambda i, c: i.update(managerCode=c.seed.gep.manager_codes[0]),
    "managerCode null entry": lambda i, c: i.update(managerCode=[None]),
    "structureName missing": lambda i, c: i.pop("structureName"),
    "structureName empty": lambda i, c: i.update(structureName=""),
    "structureName unknown": lambda i, c: i.update(structureName="NO-SUCH-STRUCTURE"),
    "orgEntities of another structure": lambda i, c: i.update(
        structureName=list(c.seed.gep.structures)[1]),
    "currencyCode 4 characters": lambda i, c: i.update(currencyCode="USDX"),
    "currencyCode unknown": lambda i, c: i.update(currencyCode="XYZ"),
    "thresholdAmount text": lambda i, c: i.update(thresholdAmount="abc"),
    "orgEntities entityType missing": lambda i, c: i["orgEntities"][0].pop("entityType"),
    "orgEntities lobEntityCode empty": lambda i, c: i["orgEntities"][0].update(lobEntityCode=""),
    "orgEntities entityCode field absent": lambda i, c: i["orgEntities"][0].pop("entityCode"),
    "orgEntities entityType unknown": lambda i, c: i["orgEntities"][0].update(entityType="Nope"),
    "orgEntities lobEntityCode unknown": lambda i, c: i["orgEntities"][0].update(
        lobEntityCode="LOB-NONE"),
    "orgEntities not a list": lambda i, c: i.update(orgEntities={"entityCode": "x"}),
}


@pytest.mark.parametrize("name", ORG_BREAKS)
def test_org_rule_violation_is_rejected(any_variant, name):
    assert gep_rejected(_broken(any_variant, ORG_BREAKS[name]))


@pytest.mark.parametrize("value", [True, "true", "N"])
def test_org_is_deleted_may_be_boolean_or_string(any_variant, value):
    assert gep_accepted(_broken(any_variant, lambda i, c: i.update(isDeleted=value)))


def test_org_negative_threshold_is_no_server_error(any_variant):
    response = _broken(any_variant, lambda i, c: i.update(thresholdAmount=-5))
    assert response.status_code < 500


def test_org_success_lists_each_entity(any_variant):
    items = [any_variant.bodies.org_item(0), any_variant.bodies.org_item(1)]
    response = any_variant.org(items)
    assert gep_accepted(response)
    assert gep_success_keys(response) == [i["entityCode"] for i in items]


def test_org_documented_messages(ref):
    response = _broken(ref, ORG_BREAKS["entityCode 51 characters"])
    texts = gep_error_texts(response)
    assert "Max length for Entity Code is 50" in texts
    assert "Error occurred while saving OrgEntity Managers Information." in texts


# ------------------------------------------------------------------ mixed batches
def test_mixed_batch_whole_or_partial_never_both(any_variant):
    good = any_variant.bodies.contact(status="changed-by-test")[0]
    bad = {"clientContactCode": any_variant.seed.gep.contact_codes[1], "interfaceStatus": ""}
    response = any_variant.contact([good, bad])
    assert gep_rejected(response)
    success = set(gep_success_keys(response))
    errors = {e["key"] for e in response.json()["errorDetails"]}
    assert not success & errors
    stored = any_variant.store.contacts
    if any_variant.variant.gep_whole_batch:
        assert success == set()
        assert stored[good["clientContactCode"]] == any_variant.seed.gep.interface_status
    else:
        assert success == {good["clientContactCode"]}
        assert bad["clientContactCode"] in errors


def test_same_key_valid_and_invalid_is_never_both(alt):
    code = alt.seed.gep.contact_codes[0]
    response = alt.contact([{"clientContactCode": code, "interfaceStatus": "ok"},
                            {"clientContactCode": code, "interfaceStatus": ""}])
    assert gep_rejected(response)
    assert code not in gep_success_keys(response)
