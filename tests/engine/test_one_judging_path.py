"""One judging path: the same answer gets the same judgement from a scenario and a generated case.

Each answer below goes through the scenario runner (a scenario whose expectations are the fuzz
side's (judge, rule) pairs, answered by a fake `send` with a requests.Response) and through the
fuzz side (`fuzz.judging`, fed a schemathesis-shaped case and response); every rule gets the
same status from both, and the status the documents' latitude says.
"""

import json
import random
from types import SimpleNamespace

import pytest
import requests

from conformance.catalog import (
    ANSWERED_RULE_OF_OPERATION,
    NO_SERVER_ERROR_RULE,
    PRODUCT_OF_OPERATION,
    routes,
)
from conformance.fuzz.judging import ANSWER_JUDGES, INPUT_JUDGE, breaches_of, context_of, judge_case
from conformance.judges import _JUDGES, Answer, Context, Failure, evaluate, judge_names
from conformance.judges.body import read_json, read_xml
from conformance.outcomes import SourceKind, Status
from conformance.scenarios import Expectation, Scenario, Step, run_scenario

POR, CONTACT, PO, SMAT = ("updateProcessedPorStatus", "updateContactInterfaceStatus",
                          "modifyPurchaseOrder", "createUpdateProgressPayEvents")
POR_SENT = {"model": [{"key": "A1"}]}
PO_SENT = {"sourceTxnId": "T1", "data": [{"poInternalNumber": "P1", "poExternalNumber": "X1"}]}
PO_OK = {"poInternalNumber": "P1", "poExternalNumber": "X1", "sourceTxnId": "T1",
         "processStatus": "SUCCESS", "errors": []}
EVENT = {"AttpId": 10000143788, "OrderSeq": 4, "PpeCode": "FOUND"}
SMAT_SENT = {"PPE": [EVENT]}


def envelope(code="200", errors=None, successes=("A1",), **extra):
    return {"data": None, "statusCode": code, "errorDetails": [] if errors is None else errors,
            "successDetails": [{"key": k} for k in successes], **extra}


def raw(value) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value).encode()


