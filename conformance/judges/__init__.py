"""The suite's one set of judges: rule-free predicates over one answer model, looked up by name.

Scenarios (`scenarios.runner`) and generated cases (`fuzz.judging`) call the same judges and
attach the rule id where they call one, so the same answer gets the same judgement whichever
path produced it. A judge reads one `Answer` (bodies read strictly by `judges.body`) and what
was sent, and returns None when the expectation holds, a `Failure(received, documented)`, or
`NotApplicable(reason)` when the answer gives it nothing to judge (the shape of a rejection,
when nothing was rejected): the rule the target did break is judged by its own judge, and is
the only one that fails. The latitude the documents leave a correct target is encoded here,
once. Judges with the same name may differ per product (`rejected` is not the same thing for
GEP and for Smart Materials); whether one applies is decided where it is registered (`only_if`).
`apply` runs one and turns an exception into a suite error, never a target failure.
"""

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element

from conformance.judges.body import NOT_JSON as NOT_JSON
from conformance.judges.body import read_json, read_xml
from conformance.notation import shown_body
from conformance.outcomes import Status


class Failure(NamedTuple):
    received: str
    documented: str


class NotApplicable(NamedTuple):
    reason: str


JSON_TYPES = ("application/json",)
XML_TYPES = ("application/xml", "text/xml")


def is_json_media(media_type: str) -> bool:
    return media_type in JSON_TYPES or media_type.endswith("+json")


def is_xml_media(media_type: str) -> bool:
    return media_type in XML_TYPES or media_type.endswith("+xml")


def _header(headers: Any, name: str) -> str:
    """One header of a requests or a schemathesis response (the latter keeps lists)."""
    value = headers.get(name) or headers.get(name.lower()) or ""
    return str(value[0] if isinstance(value, list | tuple) and value else value or "")


