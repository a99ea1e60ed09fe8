"""The "every request gets one of the documented answers" rule on both sides of the engine:
a scenario step and a generated case, against a server that never answers and a closed port."""

import random
import socket
import threading

import pytest
from engine_support import product_table

from conformance import fuzz
from conformance.outcomes import Status, TransportFailure
from conformance.scenarios import load_scenarios, run_scenario
from conformance.target import load_target


class Silent:
    """Accepts connections on 127.0.0.1 and never answers; stop() closes everything."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self._sock.accept()
            except OSError:
                continue
            self._open.append(connection)

    def stop(self):
        self._stop.set()
        self._thread.join()
        for connection in self._open:
            connection.close()
        self._sock.close()


@pytest.fixture
def silent():
    server = Silent()
    yield server
    server.stop()


def _po(write_target, base_url):
    text = product_table("po", base_url).replace("timeout_seconds = 5", "timeout_seconds = 0.5")
    return load_target(write_target(text), products=["po"])


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_step_without_an_answer_fails_the_answer_rule_with_the_request_as_evidence(
        write_target, silent):
    scenario = next(s for s in load_scenarios() if s.id == "po-modify-of-authorised-po-is-accepted")
    outcomes = run_scenario(scenario, _po(write_target, silent.url), random.Random(0))
    answered = [o for o in outcomes if o.rule_id == "PO-EVERY-REQUEST-ANSWERED"]
    assert [o.status for o in answered] == [Status.FAILED]
    exchange = answered[0].exchanges[0]
    assert exchange.failure == TransportFailure.NO_ANSWER and exchange.sent_at
    assert exchange.curl.startswith(f"curl -sS -X POST {silent.url}/service/v1/po/modify")
    others = {o.status for o in outcomes if o not in answered}
    assert others == {Status.INCONCLUSIVE}  # nothing else judged, nothing else failed


@pytest.mark.parametrize("where", ["silent", "closed"])
def test_a_generated_case_without_an_answer_is_judged_by_the_answer_rule(
        write_target, silent, where):
    target = _po(write_target, silent.url if where == "silent" else _closed_port())
    product = target.products["po"]
    operation = next(iter(fuzz.load_schema(product, "smoke", 0).get_all_operations())).ok()
    outcomes = fuzz.run_case(operation.Case(body={"data": []}, media_type="application/json"),
                             product, 0)
    assert [o.rule_id for o in outcomes] == ["PO-EVERY-REQUEST-ANSWERED"]
    expected = (Status.FAILED, TransportFailure.NO_ANSWER) if where == "silent" else (
        Status.INCONCLUSIVE, TransportFailure.REFUSED)
    assert (outcomes[0].status, outcomes[0].exchanges[0].failure) == expected
    assert "/service/v1/po/modify" in outcomes[0].exchanges[0].curl
