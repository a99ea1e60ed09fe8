"""Where a generated request breaks the spec beyond the latitude, and which rule says so.

Generated input is judged with our own validation instead of schemathesis' generation-mode
label, so that the documents' latitude (numbers and booleans coerced into string fields, empty
batches) is honoured. Attribution is explicit data: the spec place that a breach lies on says
which rule each JSON Schema keyword of it states, in `x-rule-of` (`{maxLength:
ORG-ENTITY-CODE-MAX-50, required: ORG-ENTITY-CODE-MANDATORY}`; `required` is written on the
property and also covers a null where a value is due). A keyword the place maps to no rule is
no constraint the documents state: it is not the suite's to enforce.
"""

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.catalog import PRODUCT_OF_OPERATION, load_spec
from conformance.notation import shown

RULE_OF = "x-rule-of"
_URN = "urn:conformance:spec"


@dataclass(frozen=True)
class Breach:
    """One way the input breaks the spec beyond the latitude."""

    rule_id: str
    where: str  # JSON path of the offending value
    what: str  # the validator's message


@cache
def _operation(operation_id: str) -> tuple[str, str, dict, dict]:
    """(path, method, operation, path item) of an operationId."""
    spec = load_spec(PRODUCT_OF_OPERATION[operation_id])
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return path, method, operation, item
    raise KeyError(operation_id)


@cache
def _validator(operation_id: str, media_type: str) -> jsonschema.Draft202012Validator | None:
    product = PRODUCT_OF_OPERATION[operation_id]
    path, method, operation, _ = _operation(operation_id)
    if media_type not in operation.get("requestBody", {}).get("content", {}):
        return None
    pointer = "/".join(
        quote(p.replace("~", "~0").replace("/", "~1"), safe="~")
        for p in ("paths", path, method, "requestBody", "content", media_type, "schema")
    )
    spec = load_spec(product)
    schema = operation["requestBody"]["content"][media_type].get("schema", {})
    try:  # every generated body is validated: no $ref to resolve each time
        return jsonschema.Draft202012Validator(_inlined(schema, spec))
    except _Recursive:
        pass
    registry = Registry().with_resource(
        _URN, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator({"$ref": f"{_URN}#/{pointer}"}, registry=registry)


class _Recursive(Exception):
    """A `$ref` that cannot be inlined: recursive, or not local to the spec."""


def _inlined(node, spec: dict, seen: tuple[str, ...] = ()):
    """The schema with its local `$ref`s replaced by what they point to (siblings kept beside
    it under allOf); raises _Recursive for a recursive or non-local reference."""
    if isinstance(node, list):
        return [_inlined(v, spec, seen) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return {key: _inlined(value, spec, seen) for key, value in node.items()}
    if not ref.startswith("#/") or ref in seen:
        raise _Recursive(ref)
    target = spec
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    resolved = _inlined(target, spec, (*seen, ref))
    rest = {k: _inlined(v, spec, seen) for k, v in node.items() if k != "$ref"}
    return {**rest, "allOf": [*rest.get("allOf", []), resolved]} if rest else resolved


def _is_latitude(error: jsonschema.ValidationError) -> bool:
    """Values a correct target may accept: a number or boolean where a string is documented; a
    decimal where an integer is (every rule says "non-numeric"); an empty batch, [] or {}."""
    if error.validator != "type":
        return False
    allowed = error.validator_value
    allowed = [allowed] if isinstance(allowed, str) else list(allowed)
    value = error.instance
    if "string" in allowed and isinstance(value, int | float | bool):
        return True
    if value in ({}, []) and len(error.absolute_path) <= 1:  # an empty batch, in either shape
        return True
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return numeric and ("integer" in allowed or "number" in allowed)


def _rule_of(error: jsonschema.ValidationError) -> str | None:
    """The rule the broken place maps the broken keyword to (None: the place states none)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    keyword = str(error.validator)
    if error.context:  # anyOf/oneOf: the branch that is not a mere type mismatch says why
        specific = [e for e in _leaf_errors(error.context) if e.validator != "type"]
        keyword = str(specific[0].validator) if specific else "type"
    if keyword == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        for name in [k for k in error.validator_value if k not in present]:
            rule = schema.get("properties", {}).get(name, {}).get(RULE_OF, {}).get("required")
            if rule:
                return rule
        return None
    field_is_null = error.instance is None and error.path and isinstance(error.path[-1], str)
    if keyword == "type" and field_is_null:  # null where a value is due: missing
        keyword = "required"
    return schema.get(RULE_OF, {}).get(keyword)


def _leaf_errors(errors):
    for error in errors:
        if error.context:  # anyOf/oneOf: the branches say more than the summary
            yield from _leaf_errors(error.context)
        else:
            yield error


def body_breaches(operation_id: str, media_type: str, body) -> list[Breach]:
    """The ways a JSON body breaks the spec, latitude excluded; [] when it is valid."""
    validator = _validator(operation_id, media_type)
    if validator is None:
        return []
    breaches = []
    for error in validator.iter_errors(body):
        if _is_latitude(error):
            continue
        if error.context and all(_is_latitude(e) for e in _leaf_errors(error.context)):
            continue
        rule = _rule_of(error)
        if rule is not None:
            # JSONPath in bracket notation (RFC 9535); fuzz.realism matches breaches by it
            where = "$" + "".join(f"[{p!r}]" for p in error.absolute_path)
            breaches.append(Breach(rule, where, _breach_text(error)))
    return breaches


def _breach_text(error) -> str:
    """What the value breaks, in JSON notation, the breach itself first: a 501-character
    Description reads `"0000…" (501 characters): longer than maxLength 500`."""
    value, kind, limit = error.instance, error.validator, error.validator_value
    if kind in ("maxLength", "minLength") and isinstance(value, str):
        side = "longer than" if kind == "maxLength" else "shorter than"
        return f"{shown(value, 24)} ({len(value)} characters): {side} {kind} {limit}"
    return f"{shown(value, 80)} breaks {kind} {shown(limit, 80)}"


def path_breaches(operation_id: str, path_parameters: dict) -> list[Breach]:
    """Path parameters whose value breaks the parameter's schema (a text where an id is an int)."""
    _, _, operation, item = _operation(operation_id)
    breaches = []
    for parameter in item.get("parameters", []) + operation.get("parameters", []):
        name = parameter.get("name")
        if parameter.get("in") != "path" or name not in path_parameters:
            continue
        value = path_parameters[name]
        schema = parameter.get("schema", {})
        if schema.get("type") == "integer" and isinstance(value, str):
            value = int(value) if value.lstrip("-").isdigit() else value
        for error in jsonschema.Draft202012Validator(schema).iter_errors(value):
            rule = parameter.get(RULE_OF, {}).get(str(error.validator))
            if rule:
                breaches.append(Breach(rule, f"path {name}", error.message[:200]))
                break
    return breaches


@cache
def request_rules(operation_id: str) -> tuple[str, ...]:
    """Every rule an input breach of this operation can be attributed to (its `x-rule-of`)."""
    spec = load_spec(PRODUCT_OF_OPERATION[operation_id])
    _, _, operation, item = _operation(operation_id)
    found: list[str] = []
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, list):
            for value in node:
                walk(value)
        if not isinstance(node, dict):
            return
        found.extend(node.get(RULE_OF, {}).values())
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            seen.add(ref)
            target = spec
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            walk(target)
        for key, value in node.items():
            if key != "examples":
                walk(value)

    walk(operation.get("requestBody", {}))
    walk([p for p in item.get("parameters", []) + operation.get("parameters", [])
          if p.get("in") == "path"])
    return tuple(dict.fromkeys(found))
