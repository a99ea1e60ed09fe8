"""`conformance selftest` end to end on a subset: the scenario fold, a whole run, the clean
variants, the score on the terminal, in selftest.json and selftest.html, and the exit code."""

import json
import subprocess
import sys

import pytest

from conformance.errors import UsageError
from conformance.selftest.command import select
from conformance.selftest.mutants import all_mutants


def _selftest(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.cli", "selftest", *argv],
                          capture_output=True, text=True, timeout=300)


def test_a_subset_is_scored_with_the_clean_variants(tmp_path):
    only = "po-echo-swaps-po-numbers,modifyPurchaseOrder/status/201"
    done = _selftest("--profile", "smoke", "--only", only, "--jobs", "2",
                     "--report-dir", str(tmp_path))
    document = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))
    by_id = {m["id"]: m for m in document["mutants"]}
    fault = by_id["po-echo-swaps-po-numbers"]
    assert (fault["status"], fault["decided_by"]) == ("caught", "scenarios")
    assert fault["caught_by"] == ["PO-ECHOES-IDENTIFIERS"]
    # the mock answers 200, never 201: the mutant changed nothing, is listed and not scored
    unplanted = by_id["modifyPurchaseOrder/status/201"]
    assert (unplanted["status"], unplanted["decided_by"]) == ("not-planted", "run")
    assert unplanted["answers_changed"] == 0
    assert [(v["variant"], v["status"]) for v in document["clean_variants"]] == [
        ("reference", "clean"), ("alternate", "clean")]
    assert document["score"]["overall"] == {"caught": 3, "total": 3, "percent": 100.0}
    assert done.returncode == 0, done.stdout + done.stderr
    assert "caught         po-echo-swaps-po-numbers  by PO-ECHOES-IDENTIFIERS" in done.stdout
    assert "mutation score 100.0% (3/3" in done.stdout
    html = (tmp_path / "selftest.html").read_text(encoding="utf-8")
    assert "Mutation score 100.0%" in html and "po-echo-swaps-po-numbers" in html
    assert (tmp_path / "mutants" / "modifyPurchaseOrder__status__201" / "summary.json").is_file()


def test_only_names_mutants_or_is_a_usage_error():
    mutants = all_mutants()
    assert {m.id for m in select(mutants, "po-*")} == {
        m.fault for m in mutants if m.fault and m.fault.startswith("po-")}
    with pytest.raises(UsageError, match="--only: no-such-mutant names no mutant"):
        select(mutants, "no-such-mutant")


def test_a_usage_error_is_one_line_and_exit_2(tmp_path):
    done = _selftest("--only", "no-such-mutant", "--report-dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "names no mutant" in done.stderr
