"""Running the mock: free ports, clean stops, the reset hook, the CLI and its fault list."""

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from mock_support import POR_PATH, MockClient

from conformance.mock import ALTERNATE_DEMO_CREDENTIALS, DEMO_CREDENTIALS
from conformance.mock.app import create_app
from conformance.mock.faults import FAULTS, UnknownFault
from conformance.mock.server import start_in_thread

ENV_NAMES = {"CONFORMANCE_GEP_TOKEN", "CONFORMANCE_PO_TOKEN", "CONFORMANCE_PO_USER_ID",
             "CONFORMANCE_PO_APP_ID", "CONFORMANCE_PO_READONLY_TOKEN", "CONFORMANCE_SMAT_TOKEN",
             "CONFORMANCE_SMAT_NO_AGREEMENT_TOKEN"}


def test_demo_credentials_cover_the_reference_env_names():
    assert set(DEMO_CREDENTIALS) == ENV_NAMES
    assert all(DEMO_CREDENTIALS.values())
    assert set(ALTERNATE_DEMO_CREDENTIALS).isdisjoint(ENV_NAMES)


def test_port_zero_gives_a_free_port_and_stop_closes_it():
    with start_in_thread("127.0.0.1", 0) as mock:
        assert mock.base_url.startswith("http://127.0.0.1:") and not mock.base_url.endswith("/")
        assert requests.post(mock.base_url + "/__mock__/reset", timeout=5).status_code == 200
    assert not mock.running
    with pytest.raises(requests.ConnectionError):
        requests.post(mock.base_url + "/__mock__/reset", timeout=5)


def test_two_mocks_run_side_by_side_with_their_own_state():
    with start_in_thread(faults=("por-accepts-unknown-order",)) as faulty, \
            start_in_thread(variant="alternate") as other:
        assert faulty.base_url != other.base_url
        assert faulty.app.state.mock.variant.name == "reference"
        assert other.app.state.mock.variant.name == "alternate"


def test_create_app_refuses_unknown_faults_and_variants():
    with pytest.raises(UnknownFault):
        create_app(faults=("no-such-fault",))
    with pytest.raises(ValueError):
        create_app(variant="sideways")


def test_reset_restores_the_seed(ref):
    ref.smat([ref.bodies.new_event()])
    agreement = ref.bodies.open_agreement()
    key = (agreement.project, agreement.discipline, agreement.language, agreement.po_id)
    assert len(ref.store.agreements[key].events) == len(agreement.events) + 1
    ref.reset()
    assert len(ref.store.agreements[key].events) == len(agreement.events)


def test_keep_alive_answers_do_not_stall(ref):
    """Nagle plus delayed ACK would cost ~40 ms per answer on one connection."""
    ref.por(ref.bodies.por())
    started = time.perf_counter()
    for _ in range(30):
        assert ref.por(ref.bodies.por()).status_code == 200
    assert (time.perf_counter() - started) / 30 < 0.02


def _cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "conformance.cli", "mock", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_cli_list_faults_names_each_fault_and_its_rule():
    process = _cli("--list-faults")
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    for fault in FAULTS:
        assert any(fault.name in line and fault.rule in line for line in out.splitlines())


def test_cli_refuses_an_unknown_fault():
    process = _cli("--fault", "no-such-fault")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "no-such-fault" in err


def test_cli_prints_the_base_url_serves_and_stops_on_sigterm():
    process = _cli("--host", "127.0.0.1", "--port", "0", "--fault", "gep-statuscode-as-number",
                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        client = MockClient(base_url)
        try:
            assert client.por(client.bodies.por()).json()["statusCode"] == 200  # the fault
            assert client.send("PUT", POR_PATH, {}).status_code == 401
        finally:
            client.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_the_embedded_mock_runs_in_its_own_process_and_stops_with_its_parent():
    """`conformance run` without a target serves the mock from a child process (mock.child):
    it answers, and closing its stdin (what the parent's exit does, cleanly or not) stops it."""
    import requests

    from conformance.mock.child import MockProcess

    with MockProcess("reference") as child:
        assert child.base_url.startswith("http://127.0.0.1:")
        answer = requests.post(f"{child.base_url}/__mock__/reset", timeout=10)
        assert answer.status_code == 200
        process = child._process
    assert process.poll() is not None  # stopped, not left serving


def test_an_unknown_fault_is_refused_before_a_process_starts():
    from conformance.mock.child import MockProcess
    from conformance.mock.faults import UnknownFault

    with pytest.raises(UnknownFault, match="no-such-fault"):
        MockProcess("reference", ("no-such-fault",))
