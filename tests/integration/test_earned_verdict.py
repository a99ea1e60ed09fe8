"""Issue 9, case by case: a verdict is earned, every request is answered or the run says so,
setup mistakes are told apart from defects, real data shapes, never a green run without one.

In-process folds (scenarios run against the mock, then `conformance.verdict`) where the point is
the rule status; whole `conformance run` subprocesses where it is the exit code and the reports.
Every server binds 127.0.0.1 on a free port and is stopped by the test that started it.
"""

import os
import random
import re
import subprocess
import sys

import pytest
from proxy_support import Front
from run_helpers import conformance_run, summary_of

from conformance.catalog import load_rules
from conformance.contract_files import targets_dir
from conformance.mock import DEMO_CREDENTIALS
from conformance.mock.server import start_in_thread
from conformance.scenarios import load_scenarios, run_scenario
from conformance.target import load_target
from conformance.target_data import warnings
from conformance.verdict import (
    CONFORMANT,
    INCONCLUSIVE,
    NON_CONFORMANT,
    UNTESTED,
    fold_verdict,
    judge_rules,
    settle_answers,
)

pytestmark = pytest.mark.slow
RULES = load_rules()
REFERENCE = (targets_dir() / "reference.toml").read_text(encoding="utf-8")
FOUR_FAULTS = ("po-readonly-may-modify", "po-modifies-draft-po", "smat-privilege-not-checked",
               "smat-approved-agreement-updated")
FOUR_RULES = {"PO-NOT-AUTHORIZED", "PO-ONLY-AUTHORISED-PO", "SMAT-PRIVILEGE-REQUIRED",
              "SMAT-APPROVED-AGREEMENT-FROZEN"}


def _without(text: str, *blocks: str) -> str:
    for block in blocks:
        assert block in text, block
        text = text.replace(block, "")
    return text


# the live template's data shape: no low-privilege credentials, no unauthorised PO, no locked
# event, no approved agreement
LIVE_SHAPE = _without(
    REFERENCE,
    '[[po.low_privilege_auth]]\ntype = "bearer"\ntoken_env = "CONFORMANCE_PO_READONLY_TOKEN"\n',
    '[[po.low_privilege_auth]]\ntype = "header"\nheaders = { userId = "CONFORMANCE_PO_USER_ID",'
    ' appId = "CONFORMANCE_PO_APP_ID" }\n',
    '[smat.low_privilege_auth]\ntype = "bearer"\n'
    'token_env = "CONFORMANCE_SMAT_NO_AGREEMENT_TOKEN"\n',
    'unauthorised_po = { internal_number = "PO-48000099", external_number = "EXT-48000099" }\n',
)
LIVE_SHAPE = re.sub(r"locked_event = .*\n", "", LIVE_SHAPE)
LIVE_SHAPE = LIVE_SHAPE[: LIVE_SHAPE.index("[smat.data.approved_po]")]


@pytest.fixture
def credentials(monkeypatch):
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


