"""Judges of the GEP SMART envelope (000, 001, 003) and of its documented latitude.

Rejected: HTTP 4xx (415 with any body), or HTTP 200 whose envelope statusCode is a 4xx string.
Error keys may be input keys or categories (POR_INVALID, Validation, Exception); a mixed batch
may succeed in part or be rejected whole, but no key both succeeds and fails and every success
key is one that was sent.
"""

from typing import Any

from conformance.catalog import fold_whitespace
from conformance.judges import (
    NOT_JSON,
    Answer,
    Context,
    Failure,
    NotApplicable,
    evaluate,
    judge,
)
from conformance.notation import shown

ENVELOPE_KEYS = ("statusCode", "errorDetails", "successDetails")  # `data` may be absent
# answers the documents show an envelope for; other 4xx bodies may be anything (a gateway's)
_ENVELOPE_STATUSES = (200, 400)
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


def fold_key(key: object) -> str:
    """Keys compare trimmed and case-blind: binders trim, and a case-insensitive store (the
    default collation of SQL Server) answers with the code as it stored it."""
    return str(key).strip().casefold()


def success_keys(ctx: Context) -> list[str]:
    return [fold_key(e.get("key")) for e in _entries(envelope(ctx), "successDetails")
            if isinstance(e, dict)]


def error_keys(ctx: Context) -> list[str]:
    return [fold_key(e.get("key")) for e in _entries(envelope(ctx), "errorDetails")
            if isinstance(e, dict)]


def sent_keys(ctx: Context) -> list[str]:
    """The keys the request sent, by operation: model[].key, [].clientContactCode, [].entityCode."""
    items = ctx.sent.get("model") if isinstance(ctx.sent, dict) else ctx.sent
    if not isinstance(items, list):
        return []
    name = KEY_FIELD[ctx.operation]
    return [fold_key(i[name]) for i in items
            if isinstance(i, dict) and i.get(name) not in (None, "")]


