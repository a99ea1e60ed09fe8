"""A new user's first hour, as the CLI shows it: what a run prints, the reports it always
leaves, and the mock started by hand certified with `--base-url` and nothing exported.

Whole runs are subprocesses (their pytest sessions are real ones) against a mock on 127.0.0.1;
each test combines several checks so the suite stays lean.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conformance import certify, mock
from conformance.cli import main
from conformance.mock.server import start_in_thread
from conformance.suite.settings import REPORT_FILES, copy_to_latest

HERE = Path(__file__).parent


def _env_without_credentials(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in mock.DEMO_CREDENTIALS}
    return {**env, **extra}


def _run(*argv: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conformance.cli", "run", *argv],
        capture_output=True, text=True, timeout=180, cwd=cwd, env=env,
    )  # fmt: skip


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_every_unset_credential_variable_is_named_in_one_line(capsys, tmp_path, monkeypatch):
    for name in mock.DEMO_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    target = tmp_path / "mine.toml"
    reference = Path(certify.targets_dir() / "reference.toml").read_text(encoding="utf-8")
    target.write_text(reference, encoding="utf-8")
    assert main(["run", "--target", str(target), "--base-url", "http://10.0.0.1"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "7 credential variables are not set" in line and line.endswith("before running")
    assert all(name in line for name in mock.DEMO_CREDENTIALS)


def test_demo_credentials_stand_in_only_for_a_loopback_url_with_the_reference_data(monkeypatch):
    for name in mock.DEMO_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)

    def args(**values):
        return argparse.Namespace(**{"target": None, "base_url": None, **values})

    assert certify._demo_credentials_for(args(base_url="http://127.0.0.1:8080")) == (
        mock.DEMO_CREDENTIALS
    )
    assert certify._demo_credentials_for(args(base_url="http://localhost:8080/x"))
    assert certify._demo_credentials_for(args(base_url="https://po.example.com")) == {}
    mine = args(base_url="http://127.0.0.1:8080", target="mine.toml")
    assert certify._demo_credentials_for(mine) == {}


def test_xdist_is_a_dependency_of_the_product_not_only_of_its_tests():
    """`conformance run -n 2` is documented: the README's `pip install -e .` must bring it."""
    project = tomllib.loads((HERE.parent / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("pytest-xdist") for r in project["dependencies"])


@pytest.mark.slow
def test_a_hand_started_mock_is_certified_with_nothing_exported(tmp_path):
    """`conformance mock` + `conformance run --base-url`, no variable exported, two workers:
    the run passes, the title names the URL, the terminal ends on the verdict."""
    with start_in_thread() as running:
        done = _run(
            "--base-url", running.base_url, "--api", "smat", "--profile", "smoke", "-n", "2",
            "--report-dir", "out", cwd=tmp_path, env=_env_without_credentials(),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "demo credentials stand in for the 7 variable(s)" in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: CONFORMANT")
    assert out.count("report.html") == 1
    assert "Generated html report" not in out and " passed in " not in out
    assert (out + done.stderr).count("bringing up nodes") <= 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["target"]["name"] == f"{running.base_url} (reference data)"
    html = (tmp_path / "out" / "report.html").read_text()
    assert f"Conformance report · {running.base_url} (reference data)" in html
    assert "reference mock" not in html
    assert not (tmp_path / ".hypothesis").exists()


@pytest.mark.slow
def test_an_unreachable_target_leaves_all_three_reports_and_a_complete_latest(tmp_path):
    """The run before left reports/latest: it is replaced by the new complete set; the cause is
    said once; the products that ran are named."""
    latest = tmp_path / "reports" / "latest"
    latest.mkdir(parents=True)
    for name in REPORT_FILES:
        (latest / name).write_text("earlier run")
    url = _dead_url()
    done = _run("--base-url", url, "--api", "po", cwd=tmp_path, env=_env_without_credentials())
    assert done.returncode == 3, done.stdout[-3000:] + done.stderr[-3000:]
    both = done.stdout + done.stderr
    assert both.count(f"[po] {url}: connection refused") == 1 and "Traceback" not in both
    assert "products run: none; not run: po (unreachable), gep, smat" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE")
    for name in REPORT_FILES:
        assert (latest / name).read_text() != "earlier run"
    junit = (latest / "junit.xml").read_text()
    assert "<testsuite" in junit
    summary = json.loads((latest / "summary.json").read_text())
    assert summary["verdict"] == "inconclusive" and list(summary["unreachable"]) == ["po"]


def test_latest_is_not_replaced_by_an_incomplete_set(tmp_path):
    run_dir, latest = tmp_path / "20260101T000000Z", tmp_path / "latest"
    for directory in (run_dir, latest):
        directory.mkdir()
    for name in REPORT_FILES:
        (latest / name).write_text("last good")
    (run_dir / "summary.json").write_text("{}")
    assert copy_to_latest(run_dir) is False
    assert all((latest / n).read_text() == "last good" for n in REPORT_FILES)
    for name in REPORT_FILES:
        (run_dir / name).write_text("new")
    assert copy_to_latest(run_dir) is True
    assert sorted(p.name for p in latest.iterdir()) == sorted(REPORT_FILES)
    assert not list(tmp_path.glob(".latest-*"))


@pytest.mark.slow
def test_a_run_interrupted_while_collecting_says_so_everywhere(tmp_path):
    """Ctrl-C during collection: three reports, no rule "needs" anything, the HTML banner says
    the run was interrupted, and the verdict is still the terminal's last line."""
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE / "engine"),
        "PYTEST_ADDOPTS": "-p interrupt_after_items",
        "INTERRUPT_AT": "collection",
    }
    done = _run("--api", "smat", "--profile", "smoke", "--report-dir", "out", cwd=tmp_path,
                env=env)
    assert done.returncode == 3, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.rstrip().splitlines()[-1].startswith("verdict: INCONCLUSIVE")
    assert "KeyboardInterrupt" not in done.stdout.split("verdict: INCONCLUSIVE")[-1]
    out = tmp_path / "out"
    assert all((out / name).is_file() for name in REPORT_FILES)
    summary = json.loads((out / "summary.json").read_text())
    reasons = [r.get("reason", "") for r in summary["rules"]]
    assert not [r for r in reasons if r.startswith("needs")], reasons
    by_id = {r["id"]: r.get("reason", "") for r in summary["rules"]}
    assert "not selected" in by_id["GEP-ENVELOPE-SHAPE"]  # left out by --api, not interrupted
    assert by_id["SMAT-UPSERT"] == "not run: the run was interrupted first"
    html = (out / "report.html").read_text()
    banner = html[html.index('id="verdict"') : html.index('class="facts"')]
    assert "interrupted" in banner


def test_a_refused_run_with_a_report_dir_leaves_three_reports_naming_the_cause(
    capsys, tmp_path, monkeypatch
):
    """CI names --report-dir and publishes its junit.xml: a usage error (here an unset
    variable) is in all three files, and still one line on the terminal, exit 2."""
    from run_helpers import summary_of

    monkeypatch.delenv("CONFORMANCE_GEP_TOKEN", raising=False)
    monkeypatch.setenv("CONFORMANCE_PO_TOKEN", "x")
    report_dir = tmp_path / "report"
    argv = ["run", "--target", str(certify.targets_dir() / "reference.toml"), "--api", "gep",
            "--base-url", "http://127.0.0.1:9", "--report-dir", str(report_dir)]
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "CONFORMANCE_GEP_TOKEN, which is not set" in line
    document = summary_of(report_dir)
    assert document["exit_code"] == 2 and "CONFORMANCE_GEP_TOKEN" in document["suite_errors"][0]
    assert "CONFORMANCE_GEP_TOKEN" in (report_dir / "junit.xml").read_text()
    assert "CONFORMANCE_GEP_TOKEN" in (report_dir / "report.html").read_text()
