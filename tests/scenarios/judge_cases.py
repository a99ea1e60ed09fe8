"""Hand-made answers for the judges: each latitude choice a correct target may make (GOOD) and
each violation a judge must catch (BAD). Shared with the catalog's sanity test, which uses BAD to
show the broken side of the response-shape rules no client request can break.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from conformance.judges import Answer

POR = "updateProcessedPorStatus"
CONTACT = "updateContactInterfaceStatus"
ORG = "saveOrgEntityManagers"
PO = "modifyPurchaseOrder"
SMAT = "createUpdateProgressPayEvents"
PRODUCT = {POR: "gep", CONTACT: "gep", ORG: "gep", PO: "po", SMAT: "smat"}


@dataclass
class Case:
    id: str
    judge: str
    operation: str
    answer: Answer
    sent: Any = None
    args: dict[str, Any] = field(default_factory=dict)
    before: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def product(self) -> str:
        return PRODUCT[self.operation]


def js(status: int, body: Any, media: str = "application/json") -> Answer:
    return Answer(status, media, json.dumps(body))


def env(code: str = "200", errors=(), successes=(), data=None, **extra) -> dict:
    return {"data": data, "statusCode": code, "successDetails": [{"key": k} for k in successes],
            "errorDetails": [{"key": k, "errors": [{"errorCode": "DataValidation",
                                                    "errorDescription": d}]} for k, d in errors],
            **extra}


def xml(status: int, text: str, media: str = "application/xml") -> Answer:
    return Answer(status, media, text)


POR_SENT = {"model": [{"key": "A1"}]}
CONTACT_SENT = [{"clientContactCode": "C1", "interfaceStatus": "ok"},
                {"clientContactCode": "C2", "interfaceStatus": ""}]
ORG_SENT = [{"entityCode": "E1"}, {"entityCode": "E2"}]
ORG_KEYLESS_SENT = [{"entityCode": "E1"}, {"managerCode": ["M1"]}, {"entityCode": "E2"}]
PO_SENT = {"sourceTxnId": "T1", "data": [{"poInternalNumber": "P1", "poExternalNumber": "X1"}]}
PO_OK = {"poInternalNumber": "P1", "poExternalNumber": "X1", "sourceTxnId": "T1",
         "processStatus": "SUCCESS", "poStatus": "AUTHORISED", "errors": []}
PO_ERR = {**PO_OK, "processStatus": "FAILED",
          "errors": [{"errorCode": "PO404", "errorDesc": "PO not found"}]}
EVENT = {"AttpId": 9000000000001, "OrderSeq": 90001, "PpeCode": "ZZNEW00001",
         "Description": "new", "CostValue": 0}
SMAT_SENT = {"PPE": [EVENT]}
STORED = {**EVENT, "PpeId": 77, "PohId": 1, "Description": "new", "CostValue": 127.8,
          "PaymentPercent": 0, "LockedInd": "N", "DeliveryInd": "N", "ManualInd": "N",
          "PaidInd": "N"}
SIBLING = {"AttpId": 9000000000002, "PpeId": 78, "PpeCode": "ZZSIB00001", "OrderSeq": 7,
           "Description": "sibling", "LockedInd": "N"}
CONTEXT = "http://smat.example.invalid/SMAT/V1/$metadata#bindingParamater"


def odata(*events: dict, status: int = 200) -> Answer:
    return js(status, {"@odata.context": CONTEXT, "value": list(events)})


XML_OK = ("<PoServiceResponse><poInternalNumber>P1</poInternalNumber><sourceTxnId>T1"
          "</sourceTxnId><processStatus>SUCCESS</processStatus></PoServiceResponse>")
XML_ERR = ("<Answer><item><poInternalNumber>P1</poInternalNumber><processStatus>FAILED"
           "</processStatus><errors><errorCode>E1</errorCode><errorDesc>bad</errorDesc></errors>"
           "</item></Answer>")

GOOD = [
    # accepted is only "was it taken": the documented form of a success is success_answer's
    Case("gep-accepted-201", "accepted", POR, js(201, env(successes=["A1"])), POR_SENT),
    Case("gep-accepted-number-code", "accepted", POR,
         js(200, {**env(successes=["A1"]), "statusCode": 200}), POR_SENT),
    Case("gep-success-answer", "success_answer", POR, js(200, env(successes=["A1"])), POR_SENT),
    Case("po-accepted-plain-ok", "accepted", PO, Answer(200, "text/plain", "OK"), PO_SENT),
    Case("po-success-answer-201-list", "success_answer", PO, js(201, [PO_OK]), PO_SENT),
    Case("smat-accepted-204", "accepted", SMAT, Answer(204, "", ""), SMAT_SENT),
    Case("smat-success-answer-201", "success_answer", SMAT, odata(STORED, status=201), SMAT_SENT),
    # GEP: success and rejection as the documents show them, and every latitude choice
    Case("gep-accepted-data-null", "accepted", POR, js(200, env(successes=["A1"])), POR_SENT),
    Case("gep-accepted-data-object-errors-null", "accepted", POR,
         js(200, {**env(successes=["A1"], data={}), "errorDetails": None}), POR_SENT),
    Case("gep-rejected-200-with-400-envelope", "rejected", POR,
         js(200, env("400", [("POR_INVALID", "Invalid Order Number")])), POR_SENT),
    Case("gep-rejected-400", "rejected", POR, js(400, env("400", [("A1", "x")])), POR_SENT),
    Case("gep-rejected-415-text", "rejected", POR, Answer(415, "text/plain", "nope"), POR_SENT),
    Case("gep-rejected-422-problem", "rejected", POR,
         js(422, {"title": "bad"}, "application/problem+json"), POR_SENT),
    Case("gep-rejection-answer-category-key", "rejection_answer", POR,
         js(200, env("400", [("POR_INVALID", "Invalid Order Number")])), POR_SENT),
    Case("gep-rejection-answer-415", "rejection_answer", CONTACT, Answer(415, "", ""), []),
    Case("gep-rejection-answer-several-errors", "rejection_answer", ORG, js(400, {
        **env("400"), "errorDetails": [{"key": "Exception", "errors": [
            {"errorCode": "Exception", "errorDescription": "a"},
            {"errorCode": "MandatoryField", "errorDescription": "b"}]}]}), ORG_SENT),
    Case("gep-envelope-extra-field", "gep_envelope", POR, js(200, env(traceId="t")), POR_SENT),
    Case("gep-envelope-data-object", "gep_envelope", POR, js(200, env(data={})), POR_SENT),
    Case("gep-envelope-401-any-body", "gep_envelope", POR, Answer(401, "text/html", "<h1>"),
         POR_SENT),
    Case("gep-status-code-string", "gep_status_code_string", POR, js(200, env("200")), POR_SENT),
    Case("gep-error-details-shape", "gep_error_details_shape", ORG,
         js(400, env("400", [("Exception", "Error occurred")])), ORG_SENT),
    Case("gep-keys-equal-any-order", "gep_success_keys_equal_sent", ORG,
         js(200, env(successes=["E2", "E1"])), ORG_SENT),
    Case("gep-keys-were-sent-subset", "gep_success_keys_were_sent", ORG,
         js(200, env(successes=["E1"])), ORG_SENT),
    Case("gep-no-key-both-category", "gep_no_key_both", CONTACT,
         js(200, env("400", [("Validation", "x")], ["C1"])), CONTACT_SENT),
    Case("gep-batch-partial", "batch_outcome", CONTACT,
         js(200, env("200", [("C2", "Interface Status is mandatory")], ["C1"])), CONTACT_SENT,
         {"valid": ["C1"], "invalid": ["C2"]}),
    Case("gep-batch-whole-rejection", "batch_outcome", CONTACT,
         js(400, env("400", [("Validation", "Interface Status is Mandatory")])), CONTACT_SENT,
         {"valid": ["C1"], "invalid": ["C2"]}),
    Case("gep-batch-either-accepted", "batch_outcome", ORG, js(200, env(successes=["E1", "E2"])),
         ORG_SENT, {"valid": ["E1"], "either": ["E2"]}),
    Case("gep-batch-either-rejected-alone", "batch_outcome", ORG,
         js(200, env("200", [("E2", "OrgEntity/Entity Code is mandatory")], ["E1"])), ORG_SENT,
         {"valid": ["E1"], "either": ["E2"]}),
    Case("gep-batch-either-whole-batch", "batch_outcome", ORG,
         js(200, env("400", [("Exception", "Error occurred while saving")])), ORG_SENT,
         {"valid": ["E1"], "either": ["E2"]}),
    # an invalid item sent without a key ("" in `invalid`): partial success or whole rejection
    Case("gep-batch-keyless-invalid-whole-rejection", "batch_outcome", ORG,
         js(400, env("400", [("Exception", "Error occurred while saving")])), ORG_KEYLESS_SENT,
         {"valid": ["E1", "E2"], "invalid": [""]}),
    Case("gep-batch-keyless-invalid-partial", "batch_outcome", ORG,
         js(200, env("400", [("Validation", "Entity Code is mandatory")], ["E1", "E2"])),
         ORG_KEYLESS_SENT, {"valid": ["E1", "E2"], "invalid": [""]}),
    Case("gep-message-letter-case", "message_mentions", CONTACT,
         js(200, env("400", [("Validation", "Interface Status is Mandatory")])), CONTACT_SENT,
         {"text": "Interface Status is mandatory"}),
    Case("gep-message-white-space", "message_mentions", POR,
         js(400, env("400", [("k", "Key  is\n mandatory")])), POR_SENT,
         {"text": "Key is mandatory"}),
    Case("gep-message-generic-alternative", "message_mentions", ORG,
         js(400, env("400", [("Exception", "Error occurred while saving OrgEntity Managers "
                                           "Information.")])), ORG_SENT,
         {"text": ["Invalid Manager Code", "Error occurred while saving OrgEntity Managers "
                                           "Information."]}),
    Case("gep-some-rejected-partial", "some_rejected", CONTACT,
         js(200, env("200", [("C2", "x")], ["C1"])), CONTACT_SENT),
    Case("gep-empty-batch-accepted", "accepted_or_rejected", CONTACT, js(200, env()), []),
    Case("gep-empty-batch-rejected", "accepted_or_rejected", CONTACT,
         js(400, env("400", [("Validation", "empty")])), []),
    Case("json-problem-json", "json_media_type", SMAT,
         js(400, {"error": {"code": "x", "message": {"lang": "en", "value": "bad"}}},
            "application/problem+json"), SMAT_SENT),
    Case("json-401-text-html", "json_media_type", POR, js(401, {"a": 1}, "text/html"), POR_SENT),
    Case("json-text-error-body", "json_media_type", SMAT, Answer(400, "text/plain", "bad"),
         SMAT_SENT),
    Case("no-server-error-400", "no_server_error", PO, Answer(400, "", ""), PO_SENT),
    Case("auth-refused-401", "auth_refused", SMAT, Answer(401, "", ""), SMAT_SENT),
    Case("auth-refused-403-gateway", "auth_refused", PO, Answer(403, "text/html", "<p>"), PO_SENT),
    # PO: one response or a list, JSON or XML, 400 or 405, errors in a 200
    Case("po-accepted-200", "accepted", PO, js(200, PO_OK), PO_SENT),
    Case("po-accepted-201-list", "accepted", PO, js(201, [PO_OK]), PO_SENT),
    Case("po-accepted-xml", "accepted", PO, xml(200, XML_OK), PO_SENT),
    Case("po-rejected-400-wrapper", "rejected", PO, js(400, {"message": "bad"}), PO_SENT),
    Case("po-rejected-200-errors", "rejected", PO, js(200, PO_ERR), PO_SENT),
    Case("po-rejected-404", "rejected", PO, js(404, PO_ERR), PO_SENT),
    Case("po-rejected-xml-errors", "rejected", PO, xml(200, XML_ERR), PO_SENT),
    Case("po-rejection-answer-405", "rejection_answer", PO, Answer(405, "text/plain", "Invalid"),
         PO_SENT),
    Case("po-rejection-answer-201-errors", "rejection_answer", PO, js(201, [PO_ERR]), PO_SENT),
    Case("po-echoes-equal", "po_echoes_identifiers", PO, js(200, PO_OK), PO_SENT),
    Case("po-echoes-null-or-absent", "po_echoes_identifiers", PO,
         js(200, {"poInternalNumber": None, "processStatus": "SUCCESS"}), PO_SENT),
    Case("po-echoes-xml", "po_echoes_identifiers", PO, xml(200, XML_OK), PO_SENT),
    Case("po-echoes-present", "po_echoes_present", PO, js(200, PO_OK), PO_SENT),
    Case("po-errors-null", "po_errors_shape", PO, js(200, {**PO_OK, "errors": None}), PO_SENT),
    Case("po-errors-without-desc", "po_errors_shape", PO,
         js(400, {**PO_OK, "errors": [{"errorCode": "E", "errorDesc": None}]}), PO_SENT),
    Case("po-errors-list", "po_errors_shape", PO, js(400, PO_ERR), PO_SENT),
    Case("po-errors-xml", "po_errors_shape", PO, xml(200, XML_ERR), PO_SENT),
    # 002 types every PoServiceResponse field string (optional): absent, null, extra fields
    Case("po-answer-field-types-strings", "po_answer_field_types", PO, js(200, PO_OK), PO_SENT),
    Case("po-answer-field-types-null-absent-extra", "po_answer_field_types", PO,
         js(201, [{"poInternalNumber": "P1", "poStatus": None, "buyerId": None, "traceId": 7,
                   "details": {"a": 1}, "errors": None}]), PO_SENT),
    Case("po-answer-field-types-empty-object", "po_answer_field_types", PO, js(200, {}), PO_SENT),
    Case("po-xml-any-root", "xml_response", PO, xml(200, XML_OK.replace("PoServiceResponse",
                                                                         "Result")), PO_SENT),
    Case("po-xml-text-xml", "xml_response", PO, xml(200, XML_OK, "text/xml"), PO_SENT),
    # Smart Materials: OData answers, matching, derived CostValue, kept protected values
    Case("smat-accepted-201", "accepted", SMAT, odata(STORED, status=201), SMAT_SENT),
    Case("smat-rejected-409", "rejected", SMAT, js(409, {"value": "locked"}), SMAT_SENT),
    Case("smat-rejected-422-text", "rejected", SMAT, Answer(422, "text/plain", "no"), SMAT_SENT),
    Case("smat-rejected-403", "rejected", SMAT, Answer(403, "", ""), SMAT_SENT),
    Case("smat-odata-any-host", "odata_response", SMAT, odata(STORED), SMAT_SENT),
    # OData JSON Format v4.0 §4.5.1: a context URL may be relative to the service root
    Case("smat-odata-relative-context", "odata_response", SMAT,
         js(200, {"@odata.context": "$metadata#bindingParamater", "value": [STORED]}), SMAT_SENT),
    # every event field may be null or absent, extra fields allowed; numbers may be decimals; an
    # integer PpeCode may come back as a string; an Int64 id or a decimal may be a numeric
    # string (OData JSON Format v4.0 §3.2, IEEE754Compatible); dates are any string
    Case("smat-odata-fields-null-absent-extra", "odata_response", SMAT,
         odata({"AttpId": None, "PpeCode": None, "ShortDesc": None, "PaymentDate": None,
                "LockedInd": None, "Extra": [1, {"a": True}]}, {}), SMAT_SENT),
    Case("smat-odata-int64-and-decimal-as-numeric-strings", "odata_response", SMAT,
         odata({**STORED, "AttpId": "10000143788", "PpeId": "-5", "PohId": "8042",
                "DpId": "5020", "CostValue": "170.4", "PaymentPercent": "15",
                "PaymentWeeks": "2.5E1"}), SMAT_SENT),
    Case("smat-odata-ppecode-string-or-integer", "odata_response", SMAT,
         odata({**STORED, "PpeCode": "123"}, {**STORED, "PpeCode": 123, "AttpId": 1}), SMAT_SENT),
    Case("smat-odata-decimal-numbers", "odata_response", SMAT,
         odata({**STORED, "OrderSeq": 4.0, "AttpId": 10000143788.0, "CostValue": 170.4,
                "PaymentWeeks": 2, "PaymentPercent": 12.5}), SMAT_SENT),
    Case("smat-odata-dates-any-string", "odata_response", SMAT,
         odata({**STORED, "PlanCompletionDate": "2024-01-10T00:00:00+05:30",
                "PaymentDate": "2024-01-10", "ActualPaymentDate": "/Date(1704844800000)/"}),
         SMAT_SENT),
    Case("smat-odata-indicator-left-to-its-judge", "odata_response", SMAT,
         odata({**STORED, "LockedInd": "X"}), SMAT_SENT),
    Case("smat-value-indicators-y-n-null-absent", "value_indicators_y_or_n", SMAT,
         odata({**STORED, "LockedInd": "Y", "PaidInd": None},
               {"AttpId": 1, "PpeCode": "X1"}), SMAT_SENT),
    Case("smat-value-indicators-empty-value", "value_indicators_y_or_n", SMAT, odata(),
         SMAT_SENT),
    Case("smat-value-all-events", "value_holds_sent_events", SMAT,
         odata({**STORED, "AttpId": 1, "PpeCode": "OTHER", "PpeId": 1}, STORED), SMAT_SENT),
    Case("smat-value-ppecode-as-string", "value_holds_sent_events", SMAT,
         odata({**STORED, "PpeCode": "123"}), {"PPE": [{**EVENT, "PpeCode": 123}]}),
    Case("smat-value-attpid-as-string", "value_holds_sent_events", SMAT,
         odata({**STORED, "AttpId": str(EVENT["AttpId"]), "PpeCode": "X"}), SMAT_SENT),
    Case("smat-present-once", "event_present_once", SMAT, odata(STORED), SMAT_SENT),
    Case("smat-updated-cost-derived", "event_updated", SMAT, odata(STORED), SMAT_SENT,
         {"fields": ["Description", "CostValue"]}),
    Case("smat-updated-decimal-and-offset", "event_updated", SMAT,
         odata({**STORED, "OrderSeq": 90001.0, "PaymentDate": "2024-01-10T00:00:00+05:30"}),
         {"PPE": [{**EVENT, "PaymentDate": "2024-01-09T18:30:00Z"}]},
         {"fields": ["OrderSeq", "PaymentDate"]}),
    Case("smat-cannot-update-4xx", "cannot_update", SMAT, js(409, {"error": {"code": "LOCKED",
         "message": "locked"}}), SMAT_SENT, {"fields": ["Description"]}),
    Case("smat-cannot-update-kept-before", "cannot_update", SMAT,
         odata({**STORED, "Description": "old"}), {"PPE": [{**EVENT, "Description": "changed"}]},
         {"fields": ["Description"]}, {"AttpId:9000000000001": {**STORED, "Description": "old"}}),
    Case("smat-cannot-update-seeded-not-sent-value", "cannot_update", SMAT,
         odata({**STORED, "Description": "stored"}), SMAT_SENT, {"fields": ["Description"]}),
    Case("smat-cannot-update-not-shown", "cannot_update", SMAT, odata(), SMAT_SENT,
         {"fields": ["Description"]}),
    Case("smat-defaults-n", "event_defaults", SMAT, odata(STORED),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    # optional answer fields may be null: a null one is not stated, the others are judged
    Case("smat-defaults-some-null", "event_defaults", SMAT,
         odata({**STORED, "LockedInd": None, "PaymentPercent": None}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    Case("smat-updated-one-field-null", "event_updated", SMAT,
         odata({**STORED, "ShortDesc": None}), SMAT_SENT, {"fields": ["ShortDesc", "Description"]}),
    Case("smat-absent", "event_absent", SMAT, odata(STORED), SMAT_SENT,
         {"event": {"AttpId": 1, "PpeCode": "GONE"}}),
    Case("smat-sibling-kept", "siblings_unchanged", SMAT,
         odata(STORED, {**SIBLING, "OrderSeq": 7.0}), SMAT_SENT,
         before={"AttpId:9000000000002": SIBLING, "AttpId:9000000000001": STORED}),
]

BAD = [
    Case("gep-accepted-but-400-code", "accepted", POR, js(200, env("400")), POR_SENT),
    Case("gep-rejection-answer-200-code-with-errors", "rejection_answer", POR,
         js(200, env("200", [("A1", "Invalid Order Number")])), POR_SENT),
    Case("gep-success-answer-but-201", "success_answer", POR, js(201, env(successes=["A1"])),
         POR_SENT),
    Case("gep-success-answer-but-number-code", "success_answer", POR,
         js(200, {**env(), "statusCode": 200}),
         POR_SENT),
    Case("gep-accepted-but-errors", "accepted", POR, js(200, env("200", [("A1", "x")])), POR_SENT),
    Case("gep-rejected-but-success", "rejected", POR, js(200, env(successes=["A1"])), POR_SENT),
    Case("gep-rejection-answer-text-400", "rejection_answer", POR,
         Answer(400, "text/plain", "Bad Request"), POR_SENT),
    Case("gep-rejection-answer-no-errors", "rejection_answer", POR, js(200, env("400")), POR_SENT),
    Case("gep-envelope-missing-success-details", "gep_envelope", POR,
         js(200, {"data": None, "statusCode": "200", "errorDetails": []}), POR_SENT),
    Case("gep-envelope-list-body", "gep_envelope", POR, js(200, []), POR_SENT),
    Case("gep-envelope-error-details-string", "gep_envelope", POR,
         js(400, {**env("400"), "errorDetails": "bad"}), POR_SENT),
    Case("gep-status-code-number", "gep_status_code_string", POR,
         js(400, {**env(), "statusCode": 400}), POR_SENT),
    Case("gep-error-entry-without-errors", "gep_error_details_shape", POR,
         js(400, {**env("400"), "errorDetails": [{"key": "A1"}]}), POR_SENT),
    # "One or more errors": every document example carries one; an empty list names no cause
    Case("gep-error-entry-with-empty-errors", "gep_error_details_shape", CONTACT,
         js(200, {**env("400"), "errorDetails": [{"key": "C2", "errors": []}]}), CONTACT_SENT),
    Case("gep-error-without-description", "gep_error_details_shape", POR,
         js(400, {**env("400"), "errorDetails": [{"key": "A1", "errors": [{"errorCode": "X"}]}]}),
         POR_SENT),
    Case("gep-keys-equal-missing", "gep_success_keys_equal_sent", ORG,
         js(200, env(successes=["E1"])), ORG_SENT),
    Case("gep-keys-were-sent-stray", "gep_success_keys_were_sent", POR,
         js(200, env(successes=["48000061"])), POR_SENT),
    Case("gep-key-both-ways", "gep_no_key_both", CONTACT,
         js(200, env("200", [("C1", "x")], ["C1"])), CONTACT_SENT),
    Case("gep-batch-invalid-listed", "batch_outcome", CONTACT,
         js(200, env(successes=["C1", "C2"])), CONTACT_SENT, {"valid": ["C1"], "invalid": ["C2"]}),
    Case("gep-batch-partial-without-valid", "batch_outcome", ORG,
         js(200, env("200", [("E1", "x")], ["E2"])), ORG_SENT, {"valid": ["E1"], "either": ["E2"]}),
    Case("gep-batch-valid-batch-rejected", "batch_outcome", ORG,
         js(400, env("400", [("Exception", "x")])), ORG_SENT, {"valid": ["E1", "E2"]}),
    Case("gep-batch-keyless-invalid-listed-empty", "batch_outcome", ORG,
         js(200, env(successes=["E1", "", "E2"])), ORG_KEYLESS_SENT,
         {"valid": ["E1", "E2"], "invalid": [""]}),
    Case("gep-batch-nothing-listed-200", "batch_outcome", CONTACT, js(200, env("200")),
         CONTACT_SENT, {"valid": ["C1"], "invalid": ["C2"]}),
    Case("gep-message-other-text", "message_mentions", POR,
         js(400, env("400", [("A1", "Something failed")])), POR_SENT, {"text": "Key is mandatory"}),
    Case("gep-some-rejected-none", "some_rejected", CONTACT, js(200, env(successes=["C1"])),
         CONTACT_SENT),
    Case("json-under-text-plain", "json_media_type", POR, js(200, env(), "text/plain"), POR_SENT),
    Case("json-under-text-html", "json_media_type", SMAT, js(200, {"value": []}, "text/html"),
         SMAT_SENT),
    Case("server-error-500", "no_server_error", POR, js(500, env("500")), POR_SENT),
    Case("server-error-503", "no_server_error", SMAT, Answer(503, "", ""), SMAT_SENT),
    Case("auth-not-refused-200", "auth_refused", SMAT, odata(STORED), SMAT_SENT),
    Case("auth-not-refused-400", "auth_refused", PO, js(400, PO_ERR), PO_SENT),
    Case("empty-batch-500", "accepted_or_rejected", SMAT, Answer(500, "", ""), {"PPE": []}),
    Case("po-accepted-but-errors", "accepted", PO, js(200, PO_ERR), PO_SENT),
    Case("po-accepted-but-400", "accepted", PO, js(400, PO_OK), PO_SENT),
    Case("po-success-answer-but-not-json", "success_answer", PO, Answer(200, "text/plain", "OK"),
         PO_SENT),
    Case("po-accepted-but-xml-errors", "accepted", PO, xml(200, XML_ERR), PO_SENT),
    Case("po-rejected-but-success", "rejected", PO, js(200, PO_OK), PO_SENT),
    Case("po-rejection-answer-422", "rejection_answer", PO, js(422, PO_ERR), PO_SENT),
    Case("po-rejection-answer-422", "rejection_answer", PO,
         js(422, PO_ERR), PO_SENT),
    Case("po-rejection-answer-failed-status-without-errors", "rejection_answer", PO,
         js(200, {**PO_OK, "processStatus": "FAILED", "errors": []}), PO_SENT),
    Case("po-accepted-but-failed-status", "accepted", PO,
         js(200, {**PO_OK, "processStatus": "FAILED", "errors": []}), PO_SENT),
    Case("po-errors-xml-as-text", "po_errors_shape", PO,
         xml(200, XML_ERR.replace("<errorCode>E1</errorCode><errorDesc>bad</errorDesc>",
                                  "E1: bad")), PO_SENT),
    Case("po-echoes-absent-from-empty-list", "po_echoes_present", PO, js(200, []), PO_SENT),
    Case("po-echoes-other-number", "po_echoes_identifiers", PO,
         js(200, {**PO_OK, "poInternalNumber": "P2"}), PO_SENT),
    Case("po-echoes-other-txn", "po_echoes_identifiers", PO,
         js(200, {**PO_OK, "sourceTxnId": "T2"}), PO_SENT),
    Case("po-echoes-xml-other-number", "po_echoes_identifiers", PO,
         xml(200, XML_OK.replace(">P1<", ">P9<")), PO_SENT),
    Case("po-echoes-missing-status", "po_echoes_present", PO,
         js(200, {**PO_OK, "processStatus": None}), PO_SENT),
    Case("po-errors-string", "po_errors_shape", PO, js(200, {**PO_OK, "errors": "bad"}), PO_SENT),
    Case("po-errors-entry-without-code-or-desc", "po_errors_shape", PO,
         js(400, {**PO_OK, "errors": [{"code": "E"}]}), PO_SENT),
    Case("po-errors-code-number", "po_errors_shape", PO,
         js(400, {**PO_OK, "errors": [{"errorCode": 4, "errorDesc": "x"}]}), PO_SENT),
    Case("po-answer-status-as-number", "po_answer_field_types", PO,
         js(200, {**PO_OK, "poStatus": 2, "processStatus": 0}), PO_SENT),
    Case("po-answer-process-status-decimal", "po_answer_field_types", PO,
         js(200, {**PO_OK, "processStatus": 1.0}), PO_SENT),
    Case("po-answer-buyer-id-boolean", "po_answer_field_types", PO,
         js(200, {**PO_OK, "buyerId": True}), PO_SENT),
    Case("po-answer-ref-no-object-in-a-list", "po_answer_field_types", PO,
         js(201, [PO_OK, {**PO_OK, "poTransactionRefNo": {"value": "R1"}}]), PO_SENT),
    Case("po-answer-echo-as-number", "po_answer_field_types", PO,
         js(200, {**PO_OK, "poInternalNumber": 4500}), PO_SENT),
    Case("po-answer-errors-listed-in-a-200-status-number", "po_answer_field_types", PO,
         js(200, {**PO_ERR, "poStatus": 5}), PO_SENT),
    Case("po-xml-but-json", "xml_response", PO, js(200, PO_OK), PO_SENT),
    Case("po-xml-broken", "xml_response", PO, xml(200, "<PoServiceResponse><po"), PO_SENT),
    Case("smat-accepted-but-400", "accepted", SMAT, js(400, {"error": {}}), SMAT_SENT),
    Case("smat-success-answer-but-204", "success_answer", SMAT, Answer(204, "", ""), SMAT_SENT),
    Case("smat-rejected-but-200", "rejected", SMAT, odata(STORED), SMAT_SENT),
    Case("smat-odata-context-not-a-url", "odata_response", SMAT,
         js(200, {"@odata.context": "progress pay events", "value": [STORED]}), SMAT_SENT),
    Case("smat-odata-context-missing", "odata_response", SMAT, js(200, {"value": [STORED]}),
         SMAT_SENT),
    Case("smat-odata-no-value", "odata_response", SMAT, js(200, {"@odata.context": CONTEXT}),
         SMAT_SENT),
    Case("smat-odata-value-object", "odata_response", SMAT,
         js(200, {"@odata.context": CONTEXT, "value": STORED}), SMAT_SENT),
    # ProgressPayEventState's types: what the latitude does not allow
    Case("smat-odata-attpid-not-numeric", "odata_response", SMAT,
         odata({**STORED, "AttpId": "mutant"}), SMAT_SENT),
    Case("smat-odata-orderseq-text", "odata_response", SMAT,
         odata(STORED, {**STORED, "AttpId": 1, "OrderSeq": "four"}), SMAT_SENT),
    Case("smat-odata-cost-value-boolean", "odata_response", SMAT,
         odata({**STORED, "CostValue": True}), SMAT_SENT),
    Case("smat-odata-ppeid-boolean", "odata_response", SMAT,
         odata({**STORED, "PpeId": False}), SMAT_SENT),
    Case("smat-odata-ppecode-boolean", "odata_response", SMAT,
         odata({**STORED, "PpeCode": True}), SMAT_SENT),
    Case("smat-odata-percent-not-numeric-text", "odata_response", SMAT,
         odata({**STORED, "PaymentPercent": "12,5%"}), SMAT_SENT),
    Case("smat-odata-weeks-object", "odata_response", SMAT,
         odata({**STORED, "PaymentWeeks": {"value": 2}}), SMAT_SENT),
    Case("smat-odata-projid-number", "odata_response", SMAT,
         odata({**STORED, "ProjId": 12345}), SMAT_SENT),
    Case("smat-odata-short-desc-number", "odata_response", SMAT,
         odata({**STORED, "ShortDesc": 1.5}), SMAT_SENT),
    Case("smat-odata-date-number", "odata_response", SMAT,
         odata({**STORED, "ActualPaymentDate": 1704844800000}), SMAT_SENT),
    Case("smat-value-indicator-x", "value_indicators_y_or_n", SMAT,
         odata(STORED, {**STORED, "AttpId": 1, "ManualInd": "X"}), SMAT_SENT),
    Case("smat-value-indicator-number", "value_indicators_y_or_n", SMAT,
         odata({**STORED, "PaidInd": 12345}), SMAT_SENT),
    Case("smat-value-indicator-lower-case", "value_indicators_y_or_n", SMAT,
         odata({**STORED, "DeliveryInd": "y"}), SMAT_SENT),
    Case("smat-value-indicator-boolean", "value_indicators_y_or_n", SMAT,
         odata({**STORED, "LockedInd": True}), SMAT_SENT),
    Case("smat-value-missing-event", "value_holds_sent_events", SMAT,
         odata({**STORED, "AttpId": 1, "PpeCode": "OTHER", "PpeId": 1}), SMAT_SENT),
    Case("smat-duplicated", "event_present_once", SMAT,
         odata(STORED, {**STORED, "PpeId": 78}), SMAT_SENT),
    Case("smat-reinserted-under-new-ppe-id", "event_present_once", SMAT,
         odata({**STORED, "PpeId": 78}), {"PPE": [{**EVENT, "PpeId": 77}]}),
    Case("smat-not-updated", "event_updated", SMAT, odata({**STORED, "Description": "old"}),
         SMAT_SENT, {"fields": ["Description"]}),
    Case("smat-locked-changed", "cannot_update", SMAT,
         odata({**STORED, "Description": "changed"}),
         {"PPE": [{**EVENT, "Description": "changed"}]}, {"fields": ["Description"]},
         {"AttpId:9000000000001": {**STORED, "Description": "old"}}),
    Case("smat-seeded-locked-changed", "cannot_update", SMAT,
         odata({**STORED, "Description": "fresh"}), {"PPE": [{**EVENT, "Description": "fresh"}]},
         {"fields": ["Description"]}),
    Case("smat-cannot-update-500", "cannot_update", SMAT, Answer(500, "", ""), SMAT_SENT,
         {"fields": ["Description"]}),
    # the answer writes PaidInd (on the other event): null on the new one is its stored value
    Case("smat-default-null-where-written", "event_defaults", SMAT,
         odata(SIBLING | {"PaidInd": "N"}, {**STORED, "PaidInd": None}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]},
         {"fields": ["PaidInd"]}),
    Case("smat-default-locked-y", "event_defaults", SMAT, odata({**STORED, "LockedInd": "Y"}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    Case("smat-default-empty", "event_defaults", SMAT, odata({**STORED, "PaidInd": ""}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    Case("smat-default-percent-10", "event_defaults", SMAT,
         odata({**STORED, "PaymentPercent": 10}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    Case("smat-sibling-changed", "siblings_unchanged", SMAT,
         odata(STORED, {**SIBLING, "Description": "overwritten"}), SMAT_SENT,
         before={"AttpId:9000000000002": SIBLING}),
    Case("smat-refused-event-present", "event_absent", SMAT, odata(STORED), SMAT_SENT,
         {"event": {"AttpId": EVENT["AttpId"], "PpeCode": "ZZNEW00001"}}),
]

CAUGHT_BY = {(case.judge, case.product) for case in BAD}

# Answers that give the expectation nothing to judge: the shape or message of a rejection when
# nothing was rejected. The rule the target broke fails through its own `rejected` expectation.
NOT_APPLICABLE = [
    # an empty data list accepted with nothing done, answered with no PoServiceResponse
    Case("po-echoes-empty-data-empty-answer", "po_echoes_present", PO, js(200, []),
         {"sourceTxnId": "T1", "data": []}),
    # the case is about PaidInd: a stated PaymentPercent default earns it nothing
    Case("smat-defaults-field-not-stated", "event_defaults", SMAT,
         odata({**STORED, "PaidInd": None}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]},
         {"fields": ["PaidInd"]}),
    Case("smat-defaults-absent", "event_defaults", SMAT,
         odata({"AttpId": EVENT["AttpId"], "PpeCode": "ZZNEW00001", "PaymentPercent": None}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    # optional answer fields may be null (Java and .NET serialisers write nulls): not stated
    Case("smat-defaults-null-not-stated", "event_defaults", SMAT,
         odata({**STORED, "LockedInd": None, "DeliveryInd": None, "ManualInd": None,
                "PaidInd": None, "PaymentPercent": None}),
         {"PPE": [{"AttpId": EVENT["AttpId"], "OrderSeq": 1, "PpeCode": "ZZNEW00001"}]}),
    # a field sent and answered absent or null states nothing: nothing to compare
    Case("smat-updated-fields-not-stated", "event_updated", SMAT,
         odata({**STORED, "Description": None}), SMAT_SENT, {"fields": ["Description"]}),
    Case("smat-siblings-not-shown", "siblings_unchanged", SMAT, odata(STORED), SMAT_SENT,
         before={"AttpId:9000000000002": SIBLING}),
    Case("gep-rejection-answer-of-an-acceptance", "rejection_answer", POR,
         js(200, env(successes=["A1"])), POR_SENT),
    Case("gep-message-of-an-acceptance", "message_mentions", CONTACT,
         js(200, env(successes=["C1"])), CONTACT_SENT, {"text": "Interface Status is mandatory"}),
    Case("po-rejection-answer-of-an-acceptance", "rejection_answer", PO, js(200, PO_OK), PO_SENT),
    Case("po-rejection-answer-of-a-5xx", "rejection_answer", PO, js(500, PO_OK), PO_SENT),
    Case("po-message-of-an-acceptance", "message_mentions", PO, js(200, PO_OK), PO_SENT,
         {"text": "PO not found"}),
    # a server error is the no-server-error rule's to judge, not the input rule's
    Case("po-rejected-of-a-500", "rejected", PO, js(500, PO_ERR), PO_SENT),
    Case("smat-rejected-of-a-500", "rejected", SMAT, Answer(500, "", ""), SMAT_SENT),
    Case("gep-rejected-of-a-503", "rejected", POR, Answer(503, "text/plain", "busy"), POR_SENT),
    Case("smat-value-of-a-rejection", "value_holds_sent_events", SMAT, js(400, {}), SMAT_SENT),
    Case("smat-odata-of-a-rejection", "odata_response", SMAT, js(404, {}), SMAT_SENT),
    Case("smat-value-indicators-of-a-rejection", "value_indicators_y_or_n", SMAT,
         js(400, {"value": [{"LockedInd": "X"}]}), SMAT_SENT),
    Case("smat-value-indicators-without-value", "value_indicators_y_or_n", SMAT,
         js(200, {"@odata.context": CONTEXT}), SMAT_SENT),
    Case("gep-success-answer-of-a-rejection", "success_answer", POR,
         js(400, env("400", [("A1", "x")])), POR_SENT),
    Case("po-echoes-present-of-a-rejection", "po_echoes_present", PO, js(400, PO_ERR), PO_SENT),
    # an XML answer carries text only; a 4xx body may be another JSON wrapper (002 latitude)
    Case("po-answer-field-types-of-xml", "po_answer_field_types", PO,
         xml(200, XML_OK.replace(">SUCCESS<", ">0<")), PO_SENT),
    Case("po-answer-field-types-of-a-4xx", "po_answer_field_types", PO,
         js(400, {"processStatus": 400, "poStatus": False}), PO_SENT),
    Case("po-answer-field-types-of-text", "po_answer_field_types", PO,
         Answer(200, "text/plain", "OK"), PO_SENT),
]
