"""The mutation score: each certification classified, folded per operation and overall.

A mutant is `caught` when a rule it breaks failed, `wrong-rule` when only other rules failed,
`survived` when no rule failed, `not-planted` when the mock never gave the generated mutant an
answer to change (it is then left out of the score and listed), `error` when the certification
itself broke. A clean variant is `clean`, or `false-failures` when any rule failed: it counts
against the score like a surviving mutant. The score is 100% only when every scored mutant is
caught with its rule and both variants are clean.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from conformance.selftest.certifying import Certification
from conformance.selftest.mutants import Mutant

CAUGHT, WRONG_RULE, SURVIVED, NOT_PLANTED, ERROR = (
    "caught", "wrong-rule", "survived", "not-planted", "error")
CLEAN, FALSE_FAILURES = "clean", "false-failures"


@dataclass
class MutantResult:
    mutant: Mutant
    certification: Certification

    @property
    def caught_by(self) -> list[str]:
        failing = set(self.certification.failing)
        return [rule for rule in self.mutant.rules if rule in failing]

    @property
    def other_failing(self) -> list[str]:
        return [rule for rule in self.certification.failing if rule not in self.mutant.rules]

    @property
    def status(self) -> str:
        cert = self.certification
        if cert.error:
            return ERROR
        if self.caught_by:
            return CAUGHT
        if cert.failing:
            return WRONG_RULE
        if self.mutant.origin == "generated" and cert.applied == 0:
            return NOT_PLANTED
        return SURVIVED

    def to_dict(self) -> dict[str, Any]:
        cert = self.certification
        return {
            **self.mutant.to_dict(), "status": self.status, "caught_by": self.caught_by,
            "other_failing_rules": self.other_failing, "decided_by": cert.by,
            "answers_changed": cert.applied, "seconds": round(cert.seconds, 2),
            "report_dir": cert.report_dir, "error": cert.error,
        }


@dataclass
class VariantResult:
    variant: str
    certification: Certification

    @property
    def status(self) -> str:
        cert = self.certification
        return CLEAN if not cert.error and not cert.failing and cert.verdict == "conformant" \
            else FALSE_FAILURES

    def to_dict(self) -> dict[str, Any]:
        cert = self.certification
        return {"variant": self.variant, "status": self.status, "verdict": cert.verdict,
                "failing_rules": cert.failing, "seconds": round(cert.seconds, 2),
                "report_dir": cert.report_dir, "error": cert.error}


def _ratio(good: int, total: int) -> dict[str, Any]:
    return {"caught": good, "total": total,
            "percent": round(100.0 * good / total, 1) if total else 100.0}


def score(mutants: list[MutantResult], variants: list[VariantResult]) -> dict[str, Any]:
    """Overall, per origin, per kind and per operation; clean variants count in `overall`."""
    scored = [m for m in mutants if m.status != NOT_PLANTED]
    clean = sum(v.status == CLEAN for v in variants)
    caught = sum(m.status == CAUGHT for m in scored)
    groups: dict[str, dict[str, list[MutantResult]]] = {
        "by_origin": defaultdict(list), "by_kind": defaultdict(list),
        "by_operation": defaultdict(list)}
    for result in scored:
        groups["by_origin"][result.mutant.origin].append(result)
        groups["by_kind"][result.mutant.kind].append(result)
        groups["by_operation"][result.mutant.operation_label].append(result)
    folded = {name: {key: _ratio(sum(r.status == CAUGHT for r in items), len(items))
                     for key, items in sorted(group.items())}
              for name, group in groups.items()}
    return {
        "overall": _ratio(caught + clean, len(scored) + len(variants)),
        "mutants": _ratio(caught, len(scored)),
        "false_failures": sum(len(v.certification.failing) for v in variants),
        "statuses": dict(Counter(m.status for m in mutants)),
        **folded,
    }


def perfect(summary: dict[str, Any]) -> bool:
    overall = summary["overall"]
    return overall["caught"] == overall["total"] and summary["false_failures"] == 0
