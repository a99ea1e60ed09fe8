"""Judges of the PO modify service (002) and of its documented latitude.

Accepted: a 2xx with no PoServiceResponse reporting errors or a failed processStatus.
Rejected (a validation rule): any 4xx, or a 2xx with a non-empty errors list or a failed
processStatus; the rejection's documented form (rejection_answer) is narrower: 400 or 405,
or a 2xx with the errors listed. JSON or XML, one response or a list of them.
"""

import re

from conformance.judges import (
    NOT_JSON,
    Context,
    Failure,
    NotApplicable,
    evaluate,
    is_xml_media,
    judge,
)
from conformance.judges.po_body import FIELDS, errors_of, responses, sent_items
from conformance.judges.spec_types import documented_properties, json_type
from conformance.notation import shown

# processStatus values are undocumented: one that says the modification failed
_FAILED_STATUS = re.compile(r"fail|error|reject|invalid", re.IGNORECASE)
_ECHOED = ("poInternalNumber", "poExternalNumber")
# refusals of the request, not of the modification: credentials (401, 403), media types (406,
# 415), size (413); 002 documents 401 and 403, and the spec's 4XX
_NOT_ABOUT_THE_MODIFICATION = (401, 403, 406, 413, 415)


def _has_errors(ctx: Context) -> bool:
    return any(errors_of(item) for item in responses(ctx.answer) or [])


def _reports_failure(ctx: Context) -> bool:
    """Errors listed, or a processStatus that says the modification failed (values undocumented)."""
    return _has_errors(ctx) or any(
        _FAILED_STATUS.search(str(item.get("processStatus") or ""))
        for item in responses(ctx.answer) or []
    )


@judge("accepted", "po")
def accepted(ctx: Context) -> Failure | None:
    """The target took the request: a 2xx without errors (the documented form: success_answer)."""
    if 200 <= ctx.answer.status < 300 and not _reports_failure(ctx):
        return None
    return Failure(ctx.answer.brief(), "the request accepted: a 2xx reporting no failure")


@judge("success_answer", "po", only_if="accepted")
def success_answer(ctx: Context) -> Failure | None:
    """The documented form of a success; the shape of a refusal is rejection_answer's."""
    items = responses(ctx.answer)
    if ctx.answer.status in (200, 201) and items is not None and not _has_errors(ctx):
        return None
    return Failure(ctx.answer.brief(), "200 or 201 with a PoServiceResponse without errors")


@judge("rejected", "po", not_on_server_error=True)
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
    if status in _NOT_ABOUT_THE_MODIFICATION:
        return None  # credentials or media refused before the modification was looked at
    if status in (400, 405) or (status in (200, 201) and _has_errors(ctx)):
        return None
    return Failure(ctx.answer.brief(), "400 or 405, or 200/201 with a non-empty errors list")


def _filled(value) -> str | None:
    """A value as compared: trimmed text; None when absent, null or empty."""
    text = None if value is None else str(value).strip()
    return text or None


def _sent_numbers(ctx: Context) -> tuple[dict[str, set[str]], str | None]:
    numbers = {name: {n for d in sent_items(ctx.sent) if (n := _filled(d.get(name)))}
               for name in _ECHOED}
    txn = _filled(ctx.sent.get("sourceTxnId")) if isinstance(ctx.sent, dict) else None
    return numbers, txn


@judge("po_echoes_identifiers", "po")
def po_echoes_identifiers(ctx: Context) -> Failure | None:
    """Echoed PO numbers are ones sent; an echoed sourceTxnId is the one sent (trimmed)."""
    numbers, txn = _sent_numbers(ctx)
    for item in responses(ctx.answer) or []:
        for name, allowed in numbers.items():
            echoed = _filled(item.get(name))
            if echoed is not None and allowed and echoed not in allowed:
                return Failure(f"{name} {shown(item[name])}",
                               f"{name} as sent: {shown(sorted(allowed))}")
        echoed = _filled(item.get("sourceTxnId"))
        if echoed is not None and txn is not None and echoed != txn:
            return Failure(f"sourceTxnId {shown(item['sourceTxnId'])}", f"sourceTxnId {shown(txn)}")
    return None


