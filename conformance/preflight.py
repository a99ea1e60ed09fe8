"""The pre-flight: before any scenario or generated case, tell a setup mistake from a defect.

Per product, a few documented success calls check that the documented endpoint answers (not
`/`: many services close the connection there) and that the target knows the identifiers of
its target file. Each call is the first request of a scripted scenario the certification sends
anyway (`CHECKS`), run marker included, so the pre-flight writes nothing into the target that
the run would not:

- gep: `por-documented-success-example-is-accepted` (order_numbers[0], por_status),
  `contact-documented-success-example-is-accepted` (contact_codes[0], interface_status),
  `org-valid-entity-manager-is-saved` (entity, manager, currency, structures[0]);
- po: `po-modify-of-authorised-po-is-accepted` (authorised_po; its change is `filler1` only);
- smat: an empty event list `{"PPE": []}` on the PO (nothing to create or update); when the
  target refuses an empty list, the existing event's four identifiers alone (no field value
  changes). The answer's `value` (004 § Success Response) says whether `existing_event` and
  `locked_event` are what the file claims (LockedInd, 004 § Overview).

First of all, every credential source is asked for its credentials (`check_credentials`: an
OAuth token URL, a token command): one that fails is a problem, and nothing is sent at all.

A problem is one line naming the target-file key and the fix. A 404 on every documented path
of a product is one line about the base URL's path prefix. A product that answers nothing
(refused, TLS, no answer) is unreachable: the run is inconclusive (exit 3), not a setup error.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.exchange import send
from conformance.judges import Answer, Context, evaluate
from conformance.outcomes import Exchange, TransportFailure
from conformance.scenarios import wire
from conformance.scenarios.loader import load_scenarios
from conformance.scenarios.runner import mark_request, missing_need
from conformance.scenarios.templating import MissingData, Resolver
from conformance.target import ProductTarget

# product -> (scenario whose first request is the check, the target-file keys it proves, fix)
CHECKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "gep": (
        ("por-documented-success-example-is-accepted", "gep.data.order_numbers[0]",
         "name an order number (and por_status) the instance accepts"),
        ("contact-documented-success-example-is-accepted", "gep.data.contact_codes[0]",
         "name a contact code (and interface_status) the instance accepts"),
        ("org-valid-entity-manager-is-saved",
         "gep.data.entity_codes[0], manager_codes[0], currency_codes[0], structures[0]",
         "name an entity, a manager, a currency and a structure (with its members) the instance"
         " knows"),
    ),
    "po": (
        ("po-modify-of-authorised-po-is-accepted", "po.data.authorised_po",
         "name an existing, authorised PO (internal and external number) and buyer_id"),
    ),
    "smat": (),  # its own calls: see _smat_checks
}
_UNREACHABLE = {TransportFailure.REFUSED, TransportFailure.TLS, TransportFailure.NO_ANSWER}


@dataclass
class ProductCheck:
    """What the pre-flight found for one product."""

    problems: list[str] = field(default_factory=list)  # one line each: key — fix
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why
    exchanges: list[Exchange] = field(default_factory=list)  # every request it sent
    unreachable: str | None = None  # why nothing answered

    def to_dict(self) -> dict[str, Any]:
        return {"problems": self.problems, "notes": self.notes,
                "exchanges": [vars(e) for e in self.exchanges]}


Send = Callable[..., tuple[Any, Exchange]]


class _Probe:
    def __init__(self, product: ProductTarget, send_: Send):
        self.product, self.send, self.result = product, send_, ProductCheck()
        self.statuses: list[int] = []

    def call(self, request: wire.WireRequest) -> Answer | None:
        response, exchange = self.send(self.product, request.method, request.path,
                                       **request.send_kwargs())
        self.result.exchanges.append(exchange)
        if response is None:
            if exchange.failure in _UNREACHABLE and not self.statuses:
                self.result.unreachable = f"{self.product.base_url}: {exchange.transport_error}"
            else:
                self.result.notes.append(f"{request.method} {request.path}: no answer"
                                         f" ({exchange.transport_error})")
            return None
        self.statuses.append(response.status_code)
        return Answer.of(response)

    def setup_problem(self, key: str, answer: Answer) -> str | None:
        """A problem line for answers that mean setup, whatever the call: auth, redirect."""
        name = self.product.product
        if answer.status in (401, 403):
            return (f"{name}.auth: the documented endpoint refused the credentials"
                    f" (HTTP {answer.status}) — check the credentials and their environment"
                    " variables")
        if 300 <= answer.status < 400:
            return (f"{name}.base_url: the documented endpoint answered HTTP {answer.status}"
                    " (a redirect, often to a login page) — check base_url and the credentials")
        return None


def _short(answer: Answer) -> str:
    """HTTP 400 '{"errors": …' — the answer in a few words, for a one-line problem."""
    body = " ".join(answer.text.split())
    return f"HTTP {answer.status} {body[:80]!r}{'…' if len(body) > 80 else ''}"


def _first_request(scenario_id: str, product: ProductTarget, rng: random.Random):
    scenario = next(s for s in load_scenarios() if s.id == scenario_id)
    if missing_need(scenario, product):
        return scenario, None
    resolver = Resolver(product.data, rng, scenario.product)
    try:
        request = wire.build(scenario.operation, resolver.resolve(scenario.steps[0].request), {})
    except MissingData:
        return scenario, None
    mark_request(request, scenario.operation, scenario.steps[0], product,  # as the run does
                 scenario.adds_no_field)
    return scenario, request


def _scenario_checks(probe: _Probe, rng: random.Random) -> None:
    for scenario_id, key, fix in CHECKS[probe.product.product]:
        scenario, request = _first_request(scenario_id, probe.product, rng)
        if request is None:
            probe.result.notes.append(f"{key}: not checked (the target file lacks its data)")
            continue
        answer = probe.call(request)
        if answer is None:
            if probe.result.unreachable:
                return
            continue
        ctx = Context(scenario.product, scenario.operation, answer, request.body)
        if answer.status == 404 or answer.status >= 500:
            continue  # 404: judged with the other paths below; 5xx: the run judges it
        problem = probe.setup_problem(key, answer)
        if problem is None and evaluate("accepted", ctx) is not None:
            problem = f"{key}: the target does not accept it ({_short(answer)}) — {fix}"
        if problem and problem not in probe.result.problems:
            probe.result.problems.append(problem)


def _event_of(events: list, wanted: Mapping[str, Any]) -> dict | None:
    for event in events:
        if isinstance(event, dict) and str(event.get("AttpId")) == str(wanted.get("attp_id")):
            return event
    return None


def _smat_events(probe: _Probe, rng: random.Random) -> tuple[Answer | None, bool]:
    """The PO's events: an empty list first, else the existing event's identifiers alone."""
    data = probe.product.data
    try:
        params = Resolver(data, rng, "smat").resolve(wire.SMAT_PATH_DEFAULTS)
    except MissingData as missing:
        probe.result.notes.append(f"{missing.key}: missing, the PO was not checked")
        return None, False
    request = wire.build("createUpdateProgressPayEvents", {"body": {"PPE": []}}, params)
    answer = probe.call(request)
    if answer is None or not 400 <= answer.status < 500 or answer.status in (401, 403, 404):
        return answer, True
    event = data.get("existing_event")
    if not isinstance(event, Mapping):
        return answer, True
    identifiers = {"AttpId": event.get("attp_id"), "OrderSeq": event.get("order_seq"),
                   "PpeId": event.get("ppe_id"), "PpeCode": event.get("ppe_code")}
    body = {"PPE": [{k: v for k, v in identifiers.items() if v is not None}]}
    return probe.call(wire.build("createUpdateProgressPayEvents", {"body": body}, params)), False


def _smat_checks(probe: _Probe, rng: random.Random) -> None:
    answer, all_events = _smat_events(probe, rng)
    if answer is None or answer.status == 404:
        return
    problem = probe.setup_problem("smat", answer)
    if problem:
        probe.result.problems.append(problem)
        return
    if not 200 <= answer.status < 300:
        if answer.status < 500:
            probe.result.problems.append(
                "smat.data.po_id, existing_event: the target refused them"
                f" ({_short(answer)}) — name an open PO of project/discipline/language"
                " and one of its events")
        return
    body = answer.json
    events = body.get("value") if isinstance(body, dict) else None
    if not isinstance(events, list):
        return  # an answer without `value` is SMAT-ODATA-RESPONSE's to judge
    _judge_events(probe, events, all_events and bool(events))


def _judge_events(probe: _Probe, events: list, complete: bool) -> None:
    data = probe.product.data
    for key, locked in (("existing_event", False), ("locked_event", True)):
        wanted = data.get(key)
        if not isinstance(wanted, Mapping):
            continue
        event = _event_of(events, wanted)
        if event is None:
            if complete:
                probe.result.problems.append(
                    f"smat.data.{key}: the PO has no event with AttpId {wanted.get('attp_id')}"
                    " — name an event of the PO given by po_id")
            else:
                probe.result.notes.append(f"smat.data.{key}: not checked (the answer lists"
                                          " only the events sent)")
            continue
        shown = event.get("LockedInd", "N")
        is_locked = str(shown).upper() == "Y"
        if is_locked != locked:
            state = f"{'locked' if is_locked else 'not locked'} (LockedInd {shown})"
            fix = ("name an event stored with LockedInd Y" if locked
                   else "name an event that is not locked (a locked one belongs in locked_event)")
            probe.result.problems.append(f"smat.data.{key}: AttpId {wanted.get('attp_id')} is"
                                         f" {state} on the target — {fix}")


def check_product(product: ProductTarget, seed: int = 0, send_: Send | None = None
                  ) -> ProductCheck:
    """The pre-flight of one product; never raises for the target's behaviour."""
    probe = _Probe(product, send_ or send)
    rng = random.Random(f"preflight:{seed}")
    if product.product == "smat":
        _smat_checks(probe, rng)
    else:
        _scenario_checks(probe, rng)
    if not probe.result.exchanges and not probe.result.unreachable:
        _reach(probe)
    if probe.statuses and all(status == 404 for status in probe.statuses):
        paths = sorted({e.method + " " + e.url for e in probe.result.exchanges})
        probe.result.problems = [
            f"{product.product}.base_url: every documented path answers 404 ({paths[0]}"
            f"{' …' if len(paths) > 1 else ''}) — check the path prefix of base_url"
            " (the documented paths are appended to it)"
        ]
    return probe.result


def _reach(probe: _Probe) -> None:
    """No check applied: an empty batch on the product's first documented path, to reach it."""
    operation, body = {"gep": ("updateProcessedPorStatus", {"model": []}),
                       "po": ("modifyPurchaseOrder", {"data": []})}.get(
        probe.product.product, (None, None))
    if operation:
        probe.call(wire.build(operation, {"body": body}, {}))


def check_credentials(product: ProductTarget) -> ProductCheck:
    """The product's credentials obtained before anything is sent (tokens from an OAuth token
    URL or a token command; the run then uses them): a problem line per source that fails,
    naming the target-file key, the source, the cause and the fix, never a secret."""
    check = ProductCheck()
    for privilege, key in (("normal", "auth"), ("low", "low_privilege_auth")):
        auth = product.auths.get(privilege)
        for error in auth.obtain() if auth is not None else ():
            line = f"{product.product}.{key}: {error} — {error.fix}"
            check.problems.append(product.redactor().text(line) or line)
    return check


def run(target, seed: int = 0, send_: Send | None = None) -> dict[str, ProductCheck]:
    """The pre-flight of every product of the target, by product name."""
    return {name: check_product(product, seed, send_) for name, product in
            target.products.items()}
