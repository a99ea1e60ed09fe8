"""Each custom check fails on a bad answer (naming its rule) and holds on a good one."""

import json
from types import SimpleNamespace

import pytest

from conformance.catalog import load_rules
from conformance.checks import CHECKS_OF_PRODUCT, RULES_OF_CHECK, RuleViolation, gep, inputs, judge
from conformance.checks import po as po_checks
from conformance.checks import smat as smat_checks

POR, CONTACT, ORG = (
    "updateProcessedPorStatus",
    "updateContactInterfaceStatus",
    "saveOrgEntityManagers",
)
PO, PPE = "modifyPurchaseOrder", "createUpdateProgressPayEvents"


def case(operation: str, body, media_type: str = "application/json", path_parameters=None):
    return SimpleNamespace(
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": operation})),
        body=body,
        media_type=media_type,
        path_parameters=path_parameters or {},
        id="c1",
    )


def answer(status: int, body, content_type: str = "application/json"):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(
        status_code=status, headers={"content-type": [content_type]}, content=content
    )


def envelope(code="200", errors=(), successes=()):
    return {
        "data": None,
        "statusCode": code,
        "errorDetails": list(errors),
        "successDetails": [{"key": k} for k in successes],
    }


REJECTED = envelope(
    "400",
    [
        {
            "key": "POR_INVALID",
            "errors": [{"errorCode": "DataValidation", "errorDescription": "Invalid Order Number"}],
        }
    ],
)
POR_BODY = {"model": [{"key": "48000061"}]}
PO_BODY = {"sourceTxnId": "T-1", "data": [{"poInternalNumber": "PO-1", "poExternalNumber": "X-1"}]}
PO_OK = {
    "poInternalNumber": "PO-1",
    "poExternalNumber": "X-1",
    "sourceTxnId": "T-1",
    "processStatus": "SUCCESS",
    "errors": [],
}
PPE_BODY = {"PPE": [{"AttpId": 10000143788, "OrderSeq": 4, "PpeCode": "FOUND"}]}
ODATA = {
    "@odata.context": "http://h/SMAT/V1/$metadata#x",
    "value": [{"AttpId": 10000143788, "PpeCode": "FOUND"}],
}

# check, operation, request body, good answer, bad answer
CASES = [
    (
        gep.gep_envelope_shape,
        POR,
        POR_BODY,
        answer(200, envelope(successes=["48000061"])),
        answer(200, {"statusCode": "200", "errorDetails": []}),
    ),
    (
        gep.gep_statuscode_is_string,
        POR,
        POR_BODY,
        answer(400, REJECTED),
        answer(400, {**REJECTED, "statusCode": 400}),
    ),
    (
        gep.gep_error_detail_shape,
        POR,
        POR_BODY,
        answer(400, REJECTED),
        answer(400, envelope("400", [{"key": "K", "errorCode": "X", "errorDescription": "Y"}])),
    ),
    (
        gep.gep_success_keys_were_sent,
        POR,
        POR_BODY,
        answer(200, envelope(successes=["48000061"])),
        answer(200, envelope(successes=["1"])),
    ),
    (
        gep.gep_no_key_both_succeeded_and_failed,
        CONTACT,
        [{"clientContactCode": "A"}],
        answer(200, envelope(errors=[{"key": "B", "errors": []}], successes=["A"])),
        answer(200, envelope(errors=[{"key": "A", "errors": []}], successes=["A"])),
    ),
    (
        gep.gep_json_response,
        ORG,
        [],
        answer(200, envelope()),
        answer(200, envelope(), "text/plain"),
    ),
    (
        gep.gep_success_answer,
        POR,
        POR_BODY,
        answer(200, envelope(successes=["48000061"])),
        answer(202, envelope("202", successes=["48000061"])),
    ),
    (
        gep.gep_rejection_answer,
        POR,
        POR_BODY,
        answer(200, REJECTED),
        answer(400, {**REJECTED, "statusCode": "200"}),
    ),
    (inputs.gep_no_server_error, POR, POR_BODY, answer(400, REJECTED), answer(500, b"boom")),
    (
        inputs.invalid_input_rejected,
        POR,
        {"model": [{"key": ""}]},
        answer(400, REJECTED),
        answer(200, envelope(successes=[""])),
    ),
    (
        po_checks.po_errors_shape,
        PO,
        PO_BODY,
        answer(200, PO_OK),
        answer(400, {**PO_OK, "processStatus": "FAILED", "errors": ["bad"]}),
    ),
    (
        po_checks.po_echoes_identifiers,
        PO,
        PO_BODY,
        answer(200, [PO_OK]),
        answer(200, {**PO_OK, "poExternalNumber": "PO-1"}),
    ),
    (
        po_checks.po_echoes_present,
        PO,
        PO_BODY,
        answer(201, PO_OK),
        answer(200, {"poInternalNumber": "PO-1", "errors": []}),
    ),
    (po_checks.po_json_response, PO, PO_BODY, answer(200, PO_OK), answer(200, PO_OK, "text/plain")),
    (po_checks.po_success_answer, PO, PO_BODY, answer(201, PO_OK), answer(202, PO_OK)),
    (
        po_checks.po_rejection_answer,
        PO,
        PO_BODY,
        answer(
            200,
            {
                **PO_OK,
                "processStatus": "FAILED",
                "errors": [{"errorCode": "E", "errorDesc": "no such PO"}],
            },
        ),
        answer(200, {**PO_OK, "processStatus": "FAILED", "errors": []}),
    ),
    (inputs.po_no_server_error, PO, PO_BODY, answer(405, {}), answer(503, b"")),
    (
        inputs.invalid_input_rejected,
        PO,
        {"data": [{"netPoAmount": "abc"}]},
        answer(400, {"errors": [{"errorCode": "E", "errorDesc": "netPoAmount"}]}),
        answer(200, PO_OK),
    ),
    (
        smat_checks.smat_odata_response,
        PPE,
        PPE_BODY,
        answer(200, ODATA),
        answer(200, {**ODATA, "@odata.context": "$metadata#x"}),
    ),
    (
        smat_checks.smat_json_response,
        PPE,
        PPE_BODY,
        answer(404, b"no such PO", "text/plain"),
        answer(200, ODATA, "text/html"),
    ),
    (
        smat_checks.smat_success_answer,
        PPE,
        PPE_BODY,
        answer(201, ODATA),
        answer(200, {**ODATA, "value": []}),
    ),
    (inputs.smat_no_server_error, PPE, PPE_BODY, answer(409, {}), answer(500, {})),
    (
        inputs.invalid_input_rejected,
        PPE,
        {"PPE": [{**PPE_BODY["PPE"][0], "OrderSeq": 100000}]},
        answer(422, {"error": {"code": "x", "message": "OrderSeq"}}),
        answer(200, ODATA),
    ),
]


