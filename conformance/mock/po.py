"""PO modify (document 002): modify an existing, authorised purchase order, in JSON or XML.

Whole batch: one bad item rejects the call and nothing is stored. The answer echoes the PO
numbers and sourceTxnId it was sent and carries poStatus, processStatus and errors; the variant
chooses one PoServiceResponse or a list, and the status codes within the latitude.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.mock.auth import Access, po_access
from conformance.mock.context import MockContext
from conformance.mock.http_io import (
    BadBody,
    PlantedServerError,
    is_json_media_type,
    is_xml_media_type,
    json_response,
    media_type,
    parse_json,
    read_body,
)
from conformance.mock.po_model import InvalidInput, checked_items, collection_from_xml
from conformance.mock.store import PoRecord
from conformance.mock.xml_codec import XmlError, parse_xml, to_xml

PATH = "/service/v1/po/modify"
ECHOED = ("poInternalNumber", "poExternalNumber", "poTransactionRefNo", "buyerId")
PO_STATUS_CODES = {"DRAFT": 1, "AUTHORISED": 2}  # internal codes: po-answer-status-as-number


def wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    if ("xml" in accept) != ("json" in accept):
        return "xml" in accept
    return is_xml_media_type(media_type(request))


def answer(request: Request, ctx: MockContext, payload: object, status: int) -> Response:
    if wants_xml(request):
        if isinstance(payload, list):
            body = to_xml("PoServiceResponses", payload, "PoServiceResponse")
        else:
            body = to_xml("PoServiceResponse", payload)
        return Response(body, status_code=status, media_type="application/xml")
    if ctx.faults.on("po-json-answer-as-text-plain"):
        return json_response(payload, status, media="text/plain")
    return json_response(payload, status)


def _errors(pairs: list[tuple[str, str]], ctx: MockContext) -> list:
    if ctx.faults.on("po-errors-as-strings"):
        return [f"{code}: {desc}" for code, desc in pairs]
    return [{"errorCode": code, "errorDesc": desc} for code, desc in pairs]


def _response(item: dict, po: PoRecord | None, txn: object, errors: list, status: str) -> dict:
    echo = {name: item.get(name) for name in ECHOED}
    if po is not None:
        echo["poInternalNumber"] = echo["poInternalNumber"] or po.internal_number
        echo["poExternalNumber"] = echo["poExternalNumber"] or po.external_number
        echo["buyerId"] = echo["buyerId"] or po.buyer_id
    return {**echo, "errors": errors, "poStatus": po.status if po else None,
            "processStatus": status, "sourceTxnId": txn}


def _business_errors(item: dict, ctx: MockContext, index: int = 0,
                     is_xml: bool = False) -> tuple[PoRecord | None, list]:
    internal, external = item.get("poInternalNumber"), item.get("poExternalNumber")
    if not (internal or external):
        return None, [("PO_NUMBER_MISSING", "poInternalNumber or poExternalNumber is required")]
    po = ctx.store.po_by_number(internal, external)
    if po is not None and external and po.external_number != external:
        po = None
    if po is None:
        if ctx.faults.on("po-accepts-unknown-po") or (
            index > 0 and ctx.faults.on("po-data-first-item-only")
        ):
            return PoRecord(internal or "", external or "", "AUTHORISED", ""), []
        return None, [("PO_NOT_FOUND", "Purchase order does not exist")]
    json_lenient = ctx.faults.on("po-json-draft-po-modified") and not is_xml
    if po.status != "AUTHORISED" and not ctx.faults.on("po-modifies-draft-po") and not json_lenient:
        return po, [("PO_NOT_AUTHORISED", f"Purchase order is not authorised (status {po.status})")]
    if item.get("buyerId") and item["buyerId"] != po.buyer_id:
        return po, [("BUYER_MISMATCH", "Purchase order belongs to another buyer")]
    return po, []


def _shape(results: list[dict], ctx: MockContext, txn: object) -> object:
    if ctx.variant.po_response_list:
        return results
    if not results:
        return {"errors": [], "processStatus": "SUCCESS", "sourceTxnId": txn}
    first = dict(results[0])
    first["errors"] = [e for r in results for e in r["errors"]]
    if any(r.get("processStatus") == "FAILED" for r in results):
        first["processStatus"] = "FAILED"
    return first


def _rejected(request, ctx, pairs, txn, http_status) -> Response:
    if ctx.faults.on("po-rejection-without-errors") and http_status not in (401, 403, 413, 415):
        return answer(request, ctx, {"errors": [], "processStatus": "FAILED",
                                     "sourceTxnId": txn}, 200)
    payload = {"errors": _errors(pairs, ctx), "processStatus": "FAILED", "sourceTxnId": txn}
    return answer(request, ctx, [payload] if ctx.variant.po_response_list else payload,
                  http_status)


def _modify(request: Request, ctx: MockContext, collection: object) -> Response:
    is_xml = is_xml_media_type(media_type(request))
    txn = collection.get("sourceTxnId") if isinstance(collection, dict) else None
    invalid_status = ctx.variant.po_invalid_input_http
    try:
        items = checked_items(collection, ctx)
    except InvalidInput as invalid:
        return _rejected(request, ctx, invalid.errors, txn, invalid_status)
    if not items and not ctx.variant.empty_batch_accepted:
        return _rejected(request, ctx, [("NO_DATA", "data must hold at least one PO")], txn,
                         invalid_status)
    with ctx.store.lock:
        checked = [(item, *_business_errors(item, ctx, n, is_xml)) for n, item in enumerate(items)]
        failed = any(errors for _, _, errors in checked)
        if failed and ctx.faults.on("po-rejection-without-errors"):
            return _rejected(request, ctx, [], txn, 200)
        results = []
        for item, po, errors in checked:
            if failed:
                errors = errors or [("NOT_PROCESSED", "Another PO of this request was rejected")]
                results.append(_response(item, po, txn, _errors(errors, ctx), "FAILED"))
                continue
            po.fields.update({k: v for k, v in item.items() if v is not None})
            results.append(_success_echo(_response(item, po, txn, [], "SUCCESS"), ctx))
    if failed:
        status = ctx.variant.po_business_rejection_http
        return answer(request, ctx, _shape(results, ctx, txn), status)
    status = 202 if ctx.faults.on("po-success-http-202") else ctx.variant.po_success_http
    return answer(request, ctx, _shape(results, ctx, txn), status)


def _success_echo(response: dict, ctx: MockContext) -> dict:
    if ctx.faults.on("po-answer-status-as-number"):  # internal status codes leak out
        response["poStatus"] = PO_STATUS_CODES.get(response["poStatus"], 9)
        response["processStatus"] = 0
    if ctx.faults.on("po-echo-swaps-po-numbers"):
        response["poExternalNumber"] = response["poInternalNumber"]
    if ctx.faults.on("po-echo-drops-fields"):
        response.pop("sourceTxnId")
        response.pop("processStatus")
    return response


async def _read_collection(request: Request, ctx: MockContext) -> object:
    declared = media_type(request)
    if is_xml_media_type(declared):
        if ctx.faults.on("po-xml-refused"):
            raise BadBody("application/xml is not supported", status=415)
        lenient = ctx.faults.on("po-xml-numbers-not-checked")
        return collection_from_xml(parse_xml(await read_body(request)), lenient)
    if declared and not is_json_media_type(declared):
        raise BadBody(f"Unsupported Content-Type {declared!r}", status=415)
    return parse_json(await read_body(request))


async def modify(request: Request, ctx: MockContext) -> Response:
    access = po_access(request, ctx.variant.seed.credentials)
    if ctx.faults.on("po-xml-credentials-not-checked") and is_xml_media_type(media_type(request)):
        access = Access.ALLOWED  # the XML controller was left without the auth filter
    if access is Access.UNAUTHENTICATED and not ctx.faults.on("po-auth-not-enforced"):
        pairs = [("UNAUTHORIZED", "Request does not have sufficient credentials.")]
        return _rejected(request, ctx, pairs, None, 401)
    if access is Access.FORBIDDEN and not ctx.faults.on("po-readonly-may-modify"):
        return _rejected(request, ctx, [("FORBIDDEN", "Request is not authorized.")], None, 403)
    try:
        collection = await _read_collection(request, ctx)
    except (BadBody, XmlError) as bad:
        if ctx.faults.on("po-500-on-odd-input") and getattr(bad, "status", 400) == 400:
            raise PlantedServerError from None
        status = getattr(bad, "status", 400)
        status = ctx.variant.po_invalid_input_http if status == 400 else status
        return _rejected(request, ctx, [("INVALID_INPUT", str(bad))], None, status)
    data = collection.get("data") if isinstance(collection, dict) else None
    if ctx.faults.on("po-500-on-odd-input") and isinstance(data, list) and None in data:
        raise PlantedServerError
    return _modify(request, ctx, collection)


def routes(ctx: MockContext) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        return await modify(request, ctx)

    return [Route(PATH, endpoint, methods=["POST"])]
