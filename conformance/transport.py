"""The transport policy every request of a run goes through: safe on a live instance, unshaken by
a hostile one.

`ProductTarget.session(privilege)` returns a `PolicySession`, whose `PolicyAdapter` applies,
per request and per product (`ProductTransport`, thread-safe: items may run concurrently):

- the request budget (`--max-requests` per run, `max_requests` per product in the target file):
  a request over budget is not sent (`BudgetSpent`, reported as not tested);
- pacing (`--rate-limit` / `rate_limit`, e.g. "5/s", "120/min"): a request leaves at least
  1/rate seconds and a margin (`pacing_interval`) after the one before it was written, its slot
  taken once its connection is open, so that no window holds more than the rate at the target,
  the jitter between leaving and arriving included;
- budgets and pacing are the run's, kept in one `RunLedger`: shared through a locked file by
  the processes of an xdist run, so neither holds per process only;
- redirects are never followed: a 3xx is the answer (RFC 9110 § 15.4 lets a client choose);
- a request with no answer (read timeout, reset, connection closed) is sent once more;
- 429, and 503 with Retry-After (RFC 9110 § 10.2.3, RFC 6585 § 4), are waited out up to a bound
  per request (`--retry-after-max`, default 30 s), then `RateLimited`; the wait holds every
  request to that product, whichever thread or process sends it (`RunLedger.hold`), not only
  the one answered 429; a single Retry-After beyond the bound stops the product
  (`RateLimited` from that request on): it is not to be sent to for longer than the run waits,
  and so do `STOP_AFTER_RATE_LIMITED` requests in a row still limited when their wait ran out;
  a Retry-After of 0 (or a moment passed) is waited `MIN_RETRY_AFTER_WAIT`, never resent at once;
- bodies are read up to `BODY_BOUND` bytes (kept for judging); the rest is never read;
- the whole answer (status line, headers, body up to the bound) must have arrived within
  `WHOLE_ANSWER_FACTOR` times the read timeout of the request leaving (`Deadlines`): an answer
  trickled a byte at a time within the read timeout is no answer (`AnswerTooSlow`), not a wait
  without end;
- credentials that worked and are then refused (401 after the auth's one refresh) stop the
  product: `CredentialsRejected` from that request on;
- a product that leaves `STOP_AFTER_UNANSWERED` requests in a row unanswered is not sent to
  any more (`StoppedAnswering`): a dead target ends the run in bounded time.

Every failure is a `requests.RequestException` subclass carrying a `TransportFailure` and a
one-line message (`describe`), so callers that catch `RequestException` keep working.
"""

import contextlib
import email.utils
import heapq
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError as Urllib3DecodeError
from urllib3.exceptions import HTTPError as Urllib3Error

from conformance.errors import UsageError
from conformance.outcomes import STOPPED_ANSWERING, TransportFailure
from conformance.stopping import STOP

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

BODY_BOUND = 1024 * 1024  # bytes of a body kept for judging; the rest is not read
# characters of an accepted write's answer kept until written.json: its GEP errorDetails keys
# and PO processStatus (`records.written_by`) fit many times over; one that does not read is
# taken as writing every record its request names (over-reporting, never hiding, a write)
WRITE_ANSWER_CHARS = 64 * 1024
DEFAULT_RETRY_AFTER_MAX = 30.0  # seconds waited per request, in total, for 429/503 Retry-After
NO_RETRY_AFTER_WAIT = 1.0  # seconds waited on a 429 that names no Retry-After
MIN_RETRY_AFTER_WAIT = 1.0  # seconds waited at least: "Retry-After: 0" resent at once, forever
STOP_AFTER_UNANSWERED = 3  # unanswered requests in a row (each sent twice) stop a product
STOP_AFTER_RATE_LIMITED = 3  # requests in a row rate limited past --retry-after-max stop it
# the whole answer must have arrived within this many times the read timeout (timeout_seconds) of
# the request leaving: the read timeout bounds each wait for a byte, not the answer
WHOLE_ANSWER_FACTOR = 2
# what is added to 1/rate between two requests: a tenth of it, at most PACING_MARGIN_MAX s. The
# slot is taken on the open connection and the next one counted from when the bytes were written
# (`ProductTransport.pace`, `.left`); what remains between writing and arriving still varies by a
# few milliseconds (2 ms measured on loopback under --concurrency 8 and -n 2), and a strict
# gateway counts arrivals: at 5/s no second holds a sixth unless the jitter adds up to 0.1 s
PACING_MARGIN_SHARE = 0.1
PACING_MARGIN_MAX = 0.1
_CHUNK = 64 * 1024


NOT_SENT = "not sent: "  # how the message of a request the policy kept back begins


def was_sent(message: str | None) -> bool:
    """False for a request the policy never sent (budget, --dry-run, a product it stopped)."""
    return not (message or "").startswith(NOT_SENT)


