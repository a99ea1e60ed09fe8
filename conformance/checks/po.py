"""Checks of the PO modify service's answers (document 002), one invariant each.

JSON answers only: XML element names are not documented (any root name is allowed), so XML
answers are judged by the scripted scenarios, which know what they sent.
"""

import re

import schemathesis

from conformance.checks.answers import (
    NOT_JSON,
    RuleViolation,
    body_of,
    is_json_media,
    media_type,
    po_accepted,
    po_answers,
    product_of,
    sent_json,
    short,
)
from conformance.notation import shown

_ECHOED = ("poInternalNumber", "poExternalNumber")
_FAILED_STATUS = re.compile(r"fail|error|reject|invalid", re.IGNORECASE)
_RESPONSE_FIELDS = {
    "poInternalNumber",
    "poExternalNumber",
    "sourceTxnId",
    "processStatus",
    "errors",
}


def _answers(response, case) -> list[dict] | None:
    """The PoServiceResponse objects of a PO answer, or None when the check does not apply."""
    if product_of(case) != "po" or response.status_code in (401, 403):
        return None
    body = body_of(response)
    if body is NOT_JSON:
        return None
    answers = [a for a in po_answers(body) if _RESPONSE_FIELDS & set(a)]
    return answers or None


def _sent(case) -> tuple[dict[str, set[str]], str | None]:
    body = sent_json(case)
    if not isinstance(body, dict):
        return {}, None
    items = (
        [i for i in body.get("data") or [] if isinstance(i, dict)]
        if isinstance(body.get("data"), list)
        else []
    )
    numbers = {f: {str(i[f]) for i in items if i.get(f) is not None} for f in _ECHOED}
    txn = body.get("sourceTxnId")
    return numbers, None if txn is None else str(txn)


@schemathesis.check
def po_errors_shape(ctx, response, case):
    """PO-ERRORS-SHAPE: errors, when present, is a list of {errorCode, errorDesc} objects."""
    answers = _answers(response, case)
    if not answers:
        return True
    for answer in answers:
        errors = answer.get("errors")
        if errors is None:
            continue
        good = isinstance(errors, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("errorCode"), str | None)
            and isinstance(e.get("errorDesc"), str | None)
            and ("errorCode" in e or "errorDesc" in e)
            for e in errors
        )
        if not good:
            raise RuleViolation(
                "PO-ERRORS-SHAPE",
                f"errors {short(errors)}",
                '"errors": [{"errorCode": "...", "errorDesc": "..."}]',
            )
    return None


@schemathesis.check
def po_echoes_identifiers(ctx, response, case):
    """PO-ECHOES-IDENTIFIERS: echoed PO numbers and sourceTxnId equal the values sent."""
    answers = _answers(response, case)
    numbers, txn = _sent(case)
    if not answers or sent_json(case) is NOT_JSON:
        return True
    for answer in answers:
        for field in _ECHOED:
            echoed = answer.get(field)
            sent = {n.strip() for n in numbers.get(field, ())}
            if echoed is not None and sent and str(echoed).strip() not in sent:
                raise RuleViolation(
                    "PO-ECHOES-IDENTIFIERS",
                    f"{field} {short(echoed)}",
                    f"{field} as sent: {shown(sorted(numbers[field]))}",
                )
        echoed_txn = answer.get("sourceTxnId")
        if txn is not None and echoed_txn is not None and str(echoed_txn).strip() != txn.strip():
            raise RuleViolation(
                "PO-ECHOES-IDENTIFIERS",
                f"sourceTxnId {short(echoed_txn)}",
                f"sourceTxnId {shown(txn)} as sent",
            )
    return None


@schemathesis.check
def po_echoes_present(ctx, response, case):
    """PO-ECHOES-PRESENT: an accepted answer carries PO numbers, sourceTxnId, processStatus."""
    answers = _answers(response, case)
    if not answers or not po_accepted(response):
        return True
    numbers, txn = _sent(case)
    wanted = ["processStatus"] + (["sourceTxnId"] if txn is not None else [])
    for answer in answers:
        absent = [f for f in wanted if answer.get(f) is None]
        if any(numbers.values()) and all(answer.get(f) is None for f in _ECHOED):
            absent.append("poInternalNumber/poExternalNumber")
        if absent:
            raise RuleViolation(
                "PO-ECHOES-PRESENT",
                f"no {absent} in {short(answer)}",
                "poInternalNumber, poExternalNumber, sourceTxnId, processStatus",
            )
    return None


@schemathesis.check
def po_json_response(ctx, response, case):
    """PO-JSON-SUPPORTED: a JSON answer comes with a JSON media type."""
    if (
        product_of(case) != "po"
        or response.status_code in (401, 403)
        or body_of(response) is NOT_JSON
    ):
        return True
    if not is_json_media(response):
        raise RuleViolation(
            "PO-JSON-SUPPORTED",
            f"a JSON body under Content-Type {media_type(response) or 'none'}",
            "application/json",
        )
    return None


@schemathesis.check
def po_success_answer(ctx, response, case):
    """PO-SUCCESS-ANSWER: an accepted modification gets 200 or 201."""
    if product_of(case) != "po" or not po_accepted(response):
        return True
    if response.status_code not in (200, 201):
        raise RuleViolation("PO-SUCCESS-ANSWER", f"HTTP {response.status_code}", "200 or 201")
    return None


@schemathesis.check
def po_rejection_answer(ctx, response, case):
    """PO-REJECTION-ANSWER: a 2xx that reports a failed processStatus carries its errors."""
    answers = _answers(response, case)
    if not answers or not 200 <= response.status_code < 300:
        return True
    for answer in answers:
        status = answer.get("processStatus")
        if isinstance(status, str) and _FAILED_STATUS.search(status) and not answer.get("errors"):
            raise RuleViolation(
                "PO-REJECTION-ANSWER",
                f"HTTP {response.status_code}, processStatus {shown(status)}, "
                f"errors {short(answer.get('errors'))}",
                "400 or 405, or 200/201 with a non-empty errors list",
            )
    return None
