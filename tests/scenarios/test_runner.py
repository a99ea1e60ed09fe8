"""The runner with a fake target: skips, inconclusive steps, implicit 5xx failures, evidence."""

import random
from types import SimpleNamespace

from fakes import GEP_DATA, PO_DATA, SMAT_DATA, FakeProduct, FakeSend, FakeTarget, response

from conformance.outcomes import SourceKind, Status
from conformance.scenarios import load_scenarios, run_scenario

BY_ID = {s.id: s for s in load_scenarios()}


def gep_target(**flags):
    return FakeTarget({"gep": FakeProduct("gep", GEP_DATA, **flags)})


def envelope(code="200", successes=(), errors=()):
    return {"data": None, "statusCode": code, "successDetails": [{"key": k} for k in successes],
            "errorDetails": [{"key": k, "errors": [{"errorCode": "DataValidation",
                                                    "errorDescription": d}]} for k, d in errors]}


def run(scenario_id, target, send, seed=1):
    return run_scenario(BY_ID[scenario_id], target, random.Random(seed), send=send)


def test_product_missing_from_target_skips_every_rule():
    send = FakeSend([])
    outcomes = run("ppe-new-event-is-created", gep_target(), send)
    assert outcomes and {o.status for o in outcomes} == {Status.SKIPPED}
    assert "[smat]" in outcomes[0].message and not send.calls
    assert {o.rule_id for o in outcomes} == set(BY_ID["ppe-new-event-is-created"].rules)


def test_missing_data_skips_naming_the_key_before_any_request():
    send = FakeSend([])
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    outcomes = run("ppe-approved-agreement-event-is-not-updated", target, send)
    assert {o.status for o in outcomes} == {Status.SKIPPED} and not send.calls
    assert "smat.data.approved_po" in outcomes[0].message


def test_missing_low_privilege_credentials_skip_naming_the_key():
    target = FakeTarget({"po": FakeProduct("po", PO_DATA, has_low_privilege=False)})
    outcomes = run("po-low-privilege-credentials-are-refused", target, FakeSend([]))
    assert {o.status for o in outcomes} == {Status.SKIPPED}
    assert "po.low_privilege_auth" in outcomes[0].message


def test_passing_step_reports_each_rule_with_evidence():
    send = FakeSend([lambda kw: response(200, envelope(successes=[kw["json_body"]["model"][0]
                                                                  ["key"]]))])
    outcomes = run("por-documented-success-example-is-accepted", gep_target(), send)
    assert {o.status for o in outcomes} == {Status.PASSED}
    assert {o.rule_id for o in outcomes} == {*BY_ID[
        "por-documented-success-example-is-accepted"].rules, "POR-EVERY-REQUEST-ANSWERED"}
    answered = [o for o in outcomes if o.rule_id == "POR-EVERY-REQUEST-ANSWERED"]
    assert len(answered) == 1 and answered[0].breaking
    assert all(o.source_kind is SourceKind.SCENARIO and o.exchanges for o in outcomes
               if o not in answered)
    assert send.calls[0]["json_body"]["model"][0]["key"] == "O-1"
    assert send.calls[0]["path"] == "/SmartInterfaceAPI/api/Order/PORStatus"


def test_failure_message_says_received_and_documented():
    send = FakeSend([response(200, envelope("400", errors=[("POR_INVALID", "nope")]))])
    outcomes = run("por-documented-success-example-is-accepted", gep_target(), send)
    failed = [o for o in outcomes if o.status is Status.FAILED]
    assert failed and all(o.message.startswith("Received: ") and " / Documented: " in o.message
                          for o in failed)


def test_server_error_fails_no_server_error_even_where_not_expected():
    send = FakeSend([response(500, "boom", "text/plain")])
    outcomes = run("por-two-known-orders-are-both-listed", gep_target(), send)
    server = [o for o in outcomes if o.rule_id == "GEP-NO-SERVER-ERROR"]
    assert len(server) == 1 and server[0].status is Status.FAILED


def test_transport_failure_is_inconclusive():
    outcomes = run("por-missing-key-is-rejected", gep_target(), FakeSend([None]))
    assert {o.status for o in outcomes} == {Status.INCONCLUSIVE}
    assert "connection refused" in outcomes[0].message


def _smat_echo(status=200):
    """A Smart Materials fake that stores events and answers with all of them."""
    stored = {}

    def answer(kwargs):
        for event in kwargs["json_body"]["PPE"]:
            stored[event["AttpId"]] = {"PpeId": 1000 + len(stored), **stored.get(
                event["AttpId"], {}), **event}
        return response(status, {"@odata.context": "http://h/$metadata#x",
                                 "value": list(stored.values())})

    return answer


