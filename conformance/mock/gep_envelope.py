"""The GEP SMART envelope and the batch semantics shared by PORStatus, Contact and OrgManagers.

Every GEP answer is {data, statusCode (a string), errorDetails[{key, errors[{errorCode,
errorDescription}]}], successDetails[{key}]}. A batch is validated item by item; the variant
decides whether one bad item rejects the whole batch (keys are then error categories, as in the
documents' examples) or only itself (keys are then the items' own keys).
"""

from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import Response

from conformance.mock.context import MockContext
from conformance.mock.http_io import PlantedServerError, json_response

GENERIC_ORG_ERROR = "Error occurred while saving OrgEntity Managers Information."


@dataclass(frozen=True)
class Problem:
    """One broken rule: `category` is the error key used when the whole batch is rejected."""

    category: str
    text: str
    code: str = "DataValidation"


class BodyRejected(Exception):
    """The body as a whole is unusable (not the documented container)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.text)
        self.problem = problem


@dataclass(frozen=True)
class GepOperation:
    items_of: Callable[[object, MockContext], list]  # may raise BodyRejected
    check_item: Callable[[object, MockContext, int], list[Problem]]  # item, ctx, its position
    key_of: Callable[[object], str | None]
    success_key_of: Callable[[dict, MockContext], str | None]  # None: not listed
    apply_item: Callable[[dict, MockContext], None]
    generic_exception: bool = False  # whole-batch rejections wear 003's generic Exception entry


def envelope(ctx: MockContext, http_status: int, status_code: str, errors: list[dict],
             success_keys: list[str]) -> Response:
    faults = ctx.faults
    if faults.on("gep-error-detail-without-errors-list"):
        errors = [{"key": e["key"], **e["errors"][0]} for e in errors]
    payload: dict = {
        "data": ctx.variant.gep_data,
        "statusCode": int(status_code) if faults.on("gep-statuscode-as-number") else status_code,
        "errorDetails": errors,
        "successDetails": [{"key": key} for key in success_keys],
    }
    if faults.on("gep-envelope-drops-success-details"):
        del payload["successDetails"]
    media = "text/plain" if faults.on("gep-envelope-as-text-plain") else None
    if media:
        return json_response(payload, http_status, media=media)
    return json_response(payload, http_status)


def error_entry(key: str, problems: list[Problem], ctx: MockContext) -> dict:
    return {"key": key, "errors": [
        {"errorCode": p.code, "errorDescription": ctx.text(p.text)} for p in problems
    ]}


def rejection(ctx: MockContext, entries: list[dict], also_succeeded: list[str] = ()) -> Response:
    status_code = "200" if ctx.faults.on("gep-rejection-says-200") else "400"
    return envelope(ctx, ctx.variant.gep_rejection_http, status_code, entries, list(also_succeeded))


def status_only(ctx: MockContext, http_status: int, message: str, code: str) -> Response:
    """401, 413, 415: the envelope with one categorised error."""
    entry = {"key": code, "errors": [{"errorCode": code, "errorDescription": message}]}
    return envelope(ctx, http_status, str(http_status), [entry], [])


def _group(pairs: list[tuple[str, Problem]], ctx: MockContext) -> list[dict]:
    grouped: dict[str, list[Problem]] = {}
    for key, problem in pairs:
        grouped.setdefault(key, []).append(problem)
    return [error_entry(key, problems, ctx) for key, problems in grouped.items()]


def _apply(ctx: MockContext, op: GepOperation, items: list[dict]) -> list[str]:
    """Store the items; the success keys to list, once each, in the order sent."""
    with ctx.store.lock:
        for item in items:
            op.apply_item(item, ctx)
        keys = [k for k in (op.success_key_of(item, ctx) for item in items) if k is not None]
        if ctx.faults.on("gep-success-lists-row-ids"):
            keys = [ctx.store.new_row_id() for _ in keys]
    return list(dict.fromkeys(keys))


def _success(ctx: MockContext, op: GepOperation, items: list[dict]) -> Response:
    keys = _apply(ctx, op, items)
    if ctx.faults.on("gep-success-http-202"):
        return envelope(ctx, 202, "202", [], keys)
    return envelope(ctx, 200, "200", [], keys)


def answer_batch(op: GepOperation, body: object, ctx: MockContext) -> Response:
    """Validate every item, then apply (all, or the valid ones) and answer with the envelope."""
    try:
        items = op.items_of(body, ctx)
    except BodyRejected as rejected:
        return rejection(ctx, [error_entry(rejected.problem.category, [rejected.problem], ctx)])
    if ctx.faults.on("gep-500-on-null-item") and any(not isinstance(i, dict) for i in items):
        raise PlantedServerError
    if not items:
        if ctx.variant.empty_batch_accepted:
            return _success(ctx, op, [])
        empty = Problem("Validation", "At least one item is required")
        return rejection(ctx, [error_entry("Validation", [empty], ctx)])
    with ctx.store.lock:
        checked = [(item, op.check_item(item, ctx, n)) for n, item in enumerate(items)]
        failing = [(item, problems) for item, problems in checked if problems]
        bad_keys = {op.key_of(item) for item, _ in failing} - {None}
        if ctx.variant.gep_whole_batch:
            good = [] if failing else items
        else:
            good = [item for item, problems in checked
                    if not problems and op.key_of(item) not in bad_keys]
        if not failing:
            return _success(ctx, op, good)
        if ctx.faults.on("gep-rejected-key-also-succeeds") and bad_keys:
            pairs = [(op.key_of(i) or p.category, p) for i, ps in failing for p in ps]
            return rejection(ctx, _group(pairs, ctx), sorted(bad_keys))
        if ctx.variant.gep_whole_batch:
            problems = [p for _, ps in failing for p in ps]
            if op.generic_exception:
                text = ("Bad request" if ctx.faults.on("org-messages-generic-only")
                        else GENERIC_ORG_ERROR)
                generic = Problem("Exception", text, code="Exception")
                return rejection(ctx, [error_entry("Exception", [generic, *problems], ctx)])
            return rejection(ctx, _group([(p.category, p) for p in problems], ctx))
        pairs = [(op.key_of(i) or p.category, p) for i, ps in failing for p in ps]
        return rejection(ctx, _group(pairs, ctx), _apply(ctx, op, good))
