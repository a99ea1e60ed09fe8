"""A resolved step request -> the arguments of `exchange.send`: method, path, body, media types.

Paths are the documented ones; Smart Materials path parameters come from the target's data
(project, discipline, language, po_id) unless the step names others, and are percent-encoded
inside the literal quotes and parentheses of the OData URL. An XML body is the JSON body
written as elements under any root name (the document names none): lists become repeated
elements, as the PO spec's `wrapped: false` says.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement, tostring

from conformance.catalog import routes

SMAT_PATH_DEFAULTS = {
    "project": "{{data.project}}",
    "discipline": "{{data.discipline}}",
    "language": "{{data.language}}",
    "key": "{{data.po_id}}",
}


@dataclass
class WireRequest:
    method: str
    path: str
    body: Any = None  # the JSON value, as judges read it (also for XML)
    raw_body: str | None = None  # what goes on the wire when it is not JSON
    content_type: str | None = None
    accept: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    privilege: str = "normal"
    xml_root: str | None = None  # an XML body written from `body` under this root element

    def with_body(self, body: Any) -> None:
        """Replace the body; an XML body written from it is written again."""
        self.body = body
        if self.xml_root is not None:
            self.raw_body = to_xml(body, self.xml_root)

    @property
    def is_json(self) -> bool:
        return self.raw_body is None and self.body is not None

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "content_type": self.content_type,
            "accept": self.accept,
            "headers": self.headers,
            "privilege": self.privilege,
        }
        if self.is_json:
            kwargs["json_body"] = self.body
        else:
            kwargs["raw_body"] = self.raw_body
        return kwargs


def path_params(request: dict[str, Any]) -> dict[str, Any]:
    """The unresolved Smart Materials path parameters: the defaults overridden by the step."""
    return {**SMAT_PATH_DEFAULTS, **request.get("path_params", {})}


def _xml_children(parent: Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _xml_children(parent, name, item)
        return
    child = SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_children(child, key, item)
    elif value is not None:
        child.text = str(value).lower() if isinstance(value, bool) else str(value)


def to_xml(body: dict[str, Any], root: str) -> str:
    element = Element(root)
    for key, value in body.items():
        _xml_children(element, key, value)
    return '<?xml version="1.0" encoding="UTF-8"?>' + tostring(element, encoding="unicode")


def build(operation: str, request: dict[str, Any], params: dict[str, Any]) -> WireRequest:
    """`request` and `params` already resolved."""
    route = routes()[operation]
    method, template = route.method, route.path
    path = template.format(**{k: quote(str(v), safe="") for k, v in params.items()})
    wire = WireRequest(
        method=method,
        path=path,
        headers=dict(request.get("headers", {})),
        privilege=request.get("privilege", "normal"),
    )
    if request.get("format") == "xml":
        wire.xml_root = request.get("xml_root", "PoModServiceCollection")
        wire.with_body(request.get("body"))
        wire.content_type, wire.accept = "application/xml", "application/xml"
    elif "raw_body" in request:
        wire.raw_body = request["raw_body"]
        wire.content_type = "application/json"
    else:
        wire.body = request.get("body")
    wire.content_type = request.get("content_type", wire.content_type)
    wire.accept = request.get("accept", wire.accept)
    return wire
