"""The closed vocabulary of expectation judges, one small function each, looked up by name.

A judge reads one answer (and what was sent) and returns None when the expectation holds, a
`Failure(received, documented)`, or `NotApplicable(reason)` when the answer gives it nothing to
judge (the shape or message of a rejection, when nothing was rejected): the rule the target did
break is judged by its own expectation, and is the only one that fails. The latitude the
documents leave a correct target is encoded here, once, so a scenario file never has to spell
it out. Judges with the same name may differ per product (`rejected` is not the same thing for
GEP and for Smart Materials).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import requests

from conformance.notation import shown_body


class Failure(NamedTuple):
    received: str
    documented: str


class NotApplicable(NamedTuple):
    reason: str


NOT_JSON: Any = type("NotJson", (), {"__repr__": lambda self: "NOT_JSON"})()


@dataclass
class Answer:
    """The parts of an HTTP answer a judge looks at."""

    status: int
    content_type: str = ""  # media type, lower case, without parameters
    text: str = ""

    @classmethod
    def of(cls, response: requests.Response) -> "Answer":
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return cls(response.status_code, media, response.text)

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.text) if self.text.strip() else NOT_JSON
        except ValueError:
            return NOT_JSON

    def brief(self) -> str:
        media = self.content_type or "(no media type)"
        return f"HTTP {self.status} {media} {shown_body(self.text)}"


@dataclass
class Context:
    """Everything one judge may look at for one expectation of one step."""

    product: str
    operation: str
    answer: Answer
    sent: Any = None  # the body as sent (resolved); None for a raw body
    args: Mapping[str, Any] = field(default_factory=dict)  # the expectation's resolved arguments
    before: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # events seen earlier


Judge = Callable[[Context], Failure | NotApplicable | None]
_JUDGES: dict[tuple[str, str], Judge] = {}
ANY = "*"


def judge(name: str, *products: str) -> Callable[[Judge], Judge]:
    """Register a judge under `name` for the given products (all products when none given)."""

    def register(function: Judge) -> Judge:
        for product in products or (ANY,):
            _JUDGES[(name, product)] = function
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


def _load() -> None:
    from conformance.scenarios.judges import common, gep, po, smat  # noqa: F401  (registers)
