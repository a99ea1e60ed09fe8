"""Checks that hold for every generated request: no 5xx, and input the documents forbid is refused.

The second replaces schemathesis' `negative_data_rejection`: it decides "forbidden" with the
specs and the rules' `latitude` (specs/rules.yaml: coercible numbers and booleans in string
fields, empty batches, XML bodies are not judged), counts a GEP 200 with a 4xx envelope and a PO 2xx
with errors as rejections, and names the rule of the constraint the input breaks.
"""

import schemathesis

from conformance.checks.answers import (
    NOT_JSON,
    RuleViolation,
    accepted,
    operation_of,
    product_of,
    sent_json,
)
from conformance.checks.contract import Breach, body_breaches, path_breaches

NO_SERVER_ERROR_RULE = {
    "gep": "GEP-NO-SERVER-ERROR",
    "po": "PO-NO-SERVER-ERROR",
    "smat": "SMAT-NO-SERVER-ERROR",
}


def breaches_of(case) -> list[Breach]:
    """Where the case's input breaks the spec beyond the latitude ([] for valid input)."""
    operation = operation_of(case)
    found = path_breaches(operation, dict(case.path_parameters or {}))
    body = sent_json(case)
    if body is not NOT_JSON:
        found += body_breaches(operation, "application/json", body)
    return found


def _no_server_error(product: str, response, case):
    if product_of(case) != product:
        return True
    if response.status_code >= 500:
        raise RuleViolation(
            NO_SERVER_ERROR_RULE[product],
            f"HTTP {response.status_code}",
            "no request, however malformed, gets a 5xx; bad input gets a 4xx",
        )
    return None


@schemathesis.check
def gep_no_server_error(ctx, response, case):
    """GEP-NO-SERVER-ERROR."""
    return _no_server_error("gep", response, case)


@schemathesis.check
def po_no_server_error(ctx, response, case):
    """PO-NO-SERVER-ERROR."""
    return _no_server_error("po", response, case)


@schemathesis.check
def smat_no_server_error(ctx, response, case):
    """SMAT-NO-SERVER-ERROR."""
    return _no_server_error("smat", response, case)


@schemathesis.check
def invalid_input_rejected(ctx, response, case):
    """*-MANDATORY, *-MAX-*, *-Y-OR-N, *-TYPES-ENFORCED: forbidden input is not accepted."""
    product = product_of(case)
    if product is None or response.status_code >= 500 or response.status_code in (401, 403):
        return True
    breaches = breaches_of(case)
    if not breaches:
        return True
    if accepted(product, response):
        first = breaches[0]
        raise RuleViolation(
            first.rule_id,
            f"HTTP {response.status_code} accepting {first.where}: {first.what}",
            "the request is rejected",
        )
    return None
