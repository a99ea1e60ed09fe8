"""The response-mutating layer: an ASGI app wrapped around the mock, planting one generated mutant.

It lives outside the mock package and knows nothing of the mock's logic: it sees the request
path (to tell the operation, from the specs' path templates) and the answer (status, headers,
body), and changes the answers the mutant names. JSON bodies only; an XML or text answer passes
unchanged except for a `status` mutant. `applied` counts the answers changed, so a mutant the
mock never gave a chance to act (it never answers that status) is told apart from a survivor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from conformance.selftest.mutants import WRONG_MEDIA_TYPE, Mutant, OperationPaths


def _altered(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return f"{value}-altered"
    return None


def _change(kind: str, replacement: Any) -> Callable[[dict, str], bool]:
    """How one property of one object is mutated; False when there was nothing to change."""

    def change(node: dict, key: str) -> bool:
        value = node[key]
        if kind == "remove":
            del node[key]
        elif kind in ("type", "enum"):
            node[key] = replacement
        elif kind == "empty":
            if not isinstance(value, list) or not value:
                return False
            node[key] = []
        elif kind == "echo":
            new = _altered(value)
            if new is None:
                return False
            node[key] = new
        else:
            return False
        return True

    return change


def mutate_document(document: Any, mutant: Mutant) -> bool:
    """Apply a field mutant to a parsed JSON answer in place; True when something changed."""
    change = _change(mutant.kind, mutant.replacement)

    def walk(node: Any, path: tuple[str, ...]) -> bool:
        if isinstance(node, list):
            return any([walk(item, path) for item in node])  # every item, no short cut
        if not isinstance(node, dict) or path[0] not in node:
            return False
        if len(path) == 1:
            return change(node, path[0])
        return walk(node[path[0]], path[1:])

    return bool(mutant.path) and walk(document, mutant.path)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _with_header(headers: list[tuple[bytes, bytes]], name: bytes,
                 value: str) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() != name] + [(name, value.encode("latin-1"))]


class MutatingApp:
    """ASGI app: `app`'s answers, with `mutant` planted in those of its operation and statuses."""

    def __init__(self, app: Any, mutant: Mutant, paths: OperationPaths | None = None) -> None:
        self.app = app
        self.mutant = mutant
        self.paths = paths or OperationPaths.from_specs()
        self.applied = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or (
            self.paths.operation_of(scope.get("path", "")) not in self.mutant.operations
        ):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await self._answer(start, b"".join(chunks), send)
            else:
                await send(message)

        await self.app(scope, receive, capture)

    async def _answer(self, start: dict, body: bytes, send: Any) -> None:
        status, headers = start["status"], list(start.get("headers", []))
        if status in self.mutant.statuses:
            status, headers, body = self._mutated(status, headers, body)
        headers = _with_header(headers, b"content-length", str(len(body)))
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _mutated(self, status: int, headers: list, body: bytes) -> tuple[int, list, bytes]:
        kind = self.mutant.kind
        if kind == "status" and self.mutant.new_status:
            self.applied += 1
            return self.mutant.new_status, headers, body
        if "json" not in _header(headers, b"content-type").lower():
            return status, headers, body
        if kind == "content-type":
            self.applied += 1
            return status, _with_header(headers, b"content-type", WRONG_MEDIA_TYPE), body
        try:
            document = json.loads(body)
        except ValueError:
            return status, headers, body
        if not mutate_document(document, self.mutant):
            return status, headers, body
        self.applied += 1
        return status, headers, json.dumps(document).encode("utf-8")
