"""How a value is written in a `Received: … / Documented: …` message: JSON notation, always.

A vendor reads the report next to JSON documents, so `["EXT-1"]`, `"N"` and `null`, never
Python's `['EXT-1']`, `'N'` or `None`. Long values are cut around the part that matters.
"""

import json
from typing import Any

LIMIT = 160


LONG_STRING = 80  # a string inside a structure longer than this is abbreviated


def _abbreviated(value: Any) -> Any:
    """Long strings inside lists and objects shortened to their start and their length, so a
    600-character Description does not hide the fields after it."""
    if isinstance(value, dict):
        return {k: _abbreviated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_abbreviated(v) for v in value]
    if isinstance(value, str) and len(value) > LONG_STRING:
        return f"{value[:40]}… ({len(value)} characters)"
    return value


def shown(value: Any, limit: int = LIMIT) -> str:
    """`value` in JSON notation (a string gets its quotes), cut to about `limit` characters;
    inside a list or object, long strings are abbreviated first so every field stays in view."""
    if isinstance(value, dict | list):
        value = _abbreviated(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_body(text: str, limit: int = 300) -> str:
    """An HTTP body for a message: a JSON body as `shown` writes it, any other text as is,
    whitespace collapsed, cut to `limit`."""
    try:
        return shown(json.loads(text), limit)
    except (ValueError, RecursionError):  # not JSON, or JSON too deep or too long to read
        body = " ".join(text.split())
        return body if len(body) <= limit else body[: limit - 1] + "…"
