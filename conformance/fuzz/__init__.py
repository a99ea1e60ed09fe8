"""Schemathesis wiring: the five operations fuzzed under a profile's budget, judged by our judges.

Generation is schemathesis' (examples, coverage and fuzzing phases, positive and negative);
judging is the suite's one set of judges (`conformance.judges`, rule ids attached in
`fuzz.judging`), the same the scripted scenarios call, because the built-in checks would fail a
correct target for latitude the documents give (each rule's `latitude`, specs/rules.yaml).
Realism: path parameters come from the target's data (`[parameters]` overrides) and most
generated bodies get the target's own codes outside the place they break (`realism.realise`,
seeded by the run's seed), so that success paths are reached and a negative case is refused
for its breach alone.
Stateful testing is not wired: the specs declare no links between the five operations.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import requests
import schemathesis
from hypothesis import strategies as st

from conformance.catalog import NO_SERVER_ERROR_RULE, OPERATIONS_OF_PRODUCT, spec_path
from conformance.exchange import failed_as, record_exchange
from conformance.fuzz import judging
from conformance.fuzz.realism import realise
from conformance.outcomes import Exchange, Outcome, SourceKind, Status, TransportFailure
from conformance.target import ProductTarget
from conformance.transport import describe


@dataclass(frozen=True)
class Budget:
    max_examples: int
    phases: tuple[str, ...]


BUDGETS = {
    "smoke": Budget(1, ("examples",)),  # the spec's documented examples, nothing generated
    "standard": Budget(12, ("examples", "coverage", "fuzzing")),
    "deep": Budget(100, ("examples", "coverage", "fuzzing")),
}


def _bounded_datetimes() -> st.SearchStrategy[str]:
    """RFC 3339 date-times in 2000-2049 with whole-hour offsets: what .NET/Java stacks parse."""
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
    moments = st.datetimes(datetime(2000, 1, 1), datetime(2049, 12, 31))
    return st.builds(
        lambda moment, zone: moment.replace(microsecond=0, tzinfo=zone).isoformat(),
        moments,
        offsets,
    )


schemathesis.openapi.format("date-time", _bounded_datetimes())


def path_parameters(product: ProductTarget) -> dict:
    if product.product != "smat":
        return {}
    data = product.data
    return {
        "project": data["project"],
        "discipline": data["discipline"],
        "language": data["language"],
        "key": data["po_id"],
    }


def load_schema(product: ProductTarget, profile: str, seed: int):
    """The product's OpenAPI schema, configured for the profile, seed and target."""
    budget = BUDGETS[profile]
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "generation": {
                "mode": "all",
                "max-examples": budget.max_examples,
                "database": "none",
                "no-shrink": True,
            },
            "phases": {
                name: {"enabled": name in budget.phases}
                for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            "parameters": path_parameters(product),
        }
    )
    schema = schemathesis.openapi.from_path(spec_path(product.product), config=config)
    schema.config.update(base_url=product.base_url)
    return schema.include(operation_id=list(OPERATIONS_OF_PRODUCT[product.product]))


def run_case(case, product: ProductTarget, seed: int) -> list[Outcome]:
    """Send one generated case through the product's session and judge the answer.

    Every outcome is on the breaking side (`Outcome.breaking`): an input rule is judged only
    for a case whose input breaches it, an answer rule on any answer it judges."""
    prepare_case(case, product, seed)
    return judge_case(case, product, send_case(case, product))


def prepare_case(case, product: ProductTarget, seed: int) -> None:
    """Make the case's body realistic (`realise`); in the generating thread, in case order:
    the realism generator is one seeded instance."""
    realise(case, product.data, seed)


@dataclass
class Sent:
    """What sending one case gave: the answer, or the transport error instead of one."""

    seconds: float  # from sending to the answer (or the failure)
    response: object = None
    error: requests.RequestException | None = None


def send_case(case, product: ProductTarget) -> Sent:
    """Send a prepared case through the product's session (this thread's); safe to run in
    several threads at once. A transport failure is returned, anything else raises."""
    started = time.perf_counter()
    try:
        response = case.call(
            base_url=product.base_url, session=product.session(), timeout=product.timeout
        )
    except requests.RequestException as error:  # refused, timeout, reset, no credentials
        return Sent(time.perf_counter() - started, error=error)
    return Sent(time.perf_counter() - started, response=response)


def judge_case(case, product: ProductTarget, sent: Sent) -> list[Outcome]:
    """The outcomes of one sent case: the judges of its product (`fuzz.judging`), or
    inconclusive without an answer."""
    operation = str(case.operation.definition.raw.get("operationId"))
    if sent.error is not None:  # inconclusive, or not tested when it was never sent
        started = time.perf_counter() - sent.seconds
        return [_not_answered(case, product, operation, sent.error, started)]
    response = sent.response
    started = time.perf_counter() - sent.seconds  # the record's elapsed time is the sending's
    outcomes = []
    ctx = judging.context_of(case, response)
    for verdict in judging.judge_case(ctx, judging.breaches_of(case)):
        judgement = verdict.judgement
        evidence = judgement.status is not Status.PASSED
        outcomes.append(
            Outcome(
                rule_id=verdict.rule_id,
                status=judgement.status,
                source_kind=SourceKind.SUITE_ERROR if judgement.suite_error else SourceKind.CHECK,
                source_id=f"{operation}:{verdict.judge}",
                operation=operation,
                message=judgement.message,
                exchanges=[_exchange(product, response, started)] if evidence else [],
                case_id=case.id,
                breaking=True,
            )
        )
    return outcomes


def _not_answered(case, product: ProductTarget, operation: str, error, started: float) -> Outcome:
    """The case got no judgeable answer: inconclusive, or not tested when it was never sent."""
    prepared = getattr(error, "request", None)
    exchanges = []
    if isinstance(prepared, requests.PreparedRequest):
        exchanges.append(failed_as(
            record_exchange(product, prepared, None, "normal", started), product, error
        ))
    kind, message = describe(error, product.timeout)
    message = message.replace("[PRODUCT.", f"[{product.product}.")
    not_sent = kind in (TransportFailure.BUDGET,)
    return Outcome(
        rule_id=NO_SERVER_ERROR_RULE[product.product],
        status=Status.SKIPPED if not_sent else Status.INCONCLUSIVE,
        source_kind=SourceKind.CHECK,
        source_id=f"{operation}:transport",
        operation=operation,
        message=product.redactor().text(message) or "",
        exchanges=exchanges,
        case_id=case.id,
    )


class _Answer:
    """The parts of a schemathesis Response that `record_exchange` reads."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = {k: ", ".join(v) for k, v in response.headers.items()}
        self.content = response.content


def _exchange(product: ProductTarget, response, started: float) -> Exchange:
    return record_exchange(product, response.request, _Answer(response), "normal", started)
