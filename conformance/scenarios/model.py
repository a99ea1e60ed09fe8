"""A scenario file as Python values: steps, requests and expectations, still unresolved."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Expectation:
    judge: str
    rules: tuple[str, ...]
    args: dict[str, Any] = field(default_factory=dict)  # text, fields, event, valid...


@dataclass(frozen=True)
class Step:
    name: str
    request: dict[str, Any]  # as in the file: body/raw_body, format, headers, privilege...
    expect: tuple[Expectation, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    operation: str
    product: str
    rules: tuple[str, ...]
    profile: str
    path: Path
    breaks: tuple[str, ...] = ()
    source_doc: str = ""
    source_section: str = ""
    documented_example: bool = False
    sent_as_written: str = ""  # why the run adds no field (its marker) to this scenario's bodies
    needs: tuple[str, ...] = ()
    family: str = ""  # the family of specs/scenario-families.yaml it was expanded from, if any
    steps: tuple[Step, ...] = ()

    @property
    def adds_no_field(self) -> bool:
        """Its bodies are sent as written: a documented example, or a case whose point is a
        field left out (`records.mark` adds no marker field there)."""
        return self.documented_example or bool(self.sent_as_written)

    @property
    def citation(self) -> str:
        from conformance.catalog import cite

        return cite(self.source_doc, self.source_section)

    @property
    def met(self) -> tuple[str, ...]:
        """The rules whose condition the request meets (the others of `rules` it breaks)."""
        return tuple(r for r in self.rules if r not in self.breaks)
