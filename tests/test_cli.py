"""The `conformance` command's own verbs: version, rules, how it treats a closed pipe and a
Ctrl-C before a run has started."""

import contextlib
import sys

import pytest
from run_helpers import summary_of

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


def test_ctrl_c_while_the_suite_loads_is_one_line_and_exit_130(capsys, monkeypatch):
    """Before `run` has read its options there is no run to report on: one line, no traceback,
    the shell's 130 (README, exit codes)."""

    def loading():
        raise KeyboardInterrupt

    monkeypatch.setattr("conformance.cli._build_parser", loading)
    assert main(["run"]) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "conformance: interrupted while starting: nothing was sent, no report written"]


def test_ctrl_c_while_the_embedded_mock_starts_ends_the_documented_way(tmp_path, capsys,
                                                                        monkeypatch):
    """Once the options are read, an interrupt is the documented stop however early: the three
    reports (summary.json `stopped`), the STOPPED line, the verdict last, exit 3."""

    @contextlib.contextmanager
    def starting(*args, **kwargs):
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr("conformance.certify.embedded_mock", starting)
    report_dir = tmp_path / "reports"
    assert main(["run", "--profile", "smoke", "--seed", "7", "--report-dir", str(report_dir)]) == 3
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err
    assert "  STOPPED           interrupted before the run started: nothing was sent" in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE  (exit 3)")
    assert sorted(p.name for p in report_dir.iterdir()) == [
        "junit.xml", "report.html", "summary.json", "written.json"]
    document = summary_of(report_dir)
    assert document["stopped"] == "interrupted before the run started: nothing was sent"
    assert document["seed"] == 7 and document["exit_code"] == 3
    assert {r["reason"] for r in document["rules"]} == {
        "not run: interrupted before the run started: nothing was sent"}
