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

from conformance.catalog import (
    ANSWERED_RULE_OF_OPERATION,
    OPERATIONS_OF_PRODUCT,
    spec_path,
)
from conformance.exchange import failed_as, record_exchange
from conformance.fuzz import judging
from conformance.fuzz.breaches import Breach, request_rules
from conformance.fuzz.realism import realise
from conformance.judges import was_cut
from conformance.outcomes import Exchange, Outcome, SourceKind, Status, TransportFailure
from conformance.target import ProductTarget
from conformance.transport import was_sent


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
    breaches = prepare_case(case, product, seed)
    return judge_case(case, product, send_case(case, product), breaches)


def prepare_case(case, product: ProductTarget, seed: int) -> list[Breach] | None:
    """Make the case's body realistic and put the run marker in it (`realise`); in the
    generating thread, in case order: the realism generator is one seeded instance. Returns
    the case's breaches for `judge_case` (None: not looked at)."""
    return realise(case, product.data, seed, product.transport.marker)


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


def judge_case(case, product: ProductTarget, sent: Sent,
               breaches: list[Breach] | None = None) -> list[Outcome]:
    """The outcomes of one sent case: the judges of its product (`fuzz.judging`) and the
    answer rule, or the answer rule alone without an answer. `breaches`: what `prepare_case`
    found (None: found here)."""
    operation = str(case.operation.definition.raw.get("operationId"))
    started = time.perf_counter() - sent.seconds  # the record's elapsed time is the sending's
    if sent.error is not None:  # the answer rule: failed on no answer, else inconclusive
        return [unanswered(case, product, operation, sent.error, started)]
    response = sent.response
    outcomes = [_answer_outcome(operation, Status.PASSED, "", case.id)]
    ctx = judging.context_of(case, response)
    if breaches is None:
        breaches = judging.breaches_of(case)
    for verdict in judging.judge_case(ctx, breaches):
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
                breaking=_on_breaking_side(operation, verdict),
            )
        )
    return outcomes


def _on_breaking_side(operation: str, verdict: judging.Verdict) -> bool:
    """An input rule (one the request's spec places state) is on its breaking side only when
    the case's input breaches it; its answer check alone (an indicator the answer holds) cannot
    show that forbidden input is refused. Every other judged answer is the breaking side of its
    answer rule."""
    return verdict.judge == judging.INPUT_JUDGE or verdict.rule_id not in request_rules(operation)


def _answer_outcome(operation: str, status: Status, message: str, case_id: str,
                    exchanges: list[Exchange] | None = None) -> Outcome:
    return Outcome(
        rule_id=ANSWERED_RULE_OF_OPERATION[operation], status=status,
        source_kind=SourceKind.CHECK, source_id=f"{operation}:transport", operation=operation,
        message=message, exchanges=exchanges or [], case_id=case_id, breaking=True,
    )


def unanswered(case, product: ProductTarget, operation: str, error: BaseException,
               started: float) -> Outcome:
    """A case without a judgeable answer, on the answer rule: failed on no answer
    (`TransportFailure.NO_ANSWER`; `verdict.settle_answers` makes it inconclusive when the
    product stopped answering), skipped when the request budget kept it from being sent,
    inconclusive otherwise (refused, TLS, rate limited, credentials rejected, not sent to a
    product the transport policy stopped). The evidence is
    the request as sent (or as it would have been), with its curl line."""
    prepared = getattr(error, "request", None)
    if not isinstance(prepared, requests.PreparedRequest):
        prepared = requests.Session().prepare_request(requests.Request(**{
            k: v for k, v in case.as_transport_kwargs(base_url=product.base_url).items()
            if k in ("method", "url", "headers", "params", "json", "data", "cookies")
        }))
    record = failed_as(record_exchange(product, prepared, None, "normal", started), product,
                       error)
    if record.failure == TransportFailure.NO_ANSWER and was_sent(record.transport_error):
        return _answer_outcome(operation, Status.FAILED,
                               f"Received: no answer ({record.transport_error}) / Documented:"
                               " one of the documented answers", case.id, [record])
    if record.failure == TransportFailure.BUDGET:  # never sent: not tested
        return _answer_outcome(operation, Status.SKIPPED, record.transport_error or "",
                               case.id, [record])
    return _answer_outcome(operation, Status.INCONCLUSIVE,
                           f"not judged: {record.transport_error}", case.id, [record])


class _Answer:
    """The parts of a schemathesis Response that `record_exchange` reads."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = {k: ", ".join(v) for k, v in response.headers.items()}
        self.content = response.content
        self.conformance_cut = was_cut(response)


def _exchange(product: ProductTarget, response, started: float) -> Exchange:
    return record_exchange(product, response.request, _Answer(response), "normal", started)
