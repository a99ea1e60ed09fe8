"""The three hand-written OpenAPI specs state the documents: every field, every example, every rule.

The field lists below are copied from the vendor documents on purpose: a spec that drops a
documented field, or adds a constraint the documents do not state, fails here.
"""

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import schemathesis
import yaml
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conformance.catalog import PRODUCT_OF_OPERATION, documents_dir, fold_whitespace, load_rules
from conformance.contract_files import specs_dir

SPEC_OF_PRODUCT = {
    "gep": "gep-smart.yaml",
    "po": "po-service.yaml",
    "smat": "smart-materials.yaml",
}
SPECS = tuple(SPEC_OF_PRODUCT.values())
OPERATIONS_OF_SPEC = {
    "gep-smart.yaml": {
        "updateProcessedPorStatus": ("put", "/SmartInterfaceAPI/api/Order/PORStatus"),
        "updateContactInterfaceStatus": (
            "put",
            "/SmartInterfaceAPI/api/Contact/ContactInterfaceStatus",
        ),
        "saveOrgEntityManagers": ("post", "/SmartInterfaceAPI/api/OrganizationManager/OrgManagers"),
    },
    "po-service.yaml": {"modifyPurchaseOrder": ("post", "/service/v1/po/modify")},
    "smart-materials.yaml": {
        "createUpdateProgressPayEvents": (
            "post",
            "/Smat/V1/Projects('{project}')/Disciplines('{discipline}')/Nls('{language}')"
            "/PurchaseOrders({key})/CreateUpdateProgressPayEvents",
        )
    },
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# 004 opens without a heading; specs/rules.yaml calls that opening "Overview", as 000/001/003 do.
UNTITLED_OPENING = "Overview"
EXPECT_VALUES = {"accepted", "rejected", "rejected-by-data", "accepted-or-rejected"}

# Every request field each document names, as the document spells it on the wire
# (000: the JSON's names win over the table's; 004: both spellings the document uses).
DOCUMENTED_REQUEST_FIELDS = {
    "updateProcessedPorStatus": [
        "model",
        "key",
        "description",
        "status",
        "sourceSystemName",
        "sourceSystemValue",
        "lob",
        "errorCode",
    ],
    "updateContactInterfaceStatus": ["clientContactCode", "interfaceStatus"],
    "saveOrgEntityManagers": [
        "entityCode",
        "managerCode",
        "thresholdAmount",
        "currencyCode",
        "isDeleted",
        "structureName",
        "orgEntities",
        "isDefault",
        "entityType",
        "lobEntityCode",
    ],
    "modifyPurchaseOrder": [
        # PoModServiceCollection
        "authRequire",
        "data",
        "sourceTxnId",
        # PoModifyServiceDTO
        "acceptanceAmount",
        "acceptanceDate",
        "basePoAmount",
        "buyerDivCode",
        "buyerDivName",
        "buyerId",
        "buyerName",
        "city",
        "commodityList",
        "discountAmount",
        "discountPercent",
        "filler1",
        "filler2",
        "filler3",
        "filler4",
        "filler5",
        "filler6",
        "fundReqAmount",
        "miscChrg1Amt",
        "miscChrg1Desc",
        "miscChrg2Amt",
        "miscChrg2Desc",
        "netPoAmount",
        "oldPromisedShipmentDate",
        "paymentTerms",
        "poAction",
        "poDate",
        "poExternalNumber",
        "poInternalNumber",
        "poTransactionRefNo",
        "preAccepted",
        "promisedShipmentDate",
        "reasonForExport",
        "shipmentAddr",
        "shipmentAddr2",
        "shipmentAddr3",
        "shipmentCountry",
        "supplierDivCode",
        "supplierDivName",
        "supplierName",
        "taxAmount",
        "taxId",
        "taxPercent",
        "zipCode",
        # PoComServiceDTO
        "commodityCode",
        "commodityName",
        "currency",
        "goodsDescription",
        "id",
        "netCost",
        "quantity",
        "totalCost",
        "totalWeight",
        "unit",
        "unitCost",
        "unitWeight",
    ],
    "createUpdateProgressPayEvents": [
        "PPE",
        "AttpId",
        "OrderSeq",
        "PpeId",
        "PpeCode",
        "PaymentPercent",
        "PaymentWeeks",
        "CostValue",
        "PlanCompletiondate",
        "PlanCompletionDate",
        "PaymentDate",
        "LockedInd",
        "DeliveryInd",
        "ManualInd",
        "ShortDescription",
        "ShortDesc",
        "Description",
        "ActualPaymentDate",
        "PaidInd",
    ],
}

# Fields the documents call mandatory, per operation.
DOCUMENTED_MANDATORY_FIELDS = {
    "updateProcessedPorStatus": ["key"],
    "updateContactInterfaceStatus": ["clientContactCode", "interfaceStatus"],
    "saveOrgEntityManagers": [
        "entityCode",
        "managerCode",
        "structureName",
        "entityType",
        "lobEntityCode",
    ],
    "modifyPurchaseOrder": [],
    "createUpdateProgressPayEvents": ["AttpId", "OrderSeq", "PpeCode"],
}

# The named examples the documents give, by spec.
DOCUMENTED_EXAMPLES = {
    "gep-smart.yaml": {
        "por_success_request",
        "por_error_request",
        "por_success_response",
        "por_error_response",
        "contact_success_request",
        "contact_error_request",
        "contact_success_response",
        "contact_error_response",
        "org_success_request",
        "org_error_request",
        "org_success_response",
        "org_error_response",
    },
    "po-service.yaml": set(),  # 002 gives no example
    "smart-materials.yaml": {"smat_sample_body", "smat_success_response"},
}


# ------------------------------------------------------------------ helpers


@cache
def load_spec(name: str) -> dict:
    return yaml.safe_load((specs_dir() / name).read_text(encoding="utf-8"))


def spec_path(name: str) -> Path:
    return specs_dir() / name


def deref(spec: dict, node):
    """Follow local `$ref`s ("#/...") until a non-reference node."""
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(spec, node["$ref"])
    return node


def resolve_pointer(spec: dict, ref: str):
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def walk(node, pointer=""):
    """Every (pointer, dict) in a document, depth first."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


def schema_validator(spec: dict, schema: dict) -> jsonschema.Draft202012Validator:
    """A validator for one schema of the spec, resolving `#/components/...` inside the spec."""
    resource = DRAFT202012.create_resource(spec)
    registry = Registry().with_resource("urn:spec", resource)
    return jsonschema.Draft202012Validator(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema_with_base(schema)},
        registry=registry,
    )


def schema_with_base(schema: dict) -> dict:
    """Rewrite local refs to the spec's URN so they resolve from a detached subschema."""
    text = json.dumps(schema).replace('"$ref": "#/', '"$ref": "urn:spec#/')
    return json.loads(text)


def named_examples():
    """(spec, operationId, where, name, example, schema) for every named media-type example."""
    found = []
    for name in SPECS:
        spec = load_spec(name)
        for _path, _method, operation in operations(spec):
            op_id = operation["operationId"]
            body = deref(spec, operation.get("requestBody", {}))
            for media, content in body.get("content", {}).items():
                for ex_name, example in content.get("examples", {}).items():
                    found.append(
                        (
                            name,
                            op_id,
                            f"request {media}",
                            ex_name,
                            deref(spec, example),
                            content["schema"],
                        )
                    )
            for status, response in operation["responses"].items():
                response = deref(spec, response)
                for media, content in response.get("content", {}).items():
                    for ex_name, example in content.get("examples", {}).items():
                        found.append(
                            (
                                name,
                                op_id,
                                f"response {status} {media}",
                                ex_name,
                                deref(spec, example),
                                content["schema"],
                            )
                        )
    return found


NAMED_EXAMPLES = named_examples()


def request_schema(spec: dict, operation: dict) -> dict:
    return deref(spec, operation["requestBody"])["content"]["application/json"]["schema"]


def properties_reachable(spec: dict, schema, seen=None) -> dict[str, list[dict]]:
    """Property name -> every schema given for it, anywhere under `schema`."""
    seen = set() if seen is None else seen
    found: dict[str, list[dict]] = {}
    if isinstance(schema, dict) and "$ref" in schema:
        if schema["$ref"] in seen:
            return found
        seen.add(schema["$ref"])
        schema = deref(spec, schema)
    if not isinstance(schema, dict):
        return found
    for prop, sub in schema.get("properties", {}).items():
        found.setdefault(prop, []).append(deref(spec, sub))
    children = [*schema.get("properties", {}).values(), schema.get("items")]
    children += schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    for child in children:
        for prop, subs in properties_reachable(spec, child, seen).items():
            found.setdefault(prop, []).extend(subs)
    return found


def required_reachable(spec: dict, schema, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    if isinstance(schema, dict) and "$ref" in schema:
        if schema["$ref"] in seen:
            return set()
        seen.add(schema["$ref"])
        schema = deref(spec, schema)
    if not isinstance(schema, dict):
        return set()
    found = set(schema.get("required", ()))
    children = [*schema.get("properties", {}).values(), schema.get("items")]
    children += schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    for child in children:
        found |= required_reachable(spec, child, seen)
    return found


def operation_by_id(op_id: str) -> tuple[dict, dict]:
    for name in SPECS:
        spec = load_spec(name)
        for _path, _method, operation in operations(spec):
            if operation["operationId"] == op_id:
                return spec, operation
    raise KeyError(op_id)


@cache
def json_values_in_document(doc: str) -> list:
    """Every JSON object or array that starts somewhere in the document's text."""
    text = (documents_dir() / doc).read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    values = []
    for match in re.finditer(r"[\[{]", text):
        try:
            value, _end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        values.append(value)
    return values


def citation_parts(citation: str) -> tuple[str, list[str]]:
    doc, _, section = citation.partition(" § ")
    return doc, [part.strip() for part in section.split("›")]


# ------------------------------------------------------------------ the specs as documents


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_valid_openapi_3_1(name):
    spec = load_spec(name)
    assert spec["openapi"].startswith("3.1")
    validate_openapi(spec)


@pytest.mark.parametrize("name", SPECS)
def test_spec_has_exactly_its_documented_operations(name):
    spec = load_spec(name)
    found = {op["operationId"]: (method, path) for path, method, op in operations(spec)}
    assert found == OPERATIONS_OF_SPEC[name]


@pytest.mark.parametrize("name", SPECS)
def test_info_description_cites_the_documents(name):
    spec = load_spec(name)
    cited = {citation_parts(op["x-citation"])[0] for _p, _m, op in operations(spec)}
    for doc in cited:
        assert doc in spec["info"]["description"]


@pytest.mark.parametrize("name", SPECS)
def test_server_url_is_a_base_url_variable(name):
    (server,) = load_spec(name)["servers"]
    assert server["url"] == "{baseUrl}"
    assert server["variables"]["baseUrl"]["default"].startswith("http")


def test_schemathesis_loads_the_five_operations():
    found = set()
    for name in SPECS:
        schema = schemathesis.openapi.from_path(spec_path(name))
        for result in schema.get_all_operations():
            found.add(result.ok().definition.raw["operationId"])
    assert found == set(PRODUCT_OF_OPERATION)


# ------------------------------------------------------------------ security


def test_gep_operations_make_the_bearer_token_optional():
    spec = load_spec("gep-smart.yaml")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    for _p, _m, operation in operations(spec):
        assert operation["security"] == [{"bearerAuth": []}, {}]


def test_po_service_declares_bearer_and_header_credentials():
    schemes = load_spec("po-service.yaml")["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    for header in ("userId", "appId"):
        assert schemes[header] == {
            **schemes[header],
            "type": "apiKey",
            "in": "header",
            "name": header,
        }


def test_smart_materials_requires_the_bearer_token():
    spec = load_spec("smart-materials.yaml")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for _p, _m, operation in operations(spec):
        assert operation["security"] == [{"bearerAuth": []}]


# ------------------------------------------------------------------ traceability


@pytest.mark.parametrize("name", SPECS)
def test_every_operation_has_citation_and_rules(name):
    for _p, _m, operation in operations(load_spec(name)):
        assert operation.get("x-citation"), operation["operationId"]
        assert operation.get("x-rules"), operation["operationId"]


@pytest.mark.parametrize("name", SPECS)
def test_every_x_rules_id_is_in_the_catalog_and_fits_the_spec(name):
    rules = load_rules()
    ops_here = set(OPERATIONS_OF_SPEC[name])
    for pointer, node in walk(load_spec(name)):
        for rule_id in node.get("x-rules", ()):
            assert rule_id in rules, f"{name}#{pointer}: unknown rule {rule_id}"
            assert set(rules[rule_id].operations) & ops_here, (
                f"{name}#{pointer}: {rule_id} is about {rules[rule_id].operations}"
            )


@pytest.mark.parametrize("name", SPECS)
def test_every_x_citation_names_a_document_and_a_section_in_it(name):
    documents = {p.name: p for p in documents_dir().glob("*.txt")}
    for pointer, node in walk(load_spec(name)):
        if "x-citation" not in node:
            continue
        doc, sections = citation_parts(node["x-citation"])
        assert doc in documents, f"{name}#{pointer}: {doc} is not in specs/documents/"
        text = fold_whitespace(documents[doc].read_text(encoding="utf-8"))
        for section in sections:
            if section == UNTITLED_OPENING:
                continue
            assert fold_whitespace(section) in text, f"{name}#{pointer}: no {section!r} in {doc}"


def test_every_rule_is_stated_in_the_spec_of_its_product():
    stated: dict[str, set[str]] = {name: set() for name in SPECS}
    for name in SPECS:
        for _pointer, node in walk(load_spec(name)):
            stated[name].update(node.get("x-rules", ()))
    missing = [
        (rule.id, SPEC_OF_PRODUCT[product])
        for rule in load_rules().values()
        for product in rule.products
        if rule.id not in stated[SPEC_OF_PRODUCT[product]]
    ]
    assert missing == []


# ------------------------------------------------------------------ examples


@pytest.mark.parametrize("name", SPECS)
def test_every_documented_example_is_in_the_spec(name):
    found = {example[3] for example in NAMED_EXAMPLES if example[0] == name}
    assert found == DOCUMENTED_EXAMPLES[name]


@pytest.mark.parametrize(
    ("name", "op_id", "where", "ex_name", "example", "schema"),
    NAMED_EXAMPLES,
    ids=[f"{e[0]}:{e[3]}" for e in NAMED_EXAMPLES],
)
def test_named_example_is_verbatim_from_its_document(name, op_id, where, ex_name, example, schema):
    doc, _sections = citation_parts(example["x-citation"])
    assert example["value"] in json_values_in_document(doc)


@pytest.mark.parametrize(
    ("name", "op_id", "where", "ex_name", "example", "schema"),
    NAMED_EXAMPLES,
    ids=[f"{e[0]}:{e[3]}" for e in NAMED_EXAMPLES],
)
def test_named_example_validates_unless_marked_rejected(
    name, op_id, where, ex_name, example, schema
):
    spec = load_spec(name)
    errors = list(schema_validator(spec, schema).iter_errors(example["value"]))
    expect = example.get("x-expect", "accepted")
    assert expect in EXPECT_VALUES
    if where.startswith("request"):
        assert "x-expect" in example, f"request example {ex_name} says what a target does with it"
    if expect == "rejected":
        assert errors, f"{ex_name} is marked x-expect: rejected but matches its schema"
    else:
        assert errors == [], f"{ex_name}: {[e.message for e in errors]}"


def test_the_error_examples_that_break_the_schema_are_marked_rejected():
    marked = {e[3] for e in NAMED_EXAMPLES if e[4].get("x-expect") == "rejected"}
    assert marked == {"contact_error_request", "org_error_request"}


# ------------------------------------------------------------------ request fields and constraints


@pytest.mark.parametrize("op_id", sorted(DOCUMENTED_REQUEST_FIELDS))
def test_every_documented_request_field_is_in_the_spec(op_id):
    spec, operation = operation_by_id(op_id)
    found = properties_reachable(spec, request_schema(spec, operation))
    missing = [f for f in DOCUMENTED_REQUEST_FIELDS[op_id] if f not in found]
    assert missing == []


@pytest.mark.parametrize("op_id", sorted(DOCUMENTED_MANDATORY_FIELDS))
def test_documented_mandatory_fields_are_required_and_nothing_else(op_id):
    spec, operation = operation_by_id(op_id)
    required = required_reachable(spec, request_schema(spec, operation))
    assert required == set(DOCUMENTED_MANDATORY_FIELDS[op_id])


@pytest.mark.parametrize("name", SPECS)
def test_request_schemas_add_no_undocumented_constraint(name):
    """No closed objects, patterns or formats on requests: the documents state none."""
    spec = load_spec(name)
    for _p, _m, operation in operations(spec):
        for content in deref(spec, operation["requestBody"])["content"].values():
            seen: set[str] = set()
            pending = [content["schema"]]
            while pending:
                node = pending.pop()
                for _pointer, sub in walk(node):
                    ref = sub.get("$ref")
                    if ref and ref not in seen:
                        seen.add(ref)
                        pending.append(deref(spec, sub))
                    assert sub.get("additionalProperties", True) is not False
                    assert "pattern" not in sub
                    assert sub.get("format") in (None, "int64", "date-time")


def constraint(op_id: str, field: str, keyword: str) -> list:
    spec, operation = operation_by_id(op_id)
    schemas = properties_reachable(spec, request_schema(spec, operation))[field]
    values = []
    for schema in schemas:
        values.append(schema.get(keyword))
        values += [alt.get(keyword) for alt in schema.get("anyOf", [])]
    return [v for v in values if v is not None]


@pytest.mark.parametrize(
    ("op_id", "field", "keyword", "expected"),
    [
        ("updateProcessedPorStatus", "key", "minLength", [1]),
        ("updateContactInterfaceStatus", "clientContactCode", "minLength", [1]),
        ("updateContactInterfaceStatus", "interfaceStatus", "minLength", [1]),
        # top-level entityCode only: orgEntities[].entityCode may be "" (003 success example)
        ("saveOrgEntityManagers", "entityCode", "minLength", [1]),
        ("saveOrgEntityManagers", "entityCode", "maxLength", [50]),
        ("saveOrgEntityManagers", "structureName", "minLength", [1]),
        ("saveOrgEntityManagers", "currencyCode", "maxLength", [3]),
        ("saveOrgEntityManagers", "managerCode", "minItems", [1]),
        ("saveOrgEntityManagers", "entityType", "minLength", []),
        ("saveOrgEntityManagers", "lobEntityCode", "minLength", []),
        ("modifyPurchaseOrder", "authRequire", "enum", [["Y", "N", None]]),
        ("createUpdateProgressPayEvents", "OrderSeq", "maximum", [99999]),
        ("createUpdateProgressPayEvents", "PpeCode", "maxLength", [10]),
        ("createUpdateProgressPayEvents", "Description", "maxLength", [500]),
        ("createUpdateProgressPayEvents", "AttpId", "format", ["int64"]),
        ("createUpdateProgressPayEvents", "PpeId", "format", ["int64"]),
        ("createUpdateProgressPayEvents", "LockedInd", "enum", [["Y", "N", None]]),
        ("createUpdateProgressPayEvents", "DeliveryInd", "enum", [["Y", "N", None]]),
        ("createUpdateProgressPayEvents", "ManualInd", "enum", [["Y", "N", None]]),
        ("createUpdateProgressPayEvents", "PaidInd", "enum", [["Y", "N", None]]),
    ],
)
def test_documented_constraint(op_id, field, keyword, expected):
    assert constraint(op_id, field, keyword) == expected


def validates(op_id: str, body) -> bool:
    spec, operation = operation_by_id(op_id)
    return schema_validator(spec, request_schema(spec, operation)).is_valid(body)


@pytest.mark.parametrize(
    ("op_id", "body"),
    [
        # 000 Status: "ErrorDetail object" in the table, a string in the JSON
        ("updateProcessedPorStatus", {"model": [{"key": "1", "status": "Processed"}]}),
        ("updateProcessedPorStatus", {"model": [{"key": "1", "status": {"errorCode": "X"}}]}),
        # 003 isDeleted: String in the table, boolean in the JSON; orgEntities[].entityCode ""
        (
            "saveOrgEntityManagers",
            [{"entityCode": "E", "managerCode": ["M"], "structureName": "S", "isDeleted": "true"}],
        ),
        (
            "saveOrgEntityManagers",
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "isDeleted": False,
                    "orgEntities": [{"entityCode": "", "entityType": "T", "lobEntityCode": "L"}],
                }
            ],
        ),
        # 004 PpeCode: Integer in the table, "FOUND" in the sample; CostValue 170.4; int64 ids
        (
            "createUpdateProgressPayEvents",
            {
                "PPE": [
                    {
                        "AttpId": 10000143788,
                        "OrderSeq": 1,
                        "PpeCode": 1234567890,
                        "CostValue": 170.4,
                        "PpeId": 10000005555,
                    }
                ]
            },
        ),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 99999, "PpeCode": "ABCDEFGHIJ"}]},
        ),
        # 002: every field optional, JSON numbers where documented
        ("modifyPurchaseOrder", {"authRequire": "Y", "data": [{"netPoAmount": 10.5}]}),
    ],
)
def test_both_documented_types_are_valid_input(op_id, body):
    assert validates(op_id, body)


