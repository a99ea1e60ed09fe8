"""A fake product, target and `send` for the runner's tests: scripted answers, recorded requests."""

import json
from dataclasses import dataclass, field
from typing import Any

import requests

from conformance.outcomes import Exchange


@dataclass
class FakeProduct:
    product: str
    data: dict[str, Any]
    has_credentials: bool = True
    has_low_privilege: bool = True
    transport: Any = None  # the run marker, as `transport.marker`


@dataclass
class FakeTarget:
    products: dict[str, FakeProduct]
    name: str = "fake"


def response(status: int, body: Any = None, media: str = "application/json") -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.headers["Content-Type"] = media
    text = body if isinstance(body, str) else json.dumps(body)
    answer._content = text.encode("utf-8")
    answer.encoding = "utf-8"
    return answer


@dataclass
class FakeSend:
    """Answers with `answers` in turn (a callable gets the call's kwargs); records every call."""

    answers: list[Any]
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, product, method, path, **kwargs):
        self.calls.append({"method": method, "path": path, **kwargs})
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if callable(answer):
            answer = answer(kwargs)
        exchange = Exchange(method=method, url=path, request_headers={},
                            request_body=json.dumps(kwargs.get("json_body")))
        if answer is None:
            exchange.transport_error = "connection refused"
            return None, exchange
        exchange.status_code = answer.status_code
        return answer, exchange


GEP_DATA = {"order_numbers": ["O-1", "O-2"], "por_status": "Done", "contact_codes": ["C-1"],
            "interface_status": "ok"}
SMAT_DATA = {"project": "P 1", "discipline": "D'1", "language": "EN", "po_id": 12,
             "existing_event": {"attp_id": 5, "ppe_id": 6, "ppe_code": "E1", "order_seq": 1}}
PO_DATA = {"buyer_id": "B", "currency": "EUR",
           "authorised_po": {"internal_number": "P1", "external_number": "X1"}}
