"""Reading request bodies and writing JSON answers, the same way on every endpoint.

Bad input must get a 4xx, never a 5xx: oversized bodies, undecodable bytes, NaN, nesting deep
enough to exhaust recursion all end as a `BadBody` that the endpoint turns into its own error
shape. Answers are rendered to bytes up front, so headers and body leave in one write.
"""

import json

from starlette.requests import Request
from starlette.responses import Response

MAX_BODY_BYTES = 1_048_576
JSON_MEDIA_TYPE = "application/json; charset=utf-8"


class BadBody(Exception):
    """The body cannot be read as the endpoint's media type; `status` is the 4xx to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def media_type(request: Request) -> str:
    """The request's media type without parameters, lower case ("" when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def is_json_media_type(value: str) -> bool:
    return value in ("application/json", "text/json") or value.endswith("+json")


def is_xml_media_type(value: str) -> bool:
    return value in ("application/xml", "text/xml") or value.endswith("+xml")


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadBody(f"Request body larger than {MAX_BODY_BYTES} bytes", status=413)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise BadBody(f"Request body larger than {MAX_BODY_BYTES} bytes", status=413)
    return bytes(body)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(body: bytes) -> object:
    if not body.strip():
        raise BadBody("Request body is empty")
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise BadBody(f"Malformed JSON: {str(error)[:200]}") from None


async def read_json(request: Request, *, content_type_required: bool = False) -> object:
    """The JSON body; 415 for another declared media type (or none, when one is required)."""
    declared = media_type(request)
    if declared and not is_json_media_type(declared):
        raise BadBody(f"Unsupported Content-Type {declared!r}; use application/json", status=415)
    if not declared and content_type_required:
        raise BadBody("Content-Type application/json is required", status=415)
    return parse_json(await read_body(request))


def json_response(payload: object, status: int, *, media: str = JSON_MEDIA_TYPE,
                  headers: dict[str, str] | None = None) -> Response:
    # ASCII escapes: an echoed lone surrogate (valid in JSON text, not in UTF-8) stays writable
    body = json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Response(body, status_code=status, media_type=media, headers=headers)


class PlantedServerError(Exception):
    """Raised by a planted 5xx fault; the app answers it with `server_error()`."""


def server_error() -> Response:
    """What a planted 5xx fault answers (a real defect would look the same from outside)."""
    return json_response({"message": "An error has occurred."}, 500)
