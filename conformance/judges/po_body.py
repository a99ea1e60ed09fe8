"""PO service answers (JSON or XML) read into plain PoServiceResponse dictionaries.

The document names the fields but not the XML element names, and a target may answer with one
PoServiceResponse or a list of them: both media types and both shapes end up as a list of dicts
with the documented field names, plus `errors` as a list of {errorCode, errorDesc} or None.
"""

from typing import Any
from xml.etree.ElementTree import Element

from conformance.judges import NOT_JSON, Answer, is_xml_media

FIELDS = ("buyerId", "poExternalNumber", "poInternalNumber", "poStatus",
          "poTransactionRefNo", "processStatus", "sourceTxnId")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_item(node: Element) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for child in node:
        name = _local(child.tag)
        if name in FIELDS:
            item[name] = (child.text or "").strip() or None
        elif name == "errors":
            dtos = [child] if any(_local(c.tag) in ("errorCode", "errorDesc") for c in child) \
                else list(child)
            entries: list[Any] = [{_local(c.tag): (c.text or "").strip() for c in dto}
                                  for dto in dtos]
            if not dtos and (child.text or "").strip():  # <errors>CODE: text</errors>: no DTO
                entries.append(child.text.strip())
            item.setdefault("errors", []).extend(entries)
    return item


def xml_items(root: Element) -> list[dict[str, Any]]:
    """Every element with a documented response field as a child is one PoServiceResponse."""
    return [_xml_item(node) for node in root.iter()
            if any(_local(c.tag) in (*FIELDS, "errors") for c in node)]


def responses(answer: Answer) -> list[dict[str, Any]] | None:
    """The answer's PoServiceResponses, or None when the body is neither of the two shapes."""
    looks_xml = answer.content.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"<")
    if is_xml_media(answer.content_type) or looks_xml:
        root = answer.xml
        return None if root is None else xml_items(root)
    body = answer.json
    if body is NOT_JSON:
        return None
    items = body if isinstance(body, list) else [body]
    return items if all(isinstance(i, dict) for i in items) else None


def errors_of(item: dict[str, Any]) -> list[Any]:
    errors = item.get("errors")
    return errors if isinstance(errors, list) else []


def sent_items(sent: Any) -> list[dict[str, Any]]:
    data = sent.get("data") if isinstance(sent, dict) else None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []
