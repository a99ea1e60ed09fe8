"""Whole certification runs for the report tests: the CLI in a subprocess, as CI calls it."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from conformance.contract_files import specs_dir
from conformance.mock import DEMO_CREDENTIALS

# PO answers 202 to an accepted modification (breaks RULE) and sends errors as plain strings
FAULTS, RULE = ("po-success-http-202", "po-errors-as-strings"), "PO-SUCCESS-ANSWER"
FAILING_ARGS = ("--api", "po", "--profile", "smoke", "--seed", "5")
FAILING_ARGS += tuple(arg for fault in FAULTS for arg in ("--mock-fault", fault))
# the mock accepts only its demo credentials: they are the known secrets no artifact may hold
SECRETS = sorted(set(DEMO_CREDENTIALS.values()))


def conformance_run(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conformance.cli", "run", *argv],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def summary_of(report_dir: Path) -> dict:
    """summary.json of a run, validated against its schema."""
    document = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    schema = json.loads((specs_dir() / "schemas" / "summary.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(document)
    return document


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
