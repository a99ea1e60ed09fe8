"""`--concurrency N`: up to N requests in flight, with the outcomes of a serial run.

Live targets are latency-bound: one request at a time, a 100 ms sandbox makes the standard
profile's ~1,550 requests last minutes. One pool of N threads sends for the whole run:

- **Scenarios** are started together when the run loop begins. Scenarios that share a record
  key (`conformance.scenarios.records`) form one group and run one after the other in the serial
  order, every step in order; groups run side by side. Each scenario item then reports the
  outcomes its scenario produced, in collection order, so the reports read as a serial run's.
- **Generated cases**: schemathesis and Hypothesis generate on the item's thread, in order (the
  realism pass too: it is seeded per body); each case is handed to the pool as soon as it is
  generated, after the earlier cases naming the same stateful record
  (`records.case_record_keys`: a Smart Materials event), and when generation ends its answers
  are judged on the item's thread in generation order. A case waiting for earlier ones holds no
  pool thread (it is handed to the pool when they are done).
- **Order of items**: with a pool, the fuzz items run before the scenario items, so the main
  thread generates cases while the scenarios (started first, first in the pool's queue) run;
  a scenario item then only collects what its scenario produced. Serial runs keep the
  collection order (scenarios first, so a request budget goes to them first).

Every request still goes through `ProductTarget.session(privilege)`, one session per thread, so
the transport policy of that layer (rate limit, request budget) holds for the pool as a whole.
N = 1 is the serial run, without a pool. Under pytest-xdist each worker runs its own scenario
items one by one (a worker sees its items one at a time) and pools its generated cases.
"""

import contextlib
import random
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from conformance import fuzz
from conformance.outcomes import EVIDENCE_PER_RULE, Outcome
from conformance.scenarios.records import case_record_keys, groups, record_keys


def scenario_outcomes(scenario, run) -> list[Outcome]:
    """One scenario's outcomes; the rng depends on the seed and the scenario only, never on
    the order scenarios run in."""
    from conformance.scenarios import run_scenario

    rng = random.Random(f"{run.seed}:{scenario.id}")
    return run_scenario(scenario, run.target, rng)


class Sender:
    """The run's pool (None when N = 1) and the scenarios started in it."""

    def __init__(self, run, concurrency: int):
        self.run, self.concurrency = run, concurrency
        self._pool = (
            ThreadPoolExecutor(concurrency, thread_name_prefix="conformance-send")
            if concurrency > 1
            else None
        )
        self._scenarios: dict[str, Future] = {}
        self._last_send: dict[str, Future] = {}  # record key -> the latest case naming it
        self._stopped = threading.Event()
        for product in run.target.products.values():
            product.environment()  # read on this (the main) thread, never in the pool
        if self._pool is not None:
            _import_before_threads()

    # ------------------------------------------------------------------ scenarios
    def start_scenarios(self, scenarios: Iterable) -> None:
        """Start every scenario in the pool, record-key groups apart (no-op when serial)."""
        if self._pool is None or self.run.limits.dry_run:  # a dry run plans them, item by item
            return
        products = self.run.target.products

        def keys_of(scenario) -> frozenset[str]:
            product = products.get(scenario.product)
            return record_keys(scenario, product.data if product else None)

        for group in groups(scenarios, keys_of):
            futures = [(s, self._scenarios.setdefault(s.id, Future())) for s in group]
            self._pool.submit(self._run_group, futures)

    def _run_group(self, futures: list[tuple[object, Future]]) -> None:
        for scenario, future in futures:
            if self._stopped.is_set():
                future.cancel()
                continue
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(scenario_outcomes(scenario, self.run))
            except BaseException as error:  # the item re-raises it, as a serial run would
                future.set_exception(error)

    def scenario(self, scenario) -> list[Outcome]:
        """The scenario's outcomes: waited for when it was started in the pool, else run now."""
        future = self._scenarios.get(scenario.id)
        if future is None:
            return scenario_outcomes(scenario, self.run)
        return future.result()

    # ------------------------------------------------------------------ generated cases
    def cases(self, product_name: str) -> "CaseBatch":
        return CaseBatch(self, self.run.target.products[product_name], self.run.seed)

    def submit(self, keys: frozenset[str], send: Callable, *args) -> Future:
        """`send(*args)` in the pool, after every earlier submission sharing one of `keys`
        (those were queued first, so waiting for them cannot deadlock the pool)."""
        if self._pool is None:
            future: Future = Future()
            future.set_result(send(*args))
            return future
        earlier = [self._last_send[k] for k in keys if k in self._last_send]
        future = self._after(earlier, send, *args)
        for key in keys:
            self._last_send[key] = future
        return future

    def _after(self, earlier: list[Future], send: Callable, *args) -> Future:
        """A future of `send(*args)`, handed to the pool once every `earlier` future is done.
        No thread waits meanwhile: a case queued behind others for one record holds no pool
        thread, so a long chain cannot starve the cases that name no record."""
        result: Future = Future()

        def start() -> None:
            try:
                self._pool.submit(_settle, result, send, *args)
            except RuntimeError:  # the pool was shut down (close): the case is dropped
                result.cancel()

        waiting = [f for f in earlier if not f.done()]
        if not waiting:
            start()
            return result
        left, lock = [len(waiting)], threading.Lock()

        def one_done(_: Future) -> None:
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                start()

        for predecessor in waiting:
            predecessor.add_done_callback(one_done)
        return result

    def close(self) -> None:
        """Stop starting scenarios, drop queued sends, wait for those in flight."""
        self._stopped.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _settle(result: Future, send: Callable, *args) -> None:
    if not result.set_running_or_notify_cancel():
        return
    try:
        result.set_result(send(*args))
    except BaseException as error:  # the item re-raises it when it judges the case
        result.set_exception(error)


