"""Hand-made outcomes for the report tests: every rule passes unless told otherwise."""

from collections.abc import Mapping

from conformance.catalog import Rule
from conformance.mock import DEMO_CREDENTIALS
from conformance.outcomes import Exchange, Outcome, SourceKind, Status

KNOWN_SECRETS = dict(DEMO_CREDENTIALS)
CURL = (
    "curl -sS -X POST http://127.0.0.1:9/service/v1/po/modify -H 'Content-Type: application/json'"
    ' -H "Authorization: Bearer $CONFORMANCE_PO_TOKEN" --data-binary \'{"data": []}\''
)


def failing_exchange(secret_in_body: str = "") -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:9/service/v1/po/modify",
        request_headers={"Content-Type": "application/json", "Authorization": "***"},
        request_body='{"data": []}',
        status_code=202,
        response_headers={"content-type": "application/json"},
        response_body='{"errors": [], "echo": "' + secret_in_body + '"}',
        curl=CURL,
    )


def outcomes_for(rules: Mapping[str, Rule], statuses: Mapping[str, str]) -> list[Outcome]:
    """One outcome per rule from a scenario and one from a generated case; `statuses` overrides
    a rule's: "failed" (with evidence), "skipped", "inconclusive" or "none" (no outcome)."""
    outcomes = []
    for rule in rules.values():
        status = statuses.get(rule.id, "passed")
        operation = rule.operations[0]
        if status == "none":
            continue
        message = ""
        exchanges = []
        if status == "failed":
            message = "Received: HTTP 202 / Documented: 200 or 201"
            exchanges = [failing_exchange()]
        elif status in ("skipped", "inconclusive"):
            message = f"{status} because the test says so"
        outcomes.append(
            Outcome(
                rule_id=rule.id,
                status=Status(status),
                source_kind=SourceKind.SCENARIO,
                source_id=f"{operation}-scenario",
                operation=operation,
                message=message,
                exchanges=exchanges,
                case_id=f"{operation}-scenario:step 1",
                breaking=True,
            )
        )
        if status == "passed":
            outcomes.append(
                Outcome(
                    rule_id=rule.id,
                    status=Status.PASSED,
                    source_kind=SourceKind.CHECK,
                    source_id=f"{operation}:a_check",
                    operation=operation,
                    case_id="case-1",
                )
            )
    return outcomes
