"""A fuzz item's cases are judged as their answers come, in order, and evidence is bounded:
memory holds the cases in flight, not every answer of the item."""

from concurrent.futures import Future
from types import SimpleNamespace

from conformance.outcomes import EVIDENCE_PER_RULE, Exchange, Outcome, SourceKind, Status
from conformance.suite import concurrency


class _Sender:
    def __init__(self):
        self.pending: list[Future] = []

    def submit(self, keys, send, *args):
        future: Future = Future()
        self.pending.append(future)
        return future


def _case(n: int):
    definition = SimpleNamespace(raw={"operationId": "modifyPurchaseOrder"})
    return SimpleNamespace(n=n, body={}, operation=SimpleNamespace(definition=definition))


def _failed(case, product, sent, breaches):
    exchange = Exchange("POST", "http://127.0.0.1:1/x", {}, None, status_code=500)
    return [Outcome("PO-NO-SERVER-ERROR", Status.FAILED, SourceKind.CHECK,
                    "modifyPurchaseOrder:no_server_error", "modifyPurchaseOrder",
                    exchanges=[exchange], case_id=str(case.n))]


def test_cases_are_judged_as_answers_come_and_evidence_is_kept_for_the_first_only(monkeypatch):
    monkeypatch.setattr(concurrency.fuzz, "prepare_case", lambda case, product, seed: [])
    monkeypatch.setattr(concurrency.fuzz, "judge_case", _failed)
    monkeypatch.setattr(concurrency, "case_record_keys", lambda operation, body: ())
    sender = _Sender()
    batch = concurrency.CaseBatch(sender, SimpleNamespace(), seed=1)
    batch.add(_case(0))
    batch.add(_case(1))
    sender.pending[1].set_result("answer 1")
    batch.add(_case(2))
    assert len(batch._sent) == 3  # case 0 has no answer yet: none is judged out of order
    sender.pending[0].set_result("answer 0")
    batch.add(_case(3))
    assert len(batch._sent) == 2  # 0 and 1 judged, their answers let go
    for n in range(4, 10):
        batch.add(_case(n))
    for future in sender.pending:
        if not future.done():
            future.set_result("answer")
    outcomes = batch.judged()
    assert [o.case_id for o in outcomes] == [str(n) for n in range(10)]
    assert [bool(o.exchanges) for o in outcomes] == \
        [True] * EVIDENCE_PER_RULE + [False] * (10 - EVIDENCE_PER_RULE)
    assert not batch._sent
