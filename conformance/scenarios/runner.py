"""Run one scenario against one target: resolve, send, judge, and say so as `Outcome`s.

Target behaviour never raises: a 5xx fails the operation's NO-SERVER-ERROR rule wherever it
appears, a transport failure makes the rest inconclusive, missing data or a product the target
lacks skips the scenario naming the key that would enable it. A step whose expectations fail
stops the scenario (later steps build on it); their rules are reported inconclusive.
"""

import random
from collections.abc import Callable, Iterable
from typing import Any

from conformance.catalog import ANSWERED_RULE_OF_OPERATION, NO_SERVER_ERROR_RULE, load_rules, routes
from conformance.judges import Answer, Context, apply
from conformance.judges.events import history_key, sent_events, value_events
from conformance.outcomes import Exchange, Outcome, SourceKind, Status, TransportFailure
from conformance.records import mark
from conformance.scenarios import wire
from conformance.scenarios.model import Scenario, Step
from conformance.scenarios.templating import MissingData, Resolver, lookup
from conformance.transport import was_sent

Send = Callable[..., tuple[Any, Exchange]]
# judges that need the sent value of their `fields` to differ from the stored one ("kept"): the
# run marker, the same in every step, would make them hold whatever the target does
FRESH_VALUE_JUDGES = frozenset({"cannot_update"})


def _default_send() -> Send:
    from conformance.exchange import send

    return send


def mark_request(request: wire.WireRequest, operation: str, step: Step, product: Any,
                 adds_no_field: bool = False) -> None:
    """The run marker (the product's transport's) in a free-text field of a JSON or XML body
    (`records.mark`). In a step judging fields kept (a locked event, an approved agreement) it
    goes only where the scenario's other steps put it, and not at all when that is a field the
    step changes: the call then changes nothing but the fields it tests. An event or POR item
    without a free-text field gets one, except in a body sent as written (a documented example,
    a case about fields left out: `Scenario.adds_no_field`) and in a step judging fields kept
    (a field added there would be one more protected field changed)."""
    if request.is_json or request.xml_root:
        transport = getattr(product, "transport", None)
        fresh = [e for e in step.expect if e.judge in FRESH_VALUE_JUDGES]
        judged = {f for e in fresh for f in e.args.get("fields") or ()}
        add = None if adds_no_field or fresh else "absent"
        request.with_body(mark(operation, request.body, getattr(transport, "marker", None),
                               judged=judged, add=add, keep_place=bool(fresh)))


def missing_need(scenario: Scenario, product: Any) -> str | None:
    """The first target file key the scenario needs and the product does not have."""
    for need in scenario.needs:
        if need == "auth" and not product.has_credentials:
            return f"{product.product}.auth"
        if need == "low_privilege_auth" and not product.has_low_privilege:
            return f"{product.product}.low_privilege_auth"
        if need.startswith("data."):
            try:
                lookup(product.data, need.removeprefix("data."), product.product)
            except MissingData as missing:
                return missing.key
    return None


