"""Whole certification runs for the report tests: the CLI in a subprocess, as CI calls it."""

import subprocess

from run_helpers import conformance_run, summary_of

from conformance.mock import DEMO_CREDENTIALS

__all__ = ["conformance_run", "summary_of"]  # shared with tests/engine through run_helpers

# PO answers 202 to an accepted modification (breaks RULE) and sends errors as plain strings
FAULTS, RULE = ("po-success-http-202", "po-errors-as-strings"), "PO-SUCCESS-ANSWER"
FAILING_ARGS = ("--api", "po", "--profile", "smoke", "--seed", "5")
FAILING_ARGS += tuple(arg for fault in FAULTS for arg in ("--mock-fault", fault))
# the mock accepts only its demo credentials: they are the known secrets no artifact may hold
SECRETS = sorted(set(DEMO_CREDENTIALS.values()))


def rule_of(document: dict, rule_id: str) -> dict:
    return next(r for r in document["rules"] if r["id"] == rule_id)


def secrets_in(*texts: str | bytes) -> list[str]:
    """The known secret values found in any of the texts (the tests want none)."""
    found = []
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        found += [s for s in SECRETS if s.encode() in data]
    return found


def output_of(done: subprocess.CompletedProcess) -> str:
    return f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
