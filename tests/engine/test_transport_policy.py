"""The transport policy of every session, on a loopback target: pacing measured, the budget
never exceeded, redirects not followed, Retry-After waited out to its bound, bounded bodies."""

import contextlib
import itertools
import subprocess
import sys
import threading
import time

import pytest
from engine_support import json_answer, product_table

from conformance.errors import UsageError
from conformance.exchange import send
from conformance.stopping import STOP
from conformance.target import load_target
from conformance.transport import (
    RunLedger,
    RunLimits,
    configure_run,
    pacing_interval,
    parse_rate,
)

CLOCK_TOLERANCE = 0.0005  # seconds: the server's clock readings, not the pacing


def po_target(write_target, url, extra=""):
    text = product_table("po", url)
    text = text.replace("timeout_seconds = 5\n", f"timeout_seconds = 5\n{extra}")
    return load_target(write_target(text))


def test_rates_are_read_per_second_or_per_minute():
    assert parse_rate("5/s") == 5 and parse_rate("120/min") == 2 and parse_rate("3") == 3
    assert parse_rate(None) is None
    with pytest.raises(UsageError, match="--rate-limit '5 per hour': not a rate — write"):
        parse_rate("5 per hour")
    assert parse_rate("90/min") == 1.5  # whole requests per minute: held in every minute
    # 1.5 in a second is 1 or 2 in a given second: the user says which window it holds in
    with pytest.raises(UsageError, match=r"'1\.5/s': a whole number of requests per second or"
                                         r" minute — e\.g\. 90/min"):
        parse_rate("1.5/s")


def test_the_rate_limit_spaces_requests_on_the_wire(serve, write_target):
    arrivals = []  # taken by the server: the first send's connection set-up is not counted

    def answer(m, p, h, b):
        arrivals.append(time.monotonic())
        return json_answer(200, {})

    server = serve(answer)
    target = po_target(write_target, server.url)
    configure_run(target.products.values(), RunLimits(rate=parse_rate("20/s")))
    for _ in range(8):
        send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(server.requests) == 8
    # never two arrivals closer than 1/20 s (the margin covers the jitter of leaving/arriving)
    assert min(gaps) >= 1 / 20 - CLOCK_TOLERANCE, gaps
    assert arrivals[-1] - arrivals[0] >= 7 / 20


def test_pacing_adds_a_margin_to_one_over_the_rate():
    assert pacing_interval(5) == pytest.approx(0.22)
    assert pacing_interval(2) == pytest.approx(0.55)  # 120/min
    assert pacing_interval(1 / 60) == pytest.approx(60.1)  # at most 0.1 s more


def test_a_pacing_slot_is_taken_when_the_request_leaves_not_booked_ahead():
    """Booked ahead, a request that left late (a sleep overshooting, a busy interpreter)
    left the next one less than the interval after it. Now a request waiting takes nothing."""
    ledger = RunLedger()
    assert ledger.slot("po", 0.2) == 0.0  # leaves now
    first = ledger.slot("po", 0.2)
    second = ledger.slot("po", 0.2)  # asked again: the same wait, nothing was booked
    assert 0.15 < first <= 0.2 and 0.15 < second <= first
    time.sleep(0.25)  # the waiting request is late: it leaves now, the next 0.2 s after it
    assert ledger.slot("po", 0.2) == 0.0
    assert ledger.slot("po", 0.2) > 0.15


def test_a_target_file_rate_limit_applies_and_the_stricter_wins(serve, write_target):
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    target = po_target(write_target, server.url, 'rate_limit = "600/min"\n')
    configure_run(target.products.values(), RunLimits(rate=100.0))
    started = time.monotonic()
    for _ in range(6):
        send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
    assert time.monotonic() - started >= 5 / 10 * 0.95  # 10/s from the file, not 100/s


def test_the_budget_is_never_exceeded_and_the_rest_is_not_sent(serve, write_target):
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    target = po_target(write_target, server.url)
    configure_run(target.products.values(), RunLimits(max_requests=3))
    results = [send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
               for _ in range(5)]
    assert len(server.requests) == 3
    assert [r is None for r, _ in results] == [False, False, False, True, True]
    exchange = results[-1][1]
    assert exchange.failure == "budget"
    assert exchange.transport_error == "not sent: the request budget (--max-requests 3) is spent"