# ------------------------------------------------------------------ failures
class TransportError(requests.RequestException):
    """No judgeable answer; `failure` says what kind, str() is one line."""

    failure = TransportFailure.OTHER

    def __init__(self, message: str, request: requests.PreparedRequest | None = None):
        super().__init__(message, request=request)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BudgetSpent(TransportError):
    failure = TransportFailure.BUDGET


class RateLimited(TransportError):
    failure = TransportFailure.RATE_LIMITED


class CredentialsRejected(TransportError):
    failure = TransportFailure.CREDENTIALS_REJECTED


class StoppedAnswering(TransportError):
    failure = TransportFailure.NO_ANSWER


class Unanswered(TransportError):
    """No answer, also when sent once more."""

    failure = TransportFailure.NO_ANSWER


class AnswerTooSlow(TransportError, requests.exceptions.ReadTimeout):
    """The answer kept coming, each byte within the read timeout, but not whole within the
    whole-answer deadline (`WHOLE_ANSWER_FACTOR`): no answer."""

    failure = TransportFailure.NO_ANSWER


class NotSent(TransportError):
    """--dry-run: the request was recorded in the plan, not sent."""

    failure = TransportFailure.BUDGET


# http.client reads at most 100 header fields and 64 KiB a line (`_MAXHEADERS`, `_MAXLINE`);
# past either it raises, and requests calls that a ConnectionError. The target did answer, the
# same way each time: named so, of kind OTHER (not resent, not counted as unanswered).
HEADERS_BEYOND_READING = (
    "the answer's headers are beyond what the client reads (more than 100 header fields, or a"
    " line over 64 KiB)")


def _headers_beyond_reading(lowered: str) -> bool:
    """http.client's "got more than 65536 bytes when reading header line" or "got more than
    100 headers", in the text of the error that wraps it."""
    return "got more than" in lowered and ("header line" in lowered or " headers" in lowered)


def describe(error: BaseException, timeout: float | None = None) -> tuple[TransportFailure, str]:
    """(kind, one line saying why there is no answer and, where there is one, the fix)."""
    if isinstance(error, TransportError):
        return error.failure, error.message
    text = str(error)
    lowered = text.lower()
    if isinstance(error, requests.exceptions.SSLError):
        if "wrong version number" in lowered or "wrong_version_number" in lowered:
            return TransportFailure.TLS, (
                "the target does not speak TLS on this port — use http:// in base_url"
            )
        if "certificate verify failed" in lowered:
            if "hostname mismatch" in lowered or "doesn't match" in lowered:
                why = "its TLS certificate does not name this host"
            elif "self-signed" in lowered or "self signed" in lowered:
                why = "its TLS certificate is self-signed"
            elif "expired" in lowered:
                why = "its TLS certificate has expired"
            else:
                why = "its TLS certificate is not signed by a trusted CA"
            return TransportFailure.TLS, (
                f"{why} — set [PRODUCT.tls] ca_bundle to the CA file that signed it"
                " (or verify = false on a test instance)"
            )
        reason = re.search(r"\[SSL[^\]]*\] ([^(')\"]+)", text)
        return TransportFailure.TLS, "TLS handshake failed: " + (
            reason.group(1).strip() if reason else "no detail"
        )
    waited = f" within {timeout:g} s" if timeout else ""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return TransportFailure.REFUSED, f"no connection{waited} (connect timeout)"
    if isinstance(error, requests.exceptions.Timeout):
        return TransportFailure.NO_ANSWER, f"no answer{waited} (read timeout)"
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return TransportFailure.OTHER, (
            "the body does not decode as its Content-Encoding says (a broken gzip or deflate"
            " stream)")
    if isinstance(error, requests.exceptions.ConnectionError):
        if _headers_beyond_reading(lowered):
            return TransportFailure.OTHER, HEADERS_BEYOND_READING
        if "badstatusline" in lowered or "illegal status line" in lowered:
            return TransportFailure.NO_ANSWER, (
                "the target answered with something that is not HTTP (no valid status line)")
        if "refused" in lowered:
            return TransportFailure.REFUSED, "connection refused — is the target running there?"
        if "name or service not known" in lowered or "nodename nor servname" in lowered or (
            "name resolution" in lowered
        ):
            return TransportFailure.REFUSED, "the host name does not resolve — check base_url"
        if "unreachable" in lowered:
            return TransportFailure.REFUSED, "network or host unreachable"
        if "reset" in lowered:
            return TransportFailure.NO_ANSWER, "connection reset by the target mid-answer"
        return TransportFailure.NO_ANSWER, "connection closed by the target without a whole answer"
    if isinstance(error, requests.exceptions.ChunkedEncodingError | Urllib3Error):
        if "reset" in lowered:
            return TransportFailure.NO_ANSWER, "connection reset by the target mid-answer"
        return TransportFailure.NO_ANSWER, "connection closed by the target mid-answer"
    errno = re.search(r"\[Errno -?\d+\] ([^'\"()]+)", text)
    if errno:
        return TransportFailure.OTHER, errno.group(1).strip().lower()
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return TransportFailure.OTHER, first[:200]


