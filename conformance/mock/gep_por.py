"""UpdateProcessedPORStatus (document 000): ERP processing status of known orders.

Rules: `key` is mandatory ("Key is mandatory") and must be a known order number ("Invalid Order
Number", category POR_INVALID as in the error example); `model` is a list of objects; status is
a string in the JSON and an "ErrorDetail object" in the table, so both are taken.
"""

from conformance.mock.context import MockContext
from conformance.mock.fields import is_blank, is_optional_text
from conformance.mock.gep_envelope import BodyRejected, GepOperation, Problem

TEXT_FIELDS = ("description", "sourceSystemName", "sourceSystemValue", "lob", "errorCode")


def _texts(ctx: MockContext) -> tuple[str, str]:
    if ctx.faults.on("por-messages-reworded"):
        return "Key required", "Order not found"
    return "Key is mandatory", "Invalid Order Number"


def items_of(body: object, ctx: MockContext) -> list:
    if not isinstance(body, dict):
        raise BodyRejected(Problem("Validation", "The body must be an object with a model list"))
    model = body.get("model")
    if model is None:
        return []
    if not isinstance(model, list):
        if ctx.faults.on("por-model-not-list-accepted"):  # a lenient binder's reading
            return [model] if isinstance(model, dict) else []
        raise BodyRejected(Problem("Validation", "model must be a list of objects"))
    return model


def check_item(item: object, ctx: MockContext, index: int = 0) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem("Validation", "Each model item must be an object")]
    mandatory, unknown = _texts(ctx)
    problems = []
    key = item.get("key")
    if is_blank(key):
        if not ctx.faults.on("por-key-not-mandatory") or not is_optional_text(key):
            problems.append(Problem("Validation", mandatory))
    elif key not in ctx.store.orders and not ctx.faults.on("por-accepts-unknown-order") and not (
        index > 0 and ctx.faults.on("por-checks-first-item-only")
    ):
        problems.append(Problem("POR_INVALID", unknown))
    problems += [Problem("Validation", f"{name} must be a string")
                 for name in TEXT_FIELDS if not is_optional_text(item.get(name))]
    status = item.get("status")
    if not (is_optional_text(status) or isinstance(status, dict)):
        problems.append(Problem("Validation", "status must be a string or an object"))
    return problems


def key_of(item: object) -> str | None:
    key = item.get("key") if isinstance(item, dict) else None
    return key if isinstance(key, str) and key.strip() else None


def success_key_of(item: dict, ctx: MockContext) -> str | None:
    return None if ctx.faults.on("por-success-details-empty") else item.get("key") or ""


def apply_item(item: dict, ctx: MockContext) -> None:
    key = item.get("key") or ""
    record = {name: item.get(name) for name in (*TEXT_FIELDS, "status")}
    ctx.store.orders[key] = record


OPERATION = GepOperation(items_of, check_item, key_of, success_key_of, apply_item)
