"""--concurrency: the same summary.json as a serial run, requests really overlapping, record keys.

No wall-clock assertion anywhere: overlap is counted on the server side (requests in flight).
"""

import os
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest
from run_helpers import summary_of

from conformance import mock
from conformance.contract_files import targets_dir
from conformance.mock.app import create_app
from conformance.mock.latency import Delayed
from conformance.mock.server import serve_in_thread, start_in_thread
from conformance.scenarios import load_scenarios
from conformance.scenarios.records import case_record_keys, groups, record_keys
from conformance.suite.concurrency import Sender
from conformance.summary import comparable
from conformance.target import load_target


def _run(*argv: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "run", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_a_concurrent_run_writes_the_summary_of_a_serial_run(tmp_path):
    """Standard profile, every product, same seed: one request at a time against eight."""
    runs = {
        n: (_run("--seed", "23", "--concurrency", str(n), "--report-dir", str(tmp_path / str(n))))
        for n in (1, 8)
    }
    for n, process in runs.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"--concurrency {n}:\n{output[-3000:]}"
    serial, concurrent = (summary_of(tmp_path / str(n)) for n in runs)
    assert serial["verdict"] == "conformant"
    assert serial["counts"]["outcomes"]["passed"] > 1000  # generated cases were judged too
    assert comparable(serial) == comparable(concurrent)  # times, ports, report paths aside


@pytest.mark.slow
def test_requests_overlap_up_to_the_concurrency_and_no_further(tmp_path):
    """A slow loopback target (the mock, 100 ms per request) sees scenario requests and
    generated cases in flight side by side, never more than --concurrency at once."""
    delayed = Delayed(create_app(), 0.1)
    running = serve_in_thread(delayed)
    try:
        process = _run(
            "--base-url", running.base_url, "--api", "gep", "--profile", "smoke",
            "--concurrency", "3", "--seed", "4", "--report-dir", str(tmp_path),
            env={**os.environ, **mock.DEMO_CREDENTIALS},
        )
        output, _ = process.communicate(timeout=300)
    finally:
        running.stop()
    assert process.returncode == 0, output[-3000:]
    assert summary_of(tmp_path)["verdict"] == "conformant"
    assert delayed.requests["generated"] > 3 and delayed.requests["scripted"] > 3
    assert delayed.most_in_flight["scripted"] >= 2
    assert delayed.most_in_flight["generated"] >= 2
    assert delayed.most_in_flight["all"] <= 3


@pytest.fixture(scope="module")
def reference_data():
    env = pytest.MonkeyPatch()
    for name, value in mock.DEMO_CREDENTIALS.items():
        env.setenv(name, value)
    target = load_target(targets_dir() / "reference.toml", base_url="http://127.0.0.1:9")
    env.undo()
    return {name: product.data for name, product in target.products.items()}


def _scenario(scenario_id: str):
    return next(s for s in load_scenarios() if s.id == scenario_id)


def test_scenarios_on_the_same_record_share_a_key(reference_data):
    created = _scenario("ppe-new-event-is-created")
    updated = _scenario("ppe-existing-event-is-updated")
    shared = record_keys(created, reference_data["smat"]) & record_keys(
        updated, reference_data["smat"]
    )
    assert "smat:8042" in shared  # the agreement both post to (its po_id path parameter)


def test_a_scenario_carrying_no_target_datum_touches_no_record(reference_data):
    assert record_keys(_scenario("po-malformed-json-is-rejected"), reference_data["po"]) == set()
    assert record_keys(_scenario("po-unknown-po-is-rejected"), reference_data["po"]) <= {
        "po:BUYER-001", "po:USD"
    }


def test_groups_join_through_shared_keys_and_keep_the_serial_order():
    keys = {"a": {"x"}, "b": {"y"}, "c": {"x", "y"}, "d": set(), "e": {"z"}}
    joined = groups(["a", "b", "c", "d", "e"], lambda s: keys[s])
    assert joined == [["a", "b", "c"], ["d"], ["e"]]


def test_a_missing_datum_keys_on_its_path(reference_data):
    scenario = _scenario("ppe-existing-event-is-updated")
    data = {k: v for k, v in reference_data["smat"].items() if k != "existing_event"}
    assert "smat:data.existing_event.attp_id" in record_keys(scenario, data)


def test_generated_smat_cases_key_on_the_event_they_name():
    body = {"PPE": [{"AttpId": 7, "PpeCode": "E1", "Description": "x"}, None]}
    assert case_record_keys("createUpdateProgressPayEvents", body) == {
        "createUpdateProgressPayEvents:AttpId=7", "createUpdateProgressPayEvents:PpeCode=E1"
    }
    assert case_record_keys("modifyPurchaseOrder", {"data": [{"poInternalNumber": "1"}]}) == set()


def test_cases_naming_the_same_record_are_sent_one_after_the_other():
    sender = Sender(SimpleNamespace(target=SimpleNamespace(products={})), 4)
    release, log = threading.Event(), []

    def first():
        log.append("first started")
        release.wait(10)
        log.append("first done")

    try:
        sender.submit(frozenset({"k"}), first)
        second = sender.submit(frozenset({"k", "j"}), log.append, "second")
        sender.submit(frozenset({"x"}), log.append, "other").result(10)  # not held up
        assert "second" not in log
        release.set()
        second.result(10)
        assert log.index("first done") < log.index("second")
    finally:
        release.set()
        sender.close()


def test_a_request_budget_sends_one_at_a_time_and_refuses_an_explicit_pool(tmp_path,
                                                                          monkeypatch):
    """Which requests a budget reaches is only the serial order's one at a time: the standard
    profile's default pool gives way to 1, and --concurrency 8 with a budget is a usage error
    (a repeat at the same seed must judge the same rules)."""
    from conformance.errors import UsageError
    from conformance.suite import settings

    for name, value in mock.DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)

    common = dict(target=None, base_url="http://127.0.0.1:9", api=None, profile="standard",
                  seed=1, report_dir=str(tmp_path), default_report_dir=False)
    assert settings.build(**common).concurrency == 8  # the profile's default, no budget
    assert settings.build(**common, max_requests=50).concurrency == 1
    with pytest.raises(UsageError, match="--concurrency 8 with a request budget"):
        settings.build(**common, max_requests=50, concurrency=8)


