"""Every `conformance ...` command the README and docs/ show parses with the real parser, and
the names it uses exist (faults, target files, products): the docs match the product."""

import re
import shlex
from pathlib import Path

import pytest

from conformance.cli import _build_parser
from conformance.mock.faults import FAULTS

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands(text: str) -> list[str]:
    """Lines of code blocks and inline code spans that start with `conformance `; synopses
    (`[--port N]`) and elided ones (`…`) are not commands."""
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        joined = block.replace("\\\n", " ")
        found += [line.strip() for line in joined.splitlines()]
    found += re.findall(r"`(conformance [^`]+)`", text.replace("\n", " "))
    commands = []
    for line in found:
        line = line.split(" # ")[0].strip()
        if line.startswith("conformance ") and not re.search(r"\[|…|\.\.\.|<|NAME|FILE", line):
            commands.append(line)
    return commands


CASES = [(doc, command) for doc in DOCS for command in _commands(doc.read_text("utf-8"))]


def test_the_docs_show_commands():
    assert len(CASES) >= 15 and {doc.name for doc, _ in CASES} >= {"README.md", "mock.md"}


@pytest.mark.parametrize(
    ("doc", "command"), CASES, ids=[f"{d.name}:{c[12:60]}" for d, c in CASES]
)
def test_a_documented_command_parses_and_names_what_exists(doc, command, capsys):
    argv = shlex.split(command)[1:]
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as stop:  # --version and --help exit 0; a bad option exits 2
        assert stop.code == 0, f"{doc.name}: {command}: {capsys.readouterr().err}"
        return
    faults = {f.name for f in FAULTS}
    for name in [*getattr(args, "fault", []), *getattr(args, "mock_fault", [])]:
        assert name in faults, f"{doc.name}: {command}: no fault {name}"
    for product in (getattr(args, "api", None) or "").split(","):
        assert product in ("", "gep", "po", "smat"), f"{doc.name}: {command}"
    target = getattr(args, "target", None)
    if target and target.startswith("targets/") and "acme" not in target:
        assert (ROOT / target).is_file(), f"{doc.name}: {command}: no {target}"
    baseline = getattr(args, "baseline", None)
    if baseline and baseline.startswith("reports/"):
        assert baseline.startswith(("reports/latest/", "reports/2")), (
            f"{doc.name}: {command}: runs write reports/latest/, not {baseline}"
        )
