"""A user's mistake is one line naming the cause and the fix, exit 2, and nothing started."""

import os
import socket
from pathlib import Path

import pytest

from conformance.cli import main


def test_unknown_product_in_api_is_refused_before_a_mock_starts(capsys):
    assert main(["run", "--api", "gep,foo"]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == "conformance: --api foo: unknown product — use gep, po and/or smat"
    assert "certifying" not in out


@pytest.mark.parametrize("option", ["--api=,", "--api=", "--rate-limit=", "--target=",
                                    "--base-url=", "--report-dir=", "--waivers=",
                                    "--baseline="])
def test_an_empty_option_value_is_refused_not_read_as_left_out(capsys, option):
    """`--api ,` selected nothing (a run with no product, exit 3), `--rate-limit ''` meant no
    limit, `--target "$TARGET"` with the variable unset certified the embedded mock (green) and
    `--report-dir ''` wrote into the working directory: an option given empty is a mistake."""
    assert main(["run", option]) == 2
    out, err = capsys.readouterr()
    name, value = option.split("=")
    assert err.strip().startswith(f"conformance: {name} {value!r}: "), err
    assert "certifying" not in out


def test_mock_port_out_of_range_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["mock", "--port", "99999"])
    assert exit_info.value.code == 2
    assert "'99999' is no port (0-65535; 0 picks a free one)" in capsys.readouterr().err


def test_mock_port_in_use_is_one_line_not_a_traceback(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["mock", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"conformance mock: cannot listen on 127.0.0.1:{port}: ")
    assert "--port 0 picks a free one" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fail-on", "new-failures"], "--fail-on new-failures needs --baseline"),
        (["--baseline", "no/such/summary.json"], "no such file"),
        (["--waivers", "{bad_toml}"], "not valid TOML"),
        (["--report-dir", "{bad_toml}"], "is a file — name a directory"),
        (["--waivers", "{other_target}"], "the waivers are for target 'acme'"),
        (["--base-url", "http://127.0.0.1:8080/?tenant=1"], "has a query string"),
        (["--base-url", "http://[::1"], "--base-url: is no URL (Invalid IPv6 URL)"),
        (["--base-url", "http://u:Hunter2pw@127.0.0.1:9"], "--base-url: carries a user name or"),
        (["--waivers", "{binary}"], "is not UTF-8 text"),
        (["--concurrency", "0"], "--concurrency 0: out of range — give 1"),
        (["--max-requests", "0"], "--max-requests 0: give a number of requests, 1 or more"),
        (["-n", "-1"], "-n -1: give a number of workers, 1 or more, or auto"),
        (["-n", "abc"], "-n abc: give a number of workers, 1 or more, or auto"),
        (["--retry-after-max", "nan"], "--retry-after-max nan: give 0 to 3600 seconds"),
        (["--concurrency", "4", "--max-requests", "10"],
         "--concurrency 4 with a request budget (--max-requests or a target file's"),
    ],
)
def test_run_options_are_refused_before_a_mock_starts(argv, message, tmp_path, capsys):
    bad_toml = tmp_path / "waivers.toml"
    bad_toml.write_text("x = [")
    other_target = tmp_path / "acme.waivers.toml"
    other_target.write_text('target = "acme"\n')
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    argv = [arg.format(bad_toml=bad_toml, other_target=other_target, binary=binary)
            for arg in argv]
    assert main(["run", *argv]) == 2
    out, err = capsys.readouterr()
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Hunter2pw" not in out + err
    assert "certifying" not in out


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_report_dir_that_cannot_be_created_is_one_line(capsys):
    """/proc looks writable to root, yet nothing can be created in it."""
    assert main(["run", "--report-dir", "/proc/conformance-x"]) == 2
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        "conformance: --report-dir /proc/conformance-x: "
        + ("cannot be created (No such file or directory)" if os.geteuid() == 0 else
           "/proc is not a writable directory")
        + " — choose a directory you can write to"
    ]
    assert "certifying" not in out


@pytest.mark.parametrize("argv", [
    ["run", "--profile", "bogus"], ["run", "--max-requests", "abc"], ["bogus"],
    ["mock", "--port", "x"],
])
def test_a_malformed_option_is_one_line_naming_the_help(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    _, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "--help" in err and "usage:" not in err


def test_a_refused_run_writes_its_cause_into_a_new_report_dir_only(tmp_path, capsys):
    """CI publishes the folder it named, so a refused run leaves its cause there; a folder
    holding an earlier run's reports (a baseline, say) is left exactly as it was (a fresh
    review saw an accepted report overwritten by a mistyped option)."""
    earlier = tmp_path / "accepted"
    earlier.mkdir()
    (earlier / "summary.json").write_text('{"verdict": "conformant"}')
    assert main(["run", "--report-dir", str(earlier), "--rate-limit", "0"]) == 2
    assert sorted(p.name for p in earlier.iterdir()) == ["summary.json"]
    assert (earlier / "summary.json").read_text() == '{"verdict": "conformant"}'
    fresh = tmp_path / "fresh"
    assert main(["run", "--report-dir", str(fresh), "--rate-limit", "0"]) == 2
    assert "usage error: --rate-limit '0'" in (fresh / "summary.json").read_text()
    assert {p.name for p in fresh.iterdir()} == {"summary.json", "junit.xml", "report.html"}
    capsys.readouterr()


def test_plain_pytest_refuses_a_mistake_with_its_usage_code_and_leaves_no_folder(tmp_path):
    """pytest's entry point: exit 4 (pytest's usage error), one line, no reports/ made."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance.suite", "-q",
         "-p", "no:cacheprovider", "--conformance-api", "foo"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 4, done.stdout + done.stderr
    assert done.stderr.strip() == (
        "ERROR: --conformance-api foo: unknown product — use gep, po and/or smat")
    assert "certifying the embedded mock" not in done.stdout  # refused before it starts
    assert list(tmp_path.iterdir()) == []


def test_a_blank_report_dir_is_refused_and_no_folder_is_made(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--report-dir", " "]) == 2
    assert "--report-dir ' ': empty" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # the refusal wrote no report into a folder ' '