# ------------------------------------------------------------------ limits and state
def parse_rate(value: str | None, where: str = "--rate-limit") -> float | None:
    """"5/s", "120/min", "2" (per second) -> requests per second; None -> no pacing."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute))?\s*", value)
    rate = float(match.group(1)) if match else 0
    if not match or rate <= 0:
        raise UsageError(
            f"{where} {value!r}: not a rate — write requests per second or minute, e.g. 5/s or"
            " 120/min"
        )
    per_minute = (match.group(2) or "s").startswith("m")
    if not rate.is_integer():  # 1.5 in a second is 1 or 2 in a given second: say which
        raise UsageError(
            f"{where} {value!r}: a whole number of requests per "
            + ("minute" if per_minute else f"second or minute — e.g. {rate * 60:g}/min")
        )
    return rate / 60 if per_minute else rate


class RunLedger:
    """What the run has sent (in all, and per product) and each product's next free slot: the
    request budgets and the pacing of every session of the run, taken together under one lock so
    that a request is admitted by both budgets or by neither.

    In one process the state is in memory. The processes of one run (pytest-xdist workers and
    their controller) share it in a small JSON file (`share`, `RunLedger(path)`), read and
    written under an exclusive lock on the file (`flock`): the budget is the run's, whichever
    worker sends, and no worker stops while some of it is left; the pacing slots are the run's,
    so requests to a product are spaced evenly whichever process sends them (the monotonic
    clock is the machine's, the same in every process)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._state: dict = {"used": 0, "products": {}}
        self._lock = threading.Lock()

    def share(self, path: Path) -> None:
        """Move the state into a file other processes open with `RunLedger(path)`."""
        with self._lock:
            path.write_text(json.dumps(self._state), encoding="utf-8")
            self.path = path

    def _update(self, change: Callable[[dict], Any]) -> Any:
        with self._lock:
            if self.path is None:
                return change(self._state)
            with _locked(self.path) as file:
                file.seek(0)
                before = file.read()
                state = json.loads(before)
                result = change(state)
                file.seek(0)  # one write, padded over the old text: never a truncated file
                file.write(json.dumps(state).ljust(len(before)))
                file.flush()
                return result

    def take(self, product: str, run_limit: int | None, product_limit: int | None) -> str | None:
        """Count one request of `product`; None when admitted, else which budget is spent
        ("run" or "product"): then nothing is counted."""

        def change(state: dict) -> str | None:
            mine = state["products"].setdefault(product, {"used": 0, "next": 0.0})
            if run_limit is not None and state["used"] >= run_limit:
                state["refused"] = state.get("refused", 0) + 1
                return "run"
            if product_limit is not None and mine["used"] >= product_limit:
                state["refused"] = state.get("refused", 0) + 1
                return "product"
            state["used"] += 1
            mine["used"] += 1
            return None

        return self._update(change)

    def slot(self, product: str, interval: float) -> float:
        """The product's pacing: 0.0 when a request may leave now (it is taken: the next may
        leave `interval` seconds from now), else the seconds to wait before asking again
        (nothing taken). Measured when the request leaves, not booked ahead: a request that
        leaves late (a sleep that overshoots, a busy interpreter) moves the next one back, so
        two never leave less than `interval` apart."""

        def change(state: dict) -> float:
            mine = state["products"].setdefault(product, {"used": 0, "next": 0.0})
            now = time.monotonic()
            free = max(mine["next"], mine.get("held", 0.0))
            if now < free:
                return free - now
            mine["next"] = now + interval
            return 0.0

        return self._update(change)

    def hold(self, product: str, seconds: float) -> None:
        """The product asked to be left alone (429/503 Retry-After) for `seconds` from now: no
        request of the run leaves for it before then (`slot`, `held`)."""

        def change(state: dict) -> None:
            mine = state["products"].setdefault(product, {"used": 0, "next": 0.0})
            mine["held"] = max(mine.get("held", 0.0), time.monotonic() + seconds)

        self._update(change)

    def held(self, product: str) -> float:
        """Seconds the product is still held (`hold`), 0.0 when not."""

        def change(state: dict) -> float:
            mine = state["products"].get(product) or {}
            return max(0.0, mine.get("held", 0.0) - time.monotonic())

        return self._update(change)

    def left(self, product: str, interval: float) -> None:
        """A request of the product has left (its bytes written) now: the next may not leave
        before `interval` from now. A process descheduled between taking its slot and writing
        would otherwise let the next request arrive less than `interval` after it."""

        def change(state: dict) -> None:
            mine = state["products"].setdefault(product, {"used": 0, "next": 0.0})
            mine["next"] = max(mine["next"], time.monotonic() + interval)

        self._update(change)

    def note(self, product: str, key: str, value: Any) -> None:
        """A fact about the product every process of the run must know, kept as first noted:
        "stopped" ([kind, message]: nothing more is sent to it, whichever process found it),
        "credentials_worked" (a request with its credentials was answered other than 401)."""

        def change(state: dict) -> None:
            mine = state["products"].setdefault(product, {"used": 0, "next": 0.0})
            mine.setdefault(key, value)

        self._update(change)

    def noted(self, product: str, key: str) -> Any:
        """The fact `note` kept, or None."""
        return self._update(lambda state: (state["products"].get(product) or {}).get(key))

    def interrupt(self, signal_name: str) -> None:
        """Ctrl-C or SIGTERM reached the run's controller: its workers send nothing more
        (`stop_facts`), though the signal reached it alone (`kill PID`)."""

        def change(state: dict) -> None:
            state.setdefault("interrupted", signal_name)

        self._update(change)

    def stop_facts(self, product: str) -> tuple[list | None, str | None]:
        """(the product's stop as `note` kept it, the signal that interrupted the run), each
        None when there is none: one read per request of an xdist worker."""
        return self._update(lambda state: (
            (state["products"].get(product) or {}).get("stopped"), state.get("interrupted")))

    def refused(self) -> int:
        """Requests a budget kept back (`take`), in all."""
        return self._update(lambda state: state.get("refused", 0))

    def used(self, product: str | None = None) -> int:
        """Requests counted so far: the run's, or one product's."""
        state = self._update(lambda state: state)
        if product is None:
            return state["used"]
        return state["products"].get(product, {}).get("used", 0)


@contextlib.contextmanager
def _locked(path: Path):
    """The file, open for reading and writing, under an exclusive lock (blocking)."""
    with open(path, "r+", encoding="utf-8") as file:
        if fcntl is not None:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        else:  # Windows: lock the first byte (LK_LOCK retries for 10 s, then raises)
            msvcrt.locking(file.fileno(), msvcrt.LK_LOCK, 1)
        try:
            yield file
        finally:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_UN)
            else:
                file.seek(0)
                msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)