# id, operation, sent body, HTTP status, media type, body, {rule: expected status}
ANSWERS = [
    ("gep-null-error-details-on-success", POR, POR_SENT, 200, "application/json",
     envelope(errors=None) | {"errorDetails": None}, {"GEP-ENVELOPE-SHAPE": "passed",
                                                      "GEP-SUCCESS-ANSWER": "passed"}),
    ("gep-null-success-details-on-rejection", POR, POR_SENT, 400, "application/json",
     envelope("400", [{"key": "POR_INVALID", "errors": [
         {"errorCode": "DataValidation", "errorDescription": "Invalid Order Number"}]}], ())
     | {"successDetails": None}, {"GEP-ENVELOPE-SHAPE": "passed",
                                  "GEP-REJECTION-ANSWER": "passed"}),
    ("gep-body-without-data", POR, POR_SENT, 200, "application/json",
     {k: v for k, v in envelope().items() if k != "data"}, {"GEP-ENVELOPE-SHAPE": "passed"}),
    ("gep-body-without-success-details", POR, POR_SENT, 200, "application/json",
     {"data": None, "statusCode": "200", "errorDetails": []}, {"GEP-ENVELOPE-SHAPE": "failed"}),
    ("gep-success-key-other-case-and-blanks", POR, POR_SENT, 200, "application/json",
     envelope(successes=(" a1 ",)), {"GEP-SUCCESS-KEYS-WERE-SENT": "passed"}),
    ("gep-success-key-not-sent", POR, POR_SENT, 200, "application/json",
     envelope(successes=("B2",)), {"GEP-SUCCESS-KEYS-WERE-SENT": "failed"}),
    ("gep-integer-error-code", POR, POR_SENT, 400, "application/json",
     envelope("400", [{"key": "A1", "errors": [{"errorCode": 4, "errorDescription": "x"}]}], ()),
     {"GEP-ERROR-DETAIL-SHAPE": "failed", "GEP-REJECTION-ANSWER": "passed"}),
    ("gep-statuscode-number", POR, POR_SENT, 200, "application/json",
     envelope() | {"statusCode": 200}, {"GEP-STATUSCODE-IS-STRING": "failed"}),
    ("gep-bom-before-json", POR, POR_SENT, 200, "application/json",
     b"\xef\xbb\xbf" + raw(envelope()), {"GEP-JSON-RESPONSE": "failed"}),
    ("gep-404-from-a-gateway", CONTACT, [{"clientContactCode": "C1", "interfaceStatus": "x"}],
     404, "text/html", b"<h1>Not Found</h1>", {"GEP-ENVELOPE-SHAPE": "passed",
                                               "GEP-REJECTION-ANSWER": "passed"}),
    ("gep-500", POR, POR_SENT, 500, "text/plain", b"boom", {"GEP-NO-SERVER-ERROR": "failed"}),
    ("gep-accepted-forbidden-input", POR, {"model": [{"key": ""}]}, 200, "application/json",
     envelope(successes=()), {"POR-KEY-MANDATORY": "failed"}),
    ("gep-refused-forbidden-input", POR, {"model": [{"key": ""}]}, 400, "application/json",
     envelope("400", [{"key": "Validation", "errors": [
         {"errorCode": "MandatoryField", "errorDescription": "Key is mandatory"}]}], ()),
     {"POR-KEY-MANDATORY": "passed"}),
    ("po-process-status-invalid-without-errors", PO, PO_SENT, 200, "application/json",
     PO_OK | {"processStatus": "INVALID"}, {"PO-REJECTION-ANSWER": "failed",
                                            "PO-SUCCESS-ANSWER": "skipped"}),
    ("po-errors-with-null-desc", PO, PO_SENT, 200, "application/json",
     PO_OK | {"processStatus": "FAILED", "errors": [{"errorCode": "E1", "errorDesc": None}]},
     {"PO-ERRORS-SHAPE": "passed", "PO-REJECTION-ANSWER": "passed"}),
    ("po-errors-as-strings", PO, PO_SENT, 400, "application/json",
     PO_OK | {"processStatus": "FAILED", "errors": ["no such PO"]},
     {"PO-ERRORS-SHAPE": "failed"}),
    ("po-accepted-without-process-status", PO, PO_SENT, 200, "application/json",
     PO_OK | {"processStatus": None}, {"PO-ECHOES-PRESENT": "failed",
                                       "PO-ECHOES-IDENTIFIERS": "passed"}),
    ("po-rejected-without-echoes", PO, PO_SENT, 400, "application/json",
     {"errors": [{"errorCode": "E", "errorDesc": "bad"}]}, {"PO-ECHOES-PRESENT": "skipped"}),
    ("po-echo-with-blanks", PO, PO_SENT, 201, "application/json",
     PO_OK | {"poInternalNumber": " P1 "}, {"PO-ECHOES-IDENTIFIERS": "passed",
                                            "PO-SUCCESS-ANSWER": "passed"}),
    ("po-status-as-number", PO, PO_SENT, 200, "application/json",
     PO_OK | {"poStatus": 2, "processStatus": 0}, {"PO-ANSWER-FIELD-TYPES": "failed",
                                                   "PO-SUCCESS-ANSWER": "passed"}),
    ("po-fields-null-or-absent", PO, PO_SENT, 201, "application/json",
     [{"poInternalNumber": "P1", "poStatus": None, "processStatus": "SUCCESS"}],
     {"PO-ANSWER-FIELD-TYPES": "passed"}),
    ("po-4xx-wrapper-with-numbers", PO, PO_SENT, 400, "application/json",
     {"status": 400, "processStatus": 400}, {"PO-ANSWER-FIELD-TYPES": "skipped"}),
    ("smat-event-latitude", SMAT, SMAT_SENT, 200, "application/json",
     {"@odata.context": "$metadata#x", "value": [EVENT | {
         "AttpId": "10000143788", "CostValue": "170.4", "OrderSeq": 4.0, "PpeCode": "FOUND",
         "ShortDesc": None, "LockedInd": None, "PaidInd": "Y", "Extra": True}]},
     {"SMAT-ODATA-RESPONSE": "passed", "SMAT-INDICATORS-Y-OR-N": "passed"}),
    ("smat-event-id-not-numeric", SMAT, SMAT_SENT, 200, "application/json",
     {"@odata.context": "$metadata#x", "value": [EVENT, {"AttpId": "mutant", "PpeCode": "X"}]},
     {"SMAT-ODATA-RESPONSE": "failed", "SMAT-INDICATORS-Y-OR-N": "passed"}),
    ("smat-event-indicator-x", SMAT, SMAT_SENT, 200, "application/json",
     {"@odata.context": "$metadata#x", "value": [EVENT | {"DeliveryInd": "X"}]},
     {"SMAT-INDICATORS-Y-OR-N": "failed", "SMAT-ODATA-RESPONSE": "passed"}),
    ("smat-nan-cost-value", SMAT, SMAT_SENT, 200, "application/json",
     b'{"@odata.context": "$metadata#x", "value": [{"AttpId": 10000143788, "PpeCode": "FOUND",'
     b' "CostValue": NaN}]}', {"SMAT-JSON-RESPONSE": "failed", "SMAT-ODATA-RESPONSE": "failed"}),
    ("smat-relative-context", SMAT, SMAT_SENT, 201, "application/json",
     {"@odata.context": "$metadata#bindingParamater", "value": [EVENT]},
     {"SMAT-ODATA-RESPONSE": "passed", "SMAT-SUCCESS-ANSWER": "passed"}),
    ("smat-context-not-a-url", SMAT, SMAT_SENT, 200, "application/json",
     {"@odata.context": "the events", "value": [EVENT]}, {"SMAT-ODATA-RESPONSE": "failed"}),
    ("smat-json-under-text-plain", SMAT, SMAT_SENT, 409, "text/plain",
     raw({"error": {"code": "LOCKED", "message": "locked"}}), {"SMAT-JSON-RESPONSE": "failed"}),
]


