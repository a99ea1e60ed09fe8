"""The CI examples of docs/ci stay runnable: valid YAML, and every `conformance run` option they
use exists; the screenshot script is valid bash."""

import argparse
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conformance import certify

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "ci").glob("*.yml"))


def _run_options() -> set[str]:
    parser = argparse.ArgumentParser()
    certify.add_arguments(parser)
    return {option for action in parser._actions for option in action.option_strings}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_a_ci_example_is_yaml_and_uses_only_existing_options(example):
    text = example.read_text(encoding="utf-8")
    assert yaml.safe_load(text)
    commands = re.findall(r"conformance run(.*?)(?:\n\s*\n|\Z)", text, re.S)
    assert commands, "the example runs a certification"
    used = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", " ".join(commands)))
    used |= set(re.findall(r"(--(?:baseline|fail-on))\b", text))
    assert used and used <= _run_options(), used - _run_options()
    assert "junit.xml" in text and "report/" in text


def test_the_screenshot_script_is_valid_bash():
    script = ROOT / "scripts" / "screenshot-report"
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
