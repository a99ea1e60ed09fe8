"""Generated mutants come from the specs' response schemas and break only what the documents fix."""

import copy

import pytest

from conformance.catalog import load_rules
from conformance.selftest.mutants import (
    SPEC_FILES,
    OperationPaths,
    _spec,
    fault_mutants,
    generated_mutants,
)
from conformance.selftest.mutating import mutate_document

RULES = load_rules()
GENERATED = generated_mutants()
BY_ID = {m.id: m for m in GENERATED}


def test_every_named_fault_of_the_mock_is_a_mutant():
    from conformance.mock.faults import FAULTS

    assert [m.fault for m in fault_mutants()] == [f.name for f in FAULTS]


def test_mutant_ids_are_unique_and_every_rule_fits_the_operation():
    mutants = fault_mutants() + GENERATED
    assert len({m.id for m in mutants}) == len(mutants)
    for mutant in GENERATED:
        assert mutant.rules, mutant.id
        for rule in mutant.rules:
            assert set(RULES[rule].operations) & set(mutant.operations), (mutant.id, rule)


def test_every_kind_is_generated_for_every_product():
    kinds = {(m.product, m.kind) for m in GENERATED}
    for product in ("gep", "po", "smat"):
        assert {(product, k) for k in ("type", "echo" if product != "smat" else "enum",
                                       "status", "content-type")} <= kinds
    assert {("gep", "remove"), ("smat", "remove"), ("gep", "empty"), ("smat", "empty")} <= kinds


def test_a_new_documented_field_yields_new_mutants_without_code():
    specs = {name: copy.deepcopy(_spec(name)) for name in SPEC_FILES}
    detail = specs["gep-smart.yaml"]["components"]["schemas"]["GepSuccessDetail"]
    detail["properties"]["savedAt"] = {"type": "string"}
    detail["required"] = [*detail["required"], "savedAt"]
    new = {m.id for m in generated_mutants(specs)} - set(BY_ID)
    assert new == {
        f"{op}/{kind}/successDetails.savedAt"
        for op in ("updateProcessedPorStatus", "updateContactInterfaceStatus",
                   "saveOrgEntityManagers")
        for kind in ("remove", "type")
    }


def test_what_the_documents_leave_open_is_no_mutant():
    # optional answer fields may be absent: no PO field is removed
    assert not [m for m in GENERATED if m.product == "po" and m.kind == "remove"]
    # the PO 400 body may be text/plain, any JSON: neither its media type nor its fields change
    assert BY_ID["modifyPurchaseOrder/content-type/json"].statuses == (200, 201)
    assert all(400 not in m.statuses for m in GENERATED if m.product == "po")
    # a documented two-type field gets a third type, never one of its own
    assert BY_ID["createUpdateProgressPayEvents/type/value.PpeCode"].replacement is True
    # the replacement status is one the operation does not document (GEP documents no 201)
    swapped = {(m.product, m.new_status) for m in GENERATED if m.kind == "status"}
    assert swapped == {("gep", 201), ("po", 202), ("smat", 202)}
    # the error key may be a category: it is never "altered" as an echo
    assert not any(m.id.endswith("/echo/errorDetails.key") for m in GENERATED)


def test_only_the_values_the_spec_marks_x_echo_are_altered_as_echoes():
    """An echo mutant alters a value a rule ties to the request (`x-echo`); a field with its own
    rule that is not an echo (PO-ANSWER-FIELD-TYPES on buyerId, poStatus) gets none."""
    echoes = {m.id for m in GENERATED if m.kind == "echo"}
    assert echoes == {
        *(f"{op}/echo/successDetails.key" for op in (
            "updateProcessedPorStatus", "updateContactInterfaceStatus", "saveOrgEntityManagers")),
        *(f"modifyPurchaseOrder/echo/{name}" for name in (
            "poInternalNumber", "poExternalNumber", "sourceTxnId")),
    }
    assert BY_ID["modifyPurchaseOrder/type/poStatus"].rules[0] == "PO-ANSWER-FIELD-TYPES"


def test_the_rule_nearest_the_mutated_place_comes_first():
    assert BY_ID["modifyPurchaseOrder/echo/sourceTxnId"].rules[0] == "PO-ECHOES-IDENTIFIERS"
    assert BY_ID["updateProcessedPorStatus/type/statusCode"].rules[0] == "GEP-STATUSCODE-IS-STRING"
    assert BY_ID["saveOrgEntityManagers/content-type/json"].rules[0] == "GEP-JSON-RESPONSE"


@pytest.mark.parametrize(("mutant_id", "before", "after"), [
    ("updateProcessedPorStatus/remove/errorDetails.errors.errorCode",
     {"errorDetails": [{"key": "k", "errors": [{"errorCode": "E", "errorDescription": "d"}]}]},
     {"errorDetails": [{"key": "k", "errors": [{"errorDescription": "d"}]}]}),
    ("updateProcessedPorStatus/echo/successDetails.key",
     {"successDetails": [{"key": "A"}, {"key": "B"}]},
     {"successDetails": [{"key": "A-altered"}, {"key": "B-altered"}]}),
    ("createUpdateProgressPayEvents/type/value.AttpId",
     {"value": [{"AttpId": 1}, {"AttpId": 2}]},
     {"value": [{"AttpId": "mutant"}, {"AttpId": "mutant"}]}),
    ("modifyPurchaseOrder/echo/poInternalNumber",
     [{"poInternalNumber": "7"}, {"poInternalNumber": None}],
     [{"poInternalNumber": "7-altered"}, {"poInternalNumber": None}]),
])
def test_the_layer_changes_every_place_the_path_names(mutant_id, before, after):
    document = copy.deepcopy(before)
    assert mutate_document(document, BY_ID[mutant_id]) is True
    assert document == after


def test_an_answer_without_the_place_is_left_alone():
    document = {"successDetails": []}
    emptied = BY_ID["updateProcessedPorStatus/empty/successDetails"]
    assert mutate_document(document, emptied) is False
    assert document == {"successDetails": []}


def test_request_paths_map_to_their_operation():
    paths = OperationPaths.from_specs()
    assert paths.operation_of("/service/v1/po/modify") == "modifyPurchaseOrder"
    smat = "/SMAT/V1/Projects('RS')/Disciplines('X')/Nls('EN')/PurchaseOrders(8042)" \
           "/CreateUpdateProgressPayEvents"
    assert paths.operation_of(smat) == "createUpdateProgressPayEvents"
    assert paths.operation_of("/__mock__/reset") is None