def _requests_response(status: int, media: str, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body
    response.headers["Content-Type"] = media
    return response


def _fuzz_path(operation, sent, status, media, body) -> dict[str, str]:
    route = routes()[operation]
    case = SimpleNamespace(
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": operation})),
        body=sent, media_type="application/json", path_parameters={}, method=route.method,
    )
    response = SimpleNamespace(status_code=status, headers={"content-type": [media]},
                               content=body)
    return {v.rule_id: str(v.judgement.status) for v in
            judge_case(context_of(case, response), breaches_of(case))}, breaches_of(case)


def _scenario_path(operation, sent, status, media, body, breaches) -> dict[str, str]:
    product = PRODUCT_OF_OPERATION[operation]
    asked = [*ANSWER_JUDGES[product], ("no_server_error", NO_SERVER_ERROR_RULE[product])]
    asked += [(INPUT_JUDGE, b.rule_id) for b in breaches]
    step = Step("send", {"body": sent}, tuple(Expectation(j, (r,)) for j, r in asked))
    scenario = Scenario("same-answer", "The same answer", operation, product,
                        tuple(r for _, r in asked), "smoke", None, steps=(step,))
    target = SimpleNamespace(products={product: SimpleNamespace(
        product=product, data={"project": "P", "discipline": "D", "language": "EN", "po_id": 1},
        has_credentials=True, has_low_privilege=True)})

    def send(*_args, **_kwargs):
        from conformance.outcomes import Exchange

        return _requests_response(status, media, body), Exchange("X", "u", {}, None, status)

    outcomes = run_scenario(scenario, target, random.Random(1), send=send)
    statuses: dict[str, set[str]] = {}
    for outcome in outcomes:
        statuses.setdefault(outcome.rule_id, set()).add(str(outcome.status))
    return {rule: ("failed" if "failed" in s else "passed" if "passed" in s else min(s))
            for rule, s in statuses.items()}


@pytest.mark.parametrize("entry", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_the_same_answer_gets_the_same_judgement_on_both_paths(entry):
    _id, operation, sent, status, media, body, expected = entry
    fuzz, breaches = _fuzz_path(operation, sent, status, media, raw(body))
    scenario = _scenario_path(operation, sent, status, media, raw(body), breaches)
    answered_rule = ANSWERED_RULE_OF_OPERATION[operation]
    # an answer came: the answer rule holds; both paths record it where the request is sent
    # (the runner, `fuzz.judge_case`), outside the judges compared here
    assert scenario.pop(answered_rule) == "passed"
    for rule in set(scenario) | set(fuzz):
        # the fuzz side leaves out what a judge finds nothing to judge in (a scenario: skipped)
        assert scenario.get(rule) == fuzz.get(rule, "skipped"), rule
    for rule, status_expected in expected.items():
        assert scenario.get(rule, "skipped") == status_expected, rule


def test_a_nan_body_fails_the_json_rule_naming_the_literal():
    fuzz, _ = _fuzz_path(SMAT, SMAT_SENT, 200, "application/json", b'{"value": [NaN]}')
    assert fuzz["SMAT-JSON-RESPONSE"] == "failed"
    assert "NaN" in read_json(b'{"v": NaN}').problem
    assert "Infinity" in read_json(b"[-Infinity]").problem


def test_a_byte_order_mark_is_judged_the_same_everywhere_by_a_message_naming_it():
    ctx = Context("gep", POR, Answer(200, "application/json", b"\xef\xbb\xbf{}"), POR_SENT)
    assert "byte-order mark" in ctx.answer.json_problem and "RFC 8259" in ctx.answer.json_problem
    assert "byte-order mark" in ctx.answer.brief()
    from conformance.judges import apply

    judgement = apply("json_media_type", ctx)
    assert judgement.status is Status.FAILED and "byte-order mark" in judgement.message


def test_a_body_that_is_not_utf8_names_the_byte():
    assert "0xFF at offset 1" in read_json(b'"\xff"').problem


@pytest.mark.parametrize(
    ("content", "charset", "text"),
    [
        # the media type's charset wins over the XML declaration (RFC 7303 §3)
        ('<?xml version="1.0" encoding="UTF-8"?><a>\xe9</a>'.encode("latin-1"), "iso-8859-1",
         "\xe9"),
        # a byte-order mark wins over the charset parameter (RFC 7303 §3, unlike RFC 3023)
        (b"\xef\xbb\xbf<a>\xc3\xa9</a>", "iso-8859-1", "\xe9"),
        # without charset or BOM, the declaration decides
        ('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>'.encode("latin-1"), None,
         "\xe9"),
        (b"<a>\xc3\xa9</a>", None, "\xe9"),  # else UTF-8
    ],
)
def test_xml_is_decoded_in_rfc_7303_order(content, charset, text):
    assert read_xml(content, charset).value.text == text


def test_an_unreadable_xml_body_says_which_declaration_and_byte():
    problem = read_xml('<?xml version="1.0"?><a>\xe9</a>'.encode("latin-1")).problem
    assert "0xE9" in problem and "default" in problem
    assert "XML declaration" in read_xml(b'<?xml version="1.0" encoding="nope"?><a/>').problem


def test_501_to_an_undocumented_method_is_no_server_error_but_500_is():
    for method, status, expected in (("TRACE", 501, None), ("TRACE", 500, "failed"),
                                     ("PUT", 501, "failed")):
        case = SimpleNamespace(
            operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": POR})),
            body=None, media_type=None, path_parameters={}, method=method)
        response = SimpleNamespace(status_code=status, headers={}, content=b"")
        verdicts = {v.rule_id: str(v.judgement.status) for v in judge_case(
            context_of(case, response), [])}
        assert verdicts.get("GEP-NO-SERVER-ERROR") == (expected or "passed"), (method, status)


def test_a_judge_that_raises_is_a_suite_error_not_a_target_failure(monkeypatch):
    def explodes(ctx):
        raise KeyError("a bug of ours")

    judge_names()  # every judge registered before one is replaced
    monkeypatch.setitem(_JUDGES, ("gep_envelope", "gep"), explodes)
    step = Step("send", {"body": POR_SENT}, (Expectation("gep_envelope", ("GEP-ENVELOPE-SHAPE",)),))
    scenario = Scenario("boom", "A judge raises", POR, "gep", ("GEP-ENVELOPE-SHAPE",), "smoke",
                        None, steps=(step,))
    target = SimpleNamespace(products={"gep": SimpleNamespace(
        product="gep", data={}, has_credentials=True, has_low_privilege=True)})

    def send(*_args, **_kwargs):
        from conformance.outcomes import Exchange

        return _requests_response(200, "application/json", raw(envelope())), Exchange(
            "PUT", "u", {}, None, 200)

    outcomes = run_scenario(scenario, target, random.Random(1), send=send)
    (outcome,) = [o for o in outcomes if o.rule_id == "GEP-ENVELOPE-SHAPE"]
    assert outcome.status is Status.INCONCLUSIVE and outcome.source_kind is SourceKind.SUITE_ERROR
    assert "KeyError" in outcome.message and "Traceback" in outcome.message
    fuzz, _ = _fuzz_path(POR, POR_SENT, 200, "application/json", raw(envelope()))
    assert fuzz["GEP-ENVELOPE-SHAPE"] == "inconclusive"


def _case(operation, body, path_parameters=None):
    return SimpleNamespace(
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": operation})),
        body=body, media_type="application/json", path_parameters=path_parameters or {},
        method=routes()[operation].method)


ORG = "saveOrgEntityManagers"


@pytest.mark.parametrize(
    ("operation", "body", "rule"),
    [
        (ORG, [{"entityCode": "E" * 51, "managerCode": ["M"], "structureName": "S"}],
         "ORG-ENTITY-CODE-MAX-50"),
        (ORG, [{"entityCode": "E", "managerCode": [], "structureName": "S"}],
         "ORG-MANAGER-MANDATORY"),
        (ORG, [{"entityCode": "E", "managerCode": ["M"], "structureName": "S",
                "thresholdAmount": "abc"}], "ORG-TYPES-ENFORCED"),
        (CONTACT, [{"clientContactCode": "C", "interfaceStatus": ""}], "CONTACT-STATUS-MANDATORY"),
        (PO, {"authRequire": "Q"}, "PO-AUTHREQUIRE-Y-OR-N"),
        (SMAT, {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "ABCDEFGHIJK"}]},
         "SMAT-PPECODE-MAX-10"),
        (SMAT, {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "LockedInd": "X"}]},
         "SMAT-INDICATORS-Y-OR-N"),
        (SMAT, {"PPE": [{"OrderSeq": 1, "PpeCode": "A"}]}, "SMAT-EVENT-FIELDS-MANDATORY"),
        (POR, {"model": [{"key": None}]}, "POR-KEY-MANDATORY"),
        (POR, {"model": "x"}, "POR-TYPES-ENFORCED"),
    ],
)
def test_a_breach_is_attributed_to_the_rule_its_spec_place_maps_the_keyword_to(
        operation, body, rule):
    assert [b.rule_id for b in breaches_of(_case(operation, body))] == [rule]


