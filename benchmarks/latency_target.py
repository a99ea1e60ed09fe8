"""The reference mock behind a fixed added latency: a stand-in for a vendor sandbox.

    .venv/bin/python benchmarks/latency_target.py --latency-ms 100 [--port 0]

prints `serving http://127.0.0.1:PORT` and serves until interrupted. Every HTTP request waits
`--latency-ms` before the mock sees it; requests wait side by side (asyncio), as they would on a
remote server, so the latency bounds a client that sends one request at a time, not the server.
`Delayed` also counts the requests in flight (the most at once, per kind of client), which is
what tests/engine/test_concurrency.py reads. The mock package is untouched: this wraps its app.
"""

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def client_kind(scope) -> str:
    """"generated" for schemathesis' cases (they carry its test-case id header), "scripted"
    for the others."""
    for name, _ in scope.get("headers", ()):
        if name == b"x-schemathesis-testcaseid":
            return "generated"
    return "scripted"


class Delayed:
    """ASGI middleware: `seconds` of latency before every HTTP request, in-flight counting."""

    def __init__(self, app, seconds: float):
        self.app, self.seconds = app, seconds
        self.in_flight: Counter = Counter()
        self.most_in_flight: Counter = Counter()  # per client kind, and "all"
        self.requests: Counter = Counter()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        kinds = (client_kind(scope), "all")
        for kind in kinds:
            self.requests[kind] += 1
            self.in_flight[kind] += 1
            self.most_in_flight[kind] = max(self.most_in_flight[kind], self.in_flight[kind])
        try:
            await asyncio.sleep(self.seconds)
            return await self.app(scope, receive, send)
        finally:
            for kind in kinds:
                self.in_flight[kind] -= 1


def main() -> int:
    from conformance.mock.app import create_app
    from conformance.mock.server import serve_in_thread

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", type=float, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    running = serve_in_thread(Delayed(create_app(), args.latency_ms / 1000), "127.0.0.1",
                              args.port)
    print(f"serving {running.base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
