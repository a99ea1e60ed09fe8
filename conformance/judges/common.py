"""Judges that read the same way for every product: server errors, media types, auth refusals."""

from conformance.judges import Context, Failure, evaluate, is_json_media, judge
from conformance.notation import shown

# a method the server does not implement (TRACE, CONNECT, a made-up one): RFC 9110 §15.6.2
NOT_IMPLEMENTED = 501


@judge("no_server_error")
def no_server_error(ctx: Context) -> Failure | None:
    """No 5xx on a documented method; an undocumented one may get 405 or 501 (RFC 9110)."""
    if ctx.answer.status < 500:
        return None
    if ctx.answer.status == NOT_IMPLEMENTED and not ctx.documented_method:
        return None
    return Failure(ctx.answer.brief(), "no 5xx; bad input gets a 4xx")


@judge("json_media_type")
def json_media_type(ctx: Context) -> Failure | None:
    """A JSON body comes with a JSON media type, and a JSON media type carries RFC 8259 JSON
    (401/403 bodies may be anything)."""
    answer = ctx.answer
    if answer.status in (401, 403) or (not answer.content.strip() and not answer.cut):
        return None
    if is_json_media(answer.content_type):
        if answer.json_problem is None:
            return None
        return Failure(f"a body under {shown(answer.content_type)} that is not JSON: "
                       f"{answer.json_problem}", "RFC 8259 JSON under a JSON media type")
    if answer.json_problem is not None:
        return None
    return Failure(f"a JSON body under {shown(answer.content_type or 'no media type')}",
                   "application/json (a charset parameter allowed)")


@judge("auth_refused")
def auth_refused(ctx: Context) -> Failure | None:
    if ctx.answer.status in (401, 403):
        return None
    return Failure(ctx.answer.brief(), "401 (403 where a gateway answers)")


@judge("accepted_or_rejected")
def accepted_or_rejected(ctx: Context) -> Failure | None:
    """Where the documents leave it open (an empty batch): nothing done, or a clean rejection."""
    if evaluate("accepted", ctx) is None or evaluate("rejected", ctx) is None:
        return None
    return Failure(ctx.answer.brief(), "accepted with nothing done, or rejected with a 4xx")