def test_a_text_po_id_in_the_path_breaches_the_rule_the_parameter_maps():
    case = _case(SMAT, SMAT_SENT, {"key": "abc"})
    assert [b.rule_id for b in breaches_of(case)] == ["SMAT-UNKNOWN-PO-REJECTED"]


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (CONTACT, [{"clientContactCode": 12345, "interfaceStatus": True}]),  # coercion latitude
        (CONTACT, []),  # an empty batch may be accepted
        (POR, {"model": None}),
        (SMAT, {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": 12, "CostValue": 170.4}]}),
    ],
)
def test_latitude_is_no_breach(operation, body):
    assert breaches_of(_case(operation, body)) == []


def test_a_suite_error_outcome_reaches_the_runs_suite_errors_with_its_traceback():
    from conformance.outcomes import Outcome
    from conformance.suite.certification import Certification

    certification = Certification(config=None, run=None)
    outcome = Outcome("GEP-ENVELOPE-SHAPE", Status.INCONCLUSIVE, SourceKind.SUITE_ERROR,
                      "boom", POR, "suite error: judge 'x' raised KeyError\nTraceback ...", [],
                      "boom:send")
    report = SimpleNamespace(conformance_outcomes=[json.loads(json.dumps(outcome.to_dict()))],
                             nodeid="t::boom", duration=0.1, when="call", skipped=False,
                             failed=False)
    certification.pytest_runtest_logreport(report)
    (error,) = certification.suite_errors
    assert "GEP-ENVELOPE-SHAPE" in error and "Traceback" in error