def _import_before_threads() -> None:
    """What a send thread would import on first use is imported here, on the main thread:
    Hypothesis reads sys.modules while it generates, and an import in a send thread then
    changed it under it ("dictionary changed size during iteration", a suite error in CI).
    Seen importing in send threads: schemathesis' transports (at a case's first call) and the
    codecs of the charsets answers name (encodings.*). Its rate limiter (pyrate_limiter) is
    left to it: imported first, generated cases no longer overlap in the pool."""
    import encodings.aliases
    import importlib

    first_calls = ("schemathesis.transport.asgi", "schemathesis.transport.wsgi")
    codecs = (f"encodings.{name}" for name in sorted(set(encodings.aliases.aliases.values())))
    for module in (*first_calls, *codecs):
        with contextlib.suppress(ImportError, LookupError):  # not on this platform
            importlib.import_module(module)


class CaseBatch:
    """The generated cases of one item: sent through the pool as they come, judged in order.

    A case is judged as soon as it and every case before it have their answers, and its
    answer is let go then: memory holds the cases in flight, not every answer of the item (a
    target answering 1 MiB bodies grew a run to 2.6 GB). Evidence is kept for the first
    `EVIDENCE_PER_RULE` failures of each rule and check; later ones are counted, not kept."""

    def __init__(self, sender: Sender, product, seed: int):
        self.sender, self.product, self.seed = sender, product, seed
        self._sent: deque[tuple[object, list | None, Future]] = deque()
        self._outcomes: list[Outcome] = []
        self._evidence: Counter[tuple[str, str]] = Counter()

    def add(self, case) -> None:
        breaches = fuzz.prepare_case(case, self.product, self.seed)
        operation = str(case.operation.definition.raw.get("operationId"))
        keys = case_record_keys(operation, case.body)
        future = self.sender.submit(keys, fuzz.send_case, case, self.product)
        self._sent.append((case, breaches, future))
        self._judge(wait=False)

    def judged(self) -> list[Outcome]:
        """Every case's outcomes in generation order (waits for the answers)."""
        self._judge(wait=True)
        outcomes, self._outcomes = self._outcomes, []
        return outcomes

    def _judge(self, wait: bool) -> None:
        while self._sent and (wait or self._sent[0][2].done()):
            case, breaches, future = self._sent.popleft()
            for outcome in fuzz.judge_case(case, self.product, future.result(), breaches):
                if outcome.exchanges:
                    key = (outcome.rule_id, outcome.source_id)
                    self._evidence[key] += 1
                    if self._evidence[key] > EVIDENCE_PER_RULE:
                        outcome.exchanges = []
                self._outcomes.append(outcome)
