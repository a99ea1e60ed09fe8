"""XML in and out for the PO service, with no entity expansion and no DTD (defusedxml).

The document names no XML elements, so any root element is accepted and read generically: an
element with children becomes an object, a repeated child a list, a leaf its text, xsi:nil a
null. Answers are written the same way, dropping characters XML 1.0 cannot carry.
"""

import re
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class XmlError(Exception):
    """The body is not well-formed XML, or uses a DTD or entities."""


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _value(element) -> object:
    if element.get(_XSI_NIL, "").strip().lower() == "true":
        return None
    children = list(element)
    if not children:
        return element.text or ""
    grouped: dict[str, list] = {}
    for child in children:
        grouped.setdefault(_local_name(child.tag), []).append(_value(child))
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def parse_xml(body: bytes) -> object:
    """The body's root element as a plain value (usually a dict)."""
    try:
        root = SafeElementTree.fromstring(body, forbid_dtd=True, forbid_entities=True,
                                          forbid_external=True)
        return _value(root)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError, RecursionError) as error:
        raise XmlError(f"Malformed XML: {str(error)[:200]}") from None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML_CHARS.sub("", str(value))


def _fill(parent: Element, name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _fill(parent, name, item)
        return
    child = SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(child, key, item)
    else:
        child.text = _text(value)


def to_xml(root_name: str, value: object, item_name: str | None = None) -> bytes:
    """`value` under `root_name`; a list becomes repeated `item_name` children of the root."""
    root = Element(root_name)
    if isinstance(value, list):
        for item in value:
            _fill(root, item_name or "item", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(root, key, item)
    elif value is not None:
        root.text = _text(value)
    return tostring(root, encoding="utf-8", xml_declaration=True)
