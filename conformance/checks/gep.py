"""Checks of the GEP SMART envelope (documents 000, 001, 003), one invariant each.

A check returns True when it does not apply to the answer (schemathesis counts that as not
run), None when it holds, and raises `RuleViolation` when it is broken.
"""

import schemathesis

from conformance.checks.answers import (
    NOT_JSON,
    RuleViolation,
    body_of,
    envelope,
    is_json_media,
    listed_keys,
    media_type,
    product_of,
    sent_json,
    short,
)

# answers the documents show an envelope for; 401/403/404/405/415 bodies may be anything
ENVELOPE_STATUSES = frozenset({200, 400, 422})
# the request field that becomes the envelope key, per operation
KEY_FIELD = {
    "updateProcessedPorStatus": "key",
    "updateContactInterfaceStatus": "clientContactCode",
    "saveOrgEntityManagers": "entityCode",
}


def _envelope_answer(response, case):
    """The parsed body when this is a GEP answer that must be an envelope, else None."""
    if product_of(case) != "gep":
        return None
    body = body_of(response)
    if response.status_code in ENVELOPE_STATUSES or 200 <= response.status_code < 300:
        return body
    return body if envelope(body) is not None else None


def _fold(key: str) -> str:
    """Keys compare trimmed and case-blind: binders trim, some stores upper-case codes."""
    return key.strip().casefold()


def _sent_keys(case) -> set[str]:
    body = sent_json(case)
    items = body.get("model") if isinstance(body, dict) else body
    field = KEY_FIELD.get(str(case.operation.definition.raw.get("operationId")), "key")
    if not isinstance(items, list):
        return set()
    return {str(i[field]) for i in items if isinstance(i, dict) and i.get(field) is not None}


@schemathesis.check
def gep_envelope_shape(ctx, response, case):
    """GEP-ENVELOPE-SHAPE: the body is an object with statusCode, errorDetails, successDetails."""
    body = _envelope_answer(response, case)
    if body is None:
        return True
    documented = (
        '{"data": null|{}, "statusCode": "...", "errorDetails": [...], "successDetails": [...]}'
    )
    if body is NOT_JSON or not isinstance(body, dict):
        received = "no JSON object" if body is NOT_JSON else short(body)
        raise RuleViolation("GEP-ENVELOPE-SHAPE", received, documented)
    missing = [k for k in ("statusCode", "errorDetails", "successDetails") if k not in body]
    wrong = [
        k for k in ("errorDetails", "successDetails") if k in body and not isinstance(body[k], list)
    ]
    if body.get("data") is not None and not isinstance(body["data"], dict):
        wrong.append("data")
    bad_success = [
        e for e in body.get("successDetails") or [] if not isinstance(e, dict) or "key" not in e
    ]
    if missing or wrong or bad_success:
        received = (
            f"missing {missing}, wrong type {wrong}, "
            f"successDetails entries without key: {len(bad_success)}"
        )
        raise RuleViolation("GEP-ENVELOPE-SHAPE", received, documented)
    return None


@schemathesis.check
def gep_statuscode_is_string(ctx, response, case):
    """GEP-STATUSCODE-IS-STRING: statusCode is a string of digits."""
    body = envelope(_envelope_answer(response, case))
    if body is None:
        return True
    code = body["statusCode"]
    if not (isinstance(code, str) and code.isdigit()):
        raise RuleViolation(
            "GEP-STATUSCODE-IS-STRING", f"statusCode {short(code)}", '"statusCode": "200"'
        )
    return None


@schemathesis.check
def gep_error_detail_shape(ctx, response, case):
    """GEP-ERROR-DETAIL-SHAPE: each errorDetails entry has a key and coded, described errors."""
    body = envelope(_envelope_answer(response, case))
    if body is None or not isinstance(body.get("errorDetails"), list) or not body["errorDetails"]:
        return True
    documented = '{"key": "...", "errors": [{"errorCode": "...", "errorDescription": "..."}]}'
    for entry in body["errorDetails"]:
        errors = entry.get("errors") if isinstance(entry, dict) else None
        good = (
            isinstance(entry, dict)
            and isinstance(entry.get("key"), str)
            and isinstance(errors, list)
            and all(
                isinstance(e, dict)
                and isinstance(e.get("errorCode"), str)
                and isinstance(e.get("errorDescription"), str)
                for e in errors
            )
        )
        if not good:
            raise RuleViolation(
                "GEP-ERROR-DETAIL-SHAPE", f"errorDetails entry {short(entry)}", documented
            )
    return None