def test_a_per_product_budget_from_the_target_file(serve, write_target):
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    target = po_target(write_target, server.url, "max_requests = 2\n")
    for _ in range(4):
        send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
    assert len(server.requests) == 2


def test_a_redirect_is_the_answer_never_followed(serve, write_target):
    server = serve(lambda m, p, h, b: (302, {"Location": "/Account/Login?ReturnUrl=x"}, b""))
    target = po_target(write_target, server.url)
    response, exchange = send(target.products["po"], "POST", "/service/v1/po/modify",
                              json_body={"a": 1})
    assert response.status_code == 302 and exchange.status_code == 302
    assert exchange.method == "POST" and len(server.requests) == 1
    assert "-X POST" in exchange.curl


def test_429_retry_after_is_waited_out_then_answered(serve, write_target):
    calls = []

    def gateway(m, p, h, b):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, {"Retry-After": "1", "Content-Type": "application/json"}, b'{"x":1}'
        return json_answer(200, {"ok": True})

    target = po_target(write_target, serve(gateway).url)
    response, exchange = send(target.products["po"], "POST", "/service/v1/po/modify",
                              json_body={})
    assert response.status_code == 200 and exchange.status_code == 200
    assert calls[1] - calls[0] >= 0.95


def test_a_retry_after_beyond_the_wait_bound_stops_the_product(serve, write_target):
    """Asked to wait longer than --retry-after-max (default 30 s): not waited, and nothing more
    is sent to the product (it is not to be sent to for longer than the run waits)."""
    server = serve(lambda m, p, h, b: (503, {"Retry-After": "120"}, b""))
    target = po_target(write_target, server.url)
    started = time.monotonic()
    for _ in range(3):
        response, exchange = send(target.products["po"], "POST", "/service/v1/po/modify",
                                  json_body={})
        assert response is None and exchange.failure == "rate-limited"
        assert exchange.transport_error == (
            "rate limited (HTTP 503): asked to wait 120 s, more than --retry-after-max 30 s:"
            " no more requests sent to [po] from request 1 on")
    assert time.monotonic() - started < 2
    assert len(server.requests) == 1