@pytest.mark.parametrize(
    ("op_id", "body"),
    [
        ("updateProcessedPorStatus", {"model": [{"key": ""}]}),
        ("updateProcessedPorStatus", {"model": [{"description": "no key"}]}),
        ("updateContactInterfaceStatus", [{"clientContactCode": "C", "interfaceStatus": ""}]),
        ("updateContactInterfaceStatus", [{"interfaceStatus": "success"}]),
        (
            "saveOrgEntityManagers",
            [{"entityCode": "E" * 51, "managerCode": ["M"], "structureName": "S"}],
        ),
        ("saveOrgEntityManagers", [{"entityCode": "E", "managerCode": [], "structureName": "S"}]),
        (
            "saveOrgEntityManagers",
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "currencyCode": "USDX",
                }
            ],
        ),
        (
            "saveOrgEntityManagers",
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "thresholdAmount": "ten",
                }
            ],
        ),
        (
            "saveOrgEntityManagers",
            [
                {
                    "entityCode": "E",
                    "managerCode": ["M"],
                    "structureName": "S",
                    "orgEntities": [{"entityType": "T", "lobEntityCode": "L"}],
                }
            ],
        ),
        ("modifyPurchaseOrder", {"authRequire": "Maybe"}),
        ("modifyPurchaseOrder", {"data": [{"netPoAmount": "ten"}]}),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 100000, "PpeCode": "A"}]},
        ),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "ABCDEFGHIJK"}]},
        ),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": 12345678901}]},
        ),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "Description": "d" * 501}]},
        ),
        (
            "createUpdateProgressPayEvents",
            {"PPE": [{"AttpId": 1, "OrderSeq": 1, "PpeCode": "A", "LockedInd": "X"}]},
        ),
        ("createUpdateProgressPayEvents", {"PPE": [{"OrderSeq": 1, "PpeCode": "A"}]}),
    ],
)
def test_documented_violation_is_invalid_input(op_id, body):
    assert not validates(op_id, body)


