"""The mock in a process of its own, for a run that certifies the embedded mock.

In the certifying process the mock would share the interpreter lock with the suite: its share
of the CPU (about a tenth of a standard run) would be taken from the suite's one core instead of
the second one. The child is `conformance mock --port 0`, in a session of its own (a Ctrl-C to
the run does not stop it under the run's feet); it stops when the parent closes its stdin, and
so also when the parent dies without cleaning up.
"""

import subprocess
import sys
import tempfile
import threading

from conformance.mock.faults import FaultSet

START_TIMEOUT_SECONDS = 30


class MockProcess:
    """A running `conformance mock` child; `base_url` has no trailing slash. Use `with`."""

    def __init__(self, variant: str = "reference", faults: tuple[str, ...] = ()):
        FaultSet(faults)  # an unknown name raises UnknownFault here, before any process starts
        self._errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        argv = [sys.executable, "-m", "conformance.cli", "mock", "--port", "0",
                "--variant", variant, "--until-stdin-closes"]
        for name in faults:
            argv += ["--fault", name]
        self._process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, text=True,
            start_new_session=True,
        )
        self.base_url = self._first_line()

    def _first_line(self) -> str:
        """The base URL the child prints once it accepts connections."""
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self._process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        url = lines[0].strip() if lines else ""
        if not url.startswith("http://"):
            self.stop()
            self._errors.seek(0)
            why = self._errors.read().strip().splitlines()[-1:] or ["no answer"]
            raise RuntimeError(f"the embedded mock did not start: {why[0]}")
        return url

    def stop(self) -> None:
        if self._process.poll() is None:
            try:
                self._process.stdin.close()  # the child's signal to stop
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._errors):
            if stream is not None:
                stream.close()

    def __enter__(self) -> "MockProcess":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