def test_a_retry_after_holds_every_request_to_the_product(serve, write_target):
    """One request answered 429 Retry-After 1: the others, sent meanwhile from other threads,
    do not leave before the second has passed."""
    arrived = []

    def gateway(m, p, h, b):
        arrived.append(time.monotonic())
        if len(arrived) == 1:
            time.sleep(0.2)  # the others are sent while this one is answered
            return 429, {"Retry-After": "1"}, b""
        return json_answer(200, {"ok": True})

    target = po_target(write_target, serve(gateway).url)
    product = target.products["po"]
    first = threading.Thread(target=send, args=(product, "POST", "/service/v1/po/modify"),
                             kwargs={"json_body": {}})
    first.start()
    while not arrived:
        time.sleep(0.01)
    time.sleep(0.3)  # the 429 has been answered
    answered_429 = time.monotonic()
    others = [threading.Thread(target=send, args=(product, "POST", "/service/v1/po/modify"),
                               kwargs={"json_body": {}}) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert len(arrived) == 5
    # the 429 was answered at arrived[0] + 0.2 s; nothing arrived in the second after it
    assert all(t >= arrived[0] + 0.2 + 0.95 for t in arrived[1:]), [
        round(t - arrived[0], 2) for t in arrived]
    assert answered_429 < arrived[0] + 1.0  # the others were sent inside the window


def test_an_unanswered_request_is_sent_once_more(serve, write_target):
    seen = []

    def flaky(m, p, h, b):
        seen.append(p)
        if len(seen) == 1:
            time.sleep(0.6)
        return json_answer(200, {})

    text = product_table("po", serve(flaky).url).replace("timeout_seconds = 5",
                                                         "timeout_seconds = 0.3")
    po = load_target(write_target(text)).products["po"]
    response, _ = send(po, "POST", "/service/v1/po/modify", json_body={})
    assert response.status_code == 200 and len(seen) == 2


def test_after_a_stop_is_asked_for_nothing_more_is_sent(serve, write_target):
    """Ctrl-C or SIGTERM (`STOP`): the next request raises KeyboardInterrupt before it leaves,
    wherever the first interrupt went (a frame that swallowed it included)."""
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    po = po_target(write_target, server.url).products["po"]
    send(po, "POST", "/service/v1/po/modify", json_body={})
    STOP.request("SIGINT")
    try:
        with pytest.raises(KeyboardInterrupt, match="SIGINT"):
            send(po, "POST", "/service/v1/po/modify", json_body={})
    finally:
        STOP.clear()
    assert len(server.requests) == 1


def test_a_body_is_read_up_to_the_bound(serve, write_target):
    big = b'{"x": "' + b"y" * (3 * 1024 * 1024) + b'"}'
    server = serve(lambda m, p, h, b: (200, {"Content-Type": "application/json"}, big))
    target = po_target(write_target, server.url)
    response, exchange = send(target.products["po"], "POST", "/service/v1/po/modify",
                              json_body={})
    assert len(response.content) == 1024 * 1024
    assert exchange.response_body.endswith("[the body went on past 1048576 bytes: not read]")


# ------------------------------------------------------------------ several processes, one run
# What an xdist worker does: its sessions take budget and pacing slots from the run's ledger,
# a file the controller shared. Two such processes start sending at the same moment.
_SENDER = """
import sys, time
from pathlib import Path
from conformance.exchange import send
from conformance.target import load_target
from conformance.transport import RunLedger, RunLimits, configure_run
target_file, ledger, rate, budget, count, ready, go = sys.argv[1:]
target = load_target(Path(target_file))
limits = RunLimits(rate=float(rate) or None, max_requests=int(budget) or None)
configure_run(target.products.values(), limits, RunLedger(Path(ledger)))
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.002)
for _ in range(int(count)):
    send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
"""


def _two_processes(tmp_path, target_file, *, rate=0.0, budget=0, count=4):
    """Two processes sharing one ledger send `count` requests each, started together."""
    ledger = tmp_path / "ledger.json"
    RunLedger().share(ledger)  # the controller's, with nothing sent yet
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    children = [
        subprocess.Popen([sys.executable, "-c", _SENDER, str(target_file), str(ledger),
                          str(rate), str(budget), str(count), str(flag), str(go)])
        for flag in ready
    ]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    assert [child.wait(timeout=60) for child in children] == [0, 0]


def test_processes_sharing_the_run_ledger_are_paced_as_one(serve, write_target, tmp_path):
    """-n 2: the rate holds request by request, not on average (no requests in pairs)."""
    arrivals = []

    def answer(m, p, h, b):
        arrivals.append(time.monotonic())
        return json_answer(200, {})

    target_file = write_target(product_table("po", serve(answer).url))
    _two_processes(tmp_path, target_file, rate=20.0, count=6)
    assert len(arrivals) == 12
    gaps = [b - a for a, b in itertools.pairwise(sorted(arrivals))]
    assert min(gaps) >= 1 / 20 - CLOCK_TOLERANCE, gaps  # whichever process sends
    assert arrivals[-1] - arrivals[0] >= 11 / 20


def test_processes_sharing_the_run_ledger_spend_one_budget_to_the_last_request(
        serve, write_target, tmp_path):
    """-n 2: --max-requests 5 is the run's: 5 sent in all (not 2 + 2), never 6."""
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    target_file = write_target(product_table("po", server.url))
    _two_processes(tmp_path, target_file, budget=5, count=4)
    assert len(server.requests) == 5


def test_a_per_product_budget_holds_for_the_run_not_per_process(serve, write_target, tmp_path):
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    text = product_table("po", server.url).replace("timeout_seconds = 5\n",
                                                   "timeout_seconds = 5\nmax_requests = 3\n")
    _two_processes(tmp_path, write_target(text), count=3)
    assert len(server.requests) == 3


def test_a_product_rate_limiting_three_requests_in_a_row_is_stopped(serve, write_target):
    """Every answer 429 with Retry-After 0: each wait is at least a second (never resent at
    once, which looped without end), and after three requests in a row still limited when
    their wait ran out, nothing more is sent to the product."""
    arrivals = []

    def limited(m, p, h, b):
        arrivals.append(time.monotonic())
        return 429, {"Retry-After": "0"}, b""

    server = serve(limited)
    target = po_target(write_target, server.url)
    configure_run(target.products.values(), RunLimits(retry_after_max=1.0))
    errors = [send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})[1]
              .transport_error for _ in range(5)]
    assert len(server.requests) == 6  # three requests, each sent again after its wait
    assert min(arrivals[i + 1] - arrivals[i] for i in (0, 2, 4)) >= 1.0 - CLOCK_TOLERANCE
    assert errors[2].endswith("; [po] rate limited 3 requests in a row: nothing more is sent"
                              " to it"), errors[2]
    assert errors[3] == errors[4] and errors[3].startswith(
        "not sent: [po] rate limited 3 requests in a row past --retry-after-max, the last"
        " request 6: nothing more was sent to it")


