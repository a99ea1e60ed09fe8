"""The documented JSON types of an answer schema's properties, read from the product's spec.

One fact, one place: what type a field of an answer has is what `specs/*.yaml` says of it (the
spec is hand-written from the documents). The judges add the latitude the documents leave
(numbers that may be decimals, codes that may come back as strings); this module only reads.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from conformance.catalog import load_spec

NUMBERS = frozenset({"integer", "number"})


@dataclass(frozen=True)
class Documented:
    """One property as its schema documents it."""

    types: frozenset[str]  # JSON Schema type names, "null" included when the spec allows it
    format: str | None = None  # "int64", "date-time"...
    enum: tuple[Any, ...] | None = None  # the documented values, when there is a list

    @property
    def numeric(self) -> bool:
        return bool(self.types & NUMBERS)


@cache
def documented_properties(product: str, schema: str) -> dict[str, Documented]:
    """name -> Documented for every typed property of `components.schemas.<schema>`."""
    properties = load_spec(product)["components"]["schemas"][schema].get("properties", {})
    found = {}
    for name, prop in properties.items():
        declared = prop.get("type")
        if declared is None:
            continue  # an untyped property (anyOf...) documents no one type
        types = frozenset([declared] if isinstance(declared, str) else declared)
        enum = tuple(prop["enum"]) if "enum" in prop else None
        found[name] = Documented(types, prop.get("format"), enum)
    return found


def json_type(value: Any) -> str:
    """The JSON type name of a parsed JSON value (a bool is never a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