def test_an_xml_echo_is_compared_with_what_the_xml_on_the_wire_could_carry():
    """A generated sourceTxnId with a character XML 1.0 cannot hold (U+0008) reaches the target
    without it; the target's echo of the wire value is no PO-ECHOES-IDENTIFIERS failure, while an
    echo that differs in a character XML carries still is."""
    operation = "modifyPurchaseOrder"
    case = SimpleNamespace(
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": operation})),
        body={"sourceTxnId": "Tx\bn-1\r\n", "authRequire": "N", "data": []},
        media_type="application/xml", path_parameters={}, method=routes()[operation].method)

    def echoes(txn: str) -> str:
        body = (f"<PoServiceResponses><PoServiceResponse><processStatus>SUCCESS</processStatus>"
                f"<sourceTxnId>{txn}</sourceTxnId></PoServiceResponse></PoServiceResponses>")
        response = SimpleNamespace(status_code=200, headers={"content-type": ["application/xml"]},
                                   content=body.encode())
        verdicts = judge_case(context_of(case, response), [])
        return next(str(v.judgement.status) for v in verdicts
                    if v.rule_id == "PO-ECHOES-IDENTIFIERS")

    assert echoes("Txn-1") == "passed"
    assert echoes("Tyn-1") == "failed"


@pytest.mark.parametrize("content_type", [
    "application/json; charset=utf-8, application/json",  # a repeated header, joined
    "application/json; charset=no-such-codec",
])
def test_an_odd_charset_is_read_not_raised(content_type):
    """A charset no codec knows, or a repeated Content-Type joined by a comma, is judged like any
    other answer: never a suite error."""
    answer = Answer.of(_requests_response(200, content_type, b"not json"))
    assert answer.text == "not json"


