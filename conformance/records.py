"""Which records a call creates or changes, and the run marker it carries: for `--dry-run`,
for `written.json` and for the vendor who has to find and clean up what a run wrote.

Every one of the five documented operations writes when the target accepts it (PUT PORStatus,
PUT ContactInterfaceStatus, POST OrgManagers, POST PO modify, POST CreateUpdateProgressPayEvents).
`records_of` names the records a request body touches; `written_by` keeps those a success answer
confirms (a GEP answer's errorDetails keys were not written, 000-002 § Response). `mark` writes
the run marker into the free-text fields the documents allow: the PO's `sourceTxnId`
(003 § Request), a POR's `sourceSystemName` (000 § Model), an event's `ShortDesc` (004 § Body),
only where the body already has a string there (never creating a field a scenario left out).
"""

import copy
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

MARKER_PREFIX = "conformance-run-"
# operation -> (where: "top" | "items", field) of the free-text field that carries the marker
MARKED_FIELD = {
    "modifyPurchaseOrder": ("top", "sourceTxnId"),
    "updateProcessedPorStatus": ("items", "sourceSystemName"),
    "createUpdateProgressPayEvents": ("items", "ShortDesc"),
}
SHORT_DESC_MAX = 40  # below the ShortDesc bound the documents give; a marker is 24 characters
_ITEMS = {
    "updateProcessedPorStatus": "model",
    "createUpdateProgressPayEvents": "PPE",
    "modifyPurchaseOrder": "data",
}
_SMAT_PATH = re.compile(r"/Projects\('([^']*)'\).*/PurchaseOrders\(([^)]*)\)/")


def _items(operation: str, body: Any) -> list[dict]:
    if operation in ("updateContactInterfaceStatus", "saveOrgEntityManagers"):
        values = body
    elif operation in _ITEMS and isinstance(body, dict):
        values = body.get(_ITEMS[operation])
    else:
        values = None
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def mark(operation: str, body: Any, marker: str | None) -> Any:
    """A copy of the JSON body with the marker in its free-text field, where one is present."""
    if not marker or operation not in MARKED_FIELD:
        return body
    where, name = MARKED_FIELD[operation]
    marked = copy.deepcopy(body)
    holders = [marked] if where == "top" and isinstance(marked, dict) else _items(operation, marked)
    for holder in holders:
        if isinstance(holder.get(name), str) and len(marker) <= SHORT_DESC_MAX:
            holder[name] = marker
    return marked


def records_of(operation: str, body: Any, url: str = "") -> list[str]:
    """The records a request body names, as "kind identifier" strings, in body order."""
    found: list[str] = []
    for item in _items(operation, body):
        if operation == "updateProcessedPorStatus" and item.get("key"):
            found.append(f"order {item['key']}")
        elif operation == "updateContactInterfaceStatus" and item.get("clientContactCode"):
            found.append(f"contact {item['clientContactCode']}")
        elif operation == "saveOrgEntityManagers" and item.get("entityCode"):
            found.append(f"org entity {item['entityCode']} managers"
                         f" (structure {item.get('structureName')})")
        elif operation == "modifyPurchaseOrder" and (
            item.get("poInternalNumber") or item.get("poExternalNumber")
        ):
            found.append(f"PO {item.get('poInternalNumber')} / {item.get('poExternalNumber')}")
        elif operation == "createUpdateProgressPayEvents" and item.get("AttpId") is not None:
            match = _SMAT_PATH.search(unquote(urlsplit(url).path))
            po = f"PO {match.group(2)} of project {match.group(1)}, " if match else ""
            found.append(f"event AttpId {item['AttpId']} ({po}PpeCode {item.get('PpeCode')})")
    return list(dict.fromkeys(found))


def _gep_failed_keys(answer: Any) -> set[str]:
    details = answer.get("errorDetails") if isinstance(answer, dict) else None
    return {str(d.get("key")) for d in details or [] if isinstance(d, dict)}


def written_by(operation: str, body: Any, url: str, answer_text: str | None) -> list[str]:
    """The records a 2xx answer confirms written: those the body names, less the keys a GEP
    answer lists under errorDetails."""
    records = records_of(operation, body, url)
    if operation in ("updateProcessedPorStatus", "updateContactInterfaceStatus",
                     "saveOrgEntityManagers"):
        try:
            failed = _gep_failed_keys(json.loads(answer_text or "null"))
        except ValueError:
            failed = set()
        records = [r for r in records if r.split(" ")[-1 if "org" not in r else 2] not in failed]
    if operation == "modifyPurchaseOrder":
        records = _po_succeeded(records, answer_text)
    return records


def _po_succeeded(records: list[str], answer_text: str | None) -> list[str]:
    """A PO answer reports processStatus per PO (003 § Response): keep the SUCCESS ones."""
    try:
        answer = json.loads(answer_text or "null")
    except ValueError:
        return records
    items = answer if isinstance(answer, list) else [answer]
    items = [i for i in items if isinstance(i, dict) and "processStatus" in i]
    if not items:
        return records
    done = {str(i.get("poInternalNumber")) for i in items if i.get("processStatus") == "SUCCESS"}
    done |= {str(i.get("poExternalNumber")) for i in items if i.get("processStatus") == "SUCCESS"}
    return [r for r in records if r.split(" ")[1] in done or r.split(" ")[-1] in done]


def json_body(raw: bytes | str | None) -> Any:
    """The request body as JSON, or None (XML, malformed, empty)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _route_patterns() -> dict[str, tuple[str, re.Pattern]]:
    from conformance.scenarios.wire import ROUTES

    patterns = {}
    for operation, (method, template) in ROUTES.items():
        parts = re.split(r"\{[^}]+\}", template)
        regex = "[^/]+".join(re.escape(p) for p in parts)
        patterns[operation] = (method, re.compile(regex + "$"))
    return patterns


def operation_of(method: str, url: str) -> str | None:
    """The documented operation a request is a call of (by method and path), or None."""
    path = urlsplit(url).path
    for operation, (verb, pattern) in _route_patterns().items():
        if verb == method.upper() and pattern.search(path):
            return operation
    return None
