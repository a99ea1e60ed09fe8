"""What the specs say about one request: is it invalid beyond the latitude, and which rule says so.

Checks judge generated input with our own validation instead of schemathesis' generation mode
label, so that the documents' latitude (coercion of numbers and booleans into string fields,
empty batches) is honoured and every rejection a target owes is traced to the rule (`x-rules`)
written on the spec place the input breaks.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.catalog import PRODUCT_OF_OPERATION
from conformance.contract_files import read_yaml, specs_dir
from conformance.notation import shown

SPEC_OF_PRODUCT = {
    "gep": "gep-smart.yaml",
    "po": "po-service.yaml",
    "smat": "smart-materials.yaml",
}
TYPES_RULE = {
    "updateProcessedPorStatus": "POR-TYPES-ENFORCED",
    "updateContactInterfaceStatus": "CONTACT-TYPES-ENFORCED",
    "saveOrgEntityManagers": "ORG-TYPES-ENFORCED",
    "modifyPurchaseOrder": "PO-TYPES-ENFORCED",
    "createUpdateProgressPayEvents": "SMAT-TYPES-ENFORCED",
}
# which words of a rule id fit a broken JSON Schema keyword
_HINTS = {
    "required": "MANDATORY",
    "minLength": "MANDATORY",
    "minItems": "MANDATORY",
    "maxLength": "MAX",
    "maximum": "MAX",
    "exclusiveMaximum": "MAX",
    "enum": "Y-OR-N",
    "const": "Y-OR-N",
    "pattern": "Y-OR-N",
    "type": "TYPES",
}
_URN = "urn:conformance:spec"


@dataclass(frozen=True)
class Breach:
    """One way the input breaks the spec beyond the latitude."""

    rule_id: str
    where: str  # JSON path of the offending value
    what: str  # the validator's message


def spec_path(product: str) -> Path:
    return specs_dir() / SPEC_OF_PRODUCT[product]


@cache
def load_spec(product: str) -> dict:
    return read_yaml(spec_path(product))


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
    registry = Registry().with_resource(
        _URN, Resource.from_contents(load_spec(product), default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator({"$ref": f"{_URN}#/{pointer}"}, registry=registry)


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


def is_input_rule(rule_id: str) -> bool:
    """Rules about what input must be rejected (the rest of x-rules are about behaviour)."""
    return any(word in rule_id for word in ("MANDATORY", "-MAX-", "TYPES-ENFORCED", "Y-OR-N"))


def _rule_of(error: jsonschema.ValidationError) -> str | None:
    """The input rule the spec writes on the broken place; None when it writes none there
    (a constraint no rule states is not the suite's to enforce)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    candidates = list(schema.get("x-rules", []))
    keyword = str(error.validator)
    if error.context:  # anyOf/oneOf: the branch that is not a mere type mismatch says why
        specific = [e for e in _leaf_errors(error.context) if e.validator != "type"]
        keyword = str(specific[0].validator) if specific else "type"
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        for name in [k for k in error.validator_value if k not in present]:
            candidates = schema.get("properties", {}).get(name, {}).get("x-rules", []) or candidates
    hint = _HINTS.get(keyword, "TYPES")
    field_is_null = error.instance is None and error.path and isinstance(error.path[-1], str)
    if keyword == "type" and field_is_null:  # null where a value is due: missing
        hint = "MANDATORY"
    fitting = [r for r in candidates if is_input_rule(r) and hint in r]
    if not fitting and hint == "MANDATORY":
        fitting = [r for r in candidates if is_input_rule(r) and "TYPES" in r]
    return fitting[0] if fitting else None


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
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(value))
        if errors:
            rules = parameter.get("x-rules") or [TYPES_RULE[operation_id]]
            breaches.append(Breach(rules[0], f"path {name}", errors[0].message[:200]))
    return breaches


def request_rules(operation_id: str) -> tuple[str, ...]:
    """Every rule an input breach of this operation can be attributed to."""
    spec = load_spec(PRODUCT_OF_OPERATION[operation_id])
    _, _, operation, item = _operation(operation_id)
    found: list[str] = [TYPES_RULE[operation_id]]
    seen: set[str] = set()
    path_rules = {r for p in item.get("parameters", []) for r in p.get("x-rules", [])}

    def walk(node):
        if isinstance(node, list):
            for value in node:
                walk(value)
        if not isinstance(node, dict):
            return
        found.extend(node.get("x-rules", []))
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
    walk([p for p in item.get("parameters", []) if p.get("in") == "path"])
    return tuple(r for r in dict.fromkeys(found) if is_input_rule(r) or r in path_rules)