def test_key_messages_use_json_notation_and_the_keys_as_sent():
    """A stray success key is named in JSON notation, and the keys sent as the request wrote
    them (the comparison folds case and blanks; the message does not)."""
    from conformance.judges import evaluate

    answer = Answer.of(_requests_response(
        200, "application/json", raw(envelope(successes=("1",)))))
    ctx = Context("gep", "updateContactInterfaceStatus", answer,
                  [{"clientContactCode": "CC-2017.023662", "interfaceStatus": "Success"}])
    failure = evaluate("gep_success_keys_were_sent", ctx)
    assert failure.received == 'successDetails keys ["1"] that were not sent'
    assert failure.documented == 'only keys the request sent: ["CC-2017.023662"]'


@pytest.mark.parametrize("content, why", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"statusCode": ' + b"9" * 5000 + b"}", "digits"),
])
def test_a_body_python_cannot_read_is_not_json_and_no_stack_trace(content, why):
    """A hostile answer (200 KB of nesting, a 5,000-digit number) is judged unreadable JSON;
    the messages and the report's evidence show it as text instead of raising."""
    from conformance.judges.body import NOT_JSON, read_json
    from conformance.notation import shown_body
    from conformance.report.evidence import _pretty

    read = read_json(content)
    assert read.value is NOT_JSON and why in read.problem
    text = content.decode()
    assert shown_body(text).startswith(text[:10]) and _pretty(text).startswith(text[:10])


def _smat_answer(events: list[dict]) -> Answer:
    body = {"@odata.context": "$metadata#x", "value": events}
    return Answer(200, "application/json", json.dumps(body).encode())


def test_a_sibling_is_the_event_agreeing_on_every_identity_it_shows():
    """A target matching events by PpeCode alone holds a second event with the sibling's
    AttpId after a PpeCode change: that event is not the sibling, and the sibling itself kept
    its values (latitude: events may be matched by PpeId, AttpId or PpeCode). An update that
    did land on the sibling still fails."""
    sibling = {"AttpId": 7, "PpeId": 70, "PpeCode": "A", "ShortDesc": "kept"}
    sent = {"PPE": [{"AttpId": 8, "PpeId": 80, "PpeCode": "B", "ShortDesc": "new"}]}
    before = {"AttpId:7": sibling}
    other = {"AttpId": 7, "PpeId": 71, "PpeCode": "A2", "ShortDesc": "another record"}
    answer = _smat_answer([sibling, other, sent["PPE"][0]])
    ctx = Context("smat", "createUpdateProgressPayEvents", answer, sent, before=before)
    assert evaluate("siblings_unchanged", ctx) is None
    changed = _smat_answer([{**sibling, "ShortDesc": "overwritten"}, sent["PPE"][0]])
    ctx = Context("smat", "createUpdateProgressPayEvents", changed, sent, before=before)
    assert isinstance(evaluate("siblings_unchanged", ctx), Failure)