def _write(tmp_path, text: str, name: str = "target.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fold(target_file, base_url, products, faults=()):
    """Every scenario of `products` against the mock (with `faults`), folded into statuses."""
    with start_in_thread("127.0.0.1", 0, faults=faults) as mock:
        target = load_target(target_file, base_url=base_url or mock.base_url, products=products)
        outcomes = [o for s in load_scenarios() if s.product in products
                    for o in run_scenario(s, target, random.Random(s.id))]
    outcomes, lost = settle_answers(outcomes)
    results = {r.rule.id: r for r in judge_rules(RULES, outcomes, {})}
    return results, fold_verdict(results.values(), lost), lost


# ---------------------------------------------------------------- 1: untested is not passed
def test_1_po_not_authorized_is_not_tested_with_the_live_templates_data_shape(
        tmp_path, credentials):
    results, verdict, _ = _fold(_write(tmp_path, LIVE_SHAPE), None, ["po", "smat"])
    rule = results["PO-NOT-AUTHORIZED"]
    assert rule.status == UNTESTED
    assert "po.low_privilege_auth" in rule.reason
    assert "po-declared-credentials-are-accepted" in rule.sources
    assert verdict == CONFORMANT


def test_1_the_four_fault_mock_is_non_conformant_once_the_data_is_given(tmp_path, credentials):
    results, verdict, _ = _fold(targets_dir() / "reference.toml", None, ["po", "smat"],
                                faults=FOUR_FAULTS)
    assert verdict == NON_CONFORMANT
    assert {rule for rule in FOUR_RULES if results[rule].status == "failed"} == FOUR_RULES


def test_1_require_all_makes_a_conformant_run_with_untested_must_rules_exit_6(tmp_path):
    with start_in_thread("127.0.0.1", 0) as mock:
        done = conformance_run("--target", str(_write(tmp_path, LIVE_SHAPE)), "--base-url",
                               mock.base_url, "--api", "po", "--require-all", "--report-dir",
                               str(tmp_path / "r"), env={**os.environ, **DEMO_CREDENTIALS})
    assert done.returncode == 6, done.stdout[-2000:] + done.stderr[-2000:]
    document = summary_of(tmp_path / "r")
    assert document["verdict"] == CONFORMANT and "PO-NOT-AUTHORIZED" in document["untested_must"]
    untested = len(document["untested_must"])
    assert document["verdict_line"] == f"conformant, {untested} MUST rules not tested"
    assert f"verdict: CONFORMANT, {untested} MUST rules not tested  (exit 6)" in done.stdout
    assert "--require-all: exit 6" in done.stdout  # not the hint to use the option it used
    assert "--require-all makes this exit 6" not in done.stdout
    junit = (tmp_path / "r" / "junit.xml").read_text()
    assert 'name="conformance.not-tested.PO-NOT-AUTHORIZED"' in junit
    assert "po.low_privilege_auth" in junit
    assert "NOT TESTED" in (tmp_path / "r" / "report.html").read_text()


# ---------------------------------------------------------------- 2: every request answered
def _first_valid_contact_update():
    """Holds the first valid contact update and its one resend (the transport sends an
    unanswered request once more), then answers everything: one request never answered among
    answered ones (three unanswered in a row would be a target that stopped answering)."""
    held: list[bytes] = []

    def hold(method: str, path: str, body: bytes) -> str | None:
        if method == "PUT" and path.endswith("/Contact/ContactInterfaceStatus") and (
                b'"interfaceStatus": "success"' in body and b'"clientContactCode": "CC-' in body
        ) and len(held) < 2:
            held.append(body)
            return "hold"
        return None
    return hold


def test_2_a_request_never_answered_fails_the_answer_rule_with_its_curl_line(
        tmp_path, credentials):
    target = _write(tmp_path, REFERENCE.replace("timeout_seconds = 10", "timeout_seconds = 1"))
    with start_in_thread("127.0.0.1", 0) as mock, Front(mock.base_url,
                                                         _first_valid_contact_update()) as front:
        results, verdict, lost = _fold(target, front.url, ["gep"])
        assert front.dropped and front.answered
    assert lost == {} and verdict == NON_CONFORMANT
    rule = results["CONTACT-EVERY-REQUEST-ANSWERED"]
    assert rule.status == "failed"
    evidence = rule.failures[0]
    assert evidence.message.startswith("Received: no answer")
    assert evidence.exchanges[0].curl.startswith("curl -sS -X PUT")
    assert "ContactInterfaceStatus" in evidence.exchanges[0].curl
    por = results["POR-EVERY-REQUEST-ANSWERED"]
    assert por.status == "passed" and not por.failures


def test_2_a_target_killed_mid_run_is_inconclusive_counting_the_requests_lost(tmp_path):
    with start_in_thread("127.0.0.1", 0) as mock, Front(mock.base_url, dies_after=15) as front:
        done = conformance_run("--base-url", front.url, "--api", "gep", "--profile", "smoke",
                               "--report-dir", str(tmp_path),
                               env={**os.environ, **DEMO_CREDENTIALS})
        assert front.dead.is_set()
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-2000:]
    document = summary_of(tmp_path)
    assert document["verdict"] == INCONCLUSIVE
    lost = document["unreachable"]["gep"]
    assert re.fullmatch(r"stopped answering at \S+Z after \d+ answered requests: [1-9]\d*"
                        r" requests lost", lost), lost
    assert not [r for r in document["rules"] if r["status"] == "failed"]
    assert f"UNREACHABLE [gep] {lost}" in done.stdout


# ---------------------------------------------------------------- 3: setup is not non-conformance
def test_3_wrong_identifiers_and_prefix_are_one_pre_flight_line_each_and_no_must_failure(
        tmp_path):
    with start_in_thread("127.0.0.1", 0) as mock:
        text = (REFERENCE
                .replace('order_numbers = ["48000061", "48000062"]',
                         'order_numbers = ["4500001234"]')
                .replace('contact_codes = ["CC-2017.023662", "CC-2017.023663"]',
                         'contact_codes = ["C-000123"]')
                .replace('internal_number = "PO-48000061"', 'internal_number = "4500001234"')
                .replace("existing_event = { attp_id = 10000143788, ppe_id = 5202, ppe_code ="
                         ' "FOUND", order_seq = 4 }', "existing_event = { attp_id = 10000150001,"
                         ' ppe_id = 6001, ppe_code = "LOCKED1", order_seq = 7 }'))
        text = re.sub(r"locked_event = .*\n", "", text)
        text = text.replace('base_url = ""                       # empty',
                            f'base_url = "{mock.base_url}/wrong-prefix"  # empty', 1)
        # gep: a wrong prefix; po: an unknown PO; smat: a locked event as existing_event
        text_po_smat = text.replace('base_url = ""', f'base_url = "{mock.base_url}"')
        done = conformance_run("--target", str(_write(tmp_path, text_po_smat)), "--report-dir",
                               str(tmp_path / "r"), env={**os.environ, **DEMO_CREDENTIALS})
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if "pre-flight" in line]
    assert len(lines) == 3, lines
    assert lines[0].startswith("conformance: pre-flight [gep] gep.base_url: every documented"
                               " path answers 404")
    assert lines[1].startswith("conformance: pre-flight [po] po.data.authorised_po:")
    assert lines[2].startswith("conformance: pre-flight [smat] smat.data.existing_event:"
                               " AttpId 10000150001 is locked")
    document = summary_of(tmp_path / "r")
    assert document["exit_code"] == 2 and document["verdict"] == INCONCLUSIVE
    assert not [r for r in document["rules"] if r["status"] == "failed"]
    assert all(checks["exchanges"] for checks in document["preflight"].values())
    assert (tmp_path / "r" / "junit.xml").is_file() and (tmp_path / "r" / "report.html").is_file()