class _Run:
    """The state of one scenario run: outcomes so far, exchanges, events seen."""

    def __init__(self, scenario: Scenario, product: Any, rng: random.Random, send: Send):
        self.scenario, self.product, self.send = scenario, product, send
        # Values of their own per scenario, reproducible from the run's rng: two scenarios
        # never generate the same "unknown" event, whatever seed the run was given.
        own_rng = random.Random(f"{scenario.id}:{rng.getrandbits(64)}")
        self.resolver = Resolver(product.data if product else {}, own_rng, scenario.product)
        self.outcomes: list[Outcome] = []
        self.exchanges: list[Exchange] = []
        self.events_seen: dict[str, dict[str, Any]] = {}

    def outcome(self, rule: str, status: Status, message: str, step: str,
                kind: SourceKind = SourceKind.SCENARIO,
                exchanges: list[Exchange] | None = None) -> None:
        known = load_rules().get(rule)
        self.outcomes.append(Outcome(
            rule_id=rule, status=status, source_kind=kind,
            source_id=self.scenario.id, operation=self.scenario.operation, message=message,
            exchanges=list(self.exchanges if exchanges is None else exchanges),
            case_id=f"{self.scenario.id}:{step}",
            breaking=rule in self.scenario.breaks or bool(known and known.about_answers),
        ))

    def answered(self, exchange: Exchange, step: str) -> None:
        """The operation's "every request gets one of the documented answers" outcome."""
        rule = ANSWERED_RULE_OF_OPERATION[self.scenario.operation]
        if exchange.status_code is not None:
            self.outcome(rule, Status.PASSED, "", step, exchanges=[])
        elif exchange.failure == TransportFailure.BUDGET:  # never sent: not tested
            self.outcome(rule, Status.SKIPPED, exchange.transport_error or "", step,
                         exchanges=[exchange])
        elif exchange.failure == TransportFailure.NO_ANSWER and was_sent(
                exchange.transport_error):
            self.outcome(rule, Status.FAILED,
                         f"Received: no answer ({exchange.transport_error}) / Documented: one of"
                         " the documented answers", step, exchanges=[exchange])
        else:
            self.outcome(rule, Status.INCONCLUSIVE, f"not judged: {exchange.transport_error}",
                         step, exchanges=[exchange])

    def not_judged(self, steps: Iterable[Step], status: Status, message: str) -> None:
        for step in steps:
            for rule in dict.fromkeys(r for e in step.expect for r in e.rules):
                self.outcome(rule, status, message, step.name)

    def request(self, step: Step) -> wire.WireRequest:
        resolved = self.resolver.resolve(step.request)
        params = self.resolver.resolve(wire.path_params(step.request)) \
            if self.scenario.product == "smat" else {}
        request = wire.build(self.scenario.operation, resolved, params)
        mark_request(request, self.scenario.operation, step, self.product,
                     self.scenario.adds_no_field)
        for event in sent_events(request.body) if request.is_json else []:
            seen = self.events_seen.get(history_key(event))
            if "PpeId" not in event and seen and seen.get("PpeId") is not None:
                # send all three keys consistently; an id answered as a numeric string (OData
                # IEEE754Compatible) goes back as the integer the request documents
                ppe_id = seen["PpeId"]
                event["PpeId"] = int(ppe_id) if isinstance(ppe_id, str) and \
                    ppe_id.strip().isdigit() else ppe_id
        return request

    def step(self, step: Step) -> bool:
        """Send one step and judge it; False when the scenario cannot go on."""
        request = self.request(step)
        arguments = [self.resolver.resolve(e.args) for e in step.expect]  # before sending
        response, exchange = self.send(self.product, request.method, request.path,
                                       **request.send_kwargs())
        self.exchanges.append(exchange)
        self.answered(exchange, step.name)
        if response is None:
            return False
        answer = Answer.of(response)
        before = dict(self.events_seen)
        documented = request.method.upper() == routes()[self.scenario.operation].method
        passed, judged = True, set()
        for expectation, args in zip(step.expect, arguments, strict=True):
            ctx = Context(self.scenario.product, self.scenario.operation, answer, request.body,
                          args, before, documented)
            judgement = apply(expectation.judge, ctx)
            kind = SourceKind.SUITE_ERROR if judgement.suite_error else SourceKind.SCENARIO
            for rule in expectation.rules:
                if judgement.status is not Status.SKIPPED:
                    judged.add(rule)
                self.outcome(rule, judgement.status, judgement.message, step.name, kind)
            passed = passed and judgement.status in (Status.PASSED, Status.SKIPPED)
        server_rule = NO_SERVER_ERROR_RULE[self.scenario.product]
        if answer.status >= 500 and server_rule not in judged:
            self.outcome(server_rule, Status.FAILED,
                         f"Received: {answer.brief()} / Documented: no 5xx, however bad the input",
                         step.name)
        for event in value_events(answer.json) or [] if answer.status < 300 else []:
            self.events_seen[history_key(event)] = event
        return passed


def plan_scenario(scenario: Scenario, target: Any, rng: random.Random) -> list[wire.WireRequest]:
    """The requests `run_scenario` sends to a target that answers every step as documented
    (--dry-run): none when the product or its data is missing, up to a step whose data is."""
    product = target.products.get(scenario.product)
    if product is None or missing_need(scenario, product):
        return []
    run = _Run(scenario, product, rng, _default_send())
    planned = []
    for step in scenario.steps:
        try:
            request = run.request(step)
            [run.resolver.resolve(e.args) for e in step.expect]
        except MissingData:
            break
        planned.append(request)
    return planned


def run_scenario(scenario: Scenario, target: Any, rng: random.Random,
                 send: Send | None = None) -> list[Outcome]:
    """One Outcome per rule of each expectation; never raises for target behaviour."""
    product = target.products.get(scenario.product)
    first = scenario.steps[0]
    run = _Run(scenario, product, rng, send or _default_send())
    if product is None:
        run.not_judged(scenario.steps, Status.SKIPPED,
                       f"the target file has no [{scenario.product}] product")
        return run.outcomes
    missing = missing_need(scenario, product)
    if missing:
        run.not_judged(scenario.steps, Status.SKIPPED,
                       f"needs {missing} in the target file ({first.name} not sent)")
        return run.outcomes
    for index, step in enumerate(scenario.steps):
        try:
            went_on = run.step(step)
        except MissingData as missing_key:
            run.not_judged(scenario.steps[index:], Status.SKIPPED,
                           f"needs {missing_key.key} in the target file")
            break
        if not went_on:
            last = run.exchanges[-1]
            later = scenario.steps[index + 1:]
            if last.transport_error:
                # never sent (budget, dry run): not tested; sent but unanswered: inconclusive
                status = Status.SKIPPED if last.failure == "budget" else Status.INCONCLUSIVE
                run.not_judged(scenario.steps[index:], status, last.transport_error)
            else:
                run.not_judged(later, Status.INCONCLUSIVE,
                               f"not judged: {step.name} did not go as expected")
            break
    return run.outcomes

