"""Judges of the GEP SMART envelope (000, 001, 003) and of its documented latitude.

Rejected: HTTP 4xx (415 with any body), or HTTP 200 whose envelope statusCode is a 4xx string.
Error keys may be input keys or categories (POR_INVALID, Validation, Exception); a mixed batch
may succeed in part or be rejected whole, but no key both succeeds and fails and every success
key is one that was sent.
"""

from typing import Any

from conformance.catalog import fold_whitespace
from conformance.notation import shown
from conformance.scenarios.judges import (
    NOT_JSON,
    Answer,
    Context,
    Failure,
    NotApplicable,
    evaluate,
    judge,
)

ENVELOPE_KEYS = ("data", "statusCode", "errorDetails", "successDetails")
KEY_FIELD = {
    "updateProcessedPorStatus": "key",
    "updateContactInterfaceStatus": "clientContactCode",
    "saveOrgEntityManagers": "entityCode",
}


def envelope(ctx: Context) -> dict[str, Any] | None:
    body = ctx.answer.json
    return body if isinstance(body, dict) else None


def _entries(body: dict[str, Any] | None, name: str) -> list[Any]:
    value = (body or {}).get(name)
    return value if isinstance(value, list) else []


def success_keys(ctx: Context) -> list[str]:
    return [str(e.get("key")) for e in _entries(envelope(ctx), "successDetails")
            if isinstance(e, dict)]


def error_keys(ctx: Context) -> list[str]:
    return [str(e.get("key")) for e in _entries(envelope(ctx), "errorDetails")
            if isinstance(e, dict)]


def sent_keys(ctx: Context) -> list[str]:
    """The keys the request sent, by operation: model[].key, [].clientContactCode, [].entityCode."""
    items = ctx.sent.get("model") if isinstance(ctx.sent, dict) else ctx.sent
    if not isinstance(items, list):
        return []
    name = KEY_FIELD[ctx.operation]
    return [str(i[name]) for i in items if isinstance(i, dict) and i.get(name) not in (None, "")]


def _status_code(body: dict[str, Any] | None) -> str | None:
    code = (body or {}).get("statusCode")
    return code if isinstance(code, str) else None


def _is_4xx_code(code: str | None) -> bool:
    return code is not None and len(code) == 3 and code.startswith("4") and code.isdigit()


def is_rejection(ctx: Context) -> bool:
    if 400 <= ctx.answer.status < 500:
        return True
    return ctx.answer.status == 200 and _is_4xx_code(_status_code(envelope(ctx)))


def reports_an_error(ctx: Context) -> bool:
    """A rejection, or an envelope that lists an error whatever its statusCode says."""
    return is_rejection(ctx) or bool(_entries(envelope(ctx), "errorDetails"))


@judge("accepted", "gep")
def accepted(ctx: Context) -> Failure | None:
    """The target took the request: a 2xx whose envelope reports no error.

    Only "was it accepted?": the documented form of a success (HTTP 200, statusCode "200") is
    `success_answer`'s, so an envelope defect fails GEP-SUCCESS-ANSWER and not every field rule.
    """
    body = envelope(ctx)
    code = str((body or {}).get("statusCode", ""))
    if 200 <= ctx.answer.status < 300 and not code.startswith(("4", "5")) and not _entries(
        body, "errorDetails"
    ):
        return None
    return Failure(ctx.answer.brief(), "the request accepted: a 2xx reporting no error")


@judge("success_answer", "gep")
def success_answer(ctx: Context) -> Failure | None:
    body = envelope(ctx)
    if ctx.answer.status == 200 and _status_code(body) == "200" and not _entries(
        body, "errorDetails"
    ):
        return None
    return Failure(ctx.answer.brief(), 'HTTP 200 with statusCode "200" and an empty errorDetails')


@judge("rejected", "gep")
def rejected(ctx: Context) -> Failure | None:
    if is_rejection(ctx):
        return None
    return Failure(ctx.answer.brief(), "HTTP 4xx, or HTTP 200 with a 4xx statusCode string")


@judge("rejection_answer", "gep")
def rejection_answer(ctx: Context) -> Failure | NotApplicable | None:
    """The full shape of a rejection: 415 may carry any body, else a 4xx envelope with errors."""
    if ctx.answer.status == 415:
        return None
    if not reports_an_error(ctx):
        return NotApplicable("the request was not rejected")
    body = envelope(ctx)
    if (ctx.answer.status == 200 or 400 <= ctx.answer.status < 500) and (
        _is_4xx_code(_status_code(body)) and _entries(body, "errorDetails")
    ):
        return None
    return Failure(
        ctx.answer.brief(),
        "HTTP 200 or 4xx with a 4xx statusCode string and the cause in errorDetails",
    )


@judge("some_rejected", "gep")
def some_rejected(ctx: Context) -> Failure | None:
    """At least one item is reported as failed: a rejection, or a non-empty errorDetails."""
    if is_rejection(ctx) or _entries(envelope(ctx), "errorDetails"):
        return None
    return Failure(ctx.answer.brief(), "the invalid item reported in errorDetails or rejected")


