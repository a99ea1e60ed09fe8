"""Send one request to a product and record it as a redacted `Exchange` with a curl line.

Scenarios and the reachability probe go through `send`; a transport failure (refused, timeout,
reset, TLS, credentials unobtainable) is returned, never raised, because it is the environment
speaking, not the target: the judge makes it inconclusive.
"""

import json
import shlex
import time
from collections.abc import Mapping
from typing import Any

import requests

from conformance.outcomes import Exchange
from conformance.redaction import MASK, Redactor
from conformance.target import ProductTarget
from conformance.transport import BODY_BOUND, describe

MAX_BODY = 64 * 1024


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _text(body: str | bytes | None) -> str | None:
    """A body as text for the record, cut at MAX_BODY."""
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if len(body) > MAX_BODY:
        return body[:MAX_BODY] + f"\n... [{len(body) - MAX_BODY} more characters cut]"
    return body


def curl_line(
    product: ProductTarget,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: str | None,
    privilege: str,
) -> str:
    """A curl command reproducing the request; credentials appear as $ENV_VAR references."""
    credentials = product.curl_headers(privilege)
    lowered = {name.lower() for name in credentials}
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() in lowered or name.lower() in ("content-length", "user-agent"):
            continue
        if name.lower() in ("accept-encoding", "connection") and value in (
            "gzip, deflate",
            "keep-alive",
        ):
            continue
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    for name, shell_value in credentials.items():
        # double quotes so that the shell expands the $ENV_VAR references
        escaped = shell_value.replace("\\", "\\\\").replace("`", "\\`")
        parts += ["-H", f'"{name}: {escaped}"']
    if product.verify is False:
        parts.append("-k")
    elif isinstance(product.verify, str):
        parts += ["--cacert", shlex.quote(product.verify)]
    if isinstance(product.cert, tuple):
        parts += ["--cert", shlex.quote(product.cert[0]), "--key", shlex.quote(product.cert[1])]
    elif product.cert:
        parts += ["--cert", shlex.quote(product.cert)]
    if body is not None:
        parts += ["--data-binary", shlex.quote(body)]
    return " ".join(parts)


def _body(json_body: Any, raw_body: str | bytes | None, content_type: str | None):
    if json_body is not UNSET:
        return json.dumps(json_body).encode("utf-8"), content_type or "application/json"
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8"), content_type
    return raw_body, content_type


def send(
    product: ProductTarget,
    method: str,
    path: str,
    *,
    json_body: Any = UNSET,
    raw_body: str | bytes | None = None,
    content_type: str | None = None,
    accept: str | None = None,
    headers: Mapping[str, str] | None = None,
    privilege: str = "normal",
) -> tuple[requests.Response | None, Exchange]:
    """Send `method path` to the product; transport failure -> (None, Exchange.transport_error)."""
    url = product.base_url + path
    body, media_type = _body(json_body, raw_body, content_type)
    extra = dict(headers or {})
    if media_type:
        extra.setdefault("Content-Type", media_type)
    if accept:
        extra.setdefault("Accept", accept)
    session = product.session(privilege)
    request = requests.Request(method.upper(), url, headers=extra, data=body)
    started = time.perf_counter()
    try:
        response = session.request(
            method.upper(), url, headers=extra, data=body, timeout=product.timeout
        )
    except requests.RequestException as error:
        prepared = session.prepare_request(_without_auth(request))
        record = record_exchange(product, prepared, None, privilege, started)
        failed_as(record, product, error)
        return None, record
    return response, record_exchange(product, response.request, response, privilege, started)


def failed_as(record: Exchange, product: ProductTarget, error: BaseException) -> Exchange:
    """Fill `transport_error` (one line, redacted) and `failure` (a TransportFailure value)."""
    kind, message = describe(error, product.timeout)
    message = message.replace("[PRODUCT.", f"[{product.product}.")
    record.transport_error = product.redactor().text(message)
    record.failure = str(kind)
    return record


def _without_auth(request: requests.Request) -> requests.Request:
    """Preparing with auth could fetch a token again; the record masks credentials anyway."""
    request.auth = lambda r: r
    return request


def describe_transport_error(error: BaseException, timeout: float | None = None) -> str:
    """One line saying why there is no answer (refused, timeout, TLS, credentials...)."""
    return describe(error, timeout)[1]


def _utc(moment: float) -> str:
    """2026-11-29T23:01:02.345Z."""
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
    return f"{whole}.{int(moment % 1 * 1000):03d}Z"


def record_exchange(
    product: ProductTarget,
    request: requests.PreparedRequest,
    response: requests.Response | None,
    privilege: str,
    started: float,
) -> Exchange:
    """The redacted record of one request (and its answer, if any)."""
    redactor: Redactor = product.redactor()
    request_body = _text(request.body)
    request_headers = dict(request.headers)
    record = Exchange(
        sent_at=_utc(time.time() - (time.perf_counter() - started)),
        method=request.method or "",
        url=redactor.text(request.url) or "",
        request_headers=redactor.headers(request_headers),
        request_body=redactor.text(request_body),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        curl=redactor.text(
            curl_line(
                product,
                request.method or "",
                request.url or "",
                request_headers,
                request_body,
                privilege,
            )
        ),
    )
    if response is not None:
        record.status_code = response.status_code
        record.response_headers = redactor.headers(dict(response.headers))
        body = _text(response.content)
        if getattr(response, "conformance_cut", False):
            body = (body or "") + f"\n... [the body went on past {BODY_BOUND} bytes: not read]"
        record.response_body = redactor.text(body)
    return record


__all__ = ["MASK", "UNSET", "describe_transport_error", "failed_as", "record_exchange", "send"]
