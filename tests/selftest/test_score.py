"""How one certification is classified, and how the score counts clean variants and misses."""

from conformance.selftest.certifying import Certification
from conformance.selftest.mutants import Mutant
from conformance.selftest.score import MutantResult, VariantResult, perfect, score

ECHO = Mutant(id="modifyPurchaseOrder/echo/sourceTxnId", origin="generated", kind="echo",
              operations=("modifyPurchaseOrder",), breaks="sourceTxnId altered",
              rules=("PO-ECHOES-IDENTIFIERS", "PO-SUCCESS-ANSWER"), statuses=(200,),
              path=("sourceTxnId",))


def _cert(failing=(), applied=3, verdict=None, error=None) -> Certification:
    statuses = {"PO-ECHOES-IDENTIFIERS": "passed", "PO-SUCCESS-ANSWER": "passed",
                "PO-ECHOES-PRESENT": "passed"} | {rule: "failed" for rule in failing}
    return Certification(statuses=statuses,
                         verdict=verdict or ("non-conformant" if failing else "conformant"),
                         applied=applied, by="run", seconds=1.0, error=error)


def test_a_mutant_is_caught_only_by_a_rule_it_breaks():
    assert MutantResult(ECHO, _cert(["PO-SUCCESS-ANSWER"])).status == "caught"
    wrong = MutantResult(ECHO, _cert(["PO-ECHOES-PRESENT"]))
    assert wrong.status == "wrong-rule" and wrong.other_failing == ["PO-ECHOES-PRESENT"]
    assert MutantResult(ECHO, _cert()).status == "survived"
    assert MutantResult(ECHO, _cert(applied=0)).status == "not-planted"
    assert MutantResult(ECHO, _cert(error="no summary")).status == "error"


def test_a_warning_on_a_should_rule_counts_as_caught():
    cert = _cert()
    cert.statuses["PO-ECHOES-IDENTIFIERS"] = "warning"
    assert MutantResult(ECHO, cert).caught_by == ["PO-ECHOES-IDENTIFIERS"]


def test_a_clean_variant_with_a_failure_counts_against_the_score_like_a_survivor():
    caught = [MutantResult(ECHO, _cert(["PO-ECHOES-IDENTIFIERS"]))]
    clean = [VariantResult("reference", _cert()), VariantResult("alternate", _cert())]
    assert score(caught, clean)["overall"] == {"caught": 3, "total": 3, "percent": 100.0}
    assert perfect(score(caught, clean))
    dirty = [clean[0], VariantResult("alternate", _cert(["PO-ECHOES-PRESENT"]))]
    summary = score(caught, dirty)
    assert summary["overall"]["caught"] == 2 and summary["false_failures"] == 1
    assert not perfect(summary)


def test_a_mutant_the_mock_never_let_act_is_left_out_of_the_score_and_listed():
    results = [MutantResult(ECHO, _cert(["PO-ECHOES-IDENTIFIERS"])),
               MutantResult(ECHO, _cert(applied=0))]
    summary = score(results, [])
    assert summary["mutants"] == {"caught": 1, "total": 1, "percent": 100.0}
    assert summary["statuses"] == {"caught": 1, "not-planted": 1}