@pytest.mark.slow
def test_xdist_workers_write_the_summary_of_a_serial_run(tmp_path):
    """-n 2 against a serial run, GEP at the standard profile (generated cases included): the
    same summary.json, because a worker draws its cases from the specs only (Hypothesis would
    otherwise also draw literals of whatever modules the process had loaded)."""
    runs = {
        name: _run("--api", "gep", "--seed", "11", *argv, "--report-dir", str(tmp_path / name))
        for name, argv in (("serial", ["--concurrency", "1"]), ("xdist", ["-n", "2"]))
    }
    for name, process in runs.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}:\n{output[-3000:]}"
    serial, xdist = (summary_of(tmp_path / name) for name in runs)
    assert serial["counts"]["outcomes"]["passed"] > 1000
    assert comparable(serial) == comparable(xdist)


def test_send_threads_import_none_of_ours_or_schemathesis_transports(tmp_path):
    """An import in a send thread changed sys.modules while Hypothesis read it (RuntimeError,
    "dictionary changed size during iteration", a suite error in CI): what the threads would
    import on first use is imported on the main thread first (`_import_before_threads`)."""
    log = tmp_path / "imports.txt"
    (tmp_path / "sitecustomize.py").write_text(
        "import sys, threading\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if threading.current_thread().name.startswith('conformance-send'):\n"
        f"            open({str(log)!r}, 'a').write(name + '\\n')\n"
        "sys.meta_path.insert(0, Spy())\n")
    env = {**os.environ, **mock.DEMO_CREDENTIALS,
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    with start_in_thread() as running:
        process = _run("--base-url", running.base_url, "--api", "gep", "--profile", "smoke",
                       "--concurrency", "4", "--seed", "3", "--report-dir", str(tmp_path / "r"),
                       env=env)
        output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output[-3000:]
    imported = log.read_text().split() if log.exists() else []
    # schemathesis' rate limiter (and what it imports) is left to it: imported first, generated
    # cases stopped overlapping in the pool
    assert [m for m in imported if m.startswith(("schemathesis", "encodings", "conformance"))
            ] == [], imported[:40]
