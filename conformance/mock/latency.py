"""`conformance mock --latency-ms N`: the mock as a latency-bound target, a stand-in for a
vendor sandbox (benchmarks/latency_bound.py, tests/engine/test_concurrency.py).

Every HTTP request waits N ms before the mock sees it; requests wait side by side (asyncio), as
they would on a remote server, so the latency bounds a client that sends one request at a time,
not the server. The middleware also counts requests in flight (the most at once, per kind of
client: "generated" for schemathesis' cases, which carry its test-case id header, "scripted"
for the others, and "all").
"""

import asyncio
from collections import Counter

_GENERATED_HEADER = b"x-schemathesis-testcaseid"


def client_kind(scope) -> str:
    """"generated" for schemathesis' cases, "scripted" for the others."""
    for name, _ in scope.get("headers", ()):
        if name == _GENERATED_HEADER:
            return "generated"
    return "scripted"


class Delayed:
    """ASGI middleware: `seconds` of latency before every HTTP request, in-flight counting."""

    def __init__(self, app, seconds: float):
        self.app, self.seconds = app, seconds
        self.in_flight: Counter = Counter()
        self.most_in_flight: Counter = Counter()  # per client kind, and "all"
        self.requests: Counter = Counter()

    def __getattr__(self, name: str):  # app.state and the like reach the wrapped app
        return getattr(self.app, name)

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