def test_3_a_target_that_knows_none_of_its_identifiers_is_named_key_by_key(tmp_path,
                                                                          credentials):
    from conformance import preflight

    text = (REFERENCE.replace('order_numbers = ["48000061", "48000062"]',
                              'order_numbers = ["4500001234"]')
            .replace('contact_codes = ["CC-2017.023662", "CC-2017.023663"]',
                     'contact_codes = ["C-000123"]')
            .replace('entity_codes = ["GUBR", "GUCH", "GUDE"]', 'entity_codes = ["E100"]'))
    with start_in_thread("127.0.0.1", 0) as mock:
        target = load_target(_write(tmp_path, text), base_url=mock.base_url, products=["gep"])
        found = preflight.run(target)["gep"]
    assert [p.split(":")[0] for p in found.problems] == [
        "gep.data.order_numbers[0]", "gep.data.contact_codes[0]",
        "gep.data.entity_codes[0], manager_codes[0], currency_codes[0], structures[0]"]
    assert len(found.exchanges) == 3 and found.unreachable is None


# ---------------------------------------------------------------- 5: `/` is not the API
def test_5_a_target_closing_the_connection_on_slash_is_certified(tmp_path):
    def slash(method: str, path: str, body: bytes) -> str | None:
        return "close" if path == "/" else None

    with start_in_thread("127.0.0.1", 0) as mock, Front(mock.base_url, slash) as front:
        done = conformance_run("--base-url", front.url, "--api", "po", "--profile", "smoke",
                               "--report-dir", str(tmp_path),
                               env={**os.environ, **DEMO_CREDENTIALS})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    document = summary_of(tmp_path)
    assert document["verdict"] == CONFORMANT and document["unreachable"] == {}
    sent = [e["url"] for e in document["preflight"]["po"]["exchanges"]]
    assert sent == [f"{front.url}/service/v1/po/modify"]


# ---------------------------------------------------------------- 6: org trees overlap
OVERLAPPING = REFERENCE.replace(
    '  { entity_code = "GUDE", entity_type = "Plant", lob_entity_code = "LOB-EU" },\n',
    '  { entity_code = "GUBR", entity_type = "string", lob_entity_code = "string" },\n'
    '  { entity_code = "GUDE", entity_type = "Plant", lob_entity_code = "LOB-EU" },\n')


def test_6_overlapping_org_structures_are_conformant(tmp_path, credentials):
    results, verdict, _ = _fold(_write(tmp_path, OVERLAPPING), None, ["gep"])
    assert results["ORG-ENTITIES-MATCH-STRUCTURE"].status == "passed"
    assert verdict == CONFORMANT


def test_6_structures_sharing_every_member_skip_the_rule_and_are_warned_about(tmp_path,
                                                                             credentials):
    shared = OVERLAPPING.replace(
        '  { entity_code = "GUDE", entity_type = "Plant", lob_entity_code = "LOB-EU" },\n', "")
    target = load_target(_write(tmp_path, shared), base_url="http://127.0.0.1:9")
    assert [w.split(":")[0] for w in warnings("gep", target.products["gep"].data)] == [
        "gep.data.structures"]
    scenario = next(s for s in load_scenarios()
                    if s.id == "org-entities-of-another-structure-are-rejected")
    outcomes = run_scenario(scenario, target, random.Random(0))
    assert {o.status.value for o in outcomes} == {"skipped"}
    assert "an org entity outside structures[0]" in outcomes[0].message


# ---------------------------------------------------------------- 7: never green without one
def test_7_plain_pytest_without_a_target_certifies_the_embedded_mock(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance.suite", "-q",
         "-p", "no:cacheprovider", "--conformance-profile", "smoke",
         "--conformance-report-dir", str(tmp_path), "--conformance-require-all"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    document = summary_of(tmp_path)
    assert "certifying the embedded mock" in done.stdout
    # a verdict, earned: smoke runs a breaking side of every MUST rule on the mock
    assert (done.returncode, document["exit_code"], document["verdict"]) == (0, 0, "conformant")
    assert document["untested_must"] == [] and document["require_all"] is True
    assert (tmp_path / "junit.xml").is_file() and (tmp_path / "report.html").is_file()
