"""Smart Materials CreateUpdateProgressPayEvents (document 004), OData style.

Bearer token with API_AGREEMENT; the PO addressed by project, discipline, language and PohId;
events upserted in one locked step (matched by PpeId, then AttpId, then PpeCode), so concurrent
callers neither lose updates nor create duplicates. A bad event rejects the whole call; the
locked-event and approved-agreement rules follow the variant (409, or 2xx with values kept).
"""

import copy
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.mock.auth import Access, smat_access
from conformance.mock.context import MockContext
from conformance.mock.http_io import BadBody, PlantedServerError, json_response, read_json
from conformance.mock.smat_events import (
    PROTECTED,
    changed_protected,
    event_problems,
    merged,
    new_event,
    normalised,
)
from conformance.mock.store import Agreement

OPERATION = re.compile(
    r"Projects\(['‘’](?P<project>[^'‘’]*)['‘’]\)/Disciplines\(['‘’](?P<discipline>[^'‘’]*)['‘’]\)"
    r"/Nls\(['‘’](?P<language>[^'‘’]*)['‘’]\)/PurchaseOrders\((?P<key>\d{1,18})\)"
    r"/CreateUpdateProgressPayEvents"
)


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error(ctx: MockContext, status: int, code: str, message: str) -> Response:
    if ctx.variant.smat_error_shape == "odata":
        payload: object = {"error": {"code": code, "message": message}}
    else:
        payload = {"value": message}
    return _json(ctx, payload, status)


def _json(ctx: MockContext, payload: object, status: int) -> Response:
    if ctx.faults.on("smat-answer-as-text-plain"):
        return json_response(payload, status, media="text/plain")
    return json_response(payload, status)


def _find(events: list[dict], sent: dict) -> dict | None:
    for name in ("PpeId", "AttpId", "PpeCode"):
        value = sent.get(name)
        if value is not None:
            match = next((e for e in events if str(e.get(name)) == str(value)), None)
            if match is not None:
                return match
    return None


def _upsert_one(agreement: Agreement, working: list[dict], sent: dict, ctx: MockContext):
    """Apply one sent event to `working`; returns (event, created)."""
    faults, variant = ctx.faults, ctx.variant
    frozen = agreement.approved and not faults.on("smat-approved-agreement-updated")
    po_value = agreement.po_value if variant.smat_derive_cost_value else None
    match = None if faults.on("smat-upsert-duplicates") else _find(working, sent)
    if match is not None and faults.on("smat-update-lands-on-next-event"):
        # an index off by one: the row after the one found (the last row stays itself)
        match = working[min(working.index(match) + 1, len(working) - 1)]
    if match is None:
        if frozen and not variant.smat_frozen_as_2xx:
            raise Refused(409, "AgreementApproved",
                          "The agreement is approved: no event may be added or changed")
        base = {"AttpId": sent.get("AttpId"), "PohId": agreement.po_id, "DpId": agreement.dp_id,
                "ProjId": agreement.project, "OrderSeq": None, "PpeId": ctx.store.new_ppe_id(),
                "PpeCode": None, **new_event(faults.on("smat-unsent-indicators-stored-y"),
                                             faults.on("smat-paid-indicator-default-y"))}
        event = merged(base, {"PaymentPercent": 0, **sent} if po_value is not None else sent,
                       po_value)
        working.append(event)
        return event, True
    if frozen:
        if not variant.smat_frozen_as_2xx:
            raise Refused(409, "AgreementApproved",
                          "You cannot update a progress pay event: the agreement is approved")
        return match, False
    updated = merged(match, sent, po_value)
    locked = match.get("LockedInd") == "Y" and not faults.on("smat-locked-fields-change")
    dates_unprotected = faults.on("smat-locked-dates-unprotected")
    changed = changed_protected(match, updated, dates_unprotected) if locked else []
    if changed and not variant.smat_frozen_as_2xx:
        raise Refused(409, "EventLocked",
                      f"Event {match.get('PpeCode')} is locked: {', '.join(changed)} cannot change")
    updated.update({name: match.get(name) for name in changed if name in PROTECTED})
    match.clear()
    match.update(updated)
    return match, False


def _copied(events: list[dict]) -> list[dict]:
    """copy.deepcopy(events), a tenth of its time: events are flat dicts of scalars, so only
    a nested value (none today) is deep-copied; an event listed twice stays one object."""
    copies: dict[int, dict] = {}
    result = []
    for event in events:
        if id(event) not in copies:
            copies[id(event)] = {
                k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in event.items()
            }
        result.append(copies[id(event)])
    return result