def _as_sent(ctx: Context, folded) -> str:
    """Folded keys in JSON notation, each written as the request (or else the answer) had it."""
    items = ctx.sent.get("model") if isinstance(ctx.sent, dict) else ctx.sent
    name = KEY_FIELD[ctx.operation]
    raw = [i.get(name) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    body = envelope(ctx)
    raw += [e.get("key") for n in ("successDetails", "errorDetails") for e in _entries(body, n)
            if isinstance(e, dict)]
    spelled: dict[str, object] = {}
    for key in raw:
        spelled.setdefault(fold_key(key), key)
    return shown([spelled.get(key, key) for key in folded])


def _items_without_key(ctx: Context) -> bool:
    items = ctx.sent.get("model") if isinstance(ctx.sent, dict) else ctx.sent
    name = KEY_FIELD[ctx.operation]
    return isinstance(items, list) and any(
        isinstance(i, dict) and i.get(name) in (None, "") for i in items)


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
    `success_answer`'s, so an envelope defect fails that judge's rule and not every field rule.
    """
    body = envelope(ctx)
    code = str((body or {}).get("statusCode", ""))
    if 200 <= ctx.answer.status < 300 and not code.startswith(("4", "5")) and not _entries(
        body, "errorDetails"
    ):
        return None
    return Failure(ctx.answer.brief(), "the request accepted: a 2xx reporting no error")


@judge("success_answer", "gep", only_if="accepted")
def success_answer(ctx: Context) -> Failure | None:
    """The documented form of a success; the shape of a refusal is rejection_answer's."""
    body = envelope(ctx)
    if ctx.answer.status == 200 and _status_code(body) == "200" and not _entries(
        body, "errorDetails"
    ):
        return None
    return Failure(ctx.answer.brief(), 'HTTP 200 with statusCode "200" and an empty errorDetails')


@judge("rejected", "gep", not_on_server_error=True)
def rejected(ctx: Context) -> Failure | None:
    if is_rejection(ctx):
        return None
    return Failure(ctx.answer.brief(), "HTTP 4xx, or HTTP 200 with a 4xx statusCode string")


@judge("rejection_answer", "gep")
def rejection_answer(ctx: Context) -> Failure | NotApplicable | None:
    """The full shape of a rejection: a 4xx statusCode and the cause in errorDetails. A 4xx other
    than 400 (401, 404, 415...) may carry any body; a partial success is no rejection."""
    body = envelope(ctx)
    refused_whole = bool(_entries(body, "errorDetails")) and not _entries(body, "successDetails")
    if not (is_rejection(ctx) or refused_whole):
        return NotApplicable("the request was not rejected")
    status = ctx.answer.status
    if 400 < status < 500 and (body is None or "statusCode" not in body):
        return None
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
    """The envelope: statusCode, errorDetails and successDetails (lists, or null where empty),
    data absent, null or an object; successDetails entries carry a key. A 2xx and a 400 are
    envelopes; another 4xx (401, 404, 415...) may carry any body, judged only when it is one."""
    body = envelope(ctx)
    status = ctx.answer.status
    if not (200 <= status < 300 or status in _ENVELOPE_STATUSES) and (
        body is None or "statusCode" not in body
    ):
        return None  # HTTP 401, 404, 415... may carry any body (a gateway's)
    documented = ('{"data": null|{}, "statusCode": "...", "errorDetails": [...]|null, '
                  '"successDetails": [{"key": ...}]|null}')
    if body is None:
        return Failure(f"no JSON object: {ctx.answer.brief()}", documented)
    missing = [k for k in ENVELOPE_KEYS if k not in body]
    wrong = [k for k in ("errorDetails", "successDetails")
             if k in body and body[k] is not None and not isinstance(body[k], list)]
    if body.get("data") is not None and not isinstance(body["data"], dict):
        wrong.append("data")
    keyless = [e for e in _entries(body, "successDetails")
               if not isinstance(e, dict) or "key" not in e]
    if not (missing or wrong or keyless):
        return None
    return Failure(f"missing {shown(missing)}, wrong type {shown(wrong)}, successDetails entries "
                   "without key "
                   f"{shown(keyless)}", documented)


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
    """Each entry: a string key and one or more errors of string errorCode and errorDescription
    (the spec's GepErrorDetail and GepError, "One or more errors": an entry with an empty errors
    list reports no cause; errorCode values are an open set, not their type)."""
    for entry in _entries(envelope(ctx), "errorDetails"):
        errors = entry.get("errors") if isinstance(entry, dict) else None
        good = isinstance(entry, dict) and isinstance(entry.get("key"), str) and isinstance(
            errors, list) and bool(errors) and all(
            isinstance(e, dict) and isinstance(e.get("errorCode"), str)
            and isinstance(e.get("errorDescription"), str) for e in errors
        )
        if not good:
            return Failure(f"errorDetails entry {shown(entry)}",
                           "{key, errors: [{errorCode, errorDescription}, ...]}, one error or more")
    return None


@judge("gep_success_keys_equal_sent", "gep")
def gep_success_keys_equal_sent(ctx: Context) -> Failure | None:
    got, sent = sorted(set(success_keys(ctx))), sorted(set(sent_keys(ctx)))
    if got == sent:
        return None
    return Failure(f"successDetails keys {_as_sent(ctx, got)}",
                   f"one successDetails key per key sent: {_as_sent(ctx, sent)}")


@judge("gep_success_keys_were_sent", "gep")
def gep_success_keys_were_sent(ctx: Context) -> Failure | None:
    """Every success key was sent; a key sent empty or left out may come back empty or null
    (whether such an item may succeed is its field rule's question, not this one's)."""
    allowed = set(sent_keys(ctx))
    if _items_without_key(ctx):
        allowed |= {fold_key(""), fold_key(None)}
    stray = sorted(set(success_keys(ctx)) - allowed)
    if not stray:
        return None
    return Failure(f"successDetails keys {_as_sent(ctx, stray)} that were not sent",
                   f"only keys the request sent: {_as_sent(ctx, sent_keys(ctx))}")


@judge("gep_no_key_both", "gep")
def gep_no_key_both(ctx: Context) -> Failure | None:
    both = sorted(set(success_keys(ctx)) & set(error_keys(ctx)))
    if not both:
        return None
    return Failure(f"keys {_as_sent(ctx, both)} in successDetails and errorDetails",
                   "each key in one list only")


@judge("batch_outcome", "gep")
def batch_outcome(ctx: Context) -> Failure | None:
    """A batch succeeds in part (every `valid` key listed) or is rejected whole (none listed).

    `invalid` keys never succeed; `either` keys (latitude) may go both ways. A batch without
    any invalid or either item has no reason to be rejected whole. An invalid item sent
    without a key is written "" in `invalid`: it makes a whole rejection right, and an empty
    success key would be that item succeeding.
    """
    valid = {fold_key(k) for k in ctx.args.get("valid", [])}
    invalid = {fold_key(k) for k in ctx.args.get("invalid", [])}
    either = {fold_key(k) for k in ctx.args.get("either", [])}
    listed = set(success_keys(ctx))
    documented = (f"successDetails holding every valid key {_as_sent(ctx, sorted(valid))} and no "
                  f"invalid key {_as_sent(ctx, sorted(invalid))}, or the whole batch rejected")
    if listed & invalid or listed - set(sent_keys(ctx)):
        return Failure(f"successDetails keys {_as_sent(ctx, sorted(listed))}", documented)
    if listed and not valid <= listed:
        return Failure(f"partial success without {_as_sent(ctx, sorted(valid - listed))}",
                       documented)
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

