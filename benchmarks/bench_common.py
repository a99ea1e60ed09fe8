"""What the benchmark scripts share: the machine line, timed commands, a mock in its own process.

Benchmarks are scripts, not tests: they print figures (and the machine's load, since a busy
machine makes them noisy) and assert nothing about speed.
"""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from conformance.summary import comparable  # noqa: E402, F401  (re-exported for the scripts)


def machine_line() -> str:
    """Date, CPU count and model, load average: printed before every benchmark's figures."""
    model = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        model = platform.processor()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (f"{stamp} · {os.cpu_count()} cores ({model}) · Python {platform.python_version()}"
            f" · load average {load}")


def demo_environment() -> dict[str, str]:
    """The environment with the mock's demo credentials (for --base-url runs against it)."""
    from conformance import mock

    return {**os.environ, **mock.DEMO_CREDENTIALS}


def timed(argv: list[str], env: dict | None = None, cwd=None) -> tuple[float, int, str]:
    """(wall seconds, exit code, output tail) of one command, run in `cwd` (default: here)."""
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - started, done.returncode, (done.stdout + done.stderr)[-2000:]


def start_process(argv: list[str], env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """A server in its own process that prints its base URL on its first line."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env=env)
    line = process.stdout.readline().strip()
    match = re.search(r"https?://\S+", line)
    if not match:
        process.terminate()
        raise SystemExit(f"{argv[0]}: no base URL on its first line ({line!r})")
    return process, match.group(0)


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


def start_mock() -> tuple[subprocess.Popen, str]:
    """`conformance mock --port 0` in its own process, as a person would start it."""
    return start_process([PYTHON, "-m", "conformance.cli", "mock", "--port", "0"])


def conformance_run(*argv: str, env: dict | None = None) -> tuple[float, int, str]:
    return timed([PYTHON, "-m", "conformance.cli", "run", *argv], env=env)


def summary(report_dir: Path) -> dict:
    return json.loads((Path(report_dir) / "summary.json").read_text(encoding="utf-8"))


def median(values: list[float]) -> float:
    return statistics.median(values)