def pacing_interval(rate: float) -> float:
    """Seconds between two requests to a product at `rate` requests per second: 1/rate and a
    margin for the jitter between a request leaving and arriving (`PACING_MARGIN_SHARE` of
    1/rate, at most `PACING_MARGIN_MAX`): 0.22 s at 5/s, 0.55 s at 120/min."""
    return 1 / rate + min(PACING_MARGIN_SHARE / rate, PACING_MARGIN_MAX)


@dataclass
class RunLimits:
    """What the user set for the whole run (options), shared by every product."""

    rate: float | None = None  # requests per second, per product
    max_requests: int | None = None  # per run
    retry_after_max: float = DEFAULT_RETRY_AFTER_MAX
    dry_run: bool = False
    marker: str | None = None  # the run marker (records.MARKER_PREFIX + run id)


def _text(body) -> str | None:
    if body is None or isinstance(body, str):
        return body
    if isinstance(body, bytes):
        return body[:BODY_BOUND].decode("utf-8", errors="replace")
    return None


class ProductTransport:
    """The transport state of one product: budgets, pacing, counts, whether it is stopped."""

    def __init__(self, product: str, *, rate: float | None = None, max_requests: int | None = None):
        self.product = product
        self.file_rate, self.file_max = rate, max_requests  # from the target file
        self.configure(RunLimits(), RunLedger())

    def configure(self, limits: RunLimits, ledger: RunLedger) -> None:
        """Apply the run's limits: the stricter of the option and the target file wins."""
        rates = [r for r in (limits.rate, self.file_rate) if r]
        self.interval = pacing_interval(min(rates)) if rates else None  # between requests
        self.run_max = limits.max_requests
        self.ledger = ledger  # the run's: budgets and pacing slots of every product
        self.retry_after_max = limits.retry_after_max
        self.dry_run = limits.dry_run
        self.marker: str | None = limits.marker  # written into free-text fields of writes
        self.planned: list[dict] = []  # --dry-run: the requests the run would send
        self.writes: list[dict] = []  # requests a 2xx answer accepted (written.json)
        self.sent = 0
        self.not_sent = 0
        self.unanswered_in_row = 0
        self.limited_in_row = 0  # requests in a row still rate limited when the wait ran out
        self.stopped: TransportError | None = None
        self.credentials_worked = False
        self._lock = threading.Lock()

    # -- before a request
    def admit(self, request: requests.PreparedRequest) -> int:
        """Count one request against the budgets; its number. Raises when not sent. Its pacing
        slot is taken later (`pace`), when its bytes are about to leave."""
        if self.stopped is None and self.ledger.path is not None:  # another process stopped it
            shared, interrupted = self.ledger.stop_facts(self.product)
            if interrupted:  # the controller was stopped: this worker too
                STOP.request(interrupted)
                STOP.check()
            if shared is not None:
                with self._lock:
                    self.stopped = _STOPS[shared[0]](shared[1])
        if self.stopped is not None:
            with self._lock:
                self.not_sent += 1
            raise type(self.stopped)(self.stopped.message, request=request)
        if self.dry_run:
            self.plan({"method": request.method, "url": request.url, "body": _text(request.body)})
            raise NotSent(f"{NOT_SENT}--dry-run", request=request)
        spent = self.ledger.take(self.product, self.run_max, self.file_max)
        if spent is not None:
            with self._lock:
                self.not_sent += 1
            budget = (f"--max-requests {self.run_max}" if spent == "run"
                      else f"[{self.product}] max_requests {self.file_max}")
            raise BudgetSpent(f"{NOT_SENT}the request budget ({budget}) is spent",
                              request=request)
        with self._lock:
            self.sent += 1
            return self.sent

    def pace(self) -> None:
        """Wait for the product's pacing slot and take it (`RunLedger.slot`); called on the
        connection the request goes out on, once it is connected: opening a connection
        after the slot would make this request arrive late and the next one early."""
        while (pause := self.ledger.slot(self.product, self.interval or 0.0)) > 0:
            time.sleep(pause)

    def wait_held(self) -> None:
        """Before a request opens its connection: wait out a Retry-After the product gave to
        any request of the run (`RunLedger.hold`)."""
        while (pause := self.ledger.held(self.product)) > 0:
            time.sleep(pause)

    def hold(self, seconds: float) -> None:
        self.ledger.hold(self.product, seconds)

    def left(self) -> None:
        """The paced request's bytes are written: the next slot is 1/rate from now at the
        earliest (`RunLedger.left`)."""
        if self.interval:
            self.ledger.left(self.product, self.interval)

    def plan(self, entry: dict) -> None:
        with self._lock:
            self.planned.append(entry)

    def drain(self) -> tuple[list[dict], list[dict]]:
        """(planned, writes) recorded since the last drain."""
        with self._lock:
            planned, self.planned = self.planned, []
            writes, self.writes = self.writes, []
            return planned, writes

    # -- after a request
    def accepted(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        """Remember a write the target accepted (2xx to a POST/PUT/PATCH/DELETE)."""
        writes = request.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes and 200 <= response.status_code < 300:
            entry = {"method": request.method, "url": request.url, "body": _text(request.body),
                     "answer": response.text[:WRITE_ANSWER_CHARS] if response.content else ""}
            with self._lock:
                self.writes.append(entry)

    def answered(self) -> None:
        with self._lock:
            self.unanswered_in_row = 0

    def _stops_in_a_row(self, counter: str, limit: int, stop: Callable[[], TransportError]) -> bool:
        """Count one more request in a row (`counter`); True when it is the one that stops the
        product (`stop()` the cause, shared with the run's other processes)."""
        with self._lock:
            count = getattr(self, counter) + 1
            setattr(self, counter, count)
            if count < limit or self.stopped is not None:
                return False
            self._stop_once(stop)
            return True

    def unanswered(self, number: int, message: str) -> str | None:
        """Count a request left unanswered; when it is the one that stops the product, what to
        add to its message (naming the stop)."""
        if self._stops_in_a_row("unanswered_in_row", STOP_AFTER_UNANSWERED, lambda: (
                StoppedAnswering(f"{NOT_SENT}[{self.product}] {STOPPED_ANSWERING} {number}"
                                 f" ({STOP_AFTER_UNANSWERED} in a row: {message})"))):
            return (f"; [{self.product}] {STOPPED_ANSWERING} {number}"
                    f" ({STOP_AFTER_UNANSWERED} in a row): nothing more is sent to it")
        return None

    def rate_limited(self, number: int, message: str) -> str:
        """Count a request the product kept rate limiting past the wait; when it is the one
        that stops the product, what to add to its message (naming the stop)."""
        if self._stops_in_a_row("limited_in_row", STOP_AFTER_RATE_LIMITED, lambda: RateLimited(
                f"{NOT_SENT}[{self.product}] rate limited {STOP_AFTER_RATE_LIMITED} requests in a"
                f" row past --retry-after-max, the last request {number}: nothing more was sent"
                " to it")):
            return (f"; [{self.product}] rate limited {STOP_AFTER_RATE_LIMITED} requests in a"
                    " row: nothing more is sent to it")
        return ""

    def not_rate_limited(self) -> None:
        with self._lock:
            self.limited_in_row = 0

    def rate_stop(self, number: int, pause: float, status: int) -> RateLimited:
        """A Retry-After longer than the run waits (`--retry-after-max`): the product is not
        sent to any more, from this request on."""
        with self._lock:
            return RateLimited(self._stop_once(lambda: RateLimited(
                f"rate limited (HTTP {status}): asked to wait {pause:.0f} s, more than"
                f" --retry-after-max {self.retry_after_max:g} s: no more requests sent to"
                f" [{self.product}] from request {number} on")).message)

    def credentials_refused(self, number: int) -> CredentialsRejected:
        with self._lock:
            return CredentialsRejected(self._stop_once(lambda: CredentialsRejected(
                f"credentials rejected from request {number} on (HTTP 401, also when sent"
                f" once more, fetched again where they are fetched, though they had worked):"
                f" nothing more was sent to [{self.product}]")).message)

    def _stop_once(self, stop: Callable[[], TransportError]) -> TransportError:
        """Under the lock: the product's stop, `stop()` when it had none (shared with the run's
        other processes); the first stop is the one in force."""
        if self.stopped is None:
            self.stopped = stop()
            self._share_stop()
        return self.stopped

    def _share_stop(self) -> None:
        """Tell the run's other processes (xdist workers) that the product is stopped (kept in
        the ledger in memory too: the controller's pre-flight runs before it is shared)."""
        assert self.stopped is not None
        self.ledger.note(self.product, "stopped", [type(self.stopped).__name__,
                                                   self.stopped.message])

    def credentials_have_worked(self) -> bool:
        """Whether a request with the product's credentials was answered other than 401, in
        this process or another of the run (the pre-flight's, in the controller)."""
        if not self.credentials_worked and self.ledger.noted(self.product, "credentials_worked"):
            self.credentials_worked = True
        return self.credentials_worked

    def note_credentials_worked(self) -> None:
        if not self.credentials_worked:
            self.credentials_worked = True
            self.ledger.note(self.product, "credentials_worked", True)


_STOPS: dict[str, type[TransportError]] = {
    kind.__name__: kind for kind in (StoppedAnswering, RateLimited, CredentialsRejected)}


def configure_run(products, limits: RunLimits, ledger: RunLedger | None = None) -> None:
    """Give every product of the run the run's limits and one ledger (budgets, pacing): a new
    one in memory, or `ledger` (an xdist worker's, the file its controller shared)."""
    ledger = ledger if ledger is not None else RunLedger()
    for product in products:
        product.transport.configure(limits, ledger)


def run_ledger(products) -> RunLedger | None:
    """The run's ledger (`configure_run` gave every product the same one), None without
    products."""
    return next((product.transport.ledger for product in products), None)


def share_ledger(products, path: Path) -> None:
    """Move the run's ledger (what the process sent so far included) into `path`, for the
    other processes of the run (`RunLedger(path)`)."""
    ledger = run_ledger(products)
    if ledger is not None:
        ledger.share(path)


# ------------------------------------------------------------------ the adapter and session
def _retry_after(response: requests.Response) -> float | None:
    """Seconds to wait before resending, or None when the answer is not "come back later"."""
    value = response.headers.get("Retry-After")
    if response.status_code not in (429, 503):
        return None
    if value is None:
        return NO_RETRY_AFTER_WAIT if response.status_code == 429 else None
    value = value.strip()
    if value.isdigit():  # 0 (or a moment passed) is waited as a 429 without one: never a loop
        return max(float(value), MIN_RETRY_AFTER_WAIT)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return NO_RETRY_AFTER_WAIT if response.status_code == 429 else None
    return max(MIN_RETRY_AFTER_WAIT, moment.timestamp() - time.time())


# ------------------------------------------------------------------ the whole-answer deadline
class _Watch:
    """One request's deadline: the connection it goes out on registers itself (`watched`), and
    at the deadline the connection's socket is shut, which ends whatever read is waiting on it."""

    def __init__(self, at: float, seconds: float):
        self.at, self.seconds = at, seconds
        self.connection = None
        self.expired = False
        self.done = False
        self._lock = threading.Lock()

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            sock = getattr(self.connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):  # the plain socket's shutdown, under TLS too
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def finish(self) -> bool:
        """The answer is read (or failed): the deadline no longer applies. Whether it had
        passed."""
        with self._lock:
            self.done = True
            return self.expired


class Deadlines:
    """The whole-answer deadlines of the process, kept by one daemon thread (started at the
    first), nearest first."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float) -> _Watch:
        watch = _Watch(time.monotonic() + seconds, seconds)
        with self._changed:
            heapq.heappush(self._heap, (watch.at, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._keep, name="conformance-deadlines",
                                                daemon=True)
                self._thread.start()
            self._changed.notify()
        return watch

    def _keep(self) -> None:
        while True:
            with self._changed:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._changed.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                watch = heapq.heappop(self._heap)[2]
            watch.expire()


DEADLINES = Deadlines()


class _Sending(threading.local):
    """What this thread is sending: its deadline (None: no timeout) and its pacing, which the
    connection it goes out on applies (`_watched_class`), once."""

    watch: _Watch | None = None
    pace: Callable[[], None] | None = None
    left: Callable[[], None] | None = None

    def leave(self, connection) -> Callable[[], None] | None:
        """The request is about to leave on `connection` (connected): its pacing slot now;
        returns what to call once it has left."""
        if self.watch is not None:
            self.watch.connection = connection
        pace, self.pace = self.pace, None
        if pace is None:
            return None
        pace()
        return self.left


_SENDING = _Sending()


def _watched_class(cls: type) -> type:
    """A subclass of a urllib3 connection class on which each request, once the connection is
    open, takes its pacing slot and registers the connection with its deadline."""

    def request(self, *args, **kwargs):
        left = None
        if _SENDING.pace is not None or _SENDING.watch is not None:
            if self.sock is None:  # connect first: the time it takes is not the pacing's
                self.connect()
            left = _SENDING.leave(self)
        try:
            return cls.request(self, *args, **kwargs)
        finally:
            if left is not None:
                left()

    return type(f"Paced{cls.__name__}", (cls,), {"request": request, "_watched": True})


_WATCHED_CLASSES: dict[type, type] = {}


def _watch_connections_of(pool) -> None:
    cls = getattr(pool, "ConnectionCls", None)
    if cls is None or getattr(cls, "_watched", False):
        return
    if cls not in _WATCHED_CLASSES:
        _WATCHED_CLASSES[cls] = _watched_class(cls)
    pool.ConnectionCls = _WATCHED_CLASSES[cls]


def read_bounded(response: requests.Response, bound: int = BODY_BOUND,
                 watch: _Watch | None = None) -> None:
    """Read at most `bound` bytes of a streamed body into `response._content`; a longer body is
    cut there (`response.conformance_cut` True, and on its request) and its connection closed,
    never read whole.
    `watch`: the request's whole-answer deadline; past it, `AnswerTooSlow` (and the connection
    closed, never back in the pool)."""
    try:
        _read_bounded(response, bound)
    except Urllib3Error as error:
        response.close()
        if watch is not None and watch.finish():
            raise _too_slow(watch, response.request) from None
        if isinstance(error, Urllib3DecodeError):  # a body its Content-Encoding does not decode
            raise requests.exceptions.ContentDecodingError(error, request=response.request) \
                from None
        if "timed out" in str(error).lower():
            raise requests.exceptions.ReadTimeout(error, request=response.request) from None
        raise requests.exceptions.ChunkedEncodingError(error, request=response.request) from None
    except BaseException:
        response.close()
        if watch is not None:
            watch.finish()
        raise
    if watch is not None and watch.finish():  # a body read to its end: the end was the shutdown
        response.close()
        raise _too_slow(watch, response.request)
    if response.conformance_cut:  # type: ignore[attr-defined]
        response.close()
    else:
        response.raw.release_conn()


def _too_slow(watch: _Watch, request) -> AnswerTooSlow:
    return AnswerTooSlow(
        f"no whole answer within {watch.seconds:g} s (it came too slowly; an answer must arrive"
        f" whole within {WHOLE_ANSWER_FACTOR} × timeout_seconds)", request=request)


def _read_bounded(response: requests.Response, bound: int) -> None:
    kept = bytearray()
    cut = False
    try:
        for chunk in response.raw.stream(_CHUNK, decode_content=True):
            kept += chunk
            if len(kept) > bound:
                cut = True
                break
    finally:
        response._content = bytes(kept[:bound])
        response._content_consumed = True
        response.conformance_cut = cut  # type: ignore[attr-defined]
        if response.request is not None:  # what a schemathesis Response keeps of the answer
            response.request.conformance_cut = cut  # type: ignore[attr-defined]


class BoundedAdapter(HTTPAdapter):
    """Answers read up to `BODY_BOUND` bytes, and whole within the whole-answer deadline (the
    token requests of an OAuth scheme go through it too)."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return self._send_whole(request, timeout, verify, cert, proxies)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        pool = super().get_connection_with_tls_context(request, verify, proxies=proxies,
                                                       cert=cert)
        _watch_connections_of(pool)  # its connections register with the request's deadline
        return pool

    def _pace(self) -> None:
        """Take a pacing slot: none here (`PolicyAdapter` paces)."""

    def _left(self) -> None:
        """The paced request has left."""

    def _send_whole(self, request, timeout, verify, cert, proxies) -> requests.Response:
        """One send, paced once its connection is open, its answer read (bounded) within the
        whole-answer deadline (none without a read timeout)."""
        STOP.check()  # Ctrl-C or SIGTERM: nothing more leaves, wherever the first interrupt went
        read = _read_timeout(timeout)
        watch = DEADLINES.watch(WHOLE_ANSWER_FACTOR * read) if read else None
        _SENDING.watch, _SENDING.pace, _SENDING.left = watch, self._pace, self._left
        try:
            response = HTTPAdapter.send(self, request, True, timeout, verify, cert, proxies)
        except BaseException as error:
            expired = watch is not None and watch.finish()
            if expired and isinstance(error, requests.ConnectionError | requests.Timeout) and (
                    not isinstance(error, requests.exceptions.ConnectTimeout)):
                raise _too_slow(watch, request) from None
            raise
        finally:
            unpaced = _SENDING.pace  # failed before leaving (no connection): paced all the same
            _SENDING.watch = _SENDING.pace = _SENDING.left = None
            if unpaced is not None:
                unpaced()
        read_bounded(response, watch=watch)
        return response