def _id(entry) -> str:
    return f"{entry[0].__name__}-{entry[1]}"


@pytest.mark.parametrize(("check", "operation", "body", "good", "bad"), CASES, ids=map(_id, CASES))
def test_check_fails_on_a_bad_answer_and_holds_on_a_good_one(check, operation, body, good, bad):
    sent = case(operation, body)
    assert not check(None, good, sent)
    with pytest.raises(RuleViolation) as caught:
        check(None, bad, sent)
    rule = caught.value.rule_id
    assert rule in RULES_OF_CHECK[check.__name__]
    # the rule travels as rule_id; the message does not repeat it
    message = str(caught.value)
    assert message.startswith("Received: ") and " / Documented: " in message
    assert rule not in message


def test_every_check_has_a_case_and_rules_from_the_catalog():
    rules = load_rules()
    tested = {entry[0].__name__ for entry in CASES}
    for checks in CHECKS_OF_PRODUCT.values():
        for check in checks:
            assert check.__name__ in tested
            assert RULES_OF_CHECK[check.__name__]
            assert set(RULES_OF_CHECK[check.__name__]) <= set(rules)


@pytest.mark.parametrize(
    ("operation", "body", "rule"),
    [
        (
            ORG,
            [{"entityCode": "E" * 51, "managerCode": ["M"], "structureName": "S"}],
            "ORG-ENTITY-CODE-MAX-50",
        ),
        (
            ORG,
            [{"entityCode": "E", "managerCode": [], "structureName": "S"}],
            "ORG-MANAGER-MANDATORY",
        ),
        (
            ORG,
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "thresholdAmount": "abc",
                }
            ],
            "ORG-TYPES-ENFORCED",
        ),
        (CONTACT, [{"clientContactCode": "C", "interfaceStatus": ""}], "CONTACT-STATUS-MANDATORY"),
        (PO, {"authRequire": "Q"}, "PO-AUTHREQUIRE-Y-OR-N"),
        (
            PPE,
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "ABCDEFGHIJK"}]},
            "SMAT-PPECODE-MAX-10",
        ),
        (
            PPE,
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "LockedInd": "X"}]},
            "SMAT-INDICATORS-Y-OR-N",
        ),
        (PPE, {"PPE": [{"OrderSeq": 1, "PpeCode": "A"}]}, "SMAT-EVENT-FIELDS-MANDATORY"),
        (POR, {"model": [{"key": None}]}, "POR-KEY-MANDATORY"),
        (POR, {"model": "x"}, "POR-TYPES-ENFORCED"),
    ],
)
def test_accepted_forbidden_input_names_the_rule_of_the_broken_constraint(operation, body, rule):
    good = {PO: answer(200, PO_OK), PPE: answer(200, ODATA)}.get(operation, answer(200, envelope()))
    with pytest.raises(RuleViolation) as caught:
        inputs.invalid_input_rejected(None, good, case(operation, body))
    assert caught.value.rule_id == rule


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (CONTACT, [{"clientContactCode": 12345, "interfaceStatus": True}]),  # coercion latitude
        (CONTACT, []),  # an empty batch may be accepted
        (CONTACT, {}),
        (POR, {"model": {}}),
        (POR, {"model": None}),
        (
            ORG,
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "isDeleted": "true",
                    "orgEntities": [{"entityCode": "", "entityType": "T", "lobEntityCode": "L"}],
                }
            ],
        ),
        (PPE, {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": 12, "CostValue": 170.4}]}),
    ],
)
def test_latitude_is_not_judged_as_forbidden_input(operation, body):
    good = answer(200, ODATA) if operation == PPE else answer(200, envelope())
    assert inputs.invalid_input_rejected(None, good, case(operation, body)) is True


def test_xml_bodies_and_rejections_are_not_judged_field_by_field():
    xml_case = case(PO, {"authRequire": "Q"}, media_type="application/xml")
    assert inputs.invalid_input_rejected(None, answer(200, PO_OK), xml_case) is True
    gep_200_rejection = answer(200, REJECTED)  # a GEP rejection may be HTTP 200
    assert (
        inputs.invalid_input_rejected(None, gep_200_rejection, case(POR, {"model": [{"key": ""}]}))
        is None
    )


def test_judge_reports_only_the_checks_that_apply():
    results = judge(answer(200, envelope(successes=["48000061"])), case(POR, POR_BODY))
    names = {r.check for r in results}
    assert "gep_envelope_shape" in names and "gep_rejection_answer" not in names
    assert not any(r.failed for r in results)
    assert judge(answer(200, ODATA), case("unknownOperation", {})) == []