def test_a_product_stopped_in_one_process_is_stopped_in_every_process(serve, write_target,
                                                                       tmp_path):
    """-n 2: a Retry-After beyond --retry-after-max stops the product for the run: the other
    worker (a second target sharing the ledger file) sends nothing more and says why."""
    server = serve(lambda m, p, h, b: (429, {"Retry-After": "600"}, b""))
    ledger = tmp_path / "ledger.json"
    RunLedger().share(ledger)
    workers = [po_target(write_target, server.url) for _ in range(2)]
    for target in workers:
        configure_run(target.products.values(), RunLimits(), RunLedger(ledger))
    first, _ = send(workers[0].products["po"], "POST", "/service/v1/po/modify", json_body={})
    second, exchange = send(workers[1].products["po"], "POST", "/service/v1/po/modify",
                            json_body={})
    assert first is None and second is None and len(server.requests) == 1
    assert exchange.transport_error.startswith("rate limited (HTTP 429): asked to wait 600 s")


def test_credentials_that_worked_in_one_process_and_are_refused_in_another_stop_it(
        serve, write_target, tmp_path, monkeypatch):
    """-n 2: the pre-flight's request (the controller's) was answered, a worker's first request
    gets 401 after the refresh: credentials rejected, not a 401 judged as the contract's."""
    monkeypatch.setenv("T_PO", "po-token-1")
    answers = iter([json_answer(200, {})])
    server = serve(lambda m, p, h, b: next(answers, json_answer(401, {"message": "expired"})))
    ledger = tmp_path / "ledger.json"
    RunLedger().share(ledger)
    bearer = '[po.auth]\ntype = "bearer"\ntoken_env = "T_PO"\n'
    processes = [load_target(write_target(product_table("po", server.url, bearer)))
                 for _ in range(2)]
    for target in processes:
        configure_run(target.products.values(), RunLimits(), RunLedger(ledger))
    first, _ = send(processes[0].products["po"], "POST", "/service/v1/po/modify", json_body={})
    second, exchange = send(processes[1].products["po"], "POST", "/service/v1/po/modify",
                            json_body={})
    assert first.status_code == 200 and second is None
    assert exchange.transport_error.startswith("credentials rejected from request 2 on")


def test_a_worker_sends_nothing_once_the_controller_was_interrupted(serve, write_target,
                                                                    tmp_path):
    """-n 2, `kill PID` reaches the controller only: its note in the run's ledger stops every
    worker at its next request (KeyboardInterrupt, as the signal itself would)."""
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    ledger = tmp_path / "ledger.json"
    RunLedger().share(ledger)
    worker = po_target(write_target, server.url)
    configure_run(worker.products.values(), RunLimits(), RunLedger(ledger))
    send(worker.products["po"], "POST", "/service/v1/po/modify", json_body={})
    RunLedger(ledger).interrupt("SIGTERM")  # the controller's
    try:
        with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
            send(worker.products["po"], "POST", "/service/v1/po/modify", json_body={})
    finally:
        STOP.clear()
    assert len(server.requests) == 1


