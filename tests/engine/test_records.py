"""What a run wrote, read from the requests a target accepted: JSON and XML PO bodies alike."""

from types import SimpleNamespace

from conformance.records import records_of, request_body, written_by
from conformance.scenarios.wire import to_xml
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
