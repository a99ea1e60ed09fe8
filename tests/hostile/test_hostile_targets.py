"""Hostile targets: each misbehaviour ends in bounded time, with the right verdict, a one-line
cause per affected rule and all three report files; never a stack trace.

The hostile server (hostile_server.py) stands in front of the reference mock, so whatever it
does not spoil is a correct answer. Runs use `--api po --profile smoke` (10 scenarios) and
timeouts of a fraction of a second; a bound on wall time is derived from those timeouts plus
the start-up of a run (`STARTUP`, generous for a loaded 2-core machine).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_server import Forward, Huge, Reply, Reset, Silent, Trickle
from run_helpers import conformance_run, summary_of

from conformance import mock

pytestmark = [pytest.mark.hostile, pytest.mark.slow]
STARTUP = 25.0  # seconds: interpreter, schemathesis import, report writing, on a busy machine
ENV = {**os.environ, **mock.DEMO_CREDENTIALS}
NOT_FOUND = Reply(404, {"Content-Type": "application/json"}, b'{"message":"not found"}')


def api(action):
    """A behaviour that answers GET / like an API (404) and does `action(server, request)` on
    every other request (the pre-flight's documented calls included)."""

    def behave(server, request):
        if request.path == "/":
            return NOT_FOUND
        return action(server, request) if callable(action) else action

    return behave


def run(target, report_dir, *extra):
    started = time.monotonic()
    done = conformance_run("--target", str(target), "--api", "po", "--profile", "smoke",
                           "--seed", "5", "--report-dir", str(report_dir), *extra, env=ENV)
    return done, time.monotonic() - started


def check(done, wall, bound, report_dir, *, verdict, cause, code=None):
    """Bound, verdict (and exit code, the verdict's unless `code`), one-line cause naming
    `cause` for every affected rule, pre-flight problem or product left out, three files."""
    output = done.stdout + done.stderr
    assert wall < bound, f"took {wall:.1f} s, bound {bound:.1f} s"
    assert "Traceback" not in output, output[-3000:]
    for name in ("summary.json", "junit.xml", "report.html"):
        assert (report_dir / name).is_file(), name
    document = summary_of(report_dir)
    assert document["verdict"] == verdict, output[-3000:]
    expected = {"conformant": 0, "non-conformant": 1, "inconclusive": 3}[verdict]
    assert done.returncode == (expected if code is None else code)
    causes = [*document["unreachable"].values(), *document["suite_errors"],
              *(p for c in (document.get("preflight") or {}).values() for p in c["problems"])]
    for rule in document["rules"]:
        if rule["status"] == "inconclusive":
            causes.append(rule["reason"])
        elif rule["status"] == "failed":
            causes.append(rule["failures"][0]["message"])
    if verdict != "conformant":
        assert causes
    for line in causes:
        assert "\n" not in line and len(line) < 600, line
        assert "Errno" not in line and "ConnectionResetError" not in line, line
    if cause:
        assert any(cause in line for line in causes), causes
    return document


def test_connection_refused(tmp_path, target_file):
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done, wall = run(target_file(f"http://127.0.0.1:{port}", 0.5), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="inconclusive", cause="connection refused")


def test_reset_mid_response(tmp_path, hostile, target_file):
    server = hostile(api(Reset()))
    # one request at a time, so the count below is exact (with a pool, those in flight add)
    done, wall = run(target_file(server.url, 0.5), tmp_path, "--concurrency", "1")
    document = check(done, wall, STARTUP, tmp_path, verdict="inconclusive",
                     cause="connection reset by the target")
    # the pre-flight's call, resent once, then the product is left out of the run
    assert len(server.api_requests()) == 2, len(server.api_requests())
    assert "po" in document["unreachable"]
    rule = next(r for r in document["rules"] if r["id"] == "PO-NO-SERVER-ERROR")
    assert rule["status"] == "skipped" and "did not answer" in rule["reason"]


def test_a_response_that_never_comes(tmp_path, hostile, target_file):
    server = hostile(api(Silent()))
    timeout = 0.5
    done, wall = run(target_file(server.url, timeout), tmp_path, "--concurrency", "1")
    # the pre-flight's call unanswered, sent twice, then the product is left out of the run
    check(done, wall, STARTUP + 2 * timeout, tmp_path, verdict="inconclusive",
          cause="no answer within 0.5 s (read timeout), also when sent once more")
    assert len(server.api_requests()) == 2


@pytest.mark.parametrize("head", [False, True], ids=["body", "status-line-and-headers"])
def test_an_answer_trickled_within_the_read_timeout_ends_at_the_whole_answer_deadline(
        tmp_path, hostile, target_file, head):
    """A byte every 0.2 s never trips the 0.5 s read timeout; the whole answer is due within
    2 x 0.5 s: the pre-flight's call, sent twice, is no answer, and the product is left out."""
    server = hostile(api(Trickle(0.2, head=head)))
    timeout = 0.5
    done, wall = run(target_file(server.url, timeout), tmp_path, "--concurrency", "1")
    check(done, wall, STARTUP + 2 * 2 * timeout, tmp_path, verdict="inconclusive",
          cause="no whole answer within 1 s (it came too slowly; an answer must arrive whole"
                " within 2 × timeout_seconds), also when sent once more")
    assert len(server.api_requests()) == 2


def test_answers_trickled_mid_run_stop_the_product_in_bounded_time(tmp_path, hostile, upstream,
                                                                   target_file):
    """The pre-flight is answered, every later request trickled: three unanswered in a row
    (each sent twice, each given 2 x timeout) and nothing more is sent to the product."""
    def first_answered(server, request):
        return Forward() if len(server.api_requests()) == 1 else Trickle(0.2)

    server = hostile(api(first_answered), upstream)
    timeout = 0.5
    done, wall = run(target_file(server.url, timeout), tmp_path, "--concurrency", "1")
    document = check(done, wall, STARTUP + 3 * 2 * 2 * timeout, tmp_path,
                     verdict="inconclusive", cause="no whole answer within 1 s")
    assert len(server.api_requests()) == 1 + 3 * 2
    assert "po" in document["unreachable"]  # "answered no request: 10 requests lost"


@pytest.mark.parametrize("then", [Silent(), Reset(), Trickle(0.2)],
                         ids=["hangs", "resets", "trickles"])
def test_a_target_that_answers_a_while_then_stops_is_lost_not_failed(tmp_path, hostile,
                                                                     upstream, target_file, then):
    """Five requests answered, then every one hung, reset or trickled (mid-run, like a
    connection refused mid-run): the product stopped answering, an environment problem. The run
    is inconclusive naming it, no "every request answered" rule failed, in bounded time: three
    unanswered in a row (each sent twice, each given at most 2 x timeout) per request in flight."""
    concurrency = 2

    def answers_a_while(server, request):
        return Forward() if len(server.api_requests()) <= 5 else then

    server = hostile(api(answers_a_while), upstream)
    timeout = 0.5
    done, wall = run(target_file(server.url, timeout), tmp_path, "--concurrency",
                     str(concurrency))
    document = check(done, wall, STARTUP + concurrency * 3 * 2 * 2 * timeout, tmp_path,
                     verdict="inconclusive", cause="stopped answering at")
    assert document["unreachable"]["po"].startswith("stopped answering at "), document[
        "unreachable"]
    assert "answered requests" in document["unreachable"]["po"]  # it had answered some
    failed = [r["id"] for r in document["rules"] if r["status"] == "failed"]
    assert not [rule for rule in failed if rule.endswith("-EVERY-REQUEST-ANSWERED")], failed
    # after the fifth, three unanswered in a row (sent twice) and those already in flight
    assert len(server.api_requests()) <= 5 + (3 + concurrency) * 2


def test_slow_answers_just_under_the_timeout_are_answers(tmp_path, hostile, upstream,
                                                          target_file):
    server = hostile(api(Forward(delay=0.25)), upstream)
    done, wall = run(target_file(server.url, 0.6), tmp_path)
    count = len(server.api_requests())
    check(done, wall, STARTUP + count * 0.6, tmp_path, verdict="conformant", cause=None)


def test_slow_answers_just_over_the_timeout_are_no_answers(tmp_path, hostile, upstream,
                                                            target_file):
    server = hostile(api(Forward(delay=0.5)), upstream)
    done, wall = run(target_file(server.url, 0.3), tmp_path)
    check(done, wall, STARTUP + 6 * 0.5, tmp_path, verdict="inconclusive",
          cause="no answer within 0.3 s (read timeout)")


def test_5xx_on_everything_fails_with_a_bounded_report(tmp_path, hostile, target_file):
    body = b'{"message":"Internal error","trace":"' + b"at Foo.Bar() " * 400 + b'"}'
    server = hostile(api(Reply(500, {"Content-Type": "application/json"}, body)))
    started = time.monotonic()
    done = conformance_run("--target", str(target_file(server.url, 0.5)), "--api", "po",
                           "--seed", "5", "--report-dir", str(tmp_path), env=ENV)
    wall = time.monotonic() - started
    document = check(done, wall, STARTUP * 2, tmp_path, verdict="non-conformant",
                     cause="500")
    rule = next(r for r in document["rules"] if r["id"] == "PO-NO-SERVER-ERROR")
    assert rule["status"] == "failed" and rule["failure_count"] > len(rule["failures"])
    # every case failed, each with a 5 KB answer: the evidence shown is bounded, the rest counted
    assert (tmp_path / "report.html").stat().st_size < 700_000
    assert (tmp_path / "summary.json").stat().st_size < 400_000


def test_non_json_body_under_a_json_content_type(tmp_path, hostile, upstream, target_file):
    def spoil(reply):
        return Reply(reply.status, {**reply.headers, "Content-Type": "application/json"},
                     b"<html><body>Service temporarily degraded</body></html>")

    server = hostile(api(Forward(transform=spoil)), upstream)
    done, wall = run(target_file(server.url, 0.5), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="non-conformant", cause="Received")


def test_a_50_mb_body_is_read_up_to_a_bound_and_judged(tmp_path, hostile, target_file):
    server = hostile(api(Huge(50 * 1024 * 1024)))
    done, wall = run(target_file(server.url, 2), tmp_path)
    document = check(done, wall, STARTUP, tmp_path, verdict="non-conformant", cause="Received")
    bodies = [e["response_body"] for r in document["rules"] for f in r.get("failures", [])
              for e in f["exchanges"] if e.get("response_body")]
    assert bodies and all(len(b) < 100_000 for b in bodies)
    assert any("went on past 1048576 bytes" in b for b in bodies)


def test_wrong_content_type(tmp_path, hostile, upstream, target_file):
    def relabel(reply):
        return Reply(reply.status, {**reply.headers, "Content-Type": "text/plain"}, reply.body)

    server = hostile(api(Forward(transform=relabel)), upstream)
    done, wall = run(target_file(server.url, 0.5), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="non-conformant", cause="text/plain")


def _every_third_call_429(server, request):
    with server.lock:
        server.calls = getattr(server, "calls", 0) + 1
        calls = server.calls
    if calls % 3 == 0:
        return Reply(429, {"Content-Type": "application/json", "Retry-After": "1"},
                     b'{"statusCode": 429, "message": "Rate limit is exceeded."}')
    return Forward()


def test_429_with_retry_after_is_waited_out(tmp_path, hostile, upstream, target_file):
    """Issue 9 case 4: a gateway answering every third call 429 with its own JSON body."""
    server = hostile(api(_every_third_call_429), upstream)
    done, wall = run(target_file(server.url, 0.5), tmp_path)
    refused = len(server.api_requests()) // 3
    check(done, wall, STARTUP + refused * 1.0, tmp_path, verdict="conformant", cause=None)
    assert refused >= 3


def test_429_that_never_relents_is_inconclusive_naming_the_rate_limit(tmp_path, hostile,
                                                                       target_file):
    limited = Reply(429, {"Content-Type": "application/json", "Retry-After": "1"},
                    b'{"statusCode": 429, "message": "Rate limit is exceeded."}')
    server = hostile(api(limited))
    done, wall = run(target_file(server.url, 0.5), tmp_path, "--retry-after-max", "1")
    check(done, wall, STARTUP + 3 * 1.0, tmp_path, verdict="inconclusive",
          cause="rate limited: HTTP 429 with Retry-After 1")


def test_a_retry_after_holds_every_request_to_the_product(tmp_path, hostile, upstream,
                                                         target_file):
    """The third request answered 429 Retry-After 2, under --concurrency 4, every other answer
    0.3 s late (so that the other threads are mid-request when the 429 leaves, and send again
    within the window unless held): nothing arrives at the product until the two seconds have
    passed, whichever thread sends it. A request already leaving when the 429 is read may arrive
    just after it (`in_flight`, milliseconds on loopback)."""
    wait, in_flight = 2.0, 0.15
    arrivals: list[float] = []
    limited: list[float] = []

    def one_429(server, request):
        with server.lock:
            arrivals.append(time.monotonic())
            if len(arrivals) == 3:
                limited.append(time.monotonic())
                return Reply(429, {"Content-Type": "application/json",
                                   "Retry-After": f"{wait:g}"},
                             b'{"statusCode": 429, "message": "Rate limit is exceeded."}')
        return Forward(delay=0.3)

    server = hostile(api(one_429), upstream)
    done, wall = run(target_file(server.url, 2), tmp_path, "--concurrency", "4")
    check(done, wall, STARTUP + wait + 0.3 * len(arrivals), tmp_path, verdict="conformant",
          cause=None)
    assert limited, "the run sent fewer than 3 requests"
    inside = [round(t - limited[0], 3) for t in arrivals
              if limited[0] + in_flight < t < limited[0] + wait]
    assert not inside, f"arrived inside the Retry-After window (s after the 429): {inside}"
    after = [t for t in arrivals if t >= limited[0] + wait]
    assert len(after) >= 4, [round(t - limited[0], 3) for t in arrivals]  # the run went on


def test_a_retry_after_beyond_the_wait_bound_stops_the_product(tmp_path, hostile, upstream,
                                                               target_file):
    """Six requests answered, then every one 429 Retry-After 60, over the default
    --retry-after-max 30: not waited, and nothing more sent to the product; its remaining rules
    inconclusive, none failed, the run inconclusive (exit 3) naming the cause, quickly."""
    concurrency = 2

    def then_60(server, request):
        if len(server.api_requests()) <= 6:
            return Forward()
        return Reply(429, {"Content-Type": "application/json", "Retry-After": "60"},
                     b'{"statusCode": 429, "message": "Rate limit is exceeded."}')

    server = hostile(api(then_60), upstream)
    done, wall = run(target_file(server.url, 1), tmp_path, "--concurrency", str(concurrency))
    document = check(done, wall, STARTUP, tmp_path, verdict="inconclusive",
                     cause="asked to wait 60 s, more than --retry-after-max 30 s: no more"
                           " requests sent to [po] from request ")
    assert not [r["id"] for r in document["rules"] if r["status"] == "failed"]
    # the first 429 stops the product; only requests already in flight arrive after it
    assert len(server.api_requests()) <= 6 + concurrency


def test_a_redirect_loop_is_an_answer_not_followed(tmp_path, hostile, target_file):
    def loop(server, request):
        return Reply(302, {"Location": request.path})

    server = hostile(api(loop))
    done, wall = run(target_file(server.url, 0.5), tmp_path)
    # a redirect on the documented endpoint itself is a setup problem the pre-flight names
    # (exit 2); its one call is sent once: the 302 is the answer, never followed
    document = check(done, wall, STARTUP, tmp_path, verdict="inconclusive", cause="HTTP 302",
                     code=2)
    assert [r.method for r in server.api_requests()] == ["POST"]
    exchange = document["preflight"]["po"]["exchanges"][-1]
    assert exchange["status_code"] == 302 and exchange["method"] == "POST"


def test_login_redirect_fails_the_auth_rules_with_the_302_as_evidence(tmp_path, hostile,
                                                                       upstream, target_file):
    """Issue 9 case 4: calls without credentials get `302 Location: /Account/Login?...`."""

    def login(server, request):
        if "authorization" not in request.headers:
            return Reply(302, {"Location": "/Account/Login?ReturnUrl=" + request.path,
                               "Content-Type": "text/html"}, b"<html>Object moved</html>")
        if request.path.startswith("/Account/Login"):
            return Reply(200, {"Content-Type": "text/html"}, b"<html>Sign in</html>")
        return Forward()

    server = hostile(api(login), upstream)
    started = time.monotonic()
    done = conformance_run("--target", str(target_file(server.url, 1)), "--api", "po,smat",
                           "--profile", "smoke", "--report-dir", str(tmp_path), env=ENV)
    document = check(done, time.monotonic() - started, STARTUP, tmp_path,
                     verdict="non-conformant", cause="302")
    failed = {r["id"]: r for r in document["rules"] if r["status"] == "failed"}
    assert {"PO-CREDENTIALS-REQUIRED", "SMAT-BEARER-REQUIRED"} <= set(failed)
    for rule_id in ("PO-CREDENTIALS-REQUIRED", "SMAT-BEARER-REQUIRED"):
        exchange = failed[rule_id]["failures"][0]["exchanges"][-1]
        assert exchange["status_code"] == 302 and exchange["method"] == "POST"
        assert "Sign in" not in (exchange["response_body"] or "")
        assert exchange["curl"].startswith("curl -sS -X POST")
    assert not any(r.path.startswith("/Account/Login") for r in server.api_requests())


def _self_signed(tmp_path):
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_tls_with_a_self_signed_certificate(tmp_path, hostile, target_file):
    server = hostile(api(NOT_FOUND), tls=_self_signed(tmp_path))
    reports = tmp_path / "reports"
    done, wall = run(target_file(server.url, 1), reports)
    check(done, wall, STARTUP, reports, verdict="inconclusive",
          cause="self-signed — set [po.tls] ca_bundle")


def test_https_to_a_plain_http_port(tmp_path, hostile, target_file):
    server = hostile(api(NOT_FOUND))
    done, wall = run(target_file(server.url.replace("http:", "https:"), 1), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="inconclusive",
          cause="the target does not speak TLS on this port — use http://")


def _token_server(valid_for: int | None):
    """OAuth2 on the fixture: /token issues tokens; an API call with one is forwarded with the
    mock's own PO token. `valid_for`: API calls a token works for (a fresh one works again);
    None: after the 4th API call no token works any more."""
    issued: dict[str, int] = {}

    def behave(server, request):
        if request.path == "/":
            return NOT_FOUND
        if request.path.startswith("/token"):
            token = f"tok-{len(issued) + 1}"
            issued[token] = 0
            return Reply(200, {"Content-Type": "application/json"},
                         b'{"access_token": "%s", "token_type": "Bearer"}' % token.encode())
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        if given not in issued:
            return Forward()  # no credentials, or the low-privilege ones: the mock judges
        issued[given] += 1
        calls = len(server.api_requests())
        expired = (calls > 4) if valid_for is None else issued[given] > valid_for
        if expired:
            return Reply(401, {"Content-Type": "application/json"}, b'{"message":"expired"}')
        return Forward(headers={
            "Authorization": "Bearer " + mock.DEMO_CREDENTIALS["CONFORMANCE_PO_TOKEN"]})

    return behave


OAUTH = (r'\[\[po.auth\]\]\ntype = "bearer"\ntoken_env = "CONFORMANCE_PO_TOKEN"',
         '[[po.auth]]\ntype = "oauth2-client-credentials"\ntoken_url = "{url}/token"\n'
         'client_id_env = "HOSTILE_CLIENT_ID"\nclient_secret_env = "HOSTILE_CLIENT_SECRET"')


def _oauth_target(target_file, server):
    pattern, replacement = OAUTH
    return target_file(server.url, 1, {pattern: replacement.format(url=server.url)})


def test_a_token_that_expires_is_refreshed(tmp_path, hostile, upstream, target_file,
                                           monkeypatch):
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_ID", "client")
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_SECRET", "secret-of-the-client")
    server = hostile(_token_server(valid_for=3), upstream)
    done, wall = run(_oauth_target(target_file, server), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="conformant", cause=None)
    assert sum(r.path.startswith("/token") for r in server.requests) >= 2


def test_credentials_rejected_mid_run_stop_the_product(tmp_path, hostile, upstream,
                                                       target_file, monkeypatch):
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_ID", "client")
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_SECRET", "secret-of-the-client")
    server = hostile(_token_server(valid_for=None), upstream)
    done, wall = run(_oauth_target(target_file, server), tmp_path)
    check(done, wall, STARTUP, tmp_path, verdict="inconclusive",
          cause="credentials rejected from request")
    document = summary_of(tmp_path)
    assert not [r for r in document["rules"] if r["status"] == "failed"]
    # nothing sent with the credentials after the refused refresh
    assert len(server.api_requests()) <= 4 + 2 + 2  # + one refresh resend, + credential-less


def _closed_port() -> int:
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FAILING_SOURCES = {
    "token-command-exits-1": (
        "po", '[[po.auth]]\ntype = "token-command"\ncommand = ["sh", "-c",'
        ' "echo half-a-secret-token; exit 1"]',
        "po.auth: token command sh -c 'echo half-a-secret-token; exit 1' exited 1 without"
        " printing a token — run the command by hand to see why; nothing was sent"),
    "oauth-token-url-unreachable": (
        "po", '[[po.auth]]\ntype = "oauth2-client-credentials"\n'
              'token_url = "http://127.0.0.1:{port}/token"\nclient_id_env = "HOSTILE_CLIENT_ID"\n'
              'client_secret_env = "HOSTILE_CLIENT_SECRET"',
        "po.auth: the OAuth2 token URL http://127.0.0.1:{port}/token gave no token: connection"
        " refused — check token_url, and that the token service answers from here;"
        " nothing was sent"),
}


@pytest.mark.parametrize("source", sorted(FAILING_SOURCES))
def test_a_failing_credential_source_stops_the_run_before_anything_is_sent(
        tmp_path, hostile, upstream, target_file, monkeypatch, source):
    """A token command exiting 1 or an unreachable token URL: one line naming the source, the
    cause and the fix, exit 2 (a setup problem), nothing sent, no secret, no traceback."""
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_ID", "client")
    monkeypatch.setitem(ENV, "HOSTILE_CLIENT_SECRET", "secret-of-the-client")
    product, scheme, line = FAILING_SOURCES[source]
    port = _closed_port()
    server = hostile(lambda server, request: Forward(), upstream)
    path = target_file(server.url, 1, {
        r'\[\[po.auth\]\]\ntype = "bearer"\ntoken_env = "CONFORMANCE_PO_TOKEN"':
            scheme.format(port=port)})
    done, wall = run(path, tmp_path)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert server.requests == [] and wall < STARTUP
    assert done.stderr.strip().splitlines() == [
        f"conformance: pre-flight [{product}] {line.format(port=port)}"]
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "verdict: INCONCLUSIVE  (exit 2)" in output
    for text in [output, *(f.read_text() for f in tmp_path.iterdir() if f.is_file())]:
        assert "secret-of-the-client" not in text and "half-a-secret-token\n" not in text
    document = summary_of(tmp_path)
    assert document["exit_code"] == 2 and document["preflight"][product]["exchanges"] == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_during_a_run(tmp_path, hostile, upstream, target_file, stop):
    server = hostile(api(Forward(delay=0.3)), upstream)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "run", "--target",
         str(target_file(server.url, 2)), "--api", "po", "--profile", "smoke",
         "--report-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    try:
        while len(server.api_requests()) < 3 and time.monotonic() - started < STARTUP:
            time.sleep(0.05)
        process.send_signal(stop)  # SIGTERM (timeout, a cancelled CI job) stops it as Ctrl-C
        stdout, stderr = process.communicate(timeout=STARTUP)
    finally:
        if process.poll() is None:
            process.kill()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    check(done, time.monotonic() - started, 2 * STARTUP, tmp_path, verdict="inconclusive",
          cause=None)
    document = summary_of(tmp_path)
    assert "interrupted" in document["suite_errors"][0]
    assert document["stopped"] == document["suite_errors"][0]  # named as a stop, not a bug
    assert "STOPPED           interrupted " in stdout and "SUITE ERROR" not in stdout
    assert "KeyboardInterrupt" not in stdout + stderr  # the verdict says it; pytest's block not
    assert stdout.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE")


def test_an_interrupt_a_frame_swallows_still_stops_the_run(tmp_path, hostile, upstream,
                                                           target_file):
    """SIGINT whose KeyboardInterrupt some frame swallows (`swallowing_plugin`, at the third
    item): nothing more is sent, and the run ends stopped, not with a verdict on what ran."""
    server = hostile(api(Forward()), upstream)
    env = {**ENV, "PYTEST_PLUGINS": "swallowing_plugin",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                          os.environ.get("PYTHONPATH", "")])}
    started = time.monotonic()
    done = conformance_run("--target", str(target_file(server.url, 2)), "--api", "po",
                           "--profile", "smoke", "--seed", "5", "--report-dir", str(tmp_path),
                           env=env)
    check(done, time.monotonic() - started, 2 * STARTUP, tmp_path, verdict="inconclusive",
          cause=None)
    document = summary_of(tmp_path)
    assert document["stopped"].startswith("interrupted after "), document["stopped"]
    assert "KeyboardInterrupt" not in done.stdout + done.stderr