@judge("gep_envelope", "gep")
def gep_envelope(ctx: Context) -> Failure | None:
    body = envelope(ctx)
    if ctx.answer.status in (401, 403, 415):
        return None  # such answers may come from a gateway with any body
    if body is not None and all(k in body for k in ENVELOPE_KEYS) and all(
        body[k] is None or isinstance(body[k], list) for k in ("errorDetails", "successDetails")
    ) and (body["data"] is None or isinstance(body["data"], dict | list)):
        return None
    shown = sorted(body) if body is not None else ctx.answer.brief()
    return Failure(f"{shown}", "an object with data, statusCode, errorDetails, successDetails")


@judge("gep_status_code_string", "gep")
def gep_status_code_string(ctx: Context) -> Failure | None:
    body = envelope(ctx)
    if body is None or "statusCode" not in body:
        return None  # judged by gep_envelope
    code = body["statusCode"]
    if isinstance(code, str) and code.isdigit():
        return None
    return Failure(f"statusCode {shown(code)}", 'statusCode as a string of digits, e.g. "400"')


@judge("gep_error_details_shape", "gep")
def gep_error_details_shape(ctx: Context) -> Failure | None:
    for entry in _entries(envelope(ctx), "errorDetails"):
        errors = entry.get("errors") if isinstance(entry, dict) else None
        good = isinstance(entry, dict) and "key" in entry and isinstance(errors, list) and all(
            isinstance(e, dict) and "errorCode" in e and "errorDescription" in e for e in errors
        )
        if not good:
            return Failure(f"errorDetails entry {shown(entry)}",
                           "{key, errors: [{errorCode, errorDescription}]}")
    return None


@judge("gep_success_keys_equal_sent", "gep")
def gep_success_keys_equal_sent(ctx: Context) -> Failure | None:
    got, sent = sorted(set(success_keys(ctx))), sorted(set(sent_keys(ctx)))
    if got == sent:
        return None
    return Failure(f"successDetails keys {got}", f"one successDetails key per key sent: {sent}")


@judge("gep_success_keys_were_sent", "gep")
def gep_success_keys_were_sent(ctx: Context) -> Failure | None:
    stray = sorted(set(success_keys(ctx)) - set(sent_keys(ctx)))
    if not stray:
        return None
    return Failure(f"successDetails keys {stray} that were not sent",
                   f"only keys the request sent: {sent_keys(ctx)}")


@judge("gep_no_key_both", "gep")
def gep_no_key_both(ctx: Context) -> Failure | None:
    both = sorted(set(success_keys(ctx)) & set(error_keys(ctx)))
    if not both:
        return None
    return Failure(f"keys {both} in successDetails and errorDetails", "each key in one list only")


@judge("batch_outcome", "gep")
def batch_outcome(ctx: Context) -> Failure | None:
    """A batch succeeds in part (every `valid` key listed) or is rejected whole (none listed).

    `invalid` keys never succeed; `either` keys (latitude) may go both ways. A batch without
    any invalid or either item has no reason to be rejected whole.
    """
    valid = {str(k) for k in ctx.args.get("valid", [])}
    invalid = {str(k) for k in ctx.args.get("invalid", [])}
    either = {str(k) for k in ctx.args.get("either", [])}
    listed = set(success_keys(ctx))
    documented = (f"successDetails holding every valid key {sorted(valid)} and no invalid key "
                  f"{sorted(invalid)}, or the whole batch rejected")
    if listed & invalid or listed - set(sent_keys(ctx)):
        return Failure(f"successDetails keys {sorted(listed)}", documented)
    if listed and not valid <= listed:
        return Failure(f"partial success without {sorted(valid - listed)}", documented)
    whole_rejection = (invalid or either) and is_rejection(ctx)
    if not listed and valid and not whole_rejection:
        return Failure(ctx.answer.brief(), documented)
    return None


def _strings(answer: Answer) -> list[str]:
    """The answer's text as a reader sees it: a JSON body's decoded strings, else the body."""
    body = answer.json
    if body is NOT_JSON:
        return [answer.text]
    found: list[str] = []
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            found.append(node)
    return found


@judge("message_mentions", "gep", "po", "smat")
def message_mentions(ctx: Context) -> Failure | NotApplicable | None:
    """A documented text appears in the answer, case-insensitive, white space folded (SHOULD)."""
    if evaluate("rejected", ctx) is not None and not reports_an_error(ctx):
        return NotApplicable("the request was not rejected: no message to read")
    texts = ctx.args["text"]
    texts = [texts] if isinstance(texts, str) else list(texts)
    body = fold_whitespace(" ".join(_strings(ctx.answer))).casefold()
    if any(fold_whitespace(t).casefold() in body for t in texts):
        return None
    return Failure(ctx.answer.brief(), " or ".join(shown(t) for t in texts))

