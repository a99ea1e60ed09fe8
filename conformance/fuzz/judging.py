"""Generated cases judged by the one set of judges (`conformance.judges`), rule ids attached here.

A generated case knows no expectation of its own, so the fuzz side asks only what holds for any
answer: each answer judge of the product with the rule it serves (`ANSWER_JUDGES`), the
product's no-server-error rule, and, when the case's input breaks the spec beyond the latitude
(`breaches.body_breaches`), the product's `rejected` judge for each rule the input breaks. A
judge that finds nothing to judge (the shape of a rejection, when nothing was rejected) adds no
outcome; a judge that raises is a suite error (inconclusive, traceback kept), never the target's.
"""

import re
from dataclasses import dataclass
from typing import Any

from conformance.catalog import NO_SERVER_ERROR_RULE, PRODUCT_OF_OPERATION, routes
from conformance.fuzz.breaches import Breach, body_breaches, path_breaches
from conformance.judges import Answer, Context, Judgement, apply
from conformance.outcomes import Status

# product -> (judge, rule) pairs asked of every answer to a generated case
ANSWER_JUDGES: dict[str, tuple[tuple[str, str], ...]] = {
    "gep": (
        ("gep_envelope", "GEP-ENVELOPE-SHAPE"),
        ("gep_status_code_string", "GEP-STATUSCODE-IS-STRING"),
        ("gep_error_details_shape", "GEP-ERROR-DETAIL-SHAPE"),
        ("gep_success_keys_were_sent", "GEP-SUCCESS-KEYS-WERE-SENT"),
        ("gep_no_key_both", "GEP-NO-KEY-BOTH-SUCCEEDED-AND-FAILED"),
        ("json_media_type", "GEP-JSON-RESPONSE"),
        ("success_answer", "GEP-SUCCESS-ANSWER"),
        ("rejection_answer", "GEP-REJECTION-ANSWER"),
    ),
    "po": (
        ("po_errors_shape", "PO-ERRORS-SHAPE"),
        ("po_answer_field_types", "PO-ANSWER-FIELD-TYPES"),
        ("po_echoes_identifiers", "PO-ECHOES-IDENTIFIERS"),
        ("po_echoes_present", "PO-ECHOES-PRESENT"),
        ("json_media_type", "PO-JSON-SUPPORTED"),
        ("success_answer", "PO-SUCCESS-ANSWER"),
        ("rejection_answer", "PO-REJECTION-ANSWER"),
    ),
    "smat": (
        ("odata_response", "SMAT-ODATA-RESPONSE"),
        ("value_indicators_y_or_n", "SMAT-INDICATORS-Y-OR-N"),
        ("json_media_type", "SMAT-JSON-RESPONSE"),
        ("success_answer", "SMAT-SUCCESS-ANSWER"),
        ("value_holds_sent_events", "SMAT-SUCCESS-ANSWER"),
    ),
}
INPUT_JUDGE = "rejected"  # forbidden input is refused (the product's reading of a refusal)
# the credentials were refused before the input was read: no input rule is judged
_NOT_READ = (401, 403)


@dataclass(frozen=True)
class Verdict:
    """One judge's judgement of one rule on one generated case."""

    judge: str
    rule_id: str
    judgement: Judgement


def operation_of(case) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


# characters XML 1.0 cannot carry (§2.2 Char): the serialiser drops them from the wire
_NOT_XML_CHAR = re.compile("[^\\t\\n\\r\\u0020-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff]")


def _as_on_xml_wire(value: Any) -> Any:
    """A value as an XML body carries it: characters XML 1.0 cannot hold dropped, line ends
    normalised (XML 1.0 §2.11), so an echo is compared with what the target could receive."""
    if isinstance(value, str):
        return _NOT_XML_CHAR.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list):
        return [_as_on_xml_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_on_xml_wire(v) for k, v in value.items()}
    return value


def sent_body(case) -> Any:
    """The body the case sent as a value (for XML, as the XML on the wire carries it)."""
    body = case.body
    if type(body).__name__ == "NotSet":
        return None
    return _as_on_xml_wire(body) if "xml" in (case.media_type or "") else body


def breaches_of(case) -> list[Breach]:
    """Where the case's input breaks the spec beyond the latitude ([] for valid input).
    XML bodies are not judged field by field (their element names are not documented)."""
    operation = operation_of(case)
    found = path_breaches(operation, dict(case.path_parameters or {}))
    body = sent_body(case)
    if body is not None and "xml" not in (case.media_type or ""):
        found += body_breaches(operation, "application/json", body)
    return found


def context_of(case, response) -> Context:
    """The judges' view of a generated case and its answer (a schemathesis Response)."""
    operation = operation_of(case)
    documented = str(case.method).upper() == routes()[operation].method
    return Context(PRODUCT_OF_OPERATION[operation], operation, Answer.of(response),
                   sent_body(case), documented_method=documented)


def judge_case(ctx: Context, breaches: list[Breach]) -> list[Verdict]:
    """Every judgement the fuzz side makes of one answer; not-applicable ones left out."""
    asked = [*ANSWER_JUDGES[ctx.product], ("no_server_error", NO_SERVER_ERROR_RULE[ctx.product])]
    if breaches and ctx.answer.status not in _NOT_READ:
        asked += [(INPUT_JUDGE, rule) for rule in dict.fromkeys(b.rule_id for b in breaches)]
    verdicts = []
    for name, rule in asked:
        judgement = apply(name, ctx)
        if judgement.status is not Status.SKIPPED:
            if name == INPUT_JUDGE and judgement.status is Status.FAILED:
                first = next(b for b in breaches if b.rule_id == rule)
                judgement = Judgement(Status.FAILED, f"{judgement.message}; the input breaks "
                                      f"{first.where}: {first.what}")
            verdicts.append(Verdict(name, rule, judgement))
    return verdicts


def judged_rules(product: str) -> dict[str, tuple[str, ...]]:
    """judge -> the rules the fuzz side attaches to it for a product (for COVERAGE.md)."""
    from conformance.fuzz.breaches import request_rules

    table: dict[str, list[str]] = {}
    for name, rule in ANSWER_JUDGES[product]:
        table.setdefault(name, []).append(rule)
    table.setdefault("no_server_error", []).append(NO_SERVER_ERROR_RULE[product])
    for operation, owner in PRODUCT_OF_OPERATION.items():
        if owner == product:
            table.setdefault(INPUT_JUDGE, []).extend(request_rules(operation))
    return {name: tuple(dict.fromkeys(rules)) for name, rules in table.items()}