def test_a_request_over_one_budget_takes_nothing_from_the_other(serve, write_target):
    """A product over its own budget leaves the run's budget to the others."""
    server = serve(lambda m, p, h, b: json_answer(200, {}))
    text = product_table("po", server.url).replace("timeout_seconds = 5\n",
                                                   "timeout_seconds = 5\nmax_requests = 1\n")
    target = load_target(write_target(text))
    configure_run(target.products.values(), RunLimits(max_requests=2))
    for _ in range(3):
        send(target.products["po"], "POST", "/service/v1/po/modify", json_body={})
    ledger = target.products["po"].transport.ledger
    assert len(server.requests) == 1 and ledger.used() == 1 and ledger.used("po") == 1


def test_an_accepted_write_keeps_a_bounded_part_of_its_answer():
    """written.json needs a write's answer only for its GEP errorDetails keys and PO
    processStatus: a 2 MB answer is not held whole until the run ends (a fresh review's run
    against such a target peaked at 1.6 GB)."""
    import requests

    from conformance.transport import WRITE_ANSWER_CHARS, ProductTransport

    transport = ProductTransport("po")
    request = requests.Request("POST", "http://127.0.0.1:1/x", data=b"{}").prepare()
    response = requests.Response()
    response.status_code, response._content = 200, b"x" * (2 * 1024 * 1024)
    transport.accepted(request, response)
    _, writes = transport.drain()
    assert len(writes[0]["answer"]) == WRITE_ANSWER_CHARS < 2 * 1024 * 1024


@pytest.mark.parametrize("answer, cause", [
    (b"GARBAGE\r\n\r\n", "the target answered with something that is not HTTP (no valid status"
                         " line)"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot-gzip!!",
     "the body does not decode as its Content-Encoding says (a broken gzip or deflate stream)"),
], ids=["no-status-line", "broken-gzip"])
def test_an_answer_that_is_not_http_or_does_not_decode_is_named_so(answer, cause):
    """Not "connection closed" or "reset", which sent a reader looking at the network."""
    import socket

    from requests import Session

    from conformance.transport import BoundedAdapter, describe

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def answer_once():
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

        thread = threading.Thread(target=answer_once, daemon=True)
        thread.start()
        session = Session()
        session.mount("http://", BoundedAdapter())
        with pytest.raises(Exception) as raised:
            session.get(f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=5)
        thread.join(timeout=5)
    assert describe(raised.value, 5)[1] == cause


def _answer_with(answer: bytes, connections: list | None = None):
    """A loopback listener answering each connection with `answer` (raw bytes) until closed;
    the connections it accepted are appended to `connections`."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def answer_all():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            if connections is not None:
                connections.append(connection)
            with connection, contextlib.suppress(OSError):  # the client may hang up first
                connection.recv(65536)
                connection.sendall(answer)

    threading.Thread(target=answer_all, daemon=True).start()
    return listener


OVERSIZED_HEADERS = [
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(300))
    + b"Content-Length: 0\r\n\r\n",
]


@pytest.mark.parametrize("answer", OVERSIZED_HEADERS, ids=["200-kB-header-line", "300-headers"])
def test_an_answer_with_headers_beyond_reading_is_named_so_and_not_resent(answer, write_target):
    """http.client gives up past 100 header fields or a 64 KiB line, which requests calls a
    ConnectionError: not "connection closed by the target", and not resent as unanswered."""
    from requests import Session

    from conformance.outcomes import TransportFailure
    from conformance.transport import HEADERS_BEYOND_READING, BoundedAdapter, describe

    connections: list = []
    with _answer_with(answer, connections) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        session = Session()
        session.mount("http://", BoundedAdapter())
        with pytest.raises(Exception) as raised:
            session.get(url + "/", timeout=5)
        assert describe(raised.value, 5) == (TransportFailure.OTHER, HEADERS_BEYOND_READING)
        assert "more than 100 header fields, or a line over 64 KiB" in HEADERS_BEYOND_READING

        connections.clear()
        po = po_target(write_target, url).products["po"]
        response, record = send(po, "POST", "/service/v1/po/modify", json_body={})
        assert response is None
        assert (record.failure, record.transport_error) == ("other", HEADERS_BEYOND_READING)
        assert len(connections) == 1  # sent once: a deterministic answer, not an unanswered one
        assert po.transport.unanswered_in_row == 0
