"""Custom schemathesis checks, one per rule-derived invariant, named after their rules.

`RULES_OF_CHECK` maps each check to the rule ids it can fail (the coverage table reads it);
`judge` runs every check of a product on one generated case and says, per check, which rules
it judged and how. Importing this package registers the checks with schemathesis.
"""

from collections.abc import Callable
from dataclasses import dataclass

from conformance.checks import gep, inputs, po, smat
from conformance.checks.answers import RuleViolation, product_of
from conformance.checks.contract import TYPES_RULE, request_rules

CHECKS_OF_PRODUCT: dict[str, tuple[Callable, ...]] = {
    "gep": (
        gep.gep_envelope_shape,
        gep.gep_statuscode_is_string,
        gep.gep_error_detail_shape,
        gep.gep_success_keys_were_sent,
        gep.gep_no_key_both_succeeded_and_failed,
        gep.gep_json_response,
        gep.gep_success_answer,
        gep.gep_rejection_answer,
        inputs.gep_no_server_error,
        inputs.invalid_input_rejected,
    ),
    "po": (
        po.po_errors_shape,
        po.po_echoes_identifiers,
        po.po_echoes_present,
        po.po_json_response,
        po.po_success_answer,
        po.po_rejection_answer,
        inputs.po_no_server_error,
        inputs.invalid_input_rejected,
    ),
    "smat": (
        smat.smat_odata_response,
        smat.smat_json_response,
        smat.smat_success_answer,
        inputs.smat_no_server_error,
        inputs.invalid_input_rejected,
    ),
}


def _rule_of_docstring(check: Callable) -> str:
    return (check.__doc__ or "").split(":")[0].split(" ")[0].strip(".")


def _rules_of_check() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for checks in CHECKS_OF_PRODUCT.values():
        for check in checks:
            if check is inputs.invalid_input_rejected:
                rules = tuple(dict.fromkeys(r for op in TYPES_RULE for r in request_rules(op)))
            else:
                rules = (_rule_of_docstring(check),)
            table[check.__name__] = rules
    return table


RULES_OF_CHECK: dict[str, tuple[str, ...]] = _rules_of_check()


@dataclass(frozen=True)
class Judgement:
    check: str
    rule_ids: tuple[str, ...]
    failed: bool
    message: str = ""


def judge(response, case) -> list[Judgement]:
    """Every check of the case's product on one answer; checks that do not apply are left out."""
    product = product_of(case)
    results = []
    for check in CHECKS_OF_PRODUCT.get(product or "", ()):
        try:
            not_applicable = check(None, response, case)
        except RuleViolation as violation:
            results.append(Judgement(check.__name__, (violation.rule_id,), True, str(violation)))
            continue
        if not_applicable:
            continue
        if check is inputs.invalid_input_rejected:
            rules = tuple(dict.fromkeys(b.rule_id for b in inputs.breaches_of(case)))
        else:
            rules = RULES_OF_CHECK[check.__name__]
        results.append(Judgement(check.__name__, rules, False))
    return results


__all__ = ["CHECKS_OF_PRODUCT", "RULES_OF_CHECK", "Judgement", "RuleViolation", "judge"]