def upsert(agreement: Agreement, events: list[dict], ctx: MockContext) -> list[dict]:
    """All or nothing: the events of the answer's value, or Refused with the store unchanged."""
    before = agreement.events  # left as it is: the request changes copies, then swaps lists
    working = _copied(before)
    touched, created = [], []
    if ctx.faults.on("smat-mixed-call-skips-new-events") and any(
        _find(working, normalised(e)) for e in events
    ):  # a call holding an existing event is taken as an update: its new events are dropped
        events = [e for e in events if _find(working, normalised(e))]
    for sent in events:
        event, is_new = _upsert_one(agreement, working, normalised(sent), ctx)
        if all(event is not t for t in touched):
            touched.append(event)
        if is_new:
            created.append(event)
    agreement.events = working
    if ctx.variant.smat_value_all_events:
        value = before if ctx.faults.on("smat-value-omits-new-events") else working
    else:  # the PO's events with a sent AttpId: the touched ones (and any duplicate rows)
        sent_ids = {e.get("AttpId") for e in touched}
        value = [e for e in working if e.get("AttpId") in sent_ids]
        if ctx.faults.on("smat-value-omits-new-events"):
            value = [e for e in value if all(e is not c for c in created)]
    return _copied(value)


def _agreement(match: re.Match, ctx: MockContext) -> Agreement:
    where = (match["project"], match["discipline"], match["language"], int(match["key"]))
    agreement = ctx.store.agreement(*where)
    if agreement is None and ctx.faults.on("smat-unknown-po-accepted"):
        agreement = Agreement(*where, dp_id=0, approved=False, po_value=0.0, events=[])
        ctx.store.agreements[where] = agreement
    if agreement is None:
        raise Refused(404, "NotFound", f"PurchaseOrder {where[3]} not found in {where[0]}/"
                      f"{where[1]}/{where[2]}")
    return agreement


def _events_of(body: object, ctx: MockContext) -> list:
    if not isinstance(body, dict) or not isinstance(body.get("PPE"), list):
        raise Refused(400, "BadRequest", "The body must be an object with a PPE list")
    events = body["PPE"]
    if ctx.faults.on("smat-500-on-null-event") and any(not isinstance(e, dict) for e in events):
        raise PlantedServerError
    if not events and not ctx.variant.empty_batch_accepted:
        raise Refused(400, "BadRequest", "PPE must hold at least one event")
    problems = [f"PPE[{n}]: {p}" for n, e in enumerate(events)
                for p in event_problems(e, ctx, n)]
    if problems:
        raise Refused(400, "BadRequest", "; ".join(problems[:20]))
    return events


def _context_url(request: Request, ctx: MockContext) -> str:
    if ctx.faults.on("smat-odata-context-not-a-url"):
        return "Progress pay events of the purchase order"
    if ctx.variant.smat_relative_context:  # OData JSON Format v4.0 §4.5.1 allows it
        return "$metadata#bindingParamater"
    return f"{request.url.scheme}://{request.url.netloc}/Smat/V1/$metadata#bindingParamater"


async def create_update(request: Request, ctx: MockContext) -> Response:
    access = smat_access(request, ctx.variant.seed.credentials)
    if access is Access.UNAUTHENTICATED and not ctx.faults.on("smat-bearer-not-required"):
        return error(ctx, 401, "Unauthorized", "A valid bearer access token is required")
    if access is Access.FORBIDDEN and not ctx.faults.on("smat-privilege-not-checked"):
        return error(ctx, 403, "Forbidden", "Required privilege: API_AGREEMENT")
    match = OPERATION.fullmatch(request.path_params["operation"])
    try:
        if match is None:
            raise Refused(404, "NotFound", "No such resource")
        required = ctx.variant.smat_content_type_required
        body = await read_json(request, content_type_required=required)
        with ctx.store.lock:
            agreement = _agreement(match, ctx)
            value = upsert(agreement, _events_of(body, ctx), ctx)
    except BadBody as bad:
        return error(ctx, bad.status, "BadRequest", bad.message)
    except Refused as refused:
        return error(ctx, refused.status, refused.code, refused.message)
    payload = {"@odata.context": _context_url(request, ctx), "value": value}
    return _json(ctx, payload, ctx.variant.smat_success_http)


def routes(ctx: MockContext) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        return await create_update(request, ctx)

    return [Route(f"/{prefix}/V1/{{operation:path}}", endpoint, methods=["POST"])
            for prefix in ("Smat", "SMAT")]