class PolicyAdapter(BoundedAdapter):
    """The transport policy, under the session: every send (the auth's one resend after a 401
    included) is counted, paced, bounded and resent once when unanswered."""

    def __init__(self, transport: ProductTransport, sleep: Callable[[float], None] = time.sleep):
        super().__init__()
        self.transport, self.sleep = transport, sleep

    def _pace(self) -> None:
        self.transport.pace()

    def _left(self) -> None:
        self.transport.left()

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        waited = 0.0
        resent_unanswered = False
        while True:
            self.transport.wait_held()
            number = self.transport.admit(request)
            request.conformance_number = number  # type: ignore[attr-defined]
            try:
                response = self._send_whole(request, timeout, verify, cert, proxies)
            except (requests.exceptions.SSLError, requests.exceptions.ConnectTimeout):
                raise
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as error:
                kind, message = describe(error, _read_timeout(timeout))
                if kind == TransportFailure.NO_ANSWER and not resent_unanswered:
                    resent_unanswered = True
                    continue
                if message == HEADERS_BEYOND_READING:  # answered, beyond reading: as an answer
                    self.transport.answered()
                    raise
                stop = self.transport.unanswered(number, message) or ""
                if kind == TransportFailure.NO_ANSWER:
                    raise Unanswered(f"{message}, also when sent once more{stop}",
                                     request=request) from None
                raise
            self.transport.answered()
            pause = _retry_after(response)
            if pause is None:
                self.transport.not_rate_limited()
                return response
            if pause > self.transport.retry_after_max and "Retry-After" in response.headers:
                response.close()
                raise self.transport.rate_stop(number, pause, response.status_code)
            # every request to the product waits, not only this one
            self.transport.hold(pause)
            if waited + pause > self.transport.retry_after_max:
                response.close()
                said = response.headers.get("Retry-After")
                after = f" with Retry-After {said}" if said else ""
                message = (
                    f"rate limited: HTTP {response.status_code}{after}; waiting more than"
                    f" {self.transport.retry_after_max:g} s per request (--retry-after-max) was"
                    f" not allowed (waited {waited:g} s)")
                raise RateLimited(message + self.transport.rate_limited(number, message),
                                  request=request)
            response.close()
            self.sleep(pause)
            waited += pause


