"""What a run wrote, read from the requests a target accepted (JSON and XML PO bodies alike), and
the run marker it carries."""

from types import SimpleNamespace

import pytest

from conformance.records import mark, records_of, request_body, written_by
from conformance.scenarios.model import Expectation, Step
from conformance.scenarios.runner import mark_request
from conformance.scenarios.wire import WireRequest, to_xml
from conformance.suite import written

URL = "http://127.0.0.1:1/service/v1/po/modify"
BODY = {"authRequire": "N", "sourceTxnId": "conformance-run-5 T-1",
        "data": [{"poInternalNumber": "P1", "poExternalNumber": "X1", "filler1": "f"},
                 {"poInternalNumber": "P2", "poExternalNumber": "X2"}]}
XML = to_xml(BODY, "PoModServiceCollection")


def xml_answer(*items: tuple[str, str]) -> str:
    responses = "".join(f"<PoServiceResponse><poInternalNumber>{number}</poInternalNumber>"
                        f"<processStatus>{status}</processStatus></PoServiceResponse>"
                        for number, status in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><responses>{responses}</responses>'


def test_an_xml_po_body_reads_as_the_object_it_writes():
    assert request_body(XML) == {
        "authRequire": "N", "sourceTxnId": "conformance-run-5 T-1",
        "data": [{"poInternalNumber": "P1", "poExternalNumber": "X1", "filler1": "f"},
                 {"poInternalNumber": "P2", "poExternalNumber": "X2"}]}
    one = to_xml({"data": [{"poInternalNumber": "P1"}]}, "Any")  # one item is still a list
    assert records_of("modifyPurchaseOrder", request_body(one)) == ["PO P1 / None"]
    assert request_body("<unclosed>") is None and request_body(b"") is None


def test_an_xml_answer_keeps_only_the_pos_it_reports_a_success_for():
    answer = xml_answer(("P1", "SUCCESS"), ("P2", "FAILED"))
    assert written_by("modifyPurchaseOrder", request_body(XML), URL, answer) == ["PO P1 / X1"]


def test_written_json_lists_an_xml_write_like_a_json_one():
    run = SimpleNamespace(target=SimpleNamespace(products={}),
                          limits=SimpleNamespace(marker="conformance-run-5"))
    writes = [{"product": "po", "method": "POST", "url": URL, "body": XML,
               "answer": xml_answer(("P1", "SUCCESS"), ("P2", "SUCCESS"))}]
    document = written.document(run, writes)
    records = document["products"]["po"]["records"]
    assert [r["record"] for r in records] == ["PO P1 / X1", "PO P2 / X2"]
    assert [r["source_txn_ids"] for r in records] == [["conformance-run-5 T-1"]] * 2
    assert "sourceTxnId" in document["marker_fields"]["modifyPurchaseOrder"]


def test_written_json_figures_add_up_whatever_the_calls_wrote():
    """writes_accepted counts accepted calls, records[].calls the calls per record: a call with
    an empty list, or one its answer says wrote nothing, writes no record, and a call naming
    two POs writes two. Each kind is counted, so the figures reconcile."""
    run = SimpleNamespace(target=SimpleNamespace(products={}),
                          limits=SimpleNamespace(marker="conformance-run-5"))
    gep = "http://127.0.0.1:1/SmartInterfaceAPI/api/Order/PORStatus"
    failed = '{"statusCode": "200", "errorDetails": [{"key": "4800", "errors": []}]}'
    writes = [
        {"product": "po", "method": "POST", "url": URL, "body": XML,  # two POs written
         "answer": xml_answer(("P1", "SUCCESS"), ("P2", "SUCCESS"))},
        {"product": "po", "method": "POST", "url": URL, "body": '{"data": []}',
         "answer": '{"processStatus": "SUCCESS", "errors": []}'},  # names no PO
        {"product": "po", "method": "POST", "url": URL, "body": XML,  # both refused
         "answer": xml_answer(("P1", "FAILED"), ("P2", "FAILED"))},
        {"product": "gep", "method": "PUT", "url": gep, "body": '{"model": [{"key": "4800"}]}',
         "answer": failed},  # 2xx, but the answer lists the key under errorDetails
    ]
    products = written.document(run, writes)["products"]
    assert {k: products["po"][k] for k in (
        "writes_accepted", "calls_writing_records", "calls_naming_no_record",
        "calls_confirming_no_record", "record_writes")} == {
        "writes_accepted": 3, "calls_writing_records": 1, "calls_naming_no_record": 1,
        "calls_confirming_no_record": 1, "record_writes": 2}
    assert products["gep"]["calls_confirming_no_record"] == 1 and products["gep"]["records"] == []
    for entry in products.values():
        assert entry["writes_accepted"] == sum(entry[k] for k in (
            "calls_writing_records", "calls_naming_no_record", "calls_confirming_no_record"))
        assert entry["record_writes"] == sum(r["calls"] for r in entry["records"])
        assert entry["record_writes"] >= entry["calls_writing_records"]


def test_a_write_path_taking_another_method_is_named_in_written_json_and_the_plan():
    """Generated cases send other methods to a write path with the operation's body: the plan
    says which may write (an unsafe method with a body), and an accepted one is named with the
    records its body names."""
    run = SimpleNamespace(target=SimpleNamespace(products={}),
                          limits=SimpleNamespace(marker="conformance-run-5"))
    body = '{"data": [{"poInternalNumber": "P1", "poExternalNumber": "X1"}]}'
    writes = [{"product": "po", "method": "PUT", "url": URL, "body": body, "answer": ""}]
    (record,) = written.document(run, writes)["products"]["po"]["records"]
    assert record == {"operation": "modifyPurchaseOrder (sent as PUT)", "record": "PO P1 / X1",
                      "calls": 1}
    planned = [{"product": "po", "method": method, "url": URL, "body": sent,
                "source": "generated"}
               for method, sent in (("PUT", body), ("DELETE", None), ("TRACE", body))]
    lines = written.plan_lines(planned)
    assert "  [po] modifyPurchaseOrder's path, other methods: 3 request(s)" in lines
    assert "      methods: DELETE (1), PUT (1), TRACE (1)" in lines
    assert any(line.startswith("      1 may write: a PUT with the operation's body")
               for line in lines)
    assert lines[lines.index("      records touched (1, if the target takes the method):") + 1] == (
        "        PO P1 / X1 (1x)")
    assert not any("writes nothing" in line or "each writes" in line for line in lines)


def test_the_plan_lists_every_record_touched_and_the_screen_the_first_twelve():
    planned = [{"product": "po", "method": "POST", "url": URL, "source": "generated",
                "body": f'{{"data": [{{"poInternalNumber": "P{n}\\n", "poExternalNumber": "X"}}]}}'}
               for n in range(20)]
    lines = written.plan_lines(planned)
    listed = [line for line in lines if line.startswith("        PO P")]
    assert len(listed) == 20 and listed[0] == "        PO P0\\n / X (1x)"  # one line each
    screen = written.screen_plan("\n".join(lines))
    assert [line for line in screen if line.startswith("        PO P")] == listed[:12]
    assert "        … and 8 more: dry-run.txt lists them all" in screen
    assert screen[-1] == lines[-1] == "total: 20 request(s)"


# ------------------------------------------------------------------ the run marker
MARKER = "conformance-run-5"
PPE = "createUpdateProgressPayEvents"


def _event(**fields):
    return {"AttpId": 1, "OrderSeq": 1, "PpeCode": "E1", **fields}


def test_an_event_or_order_without_free_text_gets_the_marker_in_a_field_of_its_own():
    body = mark(PPE, {"PPE": [_event(), _event(Description="done")]}, MARKER, add="absent")
    assert body["PPE"][0]["ShortDesc"] == MARKER  # added
    assert body["PPE"][1] == _event(Description=f"{MARKER} done")  # marked where text was
    spelled = mark(PPE, {"PPE": [_event(ShortDescription=None)]}, MARKER, add="absent-or-null")
    assert spelled["PPE"][0] == _event(ShortDescription=MARKER)  # the spelling it has
    por = mark("updateProcessedPorStatus", {"model": [{"key": "4800"}]}, MARKER, add="absent")
    assert por == {"model": [{"key": "4800", "sourceSystemName": MARKER}]}
    assert mark(PPE, {"PPE": [_event()]}, MARKER) == {"PPE": [_event()]}  # add not asked


def test_an_event_spelling_both_short_descriptions_carries_the_marker_in_both():
    """ShortDesc and ShortDescription are one field under two spellings: a target sent both may
    keep either (the mock kept a generated case's ShortDesc null, and its event no marker)."""
    both = {"PPE": [_event(ShortDesc=None, ShortDescription="x")]}
    (generated,) = mark(PPE, both, MARKER, add="absent-or-null")["PPE"]
    assert generated["ShortDesc"] == MARKER and generated["ShortDescription"] == f"{MARKER} x"
    (scripted,) = mark(PPE, both, MARKER, add="absent")["PPE"]  # a scenario's null is its choice
    assert scripted["ShortDesc"] is None and scripted["ShortDescription"] == f"{MARKER} x"
    texts = {"PPE": [_event(ShortDesc="a", ShortDescription="b")]}
    (event,) = mark(PPE, texts, MARKER)["PPE"]
    assert (event["ShortDesc"], event["ShortDescription"]) == (f"{MARKER} a", f"{MARKER} b")


def test_no_field_is_added_where_it_would_change_what_the_call_tests():
    sent = {"PPE": [_event(ShortDesc=None)]}  # a scenario's null is its own choice
    assert mark(PPE, sent, MARKER, add="absent") == sent
    assert mark(PPE, sent, MARKER, add="absent-or-null")["PPE"][0]["ShortDesc"] == MARKER
    typed = {"PPE": [_event(ShortDesc=5)]}  # a generated wrong type stays wrong
    assert mark(PPE, typed, MARKER, breached={"$['PPE'][0]['ShortDesc']"},
                add="absent-or-null") == typed
    assert mark(PPE, {"PPE": [_event()]}, MARKER, judged={"ShortDesc"},
                add="absent") == {"PPE": [_event()]}
    long = "x" * 501  # a Description under test stays as it is; the event still gets a marker
    assert mark(PPE, {"PPE": [_event(Description=long)]}, MARKER,
                breached={"$['PPE'][0]['Description']"}, add="absent-or-null") == {
        "PPE": [_event(Description=long, ShortDesc=MARKER)]}


def _step(judge: str, fields: tuple[str, ...] = ("OrderSeq",)) -> Step:
    return Step("one", {}, (Expectation(judge, ("SMAT-UPSERT",), {"fields": list(fields)}),))


PRODUCT = SimpleNamespace(transport=SimpleNamespace(marker=MARKER))


@pytest.mark.parametrize(("documented", "judge", "added"), [
    (False, "success_answer", True),
    (True, "success_answer", False),  # the documents' own body, as they write it
    (False, "cannot_update", False),  # a locked event: ShortDesc is one of its protected fields
])
def test_a_scenario_step_gets_a_field_added_unless_its_point_is_the_body(documented, judge,
                                                                         added):
    request = WireRequest("POST", "/x", body={"PPE": [_event()]})
    mark_request(request, PPE, _step(judge), PRODUCT, documented)
    assert ("ShortDesc" in request.body["PPE"][0]) is added


def test_the_marker_sits_in_the_same_field_in_every_step_of_a_scenario():
    """A locked event created with ShortDesc "Before", then sent with ShortDesc "After": the
    second call changes ShortDesc alone (a fresh review found the marker moved to Description
    there, and Description's refusal hid ShortDesc's)."""
    bodies = []
    for short, step in (("Before", _step("accepted")),
                        ("After", _step("cannot_update", ("ShortDesc",)))):
        body = {"PPE": [_event(ShortDesc=short, Description="d")]}
        request = WireRequest("POST", "/x", body=body)
        mark_request(request, PPE, step, PRODUCT)
        bodies.append(request.body["PPE"][0])
    # created with the marker in ShortDesc; the change sends ShortDesc fresh and the marker
    # nowhere else (Description as stored)
    assert [b["ShortDesc"] for b in bodies] == [f"{MARKER} Before", "After"]
    assert bodies[0]["Description"] == bodies[1]["Description"] == "d"
    other = {"PPE": [_event(ShortDesc="Before", Description="d")]}  # Description under test
    request = WireRequest("POST", "/x", body=other)
    mark_request(request, PPE, _step("cannot_update", ("Description",)), PRODUCT)
    assert request.body["PPE"][0]["ShortDesc"] == f"{MARKER} Before"  # where step one put it