@schemathesis.check
def gep_success_keys_were_sent(ctx, response, case):
    """GEP-SUCCESS-KEYS-WERE-SENT: every successDetails key is a key the request sent."""
    body = envelope(_envelope_answer(response, case))
    success = listed_keys(body, "successDetails") if body else []
    sent = _sent_keys(case)
    if not success or (not sent and sent_json(case) is NOT_JSON):
        return True
    sent_folded = {_fold(key) for key in sent}
    strangers = [key for key in success if _fold(key) not in sent_folded]
    if strangers:
        raise RuleViolation(
            "GEP-SUCCESS-KEYS-WERE-SENT",
            f"successDetails keys {strangers} (sent {sorted(sent)})",
            "each successDetails key is one the request sent",
        )
    return None


@schemathesis.check
def gep_no_key_both_succeeded_and_failed(ctx, response, case):
    """GEP-NO-KEY-BOTH-SUCCEEDED-AND-FAILED: no key is both a success and an error."""
    body = envelope(_envelope_answer(response, case))
    if body is None or not body.get("successDetails") or not body.get("errorDetails"):
        return True
    both = sorted(set(listed_keys(body, "successDetails")) & set(listed_keys(body, "errorDetails")))
    if both:
        raise RuleViolation(
            "GEP-NO-KEY-BOTH-SUCCEEDED-AND-FAILED",
            f"keys {both} in successDetails and in errorDetails",
            "a key succeeds or fails, never both",
        )
    return None


@schemathesis.check
def gep_json_response(ctx, response, case):
    """GEP-JSON-RESPONSE: an envelope comes with a JSON media type."""
    if _envelope_answer(response, case) is None or not response.content:
        return True
    if not is_json_media(response):
        raise RuleViolation(
            "GEP-JSON-RESPONSE",
            f"Content-Type {media_type(response) or 'none'}",
            "application/json",
        )
    return None


@schemathesis.check
def gep_success_answer(ctx, response, case):
    """GEP-SUCCESS-ANSWER: an accepted request gets HTTP 200 with statusCode "200"."""
    body = envelope(_envelope_answer(response, case))
    if body is None or not 200 <= response.status_code < 300 or body.get("errorDetails"):
        return True
    if response.status_code != 200 or body.get("statusCode") != "200":
        raise RuleViolation(
            "GEP-SUCCESS-ANSWER",
            f"HTTP {response.status_code} with statusCode {short(body.get('statusCode'))}",
            'HTTP 200 with "statusCode": "200" and an empty errorDetails',
        )
    return None


@schemathesis.check
def gep_rejection_answer(ctx, response, case):
    """GEP-REJECTION-ANSWER: a rejection is HTTP 200/4xx, a 4xx statusCode and errorDetails."""
    body = envelope(_envelope_answer(response, case))
    if body is None:
        return True
    rejected_by_http = 400 <= response.status_code < 500
    rejected_whole = bool(body.get("errorDetails")) and not body.get("successDetails")
    if not (rejected_by_http or rejected_whole):
        return True
    code = str(body.get("statusCode"))
    http_ok = response.status_code == 200 or rejected_by_http
    if not (http_ok and code.startswith("4") and body.get("errorDetails")):
        raise RuleViolation(
            "GEP-REJECTION-ANSWER",
            f"HTTP {response.status_code}, statusCode {short(body.get('statusCode'))}, "
            f"errorDetails {short(body.get('errorDetails'), 80)}",
            'HTTP 200 or 4xx, "statusCode": "400" (a 4xx string) and the cause in errorDetails',
        )
    return None
