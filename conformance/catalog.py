"""The rule catalog (specs/rules.yaml), loaded and checked against its own JSON Schema, and the
facts about products every layer shares, each defined here once: the products, the operation of
each product, the spec file of each product, the routes (read from the specs) and the rule a
server error breaks.

Everything that judges a target names a rule from here, so a failure can always be traced to
the document sentence it enforces.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conformance.contract_files import read_yaml, specs_dir

PRODUCTS = ("gep", "po", "smat")
PRODUCT_OF_OPERATION = {
    "updateProcessedPorStatus": "gep",
    "updateContactInterfaceStatus": "gep",
    "saveOrgEntityManagers": "gep",
    "modifyPurchaseOrder": "po",
    "createUpdateProgressPayEvents": "smat",
}
OPERATIONS_OF_PRODUCT = {
    product: tuple(op for op, owner in PRODUCT_OF_OPERATION.items() if owner == product)
    for product in PRODUCTS
}
SPEC_OF_PRODUCT = {
    "gep": "gep-smart.yaml",
    "po": "po-service.yaml",
    "smat": "smart-materials.yaml",
}
# "no request, however malformed, gets a 5xx": one rule per product
NO_SERVER_ERROR_RULE = {
    "gep": "GEP-NO-SERVER-ERROR",
    "po": "PO-NO-SERVER-ERROR",
    "smat": "SMAT-NO-SERVER-ERROR",
}


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # the spec's path template, e.g. /Smat/V1/Projects('{project}')/...


def spec_path(product: str) -> Path:
    return specs_dir() / SPEC_OF_PRODUCT[product]


@cache
def load_spec(product: str) -> dict:
    """The product's OpenAPI spec as parsed YAML (read once)."""
    return read_yaml(spec_path(product))


@cache
def routes() -> dict[str, Route]:
    """operationId -> its method and path, as the specs state them."""
    found: dict[str, Route] = {}
    for product in PRODUCTS:
        for path, item in load_spec(product).get("paths", {}).items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = Route(method.upper(), path)
    return found


# the cross-cutting rule "every request gets one of the documented answers", per operation
ANSWERED_RULE_OF_OPERATION = {
    "updateProcessedPorStatus": "POR-EVERY-REQUEST-ANSWERED",
    "updateContactInterfaceStatus": "CONTACT-EVERY-REQUEST-ANSWERED",
    "saveOrgEntityManagers": "ORG-EVERY-REQUEST-ANSWERED",
    "modifyPurchaseOrder": "PO-EVERY-REQUEST-ANSWERED",
    "createUpdateProgressPayEvents": "SMAT-EVERY-REQUEST-ANSWERED",
}


@dataclass(frozen=True)
class Source:
    doc: str
    section: str
    quote: str | None = None

    @property
    def title(self) -> str:
        """The document's title (specs/documents/titles.yaml), e.g. "GEP SMART
        UpdateProcessedPORStatus"; the file name when the index has none."""
        return document_titles().get(self.doc, self.doc)

    def citation(self) -> str:
        """"GEP SMART UpdateProcessedPORStatus, § Data Elements (000_9d9b69b51a0de0a1.txt)":
        the title a vendor knows first, the file name second."""
        return cite(self.doc, self.section)


@cache
def document_titles() -> dict[str, str]:
    """Document file name -> title, from specs/documents/titles.yaml."""
    path = specs_dir() / "documents" / "titles.yaml"
    return dict(read_yaml(path) or {})


def cite(doc: str, section: str) -> str:
    """A document citation as reports print it: title, section, then the file name."""
    title = document_titles().get(doc)
    return f"{title}, § {section} ({doc})" if title else f"{doc} § {section}"


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    operations: tuple[str, ...]
    statement: str
    source: Source
    latitude: str | None = None
    needs: str | None = None
    # "answers": no request can break it, every judged answer is on its breaking side;
    # "requests": only a source that could break it (a scenario's `breaks`, a breaching
    # generated case) can pass it
    about: str = "requests"

    @property
    def about_answers(self) -> bool:
        return self.about == "answers"
    why_should: str | None = None  # why a SHOULD is not a MUST (a message text, an implication)

    @property
    def products(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(PRODUCT_OF_OPERATION[op] for op in self.operations))


class CatalogError(ValueError):
    """The rule catalog breaks its schema; the message names the entry and the problem."""


def fold_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def documents_dir() -> Path:
    return specs_dir() / "documents"


@cache
def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """Rules by id, in catalog order."""
    import jsonschema  # here, not at import: every pytest session reads the plugin's options

    path = path or specs_dir() / "rules.yaml"
    data = read_yaml(path)
    schema = json.loads((specs_dir() / "schemas" / "rules.schema.json").read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=str)
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path)
        raise CatalogError(f"{path}: at {where or 'top level'}: {first.message}")
    rules: dict[str, Rule] = {}
    for entry in data["rules"]:
        if entry["id"] in rules:
            raise CatalogError(f"{path}: rule id {entry['id']} is defined twice")
        rules[entry["id"]] = Rule(
            id=entry["id"],
            level=entry["level"],
            operations=tuple(entry["operations"]),
            statement=entry["statement"],
            source=Source(**entry["source"]),
            latitude=entry.get("latitude"),
            needs=entry.get("needs"),
            about=entry.get("about", "requests"),
            why_should=entry.get("why_should"),
        )
    return rules


def load_contradictions() -> list[dict[str, str]]:
    data = read_yaml(specs_dir() / "rules.yaml")
    return data["contradictions"]
