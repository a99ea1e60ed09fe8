"""Masking of secrets, applied to every Exchange, log line and report before it is written.

Two nets: headers that carry credentials are masked by name whatever their value, and every
known secret value (from the target's environment variables and fetched tokens) is replaced
wherever it appears in text, so a token echoed back in a response body is masked too.
"""

from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

# Header names that carry credentials in any deployment; a target's "header" auth scheme adds
# its own names (userId, appId...) through `credential_headers`.
ALWAYS_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
# A secret shorter than this is not masked inside free text (masking "Y" would mangle every
# body); it is still masked in credential headers.
MIN_SECRET_LENGTH = 4


class Redactor:
    """Masks known secret values and credential headers; cheap to call on every string."""

    def __init__(self, secrets: Iterable[str] = (), credential_headers: Iterable[str] = ()):
        self._secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._headers = ALWAYS_SECRET_HEADERS | {h.lower() for h in credential_headers}

    def text(self, value: str | None) -> str | None:
        """The text with every known secret replaced by the mask."""
        if not value:
            return value
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Credential headers masked by name, every other value masked by content."""
        return {
            name: MASK if name.lower() in self._headers else (self.text(str(value)) or "")
            for name, value in headers.items()
        }

    def data(self, value: Any) -> Any:
        """A JSON-like structure with every string masked (for summary.json)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value
