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
    # the reference mock answers 200, never 201: the mutant changed nothing there (a whole
    # run shows it), so it is planted in the alternate variant, which answers 201
    on_alternate = by_id["modifyPurchaseOrder/status/201"]
    assert (on_alternate["status"], on_alternate["variant"]) == ("caught", "alternate")
    assert on_alternate["caught_by"] == ["PO-SUCCESS-ANSWER"] and on_alternate["answers_changed"]
    assert [(v["variant"], v["status"]) for v in document["clean_variants"]] == [
        ("reference", "clean"), ("alternate", "clean")]
    assert document["score"]["overall"] == {"caught": 4, "total": 4, "percent": 100.0}
    assert done.returncode == 0, done.stdout + done.stderr
    assert "caught         po-echo-swaps-po-numbers  by PO-ECHOES-IDENTIFIERS" in done.stdout
    assert "not-planted    modifyPurchaseOrder/status/201  " in done.stdout
    assert "caught         modifyPurchaseOrder/status/201 (alternate mock)" in done.stdout
    assert "mutation score 100.0% (4/4" in done.stdout
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