@pytest.mark.parametrize("moment, workers", [("sessionfinish", []), ("unconfigure", []),
                                             ("sessionfinish", ["-n", "2"])],
                         ids=["sessionfinish", "unconfigure", "sessionfinish-n2"])
def test_a_signal_after_the_last_item_is_a_stop_the_reports_say(tmp_path, moment, workers):
    """SIGINT once every item ran (`late_signal_plugin`), while the reports are written or just
    after: the reports are whole and say the run was stopped, exit 3 (it went unheard and the
    run exited 0, or the reports were replaced by "nothing was sent")."""
    env = {**ENV, "PYTEST_PLUGINS": "late_signal_plugin", "LATE_SIGNAL_AT": moment,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                          os.environ.get("PYTHONPATH", "")])}
    done = conformance_run("--api", "po", "--profile", "smoke", "--seed", "5",
                           "--report-dir", str(tmp_path), *workers, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 3, output[-3000:]
    assert (tmp_path / "written.json").is_file()
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    document = summary_of(tmp_path)
    assert document["stopped"] == ("interrupted once every item had run, while the reports were"
                                   " written: the results are whole, but the run was stopped")
    assert document["verdict"] == "inconclusive" and document["exit_code"] == 3
    assert document["counts"]["rules"]["passed"] > 10  # the results are kept
    for name in ("junit.xml", "report.html"):  # rendered again from that summary
        assert "but the run was stopped" in (tmp_path / name).read_text(), name
    assert done.stdout.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE  (exit 3)")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("moment", ["mock-starting", "pytest-loading"])
def test_sigint_early_in_a_run_ends_the_documented_way(tmp_path, moment):
    """Ctrl-C while the embedded mock's process starts, or right after the seed line while
    pytest loads: the three reports, `stopped` naming it, the verdict last, exit 3; no
    traceback, and the mock's process gone."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "run", "--api", "po", "--profile", "smoke",
         "--seed", "5", "--report-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    try:
        if moment == "mock-starting":
            while not _children(process.pid) and time.monotonic() - started < STARTUP:
                time.sleep(0.005)
            mock_pid = _children(process.pid)[0]
            seen = []
        else:
            seen = [process.stdout.readline(), process.stdout.readline()]
            assert seen[-1].startswith("conformance: seed 5"), seen
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=STARTUP)
    finally:
        if process.poll() is None:
            process.kill()
    stdout = "".join(seen) + stdout
    output = stdout + stderr
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
    assert process.returncode == 3, output[-3000:]
    assert stdout.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE  (exit 3)")
    document = summary_of(tmp_path)
    before = "interrupted before the run started: nothing was sent"
    starting = "interrupted while the run was starting, before its first item"
    # right after the seed line pytest may not have started yet: either early stop, both true
    expected = {"mock-starting": {before}, "pytest-loading": {before, starting}}
    assert document["stopped"] in expected[moment]
    assert f"  STOPPED           {document['stopped']}" in stdout
    assert (tmp_path / "written.json").is_file()  # what it wrote: every stopped run names it
    if moment == "mock-starting":  # the child the run started is stopped with it
        deadline = time.monotonic() + 10
        while Path(f"/proc/{mock_pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{mock_pid}").exists()
