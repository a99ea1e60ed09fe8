"""Which records a call creates or changes, and the run marker it carries: for `--dry-run`,
for `written.json` and for the vendor who has to find and clean up what a run wrote.

Every one of the five documented operations writes when the target accepts it (PUT PORStatus,
PUT ContactInterfaceStatus, POST OrgManagers, POST PO modify, POST CreateUpdateProgressPayEvents).
`records_of` names the records a request body touches (a PO body in XML too, `request_body`);
`written_by` keeps those a success answer confirms (a GEP answer's errorDetails keys were not
written, 000-002 § Response). `mark` writes the run marker into the free-text fields the
documents allow (`MARKER_FIELDS`): the PO's `sourceTxnId` (003 § Request) and a PO item's filler
field, a POR's `sourceSystemName` or `description` (000 § Model), an event's `ShortDesc`,
`ShortDescription` or `Description` (004 § Body); ContactInterfaceStatus and OrgManagers bodies
have no free-text field. Scripted scenarios and generated cases alike are marked, at the start of
the value where the body has a string there, never in a field under test (one a generated case
breaks, one a scenario step needs a fresh value of), and within the field's documented maximum
length. An event or a POR item with no such string gets one (`ADDED_FIELDS`: `ShortDesc`,
`sourceSystemName`, the marker alone; for a generated case also in place of a null), so every
event and order a run writes carries the marker, except where adding a field would change what
the call tests: a documented example sent as the documents write it, a step that judges fields
kept unchanged (a locked event, an approved agreement: `ShortDesc` is a protected field), and a
field the case breaks or a scenario sends as null.
"""

import copy
import json
import re
from collections.abc import Collection
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from conformance.judges.body import local_name, read_xml
from conformance.judges.po_body import xml_items

MARKER_PREFIX = "conformance-run-"
_FILLERS = tuple(f"filler{n}" for n in range(1, 7))
# operation -> (holder, free-text fields in order of preference): one field of each holder (the
# body, or each item of its list) carries the marker
MARKER_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "modifyPurchaseOrder": (("body", ("sourceTxnId",)), ("items", _FILLERS)),
    "updateProcessedPorStatus": (("items", ("sourceSystemName", "description")),),
    "createUpdateProgressPayEvents": (("items", ("ShortDesc", "ShortDescription", "Description")),),
}
# operation -> the free-text fields of an item, one of which `mark(add=...)` adds (the one the
# item spells already, else the first) when the item has no string to carry the marker
ADDED_FIELDS: dict[str, tuple[str, ...]] = {
    "updateProcessedPorStatus": ("sourceSystemName",),
    "createUpdateProgressPayEvents": ("ShortDesc", "ShortDescription"),
}
# operation -> free-text fields that are one field under two spellings (Smart Materials' sample
# answer spells ShortDescription what its request spells ShortDesc): a target sent both may keep
# either, so an item spelling both carries the marker in both
ALIASES: dict[str, tuple[str, ...]] = {
    "createUpdateProgressPayEvents": ("ShortDesc", "ShortDescription"),
}
_ITEMS = {
    "updateProcessedPorStatus": "model",
    "createUpdateProgressPayEvents": "PPE",
    "modifyPurchaseOrder": "data",
}
_SMAT_PATH = re.compile(r"/Projects\('([^']*)'\).*/PurchaseOrders\(([^)]*)\)/")


def _items(operation: str, body: Any) -> list[dict]:
    return [item for item, _ in _items_at(operation, body)]


def _items_at(operation: str, body: Any) -> list[tuple[dict, str]]:
    """The items of a body with their JSON paths (bracket notation, as `fuzz.breaches`)."""
    if operation in ("updateContactInterfaceStatus", "saveOrgEntityManagers"):
        values, prefix = body, "$"
    elif operation in _ITEMS and isinstance(body, dict):
        values, prefix = body.get(_ITEMS[operation]), f"$[{_ITEMS[operation]!r}]"
    else:
        values, prefix = None, "$"
    if not isinstance(values, list):
        return []
    return [(v, f"{prefix}[{i}]") for i, v in enumerate(values) if isinstance(v, dict)]


@cache
def max_length(operation: str, field: str) -> int | None:
    """The smallest maxLength the operation's spec gives a property of this name (None: none)."""
    from conformance.catalog import PRODUCT_OF_OPERATION, load_spec

    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            prop = (node.get("properties") or {}).get(field)
            if isinstance(prop, dict):
                found.extend(b["maxLength"] for b in [prop, *prop.get("anyOf", [])]
                             if isinstance(b, dict) and isinstance(b.get("maxLength"), int))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_spec(PRODUCT_OF_OPERATION[operation]).get("components", {}))
    return min(found) if found else None


def marked(value: str, marker: str, limit: int | None) -> str | None:
    """The marker, then the value (kept whole: a transaction id stays its own), cut at
    `limit`; None when the marker does not fit or the value is already longer than `limit` (a
    value under test: it must stay too long)."""
    if limit is not None and (len(marker) > limit or len(value) > limit):
        return None
    if value.startswith(marker):
        return value
    text = f"{marker} {value}" if value else marker
    return text if limit is None else text[:limit]