# ------------------------------------------------------------------ responses


def response_schema(op_id: str, status: str, media: str = "application/json") -> dict:
    spec, operation = operation_by_id(op_id)
    return spec, deref(spec, operation["responses"][status])["content"][media]["schema"]


@pytest.mark.parametrize(
    ("op_id", "statuses"),
    [
        ("updateProcessedPorStatus", {"200", "400", "401", "403", "415", "4XX"}),
        ("updateContactInterfaceStatus", {"200", "400", "401", "403", "415", "4XX"}),
        ("saveOrgEntityManagers", {"200", "400", "401", "403", "415", "4XX"}),
        ("modifyPurchaseOrder", {"200", "201", "400", "401", "403", "405", "4XX", "500"}),
        ("createUpdateProgressPayEvents", {"200", "201", "401", "403", "4XX"}),
    ],
)
def test_every_documented_response_is_in_the_spec(op_id, statuses):
    _spec, operation = operation_by_id(op_id)
    assert set(operation["responses"]) == statuses


@pytest.mark.parametrize(
    ("op_id", "status", "body"),
    [
        # extra fields, data {} and optional-field nulls are allowed
        (
            "updateContactInterfaceStatus",
            "200",
            {"data": {}, "statusCode": "200", "extra": 1, "errorDetails": [], "successDetails": []},
        ),
        ("modifyPurchaseOrder", "200", {"poStatus": None, "errors": None, "extra": "x"}),
        ("modifyPurchaseOrder", "200", [{"poInternalNumber": "1", "errors": []}]),
        ("modifyPurchaseOrder", "400", {"message": "anything"}),
        (
            "createUpdateProgressPayEvents",
            "200",
            {"@odata.context": "http://h/$metadata#x", "value": [{"PpeCode": 12, "Other": True}]},
        ),
        (
            "createUpdateProgressPayEvents",
            "4XX",
            {"error": {"code": "C", "message": {"lang": "en", "value": "m"}}},
        ),
        ("createUpdateProgressPayEvents", "4XX", {"value": "Cannot update"}),
    ],
)
def test_response_schemas_are_permissive(op_id, status, body):
    spec, schema = response_schema(op_id, status)
    assert schema_validator(spec, schema).is_valid(body)