def test_later_step_sends_the_ppe_id_the_target_assigned():
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    send = FakeSend([_smat_echo()])
    outcomes = run("ppe-event-sent-twice-exists-once", target, send)
    assert {o.status for o in outcomes} == {Status.PASSED}
    first, second = (call["json_body"]["PPE"][0] for call in send.calls)
    assert "PpeId" not in first and second["PpeId"] == 1000
    assert first["AttpId"] == second["AttpId"] and first["Description"] != second["Description"]


def test_failed_step_makes_later_steps_inconclusive():
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    send = FakeSend([response(400, {"error": {"code": "x", "message": "no"}})])
    outcomes = run("ppe-event-sent-twice-exists-once", target, send)
    assert len(send.calls) == 1
    later = [o for o in outcomes if o.case_id.endswith(":send again")]
    assert later and {o.status for o in later} == {Status.INCONCLUSIVE}


def test_smat_path_parameters_are_percent_encoded_inside_the_odata_url():
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    send = FakeSend([_smat_echo()])
    run("ppe-new-event-is-created", target, send)
    assert send.calls[0]["path"] == (
        "/Smat/V1/Projects('P%201')/Disciplines('D%271')/Nls('EN')/PurchaseOrders(12)"
        "/CreateUpdateProgressPayEvents")


def test_xml_scenario_sends_xml_and_asks_for_xml():
    target = FakeTarget({"po": FakeProduct("po", PO_DATA)})
    send = FakeSend([response(200, "<R><poInternalNumber>P1</poInternalNumber></R>",
                              "application/xml")])
    run("po-xml-modify-is-answered-in-xml", target, send)
    call = send.calls[0]
    assert call["content_type"] == call["accept"] == "application/xml"
    assert call["raw_body"].count("<PoModServiceCollection>") == 1
    assert "<poInternalNumber>P1</poInternalNumber>" in call["raw_body"]


def test_unknown_values_differ_between_scenarios_run_with_the_same_seed():
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    first, second = FakeSend([_smat_echo()]), FakeSend([_smat_echo()])
    run("ppe-new-event-is-created", target, first, seed=7)
    run("ppe-event-locked-by-the-suite-keeps-protected-fields", target, second, seed=7)
    assert first.calls[0]["json_body"]["PPE"][0]["AttpId"] != \
        second.calls[0]["json_body"]["PPE"][0]["AttpId"]


def test_same_seed_reproduces_the_same_requests():
    target = FakeTarget({"smat": FakeProduct("smat", SMAT_DATA)})
    first, second = FakeSend([_smat_echo()]), FakeSend([_smat_echo()])
    run("ppe-new-event-is-created", target, first, seed=3)
    run("ppe-new-event-is-created", target, second, seed=3)
    assert first.calls == second.calls


MARKER = "conformance-run-7"


def marked_target(product: str, data) -> FakeTarget:
    return FakeTarget({product: FakeProduct(product, data,
                                            transport=SimpleNamespace(marker=MARKER))})


def test_an_xml_body_carries_the_run_marker_like_a_json_one():
    send = FakeSend([response(200, "<r/>", "application/xml")])
    run("po-xml-modify-is-answered-in-xml", marked_target("po", PO_DATA), send)
    raw = send.calls[0]["raw_body"]
    # the marker first, the rest of the value kept: each transaction id stays its own
    assert f"<sourceTxnId>{MARKER} ZZ-UNKNOWN-" in raw
    assert f"<filler1>{MARKER} " in raw and "<poInternalNumber>P1</poInternalNumber>" in raw


def test_a_field_a_step_checks_is_kept_gets_its_fresh_value_not_the_marker():
    """Locking an event, then changing ShortDesc: the change must be sent as "After", or the
    marker (the same in both steps) would make "ShortDesc kept" hold whatever the target did;
    and the marker goes nowhere else, so only ShortDesc changes."""
    send = FakeSend([lambda kw: response(200, {"@odata.context": "$metadata#x",
                                               "value": kw["json_body"]["PPE"]})])
    run("ppe-locked-event-keeps-its-short-desc", marked_target("smat", SMAT_DATA), send)
    first, second = (call["json_body"]["PPE"][0] for call in send.calls)
    assert (first["ShortDesc"], second["ShortDesc"]) == (f"{MARKER} Before", "After")
    assert first["Description"] == second["Description"]  # unmarked, as stored