@dataclass
class Answer:
    """The one answer model every judge reads: status, media type, charset and body bytes.

    Built from a scenario's `requests.Response` or a generated case's schemathesis response
    alike (`Answer.of`); bodies are read by `conformance.judges.body`, strictly (RFC 8259 JSON,
    RFC 7303 XML), and the reason a body cannot be read travels with the answer.
    """

    status: int
    content_type: str = ""  # media type, lower case, without parameters
    body: bytes | str = b""
    charset: str | None = None  # the media type's charset parameter, when given
    # the body went on past the transport's read bound: `body` is only its start
    cut: bool = False
    # the readers (JSON, XML) a judge opened: `apply` asks whether one stopped at the cut
    _opened: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.body, str):
            self.body = self.body.encode("utf-8")

    @classmethod
    def of(cls, response: Any) -> "Answer":
        """From a requests.Response or a schemathesis Response (status_code, headers, content)."""
        header = _header(response.headers, "Content-Type")
        media, _, parameters = header.partition(";")
        charset = None
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                # a repeated header reaches us joined by ", ": its first value names the charset
                charset = value.split(",")[0].strip().strip('"').lower() or None
        return cls(response.status_code, media.strip().lower(), response.content or b"", charset,
                   was_cut(response))

    @property
    def content(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else self.body.encode("utf-8")

    @property
    def text(self) -> str:
        """The body as text for reading aloud in a message (never for judging)."""
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # a charset no codec knows: read it as UTF-8 for the message
            return self.content.decode("utf-8", errors="replace")

    @cached_property
    def _json(self):
        return read_json(self.content, self.cut)

    @property
    def json(self) -> Any:
        """The body's JSON value (RFC 8259), or NOT_JSON."""
        self._opened.append(self._json)
        return self._json.value

    @property
    def json_problem(self) -> str | None:
        """Why the body is not JSON (None when it is)."""
        self._opened.append(self._json)
        return self._json.problem

    @cached_property
    def _xml(self):
        return read_xml(self.content, self.charset, self.cut)

    @property
    def xml(self) -> Element | None:
        """The body's XML root element (RFC 7303 decoding, defusedxml), or None."""
        self._opened.append(self._xml)
        return self._xml.value

    @property
    def xml_problem(self) -> str | None:
        self._opened.append(self._xml)
        return self._xml.problem

    @property
    def cut_note(self) -> str:
        """One line saying where the body was cut: at the transport's read bound."""
        return f"the body went on past {_size(len(self.content))}"

    def unjudged(self, opened: list) -> str | None:
        """Why a judge that opened these readers gives no verdict: a cut body well-formed as
        far as it was read (the rest, unread, decides), else None."""
        if self.cut and any(read.unfinished for read in opened):
            return f"{self.cut_note}, well-formed as far as read (the unread rest decides)"
        return None

    def brief(self) -> str:
        media = self.content_type or "(no media type)"
        shown = f"HTTP {self.status} {media} {shown_body(self.text)}"
        read = self._json
        if is_json_media(self.content_type) and self.content.strip() and read.problem:
            shown += f" ({self.cut_note})" if read.unfinished else f" ({read.problem})"
        return shown


def was_cut(response: Any) -> bool:
    """Whether the transport cut the answer's body at its read bound: marked on the response
    (requests) or on its request (what a schemathesis Response keeps of it)."""
    return bool(getattr(response, "conformance_cut", False)
                or getattr(getattr(response, "request", None), "conformance_cut", False))


def _size(count: int) -> str:
    mib = 1024 * 1024
    if count and count % mib == 0:
        return f"{count // mib} MiB ({count} bytes)"
    return f"{count} bytes"


@dataclass
class Context:
    """Everything one judge may look at for one expectation of one step."""

    product: str
    operation: str
    answer: Answer
    sent: Any = None  # the body as sent (resolved); None for a raw body
    args: Mapping[str, Any] = field(default_factory=dict)  # the expectation's resolved arguments
    before: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # events seen earlier
    # False for a method the operation does not document (a generated TRACE probe): such a
    # request may get 405 or 501 (RFC 9110 §15.6.2)
    documented_method: bool = True


Judge = Callable[[Context], Failure | NotApplicable | None]
_JUDGES: dict[tuple[str, str], Judge] = {}
ANY = "*"


def judge(name: str, *products: str, only_if: str | None = None,
          not_on_server_error: bool = False) -> Callable[[Judge], Judge]:
    """Register a judge under `name` for the given products (all products when none given).

    Whether a judge applies is decided here, once, for scenarios and generated cases alike:
    `only_if` names the judge of the same product whose holding makes this one applicable
    ("accepted": the documented form of a success is only asked of an accepted request);
    `not_on_server_error` leaves a 5xx to the no-server-error rule (a server error says
    nothing about whether the input was refused)."""

    def register(function: Judge) -> Judge:
        def judged(ctx: "Context") -> Failure | NotApplicable | None:
            if not_on_server_error and ctx.answer.status >= 500:
                return NotApplicable("a server error: the no-server-error rule judges it")
            if only_if is not None and evaluate(only_if, ctx) is not None:
                return NotApplicable(f"the request was not {only_if}")
            return function(ctx)

        judged.__name__, judged.__module__ = function.__name__, function.__module__
        judged.__doc__ = function.__doc__
        for product in products or (ANY,):
            _JUDGES[(name, product)] = judged
        return function

    return register


def find_judge(name: str, product: str) -> Judge | None:
    _load()
    return _JUDGES.get((name, product)) or _JUDGES.get((name, ANY))


def judge_names() -> set[str]:
    _load()
    return {name for name, _ in _JUDGES}


def evaluate(name: str, ctx: Context) -> Failure | NotApplicable | None:
    """Run one judge; a judge that does not exist for the product is a scenario error."""
    function = find_judge(name, ctx.product)
    if function is None:
        raise LookupError(f"judge {name!r} does not apply to product {ctx.product!r}")
    return function(ctx)


@dataclass(frozen=True)
class Judgement:
    """What one judge said about one answer, as an outcome status and message.

    `suite_error` is set when the judge raised: a bug of the suite (or a scenario naming a
    judge its product lacks), reported INCONCLUSIVE with the traceback, never blamed on the
    target."""

    status: Status
    message: str = ""
    suite_error: bool = False


def apply(name: str, ctx: Context) -> Judgement:
    """Run judge `name` on one answer; the caller attaches the rule id(s). On a body cut at the
    read bound, a judge that read a body well-formed as far as it goes gives no verdict (the
    unread rest decides), and a failure says the body was cut."""
    opened = ctx.answer._opened
    del opened[:]
    try:
        result = evaluate(name, ctx)
    except Exception as error:
        trace = "".join(traceback.format_exception(error)).strip()
        return Judgement(Status.INCONCLUSIVE, f"suite error: judge {name!r} raised "
                         f"{type(error).__name__}: {error}\n{trace}", suite_error=True)
    unjudged = ctx.answer.unjudged(opened)
    if unjudged is not None:  # a judgement the suite could not make: never a clean pass
        return Judgement(Status.INCONCLUSIVE, f"not judged: {unjudged}")
    if isinstance(result, NotApplicable):
        return Judgement(Status.SKIPPED, f"not judged: {result.reason}")
    if result is None:
        return Judgement(Status.PASSED)
    cut = f" ({ctx.answer.cut_note}: judged on the part read)" if ctx.answer.cut else ""
    return Judgement(Status.FAILED,
                     f"Received: {result.received} / Documented: {result.documented}{cut}")


def _load() -> None:
    from conformance.judges import common, gep, po, smat  # noqa: F401  (registers)