@judge("po_echoes_present", "po", only_if="accepted")
def po_echoes_present(ctx: Context) -> Failure | NotApplicable | None:
    """An accepted answer carries processStatus, the sourceTxnId sent and a PO number sent.

    A `data` naming no PO (empty, or items without numbers: in XML both are `<data></data>`)
    accepted with nothing done may be answered with no PoServiceResponse at all (an empty
    list): there is nothing to echo."""
    numbers, txn = _sent_numbers(ctx)
    wanted = ["processStatus"] + (["sourceTxnId"] if txn is not None else [])
    items = responses(ctx.answer)
    if items == [] and not any(numbers.values()):
        return NotApplicable("a data list naming no PO answered with no PoServiceResponse")
    for item in items or [{}]:
        missing = [name for name in wanted if _filled(item.get(name)) is None]
        if any(numbers.values()) and all(_filled(item.get(n)) is None for n in _ECHOED):
            missing.append("poInternalNumber/poExternalNumber")
        if missing:
            return Failure(f"a PoServiceResponse without {shown(missing)}",
                           "poInternalNumber, poExternalNumber, sourceTxnId, processStatus")
    return None


@judge("po_errors_shape", "po")
def po_errors_shape(ctx: Context) -> Failure | None:
    """errors, when present, lists objects whose errorCode and errorDesc are strings (either
    may be null or absent: every field of 002 is optional), at least one of them given."""
    for item in responses(ctx.answer) or []:
        errors = item.get("errors")
        if errors is None:
            continue
        if not isinstance(errors, list) or not all(
            isinstance(e, dict) and ("errorCode" in e or "errorDesc" in e)
            and isinstance(e.get("errorCode"), str | None)
            and isinstance(e.get("errorDesc"), str | None) for e in errors
        ):
            return Failure(f"errors {shown(errors)}",
                           '"errors": [{"errorCode": "...", "errorDesc": "..."}]')
    return None


def _scalar_fields() -> dict[str, frozenset[str]]:
    """The PoServiceResponse fields 002 types as a scalar (every one "string", optional), with
    their types as the spec writes them; `errors`, a list of objects, is po_errors_shape's."""
    return {name: prop.types for name, prop in documented_properties(
        "po", "PoServiceResponse").items() if not prop.types & {"array", "object"}}


@judge("po_answer_field_types", "po")
def po_answer_field_types(ctx: Context) -> Failure | NotApplicable | None:
    """A JSON 2xx answer's PoServiceResponse fields, when present and not null, are of the type
    002 gives them: a string (a number, a boolean or an object is not). An XML answer carries
    text only, and a 4xx body may be another JSON error wrapper: neither is judged."""
    if not 200 <= ctx.answer.status < 300:
        return NotApplicable("not a 2xx: a 4xx body may be a PoServiceResponse or other JSON")
    body = ctx.answer.json
    if body is NOT_JSON or is_xml_media(ctx.answer.content_type):
        return NotApplicable("not a JSON answer: an XML answer carries text only")
    fields = _scalar_fields()
    for item in body if isinstance(body, list) else [body]:
        if not isinstance(item, dict):
            continue  # not a PoServiceResponse at all: success_answer judges that
        for name, types in fields.items():
            value = item.get(name)
            if value is not None and json_type(value) not in types:
                documented = " or ".join(sorted(types - {"null"}))
                return Failure(f"{name} {shown(value)} (a JSON {json_type(value)})",
                               f"{name} a JSON {documented} or null, as 002 types it")
    return None


@judge("xml_response", "po")
def xml_response(ctx: Context) -> Failure | None:
    """Asked for XML, the answer is XML (any root element) holding a PoServiceResponse."""
    root = ctx.answer.xml
    if is_xml_media(ctx.answer.content_type) and root is not None and any(
        any(c.tag.rsplit("}", 1)[-1] in FIELDS for c in node) for node in root.iter()
    ):
        return None
    why = f" ({ctx.answer.xml_problem})" if ctx.answer.xml_problem else ""
    return Failure(ctx.answer.brief() + why, "an XML media type and an XML PoServiceResponse")
