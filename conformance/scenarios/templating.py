"""Placeholders in scenario requests, resolved from the target's data and from the run's rng.

A scenario never carries an identifier of its own: `{{data.order_numbers[0]}}` takes it from the
target file, `{{unknown.NAME}}` makes one that the target cannot know. Within one run of one
scenario the same placeholder always gives the same value, so later steps and expectations can
refer to what an earlier step sent.

Vocabulary (a whole-string placeholder keeps the value's type; inside text it is formatted):
  {{data.PATH}}            PATH like structures[1].org_entities[0].entity_code
  {{unknown}} / {{unknown.NAME}} / {{unknown.NAME:N}}
                           a string nobody knows: ZZ-UNKNOWN-<hex>, or exactly N characters
  {{unknown_int.NAME}} / {{unknown_int.NAME:N}}
                           an integer nobody knows, N digits (13 by default), first digit 9
  {{text:N}}               filler text of exactly N characters (for maximum-length rules)
  {{outsider.N.FIELD}}     FIELD (entity_code, entity_type, lob_entity_code) of an org entity
                           of another structure that is no member of structures[N]; skipped,
                           naming why, when the target's structures have none (they overlap)
"""

import random
import re
import string
from collections.abc import Mapping
from typing import Any

from conformance.target_data import outsider

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_ALPHABET = string.ascii_uppercase + string.digits


class MissingData(LookupError):
    """A placeholder names target data the target file does not have."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def parse_path(path: str) -> list[str | int]:
    """`a.b[1].c` -> ["a", "b", 1, "c"]; raises ValueError on anything else."""
    parts: list[str | int] = []
    position = 0
    while position < len(path):
        match = _PATH_PART.match(path, position)
        if not match or match.end() == position:
            raise ValueError(f"bad data path {path!r} at character {position}")
        parts.append(match.group(1) if match.group(1) else int(match.group(2)))
        position = match.end()
    return parts


def lookup(data: Any, path: str, product: str) -> Any:
    """The value at `path` (without the leading `data.`); MissingData names the full key."""
    value = data
    for part in parse_path(path):
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            raise MissingData(f"{product}.data.{path}") from None
    return value


def _scalars(node: Any) -> set[str]:
    if isinstance(node, Mapping):
        return set().union(*(_scalars(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_scalars(v) for v in node)) if node else set()
    return {str(node)}


class Resolver:
    """Resolves placeholders for one run of one scenario against one product's data."""

    def __init__(self, data: Mapping[str, Any], rng: random.Random, product: str):
        self.data = data
        self.rng = rng
        self.product = product
        self._known = _scalars(data)
        self._generated: dict[str, Any] = {}

    def resolve(self, node: Any) -> Any:
        """A copy of `node` with every placeholder replaced."""
        if isinstance(node, Mapping):
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(value) for value in node]
        if not isinstance(node, str):
            return node
        whole = PLACEHOLDER.fullmatch(node)
        if whole:
            return self.value(whole.group(1))
        return PLACEHOLDER.sub(lambda m: str(self.value(m.group(1))), node)

    def value(self, expression: str) -> Any:
        head, _, length_text = expression.partition(":")
        length = int(length_text) if length_text else None
        kind, _, _name = head.partition(".")
        if kind == "data":
            return lookup(self.data, head.removeprefix("data."), self.product)
        if kind == "outsider":
            index, _, field = _name.partition(".")
            entity = outsider(self.data, int(index)) if index.isdigit() else None
            if entity is None or field not in entity:
                raise MissingData(f"{self.product}.data.structures (an org entity outside"
                                  f" structures[{index}])")
            return entity[field]
        if kind == "text" and length is not None:
            return ("ZZ-TOO-LONG-" + "X" * length)[:length]
        if kind in ("unknown", "unknown_int"):
            if expression not in self._generated:
                self._generated[expression] = self._fresh(kind, length)
            return self._generated[expression]
        raise ValueError(f"unknown placeholder {{{{{expression}}}}}")

    def _fresh(self, kind: str, length: int | None) -> Any:
        taken = self._known | {str(v) for v in self._generated.values()}
        while True:
            if kind == "unknown_int":
                digits = length or 13
                low = 9 * 10 ** (digits - 1)
                candidate: Any = self.rng.randrange(low, 10**digits)
            elif length is None:
                candidate = f"ZZ-UNKNOWN-{self.rng.getrandbits(32):08X}"
            else:
                prefix = "ZZ-UNKNOWN-" if length >= 19 else "ZZ"[: max(length - 1, 0)]
                tail = "".join(self.rng.choice(_ALPHABET) for _ in range(length - len(prefix)))
                candidate = prefix + tail
            if str(candidate) not in taken:
                return candidate


def placeholders(node: Any) -> list[str]:
    """Every placeholder expression in `node`, for the loader's checks."""
    if isinstance(node, Mapping):
        return [e for key, value in node.items() for e in placeholders(key) + placeholders(value)]
    if isinstance(node, list):
        return [e for value in node for e in placeholders(value)]
    if isinstance(node, str):
        return [m.group(1) for m in PLACEHOLDER.finditer(node)]
    return []
