"""Running the mock: uvicorn in a background thread on a socket bound before start.

Binding first makes --port 0 report the port actually chosen; TCP_NODELAY on the listening socket
(inherited by accepted sockets, and asyncio sets it too) keeps keep-alive clients clear of the
Nagle/delayed-ACK stall, since an answer's headers and body are two writes.
"""

import socket
import threading
import time

import uvicorn

from conformance.mock.app import create_app

START_TIMEOUT_SECONDS = 10


class RunningMock:
    """A mock serving in a thread; `base_url` has no trailing slash. Stop it, or use `with`."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, base_url: str,
                 app) -> None:
        self._server = server
        self._thread = thread
        self.base_url = base_url
        self.app = app  # the ASGI app served (tests read its state: app.state.mock)

    def stop(self) -> None:
        stop_all([self])

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def __enter__(self) -> "RunningMock":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def stop_all(mocks) -> None:
    """Stop several mocks at once: each takes up to a tenth of a second to notice (uvicorn's
    tick), so they are all told first, then waited for."""
    mocks = list(mocks)
    for mock in mocks:
        mock._server.should_exit = True
    for mock in mocks:
        mock._thread.join(timeout=START_TIMEOUT_SECONDS)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()  # the caller reports the error; the socket must not leak
        raise
    sock.setblocking(False)
    return sock


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> RunningMock:
    """Serve any ASGI app on host:port (0 = a free port) until `.stop()`."""
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"conformance-mock-{bound_port}")
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the mock did not start on {host}:{bound_port}")
        time.sleep(0.01)
    url_host = f"[{host}]" if ":" in host else host
    return RunningMock(server, thread, f"http://{url_host}:{bound_port}", app)


def start_in_thread(host: str = "127.0.0.1", port: int = 0, faults=(),
                    variant: str = "reference", latency_ms: float = 0) -> RunningMock:
    """Start a fresh mock (own state) with the given faults and latitude variant; with
    `latency_ms`, every request waits that long first (`mock.latency`)."""
    app = create_app(faults=faults, variant=variant)
    if latency_ms:
        from conformance.mock.latency import Delayed

        app = Delayed(app, latency_ms / 1000)
    return serve_in_thread(app, host, port)