def mark(operation: str, body: Any, marker: str | None, *,
         breached: Collection[str] = (), judged: Collection[str] = (),
         add: str | None = None, keep_place: bool = False) -> Any:
    """A copy of the body (a JSON value, also of an XML body) with the marker in one free-text
    field of each holder (`MARKER_FIELDS`), where the body has a string there: never in a place
    a breach lies at or below (`breached`, JSON paths) or in a field named in `judged`. `add`:
    an item without such a string gets an `ADDED_FIELDS` field holding the marker where the
    field is "absent", or "absent-or-null" (a generated case's null is no choice of the case).
    `keep_place`: the marker goes only where a body judging no field would carry it, and a
    holder whose place is judged gets none (a call that must leave a stored record as it is
    changes no other field than the one it tests)."""
    if not marker or operation not in MARKER_FIELDS:
        return body
    body = copy.deepcopy(body)
    for holder, fields in MARKER_FIELDS[operation]:
        holders = [(body, "$")] if holder == "body" and isinstance(body, dict) \
            else _items_at(operation, body) if holder == "items" else []
        for value, path in holders:
            done = False
            for field in fields:
                if not isinstance(value.get(field), str) or _under_test(
                        path, field, breached, () if keep_place else judged):
                    continue
                text = marked(value[field], marker, max_length(operation, field))
                if text is not None and keep_place and field in judged:
                    break  # its place is the field under test: no marker in this holder
                if text is not None:
                    value[field] = text
                    done = True
                    _mark_aliases(operation, value, path, field, marker, breached, judged, add)
                    break
            if not done and add and holder == "items":
                _add_field(operation, value, path, marker, breached, judged, add)
    return body


def _mark_aliases(operation: str, item: dict, path: str, field: str, marker: str,
                  breached: Collection[str], judged: Collection[str], add: str | None) -> None:
    """The marker also in the other spelling of `field` the item carries (`ALIASES`): a text
    there is marked, a null replaced where `add` is "absent-or-null" (a generated case's)."""
    names = ALIASES.get(operation, ())
    if field not in names:
        return
    for alias in (n for n in names if n != field and n in item):
        if _under_test(path, alias, breached, judged):
            continue
        limit = max_length(operation, alias)
        if isinstance(item[alias], str):
            text = marked(item[alias], marker, limit)
            if text is not None:
                item[alias] = text
        elif item[alias] is None and add == "absent-or-null" and (
                limit is None or len(marker) <= limit):
            item[alias] = marker


def _under_test(path: str, field: str, breached: Collection[str],
                judged: Collection[str]) -> bool:
    where = f"{path}[{field!r}]"
    return field in judged or any(b == where or b.startswith(where + "[") for b in breached)


def _add_field(operation: str, item: dict, path: str, marker: str, breached: Collection[str],
               judged: Collection[str], add: str) -> None:
    """The marker in the item's free-text field (`ADDED_FIELDS`) where it is absent (or null,
    `add` "absent-or-null"), unless the field is under test or the marker is too long for it."""
    names = ADDED_FIELDS.get(operation, ())
    field = next((f for f in names if f in item), names[0] if names else None)
    if field is None or _under_test(path, field, breached, judged):
        return
    if field in item and not (item[field] is None and add == "absent-or-null"):
        return
    limit = max_length(operation, field)
    if limit is None or len(marker) <= limit:
        item[field] = marker


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
        except (ValueError, RecursionError):
            failed = set()
        records = [r for r in records if r.split(" ")[-1 if "org" not in r else 2] not in failed]
    if operation == "modifyPurchaseOrder":
        records = _po_succeeded(records, answer_text)
    return records


def _po_succeeded(records: list[str], answer_text: str | None) -> list[str]:
    """A PO answer reports processStatus per PO (003 § Response), in JSON or XML: keep the
    SUCCESS ones."""
    answer = json_body(answer_text)
    if answer is None:  # not JSON: an XML answer's PoServiceResponses, whatever their names
        root = read_xml((answer_text or "").encode("utf-8")).value
        answer = xml_items(root) if root is not None else None
    if answer is None:
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
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


_XML_LISTS = {"data", "commodityList"}  # the PO spec's unwrapped arrays (xml: wrapped: false)


def _xml_value(element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    value: dict[str, Any] = {}
    for child in children:
        name = local_name(child)
        if name in _XML_LISTS:
            value.setdefault(name, []).append(_xml_value(child))
        else:
            value[name] = _xml_value(child)
    return value


def request_body(raw: bytes | str | None) -> Any:
    """The request body as a JSON value: JSON as it is, an XML body (a PO's: the schema's field
    names as elements under any root, arrays as repeated elements) as the object it writes;
    None when it is neither (malformed, empty)."""
    value = json_body(raw)
    if value is not None or not raw:
        return value
    root = read_xml(raw if isinstance(raw, bytes) else raw.encode("utf-8")).value
    return _xml_value(root) if root is not None else None


@cache
def _route_patterns() -> dict[str, tuple[str, re.Pattern]]:
    from conformance.catalog import routes

    patterns = {}
    for operation, route in routes().items():
        method, template = route.method, route.path
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


def route_of(url: str) -> str | None:
    """The documented operation whose path a request goes to, whatever its method (a generated
    PUT or DELETE on a write path carries that operation's body), or None."""
    path = urlsplit(url).path
    for operation, (_, pattern) in _route_patterns().items():
        if pattern.search(path):
            return operation
    return None
