"""Whole certification runs for tests: the CLI in a subprocess, as CI calls it, and its verdict."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from conformance.contract_files import specs_dir


def conformance_run(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`conformance run ARGV...` in a subprocess, so its pytest session is a real one."""
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