def _read_timeout(timeout) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


class PolicySession(requests.Session):
    """A requests session that never follows redirects and notices credentials that stopped
    working (a 401 to a credentialed request after the auth's refresh, once such requests had
    been answered otherwise)."""

    def __init__(self, transport: ProductTransport, watch_credentials: bool):
        super().__init__()
        self.transport, self.watch_credentials = transport, watch_credentials
        adapter = PolicyAdapter(transport)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self.max_redirects = 0

    def send(self, request, **kwargs):
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True  # the adapter has read the bounded body already
        response = super().send(request, **kwargs)
        self.transport.accepted(response.request, response)
        if self.watch_credentials:
            if response.status_code == 401 and self.transport.credentials_have_worked():
                number = getattr(response.request, "conformance_number", self.transport.sent)
                raise self.transport.credentials_refused(number)
            if response.status_code != 401:
                self.transport.note_credentials_worked()
        return response

    def resolve_redirects(self, *args, **kwargs):  # never: a 3xx is the answer
        return iter(())


__all__ = [
    "BODY_BOUND",
    "NOT_SENT",
    "AnswerTooSlow",
    "BoundedAdapter",
    "BudgetSpent",
    "CredentialsRejected",
    "NotSent",
    "PolicySession",
    "ProductTransport",
    "RateLimited",
    "RunLedger",
    "RunLimits",
    "StoppedAnswering",
    "TransportError",
    "Unanswered",
    "configure_run",
    "describe",
    "parse_rate",
    "share_ledger",
    "was_sent",
]
