"""PO modify rules (document 002) on both variants: existing authorised POs, types, auth, XML."""

import defusedxml.ElementTree as SafeET
import pytest
from mock_support import po_accepted, po_answers, po_rejected


def _xml(client, po=None, *, root="PoModServiceCollection", extra="", wrapped=False) -> str:
    po = po or client.bodies.authorised_po()
    item = (f"<poInternalNumber>{po.internal_number}</poInternalNumber>"
            f"<poExternalNumber>{po.external_number}</poExternalNumber>"
            f"<netPoAmount>99.5</netPoAmount>{extra}")
    data = f"<data><item>{item}</item></data>" if wrapped else f"<data>{item}</data>"
    return f"<{root}><authRequire>N</authRequire><sourceTxnId>T-9</sourceTxnId>{data}</{root}>"


def test_authorised_po_is_modified_and_echoed(any_variant):
    body = any_variant.bodies.po()
    response = any_variant.po(body)
    assert po_accepted(response)
    assert response.status_code == any_variant.variant.po_success_http
    answer = po_answers(response)[0]
    sent = body["data"][0]
    assert answer["poInternalNumber"] == sent["poInternalNumber"]
    assert answer["poExternalNumber"] == sent["poExternalNumber"]
    assert answer["sourceTxnId"] == body["sourceTxnId"]
    assert answer["poStatus"] == "AUTHORISED"


def test_answer_is_one_object_or_a_list_per_variant(any_variant):
    body = any_variant.po(any_variant.bodies.po()).json()
    assert isinstance(body, list) == any_variant.variant.po_response_list


@pytest.mark.parametrize("numbers", [("NO-SUCH-PO", None), (None, "EXT-NO-SUCH")])
def test_po_that_does_not_exist_is_rejected(any_variant, numbers):
    body = any_variant.bodies.po()
    body["data"][0].update(poInternalNumber=numbers[0], poExternalNumber=numbers[1])
    assert po_rejected(any_variant.po(body))


def test_po_that_is_not_authorised_is_rejected(any_variant):
    assert po_rejected(any_variant.po(any_variant.bodies.po(any_variant.bodies.draft_po())))


@pytest.mark.parametrize("field,value", [
    ("netPoAmount", "abc"), ("taxPercent", True), ("basePoAmount", [1]), ("buyerName", 5),
    ("commodityList", "x"),
])
def test_mistyped_fields_are_rejected(any_variant, field, value):
    body = any_variant.bodies.po()
    body["data"][0][field] = value
    response = any_variant.po(body)
    assert po_rejected(response)
    assert response.status_code == any_variant.variant.po_invalid_input_http


@pytest.mark.parametrize("value", ["X", "yes", "", 1])
def test_auth_require_other_than_y_or_n_is_rejected(any_variant, value):
    body = any_variant.bodies.po()
    body["authRequire"] = value
    assert po_rejected(any_variant.po(body))


@pytest.mark.parametrize("value", ["Y", "N"])
def test_auth_require_y_or_n_is_accepted(any_variant, value):
    body = any_variant.bodies.po()
    body["authRequire"] = value
    assert po_accepted(any_variant.po(body))


@pytest.mark.parametrize("drop", ["Authorization", "userId", "appId"])
def test_missing_credentials_get_401(any_variant, drop):
    auth = {k: v for k, v in any_variant.po_auth.items() if k != drop}
    assert any_variant.po(any_variant.bodies.po(), auth=auth).status_code == 401


def test_read_only_token_gets_403(any_variant):
    response = any_variant.po(any_variant.bodies.po(), auth=any_variant.po_readonly)
    assert response.status_code == 403


@pytest.mark.parametrize("root", ["PoModServiceCollection", "request", "x"])
@pytest.mark.parametrize("wrapped", [False, True])
def test_xml_request_any_root_gets_an_xml_answer(any_variant, root, wrapped):
    response = any_variant.po_xml(_xml(any_variant, root=root, wrapped=wrapped))
    assert response.status_code == any_variant.variant.po_success_http
    assert response.headers["content-type"].startswith("application/xml")
    root_element = SafeET.fromstring(response.content)
    answer = root_element if root_element.find("processStatus") is not None else root_element[0]
    assert answer.findtext("processStatus") == "SUCCESS"
    assert answer.findtext("sourceTxnId") == "T-9"


def test_xml_request_with_json_accept_gets_json(any_variant):
    response = any_variant.po_xml(_xml(any_variant), accept="application/json")
    assert po_accepted(response)


def test_xml_number_field_with_text_is_rejected(any_variant):
    response = any_variant.po_xml(_xml(any_variant, extra="<taxAmount>abc</taxAmount>"))
    assert response.status_code == any_variant.variant.po_invalid_input_http
    SafeET.fromstring(response.content)


@pytest.mark.parametrize("xml", [
    '<!DOCTYPE a [<!ENTITY e "boom">]><a><sourceTxnId>&e;</sourceTxnId></a>',
    '<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://127.0.0.1:1/x.dtd"><a/>',
    "<a><data>", "not xml at all",
])
def test_xml_with_dtd_entities_or_broken_is_refused_without_expansion(any_variant, xml):
    response = any_variant.po_xml(xml)
    assert response.status_code == any_variant.variant.po_invalid_input_http
    assert b"boom" not in response.content
    SafeET.fromstring(response.content)


def test_unsupported_content_type_gets_415(any_variant):
    response = any_variant.po(any_variant.bodies.po(), content_type="text/csv")
    assert response.status_code == 415


def test_rejected_batch_modifies_nothing(any_variant):
    body = any_variant.bodies.po()
    body["data"].append(any_variant.bodies.po_item(any_variant.bodies.draft_po()))
    response = any_variant.po(body)
    assert po_rejected(response)
    assert all(a["processStatus"] == "FAILED" for a in po_answers(response))
    po = any_variant.bodies.authorised_po()
    assert any_variant.store.pos[po.internal_number].fields == {}
