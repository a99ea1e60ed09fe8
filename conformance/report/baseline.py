"""Regression view of a run: its rule statuses against a previous run's summary.json.

Pure functions on summary dicts, so the same diff feeds summary.json, the HTML report and the
terminal, and `--fail-on new-failures` can gate CI on regressions alone.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from conformance.errors import UsageError
from conformance.verdict import EXIT_CODES, INCONCLUSIVE

FAILING = frozenset({"failed", "warning"})  # a rule the target breaks (MUST or SHOULD)
CATEGORIES = ("new_failures", "fixed", "still_failing", "newly_skipped")
FAIL_ON = ("failures", "new-failures")


def load(path: Path) -> dict:
    """A previous summary.json; a missing or foreign file is a one-line UsageError."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"--baseline {path}: no such file — give the summary.json of an earlier run"
        ) from None
    except OSError as error:
        raise UsageError(f"--baseline {path}: cannot be read ({error.strerror})") from None
    except ValueError as error:
        raise UsageError(
            f"--baseline {path}: not JSON ({error}) — give the summary.json of an earlier run"
        ) from None
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list) or not all(
        isinstance(r, dict) and "id" in r and "status" in r for r in rules
    ):
        raise UsageError(
            f"--baseline {path}: not a summary.json (no rules with id and status) — give the"
            " summary.json of an earlier run"
        )
    return document


def diff(old: Mapping, new: Mapping, old_file: str = "") -> dict:
    """Rules that newly fail, were fixed, still fail or became skipped since `old`."""
    was = {r["id"]: r["status"] for r in old["rules"]}
    section: dict = {
        "file": old_file,
        "started_at": old.get("started_at"),
        "verdict": old.get("verdict"),
        "seed": old.get("seed"),
        **{category: [] for category in CATEGORIES},
    }
    for rule in new["rules"]:
        before, now = was.get(rule["id"]), rule["status"]
        item = {"id": rule["id"], "level": rule["level"], "was": before, "now": now}
        if now in FAILING:
            section["still_failing" if before in FAILING else "new_failures"].append(item)
        elif now == "passed" and (before in FAILING or before == "waived"):
            section["fixed"].append(item)
        elif now == "skipped" and before != "skipped":
            section["newly_skipped"].append(item)
    return section


def exit_code(verdict: str, section: Mapping | None, fail_on: str) -> int:
    """The run's exit code: the verdict's, or with `new-failures` only new MUST failures fail."""
    if fail_on == "failures" or verdict == INCONCLUSIVE:
        return EXIT_CODES[verdict]
    if section is None:
        raise UsageError("--fail-on new-failures needs --baseline OLD/summary.json")
    return 1 if any(item["now"] == "failed" for item in section["new_failures"]) else 0
