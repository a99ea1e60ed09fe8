"""The mutants of the selftest: the mock's named faults, and response mutants read from the specs.

A generated mutant is data: an operation, the documented answer statuses it applies to, a kind,
a property path and the rules that ought to catch it. They come from walking the response
schemas of `specs/*.yaml`, so a documented response field yields its mutants without code. Only
mutations that break the documents are generated (README "Selftest" lists what is left out):

- `remove`: a property the schema lists in `required` is removed (optional ones may be absent);
- `type`: a typed property gets a JSON value of a type its schema does not allow;
- `echo`: an identifier the request sent comes back altered: a string or integer property the
  spec marks `x-echo: true` (the value a rule ties to the request: PO numbers, sourceTxnId,
  successDetails keys);
- `empty`: a documented array that holds items is emptied;
- `enum`: a property with a documented enumeration holds a value outside it;
- `status`: a documented 2xx becomes the first 2xx the operation does not document;
- `content-type`: a JSON answer whose status documents only JSON media types says `text/plain`.

The rules that ought to catch a mutant are the `x-rules` met on the way from the response (its
media type first for `content-type`) down to the mutated property, nearest first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import yaml

from conformance.catalog import PRODUCT_OF_OPERATION, load_rules
from conformance.contract_files import specs_dir

SPEC_FILES = ("gep-smart.yaml", "po-service.yaml", "smart-materials.yaml")
JSON_MEDIA = "application/json"
WRONG_MEDIA_TYPE = "text/plain; charset=utf-8"
OUT_OF_ENUM = "X"  # in no documented enumeration of an answer
ECHO = "x-echo"  # on an answer property whose value is one the request sent (specs/README.md)
HTTP_METHODS = ("get", "put", "post", "patch", "delete")

# a value of each JSON type, tried in this order for a `type` mutant
_TYPE_SAMPLES: tuple[tuple[str, Any], ...] = (
    ("integer", 12345),
    ("string", "mutant"),
    ("boolean", True),
    ("array", []),
    ("object", {}),
)


@dataclass(frozen=True)
class Mutant:
    """One planted defect. `fault` names a mock fault; otherwise the generated mutation."""

    id: str
    origin: str  # "fault" (a named fault of the mock) or "generated" (from the specs)
    kind: str  # fault | remove | type | echo | empty | enum | status | content-type
    operations: tuple[str, ...]
    breaks: str  # what a client sees, one line
    rules: tuple[str, ...]  # the rules that ought to catch it, nearest first
    fault: str | None = None
    statuses: tuple[int, ...] = ()  # generated: the answer statuses it applies to
    path: tuple[str, ...] = ()  # generated: property names; arrays are walked through
    replacement: Any = None  # generated `type`: the value put in place
    new_status: int | None = None  # generated `status`
    # the mock variant it is planted in: "alternate" for a generated mutant whose answer only
    # the alternate variant gives (a PO or Smart Materials 201, a PO 200 carrying errors)
    variant: str = "reference"

    @property
    def product(self) -> str:
        return PRODUCT_OF_OPERATION[self.operations[0]]

    @property
    def operation_label(self) -> str:
        return ", ".join(self.operations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "origin": self.origin, "kind": self.kind,
            "operations": list(self.operations), "breaks": self.breaks,
            "rules": list(self.rules), "fault": self.fault, "statuses": list(self.statuses),
            "path": list(self.path), "replacement": self.replacement,
            "new_status": self.new_status, "variant": self.variant,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mutant:
        return cls(**{**data, "operations": tuple(data["operations"]),
                      "rules": tuple(data["rules"]), "statuses": tuple(data["statuses"]),
                      "path": tuple(data["path"])})


def fault_mutants() -> list[Mutant]:
    """One mutant per named fault the mock lists (`conformance mock --list-faults`)."""
    from conformance.mock.faults import FAULTS  # the fault catalog: data, not validation

    rules = load_rules()
    return [
        Mutant(id=fault.name, origin="fault", kind="fault",
               operations=rules[fault.rule].operations, breaks=fault.description,
               rules=(fault.rule,), fault=fault.name)
        for fault in FAULTS
    ]


# ---------------------------------------------------------------------------- the spec walk


@cache
def _spec(name: str) -> dict:
    return yaml.safe_load((specs_dir() / name).read_text(encoding="utf-8"))


def _resolve(spec: dict, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _types(schema: dict) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def _object_branches(spec: dict, schema: Any) -> list[dict]:
    """The object schemas a body may be: through `anyOf`/`oneOf` branches and array items."""
    schema = _resolve(spec, schema)
    if not isinstance(schema, dict):
        return []
    found = []
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, ()):
            found += _object_branches(spec, branch)
    if "properties" in schema:
        found.append(schema)
    elif "items" in schema:
        found += _object_branches(spec, schema["items"])
    return found


def _rules_of(node: dict) -> tuple[str, ...]:
    return tuple(node.get("x-rules", ()))


def _nearest_first(*levels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rule for level in reversed(levels) for rule in level))


@dataclass
class _Place:
    """One documented property of one answer: where it is and what the documents say of it."""

    path: tuple[str, ...]
    schema: dict
    required: bool
    rules: tuple[str, ...]  # nearest first


def _places(spec: dict, schema: Any, path: tuple[str, ...], outer: tuple[tuple[str, ...], ...],
            seen: frozenset[int] = frozenset()) -> list[_Place]:
    places = []
    for branch in _object_branches(spec, schema):
        if id(branch) in seen:
            continue
        levels = (*outer, _rules_of(branch))
        for name, raw in branch.get("properties", {}).items():
            prop = _resolve(spec, raw)
            here = (*path, name)
            own = (*levels, _rules_of(raw) or _rules_of(prop))
            places.append(_Place(here, prop, name in branch.get("required", ()),
                                 _nearest_first(*own)))
            places += _places(spec, prop, here, own, seen | {id(branch)})
    return places


def _documented_statuses(responses: dict) -> set[int]:
    statuses = set()
    for key in responses:
        text = str(key)
        if text.isdigit():
            statuses.add(int(text))
        elif re.fullmatch(r"[1-5]XX", text, re.IGNORECASE):
            statuses.update(range(int(text[0]) * 100, int(text[0]) * 100 + 100))
    return statuses


def _label(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _wrong_type_value(types: set[str]) -> tuple[str, Any] | None:
    allowed = set(types) | ({"integer"} if "number" in types else set())
    for name, value in _TYPE_SAMPLES:
        if name not in allowed:
            return name, value
    return None


def _place_mutants(operation: str, statuses: tuple[int, ...], place: _Place) -> list[Mutant]:
    schema, label = place.schema, _label(place.path)
    types = _types(schema)
    made = []

    def add(kind: str, breaks: str, **extra: Any) -> None:
        made.append(Mutant(id=f"{operation}/{kind}/{label}", origin="generated", kind=kind,
                           operations=(operation,), breaks=breaks, rules=place.rules,
                           statuses=statuses, path=place.path, **extra))

    if place.required:
        add("remove", f"the answer has no {label} (the schema requires it)")
    wrong = _wrong_type_value(types) if types else None
    if wrong:
        add("type", f"{label} is a JSON {wrong[0]} ({_describe(wrong[1])}), documented as "
            f"{' or '.join(sorted(types))}", replacement=wrong[1])
    if schema.get(ECHO) is True and types & {"string", "integer"}:
        add("echo", f"{label} comes back altered, not as the request sent it")
    if "array" in types:
        add("empty", f"{label} comes back as an empty list")
    if schema.get("enum"):
        add("enum", f"{label} is {OUT_OF_ENUM!r}, outside its documented values "
            f"{[v for v in schema['enum'] if v is not None]}", replacement=OUT_OF_ENUM)
    return made


def _describe(value: Any) -> str:
    import json

    return json.dumps(value)


def _operation_mutants(spec: dict, operation: dict) -> list[Mutant]:
    op_id = operation["operationId"]
    responses = operation.get("responses", {})
    documented = _documented_statuses(responses)
    by_place: dict[tuple[str, ...], tuple[_Place, list[int]]] = {}
    made: list[Mutant] = []
    json_only_statuses: list[int] = []
    media_rules: tuple[str, ...] = ()
    for key, raw in responses.items():
        if not str(key).isdigit():
            continue  # a range (4XX) documents no particular answer to change
        status, response = int(key), _resolve(spec, raw)
        content = response.get("content", {})
        media = content.get(JSON_MEDIA)
        if media is None:
            continue
        if all(m.startswith("application/") and ("json" in m or "xml" in m) for m in content):
            json_only_statuses.append(status)
            media_rules = _nearest_first(media_rules, _rules_of(response), _rules_of(media))
        if 200 <= status < 300:
            new = next(s for s in range(200, 300) if s not in documented)
            made.append(Mutant(
                id=f"{op_id}/status/{status}", origin="generated", kind="status",
                operations=(op_id,), breaks=f"an answer documented as HTTP {status} comes as"
                f" HTTP {new}, which the operation does not document",
                rules=_rules_of(response), statuses=(status,), new_status=new))
        for place in _places(spec, media.get("schema", {}), (), (_rules_of(response),)):
            known = by_place.setdefault(place.path, (place, []))
            if status not in known[1]:
                known[1].append(status)
    if json_only_statuses:
        made.append(Mutant(
            id=f"{op_id}/content-type/json", origin="generated", kind="content-type",
            operations=(op_id,), breaks="a JSON answer comes with Content-Type text/plain",
            rules=media_rules, statuses=tuple(sorted(json_only_statuses))))
    for place, statuses in by_place.values():
        made += _place_mutants(op_id, tuple(sorted(statuses)), place)
    return made


def _fitting(mutant: Mutant, rules: Mapping[str, Any]) -> Mutant:
    """Keep the rules about the mutant's operation (a shared schema lists every operation's)."""
    fitting = tuple(r for r in mutant.rules if set(rules[r].operations) & set(mutant.operations))
    return replace(mutant, rules=fitting)


def generated_mutants(specs: Mapping[str, dict] | None = None) -> list[Mutant]:
    """Every response mutant the response schemas yield, in spec order.

    `specs` maps a spec file name to its parsed document; default: `specs/*.yaml` as shipped.
    """
    made: list[Mutant] = []
    for name in SPEC_FILES if specs is None else specs:
        spec = _spec(name) if specs is None else specs[name]
        for item in spec.get("paths", {}).values():
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    made += _operation_mutants(spec, item[method])
    rules = load_rules()
    return [_fitting(mutant, rules) for mutant in made]


def all_mutants() -> list[Mutant]:
    return fault_mutants() + generated_mutants()


@dataclass
class OperationPaths:
    """Request path -> operationId, from the specs' path templates (a target's prefix allowed)."""

    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    @classmethod
    def from_specs(cls) -> OperationPaths:
        found = cls()
        for name in SPEC_FILES:
            for template, item in _spec(name).get("paths", {}).items():
                parts = re.split(r"(\{[^}]+\})", template)
                regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
                for method in HTTP_METHODS:
                    if isinstance(item.get(method), dict):
                        found.patterns.append(
                            (re.compile(f"{regex}$", re.IGNORECASE), item[method]["operationId"]))
        return found

    def operation_of(self, path: str) -> str | None:
        for pattern, operation in self.patterns:
            if pattern.search(path):
                return operation
        return None
