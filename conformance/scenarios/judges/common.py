"""Judges that read the same way for every product: server errors, media types, auth refusals."""

from conformance.notation import shown
from conformance.scenarios.judges import NOT_JSON, Context, Failure, evaluate, judge

JSON_TYPES = ("application/json",)


def is_json_media(media_type: str) -> bool:
    return media_type in JSON_TYPES or media_type.endswith("+json")


@judge("no_server_error")
def no_server_error(ctx: Context) -> Failure | None:
    if ctx.answer.status < 500:
        return None
    return Failure(ctx.answer.brief(), "no 5xx; bad input gets a 4xx")


@judge("json_media_type")
def json_media_type(ctx: Context) -> Failure | None:
    """A JSON body comes with a JSON media type (401/403 bodies may be anything)."""
    if ctx.answer.status in (401, 403) or ctx.answer.json is NOT_JSON:
        return None
    if is_json_media(ctx.answer.content_type):
        return None
    return Failure(f"a JSON body under {shown(ctx.answer.content_type or 'no media type')}",
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
