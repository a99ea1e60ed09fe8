"""Reading one answer the way every check needs it: operation, JSON body, media type, verdict.

Shared by the check modules so that "what counts as accepted" is decided in one place, with
the latitude of each product (a GEP rejection may be HTTP 200 with a 4xx envelope; a PO
rejection may be a 2xx with errors).
"""

import json
from typing import Any

from conformance.catalog import PRODUCT_OF_OPERATION
from conformance.notation import shown

NOT_JSON: Any = object()  # the body is empty or not JSON


class RuleViolation(AssertionError):
    """A check's failure: names the rule, what was received and what the documents say."""

    def __init__(self, rule_id: str, received: str, documented: str):
        self.rule_id = rule_id
        # the rule is named beside the message wherever it is shown, never inside it
        super().__init__(f"Received: {received} / Documented: {documented}")


def operation_of(case) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def product_of(case) -> str | None:
    return PRODUCT_OF_OPERATION.get(operation_of(case))


def header(response, name: str) -> str:
    """One response header (schemathesis keeps lower-case names with lists of values)."""
    value = response.headers.get(name.lower()) or response.headers.get(name) or ""
    return value[0] if isinstance(value, list) and value else str(value or "")


def media_type(response) -> str:
    return header(response, "content-type").split(";")[0].strip().lower()


def is_json_media(response) -> bool:
    kind = media_type(response)
    return kind == "application/json" or kind.endswith("+json")


def body_of(response) -> Any:
    """The parsed JSON body, or NOT_JSON."""
    if not response.content:
        return NOT_JSON
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return NOT_JSON


def short(value: Any, limit: int = 160) -> str:
    """A value in JSON notation (strings quoted), cut when long: conformance.notation."""
    return shown(value, limit)


def sent_json(case) -> Any:
    """The body the case sent, when it was JSON (XML bodies are not judged field by field)."""
    if "xml" in (case.media_type or ""):
        return NOT_JSON
    body = case.body
    return NOT_JSON if type(body).__name__ == "NotSet" else body


def envelope(body: Any) -> dict | None:
    return body if isinstance(body, dict) and "statusCode" in body else None


def listed_keys(body: dict, field: str) -> list[str]:
    """The `key`s listed in successDetails/errorDetails, as strings."""
    entries = body.get(field)
    if not isinstance(entries, list):
        return []
    return [str(e["key"]) for e in entries if isinstance(e, dict) and e.get("key") is not None]


def gep_accepted(response) -> bool:
    """A GEP answer that took the whole request: 2xx, a 2xx envelope and no errorDetails."""
    if not 200 <= response.status_code < 300:
        return False
    body = envelope(body_of(response))
    if body is None:
        return True
    return str(body.get("statusCode", "200")).startswith("2") and not body.get("errorDetails")


def po_answers(body: Any) -> list[dict]:
    """The PoServiceResponse objects of an answer (one object or a list of them)."""
    items = body if isinstance(body, list) else [body]
    return [item for item in items if isinstance(item, dict)]


def po_accepted(response) -> bool:
    if not 200 <= response.status_code < 300:
        return False
    body = body_of(response)
    if body is NOT_JSON:
        return b"<error" not in response.content.lower()  # an XML answer: judged by scenarios
    return not any(answer.get("errors") for answer in po_answers(body))


def accepted(product: str, response) -> bool:
    if product == "gep":
        return gep_accepted(response)
    if product == "po":
        return po_accepted(response)
    return 200 <= response.status_code < 300
