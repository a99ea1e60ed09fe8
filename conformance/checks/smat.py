"""Checks of the Smart Materials OData answers (document 004), one invariant each."""

from urllib.parse import urlsplit

import schemathesis

from conformance.checks.answers import (
    NOT_JSON,
    RuleViolation,
    body_of,
    is_json_media,
    media_type,
    product_of,
    sent_json,
    short,
)


def _applies(response, case) -> bool:
    return product_of(case) == "smat" and 200 <= response.status_code < 300


@schemathesis.check
def smat_odata_response(ctx, response, case):
    """SMAT-ODATA-RESPONSE: a success body has an absolute-URL @odata.context and a value list."""
    if not _applies(response, case):
        return True
    body = body_of(response)
    documented = '{"@odata.context": "<absolute URL>", "value": [{...event...}]}'
    if not isinstance(body, dict):
        raise RuleViolation(
            "SMAT-ODATA-RESPONSE", "no JSON object" if body is NOT_JSON else short(body), documented
        )
    context = body.get("@odata.context")
    parts = urlsplit(context) if isinstance(context, str) else None
    if parts is None or not parts.scheme or not parts.netloc:
        raise RuleViolation("SMAT-ODATA-RESPONSE", f"@odata.context {short(context)}", documented)
    value = body.get("value")
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise RuleViolation("SMAT-ODATA-RESPONSE", f"value {short(value)}", documented)
    return None


@schemathesis.check
def smat_json_response(ctx, response, case):
    """SMAT-JSON-RESPONSE: a JSON answer (and every success) comes with a JSON media type."""
    if product_of(case) != "smat" or response.status_code in (401, 403) or not response.content:
        return True
    is_json = body_of(response) is not NOT_JSON
    if (is_json or 200 <= response.status_code < 300) and not is_json_media(response):
        raise RuleViolation(
            "SMAT-JSON-RESPONSE",
            f"HTTP {response.status_code} under Content-Type {media_type(response) or 'none'}",
            "application/json",
        )
    return None


def _matches(sent: dict, returned: dict) -> bool:
    """Events may be matched by PpeId, AttpId or PpeCode (an integer PpeCode may come back as
    text); whichever the target uses, one of the three is seen again."""
    for field in ("AttpId", "PpeId"):
        if sent.get(field) is not None and returned.get(field) == sent[field]:
            return True
    code = sent.get("PpeCode")
    return code is not None and str(returned.get("PpeCode")) == str(code)


@schemathesis.check
def smat_success_answer(ctx, response, case):
    """SMAT-SUCCESS-ANSWER: an accepted call gets 200/201 and its value holds every event sent."""
    if not _applies(response, case):
        return True
    if response.status_code not in (200, 201):
        raise RuleViolation("SMAT-SUCCESS-ANSWER", f"HTTP {response.status_code}", "200 or 201")
    body, sent = body_of(response), sent_json(case)
    value = body.get("value") if isinstance(body, dict) else None
    events = sent.get("PPE") if isinstance(sent, dict) else None
    if not isinstance(value, list) or not isinstance(events, list):
        return None
    returned = [e for e in value if isinstance(e, dict)]
    identified = [
        e
        for e in events
        if isinstance(e, dict) and (e.get("AttpId") is not None or e.get("PpeCode") is not None)
    ]
    missing = [e for e in identified if not any(_matches(e, r) for r in returned)]
    if missing:
        shown = [{k: e.get(k) for k in ("AttpId", "PpeCode")} for e in missing]
        raise RuleViolation(
            "SMAT-SUCCESS-ANSWER",
            f"value without the sent events {short(shown)}",
            "value holds every event sent",
        )
    return None
