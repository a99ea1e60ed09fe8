"""The `conformance` command's own verbs: version, rules, and how it treats a closed pipe."""

import sys

import pytest

from conformance import __version__
from conformance.catalog import load_rules
from conformance.cli import main


def test_version_names_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"conformance {__version__}"


def test_rules_lists_every_rule_with_its_citation(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in load_rules().values():
        assert rule.id in out
        assert rule.source.citation() in out
        if rule.source.quote:  # the document's sentence, as the README promises
            assert f"“{' '.join(rule.source.quote.split())}”" in out
    assert out.rstrip().endswith(f"{len(load_rules())} rules")


def test_rules_of_one_product_only(capsys):
    assert main(["rules", "--product", "po"]) == 0
    listed = [
        line.split()[0] for line in capsys.readouterr().out.splitlines() if line[:1].isupper()
    ]
    assert listed and all(rule_id.startswith("PO-") for rule_id in listed)


def test_unknown_verb_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["certify-everything"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(capfd, monkeypatch):
    """`conformance rules | head -1`: the closed pipe ends the command quietly with exit 0."""

    def writes_into_a_closed_pipe(args):
        raise BrokenPipeError(32, "Broken pipe")

    redirected = []
    monkeypatch.setattr("conformance.cli._rules_main", writes_into_a_closed_pipe)
    monkeypatch.setattr("conformance.cli.os.dup2", lambda src, dst: redirected.append(dst))
    assert main(["rules"]) == 0
    assert redirected == [sys.stdout.fileno()]  # the final flush goes nowhere instead of raising
    assert "Traceback" not in capfd.readouterr().err
