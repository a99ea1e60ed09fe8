"""What one judgement of one rule produced: the unit the verdict and every report are built from.

Scenarios and schemathesis checks both emit `Outcome`s; `verdict` folds them into rule statuses;
`report` renders them. Evidence (`Exchange`) is recorded already redacted: a secret never enters
an outcome, so no report can leak one.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # the rule is broken (MUST -> non-conformant, SHOULD -> warning)
    SKIPPED = "skipped"  # the target gave no way to test it (missing data, product not run)
    INCONCLUSIVE = "inconclusive"  # transport failure or environment: nothing was judged


class TransportFailure(StrEnum):
    """Why a request got no judgeable answer: the environment speaking, never the contract."""

    REFUSED = "refused"  # connection refused / host unreachable
    NO_ANSWER = "no-answer"  # read timeout, reset, connection closed without an answer
    TLS = "tls"  # TLS handshake failed
    RATE_LIMITED = "rate-limited"  # 429/503 with Retry-After beyond the wait bound
    CREDENTIALS_REJECTED = "credentials-rejected"  # credentials that had worked now refused
    BUDGET = "budget"  # --max-requests reached: not sent
    OTHER = "other"


# in the message of the unanswered request at which the transport stopped a product
# (`transport.STOP_AFTER_UNANSWERED` in a row), and of every request not sent to it afterwards:
# how `verdict.settle_answers` tells a product that stopped answering from a sporadic silence
STOPPED_ANSWERING = "stopped answering at request"


class SourceKind(StrEnum):
    SCENARIO = "scenario"  # a scripted scenario from specs/scenarios
    CHECK = "check"  # a judge on a generated (schemathesis) case
    # a judge raised: a bug of the suite, never the target's failure. Its outcome is
    # INCONCLUSIVE, its message holds the traceback, and it makes the run inconclusive.
    SUITE_ERROR = "suite-error"


@dataclass
class Exchange:
    """One HTTP request and its answer, secrets already masked, bodies already truncated."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status_code: int | None = None  # None: no answer (refused, timeout, reset)
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    elapsed_ms: float | None = None
    transport_error: str | None = None  # why there is no answer
    # what kind of "no answer" (a `TransportFailure` value) when transport_error is set
    failure: str | None = None
    curl: str | None = None  # reproduces the request; credentials as $ENV_VARS
    sent_at: str | None = None  # when the request was sent, UTC ISO 8601 with milliseconds


# failures of a rule whose request and answer the reports show in full; the rest are counted
EVIDENCE_PER_RULE = 3


@dataclass
class Outcome:
    rule_id: str
    status: Status
    source_kind: SourceKind
    source_id: str  # scenario id, or "<operationId>:<check name>" for a generated-case check
    operation: str  # OpenAPI operationId
    message: str = ""  # "Received: ... / Documented: ..." on failure; the reason when skipped
    exchanges: list[Exchange] = field(default_factory=list)
    case_id: str | None = None  # schemathesis case id or scenario step, for reproduction
    # True when this source could have seen the rule broken: a scenario listing the rule in
    # `breaks`, a generated case whose input breaches it, or any judged answer of a rule about
    # answers. A MUST rule passes only on a breaking-side outcome (see verdict).
    breaking: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The outcome as a dict, exchanges as dicts; their header dicts are shared, not copied
        (dataclasses.asdict deep-copies every header and body: a tenth of a run's time)."""
        data = dict(vars(self))
        data["exchanges"] = [dict(vars(e)) for e in self.exchanges]
        return data
