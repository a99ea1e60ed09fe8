"""Judges of the PO modify service (002) and of its documented latitude.

Accepted: a 2xx with no PoServiceResponse reporting errors or a failed processStatus.
Rejected (a validation rule): any 4xx, or a 2xx with a non-empty errors list or a failed
processStatus; the rejection's documented form (PO-REJECTION-ANSWER) is narrower: 400 or 405,
or a 2xx with the errors listed. JSON or XML, one response or a list of them.
"""

from conformance.notation import shown
from conformance.scenarios.judges import Context, Failure, NotApplicable, evaluate, judge
from conformance.scenarios.judges.po_body import (
    FIELDS,
    errors_of,
    is_xml_media,
    parse_xml,
    responses,
    sent_items,
)


def _has_errors(ctx: Context) -> bool:
    return any(errors_of(item) for item in responses(ctx.answer) or [])


def _reports_failure(ctx: Context) -> bool:
    """Errors listed, or a processStatus that says the modification failed (values undocumented)."""
    statuses = [str(item.get("processStatus") or "").casefold()
                for item in responses(ctx.answer) or []]
    return _has_errors(ctx) or any(
        word in status for status in statuses for word in ("fail", "error", "reject"))


@judge("accepted", "po")
def accepted(ctx: Context) -> Failure | None:
    """The target took the request: a 2xx without errors (the documented form: success_answer)."""
    if 200 <= ctx.answer.status < 300 and not _reports_failure(ctx):
        return None
    return Failure(ctx.answer.brief(), "the request accepted: a 2xx reporting no failure")


@judge("success_answer", "po")
def success_answer(ctx: Context) -> Failure | None:
    items = responses(ctx.answer)
    if ctx.answer.status in (200, 201) and items is not None and not _has_errors(ctx):
        return None
    return Failure(ctx.answer.brief(), "200 or 201 with a PoServiceResponse without errors")


@judge("rejected", "po")
def rejected(ctx: Context) -> Failure | None:
    status = ctx.answer.status
    if 400 <= status < 500 or (200 <= status < 300 and _reports_failure(ctx)):
        return None
    return Failure(ctx.answer.brief(), "a 4xx, or a 2xx with errors or a failed processStatus")


@judge("rejection_answer", "po")
def rejection_answer(ctx: Context) -> Failure | NotApplicable | None:
    if evaluate("rejected", ctx) is not None:
        return NotApplicable("the request was not rejected")
    status = ctx.answer.status
    if status in (400, 405) or (status in (200, 201) and _has_errors(ctx)):
        return None
    return Failure(ctx.answer.brief(), "400 or 405, or 200/201 with a non-empty errors list")


@judge("po_echoes_identifiers", "po")
def po_echoes_identifiers(ctx: Context) -> Failure | None:
    """Echoed PO numbers are ones sent; an echoed sourceTxnId is the one sent."""
    sent = sent_items(ctx.sent)
    numbers = {name: {str(d.get(name)) for d in sent} for name in
               ("poInternalNumber", "poExternalNumber")}
    txn = ctx.sent.get("sourceTxnId") if isinstance(ctx.sent, dict) else None
    for item in responses(ctx.answer) or []:
        for name, allowed in numbers.items():
            if item.get(name) not in (None, "") and str(item[name]) not in allowed:
                return Failure(
                    f"{name} {shown(item[name])}", f"{name} as sent: {shown(sorted(allowed))}"
                )
        if item.get("sourceTxnId") not in (None, "") and str(item["sourceTxnId"]) != str(txn):
            return Failure(
                f"sourceTxnId {shown(item['sourceTxnId'])}", f"sourceTxnId {shown(txn)}"
            )
    return None


@judge("po_echoes_present", "po")
def po_echoes_present(ctx: Context) -> Failure | None:
    items = responses(ctx.answer) or []
    wanted = ("poInternalNumber", "sourceTxnId", "processStatus")
    for item in items or [{}]:
        missing = [name for name in wanted if item.get(name) in (None, "")]
        if missing:
            return Failure(f"a PoServiceResponse without {missing}", f"{list(wanted)} filled in")
    return None


@judge("po_errors_shape", "po")
def po_errors_shape(ctx: Context) -> Failure | None:
    for item in responses(ctx.answer) or []:
        errors = item.get("errors")
        if errors is None:
            continue
        if not isinstance(errors, list) or not all(
            isinstance(e, dict) and isinstance(e.get("errorCode"), str)
            and isinstance(e.get("errorDesc"), str) for e in errors
        ):
            return Failure(
                f"errors {shown(errors)}", '"errors": [{"errorCode": "...", "errorDesc": "..."}]'
            )
    return None


@judge("xml_response", "po")
def xml_response(ctx: Context) -> Failure | None:
    """Asked for XML, the answer is XML (any root element) holding a PoServiceResponse."""
    root = parse_xml(ctx.answer.text)
    if is_xml_media(ctx.answer.content_type) and root is not None and any(
        any(c.tag.rsplit("}", 1)[-1] in FIELDS for c in node) for node in root.iter()
    ):
        return None
    return Failure(ctx.answer.brief(), "an XML media type and an XML PoServiceResponse")
