"""Every success and error example of the five documents, replayed against the reference mock.

Ids are adapted only where a document uses "string" placeholders for keys; the comparison is
status, shape and keys (and the values the documents print).
"""

import json
import re
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "specs" / "documents"


def _examples(doc_prefix: str) -> list:
    """The JSON example after each "Scenario" / "Sample Body" / "Success Response" heading."""
    text = next(SEEDS.glob(f"{doc_prefix}_*.txt")).read_text(encoding="utf-8")
    sections = re.split(r"(?m)^.*(?:Scenario|Sample Body|Success Response).*$", text)[1:]
    return [_first_json(section) for section in sections]


def _first_json(section: str) -> object:
    section = section.replace("```", "")
    start = min(i for i in (section.find("{"), section.find("[")) if i >= 0)
    depth = 0
    for i in range(start, len(section)):
        depth += section[i] in "[{"
        depth -= section[i] in "]}"
        if depth == 0:
            return json.loads(re.sub(r"\s+", " ", section[start:i + 1]))
    raise ValueError("unbalanced example")


def _envelope_matches(response, documented: dict) -> None:
    body = response.json()
    assert response.headers["content-type"].startswith("application/json")
    assert set(body) == set(documented)
    assert body["statusCode"] == documented["statusCode"]
    assert body["data"] is documented["data"] is None
    keys = [e["key"] for e in body["errorDetails"]]
    assert keys == [e["key"] for e in documented["errorDetails"]]
    for got, want in zip(body["errorDetails"], documented["errorDetails"], strict=True):
        assert got["errors"][0] == want["errors"][0]
    assert body["successDetails"] == documented["successDetails"]


def test_every_document_example_is_found():
    assert [len(_examples(doc)) for doc in ("000", "001", "003", "004")] == [4, 4, 4, 2]


def test_por_status_success_example_with_its_order_number(ref):
    blocks = _examples("000")
    request, success = blocks[0], blocks[1]
    request["model"][0]["key"] = success["successDetails"][0]["key"]  # "string" -> 48000061
    response = ref.por(request)
    assert response.status_code == 200
    _envelope_matches(response, success)


def test_por_status_error_example_rejects_the_string_placeholder(ref):
    blocks = _examples("000")
    request, error = blocks[2], blocks[3]
    assert request["model"][0]["key"] == "string"
    response = ref.por(request)
    assert response.status_code == 400
    _envelope_matches(response, error)


def test_contact_success_example(ref):
    blocks = _examples("001")
    response = ref.contact(blocks[0])
    assert response.status_code == 200
    _envelope_matches(response, blocks[1])


def test_contact_error_example_empty_interface_status(ref):
    blocks = _examples("001")
    response = ref.contact(blocks[2])
    assert response.status_code == 400
    _envelope_matches(response, blocks[3])


def test_org_managers_success_example_succeeds_as_documented(ref):
    blocks = _examples("003")
    response = ref.org(blocks[0])
    assert response.status_code == 200
    _envelope_matches(response, blocks[1])


def test_org_managers_error_example_rejects_the_whole_batch(ref):
    blocks = _examples("003")
    assert "entityCode" not in blocks[2][0]
    response = ref.org(blocks[2])
    assert response.status_code == 400
    _envelope_matches(response, blocks[3])


def test_smat_sample_body_gets_the_sample_response(ref):
    blocks = _examples("004")
    request, sample = blocks[0], blocks[1]
    response = ref.smat(request)
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/Smat/V1/\$metadata#bindingParamater",
                        body["@odata.context"])
    by_attp = {e["AttpId"]: e for e in body["value"]}
    for documented in sample["value"]:
        assert by_attp[documented["AttpId"]] == documented


def test_smat_sample_url_spelling_smat_upper_case_is_served(ref):
    request = _examples("004")[0]
    agreement = ref.bodies.open_agreement()
    path = (f"/SMAT/V1/Projects('{agreement.project}')/Disciplines('{agreement.discipline}')"
            f"/Nls('{agreement.language}')/PurchaseOrders({agreement.po_id})"
            "/CreateUpdateProgressPayEvents")
    response = ref.send("POST", path, request, headers=ref.smat_auth)
    assert response.status_code == 200


@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
def test_po_modify_documented_response_fields(ref, accept):
    if accept == "application/json":
        response = ref.po(ref.bodies.po())
        body = response.json()
    else:
        po = ref.bodies.authorised_po()
        response = ref.po_xml(
            f"<PoModServiceCollection><authRequire>N</authRequire><sourceTxnId>TXN-0001"
            f"</sourceTxnId><data><poInternalNumber>{po.internal_number}</poInternalNumber>"
            f"<poExternalNumber>{po.external_number}</poExternalNumber><netPoAmount>10.5"
            f"</netPoAmount></data></PoModServiceCollection>")
        import defusedxml.ElementTree as ET

        root = ET.fromstring(response.content)
        body = {child.tag: child.text for child in root}
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    documented = {"buyerId", "poExternalNumber", "poInternalNumber", "poStatus",
                  "processStatus", "sourceTxnId"}
    assert documented <= set(body)
    assert body["poInternalNumber"] == ref.bodies.authorised_po().internal_number
    assert body["sourceTxnId"] == "TXN-0001"
    assert body["processStatus"] == "SUCCESS"
