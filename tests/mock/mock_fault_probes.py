"""One black-box probe per fault: a request a conformance suite would send, and the test of the
answer that shows the planted defect. A probe returns True when the defect is visible; on the
clean mock every probe returns False.
"""

from mock_support import (
    gep_accepted,
    gep_error_texts,
    gep_success_keys,
    po_accepted,
    po_answers,
    po_rejected,
    smat_event,
    smat_events,
)


def _org(c, **changes):
    item = c.bodies.org_item()
    item.update(changes)
    return c.org([item])


def _org_member(c, **changes):
    item = c.bodies.org_item()
    item["orgEntities"][0].update(changes)
    return c.org([item])


def _po_item(c, **changes):
    body = c.bodies.po()
    body["data"][0].update(changes)
    return c.po(body)


def _event(c, **changes):
    event = c.bodies.new_event()
    event.update(changes)
    return c.smat([event])


def _ok(response) -> bool:
    return response.status_code in (200, 201)


def _is_json(response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def _unknown_order(c):
    return c.por(c.bodies.por("99999999"))


def _key_both(c) -> bool:
    body = _unknown_order(c).json()
    return bool(set(gep_success_keys_of(body)) & {e["key"] for e in body["errorDetails"]})


def gep_success_keys_of(body: dict) -> list[str]:
    return [entry["key"] for entry in body.get("successDetails", [])]


def _frozen_changed(c, agreement, event) -> bool:
    response = c.smat([dict(event, Description="changed by probe")], agreement=agreement)
    return _ok(response) and smat_event(response, event["AttpId"])["Description"] == (
        "changed by probe")


def _duplicated(c) -> bool:
    """Two events with the existing AttpId, or the existing one answered under a new PpeId."""
    existing = c.bodies.existing_event()
    same = [e for e in smat_events(c.smat([existing])) if e["AttpId"] == existing["AttpId"]]
    return len(same) > 1 or same[0]["PpeId"] != existing["PpeId"]


def _three(item, bad: dict) -> list:
    """The valid item three times, `bad` laid over the last one (a list checked past item 0)."""
    return [dict(item), dict(item), {**item, **bad}]


def _org_nested(c, key: str, bad) -> object:
    item = c.bodies.org_item()
    first = item[key][0]
    item[key] = [first, first, {**first, **bad} if isinstance(bad, dict) else bad]
    return c.org([item])


def _po_xml(c, auth: dict | None = None, amount: str = "0", po=None):
    po = po or c.bodies.authorised_po()
    return c.po_xml(
        f"<PoModServiceCollection><authRequire>N</authRequire><sourceTxnId>TXN-X</sourceTxnId>"
        f"<data><poInternalNumber>{po.internal_number}</poInternalNumber>"
        f"<poExternalNumber>{po.external_number}</poExternalNumber>"
        f"<discountAmount>{amount}</discountAmount></data></PoModServiceCollection>", auth=auth)


def _po_xml_accepted(response) -> bool:
    return response.status_code in (200, 201) and "<errors>" not in response.text.replace(
        "<errors/>", "") and "FAILED" not in response.text


def _locked_date_changed(c) -> bool:
    event = {**c.bodies.new_event(30000000091, "LOCK-D"), "LockedInd": "Y",
             "PaymentDate": "2030-02-01T00:00:00Z"}
    assert _ok(c.smat([event]))
    response = c.smat([{**event, "PaymentDate": "2031-07-01T00:00:00Z"}])
    shown = smat_event(response, 30000000091) if _ok(response) else None
    return shown is not None and shown["PaymentDate"].startswith("2031")


def _neighbour_changed(c) -> bool:
    """The named event not updated, or another event of the PO changed by the call."""
    existing = c.bodies.existing_event()
    response = c.smat([dict(existing, Description="named by probe")])
    shown = smat_event(response, existing["AttpId"]) if _ok(response) else None
    return shown is None or shown["Description"] != "named by probe"


def _mixed_call_partial(c) -> bool:
    existing = dict(c.bodies.existing_event(), Description="mixed by probe")
    response = c.smat([existing, c.bodies.new_event(30000000093, "MIX1")])
    return _ok(response) and smat_event(response, 30000000093) is None


PROBES = {
    # GEP envelope
    "gep-statuscode-as-number": lambda c: isinstance(c.por(c.bodies.por()).json()["statusCode"],
                                                     int),
    "gep-envelope-drops-success-details": lambda c: "successDetails" not in c.por(
        c.bodies.por()).json(),
    "gep-error-detail-without-errors-list": lambda c: "errors" not in _unknown_order(
        c).json()["errorDetails"][0],
    "gep-success-http-202": lambda c: c.por(c.bodies.por()).status_code != 200,
    "gep-rejection-says-200": lambda c: _unknown_order(c).json()["statusCode"] == "200",
    "gep-success-lists-row-ids": lambda c: gep_success_keys(c.por(c.bodies.por())) != [
        c.seed.gep.order_numbers[0]],
    "gep-rejected-key-also-succeeds": _key_both,
    "gep-envelope-as-text-plain": lambda c: not _is_json(c.por(c.bodies.por())),
    "gep-500-on-null-item": lambda c: c.contact([None]).status_code >= 500,
    "gep-500-on-negative-threshold": lambda c: _org(c, thresholdAmount=-1).status_code >= 500,
    # 000
    "por-key-not-mandatory": lambda c: gep_accepted(c.por({"model": [{"key": ""}]})),
    "por-accepts-unknown-order": lambda c: gep_accepted(_unknown_order(c)),
    "por-success-details-empty": lambda c: gep_success_keys(c.por(c.bodies.por())) == [],
    "por-model-not-list-accepted": lambda c: gep_accepted(c.por(
        {"model": c.bodies.por()["model"][0]})),
    "por-messages-reworded": lambda c: "invalid order number" not in [
        t.lower() for t in gep_error_texts(_unknown_order(c))],
    # 001
    "contact-code-not-mandatory": lambda c: gep_accepted(c.contact(
        [{"clientContactCode": "", "interfaceStatus": "success"}])),
    "contact-empty-status-accepted": lambda c: gep_accepted(c.contact(c.bodies.contact(status=""))),
    "contact-success-lists-status": lambda c: gep_success_keys(c.contact(c.bodies.contact())) != [
        c.seed.gep.contact_codes[0]],
    "contact-object-body-accepted": lambda c: gep_accepted(c.contact(c.bodies.contact()[0])),
    "contact-messages-reworded": lambda c: "interface status is mandatory" not in [
        t.lower() for t in gep_error_texts(c.contact(c.bodies.contact(status="")))],
    # 003
    "org-entity-code-not-mandatory": lambda c: gep_accepted(_org(c, entityCode="")),
    "org-entity-code-no-max-length": lambda c: gep_accepted(_org(c, entityCode="E" * 51)),
    "org-accepts-unknown-entity": lambda c: gep_accepted(_org(c, entityCode="NOPE")),
    "org-empty-manager-list-accepted": lambda c: gep_accepted(_org(c, managerCode=[])),
    "org-accepts-unknown-manager": lambda c: gep_accepted(_org(c, managerCode=["M-NONE"])),
    "org-structure-not-mandatory": lambda c: gep_accepted(_org(c, structureName="")),
    "org-accepts-unknown-structure": lambda c: gep_accepted(_org(c, structureName="NOPE")),
    "org-structure-members-not-checked": lambda c: gep_accepted(_org(
        c, structureName=list(c.seed.gep.structures)[1])),
    "org-currency-no-max-length": lambda c: gep_accepted(_org(c, currencyCode="USDX")),
    "org-accepts-unknown-currency": lambda c: gep_accepted(_org(c, currencyCode="XYZ")),
    "org-orgentity-fields-not-mandatory": lambda c: gep_accepted(_org_member(c, entityType="")),
    "org-accepts-unknown-entity-type": lambda c: gep_accepted(_org_member(c, entityType="Nope")),
    "org-orgentity-entity-code-unchecked": lambda c: gep_accepted(
        _org_member(c, entityCode="NO-SUCH-ENTITY")),
    "org-success-lists-structure": lambda c: gep_success_keys(c.org(c.bodies.org())) != [
        c.bodies.org_item()["entityCode"]],
    "org-threshold-text-accepted": lambda c: gep_accepted(_org(c, thresholdAmount="abc")),
    "org-messages-generic-only": lambda c: not {
        "max length for entity code is 50",
        "error occurred while saving orgentity managers information."} & {
        t.lower() for t in gep_error_texts(_org(c, entityCode="E" * 51))},
    # 002
    "po-accepts-unknown-po": lambda c: po_accepted(_po_item(
        c, poInternalNumber="NO-SUCH", poExternalNumber=None)),
    "po-modifies-draft-po": lambda c: po_accepted(c.po(c.bodies.po(c.bodies.draft_po()))),
    "po-success-http-202": lambda c: c.po(c.bodies.po()).status_code not in (200, 201),
    "po-rejection-without-errors": lambda c: not po_rejected(_po_item(
        c, poInternalNumber="NO-SUCH", poExternalNumber=None)),
    "po-echo-swaps-po-numbers": lambda c: po_answers(c.po(c.bodies.po()))[0].get(
        "poExternalNumber") != c.bodies.authorised_po().external_number,
    "po-echo-drops-fields": lambda c: "sourceTxnId" not in po_answers(c.po(c.bodies.po()))[0],
    "po-answer-status-as-number": lambda c: not isinstance(
        po_answers(c.po(c.bodies.po()))[0].get("processStatus"), str),
    "po-errors-as-strings": lambda c: isinstance(po_answers(_po_item(
        c, poInternalNumber="NO-SUCH", poExternalNumber=None))[0]["errors"][0], str),
    "po-auth-not-enforced": lambda c: c.po(c.bodies.po(), auth={}).status_code not in (401, 403),
    "po-readonly-may-modify": lambda c: _ok(c.po(c.bodies.po(), auth=c.po_readonly)),
    "po-json-answer-as-text-plain": lambda c: not _is_json(c.po(c.bodies.po())),
    "po-xml-refused": lambda c: c.po_xml(
        f"<r><data><poInternalNumber>{c.bodies.authorised_po().internal_number}"
        "</poInternalNumber></data></r>").status_code == 415,
    "po-number-field-text-accepted": lambda c: po_accepted(_po_item(c, netPoAmount="abc")),
    "po-authrequire-any-value": lambda c: po_accepted(c.po(dict(c.bodies.po(), authRequire="X"))),
    "po-500-on-odd-input": lambda c: c.po({"data": [None]}).status_code >= 500,
    # 004
    "smat-bearer-not-required": lambda c: _ok(c.smat([c.bodies.new_event()], auth={})),
    "smat-privilege-not-checked": lambda c: _ok(c.smat([c.bodies.new_event()],
                                                       auth=c.smat_no_agreement)),
    "smat-event-fields-not-mandatory": lambda c: _ok(c.smat(
        [{k: v for k, v in c.bodies.new_event().items() if k != "OrderSeq"}])),
    "smat-orderseq-unbounded": lambda c: _ok(_event(c, OrderSeq=100000)),
    "smat-ppecode-no-max-length": lambda c: _ok(_event(c, PpeCode="P" * 11)),
    "smat-description-no-max-length": lambda c: _ok(_event(c, Description="d" * 501)),
    "smat-indicators-any-value": lambda c: _ok(_event(c, LockedInd="X")),
    "smat-unsent-indicators-stored-y": lambda c: smat_event(
        c.smat([{"AttpId": 30000000077, "OrderSeq": 1, "PpeCode": "D1"}]), 30000000077
    )["ManualInd"] == "Y",
    "smat-upsert-duplicates": _duplicated,
    "smat-approved-agreement-updated": lambda c: _frozen_changed(
        c, c.bodies.approved_agreement(), c.bodies.approved_agreement().events[0]),
    "smat-locked-fields-change": lambda c: _frozen_changed(
        c, c.bodies.open_agreement(), c.bodies.locked_event()),
    "smat-unknown-po-accepted": lambda c: _ok(c.smat([c.bodies.new_event()], po_id=999999)),
    "smat-value-omits-new-events": lambda c: smat_event(
        c.smat([c.bodies.new_event(30000000055)]), 30000000055) is None,
    "smat-odata-context-not-a-url": lambda c: " " in c.smat([c.bodies.existing_event()]).json()[
        "@odata.context"],
    "smat-number-text-accepted": lambda c: _ok(_event(c, OrderSeq="5")),
    "smat-answer-as-text-plain": lambda c: not _is_json(c.smat([c.bodies.existing_event()])),
    "smat-500-on-null-event": lambda c: c.smat({"PPE": [None]}).status_code >= 500,
    # boundaries refused from the accepting side
    "org-entity-code-max-exclusive": lambda c: not gep_accepted(_org(
        c, entityCode=c.seed.gep.max_length_entity_code)),
    "org-currency-max-exclusive": lambda c: not gep_accepted(c.org(c.bodies.org())),
    "smat-orderseq-max-exclusive": lambda c: not _ok(_event(c, OrderSeq=99999)),
    "smat-ppecode-max-exclusive": lambda c: not _ok(_event(c, PpeCode="P" * 10)),
    "smat-description-max-exclusive": lambda c: not _ok(_event(c, Description="d" * 500)),
    # lists checked at their first item only
    "por-checks-first-item-only": lambda c: gep_accepted(c.por({"model": _three(
        c.bodies.por()["model"][0], {"key": "99999999"})})),
    "contact-checks-first-item-only": lambda c: gep_accepted(c.contact(_three(
        c.bodies.contact()[0], {"interfaceStatus": ""}))),
    "org-manager-codes-first-only": lambda c: gep_accepted(_org_nested(
        c, "managerCode", "M-NONE")),
    "org-orgentities-first-only": lambda c: gep_accepted(_org_nested(
        c, "orgEntities", {"entityType": "Nope"})),
    "org-batch-first-item-only": lambda c: gep_accepted(c.org(_three(
        c.bodies.org_item(), {"entityCode": "E-NONE"}))),
    "po-data-first-item-only": lambda c: po_accepted(c.po(dict(c.bodies.po(), data=_three(
        c.bodies.po_item(), {"poInternalNumber": "NO-SUCH", "poExternalNumber": None})))),
    "po-commodities-first-item-only": lambda c: po_accepted(_po_item(c, commodityList=_three(
        c.bodies.po_item()["commodityList"][0], {"quantity": "abc"}))),
    "smat-indicators-first-event-only": lambda c: _ok(c.smat([
        c.bodies.new_event(30000000081, "F1"), dict(c.bodies.new_event(30000000082, "F2"),
                                                     PaidInd="X")])),
    # one field of a group left out
    "smat-locked-dates-unprotected": _locked_date_changed,
    "org-orgentity-lob-not-mandatory": lambda c: gep_accepted(_org_member(c, lobEntityCode="")),
    # a documented default not applied
    "smat-paid-indicator-default-y": lambda c: smat_event(
        c.smat([{"AttpId": 30000000078, "OrderSeq": 1, "PpeCode": "D2"}]), 30000000078
    )["PaidInd"] == "Y",
    # one media type only
    "po-xml-credentials-not-checked": lambda c: _po_xml(c, auth={}).status_code not in (401, 403),
    "po-xml-numbers-not-checked": lambda c: _po_xml_accepted(_po_xml(c, amount="abc")),
    "po-json-draft-po-modified": lambda c: po_accepted(c.po(c.bodies.po(c.bodies.draft_po()))) and
    not _po_xml_accepted(_po_xml(c, po=c.bodies.draft_po())),
    # the right object
    "smat-update-lands-on-next-event": _neighbour_changed,
    "smat-mixed-call-skips-new-events": _mixed_call_partial,
}