@pytest.mark.parametrize(
    ("op_id", "body"),
    [
        (
            "saveOrgEntityManagers",
            {"data": None, "statusCode": 200, "errorDetails": [], "successDetails": []},
        ),
        (
            "saveOrgEntityManagers",
            {"data": None, "statusCode": "200", "errorDetails": [{}], "successDetails": []},
        ),
        ("saveOrgEntityManagers", {"data": None, "statusCode": "200"}),
    ],
)
def test_gep_envelope_rejects_a_broken_shape(op_id, body):
    spec, schema = response_schema(op_id, "200")
    assert not schema_validator(spec, schema).is_valid(body)


def test_po_service_speaks_json_and_xml():
    spec, operation = operation_by_id("modifyPurchaseOrder")
    media = {"application/json", "application/xml"}
    assert set(deref(spec, operation["requestBody"])["content"]) == media
    for status in ("200", "201"):
        assert set(deref(spec, operation["responses"][status])["content"]) == media
    root = deref(
        spec, deref(spec, operation["requestBody"])["content"]["application/xml"]["schema"]
    )
    assert root["xml"]["name"] == "PoModServiceCollection"


RULE_OF_KEYWORDS = {"required", "type", "minLength", "maxLength", "maximum", "exclusiveMaximum",
                    "minimum", "enum", "const", "pattern", "minItems", "maxItems"}


@pytest.mark.parametrize("name", SPECS)
def test_input_rule_attribution_is_explicit_and_names_catalog_rules(name):
    """`x-rule-of` maps a JSON Schema keyword of the place to the rule it states: a renamed or
    removed rule fails here instead of silently no longer being judged on generated input."""
    rules = load_rules()
    found = 0
    for pointer, node in walk(load_spec(name)):
        mapping = node.get("x-rule-of")
        if mapping is None:
            continue
        found += 1
        assert set(mapping) <= RULE_OF_KEYWORDS, (pointer, mapping)
        for keyword, rule_id in mapping.items():
            assert rule_id in rules, f"{name}{pointer}: x-rule-of {keyword} names {rule_id}"
            assert keyword == "required" or keyword in node or any(
                keyword in branch for key in ("anyOf", "oneOf") for branch in node.get(key, ())
            ) or "schema" in node, f"{name}{pointer}: maps {keyword}, which the place lacks"
    assert found, f"{name} attributes no input rule"
